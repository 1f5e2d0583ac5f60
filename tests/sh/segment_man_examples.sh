# segment_man_examples.sh - the examples of the manual pages work: every
# expression in tingle(7) EXPRESSIONS compiles and runs, and the Sunday
# cohort example of tingle-segment(1) gives the output the page shows.
set -eu
man=$TINGLE_TOP/man

# The example block of the EXPRESSIONS section, with roff escapes undone.
sed -n '/^\.Sh EXPRESSIONS/,/^\.Sh /p' "$man/tingle.7" |
	sed -n '/^\.Ss Examples/,/^\.Ed/p' | sed '1,2d;$d' |
	sed 's/\\e/\\/g' >exprs.txt
[ "$(wc -l <exprs.txt)" -ge 5 ]
echo '{"event":"delivered","template":"device_linked","status":"bounced","dsn":"5.1.1"}' >rec.ndjson
while IFS= read -r e; do
	tingle-segment --where "$e" rec.ndjson >/dev/null ||
		{ echo "example does not run: $e"; exit 1; }
done <exprs.txt

# The Sunday cohort, with the table and record the page shows.
cat >users.csv <<'CSV'
email,program_start,plan
ana@example.com,2026-11-29,pro
bo@example.com,2026-11-30,free
CSV
echo '{"ts":"2026-11-29T09:15:00Z","event":"delivered","template":"device_linked","email":"ana@example.com"}' >esp-events.ndjson
tingle-segment \
	--where 'event == "delivered" && template == "device_linked"' \
	--join users.csv --on email --by 'weekday(program_start)' \
	esp-events.ndjson >got.ndjson
# The page shows the output record over three lines.
sed -n '/^into (on one line)/,/^\.Ed/p' "$man/tingle-segment.1" |
	sed '1,2d;$d' | sed 's/^ //' | tr -d '\n' >want.ndjson
echo >>want.ndjson
diff want.ndjson got.ndjson
