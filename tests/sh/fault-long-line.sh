# Input with no newline at all, far longer than --max-line: memory stays
# bounded by --max-line, not by the input, and the run ends with one clear
# diagnostic and status 0 (the records before it come out).
#
# By default: 2 GiB through tingle-parse (the stage that meets raw text,
# about 3 s) and 256 MiB through each other stage with --max-line 1M.
# TINGLE_BIG=1 sends 2 GiB with the default --max-line (16 MiB) through
# every stage; that takes about 3 s per stage.  Under valgrind
# (VALGRIND=1), which reads about 2 MiB a second here, every stage gets
# 8 MiB with --max-line 1M: the same path, at a size memcheck can finish.
#
# Peak RSS is measured with /usr/bin/time -f %M and compared with the
# same stage's peak on a tiny input, so the bound holds in sanitizer
# builds too: the growth must stay under 3 x --max-line + 16 MiB.
set -u
. "$TINGLE_TOP/tests/sh/fault.bash"

if ! /usr/bin/time -f %M true >/dev/null 2>&1; then
	echo "needs GNU time as /usr/bin/time to measure peak memory"
	exit 77
fi

# stream MIB: one record, then MIB mebibytes of 'a' and no newline.
stream() {
	echo '{"ts":1781481600,"g":"g0","window_start":1781481600000,"window_end":1781481660000,"count":1}'
	python3 -c '
import sys
b = b"a" * (1 << 20)
w = sys.stdout.buffer.write
for _ in range(int(sys.argv[1])):
    w(b)
' "$1"
}

# peak_kb CMD...: run CMD, leave its output in out and its stderr in err,
# print its peak RSS in KiB.
peak_kb() {
	/usr/bin/time -o rss -f %M "$@" >out 2>err
	echo "status $?" >>err
	tail -1 rss
}

# check STAGE MIB MAXLINE_BYTES [--max-line SIZE]
check() {
	local s=$1 mib=$2 max=$3
	shift 3
	local cmd base peak
	cmd=$(stage_cmd "$s")
	base=$(stream 0 | peak_kb sh -c "$cmd $*")
	stream "$mib" | peak_kb sh -c "$cmd $*" >peak.txt
	peak=$(cat peak.txt)
	local want='status 0'
	[ "$s" = alert ] && want='status 1' # no alert fired
	grep -qx "$want" err || fail "$s: $mib MiB without a newline: $(cat err)"
	grep -q "^tingle-$s: (stdin):2: line longer than --max-line ($max bytes), skipped\$" err ||
		fail "$s: $mib MiB without a newline: $(cat err)"
	[ "$(grep -c . err)" = 2 ] || fail "$s: more than one diagnostic: $(cat err)"
	[ "$(grep -c '"ts"\|"window_start"' out)" -ge 1 ] || fail "$s: the record before it is lost: $(cat out)"
	local limit=$(((3 * max) / 1024 + 16384))
	[ $((peak - base)) -lt "$limit" ] ||
		fail "$s: $mib MiB without a newline: peak RSS $peak KiB, $base KiB on a tiny input"
	echo "$s: $mib MiB, --max-line $max: peak RSS $peak KiB (tiny input: $base KiB)"
}

for s in $STAGES; do
	have "$s" || continue
	if [ "${VALGRIND:-}" = 1 ]; then
		check "$s" 8 $((1 << 20)) --max-line 1M
	elif [ "${TINGLE_BIG:-}" = 1 ]; then
		check "$s" 2048 $((16 << 20))
	elif [ "$s" = parse ]; then
		check parse 2048 $((16 << 20))
	else
		check "$s" 256 $((1 << 20)) --max-line 1M
	fi
done
done_checks
