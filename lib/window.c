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
	g->anchor = 0;
	if (every_ms % MS_PER_DAY == 0) {
		g->days = (int)(every_ms / MS_PER_DAY);
		/* 1970-01-01 was a Thursday: day 0 is weekday 3. */
		if (every_ms % MS_PER_WEEK == 0)
			g->anchor = -3 - (week_start == 6 ? 1 : 0);
	}
	g->lo = 1;
	g->hi = 0;
	return 0;
}

/* ---- clock grids in a zone --------------------------------------------- */

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

/* Does a slot of width w start at the offset change at T? */
static int
starts_at_change(int64_t T, int64_t w)
{
	int64_t now = T + off_at(T), before = T - 1 + off_at(T - 1);

	return fmod64(now, w) == 0 || fdiv(now, w) != fdiv(before, w);
}

static int64_t
clock_floor(int64_t t, int64_t w)
{
	int64_t cur = t;

	for (int i = 0; i < 8; i++) {
		int64_t o = off_at(cur), local = cur + o;
		int64_t x = local - fmod64(local, w) - o;
		if (off_at(x) == o)
			return x;
		int64_t T = change_in(x, cur);
		if (starts_at_change(T, w))
			return T;
		cur = T - 1;
	}
	return cur;
}

static int64_t
clock_next(int64_t s, int64_t w)
{
	int64_t cur = s;

	for (int i = 0; i < 8; i++) {
		int64_t o = off_at(cur), local = cur + o;
		int64_t x = local - fmod64(local, w) + w - o;
		if (off_at(x) == o)
			return x;
		int64_t T = change_in(cur, x);
		if (starts_at_change(T, w))
			return T;
		cur = T;
	}
	return cur + w;
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

int64_t
wgrid_window_end(wgrid_t *g, int64_t s)
{
	if (g->nslots == 1)
		return wgrid_next(g, s);
	if (g->days)
		return tz_add_days(fdiv(s, 1000), g->days * g->nslots) * 1000;
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
	if (tz_utc || plain_span(g, s, g->slot - g->width))
		return s - (g->width - g->slot);
	for (int i = 1; i < g->nslots; i++)
		s = wgrid_prev(g, s);
	return s;
}
