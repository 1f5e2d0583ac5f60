#!/bin/sh
# mail-alerts.sh - the live Postfix pipeline that rsyslog feeds.
#
#   mail-alerts.sh STATE_DIR [HOOK]
#
# Reads Postfix log lines in rsyslog's RSYSLOG_FileFormat (RFC 3339 time
# stamps, so no year is guessed) on standard input, counts deliveries
# per status every minute, and alerts when 20 or more bounce in a
# minute.  Writes the count records and the alert records (tingle-alert
# --pass) on standard output; HOOK, if given, runs for each alert (e.g.
# /usr/share/tingle/hooks/mail-alert.sh postmaster@example.com).  Alert
# state lives in STATE_DIR/alerts.state, so an alert that fired before a
# restart is not announced again; lines that are not Postfix deliveries
# are dropped by the --where, and unreadable ones kept in
# STATE_DIR/parse.rej.
#
# TINGLE_WINDOW and TINGLE_BOUNCES change the window and the threshold
# (the test uses 5s and 3).
set -eu
state=${1:?usage: mail-alerts.sh STATE_DIR [HOOK]}
hook=${2:-}
window=${TINGLE_WINDOW:-1m}
bounces=${TINGLE_BOUNCES:-20}
tingle-parse -f postfix --rejects "$state/parse.rej" |
	tingle-segment --where 'exists(status)' |
	tingle-count -w "$window" -k status --idle 2s |
	tingle-alert -r "bounces: status == \"bounced\" && count >= $bounces" \
		--pass --line-buffered --state "$state/alerts.state" \
		${hook:+--exec "$hook"}
