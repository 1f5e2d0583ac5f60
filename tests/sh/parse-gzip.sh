# Compressed logs: tingle-parse reads gzip data, found by its first two
# bytes, in files and on standard input, member after member, as zcat
# does; a file cut short or damaged is bad input with a clear message
# (its last, cut-off line in --rejects), never a crash or a hang; plain
# input reads as before.  zcat is the reference.
set -u
fail() { echo "FAIL: $*"; exit 1; }
command -v gzip >/dev/null || { echo "no gzip"; exit 77; }
log=$TINGLE_TOP/tests/data/postfix-local-checks.log

tingle-parse -f postfix "$log" >plain.out || fail "plain: status $?"
gzip -c "$log" >mail.log.2.gz
head -3 "$log" | gzip >m1.gz
tail -3 "$log" | gzip >m2.gz

# A file, and standard input: the same records as the plain log.
tingle-parse -f postfix mail.log.2.gz >gz.out 2>err || fail "file: status $?: $(cat err)"
cmp -s gz.out plain.out || fail "file: records differ"
[ ! -s err ] || fail "file: stderr: $(cat err)"
tingle-parse -f postfix <mail.log.2.gz >stdin.out || fail "stdin: status $?"
cmp -s stdin.out plain.out || fail "stdin: records differ"

# Members one after another (cat a.gz b.gz, or gzip >>), and compressed
# and plain files in one run, with line numbers per file.
head -100 "$log" | gzip >two.gz
tail -n +101 "$log" | gzip >>two.gz
zcat two.gz | cmp -s - "$log" || fail "zcat disagrees with the test"
tingle-parse -f postfix two.gz >two.out || fail "members: status $?"
cmp -s two.out plain.out || fail "members: records differ"
printf 'not a log line\n' | gzip >bad.gz
tingle-parse -f postfix "$log" bad.gz mail.log.2.gz >mixed.out 2>err || fail "mixed: status $?"
[ "$(wc -l <mixed.out)" = 506 ] || fail "mixed: $(wc -l <mixed.out) records"
[ "$(cat err)" = "tingle-parse: bad.gz:1: not a postfix line: no syslog timestamp" ] ||
	fail "mixed: stderr: $(cat err)"

# Cut short: the lines before the cut are records, the cut-off line is
# bad input and kept in --rejects, the run goes on and exits 0 (65 under
# --strict, and when nothing at all could be read).
size=$(wc -c <mail.log.2.gz)
head -c $((size / 2)) mail.log.2.gz >cut.gz
zcat cut.gz >cut.txt 2>/dev/null
whole=$(grep -c '' cut.txt)  # lines zcat gives, the last one cut off
tingle-parse -f postfix --rejects rej cut.gz >cut.out 2>err || fail "cut: status $?"
[ "$(wc -l <cut.out)" = $((whole - 1)) ] || fail "cut: $(wc -l <cut.out) records, zcat gives $whole lines"
[ "$(cat err)" = "tingle-parse: cut.gz:$whole: gzip data ends early (a truncated file?); this line is cut off" ] ||
	fail "cut: stderr: $(cat err)"
[ "$(cat rej)" = "$(tail -1 cut.txt)" ] || fail "cut: rejects: $(cat rej)"
tingle-parse -f postfix --strict cut.gz >/dev/null 2>&1
[ $? = 65 ] || fail "cut --strict: status not 65"
head -c 30 mail.log.2.gz | tingle-parse -f postfix >/dev/null 2>err
[ $? = 65 ] || fail "cut in the header: status not 65"
grep -q '^tingle-parse: (stdin):1: gzip data ends early (a truncated file?)$' err ||
	fail "cut in the header: $(cat err)"

# Damaged: the second member's data overwritten where it starts (an
# invalid block type), and a byte of the first one's checksum changed.
{ cat m1.gz; printf '\037\213\010\000\000\000\000\000\000\003\377\377\377'; } >bad2.gz
tingle-parse -f postfix bad2.gz >bad2.out 2>err || fail "damaged: status $?"
[ "$(wc -l <bad2.out)" = 3 ] || fail "damaged: $(wc -l <bad2.out) records"
[ "$(cat err)" = "tingle-parse: bad2.gz:4: gzip data is corrupt (a damaged file?)" ] ||
	fail "damaged: stderr: $(cat err)"
n=$(wc -c <m1.gz)
{ head -c $((n - 8)) m1.gz; printf 'XXXX'; tail -c 4 m1.gz; } >crc.gz
tingle-parse -f postfix crc.gz >crc.out 2>err
[ $? = 0 ] && [ "$(wc -l <crc.out)" = 3 ] || fail "checksum: $(wc -l <crc.out) records"
[ "$(cat err)" = "tingle-parse: crc.gz:4: gzip data is corrupt (a damaged file?)" ] ||
	fail "checksum: stderr: $(cat err)"

# Bytes after the last member are ignored, with a word.
{ cat mail.log.2.gz; printf 'trailing junk'; } >junk.gz
tingle-parse -f postfix junk.gz >junk.out 2>err || fail "junk: status $?"
cmp -s junk.out plain.out || fail "junk: records differ"
[ "$(cat err)" = "tingle-parse: junk.gz:253: data after the end of the gzip data, ignored" ] ||
	fail "junk: stderr: $(cat err)"

# A live stream of members: the records of the first come out while the
# second is still to come (the reader never blocks on compressed input
# it already has).
{ cat m1.gz; sleep 3; cat m2.gz; } | tingle-parse -f postfix --hold 0s >live.out &
pid=$!
sleep 1.5
[ "$(wc -l <live.out)" = 3 ] || fail "live: $(wc -l <live.out) records after the first member"
wait $pid || fail "live: status $?"
[ "$(wc -l <live.out)" = 6 ] || fail "live: $(wc -l <live.out) records in all"
exit 0
