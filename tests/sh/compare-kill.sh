# compare-kill.sh - tingle-compare killed with SIGKILL while it saves its
# state over and over leaves a state file that the next run loads: the
# old one or the new one, never a torn one.
set -u
fail() {
	echo "FAIL: $*"
	exit 1
}

# 15000 groups over 24 windows: a state of some megabytes, slow enough
# to save that a kill often lands in the middle of a save.
awk 'BEGIN {
	for (w = 0; w < 24; w++) {
		s = 1780272000 + w * 3600
		for (g = 0; g < 15000; g++)
			printf "{\"segment\":\"s%05d\",\"window_start\":%d,\"window_end\":%d,\"count\":%d}\n",
			    g, s, s + 3600, (w * 7 + g) % 23
	}
}' >big.ndjson

# The first run starts afresh; later ones load the state the one before
# left and save it again and again, so a kill there lands between an old
# state that must survive and a new one being written.
mid_save=0 loaded=0
for i in $(seq 10); do
	tingle-compare -b prev:8 --state st.json --save-every 1ms \
		big.ndjson >/dev/null 2>err &
	pid=$!
	# Let it run for 0.2 to 0.7 s, then kill it without warning.  Under
	# valgrind (make check-valgrind) everything is some 30 times slower,
	# so it gets 30 times as long.
	if [ "${VALGRIND:-}" = 1 ]; then
		sleep "$((RANDOM % 6 * 3 + 6))"
	else
		sleep "0.$((RANDOM % 6 + 2))"
	fi
	kill -KILL $pid 2>/dev/null
	wait $pid 2>/dev/null
	# A save cut short leaves its temporary file (st.json.XXXXXX).
	if [ "$(echo st.json.*)" != 'st.json.*' ]; then
		mid_save=$((mid_save + 1))
		rm -f st.json.*
	fi
	[ -e st.json ] || continue
	# The next run must load it (and check every group in it).
	cp st.json check.json
	tingle-compare -b prev:8 --state check.json </dev/null >/dev/null 2>err ||
		fail "run $i: state does not load: $(cat err)"
	loaded=$((loaded + 1))
done
[ "$loaded" -ge 5 ] || fail "only $loaded of 10 runs had saved a state"
[ "$mid_save" -ge 1 ] || fail "no kill landed during a save"
echo "loaded $loaded states, $mid_save killed during a save"
exit 0
