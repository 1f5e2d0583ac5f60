/*
 * stats.c - count distribution tails and the Benjamini-Hochberg
 * adjustment.  See stats.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#include "stats.h"
#include "util.h"

#define LN_SQRT_2PI 0.918938533204672741780329736406
#define TWO_PI 6.283185307179586476925286766559
#define EPS 1e-14
#define TINY 1e-300
#define MAX_ITER 10000000
/* Beyond this the series and fractions would need more than MAX_ITER
 * steps near the mean, and the arguments have lost their last digits
 * (a + 1 == a from 2^53): a tail that has not underflowed is NaN. */
#define ST_MAX 1e12

/*
 * Loader's stirlerr(n) = log(n!) - log(sqrt(2 pi n) (n / e)^n), for
 * n > 0: the series for large n, lgamma below.
 */
static double
stirlerr(double n)
{
	static const double s0 = 1.0 / 12, s1 = 1.0 / 360, s2 = 1.0 / 1260,
	                    s3 = 1.0 / 1680, s4 = 1.0 / 1188;
	double nn = n * n;

	if (n <= 15)
		return lgamma(n + 1) - (n + 0.5) * log(n) + n - LN_SQRT_2PI;
	if (n > 500)
		return (s0 - s1 / nn) / n;
	if (n > 80)
		return (s0 - (s1 - s2 / nn) / nn) / n;
	if (n > 35)
		return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n;
	return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n;
}

/* Loader's bd0(x, np) = x log(x / np) + np - x, without cancellation
 * when x is near np. */
static double
bd0(double x, double np)
{
	double v, s, ej, s1;

	if (fabs(x - np) >= 0.1 * (x + np))
		return x * log(x / np) + np - x;
	v = (x - np) / (x + np);
	s = (x - np) * v;
	ej = 2 * x * v;
	v = v * v;
	for (int j = 1; j < 1000; j++) {
		ej *= v;
		s1 = s + ej / (2 * j + 1);
		if (s1 == s)
			return s1;
		s = s1;
	}
	return s;
}

/* x^a e^-x / Gamma(a + 1), for a > 0, x > 0. */
static double
pois_raw(double a, double x)
{
	return exp(-stirlerr(a) - bd0(a, x)) / sqrt(TWO_PI * a);
}

/* Gamma(n + 1) / (Gamma(x + 1) Gamma(n - x + 1)) p^x q^(n - x), for
 * 0 < x < n, 0 < p < 1, q = 1 - p. */
static double
binom_raw(double x, double n, double p, double q)
{
	double lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) -
	            bd0(x, n * p) - bd0(n - x, n * q);

	return exp(lc) / sqrt(TWO_PI * x * (n - x) / n);
}

/*
 * The continued fractions below are evaluated by the forward recurrence
 * of their numerators and denominators (A_n = A_n-1 + d_n A_n-2, and B_n
 * the same), which takes multiplications where the modified Lentz method
 * takes two chained divisions a step; the d_n do not depend on each
 * other, so their divisions overlap.  A and B are rescaled together
 * before they leave the range of a double; their ratio is the value.
 */
#define CF_BIG 1e150

/* Advance the recurrence by d: (a1, a0) <- (a1 + d a0, a1). */
#define CF_STEP(a1, a0, b1, b0, d)                                             \
	do {                                                                   \
		double na_ = (a1) + (d) * (a0), nb_ = (b1) + (d) * (b0);       \
		(a0) = (a1), (b0) = (b1), (a1) = na_, (b1) = nb_;              \
	} while (0)

/* Keep A within range, scaling all four by the same factor. */
static void
cf_rescale(double *a1, double *a0, double *b1, double *b0)
{
	double m = fabs(*a1);

	if (m > CF_BIG || (m < 1 / CF_BIG && m > 0)) {
		m = 1 / m;
		*a1 *= m, *a0 *= m, *b1 *= m, *b0 *= m;
	}
}

/*
 * A negative binomial tail summed term by term, for large sizes r: there
 * the incomplete beta function's fraction, with a = r, runs on the edge
 * of its region and loses digits (1e-8 at r = 1e8), while the terms,
 * from the one at k outward, each from the last by the ratio of
 * consecutive probabilities, fall off as a Poisson's do.  A sum stops
 * when the terms still to come, bounded by a geometric series, are below
 * EPS of it; one that would take more than SUM_TERMS terms (a mean of
 * millions) is left to the beta function: nb_sum returns 0 then, and
 * 1 with the sum in *out on success.
 */
#define SUM_TERMS 1000
/* Sizes from which the sum is tried first. */
#define NB_SUM_R 1e5

/* P(X = k) of a negative binomial with size r > 0 and success
 * probability s = r / (r + mu), q = 1 - s = mu / (r + mu); k whole. */
static double
nb_pmf(double k, double r, double mu, double s, double q)
{
	double n = k + r, lc;

	if (k == 0)
		return exp(-r * log1p(mu / r));
	/* r / (k + r) times the binomial term of r successes in k + r
	 * trials, by Loader's method as binom_raw. */
	lc = stirlerr(n) - stirlerr(r) - stirlerr(k) - bd0(r, n * s) -
	     bd0(k, n * q);
	return r / n * exp(lc) / sqrt(TWO_PI * r * k / n);
}

/* Negative binomial P(X <= k) (up = 0) or P(X >= k) (up = 1). */
static int
nb_sum(double k, double r, double mu, int up, double *out)
{
	double s = r / (r + mu), q = mu / (r + mu);
	double t = nb_pmf(k, r, mu, s, q), sum = 0, rho;

	if (!(t > 0) || !isfinite(t))
		return 0;
	for (int n = 0; n < SUM_TERMS; n++) {
		sum += t;
		if (up) {
			/* Ratios fall toward q for r >= 1, rise toward it
			 * below: the larger bounds those to come. */
			rho = (k + r) * q / (k + 1);
			k++;
			t *= rho;
			if (rho < q)
				rho = q;
		} else {
			if (k == 0) {
				*out = sum;
				return 1;
			}
			/* Ratios fall as k does for r >= 1; below, they
			 * rise, and every term down to 0 is added. */
			rho = k / ((k - 1 + r) * q);
			k--;
			t *= rho;
			if (r < 1)
				continue;
		}
		if (rho < 1 && t < sum * EPS * (1 - rho)) {
			*out = sum;
			return 1;
		}
	}
	return 0;
}

void
st_gamma(double a, double x, double *p, double *q)
{
	double k, sum, term, b, c, d, h, an, del;

	if (x <= 0) {
		*p = 0;
		*q = 1;
		return;
	}
	if (isinf(x)) {
		*p = 1;
		*q = 0;
		return;
	}
	k = pois_raw(a, x); /* x^a e^-x / Gamma(a + 1) */
	if (k > 0 && (a > ST_MAX || x > ST_MAX)) {
		*p = *q = NAN;
		return;
	}
	if (x < a + 1) {
		int n;

		if (k == 0) { /* underflowed: so is P */
			*p = 0;
			*q = 1;
			return;
		}
		/* Two terms a step, with one division: the chain of
		 * products is half as long. */
		sum = term = 1;
		for (n = 1; n < MAX_ITER; n += 2) {
			double d1 = a + n, d2 = d1 + 1, inv = 1 / (d1 * d2);
			double t1 = term * x * d2 * inv;

			term *= x * x * inv;
			sum += t1 + term;
			if (term < sum * EPS)
				break;
		}
		if (n >= MAX_ITER) {
			*p = *q = NAN; /* no convergence */
			return;
		}
		*p = k * sum;
		if (*p > 1)
			*p = 1;
		*q = 1 - *p;
		return;
	}
	/* Q is the leading factor times a fraction below 1 / (x + 1 - a):
	 * a factor that underflowed makes it 0. */
	if (k == 0) {
		*q = 0;
		*p = 1;
		return;
	}
	/* The continued fraction for Q: 1 / (x + 1 - a - 1 (1 - a) /
	 * (x + 3 - a - 2 (2 - a) / (x + 5 - a - ...))), by the forward
	 * recurrence with b_n = x + 2n + 1 - a. */
	{
		double a0 = 1, a1 = x + 1 - a, b0 = 0, b1 = 1, old, hn;
		int i;

		b = x + 1 - a;
		old = b1 / a1;
		h = old;
		for (i = 1; i < MAX_ITER; i++) {
			an = -i * (i - a);
			b += 2;
			c = b * a1 + an * a0;
			d = b * b1 + an * b0;
			a0 = a1, b0 = b1, a1 = c, b1 = d;
			cf_rescale(&a1, &a0, &b1, &b0);
			if (a1 == 0)
				continue;
			hn = b1 / a1;
			del = hn - old;
			old = hn;
			h = hn;
			if (fabs(del) <= EPS * fabs(hn))
				break;
		}
		/* No convergence (a and x beyond 10^15): no answer. */
		if (i == MAX_ITER || !isfinite(h)) {
			*p = *q = NAN;
			return;
		}
	}
	*q = a * k * h; /* x^a e^-x / Gamma(a) times the fraction */
	if (*q > 1)
		*q = 1;
	*p = 1 - *q;
}

/* The continued fraction of I_x(a, b): 1 / (1 + d1 / (1 + d2 / ...)). */
static double
betacf(double x, double a, double b)
{
	double qab = a + b, qap = a + 1, qam = a - 1;
	double a0 = 1, a1 = 1 - qab * x / qap, b0 = 1, b1 = 1, h, old;

	old = b1 / a1;
	for (int m = 1; m < MAX_ITER; m++) {
		int m2 = 2 * m;
		double de = m * (b - m) * x / ((qam + m2) * (a + m2));
		double dd = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));

		CF_STEP(a1, a0, b1, b0, de);
		CF_STEP(a1, a0, b1, b0, dd);
		cf_rescale(&a1, &a0, &b1, &b0);
		if (a1 == 0)
			continue;
		h = b1 / a1;
		if (fabs(h - old) <= EPS * fabs(h))
			return h;
		old = h;
	}
	return NAN; /* no convergence */
}

/* st_beta with y = 1 - x given, so that a caller that has it exactly
 * (r / (r + mu) and mu / (r + mu)) does not lose digits to 1 - x. */
static void
beta_tails(double x, double y, double a, double b, double *lower, double *upper)
{
	double k;

	if (x <= 0) {
		*lower = 0;
		*upper = 1;
		return;
	}
	if (x >= 1) {
		*lower = 1;
		*upper = 0;
		return;
	}
	/* x^a (1 - x)^b / B(a, b), from the binomial term of a successes
	 * in a + b trials. */
	k = a * b / (a + b) * binom_raw(a, a + b, x, y);
	if (k > 0 && a + b > ST_MAX) {
		*lower = *upper = NAN;
		return;
	}
	if (k == 0) {
		/* The leading factor underflowed: the tail on x's side
		 * is 0. */
		if (x < (a + 1) / (a + b + 2))
			*lower = 0, *upper = 1;
		else
			*lower = 1, *upper = 0;
		return;
	}
	if (x < (a + 1) / (a + b + 2)) {
		*lower = k * betacf(x, a, b) / a;
		if (*lower > 1)
			*lower = 1;
		*upper = 1 - *lower;
	} else {
		*upper = k * betacf(y, b, a) / b;
		if (*upper > 1)
			*upper = 1;
		*lower = 1 - *upper;
	}
}

void
st_beta(double x, double a, double b, double *lower, double *upper)
{
	beta_tails(x, 1 - x, a, b, lower, upper);
}

double
st_pois_ge(double k, double mu)
{
	double p, q;

	if (k <= 0)
		return 1;
	if (mu <= 0)
		return 0;
	st_gamma(k, mu, &p, &q);
	return p;
}

double
st_pois_le(double k, double mu)
{
	double p, q;

	if (k < 0)
		return 0;
	if (mu <= 0)
		return 1;
	st_gamma(k + 1, mu, &p, &q);
	return q;
}

double
st_binom_ge(double k, double n, double pr)
{
	double lo, up;

	if (k <= 0)
		return 1;
	if (k > n || pr <= 0)
		return 0;
	if (pr >= 1)
		return 1;
	st_beta(pr, k, n - k + 1, &lo, &up);
	return lo;
}

double
st_binom_le(double k, double n, double pr)
{
	double lo, up;

	if (k < 0)
		return 0;
	if (k >= n || pr <= 0)
		return 1;
	if (pr >= 1)
		return 0;
	st_beta(pr, k + 1, n - k, &lo, &up);
	return up;
}

double
st_nbinom_ge(double k, double r, double mu)
{
	double lo, up;

	if (k <= 0)
		return 1;
	if (mu <= 0)
		return 0;
	/* Its variance is the mean's to a millionth for counts up to
	 * 10^6, and r / (r + mu) would round to 1: Poisson. */
	if (r > ST_MAX)
		return st_pois_ge(k, mu);
	if (r > NB_SUM_R && nb_sum(k, r, mu, 1, &lo))
		return lo > 1 ? 1 : lo;
	/* 1 - P(X <= k - 1) = 1 - I_s(r, k), s = r / (r + mu). */
	beta_tails(r / (r + mu), mu / (r + mu), r, k, &lo, &up);
	return up;
}

double
st_nbinom_le(double k, double r, double mu)
{
	double lo, up;

	if (k < 0)
		return 0;
	if (mu <= 0)
		return 1;
	/* Its variance is the mean's to a millionth for counts up to
	 * 10^6, and r / (r + mu) would round to 1: Poisson. */
	if (r > ST_MAX)
		return st_pois_le(k, mu);
	if (r > NB_SUM_R && nb_sum(k, r, mu, 0, &lo))
		return lo > 1 ? 1 : lo;
	beta_tails(r / (r + mu), mu / (r + mu), r, k + 1, &lo, &up);
	return lo;
}

/* A p value and where it came from. */
struct bh_ent {
	double p;
	size_t i;
};

static int
bh_less(const struct bh_ent *x, const struct bh_ent *y)
{
	return x->p < y->p || (x->p == y->p && x->i < y->i);
}

/* Sort e[0..n) by p, then index: a quicksort with the comparison in
 * line, as a window can hold many thousands of groups. */
static void
bh_sort(struct bh_ent *e, size_t n)
{
	while (n > 16) {
		struct bh_ent t, piv;
		size_t i = 0, j = n - 1, mid = n / 2;

		/* Median of three as the pivot. */
		if (bh_less(&e[mid], &e[0]))
			t = e[mid], e[mid] = e[0], e[0] = t;
		if (bh_less(&e[j], &e[mid]))
			t = e[j], e[j] = e[mid], e[mid] = t;
		if (bh_less(&e[mid], &e[0]))
			t = e[mid], e[mid] = e[0], e[0] = t;
		piv = e[mid];
		for (;;) {
			while (bh_less(&e[i], &piv))
				i++;
			while (bh_less(&piv, &e[j]))
				j--;
			if (i >= j)
				break;
			t = e[i], e[i] = e[j], e[j] = t;
			i++;
			j--;
		}
		/* Recurse into the smaller part, loop on the larger. */
		if (j + 1 < n - j - 1) {
			bh_sort(e, j + 1);
			e += j + 1;
			n -= j + 1;
		} else {
			bh_sort(e + j + 1, n - j - 1);
			n = j + 1;
		}
	}
	for (size_t i = 1; i < n; i++) {
		struct bh_ent t = e[i];
		size_t j = i;

		while (j > 0 && bh_less(&t, &e[j - 1])) {
			e[j] = e[j - 1];
			j--;
		}
		e[j] = t;
	}
}

/* The bits of p, which order as p does for p >= +0. */
static uint64_t
p_bits(double p)
{
	uint64_t u;

	memcpy(&u, &p, sizeof u);
	return u;
}

/*
 * Sort e[0..n), in index order and with every p >= +0, by p then index:
 * a least-significant-byte-first radix sort of the bits, stable, so
 * equal p values keep their index order.  A byte that every entry
 * shares (most of the exponent, for p values of one window) takes no
 * pass.  Faster than the quicksort for the thousands of groups of a
 * window.
 */
static void
bh_radix(struct bh_ent *e, struct bh_ent *tmp, size_t n)
{
	struct bh_ent *src = e, *dst = tmp;
	size_t cnt[256];

	for (int shift = 0; shift < 64; shift += 8) {
		size_t pos = 0;

		memset(cnt, 0, sizeof cnt);
		for (size_t i = 0; i < n; i++)
			cnt[(p_bits(src[i].p) >> shift) & 255]++;
		if (cnt[(p_bits(src[0].p) >> shift) & 255] == n)
			continue;
		for (size_t b = 0; b < 256; b++) {
			size_t c = cnt[b];

			cnt[b] = pos;
			pos += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[(p_bits(src[i].p) >> shift) & 255]++] = src[i];
		{
			struct bh_ent *t = src;

			src = dst;
			dst = t;
		}
	}
	if (src != e)
		memcpy(e, src, n * sizeof *e);
}

void
st_bh(const double *p, double *q, size_t n)
{
	struct st_work w = {NULL, 0};

	st_bh_work(p, q, n, &w);
	st_work_free(&w);
}

void
st_work_free(struct st_work *w)
{
	free(w->p);
	w->p = NULL;
	w->cap = 0;
}

void
st_bh_work(const double *p, double *q, size_t n, struct st_work *w)
{
	struct bh_ent *e;
	size_t m = 0;
	double run = 1;
	int radix_ok = 1;

	if (n == 0)
		return;
	/* The entries, and as many again for the radix sort. */
	if (w->cap < 2 * n * sizeof *e) {
		free(w->p);
		w->cap = 2 * n * sizeof *e;
		w->p = xmalloc(w->cap);
	}
	e = w->p;
	for (size_t i = 0; i < n; i++) {
		if (isnan(p[i])) {
			q[i] = NAN;
			continue;
		}
		e[m].p = p[i];
		e[m].i = i;
		m++;
		if (signbit(p[i]))
			radix_ok = 0;
	}
	if (m > 256 && radix_ok)
		bh_radix(e, e + n, m);
	else
		bh_sort(e, m);
	for (size_t k = m; k-- > 0;) {
		double v = e[k].p * (double)m / (double)(k + 1);

		if (v < run)
			run = v;
		q[e[k].i] = run;
	}
}
