# A reader that goes away does not cost tingle-compare and tingle-alert
# their --state: the stage still ends quietly, killed by SIGPIPE, but
# after its hooks have run and its state is saved, so the next run does
# not page again for the same alert.
set -u
. "$TINGLE_TOP/tests/sh/fault.bash"

records 5 >in.ndjson
printf '%s\n' 'printf "%s %s\n" "$TINGLE_G" "$TINGLE_WINDOW_END" >>pages' >hook.sh

# closed_run CMD: run CMD with its standard output on a pipe that has no
# reader any more (a FIFO opened for reading and writing, then for
# writing, then closed for reading), so its first write fails.  Sets rc.
closed_run() {
	rm -f out.fifo
	mkfifo out.fifo
	exec 6<>out.fifo 7>out.fifo 6<&-
	eval "$1" >&7 2>err
	rc=$?
	exec 7>&-
}

for s in compare alert; do
	have "$s" || continue
	rm -f state pages
	case $s in
	compare) cmd="tingle-compare -b prev:2 -k g --state state" ;;
	alert) cmd="tingle-alert -k g -r 'low: count < 10' --exec 'sh hook.sh' --state state" ;;
	esac
	closed_run "$cmd in.ndjson"
	[ "$rc" = 141 ] || fail "$s: closed output: status $rc: $(cat err)"
	[ -s err ] && fail "$s: closed output: stderr: $(cat err)"
	[ -s state ] || fail "$s: closed output: no state saved"
	case $s in
	compare)
		jq -e '.' state >/dev/null || fail "compare: state: $(cat state)"
		;;
	alert)
		[ "$(wc -l <pages)" = 3 ] || fail "alert: pages: $(cat pages)"
		eval "$cmd" <in.ndjson >out 2>err
		rc=$?
		[ "$rc" = 1 ] || fail "alert: next run: status $rc: $(cat err)"
		[ "$(wc -l <pages)" = 3 ] || fail "alert: paged again: $(cat pages)"
		;;
	esac
done

# A live stream: the reader goes away while input is still coming.
if have alert; then
	rm -f state pages in
	mkfifo in
	closed_run "tingle-alert -k g -r 'low: count < 10' --exec 'sh hook.sh' --state state <in & pid=\$!; exec 3>in; cat in.ndjson >&3; wait \$pid"
	exec 3>&-
	[ "$rc" = 141 ] || fail "alert, live: closed output: status $rc: $(cat err)"
	[ -s err ] && fail "alert, live: closed output: stderr: $(cat err)"
	[ -s state ] || fail "alert, live: closed output: no state saved"
fi
done_checks
