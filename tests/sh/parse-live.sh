# tingle-parse in a live pipeline: a record appears as soon as its line
# does, even though line formats hold each record back for possible
# continuation lines; SIGTERM ends the run with what is complete.
set -u
fail() { echo "FAIL: $*"; exit 1; }

# Wait up to 10 s for file $1 to have $2 lines.
wait_lines() {
	for _ in $(seq 1 100); do
		[ "$(wc -l <"$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	fail "waited for $2 lines in $1, have: $(cat "$1")"
}

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
# join its msg; once the input has paused, the record has been written,
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
printf '\tlate continuation\n' >&3
printf 'Jun 15 11:00:01 h app[1]: second\n' >&3
wait_lines out 2
exec 3>&-
wait "$pid" || fail "syslog: status $?"
grep -q '^tingle-parse: (stdin):3: continuation line with no record before it$' err ||
	fail "late continuation: $(cat err)"
[ "$(jq -r .msg out | tail -1)" = second ] || fail "second record: $(cat out)"

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
