# examples-cron.sh - the case-spike check run hour by hour from "cron",
# with its history and alerts kept in --state files, raises the same
# alerts as the one long batch run over the same data.
set -u
top=$TINGLE_TOP
for t in tingle-parse tingle-segment tingle-count tingle-compare tingle-alert; do
	[ -x "$TINGLE_BIN/$t" ] || { echo "$t is not built yet"; exit 77; }
done
command -v python3 >/dev/null || { echo "python3 is missing"; exit 77; }
cases=$top/examples/data/cases.csv
cron=$top/examples/email-blast/cron.sh

# The first three weeks seed the history; then a run every hour from
# Tuesday 06:00 to Wednesday 16:00 of the incident week (Chicago time),
# each over the export as it stood then: the cases created before it.
python3 - "$cases" <<'PY' || exit 1
import csv, datetime as dt, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
at = rows[0].index("created_at")
first = dt.datetime.fromisoformat("2026-04-28T06:05:00-05:00")
cuts = [("cases.seed.csv", dt.datetime.fromisoformat("2026-04-27T00:00:00-05:00"))]
cuts += [("cases.%02d.csv" % h, first + dt.timedelta(hours=h)) for h in range(35)]
for name, c in cuts:
    with open(name, "w", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n")
        w.writerows([rows[0]] + [r for r in rows[1:] if
                     dt.datetime.fromisoformat(r[at].replace("Z", "+00:00")) < c])
PY
"$cron" --backfill --now 2026-04-27T00:00:00-05:00 cases.seed.csv state ||
	{ echo "backfill failed"; exit 1; }
[ -s state/cases.json ] || { echo "backfill wrote no history"; exit 1; }
for h in $(seq 0 34); do
	now=$(date -u -d "2026-04-28T06:05:00-05:00 + $h hours" +%Y-%m-%dT%H:%M:%SZ)
	"$cron" --now "$now" "$(printf 'cases.%02d.csv' "$h")" state >>cron.alerts 2>>cron.err ||
		{ echo "run at $now failed"; cat cron.err; exit 1; }
done
[ -s cron.err ] && { echo "diagnostics:"; cat cron.err; exit 1; }

"$top/examples/email-blast/run.sh" "$top/examples/data" batch >batch.alerts 2>batch.err
python3 - <<'PY'
import datetime as dt, json, sys
def t(s):
    return dt.datetime.fromisoformat(s)
lo, hi = t("2026-04-28T06:00:00-05:00"), t("2026-04-29T16:00:00-05:00")
def load(path):
    return [(a["state"], a["window_end"], a.get("repeat"))
            for a in map(json.loads, open(path)) if lo <= t(a["window_end"]) <= hi]
cron, batch = load("cron.alerts"), load("batch.alerts")
if not cron or cron != batch:
    print("cron alerts %s\nbatch alerts %s" % (cron, batch))
    sys.exit(1)
PY
[ $? = 0 ] || exit 1

# A stage that fails is the job's failure, not a quiet hour.
"$cron" --now 2026-04-28T15:05:00-05:00 no-such.csv state >/dev/null 2>err
rc=$?
[ "$rc" = 66 ] || { echo "missing export: status $rc, expected 66"; cat err; exit 1; }
grep -q "^tingle-parse: no-such.csv: No such file or directory" err ||
	{ echo "missing export: $(cat err)"; exit 1; }
exit 0
