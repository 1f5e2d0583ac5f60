#!/usr/bin/env bash
# tingle-count on real data: a Postfix log through tingle-parse, and
# Zendesk ticket records with --time-field.  Every parsed event is counted
# exactly once, in order or not, whatever the zone and window; the partial
# and merge path gives the same; windows are consecutive.
set -euo pipefail
[ -n "${TINGLE_CORPUS:-}" ] || { echo "no corpus (TINGLE_CORPUS is empty)"; exit 77; }
command -v jq >/dev/null || { echo "jq is not installed"; exit 77; }

tingle-parse -f postfix "$TINGLE_CORPUS/postfix-maillog-rfc3339.log" >mail.ndjson 2>/dev/null
n=$(wc -l <mail.ndjson)
[ "$n" -gt 200 ] || { echo "only $n records parsed"; exit 1; }

for w in "15m" "1h --tz Europe/Berlin" "1d --tz America/Chicago" "2h --every 30m --tz Asia/Kolkata"; do
	# The log covers a few days; shuffled by sort, --lateness 30d keeps
	# every event.
	opts="-w $w -k program -k status --distinct queue_id --lateness 30d"
	sort -t, -k4 mail.ndjson | tingle-count $opts >out.ndjson 2>err
	[ ! -s err ] || { echo "-w $w: diagnostics:"; cat err; exit 1; }
	total=$(jq -s 'map(.count) | add' out.ndjson)
	case $w in
	*--every*) want=$((n * 4)) ;; # each event is in 4 windows
	*) want=$n ;;
	esac
	[ "$total" = "$want" ] || { echo "-w $w: counted $total, expected $want"; exit 1; }
	# Partial and merge over two shards gives the same records.
	split -n l/2 mail.ndjson shard.
	for s in shard.*; do tingle-count $opts --partial "$s"; done |
		tingle-count $opts --merge >merged.ndjson
	tingle-count $opts mail.ndjson >whole.ndjson
	cmp whole.ndjson merged.ndjson || { echo "-w $w: merge differs"; exit 1; }
	rm -f shard.*
	echo "-w $w: $total counted in $(wc -l <out.ndjson) records"
done

# Zendesk tickets by created_at, a week per window in Chicago: every ticket
# counted once, and every window's end is the next one's start.
z=$TINGLE_CORPUS/zendesk-tickets.ndjson
tingle-count -w 1w --time-field created_at -k status --tz America/Chicago --lateness 1000w "$z" >out.ndjson
[ "$(jq -s 'map(.count) | add' out.ndjson)" = "$(wc -l <"$z")" ] || { echo "zendesk: wrong total"; exit 1; }
gaps=$(jq -rs 'map([.window_start, .window_end]) | unique | [range(1; length) as $i | select(.[$i][0] != .[$i - 1][1])] | length' <(jq -c . out.ndjson))
[ "$gaps" = 0 ] || { echo "zendesk: windows are not consecutive"; exit 1; }
echo "zendesk: $(wc -l <"$z") tickets in $(jq -s 'map(.window_start) | unique | length' out.ndjson) weeks"
