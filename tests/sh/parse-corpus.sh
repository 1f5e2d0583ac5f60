# Every file of the sample corpus parses with the format that fits it:
# the number of records and of rejects is exact, and some fields are
# checked by value.  The corpus is read in place; skipped without it.
set -u
[ -n "${TINGLE_CORPUS:-}" ] || { echo "no corpus (TINGLE_CORPUS is empty)"; exit 77; }
C=$TINGLE_CORPUS
fail() { echo "FAIL: $*"; exit 1; }

# run FILE RECORDS REJECTS ARGS...: parse FILE into out, rejects into rej.
run() {
	f=$1 want_out=$2 want_rej=$3
	shift 3
	tingle-parse "$@" --rejects rej "$C/$f" >out 2>err
	rc=$?
	[ "$rc" = 0 ] || fail "$f: status $rc: $(head -3 err)"
	n_out=$(wc -l <out) n_rej=$(wc -l <rej)
	[ "$n_out" = "$want_out" ] || fail "$f: $n_out records, expected $want_out"
	[ "$n_rej" = "$want_rej" ] || fail "$f: $n_rej rejects, expected $want_rej: $(head -3 err)"
	jq -e . out >/dev/null || fail "$f: output is not JSON"
}

# is WHAT GOT WANT
is() { [ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"; }

# counts: "value=count ..." of a jq expression over out, sorted.
counts() { jq -r "$1" out | sort | uniq -c | awk '{print $2 "=" $1}' | paste -sd' ' -; }

# ---- mail logs --------------------------------------------------------

run postfix-maillog-rfc3339.log 254 0 -f postfix
is "postfix statuses" "$(counts 'select(.status) | .status')" "bounced=1 sent=17"
is "postfix first ts" "$(jq -r .ts out | head -1)" 2023-03-13T23:00:31.185246Z
is "postfix bounce" "$(jq -r 'select(.status == "bounced") | [.queue_id, .dsn, .to, .relay] | @tsv' out)" \
	"$(printf '4PcV4K5FPLz3tBr\t5.4.4\tuser02.test@uhu-banane.com\tnone')"
is "postfix relays" "$(counts 'select(.status == "sent") | .relay_host // .relay')" \
	"127.0.0.1=8 aspmx.l.google.com=1 dovecot=5 local=1 mx-ha02.web.de=1 mx01.emig.gmx.net=1"
is "postfix submission" "$(jq -r 'select(.sasl_method) | .sasl_method' out | sort -u)" PLAIN
# Line 208 holds raw bytes that are not UTF-8: kept, as U+FFFD.
is "postfix invalid UTF-8" "$(sed -n 208p out | jq -r .msg | grep -c "$(printf '\357\277\275')")" 1
is "postfix line 208 event" "$(sed -n 208p out | jq -r .event)" "COMMAND PIPELINING"

run postfix-maillog-syslog.log 34 1 -f postfix
grep -q '^tingle-parse: .*postfix-maillog-syslog.log:23: not a postfix line' err || fail "line 23: $(cat err)"
is "postfix year-less" "$(jq -r .ts out | head -1)" 2025-10-10T15:59:28Z
# Lines 26-35 have no colon after the pid.
is "postfix no colon" "$(jq -r 'select(.pid == 58176) | .queue_id' out | sort -u)" E89FA2DEDA

# Mixed Postfix, bare Exim and Exim-through-syslog lines: -f postfix
# refuses the bare Exim lines (19-30), -f exim reads them all.
run mta-rejects-crowdsec.log 29 12 -f postfix
is "mta rejects" "$(sed -n 1p rej | cut -c1-19)" "2022-06-29 16:04:19"
run mta-rejects-crowdsec.log 41 0 -f exim
is "exim actions" "$(counts 'select(.action) | .action')" "defer=2 reject=8"

run exim-mainlog.log 241 0 -f exim
is "exim events" "$(counts '.event // empty')" \
	"arrival=61 bounce=17 completed=36 defer=28 delivery=37 frozen=3 removed=2"
is "exim ms stamps" "$(jq -r 'select(.ts == "2017-07-30T18:51:05.712Z") | .ts' out | wc -l)" 33
is "exim size placeholder" "$(jq -c 'select(.event == "arrival") | .size' out | sort -u | head -1)" '"sss"'

run sendmail-maillog.log 58 0 -f syslog
is "sendmail programs" "$(counts .program)" "sendmail=16 sm-acceptingconnections=6 sm-mta=36"
is "sendmail tags" "$(counts 'select(.facility) | .facility + "." + .severity')" "mail.info=1 mail.notice=3"
run sendmail-maillog.log 58 0 -f sendmail
is "sendmail queue ids" "$(jq -r 'select(.queue_id) | .queue_id' out | wc -l)" 54
is "sendmail rulesets" "$(counts 'select(.ruleset) | .ruleset')" "check_rcpt=16 check_relay=4"
is "sendmail reject codes" "$(counts 'select(.reject) | .reject[0:3]')" "421=4 450=1 451=1 550=10 553=4"
is "sendmail senders" "$(jq -c 'select(.from) | [.queue_id, .from, .size, .nrcpts, .relay_ip]' out | head -1)" \
	'["rA37ZTSC026254","davaojk25@domain.com",0,0,"95.32.23.163"]'
is "sendmail forged relay" "$(jq -r 'select(.queue_id == "s1NLaDQT022248") | [.arg1, .relay_host, .relay_ip] | @tsv' out)" \
	"$(printf 'dautareuk2@hotmail.it\tint0.client.access.azadnet.net\t80.253.155.119')"

# ---- syslog -----------------------------------------------------------

# Ten TAB-indented continuation lines join the msg of five records.
run syslog-rfc3164.log 121 0 -f syslog
is "continued records" "$(counts 'select(.msg | test("\n\t")) | .program')" "syslogd=5"
is "year rollover" "$(grep -c '"ts":"2025-12-03T09:23:38Z"' out) $(grep -c '"ts":"2026-01-03T09:47:02Z"' out)" "3 1"
is "french month" "$(tail -1 out | jq -r .ts)" 2025-08-19T11:08:37Z
run syslog-rfc3164.log 121 0 -f syslog --year 2009 --tz America/New_York
is "--year" "$(tail -1 out | jq -r .ts)" 2009-08-19T11:08:37-04:00

run syslog-rfc5424.log 148 0 -f syslog
is "rfc5424 pri" "$(counts .pri)" "11=1 134=10 171=1 30=120 35=6 38=10"
is "rfc5424 sd" "$(jq -c 'select(.sd) | .sd' out | head -1)" '{"meta":{"sequenceId":"1"}}'
is "rfc5424 offsets" "$(sed -n 101p out | jq -r .ts)" 2024-02-19T09:55:20Z

# ---- email-service events (JSON) --------------------------------------

run aws-ses-events.ndjson 15 0 -f json --time-field mail.timestamp
is "ses first ts" "$(jq -r .ts out | head -1)" 2017-08-05T00:40:02.012Z
is "ses event types" "$(jq -r '.eventType // .notificationType' out | paste -sd, -)" \
	"Bounce,Complaint,Delivery,Send,Reject,Open,Click,Rendering Failure,DeliveryDelay,Subscription,Bounce,Bounce,Complaint,Complaint,Delivery"
# Apart from the added ts, every record is its input line, byte for byte.
sed 's/,"ts":"[^"]*"}$/}/' out | cmp -s - "$C/aws-ses-events.ndjson" || fail "ses records changed"

run sendgrid-webhook-posts.ndjson 13 0 -f json --time-field timestamp --types attempt:int
is "sendgrid events" "$(jq -r .event out | paste -sd' ' -)" \
	"processed deferred delivered open click bounce dropped spamreport unsubscribe group_unsubscribe dropped click dropped"
is "sendgrid ts" "$(jq -r .ts out | sort -u | head -1)" 2017-12-15T00:59:29Z
is "sendgrid attempt" "$(jq -c 'select(.event == "deferred") | .attempt' out)" 5

run mailgun-webhooks.ndjson 10 0 -f json --time-field event-data.timestamp
is "mailgun ts" "$(jq -r .ts out | head -2 | paste -sd' ' -)" \
	"2024-02-08T14:25:41.91242Z 2018-03-19T15:11:02.000002Z"
is "mailgun events" "$(jq -r '.["event-data"].event' out | sort | uniq -c | awk '{print $2 "=" $1}' | paste -sd' ' -)" \
	"accepted=1 clicked=1 complained=1 delivered=1 failed=4 opened=1 unsubscribed=1"

# Postmark has no common time field: records pass through unchanged.
run postmark-webhooks.ndjson 6 0 -f json
cmp -s out "$C/postmark-webhooks.ndjson" || fail "postmark records changed"
is "postmark types" "$(jq -r .RecordType out | paste -sd' ' -)" \
	"Delivery Bounce SpamComplaint Open Click SubscriptionChange"

# ---- support cases ----------------------------------------------------

run zendesk-tickets.ndjson 100 0 -f json --time-field created_at --tz America/Los_Angeles
is "zendesk ts" "$(jq -r .ts out | head -1)" 2012-09-06T13:15:09-07:00
is "zendesk status" "$(jq -r .status out | sort | uniq -c | awk '{print $2 "=" $1}' | paste -sd' ' -)" "new=99 pending=1"

run zendesk-ticket-audits.ndjson 100 0 -f json --time-field created_at
is "audits with ts" "$(jq -r 'select(.ts | test("Z$")) | .id' out | wc -l)" 100

run github-issues.ndjson 50 0 -f json --time-field created_at
is "github pull requests" "$(jq -r 'select(has("pull_request")) | .number' out | wc -l)" 24
is "github closed" "$(jq -r 'select(.state == "closed") | .number' out | wc -l)" 38
is "github first ts" "$(jq -r .ts out | head -1)" 2017-12-17T00:21:05Z

run salesforce-cases.csv 40 0 -f csv --time-field CreatedDate --types IsClosed:bool
is "salesforce keys" "$(jq -r 'keys | length' out | sort -u)" 45
is "salesforce first key" "$(head -1 out | cut -c1-6)" '{"Id":'
is "salesforce first" "$(jq -c '[.Id, .CaseNumber, .Status, .ts]' out | head -1)" \
	'["500Nq00000CBxteIAD","00001046","Escalated","2024-07-11T21:22:07.000Z"]'
is "salesforce closed" "$(jq -c .IsClosed out | sort | uniq -c | awk '{print $2 "=" $1}' | paste -sd' ' -)" "null=8 true=32"
is "salesforce subject" "$(jq -r 'select(.CaseNumber == "00001047") | .Subject' out)" \
	'"Customer Inquiry: Post-upgrade to 200 amps, unusual electric kettle behavior and warranty coverage query"'

exit 0
