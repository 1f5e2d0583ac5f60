# rsyslog-omprog.sh - examples/rsyslog/ in a real rsyslogd.
#
# Starts rsyslogd (Debian's rsyslog) in the foreground with a private
# configuration, pid file, work directory and socket: imuxsock listens
# on ./log.sock only (not /dev/log) and examples/rsyslog/tingle.conf is
# included with its paths pointed here, so no system rsyslog or file is
# touched.  Sends Postfix lines with `logger -u log.sock`: deliveries
# and, in one 5-second window, 4 bounces.  The count records and the
# bounce alert must come out in the action's output file.  Then stops
# rsyslogd with SIGTERM: the pipeline must end (no process of it left),
# cleanly (tingle-alert saved its state, nothing on the pipeline's
# standard error but records), and rsyslogd must exit 0.
# Skipped when rsyslogd, its omprog module or logger is missing, or
# rsyslogd cannot start here.
set -u
top=$TINGLE_TOP
ex=$top/examples/rsyslog
command -v rsyslogd >/dev/null || [ -x /usr/sbin/rsyslogd ] ||
	{ echo "rsyslogd is missing (apt-get install rsyslog)"; exit 77; }
rsyslogd=$(command -v rsyslogd || echo /usr/sbin/rsyslogd)
command -v logger >/dev/null || { echo "logger is missing"; exit 77; }
here=$PWD
mkdir -p work state

# The pipeline runs live: the wall clock, not the test's fixed one.
unset TINGLE_NOW
export TINGLE_WINDOW=5s TINGLE_BOUNCES=3

sed -e "s|/etc/tingle/|$ex/|g" -e "s|/var/lib/tingle|$here/state|g" \
	"$ex/tingle.conf" >tingle.conf
cat >rsyslog.conf <<EOF
global(workDirectory="$here/work")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$here/log.sock" CreatePath="on")
include(file="$here/tingle.conf")
EOF
"$rsyslogd" -N1 -f rsyslog.conf >check.out 2>&1 ||
	{ echo "rsyslogd rejects the configuration here:"; cat check.out; exit 77; }

"$rsyslogd" -n -f rsyslog.conf -i "$here/rsyslogd.pid" >rsyslogd.out 2>&1 &
rs=$!
for _ in $(seq 50); do
	[ -S log.sock ] && break
	kill -0 $rs 2>/dev/null || break
	sleep 0.1
done
if ! [ -S log.sock ]; then
	echo "rsyslogd cannot start here:"; cat rsyslogd.out
	kill $rs 2>/dev/null
	exit 77
fi
stop() { kill -TERM $rs 2>/dev/null; wait $rs; }
trap 'kill -KILL $rs 2>/dev/null' EXIT

send() { # TAG MESSAGE
	logger -u "$here/log.sock" -t "$1" --id=4242 -- "$2"
}
send postfix/smtp "3A1B2C3D4E: to=<ann@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=0.4, delays=0.1/0/0.1/0.2, dsn=2.0.0, status=sent (250 2.0.0 OK)"
send sshd "Accepted publickey for root from 192.0.2.7 port 50000 ssh2"
# The bounces, well inside one 5-second window.
while [ $(( $(date +%s) % 5 )) -gt 1 ]; do sleep 0.2; done
for i in 1 2 3 4; do
	send postfix/smtp "4B1B2C3D4$i: to=<user$i@example.net>, relay=mx.example.net[192.0.2.2]:25, delay=0.5, delays=0.1/0/0.1/0.3, dsn=5.1.1, status=bounced (host mx.example.net[192.0.2.2] said: 550 5.1.1 no such user)"
done
send postfix/smtp "5C1B2C3D4E: to=<bob@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=0.4, delays=0.1/0/0.1/0.2, dsn=2.0.0, status=sent (250 2.0.0 OK)"

out=state/omprog.out
fired=0
for _ in $(seq 150); do
	grep -q '"alert":"bounces".*"state":"firing"' $out 2>/dev/null && { fired=1; break; }
	sleep 0.1
done
fail=0
if [ $fired = 0 ]; then
	echo "FAIL: no bounce alert within 15 s; the action's output:"
	cat $out 2>/dev/null | head -20
	echo "rsyslogd:"; head -20 rsyslogd.out
	fail=1
fi
grep -q '"status":"bounced".*"count":4' $out ||
	{ echo "FAIL: no count record of the 4 bounces"; fail=1; }
grep -q '"status":"sent"' $out || { echo "FAIL: no count record of sent mail"; fail=1; }

# The processes of the pipeline, to see them go.
pids=$(pgrep -f "$ex/tingle-omprog") ; pids="$pids $(pgrep -f 'tingle-(parse|segment|count|alert) ')"
mine=""
for p in $pids; do
	# only the ones under this rsyslogd
	q=$p
	while [ -n "$q" ] && [ "$q" != 1 ] && [ "$q" != 0 ]; do
		[ "$q" = $rs ] && { mine="$mine $p"; break; }
		q=$(ps -o ppid= -p "$q" 2>/dev/null | tr -d ' ')
	done
done
[ -n "$mine" ] || { echo "FAIL: no pipeline process under rsyslogd"; fail=1; }

stop
rc=$?
trap - EXIT
[ $rc = 0 ] || { echo "FAIL: rsyslogd exited $rc:"; cat rsyslogd.out; fail=1; }
# (A zombie has ended; reaping it is its new parent's business.)
for p in $mine; do
	st=$(ps -o stat= -p "$p" 2>/dev/null)
	case $st in
	'' | Z*) ;;
	*) echo "FAIL: pipeline process $p ($(ps -o args= -p "$p")) outlived rsyslogd"; fail=1 ;;
	esac
done
[ -s state/alerts.state ] || { echo "FAIL: tingle-alert saved no state: it did not end cleanly"; fail=1; }
grep -q '"bounces"' state/alerts.state 2>/dev/null ||
	{ echo "FAIL: the saved state lacks the firing alert"; fail=1; }
# Everything in the output file is a record: no diagnostics, no kill.
bad=$(grep -v '^{' $out)
[ -z "$bad" ] || { echo "FAIL: the pipeline wrote more than records:"; echo "$bad" | head; fail=1; }
exit $fail
