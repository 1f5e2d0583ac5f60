/*
 * report.c - tingle-report's engine: windows per group, alert episodes
 * per rule, their order and totals.  See report.h.
 */
#include "report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "key.h"
#include "kmap.h"
#include "ttime.h"

/* Fields tingle-compare writes that the field table may not name yet. */
static const char *const measures[] = {"p", "q", "open", NULL};

/* A group field of a record: its decoded name and raw value. */
struct gfield {
	const char *name;
	size_t nlen;
	const jfield_t *f;
};

/* qsort, which must not be given a null array, even an empty one. */
static void
sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

report_t *
report_new(const char *value)
{
	report_t *rp = xcalloc(1, sizeof *rp);

	rp->gmap = kmap_new();
	rp->rmap = kmap_new();
	rp->value = value != NULL ? value : "count";
	rp->t_lo = INT64_MAX;
	rp->t_hi = INT64_MIN;
	return rp;
}

void
report_free(report_t *rp)
{
	if (rp == NULL)
		return;
	for (size_t i = 0; i < rp->ngroups; i++) {
		free(rp->groups[i].key);
		free(rp->groups[i].name);
		free(rp->groups[i].pt);
		free(rp->groups[i].ep);
	}
	for (size_t i = 0; i < rp->nrules; i++)
		free(rp->rules[i].name);
	free(rp->groups);
	free(rp->rules);
	free(rp->eps);
	free(rp->alerts);
	kmap_free(rp->gmap);
	kmap_free(rp->rmap);
	buf_free(&rp->scratch);
	buf_free(&rp->kbuf);
	free(rp);
}

/* ---- reading a record ----------------------------------------------- */

/* A number field: 0 and *v, or -1 when present and not a finite number
 * or null.  Absent and null are NAN. */
static int
num_field(const rec_t *r, const char *name, double *v)
{
	const jfield_t *f = rec_get(r, name, strlen(name));

	*v = NAN;
	if (f == NULL || f->type == JT_NULL)
		return 0;
	if (f->type != JT_NUM)
		return -1;
	*v = strtod(f->v, NULL);
	/* 1e999 is valid JSON but no number to draw. */
	if (!isfinite(*v)) {
		*v = NAN;
		return -1;
	}
	return 0;
}

static int
time_field(const rec_t *r, const char *name, int64_t *ms)
{
	const jfield_t *f = rec_get(r, name, strlen(name));
	tstamp_t t;

	if (f == NULL || ts_parse_json(f->v, f->vlen, &t) < 0)
		return -1;
	*ms = ts_to_ms(&t);
	return 0;
}

static int
is_measure(const report_t *rp, const char *name, size_t n)
{
	if (key_written_by(
	        name, n, KEY_BY_COUNT | KEY_BY_COMPARE | KEY_BY_ALERT) != NULL)
		return 1;
	if (strlen(rp->value) == n && memcmp(rp->value, name, n) == 0)
		return 1;
	for (size_t i = 0; measures[i] != NULL; i++)
		if (strlen(measures[i]) == n &&
		    memcmp(measures[i], name, n) == 0)
			return 1;
	return 0;
}

static int
gfield_cmp(const void *a, const void *b)
{
	const struct gfield *x = a, *y = b;
	size_t n = x->nlen < y->nlen ? x->nlen : y->nlen;
	int c = memcmp(x->name, y->name, n);

	return c != 0 ? c : (x->nlen > y->nlen) - (x->nlen < y->nlen);
}

/*
 * Replace what a terminal or an XML parser must not get in b from byte
 * `from` on: C0 and C1 control characters, DEL, U+FFFE and U+FFFF become
 * '?'.  The report shows data; it never passes on escape sequences.
 */
static void
printable(buf_t *b, size_t from)
{
	unsigned char *p = (unsigned char *)b->p;
	size_t n = from;

	for (size_t i = from; i < b->len; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f) {
			p[n++] = '?';
		} else if (p[i] == 0xc2 && i + 1 < b->len && p[i + 1] >= 0x80 &&
		           p[i + 1] <= 0x9f) {
			p[n++] = '?';
			i++;
		} else if (p[i] == 0xef && i + 2 < b->len && p[i + 1] == 0xbf &&
		           (p[i + 2] == 0xbe || p[i + 2] == 0xbf)) {
			p[n++] = '?';
			i += 2;
		} else {
			p[n++] = p[i];
		}
	}
	b->len = n;
	b->p[n] = '\0';
}

/* Append a field name in words: "start_weekday" is "start weekday". */
static void
words(buf_t *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_addc(out, s[i] == '_' ? ' ' : s[i]);
}

/* Append a value for people: a string decoded, anything else as JSON. */
static void
value_words(buf_t *out, const jfield_t *f)
{
	if (f->type == JT_STR)
		jstr_decode(f->v, f->vlen, out);
	else
		buf_add(out, f->v, f->vlen);
}

/* The group of record r: its index, the group made when new. */
static uint32_t
group_of(report_t *rp, const rec_t *r)
{
	struct gfield gf[64], byorder[64];
	size_t off[64], ng = 0;
	buf_t *b = &rp->scratch, *k = &rp->kbuf;
	int added;

	/* Decoded names first, all in one buffer, then pointed to. */
	buf_reset(b);
	for (size_t i = 0; i < r->obj.n && ng < 64; i++) {
		const jfield_t *f = &r->obj.f[i];
		off[ng] = b->len;
		if (f->kesc)
			jstr_decode(f->k - 1, f->klen + 2, b);
		else
			buf_add(b, f->k, f->klen);
		size_t n = b->len - off[ng];
		if (is_measure(rp, b->p + off[ng], n)) {
			b->len = off[ng];
			continue;
		}
		gf[ng].nlen = n;
		gf[ng].f = f;
		ng++;
	}
	for (size_t i = 0; i < ng; i++)
		gf[i].name = b->p + off[i];
	/* The key by sorted names; the name in words in the record's order. */
	memcpy(byorder, gf, ng * sizeof gf[0]);
	sort(gf, ng, sizeof gf[0], gfield_cmp);
	buf_reset(k);
	buf_grow(k, 1); /* an empty key still has its bytes somewhere */
	for (size_t i = 0; i < ng; i++) {
		buf_add(k, gf[i].name, gf[i].nlen);
		buf_addc(k, '\x1f');
		key_value(k, gf[i].f->v, gf[i].f->vlen, gf[i].f->type);
		buf_addc(k, '\x1e');
	}
	uint32_t id = kmap_add(rp->gmap, k->p, k->len,
	                       util_hash_bytes(k->p, k->len), &added);
	if (!added)
		return id;

	if (rp->ngroups == rp->gcap) {
		rp->gcap = rp->gcap ? rp->gcap * 2 : 64;
		rp->groups =
		    xrealloc(rp->groups, rp->gcap * sizeof *rp->groups);
	}
	struct report_group *g = &rp->groups[rp->ngroups++];
	memset(g, 0, sizeof *g);
	g->key = xstrndup(k->p, k->len);
	g->keylen = k->len;
	g->min_p = NAN;
	g->max_z = NAN;

	buf_t nm = BUF_INIT;
	const jfield_t *dim = NULL, *val = NULL;
	for (size_t i = 0; i < ng; i++) {
		const char *name = byorder[i].name;
		size_t n = byorder[i].nlen;
		if (n == 9 && memcmp(name, "dimension", 9) == 0 &&
		    byorder[i].f->type == JT_STR)
			dim = byorder[i].f;
		else if (n == 5 && memcmp(name, "value", 5) == 0)
			val = byorder[i].f;
	}
	if (dim == NULL || val == NULL)
		dim = val = NULL;
	if (dim != NULL) {
		/* A dimension and its value: "os = iOS". */
		buf_t d = BUF_INIT;
		jstr_decode(dim->v, dim->vlen, &d);
		words(&nm, d.p, d.len);
		buf_adds(&nm, " = ");
		value_words(&nm, val);
		buf_free(&d);
	}
	for (size_t i = 0; i < ng; i++) {
		if (byorder[i].f == dim || byorder[i].f == val)
			continue;
		if (nm.len > 0)
			buf_adds(&nm, ", ");
		words(&nm, byorder[i].name, byorder[i].nlen);
		buf_adds(&nm, " = ");
		value_words(&nm, byorder[i].f);
	}
	if (nm.len == 0)
		buf_adds(&nm, "all records");
	printable(&nm, 0);
	g->name = nm.p;
	return id;
}

static uint32_t
rule_of(report_t *rp, const jfield_t *f)
{
	buf_t name = BUF_INIT;
	int added;

	jstr_decode(f->v, f->vlen, &name);
	printable(&name, 0);
	uint32_t id = kmap_add(rp->rmap, name.p, name.len,
	                       util_hash_bytes(name.p, name.len), &added);
	if (!added) {
		buf_free(&name);
		return id;
	}
	if (rp->nrules == rp->rcap) {
		rp->rcap = rp->rcap ? rp->rcap * 2 : 8;
		rp->rules = xrealloc(rp->rules, rp->rcap * sizeof *rp->rules);
	}
	struct report_rule *ru = &rp->rules[rp->nrules++];
	memset(ru, 0, sizeof *ru);
	ru->name = name.p;
	return id;
}

int
report_add(report_t *rp, const rec_t *r, const char **why)
{
	const jfield_t *alert = rec_get(r, "alert", 5);
	int64_t start, end;

	if (time_field(r, "window_start", &start) < 0) {
		*why = rec_get(r, "window_start", 12) == NULL
		           ? "no 'window_start' field"
		           : "unreadable time in 'window_start'";
		return -1;
	}
	if (time_field(r, "window_end", &end) < 0) {
		*why = rec_get(r, "window_end", 10) == NULL
		           ? "no 'window_end' field"
		           : "unreadable time in 'window_end'";
		return -1;
	}
	if (end < start) {
		*why = "window_end before window_start";
		return -1;
	}
	if (alert != NULL) {
		const jfield_t *st = rec_get(r, "state", 5);
		if (alert->type != JT_STR || alert->vlen <= 2) {
			*why = "alert is not a rule name";
			return -1;
		}
		if (st == NULL || st->type != JT_STR) {
			*why = "alert without a state";
			return -1;
		}
		if (rp->nalerts == rp->acap) {
			rp->acap = rp->acap ? rp->acap * 2 : 64;
			rp->alerts =
			    xrealloc(rp->alerts, rp->acap * sizeof *rp->alerts);
		}
		struct report_alert *a = &rp->alerts[rp->nalerts];
		a->rule = rule_of(rp, alert);
		a->group = group_of(rp, r);
		a->start = start;
		a->end = end;
		a->resolved =
		    st->vlen == 10 && memcmp(st->v, "\"resolved\"", 10) == 0;
		rp->nalerts++;
		return 0;
	}

	struct report_point pt;
	if (num_field(r, rp->value, &pt.obs) < 0 || isnan(pt.obs)) {
		*why = rec_get(r, rp->value, strlen(rp->value)) == NULL
		           ? "no observed value (count or --value)"
		           : "observed value is not a finite number";
		return -1;
	}
	if (num_field(r, "expected", &pt.exp) < 0 ||
	    num_field(r, "z", &pt.z) < 0 || num_field(r, "p", &pt.p) < 0) {
		*why = "expected, z or p is not a finite number";
		return -1;
	}
	const jfield_t *op = rec_get(r, "open", 4);
	pt.open = op != NULL && op->type == JT_TRUE;
	pt.start = start;
	pt.end = end;
	pt.seq = rp->seq++;

	uint32_t gi = group_of(rp, r); /* may move rp->groups */
	struct report_group *g = &rp->groups[gi];
	if (g->npt == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 16;
		g->pt = xrealloc(g->pt, g->cap * sizeof *g->pt);
	}
	g->pt[g->npt++] = pt;
	rp->nwindows++;
	return 0;
}

/* ---- putting it in order -------------------------------------------- */

static int
point_cmp(const void *a, const void *b)
{
	const struct report_point *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sort a group's windows; of two for one window, keep the later record
 * (a corrected window).  Note its width and hop, and the time span. */
static void
sort_points(report_t *rp, struct report_group *g)
{
	size_t n = 0;
	int64_t hop = 0;
	int overlap = 0;

	sort(g->pt, g->npt, sizeof *g->pt, point_cmp);
	for (size_t i = 0; i < g->npt; i++) {
		if (n > 0 && g->pt[n - 1].start == g->pt[i].start)
			n--;
		g->pt[n++] = g->pt[i];
	}
	g->npt = n;
	for (size_t i = 0; i < n; i++) {
		const struct report_point *p = &g->pt[i];
		if (i > 0) {
			int64_t d = p->start - g->pt[i - 1].start;
			if (hop == 0 || d < hop)
				hop = d;
			if (p->start < g->pt[i - 1].end)
				overlap = 1;
		}
		if (p->end - p->start > g->width)
			g->width = p->end - p->start;
		if (p->start < rp->t_lo)
			rp->t_lo = p->start;
		if (p->end > rp->t_hi)
			rp->t_hi = p->end;
	}
	g->hop = overlap ? hop : 0;
}

void
report_span(const struct report_group *g, const struct report_point *pt,
            int64_t *x0, int64_t *x1)
{
	*x1 = pt->end;
	*x0 = g->hop > 0 && g->hop < pt->end - pt->start ? pt->end - g->hop
	                                                 : pt->start;
}

static void
group_stats(struct report_group *g)
{
	for (size_t i = 0; i < g->npt; i++) {
		const struct report_point *p = &g->pt[i];
		double z = p->z;
		if (isnan(z) && !isnan(p->exp))
			z = (p->obs - p->exp) / sqrt(p->exp > 1 ? p->exp : 1);
		if (!isnan(z) && (isnan(g->max_z) || fabs(z) > g->max_z))
			g->max_z = fabs(z);
		if (!isnan(p->p) && (isnan(g->min_p) || p->p < g->min_p))
			g->min_p = p->p;
	}
}

/* NAN sorts last; smaller first when asc, larger first otherwise. */
static int
nan_cmp(double a, double b, int asc)
{
	if (isnan(a) || isnan(b))
		return isnan(a) - isnan(b);
	if (a == b)
		return 0;
	return (a < b) == asc ? -1 : 1;
}

static int
group_cmp(const void *a, const void *b)
{
	const struct report_group *x = a, *y = b;
	int c;

	if ((x->nep > 0) != (y->nep > 0))
		return x->nep > 0 ? -1 : 1;
	if ((c = nan_cmp(x->min_p, y->min_p, 1)) != 0)
		return c;
	if ((c = nan_cmp(x->max_z, y->max_z, 0)) != 0)
		return c;
	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	size_t n = x->keylen < y->keylen ? x->keylen : y->keylen;
	c = memcmp(x->key, y->key, n);
	return c != 0 ? c : (x->keylen > y->keylen) - (x->keylen < y->keylen);
}

static int
alert_cmp(const void *a, const void *b)
{
	const struct report_alert *x = a, *y = b;

	if (x->rule != y->rule)
		return x->rule < y->rule ? -1 : 1;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int
ep_cmp(const void *a, const void *b)
{
	const struct report_episode *x = a, *y = b;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->rule != y->rule)
		return x->rule < y->rule ? -1 : 1;
	return x->group < y->group ? -1 : x->group > y->group;
}

static int
rule_cmp(const void *a, const void *b)
{
	return strcmp(((const struct report_rule *)a)->name,
	              ((const struct report_rule *)b)->name);
}

static struct report_episode *
new_ep(report_t *rp)
{
	if (rp->neps == rp->ecap) {
		rp->ecap = rp->ecap ? rp->ecap * 2 : 16;
		rp->eps = xrealloc(rp->eps, rp->ecap * sizeof *rp->eps);
	}
	struct report_episode *e = &rp->eps[rp->neps++];
	memset(e, 0, sizeof *e);
	return e;
}

/* Alert records to episodes, in order of rule and group, then input. */
static void
make_episodes(report_t *rp)
{
	struct report_episode *open = NULL;
	uint32_t orule = 0, ogroup = 0;

	/* qsort is not stable; alert_cmp breaks ties by position. */
	sort(rp->alerts, rp->nalerts, sizeof *rp->alerts, alert_cmp);
	for (size_t i = 0; i < rp->nalerts; i++) {
		const struct report_alert *a = &rp->alerts[i];
		struct report_point pt = {.start = a->start, .end = a->end};
		int64_t x0, x1;

		report_span(&rp->groups[a->group], &pt, &x0, &x1);
		if (open != NULL && (orule != a->rule || ogroup != a->group))
			open = NULL;
		if (a->start < rp->t_lo)
			rp->t_lo = a->start;
		if (a->end > rp->t_hi)
			rp->t_hi = a->end;
		if (a->resolved) {
			/* A resolve without its start in the input has no
			 * episode to end. */
			if (open != NULL) {
				if (x0 > open->to)
					open->to = x0;
				open->ongoing = 0;
				open = NULL;
			}
			continue;
		}
		if (open == NULL) {
			open = new_ep(rp);
			open->rule = a->rule;
			open->group = a->group;
			open->from = x0;
			open->to = x1;
			open->ongoing = 1;
			orule = a->rule;
			ogroup = a->group;
		}
		if (x1 > open->to)
			open->to = x1;
		open->alerts++;
	}
	/* Still firing at the end: through the group's last window. */
	for (size_t i = 0; i < rp->neps; i++) {
		struct report_episode *e = &rp->eps[i];
		const struct report_group *g = &rp->groups[e->group];
		int64_t x0, x1;
		if (!e->ongoing || g->npt == 0)
			continue;
		report_span(g, &g->pt[g->npt - 1], &x0, &x1);
		if (x1 > e->to)
			e->to = x1;
	}
}

void
report_finish(report_t *rp)
{
	size_t n = rp->ngroups;

	int days = 1, any = 0;
	for (size_t i = 0; i < n; i++) {
		struct report_group *g = &rp->groups[i];
		sort_points(rp, g);
		if (g->npt == 0)
			continue;
		/* The width and hop of them all, if they agree. */
		if (i == 0 || rp->width == 0) {
			rp->width = g->width;
			rp->hop = g->hop;
		} else if (rp->width != g->width || rp->hop != g->hop) {
			rp->width = rp->hop = -1;
		}
		any = 1;
		if (g->hop != 0 || g->width < 23 * 3600000LL ||
		    tz_day_start(g->pt[0].start / 1000) * 1000 !=
		        g->pt[0].start)
			days = 0;
	}
	rp->days = any && days;
	make_episodes(rp);

	/* Rules by name, groups by significance: renumber the episodes. */
	uint32_t *rmap = xcalloc(rp->nrules + 1, sizeof *rmap);
	for (size_t i = 0; i < rp->nrules; i++)
		rp->rules[i].neps = i; /* old index, kept through the sort */
	sort(rp->rules, rp->nrules, sizeof *rp->rules, rule_cmp);
	for (size_t i = 0; i < rp->nrules; i++) {
		rmap[rp->rules[i].neps] = (uint32_t)i;
		rp->rules[i].neps = 0;
	}
	for (size_t i = 0; i < rp->neps; i++) {
		struct report_episode *e = &rp->eps[i];
		e->rule = rmap[e->rule];
		rp->groups[e->group].nep++;
	}
	free(rmap);

	for (size_t i = 0; i < n; i++) {
		group_stats(&rp->groups[i]);
		/* The old index rides along in ep's place through the sort. */
		rp->groups[i].ep = (size_t *)(uintptr_t)i;
	}
	sort(rp->groups, n, sizeof *rp->groups, group_cmp);
	uint32_t *gmap = xcalloc(n + 1, sizeof *gmap);
	for (size_t i = 0; i < n; i++) {
		gmap[(uintptr_t)rp->groups[i].ep] = (uint32_t)i;
		rp->groups[i].ep = NULL;
		rp->groups[i].nep = 0;
	}
	for (size_t i = 0; i < rp->neps; i++)
		rp->eps[i].group = gmap[rp->eps[i].group];
	free(gmap);

	sort(rp->eps, rp->neps, sizeof *rp->eps, ep_cmp);
	for (size_t i = 0; i < rp->neps; i++) {
		const struct report_episode *e = &rp->eps[i];
		struct report_group *g = &rp->groups[e->group];
		struct report_rule *ru = &rp->rules[e->rule];
		if (g->nep == g->epcap) {
			g->epcap = g->epcap ? g->epcap * 2 : 4;
			g->ep = xrealloc(g->ep, g->epcap * sizeof *g->ep);
		}
		g->ep[g->nep++] = i;
		if (ru->neps == 0 || e->from < ru->first)
			ru->first = e->from;
		if (ru->neps == 0 || e->from > ru->last)
			ru->last = e->from;
		ru->neps++;
		ru->firing_ms += e->to - e->from;
	}
	if (rp->t_lo > rp->t_hi)
		rp->t_lo = rp->t_hi = 0;
}

/* ---- shared by the renderers ---------------------------------------- */

void
report_band(const struct report_point *pt, double *lo, double *hi)
{
	double sd = NAN;

	if (isnan(pt->exp)) {
		*lo = *hi = NAN;
		return;
	}
	if (!isnan(pt->z) && pt->z != 0 && pt->obs != pt->exp)
		sd = fabs((pt->obs - pt->exp) / pt->z);
	if (isnan(sd) || isinf(sd))
		sd = sqrt(pt->exp > 0 ? pt->exp : 0);
	*lo = pt->exp - 2 * sd;
	*hi = pt->exp + 2 * sd;
	if (*lo < 0 && pt->exp >= 0)
		*lo = 0;
}

void
report_time(buf_t *out, int64_t ms, int date_only)
{
	struct tm tm;
	int64_t sec = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);

	tz_civil(sec, &tm);
	if (date_only)
		buf_printf(out, "%04d-%02d-%02d", tm.tm_year + 1900,
		           tm.tm_mon + 1, tm.tm_mday);
	else
		buf_printf(out, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900,
		           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

void
report_duration(buf_t *out, int64_t ms)
{
	char d[64];

	/* Whole minutes are enough for people. */
	if (ms >= 60000)
		ms -= ms % 60000;
	buf_adds(out, dur_format(ms, d, sizeof d));
}

void
report_num(buf_t *out, double v)
{
	char s[64];
	double a = fabs(v);
	int n;

	if (isnan(v)) {
		buf_adds(out, "-");
		return;
	}
	if (a >= 100 || v == rint(v))
		n = snprintf(s, sizeof s, "%.0f", v);
	else if (a >= 10)
		n = snprintf(s, sizeof s, "%.1f", v);
	else if (a >= 1)
		n = snprintf(s, sizeof s, "%.2f", v);
	else
		n = snprintf(s, sizeof s, "%.2g", v);
	if (memchr(s, '.', (size_t)n) != NULL &&
	    memchr(s, 'e', (size_t)n) == NULL) {
		while (n > 0 && s[n - 1] == '0')
			n--;
		if (n > 0 && s[n - 1] == '.')
			n--;
	}
	if (n == 2 && s[0] == '-' && s[1] == '0')
		n = snprintf(s, sizeof s, "0");
	buf_add(out, s, (size_t)n);
}

static int64_t
week_start(int64_t ms)
{
	int64_t sec = ms / 1000;
	int64_t day = tz_day_start(sec);

	return tz_add_days(day, -tz_weekday(sec)) * 1000;
}

size_t
report_nweeks(const report_t *rp)
{
	int64_t ws;
	size_t n;

	if (rp->t_hi <= rp->t_lo)
		return 0;
	/* Weeks of 7 days give the count to within one, across any number
	 * of clock changes; then the calendar settles it. */
	ws = week_start(rp->t_lo);
	n = (size_t)((rp->t_hi - ws) / MS_PER_WEEK);
	while (n > 0 && report_week(rp, n - 1) >= rp->t_hi)
		n--;
	while (report_week(rp, n) < rp->t_hi)
		n++;
	return n;
}

int64_t
report_week(const report_t *rp, size_t i)
{
	return tz_add_days(week_start(rp->t_lo) / 1000, 7 * (int)i) * 1000;
}

size_t
report_week_eps(const report_t *rp, uint32_t r, size_t i)
{
	int64_t lo = report_week(rp, i), hi = report_week(rp, i + 1);
	size_t n = 0;

	for (size_t k = 0; k < rp->neps; k++)
		if (rp->eps[k].rule == r && rp->eps[k].from >= lo &&
		    rp->eps[k].from < hi)
			n++;
	return n;
}
