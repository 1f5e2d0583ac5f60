# Lines an attacker could put into a log: nesting 100000 deep, invalid
# UTF-8, lone surrogates, NUL bytes, numbers out of every range, absurd
# times, 100000 fields, a 1 MB key, duplicate keys, values of the wrong
# type, junk after the object.  Every stage must finish (no crash, no
# sanitizer report, no hang), keep every good record around them, and
# put in --rejects only lines that were in the input, verbatim.
set -u
. "$TINGLE_TOP/tests/sh/fault.bash"

python3 - <<'EOF'
def good(i):
    t = 1781481600 + i
    return (b'{"ts":%d,"g":"good","window_start":%d,"window_end":%d,"count":%d}'
            % (t, t * 1000, t * 1000 + 1000, i))
nasty = [
    b'{"a":' + b'[' * 100000 + b']' * 100000 + b'}',
    b'[' * 300000,
    b'{"ts":1781481601,"g":"dup","g":"dup2"}',
    b'{"ts":1781481601,"g":"bad\xff\xfeutf8"}',
    b'{"ts":1781481601,"g":"\\ud800 lone"}',
    b'{"ts":1781481601,"g":"nul\x00byte"}',
    b'{"ts":1781481601,"g":"\\u0000escaped nul"}',
    b'{"ts":1e999,"g":"inf"}',
    b'{"ts":-1e20,"g":"neg"}',
    b'{"ts":"2026-02-30T25:61:61Z","g":"badtime"}',
    b'{"ts":"99999999-01-01T00:00:00Z","g":"bigyear"}',
    b'{"ts":123456789012345678901234567890,"g":"bignum"}',
    b'{"ts":1781481601,"g":"crlf"}\r',
    b'\xef\xbb\xbf{"ts":1781481601,"g":"bom"}',
    b'',
    b'   ',
    b'{"ts":1781481601,' + b','.join(b'"f%d":%d' % (i, i) for i in range(100000)) + b',"g":"manyfields"}',
    b'{"ts":1781481601,"' + b'k' * 1000000 + b'":1,"g":"longkey"}',
    b'{"ts":1781481601,"g":{"nested":"object"}}',
    b'{"ts":1781481601,"g":["a","b"]}',
    b'{"ts":1781481601,"g":null,"count":"NaN","window_start":"x","window_end":true}',
    b'{"ts":1781481601,"g":"w","window_start":-9223372036854775808,"window_end":9223372036854775807,"count":1e308}',
    b'{"ts":1781481601,"g":"w2","window_start":"0001-01-01T00:00:00Z","window_end":"9999-12-31T00:00:00Z","count":-1}',
    b'{"ts":1781481601,"g":"x","count":18446744073709551616}',
    b'null', b'42', b'"str"', b'{}', b'{"ts":null}', b'{"ts":true,"g":"t"}',
    b'\x00\x00\x00',
    b'{"ts":1781481601 "g":1}',
    b'{"ts":1781481601,"g":"x"} trailing',
    b'{"ts":1781481601,"g":"x"}{"second":1}',
]
with open('hostile.ndjson', 'wb') as f:
    for i, n in enumerate(nasty):
        f.write(good(i) + b'\n' + n + b'\n')
    f.write(good(len(nasty)) + b'\n')
EOF
ngood=$(grep -c '"g":"good"' hostile.ndjson)

# subset REJECTS: every line of REJECTS is a line of the input.
subset() {
	python3 - "$1" <<'EOF'
import sys
lines = set(open('hostile.ndjson', 'rb').read().split(b'\n'))
rej = open(sys.argv[1], 'rb').read()
bad = [l for l in rej.split(b'\n')[:-1] if l not in lines]
sys.exit(1 if bad or (rej and not rej.endswith(b'\n')) else 0)
EOF
}

for s in $STAGES; do
	have "$s" || continue
	cmd=$(stage_cmd "$s")
	eval "timeout 60 $cmd --rejects rej hostile.ndjson" >out 2>err
	rc=$?
	[ "$rc" = 0 ] || [ "$rc" = 1 -a "$s" = alert ] || fail "$s: status $rc: $(tail -5 err)"
	grep -q 'Sanitizer\|runtime error' err && fail "$s: $(cat err)"
	grep -q '^tingle-'"$s"': hostile.ndjson:2: .*nesting too deep' err ||
		fail "$s: deep nesting: $(head -3 err)"
	if [ "$s" = count ]; then
		n=$(jq -s 'map(select(.g == "good") | .count) | add' out)
	else
		n=$(jq -c 'select(.g == "good" and .alert == null)' out | wc -l)
	fi
	[ "$n" = "$ngood" ] || fail "$s: $n of $ngood good records"
	all_json out || fail "$s: output is not NDJSON"
	[ -s rej ] || fail "$s: nothing rejected"
	subset rej || fail "$s: --rejects holds lines that were not in the input"
done
done_checks
