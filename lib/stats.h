/*
 * stats.h - tail probabilities of the count distributions tingle-compare
 * judges a count by, and the Benjamini-Hochberg adjustment.
 *
 * The tails are the regularized incomplete gamma and beta functions
 * (a power series or a continued fraction, whichever converges on the
 * side asked for, so that a small tail is computed directly and keeps
 * its relative accuracy), with their leading factor computed by Loader's
 * saddle point method ("Fast and accurate computation of binomial
 * probabilities", 2000) rather than by exp(a log x - lgamma(a)), which
 * loses nine digits for counts near 10^6.  They agree with sums of the
 * probability terms in long double to better than 1e-10 relative for
 * counts up to 10^6 (tests/unit/test_stats.c).  Above 10^12 a tail is
 * NaN unless it is below the smallest double (0).  Pure functions: no state, no
 * allocation except in st_bh and st_bh_work.
 */
#ifndef TINGLE_STATS_H
#define TINGLE_STATS_H

#include <stddef.h>

/*
 * The regularized incomplete gamma functions P(a, x) and Q(a, x) =
 * 1 - P(a, x), for a > 0 and x >= 0, into *p and *q.
 */
void st_gamma(double a, double x, double *p, double *q);

/*
 * The regularized incomplete beta function I_x(a, b) into *lower and
 * 1 - I_x(a, b) into *upper, for a > 0, b > 0, 0 <= x <= 1.
 */
void st_beta(double x, double a, double b, double *lower, double *upper);

/* Poisson with mean mu >= 0: P(X >= k) and P(X <= k), k whole. */
double st_pois_ge(double k, double mu);
double st_pois_le(double k, double mu);

/* Binomial of n trials (whole) with success probability pr in [0, 1]:
 * P(X >= k) and P(X <= k). */
double st_binom_ge(double k, double n, double pr);
double st_binom_le(double k, double n, double pr);

/*
 * Negative binomial with mean mu >= 0 and size r > 0 (variance
 * mu + mu^2 / r; the number of failures before the r-th success, with
 * success probability r / (r + mu)): P(X >= k) and P(X <= k).  A size
 * above 10^12 is taken as Poisson.
 */
double st_nbinom_ge(double k, double r, double mu);
double st_nbinom_le(double k, double r, double mu);

/*
 * Benjamini-Hochberg adjusted p values: q[i] = min over the j with
 * p[j] >= p[i] of p[j] * n / rank(j), at most 1.  p and q may be the
 * same array.  A NaN p (no p value) is left out of n and gets a NaN q.
 */
void st_bh(const double *p, double *q, size_t n);

/* Scratch memory st_bh_work keeps between calls: {NULL, 0} at first,
 * st_work_free after the last. */
struct st_work {
	void *p;
	size_t cap;
};

/* st_bh with its scratch memory in *w, for a caller that adjusts window
 * after window. */
void st_bh_work(const double *p, double *q, size_t n, struct st_work *w);
void st_work_free(struct st_work *w);

#endif
