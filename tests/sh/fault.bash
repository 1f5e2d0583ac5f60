# fault.bash - functions the fault tests (tests/sh/fault-*.sh) share; they
# source it.  Not a test itself: tests/run only runs *.sh.
#
# A fault test runs each check for every stage that is built.  A stage
# that is missing is noted, and at the end the test exits 77 (skip) naming
# it, after the stages that are there passed; a failure exits 1 at once.

fail() {
	echo "FAIL: $*"
	exit 1
}

missing=""

# have STAGE: 0 when tingle-STAGE is on PATH; otherwise note it as missing.
have() {
	if command -v "tingle-$1" >/dev/null 2>&1; then
		return 0
	fi
	case " $missing " in *" $1 "*) ;; *) missing="$missing $1" ;; esac
	return 1
}

# done_checks: exit 0, or 77 when some stage was not built.
done_checks() {
	if [ -n "$missing" ]; then
		echo "checked what is built; not built, so not checked:$missing"
		exit 77
	fi
	exit 0
}

# in_private_mounts: re-run this test in a mount namespace of its own, so
# that the small file systems it mounts vanish with it whatever happens.
# As root that is unshare -m; otherwise an unprivileged user namespace
# (unshare -rm) where the system allows one.  Skips (exit 77) when
# neither works.  Call it before doing anything else.
in_private_mounts() {
	if [ -n "${TINGLE_FAULT_NS:-}" ]; then
		return 0
	fi
	export TINGLE_FAULT_NS=1
	if unshare -m true 2>/dev/null; then
		exec unshare -m bash "$0" "$@"
	fi
	if unshare -rm true 2>/dev/null; then
		exec unshare -rm bash "$0" "$@"
	fi
	echo "cannot mount a small file system here: needs root or" \
		"unprivileged user namespaces (unshare -m / unshare -rm)"
	exit 77
}

# small_fs DIR [SIZE]: mount a tmpfs of SIZE (default 64k) on DIR, or skip.
small_fs() {
	mkdir -p "$1"
	if ! mount -t tmpfs -o "size=${2:-64k}" tingle-fault "$1" 2>mount.err; then
		echo "cannot mount a tmpfs on $1: $(cat mount.err)"
		exit 77
	fi
}

# fill DIR: fill the file system of DIR (ENOSPC from now on).
fill() {
	dd if=/dev/zero of="$1/.filler" bs=4k 2>/dev/null || true
}

# all_json FILE: every line of FILE is a complete JSON object, and FILE
# ends with a newline (or is empty).
all_json() {
	if [ -s "$1" ] && [ "$(tail -c 1 "$1" | od -An -tx1 | tr -d ' ')" != 0a ]; then
		return 1
	fi
	jq -se 'all(.[]; type == "object")' "$1" >/dev/null 2>&1
}

# records N [START]: N records every stage takes, one a minute of event
# time from 2026-06-15T00:00Z: ts, a group g, a window and a count.
records() {
	awk -v n="$1" -v s="${2:-0}" 'BEGIN {
		for (i = s; i < s + n; i++) {
			t = 1781481600 + 60 * i
			printf "{\"ts\":%d,\"g\":\"g%d\",\"window_start\":%d,\"window_end\":%d,\"count\":%d}\n", t, i % 3, t * 1000, (t + 60) * 1000, i
		}
	}'
}

# The command line of each stage, reading such records.
stage_cmd() {
	case $1 in
	parse) echo "tingle-parse -f json" ;;
	segment) echo "tingle-segment --where 'count >= 0'" ;;
	count) echo "tingle-count -w 1m -k g" ;;
	compare) echo "tingle-compare -b prev:2 -k g" ;;
	alert) echo "tingle-alert --pass -k g -r 'odd: count < 0'" ;;
	esac
}

STAGES="parse segment count compare alert"
