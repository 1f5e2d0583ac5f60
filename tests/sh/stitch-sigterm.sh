# stitch-sigterm.sh - on SIGTERM, tingle-stitch writes every key still
# open as incomplete ("complete": false) before it exits 143; a key that
# ended before the signal is written once, complete.
set -u
fail() {
	echo "FAIL: $*"
	exit 1
}

mkfifo in.fifo
tingle-stitch -k id --end 'done' in.fifo >out 2>err &
pid=$!
exec 3>in.fifo
printf '%s\n' '{"ts":"2026-03-01T10:00:00Z","id":"a","n":1}' \
	'{"ts":"2026-03-01T10:00:01Z","id":"b","n":2}' \
	'{"ts":"2026-03-01T10:00:02Z","id":"a","done":true}' \
	'{"ts":"2026-03-01T10:00:03Z","id":"c","n":3}' >&3
# The complete record shows up while the input stays open.
for t in $(seq 50); do
	grep -q '"id":"a"' out 2>/dev/null && break
	sleep 0.1
done
grep -q '"id":"a".*"complete":true' out || fail "no complete record for a: $(cat out)"
kill -TERM $pid
wait $pid
rc=$?
exec 3>&-
[ $rc = 143 ] || fail "exit status $rc, not 143: $(cat err)"
[ ! -s err ] || fail "stderr: $(cat err)"
[ "$(wc -l <out)" = 3 ] || fail "expected 3 records: $(cat out)"
grep -q '"id":"b","n":2,.*"complete":false' out || fail "b not written incomplete: $(cat out)"
grep -q '"id":"c","n":3,.*"complete":false' out || fail "c not written incomplete: $(cat out)"
exit 0
