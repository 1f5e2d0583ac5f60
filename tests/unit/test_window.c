/*
 * test_window.c - the slot grid of lib/window.c: tumbling and hopping
 * windows in UTC, calendar days and weeks across daylight saving time in
 * America/Chicago, clock slots where the clock jumps, a zone with a
 * half-hour offset, and windows of whole days over clock slots.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ttime.h"
#include "window.h"

#define S(x) ((int64_t)(x)*1000) /* seconds to ms */
#define H 3600

static wgrid_t
grid(const char *zone, int64_t width, int64_t every, int week_start)
{
	wgrid_t g;
	const char *err = NULL;

	assert_int_equal(tz_set(zone), 0);
	assert_int_equal(wgrid_init(&g, width, every, week_start, &err), 0);
	return g;
}

static void
test_utc_tumbling(void **state)
{
	(void)state;
	wgrid_t g = grid("UTC", 300000, 0, 0);

	assert_int_equal(g.nslots, 1);
	/* 2026-03-01T10:07:30.250Z */
	assert_int_equal(wgrid_floor(&g, S(1772359650) + 250), S(1772359500));
	assert_int_equal(wgrid_next(&g, S(1772359500)), S(1772359800));
	assert_int_equal(wgrid_window_end(&g, S(1772359500)), S(1772359800));
	/* Before the epoch, floor still rounds down. */
	assert_int_equal(wgrid_floor(&g, -1), -300000);
	assert_int_equal(wgrid_floor(&g, -300000), -300000);
	assert_int_equal(wgrid_prev(&g, 0), -300000);
}

static void
test_utc_hopping(void **state)
{
	(void)state;
	/* A 24 h window every hour. */
	wgrid_t g = grid("UTC", 86400000, 3600000, 0);

	assert_int_equal(g.nslots, 24);
	assert_int_equal(g.days, 0);
	int64_t s = wgrid_floor(&g, S(1772359650));
	assert_int_equal(s, S(1772359200));
	assert_int_equal(wgrid_window_end(&g, s), S(1772359200 + 24 * H));
	assert_int_equal(wgrid_first_window(&g, s), S(1772359200 - 23 * H));
}

static void
test_init_errors(void **state)
{
	(void)state;
	wgrid_t g;
	const char *err = NULL;

	tz_set("UTC");
	assert_int_equal(wgrid_init(&g, 0, 0, 0, &err), -1);
	assert_int_equal(wgrid_init(&g, 3600000, 7 * 60000, 0, &err), -1);
	assert_non_null(err);
	assert_int_equal(wgrid_init(&g, 60000, 3600000, 0, &err), -1);
	assert_int_equal(wgrid_init(&g, 3600000, 60000, 0, &err), 0);
}

static void
test_chicago_days(void **state)
{
	(void)state;
	wgrid_t g = grid("America/Chicago", MS_PER_DAY, 0, 0);

	assert_int_equal(g.days, 1);
	/* 2026-03-08, spring forward: 23 hours. */
	int64_t s = wgrid_floor(&g, S(1772989200));
	assert_int_equal(s, S(1772949600));
	assert_int_equal(wgrid_next(&g, s), S(1773032400));
	assert_int_equal(wgrid_next(&g, s) - s, S(23 * H));
	/* 2026-11-01, fall back: 25 hours. */
	s = wgrid_floor(&g, S(1793518200));
	assert_int_equal(s, S(1793509200));
	assert_int_equal(wgrid_next(&g, s), S(1793599200));
	assert_int_equal(wgrid_next(&g, s) - s, S(25 * H));
	/* The first instant of a day is in it, the last before is not. */
	assert_int_equal(wgrid_floor(&g, S(1793599200)), S(1793599200));
	assert_int_equal(wgrid_floor(&g, S(1793599200) - 1), S(1793509200));
}

static void
test_chicago_weeks(void **state)
{
	(void)state;
	wgrid_t g = grid("America/Chicago", MS_PER_WEEK, 0, 0);

	/* Wednesday 2026-03-04 is in the week from Monday 2026-03-02,
	 * which ends on Monday 2026-03-09 after a 23-hour Sunday. */
	int64_t s = wgrid_floor(&g, S(1772640000));
	assert_int_equal(s, S(1772431200));
	assert_int_equal(wgrid_next(&g, s), S(1773032400));
	assert_int_equal(wgrid_next(&g, s) - s, S(7 * 24 * H - H));

	g = grid("America/Chicago", MS_PER_WEEK, 0, 6);
	assert_int_equal(wgrid_floor(&g, S(1772640000)), S(1772344800));

	/* A week every day: seven calendar days from each midnight. */
	g = grid("America/Chicago", MS_PER_WEEK, MS_PER_DAY, 0);
	assert_int_equal(g.nslots, 7);
	s = wgrid_floor(&g, S(1772640000));
	assert_int_equal(wgrid_first_window(&g, s), S(1772344800 - 3 * 86400));
	assert_int_equal(wgrid_window_end(&g, S(1772431200)), S(1773032400));
}

static void
test_chicago_clock_slots(void **state)
{
	(void)state;
	wgrid_t g = grid("America/Chicago", 3600000, 0, 0);

	/* Fall back: 01:00-02:00 happens twice, as two one-hour slots. */
	assert_int_equal(wgrid_next(&g, S(1793512800)), S(1793516400));
	assert_int_equal(wgrid_floor(&g, S(1793518200)), S(1793516400));
	assert_int_equal(wgrid_next(&g, S(1793516400)), S(1793520000));
	/* Spring forward: 01:00 CST is followed by 03:00 CDT. */
	assert_int_equal(wgrid_floor(&g, S(1772956799)), S(1772956800 - H));
	assert_int_equal(wgrid_next(&g, S(1772956800 - H)), S(1772956800));

	/* Two-hour slots: the 02:00 boundary that never shows happens at
	 * 03:00, so 00:00-03:00 lasts two hours and 03:00-04:00 one. */
	g = grid("America/Chicago", 2 * 3600000, 0, 0);
	assert_int_equal(wgrid_floor(&g, S(1772956799)), S(1772949600));
	assert_int_equal(wgrid_next(&g, S(1772949600)), S(1772956800));
	assert_int_equal(wgrid_floor(&g, S(1772957400)), S(1772956800));
	assert_int_equal(wgrid_next(&g, S(1772956800)), S(1772960400));

	/* Six-hour slots: 00:00-06:00 is 7 hours on the fall-back day and
	 * 5 on the spring-forward day. */
	g = grid("America/Chicago", 6 * 3600000, 0, 0);
	assert_int_equal(wgrid_floor(&g, S(1793518200)), S(1793509200));
	assert_int_equal(wgrid_next(&g, S(1793509200)), S(1793534400));
	assert_int_equal(wgrid_next(&g, S(1772949600)), S(1772967600));
}

static void
test_half_hour_zone(void **state)
{
	(void)state;
	wgrid_t g = grid("Asia/Kolkata", 3600000, 0, 0);

	/* Hours start on the local hour, at :30 UTC. */
	assert_int_equal(wgrid_floor(&g, S(1781505600)), S(1781505000));
	assert_int_equal(wgrid_next(&g, S(1781505000)), S(1781508600));
	/* Five-minute slots are the same in every whole-minute zone. */
	g = grid("Asia/Kolkata", 300000, 0, 0);
	assert_int_equal(wgrid_floor(&g, S(1781505600) + 299999),
	                 S(1781505600));
}

static void
test_odd_clock_slots(void **state)
{
	(void)state;
	/* 45-minute slots.  Spring forward: 02:15 is skipped and starts
	 * its slot where mktime puts it, 03:15 CDT, after 03:00. */
	wgrid_t g = grid("America/Chicago", 45 * 60000, 0, 0);

	assert_int_equal(wgrid_next(&g, S(1772955000)), S(1772956800));
	assert_int_equal(wgrid_next(&g, S(1772956800)), S(1772957700));
	assert_int_equal(wgrid_next(&g, S(1772957700)), S(1772959500));
	assert_int_equal(wgrid_floor(&g, S(1772957700) + 1), S(1772957700));
	assert_int_equal(wgrid_floor(&g, S(1772957700) - 1), S(1772956800));
	/* Fall back: the clock goes from 02:00 CDT to 01:00 CST, which is
	 * no multiple of 45 minutes: 01:30 CDT runs to 01:30 CST. */
	assert_int_equal(wgrid_next(&g, S(1793514600)), S(1793518200));
	assert_int_equal(wgrid_floor(&g, S(1793517000)), S(1793514600));
}

static void
test_days_every_hour(void **state)
{
	(void)state;
	/* A calendar day every hour: each window runs to the same wall
	 * time a day later, whatever the hop. */
	int64_t hops[] = {3600000, 1800000, 7200000, 6 * 3600000};

	for (size_t i = 0; i < sizeof hops / sizeof hops[0]; i++) {
		wgrid_t g = grid("America/Chicago", MS_PER_DAY, hops[i], 0);
		assert_int_equal(g.wdays, 1);
		/* 2026-11-01 lasts 25 hours, 2026-03-08 23. */
		assert_int_equal(wgrid_window_end(&g, S(1793509200)),
		                 S(1793599200));
		assert_int_equal(wgrid_window_end(&g, S(1772949600)),
		                 S(1773032400));
		/* The last slot of each of those days is first held by
		 * the window from its midnight. */
		int64_t s = wgrid_floor(&g, S(1773032400) - 1);
		assert_int_equal(wgrid_first_window(&g, s), S(1772949600));
		s = wgrid_floor(&g, S(1793599200) - 1);
		assert_int_equal(wgrid_first_window(&g, s), S(1793509200));
	}
	/* Hourly: 02:00 CST on 2026-03-07 ends at 02:00 on 03-08, which
	 * the clock skips: at 03:00 CDT, like the window from 03:00. */
	wgrid_t g = grid("America/Chicago", MS_PER_DAY, 3600000, 0);
	assert_int_equal(wgrid_window_end(&g, S(1772870400)), S(1772956800));
	assert_int_equal(wgrid_window_end(&g, S(1772874000)), S(1772956800));
	/* Both 01:00s of 2026-11-01 end at 01:00 CST on 11-02. */
	assert_int_equal(wgrid_window_end(&g, S(1793512800)),
	                 S(1793512800 + 25 * H));
	assert_int_equal(wgrid_window_end(&g, S(1793516400)),
	                 S(1793512800 + 25 * H));
	/* In UTC a day every hour is 24 hours. */
	g = grid("UTC", MS_PER_DAY, 3600000, 0);
	assert_int_equal(wgrid_window_end(&g, S(1793509200)),
	                 S(1793509200 + 24 * H));
}

/*
 * Around offset changes, for whole-day windows over clock slots: every
 * window ends on a slot start, and the first window holding each slot
 * is the first, from well before, whose end is past the slot's start.
 */
static void
check_windows(const char *zone, int64_t width, int64_t every, int64_t from,
              int64_t to)
{
	wgrid_t g = grid(zone, width, every, 0);

	for (int64_t s = wgrid_floor(&g, from); s < to; s = wgrid_next(&g, s)) {
		int64_t e = wgrid_window_end(&g, s), n = wgrid_next(&g, s);
		assert_true(n > s);
		assert_int_equal(wgrid_floor(&g, n - 1), s);
		assert_int_equal(wgrid_floor(&g, e), e);
		assert_true(e > s);
		int64_t c = wgrid_floor(&g, s - width - MS_PER_DAY);
		while (wgrid_window_end(&g, c) <= s)
			c = wgrid_next(&g, c);
		assert_int_equal(wgrid_first_window(&g, s), c);
	}
}

static void
test_days_windows_consistent(void **state)
{
	(void)state;
	int64_t hops[] = {3600000, 1800000, 45 * 60000, 7200000, 20 * 60000};

	for (size_t i = 0; i < sizeof hops / sizeof hops[0]; i++) {
		/* Chicago 2026-03-08 and 2026-11-01; Lord Howe's half-hour
		 * change of 2026-04-05; two-day windows in London. */
		check_windows("America/Chicago", MS_PER_DAY, hops[i],
		              S(1772870400), S(1773050000));
		check_windows("America/Chicago", MS_PER_DAY, hops[i],
		              S(1793430000), S(1793620000));
		check_windows("Australia/Lord_Howe", MS_PER_DAY, hops[i],
		              S(1775230000), S(1775400000));
		check_windows("Europe/London", 2 * MS_PER_DAY, hops[i],
		              S(1774600000), S(1774900000));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utc_tumbling),
	    cmocka_unit_test(test_utc_hopping),
	    cmocka_unit_test(test_init_errors),
	    cmocka_unit_test(test_chicago_days),
	    cmocka_unit_test(test_chicago_weeks),
	    cmocka_unit_test(test_chicago_clock_slots),
	    cmocka_unit_test(test_half_hour_zone),
	    cmocka_unit_test(test_odd_clock_slots),
	    cmocka_unit_test(test_days_every_hour),
	    cmocka_unit_test(test_days_windows_consistent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
