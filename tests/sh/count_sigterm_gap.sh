#!/usr/bin/env bash
# tingle-count in a long gap of zero windows (--max-fill 0: no bound)
# ends promptly on SIGTERM with 143, its output ending at a whole window:
# the window of the first record, then the zero windows of the gap, one
# second after another, and nothing of the record after the gap.
set -uo pipefail
mkfifo live
tingle-count -w 1s -k k --max-fill 0 <live >out.ndjson 2>err &
pid=$!
exec 3>live
printf '{"ts":0,"k":"a"}\n{"ts":"2026-06-15T11:00:00Z","k":"a"}\n' >&3
for _ in $(seq 50); do [ -s out.ndjson ] && break; sleep 0.1; done
kill -TERM "$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && { kill -KILL "$pid"; echo "FAIL: still running 10 s after SIGTERM"; exit 1; }
wait "$pid"; rc=$?
exec 3>&-
[ "$rc" -eq 143 ] || { echo "FAIL: exit $rc, not 143"; cat err; exit 1; }
[ -z "$(tail -c1 out.ndjson)" ] || { echo "FAIL: output ends mid-line"; exit 1; }
n=$(wc -l <out.ndjson)
[ "$n" -ge 2 ] || { echo "FAIL: $n windows, not the first and some of the gap"; cat out.ndjson; exit 1; }
jq -nc --argjson n "$n" 'range(0; $n) as $i |
	{k: "a", window_start: ($i | todate), window_end: ($i + 1 | todate),
	 count: (if $i == 0 then 1 else 0 end)}' >want.ndjson
cmp -s want.ndjson out.ndjson || {
	echo "FAIL: not the windows of the gap"
	diff want.ndjson out.ndjson | head -10
	exit 1
}
exit 0
