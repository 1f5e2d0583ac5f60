# compare-sigterm.sh - tingle-compare --against waiting on two inputs that
# stay open and silent ends at once on SIGTERM (exit 143), however the
# signal falls against its poll.
set -u
fail() {
	echo "FAIL: $*"
	exit 1
}

mkfifo obs.fifo oth.fifo
for i in $(seq 8); do
	tingle-compare --against oth.fifo obs.fifo >out 2>err &
	pid=$!
	exec 4>oth.fifo 3>obs.fifo
	# Vary the moment, so some signals land as the wait begins.
	sleep "0.0$((RANDOM % 10))"
	kill -TERM $pid
	for t in $(seq 20); do
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 $pid 2>/dev/null; then
		kill -KILL $pid
		fail "run $i: still running 2 s after SIGTERM"
	fi
	wait $pid
	rc=$?
	exec 3>&- 4>&-
	[ $rc = 143 ] || fail "run $i: exit status $rc, not 143: $(cat err)"
	[ ! -s out ] || fail "run $i: output: $(cat out)"
done
exit 0
