#!/bin/sh
# mail-alert.sh - send a tingle-alert record as an e-mail (RFC 5322).
#
#   tingle-alert -F rules.json --exec 'examples/hooks/mail-alert.sh ops@example.com'
#
# tingle-alert runs this once per alert record, with the record on
# standard input and its fields in TINGLE_* variables (TINGLE_ALERT,
# TINGLE_STATE, TINGLE_SEVERITY, TINGLE_MESSAGE, one per key field, ...).
# The message goes to sendmail(8) when one is installed ($SENDMAIL, then
# sendmail on PATH, /usr/sbin/sendmail, /usr/lib/sendmail); with -n, or
# when there is none, it is written to standard output instead (which
# tingle-alert passes to its standard error).
#
# usage: mail-alert.sh [-n] [-f FROM] [RECIPIENT ...]
#   -n       print the message, do not send it
#   -f FROM  the From: address (default $ALERT_MAIL_FROM, else
#            tingle-alert@HOSTNAME)
#   RECIPIENT ...  To: addresses (default $ALERT_MAIL_TO)
#
# Record text never reaches a shell command line: it is only ever the
# data of printf, tr, awk and base64, and header values lose control
# characters so a record cannot add header lines.
set -eu

dry=0
from=${ALERT_MAIL_FROM:-}
while getopts nf: opt; do
	case $opt in
	n) dry=1 ;;
	f) from=$OPTARG ;;
	*) echo "usage: mail-alert.sh [-n] [-f FROM] [RECIPIENT ...]" >&2; exit 64 ;;
	esac
done
shift $((OPTIND - 1))

host=$(uname -n 2>/dev/null || echo localhost)
[ -n "$from" ] || from="tingle-alert@$host"
if [ $# -gt 0 ]; then
	to=$(printf '%s, ' "$@")
	to=${to%, }
else
	to=${ALERT_MAIL_TO:-}
fi
if [ -z "$to" ]; then
	echo "mail-alert.sh: no recipient: give one or set ALERT_MAIL_TO" >&2
	exit 64
fi

record=$(cat)

# A header value on one line: control characters (CR, LF, tabs) become
# spaces, so nothing in a record can start a header of its own.
oneline() {
	printf '%s' "$1" | LC_ALL=C tr '\000-\037\177' ' '
}

# Write a header value as RFC 2047 encoded words when it is not plain
# ASCII: base64 chunks of at most 45 bytes, cut between characters, one
# per folded line.  ASCII is kept as it is.
encode() {
	if printf '%s' "$1" | LC_ALL=C grep -q '[^ -~]'; then
		printf '%s\n' "$1" | LC_ALL=C awk '
		BEGIN { for (i = 128; i < 256; i++) ord[sprintf("%c", i)] = i }
		{
			s = $0
			while (length(s) > 45) {
				n = 45
				while (n > 1 && (c = ord[substr(s, n + 1, 1)]) >= 128 && c < 192)
					n--
				print substr(s, 1, n)
				s = substr(s, n + 1)
			}
			print s
		}' | {
			sep=""
			while IFS= read -r chunk; do
				printf '%s=?UTF-8?B?%s?=' "$sep" \
				    "$(printf '%s' "$chunk" | base64 | tr -d '\n')"
				sep='
 '
			done
		}
	else
		printf '%s' "$1"
	fi
}

alert=$(oneline "${TINGLE_ALERT:-alert}")
state=$(oneline "${TINGLE_STATE:-firing}")
severity=$(oneline "${TINGLE_SEVERITY:-}")
message=$(oneline "${TINGLE_MESSAGE:-}")
state_uc=$(printf '%s' "$state" | tr '[:lower:]' '[:upper:]')
subject="[$state_uc${severity:+ $severity}] $alert${message:+: $message}"

msgid="$(date -u +%Y%m%d%H%M%S).$$.$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')@$host"

compose() {
	printf 'From: %s\n' "$(oneline "$from")"
	printf 'To: %s\n' "$(oneline "$to")"
	printf 'Subject: %s\n' "$(encode "$subject")"
	printf 'Date: %s\n' "$(LC_ALL=C date '+%a, %d %b %Y %H:%M:%S %z')"
	printf 'Message-ID: <%s>\n' "$msgid"
	printf 'MIME-Version: 1.0\n'
	printf 'Content-Type: text/plain; charset=UTF-8\n'
	printf 'Content-Transfer-Encoding: 8bit\n'
	printf 'Auto-Submitted: auto-generated\n'
	printf 'X-Tingle-Alert: %s\n' "$(encode "$alert")"
	printf 'X-Tingle-State: %s\n' "$(encode "$state")"
	printf '\n'
	printf '%s\n\n' "${TINGLE_MESSAGE:-$alert $state}"
	if command -v jq >/dev/null 2>&1; then
		printf '%s\n' "$record" | jq -r 'to_entries[] |
		    "\(.key): \(.value | if type == "string" then . else tojson end)"'
	else
		printf '%s\n' "$record"
	fi
	printf '\n-- \nSent by tingle-alert(1) through mail-alert.sh.\n'
}

# RFC 5322 allows at most 998 bytes on a line.
if [ "$dry" = 1 ]; then
	compose | fold -b -w 998
	exit 0
fi
sendmail=${SENDMAIL:-}
if [ -z "$sendmail" ]; then
	for s in "$(command -v sendmail 2>/dev/null || true)" \
	    /usr/sbin/sendmail /usr/lib/sendmail; do
		if [ -n "$s" ] && [ -x "$s" ]; then
			sendmail=$s
			break
		fi
	done
fi
if [ -z "$sendmail" ]; then
	echo "mail-alert.sh: no sendmail found; the message follows" >&2
	compose | fold -b -w 998
	exit 0
fi
compose | fold -b -w 998 | "$sendmail" -t -oi
