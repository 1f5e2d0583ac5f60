/*
 * window.c - the slot grid of event-time windows (see window.h).
 */
#include "window.h"

#include <time.h>

#include "ttime.h"

static int64_t
fdiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t
fmod64(int64_t a, int64_t b)
{
	return a - fdiv(a, b) * b;
}

/* Days since 1970-01-01 of a civil date (H. Hinnant's algorithm). */
static int64_t
day_number(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = fdiv(y, 400);
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

int
wgrid_init(wgrid_t *g, int64_t width_ms, int64_t every_ms, int week_start,
           const char **err)
{
	if (every_ms == 0)
		every_ms = width_ms;
	if (width_ms <= 0 || every_ms <= 0) {
		*err = "window width must be more than 0";
		return -1;
	}
	if (every_ms > width_ms || width_ms % every_ms != 0) {
		*err = "the window width must be a multiple of --every";
		return -1;
	}
	if (width_ms > 100000 * MS_PER_DAY) {
		*err = "window width of more than 100000 days";
		return -1;
	}
	if (width_ms / every_ms > 1000000) {
		*err = "more than a million --every steps in one window";
		return -1;
	}
	g->slot = every_ms;
	g->width = width_ms;
	g->nslots = (int)(width_ms / every_ms);
	g->days = 0;
	g->wdays = 0;
	g->anchor = 0;
	if (every_ms % MS_PER_DAY == 0) {
		g->days = (int)(every_ms / MS_PER_DAY);
		/* 1970-01-01 was a Thursday: day 0 is weekday 3. */
		if (every_ms % MS_PER_WEEK == 0)
			g->anchor = -3 - (week_start == 6 ? 1 : 0);
	} else if (g->nslots > 1 && width_ms % MS_PER_DAY == 0) {
		g->wdays = (int)(width_ms / MS_PER_DAY);
	}
	g->fw_s = INT64_MIN;
	g->fw = 0;
	g->lo = 1;
	g->hi = 0;
	return 0;
}

/* ---- clock grids in a zone --------------------------------------------- */

#define NO_CHANGE INT64_MIN

/* The zone's offset at t, in ms. */
static int64_t
off_at(int64_t t)
{
	return (int64_t)tz_offset(fdiv(t, 1000)) * 1000;
}

/*
 * The instant of the offset change in (lo, hi], given that the offsets at
 * lo and hi differ.  Offsets change on whole seconds.
 */
static int64_t
change_in(int64_t lo, int64_t hi)
{
	int64_t a = fdiv(lo, 1000), b = fdiv(hi, 1000);
	long o = tz_offset(a);

	while (b - a > 1) {
		int64_t mid = a + (b - a) / 2;
		if (tz_offset(mid) == o)
			a = mid;
		else
			b = mid;
	}
	return b * 1000;
}

/* The smallest multiple of w at or after x. */
static int64_t
ceil_to(int64_t x, int64_t w)
{
	int64_t r = fmod64(x, w);

	return r == 0 ? x : x - r + w;
}

/*
 * The slot starts of a clock grid of width w are the instants at which
 * the clock shows a multiple of w, and, for a multiple X that the clock
 * skips at a change from offset o0 to o1 > o0, the instant X - o0 (where
 * mktime puts it).  Offset changes are taken to be more than a day
 * apart, and no jump to be longer than a day.
 */

/* The latest slot start at or before t. */
static int64_t
clock_floor(int64_t t, int64_t w)
{
	for (int i = 0; i < 8; i++) {
		int64_t o = off_at(t), x = t - fmod64(t + o, w);
		if (off_at(x - MS_PER_DAY) == o)
			return x;
		/* A change in the last day: x is a start only if it is
		 * after the change, and the skipped multiples start slots
		 * after it too. */
		int64_t T = change_in(x - MS_PER_DAY, t);
		int64_t o0 = off_at(T - 1), o1 = off_at(T);
		int64_t best = x >= T ? x : NO_CHANGE;
		if (o1 > o0) {
			int64_t hi = t + o0 < T + o1 - 1 ? t + o0 : T + o1 - 1;
			int64_t X = hi - fmod64(hi, w);
			if (X >= T + o0 && X - o0 > best)
				best = X - o0;
		}
		if (best != NO_CHANGE)
			return best;
		t = T - 1;
	}
	return t - fmod64(t + off_at(t), w);
}

/* The first slot start after s. */
static int64_t
clock_next(int64_t s, int64_t w)
{
	for (int i = 0; i < 8; i++) {
		int64_t o = off_at(s), x = s - fmod64(s + o, w) + w;
		int after = off_at(x) != o;
		if (!after && off_at(s - MS_PER_DAY) == o)
			return x;
		int64_t T =
		    after ? change_in(s, x) : change_in(s - MS_PER_DAY, s);
		int64_t o0 = off_at(T - 1), o1 = off_at(T);
		int64_t best = INT64_MAX;
		if (!after) {
			best = x;
		} else {
			int64_t a = T + ceil_to(T + o1, w) - (T + o1);
			if (off_at(a) == o1)
				best = a;
		}
		if (o1 > o0) {
			int64_t lo = T + o0 > s + o0 + 1 ? T + o0 : s + o0 + 1;
			int64_t X = ceil_to(lo, w);
			if (X < T + o1 && X - o0 < best)
				best = X - o0;
		}
		if (best != INT64_MAX)
			return best;
		s = T;
	}
	return s + w;
}

/*
 * The wall time that the slot starting at s stands for: what the clock
 * shows, or for the start of a skipped multiple that multiple.
 */
static int64_t
clock_label(int64_t s, int64_t w)
{
	int64_t l = s + off_at(s);

	if (fmod64(l, w) == 0)
		return l;
	int64_t l0 = s + off_at(s - MS_PER_DAY);
	if (fmod64(l0, w) == 0)
		return l0;
	return l - fmod64(l, w);
}

/* The instant of the wall time local (ms), as mktime(3) finds it: the
 * earlier of two, and a skipped time as far past the jump as it was into
 * the gap. */
static int64_t
local_instant(int64_t local)
{
	int64_t sec = fdiv(local, 1000);
	struct tm tm;

	ts_utc_civil(sec, &tm);
	return tz_mktime(&tm) * 1000 + (local - sec * 1000);
}

/*
 * The size of the jump of an offset change close enough to p to disturb
 * the windows around it (within twice the jump and three slots), or 0.
 */
static int64_t
jump_near(int64_t p, int64_t w)
{
	if (off_at(p - MS_PER_DAY) == off_at(p + MS_PER_DAY))
		return 0;
	int64_t T = change_in(p - MS_PER_DAY, p + MS_PER_DAY);
	int64_t j = off_at(T) - off_at(T - 1), d = p - T;

	if (j < 0)
		j = -j;
	if (d < 0)
		d = -d;
	return d > 2 * j + 3 * w ? 0 : j;
}

/* ---- calendar grids ------------------------------------------------------ */

static int64_t
cal_floor(const wgrid_t *g, int64_t t)
{
	int64_t sec = fdiv(t, 1000), ds = tz_day_start(sec);
	struct tm tm;

	tz_civil(ds, &tm);
	int64_t d = day_number(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	int64_t d0 = g->anchor + fdiv(d - g->anchor, g->days) * g->days;
	return tz_add_days(ds, (int)(d0 - d)) * 1000;
}

/* ---- the grid ------------------------------------------------------------ */

static int64_t
slot_floor(const wgrid_t *g, int64_t t)
{
	if (g->days)
		return cal_floor(g, t);
	if (tz_utc)
		return t - fmod64(t, g->slot);
	return clock_floor(t, g->slot);
}

static int64_t
slot_next(const wgrid_t *g, int64_t s)
{
	if (g->days)
		return tz_add_days(fdiv(s, 1000), g->days) * 1000;
	if (tz_utc)
		return s + g->slot;
	return clock_next(s, g->slot);
}

/* Is s on a multiple of the slot width in local time, with no offset
 * change in the span from s to s + span (span may be negative)?  Then
 * the slots in that span are plain multiples. */
static int
plain_span(const wgrid_t *g, int64_t s, int64_t span)
{
	int64_t o = off_at(s);

	return fmod64(s + o, g->slot) == 0 && off_at(s + span) == o;
}

int64_t
wgrid_next(wgrid_t *g, int64_t s)
{
	if (s == g->lo)
		return g->hi;
	return slot_next(g, s);
}

int64_t
wgrid_floor(wgrid_t *g, int64_t t)
{
	if (t >= g->lo && t < g->hi)
		return g->lo;
	g->lo = slot_floor(g, t);
	g->hi = slot_next(g, g->lo);
	return g->lo;
}

int64_t
wgrid_prev(wgrid_t *g, int64_t s)
{
	return wgrid_floor(g, s - 1);
}

/* ---- whole-day windows over a clock grid -------------------------------- */

/* The end of the window starting at s: its wall time, wdays later. */
static int64_t
days_end(const wgrid_t *g, int64_t s)
{
	if (tz_utc)
		return s + g->width;
	return local_instant(clock_label(s, g->slot) + g->wdays * MS_PER_DAY);
}

/*
 * The earliest window holding the slot starting at s.  Away from offset
 * changes it is the one whose wall time is a slot more than s's, wdays
 * earlier.  Near one, windows that start later may end earlier, so the
 * windows from well before that guess are tried in turn: none that
 * starts more than twice the jumps before it can reach past s.
 */
static int64_t
days_first(const wgrid_t *g, int64_t s)
{
	int64_t w = g->slot;

	if (tz_utc)
		return s - (g->width - w);
	int64_t f =
	    local_instant(clock_label(s, w) - g->wdays * MS_PER_DAY + w);
	int64_t j = jump_near(s, w) + jump_near(f, w);
	if (j == 0)
		return f;
	int64_t c = clock_floor(f - 2 * j - 2 * w, w);
	while (c < s && days_end(g, c) <= s)
		c = clock_next(c, w);
	return c;
}

/* ---- windows ------------------------------------------------------------- */

int64_t
wgrid_window_end(wgrid_t *g, int64_t s)
{
	if (g->nslots == 1)
		return wgrid_next(g, s);
	if (g->days)
		return tz_add_days(fdiv(s, 1000), g->days * g->nslots) * 1000;
	if (g->wdays)
		return days_end(g, s);
	if (tz_utc || plain_span(g, s, g->width))
		return s + g->width;
	int64_t e = s;
	for (int i = 0; i < g->nslots; i++)
		e = wgrid_next(g, e);
	return e;
}

int64_t
wgrid_first_window(wgrid_t *g, int64_t s)
{
	if (g->nslots == 1)
		return s;
	if (g->days)
		return tz_add_days(fdiv(s, 1000), -g->days * (g->nslots - 1)) *
		       1000;
	if (g->wdays) {
		if (s != g->fw_s) {
			g->fw = days_first(g, s);
			g->fw_s = s;
		}
		return g->fw;
	}
	if (tz_utc || plain_span(g, s, g->slot - g->width))
		return s - (g->width - g->slot);
	for (int i = 1; i < g->nslots; i++)
		s = wgrid_prev(g, s);
	return s;
}
