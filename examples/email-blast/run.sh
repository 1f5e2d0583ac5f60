#!/usr/bin/env bash
# email-blast/run.sh - the spike.
#
#   examples/email-blast/run.sh [DATA_DIR [OUT_DIR]]
#
# A marketing email meant for a pilot audience went to the whole list
# after one audience filter was removed.  Within hours, hundreds of
# support cases came in: "why did I get this?", "am I being charged?".
#
# Every hour, this pipeline counts the support cases of the last 24 hours
# and compares the count with the same hour of the week in the three weeks
# before.  It alerts when there are at least 100 cases and three times as
# many as usual, once per day at most.
#
# Data comes from DATA_DIR (default examples/data); the records between the
# stages are kept in OUT_DIR (default examples/out/email-blast).  Alert
# records go to standard output.  Exit status as tingle-alert: 0 if an
# alert fired, 1 if none.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need tingle-parse tingle-count tingle-compare tingle-alert

data=${1:-$examples/data}
out=${2:-$examples/out/email-blast}
mkdir -p "$out"

# Times are shown in the company's zone.
tz=America/Chicago

# 1. The helpdesk export: one record per case, its time from created_at.
# 2. Cases in 24-hour windows, one window every hour.
# 3. Expected: the same window one, two and three weeks earlier.
# 4. Alert on a spike; say so again after a day if it goes on.
tingle-parse -f csv --time-field created_at "$data/cases.csv" |
	tingle-count -w 24h --every 1h --tz "$tz" |
	tee "$out/cases-24h.ndjson" |
	tingle-compare --baseline season:1w:3 --tz "$tz" |
	tee "$out/compared.ndjson" |
	tingle-alert --cooldown 24h \
		-r 'case_spike: count >= 100 && ratio >= 3' \
		-m 'Support cases are spiking: {count} new cases in the 24 hours to {window_end}, {ratio:%.1f} times the usual {expected:%.0f} for this time of the week. Something reached a lot of customers in the last hours: check the emails and releases that went out today.' \
		--resolved-message 'Support cases are no longer spiking: {count} new cases in the 24 hours to {window_end}, {ratio:%.1f} times the usual {expected:%.0f} for this time of the week. The alert was on for {duration}.'
