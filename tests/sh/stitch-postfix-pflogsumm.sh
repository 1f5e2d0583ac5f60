#!/usr/bin/env bash
# tingle-stitch --preset postfix against pflogsumm on a real Postfix log:
# a Postfix started on the loopback interface receives mail over SMTP and
# by pickup, delivers some (discard), defers some (a port nobody listens
# on, twice), bounces some (error) and rejects a relay attempt.  The
# messages received, bytes received, delivered, deferred (messages and
# deferrals) and bounced from the stitched records must equal
# pflogsumm's Grand Totals.  Skips (77) when Postfix cannot be started.
set -uo pipefail
skip() { echo "skip: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
command -v pflogsumm >/dev/null || skip "pflogsumm is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"
[ -x /usr/sbin/postfix ] || skip "postfix is not installed"
[ "$(id -u)" = 0 ] || skip "starting Postfix needs root"
id postfix >/dev/null 2>&1 || skip "no postfix user"

here=$PWD
# The queue must be reachable by the postfix user: not under a 0700
# scratch directory.
top=$(mktemp -d /tmp/tingle-postfix.XXXXXX) || skip "no temporary directory"
chmod 755 "$top"
E=$top/etc
cleanup() {
	postfix -c "$E" stop >/dev/null 2>&1
	sleep 0.5
	[ -n "${TINGLE_KEEP:-}" ] || rm -rf "$top"
}
trap cleanup EXIT
mkdir -p "$E" "$top/queue" "$top/data"
chown postfix "$top/data"

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
port=$(free_port)
dead=$(free_port) # nobody listens there: deliveries are deferred

cat >"$E/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $top/queue
data_directory = $top/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.stitch.test
mydomain = stitch.test
myorigin = \$myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relay_domains = good.example bounce.example defer.example sender.example mx.stitch.test
transport_maps = inline:{ good.example=discard:, sender.example=discard:, mx.stitch.test=discard:, {bounce.example=error:5.1.1 no such user}, defer.example=smtp:[127.0.0.1]:$dead }
smtpd_relay_restrictions = reject_unauth_destination
smtpd_reject_unlisted_recipient = no
smtpd_recipient_restrictions = check_recipient_access inline:{ {nobody@good.example=REJECT no such user} }
alias_maps =
alias_database =
smtputf8_enable = no
maillog_file = $top/maillog
maillog_file_prefixes = $top
bounce_queue_lifetime = 1d
maximal_queue_lifetime = 1d
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
smtp_connect_timeout = 2s
CF
cat >"$E/master.cf" <<CF
127.0.0.1:$port inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
smtp      unix  - - n - - smtp
relay     unix  - - n - - smtp
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
CF
postfix -c "$E" set-permissions >/dev/null 2>&1
postfix -c "$E" start >"$here/start.log" 2>&1 || skip "postfix would not start: $(tail -3 "$here/start.log")"
for i in $(seq 50); do
	python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break
	sleep 0.1
done

python3 - "$port" <<'PY' || fail "sending mail failed"
import smtplib, sys
port = int(sys.argv[1])
def send(sender, rcpts, body, expect_refused=()):
    s = smtplib.SMTP("127.0.0.1", port, timeout=10)
    try:
        s.sendmail(sender, rcpts, body)
    except smtplib.SMTPRecipientsRefused:
        pass
    s.quit()
msg = lambda subj, n: ("Subject: %s\r\n\r\n" % subj) + ("x" * n) + "\r\n"
send("a@sender.example", ["x@good.example", "y@good.example"], msg("two delivered", 1000))
send("b@sender.example", ["z@bounce.example"], msg("bounced", 2000))
send("c@sender.example", ["w@defer.example", "v@good.example"], msg("deferred", 3000))
send("d@sender.example", ["u@defer.example"], msg("deferred too", 500))
send("", ["postmaster@good.example"], msg("null sender", 700))
send("e@sender.example", ["t@good.example", "nobody@good.example"], msg("one refused", 400))
# a relay attempt: refused before a queue id is given
s = smtplib.SMTP("127.0.0.1", port, timeout=10)
s.ehlo()
s.mail("f@sender.example")
s.rcpt("r@elsewhere.example")
s.rset()
s.quit()
PY
printf 'Subject: by pickup\n\nlocal\n' | /usr/sbin/sendmail -C "$E" -f root@mx.stitch.test p@good.example ||
	fail "sendmail (pickup) failed"

# Wait until the deferred messages have been tried at least twice (the
# queue is scanned every second), then delete them.
settle() {
	for i in $(seq 100); do
		n=$(grep -c 'status=deferred' "$top/maillog" 2>/dev/null)
		[ "${n:-0}" -ge "$1" ] &&
			[ "$(grep -c ': removed' "$top/maillog")" -ge "$2" ] && return 0
		sleep 0.2
	done
	fail "the queue did not settle: $(tail -5 "$top/maillog")"
}
settle 4 6
postsuper -c "$E" -d ALL deferred >/dev/null 2>&1
sleep 0.5
postfix -c "$E" stop >/dev/null 2>&1
sleep 0.5
cp "$top/maillog" "$here/maillog"
cd "$here" || exit 1

tingle-parse -f postfix maillog 2>parse.err | tingle-stitch --preset postfix >msgs.ndjson 2>err ||
	fail "tingle-stitch failed: $(cat err)"
[ ! -s err ] || fail "diagnostics: $(cat err)"
got=$(jq -s -c '(map(select(.queue_id != "NOQUEUE"))) as $m | [
	($m | map(select(.client != null or .uid != null)) | length),
	($m | map(select(.client != null or .uid != null) | .size) | add),
	([$m[].deliveries[] | select(.status == "sent" and .forwarded_as == null)] | length),
	($m | map(select(any(.deliveries[]; .status == "deferred"))) | length),
	([$m[].deliveries[] | select(.status == "deferred")] | length),
	([$m[].deliveries[] | select(.status == "bounced")] | length)]' msgs.ndjson)
pflogsumm maillog >sum.txt 2>/dev/null
num() { awk -v w="$1" '$2 == w { print $1; exit }' sum.txt; }
deferrals=$(awk '$2 == "deferred" { gsub(/[()]/, "", $3); print ($3 == "" ? 0 : $3); exit }' sum.txt)
bytes=$(awk '$2 == "bytes" && $3 == "received" { print $1; exit }' sum.txt)
want="[$(num received),$bytes,$(num delivered),$(num deferred),$deferrals,$(num bounced)]"
echo "received, bytes received, delivered, deferred, deferrals, bounced: tingle $got, pflogsumm $want"
[ "$got" = "$want" ] || fail "tingle-stitch $got, pflogsumm $want"
# The bounce notice (null
# sender, no client) is a message of its own that pflogsumm does not count
# as received.
# postsuper -d does not log each message it deletes: the two deferred
# ones stay open and are written incomplete at the end.
jq -e -s 'map(select(.queue_id != "NOQUEUE")) |
	map(select(.complete | not)) | length == 2 and
	all(any(.deliveries[]; .status == "deferred"))' msgs.ndjson >/dev/null ||
	fail "other messages than the two deleted ones are incomplete"
jq -e -s 'any(.from == "" and .client == null)' msgs.ndjson >/dev/null || fail "no bounce notice"
jq -e -s 'any(.queue_id == "NOQUEUE" and .to == "r@elsewhere.example")' msgs.ndjson >/dev/null || fail "no NOQUEUE record of the relay attempt"
exit 0
