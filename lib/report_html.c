/*
 * report_html.c - tingle-report's page: one self-contained HTML file,
 * inline CSS and SVG, no script and nothing fetched.  See report.h.
 *
 * Its size is bounded whatever the input: at most max_charts charts,
 * each of at most CHART_MAX_X drawn columns (longer series keep each
 * column's smallest and largest observed value), and at most max_rows
 * rows in each list.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "ttime.h"

/* The chart's box, in SVG units. */
#define CW 600
#define CH 170
#define PL 46 /* plot area: left, right, top, bottom */
#define PR 578
#define PT 16
#define PB 142
#define CHART_MAX_X 300

static const char css[] =
    ":root{--fg:#1f2328;--mute:#59636e;--line:#d1d9e0;--obs:#1f2328;"
    "--exp:#0969da;--band:#ddf4ff;--alert:#ffebe9;--alertfg:#cf222e}\n"
    "*{box-sizing:border-box}\n"
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;"
    "color:var(--fg);margin:0 auto;max-width:1100px;padding:16px}\n"
    "h1{font-size:1.5em;margin:0 0 4px}h2{font-size:1.2em;margin:24px 0 8px;"
    "border-bottom:1px solid var(--line)}h3{font-size:1em;margin:16px 0 6px}\n"
    ".meta,.note{color:var(--mute);margin:4px 0}\n"
    ".verdict{font-size:1.1em;font-weight:600}\n"
    ".verdict.fired{color:var(--alertfg)}\n"
    ".wide{overflow-x:auto}\n"
    "table{border-collapse:collapse;margin:4px 0 8px}\n"
    "th,td{padding:3px 10px 3px 0;text-align:left;vertical-align:top;"
    "border-bottom:1px solid var(--line)}\n"
    "td.n,th.n{text-align:right}\n"
    ".charts{display:grid;grid-template-columns:repeat(auto-fill,"
    "minmax(min(100%,480px),1fr));gap:12px 20px}\n"
    "figure{margin:0;break-inside:avoid;page-break-inside:avoid}\n"
    "figcaption{font-weight:600;overflow-wrap:anywhere}\n"
    "figcaption span{display:block;font-weight:400;color:var(--mute);"
    "font-size:.9em}\n"
    "svg.chart{width:100%;height:auto;display:block}\n"
    "svg text{font:10px system-ui,sans-serif;fill:var(--mute)}\n"
    "svg .grid{stroke:var(--line);stroke-width:1}\n"
    "svg .band{fill:var(--band)}\n"
    "svg .exp{fill:none;stroke:var(--exp);stroke-width:1.5;"
    "stroke-dasharray:5 3}\n"
    "svg .obs{fill:none;stroke:var(--obs);stroke-width:1.6}\n"
    "svg .dot{fill:var(--obs)}svg .dot.open{fill:#fff;stroke:var(--obs)}\n"
    "svg .episode{fill:var(--alert)}\n"
    "svg text.rule{fill:var(--alertfg);font-weight:600}\n"
    ".key{display:inline-block;width:18px;height:10px;margin:0 4px 0 10px;"
    "vertical-align:middle}\n"
    ".more{margin-top:16px}\n"
    "td{white-space:nowrap}\n"
    "@media (max-width:600px){body{font-size:14px;padding:10px}"
    "th,td{padding-right:6px}svg text{font-size:15px}}\n"
    "@media print{body{max-width:none;padding:0;font-size:11pt}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "h2{break-after:avoid}.charts{grid-template-columns:1fr 1fr}}\n";

/* Append text with <, >, & and quotes escaped. */
static void
esc(buf_t *out, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<':
			buf_adds(out, "&lt;");
			break;
		case '>':
			buf_adds(out, "&gt;");
			break;
		case '&':
			buf_adds(out, "&amp;");
			break;
		case '"':
			buf_adds(out, "&quot;");
			break;
		default:
			buf_addc(out, *s);
		}
	}
}

static void
time_cell(buf_t *out, int64_t ms, int days)
{
	buf_adds(out, "<td>");
	report_time(out, ms, days);
	buf_adds(out, "</td>");
}

static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* ---- summary ------------------------------------------------------- */

static void
summary(const report_t *rp, const struct report_opts *o, buf_t *out)
{
	int days = rp->days;

	buf_adds(out, "<section id=\"summary\">\n<h2>Alerts</h2>\n");
	if (rp->neps == 0) {
		buf_adds(out, "<p class=\"verdict\">No alert fired");
		buf_adds(out, rp->nalerts > 0 ? " in this period" : "");
		buf_adds(out, ".</p>\n");
	} else {
		buf_printf(out,
		           "<p class=\"verdict fired\">%zu alert episode%s of "
		           "%zu rule%s.</p>\n",
		           rp->neps, rp->neps == 1 ? "" : "s", rp->nrules,
		           rp->nrules == 1 ? "" : "s");
	}
	if (rp->nrules > 0) {
		buf_adds(out,
		         "<div class=\"wide\"><table class=\"rules\">"
		         "<thead><tr><th>rule</th><th class=\"n\">episodes</th>"
		         "<th class=\"n\">time firing</th><th>first</th>"
		         "<th>last</th>"
		         "</tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < rp->nrules; i++) {
			const struct report_rule *ru = &rp->rules[i];
			buf_adds(out, "<tr><td>");
			esc(out, ru->name);
			buf_printf(
			    out,
			    "</td><td class=\"n\">%zu</td><td class=\"n\">",
			    ru->neps);
			report_duration(out, ru->firing_ms);
			buf_adds(out, "</td>");
			if (ru->neps > 0) {
				time_cell(out, ru->first, days);
				time_cell(out, ru->last, days);
			} else
				buf_adds(out, "<td>-</td><td>-</td>");
			buf_adds(out, "</tr>\n");
		}
		buf_adds(out, "</tbody></table></div>\n");
	}

	/* Per rule and week: how often would the rules have fired. */
	size_t nw = report_nweeks(rp);
	if (rp->nrules > 0 && nw > 0) {
		buf_adds(out,
		         "<h3>Episodes per week</h3>\n<div class=\"wide\">"
		         "<table class=\"weeks\"><thead><tr><th>week of</th>");
		for (size_t r = 0; r < rp->nrules; r++) {
			buf_adds(out, "<th class=\"n\">");
			esc(out, rp->rules[r].name);
			buf_adds(out, "</th>");
		}
		buf_adds(out, "</tr></thead>\n<tbody>\n");
		for (size_t w = 0; w < nw && w < o->max_rows; w++) {
			buf_adds(out, "<tr>");
			time_cell(out, report_week(rp, w), 1);
			for (size_t r = 0; r < rp->nrules; r++)
				buf_printf(out, "<td class=\"n\">%zu</td>",
				           report_week_eps(rp, (uint32_t)r, w));
			buf_adds(out, "</tr>\n");
		}
		buf_adds(out, "</tbody></table></div>\n");
		if (nw > o->max_rows)
			buf_printf(out,
			           "<p class=\"note\">and %zu more weeks</p>\n",
			           nw - o->max_rows);
	}

	if (rp->neps > 0) {
		buf_adds(out,
		         "<h3>Episodes</h3>\n<div class=\"wide\">"
		         "<table class=\"episodes\"><thead><tr><th>rule</th>"
		         "<th>group</th><th>from</th><th>to</th>"
		         "<th class=\"n\">length</th>"
		         "</tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < rp->neps && i < o->max_rows; i++) {
			const struct report_episode *e = &rp->eps[i];
			buf_adds(out, "<tr><td>");
			esc(out, rp->rules[e->rule].name);
			buf_printf(out, "</td><td><a href=\"#g%u\">",
			           e->group + 1);
			esc(out, rp->groups[e->group].name);
			buf_adds(out, "</a></td>");
			time_cell(out, e->from, days);
			buf_adds(out, "<td>");
			report_time(out, e->to, days);
			buf_adds(out,
			         e->ongoing ? " (still firing)</td>" : "</td>");
			buf_adds(out, "<td class=\"n\">");
			report_duration(out, e->to - e->from);
			buf_adds(out, "</td></tr>\n");
		}
		buf_adds(out, "</tbody></table></div>\n");
		if (rp->neps > o->max_rows)
			buf_printf(
			    out,
			    "<p class=\"note\">and %zu more episodes</p>\n",
			    rp->neps - o->max_rows);
	}
	buf_adds(out, "</section>\n");
}

/* ---- charts -------------------------------------------------------- */

struct scale {
	int64_t t0, t1;
	double y0, y1;
};

static double
sx(const struct scale *s, int64_t t)
{
	if (s->t1 <= s->t0)
		return (PL + PR) / 2.0;
	return PL + (double)(t - s->t0) * (PR - PL) / (double)(s->t1 - s->t0);
}

static double
sy(const struct scale *s, double v)
{
	return PB - (v - s->y0) * (PB - PT) / (s->y1 - s->y0);
}

/* A round step near span/n: 1, 2 or 5 times a power of ten. */
static double
nice_step(double span, int n)
{
	double raw = span / n, p = pow(10, floor(log10(raw))), m = raw / p;

	return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/* Ticks on the first of every step months (a year or more: January),
 * at most about 8, for long spans. */
static void
month_ticks(const struct scale *s, buf_t *out)
{
	static const int msteps[] = {1, 2, 3, 6, 12};
	double nmonths = (double)(s->t1 - s->t0) / (30.44 * MS_PER_DAY);
	int step = 0;
	struct tm tm;

	for (size_t i = 0; i < 5 && step == 0; i++)
		if (nmonths <= 8.0 * msteps[i])
			step = msteps[i];
	if (step == 0)
		step = 12 * (int)ceil(nmonths / 8 / 12);
	tz_civil(s->t0 / 1000, &tm);
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	/* The first tick on or after t0, on a multiple of step months. */
	int m = tm.tm_year * 12 + tm.tm_mon;
	m = (m + step - 1) / step * step;
	for (int n = 0; n < 64; n++, m += step) {
		tm.tm_year = m / 12;
		tm.tm_mon = m % 12;
		tm.tm_mday = 1;
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = -1;
		int64_t t = tz_mktime(&tm) * 1000;
		if (t < s->t0)
			continue;
		if (t > s->t1)
			break;
		double x = sx(s, t);
		buf_printf(
		    out,
		    "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
		    "y2=\"%d\"/><text x=\"%.1f\" y=\"%d\" "
		    "text-anchor=\"middle\">",
		    x, PT, x, PB, x, PB + 13);
		if (step < 12)
			buf_printf(out, "%s %d</text>", months[m % 12],
			           m / 12 + 1900);
		else
			buf_printf(out, "%d</text>", m / 12 + 1900);
	}
}

/* Date ticks in the zone: hours, days or weeks, at most about 7. */
static void
x_ticks(const struct scale *s, buf_t *out)
{
	static const int hours[] = {1, 2, 3, 6, 12};
	static const int dsteps[] = {1, 2, 7, 14, 28};
	int64_t span = s->t1 - s->t0;
	struct tm tm;

	if (span <= 0)
		return;
	for (size_t i = 0; i < 5 && span <= 8LL * hours[i] * 3600000; i++) {
		/* Hour ticks on whole local hours. */
		int64_t h = hours[i] * 3600000LL;
		int64_t t = tz_day_start(s->t0 / 1000) * 1000;
		while (t < s->t0)
			t += h;
		for (; t <= s->t1; t += h) {
			double x = sx(s, t);
			tz_civil(t / 1000, &tm);
			buf_printf(out,
			           "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" "
			           "x2=\"%.1f\" y2=\"%d\"/>",
			           x, PT, x, PB);
			if (tm.tm_hour == 0)
				buf_printf(
				    out,
				    "<text x=\"%.1f\" y=\"%d\" "
				    "text-anchor=\"middle\">%s %d</text>",
				    x, PB + 13, months[tm.tm_mon], tm.tm_mday);
			else
				buf_printf(
				    out,
				    "<text x=\"%.1f\" y=\"%d\" "
				    "text-anchor=\"middle\">%02d:00</text>",
				    x, PB + 13, tm.tm_hour);
		}
		return;
	}
	int step = 0;
	for (size_t i = 0; i < 5; i++)
		if (span <= 8LL * dsteps[i] * MS_PER_DAY) {
			step = dsteps[i];
			break;
		}
	if (step == 0) {
		month_ticks(s, out);
		return;
	}
	int64_t d = tz_day_start(s->t0 / 1000);
	if (step >= 7) /* weeks start on Monday */
		d = tz_add_days(d, (7 - tz_weekday(d)) % 7);
	if (d * 1000 < s->t0)
		d = tz_add_days(d, step >= 7 ? 7 : 1);
	for (; d * 1000 <= s->t1; d = tz_add_days(d, step)) {
		double x = sx(s, d * 1000);
		tz_civil(d, &tm);
		buf_printf(
		    out,
		    "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
		    "y2=\"%d\"/><text x=\"%.1f\" y=\"%d\" "
		    "text-anchor=\"middle\">%s %d</text>",
		    x, PT, x, PB, x, PB + 13, months[tm.tm_mon], tm.tm_mday);
	}
}

static void
y_ticks(struct scale *s, buf_t *out)
{
	double step = nice_step(s->y1 - s->y0, 3);

	s->y1 = ceil(s->y1 / step) * step;
	s->y0 = floor(s->y0 / step) * step;
	for (double v = s->y0; v <= s->y1 + step / 2; v += step) {
		double y = sy(s, v);
		buf_printf(
		    out,
		    "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" "
		    "y2=\"%.1f\"/><text x=\"%d\" y=\"%.1f\" "
		    "text-anchor=\"end\">",
		    PL, y, PR, y, PL - 4, y + 3);
		report_num(out, fabs(v) < step / 1e6 ? 0 : v);
		buf_adds(out, "</text>");
	}
}

/* One drawn column: the windows [i, j) of a group. */
struct col {
	int64_t x;            /* time of its middle */
	double lo, hi;        /* smallest and largest observed */
	int lo_first;         /* the smallest came first */
	double exp, blo, bhi; /* mean expected, band edges (NAN: none) */
	int open;
};

static size_t
columns(const struct report_group *g, struct col *c)
{
	size_t n = g->npt, m = n < CHART_MAX_X ? n : CHART_MAX_X;

	for (size_t k = 0; k < m; k++) {
		size_t i = k * n / m, j = (k + 1) * n / m;
		struct col *cc = &c[k];
		int64_t x0, x1, y0, y1;
		double se = 0;
		size_t ne = 0;

		report_span(g, &g->pt[i], &x0, &x1);
		report_span(g, &g->pt[j - 1], &y0, &y1);
		cc->x = x0 + (y1 - x0) / 2;
		cc->lo = cc->hi = g->pt[i].obs;
		cc->lo_first = 1;
		cc->blo = cc->bhi = NAN;
		cc->open = 0;
		for (size_t t = i; t < j; t++) {
			const struct report_point *p = &g->pt[t];
			double lo, hi;
			if (p->obs < cc->lo) {
				cc->lo = p->obs;
				cc->lo_first = 0;
			}
			if (p->obs > cc->hi)
				cc->hi = p->obs;
			cc->open |= p->open;
			if (isnan(p->exp))
				continue;
			se += p->exp;
			ne++;
			report_band(p, &lo, &hi);
			if (isnan(cc->blo) || lo < cc->blo)
				cc->blo = lo;
			if (isnan(cc->bhi) || hi > cc->bhi)
				cc->bhi = hi;
		}
		cc->exp = ne > 0 ? se / (double)ne : NAN;
	}
	return m;
}

/* A path through the defined values of column field off, a new piece
 * after each gap. */
static void
line_path(buf_t *out, const struct scale *s, const struct col *c, size_t m,
          size_t off, const char *cls)
{
	int pen = 0, any = 0;

	for (size_t k = 0; k < m; k++) {
		double v = *(const double *)((const char *)&c[k] + off);
		if (isnan(v)) {
			pen = 0;
			continue;
		}
		if (!any)
			buf_printf(out, "<path class=\"%s\" d=\"", cls);
		any = 1;
		buf_printf(out, "%c%.1f %.1f", pen ? 'L' : 'M', sx(s, c[k].x),
		           sy(s, v));
		pen = 1;
	}
	if (any)
		buf_adds(out, "\"/>");
}

/* The band: one polygon per run of columns with an expected value. */
static void
band_path(buf_t *out, const struct scale *s, const struct col *c, size_t m)
{
	size_t k = 0;

	while (k < m) {
		if (isnan(c[k].exp)) {
			k++;
			continue;
		}
		size_t j = k;
		while (j < m && !isnan(c[j].exp))
			j++;
		buf_adds(out, "<path class=\"band\" d=\"");
		for (size_t t = k; t < j; t++)
			buf_printf(out, "%c%.1f %.1f", t == k ? 'M' : 'L',
			           sx(s, c[t].x), sy(s, c[t].bhi));
		for (size_t t = j; t-- > k;)
			buf_printf(out, "L%.1f %.1f", sx(s, c[t].x),
			           sy(s, c[t].blo));
		buf_adds(out, "Z\"/>");
		k = j;
	}
}

static void
chart(const report_t *rp, const struct report_group *g, size_t gi,
      struct col *c, buf_t *out)
{
	int days = rp->days;
	struct scale s = {rp->t_lo, rp->t_hi, 0, 1};
	size_t m = columns(g, c);
	double last_obs = NAN, last_exp = NAN;

	if (g->npt > 0) {
		last_obs = g->pt[g->npt - 1].obs;
		last_exp = g->pt[g->npt - 1].exp;
	}
	for (size_t k = 0; k < m; k++) {
		double v[] = {c[k].lo, c[k].hi, c[k].exp, c[k].blo, c[k].bhi};
		for (size_t t = 0; t < 5; t++) {
			if (isnan(v[t]))
				continue;
			if (v[t] > s.y1)
				s.y1 = v[t];
			if (v[t] < s.y0)
				s.y0 = v[t];
		}
	}

	buf_printf(out, "<figure id=\"g%zu\"><figcaption>", gi + 1);
	esc(out, g->name);
	buf_adds(out, " <span>");
	if (g->nep > 0)
		buf_printf(out, "%zu episode%s \xc2\xb7 ", g->nep,
		           g->nep == 1 ? "" : "s");
	buf_printf(out, "%zu window%s", g->npt, g->npt == 1 ? "" : "s");
	if (!isnan(g->min_p)) {
		buf_adds(out, " \xc2\xb7 min p ");
		report_num(out, g->min_p);
	}
	if (!isnan(g->max_z)) {
		buf_adds(out, " \xc2\xb7 max |z| ");
		report_num(out, g->max_z);
	}
	if (!isnan(last_obs)) {
		buf_adds(out, " \xc2\xb7 last ");
		report_num(out, last_obs);
		if (!isnan(last_exp)) {
			buf_adds(out, " of ");
			report_num(out, last_exp);
			buf_adds(out, " expected");
		}
	}
	buf_printf(out,
	           "</span></figcaption>\n<svg class=\"chart\" "
	           "xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	           "role=\"img\" aria-label=\"",
	           CW, CH);
	esc(out, g->name);
	buf_adds(out, "\">");

	/* Episodes under everything else, with their rule's name. */
	for (size_t i = 0; i < g->nep; i++) {
		const struct report_episode *e = &rp->eps[g->ep[i]];
		double x0 = sx(&s, e->from), x1 = sx(&s, e->to);
		if (x1 - x0 < 2)
			x1 = x0 + 2;
		buf_printf(out,
		           "<rect class=\"episode\" x=\"%.1f\" y=\"%d\" "
		           "width=\"%.1f\" height=\"%d\" data-rule=\"",
		           x0, PT, x1 - x0, PB - PT);
		esc(out, rp->rules[e->rule].name);
		buf_adds(out, "\" data-from=\"");
		report_time(out, e->from, days);
		buf_adds(out, "\" data-to=\"");
		report_time(out, e->to, days);
		buf_adds(out, "\"><title>");
		esc(out, rp->rules[e->rule].name);
		buf_adds(out, ": ");
		report_time(out, e->from, days);
		buf_adds(out, " to ");
		report_time(out, e->to, days);
		buf_adds(out, e->ongoing ? ", still firing" : "");
		buf_adds(out, "</title></rect>");
		buf_printf(out,
		           "<text class=\"rule\" x=\"%.1f\" y=\"%d\" "
		           "text-anchor=\"%s\">",
		           x0 > (PL + PR) / 2.0 ? x1 - 2 : x0 + 2, PT + 10,
		           x0 > (PL + PR) / 2.0 ? "end" : "start");
		esc(out, rp->rules[e->rule].name);
		buf_adds(out, "</text>");
	}
	y_ticks(&s, out);
	x_ticks(&s, out);
	band_path(out, &s, c, m);
	line_path(out, &s, c, m, offsetof(struct col, exp), "exp");

	/* Observed: both extremes of a column, in the order they came. */
	buf_adds(out, "<path class=\"obs\" d=\"");
	for (size_t k = 0; k < m; k++) {
		double a = c[k].lo_first ? c[k].lo : c[k].hi;
		double b = c[k].lo_first ? c[k].hi : c[k].lo;
		double x = sx(&s, c[k].x);
		buf_printf(out, "%c%.1f %.1f", k == 0 ? 'M' : 'L', x,
		           sy(&s, a));
		if (b != a)
			buf_printf(out, "L%.1f %.1f", x, sy(&s, b));
	}
	buf_adds(out, "\"/>");
	if (m <= 60 || m == 1)
		for (size_t k = 0; k < m; k++)
			buf_printf(
			    out,
			    "<circle class=\"dot%s\" cx=\"%.1f\" cy=\"%.1f\" "
			    "r=\"2.2\"/>",
			    c[k].open ? " open" : "", sx(&s, c[k].x),
			    sy(&s, c[k].hi));
	buf_adds(out, "</svg></figure>\n");
}

static void
legend(const report_t *rp, buf_t *out)
{
	buf_adds(out,
	         "<p class=\"note\"><span class=\"key\" "
	         "style=\"border-top:2px solid var(--obs)\"></span>observed"
	         "<span class=\"key\" style=\"border-top:2px dashed "
	         "var(--exp)\"></span>expected"
	         "<span class=\"key\" style=\"background:var(--band)\">"
	         "</span>band"
	         "<span class=\"key\" style=\"background:var(--alert)\">"
	         "</span>alert episode</p>\n");
	buf_adds(
	    out,
	    "<p class=\"note\">The band is expected \xc2\xb1 2 "
	    "standard deviations: the deviation tingle-compare's z "
	    "was computed with ((observed \xe2\x88\x92 expected) / z) where "
	    "a record has a z, else \xe2\x88\x9a"
	    "expected (Poisson counts). "
	    "Groups are ordered most significant first: those with an "
	    "alert, then by smallest p, then by largest |z| (the "
	    "Poisson z where compare gave none).");
	if (rp->hop != 0)
		buf_adds(out,
		         " Where windows overlap: each point is drawn at its "
		         "window's last hop.");
	buf_adds(out, "</p>\n");
}

void
report_html(const report_t *rp, const struct report_opts *o, buf_t *out)
{
	const char *title = o->title != NULL ? o->title : "tingle report";
	int days = rp->days;
	size_t nc = rp->ngroups;

	if (o->max_charts > 0 && nc > o->max_charts)
		nc = o->max_charts;
	buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	              "<meta charset=\"utf-8\"/>\n"
	              "<meta name=\"viewport\" content=\"width=device-width, "
	              "initial-scale=1\"/>\n<title>");
	esc(out, title);
	buf_adds(out, "</title>\n<style>\n");
	buf_adds(out, css);
	buf_adds(out, "</style>\n</head>\n<body>\n<header>\n<h1>");
	esc(out, title);
	buf_adds(out, "</h1>\n<p class=\"meta\">");
	if (rp->ngroups == 0 && rp->nalerts == 0) {
		buf_adds(out, "Nothing to show: the input held no windows and "
		              "no alerts.</p>\n</header>\n</body>\n</html>\n");
		return;
	}
	buf_printf(out, "%zu group%s, %zu window%s", rp->ngroups,
	           rp->ngroups == 1 ? "" : "s", rp->nwindows,
	           rp->nwindows == 1 ? "" : "s");
	if (rp->width > 0 && rp->hop >= 0) {
		buf_adds(out, " of ");
		report_duration(out, rp->width);
		if (rp->hop > 0) {
			buf_adds(out, " every ");
			report_duration(out, rp->hop);
		}
	}
	buf_adds(out, ", ");
	report_time(out, rp->t_lo, days);
	buf_adds(out, " to ");
	report_time(out, rp->t_hi, days);
	buf_adds(out, " (");
	esc(out, o->zone != NULL ? o->zone : "UTC");
	buf_adds(out, ")</p>\n</header>\n");

	summary(rp, o, out);

	buf_adds(out, "<section id=\"groups\">\n<h2>Groups, most significant "
	              "first</h2>\n");
	legend(rp, out);
	buf_adds(out, "<div class=\"charts\">\n");
	struct col *c = xcalloc(CHART_MAX_X, sizeof *c);
	for (size_t i = 0; i < nc; i++)
		chart(rp, &rp->groups[i], i, c, out);
	free(c);
	buf_adds(out, "</div>\n");
	if (nc < rp->ngroups) {
		size_t alerted = 0;
		for (size_t i = nc; i < rp->ngroups; i++)
			alerted += rp->groups[i].nep > 0;
		buf_printf(out, "<p class=\"more\"><b>%zu more group%s, ",
		           rp->ngroups - nc, rp->ngroups - nc == 1 ? "" : "s");
		if (alerted == 0)
			buf_adds(out, "all without an alert");
		else
			buf_printf(out, "%zu of them with an alert", alerted);
		buf_adds(out,
		         "</b>, in the same order:</p>\n<div class=\"wide\">"
		         "<table class=\"rest\"><thead><tr><th>group</th>"
		         "<th class=\"n\">windows</th><th class=\"n\">max "
		         "|z|</th><th class=\"n\">min p</th></tr></thead>\n"
		         "<tbody>\n");
		size_t i;
		for (i = nc; i < rp->ngroups && i - nc < o->max_rows; i++) {
			const struct report_group *g = &rp->groups[i];
			buf_adds(out, "<tr><td>");
			esc(out, g->name);
			buf_printf(
			    out,
			    "</td><td class=\"n\">%zu</td><td class=\"n\">",
			    g->npt);
			report_num(out, g->max_z);
			buf_adds(out, "</td><td class=\"n\">");
			report_num(out, g->min_p);
			buf_adds(out, "</td></tr>\n");
		}
		buf_adds(out, "</tbody></table></div>\n");
		if (i < rp->ngroups)
			buf_printf(out, "<p class=\"note\">and %zu more</p>\n",
			           rp->ngroups - i);
	}
	buf_printf(out,
	           "</section>\n<footer><p class=\"note\">tingle-report "
	           "%s</p></footer>\n</body>\n</html>\n",
	           TINGLE_VERSION);
}
