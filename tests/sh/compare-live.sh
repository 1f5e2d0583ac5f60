# compare-live.sh - tingle-compare --against in a live pipeline: both
# inputs are read as they arrive, a window is written once both inputs
# have passed it, --idle writes it when an input goes quiet, process
# substitution works, and SIGTERM writes what is pending.
set -u
fail() {
	echo "FAIL: $*"
	exit 1
}

# rec SEGMENT HOUR COUNT: a count record of the hour starting at HOUR.
rec() {
	s=$((1780272000 + $2 * 3600))
	printf '{"segment":"%s","window_start":%d,"window_end":%d,"count":%d}\n' \
		"$1" $s $((s + 3600)) "$3"
}

# wait_lines FILE N: wait up to 20 s for FILE to hold N lines.
wait_lines() {
	for i in $(seq 200); do
		[ "$(wc -l <"$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# Both inputs are FIFOs that stay open.
mkfifo obs.fifo oth.fifo
tingle-compare --against oth.fifo --rate 0.5 obs.fifo >out 2>err &
pid=$!
exec 4>oth.fifo 3>obs.fifo
rec a 0 5 >&3
rec b 0 1 >&3
rec a 0 10 >&4
rec b 0 2 >&4
rec c 0 8 >&4
# Hour 0 is open on both sides: nothing may be written yet.
rec a 1 6 >&3
sleep 0.5
[ ! -s out ] || fail "window written before the other input passed it"
rec a 1 12 >&4
wait_lines out 3 || fail "window not written once both passed it"
sed -n 1p out | grep -q '"segment":"a".*"count":5,"expected":5,"ratio":1,' ||
	fail "line 1: $(sed -n 1p out)"
sed -n 2p out | grep -q '"segment":"b".*"count":1,"expected":1,' ||
	fail "line 2: $(sed -n 2p out)"
sed -n 3p out | grep -q '"segment":"c".*"count":0,"expected":4,"ratio":0,' ||
	fail "line 3: $(sed -n 3p out)"
[ "$(wc -l <out)" = 3 ] || fail "hour 1 written too early"
# The end of both inputs writes the rest.
exec 3>&- 4>&-
wait $pid || fail "exit status $?"
[ "$(wc -l <out)" = 4 ] || fail "hour 1 missing at the end"
tail -1 out | grep -q '"count":6,"expected":6,' || fail "last: $(tail -1 out)"
[ ! -s err ] || fail "stderr: $(cat err)"

# --idle: inputs that stay open but quiet release their windows.
rm -f out
tingle-compare --against oth.fifo --idle 500ms obs.fifo >out 2>err &
pid=$!
exec 4>oth.fifo 3>obs.fifo
rec a 0 5 >&3
rec a 0 10 >&4
wait_lines out 1 || fail "--idle did not release the window"
grep -q '"count":5,"expected":10,' out || fail "--idle: $(cat out)"
# A record for that window now is late: reported, not lost.
rec a 0 7 >&3
wait_lines out 2 || fail "late observed record not written"
tail -1 out | grep -q '"count":7,"expected":null,' ||
	fail "late record: $(tail -1 out)"
grep -q 'window already compared' err || fail "late record not reported"
exec 3>&- 4>&-
wait $pid

# Process substitution and files give the same answer as FIFOs.
{
	rec a 0 5
	rec a 1 6
	rec a 2 7
} >obs.ndjson
{
	rec a 0 10
	rec b 1 4
	rec a 2 14
} >oth.ndjson
tingle-compare --name o --against oth.ndjson obs.ndjson >file.out ||
	fail "files: exit $?"
tingle-compare --name o --against <(cat oth.ndjson) <(cat obs.ndjson) >subst.out ||
	fail "process substitution: exit $?"
cmp -s file.out subst.out || fail "process substitution differs"
[ "$(wc -l <file.out)" = 4 ] || fail "files: $(cat file.out)"
cat obs.ndjson | tingle-compare --name o --against <(sleep 1; cat oth.ndjson) \
	>slow.out || fail "slow other input: exit $?"
cmp -s file.out slow.out || fail "slow other input differs"

# SIGTERM writes the pending windows and exits 128 + 15.
tingle-compare --against oth.fifo obs.fifo >out 2>err &
pid=$!
exec 4>oth.fifo 3>obs.fifo
rec a 0 5 >&3
rec a 0 10 >&4
# A bad line after each record shows when it has been read.
echo 'sync-obs' >&3
echo 'sync-oth' >&4
for i in $(seq 200); do
	[ "$(grep -c 'invalid JSON\|unexpected\|at column' err)" -ge 2 ] && break
	sleep 0.1
done
[ "$(grep -c 'at column' err)" -ge 2 ] || fail "records not read: $(cat err)"
kill -TERM $pid
wait $pid
rc=$?
exec 3>&- 4>&-
[ "$rc" = 143 ] || fail "SIGTERM: exit $rc"
grep -q '"count":5,"expected":10,' out || fail "SIGTERM lost: $(cat out)"
exit 0
