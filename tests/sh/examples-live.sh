# examples-live.sh - the Sunday-cohort pipeline on a live stream: replay
# writes the incident week into log files at high speed, rotating them half
# way, and the pipeline reads them through tail -F.
#
# The alert for Wednesday must arrive while the replay is still running
# (within two simulated days of the window's end, not at end of input); the
# rotation must lose no line; and the live alerts must be the ones the
# batch pipeline finds in the same data.
set -u
top=$TINGLE_TOP
for t in tingle-parse tingle-segment tingle-count tingle-compare tingle-alert; do
	[ -x "$TINGLE_BIN/$t" ] || { echo "$t is not built yet"; exit 77; }
done
command -v python3 >/dev/null || { echo "python3 is missing"; exit 77; }

data=$top/examples/data
# An hour in 50 ms: the week takes 8.4 s.
"$top/examples/live/run.sh" --speed 72000 "$data" live >live.out 2>live.err
rc=$?
[ $rc -eq 0 ] || { echo "live/run.sh exited $rc"; cat live.err; exit 1; }

fail=0
# Nothing lost across the rotation: tail -F delivered every line, in order.
for n in esp app; do
	[ -s live/logs/$n.log.1 ] && [ -s live/logs/$n.log ] ||
		{ echo "$n.log was not rotated"; fail=1; }
	cat live/logs/$n.log.1 live/logs/$n.log >$n.written
	if ! cmp -s $n.written live/$n-seen.ndjson; then
		echo "$n: tail -F delivered $(wc -l <live/$n-seen.ndjson) of $(wc -l <$n.written) lines"
		fail=1
	fi
done

# The same alerts as the batch pipeline over the same week.
"$top/examples/sunday-cohort/run.sh" "$data" batch >batch.alerts 2>batch.err
python3 - "$data/incidents.json" <<'PY' || fail=1
import datetime as dt, json, sys
truth = json.load(open(sys.argv[1]))
def t(s):
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
week0 = t(truth["sunday_bug"]["days"][0] + "T00:00:00+00:00") - dt.timedelta(days=2)
week1 = week0 + dt.timedelta(days=7)
batch = sorted((a["dimension"] + " = " + a["value"], a["window_start"]) for a in map(json.loads, open("batch.alerts"))
               if a["state"] == "firing" and week0 <= t(a["window_start"]) < week1)
arrivals = []
for line in open("live/arrivals.txt"):
    clock, rec = line.split(" ", 1)
    arrivals.append((clock, json.loads(rec)))
live = sorted((a["dimension"] + " = " + a["value"], a["window_start"]) for _, a in arrivals if a["state"] == "firing")
bad = []
if live != batch:
    bad.append("live alerts %s, batch alerts %s" % (live, batch))
first = [(c, a) for c, a in arrivals if a["state"] == "firing"
         and (a["dimension"], a["value"]) == ("start_weekday", "Sun")]
if not first:
    bad.append("no alert for the Sunday cohort arrived")
else:
    # The day is compared once both streams have gone past it: early the
    # next day but one, two days before the replay ends.
    clock, a = first[0]
    end = t(a["window_end"])
    if clock == "done":
        bad.append("the alert for %s arrived after the replay ended" % a["window_start"])
    elif not end <= t(clock) <= end + dt.timedelta(days=2):
        bad.append("the alert for the window ending %s arrived at replay time %s"
                   % (a["window_end"], clock))
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY
if [ $fail -ne 0 ]; then
	echo "--- live.out"; cat live.out; echo "--- live.err"; cat live.err
fi
exit $fail
