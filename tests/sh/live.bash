# live.bash - functions the tests of a stage on a live stream share (a
# FIFO held open, output read while the stage runs); they source it.  Not
# a test itself: tests/run only runs *.sh.

# fail MESSAGE: say it, show out.ndjson and err, exit 1.
fail() {
	echo "FAIL: $*"
	echo "--- output"
	cat out.ndjson 2>/dev/null
	echo "--- stderr"
	cat err 2>/dev/null
	exit 1
}

# wait_for PATTERN N: wait up to 15 s until grep -c PATTERN out.ndjson
# reaches N.
wait_for() {
	local pattern=$1 n=$2
	for _ in $(seq 150); do
		[ "$(grep -c -- "$pattern" out.ndjson || true)" -ge "$n" ] && return 0
		sleep 0.1
	done
	return 1
}
