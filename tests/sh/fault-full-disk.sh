# A full disk under --rejects and under standard output, for every stage:
# a clear "write error" naming the file and the reason, exit 74, and the
# records that were complete before it written out whole (no torn line).
# Runs on a 64 KiB tmpfs in a private mount namespace, and on /dev/full.
set -u
. "$TINGLE_TOP/tests/sh/fault.bash"
in_private_mounts "$@"
small_fs mnt

# 3000 records with 1000 bad lines among them: 200 KiB of rejects.
{
	records 3000 | awk '{ print } NR % 3 == 0 {
		printf "not json %d ", NR
		for (i = 0; i < 19; i++) printf "padding.."
		print ""
	}'
} >mixed.ndjson

for s in $STAGES; do
	have "$s" || continue
	cmd=$(stage_cmd "$s")

	# --rejects fills the disk while the run goes on.
	rm -f mnt/*
	eval "$cmd --rejects mnt/rej mixed.ndjson" >out 2>err
	rc=$?
	[ "$rc" = 74 ] || fail "$s: --rejects on a full disk: status $rc: $(tail -3 err)"
	[ "$(tail -1 err)" = "tingle-$s: write error on 'mnt/rej': No space left on device" ] ||
		fail "$s: --rejects on a full disk: $(tail -1 err)"
	all_json out || fail "$s: output is torn after the rejects error: $(tail -c 200 out)"
	[ -s out ] || fail "$s: the records before the rejects error were not written"

	# The disk is already full: the few rejects stay buffered until the
	# file is closed at the end, and the error must still be seen there.
	rm -f mnt/*
	fill mnt
	{
		records 10
		echo 'one bad line'
	} >onebad.ndjson
	eval "$cmd --rejects mnt/rej onebad.ndjson" >out 2>err
	rc=$?
	[ "$rc" = 74 ] || fail "$s: rejects error at close: status $rc: $(cat err)"
	grep -qx "tingle-$s: write error on 'mnt/rej': No space left on device" err ||
		fail "$s: rejects error at close: $(cat err)"

	# /dev/full fails every write.
	eval "$cmd --rejects /dev/full mixed.ndjson" >out 2>err
	rc=$?
	[ "$rc" = 74 ] || fail "$s: --rejects /dev/full: status $rc"
	grep -qx "tingle-$s: write error on '/dev/full': No space left on device" err ||
		fail "$s: --rejects /dev/full: $(tail -1 err)"

	# Standard output on a full disk.
	rm -f mnt/*
	records 5000 | eval "$cmd" >mnt/out 2>err
	rc=$?
	[ "$rc" = 74 ] || fail "$s: standard output on a full disk: status $rc"
	[ "$(cat err)" = "tingle-$s: write error on standard output: No space left on device" ] ||
		fail "$s: standard output on a full disk: $(cat err)"
	records 10 | eval "$cmd" >/dev/full 2>err
	rc=$?
	[ "$rc" = 74 ] || fail "$s: standard output on /dev/full: status $rc"
	[ "$(cat err)" = "tingle-$s: write error on standard output: No space left on device" ] ||
		fail "$s: standard output on /dev/full: $(cat err)"
done
done_checks
