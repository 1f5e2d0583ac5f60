#!/usr/bin/env bash
# examples/sunday-cohort/missing.sh: the members whose "device linked"
# email never came during the Sunday incident are the ones a jq reference
# finds (an attempt in the incident with no delivered confirmation to the
# member's address within 30 minutes), and nearly all are Sunday starters.
set -euo pipefail
command -v jq >/dev/null || { echo "jq is not installed"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
ex=$TINGLE_TOP/examples
data=$ex/data

"$ex/sunday-cohort/missing.sh" "$data" out >counts.ndjson 2>err || fail "missing.sh: $(cat err)"
[ ! -s err ] || fail "diagnostics: $(cat err)"
jq -r '"\(.user_id) \(.ts)"' out/missing.ndjson | sort >got.txt

from=$(jq -r .sunday_bug.from "$data/incidents.json")
to=$(jq -r .sunday_bug.to "$data/incidents.json")
jq -c '.[] | select(.event == "delivered" and .template == "device_linked")' \
	"$data/esp-events.ndjson" >emails.ndjson
awk -F, 'NR > 1 { print "{\"user_id\":\"" $1 "\",\"email\":\"" $2 "\"}" }' \
	"$data/users.csv" >users.ndjson
jq -r -n --arg from "$from" --arg to "$to" \
	--slurpfile emails emails.ndjson --slurpfile users users.ndjson '
	def epoch: sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601;
	($users | map({(.user_id): .email}) | add) as $mail
	| ($emails | group_by(.email) | map({(.[0].email): map(.timestamp)}) | add) as $sent
	| inputs
	| select(.event == "device_link_attempt" and .ts >= $from and .ts < $to)
	| (.ts | epoch) as $t
	| select([($sent[$mail[.user_id]] // [])[] | select(. >= ($t | floor) and . <= $t + 1800)] | length == 0)
	| "\(.user_id) \(.ts)"' "$data/app-events.ndjson" | sort >want.txt
[ -s want.txt ] || fail "the reference found no one"
cmp -s got.txt want.txt || fail "members differ from the jq reference: $(diff want.txt got.txt | head)"
sun=$(jq -r 'select(.segment == "Sun") | .count' counts.ndjson)
others=$(jq -s 'map(select(.segment != "Sun") | .count) | add' counts.ndjson)
[ "$sun" -ge 30 ] && [ "$others" -le 5 ] || fail "Sun $sun, other cohorts $others"
exit 0
