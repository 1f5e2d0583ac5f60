# compare-state.sh - tingle-compare --state: a run split in two gives the
# output of one run, for every source; a corrupt state file and one from
# another configuration are refused with exit 65; --save-every saves while
# the input is still open; SIGTERM saves before the exit.
set -u
fail() {
	echo "FAIL: $*"
	exit 1
}

# Count records of three groups over 48 hourly windows (epoch seconds).
awk 'BEGIN {
	for (w = 0; w < 48; w++) {
		s = 1780272000 + w * 3600
		for (g = 0; g < 3; g++)
			printf "{\"segment\":\"s%d\",\"window_start\":%d,\"window_end\":%d,\"count\":%d}\n",
			    g, s, s + 3600, (w * 7 + g * 5) % 13 + g * 10
	}
}' >all.ndjson
head -n 75 all.ndjson >first.ndjson
tail -n +76 all.ndjson >second.ndjson

for spec in "prev:4" "prev:4 --stat median" "season:1d:2" \
	"season:1d:2 --stat median" "ewma:0.3"; do
	rm -f st.json
	tingle-compare -b $spec <all.ndjson >whole.out || fail "$spec: whole run"
	tingle-compare -b $spec --state st.json <first.ndjson >one.out ||
		fail "$spec: first half"
	[ -s st.json ] || fail "$spec: no state written"
	tingle-compare -b $spec --state st.json <second.ndjson >two.out ||
		fail "$spec: second half"
	cat one.out two.out | cmp -s - whole.out ||
		fail "$spec: split run differs from one run"
	[ "$(echo st.json.*)" = 'st.json.*' ] ||
		fail "$spec: temporary file left behind"
done

# The same state loaded by a run with no input is kept as it was.
rm -f st.json
tingle-compare -b prev:4 --state st.json <all.ndjson >/dev/null
cp st.json before.json
tingle-compare -b prev:4 --state st.json </dev/null || fail "empty run"
cmp -s st.json before.json || fail "an empty run changed the state"

# Another configuration is refused, and the file is left alone.
expect_refusal() {
	want=$1
	shift
	"$@" <second.ndjson >/dev/null 2>err
	rc=$?
	[ "$rc" = 65 ] || fail "$*: exit $rc, expected 65"
	grep -q "$want" err || fail "$*: message: $(cat err)"
	cmp -s st.json before.json || fail "$*: state changed"
}
expect_refusal "was written for --baseline prev:4, not prev:5" \
	tingle-compare -b prev:5 --state st.json
expect_refusal "was written for --baseline prev:4, not ewma:0.3" \
	tingle-compare -b ewma:0.3 --state st.json
expect_refusal "was written for --stat mean, not median" \
	tingle-compare -b prev:4 --stat median --state st.json
expect_refusal "was written for --value count, not sum_x" \
	tingle-compare -b prev:4 --value sum_x --state st.json
sed 's/"segment"/"queue"/' second.ndjson >other-keys.ndjson
tingle-compare -b prev:4 --state st.json <other-keys.ndjson >/dev/null 2>err
[ $? = 65 ] || fail "other key fields accepted"
grep -q 'key fields \["segment"\], not \["queue"\]' err ||
	fail "key message: $(cat err)"
cmp -s st.json before.json || fail "state changed after key refusal"
awk '{ sub(/"window_end":[0-9]+/, "\"window_end\":9999999999"); print }' \
	second.ndjson | head -1 >other-window.ndjson
tingle-compare -b prev:4 --state st.json <other-window.ndjson >/dev/null 2>err
[ $? = 65 ] || fail "other window length accepted"
grep -q "windows of 1h, not" err || fail "window message: $(cat err)"

# A season over whole days depends on the zone.
rm -f st.json
tingle-compare -b season:1d:2 --tz Europe/Berlin --state st.json \
	<first.ndjson >/dev/null
tingle-compare -b season:1d:2 --tz America/Chicago --state st.json \
	<second.ndjson >/dev/null 2>err
[ $? = 65 ] || fail "other zone accepted"
grep -q "was written for --tz Europe/Berlin, not America/Chicago" err ||
	fail "zone message: $(cat err)"

# Corrupt state files: truncated, not JSON, a foreign JSON document, bad
# history.  Each is refused with a message naming the file.
cp before.json good.json
head -c 100 good.json >truncated.json
printf 'not json\n' >garbage.json
printf '{"hello":"world"}\n' >foreign.json
sed 's/"values":\[\[[0-9]*,/"values":[["x",/' good.json >badvalue.json
sed 's/"version":1/"version":7/' good.json >newer.json
: >empty.json
for f in truncated garbage foreign badvalue newer empty; do
	cp $f.json st.json
	tingle-compare -b prev:4 --state st.json <second.ndjson >out 2>err
	rc=$?
	[ "$rc" = 65 ] || fail "$f: exit $rc, expected 65"
	[ ! -s out ] || fail "$f: output written"
	grep -q "state file 'st.json' is corrupt" err || fail "$f: $(cat err)"
	cmp -s st.json $f.json || fail "$f: corrupt state overwritten"
done

# An unreadable state file is exit 66, an unwritable place exit 74.
if [ "$(id -u)" != 0 ]; then
	cp good.json st.json
	chmod 000 st.json
	tingle-compare -b prev:4 --state st.json </dev/null 2>err
	[ $? = 66 ] || fail "unreadable state"
	chmod 644 st.json
fi
tingle-compare -b prev:4 --state no/such/dir/st.json </dev/null 2>err
[ $? = 74 ] || fail "unwritable state: $(cat err)"
grep -q "cannot create state file 'no/such/dir/st.json'" err ||
	fail "unwritable message: $(cat err)"

# --save-every saves while the input is still open, and SIGTERM saves
# what was read before the exit.
rm -f st.json
tingle-compare -b prev:4 <all.ndjson >prev4.out
first_last=$(( (1780272000 + 24 * 3600) * 1000 ))
all_last=$(( (1780272000 + 47 * 3600) * 1000 ))
mkfifo in.fifo
tingle-compare -b prev:4 --state st.json --save-every 100ms <in.fifo \
	>live.out &
pid=$!
exec 3>in.fifo
cat first.ndjson >&3
for i in $(seq 100); do
	grep -q "$first_last" st.json 2>/dev/null && break
	sleep 0.1
done
grep -q "$first_last" st.json || fail "--save-every did not save in time"
cat second.ndjson >&3
for i in $(seq 100); do
	[ "$(wc -l <live.out)" = 144 ] && break
	sleep 0.1
done
kill -TERM $pid
wait $pid
rc=$?
exec 3>&-
[ "$rc" = 143 ] || fail "SIGTERM exit $rc"
cmp -s live.out prev4.out || fail "live output differs from a batch run"
grep -q "$all_last" st.json || fail "state after SIGTERM lacks the last window"
exit 0
