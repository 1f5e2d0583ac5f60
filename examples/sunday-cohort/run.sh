#!/usr/bin/env bash
# sunday-cohort/run.sh - the silent segment.
#
#   examples/sunday-cohort/run.sh [DATA_DIR [OUT_DIR]]
#
# A deploy broke device linking for members whose program started on a
# Sunday, and only for them.  Their link attempts went on as usual, but
# the "device linked" confirmation email stopped going out.  The total of
# those emails fell, but no more than it moves from day to day by
# itself: nobody saw it.
#
# Per start-day cohort (the weekday of program_start) and per day, the
# confirmations are normally about 90% of the link attempts.  This
# pipeline counts both per cohort and day and alerts when a cohort's
# confirmations fall below a fifth of what its attempts predict.
#
# Data comes from DATA_DIR (default examples/data); the records between the
# stages are kept in OUT_DIR (default examples/out/sunday-cohort).  Alert
# records go to standard output.  Exit status as tingle-alert: 0 if an
# alert fired, 1 if none.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need tingle-parse tingle-segment tingle-count tingle-compare tingle-alert

here=$examples/sunday-cohort
data=${1:-$examples/data}
out=${2:-$examples/out/sunday-cohort}
mkdir -p "$out"

# Days are the company's days, in Chicago.
tz=America/Chicago

# 1. What to expect: link attempts per cohort and day, from the app's
#    product events.  The join brings in the member's program_start, and
#    the cohort is its weekday.  --keys names all seven cohorts, so a
#    cohort with no events at all still gets its count of 0.
tingle-parse -f json "$data/app-events.ndjson" |
	tingle-segment --where 'event == "device_link_attempt"' \
		--join "$data/users.csv" --on user_id \
		--by 'weekday(program_start)' |
	tingle-count -w 1d -k segment --tz "$tz" --keys "$here/cohorts.ndjson" \
		>"$out/attempts.ndjson"

# 2. What happened: "device linked" emails delivered per cohort and day,
#    from the email service's webhook posts (a JSON array of events per
#    line; "timestamp" is epoch seconds).  Events within a post are not in
#    time order, hence a little --lateness.
# 3. Compare each cohort-day with 0.9 x its link attempts, and alert when
#    the confirmations fall below a fifth of that, again each day it goes
#    on.  Small cohort-days (fewer than 8 expected) are too noisy to judge.
tingle-parse -f json --time-field timestamp "$data/esp-events.ndjson" |
	tingle-segment --where 'event == "delivered" && template == "device_linked"' \
		--join "$data/users.csv" --on email \
		--by 'weekday(program_start)' |
	tingle-count -w 1d -k segment --tz "$tz" --keys "$here/cohorts.ndjson" \
		--lateness 5m |
	tee "$out/confirmations.ndjson" |
	tingle-compare --against "$out/attempts.ndjson" --rate 0.9 \
		--name "0.9 x link attempts" |
	tee "$out/compared.ndjson" |
	tingle-alert -k segment --cooldown 1d \
		-r 'link_confirmations_low: ratio < 0.2 && expected >= 8' \
		-m 'Device linking is failing for members with program start day {segment}: on {window_start:%.10s} their link attempts should have sent about {expected:%.0f} "device linked" emails, but only {count} went out. Start days are checked separately, so this is specific to {segment} starters: look at what changed in device linking for them.' \
		--resolved-message 'Device linking works again for members with program start day {segment}: on {window_start:%.10s} {count} "device linked" emails went out, against about {expected:%.0f} expected from their link attempts. The alert was on for {duration}.'
