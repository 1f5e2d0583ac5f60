/*
 * test_baseline.c - per-group history, expectations and state files of
 * lib/baseline.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include <cmocka.h>

#include "baseline.h"
#include "kmap.h"
#include "ttime.h"
#include "util.h"

#define H (3600 * 1000LL)
#define D (24 * H)
#define T0 1780272000000LL /* 2026-06-01T00:00:00Z, a Monday */

static struct bl_hist *
hist(const char *text, int stat)
{
	struct bl_spec sp;
	char err[128];

	assert_int_equal(bl_parse(text, &sp, err, sizeof err), 0);
	sp.stat = stat;
	return bl_new(&sp);
}

static struct bl_result
step(struct bl_hist *h, uint32_t g, int64_t start, double v)
{
	struct bl_result r;

	bl_step(h, g, start, &v, &r);
	return r;
}

static void
test_parse(void **state)
{
	struct bl_spec sp;
	char err[128];
	buf_t b = BUF_INIT;

	(void)state;
	assert_int_equal(bl_parse("prev:4", &sp, err, sizeof err), 0);
	assert_int_equal(sp.kind, BL_PREV);
	assert_int_equal(sp.n, 4);
	assert_int_equal(bl_parse("season:1w:4", &sp, err, sizeof err), 0);
	assert_int_equal(sp.kind, BL_SEASON);
	assert_int_equal(sp.period_ms, 7 * D);
	assert_int_equal(sp.period_days, 7);
	bl_text(&sp, &b);
	assert_string_equal(b.p, "season:1w:4");
	assert_int_equal(bl_parse("season:12h:2", &sp, err, sizeof err), 0);
	assert_int_equal(sp.period_days, 0);
	assert_int_equal(bl_parse("ewma:0.25", &sp, err, sizeof err), 0);
	buf_reset(&b);
	bl_text(&sp, &b);
	assert_string_equal(b.p, "ewma:0.25");

	const char *bad[] = {"prev:0", "prev:x", "prev:", "prev:4x",
	                     "season:1w", "season:0s:3", "season:1w:0",
	                     "season:bad:2", "ewma:0", "ewma:1.5",
	                     "ewma:", "mean:3", "", "season:1w:4:2", "prev:-1",
	                     /* read as every option value is (lib/optv.h): no
	                      * spaces, no hex, no inf or nan */
	                     "prev: 3", "season:1w: 2", "prev:100001",
	                     "season:1w:10001", "season:3661d:1", "ewma: 0.5",
	                     "ewma:0x0.8", "ewma:inf", "ewma:nan", "ewma:-0.5"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		assert_int_equal(bl_parse(bad[i], &sp, err, sizeof err), -1);
		assert_true(err[0] != '\0');
	}
	buf_free(&b);
}

/* What a bad spec says, for "invalid --baseline 'SPEC' (ERR)": the words
 * and limits of every other option value. */
static void
test_parse_wording(void **state)
{
	static const struct {
		const char *spec, *err;
	} rows[] = {
	    {"prev:0", "prev:N, N a whole number from 1 to 100000"},
	    {"prev:+x", "prev:N, N a whole number from 1 to 100000"},
	    {"season:1w", "season:PERIOD:N"},
	    {"season:1w:0",
	     "season:PERIOD:N, N a whole number from 1 to 10000"},
	    {"season:0s:2",
	     "season:PERIOD:N, PERIOD a duration such as 1d or 1w, at most 3660d"},
	    {"ewma:0", "ewma:ALPHA, ALPHA a number above 0 and at most 1"},
	    {"ewma:1.01", "ewma:ALPHA, ALPHA a number above 0 and at most 1"},
	    {"mean:3", "prev:N, season:PERIOD:N or ewma:ALPHA"},
	};
	struct bl_spec sp;
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		assert_int_equal(bl_parse(rows[i].spec, &sp, err, sizeof err),
		                 -1);
		assert_string_equal(err, rows[i].err);
	}
	/* The bounds themselves are values. */
	assert_int_equal(bl_parse("prev:100000", &sp, err, sizeof err), 0);
	assert_int_equal(sp.n, 100000);
	assert_int_equal(bl_parse("season:3660d:10000", &sp, err, sizeof err),
	                 0);
	assert_int_equal(sp.period_days, 3660);
	assert_int_equal(bl_parse("ewma:1", &sp, err, sizeof err), 0);
	assert_true(sp.alpha == 1);
	assert_int_equal(bl_parse("ewma:1e-3", &sp, err, sizeof err), 0);
	assert_true(sp.alpha == 1e-3);
}

static void
test_prev_mean_and_z(void **state)
{
	struct bl_hist *h = hist("prev:3", BL_MEAN);
	struct bl_result r;

	(void)state;
	r = step(h, 0, T0, 40);
	assert_int_equal(r.n, 0);
	assert_false(r.has_exp);
	r = step(h, 0, T0 + D, 42);
	assert_int_equal(r.n, 1);
	assert_true(r.has_exp);
	assert_float_equal(r.exp, 40, 1e-12);
	assert_false(r.has_z); /* one value has no spread */
	step(h, 0, T0 + 2 * D, 38);
	r = step(h, 0, T0 + 3 * D, 450);
	assert_int_equal(r.n, 3);
	assert_float_equal(r.exp, 40, 1e-12);
	assert_true(r.has_z);
	assert_float_equal(r.z, 205, 1e-9); /* sd of 40, 42, 38 is 2 */
	/* The ring keeps three: 42, 38, 450. */
	r = step(h, 0, T0 + 4 * D, 0);
	assert_float_equal(r.exp, (42 + 38 + 450) / 3.0, 1e-9);
	/* Another group has its own history. */
	r = step(h, 7, T0 + 4 * D, 5);
	assert_int_equal(r.n, 0);
	assert_int_equal(bl_groups(h), 8);
	assert_false(bl_has(h, 3));
	assert_true(bl_has(h, 7));
	bl_free(h);
	bl_free(NULL);
}

static void
test_zero_variance(void **state)
{
	struct bl_hist *h = hist("prev:5", BL_MEAN);
	struct bl_result r;

	(void)state;
	for (int i = 0; i < 5; i++)
		step(h, 0, T0 + i * H, 0.1);
	r = step(h, 0, T0 + 5 * H, 3);
	assert_true(r.has_exp);
	assert_float_equal(r.exp, 0.1, 1e-12);
	assert_false(r.has_z);
	bl_free(h);
}

static void
test_median_resists_one_bad_week(void **state)
{
	struct bl_hist *h = hist("prev:4", BL_MEDIAN);
	struct bl_result r;
	const double v[] = {40, 44, 400, 38};

	(void)state;
	for (int i = 0; i < 4; i++)
		step(h, 0, T0 + i * D, v[i]);
	r = step(h, 0, T0 + 4 * D, 41);
	assert_float_equal(r.exp, 42, 1e-12);
	/* MAD of 40 44 400 38 around 42: 2 2 358 4 -> 3. */
	assert_true(r.has_z);
	assert_float_equal(r.z, (41 - 42) / (1.4826 * 3), 1e-9);
	bl_free(h);
}

static void
test_revision_and_old(void **state)
{
	struct bl_hist *h = hist("prev:2", BL_MEAN);
	struct bl_result r;

	(void)state;
	step(h, 0, T0, 10);
	step(h, 0, T0 + H, 20);
	/* A revised count of the newest window replaces it. */
	r = step(h, 0, T0 + H, 30);
	assert_int_equal(r.order, BL_REVISION);
	assert_int_equal(r.n, 1);
	assert_float_equal(r.exp, 10, 1e-12);
	r = step(h, 0, T0 + 2 * H, 0);
	assert_int_equal(r.order, BL_NEW);
	assert_float_equal(r.exp, 20, 1e-12); /* 10 and 30 */
	/* So does one of an older window the ring holds; nothing in the
	 * ring is older than it here. */
	r = step(h, 0, T0 + H, 40);
	assert_int_equal(r.order, BL_REVISION);
	assert_int_equal(r.n, 0);
	assert_false(r.has_exp);
	/* A window the ring no longer holds is compared with nothing and
	 * not kept. */
	r = step(h, 0, T0, 99);
	assert_int_equal(r.order, BL_OLD);
	assert_false(r.has_exp);
	r = step(h, 0, T0 + 3 * H, 0);
	assert_float_equal(r.exp, 20, 1e-12); /* 40 and 0 */
	bl_free(h);

	/* ewma revises the newest window only. */
	h = hist("ewma:0.5", BL_MEAN);
	step(h, 0, T0, 10);
	step(h, 0, T0 + H, 20);
	r = step(h, 0, T0, 30);
	assert_int_equal(r.order, BL_OLD);
	r = step(h, 0, T0 + 2 * H, 0);
	assert_float_equal(r.exp, 15, 1e-12);
	bl_free(h);
}

/* prev puts a window that arrives out of order in its place. */
static void
test_prev_out_of_order(void **state)
{
	struct bl_hist *h = hist("prev:3", BL_MEAN);
	struct kmap *k = kmap_new();
	buf_t doc = BUF_INIT;
	struct bl_result r;
	int added;

	(void)state;
	step(h, 0, T0, 10);
	step(h, 0, T0 + 2 * D, 30);
	/* Compared with the one window before it, not refused. */
	r = step(h, 0, T0 + D, 20);
	assert_int_equal(r.order, BL_NEW);
	assert_int_equal(r.n, 1);
	assert_float_equal(r.exp, 10, 1e-12);
	r = step(h, 0, T0 + 3 * D, 40);
	assert_int_equal(r.n, 3);
	assert_float_equal(r.exp, 20, 1e-12);
	/* Full: the ring holds days 1..3; day 0 cannot be placed. */
	r = step(h, 0, T0, 5);
	assert_int_equal(r.order, BL_OLD);
	/* One between the kept windows drops the oldest. */
	step(h, 0, T0 + 5 * D, 60);
	r = step(h, 0, T0 + 4 * D, 50);
	assert_int_equal(r.n, 2);
	assert_float_equal(r.exp, 35, 1e-12); /* days 2 and 3 */
	r = step(h, 0, T0 + 6 * D, 0);
	assert_float_equal(r.exp, 50, 1e-12); /* days 3, 4, 5 */
	/* The ring is saved in order of windows. */
	kmap_add(k, "", 0, util_hash_bytes("", 0), &added);
	bl_state_write(h, k, "{}", &doc);
	assert_non_null(strstr(doc.p, "[[1780617600000,50],[1780704000000,60],"
	                              "[1780790400000,0]]"));
	buf_free(&doc);
	kmap_free(k);
	bl_free(h);

	/* While the ring is not full nothing has been dropped: an older
	 * window is the oldest. */
	h = hist("prev:3", BL_MEAN);
	step(h, 0, T0 + D, 5);
	r = step(h, 0, T0, 4);
	assert_int_equal(r.order, BL_NEW);
	assert_false(r.has_exp);
	r = step(h, 0, T0 + 2 * D, 6);
	assert_int_equal(r.n, 2);
	assert_float_equal(r.exp, 4.5, 1e-12);
	bl_free(h);
}

static void
test_null_value_is_not_recorded(void **state)
{
	struct bl_hist *h = hist("prev:3", BL_MEAN);
	struct bl_result r;

	(void)state;
	step(h, 0, T0, 10);
	bl_step(h, 0, T0 + H, NULL, &r);
	assert_true(r.has_exp);
	assert_false(r.has_z);
	r = step(h, 0, T0 + 2 * H, 20);
	assert_int_equal(r.n, 1);
	bl_free(h);
}

static void
test_season_slots(void **state)
{
	struct bl_hist *h = hist("season:1d:3", BL_MEAN);
	struct bl_result r;

	(void)state;
	/* Hourly windows over four days; hour 5 is unusual on day 3. */
	for (int d = 0; d < 4; d++) {
		for (int hr = 0; hr < 24; hr++) {
			double v = 10 * hr + d;

			if (d == 3 && hr == 5)
				v = 999;
			r = step(h, 0, T0 + d * D + hr * H, v);
			assert_int_equal(r.n, d);
			if (d > 0)
				assert_float_equal(
				    r.exp, 10 * hr + (d - 1) / 2.0, 1e-9);
		}
	}
	/* A missing slot is not counted: day 5 sees days 4 (absent), 3, 2. */
	r = step(h, 0, T0 + 5 * D + 5 * H, 0);
	assert_int_equal(r.n, 2);
	assert_float_equal(r.exp, (999 + 52) / 2.0, 1e-9);
	/* Values older than N periods (and a day) before the newest are
	 * dropped: day 10 keeps days 6 on, so day 5's value goes. */
	{
		struct kmap *k = kmap_new();
		buf_t doc = BUF_INIT;
		char stamp[32];

		kmap_add(k, "", 0, util_hash_bytes("", 0), NULL);
		snprintf(stamp, sizeof stamp, "[%lld,", T0 + 5 * D + 5 * H);
		bl_state_write(h, k, "{}", &doc);
		assert_non_null(strstr(doc.p, stamp));
		step(h, 0, T0 + 10 * D, 0);
		buf_reset(&doc);
		bl_state_write(h, k, "{}", &doc);
		assert_null(strstr(doc.p, stamp));
		buf_free(&doc);
		kmap_free(k);
	}
	bl_free(h);
}

static void
test_season_hopping_and_out_of_order(void **state)
{
	struct bl_hist *h = hist("season:1d:2", BL_MEAN);
	struct bl_result r;

	(void)state;
	/* 24 h windows every 6 h: starts 0, 6, 12, 18 h of each day. */
	for (int d = 0; d < 2; d++)
		for (int k = 0; k < 4; k++)
			step(h, 0, T0 + d * D + k * 6 * H, 100 * d + k);
	r = step(h, 0, T0 + 2 * D + 12 * H, 0);
	assert_int_equal(r.n, 2);
	assert_float_equal(r.exp, (2 + 102) / 2.0, 1e-9);
	/* A late window of day 2 finds its slots too. */
	r = step(h, 0, T0 + 2 * D + 6 * H, 0);
	assert_int_equal(r.order, BL_NEW);
	assert_int_equal(r.n, 2);
	assert_float_equal(r.exp, (1 + 101) / 2.0, 1e-9);
	bl_free(h);
}

/*
 * Daily windows in America/Chicago across the start of DST (Sunday
 * 2026-03-08): the slot one week back keeps local midnight, which is an
 * hour further from it in absolute time.
 */
static void
test_season_follows_local_time(void **state)
{
	struct bl_hist *h;
	struct bl_result r;
	int64_t mar2 = 1772431200000LL;  /* 2026-03-02T00:00:00-06:00 */
	int64_t mar9 = 1773032400000LL;  /* 2026-03-09T00:00:00-05:00 */
	int64_t mar16 = 1773637200000LL; /* 2026-03-16T00:00:00-05:00 */

	(void)state;
	assert_int_equal(tz_set("America/Chicago"), 0);
	h = hist("season:1w:2", BL_MEAN);
	step(h, 0, mar2, 40);
	r = step(h, 0, mar9, 44);
	assert_int_equal(r.n, 1);
	assert_float_equal(r.exp, 40, 1e-12);
	r = step(h, 0, mar16, 0);
	assert_int_equal(r.n, 2);
	assert_float_equal(r.exp, 42, 1e-12);
	bl_free(h);

	/*
	 * 02:30 does not exist on 2026-03-08: that slot is skipped rather
	 * than taken to be 03:30, another window.
	 */
	h = hist("season:1d:1", BL_MEAN);
	step(h, 0, 1772872200000LL, 7);     /* 2026-03-07T02:30:00-06:00 */
	r = step(h, 0, 1772958600000LL, 1); /* 2026-03-08T03:30:00-05:00 */
	assert_int_equal(r.n, 0);
	r = step(h, 0, 1773041400000LL, 1); /* 2026-03-09T02:30:00-05:00 */
	assert_int_equal(r.n, 0);
	bl_free(h);
	assert_int_equal(tz_set("UTC"), 0);
}

static void
test_ewma(void **state)
{
	struct bl_hist *h = hist("ewma:0.5", BL_MEAN);
	struct bl_result r;

	(void)state;
	r = step(h, 0, T0, 40);
	assert_false(r.has_exp);
	r = step(h, 0, T0 + H, 42);
	assert_float_equal(r.exp, 40, 1e-12);
	assert_false(r.has_z); /* no variance yet */
	r = step(h, 0, T0 + 2 * H, 38);
	assert_float_equal(r.exp, 41, 1e-12);
	assert_true(r.has_z);
	assert_float_equal(r.z, -3, 1e-12); /* variance 1 */
	r = step(h, 0, T0 + 3 * H, 450);
	assert_int_equal(r.n, 3);
	assert_float_equal(r.exp, 39.5, 1e-12);
	/* A revision of that window is compared with the same history. */
	r = step(h, 0, T0 + 3 * H, 39.5);
	assert_int_equal(r.order, BL_REVISION);
	assert_float_equal(r.exp, 39.5, 1e-12);
	r = step(h, 0, T0 + 4 * H, 0);
	assert_float_equal(r.exp, 39.5, 1e-12);
	bl_free(h);
}

/* Saving and loading gives the same answers as never stopping. */
static void
round_trip(const char *spec, int stat)
{
	struct bl_hist *a = hist(spec, stat), *b = hist(spec, stat);
	struct kmap *ka = kmap_new(), *kb = kmap_new();
	buf_t doc = BUF_INIT;
	json_t *jdoc;
	const char *keys[] = {"segment\001\"Sun\"\002",
	                      "segment\001\"Mon\"\002", ""};
	char err[256];

	for (int g = 0; g < 3; g++)
		kmap_add(ka, keys[g], strlen(keys[g]),
		         util_hash_bytes(keys[g], strlen(keys[g])), NULL);
	for (int i = 0; i < 60; i++)
		for (int g = 0; g < 3; g++)
			step(a, (uint32_t)g, T0 + i * 6 * H,
			     (i * 7 + g * 13) % 17 + 0.25 * g);
	bl_state_write(a, ka, "{\"x\":1}", &doc);
	jdoc = bl_state_parse(doc.p, doc.len, err, sizeof err);
	assert_non_null(jdoc);
	assert_int_equal(json_integer_value(json_object_get(
	                     json_object_get(jdoc, "config"), "x")),
	                 1);
	assert_int_equal(bl_state_groups(b, kb, jdoc, err, sizeof err), 0);
	json_decref(jdoc);
	assert_int_equal(kmap_len(kb), 3);
	for (int g = 0; g < 3; g++) {
		size_t n;
		const char *k = kmap_key(kb, (uint32_t)g, &n);
		long id = kmap_find(ka, k, n, util_hash_bytes(k, n));

		assert_true(id >= 0);
		for (int i = 60; i < 70; i++) {
			struct bl_result ra =
			    step(a, (uint32_t)id, T0 + i * 6 * H, i % 5);
			struct bl_result rb =
			    step(b, (uint32_t)g, T0 + i * 6 * H, i % 5);

			assert_int_equal(ra.n, rb.n);
			assert_int_equal(ra.has_exp, rb.has_exp);
			assert_true(ra.exp == rb.exp);
			assert_int_equal(ra.has_z, rb.has_z);
			assert_true(ra.z == rb.z);
		}
	}
	bl_free(a);
	bl_free(b);
	kmap_free(ka);
	kmap_free(kb);
	buf_free(&doc);
}

static void
test_state_round_trip(void **state)
{
	(void)state;
	round_trip("prev:4", BL_MEAN);
	round_trip("prev:4", BL_MEDIAN);
	round_trip("season:1d:3", BL_MEAN);
	round_trip("season:1d:3", BL_MEDIAN);
	round_trip("ewma:0.3", BL_MEAN);
}

static void
test_state_rejects_corrupt(void **state)
{
	const char *bad[] = {
	    "",
	    "{",
	    "[]",
	    "{\"format\":\"x\",\"version\":1,\"config\":{},\"groups\":[]}",
	    "{\"format\":\"tingle-compare state\",\"version\":2,\"config\":{},"
	    "\"groups\":[]}",
	    "{\"format\":\"tingle-compare state\",\"version\":1,\"groups\":[]}",
	    "{\"format\":\"tingle-compare state\",\"version\":1,\"config\":{},"
	    "\"groups\":[{\"key\":[[\"a\",\"x\"]],\"last\":5,\"values\":[[5,"
	    "1]]}]}",
	    "{\"format\":\"tingle-compare state\",\"version\":1,\"config\":{},"
	    "\"groups\":[{\"key\":[[\"a\",\"1\"]],\"last\":5,\"values\":[[5,"
	    "\"1\"]]}]}",
	    "{\"format\":\"tingle-compare state\",\"version\":1,\"config\":{},"
	    "\"groups\":[{\"key\":[[\"a\",\"1\"]],\"last\":5,\"values\":[[6,"
	    "1],[5,1]]}]}",
	    "{\"format\":\"tingle-compare state\",\"version\":1,\"config\":{},"
	    "\"groups\":[{\"key\":[[\"a\",\"1\"]],\"last\":9,\"values\":[[5,"
	    "1]]}]}",
	    "{\"format\":\"tingle-compare state\",\"version\":1,\"config\":{},"
	    "\"groups\":[{\"key\":[[\"a\",\"1\"]],\"last\":1,\"values\":[[1,"
	    "1],[2,2],[3,3]]}]}",
	    "{\"format\":\"tingle-compare state\",\"version\":1,\"config\":{},"
	    "\"groups\":[{\"key\":[[\"a\",\"1\"]],\"last\":5,\"values\":[[5,"
	    "1]]},{\"key\":[[\"a\",\"1\"]],\"last\":5,\"values\":[[5,1]]}]}",
	};
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct bl_hist *h = hist("prev:2", BL_MEAN);
		struct kmap *k = kmap_new();
		json_t *doc;

		err[0] = '\0';
		doc = bl_state_parse(bad[i], strlen(bad[i]), err, sizeof err);
		if (doc != NULL) {
			assert_int_equal(
			    bl_state_groups(h, k, doc, err, sizeof err), -1);
			json_decref(doc);
		}
		assert_true(err[0] != '\0');
		bl_free(h);
		kmap_free(k);
	}
}

/* The number of entries in directory dir, . and .. aside. */
static int
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* bl_state_save writes what bl_state_write gives, through a temporary
 * file that does not outlive it, large documents included. */
static void
test_state_save(void **state)
{
	char dir[] = "/tmp/test_baseline.XXXXXX", path[64];
	struct bl_hist *h = hist("prev:3", BL_MEAN);
	struct kmap *k = kmap_new();
	buf_t want = BUF_INIT, got = BUF_INIT;
	const char *what;
	char key[32];
	FILE *fp;
	size_t n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/st.json", dir);
	assert_int_equal(bl_state_save(h, k, "{}", path, &what), 0);
	for (int g = 0; g < 5000; g++) {
		snprintf(key, sizeof key, "s\001\"%d\"\002", g);
		kmap_add(k, key, strlen(key), util_hash_bytes(key, strlen(key)),
		         NULL);
		for (int i = 0; i < 3; i++)
			step(h, (uint32_t)g, T0 + i * H, g * 0.5 + i);
	}
	assert_int_equal(bl_state_save(h, k, "{\"a\":1}", path, &what), 0);
	assert_int_equal(count_entries(dir), 1); /* no temporary file left */
	bl_state_write(h, k, "{\"a\":1}", &want);
	assert_true(want.len > 65536 * 2);
	fp = fopen(path, "r");
	assert_non_null(fp);
	do {
		buf_grow(&got, 65536);
		n = fread(got.p + got.len, 1, 65536, fp);
		got.len += n;
	} while (n > 0);
	fclose(fp);
	assert_int_equal(got.len, want.len);
	assert_memory_equal(got.p, want.p, want.len);
	unlink(path);
	rmdir(dir);
	/* A directory that does not exist fails at the first step. */
	assert_int_equal(
	    bl_state_save(h, k, "{}", "/nonexistent/dir/st", &what), -1);
	assert_string_equal(what, "create");
	buf_free(&want);
	buf_free(&got);
	bl_free(h);
	kmap_free(k);
}

/* A spread past the largest double leaves z unknown, not 0. */
static void
test_spread_overflow(void **state)
{
	static const char *specs[] = {"prev:4", "ewma:0.5"};
	struct bl_result r;

	(void)state;
	for (int i = 0; i < 2; i++) {
		struct bl_hist *h = hist(specs[i], BL_MEAN);
		step(h, 0, T0, 5);
		step(h, 0, T0 + H, 1e308);
		r = step(h, 0, T0 + 2 * H, 7);
		assert_true(r.has_exp);
		assert_float_equal(r.exp, 5e307, 1e295);
		assert_false(r.has_z);
		bl_free(h);
	}
	/* The mean of values whose sum passes the largest double. */
	struct bl_hist *h = hist("prev:4", BL_MEAN);
	step(h, 0, T0, 1e308);
	step(h, 0, T0 + H, 1.5e308);
	r = step(h, 0, T0 + 2 * H, 7);
	assert_float_equal(r.exp, 1.25e308, 1e296);
	assert_false(r.has_z);
	bl_free(h);
	/* So is the median of two such values, and 1.4826 MAD past it. */
	h = hist("prev:4", BL_MEDIAN);
	step(h, 0, T0, -1.7e308);
	step(h, 0, T0 + H, 1.7e308);
	r = step(h, 0, T0 + 2 * H, 0);
	assert_float_equal(r.exp, 0, 1e-12);
	assert_false(r.has_z);
	bl_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_parse_wording),
	    cmocka_unit_test(test_prev_mean_and_z),
	    cmocka_unit_test(test_zero_variance),
	    cmocka_unit_test(test_median_resists_one_bad_week),
	    cmocka_unit_test(test_revision_and_old),
	    cmocka_unit_test(test_prev_out_of_order),
	    cmocka_unit_test(test_null_value_is_not_recorded),
	    cmocka_unit_test(test_season_slots),
	    cmocka_unit_test(test_season_hopping_and_out_of_order),
	    cmocka_unit_test(test_season_follows_local_time),
	    cmocka_unit_test(test_ewma),
	    cmocka_unit_test(test_spread_overflow),
	    cmocka_unit_test(test_state_round_trip),
	    cmocka_unit_test(test_state_rejects_corrupt),
	    cmocka_unit_test(test_state_save),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
