# fuzz_expr.sh - build the expression fuzz target with libFuzzer and run
# it for a few seconds from the seed corpus.  Skips when clang or libFuzzer
# is not installed.
set -u
top=$TINGLE_TOP
secs=${FUZZ_SECONDS:-6}

command -v clang >/dev/null || { echo "clang not installed"; exit 77; }
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)\n{ (void)d; (void)n; return 0; }\n' >probe.c
clang -fsanitize=fuzzer probe.c -o probe 2>/dev/null ||
	{ echo "libFuzzer not available to clang"; exit 77; }

flags="-g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -I$top/lib"
libs=$(pkg-config --libs jansson libpcre2-8 2>/dev/null || echo -ljansson -lpcre2-8)
# Compile what the target needs, in parallel: the box may be slow.
objs=""
for c in "$top"/lib/expr.c "$top"/lib/json.c "$top"/lib/ttime.c \
	"$top"/lib/util.c; do
	o=$(basename "$c" .c).o
	objs="$objs $o"
	clang $flags -fsanitize=fuzzer-no-link -c "$c" -o "$o" &
done
wait
clang $flags "$top/tests/fuzz/fuzz_expr.c" $objs $libs -lm -o fuzz_expr ||
	{ echo "cannot build the fuzz target"; exit 1; }

mkdir corpus
cp "$top"/tests/fuzz/corpus/expr/* corpus/
./fuzz_expr -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
	-dict="$top/tests/fuzz/expr.dict" -print_final_stats=1 corpus \
	>fuzz.log 2>&1
rc=$?
if [ "$rc" -ne 0 ]; then
	tail -60 fuzz.log
	exit 1
fi
grep -E 'stat::number_of_executed_units' fuzz.log
exit 0
