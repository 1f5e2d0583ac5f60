# A reader that closes the pipe early: `tingle-STAGE ... | head -1` must
# end at once and quietly (killed by SIGPIPE, nothing on stderr), for
# every stage, for a large file and for an endless stream, and for the
# whole pipeline.  A stage that ignored EPIPE would run into the time
# limit of 60 s here (status 124).
set -u
. "$TINGLE_TOP/tests/sh/fault.bash"

# An endless stream of records, one a second of event time.
endless() {
	awk 'BEGIN {
		for (i = 0; ; i++) {
			t = 1781481600 + i
			printf "{\"ts\":%d,\"g\":\"g%d\",\"window_start\":%d,\"window_end\":%d,\"count\":%d}\n", t, i % 3, t * 1000, (t + 1) * 1000, i
		}
	}'
}

records 100000 >big.ndjson

for s in $STAGES; do
	have "$s" || continue
	cmd=$(stage_cmd "$s")

	eval "timeout 60 $cmd big.ndjson" 2>err | head -1 >first
	rc=${PIPESTATUS[0]}
	[ "$rc" = 141 ] || fail "$s: file into head -1: status $rc: $(cat err)"
	[ -s err ] && fail "$s: file into head -1: stderr: $(cat err)"
	jq -e . first >/dev/null || fail "$s: first record: $(cat first)"

	endless | eval "timeout 60 $cmd" 2>err | head -1 >first
	rc=${PIPESTATUS[1]}
	[ "$rc" = 141 ] || fail "$s: endless stream into head -1: status $rc: $(cat err)"
	[ -s err ] && fail "$s: endless stream into head -1: stderr: $(cat err)"
	jq -e . first >/dev/null || fail "$s: first record: $(cat first)"
done

# The whole pipeline, the way a user stops looking at it.
if have parse && have segment && have count && have compare && have alert; then
	endless | timeout 60 tingle-parse -f json 2>err.parse |
		timeout 60 tingle-segment --where 'g != "none"' 2>err.segment |
		timeout 60 tingle-count -w 1m -k g 2>err.count |
		timeout 60 tingle-compare -b prev:3 -k g 2>err.compare |
		timeout 60 tingle-alert --pass -r 'low: count < 0' 2>err.alert |
		head -1 >first
	st=("${PIPESTATUS[@]}")
	for i in 1 2 3 4 5; do
		[ "${st[$i]}" = 141 ] || fail "pipeline: stage $i: status ${st[$i]}"
	done
	for e in err.*; do
		[ -s "$e" ] && fail "pipeline: $e: $(cat "$e")"
	done
	jq -e '.count == 20' first >/dev/null || fail "pipeline: first record: $(cat first)"
fi
done_checks
