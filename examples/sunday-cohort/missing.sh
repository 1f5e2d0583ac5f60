#!/usr/bin/env bash
# sunday-cohort/missing.sh - the silent segment, member by member.
#
#   examples/sunday-cohort/missing.sh [DATA_DIR [OUT_DIR]]
#
# Every "device_link_attempt" should be followed, within minutes, by a
# "device linked" email to the same member.  tingle-stitch reads the
# app's events and the email service's events together, in event time,
# and writes every attempt with "matched": true and the latency, or
# "matched": false when no email came within 30 minutes.  The members
# whose confirmation never came during the Sunday incident go to
# OUT_DIR/missing.ndjson, with their cohort (the weekday of their
# program start); standard output gets their count per cohort.
#
# Data comes from DATA_DIR (default examples/data); the records between
# the stages are kept in OUT_DIR (default examples/out/sunday-cohort).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need tingle-parse tingle-segment tingle-count tingle-stitch

here=$examples/sunday-cohort
data=${1:-$examples/data}
out=${2:-$examples/out/sunday-cohort}
mkdir -p "$out"

# The incident, as data/incidents.json says: Tuesday 23:10 to Friday
# 01:40, Chicago time.
from=2026-04-29T04:10:00Z
to=2026-05-01T06:40:00Z

# The emails carry an address, not a member: the join brings in user_id,
# and the epoch "timestamp" becomes the event time "ts" both inputs share.
# Events within a webhook post are not in time order, hence --lateness.
tingle-stitch -k user_id --within 30m --lateness 5m \
	--start 'event == "device_link_attempt"' \
	--expect 'event == "delivered" && template == "device_linked"' \
	"$data/app-events.ndjson" \
	<(tingle-parse -f json "$data/esp-events.ndjson" |
		tingle-segment --where 'event == "delivered" && template == "device_linked"' \
			--join "$data/users.csv" --on email --by timestamp --field ts) \
	>"$out/link-attempts.ndjson"

tingle-segment --where "!matched && ts >= \"$from\" && ts < \"$to\"" \
	--join "$data/users.csv" --on user_id --by 'weekday(program_start)' \
	"$out/link-attempts.ndjson" >"$out/missing.ndjson"

# One week window holds the whole incident; --keys writes a 0 for the
# cohorts that lost nothing.
tingle-count -w 1w -k segment --tz America/Chicago --keys "$here/cohorts.ndjson" \
	"$out/missing.ndjson"
