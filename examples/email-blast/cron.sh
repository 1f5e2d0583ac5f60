#!/usr/bin/env bash
# email-blast/cron.sh - the case-spike check as an hourly cron job.
#
#   examples/email-blast/cron.sh [--now TIME] CASES_CSV STATE_DIR
#   examples/email-blast/cron.sh --backfill [--now TIME] CASES_CSV STATE_DIR
#
# Run from cron a few minutes past every hour, with CASES_CSV a fresh
# export from the helpdesk that covers at least the last 24 hours:
#
#   MAILTO=support-lead@example.com
#   5 * * * *  cd /srv/support && helpdesk-export --hours 26 >cases.csv && examples/email-blast/cron.sh cases.csv state
#
# Each run counts the cases of the 24 hours to the hour that has just
# begun, and nothing else: the same window as run.sh, one per run.
# tingle-compare keeps the history of earlier windows in
# STATE_DIR/cases.json and tingle-alert the alerts that are firing in
# STATE_DIR/alerts.json, so that run after run the alert fires once,
# repeats after a day if the spike goes on, and resolves, as in one long
# run.  Alert records go to standard output (cron mails them); add
# --exec 'examples/hooks/mail-alert.sh ADDRESS' to tingle-alert, or
# another hook, to send them somewhere else.
#
# --backfill seeds the history once, from an export of the last few
# weeks: every complete window up to now goes into STATE_DIR/cases.json
# and no alert is raised.  --now TIME (RFC 3339) runs as if the clock
# said TIME, for replays and tests.  Exit status 0 (whether an alert
# fired or not), or that of the first stage that failed.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need tingle-parse tingle-segment tingle-count tingle-compare tingle-alert

backfill=0 now=now
while [ $# -gt 0 ]; do
	case $1 in
	--backfill) backfill=1; shift ;;
	--now) now=$2; shift 2 ;;
	-*) echo "${0##*/}: unknown option '$1'" >&2; exit 64 ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || { echo "usage: ${0##*/} [--backfill] [--now TIME] CASES_CSV STATE_DIR" >&2; exit 64; }
cases=$1 state=$2
mkdir -p "$state"

tz=America/Chicago
# The hour that has just begun, as tingle-count writes window ends.
hour=$(TZ=$tz date -d "$now" +%Y-%m-%dT%H:00:00%:z)

windows() {
	tingle-parse -f csv --time-field created_at "$cases" |
		tingle-count -w 24h --every 1h --tz "$tz"
}

if [ $backfill = 1 ]; then
	windows |
		tingle-segment --where "window_end <= \"$hour\"" |
		tingle-compare --baseline season:1w:3 --tz "$tz" --state "$state/cases.json" \
			>/dev/null
	exit 0
fi

set +e
windows |
	tingle-segment --where "window_end == \"$hour\"" |
	tingle-compare --baseline season:1w:3 --tz "$tz" --state "$state/cases.json" |
	tingle-alert --cooldown 24h --state "$state/alerts.json" \
		-r 'case_spike: count >= 100 && ratio >= 3' \
		-m 'Support cases are spiking: {count} new cases in the 24 hours to {window_end}, {ratio:%.1f} times the usual {expected:%.0f} for this time of the week. Something reached a lot of customers in the last hours: check the emails and releases that went out today.' \
		--resolved-message 'Support cases are no longer spiking: {count} new cases in the 24 hours to {window_end}, {ratio:%.1f} times the usual {expected:%.0f} for this time of the week. The alert was on for {duration}.'
st=("${PIPESTATUS[@]}")
set -e
# The first stage that failed decides; tingle-alert exits 1 when nothing
# fired, and a quiet hour is no error.
for rc in "${st[@]:0:3}"; do
	[ "$rc" = 0 ] || exit "$rc"
done
[ "${st[3]}" -le 1 ] || exit "${st[3]}"
exit 0
