# The signals that end a process by default and that a user or a
# supervisor sends (SIGHUP when a terminal or an ssh session goes away,
# SIGUSR1, SIGUSR2, SIGALRM) stop tingle-compare and tingle-alert the way
# SIGTERM does: what is complete is written, --state is saved, the exit
# status is 128 + the signal.  So a hook that has paged is not run again
# for the same alert by the next run.  A write past the file size limit
# (SIGXFSZ) is a write error, exit 74, not a kill.
set -u
. "$TINGLE_TOP/tests/sh/fault.bash"

# wait_lines FILE N: wait up to 20 s for FILE to have N lines.
wait_lines() {
	for _ in $(seq 1 200); do
		[ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	fail "waited for $2 lines in $1, have: $(cat "$1" 2>/dev/null)"
}

# Five windows of groups g0, g1, g2 with counts 0 to 4: the rule below
# fires once for each group.
records 5 >in.ndjson
printf '%s\n' 'printf "%s %s\n" "$TINGLE_G" "$TINGLE_WINDOW_END" >>pages' >hook.sh

for s in compare alert; do
	have "$s" || continue
	for sig in HUP USR1 USR2 ALRM; do
		rm -f in out err state pages
		case $s in
		compare) cmd="tingle-compare -b prev:2 -k g --state state" want=5 ;;
		alert) cmd="tingle-alert -k g -r 'low: count < 10' --exec 'sh hook.sh' --state state" want=3 ;;
		esac
		mkfifo in
		eval "exec $cmd" <in >out 2>err &
		pid=$!
		exec 3>in
		cat in.ndjson >&3
		case $s in
		compare) wait_lines out "$want" ;;
		alert) wait_lines pages "$want" ;;
		esac
		kill -"$sig" "$pid"
		wait "$pid"
		rc=$?
		exec 3>&-
		code=$((128 + $(kill -l "$sig")))
		[ "$rc" = "$code" ] || fail "$s: SIG$sig: status $rc, want $code: $(cat err)"
		[ -s err ] && fail "$s: SIG$sig: stderr: $(cat err)"
		all_json out || fail "$s: SIG$sig: output torn: $(cat out)"
		[ -s state ] || fail "$s: SIG$sig: no state saved"
		if [ "$s" = alert ]; then
			# The next run over the same input announces nothing.
			eval "$cmd" <in.ndjson >out 2>err
			rc=$?
			[ "$rc" = 1 ] || fail "alert: SIG$sig: next run: status $rc: $(cat err)"
			[ "$(wc -l <pages)" = 3 ] ||
				fail "alert: SIG$sig: paged again: $(cat pages)"
		fi
	done
done

# A file size limit: the write fails with EFBIG and is reported.
records 1000 >big.ndjson
for s in $STAGES; do
	have "$s" || continue
	cmd=$(stage_cmd "$s")
	(ulimit -f 4 && eval "exec $cmd big.ndjson" >out 2>err)
	rc=$?
	[ "$rc" = 74 ] || fail "$s: past the file size limit: status $rc: $(cat err)"
	grep -q 'write error on standard output: File too large' err ||
		fail "$s: past the file size limit: stderr: $(cat err)"
done
done_checks
