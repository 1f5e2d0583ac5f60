# logrotate.sh - tail -F | tingle-parse through real logrotate runs, in
# both rotation styles: no line lost, none doubled.
#
# logrotate runs with a private configuration and state file on a log in
# this test's directory (-f forces each rotation).  The writer is this
# script, as a daemon would be: it keeps the log open (O_APPEND) and
# writes bursts of numbered lines; the reader is
#   tail -n +1 -F log | tingle-parse -f logfmt
# and each line must come out of tingle-parse exactly once.
#
#   create        logrotate renames log to log.1 and creates an empty log;
#                 postrotate tells the writer, which reopens log before it
#                 writes again (as rsyslog does on SIGHUP).  Rotations come
#                 right after a burst, before the reader has caught up:
#                 tail reads the renamed file to its end, then follows
#                 the new one.
#   copytruncate  logrotate copies log to log.1 and truncates log; the
#                 writer keeps writing (O_APPEND, so at the new end).
#                 Each rotation waits until the reader has read every
#                 line written so far: a line written after the reader's
#                 last read and before the truncation is lost to it (and
#                 one written between the copy and the truncation is
#                 also missing from log.1).  README.md ("Log rotation")
#                 says which style to prefer and why.
set -u
command -v logrotate >/dev/null || [ -x /usr/sbin/logrotate ] ||
	{ echo "logrotate is missing (apt-get install logrotate)"; exit 77; }
logrotate=$(command -v logrotate || echo /usr/sbin/logrotate)
command -v tail >/dev/null || { echo "tail is missing"; exit 77; }
fail=0

# run STYLE: 6 bursts of 500 lines, a rotation after each of the first 5.
run() {
	local style=$1 d=$PWD/$1 n=0 b i
	mkdir "$d"
	: >"$d/log"
	{
		echo "$d/log {"
		echo "	$style"
		echo "	rotate 10"
		echo "	nocompress"
		[ "$style" = create ] && printf '\tpostrotate\n\t\ttouch %s/reopen\n\tendscript\n' "$d"
		echo "}"
	} >"$d/conf"
	tail -n +1 -F "$d/log" 2>"$d/tail.err" |
		tingle-parse -f logfmt --line-buffered >"$d/out" 2>"$d/parse.err" &
	local reader=$!
	exec 3>>"$d/log"
	for b in 1 2 3 4 5 6; do
		for i in $(seq $((n + 1)) $((n + 500))); do
			echo "ts=2026-06-15T12:00:00Z seq=$i"
		done >&3
		n=$((n + 500))
		[ $b = 6 ] && break
		if [ "$style" = copytruncate ]; then
			# Wait for the reader to catch up (the condition).
			for _ in $(seq 100); do
				[ "$(wc -l <"$d/out")" -ge $n ] && break
				sleep 0.05
			done
		fi
		"$logrotate" -f -s "$d/state" "$d/conf" ||
			{ echo "FAIL: $style: logrotate failed"; fail=1; }
		# The daemon's reopen, told by postrotate.
		if [ -e "$d/reopen" ]; then
			exec 3>>"$d/log"
			rm "$d/reopen"
		fi
	done
	exec 3>&-
	for _ in $(seq 100); do
		[ "$(wc -l <"$d/out")" -ge $n ] && break
		sleep 0.05
	done
	sleep 0.3
	kill $reader 2>/dev/null
	pkill -P $$ -x tail 2>/dev/null
	wait $reader 2>/dev/null
	[ -e "$d/log.5" ] || { echo "FAIL: $style: logrotate did not rotate 5 times"; ls "$d"; fail=1; }
	grep -o '"seq":"[0-9]*"' "$d/out" | tr -dc '0-9\n' | sort -n >"$d/got"
	local lost doubled
	lost=$(seq 1 $n | sort | comm -23 - <(sort -u "$d/got") | sort -n | tr '\n' ' ')
	doubled=$(uniq -d "$d/got" | tr '\n' ' ')
	[ -z "$lost" ] || { echo "FAIL: $style: lines lost: $lost" | cut -c1-300; fail=1; }
	[ -z "$doubled" ] || { echo "FAIL: $style: lines doubled: $doubled" | cut -c1-300; fail=1; }
	[ -s "$d/parse.err" ] && { echo "FAIL: $style: tingle-parse said:"; head -3 "$d/parse.err"; fail=1; }
	# Every line is on disk exactly once too, in log and log.1..log.5.
	cat "$d"/log.5 "$d"/log.4 "$d"/log.3 "$d"/log.2 "$d"/log.1 "$d"/log |
		cut -d= -f3 >"$d/disk"
	seq 1 $n | cmp -s - "$d/disk" || { echo "FAIL: $style: the files on disk do not hold each line once, in order"; fail=1; }
}
run create
run copytruncate
exit $fail
