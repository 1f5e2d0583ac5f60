#!/bin/bash
# tingle-compare saves its state through a fresh temporary file: a symlink
# planted at the old fixed name (STATE.tmp) is not followed, and two runs
# saving the same state file at once both succeed.
fail() { echo "FAIL: $*" >&2; exit 1; }

for i in $(seq 200); do
	printf '{"ts":"2026-06-15T10:%02d:00Z","n":%d}\n' $((i % 60)) "$i"
done >in.ndjson

echo precious >victim
ln -s victim st.json.tmp
tingle-compare -b prev:3 --state st.json <in.ndjson >/dev/null 2>err ||
	fail "save with a planted symlink: $(cat err)"
[ "$(cat victim)" = precious ] || fail "the symlink was followed"
[ -L st.json.tmp ] || fail "the planted symlink was replaced"
[ -s st.json ] && [ ! -L st.json ] || fail "no state written"
rm -f st.json st.json.tmp

# Overlapping runs, each saving after every record.
for round in 1 2 3; do
	pids=()
	for j in 1 2 3 4; do
		tingle-compare -b prev:3 --state st.json --save-every 1ms \
			in.ndjson >/dev/null 2>"err$j" &
		pids+=($!)
	done
	for j in 1 2 3 4; do
		wait "${pids[$((j - 1))]}" ||
			fail "round $round: run $j failed: $(cat "err$j")"
	done
	[ "$(echo st.json.*)" = 'st.json.*' ] ||
		fail "round $round: temporary file left behind"
	tingle-compare -b prev:3 --state st.json </dev/null >/dev/null 2>err ||
		fail "round $round: state does not load: $(cat err)"
done
exit 0
