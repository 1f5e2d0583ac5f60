/*
 * dec.c - exact sums of JSON numbers (see dec.h).
 */
#include "dec.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"

#define DEC_MAX_DIGITS 38 /* 10^38 < 2^127 */

/* 10^k for k <= DEC_MAX_DIGITS. */
static __int128
pow10_128(int k)
{
	static __int128 t[DEC_MAX_DIGITS + 1];
	static int ready;

	if (!ready) {
		t[0] = 1;
		for (int i = 1; i <= DEC_MAX_DIGITS; i++)
			t[i] = t[i - 1] * 10;
		ready = 1;
	}
	return t[k];
}

/* Make a inexact from the decimal text s[0..n). */
static void
set_double(dec_t *v, const char *s, size_t n)
{
	char tmp[128], *p = n < sizeof tmp ? tmp : xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	v->m = 0;
	v->scale = 0;
	v->inexact = 1;
	v->d = strtod(p, NULL);
	if (p != tmp)
		free(p);
}

/* Multiply by 10^k; -1 on overflow. */
static int
scale_up(__int128 *m, int k)
{
	if (k > DEC_MAX_DIGITS)
		return *m == 0 ? 0 : -1;
	return __builtin_mul_overflow(*m, pow10_128(k), m) ? -1 : 0;
}

int
dec_parse(const char *s, size_t n, dec_t *v)
{
	size_t i = 0;
	int neg = 0, sig = 0, frac = 0, over = 0;
	long exp = 0;
	__int128 m = 0;

	if (i < n && s[i] == '-') {
		neg = 1;
		i++;
	}
	if (i >= n || s[i] < '0' || s[i] > '9')
		return -1;
	if (s[i] == '0') {
		i++;
	} else {
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			if (sig < DEC_MAX_DIGITS) {
				m = m * 10 + (s[i] - '0');
				sig++;
			} else {
				over = 1;
			}
		}
	}
	if (i < n && s[i] == '.') {
		i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			return -1;
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			if (m == 0 && s[i] == '0') {
				frac++;
				continue;
			}
			if (sig < DEC_MAX_DIGITS) {
				m = m * 10 + (s[i] - '0');
				sig++;
				frac++;
			} else if (s[i] != '0') {
				over = 1;
			}
		}
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		int eneg = 0;
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			eneg = s[i++] == '-';
		if (i >= n || s[i] < '0' || s[i] > '9')
			return -1;
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			if (exp < 100000)
				exp = exp * 10 + (s[i] - '0');
		if (eneg)
			exp = -exp;
	}
	if (i != n)
		return -1;
	if (over) {
		set_double(v, s, n);
		return 0;
	}
	v->inexact = 0;
	v->d = 0;
	if (m == 0) {
		v->m = 0;
		v->scale = 0;
		return 0;
	}
	long scale = frac - exp;
	while (scale > 0 && m % 10 == 0) {
		m /= 10;
		scale--;
	}
	if (scale < 0) {
		if (scale_up(&m, (int)(-scale > 100 ? 100 : -scale)) < 0) {
			set_double(v, s, n);
			return 0;
		}
		scale = 0;
	}
	if (scale > DEC_MAX_SCALE) {
		set_double(v, s, n);
		return 0;
	}
	v->m = neg ? -m : m;
	v->scale = (int32_t)scale;
	return 0;
}

double
dec_double(const dec_t *a)
{
	buf_t b = BUF_INIT;
	double d;

	if (a->inexact)
		return a->d;
	if (a->scale == 0 && a->m >= -((__int128)1 << 53) &&
	    a->m <= ((__int128)1 << 53))
		return (double)a->m;
	dec_format(a, &b);
	d = strtod(b.p, NULL);
	buf_free(&b);
	return d;
}

void
dec_add(dec_t *a, const dec_t *b)
{
	__int128 am = a->m, bm = b->m, sum;
	int32_t sc = a->scale;

	if (a->inexact || b->inexact)
		goto inexact;
	if (a->scale < b->scale) {
		if (scale_up(&am, b->scale - a->scale) < 0)
			goto inexact;
		sc = b->scale;
	} else if (b->scale < a->scale) {
		if (scale_up(&bm, a->scale - b->scale) < 0)
			goto inexact;
	}
	if (__builtin_add_overflow(am, bm, &sum))
		goto inexact;
	a->m = sum;
	a->scale = sc;
	return;

inexact:;
	double da = dec_double(a), db = dec_double(b);
	a->m = 0;
	a->scale = 0;
	a->inexact = 1;
	a->d = da + db;
}

void
dec_format(const dec_t *a, buf_t *out)
{
	char dig[48];
	int nd = 0, k = 0, sc;
	unsigned __int128 u;

	if (a->inexact) {
		jw_num(out, a->d);
		return;
	}
	if (a->m == 0) {
		buf_addc(out, '0');
		return;
	}
	u = a->m < 0 ? -(unsigned __int128)a->m : (unsigned __int128)a->m;
	while (u > 0) {
		dig[nd++] = (char)('0' + (int)(u % 10));
		u /= 10;
	}
	/* dig holds the digits least significant first; drop trailing zeros
	 * of the fraction. */
	sc = a->scale;
	while (k < sc && dig[k] == '0')
		k++;
	sc -= k;
	if (a->m < 0)
		buf_addc(out, '-');
	if (nd - k <= sc) {
		buf_adds(out, "0.");
		for (int i = nd - k; i < sc; i++)
			buf_addc(out, '0');
		for (int i = nd - 1; i >= k; i--)
			buf_addc(out, dig[i]);
		return;
	}
	for (int i = nd - 1; i >= k; i--) {
		if (i == k + sc - 1)
			buf_addc(out, '.');
		buf_addc(out, dig[i]);
	}
}
