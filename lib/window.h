/*
 * window.h - event-time windows: the grid of slots that tumbling and
 * hopping windows are made of, in the process's zone (see ttime.h).
 *
 * A grid has slots of one width, the hop (--every; the window width when
 * windows tumble).  A window is nslots consecutive slots, so a tumbling
 * window is one slot and "a 24 h window every hour" is 24 one-hour slots.
 * Times are milliseconds since the epoch.
 *
 * Slots of whole days are calendar days in the zone: they start at local
 * midnight, so a day on which daylight saving time starts or ends lasts 23
 * or 25 hours.  Slots of whole weeks start on the first day of the week.
 * Slots of n days (or n weeks) are counted from 1970-01-01 (or from the
 * first week start on or before it).
 *
 * Any other width w is a clock grid: a slot starts whenever the local
 * clock shows a multiple of w counted from 1970-01-01T00:00 local time,
 * i.e. floor(local seconds / w).  A multiple that the clock skips (when
 * it springs forward) starts a slot where mktime(3) puts that wall time:
 * the same wall time on the offset from before the jump, which lands as
 * far past the jump as the time was into the gap.  So 1 h slots stay one
 * real hour each across both changes, the repeated hour being two
 * slots; 6 h slots that hold a change last 5 or 7 hours; when the clock
 * skips from 02:00 to 03:00, the 02:00 boundary of 2 h slots happens at
 * 03:00.  In UTC, and in any zone for widths that divide an hour, this
 * is plain floor(t / w) * w.
 *
 * Windows of whole days (or weeks) over a clock grid ("-w 1d --every
 * 1h") are calendar spans, not a count of slots: the window starting at
 * a slot whose wall time is L (the multiple of w it stands for) ends
 * where mktime(3) puts L that many days later, which is again a slot
 * start.  Where the clock jumps, windows are longer or shorter than
 * their width, and a later window can end before an earlier one (30 min
 * slots: the window from 02:30 the day before a spring-forward ends at
 * 03:30, the one from 03:00 at 03:00).  Any other window is nslots
 * slots.
 */
#ifndef TINGLE_WINDOW_H
#define TINGLE_WINDOW_H

#include <stdint.h>

typedef struct wgrid {
	int64_t slot;   /* slot width in ms */
	int64_t width;  /* window width in ms, slot * nslots */
	int nslots;     /* slots per window */
	int days;       /* slot width in calendar days, or 0 for a clock grid */
	int wdays;      /* on a clock grid, the window width in calendar days
	                   when it is whole days, else 0 */
	int64_t anchor; /* day number (days since 1970-01-01) of a slot start */
	/* The last slot looked up, [lo, hi), so that runs of nearby times
	 * cost two comparisons. */
	int64_t lo, hi;
	/* The last wgrid_first_window answer, for runs of lookups. */
	int64_t fw_s, fw;
} wgrid_t;

/*
 * Set up a grid for windows of width_ms starting every every_ms (0 or
 * equal to width_ms: tumbling).  week_start is 0 for Monday, 6 for
 * Sunday.  Returns 0, or -1 with *err set to a message naming the
 * problem (a width that is not a multiple of the hop, a hop of 0).
 * The zone must be set (tz_set) before, and not changed after.
 */
int wgrid_init(wgrid_t *g, int64_t width_ms, int64_t every_ms, int week_start,
               const char **err);

/* Start of the slot holding t. */
int64_t wgrid_floor(wgrid_t *g, int64_t t);

/* Start of the slot after the one starting at s (s a slot start). */
int64_t wgrid_next(wgrid_t *g, int64_t s);

/* Start of the slot before the one starting at s. */
int64_t wgrid_prev(wgrid_t *g, int64_t s);

/* End of the window that starts at slot start s: nslots slots later, or
 * for whole days over a clock grid the same wall time that many days
 * later.  Always a slot start. */
int64_t wgrid_window_end(wgrid_t *g, int64_t s);

/* Start of the earliest window that holds the slot starting at s: the
 * first slot start w <= s with wgrid_window_end(w) > s. */
int64_t wgrid_first_window(wgrid_t *g, int64_t s);

#endif
