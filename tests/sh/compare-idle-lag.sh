# compare-idle-lag.sh - tingle-compare --against --idle: an input that lags
# behind the other is waited for, not taken for silent; an input that has
# delivered records and then goes quiet still gets its zero counts, and so,
# one window length later, does one that never says anything.
set -u
fail() {
	echo "FAIL: $*"
	exit 1
}

# wait_lines FILE N: wait up to 20 s for FILE to hold N lines.
wait_lines() {
	for i in $(seq 200); do
		[ "$(wc -l <"$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# The observed input lags: its first record comes long after the other
# input's and after --idle. It must be compared, not preceded by a 0.
mkfifo obs oth
W='"window_start":"2026-04-01T00:00:00Z","window_end":"2026-04-02T00:00:00Z"'
(sleep 0.2; echo "{\"segment\":\"a\",$W,\"count\":30}"; sleep 3) >oth &
(sleep 2; echo "{\"segment\":\"a\",$W,\"count\":28}") >obs &
tingle-compare --against oth --rate 0.9 --idle 500ms <obs >out 2>err ||
	fail "lagging input: exit $?"
wait
[ "$(wc -l <out)" = 1 ] || fail "lagging input: $(cat out)"
grep -q '"count":28,"expected":27,' out || fail "lagging input: $(cat out)"
[ ! -s err ] || fail "lagging input: stderr: $(cat err)"

# rec SEGMENT SECOND COUNT: a count record of the 1-second window at SECOND.
rec() {
	s=$((1780272000 + $2))
	printf '{"segment":"%s","window_start":%d,"window_end":%d,"count":%d}\n' \
		"$1" $s $((s + 1)) "$3"
}

# The observed input stops after its first window, its writer still alive:
# the next window is written with count 0 once it has been quiet for --idle.
rm -f out err
tingle-compare --against oth --idle 500ms obs >out 2>err &
pid=$!
exec 4>oth 3>obs
rec a 0 5 >&3
rec a 0 10 >&4
rec a 1 12 >&4
wait_lines out 2 || fail "stopped input: window not released: $(cat out)"
sed -n 1p out | grep -q '"count":5,"expected":10,' || fail "stopped: $(cat out)"
sed -n 2p out | grep -q '"count":0,"expected":12,"ratio":0,' ||
	fail "stopped input: $(cat out)"
# Its record arriving now is late: written with nothing, and reported.
rec a 1 11 >&3
wait_lines out 3 || fail "late record not written"
tail -1 out | grep -q '"count":11,"expected":null,' || fail "late: $(cat out)"
grep -q 'obs:2: window already compared' err || fail "late: $(cat err)"
exec 3>&- 4>&-
wait $pid || fail "stopped input: exit $?"

# The observed input never says anything: after one window length (1 s)
# more than --idle, the other input's window is written with count 0.
rm -f out err
tingle-compare --against oth --idle 500ms obs >out 2>err &
pid=$!
exec 4>oth 3>obs
rec a 0 10 >&4
wait_lines out 1 || fail "silent input: window never released"
grep -q '"count":0,"expected":10,"ratio":0,' out || fail "silent: $(cat out)"
exec 3>&- 4>&-
wait $pid || fail "silent input: exit $?"
[ ! -s err ] || fail "silent input: stderr: $(cat err)"
exit 0
