/*
 * tingle-compare - put what a count should have been next to it.
 *
 * Reads the window records of tingle-count and adds to each the expected
 * value, from the group's own history (--baseline prev:N, season:PERIOD:N,
 * ewma:ALPHA) or from another count stream joined on the window and the
 * key fields (--against FILE --rate R), with the ratio, difference and
 * standard score of the observed value against it.  See tingle-compare(1).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "baseline.h"
#include "json.h"
#include "key.h"
#include "kmap.h"
#include "rio.h"
#include "ttime.h"
#include "util.h"
#include "window.h"

enum {
	OPT_AGAINST = RIO_OPT_FIRST_FREE,
	OPT_AGAINST_VALUE,
	OPT_IDLE,
	OPT_LOCK_TIMEOUT,
	OPT_MAX_GROUPS,
	OPT_MIN_BASELINE,
	OPT_NAME,
	OPT_ON,
	OPT_RATE,
	OPT_SAVE_EVERY,
	OPT_STAT,
	OPT_STATE,
	OPT_VALUE,
};

static const struct option longopts[] = {
    {"against", required_argument, NULL, OPT_AGAINST},
    {"against-value", required_argument, NULL, OPT_AGAINST_VALUE},
    {"baseline", required_argument, NULL, 'b'},
    {"idle", required_argument, NULL, OPT_IDLE},
    {"key", required_argument, NULL, 'k'},
    {"lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT},
    {"max-groups", required_argument, NULL, OPT_MAX_GROUPS},
    {"min-baseline", required_argument, NULL, OPT_MIN_BASELINE},
    {"name", required_argument, NULL, OPT_NAME},
    {"on", required_argument, NULL, OPT_ON},
    {"rate", required_argument, NULL, OPT_RATE},
    {"save-every", required_argument, NULL, OPT_SAVE_EVERY},
    {"stat", required_argument, NULL, OPT_STAT},
    {"state", required_argument, NULL, OPT_STATE},
    {"value", required_argument, NULL, OPT_VALUE},
    RIO_LONGOPTS,
    {NULL, 0, NULL, 0},
};

/* A list of field names from --key or --on. */
struct names {
	char **v;
	size_t n;
};

/* ---- options ---------------------------------------------------------- */

static const char *baseline_arg; /* --baseline */
static struct bl_spec spec;      /* its parsed form */
static int stat_median;          /* --stat median */
static const char *against_file; /* --against */
static double rate = 1;          /* --rate */
static int rate_given;
static const char *against_value;         /* --against-value */
static struct names key_names;            /* --key */
static struct names on_names;             /* --on */
static const char *value_field = "count"; /* --value */
static long min_baseline = 1;             /* --min-baseline */
static const char *state_file;            /* --state */
static int64_t save_every_ms;             /* --save-every, 0: at exit only */
static int64_t idle_ms;                   /* --idle, 0: never */
static const char *name_opt;              /* --name */
static size_t max_groups = 1000000;       /* --max-groups */
/* --lock-timeout */
static int64_t lock_timeout_ms = RIO_LOCK_TIMEOUT_MS;

/* ---- state of the run ------------------------------------------------- */

static buf_t baseline_json; /* the "baseline" value, a JSON string */
static rec_t rec;           /* the record being compared */
static buf_t key;           /* its group or join key */
static buf_t num;           /* scratch for numbers */
static struct kmap *groups; /* history mode: group key -> id */
static struct bl_hist *hist;

/*
 * What the records must agree on with each other and with a state file:
 * the nominal window length and the key field names.  Unknown (0, NULL)
 * until the first record, or taken from the state file.
 */
static int64_t cfg_window;
static char *cfg_keys; /* JSON array text of the key field names */

/* ---- usage ------------------------------------------------------------ */

static const char usage_text[] =
    "usage: tingle-compare -b SOURCE [--stat mean|median] [-k FIELD,...]\n"
    "                      [--value FIELD] [--min-baseline N] [--name TEXT]\n"
    "                      [--state FILE [--save-every DURATION]\n"
    "                      [--lock-timeout DURATION]] [FILE...]\n"
    "       tingle-compare --against FILE [--rate R] [--on FIELD,...]\n"
    "                      [--against-value FIELD] [--idle DURATION]\n"
    "                      [-k FIELD,...] [--value FIELD] [FILE...]\n"
    "\n"
    "Add expected, ratio, delta, z, baseline_n and baseline to every count\n"
    "record of tingle-count.\n"
    "\n"
    "Expectation from the group's history:\n"
    "  -b, --baseline prev:N           the previous N windows\n"
    "  -b, --baseline season:PERIOD:N  the same slot in the previous N periods\n"
    "                                  (season:1w:4: same weekday and time,\n"
    "                                  four weeks)\n"
    "  -b, --baseline ewma:ALPHA       exponentially weighted mean, 0 < ALPHA <= 1\n"
    "  --stat mean|median              statistic of prev and season (default mean)\n"
    "  --state FILE                    keep the history in FILE across runs\n"
    "  --save-every DURATION           save it this often too (default: at exit)\n"
    "  --lock-timeout DURATION         wait this long for another run using FILE\n"
    "                                  (default 10s; 0: do not wait)\n"
    "\n"
    "Expectation from another count stream:\n"
    "  --against FILE                  join FILE's records on the window and key\n"
    "                                  (a record of either input with other key\n"
    "                                  fields or window width is bad input)\n"
    "  --rate R                        expected = R x their value (default 1)\n"
    "  --on FIELD,...                  join on these fields (default: the key)\n"
    "  --against-value FIELD           their value (default count)\n"
    "  --idle DURATION                 compare a window once an input that has\n"
    "                                  not passed it is quiet this long\n"
    "\n"
    "Both:\n"
    "  -k, --key FIELD,...             the group key (default: every field but\n"
    "                                  the window and the aggregates)\n"
    "  --value FIELD                   the observed value (default count)\n"
    "  --min-baseline N                expected is null until N values back it\n"
    "                                  (default 1)\n"
    "  --name TEXT                     the value of the baseline field\n"
    "  --max-groups N                  stop with an error beyond N groups\n"
    "                                  (default 1000000)\n"
    "\n";

static void
usage(FILE *fp)
{
	fputs(usage_text, fp);
	fputs(rio_common_usage, fp);
}

/* Split a comma-separated list of field names onto l. */
static void
add_names(struct names *l, const char *arg, const char *opt)
{
	const char *p = arg;

	for (;;) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);

		if (n == 0)
			rio_usage_error("empty field name in %s '%s'", opt,
			                arg);
		l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
		l->v[l->n++] = xstrndup(p, n);
		if (c == NULL)
			break;
		p = c + 1;
	}
}

static long
parse_long(const char *s, long lo, long hi, const char *opt)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		rio_usage_error(
		    "%s is '%s': expected a whole number from %ld to %ld", opt,
		    s, lo, hi);
	return v;
}

static int64_t
parse_dur(const char *s, const char *opt)
{
	int64_t ms;

	if (dur_parse(s, &ms) < 0 || ms < 0)
		rio_usage_error(
		    "%s is '%s': expected a duration such as 30s or 5m", opt,
		    s);
	return ms;
}

/* Check the options against each other and set up the baseline name. */
static void
check_options(void)
{
	char err[256];

	if (baseline_arg == NULL && against_file == NULL)
		rio_usage_error("give --baseline or --against");
	if (baseline_arg != NULL && against_file != NULL)
		rio_usage_error("give --baseline or --against, not both");
	if (baseline_arg != NULL) {
		if (bl_parse(baseline_arg, &spec, err, sizeof err) < 0)
			rio_usage_error("--baseline %s", err);
		if (stat_median && spec.kind == BL_EWMA)
			rio_usage_error(
			    "--stat applies to prev and season baselines, not ewma");
		spec.stat = stat_median ? BL_MEDIAN : BL_MEAN;
		if (rate_given || against_value || on_names.n || idle_ms)
			rio_usage_error(
			    "--rate, --on, --against-value and --idle need --against");
	} else {
		if (state_file != NULL)
			rio_usage_error(
			    "--state keeps history, which --against does not use");
		if (stat_median)
			rio_usage_error("--stat applies to --baseline");
		if (against_value == NULL)
			against_value = "count";
	}
	if (save_every_ms && state_file == NULL)
		rio_usage_error("--save-every needs --state");

	buf_t b = BUF_INIT;
	if (name_opt != NULL) {
		buf_adds(&b, name_opt);
	} else if (baseline_arg != NULL) {
		if (stat_median)
			buf_adds(&b, "median(");
		bl_text(&spec, &b);
		if (stat_median)
			buf_addc(&b, ')');
	} else {
		if (rate != 1) {
			jw_num(&b, rate);
			buf_addc(&b, '*');
		}
		buf_adds(&b, "against:");
		buf_adds(&b, against_file);
	}
	jw_str(&baseline_json, b.p, b.len);
	buf_free(&b);
}

/* ---- records ---------------------------------------------------------- */

/* A field name, as raw JSON text, equal to the C string s. */
static int
name_is(const jfield_t *f, const char *s, size_t n)
{
	return f->klen == n && memcmp(f->k, s, n) == 0;
}

#define NAME_IS(f, lit) name_is((f), lit, sizeof lit - 1)

/*
 * A field that is not part of the group key when --key is not given: the
 * window, the aggregates of tingle-count and the fields this stage adds
 * (key_window_field), and the value fields named on the command line.
 */
static int
is_key_field(const jfield_t *f)
{
	if (key_window_field(f->k, f->klen) ||
	    name_is(f, value_field, strlen(value_field)))
		return 0;
	if (against_value != NULL &&
	    name_is(f, against_value, strlen(against_value)))
		return 0;
	return 1;
}

static void
key_add(buf_t *b, const char *name, size_t nlen, const jfield_t *f)
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
static void
make_key(const rec_t *r, const struct names *l, buf_t *b)
{
	buf_reset(b);
	if (l->n > 0) {
		for (size_t i = 0; i < l->n; i++)
			key_add(b, l->v[i], strlen(l->v[i]),
			        rec_get(r, l->v[i], strlen(l->v[i])));
		return;
	}
	for (size_t i = 0; i < r->obj.n; i++) {
		const jfield_t *f = &r->obj.f[i];

		if (is_key_field(f))
			key_add(b, f->k, f->klen, f);
	}
}

/* The key field names of record r, as a JSON array (for state files). */
static char *
key_names_json(const rec_t *r)
{
	buf_t b = BUF_INIT;

	buf_addc(&b, '[');
	if (key_names.n > 0) {
		for (size_t i = 0; i < key_names.n; i++) {
			if (i > 0)
				buf_addc(&b, ',');
			jw_str(&b, key_names.v[i], strlen(key_names.v[i]));
		}
	} else {
		int first = 1;

		for (size_t i = 0; i < r->obj.n; i++) {
			const jfield_t *f = &r->obj.f[i];

			if (!is_key_field(f))
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

/*
 * A window: its start and end in milliseconds, and what its length is
 * judged by.  tingle-count's windows follow the wall clock of its --tz
 * zone, so a window that holds a change of UTC offset lasts longer or
 * shorter than its width: on the night clocks go back, the 6 h window
 * from 00:00-05:00 to 06:00-06:00 lasts 7 hours.  Its length on the
 * clock, the difference of the civil times written (taking their
 * offsets into account), is still 6 h.  Where a change leaves the
 * window's run of clock times, count also cuts a window at the change
 * (2 h windows when 02:00 is skipped: 00:00-06:00 to 03:00-05:00, then
 * 03:00-05:00 to 04:00-05:00), and such a window is shorter.
 */
struct win {
	int64_t start, end;
	int64_t wall; /* length on the clock */
	int64_t jump; /* largest change of offset in it or on its edges */
};

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

/* The last window read, by the raw text of its times: all groups of a
 * window share it, and working it out takes several zone lookups. */
struct wcache {
	char raw[2][64];
	size_t len[2];
	struct win w;
};

static int
cache_hit(const struct wcache *c, const jfield_t *fs, const jfield_t *fe)
{
	return fs != NULL && fe != NULL && c->len[0] > 0 &&
	       fs->vlen == c->len[0] && fe->vlen == c->len[1] &&
	       memcmp(fs->v, c->raw[0], fs->vlen) == 0 &&
	       memcmp(fe->v, c->raw[1], fe->vlen) == 0;
}

/*
 * The window of record r, or -1 after reporting the line as bad input.
 */
static int
get_window(const rec_t *r, const line_t *l, struct wcache *c, struct win *w)
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
near_change(const struct win *w)
{
	int64_t a = floor_sec(w->start), b = floor_sec(w->end);
	long o = tz_offset(a - 86400);

	return tz_offset(a + 86400) != o || tz_offset(b - 86400) != o ||
	       tz_offset(b + 86400) != o;
}

/* Whether tingle-count with windows of len every hop writes the window
 * from w's start to its end. */
static int
count_writes(const struct win *w, int64_t len, int64_t hop)
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
count_window(const struct win *w, int64_t len)
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
static int
win_fits(const struct win *w, int64_t len)
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
static int
win_regular(const struct win *w)
{
	return w->jump == 0;
}

/* Describe the length of w for a message. */
static const char *
win_text(const struct win *w, char *out, size_t outlen)
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

enum { VAL_NUM, VAL_NULL, VAL_BAD };

/* The number in field name of r: VAL_NUM with *v, VAL_NULL, or VAL_BAD
 * when the field is missing or not a number a double holds. */
static int
get_value(const rec_t *r, const char *name, double *v)
{
	const jfield_t *f = rec_get(r, name, strlen(name));
	const char *p;
	int64_t n = 0;
	size_t i = 0;

	if (f == NULL)
		return VAL_BAD;
	if (f->type == JT_NULL)
		return VAL_NULL;
	if (f->type != JT_NUM)
		return VAL_BAD;
	/* Counts are small integers: skip strtod for them. */
	p = f->v;
	if (f->vlen < 16) {
		while (i < f->vlen && p[i] >= '0' && p[i] <= '9')
			n = n * 10 + (p[i++] - '0');
		if (i == f->vlen) {
			*v = (double)n;
			return VAL_NUM;
		}
	}
	*v = strtod(p, NULL);
	/* A number past the largest double (1e400) has no value to
	 * compare or to keep in the history. */
	return isfinite(*v) ? VAL_NUM : VAL_BAD;
}

/* ---- output ----------------------------------------------------------- */

/* Append the digits of u. */
static void
put_uint(buf_t *b, uint64_t u)
{
	char tmp[24];
	int i = sizeof tmp;

	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	buf_add(b, tmp + i, sizeof tmp - (size_t)i);
}

/*
 * Append a derived number (an expectation, ratio, difference or z) with
 * at most 12 significant digits: they are statistics, and the digits
 * beyond are floating-point noise ("delta":-0.8000000000000007).
 * Whole numbers are written in full up to 2^53, as far as a double holds
 * every whole number exactly; larger ones get 12 digits too.  Formatting
 * is done by hand for the usual magnitudes, as printf would dominate the
 * run time.
 */
static void
put_num(buf_t *b, double d)
{
	static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,
	                             1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
	                             1e12, 1e13, 1e14, 1e15, 1e16};
	double a = fabs(d), scaled;
	char digits[12];
	uint64_t m;
	int e, nd;

	if (!isfinite(d)) {
		buf_add(b, "null", 4);
		return;
	}
	if (a <= 9007199254740992.0 && d == floor(d)) {
		if (d < 0)
			buf_addc(b, '-');
		put_uint(b, (uint64_t)a);
		return;
	}
	if (a < 1e-4 || a >= 1e14) {
		buf_printf(b, "%.12g", d);
		return;
	}
	/* a = m * 10^(e - 11) with m of 12 digits, e the exponent of the
	 * leading digit. */
	e = (int)floor(log10(a));
	scaled = e <= 11 ? a * p10[11 - e] : a / p10[e - 11];
	m = (uint64_t)llround(scaled);
	if (m >= 1000000000000ULL) {
		m = (m + 5) / 10;
		e++;
	} else if (m < 100000000000ULL) {
		m *= 10;
		e--;
	}
	for (int i = 11; i >= 0; i--) {
		digits[i] = (char)('0' + m % 10);
		m /= 10;
	}
	if (d < 0)
		buf_addc(b, '-');
	if (e >= 11) {
		buf_add(b, digits, 12);
		for (int i = 11; i < e; i++)
			buf_addc(b, '0');
		return;
	}
	/* Digits after the point, without trailing zeros. */
	nd = 12;
	while (nd > 0 && digits[nd - 1] == '0' && nd > e + 1)
		nd--;
	if (e >= 0) {
		buf_add(b, digits, (size_t)e + 1);
		if (nd > e + 1) {
			buf_addc(b, '.');
			buf_add(b, digits + e + 1, (size_t)(nd - e - 1));
		}
	} else {
		buf_add(b, "0.", 2);
		for (int i = -1; i > e; i--)
			buf_addc(b, '0');
		buf_add(b, digits, (size_t)nd);
	}
}

static void
num_set(const char *field, double d)
{
	buf_reset(&num);
	put_num(&num, d);
	rec_set(&rec, field, num.p, num.len);
}

/*
 * Add the comparison to rec: observed value v (VAL_NUM or VAL_NULL in
 * vt), against expectation res (has_exp 0: none), then write it.
 */
static void
put_compare(int vt, double v, const struct bl_result *res)
{
	int has_exp = res->has_exp && res->n >= min_baseline;
	int obs = vt == VAL_NUM;

	if (has_exp)
		num_set("expected", res->exp);
	else
		rec_set(&rec, "expected", "null", 4);
	if (has_exp && obs && res->exp != 0)
		num_set("ratio", v / res->exp);
	else
		rec_set(&rec, "ratio", "null", 4);
	if (has_exp && obs)
		num_set("delta", v - res->exp);
	else
		rec_set(&rec, "delta", "null", 4);
	if (has_exp && obs && res->has_z)
		num_set("z", res->z);
	else
		rec_set(&rec, "z", "null", 4);
	buf_reset(&num);
	put_uint(&num, (uint64_t)res->n);
	rec_set(&rec, "baseline_n", num.p, num.len);
	rec_set(&rec, "baseline", baseline_json.p, baseline_json.len);
	rec_write(&rec, &rio_out);
	rio_out_record();
}

/* ---- configuration and state files ----------------------------------- */

static void
config_json(buf_t *b)
{
	char d[64];

	buf_reset(b);
	buf_adds(b, "{\"baseline\":");
	buf_adds(b, "\"");
	bl_text(&spec, b);
	buf_adds(b, "\",\"keys\":");
	buf_adds(b, cfg_keys ? cfg_keys : "null");
	buf_adds(b, ",\"stat\":");
	buf_adds(b, stat_median ? "\"median\"" : "\"mean\"");
	if (spec.kind == BL_SEASON && spec.period_days > 0) {
		buf_adds(b, ",\"tz\":");
		jw_str(b, rio_tz ? rio_tz : "UTC",
		       strlen(rio_tz ? rio_tz : "UTC"));
	}
	buf_adds(b, ",\"value\":");
	jw_str(b, value_field, strlen(value_field));
	buf_adds(b, ",\"window\":");
	if (cfg_window > 0) {
		buf_addc(b, '"');
		buf_adds(b, dur_format(cfg_window, d, sizeof d));
		buf_addc(b, '"');
	} else {
		buf_adds(b, "null");
	}
	buf_addc(b, '}');
}

static void
state_refuse(const char *what, const char *was, const char *now)
{
	util_die(
	    EX_DATAERR,
	    "state file '%s' was written for %s %s, not %s; use another --state file or remove it to start afresh",
	    state_file, what, was, now);
}

/* Compare one member of the state's configuration with ours. */
static void
state_expect(json_t *cfg, const char *member, const char *what,
             const char *ours)
{
	json_t *j = json_object_get(cfg, member);
	const char *theirs = json_string_value(j);

	if (j == NULL && ours == NULL)
		return;
	if (theirs == NULL || ours == NULL || strcmp(theirs, ours) != 0)
		state_refuse(what, theirs ? theirs : "(none)",
		             ours ? ours : "(none)");
}

static void
state_corrupt(const char *what)
{
	util_die(EX_DATAERR,
	    "state file '%s' is corrupt: %s; remove it to start afresh",
	    state_file, what);
}

/* Take the state file's configuration, refusing one that is not ours. */
static void
state_config(json_t *cfg)
{
	json_t *jk = json_object_get(cfg, "keys");
	json_t *jw = json_object_get(cfg, "window");
	buf_t b = BUF_INIT;
	int64_t ms;

	bl_text(&spec, &b);
	state_expect(cfg, "baseline", "--baseline", b.p);
	state_expect(cfg, "stat", "--stat", stat_median ? "median" : "mean");
	state_expect(cfg, "value", "--value", value_field);
	if (spec.kind == BL_SEASON && spec.period_days > 0)
		state_expect(cfg, "tz", "--tz", rio_tz ? rio_tz : "UTC");
	buf_free(&b);
	if (json_is_array(jk))
		cfg_keys = json_dumps(jk, JSON_COMPACT);
	else if (!json_is_null(jk))
		state_corrupt("bad key fields");
	if (json_is_string(jw)) {
		if (dur_parse(json_string_value(jw), &ms) < 0 || ms <= 0)
			state_corrupt("bad window length");
		cfg_window = ms;
	} else if (!json_is_null(jw)) {
		state_corrupt("bad window length");
	}
}

/* Load the history of --state, if the file exists. */
static void
state_load(void)
{
	char err[512];
	buf_t text = BUF_INIT;
	json_t *doc;

	if (rd_slurp_state(state_file, &text) < 0)
		return; /* the first run */
	doc = bl_state_parse(text.p, text.len, err, sizeof err);
	buf_free(&text);
	if (doc == NULL)
		state_corrupt(err);
	state_config(json_object_get(doc, "config"));
	if (bl_state_groups(hist, groups, doc, err, sizeof err) < 0)
		state_corrupt(err);
	json_decref(doc);
	if (kmap_len(groups) > max_groups)
		util_die(
		    EX_SOFTWARE,
		    "state file '%s' holds %zu groups, more than --max-groups %zu",
		    state_file, kmap_len(groups), max_groups);
}

static void
state_save(void)
{
	buf_t cfg = BUF_INIT;
	const char *what;

	rio_out_flush(); /* what the state holds has been written out */
	config_json(&cfg);
	if (bl_state_save(hist, groups, cfg.p, state_file, &what) < 0)
		util_die(EX_IOERR, "cannot %s state file '%s': %s", what,
		         state_file, strerror(errno));
	buf_free(&cfg);
}

/*
 * The first record fixes the key field names, and the first window that
 * holds or touches no change of UTC offset the window length (a window
 * that does cannot tell its width); both must be those of the state
 * file, if it knows them.  Every record's window must fit that length:
 * returns -1 after reporting one that does not.
 */
static int
check_config(const rec_t *r, const line_t *l, const struct win *w)
{
	static int seen;
	char a[96], b[64];

	if (!win_fits(w, cfg_window)) {
		if (!seen)
			state_refuse("windows of",
			             dur_format(cfg_window, b, sizeof b),
			             win_text(w, a, sizeof a));
		rio_bad_input(l, "window of %s, but the first was %s",
		              win_text(w, a, sizeof a),
		              dur_format(cfg_window, b, sizeof b));
		return -1;
	}
	if (cfg_window == 0 && win_regular(w))
		cfg_window = w->wall;
	if (!seen) {
		char *names = key_names_json(r);

		seen = 1;
		if (cfg_keys != NULL) {
			json_t *x = json_loads(cfg_keys, 0, NULL);
			json_t *y = json_loads(names, 0, NULL);
			int same = json_equal(x, y);

			json_decref(x);
			json_decref(y);
			if (!same)
				state_refuse("key fields", cfg_keys, names);
		}
		free(cfg_keys);
		cfg_keys = names;
	}
	return 0;
}

/* ---- history: --baseline ----------------------------------------------- */

static struct wcache main_cache[2];

/* Compare one count record with its group's history. */
static void
compare_history(const line_t *l)
{
	struct bl_result res;
	struct win w;
	const char *msg;
	size_t col;
	double v = 0;
	uint32_t id;
	int vt, added;

	if (rec_scan(&rec, l->p, l->n, &col, &msg) < 0) {
		rio_bad_json(l, col, msg);
		return;
	}
	if (get_window(&rec, l, main_cache, &w) < 0)
		return;
	vt = get_value(&rec, value_field, &v);
	if (vt == VAL_BAD) {
		rio_bad_input(l, "field '%s' is missing or not a number",
		              value_field);
		return;
	}
	if (check_config(&rec, l, &w) < 0)
		return;
	make_key(&rec, &key_names, &key);
	id = kmap_add(groups, key.p, key.len, util_hash_bytes(key.p, key.len),
	              &added);
	if (added && kmap_len(groups) > max_groups)
		util_die(EX_SOFTWARE, "more than %zu groups (--max-groups)",
		    max_groups);
	bl_step(hist, id, w.start, vt == VAL_NUM ? &v : NULL, &res);
	if (res.order == BL_OLD)
		rio_note_input(
		    l->file, l->num,
		    "window is older than its group's history, compared with nothing");
	put_compare(vt, v, &res);
}

static void
run_history(reader_t *rd)
{
	int64_t next_save = 0;
	int timeout = -1, r;
	line_t l;

	if (save_every_ms > 0)
		next_save = ts_mono_ms() + save_every_ms;
	for (;;) {
		if (next_save) {
			int64_t now = ts_mono_ms();

			if (now >= next_save) {
				state_save();
				now = ts_mono_ms();
				next_save = now + save_every_ms;
			}
			timeout = (int)(next_save - now);
		}
		r = rd_next(rd, &l, timeout);
		if (r == RD_EOF)
			break;
		if (r == RD_LINE)
			compare_history(&l);
	}
}

/* ---- another stream: --against ---------------------------------------- */

enum { OBS = 0, OTH = 1 };                      /* the two inputs */
enum { OTHER_NONE = 0, OTHER_NUM, OTHER_NULL }; /* the other's value */

/* How far (in windows) one input may run ahead of the other. */
#define READ_AHEAD 256

struct side {
	reader_t *rd;
	int eof;
	int any;           /* a record has been read */
	int64_t max_end;   /* latest window end read */
	int64_t last_read; /* monotonic time of the last line */
	struct wcache cache[2];
};

/* One key of a pending window: what each input said about it. */
struct pent {
	int has_obs;
	size_t obs, obslen; /* the observed line, in the window's text */
	int other;          /* OTHER_NONE, OTHER_NUM or OTHER_NULL */
	double ov;          /* the other input's value */
	int has_syn;
	size_t syn, synlen; /* the other record's key and window members */
};

/* A repeated observed record of a key (a revised count). */
struct pdup {
	uint32_t id;
	size_t off, len;
};

/* A window that one input or both have reached but not yet passed. */
struct pwin {
	struct win w;
	int64_t passed_at[2]; /* when each input passed it by its data, or -1 */
	struct kmap *keys;    /* join key -> entry id */
	struct pent *e;
	size_t ecap;
	uint32_t *order; /* ids with an observed record, in arrival order */
	size_t norder;
	struct pdup *dup;
	size_t ndup, dupcap;
	buf_t text; /* lines and members the entries point into */
};

static struct side sides[2];
static struct pwin **pend; /* sorted by end, then start */
static size_t npend, pendcap;
static int64_t emitted_end; /* windows ending by then have been emitted */
static int emitted_any;
static rec_t orec;      /* a record of the other input */
static buf_t synthetic; /* a record standing in for a missing one */

static const struct names *
join_names(void)
{
	return on_names.n > 0 ? &on_names : &key_names;
}

/* Is member f of a record of the other input part of the join? */
static int
is_join_field(const jfield_t *f)
{
	const struct names *l = join_names();

	if (l->n == 0)
		return is_key_field(f);
	for (size_t i = 0; i < l->n; i++)
		if (name_is(f, l->v[i], strlen(l->v[i])))
			return 1;
	return 0;
}

/*
 * The join key of record r in k, and the names of its key fields in ks
 * (as a JSON array, for messages).  With --on or --key, the named
 * fields in that order (an absent one has an empty value and is not
 * named in ks); else every key field of the record, sorted by name, so
 * that the two inputs may order their fields differently.
 */
static void
make_join_key(const rec_t *r, buf_t *k, buf_t *ks)
{
	static const jfield_t **f;
	static size_t fcap;
	const struct names *l = join_names();
	size_t n = 0;

	buf_reset(k);
	buf_reset(ks);
	buf_addc(ks, '[');
	if (l->n > 0) {
		for (size_t i = 0; i < l->n; i++) {
			size_t len = strlen(l->v[i]);
			const jfield_t *x = rec_get(r, l->v[i], len);

			key_add(k, l->v[i], len, x);
			if (x == NULL)
				continue;
			if (ks->len > 1)
				buf_addc(ks, ',');
			jw_str(ks, l->v[i], len);
		}
		buf_addc(ks, ']');
		return;
	}
	for (size_t i = 0; i < r->obj.n; i++) {
		const jfield_t *x = &r->obj.f[i];
		size_t j;

		if (!is_key_field(x))
			continue;
		if (n == fcap) {
			fcap = fcap ? fcap * 2 : 16;
			f = xrealloc(f, fcap * sizeof *f);
		}
		/* Insertion sort: records have a few key fields. */
		for (j = n; j > 0; j--) {
			const jfield_t *y = f[j - 1];
			size_t m = y->klen < x->klen ? y->klen : x->klen;
			int c = memcmp(y->k, x->k, m);

			if (c < 0 || (c == 0 && y->klen <= x->klen))
				break;
			f[j] = y;
		}
		f[j] = x;
		n++;
	}
	for (size_t i = 0; i < n; i++) {
		key_add(k, f[i]->k, f[i]->klen, f[i]);
		if (i > 0)
			buf_addc(ks, ',');
		buf_addc(ks, '"');
		buf_add(ks, f[i]->k, f[i]->klen);
		buf_addc(ks, '"');
	}
	buf_addc(ks, ']');
}

/*
 * What the two inputs must agree on: windows of one width and the same
 * key fields.  Otherwise the join finds nothing, and every count of the
 * other input would turn into a made-up count of 0.  The first observed
 * record fixes the key fields and the first observed window that tells
 * its width (win_regular) the width.  Until both are known, records of
 * the other input are taken on trust and remembered in dlines; they are
 * judged once both are known, or before the first window is written,
 * when what the observed input has not told is taken from the other's
 * first records.  A record that does not agree is bad input of its
 * input.
 */
static struct {
	int have_keys;
	buf_t keys;     /* the key field names, as make_join_key writes them */
	int64_t len;    /* the window width, or 0 */
	int from_other; /* fixed by the other input's records */
	int settled;    /* records of the other input are judged at once */
} ref;

/* A line of the other input taken on trust, kept in its window's text. */
struct dline {
	struct pwin *pw;
	uint32_t id;
	size_t off, len;
	const char *file;
	unsigned long num;
};

static struct dline *dlines;
static size_t ndlines, dlinecap;
static buf_t keysig; /* key field names of the record being read */

/* Learn what is not known yet from a record of input side. */
static void
ref_learn(int side, const struct win *w, const buf_t *ks)
{
	if (!ref.have_keys) {
		buf_reset(&ref.keys);
		buf_add(&ref.keys, ks->p, ks->len);
		ref.have_keys = 1;
		ref.from_other = side == OTH;
	}
	if (ref.len == 0 && win_regular(w))
		ref.len = w->wall;
}

/*
 * Whether a record of input side with window w and key field names ks
 * agrees with what is known; if not, the reason in msg.
 */
static int
ref_agrees(int side, const struct win *w, const buf_t *ks, char *msg,
           size_t msglen)
{
	/* Whose records fixed what is known, for the message: this input's
	 * first, or the other's. */
	int same = side == (ref.from_other ? OTH : OBS);
	const char *whose = side == OTH ? "observed" : "other input's";
	char a[96], b[64];

	if (ref.have_keys && (ks->len != ref.keys.len ||
	                      memcmp(ks->p, ref.keys.p, ks->len) != 0)) {
		snprintf(msg, msglen, "key fields %.*s, but the %s %s %.*s",
		         (int)ks->len, ks->p, same ? "first" : whose,
		         same ? "record has" : "records have",
		         (int)ref.keys.len, ref.keys.p);
		return 0;
	}
	if (!win_fits(w, ref.len)) {
		snprintf(msg, msglen, "window of %s, but the %s %s %s",
		         win_text(w, a, sizeof a), same ? "first" : whose,
		         same ? "was" : "windows are",
		         dur_format(ref.len, b, sizeof b));
		return 0;
	}
	return 1;
}

/*
 * Check line l of input side (its window w, its key field names in
 * keysig) against what the inputs must agree on.  Returns 0 after
 * reporting a line that does not agree.  A line of the other input read
 * before the observed input has told enough passes, to be judged later.
 */
static int
agrees(int side, const line_t *l, const struct win *w)
{
	char msg[512];

	if (side == OTH && !ref.settled)
		return 1;
	if (!ref_agrees(side, w, &keysig, msg, sizeof msg)) {
		rio_bad_input(l, "%s", msg);
		return 0;
	}
	ref_learn(side, w, &keysig);
	return 1;
}

/* Remember line l of the other input, taken on trust as entry id of pw. */
static void
defer_line(struct pwin *pw, uint32_t id, const line_t *l)
{
	if (ndlines == dlinecap) {
		dlinecap = dlinecap ? dlinecap * 2 : 64;
		dlines = xrealloc(dlines, dlinecap * sizeof *dlines);
	}
	dlines[ndlines++] =
	    (struct dline){pw, id, pw->text.len, l->n, l->file, l->num};
	buf_add(&pw->text, l->p, l->n);
}

static void drop_dead_windows(void);

/*
 * Judge the lines of the other input taken on trust, now that the
 * observed input has told its key fields and width, or because a window
 * is about to be written: then what it has not told is taken from the
 * first of those lines (the first that tells the width, for the width).
 * A line that does not agree is reported and its entry dropped.
 */
static void
settle(void)
{
	struct wcache cache = {0};
	buf_t k = BUF_INIT, ks = BUF_INIT;
	char msg[512];
	const char *m;
	size_t col;
	struct win w;

	ref.settled = 1;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < ndlines; i++) {
			struct dline *d = &dlines[i];
			struct pent *e = &d->pw->e[d->id];
			const char *text = d->pw->text.p + d->off;

			/* The line was checked when it arrived. */
			if (rec_scan(&orec, text, d->len, &col, &m) < 0 ||
			    get_window(&orec, NULL, &cache, &w) < 0)
				util_die(EX_SOFTWARE,
				         "kept record no longer scans");
			make_join_key(&orec, &k, &ks);
			if (pass == 0) {
				if (ref.len == 0 || !ref.have_keys)
					ref_learn(OTH, &w, &ks);
				continue;
			}
			if (ref_agrees(OTH, &w, &ks, msg, sizeof msg))
				continue;
			rio_bad_input_text(d->file, d->num, text, d->len, "%s",
			                   msg);
			e->other = OTHER_NONE;
			e->has_syn = 0;
		}
	}
	free(dlines);
	dlines = NULL;
	ndlines = dlinecap = 0;
	buf_free(&k);
	buf_free(&ks);
	drop_dead_windows();
}

/* Input s has passed window pw by what it read: a window that ends later,
 * or its end. */
static int
data_passed(const struct side *s, const struct pwin *pw)
{
	return s->eof || (s->any && s->max_end > pw->w.end);
}

/* Note the time at which input s passed each pending window. */
static void
stamp_passed(int s)
{
	int64_t now = -1;

	for (size_t i = 0; i < npend; i++) {
		struct pwin *pw = pend[i];

		if (pw->passed_at[s] >= 0 || !data_passed(&sides[s], pw))
			continue;
		if (now < 0)
			now = ts_mono_ms();
		pw->passed_at[s] = now;
	}
}

static struct pwin *
find_window(const struct win *w)
{
	for (size_t i = npend; i-- > 0;)
		if (pend[i]->w.start == w->start && pend[i]->w.end == w->end)
			return pend[i];
	return NULL;
}

static struct pwin *
add_window(const struct win *w)
{
	struct pwin *pw = xcalloc(1, sizeof *pw);
	size_t i = npend;

	pw->w = *w;
	pw->keys = kmap_new();
	for (int s = 0; s < 2; s++)
		pw->passed_at[s] =
		    data_passed(&sides[s], pw) ? ts_mono_ms() : -1;
	if (npend == pendcap) {
		pendcap = pendcap ? pendcap * 2 : 16;
		pend = xrealloc(pend, pendcap * sizeof *pend);
	}
	while (i > 0 && (pend[i - 1]->w.end > w->end ||
	                 (pend[i - 1]->w.end == w->end &&
	                  pend[i - 1]->w.start > w->start)))
		i--;
	memmove(pend + i + 1, pend + i, (npend - i) * sizeof *pend);
	pend[i] = pw;
	npend++;
	return pw;
}

static void
free_window(struct pwin *pw)
{
	kmap_free(pw->keys);
	free(pw->e);
	free(pw->order);
	free(pw->dup);
	buf_free(&pw->text);
	free(pw);
}

/* The entry of key k in window pw, made empty when new. */
static struct pent *
entry(struct pwin *pw, const buf_t *k, uint32_t *idp)
{
	int added;
	uint32_t id = kmap_add(pw->keys, k->p, k->len,
	                       util_hash_bytes(k->p, k->len), &added);

	if (added) {
		if (kmap_len(pw->keys) > max_groups)
			util_die(EX_SOFTWARE,
			    "more than %zu groups in one window (--max-groups)",
			    max_groups);
		if (id >= pw->ecap) {
			pw->ecap = pw->ecap ? pw->ecap * 2 : 16;
			pw->e = xrealloc(pw->e, pw->ecap * sizeof *pw->e);
			pw->order =
			    xrealloc(pw->order, pw->ecap * sizeof *pw->order);
		}
		memset(&pw->e[id], 0, sizeof pw->e[id]);
	}
	*idp = id;
	return &pw->e[id];
}

/* Note that input s has reached window w. */
static void
side_saw(int s, const struct win *w)
{
	int later = !sides[s].any || w->end > sides[s].max_end;

	if (later)
		sides[s].max_end = w->end;
	sides[s].any = 1;
	if (later)
		stamp_passed(s);
}

/* A record of a window that has already been emitted. */
static int
is_late(const struct win *w)
{
	return emitted_any && w->end <= emitted_end;
}

/*
 * Read line l of input side into r: its window, its value field and its
 * join key (in key).  Returns the value's VAL_ type, or -1 when the line
 * was bad input (already reported).
 */
static int
take_line(int side, rec_t *r, const char *field, const line_t *l, struct win *w,
          double *v)
{
	const char *msg;
	size_t col;
	int vt;

	if (rec_scan(r, l->p, l->n, &col, &msg) < 0) {
		rio_bad_json(l, col, msg);
		return -1;
	}
	if (get_window(r, l, sides[side].cache, w) < 0)
		return -1;
	vt = get_value(r, field, v);
	if (vt == VAL_BAD) {
		rio_bad_input(l, "field '%s' is missing or not a number",
		              field);
		return -1;
	}
	make_join_key(r, &key, &keysig);
	if (!agrees(side, l, w))
		return -1;
	side_saw(side, w);
	return vt;
}

static void
take_observed(const line_t *l)
{
	struct bl_result res = {0};
	struct pwin *pw;
	struct pent *e;
	struct win w;
	uint32_t id;
	double v = 0;
	int vt = take_line(OBS, &rec, value_field, l, &w, &v);

	if (vt < 0)
		return;
	pw = find_window(&w);
	if (pw == NULL && is_late(&w)) {
		rio_note_input(
		    l->file, l->num,
		    "window already compared, compared with nothing");
		put_compare(vt, v, &res);
		return;
	}
	if (pw == NULL)
		pw = add_window(&w);
	e = entry(pw, &key, &id);
	if (e->has_obs) {
		if (pw->ndup == pw->dupcap) {
			pw->dupcap = pw->dupcap ? pw->dupcap * 2 : 8;
			pw->dup =
			    xrealloc(pw->dup, pw->dupcap * sizeof *pw->dup);
		}
		pw->dup[pw->ndup++] = (struct pdup){id, pw->text.len, l->n};
	} else {
		e->has_obs = 1;
		e->obs = pw->text.len;
		e->obslen = l->n;
		pw->order[pw->norder++] = id;
	}
	buf_add(&pw->text, l->p, l->n);
	if (!ref.settled && ref.have_keys && ref.len != 0)
		settle();
}

static void
take_other(const line_t *l)
{
	struct pwin *pw;
	struct pent *e;
	struct win w;
	uint32_t id;
	double v = 0;
	int vt = take_line(OTH, &orec, against_value, l, &w, &v);

	if (vt < 0)
		return;
	pw = find_window(&w);
	if (pw == NULL && is_late(&w)) {
		rio_note_input(
		    l->file, l->num,
		    "window already compared without this record, ignored");
		return;
	}
	if (pw == NULL)
		pw = add_window(&w);
	e = entry(pw, &key, &id);
	e->other = vt == VAL_NUM ? OTHER_NUM : OTHER_NULL;
	e->ov = v;
	if (!ref.settled)
		defer_line(pw, id, l);
	if (e->has_syn)
		return;
	/* Keep what a record for a missing observed count needs. */
	e->has_syn = 1;
	e->syn = pw->text.len;
	for (size_t i = 0; i < orec.obj.n; i++) {
		const jfield_t *f = &orec.obj.f[i];

		if (!NAME_IS(f, "window_start") && !NAME_IS(f, "window_end") &&
		    !is_join_field(f))
			continue;
		if (pw->text.len > e->syn)
			buf_addc(&pw->text, ',');
		buf_add(&pw->text, f->k - 1,
		        (size_t)(f->v + f->vlen - f->k + 1));
	}
	e->synlen = pw->text.len - e->syn;
}

static void
against_result(const struct pent *e, struct bl_result *res)
{
	memset(res, 0, sizeof *res);
	if (e->other == OTHER_NUM) {
		res->n = 1;
		res->exp = rate * e->ov;
		/* R x a value near the largest double can pass it. */
		res->has_exp = isfinite(res->exp);
	}
}

static void
emit_observed(const struct pwin *pw, const struct pent *e, size_t off,
              size_t len)
{
	struct bl_result res;
	const char *msg;
	size_t col;
	double v = 0;
	int vt;

	/* The line was checked when it arrived. */
	if (rec_scan(&rec, pw->text.p + off, len, &col, &msg) < 0)
		util_die(EX_SOFTWARE, "kept record no longer scans: %s", msg);
	vt = get_value(&rec, value_field, &v);
	against_result(e, &res);
	put_compare(vt, v, &res);
}

/* A record for a key only the other input has: observed 0. */
static void
emit_missing(const struct pwin *pw, const struct pent *e)
{
	struct bl_result res;
	const char *msg;
	size_t col;

	buf_reset(&synthetic);
	buf_addc(&synthetic, '{');
	buf_add(&synthetic, pw->text.p + e->syn, e->synlen);
	jw_key(&synthetic, value_field);
	buf_addc(&synthetic, '0');
	buf_addc(&synthetic, '}');
	if (rec_scan(&rec, synthetic.p, synthetic.len, &col, &msg) < 0)
		util_die(EX_SOFTWARE, "built record does not scan: %s", msg);
	against_result(e, &res);
	put_compare(VAL_NUM, 0, &res);
}

/* Write window pw: observed records in arrival order, then the keys only
 * the other input has. */
static void
emit_window(struct pwin *pw)
{
	size_t n = kmap_len(pw->keys);

	for (size_t i = 0; i < pw->norder; i++) {
		const struct pent *e = &pw->e[pw->order[i]];

		emit_observed(pw, e, e->obs, e->obslen);
	}
	for (size_t i = 0; i < pw->ndup; i++)
		emit_observed(pw, &pw->e[pw->dup[i].id], pw->dup[i].off,
		              pw->dup[i].len);
	for (size_t i = 0; i < n; i++)
		if (!pw->e[i].has_obs && pw->e[i].has_syn)
			emit_missing(pw, &pw->e[i]);
	if (!emitted_any || pw->w.end > emitted_end)
		emitted_end = pw->w.end;
	emitted_any = 1;
}

/*
 * The monotonic time at which --idle lets input s, which has not passed
 * window pw by its data, pass it anyway. The quiet time counts from the
 * later of its last line and the moment the window was complete on the
 * other input: when that input passed it, or else its own last line. An
 * input that has not yet delivered a record (a tingle-count still in its
 * first window says nothing) is given one window length more, so that an
 * input that merely lags does not become a row of zero counts.
 */
static int64_t
idle_release(int s, const struct pwin *pw)
{
	const struct side *sd = &sides[s], *o = &sides[!s];
	int64_t since = sd->last_read;
	int64_t other =
	    pw->passed_at[!s] >= 0 ? pw->passed_at[!s] : o->last_read;

	if (other > since)
		since = other;
	if (!sd->any)
		since += pw->w.end - pw->w.start;
	return since + idle_ms;
}

/*
 * Input s has passed window pw: it has read a window that ends later, or
 * ended, or (with --idle) been quiet long enough.
 */
static int
passed(int s, const struct pwin *pw, int64_t now)
{
	if (data_passed(&sides[s], pw))
		return 1;
	return idle_ms > 0 && now >= idle_release(s, pw);
}

/*
 * After settle(): forget the windows left with no record, and what the
 * other input's dropped lines said about how far it has read.
 */
static void
drop_dead_windows(void)
{
	size_t keep = 0;

	sides[OTH].any = 0;
	for (size_t i = 0; i < npend; i++) {
		struct pwin *pw = pend[i];
		size_t n = kmap_len(pw->keys), live = 0, other = 0;

		for (size_t j = 0; j < n; j++) {
			live += pw->e[j].has_obs || pw->e[j].has_syn;
			other += pw->e[j].other != OTHER_NONE;
		}
		if (live == 0) {
			free_window(pw);
			continue;
		}
		if (other > 0 &&
		    (!sides[OTH].any || pw->w.end > sides[OTH].max_end)) {
			sides[OTH].max_end = pw->w.end;
			sides[OTH].any = 1;
		}
		pend[keep++] = pw;
	}
	npend = keep;
	for (size_t i = 0; i < npend; i++)
		if (!data_passed(&sides[OTH], pend[i]))
			pend[i]->passed_at[OTH] = -1;
}

/* Emit the oldest pending windows while both inputs have passed them;
 * all of them when all is set. */
static void
emit_ready(int64_t now, int all)
{
	size_t done = 0;

	if (!ref.settled && npend > 0 &&
	    (all || (passed(OBS, pend[0], now) && passed(OTH, pend[0], now))))
		settle();
	while (done < npend && (all || (passed(OBS, pend[done], now) &&
	                                passed(OTH, pend[done], now)))) {
		emit_window(pend[done]);
		free_window(pend[done]);
		done++;
	}
	if (done > 0) {
		memmove(pend, pend + done, (npend - done) * sizeof *pend);
		npend -= done;
	}
}

/* Milliseconds until --idle would release the oldest window, or -1. */
static int
idle_timeout(void)
{
	int64_t now = ts_mono_ms(), at = 0;

	if (idle_ms <= 0 || npend == 0)
		return -1;
	for (int s = 0; s < 2; s++) {
		int64_t t;

		if (data_passed(&sides[s], pend[0]))
			continue;
		t = idle_release(s, pend[0]);
		if (t > at)
			at = t;
	}
	if (at <= now)
		return 0;
	return at - now > INT_MAX ? INT_MAX : (int)(at - now);
}

/* The inputs in the order to read them, the one behind first; an input
 * far ahead of the other is left out until the other catches up. */
static int
read_order(int o[2])
{
	int behind = OBS, n = 0;

	if (sides[OTH].eof ||
	    (!sides[OBS].eof && sides[OBS].any &&
	     (!sides[OTH].any || sides[OTH].max_end < sides[OBS].max_end)))
		behind = OTH;
	if (sides[behind].eof)
		behind = !behind;
	if (!sides[behind].eof)
		o[n++] = behind;
	if (!sides[!behind].eof && (sides[behind].eof || npend < READ_AHEAD))
		o[n++] = !behind;
	return n;
}

/* Read one line (or whatever has arrived) from input s. */
static void
read_side(int s)
{
	line_t l;
	int r = rd_next(sides[s].rd, &l, 0);

	if (r == RD_EOF) {
		if (!rio_stop) {
			sides[s].eof = 1;
			stamp_passed(s);
		}
		return;
	}
	if (r != RD_LINE)
		return;
	sides[s].last_read = ts_mono_ms();
	if (s == OBS)
		take_observed(&l);
	else
		take_other(&l);
}

/* Wait for input on the sides in o[0..n); the side to read, or -1 (also
 * when a signal stops the run: the stop pipe ends the wait). */
static int
wait_sides(const int *o, int n)
{
	struct pollfd p[3];
	int np = 0;

	for (int i = 0; i < n; i++) {
		int fd = rd_fd(sides[o[i]].rd);

		if (fd < 0)
			return o[i]; /* between files: reading opens one */
		p[np].fd = fd;
		p[np].events = POLLIN;
		p[np].revents = 0;
		np++;
	}
	p[np].fd = rio_stop_fd();
	p[np].events = POLLIN;
	p[np].revents = 0;
	rio_out_flush();
	if (rio_stop || poll(p, (nfds_t)np + 1, idle_timeout()) <= 0)
		return -1;
	for (int i = 0; i < np; i++)
		if (p[i].revents)
			return o[i];
	return -1;
}

static void
run_against(void)
{
	int64_t start = ts_mono_ms();

	sides[OBS].last_read = sides[OTH].last_read = start;
	while (!rio_stop && !(sides[OBS].eof && sides[OTH].eof)) {
		int o[2], n, s = -1;

		emit_ready(ts_mono_ms(), 0);
		n = read_order(o);
		for (int i = 0; i < n && s < 0; i++)
			if (rd_has_line(sides[o[i]].rd))
				s = o[i];
		if (s < 0)
			s = wait_sides(o, n);
		if (s >= 0)
			read_side(s);
	}
	emit_ready(0, 1);
}

/* Open the other input: a file, a FIFO, /dev/fd/N from <(...), or "-". */
static reader_t *
open_against(int nfiles, char **files)
{
	int fd;

	if (strcmp(against_file, "-") == 0) {
		if (nfiles == 0)
			rio_usage_error(
			    "--against - needs the observed counts in named files");
		for (int i = 0; i < nfiles; i++)
			if (strcmp(files[i], "-") == 0)
				rio_usage_error(
				    "standard input cannot be both inputs");
		return rd_open_fd(STDIN_FILENO, "(stdin)");
	}
	rd_check_file(against_file);
	fd = open(against_file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		util_die(EX_NOINPUT, "%s: %s", against_file, strerror(errno));
	return rd_open_fd(fd, against_file);
}

/* ---- main --------------------------------------------------------------- */

static void
parse_options(int argc, char **argv)
{
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "b:k:" RIO_SHORTOPTS, longopts,
	                        NULL)) != -1) {
		switch (c) {
		case 'b':
			if (baseline_arg != NULL)
				rio_usage_error("give --baseline once");
			baseline_arg = optarg;
			break;
		case 'k':
			add_names(&key_names, optarg, "--key");
			break;
		case OPT_AGAINST:
			if (against_file != NULL)
				rio_usage_error("give --against once");
			if (*optarg == '\0')
				rio_usage_error("empty --against file name");
			against_file = optarg;
			break;
		case OPT_AGAINST_VALUE:
			if (*optarg == '\0')
				rio_usage_error("empty --against-value");
			against_value = optarg;
			break;
		case OPT_IDLE:
			idle_ms = parse_dur(optarg, "--idle");
			break;
		case OPT_MAX_GROUPS:
			/* 0: no limit, as in every stage. */
			max_groups = (size_t)parse_long(optarg, 0, LONG_MAX,
			                                "--max-groups");
			if (max_groups == 0)
				max_groups = SIZE_MAX;
			break;
		case OPT_MIN_BASELINE:
			min_baseline =
			    parse_long(optarg, 0, 1000000, "--min-baseline");
			break;
		case OPT_NAME:
			name_opt = optarg;
			break;
		case OPT_ON:
			add_names(&on_names, optarg, "--on");
			break;
		case OPT_RATE:
			errno = 0;
			rate = strtod(optarg, &end);
			if (errno || end == optarg || *end || !isfinite(rate) ||
			    rate < 0)
				rio_usage_error(
				    "--rate is '%s': expected a number of 0 or more",
				    optarg);
			rate_given = 1;
			break;
		case OPT_SAVE_EVERY:
			save_every_ms = parse_dur(optarg, "--save-every");
			break;
		case OPT_LOCK_TIMEOUT:
			lock_timeout_ms = parse_dur(optarg, "--lock-timeout");
			break;
		case OPT_STAT:
			if (strcmp(optarg, "median") == 0)
				stat_median = 1;
			else if (strcmp(optarg, "mean") == 0)
				stat_median = 0;
			else
				rio_usage_error(
				    "--stat is '%s': expected mean or median",
				    optarg);
			break;
		case OPT_STATE:
			if (*optarg == '\0')
				rio_usage_error("empty --state file name");
			state_file = optarg;
			break;
		case OPT_VALUE:
			if (*optarg == '\0')
				rio_usage_error("empty --value");
			value_field = optarg;
			break;
		default:
			rio_option(c, optarg, usage);
		}
	}
}

static void
free_names(struct names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/*
 * Read count records from the files named (or standard input) and write
 * each with its expectation; with --against, read the other stream too.
 */
int
main(int argc, char **argv)
{
	reader_t *rd;

	rio_init("tingle-compare", argc, argv);
	parse_options(argc, argv);
	check_options();
	argc -= optind;
	argv += optind;

	if (against_file != NULL) {
		sides[OTH].rd = open_against(argc, argv);
		sides[OBS].rd = rd = rd_open(argc, argv);
		run_against();
		rd_close(sides[OTH].rd);
	} else {
		groups = kmap_new();
		hist = bl_new(&spec);
		if (state_file != NULL) {
			rio_lock_state(state_file, lock_timeout_ms);
			state_load();
			/* A reader that goes away must not cost the state. */
			rio_hold_epipe();
		}
		rd = rd_open(argc, argv);
		run_history(rd);
		if (state_file != NULL)
			state_save();
	}
	rd_close(rd);

	bl_free(hist);
	kmap_free(groups);
	rec_free(&rec);
	rec_free(&orec);
	free(pend);
	free(cfg_keys);
	free_names(&key_names);
	free_names(&on_names);
	buf_free(&key);
	buf_free(&num);
	buf_free(&synthetic);
	buf_free(&keysig);
	buf_free(&ref.keys);
	buf_free(&baseline_json);
	return rio_finish(0);
}
