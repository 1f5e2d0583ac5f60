# alert-state-split.sh - tingle-alert run from "cron" over overlapping
# slices of a stream, with its state in a --state file, makes the same
# alert records as one run over the whole stream, for flapping groups
# under a cooldown, with for and keep_firing_for; and the cooldown holds:
# a group's firing announcements are at least the cooldown apart, and
# each resolved record ends an episode that was announced.
set -u
command -v python3 >/dev/null || { echo "python3 is missing"; exit 77; }

fail() { echo "FAIL: $*"; exit 1; }

# Hourly count records of six segments over five days: ratios that flap
# around the threshold, with runs of bad and good hours, seeded.
python3 - <<'PY' >all.ndjson || fail "cannot make the input"
import datetime as dt, json, random
rnd = random.Random(7)
t0 = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)
def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")
bad = {s: False for s in "ABCDEF"}
for h in range(120):
    for s in "ABCDEF":
        if rnd.random() < (0.5 if s in "AB" else 0.2):
            bad[s] = not bad[s]
        ratio = round(rnd.uniform(0.02, 0.19) if bad[s] else rnd.uniform(0.6, 1.2), 3)
        print(json.dumps({"segment": s, "shard": "ABCDEF".index(s) % 2,
                          "window_start": iso(t0 + dt.timedelta(hours=h)),
                          "window_end": iso(t0 + dt.timedelta(hours=h + 1)),
                          "count": round(ratio * 500), "expected": 500,
                          "ratio": ratio}, separators=(",", ":")))
PY

cat >rules.json <<'EOF'
[{"name": "low", "when": "ratio < 0.2", "cooldown": "6h"},
 {"name": "low_2h", "when": "ratio < 0.2", "for": 2, "keep_firing_for": 1,
  "cooldown": "5h"},
 {"name": "low_any", "when": "ratio < 0.2"},
 {"name": "low_reminded", "when": "ratio < 0.2", "key": "segment",
  "keep_firing_for": 2, "cooldown": "3h"}]
EOF

tingle-alert -F rules.json all.ndjson >one.alerts 2>one.err
rc=$?
[ $rc = 0 ] || fail "one run: exit $rc: $(cat one.err)"
[ -s one.err ] && fail "one run: $(cat one.err)"

# Runs every 1 to 9 hours, each reading from 0 to 20 hours before the
# end of the last, so that they overlap the earlier ones by different
# amounts (lines from-to, 6 a window).
python3 -c '
import random
rnd = random.Random(11)
end, n = 0, 120
while end < n:
    start = max(0, end - rnd.randint(0, 20))
    end = min(n, end + rnd.randint(1, 9))
    print(start * 6, end * 6)
' >runs
[ -s runs ] || fail "no runs"
while read -r from to; do
	sed -n "$((from + 1)),${to}p" all.ndjson |
	    tingle-alert -F rules.json --state state.json >>split.alerts 2>>split.err
	rc=$?
	[ $rc -le 1 ] || fail "a run from line $from to $to: exit $rc: $(cat split.err)"
done <runs
[ -s split.err ] && fail "split runs: $(cat split.err)"
cmp -s one.alerts split.alerts ||
	fail "split runs differ from one run: $(diff one.alerts split.alerts | head -20)"

# The cooldown holds back repeats and flapping alike; a quiet episode is
# announced later, as firing, or not at all.
python3 - <<'PY' || exit 1
import datetime as dt, json, sys
cool = {"low": 6, "low_2h": 5, "low_reminded": 3}
def t(s):
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
last, open_, n = {}, {}, {}
for a in map(json.loads, open("one.alerts")):
    g = (a["alert"], a["segment"], a.get("shard"))
    n[a["alert"], a["state"]] = n.get((a["alert"], a["state"]), 0) + 1
    if a["state"] == "firing":
        if "repeat" in a and not open_.get(g):
            sys.exit("a repeat of an episode not announced: %s" % a)
        if "repeat" not in a and open_.get(g):
            sys.exit("firing twice without a resolve: %s" % a)
        h = cool.get(a["alert"])
        if h and g in last and t(a["window_end"]) - last[g] < dt.timedelta(hours=h):
            sys.exit("announced within the cooldown: %s" % a)
        last[g], open_[g] = t(a["window_end"]), True
    else:
        if not open_.get(g):
            sys.exit("resolved an episode not announced: %s" % a)
        open_[g] = False
for rule in ("low", "low_2h", "low_any", "low_reminded"):
    if n.get((rule, "firing"), 0) == 0 or n.get((rule, "resolved"), 0) == 0:
        sys.exit("rule %s: too few alerts to test: %s" % (rule, n))
# Without a cooldown every episode is announced: more than with one.
if not n["low_any", "firing"] > n["low", "firing"]:
    sys.exit("the cooldown held nothing back: %s" % n)
PY
exit 0
