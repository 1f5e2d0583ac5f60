# SIGTERM and SIGINT in the middle of a live stream: every stage, reading
# a FIFO whose writer is still there, writes what is complete and exits
# with 128 + the signal, quietly.  tingle-count writes the windows that
# are complete and not the one still open (a partial count would look
# like a drop); compare and alert save their --state.
set -u
. "$TINGLE_TOP/tests/sh/fault.bash"

# wait_lines FILE N: wait up to 20 s for FILE to have N lines.
wait_lines() {
	for _ in $(seq 1 200); do
		[ "$(wc -l <"$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	fail "waited for $2 lines in $1, have: $(cat "$1")"
}

# Records in minutes 0 to 4 of event time: windows 0-3 are complete
# once the record of minute 4 is in; window 4 is still open.
records 5 >in.ndjson

for s in $STAGES; do
	have "$s" || continue
	cmd=$(stage_cmd "$s")
	for sig in TERM INT; do
		state=""
		case $s in compare | alert) state="--state state.$s" ;; esac
		rm -f in out err "state.$s"
		mkfifo in
		eval "exec $cmd $state" <in >out 2>err &
		pid=$!
		exec 3>in
		cat in.ndjson >&3
		case $s in
		count) want=9 ;; # 4 windows, with zeros for groups seen before
		*) want=5 ;;
		esac
		wait_lines out "$want"
		kill -"$sig" "$pid"
		wait "$pid"
		rc=$?
		exec 3>&-
		case $sig in TERM) code=143 ;; INT) code=130 ;; esac
		[ "$rc" = "$code" ] || fail "$s: SIG$sig: status $rc: $(cat err)"
		[ -s err ] && fail "$s: SIG$sig: stderr: $(cat err)"
		all_json out || fail "$s: SIG$sig: output torn: $(cat out)"
		[ "$(wc -l <out)" = "$want" ] ||
			fail "$s: SIG$sig: $(wc -l <out) records, want $want: $(cat out)"
		if [ "$s" = count ]; then
			[ "$(jq -s 'map(.count) | add' out)" = 4 ] ||
				fail "count: SIG$sig: counts: $(cat out)"
			jq -e 'select(.window_start == "2026-06-15T00:04:00Z")' out >/dev/null &&
				fail "count: SIG$sig: the open window was written: $(cat out)"
		fi
		if [ -n "$state" ]; then
			[ -s "state.$s" ] || fail "$s: SIG$sig: no state saved"
		fi
	done
done
done_checks
