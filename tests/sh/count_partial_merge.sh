#!/usr/bin/env bash
# tingle-count --partial on shards of an input, then --merge, gives the
# records of one run over the whole input: split -n l/4 and GNU parallel,
# shards in any order, tumbling and hopping windows, every aggregate,
# zero fill and --keys.
set -euo pipefail
# The events are in November 2026: windows are final once the clock has
# passed them.
export TINGLE_NOW=2027-01-01T00:00:00Z
command -v parallel >/dev/null || { echo "GNU parallel is not installed"; exit 77; }

# 24000 events over 3 hours of 2026-11-01 (a 25-hour day in Chicago),
# out of order by up to a minute, so nothing is late with --lateness 2m.
awk 'BEGIN {
	srand(11)
	split("Mon Tue Wed Thu Fri Sat Sun", seg, " ")
	split("free pro team", plan, " ")
	base = 1793509200 + 3000
	for (i = 0; i < 24000; i++) {
		t = base + i * 0.45 + int(rand() * 60)
		s = seg[1 + int(rand() * 7)]
		if (i > 6000 && i < 18000 && s == "Sun")
			continue   # a segment falls silent for 90 minutes
		printf "{\"ts\":%.3f,\"segment\":\"%s\",\"plan\":\"%s\",\"user\":\"u%d\",\"bytes\":%d.%02d}\n",
			t, s, plan[1 + int(rand() * 3)], int(rand() * 500),
			int(rand() * 9000), int(rand() * 100)
	}
}' >in.ndjson
printf '%s\n' '{"segment":"Hol","plan":"free"}' '{"segment":"Sun","plan":"free"}' >keys.ndjson

split -n l/4 in.ndjson part.
[ "$(ls part.* | wc -l)" -eq 4 ] || { echo "split made no 4 parts"; exit 1; }

check() {
	local name=$1
	shift
	local opts=(--max-ahead 0 "$@")
	tingle-count "${opts[@]}" in.ndjson >whole.ndjson 2>whole.err
	[ ! -s whole.err ] || { echo "$name: the single run complained:"; cat whole.err; exit 1; }
	[ "$(grep -c '"count":0,' whole.ndjson)" -gt 0 ] || { echo "$name: no zeros"; exit 1; }

	# The four parts of split, counted in parallel.
	parallel --will-cite -j4 -k "tingle-count ${opts[*]} --partial {}" ::: part.* >partials.ndjson
	tingle-count "${opts[@]}" --merge partials.ndjson >merged.ndjson
	cmp whole.ndjson merged.ndjson || { echo "$name: merge of split parts differs"; diff whole.ndjson merged.ndjson | head; exit 1; }

	# Shards in any order give the same.
	tac partials.ndjson | tingle-count "${opts[@]}" --merge >merged2.ndjson
	cmp whole.ndjson merged2.ndjson || { echo "$name: merge depends on order"; exit 1; }

	# parallel --pipe cutting the input into blocks.
	cat part.* | parallel --will-cite --pipe --block 300k -j4 \
		tingle-count "${opts[@]}" --partial | tingle-count "${opts[@]}" --merge >merged3.ndjson
	cmp whole.ndjson merged3.ndjson || { echo "$name: merge of parallel --pipe blocks differs"; exit 1; }
	echo "$name: $(wc -l <whole.ndjson) records, merge identical"
}

aggs=(--distinct user --sum bytes --min bytes --max bytes --avg bytes)
check tumbling -w 5m -k segment -k plan "${aggs[@]}" --lateness 2m --tz America/Chicago --keys keys.ndjson
check hopping -w 1h --every 10m -k segment "${aggs[@]}" --lateness 2m --tz America/Chicago
check forget -w 1m -k segment -k plan --distinct user --lateness 2m --forget 10m
