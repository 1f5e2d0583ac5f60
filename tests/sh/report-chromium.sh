# report-chromium.sh - the HTML report of the silent-segment example, as
# a person sees it: rendered by headless Chromium.
#
# The report of examples/sunday-cohort is well formed (XML, and HTML by
# Python's html.parser), byte for byte the same when made twice, refers
# to nothing outside itself, and in Chromium:
#   - renders to a PNG that is not blank, at desktop and at phone width,
#     with the episode's shading among its colours;
#   - has one SVG chart per start-day cohort (7) in the DOM;
#   - has exactly one alert episode, in the chart of start weekday = Sun,
#     covering the bug's days 2026-04-29 and 2026-04-30 (to 2026-05-01);
#   - prints to a PDF of one to four pages;
#   - logs no console error and fetches nothing.
# Skips (77) where Chromium is not installed or cannot start.
#
# TINGLE_SCREENSHOT=FILE keeps the phone-width screenshot (how
# docs/report.png was made).
set -u
top=$TINGLE_TOP
for t in tingle-parse tingle-segment tingle-count tingle-compare tingle-alert \
	tingle-report; do
	[ -x "$TINGLE_BIN/$t" ] || { echo "$t is not built yet"; exit 77; }
done
command -v python3 >/dev/null || { echo "python3 is missing"; exit 77; }
chromium=$(command -v chromium || command -v chromium-browser) ||
	{ echo "chromium is not installed (make deps installs it)"; exit 77; }

here=$(pwd)
browse() { # browse ARGS... URL: headless Chromium, its own profile
	timeout 120 "$chromium" --headless --no-sandbox --disable-gpu \
		--no-first-run --disable-extensions --hide-scrollbars \
		--user-data-dir="$here/profile" --enable-logging=stderr --v=0 "$@"
}
printf '<!DOCTYPE html><html><body><p>ok</p></body></html>\n' >probe.html
if ! browse --dump-dom "file://$here/probe.html" >probe.dom 2>probe.err ||
	! grep -q '<p>ok</p>' probe.dom; then
	echo "chromium cannot start here: $(grep -v '^\[' probe.err | tail -1)"
	exit 77
fi

"$top/examples/sunday-cohort/run.sh" "$top/examples/data" sc >alerts.ndjson ||
	{ echo "the example pipeline failed"; exit 1; }
report() {
	tingle-report --tz America/Chicago --title "Device linked emails per start-day cohort" \
		"$@" sc/compared.ndjson alerts.ndjson
}
report -o report.html || { echo "tingle-report failed"; exit 1; }
report >again.html
cmp -s report.html again.html || { echo "two runs gave different pages"; exit 1; }

fail=0
# Well formed, and nothing fetched from elsewhere.
if command -v xmllint >/dev/null; then
	xmllint --noout report.html 2>xml.err ||
		{ echo "not well-formed XML:"; head -5 xml.err; fail=1; }
fi
python3 - report.html <<'PY' || fail=1
import html.parser, re, sys
VOID = {"meta", "link", "br", "img", "input", "hr"}
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.bad = [], []
    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)
        for k, v in attrs:
            if k in ("src", "href") and v and not v.startswith("#"):
                self.bad.append("refers outside: %s=%s" % (k, v))
    def handle_startendtag(self, tag, attrs):
        pass
    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.bad.append("</%s> closes <%s>" % (tag, self.stack[-1:] or "nothing"))
        else:
            self.stack.pop()
text = open(sys.argv[1], encoding="utf-8").read()
p = P()
p.feed(text)
p.close()
if p.stack:
    p.bad.append("left open: %s" % p.stack)
if re.search(r"<script|url\(|@import", text):
    p.bad.append("a script or an outside resource")
for b in p.bad[:5]:
    print("html.parser:", b)
sys.exit(1 if p.bad else 0)
PY

# The DOM as Chromium built it, and what the console said.
browse --dump-dom "file://$here/report.html" >report.dom 2>dom.err ||
	{ echo "chromium --dump-dom failed"; tail -3 dom.err; exit 1; }
browse --screenshot="$here/wide.png" --window-size=1000,1400 \
	"file://$here/report.html" >/dev/null 2>wide.err ||
	{ echo "chromium --screenshot failed"; tail -3 wide.err; exit 1; }
browse --screenshot="$here/phone.png" --window-size=480,1150 \
	"file://$here/report.html" >/dev/null 2>phone.err ||
	{ echo "chromium --screenshot failed"; tail -3 phone.err; exit 1; }
browse --print-to-pdf="$here/report.pdf" --no-pdf-header-footer \
	"file://$here/report.html" >/dev/null 2>print.err ||
	{ echo "chromium --print-to-pdf failed"; tail -3 print.err; exit 1; }
# Printed: a PDF of a few pages (the summary, then the charts two by two).
pages=$(grep -ao '/Type */Pages*' report.pdf | grep -c 'Page$')
if [ "$pages" -lt 1 ] || [ "$pages" -gt 4 ]; then
	echo "the printed report has $pages pages"
	fail=1
fi
if grep -h 'CONSOLE\|Uncaught\|Failed to load\|net::ERR' dom.err wide.err phone.err print.err; then
	echo "console errors or fetches above"
	fail=1
fi

python3 - report.dom wide.png phone.png <<'PY' || fail=1
import re, struct, sys, zlib

dom = open(sys.argv[1], encoding="utf-8").read()
bad = []
charts = re.findall(r'<svg class="chart"', dom)
if len(charts) != 7:
    bad.append("%d charts, expected 7 (one per cohort)" % len(charts))
figs = re.findall(r'<figure id="g\d+"><figcaption>(.*?) <span>.*?</figure>', dom, re.S)
eps = re.findall(r'<figure id="g\d+"><figcaption>([^<]*?) <span>(?:(?!</figure>).)*?'
                 r'<rect class="episode"[^>]*data-rule="([^"]*)" data-from="([^"]*)" '
                 r'data-to="([^"]*)"', dom, re.S)
if eps != [("start weekday = Sun", "link_confirmations_low", "2026-04-29", "2026-05-01")]:
    bad.append("episodes drawn: %s" % eps)
if len(re.findall(r'<rect class="episode"', dom)) != 1:
    bad.append("more than one episode drawn")
if not figs or figs[0] != "start weekday = Sun":
    bad.append("first chart is %s, not start weekday = Sun" % figs[:1])

def pixels(path):
    """Rows of RGB(A) tuples of an 8-bit, non-interlaced PNG."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    assert depth == 8 and ctype in (2, 6) and interlace == 0, "unexpected PNG kind"
    bpp = 3 if ctype == 2 else 4
    raw, stride, prev, rows, i = zlib.decompress(idat), w * bpp, bytearray(w * bpp), [], 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows

for path in sys.argv[2:]:
    w, h, bpp, rows = pixels(path)
    seen, dark, n, s, s2 = set(), 0, 0, 0.0, 0.0
    for r in rows[::2]:
        for x in range(0, len(r), bpp * 2):
            px = r[x:x + 3]
            seen.add(px)
            v = sum(px) / 3
            n += 1; s += v; s2 += v * v
            dark += v < 128
    var = s2 / n - (s / n) ** 2
    if var < 100 or dark < 500 or len(seen) < 20:
        bad.append("%s looks blank: variance %.0f, %d dark pixels, %d colours"
                   % (path, var, dark, len(seen)))
    # The episode's shading (#ffebe9), as drawn where nothing covers it.
    if not any(abs(p[0] - 255) <= 2 and abs(p[1] - 235) <= 3 and abs(p[2] - 233) <= 3
               for p in seen):
        bad.append("%s shows no alert episode shading" % path)
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY

if [ "$fail" = 0 ] && [ -n "${TINGLE_SCREENSHOT:-}" ]; then
	cp phone.png "$TINGLE_SCREENSHOT"
fi
exit $fail
