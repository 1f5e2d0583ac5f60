/*
 * cmp.c - the window, observed value and group key of a count record,
 * as both engines of tingle-compare read them.  See cmp.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmp.h"
#include "key.h"
#include "ttime.h"
#include "window.h"

void
cmp_names_add(struct cmp_names *l, const char *s, size_t n)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	l->v[l->n++] = xstrndup(s, n);
}

void
cmp_names_free(struct cmp_names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int
cmp_name_is(const jfield_t *f, const char *s)
{
	size_t n = strlen(s);

	return f->klen == n && memcmp(f->k, s, n) == 0;
}

/*
 * A field that is not part of the group key when --key is not given: the
 * window, the aggregates of tingle-count and the fields this stage adds
 * (key_window_field), and the value fields named on the command line.
 */
int
cmp_is_key_field(const struct cmp_conf *cf, const jfield_t *f)
{
	if (key_window_field(f->k, f->klen) || cmp_name_is(f, cf->value_field))
		return 0;
	if (cf->against_value != NULL && cmp_name_is(f, cf->against_value))
		return 0;
	return 1;
}

void
cmp_key_add(buf_t *b, const char *name, size_t nlen, const jfield_t *f)
{
	buf_add(b, name, nlen);
	buf_addc(b, BL_KEY_EQ);
	if (f != NULL)
		key_value(b, f->v, f->vlen, f->type);
	buf_addc(b, BL_KEY_END);
}

/*
 * The key of record r: the named fields in the order given (an absent
 * one has an empty value), or without names, every key field of the
 * record in its order.
 */
void
cmp_make_key(const struct cmp_conf *cf, const rec_t *r,
             const struct cmp_names *l, buf_t *b)
{
	buf_reset(b);
	if (l->n > 0) {
		for (size_t i = 0; i < l->n; i++)
			cmp_key_add(b, l->v[i], strlen(l->v[i]),
			            rec_get(r, l->v[i], strlen(l->v[i])));
		return;
	}
	for (size_t i = 0; i < r->obj.n; i++) {
		const jfield_t *f = &r->obj.f[i];

		if (cmp_is_key_field(cf, f))
			cmp_key_add(b, f->k, f->klen, f);
	}
}

/* The key field names of record r, as a JSON array (for state files). */
char *
cmp_key_names_json(const struct cmp_conf *cf, const rec_t *r)
{
	buf_t b = BUF_INIT;

	buf_addc(&b, '[');
	if (cf->keys.n > 0) {
		for (size_t i = 0; i < cf->keys.n; i++) {
			if (i > 0)
				buf_addc(&b, ',');
			jw_str(&b, cf->keys.v[i], strlen(cf->keys.v[i]));
		}
	} else {
		int first = 1;

		for (size_t i = 0; i < r->obj.n; i++) {
			const jfield_t *f = &r->obj.f[i];

			if (!cmp_is_key_field(cf, f))
				continue;
			if (!first)
				buf_addc(&b, ',');
			first = 0;
			buf_addc(&b, '"');
			buf_add(&b, f->k, f->klen);
			buf_addc(&b, '"');
		}
	}
	buf_addc(&b, ']');
	return b.p;
}

/* A window time: the instant in ms, and the offset it was written with
 * in ms (that of its zone designator, or for a time without one or an
 * epoch number that of the --tz zone).  -1 if the field is missing or
 * not a time. */
static int
window_time(const jfield_t *f, int64_t *ms, int64_t *off)
{
	tstamp_t t;
	long o;

	if (f == NULL || ts_parse_json_off(f->v, f->vlen, &t, &o) < 0)
		return -1;
	*ms = ts_to_ms(&t);
	*off = o * 1000LL;
	return 0;
}

/* Size of the change of the zone's offset at second sec, if any. */
static int64_t
zone_jump(int64_t sec)
{
	if (tz_utc)
		return 0;
	return llabs((int64_t)tz_offset(sec) - tz_offset(sec - 1)) * 1000;
}

static int64_t
floor_sec(int64_t ms)
{
	return ms / 1000 - (ms % 1000 < 0);
}

static int
cache_hit(const struct cmp_wcache *c, const jfield_t *fs, const jfield_t *fe)
{
	return fs != NULL && fe != NULL && c->len[0] > 0 &&
	       fs->vlen == c->len[0] && fe->vlen == c->len[1] &&
	       memcmp(fs->v, c->raw[0], fs->vlen) == 0 &&
	       memcmp(fe->v, c->raw[1], fe->vlen) == 0;
}

/*
 * The window of record r, or -1 after reporting the line as bad input.
 */
int
cmp_window(const rec_t *r, const line_t *l, struct cmp_wcache *c,
           struct cmp_win *w)
{
	const jfield_t *fs = rec_get(r, "window_start", 12);
	const jfield_t *fe = rec_get(r, "window_end", 10);
	int64_t os, oe, j;

	if (cache_hit(c, fs, fe)) {
		*w = c->w;
		return 0;
	}
	if (window_time(fs, &w->start, &os) < 0) {
		rio_bad_input(l, "missing or unreadable window_start");
		return -1;
	}
	if (window_time(fe, &w->end, &oe) < 0) {
		rio_bad_input(l, "missing or unreadable window_end");
		return -1;
	}
	if (w->end <= w->start) {
		rio_bad_input(l, "window_end is not after window_start");
		return -1;
	}
	w->wall = (w->end + oe) - (w->start + os);
	w->jump = llabs(oe - os);
	j = zone_jump(floor_sec(w->start));
	if (j > w->jump)
		w->jump = j;
	j = zone_jump(floor_sec(w->end));
	if (j > w->jump)
		w->jump = j;
	if (fs->vlen <= sizeof c->raw[0] && fe->vlen <= sizeof c->raw[1]) {
		memcpy(c->raw[0], fs->v, fs->vlen);
		memcpy(c->raw[1], fe->v, fe->vlen);
		c->len[0] = fs->vlen;
		c->len[1] = fe->vlen;
		c->w = *w;
	}
	return 0;
}

/* Whether the --tz zone changes its offset within a day of w's start or
 * end. */
static int
near_change(const struct cmp_win *w)
{
	int64_t a = floor_sec(w->start), b = floor_sec(w->end);
	long o = tz_offset(a - 86400);

	return tz_offset(a + 86400) != o || tz_offset(b - 86400) != o ||
	       tz_offset(b + 86400) != o;
}

/* Whether tingle-count with windows of len every hop writes the window
 * from w's start to its end. */
static int
count_writes(const struct cmp_win *w, int64_t len, int64_t hop)
{
	wgrid_t g;
	const char *err;

	if (wgrid_init(&g, len, hop, 0, &err) < 0)
		return 0;
	return wgrid_floor(&g, w->start) == w->start &&
	       wgrid_window_end(&g, w->start) == w->end;
}

/*
 * Whether some --every (a divisor of len) makes tingle-count write w
 * for windows of len in the --tz zone.  Near a change of the clock that
 * is the only sure test: a start that the clock skips is moved past the
 * jump, and the window from it can lose or gain the part of the jump
 * that its hop does not divide (window.h).  Hops are taken in whole
 * seconds: a window of len costs up to len / hop steps to rebuild, and
 * finer hops are not worth that on every suspect record.
 */
static int
count_window(const struct cmp_win *w, int64_t len)
{
	int64_t sec = len / 1000;

	if (tz_utc || !near_change(w) || len % 1000 != 0)
		return 0;
	for (int64_t d = 1; d <= sec / d; d++) {
		if (sec % d != 0)
			continue;
		if (count_writes(w, len, d * 1000) ||
		    (d != sec / d && count_writes(w, len, sec / d * 1000)))
			return 1;
	}
	return 0;
}

/*
 * Whether window w is one of width len (0: not known yet, any is).  It
 * must last len on the clock, unless its start and end have different
 * offsets or one of them is a change of the --tz zone's offset.  Then
 * the shorter of its elapsed and clock lengths must be at most len, and
 * the longer at most len and the change: that takes in the windows that
 * hold a change and those that count cuts at one.  Failing that, it must
 * be a window that tingle-count writes for some hop next to a change.
 */
int
cmp_win_fits(const struct cmp_win *w, int64_t len)
{
	int64_t real = w->end - w->start;
	int64_t lo = real < w->wall ? real : w->wall;
	int64_t hi = real < w->wall ? w->wall : real;

	if (len == 0)
		return 1;
	if (w->jump == 0 ? w->wall == len : lo <= len && hi <= len + w->jump)
		return 1;
	return count_window(w, len);
}

/* Whether w tells its width: no change of offset in it or on its edges. */
int
cmp_win_regular(const struct cmp_win *w)
{
	return w->jump == 0;
}

/* Describe the length of w for a message. */
const char *
cmp_win_text(const struct cmp_win *w, char *out, size_t outlen)
{
	char a[32], b[32];

	dur_format(w->wall, a, sizeof a);
	if (w->end - w->start == w->wall) {
		snprintf(out, outlen, "%s", a);
		return out;
	}
	snprintf(out, outlen, "%s on the clock (%s elapsed)", a,
	         dur_format(w->end - w->start, b, sizeof b));
	return out;
}

/* The number in field name of r: CMP_NUM with *v, CMP_NULL, or CMP_BAD
 * when the field is missing or not a number a double holds. */
int
cmp_value(const rec_t *r, const char *name, double *v)
{
	const jfield_t *f = rec_get(r, name, strlen(name));
	const char *p;
	int64_t n = 0;
	size_t i = 0;

	if (f == NULL)
		return CMP_BAD;
	if (f->type == JT_NULL)
		return CMP_NULL;
	if (f->type != JT_NUM)
		return CMP_BAD;
	/* Counts are small integers: skip strtod for them. */
	p = f->v;
	if (f->vlen < 16) {
		while (i < f->vlen && p[i] >= '0' && p[i] <= '9')
			n = n * 10 + (p[i++] - '0');
		if (i == f->vlen) {
			*v = (double)n;
			return CMP_NUM;
		}
	}
	*v = strtod(p, NULL);
	/* A number past the largest double (1e400) has no value to
	 * compare or to keep in the history. */
	return isfinite(*v) ? CMP_NUM : CMP_BAD;
}
