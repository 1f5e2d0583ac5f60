# segment_corpus_join.sh - join the real Salesforce case export of the
# corpus (BOM, RFC 4180 quoting, tripled quotes, typographic quotes, empty
# cells) into records keyed by case number, and check every merged value
# against Python's csv module.
set -eu
csvfile=${TINGLE_CORPUS:+$TINGLE_CORPUS/salesforce-cases.csv}
[ -n "${TINGLE_CORPUS:-}" ] && [ -f "$csvfile" ] ||
	{ echo "corpus not available"; exit 77; }
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }

python3 - "$csvfile" >events.ndjson <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
for i, r in enumerate(rows):
    print(json.dumps({"case": r["CaseNumber"], "n": i}))
print(json.dumps({"case": "99999999", "n": -1}))
PY

tingle-segment --join "$csvfile" --on case=CaseNumber --join-prefix sf_ \
	--join-miss drop --by 'sf_Status' events.ndjson >joined.ndjson

python3 - "$csvfile" <<'PY'
import collections, csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
byno = {r["CaseNumber"]: r for r in rows}
out = [json.loads(l) for l in open("joined.ndjson", encoding="utf-8")]
assert len(out) == len(rows) == 40, (len(out), len(rows))
for rec in out:
    want = byno[rec["case"]]
    for k, v in want.items():
        if k == "CaseNumber":
            assert "sf_CaseNumber" not in rec
            continue
        assert rec["sf_" + k] == v, (rec["case"], k, rec.get("sf_" + k), v)
    assert rec["segment"] == want["Status"]
    # the BOM is not part of the first column's name
    assert "sf_Id" in rec
got = collections.Counter(r["segment"] for r in out)
want = collections.Counter(r["Status"] for r in rows)
assert got == want, (got, want)
PY

# Rules over the joined fields, and the unmatched record rejected.
tingle-segment --join "$csvfile" --on case=CaseNumber --join-miss reject \
	-s 'abe: Reason == "Crazy Abe"' -s 'open: IsClosed != "1"' \
	--default closed --rejects rejects.ndjson events.ndjson \
	>rules.ndjson 2>err.txt
grep -q '"case": "99999999"' rejects.ndjson
grep -q 'no row in .*salesforce-cases.csv for case "99999999"' err.txt
python3 - "$csvfile" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
byno = {r["CaseNumber"]: r for r in rows}
out = [json.loads(l) for l in open("rules.ndjson", encoding="utf-8")]
assert len(out) == 40
for rec in out:
    r = byno[rec["case"]]
    want = "abe" if r["Reason"] == "Crazy Abe" else \
        "open" if r["IsClosed"] != "1" else "closed"
    assert rec["segment"] == want, (rec["case"], rec["segment"], want)
PY
