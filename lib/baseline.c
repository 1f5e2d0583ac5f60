/*
 * baseline.c - per-group history and the expectation it gives.
 *
 * prev keeps a ring of the group's newest N (window start, value) pairs,
 * sorted by start.
 * season keeps the group's values sorted by window start, dropping those
 * older than N periods before the newest, and looks each slot up exactly.
 * ewma keeps the running mean and variance, plus their values before the
 * newest window so that a revised count of that window can replace it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "baseline.h"
#include "afile.h"
#include "json.h"
#include "key.h"
#include "optv.h"
#include "ttime.h"

/* One group's history.  t[] and v[] hold (window start, value) pairs:
 * a ring of cap entries from head (prev), or an array sorted by start
 * from head (season). */
struct bl_group {
	int64_t last; /* newest window start recorded; valid when any */
	int any;      /* anything recorded yet */
	uint32_t head, len, cap;
	int64_t *t;
	double *v;
	uint64_t n;   /* ewma: windows absorbed */
	double m, s2; /* ewma: mean and variance */
	uint64_t pn;  /* ewma: the same before the newest window */
	double pm, ps2;
};

struct bl_hist {
	struct bl_spec sp;
	struct bl_group *g;
	size_t ng, gcap;
	double *scratch; /* values of one comparison */
	size_t scap;
	int64_t slot_for; /* window start the slots below belong to */
	int slot_valid;
	int64_t *slot;   /* season: slot k - 1 of window slot_for */
	char *slot_ok;   /* slot exists (not skipped by a DST gap) */
	int64_t horizon; /* season: how far back values are kept */
	int peek;        /* bl_peek: compare, but record nothing */
};

/* ---- parsing specs --------------------------------------------------- */

/*
 * The numbers of a spec are read as every option value is (lib/optv.h),
 * and err says what was expected, worded as optv says it, for the caller's
 * "invalid --baseline 'SPEC' (ERR)".
 */
#define BL_PREV_MAX 100000
#define BL_SEASON_MAX 10000
#define BL_SEASON_DAYS_MAX 3660

int
bl_parse(const char *s, struct bl_spec *sp, char *err, size_t errlen)
{
	long long n;

	memset(sp, 0, sizeof *sp);
	sp->stat = BL_MEAN;
	if (!strncmp(s, "prev:", 5)) {
		sp->kind = BL_PREV;
		if (optv_parse_int(s + 5, 1, BL_PREV_MAX, &n) < 0) {
			snprintf(err, errlen,
			         "prev:N, N a whole number from 1 to %d",
			         BL_PREV_MAX);
			return -1;
		}
		sp->n = (int)n;
		return 0;
	}
	if (!strncmp(s, "season:", 7)) {
		const char *p = s + 7, *colon = strrchr(p, ':');
		char per[64];

		sp->kind = BL_SEASON;
		if (colon == NULL || (size_t)(colon - p) >= sizeof per) {
			snprintf(err, errlen, "season:PERIOD:N");
			return -1;
		}
		memcpy(per, p, (size_t)(colon - p));
		per[colon - p] = '\0';
		if (dur_parse(per, &sp->period_ms) < 0 || sp->period_ms <= 0 ||
		    (sp->period_ms % MS_PER_DAY == 0 &&
		     sp->period_ms / MS_PER_DAY > BL_SEASON_DAYS_MAX)) {
			snprintf(
			    err, errlen,
			    "season:PERIOD:N, PERIOD a duration such as 1d or 1w, at most %dd",
			    BL_SEASON_DAYS_MAX);
			return -1;
		}
		if (optv_parse_int(colon + 1, 1, BL_SEASON_MAX, &n) < 0) {
			snprintf(
			    err, errlen,
			    "season:PERIOD:N, N a whole number from 1 to %d",
			    BL_SEASON_MAX);
			return -1;
		}
		sp->n = (int)n;
		if (sp->period_ms % MS_PER_DAY == 0)
			sp->period_days = (int)(sp->period_ms / MS_PER_DAY);
		return 0;
	}
	if (!strncmp(s, "ewma:", 5)) {
		sp->kind = BL_EWMA;
		if (optv_parse_real(s + 5, 0, 1, &sp->alpha) < 0 ||
		    sp->alpha == 0) {
			snprintf(
			    err, errlen,
			    "ewma:ALPHA, ALPHA a number above 0 and at most 1");
			return -1;
		}
		return 0;
	}
	snprintf(err, errlen, "prev:N, season:PERIOD:N or ewma:ALPHA");
	return -1;
}

void
bl_text(const struct bl_spec *sp, buf_t *out)
{
	char d[64];

	switch (sp->kind) {
	case BL_PREV:
		buf_printf(out, "prev:%d", sp->n);
		break;
	case BL_SEASON:
		buf_printf(out, "season:%s:%d",
		           dur_format(sp->period_ms, d, sizeof d), sp->n);
		break;
	case BL_EWMA:
		buf_adds(out, "ewma:");
		jw_num(out, sp->alpha);
		break;
	}
}

/* ---- the history ------------------------------------------------------ */

struct bl_hist *
bl_new(const struct bl_spec *sp)
{
	struct bl_hist *h = xcalloc(1, sizeof *h);

	h->sp = *sp;
	h->scap = sp->kind == BL_EWMA ? 1 : (size_t)sp->n;
	h->scratch = xmalloc(h->scap * sizeof *h->scratch);
	if (sp->kind == BL_SEASON) {
		h->slot = xmalloc((size_t)sp->n * sizeof *h->slot);
		h->slot_ok = xmalloc((size_t)sp->n);
		/* A calendar-day period may be an hour longer across DST;
		 * keep a day more than N periods to be safe. */
		h->horizon =
		    sp->n * sp->period_ms + (sp->period_days ? MS_PER_DAY : 0);
	}
	return h;
}

void
bl_free(struct bl_hist *h)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < h->ng; i++) {
		free(h->g[i].t);
		free(h->g[i].v);
	}
	free(h->g);
	free(h->scratch);
	free(h->slot);
	free(h->slot_ok);
	free(h);
}

size_t
bl_groups(const struct bl_hist *h)
{
	return h->ng;
}

int
bl_has(const struct bl_hist *h, uint32_t g)
{
	return g < h->ng && h->g[g].any;
}

static struct bl_group *
group(struct bl_hist *h, uint32_t g)
{
	if (g >= h->ng) {
		if (g >= h->gcap) {
			size_t cap = h->gcap ? h->gcap : 64;

			while (cap <= g)
				cap *= 2;
			h->g = xrealloc(h->g, cap * sizeof *h->g);
			h->gcap = cap;
		}
		memset(h->g + h->ng, 0, (g + 1 - h->ng) * sizeof *h->g);
		h->ng = g + 1;
	}
	return &h->g[g];
}

/* ---- statistics --------------------------------------------------------- */

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of x[0..n), n > 0; sorts x. */
static double
median(double *x, size_t n)
{
	double m;

	qsort(x, n, sizeof *x, cmp_double);
	if (n % 2)
		return x[n / 2];
	m = (x[n / 2 - 1] + x[n / 2]) / 2;
	/* Two values near the largest double overflow when added. */
	return isfinite(m) ? m : x[n / 2 - 1] / 2 + x[n / 2] / 2;
}

/* Mean of x[0..n), n > 0, finite when the values are. */
static double
mean(const double *x, size_t n)
{
	double sum = 0, c = 0;

	for (size_t i = 0; i < n; i++)
		sum += x[i];
	if (isfinite(sum))
		return sum / n;
	for (size_t i = 0; i < n; i++)
		c += x[i] / n;
	return c;
}

/*
 * Set z to (v - c) / spread in r, unless a part of it is not finite: a
 * spread past the largest double (values near it, such as 5 and 1e308)
 * would make every z 0, so z is then unknown, as with no history.
 */
static void
set_z(const double *v, double c, double spread, struct bl_result *r)
{
	double z;

	if (v == NULL || !(spread > 0) || !isfinite(spread) || !isfinite(c))
		return;
	z = (*v - c) / spread;
	if (isfinite(z)) {
		r->has_z = 1;
		r->z = z;
	}
}

/*
 * Expectation and z of value *v against x[0..n) (reordered).  With the
 * mean the spread is the sample standard deviation; with the median it
 * is 1.4826 times the median absolute deviation, which estimates the
 * standard deviation of normal data without being moved by one outlier.
 * A spread of zero leaves z undefined: all values equal, or with the
 * median, more than half of them (the MAD is then 0).
 */
static void
describe(int stat, double *x, size_t n, const double *v, struct bl_result *r)
{
	double c, spread = 0, lo = x[0], hi = x[0];

	r->n = (int)n;
	r->has_exp = 1;
	if (n >= 2) {
		/* Mean and sample variance of the values, whatever the
		 * statistic: what a count model of them needs. */
		double m = mean(x, n), ss = 0;

		for (size_t i = 0; i < n; i++)
			ss += (x[i] - m) * (x[i] - m);
		r->has_var = 1;
		r->mean = m;
		r->var = ss / (n - 1);
	}
	for (size_t i = 1; i < n; i++) {
		if (x[i] < lo)
			lo = x[i];
		if (x[i] > hi)
			hi = x[i];
	}
	if (stat == BL_MEDIAN) {
		c = median(x, n);
		if (n >= 2 && lo != hi) {
			for (size_t i = 0; i < n; i++)
				x[i] = fabs(x[i] - c);
			spread = 1.4826 * median(x, n);
		}
	} else {
		double ss = 0;

		c = mean(x, n);
		if (n >= 2 && lo != hi) {
			for (size_t i = 0; i < n; i++)
				ss += (x[i] - c) * (x[i] - c);
			spread = sqrt(ss / (n - 1));
		}
	}
	r->exp = c;
	set_z(v, c, spread, r);
}

/* ---- prev ------------------------------------------------------------- */

/* Entry i (from head) of a prev ring. */
#define RING(gr, i) (((gr)->head + (i)) % (gr)->cap)

/*
 * Put (start, v) into the ring at index at (from head), after dropping
 * the oldest entry when the ring is full; the entries from at on move
 * one place towards the end.  at is given as if nothing were dropped.
 */
static void
ring_insert(struct bl_group *gr, uint32_t at, int64_t start, double v)
{
	if (gr->len == gr->cap) {
		gr->head = (gr->head + 1) % gr->cap;
		gr->len--;
		at--;
	}
	for (uint32_t i = gr->len; i > at; i--) {
		gr->t[RING(gr, i)] = gr->t[RING(gr, i - 1)];
		gr->v[RING(gr, i)] = gr->v[RING(gr, i - 1)];
	}
	gr->t[RING(gr, at)] = start;
	gr->v[RING(gr, at)] = v;
	gr->len++;
}

/*
 * prev keeps the group's newest N windows in a ring sorted by start.  A
 * window is compared with the windows before it: all of them for a new
 * window, those older than it for a revision (a window the ring holds)
 * or a window that arrives out of order; it then takes its place in the
 * order, so that later windows see it.  Only a window older than all N
 * kept cannot be placed: the windows before it are gone.  While the
 * ring is not yet full nothing has been dropped, so an older window is
 * simply the oldest.
 */
static void
step_prev(struct bl_hist *h, struct bl_group *gr, int64_t start,
          const double *v, struct bl_result *r)
{
	uint32_t cap = (uint32_t)h->sp.n, use = gr->len;
	size_t n = 0;

	if (gr->t == NULL) {
		gr->t = xmalloc(cap * sizeof *gr->t);
		gr->v = xmalloc(cap * sizeof *gr->v);
		gr->cap = cap;
	}
	if (gr->any && start <= gr->last) {
		/* use: how many kept windows are older than this one. */
		while (use > 0 && gr->t[RING(gr, use - 1)] >= start)
			use--;
		if (use < gr->len && gr->t[RING(gr, use)] == start)
			r->order = BL_REVISION;
		else if (use == 0 && gr->len == cap) {
			r->order = BL_OLD;
			return;
		}
	}
	for (uint32_t i = 0; i < use; i++)
		h->scratch[n++] = gr->v[RING(gr, i)];
	if (n > 0)
		describe(h->sp.stat, h->scratch, n, v, r);
	if (v == NULL || h->peek)
		return;
	if (r->order == BL_REVISION) {
		gr->v[RING(gr, use)] = *v;
		return;
	}
	ring_insert(gr, use, start, *v);
	gr->last = gr->t[RING(gr, gr->len - 1)];
	gr->any = 1;
}

/* ---- season ----------------------------------------------------------- */

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/*
 * The slots of the window starting at start: start - k * period for
 * k = 1..N, or, for a period of whole days, the same local time of day
 * k periods' worth of calendar days earlier.  A local time that does not
 * exist on that day (skipped by a DST change) has no slot.  Windows of
 * one stream share their starts across all groups, so the slots of the
 * last start are cached.
 */
static void
season_slots(struct bl_hist *h, int64_t start)
{
	int64_t sec, frac;
	struct tm now;

	if (h->slot_valid && h->slot_for == start)
		return;
	h->slot_for = start;
	h->slot_valid = 1;
	if (h->sp.period_days == 0 || tz_utc) {
		for (int k = 1; k <= h->sp.n; k++) {
			h->slot[k - 1] = start - k * h->sp.period_ms;
			h->slot_ok[k - 1] = 1;
		}
		return;
	}
	sec = floor_div(start, 1000);
	frac = start - sec * 1000;
	tz_civil(sec, &now);
	for (int k = 1; k <= h->sp.n; k++) {
		struct tm then, back;
		int64_t day, t;

		day = tz_add_days(tz_day_start(sec), -k * h->sp.period_days);
		tz_civil(day, &then);
		then.tm_hour = now.tm_hour;
		then.tm_min = now.tm_min;
		then.tm_sec = now.tm_sec;
		then.tm_isdst = -1;
		t = tz_mktime(&then);
		tz_civil(t, &back);
		h->slot[k - 1] = t * 1000 + frac;
		h->slot_ok[k - 1] = back.tm_hour == now.tm_hour &&
		                    back.tm_min == now.tm_min &&
		                    back.tm_sec == now.tm_sec;
	}
}

/* Index (from head) of the first entry with start >= t. */
static uint32_t
season_lower(const struct bl_group *gr, int64_t t)
{
	uint32_t lo = 0, hi = gr->len;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (gr->t[gr->head + mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Insert (or replace) the value of window start, keeping the order. */
static void
season_put(struct bl_group *gr, int64_t start, double v)
{
	uint32_t i = season_lower(gr, start);

	if (i < gr->len && gr->t[gr->head + i] == start) {
		gr->v[gr->head + i] = v;
		return;
	}
	if (gr->head + gr->len == gr->cap) {
		if (gr->head > gr->cap / 2) {
			/* Reclaim the room of dropped entries. */
			memmove(gr->t, gr->t + gr->head,
			        gr->len * sizeof *gr->t);
			memmove(gr->v, gr->v + gr->head,
			        gr->len * sizeof *gr->v);
			gr->head = 0;
		} else {
			gr->cap = gr->cap ? gr->cap * 2 : 8;
			gr->t = xrealloc(gr->t, gr->cap * sizeof *gr->t);
			gr->v = xrealloc(gr->v, gr->cap * sizeof *gr->v);
		}
	}
	memmove(gr->t + gr->head + i + 1, gr->t + gr->head + i,
	        (gr->len - i) * sizeof *gr->t);
	memmove(gr->v + gr->head + i + 1, gr->v + gr->head + i,
	        (gr->len - i) * sizeof *gr->v);
	gr->t[gr->head + i] = start;
	gr->v[gr->head + i] = v;
	gr->len++;
}

static void
step_season(struct bl_hist *h, struct bl_group *gr, int64_t start,
            const double *v, struct bl_result *r)
{
	size_t n = 0;

	if (gr->any && start < gr->last - h->horizon) {
		r->order = BL_OLD;
		return;
	}
	season_slots(h, start);
	for (int k = 0; k < h->sp.n; k++) {
		uint32_t i;

		if (!h->slot_ok[k])
			continue;
		i = season_lower(gr, h->slot[k]);
		if (i < gr->len && gr->t[gr->head + i] == h->slot[k])
			h->scratch[n++] = gr->v[gr->head + i];
	}
	if (gr->any && start <= gr->last) {
		uint32_t i = season_lower(gr, start);

		if (i < gr->len && gr->t[gr->head + i] == start)
			r->order = BL_REVISION;
	}
	if (n > 0)
		describe(h->sp.stat, h->scratch, n, v, r);
	if (v == NULL || h->peek)
		return;
	season_put(gr, start, *v);
	if (!gr->any || start > gr->last)
		gr->last = start;
	gr->any = 1;
	while (gr->len > 0 && gr->t[gr->head] < gr->last - h->horizon) {
		gr->head++;
		gr->len--;
	}
}

/* ---- ewma ------------------------------------------------------------- */

static void
step_ewma(struct bl_hist *h, struct bl_group *gr, int64_t start,
          const double *v, struct bl_result *r)
{
	double a = h->sp.alpha, d;

	if (gr->any && start < gr->last) {
		r->order = BL_OLD;
		return;
	}
	if (gr->any && start == gr->last) {
		r->order = BL_REVISION;
		if (v != NULL && !h->peek) {
			gr->n = gr->pn;
			gr->m = gr->pm;
			gr->s2 = gr->ps2;
		} else if (gr->pn > 0) {
			r->n = (int)(gr->pn < INT_MAX ? gr->pn : INT_MAX);
			r->has_exp = 1;
			r->exp = gr->pm;
			if (gr->pn >= 2) {
				set_z(v, gr->pm, sqrt(gr->ps2), r);
				r->has_var = 1;
				r->mean = gr->pm;
				r->var = gr->ps2;
			}
			return;
		} else {
			return;
		}
	}
	if (gr->n > 0) {
		r->n = (int)(gr->n < INT_MAX ? gr->n : INT_MAX);
		r->has_exp = 1;
		r->exp = gr->m;
		if (gr->n >= 2) {
			set_z(v, gr->m, sqrt(gr->s2), r);
			r->has_var = 1;
			r->mean = gr->m;
			r->var = gr->s2;
		}
	}
	if (v == NULL || h->peek)
		return;
	gr->pn = gr->n;
	gr->pm = gr->m;
	gr->ps2 = gr->s2;
	if (gr->n == 0) {
		gr->m = *v;
		gr->s2 = 0;
	} else {
		/* West's incremental form of the EW mean and variance. */
		d = *v - gr->m;
		/* The mean stays between the old mean and v, so finite; the
		 * variance can pass the largest double (infinite, kept in
		 * the state file as null). */
		gr->m = isfinite(d) ? gr->m + a * d : (1 - a) * gr->m + a * *v;
		gr->s2 = a < 1 ? (1 - a) * (gr->s2 + a * d * d) : 0;
	}
	gr->n++;
	gr->last = start;
	gr->any = 1;
}

void
bl_peek(struct bl_hist *h, uint32_t g, int64_t start_ms, const double *v,
        struct bl_result *r)
{
	h->peek = 1;
	bl_step(h, g, start_ms, v, r);
	h->peek = 0;
}

void
bl_step(struct bl_hist *h, uint32_t g, int64_t start_ms, const double *v,
        struct bl_result *r)
{
	struct bl_group *gr = group(h, g);

	memset(r, 0, sizeof *r);
	switch (h->sp.kind) {
	case BL_PREV:
		step_prev(h, gr, start_ms, v, r);
		break;
	case BL_SEASON:
		step_season(h, gr, start_ms, v, r);
		break;
	case BL_EWMA:
		step_ewma(h, gr, start_ms, v, r);
		break;
	}
}

/* ---- state files ------------------------------------------------------ */

#define STATE_FORMAT "tingle-compare state"
#define STATE_VERSION 1

/* The key of group id as [[name, value], ...], each the raw JSON text. */
static void
write_key(const struct kmap *keys, uint32_t id, buf_t *out)
{
	size_t n, i = 0;
	const char *k = kmap_key(keys, id, &n);

	buf_addc(out, '[');
	while (i < n) {
		const char *eq = memchr(k + i, BL_KEY_EQ, n - i);
		const char *end = memchr(eq, BL_KEY_END, (size_t)(k + n - eq));

		if (i > 0)
			buf_addc(out, ',');
		buf_addc(out, '[');
		jw_str(out, k + i, (size_t)(eq - (k + i)));
		buf_addc(out, ',');
		jw_str(out, eq + 1, (size_t)(end - eq - 1));
		buf_addc(out, ']');
		i = (size_t)(end - k) + 1;
	}
	buf_addc(out, ']');
}

/* Append v in decimal. */
static void
put_int(buf_t *out, int64_t v)
{
	char tmp[24];
	int i = sizeof tmp;
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		tmp[--i] = '-';
	buf_add(out, tmp + i, sizeof tmp - (size_t)i);
}

/* Append a value exactly: integers (counts, mostly) by hand. */
static void
put_value(buf_t *out, double d)
{
	if (d == floor(d) && fabs(d) <= 9007199254740992.0)
		put_int(out, (int64_t)d);
	else
		jw_num(out, d);
}

static void
write_group(const struct bl_hist *h, const struct bl_group *gr, buf_t *out)
{
	buf_adds(out, ",\"last\":");
	put_int(out, gr->last);
	if (h->sp.kind == BL_EWMA) {
		buf_adds(out, ",\"n\":");
		put_int(out, (int64_t)gr->n);
		buf_adds(out, ",\"mean\":");
		put_value(out, gr->m);
		buf_adds(out, ",\"var\":");
		put_value(out, gr->s2);
		buf_adds(out, ",\"prev_n\":");
		put_int(out, (int64_t)gr->pn);
		buf_adds(out, ",\"prev_mean\":");
		put_value(out, gr->pm);
		buf_adds(out, ",\"prev_var\":");
		put_value(out, gr->ps2);
		return;
	}
	buf_adds(out, ",\"values\":[");
	for (uint32_t i = 0; i < gr->len; i++) {
		uint32_t j = h->sp.kind == BL_PREV ? (gr->head + i) % gr->cap
		                                   : gr->head + i;

		buf_adds(out, i > 0 ? ",[" : "[");
		put_int(out, gr->t[j]);
		buf_addc(out, ',');
		put_value(out, gr->v[j]);
		buf_addc(out, ']');
	}
	buf_addc(out, ']');
}

/*
 * Where a state document goes: a buffer, passed on to a file in pieces
 * when fd is set, so that a large state needs no copy in memory.
 */
struct sink {
	buf_t *b;
	int fd;  /* -1: keep everything in b */
	int err; /* errno of a failed write, or 0 */
};

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void
sink_flush(struct sink *s, int all)
{
	if (s->fd < 0 || s->err || (!all && s->b->len < 65536))
		return;
	if (write_all(s->fd, s->b->p, s->b->len) < 0)
		s->err = errno;
	buf_reset(s->b);
}

static void
emit_state(const struct bl_hist *h, const struct kmap *keys, const char *config,
           struct sink *s)
{
	int first = 1;

	buf_adds(s->b, "{\"format\":\"" STATE_FORMAT "\",\"version\":");
	put_int(s->b, STATE_VERSION);
	buf_adds(s->b, ",\"config\":");
	buf_adds(s->b, config);
	buf_adds(s->b, ",\"groups\":[");
	for (size_t g = 0; g < h->ng && g < kmap_len(keys); g++) {
		if (!h->g[g].any)
			continue;
		buf_adds(s->b, first ? "\n{\"key\":" : ",\n{\"key\":");
		first = 0;
		write_key(keys, (uint32_t)g, s->b);
		write_group(h, &h->g[g], s->b);
		buf_addc(s->b, '}');
		sink_flush(s, 0);
	}
	buf_adds(s->b, "]}\n");
	sink_flush(s, 1);
}

void
bl_state_write(const struct bl_hist *h, const struct kmap *keys,
               const char *config, buf_t *out)
{
	struct sink s = {out, -1, 0};

	emit_state(h, keys, config, &s);
}

/* A JSON number as a double (integer or real), or -1. */
static int
get_num(json_t *j, double *d)
{
	if (!json_is_number(j))
		return -1;
	*d = json_number_value(j);
	return 0;
}

static int
get_int(json_t *j, int64_t *v)
{
	if (!json_is_integer(j))
		return -1;
	*v = json_integer_value(j);
	return 0;
}

/* Rebuild a group key from [[name, value], ...] (empty for the one group
 * of records without key fields), each value made canonical (key.h),
 * and in raw the same with the values as the file has them; -1 if
 * malformed. */
static int
read_key(json_t *jk, buf_t *key, buf_t *raw)
{
	size_t i;
	json_t *pair;

	if (!json_is_array(jk))
		return -1;
	buf_reset(key);
	buf_reset(raw);
	json_array_foreach(jk, i, pair)
	{
		json_t *name = json_array_get(pair, 0);
		json_t *val = json_array_get(pair, 1);
		size_t vlen;

		if (!json_is_array(pair) || json_array_size(pair) != 2 ||
		    !json_is_string(name) || !json_is_string(val))
			return -1;
		vlen = json_string_length(val);
		const char *vs = json_string_value(val);
		if (memchr(json_string_value(name), BL_KEY_EQ,
		           json_string_length(name)) ||
		    memchr(json_string_value(name), BL_KEY_END,
		           json_string_length(name)) ||
		    memchr(json_string_value(name), '\0',
		           json_string_length(name)))
			return -1;
		buf_add(key, json_string_value(name), json_string_length(name));
		buf_addc(key, BL_KEY_EQ);
		if (vlen > 0 && key_text(key, vs, vlen) < 0)
			return -1;
		buf_addc(key, BL_KEY_END);
		buf_add(raw, vs, vlen);
		buf_addc(raw, BL_KEY_END);
	}
	return 0;
}

static int
read_values(struct bl_hist *h, struct bl_group *gr, json_t *jv)
{
	size_t i;
	json_t *pair;
	int64_t prev = 0;

	if (!json_is_array(jv))
		return -1;
	if (h->sp.kind == BL_PREV && json_array_size(jv) > (size_t)h->sp.n)
		return -1;
	json_array_foreach(jv, i, pair)
	{
		int64_t t;
		double v;

		if (!json_is_array(pair) || json_array_size(pair) != 2 ||
		    get_int(json_array_get(pair, 0), &t) < 0 ||
		    get_num(json_array_get(pair, 1), &v) < 0)
			return -1;
		if (i > 0 && t <= prev)
			return -1;
		prev = t;
		if (h->sp.kind == BL_PREV) {
			if (gr->t == NULL) {
				gr->cap = (uint32_t)h->sp.n;
				gr->t = xmalloc(gr->cap * sizeof *gr->t);
				gr->v = xmalloc(gr->cap * sizeof *gr->v);
			}
			gr->t[gr->len] = t;
			gr->v[gr->len] = v;
			gr->len++;
		} else {
			season_put(gr, t, v);
		}
	}
	return 0;
}

/* A variance: a number, or null for one past the largest double. */
static int
get_var(json_t *j, double *d)
{
	if (json_is_null(j)) {
		*d = INFINITY;
		return 0;
	}
	return get_num(j, d);
}

static int
read_ewma(struct bl_group *gr, json_t *jg)
{
	int64_t n, pn;

	if (get_int(json_object_get(jg, "n"), &n) < 0 || n < 0 ||
	    get_num(json_object_get(jg, "mean"), &gr->m) < 0 ||
	    get_var(json_object_get(jg, "var"), &gr->s2) < 0 ||
	    get_int(json_object_get(jg, "prev_n"), &pn) < 0 || pn < 0 ||
	    get_num(json_object_get(jg, "prev_mean"), &gr->pm) < 0 ||
	    get_var(json_object_get(jg, "prev_var"), &gr->ps2) < 0 ||
	    gr->s2 < 0 || gr->ps2 < 0)
		return -1;
	gr->n = (uint64_t)n;
	gr->pn = (uint64_t)pn;
	return 0;
}

/*
 * One group's history.  For prev and season, "last" must be the newest
 * stored window start, as bl_step leaves it.
 */
static int
read_group(struct bl_hist *h, struct bl_group *gr, json_t *jg)
{
	int64_t last;

	if (get_int(json_object_get(jg, "last"), &last) < 0)
		return -1;
	gr->last = last;
	gr->any = 1;
	if (h->sp.kind == BL_EWMA)
		return read_ewma(gr, jg);
	if (read_values(h, gr, json_object_get(jg, "values")) < 0 ||
	    gr->len == 0)
		return -1;
	return gr->t[gr->head + gr->len - 1] == last ? 0 : -1;
}

json_t *
bl_state_parse(const char *text, size_t n, char *err, size_t errlen)
{
	json_error_t je;
	json_t *doc, *v;
	const char *fmt;

	doc = json_loadb(text, n, JSON_REJECT_DUPLICATES, &je);
	if (doc == NULL) {
		/* Not je.text: it quotes the file, which may not be ours. */
		snprintf(err, errlen, "invalid JSON at line %d column %d: %s",
		         je.line, je.column, jerr_what(json_error_code(&je)));
		return NULL;
	}
	fmt = json_string_value(json_object_get(doc, "format"));
	v = json_object_get(doc, "version");
	if (fmt == NULL || strcmp(fmt, STATE_FORMAT) != 0) {
		snprintf(err, errlen, "not a %s file", STATE_FORMAT);
	} else if (!json_is_integer(v) ||
	           json_integer_value(v) != STATE_VERSION) {
		snprintf(err, errlen, "unsupported version (this one reads %d)",
		         STATE_VERSION);
	} else if (!json_is_object(json_object_get(doc, "config")) ||
	           !json_is_array(json_object_get(doc, "groups"))) {
		snprintf(err, errlen, "missing config or groups");
	} else {
		return doc;
	}
	json_decref(doc);
	return NULL;
}

int
bl_state_groups(struct bl_hist *h, struct kmap *keys, json_t *doc, char *err,
                size_t errlen)
{
	json_t *jg;
	buf_t key = BUF_INIT, raw = BUF_INIT;
	struct kmap *raws = kmap_new();
	size_t i;
	int rc = -1;

	json_array_foreach(json_object_get(doc, "groups"), i, jg)
	{
		uint32_t id;
		int added, rawadded;

		if (!json_is_object(jg) ||
		    read_key(json_object_get(jg, "key"), &key, &raw) < 0) {
			snprintf(err, errlen, "group %zu: bad key", i + 1);
			goto out;
		}
		id = kmap_add(keys, key.p, key.len,
		              util_hash_bytes(key.p, key.len), &added);
		kmap_add(raws, raw.p, raw.len, util_hash_bytes(raw.p, raw.len),
		         &rawadded);
		/* Two groups of a file from before keys were canonical that
		 * are one now ("\u0061" and "a", 1 and 1.0): the first keeps
		 * its history. */
		if (!added && rawadded)
			continue;
		if (!added) {
			snprintf(err, errlen, "group %zu: repeated key", i + 1);
			goto out;
		}
		if (read_group(h, group(h, id), jg) < 0) {
			snprintf(err, errlen, "group %zu: bad history", i + 1);
			goto out;
		}
	}
	rc = 0;
out:
	buf_free(&key);
	buf_free(&raw);
	kmap_free(raws);
	return rc;
}

int
bl_state_save(const struct bl_hist *h, const struct kmap *keys,
              const char *config, const char *path, const char **what)
{
	buf_t b = BUF_INIT;
	struct sink s;
	afile_t af;
	int rc;

	*what = "create";
	if (afile_open(&af, path) < 0)
		return -1;
	*what = "write";
	s = (struct sink){&b, af.fd, 0};
	emit_state(h, keys, config, &s);
	buf_free(&b);
	if (s.err) {
		afile_abort(&af);
		errno = s.err;
		return -1;
	}
	rc = afile_commit(&af, path, what);
	return rc;
}
