#!/usr/bin/env bash
# tingle-stitch expect mode on two live inputs (FIFOs): a start waits for
# the other input to catch up before it is judged; an expected record
# that comes later on the other input matches it; and with --idle, a start
# whose --within has passed by the wall clock while both inputs are quiet
# is written "matched": false without more input.
set -u
. "$TINGLE_TOP/tests/sh/live.bash"

mkfifo starts.fifo emails.fifo
tingle-stitch -k u --within 2s --idle 1s --start 'ev == "try"' --expect 'ev == "ok"' \
	starts.fifo emails.fifo >out 2>err &
pid=$!
exec 3>starts.fifo 4>emails.fifo
echo '{"ts":"2026-03-01T10:00:00Z","u":1,"ev":"try"}' >&3
echo '{"ts":"2026-03-01T10:00:01Z","u":2,"ev":"try"}' >&3
echo '{"ts":"2026-03-01T10:00:09Z","u":9,"ev":"noise"}' >&3
# The starts input is far ahead, but nothing is judged before the emails
# input has caught up: u 1's email is still to come.
sleep 0.5
[ ! -s out ] || fail "judged before the other input caught up: $(cat out)"
echo '{"ts":"2026-03-01T10:00:01.5Z","u":1,"ev":"ok"}' >&4
wait_lines out 1
grep -q '"u":1,.*"matched":true,"latency":1.5' out || fail "u 1 not matched: $(cat out)"
echo '{"ts":"2026-03-01T10:00:10Z","u":3,"ev":"ok"}' >&4
wait_lines out 2
grep -q '"u":2,.*"matched":false' out || fail "u 2 not missing: $(cat out)"
# A start, then silence on both inputs: --idle lets the wall clock end
# its wait (2 s after the idle second).
echo '{"ts":"2026-03-01T10:00:11Z","u":4,"ev":"try"}' >&3
echo '{"ts":"2026-03-01T10:00:11Z","u":5,"ev":"noise"}' >&4
wait_lines out 3
grep -q '"u":4,.*"matched":false}' out || fail "u 4 not written by --idle: $(cat out)"
exec 3>&- 4>&-
wait $pid || fail "status $?: $(cat err)"
[ ! -s err ] || fail "diagnostics: $(cat err)"
[ "$(wc -l <out)" = 3 ] || fail "records: $(cat out)"
exit 0
