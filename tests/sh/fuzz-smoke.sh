#!/usr/bin/env bash
# fuzz-smoke.sh - build the libFuzzer targets and run each for a few
# seconds, so a crash or a failed check on the seeds, on the inputs that
# once crashed a target (tests/fuzz/regress/) or on what a short run
# finds fails the suite.  `make fuzz` runs longer.
# timeout: 900
set -u
cc=${FUZZ_CC:-clang}
if ! command -v "$cc" >/dev/null 2>&1; then
	echo "skip: $cc not installed"
	exit 77
fi
printf 'int LLVMFuzzerTestOneInput(const char *p, unsigned long n) { (void)p; (void)n; return 0; }\n' >probe.c
if ! "$cc" -fsanitize=fuzzer,address -o probe probe.c >/dev/null 2>&1; then
	echo "skip: $cc cannot link libFuzzer (install libclang-rt-dev)"
	exit 77
fi

# The build goes to the tree's build/fuzz, shared with `make fuzz`, so
# the second pass of `make check` reuses it.
unset MAKEFLAGS MAKELEVEL MFLAGS
if ! make -s -C "$TINGLE_TOP" FUZZ_CC="$cc" fuzz-build >build.log 2>&1; then
	echo "fuzz targets do not build:"
	tail -30 build.log
	exit 1
fi
# A fixed number of runs from a fixed seed: the same inputs every time,
# so the suite cannot pass on one run and fail on the next.
FUZZ_RUNS=${FUZZ_SMOKE_RUNS:-3000} \
"$TINGLE_TOP/tests/fuzz/run" -t "${FUZZ_SMOKE_SECONDS:-2}" -w "$PWD/work" \
	"$TINGLE_TOP/build/fuzz"
rc=$?
[ "$rc" -eq 77 ] && exit 77
[ "$rc" -eq 0 ] || exit 1
