# systemd-unit.sh - examples/systemd/tingle-mail.service is a valid unit,
# and its ExecStart pipeline works.
#
# systemd-analyze verify (--man=no: the man pages need not be installed)
# must print nothing: it exits 0 even for a setting it ignores.  Then the
# ExecStart line is split and unescaped as systemd does it (continuation
# lines joined, quotes and C escapes removed, %S the state root), run with
# this test's directory for /var/lib and its own log for
# /var/log/mail.log, with a 5-second window and a threshold of 3 in place
# of the unit's minute and 20 so the test is quick.  Bounces appended to
# the log must bring an alert on standard output (the journal); SIGTERM,
# as systemctl stop sends it to every process of the unit, must end the
# pipeline with the alert state saved.  Skipped without systemd-analyze.
set -u
unit=$TINGLE_TOP/examples/systemd/tingle-mail.service
command -v systemd-analyze >/dev/null || { echo "systemd-analyze is missing"; exit 77; }
fail=0
systemd-analyze verify --man=no "$unit" >verify.out 2>&1
rc=$?
if [ $rc != 0 ] || [ -s verify.out ]; then
	echo "FAIL: systemd-analyze verify (status $rc):"; cat verify.out; fail=1
fi

command -v python3 >/dev/null || { echo "python3 is missing: ExecStart not run"; exit $fail; }
python3 - "$unit" "$PWD" >cmd <<'PY' || { echo "FAIL: no ExecStart"; exit 1; }
import re, shlex, sys
text = open(sys.argv[1]).read().replace("\\\n", " ")
line = next(l for l in text.split("\n") if l.startswith("ExecStart="))
argv = [re.sub(r"\\(.)", r"\1", w) for w in shlex.split(line[len("ExecStart="):])]
assert argv[:2] == ["/bin/sh", "-c"], argv
cmd = argv[2].replace("%S", sys.argv[2] + "/lib").replace("/var/log/mail.log", sys.argv[2] + "/mail.log")
cmd = cmd.replace("-w 1m", "-w 5s").replace("--idle 30s", "--idle 1s").replace("count >= 20", "count >= 3")
print(cmd)
PY
mkdir -p lib/tingle-mail
: >mail.log
unset TINGLE_NOW
setsid sh -c "$(cat cmd)" >journal 2>journal.err &
pg=$!
sleep 1
now=$(date -u +%Y-%m-%dT%H:%M:%S.000000+00:00)
for i in 1 2 3 4; do
	echo "$now mx postfix/smtp[77]: 4B1B2C3D4$i: to=<u$i@example.net>, relay=mx.example.net[192.0.2.2]:25, delay=0.5, delays=0.1/0/0.1/0.3, dsn=5.1.1, status=bounced (550 5.1.1 no such user)"
done >>mail.log
for _ in $(seq 150); do
	grep -q '"state":"firing"' journal && break
	sleep 0.1
done
grep -q '"alert":"bounces".*"state":"firing"' journal ||
	{ echo "FAIL: the unit's pipeline did not alert:"; cat cmd journal journal.err | head; fail=1; }
kill -TERM -- -$pg
for _ in $(seq 50); do
	pgrep -g $pg >/dev/null || break
	sleep 0.1
done
pgrep -g $pg >/dev/null && { echo "FAIL: the pipeline outlived SIGTERM"; pkill -KILL -g $pg; fail=1; }
grep -q bounces lib/tingle-mail/alerts.state 2>/dev/null ||
	{ echo "FAIL: no alert state saved in StateDirectory"; fail=1; }
exit $fail
