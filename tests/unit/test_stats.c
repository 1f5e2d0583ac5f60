/*
 * test_stats.c - the tails of lib/stats.c against references computed
 * here from the definitions: sums of probability mass terms in long
 * double, and closed forms; Benjamini-Hochberg against its definition.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>

#include <cmocka.h>

#include "stats.h"

/* Largest relative error seen, reported at the end. */
static double worst;
static char worst_what[128];

static void
close_to(double got, long double want, double rel, const char *what)
{
	double err;

	/* Below the range of a double: 0 or as good as. */
	if (want < 1e-290L) {
		if (!(got < 1e-280))
			fail_msg("%s: got %.17g, want %.17Lg", what, got, want);
		return;
	}
	err = (double)fabsl(((long double)got - want) / want);
	if (err > worst)
		worst = err,
		snprintf(worst_what, sizeof worst_what, "%s", what);
	if (!(err <= rel))
		fail_msg("%s: got %.17g, want %.17Lg (relative error %g)", what,
		         got, want, err);
}

/*
 * Sum the terms log_pmf(j) for j from k up (up = 1) or down (up = 0)
 * until they no longer count, with the next term from the last by
 * ratio(j): a tail by its definition.
 */
typedef long double (*lpmf_fn)(long double j, const long double *a);
typedef long double (*ratio_fn)(long double j, int up, const long double *a);

static long double
tail(lpmf_fn lpmf, ratio_fn ratio, long double k, int up, long double lo,
     long double hi, const long double *a)
{
	long double t, sum = 0;

	/* A tail that holds the mean is summed as 1 - the other tail, whose
	 * terms fall from the start. */
	if (up && k <= a[0])
		return k - 1 < lo ? 1
		                  : 1 - tail(lpmf, ratio, k - 1, 0, lo, hi, a);
	if (!up && k >= a[0])
		return k + 1 > hi ? 1
		                  : 1 - tail(lpmf, ratio, k + 1, 1, lo, hi, a);
	t = expl(lpmf(k, a));
	for (long double j = k; j >= lo && j <= hi; j += up ? 1 : -1) {
		sum += t;
		if (t <= sum * 1e-22L)
			break;
		t *= ratio(j, up, a);
	}
	return sum;
}

/* Poisson: a[0] = mu. */
static long double
pois_lpmf(long double j, const long double *a)
{
	return j * logl(a[0]) - a[0] - lgammal(j + 1);
}

static long double
pois_ratio(long double j, int up, const long double *a)
{
	return up ? a[0] / (j + 1) : j / a[0];
}

/* Binomial: a[0] = mean n p, a[1] = n, a[2] = p. */
static long double
binom_lpmf(long double j, const long double *a)
{
	return lgammal(a[1] + 1) - lgammal(j + 1) - lgammal(a[1] - j + 1) +
	       j * logl(a[2]) + (a[1] - j) * log1pl(-a[2]);
}

static long double
binom_ratio(long double j, int up, const long double *a)
{
	long double n = a[1], p = a[2];

	return up ? (n - j) / (j + 1) * p / (1 - p)
	          : j / (n - j + 1) * (1 - p) / p;
}

/* Negative binomial: a[0] = mu, a[1] = r; success probability
 * s = r / (r + mu), pmf Gamma(j + r) / (Gamma(r) j!) s^r (1 - s)^j. */
static long double
nb_lpmf(long double j, const long double *a)
{
	long double r = a[1], s = r / (r + a[0]);

	return lgammal(j + r) - lgammal(r) - lgammal(j + 1) + r * logl(s) +
	       j * log1pl(-s);
}

static long double
nb_ratio(long double j, int up, const long double *a)
{
	long double r = a[1], q = a[0] / (r + a[0]);

	return up ? (j + r) / (j + 1) * q : j / (j - 1 + r) / q;
}

static void
test_poisson(void **state)
{
	static const double mus[] = {0.3, 1,      4.5, 10,      37.2,
	                             100, 1234.5, 1e4, 98765.4, 1e6};
	char what[128];

	(void)state;
	for (size_t i = 0; i < sizeof mus / sizeof *mus; i++) {
		long double a[1] = {mus[i]};
		double sd = sqrt(mus[i]);
		double ks[] = {0,
		               1,
		               floor(mus[i]),
		               ceil(mus[i] + sd),
		               floor(mus[i] - sd),
		               ceil(mus[i] + 4 * sd),
		               floor(mus[i] - 4 * sd),
		               ceil(mus[i] + 10 * sd),
		               floor(mus[i] - 8 * sd)};

		for (size_t j = 0; j < sizeof ks / sizeof *ks; j++) {
			double k = ks[j];

			if (k < 0)
				continue;
			snprintf(what, sizeof what, "Poisson(%g) >= %g", mus[i],
			         k);
			close_to(st_pois_ge(k, mus[i]),
			         k == 0 ? 1
			                : tail(pois_lpmf, pois_ratio, k, 1, 0,
			                       INFINITY, a),
			         1e-9, what);
			snprintf(what, sizeof what, "Poisson(%g) <= %g", mus[i],
			         k);
			close_to(
			    st_pois_le(k, mus[i]),
			    tail(pois_lpmf, pois_ratio, k, 0, 0, INFINITY, a),
			    1e-9, what);
		}
	}
	/* Closed forms. */
	close_to(st_pois_le(0, 7), expl(-7.0L), 1e-12, "P(X <= 0)");
	close_to(st_pois_le(1, 7), expl(-7.0L) * 8, 1e-12, "P(X <= 1)");
	close_to(st_pois_ge(1, 1e-3), -expm1l(-1e-3L), 1e-12, "P(X >= 1)");
	/* Beyond 10^12 no answer, unless the tail underflows. */
	assert_true(isnan(st_pois_ge(1234567890123458.0, 1234567890123456.0)));
	assert_true(isnan(st_pois_le(9007199254740992.0, 9007199254740992.0)));
	assert_true(st_pois_le(7, 5e307) == 0);
	assert_true(st_pois_ge(1e308, 5) == 0);
	assert_true(isnan(st_nbinom_ge(2e12, 10, 2e12)));
	assert_true(isnan(st_binom_le(5e12, 1e13, 0.5)));
	assert_true(st_pois_ge(0, 5) == 1);
	assert_true(st_pois_ge(3, 0) == 0);
	assert_true(st_pois_le(3, 0) == 1);
}

static void
test_binomial(void **state)
{
	static const double ns[] = {1, 7, 40, 333, 5000, 123457, 1e6};
	static const double ps[] = {0.001, 0.1, 0.5, 0.9, 0.97};
	char what[128];

	(void)state;
	for (size_t i = 0; i < sizeof ns / sizeof *ns; i++) {
		for (size_t m = 0; m < sizeof ps / sizeof *ps; m++) {
			double n = ns[i], p = ps[m], mean = n * p;
			double sd = sqrt(n * p * (1 - p));
			long double a[3] = {mean, n, p};
			double ks[] = {0,
			               1,
			               floor(mean),
			               ceil(mean + 3 * sd),
			               floor(mean - 3 * sd),
			               n - 1,
			               n,
			               ceil(mean + 8 * sd),
			               floor(mean - 8 * sd)};

			for (size_t j = 0; j < sizeof ks / sizeof *ks; j++) {
				double k = ks[j];

				if (k < 0 || k > n)
					continue;
				snprintf(what, sizeof what, "Bin(%g, %g) >= %g",
				         n, p, k);
				close_to(st_binom_ge(k, n, p),
				         k == 0 ? 1
				                : tail(binom_lpmf, binom_ratio,
				                       k, 1, 0, n, a),
				         1e-9, what);
				snprintf(what, sizeof what, "Bin(%g, %g) <= %g",
				         n, p, k);
				close_to(st_binom_le(k, n, p),
				         k == n ? 1
				                : tail(binom_lpmf, binom_ratio,
				                       k, 0, 0, n, a),
				         1e-9, what);
			}
		}
	}
	/* Closed forms: all successes, none, and half of an odd n. */
	close_to(st_binom_ge(20, 20, 0.3), powl(0.3L, 20), 1e-12, "all");
	close_to(st_binom_le(0, 20, 0.3), powl(0.7L, 20), 1e-12, "none");
	close_to(st_binom_le(500, 1001, 0.5), 0.5L, 1e-12, "half");
	assert_true(st_binom_ge(21, 20, 0.3) == 0);
}

static void
test_negative_binomial(void **state)
{
	static const double mus[] = {0.5, 3, 20, 250, 8000, 1e6};
	static const double rs[] = {0.2, 1, 4.5, 30, 1000, 1e5, 1e6, 1e8};
	char what[128];

	(void)state;
	for (size_t i = 0; i < sizeof mus / sizeof *mus; i++) {
		for (size_t m = 0; m < sizeof rs / sizeof *rs; m++) {
			double mu = mus[i], r = rs[m];
			double sd = sqrt(mu + mu * mu / r);
			long double a[2] = {mu, r};
			double ks[] = {0,
			               1,
			               floor(mu),
			               ceil(mu + 2 * sd),
			               floor(mu - sd),
			               ceil(mu + 6 * sd)};

			for (size_t j = 0; j < sizeof ks / sizeof *ks; j++) {
				double k = ks[j];

				/* Counts up to 10^6 (and a bit). */
				if (k < 0 || k > 2e6)
					continue;
				snprintf(what, sizeof what,
				         "NB(mu %g, r %g) >= %g", mu, r, k);
				close_to(st_nbinom_ge(k, r, mu),
				         k == 0 ? 1
				                : tail(nb_lpmf, nb_ratio, k, 1,
				                       0, INFINITY, a),
				         1e-9, what);
				snprintf(what, sizeof what,
				         "NB(mu %g, r %g) <= %g", mu, r, k);
				close_to(st_nbinom_le(k, r, mu),
				         tail(nb_lpmf, nb_ratio, k, 0, 0,
				              INFINITY, a),
				         1e-9, what);
			}
		}
	}
	/* r = 1 is geometric: P(X >= k) = (mu / (1 + mu))^k. */
	close_to(st_nbinom_ge(12, 1, 3), powl(0.75L, 12), 1e-12, "geometric");
}

static void
test_bh(void **state)
{
	double p[] = {0.01, 0.04, 0.03, 0.5, NAN, 0.002, 0.04};
	double q[7], want[7];
	size_t n = 7, m = 6;

	(void)state;
	/* The definition: q_i = min over p_j >= p_i of p_j m / rank_j,
	 * ranks 1..m by p (ties: the later rank bounds the earlier). */
	for (size_t i = 0; i < n; i++) {
		want[i] = 1;
		if (isnan(p[i]))
			continue;
		for (size_t j = 0; j < n; j++) {
			size_t rank = 0;

			if (isnan(p[j]) || p[j] < p[i])
				continue;
			for (size_t l = 0; l < n; l++)
				rank +=
				    !isnan(p[l]) &&
				    (p[l] < p[j] || (p[l] == p[j] && l <= j));
			if (p[j] * m / rank < want[i])
				want[i] = p[j] * m / rank;
		}
	}
	st_bh(p, q, n);
	for (size_t i = 0; i < n; i++) {
		if (isnan(p[i])) {
			assert_true(isnan(q[i]));
			continue;
		}
		close_to(q[i], want[i], 1e-15, "BH");
	}
	close_to(q[5], 0.012, 1e-15, "smallest");
	close_to(q[3], 0.5, 1e-15, "largest");

	/* A window of many groups, with ties: q_i = min over p_j >= p_i of
	 * p_j m / (number of p_l <= p_j). */
	{
		enum { N = 400 };
		double bp[N], bq[N];

		srand(7);
		for (int i = 0; i < N; i++)
			bp[i] = (rand() % 1000) / 997.0 * ((i % 3) ? 1 : 1e-3);
		st_bh(bp, bq, N);
		for (int i = 0; i < N; i++) {
			double w = 1;

			for (int j = 0; j < N; j++) {
				int rank = 0;

				if (bp[j] < bp[i])
					continue;
				for (int l = 0; l < N; l++)
					rank += bp[l] <= bp[j];
				if (bp[j] * N / rank < w)
					w = bp[j] * N / rank;
			}
			close_to(bq[i], w, 1e-14, "BH, many groups");
		}
	}
}

static int
report(void **state)
{
	(void)state;
	printf("largest relative error of a tail: %.3g (%s)\n", worst,
	       worst_what);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_poisson),
	    cmocka_unit_test(test_binomial),
	    cmocka_unit_test(test_negative_binomial),
	    cmocka_unit_test(test_bh),
	};
	return cmocka_run_group_tests(tests, NULL, report);
}
