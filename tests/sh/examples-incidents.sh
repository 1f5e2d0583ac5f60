# examples-incidents.sh - both example pipelines find their incident, and
# nothing else, in data generated with several seeds.
#
# For each seed: the Sunday-cohort alert, which looks at every attribute,
# fires for start_weekday = Sun on each bug day and for no other cohort
# or day; the case-spike alert first fires
# within two hours after the blast, and never before it or outside the
# incident week.  Data with no incident week raises no alert at all.
set -u
top=$TINGLE_TOP
for t in tingle-parse tingle-segment tingle-count tingle-compare tingle-alert; do
	[ -x "$TINGLE_BIN/$t" ] || { echo "$t is not built yet"; exit 77; }
done
command -v python3 >/dev/null || { echo "python3 is missing"; exit 77; }

fail=0
check() { # check SEED DATA_DIR: compare the alerts with incidents.json
	python3 - "$@" <<'PY'
import datetime as dt, json, sys
seed, d = sys.argv[1], sys.argv[2]
truth = json.load(open(d + "/incidents.json"))
def alerts(name):
    with open("%s/%s.alerts" % (d, name)) as f:
        return [json.loads(l) for l in f if l.strip()]
def t(s):
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
bad = []
# The silent segment.
fired = sorted({(a["dimension"] + " = " + a["value"], a["window_start"][:10])
                for a in alerts("sunday") if a["state"] == "firing"})
bug = truth.get("sunday_bug")
want = sorted(("start_weekday = Sun", day) for day in bug["days"]) if bug else []
if fired != want:
    bad.append("sunday-cohort fired for %s, expected %s" % (fired, want))
# The spike.
spikes = sorted(t(a["window_end"]) for a in alerts("blast")
                if a["state"] == "firing")
blast = truth.get("blast")
if blast is None:
    if spikes:
        bad.append("case spike fired with no blast: %s" % spikes[0])
else:
    sent = t(blast["sent_at"])
    week_end = t(truth["start"] + "T00:00:00Z") + dt.timedelta(
        weeks=truth["incident_week"], days=1)
    if not spikes:
        bad.append("case spike never fired")
    elif not sent < spikes[0] <= sent + dt.timedelta(hours=2):
        bad.append("case spike first fired for the window ending %s; "
                   "the blast was at %s" % (spikes[0], sent))
    for s in spikes:
        if not sent < s <= week_end:
            bad.append("case spike fired for the window ending %s" % s)
for b in bad:
    print("seed %s: %s" % (seed, b))
sys.exit(1 if bad else 0)
PY
}

run() { # run SEED GEN_ARGS...
	local seed=$1 d=data-$1
	shift
	"$top/examples/data/gen" --seed "$seed" --out "$d" "$@" || { fail=1; return; }
	"$top/examples/sunday-cohort/run.sh" "$d" "$d/out-sunday" >"$d/sunday.alerts" 2>"$d/sunday.err"
	[ $? -le 1 ] || { echo "seed $seed: sunday-cohort/run.sh failed"; cat "$d/sunday.err"; fail=1; return; }
	"$top/examples/email-blast/run.sh" "$d" "$d/out-blast" >"$d/blast.alerts" 2>"$d/blast.err"
	[ $? -le 1 ] || { echo "seed $seed: email-blast/run.sh failed"; cat "$d/blast.err"; fail=1; return; }
	# The example data is clean: no stage may complain about it.
	if [ -s "$d/sunday.err" ] || [ -s "$d/blast.err" ]; then
		echo "seed $seed: diagnostics:"; cat "$d/sunday.err" "$d/blast.err" | head -20
		fail=1
	fi
	check "$seed" "$d" || fail=1
}

for seed in 1 2 3; do
	run $seed
done
run 5 --incident-week 0 --weeks 3
run 6 --weeks 5 --incident-week 3
exit $fail
