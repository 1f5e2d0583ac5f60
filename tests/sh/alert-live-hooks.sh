# alert-live-hooks.sh - tingle-alert on a live stream: an alert reaches
# standard output while the input is still open, a hook that hangs is
# stopped at its time limit without waiting for more input, and SIGTERM
# stops hooks still running, saves the state and exits 143.
set -u

fail() { echo "FAIL: $*"; for f in out err; do [ -f $f ] && sed "s/^/$f: /" $f; done; exit 1; }

# Wait up to 10 s for a file to contain a pattern.
wait_for() {
	for _ in $(seq 100); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# A process that still runs (a zombie waiting to be reaped does not).
alive() {
	s=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	case $s in Z*|'') return 1 ;; esac
	return 0
}

rec() {
	printf '{"segment":"%s","window_start":"2026-06-%02dT00:00:00Z","window_end":"2026-06-%02dT00:00:00Z","ratio":%s}\n' \
	    "$1" "$2" $(($2 + 1)) "$3"
}

cat >hang.sh <<'EOF'
echo $$ >>hook.pids
sleep 60 &
echo $! >>hook.pids
wait
EOF

# 1. Live input: the alert is written and the hook stopped at 1 s while
#    the writer keeps the pipe open.
mkfifo live
tingle-alert --exec-timeout 1s --exec 'sh hang.sh' -r 'low: ratio < 0.2' \
    <live >out 2>err &
pid=$!
exec 3>live
rec Sun 1 0.1 >&3
wait_for out '"state":"firing"' || fail "alert not written while the input is open"
wait_for err "timed out after 1s, stopped" || fail "hanging hook not stopped while the input is open"
rec Sun 2 0.9 >&3
wait_for out '"state":"resolved"' || fail "resolved alert not written"
exec 3>&-
wait $pid
rc=$?
[ $rc -eq 0 ] || fail "exit status $rc, expected 0"
[ "$(grep -c 'timed out' err)" -eq 2 ] || fail "expected two timed-out hooks"
for p in $(cat hook.pids); do
	if alive "$p"; then fail "hook process $p survived its time limit"; fi
done
rm -f hook.pids out err

# 2. SIGTERM while a hook runs: the hook's processes are stopped, the state
#    is saved, and the exit status is 128 + SIGTERM.
mkfifo live2
tingle-alert --state state.json --exec-timeout 60s --exec 'sh hang.sh' \
    -r 'low: ratio < 0.2' <live2 >out 2>err &
pid=$!
exec 4>live2
rec Sun 1 0.1 >&4
wait_for out '"state":"firing"' || fail "alert not written before SIGTERM"
wait_for hook.pids . || fail "hook did not start"
sleep 0.2
kill -TERM $pid
for _ in $(seq 100); do
	kill -0 $pid 2>/dev/null || break
	sleep 0.1
done
kill -0 $pid 2>/dev/null && fail "tingle-alert did not stop within 10 s of SIGTERM"
wait $pid
rc=$?
exec 4>&-
[ $rc -eq 143 ] || fail "exit status $rc after SIGTERM, expected 143"
grep -q "interrupted before it finished" err || fail "interrupted hook not reported"
grep -q '"state":"firing"' state.json || fail "state not saved on SIGTERM"
sleep 0.2
for p in $(cat hook.pids); do
	if alive "$p"; then fail "hook process $p survived SIGTERM"; fi
done
exit 0
