# Input that stops in the middle of a line, for every stage:
# - a last line without a newline is still a record, from a file or a pipe;
# - a last line cut inside a record (its writer died) is bad input: one
#   diagnostic with its line number, its bytes verbatim in --rejects, and
#   every record before it processed as usual;
# - a FIFO whose writer is killed (SIGKILL, mid-line) is an end of input:
#   the stage finishes properly (count writes its open windows), exactly
#   as for a file holding the same bytes.
set -u
. "$TINGLE_TOP/tests/sh/fault.bash"

records 7 >full.ndjson
head -c -1 full.ndjson >nonl.ndjson # the same without the last newline
{
	cat full.ndjson
	printf '{"ts":1781482020,"g":"g1","window_st'
} >cut.ndjson

for s in $STAGES; do
	have "$s" || continue
	cmd=$(stage_cmd "$s")
	eval "$cmd full.ndjson" >want 2>err || [ "$s" = alert ] ||
		fail "$s: whole input: $(cat err)"
	[ "$(wc -l <want)" -ge 7 ] || fail "$s: whole input: $(cat want)"

	eval "$cmd nonl.ndjson" >out 2>err
	cmp -s want out || fail "$s: no final newline, file: $(diff want out)"
	[ -s err ] && fail "$s: no final newline, file: $(cat err)"
	eval "$cmd" <nonl.ndjson >out 2>err
	cmp -s want out || fail "$s: no final newline, pipe: $(diff want out)"

	eval "$cmd --rejects rej cut.ndjson" >out 2>err
	rc=$?
	[ "$rc" = 0 ] || [ "$rc" = 1 -a "$s" = alert ] || fail "$s: cut line: status $rc: $(cat err)"
	cmp -s want out || fail "$s: cut line: records differ: $(diff want out)"
	[ "$(wc -l <err)" = 1 ] && grep -q "^tingle-$s: cut.ndjson:8: .*column" err ||
		fail "$s: cut line: diagnostic: $(cat err)"
	[ "$(cat rej)" = '{"ts":1781482020,"g":"g1","window_st' ] ||
		fail "$s: cut line: rejects: $(cat rej)"

	# A writer that is killed in the middle of a line.
	rm -f fifo
	mkfifo fifo
	(
		cat full.ndjson
		printf '{"ts":1781482020,"g":"g1","window_st'
		kill -KILL $BASHPID
	) >fifo 2>/dev/null &
	eval "timeout 30 $cmd --rejects rej" <fifo >out 2>err
	rc=$?
	wait 2>/dev/null
	[ "$rc" = 0 ] || [ "$rc" = 1 -a "$s" = alert ] || fail "$s: writer killed: status $rc: $(cat err)"
	cmp -s want out || fail "$s: writer killed: $(diff want out)"
	grep -q "^tingle-$s: (stdin):8: .*column" err || fail "$s: writer killed: $(cat err)"
	[ "$(cat rej)" = '{"ts":1781482020,"g":"g1","window_st' ] ||
		fail "$s: writer killed: rejects: $(cat rej)"
done

# The other side of tingle-compare --against dies mid-line.
if have count && have compare; then
	tingle-count -w 1m -k g full.ndjson >obs.ndjson
	tingle-compare --against obs.ndjson obs.ndjson >want || fail "compare --against a file"
	rm -f fifo
	mkfifo fifo
	(
		cat obs.ndjson
		printf '{"g":"g0","window_start":"2026-06'
		kill -KILL $BASHPID
	) >fifo 2>/dev/null &
	timeout 30 tingle-compare --against fifo obs.ndjson >out 2>err
	rc=$?
	wait 2>/dev/null
	[ "$rc" = 0 ] || fail "compare --against a killed writer: status $rc: $(cat err)"
	sed 's/"against:obs.ndjson"/"against:fifo"/' want | cmp -s - out ||
		fail "compare --against a killed writer: $(diff want out)"
	grep -q "^tingle-compare: fifo:$(($(wc -l <obs.ndjson) + 1)): .*column" err ||
		fail "compare --against a killed writer: $(cat err)"
fi

# Line formats of tingle-parse without a final newline.
if have parse; then
	[ "$(printf 'a=1 b=x' | tingle-parse -f logfmt)" = '{"a":"1","b":"x"}' ] ||
		fail "logfmt without a final newline"
	[ "$(printf 'a,b\n1,"x y"' | tingle-parse -f csv)" = '{"a":"1","b":"x y"}' ] ||
		fail "csv without a final newline"
	[ "$(printf 'Jun 15 10:00:00 h app[1]: hello' | tingle-parse -f syslog | jq -r .msg)" = hello ] ||
		fail "syslog without a final newline"
	# A quoted CSV field still open at the end is bad input, kept whole.
	printf 'a,b\n1,"x\ny' | tingle-parse -f csv --rejects rej >out 2>err
	[ -s out ] && fail "csv open quote at the end: $(cat out)"
	grep -q '^tingle-parse: (stdin):2: ' err || fail "csv open quote at the end: $(cat err)"
	[ "$(cat rej)" = "$(printf '1,"x\ny')" ] || fail "csv open quote: rejects: $(cat rej)"
fi
done_checks
