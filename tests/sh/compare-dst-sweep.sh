# compare-dst-sweep.sh - tingle-compare takes in every window that
# tingle-count writes with the same --tz, for widths and hops that do and
# do not divide the jump, across both 2026 changes of the clock in
# America/Chicago and both in Australia/Lord_Howe (a half-hour jump).
set -u
# The changes of October and November are after the suite's "now".
export TINGLE_NOW=2026-12-31T00:00:00Z
fail() {
	echo "FAIL: $*"
	exit 1
}

# Events every 37 minutes from two days before to three days after t0
# (epoch seconds), with a key so that prev: has history per group.
events() {
	awk -v t0="$1" 'BEGIN {
		for (t = t0 - 2 * 86400; t < t0 + 3 * 86400; t += 37 * 60)
			printf "{\"ts\":%d,\"k\":\"%s\"}\n", t, (t / 60) % 2 ? "a" : "b"
	}'
}

# Zone and an instant near each change: 2026-03-08 and 2026-11-01 in
# Chicago, 2026-04-05 and 2026-10-04 on Lord Howe.
for case in "America/Chicago 1772956800" "America/Chicago 1793516400" \
	"Australia/Lord_Howe 1775318400" "Australia/Lord_Howe 1791043200"; do
	set -- $case
	zone=$1
	events "$2" >in.ndjson
	for w in "-w 45m" "-w 2h --every 40m" "-w 3h --every 45m" \
		"-w 1d --every 45m" "-w 1d --every 1h" "-w 6h" \
		"-w 1d --every 40m" "-w 2h --every 20m"; do
		tingle-count $w -k k --time-field ts --tz "$zone" \
			<in.ndjson >count.out || fail "$zone $w: count failed"
		[ -s count.out ] || fail "$zone $w: count wrote nothing"
		tingle-compare -b prev:2 --strict --tz "$zone" <count.out \
			>cmp.out 2>cmp.err ||
			fail "$zone $w: compare refused count's windows: $(head -3 cmp.err)"
		[ -s cmp.err ] && fail "$zone $w: $(head -3 cmp.err)"
		[ "$(wc -l <cmp.out)" = "$(wc -l <count.out)" ] ||
			fail "$zone $w: compare dropped records"
	done
done

# Windows of a really different width next to a change, which no hop
# of count's makes, are still refused.
printf '%s\n' \
	'{"window_start":"2026-03-08T00:45:00-06:00","window_end":"2026-03-08T01:30:00-06:00","count":1}' \
	'{"window_start":"2026-03-08T03:45:00-05:00","window_end":"2026-03-08T04:15:00-05:00","count":1}' \
	>odd.ndjson
tingle-compare -b prev:2 --tz America/Chicago <odd.ndjson >/dev/null 2>odd.err
grep -q 'window of 30m, but the first was 45m' odd.err ||
	fail "a 30m window among 45m ones was taken in: $(cat odd.err)"
printf '%s\n' \
	'{"window_start":"2026-03-06T03:45:00-06:00","window_end":"2026-03-07T03:45:00-06:00","count":1}' \
	'{"window_start":"2026-03-08T03:45:00-05:00","window_end":"2026-03-09T02:45:00-05:00","count":1}' \
	>odd.ndjson
tingle-compare -b prev:2 --tz America/Chicago <odd.ndjson >/dev/null 2>odd.err
grep -q 'window of 23h, but the first was 1d' odd.err ||
	fail "a 23h window among 1d ones was taken in: $(cat odd.err)"
exit 0
