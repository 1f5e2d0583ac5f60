#!/usr/bin/env bash
# tingle-stitch live: under tail -F, a Postfix message's record appears
# within a second of its "removed" line, and not before it.
set -u
fail() { echo "FAIL: $*"; exit 1; }
command -v setsid >/dev/null || { echo "no setsid"; exit 77; }

: >maillog
setsid sh -c 'tail -n +1 -F maillog 2>/dev/null |
	tingle-parse -f postfix --year 2026 --hold 200ms |
	tingle-stitch --preset postfix >out 2>err' &
pid=$!
trap 'kill -TERM -- -$pid 2>/dev/null' EXIT
now_ms() { date +%s%3N; }

for q in 3F2A81C0042 4PbD0F1b2Cz3tBr; do
	cat >>maillog <<LOG
Mar  1 10:00:02 mx postfix/smtpd[100]: $q: client=mail.example.org[192.0.2.10]
Mar  1 10:00:02 mx postfix/cleanup[101]: $q: message-id=<$q@example.org>
Mar  1 10:00:02 mx postfix/qmgr[102]: $q: from=<a@example.org>, size=1234, nrcpt=1 (queue active)
Mar  1 10:00:04 mx postfix/smtp[103]: $q: to=<b@example.net>, relay=mx.example.net[198.51.100.5]:25, delay=2, delays=0.1/0/1/0.9, dsn=2.0.0, status=sent (250 2.0.0 Ok)
LOG
	sleep 1.5
	grep -q "$q" out && fail "$q written before its removed line: $(cat out)"
	echo "Mar  1 10:00:04 mx postfix/qmgr[102]: $q: removed" >>maillog
	t0=$(now_ms)
	while ! grep -q "\"queue_id\":\"$q\".*\"complete\":true" out; do
		[ $(($(now_ms) - t0)) -lt 5000 ] || fail "$q: no record 5 s after its removed line: $(cat out err)"
		sleep 0.02
	done
	dt=$(($(now_ms) - t0))
	echo "$q: record $dt ms after its removed line"
	[ "$dt" -lt 1000 ] || fail "$q: record came $dt ms after its removed line"
done
[ ! -s err ] || fail "diagnostics: $(cat err)"
exit 0
