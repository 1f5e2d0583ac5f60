#!/usr/bin/env bash
# tests/total, which closes `make check`: a runner that died before it
# wrote its result, or wrote half of one, counts as a failure and makes
# the total fail; the last line stays "N passed, N failed, N skipped".
set -uo pipefail
total=$TINGLE_TOP/tests/total
fails=0
check() { # name want-status want-last-line dir names...
	local name=$1 want_rc=$2 want=$3 dir=$4 rc last
	shift 4
	"$total" "$dir" "$@" >out 2>err
	rc=$?
	last=$(tail -1 out)
	if [ "$rc" != "$want_rc" ] || [ "$last" != "$want" ]; then
		echo "FAIL: $name: exit $rc, last line '$last'"
		echo "  want exit $want_rc, '$want'"
		cat err
		fails=$((fails + 1))
	fi
}

mkdir all; echo "5 0 1" >all/opt; echo "4 0 1" >all/asan; echo "9 0 0" >all/man
check "every result there" 0 "18 passed, 0 failed, 2 skipped" all opt asan man

mkdir failing; echo "5 2 0" >failing/opt; echo "5 0 0" >failing/asan; echo "9 0 0" >failing/man
check "failures add up" 1 "19 passed, 2 failed, 0 skipped" failing opt asan man

mkdir missing; echo "5 0 1" >missing/opt; echo "9 0 0" >missing/man
check "a runner that wrote nothing" 1 "14 passed, 1 failed, 1 skipped" missing opt asan man
grep -q "asan: no result" err || { echo "FAIL: the missing result is not named"; cat err; fails=$((fails + 1)); }

for partial in "" "5" "5 0" "5 0 x" "5 0 0 7" "-1 0 0"; do
	rm -rf part; mkdir part
	echo "5 0 0" >part/opt; echo "9 0 0" >part/man
	printf '%s\n' "$partial" >part/asan
	check "result line '$partial'" 1 "14 passed, 1 failed, 0 skipped" part opt asan man
done
rm -rf part; mkdir part; echo "5 0 0" >part/opt; echo "9 0 0" >part/man
: >part/asan
check "an empty result file" 1 "14 passed, 1 failed, 0 skipped" part opt asan man
printf '1 0 0' >part/asan
check "a result cut before its newline" 1 "14 passed, 1 failed, 0 skipped" part opt asan man

mkdir none
check "no results at all" 1 "0 passed, 3 failed, 0 skipped" none opt asan man

# `make check` names every result it writes, so none can go missing
# unnoticed.
mk=$TINGLE_TOP/Makefile
line=$(grep -E '^[[:space:]]*@?tests/total ' "$mk")
for r in $(grep -oE '(--results |> )\$\(RESULTS\)/[a-z]+' "$mk" | sed 's,.*/,,'); do
	case " $line " in
	*" $r "*) ;;
	*) echo "FAIL: make check writes result '$r' but tests/total does not expect it: $line"; fails=$((fails + 1)) ;;
	esac
done

# tests/run writes a result line even when no test matches (in a git
# checkout, its check that tests/ is unchanged is one test).
"$TINGLE_TOP/tests/run" --bin "$TINGLE_BIN" --label t --results r no-such-test-at-all >/dev/null 2>&1
case $(cat r 2>/dev/null) in
"0 0 0" | "1 0 0") ;;
*) echo "FAIL: tests/run wrote '$(cat r 2>/dev/null)'"; fails=$((fails + 1)) ;;
esac

[ "$fails" -eq 0 ]
