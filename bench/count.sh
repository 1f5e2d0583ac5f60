#!/usr/bin/env bash
# bench/count.sh - tingle-count against Miller, jq and gawk doing the same
# windowed group-by (count per 5-minute bucket and event) on the same
# million records, and tingle-count's peak memory with 1, 10,000 and
# 1,000,000 groups.
#
#   bench/count.sh [BINDIR]        (default: bin/ of this tree)
#
# BENCH_RECORDS changes the number of records (default 1000000).  Data is
# generated once into bench/data/.  Every tool's answer is checked against
# tingle-count's before its time counts.  Times are wall clock, the best of
# BENCH_RUNS runs (default 3) for tingle-count and one run for the others.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$top/bin}
n=${BENCH_RECORDS:-1000000}
runs=${BENCH_RUNS:-3}
data=$top/bench/data
mkdir -p "$data"
export LC_ALL=C
awk=$(command -v mawk || command -v awk)
tc=$bin/tingle-count
[ -x "$tc" ] || { echo "no $tc: run make first" >&2; exit 1; }

# ~200-byte events, 5 per second from 2026-03-01T10:00:00Z.
events=$data/count-events-$n.ndjson
if [ ! -s "$events" ]; then
	echo "generating $n events..." >&2
	$awk -v n="$n" 'BEGIN {
		srand(42)
		split("delivered opened clicked bounced deferred dropped processed spam", ev, " ")
		split("Mon Tue Wed Thu Fri Sat Sun", sg, " ")
		for (i = 0; i < n; i++) {
			ms = 1772359200000 + i * 200 + int(rand() * 200)
			s = int(ms / 1000)
			printf "{\"ts\":\"%s.%03dZ\",\"event\":\"%s\",\"email\":\"user%d@example.com\",\"template\":\"device_linked\",\"segment\":\"%s\",\"message_id\":\"<%08x.%d@mail.example.com>\",\"bytes\":%d}\n",
				strftime("%Y-%m-%dT%H:%M:%S", s, 1), ms % 1000,
				ev[1 + int(rand() * 8)], int(rand() * 50000),
				sg[1 + int(rand() * 7)], int(rand() * 2147483647), i,
				500 + int(rand() * 90000)
		}
	}' >"$events.tmp" 2>/dev/null || {
		# mawk has no strftime: fall back to gawk.
		gawk -v n="$n" 'BEGIN { srand(42)
			split("delivered opened clicked bounced deferred dropped processed spam", ev, " ")
			split("Mon Tue Wed Thu Fri Sat Sun", sg, " ")
			for (i = 0; i < n; i++) {
				ms = 1772359200000 + i * 200 + int(rand() * 200); s = int(ms / 1000)
				printf "{\"ts\":\"%s.%03dZ\",\"event\":\"%s\",\"email\":\"user%d@example.com\",\"template\":\"device_linked\",\"segment\":\"%s\",\"message_id\":\"<%08x.%d@mail.example.com>\",\"bytes\":%d}\n",
					strftime("%Y-%m-%dT%H:%M:%S", s, 1), ms % 1000, ev[1 + int(rand() * 8)],
					int(rand() * 50000), sg[1 + int(rand() * 7)], int(rand() * 2147483647), i,
					500 + int(rand() * 90000) } }' >"$events.tmp"
	}
	mv "$events.tmp" "$events"
fi

# Run "$@" with output to $out; sets secs (wall) and kb (peak RSS).
measure() {
	local t
	/usr/bin/time -o "$data/count-time.txt" -f '%e %M' "$@" >"$out" 2>/dev/null
	t=$(tail -1 "$data/count-time.txt")
	secs=${t% *}
	kb=${t#* }
}

best() {
	local b=""
	for _ in $(seq "$runs"); do
		measure "$@"
		if [ -z "$b" ] || awk "BEGIN { exit !($secs < $b) }"; then b=$secs; fi
	done
	secs=$b
}

norm=$data/count-expected.txt
out=$data/count-out.txt

# tingle-count: "bucket event count" lines, sorted, are the answer.
best "$tc" -w 5m -k event "$events"
tsecs=$secs
jq -r '"\(.window_start) \(.event) \(.count)"' "$out" | sort >"$norm"
echo "tingle-count -w 5m -k event: $n records in ${tsecs}s ($(awk "BEGIN { printf \"%.0f\", $n / $tsecs }") records/s), $(wc -l <"$norm") windows x events"

compare() {
	local name=$1 secs=$2
	if ! cmp -s "$norm" "$data/count-other.txt"; then
		echo "$name: DIFFERENT ANSWER (see $data/count-other.txt)"
		return 1
	fi
	awk -v name="$name" -v s="$secs" -v t="$tsecs" 'BEGIN { printf "%-40s %8.2fs  tingle-count is %.1fx faster\n", name, s, s / t }'
}

# The others compute the bucket from the text of the time (its minute
# rounded down to 5), the cheapest correct way for UTC times, so they are
# not slowed down by parsing times as tingle-count does.
status=0
if command -v mlr >/dev/null; then
	measure mlr --ijsonl --ojsonl put '$bucket = substr1($ts, 1, 14) . fmtnum((int("1" . substr1($ts, 15, 16)) - 100) // 5 * 5, "%02d") . ":00Z"' then count -g bucket,event "$events"
	jq -r '"\(.bucket) \(.event) \(.count)"' "$out" | sort >"$data/count-other.txt"
	compare "mlr put \$bucket then count -g" "$secs" || status=1
fi
if command -v jq >/dev/null; then
	measure jq -n -r 'reduce inputs as $r ({}; ($r.ts[14:16] | tonumber) as $m | .["\($r.ts[0:14])\($m - $m % 5 | if . < 10 then "0\(.)" else "\(.)" end):00Z \($r.event)"] += 1) | to_entries[] | "\(.key) \(.value)"' "$events"
	sort "$out" >"$data/count-other.txt"
	compare "jq -n 'reduce inputs ...'" "$secs" || status=1
fi
if command -v gawk >/dev/null; then
	measure gawk '{
		match($0, /"ts":"([^"]*)"/, t)
		match($0, /"event":"([^"]*)"/, e)
		m = substr(t[1], 15, 2) + 0
		c[substr(t[1], 1, 14) sprintf("%02d", m - m % 5) ":00Z " e[1]]++
	} END { for (k in c) print k, c[k] }' "$events"
	sort "$out" >"$data/count-other.txt"
	compare "gawk match() and an array" "$secs" || status=1
fi

# Peak memory by number of groups: a million events in one window, with
# 1, 10,000 or 1,000,000 distinct keys of 8 to 10 bytes of JSON.
echo "peak memory of tingle-count -w 5m -k event, one window:"
base_kb=""
for g in 1 10000 1000000; do
	f=$data/count-groups-$g-$n.ndjson
	[ -s "$f" ] || $awk -v n="$n" -v g="$g" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "{\"ts\":%d,\"event\":\"e%d\",\"pad\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}\n",
				1772359200 + int(i * 250 / n), (i * 7919) % g
	}' >"$f"
	measure "$tc" -w 5m -k event "$f"
	[ -n "$base_kb" ] || base_kb=$kb
	per=$(awk -v k="$kb" -v b="$base_kb" -v g="$g" 'BEGIN { if (g > 1) printf "%.0f bytes per group", (k - b) * 1024 / (g - 1); else printf "baseline" }')
	printf '  %8d groups: %7d KB peak in %5.2fs  (%s)\n' "$g" "$kb" "$secs" "$per"
done
rm -f "$out" "$data/count-other.txt" "$data/count-time.txt"
exit $status
