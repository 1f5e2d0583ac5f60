# Expressions as deep as the limit allows (200 levels) are evaluated with a
# 1 MiB stack, an eighth of the usual 8 MiB, in the -O2 build and under
# ASan alike: one of each shape the evaluator recurses through (operator
# chains, calls, lists, member access, unary operators, comparisons).
# One level deeper is refused before any input is read, and so is a rules
# file holding a megabyte of operators, quickly and without a crash.
set -u
. "$TINGLE_TOP/tests/sh/fault.bash"

# shape KIND: an expression of that kind 200 levels deep that reads n.
shape() {
	python3 - "$1" <<'EOF'
import sys
k = sys.argv[1]
s = {
    'add': '+'.join(['n'] * 200),
    'or': '||'.join(['n == 2'] * 199),
    'call': 'str(' * 199 + 'n' + ')' * 199,
    'coalesce': 'coalesce(' * 199 + 'n' + ')' * 199,
    'list': '[' * 199 + 'n' + ']' * 199,
    'member': '(o)' + '. b' * 199,
    'not': '!' * 199 + 'n',
    'neg': '-' * 199 + 'n',
    'cmp': '(' * 198 + 'n == n' + ') == true' * 198,
    'match': '(' * 199 + "'x'" + " =~ 'x')" * 199,
    'in': '(' * 198 + 'n' + ' in [n])' * 198,
}[k]
sys.stdout.write(s)
EOF
}

if have segment; then
	echo '{"n":1,"o":{"b":2}}' >one.ndjson
	for k in add or call coalesce list member not neg cmp match in; do
		x=$(shape $k)
		(ulimit -s 1024 && tingle-segment --by "$x" one.ndjson) >out 2>err
		rc=$?
		[ "$rc" = 0 ] || fail "segment, $k at the limit, 1 MiB stack: status $rc: $(head -c 300 err)"
		grep -q '"segment":' out || fail "segment, $k: no segment: $(head -c 300 out)"
		(ulimit -s 1024 && tingle-segment --by "!($x)" one.ndjson) >out 2>err
		rc=$?
		[ "$rc" = 64 ] || fail "segment, $k over the limit: status $rc: $(head -c 300 err)"
		grep -q '^tingle-segment: --by: syntax error in expression at column [0-9]*: expression nested too deeply$' err ||
			fail "segment, $k over the limit: $(head -c 300 err)"
	done
fi

if have alert; then
	python3 - <<'EOF'
import json
mb = 1 << 20
rules = [
    ('add', '1+' * (mb // 2) + '1'),
    ('not', '!' * mb + 'x'),
    ('neg', '-' * mb + 'x'),
    ('paren', '(' * (mb // 2) + 'x' + ')' * (mb // 2)),
    ('list', '[' * (mb // 2) + 'x' + ']' * (mb // 2)),
    ('call', 'str(' * (mb // 8) + 'x' + ')' * (mb // 8)),
    ('member', '(x)' + '. b' * (mb // 3)),
    ('and', 'x&&' * (mb // 3) + 'x'),
]
for name, when in rules:
    with open('rules-%s.json' % name, 'w') as f:
        json.dump([{'name': name, 'when': when}], f)
EOF
	for f in rules-*.json; do
		(ulimit -s 1024 && timeout 20 tingle-alert -F "$f" one.ndjson) >out 2>err
		rc=$?
		[ "$rc" = 64 ] || fail "alert -F $f: status $rc: $(head -c 300 err)"
		grep -q "^tingle-alert: $f: rule 1 '[a-z]*': syntax error in expression at column [0-9]*: expression nested too deeply\$" err ||
			fail "alert -F $f: $(head -c 300 err)"
	done
fi
done_checks
