/*
 * report_text.c - tingle-report --text: the summary and a sparkline of
 * each group, at most 80 columns wide, for a terminal or a cron mail.
 * See report.h.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define WIDTH 80
#define SPARK_MAX 78 /* sparkline columns, after a 2-column indent */
#define RULE_COLS 4  /* rules side by side in the table per week */

static const char *const blocks[] = {
    "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
    "\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88"};

/* Columns that UTF-8 text s[0..n) takes (one per character). */
static size_t
cols(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/* Append s cut to at most w columns ("..." when cut), padded to w when
 * pad is set. */
static void
cell(buf_t *out, const char *s, size_t w, int pad)
{
	size_t n = strlen(s), c = cols(s, n);

	if (c > w) {
		size_t keep = 0, k = 0;
		while (keep < n && k < w - 3) {
			keep++;
			while (keep < n &&
			       ((unsigned char)s[keep] & 0xc0) == 0x80)
				keep++;
			k++;
		}
		buf_add(out, s, keep);
		buf_adds(out, "...");
		c = w;
	} else
		buf_add(out, s, n);
	while (pad && c++ < w)
		buf_addc(out, ' ');
}

/* Append the right-aligned s in w columns. */
static void
rcell(buf_t *out, const char *s, size_t w)
{
	for (size_t c = cols(s, strlen(s)); c < w; c++)
		buf_addc(out, ' ');
	buf_adds(out, s);
}

static void
trim(buf_t *out)
{
	while (out->len > 0 && out->p[out->len - 1] == ' ')
		out->len--;
	out->p[out->len] = '\0';
}

static void
summary(const report_t *rp, const struct report_opts *o, buf_t *out)
{
	int days = rp->days;
	buf_t t = BUF_INIT;
	size_t w = 4;

	if (rp->neps == 0)
		buf_adds(out, "No alert fired.\n");
	else
		buf_printf(out, "ALERTS: %zu episode%s of %zu rule%s.\n",
		           rp->neps, rp->neps == 1 ? "" : "s", rp->nrules,
		           rp->nrules == 1 ? "" : "s");
	if (rp->nrules == 0)
		goto done;
	/* Names as wide as the longest, the durations too, within 80. */
	size_t fw = 6, tw = days ? 10 : 16;
	for (size_t i = 0; i < rp->nrules; i++) {
		size_t c = cols(rp->rules[i].name, strlen(rp->rules[i].name));
		if (c > w)
			w = c;
		buf_reset(&t);
		report_duration(&t, rp->rules[i].firing_ms);
		if (t.len > fw)
			fw = t.len;
	}
	if (w > WIDTH - (14 + fw + 4 + 2 * tw))
		w = WIDTH - (14 + fw + 4 + 2 * tw);
	buf_adds(out, "  ");
	cell(out, "rule", w, 1);
	buf_adds(out, "  episodes  ");
	cell(out, "firing", fw, 1);
	buf_adds(out, "  ");
	cell(out, "first", tw, 1);
	buf_adds(out, "  last\n");
	for (size_t i = 0; i < rp->nrules; i++) {
		const struct report_rule *ru = &rp->rules[i];
		buf_adds(out, "  ");
		cell(out, ru->name, w, 1);
		buf_printf(out, "  %8zu  ", ru->neps);
		buf_reset(&t);
		report_duration(&t, ru->firing_ms);
		cell(out, t.p, fw, 1);
		if (ru->neps > 0) {
			buf_adds(out, "  ");
			report_time(out, ru->first, days);
			buf_adds(out, "  ");
			report_time(out, ru->last, days);
		}
		trim(out);
		buf_addc(out, '\n');
	}

	/* Episodes per week, RULE_COLS rules at a time. */
	size_t nw = report_nweeks(rp);
	for (size_t r0 = 0; r0 < rp->nrules && nw > 0; r0 += RULE_COLS) {
		size_t r1 =
		    r0 + RULE_COLS < rp->nrules ? r0 + RULE_COLS : rp->nrules;
		/* Columns as wide as the longest name, as far as 80 allow. */
		size_t cw = 8;
		for (size_t r = r0; r < r1; r++) {
			size_t c =
			    cols(rp->rules[r].name, strlen(rp->rules[r].name));
			if (c > cw)
				cw = c;
		}
		if (cw > (WIDTH - 12) / (r1 - r0) - 2)
			cw = (WIDTH - 12) / (r1 - r0) - 2;
		buf_adds(out, "\nEpisodes per week\n  week of   ");
		for (size_t r = r0; r < r1; r++) {
			buf_adds(out, "  ");
			buf_reset(&t);
			cell(&t, rp->rules[r].name, cw, 0);
			rcell(out, t.p, cw);
		}
		buf_addc(out, '\n');
		for (size_t i = 0; i < nw && i < o->max_rows; i++) {
			buf_adds(out, "  ");
			report_time(out, report_week(rp, i), 1);
			for (size_t r = r0; r < r1; r++)
				buf_printf(out, "  %*zu", (int)cw,
				           report_week_eps(rp, (uint32_t)r, i));
			buf_addc(out, '\n');
		}
		if (nw > o->max_rows)
			buf_printf(out, "  and %zu more weeks\n",
			           nw - o->max_rows);
	}

	if (rp->neps > 0)
		buf_adds(out, "\nEpisodes\n");
	for (size_t i = 0; i < rp->neps && i < o->max_rows; i++) {
		const struct report_episode *e = &rp->eps[i];
		buf_adds(out, "  ");
		buf_reset(&t);
		buf_adds(&t, rp->rules[e->rule].name);
		buf_adds(&t, "  ");
		buf_adds(&t, rp->groups[e->group].name);
		cell(out, t.p, WIDTH - 2, 0);
		buf_adds(out, "\n    ");
		report_time(out, e->from, days);
		buf_adds(out, " to ");
		report_time(out, e->to, days);
		buf_adds(out, ", ");
		report_duration(out, e->to - e->from);
		buf_adds(out,
		         e->ongoing ? ", still firing at the end\n" : "\n");
	}
	if (rp->neps > o->max_rows)
		buf_printf(out, "  and %zu more episodes\n",
		           rp->neps - o->max_rows);
done:
	buf_free(&t);
}

/* Is the window [x0, x1) in an episode of group g? */
static int
in_episode(const report_t *rp, const struct report_group *g, int64_t x0,
           int64_t x1)
{
	for (size_t i = 0; i < g->nep; i++) {
		const struct report_episode *e = &rp->eps[g->ep[i]];
		if (x0 < e->to && x1 > e->from)
			return 1;
	}
	return 0;
}

/* The column of m, from the first window to the last, that holds t. */
static size_t
column(const report_t *rp, size_t m, int64_t t)
{
	int64_t span = rp->t_hi - rp->t_lo;
	double k;

	if (span <= 0 || t <= rp->t_lo)
		return 0;
	k = (double)(t - rp->t_lo) * (double)m / (double)span;
	return k >= (double)m ? m - 1 : (size_t)k;
}

/*
 * A group: its name and numbers, then its sparkline on the time axis
 * all groups share, m columns from the first window to the last (each
 * the largest observed value of the windows that reach into it; blank
 * where there is none), and under it a ^ at each column in one of
 * its alert episodes.
 */
static void
group(const report_t *rp, const struct report_group *g, size_t m, buf_t *out)
{
	size_t n = g->npt;
	double hi = 0, *v = xcalloc(m + 1, sizeof *v);
	buf_t t = BUF_INIT;
	char *mark = xcalloc(m + 1, 1);

	for (size_t k = 0; k < m; k++) {
		v[k] = NAN;
		mark[k] = ' ';
	}
	for (size_t i = 0; i < n; i++) {
		const struct report_point *p = &g->pt[i];
		int64_t x0, x1;
		report_span(g, p, &x0, &x1);
		size_t k0 = column(rp, m, x0), k1 = column(rp, m, x1 - 1);
		int ep = in_episode(rp, g, x0, x1);
		for (size_t k = k0; k <= k1; k++) {
			if (isnan(v[k]) || p->obs > v[k])
				v[k] = p->obs;
			if (ep)
				mark[k] = '^';
		}
		if (p->obs > hi)
			hi = p->obs;
		if (!isnan(p->exp) && p->exp > hi)
			hi = p->exp;
	}
	/* The name, and what there is to say, right-aligned when it fits. */
	if (g->nep > 0)
		buf_printf(&t, "%zu episode%s, ", g->nep,
		           g->nep == 1 ? "" : "s");
	if (!isnan(g->min_p)) {
		buf_adds(&t, "min p ");
		report_num(&t, g->min_p);
		buf_adds(&t, ", ");
	}
	if (!isnan(g->max_z)) {
		buf_adds(&t, "max |z| ");
		report_num(&t, g->max_z);
		buf_adds(&t, ", ");
	}
	if (n > 0) {
		buf_adds(&t, "last ");
		report_num(&t, g->pt[n - 1].obs);
		if (!isnan(g->pt[n - 1].exp)) {
			buf_adds(&t, " of ");
			report_num(&t, g->pt[n - 1].exp);
		}
	} else
		buf_adds(&t, "no windows");
	size_t sc = cols(t.p, t.len), nc = cols(g->name, strlen(g->name));
	if (nc + 2 + sc <= WIDTH) {
		buf_adds(out, g->name);
		for (size_t c = nc + sc; c < WIDTH; c++)
			buf_addc(out, ' ');
		buf_adds(out, t.p);
	} else {
		cell(out, g->name, WIDTH, 0);
		buf_adds(out, "\n  ");
		cell(out, t.p, WIDTH - 2, 0);
	}
	buf_addc(out, '\n');

	if (n > 0) {
		buf_adds(out, "  ");
		for (size_t k = 0; k < m; k++) {
			if (isnan(v[k]))
				buf_addc(out, ' ');
			else if (v[k] <= 0 || hi <= 0)
				buf_addc(out, '_');
			else {
				int lv = (int)ceil(v[k] / hi * 8) - 1;
				buf_adds(out, blocks[lv < 0   ? 0
				                     : lv > 7 ? 7
				                              : lv]);
			}
		}
		trim(out);
		buf_addc(out, '\n');
		if (g->nep > 0) {
			buf_adds(out, "  ");
			buf_adds(out, mark);
			trim(out);
			buf_addc(out, '\n');
		}
	}
	free(mark);
	free(v);
	buf_free(&t);
}

void
report_text(const report_t *rp, const struct report_opts *o, buf_t *out)
{
	const char *title = o->title != NULL ? o->title : "tingle report";
	int days = rp->days;
	size_t nc = rp->ngroups;

	cell(out, title, WIDTH, 0);
	buf_addc(out, '\n');
	if (rp->ngroups == 0 && rp->nalerts == 0) {
		buf_adds(out,
		         "Nothing to show: the input held no windows and no "
		         "alerts.\n");
		return;
	}
	buf_t t = BUF_INIT;
	buf_printf(&t, "%zu group%s, %zu window%s", rp->ngroups,
	           rp->ngroups == 1 ? "" : "s", rp->nwindows,
	           rp->nwindows == 1 ? "" : "s");
	if (rp->width > 0 && rp->hop >= 0) {
		buf_adds(&t, " of ");
		report_duration(&t, rp->width);
		if (rp->hop > 0) {
			buf_adds(&t, " every ");
			report_duration(&t, rp->hop);
		}
	}
	buf_adds(&t, ", ");
	report_time(&t, rp->t_lo, days);
	buf_adds(&t, " to ");
	report_time(&t, rp->t_hi, days);
	buf_printf(&t, " (%s)", o->zone != NULL ? o->zone : "UTC");
	cell(out, t.p, WIDTH, 0);
	buf_adds(out, "\n\n");
	buf_free(&t);

	summary(rp, o, out);
	if (rp->ngroups == 0)
		return;
	if (o->max_charts > 0 && nc > o->max_charts)
		nc = o->max_charts;
	buf_adds(out,
	         "\nGroups, most significant first: observed per window, "
	         "_ for 0, then\n\xe2\x96\x81 to \xe2\x96\x88 up to the "
	         "group's largest observed or expected; ^ marks an alert.\n\n");
	size_t m = 1;
	for (size_t i = 0; i < rp->ngroups; i++)
		if (rp->groups[i].npt > m)
			m = rp->groups[i].npt;
	if (m > SPARK_MAX)
		m = SPARK_MAX;
	for (size_t i = 0; i < nc; i++)
		group(rp, &rp->groups[i], m, out);
	if (nc < rp->ngroups) {
		size_t alerted = 0;
		for (size_t i = nc; i < rp->ngroups; i++)
			alerted += rp->groups[i].nep > 0;
		buf_printf(out, "\n%zu more group%s, ", rp->ngroups - nc,
		           rp->ngroups - nc == 1 ? "" : "s");
		if (alerted == 0)
			buf_adds(out, "all without an alert.\n");
		else
			buf_printf(out, "%zu of them with an alert.\n",
			           alerted);
	}
}
