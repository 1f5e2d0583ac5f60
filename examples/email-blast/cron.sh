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
# Each run counts the cases of every 24 hours to an hour that has ended,
# as run.sh does.  tingle-count holds back the window still in progress
# at the end of the export, tingle-compare keeps the history of earlier
# windows in STATE_DIR/cases.json and tingle-alert the alerts that are
# firing, and the windows it has read, in STATE_DIR/alerts.json: so a
# run goes on from the last window the run before it read, and run after
# run the alert fires once, repeats after a day if the spike goes on, and
# resolves, as in one long run over the whole export.  Alert records go
# to standard output (cron mails them); add
# --exec 'examples/hooks/mail-alert.sh ADDRESS' to tingle-alert, or
# another hook, to send them somewhere else.
#
# --backfill seeds the history once, from an export of the last few
# weeks: every complete window up to now goes into STATE_DIR/cases.json
# and no alert is raised.  --now TIME (RFC 3339) runs as if the clock
# said TIME (TINGLE_NOW), for replays and tests.  Exit status 0 (whether
# an alert fired or not), or that of the first stage that failed:
# tingle-alert exits 1 when nothing fired, like grep, so the script
# keeps `set -o pipefail` for the other stages and takes 1 from
# tingle-alert as a quiet hour (see the end).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need tingle-parse tingle-count tingle-compare tingle-alert

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
[ "$now" = now ] || export TINGLE_NOW=$now

# tingle-count writes only the windows the clock has ended: the hour in
# progress comes out whole in the next run.  The --state files let each
# run go on from the window the last one read.
windows() {
	tingle-parse -f csv --time-field created_at "$cases" |
		tingle-count -w 24h --every 1h --tz "$tz"
}

if [ $backfill = 1 ]; then
	windows |
		tingle-compare --baseline season:1w:3 --tz "$tz" --state "$state/cases.json" \
			>/dev/null
	exit 0
fi

# tingle-alert exits 1 when nothing fired, like grep: a quiet hour is
# no error.  quiet_ok turns that 1 into 0 and keeps every other status,
# so with pipefail a stage that fails still fails the job, with its own
# status.
quiet_ok() {
	"$@" || {
		local rc=$?
		[ "$rc" = 1 ] || return "$rc"
	}
}

windows |
	tingle-compare --baseline season:1w:3 --tz "$tz" --state "$state/cases.json" |
	quiet_ok tingle-alert --cooldown 24h --state "$state/alerts.json" \
		-r 'case_spike: count >= 100 && ratio >= 3' \
		-m 'Support cases are spiking: {count} new cases in the 24 hours to {window_end}, {ratio:%.1f} times the usual {expected:%.0f} for this time of the week. Something reached a lot of customers in the last hours: check the emails and releases that went out today.' \
		--resolved-message 'Support cases are no longer spiking: {count} new cases in the 24 hours to {window_end}, {ratio:%.1f} times the usual {expected:%.0f} for this time of the week. The alert was on for {duration}.'
