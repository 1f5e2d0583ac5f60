# state-file-links.sh - --state of tingle-compare and tingle-alert: a state
# path that is a symbolic link is refused with exit 66 and read through
# nowhere; a saved state keeps only the permission bits of the file it
# replaces (never setuid, setgid or sticky); a state file that is not
# JSON is reported by name and position, without quoting its bytes.
set -u
fail() {
	echo "FAIL: $*"
	exit 1
}

rec='{"segment":"a","window_start":1780272000,"window_end":1780275600,"count":3}'
echo "$rec" >in.ndjson
printf 'root:SECRET-HASH:19000:0:99999:7:::\n' >secret

for s in compare alert; do
	case $s in
	compare) run() { tingle-compare -b prev:3 "$@"; } ;;
	alert) run() { tingle-alert -k segment -r 'big: count > 1' "$@"; } ;;
	esac
	rm -f st st.lock

	# A link is not followed, not even to read.
	ln -s secret st
	run --state st <in.ndjson >out 2>err
	rc=$?
	[ "$rc" = 66 ] || fail "$s: state through a link: exit $rc: $(cat err)"
	grep -q "^tingle-$s: refusing to read state file 'st': it is a symbolic link\$" err ||
		fail "$s: state through a link: $(cat err)"
	grep -q SECRET err && fail "$s: the link's target was shown"
	[ -L st ] || fail "$s: the link was replaced"
	grep -q SECRET-HASH secret || fail "$s: the link's target changed"
	rm st

	# Neither is a FIFO read (it would block) or taken for a state.
	mkfifo st
	run --state st <in.ndjson >out 2>err
	rc=$?
	[ "$rc" = 66 ] || fail "$s: FIFO as state: exit $rc: $(cat err)"
	grep -q "'st': it is not a regular file" err ||
		fail "$s: FIFO as state: $(cat err)"
	rm st

	# Bytes of a file that is not a state file are not shown.
	cp secret st
	run --state st <in.ndjson >out 2>err
	rc=$?
	[ "$rc" = 65 ] || fail "$s: not a state file: exit $rc: $(cat err)"
	grep -q SECRET err && fail "$s: state file quoted: $(cat err)"
	grep -q "root" err && fail "$s: state file quoted: $(cat err)"
	grep -q "st.*1.*4.*invalid syntax" err ||
		fail "$s: no position or reason: $(cat err)"
	rm st

	# Set-id and sticky bits of an old state are not carried over.
	run --state st <in.ndjson >out 2>err || [ $s = alert ] ||
		fail "$s: first run: $(cat err)"
	chmod 7777 st
	run --state st <in.ndjson >out 2>err || [ $s = alert ] ||
		fail "$s: second run: $(cat err)"
	mode=$(stat -c %a st)
	[ "$mode" = 666 ] || fail "$s: saved with mode $mode, not 666"
	chmod 4640 st
	run --state st <in.ndjson >out 2>err || [ $s = alert ] ||
		fail "$s: third run: $(cat err)"
	mode=$(stat -c %a st)
	[ "$mode" = 640 ] || fail "$s: saved with mode $mode, not 640"
	rm -f st
done
exit 0
