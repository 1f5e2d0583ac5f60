# tingle-parse and a 20 MiB line: over the default --max-line (16 MiB) it
# is rejected whole, verbatim into --rejects, and the lines around it
# still parse; with a larger --max-line it is an ordinary record.  The
# same holds for a CSV quoted field that grows past the limit.
set -u
fail() { echo "FAIL: $*"; exit 1; }

big=$((20 * 1024 * 1024))
{
	echo '{"n":1}'
	printf '{"big":"'
	head -c "$big" /dev/zero | tr '\0' x
	printf '"}\n'
	echo '{"n":2}'
} >big.ndjson

tingle-parse -f json --rejects rej big.ndjson >out 2>err
rc=$?
[ "$rc" = 0 ] || fail "status $rc"
[ "$(cat out)" = "$(printf '{"n":1}\n{"n":2}')" ] || fail "records around the long line: $(head -c 200 out)"
grep -q '^tingle-parse: big.ndjson:2: line longer than --max-line' err || fail "diagnostic: $(cat err)"
[ "$(wc -c <rej)" = $((big + 11)) ] || fail "rejects size $(wc -c <rej)"
sed -n 2p big.ndjson | cmp -s - rej || fail "rejects differ from the line"

tingle-parse -f json --strict big.ndjson >out 2>err
[ $? = 65 ] || fail "--strict status"
[ "$(cat out)" = '{"n":1}' ] || fail "--strict output"

tingle-parse -f json --max-line 32M big.ndjson >out 2>err || fail "--max-line 32M status"
[ -s err ] && fail "stderr: $(cat err)"
[ "$(jq -r '.big | length' out | sed -n 2p)" = "$big" ] || fail "long record not intact"

tingle-parse -f logfmt --max-line 32M --types n:int <big.ndjson >/dev/null 2>err
grep -qx 'tingle-parse: (stdin):2: not a logfmt line: quote inside a key at column 2' err ||
	fail "logfmt diagnostic: $(head -c 300 err)"

# A quoted CSV field that never closes is cut off at --max-line.
{
	echo 'id,text'
	printf '1,"'
	for i in $(seq 1 40); do head -c 1000 /dev/zero | tr '\0' y; echo; done
	echo '2,ok'
} >open.csv
tingle-parse -f csv --max-line 16K open.csv >out 2>err
grep -q '^tingle-parse: open.csv:2: quoted field longer than --max-line' err || fail "csv diagnostic: $(cat err)"
[ "$(tail -1 out)" = '{"id":"2","text":"ok"}' ] || fail "csv resync: $(cat out)"
exit 0
