# state-lock.sh - two runs of tingle-compare or tingle-alert with one
# --state: the second waits for the first (up to --lock-timeout), then
# runs on the state the first saved, so no update is lost and no alert is
# announced twice; past the timeout it exits 75 naming the process that
# holds the lock.  The lock file STATE.lock is gone after the runs.  SIGTERM
# ends a run that waits.  A lock file that is a symbolic link is refused.
set -u
fail() {
	echo "FAIL: $*"
	exit 1
}

rec() {
	printf '{"segment":"%s","window_start":1780272000,"window_end":1780275600,"count":3}\n' "$1"
}

mkfifo fifo
for s in compare alert; do
	case $s in
	compare) run=(tingle-compare -b prev:3) ;;
	alert) run=(tingle-alert -k segment -r 'big: count > 1') ;;
	esac
	ok() { [ "$1" = 0 ] || { [ $s = alert ] && [ "$1" = 1 ]; }; }
	rm -f st st.lock

	# The first run takes the lock and waits for input on the FIFO.
	"${run[@]}" --state st <fifo >out1 2>err1 &
	first=$!
	exec 3>fifo
	for i in $(seq 100); do [ -s st.lock ] && break; sleep 0.05; done
	[ "$(cat st.lock 2>/dev/null)" = "$first" ] ||
		fail "$s: lock file does not name $first: $(cat st.lock)"

	# A second run does not wait with --lock-timeout 0, nor long with 300ms.
	rec b | "${run[@]}" --state st --lock-timeout 0 >out2 2>err2 3>&-
	rc=$?
	[ "$rc" = 75 ] || fail "$s: --lock-timeout 0: exit $rc: $(cat err2)"
	grep -q "^tingle-$s: state file 'st' is locked by process $first; try again later or raise --lock-timeout\$" err2 ||
		fail "$s: --lock-timeout 0: $(cat err2)"
	[ ! -s out2 ] || fail "$s: a refused run wrote records"
	start=$(date +%s%N)
	rec b | "${run[@]}" --state st --lock-timeout 300ms >out2 2>err2 3>&-
	rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	[ "$rc" = 75 ] || fail "$s: --lock-timeout 300ms: exit $rc: $(cat err2)"
	[ "$ms" -ge 290 ] || fail "$s: --lock-timeout 300ms gave up after ${ms}ms"

	# SIGTERM ends a run that waits, as it ends any other.
	rec b | "${run[@]}" --state st >out2 2>err2 3>&- &
	waiter=$!
	sleep 0.2
	kill -TERM $waiter
	wait $waiter
	rc=$?
	[ "$rc" = 143 ] || fail "$s: SIGTERM while waiting: exit $rc: $(cat err2)"

	# One that waits long enough runs when the first is done, on its state.
	# (alert: a fired in the first run, and must not be announced again.)
	{
		[ $s = alert ] && rec a
		rec b
	} | "${run[@]}" --state st --lock-timeout 20s >out2 2>err2 3>&- &
	second=$!
	sleep 0.3
	kill -0 $second 2>/dev/null || fail "$s: the second run did not wait"
	rec a >&3
	exec 3>&-
	wait $first
	rc=$?
	ok $rc || fail "$s: first run: exit $rc: $(cat err1)"
	wait $second
	rc=$?
	ok $rc || fail "$s: second run: exit $rc: $(cat err2)"
	for g in a b; do
		grep -q "segment.*$g" st || fail "$s: group $g lost: $(cat st)"
	done
	[ ! -e st.lock ] || fail "$s: lock file left behind"
	if [ $s = alert ]; then
		grep -q '"segment":"a"' out2 && fail "alert: a announced twice"
		grep -q '"segment":"b"' out2 || fail "alert: b not announced"
	fi

	# The lock file is not taken through a link.
	ln -s elsewhere st.lock
	rec c | "${run[@]}" --state st >out2 2>err2
	rc=$?
	[ "$rc" = 66 ] || fail "$s: lock file link: exit $rc: $(cat err2)"
	grep -q "refusing to use lock file 'st.lock': it is a symbolic link" err2 ||
		fail "$s: lock file link: $(cat err2)"
	[ ! -e elsewhere ] || fail "$s: lock file link followed"
	rm -f st.lock
done
exit 0
