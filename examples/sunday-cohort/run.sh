#!/usr/bin/env bash
# sunday-cohort/run.sh - the silent segment, found without naming it.
#
#   examples/sunday-cohort/run.sh [DATA_DIR [OUT_DIR]]
#
# A deploy broke device linking for one group of members, and only for
# them.  Their link attempts went on as usual, but the "device linked"
# confirmation email stopped going out.  The total of those emails fell,
# but no more than it moves from day to day by itself: nobody saw it.
#
# Nobody knew which group, either, so this pipeline does not say.  It
# gives every link attempt and every confirmation the attributes of the
# member (plan, os, country, signup_version, signup_channel from the user
# table, and the weekday the program started, derived with --set), counts
# both per day for every value of every attribute at once (--each), and
# compares each value's confirmations with its link attempts, judged
# against its peers: the other values of the same attribute that day
# (--peers dimension).  When one cohort breaks, every attribute's totals
# drop a little, but only the broken value falls far below its peers.
# The rule asks for a fall to under half of what the peers predict that
# is significant after the day's many comparisons (q, the
# Benjamini-Hochberg adjusted p value).
#
# Data comes from DATA_DIR (default examples/data); the records between the
# stages are kept in OUT_DIR (default examples/out/sunday-cohort).  Alert
# records go to standard output.  Exit status as tingle-alert: 0 if an
# alert fired, 1 if none.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need tingle-parse tingle-segment tingle-count tingle-compare tingle-alert

data=${1:-$examples/data}
out=${2:-$examples/out/sunday-cohort}
mkdir -p "$out"

# Days are the company's days, in Chicago.
tz=America/Chicago
# Every attribute a member has, each a dimension of its own.
dims=plan,os,country,signup_version,signup_channel,start_weekday
derive='start_weekday = weekday(program_start)'

# 1. What to expect: link attempts per day and attribute value, from the
#    app's product events, joined with the member table on user_id.
tingle-parse -f json "$data/app-events.ndjson" |
	tingle-segment --where 'event == "device_link_attempt"' \
		--join "$data/users.csv" --on user_id --set "$derive" |
	tingle-count -w 1d --tz "$tz" --each "$dims" >"$out/attempts.ndjson"

# 2. What happened: "device linked" emails delivered per day and attribute
#    value, from the email service's webhook posts (a JSON array of events
#    per line; "timestamp" is epoch seconds), joined on email.  Events
#    within a post are not in time order, hence a little --lateness.
# 3. Compare each value's confirmations with its link attempts, at the
#    rate its peers got that day, and alert each day a value falls below
#    half of that with q < 0.001.
tingle-parse -f json --time-field timestamp "$data/esp-events.ndjson" |
	tingle-segment --where 'event == "delivered" && template == "device_linked"' \
		--join "$data/users.csv" --on email --set "$derive" |
	tingle-count -w 1d --tz "$tz" --each "$dims" --lateness 5m |
	tee "$out/confirmations.ndjson" |
	tingle-compare --against "$out/attempts.ndjson" --peers dimension \
		--name "link attempts at the peers' rate" |
	tee "$out/compared.ndjson" |
	tingle-alert --cooldown 1d \
		-r 'link_confirmations_low: q < 0.001 && ratio < 0.5' \
		-m 'Device linking is failing for members with {dimension} = {value}: on {window_start:%.10s} their link attempts should have sent about {expected:%.0f} "device linked" emails, at the rate the other {dimension} values got, but only {count} went out (q = {q:%.1e}). Look at what changed in device linking for them.' \
		--resolved-message 'Device linking works again for members with {dimension} = {value}: on {window_start:%.10s} {count} "device linked" emails went out, against about {expected:%.0f} expected from their link attempts. The alert was on for {duration}.'
