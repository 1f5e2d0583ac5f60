# count.jq - the jq reference for `tingle-count -w 5m -k event`, run as
# `jq -n -c -f count.jq`: reduce over all inputs into an object keyed by
# window and event.
reduce inputs as $r ({};
	(($r.ts[0:19] + "Z" | fromdateiso8601 / 300 | floor * 300) | tostring) as $w
	| .[$w + " " + $r.event] += 1)
| to_entries[]
| (.key | split(" ")) as [$w, $ev]
| {event: $ev, window_start: ($w | tonumber | todate),
   window_end: ($w | tonumber + 300 | todate), count: .value}
