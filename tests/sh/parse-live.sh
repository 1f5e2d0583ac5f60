# tingle-parse in a live pipeline: a record appears as soon as its line
# does, even though line formats hold each record back for possible
# continuation lines; SIGTERM ends the run with what is complete.
set -u
. "$TINGLE_TOP/tests/sh/live.bash"

mkfifo in
tingle-parse -f logfmt --types n:int <in >out 2>err &
pid=$!
exec 3>in
echo 'n=1 msg=first' >&3
wait_lines out 1
[ "$(cat out)" = '{"n":1,"msg":"first"}' ] || fail "first record: $(cat out)"
printf 'n=2\nn=3\n' >&3
wait_lines out 3
echo '"broken' >&3
echo 'n=4' >&3
wait_lines out 4
grep -q '^tingle-parse: (stdin):4: not a logfmt line' err || fail "diagnostic: $(cat err)"
kill -TERM "$pid"
wait "$pid"
rc=$?
exec 3>&-
[ "$rc" = 143 ] || fail "status after SIGTERM: $rc"
[ "$(jq -c .n out | tr '\n' ' ')" = "1 2 3 4 " ] || fail "records: $(cat out)"

# Syslog continuation lines: written together with their record they
# join its msg; written apart, within --hold (1 s), they still do; once
# the input has paused longer than that, the record has been written,
# and a late continuation line is bad input.
rm -f in out
mkfifo in
tingle-parse -f syslog <in >out 2>err &
pid=$!
exec 3>in
printf 'Jun 15 11:00:00 h app[1]: first\n\tmore of first\n' >&3
wait_lines out 1
[ "$(jq -r .msg out)" = "$(printf 'first\n\tmore of first')" ] ||
	fail "continuation not joined: $(cat out)"
printf 'Jun 15 11:00:01 h app[1]: second\n' >&3
sleep 0.3
[ "$(wc -l <out)" = 1 ] || fail "record written before --hold passed: $(cat out)"
printf '\tmore of second\n' >&3
wait_lines out 2
[ "$(sed -n 2p out | jq -r .msg)" = "$(printf 'second\n\tmore of second')" ] ||
	fail "continuation 0.3 s later not joined: $(cat out)"
printf '\tlate continuation\n' >&3
printf 'Jun 15 11:00:02 h app[1]: third\n' >&3
wait_lines out 3
exec 3>&-
wait "$pid" || fail "syslog: status $?"
grep -q '^tingle-parse: (stdin):5: continuation line more than --hold after its record, which was already written$' err ||
	fail "late continuation: $(cat err)"
[ "$(jq -r .msg out | tail -1)" = third ] || fail "third record: $(cat out)"

# However a writer splits its output into writes, the records are those
# of the same input read from a file.
python3 -c '
for i in range(20000):
    print("Jun 15 11:%02d:%02d h app[%d]: record %d" % (i // 60 % 60, i % 60, i, i))
    print("\tcontinuation of %d" % i)
' >lines
tingle-parse -f syslog lines >want 2>/dev/null || fail "syslog from a file"
python3 -c '
import os, sys, time
data = open("lines", "rb").read()
for k, i in enumerate(range(0, len(data), 4093)):
    os.write(1, data[i:i + 4093])
    if k % 50 == 0:
        time.sleep(0.01)
' | tingle-parse -f syslog >got 2>err || fail "syslog from split writes: $(cat err)"
cmp -s want got || fail "split writes give other records: $(diff want got | head -5) $(head -3 err)"
[ "$(wc -l <got)" = 20000 ] || fail "split writes: $(wc -l <got) records"

# A rejected line reaches --rejects as soon as the records around it
# reach the output, so a stage killed outright loses neither.
for stage in "tingle-parse -f json" "tingle-segment" "tingle-count -w 1m"; do
	rm -f in out rej
	mkfifo in
	# shellcheck disable=SC2086
	$stage --rejects rej <in >out 2>err &
	pid=$!
	exec 3>in
	printf 'not json\n{"ts":"2026-06-15T11:00:00Z"}\n' >&3
	for _ in $(seq 1 100); do
		[ -s rej ] && break
		sleep 0.1
	done
	[ "$(cat rej)" = "not json" ] || fail "$stage: rejects while live: '$(cat rej)'"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	exec 3>&-
	[ "$(cat rej)" = "not json" ] || fail "$stage: rejects after SIGKILL: '$(cat rej)'"
done

# A CSV quote left open holds back only what follows it: the rows before
# it come out at once, and once it has spanned --max-field-lines lines
# its line is rejected and the rows it took in come out after all.
rm -f in out
mkfifo in
tingle-parse -f csv --max-field-lines 3 <in >out 2>err &
pid=$!
exec 3>in
printf 'id,text\n1,a\n2,b\n3,"runaway\n' >&3
wait_lines out 2
printf '4,d\n' >&3
sleep 0.3
[ "$(wc -l <out)" = 2 ] || fail "csv: rows inside the open quote written: $(cat out)"
printf '5,e\n' >&3
wait_lines out 4
grep -q '^tingle-parse: (stdin):4: quoted field not closed within 3 lines (--max-field-lines); reading on from line 5$' err ||
	fail "csv runaway quote: $(cat err)"
exec 3>&-
wait "$pid" || fail "csv: status $?"
[ "$(jq -r .id out | tr '\n' ' ')" = "1 2 4 5 " ] || fail "csv rows: $(cat out)"

# The same for -f json and -e (no held record).
for args in "-f json" "-e ^(?<word>\\w+)\$"; do
	rm -f in out
	mkfifo in
	# shellcheck disable=SC2086
	tingle-parse $args <in >out 2>err &
	pid=$!
	exec 3>in
	case $args in -f*) echo '{"a":1}' >&3 ;; *) echo 'hello' >&3 ;; esac
	wait_lines out 1
	exec 3>&-
	wait "$pid" || fail "$args: status $?"
done
exit 0
