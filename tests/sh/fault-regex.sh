# Catastrophic backtracking: a pattern like (a+)+$ on "aaaa...ab" takes
# exponential time.  PCRE2's match limit stops it; the line becomes bad
# input (tingle-parse -e) or a diagnostic (=~ in an expression), and the
# run goes on with the next line.  Also patterns that come from the data
# (x =~ field): invalid, too deep or too large ones are diagnostics, not
# crashes.  A stage that hung would hit the 60 s limit here (status 124).
set -u
. "$TINGLE_TOP/tests/sh/fault.bash"

evil=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab
for i in 1 2 3 4 5 6; do
	echo "$evil"
	echo "aaa$i"
done >evil.txt
awk '{ printf "{\"ts\":%d,\"m\":\"%s\"}\n", 1781481600 + NR, $0 }' evil.txt >evil.ndjson

if have parse; then
	timeout 60 tingle-parse -e '^(?<x>(a+)+$)' -e '^(?<y>a+\d)$' --rejects rej evil.txt >out 2>err
	rc=$?
	[ "$rc" = 0 ] || fail "parse -e: status $rc: $(cat err)"
	[ "$(jq -r .y out | tr '\n' ' ')" = "aaa1 aaa2 aaa3 aaa4 aaa5 aaa6 " ] ||
		fail "parse -e: records: $(cat out)"
	[ "$(grep -c "^tingle-parse: evil.txt:[0-9]*: pattern 1: match limit exceeded\$" err)" = 6 ] ||
		fail "parse -e: diagnostics: $(cat err)"
	[ "$(grep -c "^$evil\$" rej)" = 6 ] || fail "parse -e: rejects: $(cat rej)"
	timeout 60 tingle-parse -e '^(?<x>(a+)+$)' --strict evil.txt >out 2>err
	[ $? = 65 ] || fail "parse -e --strict: $(cat err)"

	# A pattern without named groups would make no fields: a usage error.
	tingle-parse -e '(a+)+$' evil.txt >out 2>err
	[ $? = 64 ] || fail "parse -e without names: $(cat err)"
	grep -q "^tingle-parse: pattern '(a+)+\\$' has no named groups" err ||
		fail "parse -e without names: $(cat err)"
fi

if have segment; then
	# --where: the record whose match failed is not kept; the run goes on.
	timeout 60 tingle-segment --where 'm =~ "^(a+)+$" || m =~ "^aaa[0-9]$"' \
		evil.ndjson >out 2>err
	rc=$?
	[ "$rc" = 0 ] || fail "segment --where: status $rc: $(cat err)"
	[ "$(jq -r .m out | tr '\n' ' ')" = "aaa1 aaa2 aaa3 aaa4 aaa5 aaa6 " ] ||
		fail "segment --where: records: $(cat out)"
	[ "$(grep -c '^tingle-segment: evil.ndjson:[0-9]*: --where: regular expression match failed: match limit exceeded$' err)" = 6 ] ||
		fail "segment --where: diagnostics: $(cat err)"

	# --by: the record is kept, with no segment.
	timeout 60 tingle-segment --by 'm =~ "^(a+)+$"' evil.ndjson >out 2>err
	[ $? = 0 ] || fail "segment --by: $(cat err)"
	[ "$(jq -c .segment out | sort | uniq -c | awk '{print $1 $2}' | tr '\n' ' ')" = "6false 6null " ] ||
		fail "segment --by: $(jq -c .segment out)"

	# Patterns taken from the records.
	{
		printf '{"m":"%s","p":"^(a+)+$"}\n' "$evil"
		echo '{"m":"x","p":"("}'
		printf '{"m":"x","p":"%s"}\n' "$(printf '(%.0s' $(seq 1 5000))$(printf ')%.0s' $(seq 1 5000))"
		awk 'BEGIN { printf "{\"m\":\"x\",\"p\":\"(?:"; for (i = 0; i < 300000; i++) printf "x%d|", i; print "y)\"}" }'
		echo '{"m":"aaa","p":"^a+$"}'
	} >dyn.ndjson
	timeout 60 tingle-segment --where 'm =~ p' dyn.ndjson >out 2>err
	[ $? = 0 ] || fail "segment, patterns from the data: $(cat err)"
	[ "$(cat out)" = '{"m":"aaa","p":"^a+$"}' ] || fail "patterns from the data: $(cat out)"
	grep -q ':1: --where: regular expression match failed: match limit exceeded$' err &&
		grep -q ':2: --where: invalid regular expression "(": missing closing parenthesis$' err &&
		grep -q ':3: --where: invalid regular expression .*: parentheses are too deeply nested$' err &&
		grep -q ':4: --where: invalid regular expression .*: regular expression is too large$' err ||
		fail "patterns from the data: $(cut -c 1-200 err)"
fi

if have alert; then
	timeout 60 tingle-alert -k m -r 'evil: m =~ "^(a+)+$"' -r 'fine: m =~ "^aaa[0-9]$"' \
		evil.ndjson >out 2>err
	rc=$?
	[ "$rc" = 0 ] || fail "alert rules: status $rc: $(cat err)"
	[ "$(jq -r 'select(.alert == "fine") | .m' out | tr '\n' ' ')" = "aaa1 aaa2 aaa3 aaa4 aaa5 aaa6 " ] ||
		fail "alert rules: alerts: $(cat out)"
	[ "$(grep -c "^tingle-alert: evil.ndjson:[0-9]*: rule 'evil': regular expression match failed: match limit exceeded\$" err)" = 6 ] ||
		fail "alert rules: diagnostics: $(cat err)"
fi
done_checks
