/*
 * test_verdict.c - the records of a window judged together
 * (lib/verdict.c): which count model gives p, q as Benjamini-Hochberg
 * over the window's p values, the window held until it is complete, and
 * the expectation scaled by the peers, leaving the group itself out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <cmocka.h>

#include "rio.h"
#include "stats.h"
#include "verdict.h"

static void
add(struct verdict *vd, const char *dim, const char *val, int64_t start,
    double v, double exp, double trials)
{
	char text[256];
	struct cmp_win w = {start, start + 3600000, 3600000, 0};
	struct bl_result res = {0};
	rec_t r = {0};
	const char *msg;
	size_t col;

	snprintf(text, sizeof text,
	         "{\"dimension\":\"%s\",\"value\":\"%s\",\"count\":%g}", dim,
	         val, v);
	assert_int_equal(rec_scan(&r, text, strlen(text), &col, &msg), 0);
	res.n = 1;
	res.has_exp = 1;
	res.exp = exp;
	if (!isnan(trials)) {
		res.has_trials = 1;
		res.trials = trials;
	}
	vd_add(vd, &r, &w, CMP_NUM, v, &res);
	rec_free(&r);
}

/* The number after "NAME": in line i of the output (NaN for null). */
static double
field(int i, const char *name)
{
	char pat[64];
	const char *l = rio_out.p;

	for (; i > 0; i--)
		l = strchr(l, '\n') + 1;
	snprintf(pat, sizeof pat, "\"%s\":", name);
	l = strstr(l, pat);
	assert_non_null(l);
	l += strlen(pat);
	return strncmp(l, "null", 4) == 0 ? NAN : strtod(l, NULL);
}

static int
lines(void)
{
	int n = 0;

	for (size_t i = 0; i < rio_out.len; i++)
		n += rio_out.p[i] == '\n';
	return n;
}

static void
test_models(void **state)
{
	(void)state;
	/* Poisson: above and below the expectation. */
	assert_true(vd_p(15, 10, 0, NAN, 0, 0, 0) == st_pois_ge(15, 10));
	assert_true(vd_p(5, 10, 0, NAN, 0, 0, 0) == st_pois_le(5, 10));
	/* Binomial when the reference counts trials. */
	assert_true(vd_p(5, 9, 1, 10, 0, 0, 0) == st_binom_le(5, 10, 0.9));
	/* ... unless the count exceeds the trials. */
	assert_true(vd_p(12, 9, 1, 10, 0, 0, 0) == st_pois_ge(12, 9));
	/* Negative binomial when the history is overdispersed: mean 10,
	 * variance 30, size 10^2 / 20 = 5. */
	assert_true(vd_p(25, 10, 0, NAN, 1, 10, 30) == st_nbinom_ge(25, 5, 10));
	/* Not overdispersed: Poisson. */
	assert_true(vd_p(25, 10, 0, NAN, 1, 10, 8) == st_pois_ge(25, 10));
	/* No p for a fraction or a negative count. */
	assert_true(isnan(vd_p(2.5, 10, 0, NAN, 0, 0, 0)));
	assert_true(isnan(vd_p(-1, 10, 0, NAN, 0, 0, 0)));
	assert_true(isnan(vd_p(3, NAN, 0, NAN, 0, 0, 0)));
}

static void
test_q_is_bh_over_the_window(void **state)
{
	struct vd_conf cf = {1, "\"x\"", NULL, 0};
	struct verdict *vd = vd_new(&cf);
	double obs[] = {3, 10, 25, 9, 40}, p[5], q[5];

	(void)state;
	buf_reset(&rio_out);
	for (int i = 0; i < 5; i++)
		add(vd, "d", "v", 0, obs[i], 10, NAN);
	assert_int_equal(vd_held(vd), 5);
	assert_int_equal(lines(), 0); /* held until the window is done */
	/* A record of the next window writes the first. */
	add(vd, "d", "v", 3600000, 1, 10, NAN);
	assert_int_equal(lines(), 5);
	for (int i = 0; i < 5; i++) {
		p[i] = obs[i] >= 10 ? st_pois_ge(obs[i], 10)
		                    : st_pois_le(obs[i], 10);
		assert_true(fabs(field(i, "p") - p[i]) <= 1e-11 * p[i]);
	}
	st_bh(p, q, 5);
	for (int i = 0; i < 5; i++)
		assert_true(fabs(field(i, "q") - q[i]) <= 1e-11 * q[i]);
	vd_flush(vd);
	assert_int_equal(lines(), 6);
	/* Alone in its window, q is p. */
	assert_true(field(5, "q") == field(5, "p"));
	vd_free(vd);
	buf_reset(&rio_out);
}

static void
test_peers_leave_one_out(void **state)
{
	struct vd_conf cf = {1, "\"x\"", "dimension", 1};
	struct verdict *vd = vd_new(&cf);

	(void)state;
	buf_reset(&rio_out);
	/* os: all three values at half their usual; plan: one value at
	 * a tenth, the other normal. */
	add(vd, "os", "ios", 0, 300, 600, 600);
	add(vd, "os", "android", 0, 150, 300, 300);
	add(vd, "os", "web", 0, 50, 100, 100);
	add(vd, "plan", "basic", 0, 40, 400, 400);
	add(vd, "plan", "pro", 0, 600, 600, 600);
	vd_flush(vd);
	/* ios: peers 200 of 400, ratio 0.5, expected 300. */
	assert_true(field(0, "peer_ratio") == 0.5);
	assert_true(field(0, "expected") == 300);
	assert_true(field(0, "ratio") == 1);
	assert_true(field(1, "expected") == 150);
	assert_true(field(2, "expected") == 50);
	/* basic: its peer pro did as expected; pro: its peer basic did
	 * not, so pro's expectation drops to a tenth. */
	assert_true(field(3, "peer_ratio") == 1);
	assert_true(field(3, "expected") == 400);
	assert_true(field(3, "p") < 1e-100);
	assert_true(field(4, "peer_ratio") == 0.1);
	assert_true(field(4, "expected") == 60);
	vd_free(vd);
	buf_reset(&rio_out);
}

static int
setup(void **state)
{
	(void)state;
	rio_init("test_verdict", 0, NULL);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_models),
	    cmocka_unit_test(test_q_is_bh_over_the_window),
	    cmocka_unit_test(test_peers_leave_one_out),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
