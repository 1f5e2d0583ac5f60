# report-bounded.sh - the HTML report stays small whatever the input:
# --max-charts charts, each of at most 300 drawn columns, and
# --max-rows rows in the list of the groups not drawn.
#
# 100 groups of 400 hourly windows and 1,000 groups of 2: 60 charts
# (the default), none with more than 300 columns (600 vertices of the
# observed line); "1040 more groups", 50 of them listed; the page under
# 1.3 MB, well formed.  The 10,000 x 100 case of the man page is the
# same code with more records (measured there, not here: it takes
# seconds).
set -u
[ -x "$TINGLE_BIN/tingle-report" ] || { echo "tingle-report is not built yet"; exit 77; }
command -v python3 >/dev/null || { echo "python3 is missing"; exit 77; }

awk 'BEGIN {
	t0 = 1775433600
	for (w = 0; w < 400; w++)
		for (g = 0; g < 100; g++)
			printf "{\"host\":\"big%03d\",\"window_start\":%d,\"window_end\":%d,\"count\":%d,\"expected\":20,\"z\":%.3f}\n",
				g, t0 + w * 3600, t0 + w * 3600 + 3600, 20 + (w * 7 + g) % 9 - 4, ((w * 7 + g) % 9 - 4) / 4.5
	for (w = 0; w < 2; w++)
		for (g = 0; g < 1000; g++)
			printf "{\"host\":\"small%04d\",\"window_start\":%d,\"window_end\":%d,\"count\":5,\"expected\":5}\n",
				g, t0 + w * 3600, t0 + w * 3600 + 3600
}' >in.ndjson
tingle-report --max-rows 50 -o report.html in.ndjson || { echo "tingle-report failed"; exit 1; }

python3 - report.html <<'PY'
import os, re, sys, xml.dom.minidom
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
bad = []
size = os.path.getsize(path)
if size > 1300000:
    bad.append("the page is %d bytes" % size)
charts = re.findall(r'<path class="obs" d="([^"]*)"', text)
if len(charts) != 60:
    bad.append("%d charts, expected 60" % len(charts))
most = max(len(re.findall(r"[ML]", d)) for d in charts)
if most > 600:
    bad.append("a chart with %d vertices" % most)
if "<b>1040 more groups, all without an alert</b>" not in text:
    bad.append("no '1040 more groups'")
rows = re.findall(r'<table class="rest">.*?</table>', text, re.S)
if not rows or rows[0].count("<tr>") != 51:
    bad.append("the list of other groups has not 50 rows")
if "and 990 more" not in text:
    bad.append("no 'and 990 more'")
try:
    xml.dom.minidom.parseString(text.encode())
except Exception as e:
    bad.append("not well formed: %s" % e)
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY
