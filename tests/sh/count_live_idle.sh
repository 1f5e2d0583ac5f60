#!/usr/bin/env bash
# tingle-count --idle on a live stream: while a FIFO stays open and
# silent, windows keep closing with the wall clock and every known group
# gets its zero, written at once; events after the pause are counted;
# with --keys and no events at all, the seeded groups get zeros from the
# start of the run; SIGTERM writes what is complete and exits 143.
# Assertions are about structure, never about the machine's date.
set -euo pipefail

. "$TINGLE_TOP/tests/sh/live.bash"

# Every window_start is the window_end of the window before, and each
# group appears once per window.
check_windows() {
	jq -rs 'group_by(.window_start) | map({s: .[0].window_start, e: .[0].window_end, n: length, u: (map(.k) | unique | length)})
		| (map(select(.n != .u)) | length) as $dups
		| [range(1; length) as $i | select(.[$i].s != .[$i - 1].e)] | length + $dups' out.ndjson
}

command -v jq >/dev/null || { echo "jq is not installed"; exit 77; }

# ---- zeros while the stream is silent ----------------------------------
mkfifo live
# The events are at the wall clock's time: so is the clock of the run.
env -u TINGLE_NOW tingle-count -w 1s -k k --max-ahead 0 --idle 500ms <live >out.ndjson 2>err &
pid=$!
exec 3>live
now=$(date +%s)
printf '{"ts":%s,"k":"a"}\n{"ts":%s,"k":"b"}\n' "$now" "$now" >&3
wait_for '"k":"a".*"count":1' 1 || fail "the first window was not written while the input stayed open"
wait_for '"count":0' 6 || fail "no zero-count windows while the input was silent"
kill -0 "$pid" || fail "tingle-count ended while its input was open"
grep -q '"k":"b".*"count":0' out.ndjson || fail "group b got no zeros"

# Input resumes: the new event is counted, not late.
printf '{"ts":%s,"k":"a"}\n' "$(date +%s)" >&3
wait_for '"k":"a".*"count":1' 2 || fail "the event after the pause was not counted"
exec 3>&-
wait "$pid" || fail "exit status $?"
[ ! -s err ] || fail "unexpected diagnostics"
[ "$(check_windows)" = 0 ] || fail "windows not consecutive or a group written twice"
echo "silence: $(grep -c '"count":0' out.ndjson) zero-count records"

# ---- seeded groups with no events at all -------------------------------
rm -f out.ndjson err
mkfifo seeded
printf '%s\n' '{"k":"x"}' '{"k":"y"}' >keys.ndjson
tingle-count -w 1s -k k --max-ahead 0 --keys keys.ndjson --idle 300ms <seeded >out.ndjson 2>err &
pid=$!
exec 4>seeded
wait_for '"k":"y".*"count":0' 2 || fail "seeded groups got no zeros"
exec 4>&-
wait "$pid" || fail "exit status $?"
if [ -n "${TINGLE_NOW:-}" ]; then
	# The run's clock starts at TINGLE_NOW.
	first=$(head -1 out.ndjson | jq -r .window_start)
	[ "$first" = "$(date -u -d "$TINGLE_NOW" +%Y-%m-%dT%H:%M:%SZ)" ] ||
		fail "first window $first does not start at TINGLE_NOW"
fi
[ "$(check_windows)" = 0 ] || fail "seeded windows not consecutive"

# ---- SIGTERM -----------------------------------------------------------
rm -f out.ndjson err
mkfifo term
env -u TINGLE_NOW tingle-count -w 1s -k k --max-ahead 0 <term >out.ndjson 2>err &
pid=$!
exec 5>term
now=$(date +%s)
printf '{"ts":%s,"k":"a"}\n{"ts":%s,"k":"a"}\n' "$((now - 10))" "$now" >&5
wait_for '"count":1' 1 || fail "the closed window was not written"
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
exec 5>&-
[ "$rc" = 143 ] || fail "exit status $rc after SIGTERM, expected 143"
# The window still open at the signal is not complete: not written.
[ "$(grep -c . out.ndjson)" = 10 ] || fail "expected the 10 complete windows only"
echo "ok"
