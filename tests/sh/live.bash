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

# wait_lines FILE N: wait up to 10 s for FILE to hold N lines, else fail
# showing what it holds.
wait_lines() {
	for _ in $(seq 1 100); do
		[ "$(wc -l <"$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	fail "waited for $2 lines in $1, have: $(cat "$1")"
}
