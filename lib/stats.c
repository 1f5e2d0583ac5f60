/*
 * stats.c - count distribution tails and the Benjamini-Hochberg
 * adjustment.  See stats.h.
 */
#include <math.h>
#include <stdlib.h>

#include "stats.h"
#include "util.h"

#define LN_SQRT_2PI 0.918938533204672741780329736406
#define TWO_PI 6.283185307179586476925286766559
#define EPS 1e-14
#define TINY 1e-300
#define MAX_ITER 10000000

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
	if (x < a + 1) {
		sum = term = 1;
		for (int n = 1; n < MAX_ITER; n++) {
			term *= x / (a + n);
			sum += term;
			if (term < sum * EPS)
				break;
		}
		*p = k * sum;
		if (*p > 1)
			*p = 1;
		*q = 1 - *p;
		return;
	}
	/* The continued fraction for Q (modified Lentz). */
	b = x + 1 - a;
	c = 1 / TINY;
	d = 1 / b;
	h = d;
	for (int i = 1; i < MAX_ITER; i++) {
		an = -i * (i - a);
		b += 2;
		d = an * d + b;
		if (fabs(d) < TINY)
			d = TINY;
		c = b + an / c;
		if (fabs(c) < TINY)
			c = TINY;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < EPS)
			break;
	}
	*q = a * k * h; /* x^a e^-x / Gamma(a) times the fraction */
	if (*q > 1)
		*q = 1;
	*p = 1 - *q;
}

/* The continued fraction of I_x(a, b) (modified Lentz). */
static double
betacf(double x, double a, double b)
{
	double qab = a + b, qap = a + 1, qam = a - 1;
	double c = 1, d = 1 - qab * x / qap, h, aa, del;

	if (fabs(d) < TINY)
		d = TINY;
	d = 1 / d;
	h = d;
	for (int m = 1; m < MAX_ITER; m++) {
		int m2 = 2 * m;

		aa = m * (b - m) * x / ((qam + m2) * (a + m2));
		d = 1 + aa * d;
		if (fabs(d) < TINY)
			d = TINY;
		c = 1 + aa / c;
		if (fabs(c) < TINY)
			c = TINY;
		d = 1 / d;
		h *= d * c;
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
		d = 1 + aa * d;
		if (fabs(d) < TINY)
			d = TINY;
		c = 1 + aa / c;
		if (fabs(c) < TINY)
			c = TINY;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < EPS)
			break;
	}
	return h;
}

void
st_beta(double x, double a, double b, double *lower, double *upper)
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
	k = a * b / (a + b) * binom_raw(a, a + b, x, 1 - x);
	if (x < (a + 1) / (a + b + 2)) {
		*lower = k * betacf(x, a, b) / a;
		if (*lower > 1)
			*lower = 1;
		*upper = 1 - *lower;
	} else {
		*upper = k * betacf(1 - x, b, a) / b;
		if (*upper > 1)
			*upper = 1;
		*lower = 1 - *upper;
	}
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
	/* 1 - P(X <= k - 1) = 1 - I_s(r, k), s = r / (r + mu). */
	st_beta(r / (r + mu), r, k, &lo, &up);
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
	st_beta(r / (r + mu), r, k + 1, &lo, &up);
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

void
st_bh(const double *p, double *q, size_t n)
{
	struct bh_ent *e;
	size_t m = 0;
	double run = 1;

	if (n == 0)
		return;
	e = xmalloc(n * sizeof *e);
	for (size_t i = 0; i < n; i++) {
		if (isnan(p[i])) {
			q[i] = NAN;
			continue;
		}
		e[m].p = p[i];
		e[m].i = i;
		m++;
	}
	bh_sort(e, m);
	for (size_t k = m; k-- > 0;) {
		double v = e[k].p * (double)m / (double)(k + 1);

		if (v < run)
			run = v;
		q[e[k].i] = run;
	}
	free(e);
}
