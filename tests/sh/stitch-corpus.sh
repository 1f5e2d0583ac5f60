#!/usr/bin/env bash
# tingle-stitch --preset on the corpus mail logs.  Exim: the messages
# and deliveries of the stitched records match a hand count by grep of
# the log.  Postfix: the messages received, bytes received, bounces and
# deferrals match pflogsumm's Grand Totals, and pflogsumm's "delivered"
# is tingle's deliveries plus the hand-overs to the content filter, which
# pflogsumm counts as deliveries too.
set -euo pipefail
[ -n "${TINGLE_CORPUS:-}" ] || { echo "no corpus (TINGLE_CORPUS is empty)"; exit 77; }
command -v jq >/dev/null || { echo "jq is not installed"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

# ---- Exim -----------------------------------------------------------------
log=$TINGLE_CORPUS/exim-mainlog.log
tingle-parse -f exim "$log" 2>/dev/null | tingle-stitch --preset exim >exim.ndjson 2>err
[ ! -s err ] || fail "exim: diagnostics: $(cat err)"
got=$(jq -s -c '[
	(map(select(.size != null)) | length),
	(map(select(.complete)) | length),
	([.[].deliveries[] | select(.status == "sent")] | length),
	([.[].deliveries[] | select(.status == "deferred")] | length),
	([.[].deliveries[] | select(.status == "bounced")] | length),
	(map(.records) | add)]' exim.ndjson)
# Every line with a message id is in exactly one record.
want="[$(grep -c ' <= ' "$log"),$(grep -c ' Completed$' "$log"),$(grep -cE ' (=>|->) ' "$log"),$(grep -c ' == ' "$log"),$(grep -c ' \*\* ' "$log"),$(grep -cE '^[0-9-]+ [0-9:.]+ [0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4} ' "$log")]"
[ "$got" = "$want" ] || fail "exim: arrivals, completed, sent, deferred, bounced, lines: got $got, grep counts $want"

# ---- Postfix, against pflogsumm ----------------------------------------------
command -v pflogsumm >/dev/null || { echo "pflogsumm is not installed"; exit 77; }
log=$TINGLE_CORPUS/postfix-maillog-rfc3339.log
tingle-parse -f postfix "$log" 2>/dev/null | tingle-stitch --preset postfix >pf.ndjson 2>err
[ ! -s err ] || fail "postfix: diagnostics: $(cat err)"
got=$(jq -s -c 'map(select(.queue_id != "NOQUEUE")) | [
	(map(select(.client != null or .uid != null)) | length),
	(map(select(.client != null or .uid != null) | .size) | add / 1024 | floor),
	([.[].deliveries[] | select(.status == "sent" and .forwarded_as == null)] | length)
	  + (map((.queue_ids // [0]) | length - 1) | add),
	([.[].deliveries[] | select(.forwarded_as != null)] | length),
	(map(select(any(.deliveries[]; .status == "deferred"))) | length),
	([.[].deliveries[] | select(.status == "bounced")] | length)]' pf.ndjson)
pflogsumm "$log" >sum.txt 2>/dev/null
n() { awk -v w="$1" '$2 == w && $3 == "" { sub(/k$/, "", $1); print $1; exit }' sum.txt; }
b() { awk '$2 == "bytes" && $3 == "received" { sub(/k$/, "", $1); print $1; exit }' sum.txt; }
want="[$(n received),$(b),$(n delivered),$(n forwarded),$(n deferred),$(n bounced)]"
[ "$got" = "$want" ] || fail "postfix: received, kbytes received, delivered, forwarded, deferred, bounced: got $got, pflogsumm $want"
exit 0
