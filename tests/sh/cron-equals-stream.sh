# cron-equals-stream.sh - an hourly cron job over a growing log fires and
# resolves exactly what one run over the whole log does, window for
# window.
#
# A mail log of five weeks, with bounces of 60 an hour in two bursts of
# its last two days, is cut at 48 hourly points (HH:05).  At each point
# the pipeline runs over the log as it stood then, with TINGLE_NOW at
# that point and the same --state files from run to run; the alert
# records of all 48 runs must be those of one run over the whole log,
# with TINGLE_NOW at the last point.  The pipelines: the README's
# "Running unattended" job as written (--baseline season:1w:4, ratio > 3)
# and as issue 14 measured it (prev:1, count > 10), each also with
# `tingle-count --open emit` and a rule that reads `open`; and
# examples/email-blast/cron.sh, hour by hour over the case export cut
# the same way, against one run of it over the whole export.
#
# It needs tingle-count to hold back the window still in progress at end
# of input (its --open option): until then it is skipped.
set -u
top=$TINGLE_TOP
for t in tingle-parse tingle-segment tingle-count tingle-compare tingle-alert; do
	[ -x "$TINGLE_BIN/$t" ] || { echo "$t is not built yet"; exit 77; }
done
command -v python3 >/dev/null || { echo "python3 is missing"; exit 77; }
if ! tingle-count -w 1h --open emit </dev/null >/dev/null 2>&1; then
	echo "tingle-count --open is not recognised yet: it writes the window still in progress at end of input as complete, so a cron job cannot see what a stream sees"
	exit 77
fi

# ---- the mail log and its cut points ---------------------------------
python3 - <<'PY' || exit 1
import datetime as dt
U = dt.timezone.utc
start = dt.datetime(2026, 5, 11, tzinfo=U)
end = dt.datetime(2026, 6, 15, 12, 10, tzinfo=U)
bursts = [(dt.datetime(2026, 6, 14, 14, tzinfo=U), 4),
          (dt.datetime(2026, 6, 15, 3, tzinfo=U), 1)]
def bounces(h):
    return 60 if any(b <= h < b + dt.timedelta(hours=n) for b, n in bursts) else 2
lines, qid, h = [], 0xC6E0D00000, start
while h < end:
    ev = [("sent", "2.0.0", "250 2.0.0 Ok")] * 10 + \
         [("bounced", "5.1.1", "550 5.1.1 user unknown")] * bounces(h)
    for i, (st, dsn, why) in enumerate(ev):
        t = h + dt.timedelta(seconds=(i * 3599) // len(ev))
        if t >= end:
            break
        qid += 1
        lines.append((t, "%s mx postfix/smtp[2020]: %010X: to=<u%d@example.net>, "
                      "relay=mx.example.net[192.0.2.7]:25, delay=1.2, "
                      "delays=0.1/0/0.6/0.5, dsn=%s, status=%s (%s)"
                      % (t.strftime("%b %e %H:%M:%S"), qid, qid % 97, dsn, st, why)))
    h += dt.timedelta(hours=1)
lines.sort(key=lambda x: x[0])
with open("mail.log", "w") as f:
    f.write("".join(l + "\n" for _, l in lines))
first = dt.datetime(2026, 6, 13, 13, 5, tzinfo=U)
with open("cuts", "w") as f:
    for k in range(48):
        c = first + dt.timedelta(hours=k)
        n = sum(1 for t, _ in lines if t < c)
        f.write("%s %d\n" % (c.strftime("%Y-%m-%dT%H:%M:%SZ"), n))
PY
[ "$(wc -l <cuts)" = 48 ] || { echo "cut points: $(wc -l <cuts)"; exit 1; }
last=$(tail -1 cuts)

fail=0
# check NAME: cron.NAME and stream.NAME hold the same alerts, some.
check() {
	if [ ! -s "stream.$1" ]; then
		echo "$1: the stream run fired nothing: the test is not testing"
		fail=1
	elif ! cmp -s "cron.$1" "stream.$1"; then
		echo "$1: the cron runs and the stream run differ:"
		diff "stream.$1" "cron.$1" | head -20
		fail=1
	fi
}

# mail NAME OPEN BASELINE RULE: the mail pipeline over the first N lines
# of the log, with the state of NAME.
mail() {
	head -n "$N" mail.log |
		tingle-parse -f postfix |
		tingle-count -w 1h -k status --max-groups 1000 $2 |
		tingle-compare -b "$3" --state "$1.mail.state" 2>/dev/null |
		tingle-alert -r "$4" --state "$1.alerts.state"
	local st=("${PIPESTATUS[@]}")
	for rc in "${st[@]:1:3}"; do
		[ "$rc" = 0 ] || { echo "$1: a stage failed at $TINGLE_NOW: ${st[*]}"; exit 1; }
	done
	[ "${st[4]}" -le 1 ] || { echo "$1: tingle-alert failed at $TINGLE_NOW: ${st[4]}"; exit 1; }
}

readme_when='status == "bounced" && ratio > 3'
issue_when='status == "bounced" && count > 10'
for v in readme issue; do
	if [ $v = readme ]; then b=season:1w:4 w=$readme_when; else b=prev:1 w=$issue_when; fi
	rm -f cron.$v* stream.$v*
	while read -r now n; do
		TINGLE_NOW=$now N=$n mail cron.$v "" "$b" "bounces: $w" >>cron.$v
		TINGLE_NOW=$now N=$n mail cron.$v-open "--open emit" "$b" "bounces: !open && $w" >>cron.$v-open
	done <cuts
	read -r now n <<<"$last"
	TINGLE_NOW=$now N=$n mail stream.$v "" "$b" "bounces: $w" >stream.$v
	TINGLE_NOW=$now N=$n mail stream.$v-open "--open emit" "$b" "bounces: !open && $w" >stream.$v-open
	check $v
	check $v-open
done

# ---- examples/email-blast/cron.sh ------------------------------------
cases=$top/examples/data/cases.csv
cron=$top/examples/email-blast/cron.sh
# The export as it stood at a time: the cases created before it.
python3 - "$cases" <<'PY' || exit 1
import csv, datetime as dt, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
head, rows = rows[0], rows[1:]
at = head.index("created_at")
first = dt.datetime.fromisoformat("2026-04-28T06:05:00-05:00")
with open("cases.seed.csv", "w", newline="") as f:
    w = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n")
    seed = dt.datetime.fromisoformat("2026-04-27T00:00:00-05:00")
    w.writerows([head] + [r for r in rows if
                 dt.datetime.fromisoformat(r[at].replace("Z", "+00:00")) < seed])
with open("case-cuts", "w") as cf:
    for k in range(48):
        c = first + dt.timedelta(hours=k)
        name = "cases.%02d.csv" % k
        with open(name, "w", newline="") as f:
            w = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n")
            w.writerow(head)
            for r in rows:
                t = dt.datetime.fromisoformat(r[at].replace("Z", "+00:00"))
                if t < c:
                    w.writerow(r)
        cf.write("%s %s\n" % (c.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), name))
PY
"$cron" --backfill --now 2026-04-27T00:00:00-05:00 cases.seed.csv seed >/dev/null ||
	{ echo "backfill failed"; exit 1; }
cp -r seed cron-state
while read -r now file; do
	"$cron" --now "$now" "$file" cron-state >>cron.email-blast 2>>cron.err ||
		{ echo "cron.sh at $now failed"; cat cron.err; exit 1; }
done <case-cuts
cp -r seed stream-state
read -r now file <<<"$(tail -1 case-cuts)"
"$cron" --now "$now" "$file" stream-state >stream.email-blast 2>stream.err ||
	{ echo "cron.sh over the whole export failed"; cat stream.err; exit 1; }
check email-blast
exit $fail
