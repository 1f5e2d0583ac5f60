# cohort-find.sh - tingle finds the broken cohort by itself.
#
# tests/cohort/gen writes synthetic incidents: members with five
# attributes of lopsided sizes, and one value of one attribute, drawn at
# random, that loses its confirmation emails on one to three days.  For
# each of 20 seeds, counting every attribute at once (--each), comparing
# confirmations with attempts against their peers (--peers dimension) and
# alerting on 'q < 0.001 && ratio < 0.5' (again each day: --cooldown 1d)
# must fire for the broken dimension and value on each bug day and for
# nothing else, in at least 19 of the 20 seeds.  The generator itself is checked first.
set -u
top=$TINGLE_TOP
for t in tingle-count tingle-compare tingle-alert; do
	[ -x "$TINGLE_BIN/$t" ] || { echo "$t is not built yet"; exit 77; }
done
command -v python3 >/dev/null || { echo "python3 is missing"; exit 77; }
gen=$top/tests/cohort/gen
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
dims=app_version,country,os,plan,start_weekday
fail=0

# --- the generator -----------------------------------------------------
"$gen" --seed 7 --users 400 --days 8 --out "$tmp/g1" &&
	"$gen" --seed 7 --users 400 --days 8 --out "$tmp/g2" || exit 1
for f in attempts.ndjson confirmations.ndjson truth.json; do
	cmp -s "$tmp/g1/$f" "$tmp/g2/$f" ||
		{ echo "gen: seed 7 gave two different $f"; fail=1; }
done
python3 - "$tmp/g1" <<'PY' || fail=1
import collections, json, sys
d = sys.argv[1]
truth = json.load(open(d + "/truth.json"))
att = [json.loads(l) for l in open(d + "/attempts.ndjson")]
conf = [json.loads(l) for l in open(d + "/confirmations.ndjson")]
bad = []
dims = ["app_version", "country", "os", "plan", "start_weekday"]
if truth["dimension"] not in dims:
    bad.append("broken dimension %r" % truth["dimension"])
# Lopsided: the first value of each dimension holds about 60% of members.
users = {a["user_id"]: a for a in att}
for dim in dims:
    c = collections.Counter(u[dim] for u in users.values())
    top, n = c.most_common(1)[0]
    if not 0.5 < n / len(users) < 0.7:
        bad.append("%s: largest value %s has %.2f of members" %
                   (dim, top, n / len(users)))
# Confirmation rates: ~0.9 outside the bug, ~0.036 for the broken cohort.
def rate(day_in, cohort):
    a = sum(1 for r in att if (r["ts"][:10] in truth["days"]) == day_in
            and (r[truth["dimension"]] == truth["value"]) == cohort)
    c = sum(1 for r in conf if (r["ts"][:10] in truth["days"]) == day_in
            and (r[truth["dimension"]] == truth["value"]) == cohort)
    return c / a if a else None
for day_in, cohort, lo, hi in ((False, True, 0.85, 0.95),
                               (False, False, 0.85, 0.95),
                               (True, False, 0.85, 0.95),
                               (True, True, 0.0, 0.12)):
    r = rate(day_in, cohort)
    if r is not None and not lo <= r <= hi:
        bad.append("rate %.3f (bug day %s, cohort %s) outside [%g, %g]" %
                   (r, day_in, cohort, lo, hi))
if len(conf) != truth["confirmations"] or len(att) != truth["attempts"]:
    bad.append("truth.json counts differ from the files")
for b in bad:
    print("gen:", b)
sys.exit(1 if bad else 0)
PY

# --- finding the cohort ------------------------------------------------
if ! "$TINGLE_BIN/tingle-count" -w 1d --each plan </dev/null >/dev/null 2>&1; then
	echo "tingle-count does not know --each yet"
	exit 77
fi
good=0
for seed in $(seq 1 20); do
	d=$tmp/s$seed
	"$gen" --seed "$seed" --out "$d" || { echo "gen failed"; exit 1; }
	tingle-count -w 1d --each "$dims" <"$d/attempts.ndjson" \
		>"$d/a.ndjson" || { echo "seed $seed: count failed"; exit 1; }
	tingle-count -w 1d --each "$dims" <"$d/confirmations.ndjson" |
		tingle-compare --against "$d/a.ndjson" --peers dimension |
		tingle-alert --cooldown 1d -r 'cohort_low: q < 0.001 && ratio < 0.5' \
			>"$d/alerts.ndjson"
	st=$?
	[ $st -le 1 ] || { echo "seed $seed: pipeline exit $st"; exit 1; }
	if python3 - "$d" <<'PY'; then good=$((good + 1)); fi
import json, sys
d = sys.argv[1]
truth = json.load(open(d + "/truth.json"))
fired = sorted({(a.get("dimension"), a.get("value"), a["window_start"][:10])
                for a in map(json.loads, open(d + "/alerts.ndjson"))
                if a.get("state") == "firing"})
want = sorted((truth["dimension"], truth["value"], day)
              for day in truth["days"])
if fired != want:
    print("seed %s: fired %s, expected %s" % (truth["seed"], fired, want))
    sys.exit(1)
PY
done
echo "found the broken cohort, and only it, in $good of 20 seeds"
[ $good -ge 19 ] || fail=1
exit $fail
