# alert-mail-hook.sh - examples/hooks/mail-alert.sh turns alert records
# into RFC 5322 messages: handed to a stand-in sendmail (nothing is sent),
# or printed with -n.  Record text must not be able to add headers.
set -u

fail() { echo "FAIL: $*"; for f in err sendmail.args sendmail.msg; do [ -f $f ] && sed "s/^/$f: /" $f; done; exit 1; }

hook=$TINGLE_TOP/examples/hooks/mail-alert.sh
[ -x "$hook" ] || fail "$hook is missing or not executable"

# A sendmail that keeps what it is given.
mkdir fakebin
cat >fakebin/sendmail <<EOF
#!/bin/sh
printf '%s\n' "\$*" >>$PWD/sendmail.args
cat >>$PWD/sendmail.msg
EOF
chmod +x fakebin/sendmail

cat >rules.json <<'EOF'
[{"name": "links_low", "when": "ratio < 0.2", "key": "segment",
  "severity": "critical",
  "message": "Gerätekopplung für {segment}: {ratio:%.2f} of the expected confirmations",
  "resolved_message": "Gerätekopplung für {segment} wieder in Ordnung: {ratio:%.2f} of the expected confirmations"}]
EOF
# The segment tries to smuggle a Bcc header in through a newline.
printf '%s\n' \
    '{"segment":"Sün\nBcc: victim@example.com","window_start":"2026-06-01T00:00:00Z","window_end":"2026-06-02T00:00:00Z","ratio":0.04}' \
    '{"segment":"Sün\nBcc: victim@example.com","window_start":"2026-06-02T00:00:00Z","window_end":"2026-06-03T00:00:00Z","ratio":0.95}' \
    >in.ndjson

PATH=$PWD/fakebin:$PATH SENDMAIL= tingle-alert -F rules.json --exec-jobs 1 \
    --exec "$hook -f 'Alerts <alerts@example.com>' ops@example.com" \
    in.ndjson >out 2>err
rc=$?
[ $rc -eq 0 ] || fail "tingle-alert exit $rc"
[ -s err ] && fail "unexpected diagnostics"
[ "$(wc -l <out)" -eq 2 ] || fail "expected two alert records on stdout"
[ "$(cat sendmail.args)" = "-t -oi
-t -oi" ] || fail "sendmail not called as 'sendmail -t -oi' once per alert"

# Split the two messages (each starts with From:) and check them.
awk '/^From: /{n++} {print > ("msg" n)}' sendmail.msg
[ -f msg1 ] && [ -f msg2 ] || fail "expected two messages"
for m in msg1 msg2; do
	awk 'length($0) > 998 { exit 1 }' "$m" || fail "$m has a line over 998 bytes"
	sed '/^$/q' "$m" >"$m.head"
	grep -qi '^bcc:' "$m.head" && fail "record text added a Bcc header in $m"
	for h in From To Subject Date Message-ID MIME-Version Content-Type; do
		grep -q "^$h: " "$m.head" || fail "$m has no $h header"
	done
	grep -q '^To: ops@example.com$' "$m.head" || fail "$m: wrong To"
	grep -q '^From: Alerts <alerts@example.com>$' "$m.head" || fail "$m: wrong From"
	grep -q '^Subject: =?UTF-8?B?' "$m.head" || fail "$m: non-ASCII subject not encoded"
	if LC_ALL=C grep -q '[^ -~]' "$m.head"; then fail "$m: raw non-ASCII byte in the header"; fi
done
grep -q '^X-Tingle-State: firing$' msg1 || fail "first message is not the firing one"
grep -q '^X-Tingle-State: resolved$' msg2 || fail "second message is not the resolved one"
grep -q 'Gerätekopplung für Sün' msg1 || fail "message text missing from the body"

# A full parse, where Python is at hand.
if command -v python3 >/dev/null 2>&1; then
	python3 - msg1 msg2 <<'EOF' || fail "a message does not parse as RFC 5322"
import sys
from email import policy
from email.parser import BytesParser
want = {"msg1": "[FIRING critical] links_low: Gerätekopplung für Sün Bcc: "
                "victim@example.com: 0.04 of the expected confirmations",
        "msg2": "[RESOLVED critical] links_low: Gerätekopplung für Sün Bcc: "
                "victim@example.com wieder in Ordnung: 0.95 of the expected "
                "confirmations"}
for name in sys.argv[1:]:
    with open(name, "rb") as f:
        m = BytesParser(policy=policy.default).parse(f)
    assert not m.defects, (name, m.defects)
    assert m["Subject"] == want[name], (name, m["Subject"])
    assert m["Bcc"] is None
    assert m.get_content_type() == "text/plain"
    assert "Sün" in m.get_content()
EOF
fi

# -n prints the message instead, and tingle-alert's stdout stays NDJSON.
rm -f sendmail.msg sendmail.args
PATH=$PWD/fakebin:$PATH tingle-alert -F rules.json --exec-jobs 1 \
    --exec "$hook -n ops@example.com" in.ndjson >out 2>err
[ $? -eq 0 ] || fail "tingle-alert -n run failed"
[ -e sendmail.msg ] && fail "-n still called sendmail"
[ "$(grep -c '^Subject: ' err)" -eq 2 ] || fail "-n did not print two messages"
jq -e . out >/dev/null 2>&1 || ! command -v jq >/dev/null || fail "stdout is not NDJSON"

# Plain ASCII subjects are not encoded, so they are the ones a newline
# could break: it must not.
printf '%s\n' '{"segment":"Sun\r\nBcc: victim@example.com","window_end":"2026-06-02T00:00:00Z","ratio":0.04}' |
    tingle-alert -r 'low: ratio < 0.2' -m 'low for {segment}' --exec "$hook -n ops@example.com" >out 2>err
grep -q '^Subject: \[FIRING warning\] low: low for Sun  Bcc: victim@example.com$' err ||
    fail "ASCII subject not kept on one line"
sed '/^$/q' err | grep -qi '^bcc:' && fail "record text added a Bcc header (ASCII)"

# No recipient is a usage error of the hook, reported by tingle-alert.
ALERT_MAIL_TO= tingle-alert -F rules.json --exec "$hook -n" in.ndjson >out 2>err
grep -q "no recipient" err || fail "missing recipient not reported"
grep -q "exited with status 64" err || fail "hook failure not reported"
exit 0
