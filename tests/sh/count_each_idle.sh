#!/usr/bin/env bash
# tingle-count --each with --idle on a live stream: while a FIFO stays
# open and silent, every (dimension, value) seen gets its zeros as the
# windows close with the wall clock, and the record without a field
# counts under null.
set -euo pipefail

. "$TINGLE_TOP/tests/sh/live.bash"

mkfifo live
# The events are at the wall clock's time: so is the clock of the run.
env -u TINGLE_NOW tingle-count -w 1s --each os,plan --max-ahead 0 --idle 300ms <live >out.ndjson 2>err &
pid=$!
exec 3>live
now=$(date +%s)
printf '{"ts":%s,"os":"iOS","plan":"pro"}\n{"ts":%s,"os":"Android"}\n' "$now" "$now" >&3
wait_for '"dimension":"plan","value":null,.*"count":1' 1 || fail "the record without plan was not counted under null"
for v in '"os","value":"iOS"' '"os","value":"Android"' '"plan","value":"pro"' '"plan","value":null'; do
	wait_for "\"dimension\":$v,.*\"count\":0" 2 || fail "no zeros for $v while the input was silent"
done
kill -0 "$pid" || fail "tingle-count ended while its input was open"
exec 3>&-
wait "$pid" || fail "exit status $?"
[ ! -s err ] || fail "unexpected diagnostics"
echo "ok: $(grep -c '"count":0' out.ndjson) zero-count records"
