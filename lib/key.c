/*
 * key.c - group keys: the canonical text of a JSON value, and the table
 * of the fields the stages write.  See key.h.
 */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "key.h"

/* Beyond this many zeros a number is written with an exponent. */
#define KEY_MAX_ZEROS 64

/* An exponent this large is not a value anyone means: keep its text. */
#define KEY_MAX_EXP 100000000LL

/*
 * The value is (-1 if negative) x D x 10^E, D the significant digits
 * without leading or trailing zeros.  Written as an integer when E >= 0
 * (D and E zeros) and, with point set, as a decimal fraction when E < 0,
 * each while the zeros are at most KEY_MAX_ZEROS, else as DeE.  Each
 * form is a JSON number of exactly that value, and the form is told by D
 * and E alone, so equal values give equal text.
 */
static void
number(buf_t *out, const char *v, size_t n, int point)
{
	const char *p = v, *end = v + n, *d0 = NULL;
	long long exp = 0, ex = 0;
	size_t nd = 0; /* significant digits, from d0, trailing zeros cut */
	size_t seen = 0;
	int neg = 0, eneg = 0;

	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	/* A plain integer without a leading zero is its own text. */
	{
		const char *q = p;
		while (q < end && *q >= '0' && *q <= '9')
			q++;
		if (q == end && q > p && q - p <= KEY_MAX_ZEROS &&
		    (*p != '0' || (q - p == 1 && !neg))) {
			buf_add(out, v, n);
			return;
		}
	}
	for (int frac = 0; p < end; p++) {
		if (*p == '.') {
			frac = 1;
			continue;
		}
		if (*p < '0' || *p > '9')
			break;
		if (frac)
			exp--;
		if (d0 == NULL && *p == '0')
			continue;
		if (d0 == NULL)
			d0 = p;
		seen++;
		if (*p != '0')
			nd = seen;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		for (; p < end; p++) {
			if (ex > KEY_MAX_EXP) {
				if (d0 == NULL)
					break;
				buf_add(out, v, n);
				return;
			}
			ex = ex * 10 + (*p - '0');
		}
	}
	if (d0 == NULL) {
		buf_addc(out, '0');
		return;
	}
	/* The digits after d0 that were cut as trailing zeros. */
	exp += eneg ? -ex : ex;
	exp += (long long)(seen - nd);
	if (neg)
		buf_addc(out, '-');
	/* d0 .. the nd-th digit, skipping a point among them. */
	char *digits;
	{
		buf_grow(out, nd + 1);
		digits = out->p + out->len;
		size_t k = 0;
		for (const char *q = d0; k < nd; q++)
			if (*q != '.')
				digits[k++] = *q;
	}
	if (exp >= 0 && exp <= KEY_MAX_ZEROS) {
		out->len += nd;
		buf_grow(out, (size_t)exp);
		memset(out->p + out->len, '0', (size_t)exp);
		out->len += (size_t)exp;
	} else if (point && exp < 0 && -exp <= KEY_MAX_ZEROS) {
		size_t f = (size_t)-exp; /* digits after the point */
		if (nd > f) {
			/* ddd.ddd: move the fraction one to the right. */
			buf_grow(out, nd + 1);
			digits = out->p + out->len;
			memmove(digits + nd - f + 1, digits + nd - f, f);
			digits[nd - f] = '.';
			out->len += nd + 1;
		} else {
			/* 0.000ddd */
			char *tmp = xmalloc(nd);
			memcpy(tmp, digits, nd);
			buf_add(out, "0.", 2);
			buf_grow(out, f - nd);
			memset(out->p + out->len, '0', f - nd);
			out->len += f - nd;
			buf_add(out, tmp, nd);
			free(tmp);
		}
	} else {
		out->len += nd;
		buf_printf(out, "e%lld", exp);
	}
}

void
key_number(buf_t *out, const char *v, size_t n)
{
	number(out, v, n, 0);
}

void
key_decimal(buf_t *out, const char *v, size_t n)
{
	number(out, v, n, 1);
}

/* A member of an object being made canonical: offsets into a buffer. */
struct member {
	size_t k, klen; /* the canonical name, quoted */
	size_t v, vlen; /* the canonical value */
	size_t i;       /* its place in the object */
};

static const char *member_base;

static int
member_cmp(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c = memcmp(member_base + x->k, member_base + y->k, n);

	if (c == 0)
		c = (x->klen > y->klen) - (x->klen < y->klen);
	if (c == 0)
		c = (x->i > y->i) - (x->i < y->i);
	return c;
}

static void
canon_object(buf_t *out, const char *v, size_t n)
{
	buf_t tmp = BUF_INIT, name = BUF_INIT;
	struct member *m = NULL;
	size_t nm = 0, cap = 0, pos = 0;
	jfield_t f;

	while (jobj_next(v, n, &pos, &f)) {
		if (nm == cap) {
			cap = cap ? cap * 2 : 8;
			m = xrealloc(m, cap * sizeof *m);
		}
		m[nm].i = nm;
		m[nm].k = tmp.len;
		if (f.kesc) {
			buf_reset(&name);
			jstr_decode(f.k - 1, f.klen + 2, &name);
			jw_str(&tmp, name.p, name.len);
		} else {
			buf_addc(&tmp, '"');
			buf_add(&tmp, f.k, f.klen);
			buf_addc(&tmp, '"');
		}
		m[nm].klen = tmp.len - m[nm].k;
		m[nm].v = tmp.len;
		key_value(&tmp, f.v, f.vlen, f.type);
		m[nm].vlen = tmp.len - m[nm].v;
		nm++;
	}
	member_base = tmp.p;
	if (nm > 1)
		qsort(m, nm, sizeof *m, member_cmp);
	buf_addc(out, '{');
	int first = 1;
	for (size_t i = 0; i < nm; i++) {
		/* A name given twice has its last value, as in jq. */
		if (i + 1 < nm && m[i + 1].klen == m[i].klen &&
		    memcmp(tmp.p + m[i + 1].k, tmp.p + m[i].k, m[i].klen) == 0)
			continue;
		if (!first)
			buf_addc(out, ',');
		first = 0;
		buf_add(out, tmp.p + m[i].k, m[i].klen);
		buf_addc(out, ':');
		buf_add(out, tmp.p + m[i].v, m[i].vlen);
	}
	buf_addc(out, '}');
	free(m);
	buf_free(&tmp);
	buf_free(&name);
}

static void
canon_array(buf_t *out, const char *v, size_t n)
{
	size_t pos = 0, elen;
	const char *e;
	int first = 1;

	buf_addc(out, '[');
	while (jarr_next(v, n, &pos, &e, &elen)) {
		if (!first)
			buf_addc(out, ',');
		first = 0;
		key_value(out, e, elen, jtype_of(e));
	}
	buf_addc(out, ']');
}

void
key_value(buf_t *out, const char *v, size_t n, char type)
{
	switch (type) {
	case JT_STR:
		/* Unescaped text is already what jw_str() would write. */
		if (memchr(v + 1, '\\', n - 2) == NULL) {
			buf_add(out, v, n);
		} else {
			buf_t s = BUF_INIT;
			jstr_decode(v, n, &s);
			jw_str(out, s.p, s.len);
			buf_free(&s);
		}
		break;
	case JT_NUM:
		key_number(out, v, n);
		break;
	case JT_OBJ:
		canon_object(out, v, n);
		break;
	case JT_ARR:
		canon_array(out, v, n);
		break;
	default:
		buf_add(out, v, n);
	}
}

int
key_text(buf_t *out, const char *v, size_t n)
{
	size_t col;
	const char *msg;
	char type;

	if (jscan_value(v, n, &type, &col, &msg) < 0)
		return -1;
	while (n > 0 && strchr(" \t\r\n", v[0]) != NULL) {
		v++;
		n--;
	}
	while (n > 0 && strchr(" \t\r\n", v[n - 1]) != NULL)
		n--;
	key_value(out, v, n, type);
	return 0;
}

/* ---- fields the stages write ------------------------------------------ */

#define F(name, prefix, by)                                                    \
	{                                                                      \
		name, sizeof name - 1, prefix, by                              \
	}

const struct key_field key_fields[] = {
    /* tingle-count: the window, the count, the aggregates and the
     * revision of a corrected window */
    F("window_start", 0, KEY_BY_COUNT),
    F("window_end", 0, KEY_BY_COUNT),
    F("count", 0, KEY_BY_COUNT),
    F("revision", 0, KEY_BY_COUNT),
    F("open", 0, KEY_BY_COUNT),
    F("distinct_", 1, KEY_BY_COUNT),
    F("sum_", 1, KEY_BY_COUNT),
    F("min_", 1, KEY_BY_COUNT),
    F("max_", 1, KEY_BY_COUNT),
    F("avg_", 1, KEY_BY_COUNT),
    /* tingle-compare: the comparison */
    F("expected", 0, KEY_BY_COMPARE),
    F("ratio", 0, KEY_BY_COMPARE),
    F("delta", 0, KEY_BY_COMPARE),
    F("z", 0, KEY_BY_COMPARE),
    F("p", 0, KEY_BY_COMPARE),
    F("q", 0, KEY_BY_COMPARE),
    F("peer_ratio", 0, KEY_BY_COMPARE),
    F("baseline_n", 0, KEY_BY_COMPARE),
    F("baseline", 0, KEY_BY_COMPARE),
    /* tingle-alert: the alert itself (an input field of one of these
     * names is written as input_NAME) */
    F("alert", 0, KEY_BY_ALERT),
    F("state", 0, KEY_BY_ALERT),
    F("severity", 0, KEY_BY_ALERT),
    F("since", 0, KEY_BY_ALERT),
    F("until", 0, KEY_BY_ALERT),
    F("duration", 0, KEY_BY_ALERT),
    F("repeat", 0, KEY_BY_ALERT),
    F("message", 0, KEY_BY_ALERT),
    /* tingle-stitch: what a merged record or a start record gains */
    F("end_ts", 0, KEY_BY_STITCH),
    F("records", 0, KEY_BY_STITCH),
    F("complete", 0, KEY_BY_STITCH),
    F("queue_ids", 0, KEY_BY_STITCH),
    F("deliveries", 0, KEY_BY_STITCH),
    F("matched", 0, KEY_BY_STITCH),
    F("latency", 0, KEY_BY_STITCH),
    {NULL, 0, 0, 0},
};

#undef F

/* By first byte of a name, the stages that write a field starting so. */
static unsigned char first_by[256];
static int first_ready;

const struct key_field *
key_written_by(const char *name, size_t n, int by)
{
	if (!first_ready) {
		for (const struct key_field *f = key_fields; f->name; f++)
			first_by[(unsigned char)f->name[0]] |= f->by;
		first_ready = 1;
	}
	if (n == 0 || !(first_by[(unsigned char)name[0]] & by))
		return NULL;
	for (const struct key_field *f = key_fields; f->name != NULL; f++) {
		if (!(f->by & by) || f->name[0] != name[0])
			continue;
		if ((f->prefix ? n > f->len : n == f->len) &&
		    memcmp(name, f->name, f->len) == 0)
			return f;
	}
	return NULL;
}

int
key_window_field(const char *name, size_t n)
{
	return key_written_by(name, n, KEY_BY_COUNT | KEY_BY_COMPARE) != NULL;
}
