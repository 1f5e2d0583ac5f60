# tingle-parse -f json --split PATH against jq: one record per element of
# the array at PATH, the element in the array's place, as
# `(.PATH[] as $e | .PATH = $e)` gives, on the SES bounces and the Zendesk
# ticket audits of the corpus; a record without the array (or with an
# empty one) is written once, as it is.
set -u
[ -n "${TINGLE_CORPUS:-}" ] || { echo "no corpus"; exit 77; }
C=$TINGLE_CORPUS
fail() { echo "FAIL: $*"; exit 1; }

# check FILE PATH JQPATH: tingle's records (without ts) are jq's.
check() {
	tingle-parse -f json --split "$2" "$C/$1" >out 2>err || fail "$1: status $?: $(cat err)"
	[ ! -s err ] || fail "$1: stderr: $(cat err)"
	jq -cS 'del(.ts)' out >got
	jq -cS "if ($3 | type) == \"array\" and ($3 | length) > 0 then ($3[] as \$e | $3 = \$e) else . end" \
		"$C/$1" >want
	cmp -s got want || fail "$1: records differ from jq's: $(diff got want | head -5)"
}
check aws-ses-events.ndjson bounce.bouncedRecipients .bounce.bouncedRecipients
[ "$(wc -l <out)" = 16 ] || fail "ses: $(wc -l <out) records"
# Every bounced recipient is a record of its own, for counting by address.
[ "$(jq -r 'select(.bounce) | .bounce.bouncedRecipients.emailAddress' out | paste -sd, -)" = \
	"recipient@example.com,jane@example.com,jane@example.com,richard@example.com" ] ||
	fail "ses recipients: $(jq -c .bounce.bouncedRecipients out)"
# Records that are not split are their input lines, byte for byte.
tingle-parse -f json --split bounce.bouncedRecipients "$C/aws-ses-events.ndjson" |
	grep -v bouncedRecipients >plain
grep -v bouncedRecipients "$C/aws-ses-events.ndjson" | cmp -s - plain || fail "ses: unsplit records changed"

check zendesk-ticket-audits.ndjson events .events
[ "$(wc -l <out)" = "$(jq '.events | length' "$C/zendesk-ticket-audits.ndjson" | awk '{n += ($1 > 0 ? $1 : 1)} END {print n}')" ] ||
	fail "zendesk: $(wc -l <out) records"
# The element's own time, when it has one, through --time-field.
tingle-parse -f json --split events --time-field created_at "$C/zendesk-ticket-audits.ndjson" |
	jq -r '.events.type' | sort | uniq -c | sort -rn | head -1 | grep -q . || fail "zendesk types"
exit 0
