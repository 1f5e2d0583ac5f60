# A full disk under --state (tingle-compare, tingle-alert): the new state
# does not fit, so the run ends with a clear error and exit 74, the state
# file of the run before is left exactly as it was, no temporary file is
# left behind, and the records were all written.  A state file cut short
# (as a crash of some other writer might leave it) is refused clearly.
# Runs on a 64 KiB tmpfs in a private mount namespace.
set -u
. "$TINGLE_TOP/tests/sh/fault.bash"
in_private_mounts "$@"
small_fs mnt

# A few groups, then far too many for 64 KiB of state.
records 60 >small.ndjson
awk 'BEGIN {
	for (i = 0; i < 6000; i++)
		printf "{\"g\":\"a-group-with-a-long-name-%05d\",\"window_start\":\"2026-06-15T10:00:00Z\",\"window_end\":\"2026-06-15T10:01:00Z\",\"count\":%d}\n", i, i
}' >many.ndjson

for s in compare alert; do
	have "$s" || continue
	case $s in
	compare) cmd="tingle-compare -b prev:3 -k g" ;;
	alert) cmd="tingle-alert --pass -k g -r 'big: count > 1'" ;;
	esac
	rm -f mnt/* mnt/.[!.]*

	eval "$cmd --state mnt/state small.ndjson" >out 2>err
	rc=$?
	[ "$rc" = 0 ] || fail "$s: first run: status $rc: $(cat err)"
	[ -s mnt/state ] || fail "$s: first run wrote no state"
	cp mnt/state state.before

	eval "$cmd --state mnt/state many.ndjson" >out 2>err
	rc=$?
	[ "$rc" = 74 ] || fail "$s: state on a full disk: status $rc: $(cat err)"
	grep -q "^tingle-$s: .*'mnt/state'.*No space left on device" err ||
		fail "$s: state on a full disk: $(cat err)"
	cmp -s mnt/state state.before || fail "$s: the old state file was changed"
	[ "$(ls -A mnt)" = state ] || fail "$s: left behind: $(ls -A mnt)"
	all_json out || fail "$s: output torn"
	n=$(jq -c 'select(.alert == null)' out | wc -l)
	[ "$n" = 6000 ] || fail "$s: $n of 6000 records written"

	# The old state still loads and is carried on by the next run.
	records 3 60 >next.ndjson
	eval "$cmd --state mnt/state next.ndjson" >out 2>err
	rc=$?
	case $s in
	compare)
		[ "$rc" = 0 ] || fail "$s: run after the failure: status $rc: $(cat err)"
		[ "$(jq -s 'map(.baseline_n) | min' out)" = 3 ] ||
			fail "$s: history not carried on: $(cat out)"
		;;
	alert)
		# Status 1: the groups were firing already, nothing is new.
		[ "$rc" = 1 ] || fail "$s: run after the failure: status $rc: $(cat err)"
		;;
	esac

	# A state file cut short is refused with status 65 and a hint, and
	# is left as it is for the operator to look at.
	head -c 150 state.before >mnt/state
	cp mnt/state cut.before
	eval "$cmd --state mnt/state small.ndjson" >out 2>err
	rc=$?
	[ "$rc" = 65 ] || fail "$s: cut state file: status $rc: $(cat err)"
	grep -q "^tingle-$s: .*mnt/state.*remove it to start afresh" err ||
		fail "$s: cut state file: $(cat err)"
	cmp -s mnt/state cut.before || fail "$s: the cut state file was changed"
done
done_checks
