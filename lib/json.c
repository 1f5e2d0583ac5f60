/*
 * json.c - the record layer: a validating JSON scanner, JSON writing
 * helpers, and records written back as their original bytes.
 *
 * The scanner accepts what RFC 8259 accepts, with two exceptions shared
 * with jansson, our reference: nesting deeper than JSON_MAX_DEPTH and a
 * \u escape of a lone UTF-16 surrogate are rejected.  Strings must be
 * valid UTF-8.
 */
#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

/* ==== scanning ========================================================== */

typedef struct scan {
	const unsigned char *p; /* start of the text */
	const unsigned char *s; /* current position */
	const unsigned char *e; /* end */
	const char *err;
	const unsigned char *errp;
} scan_t;

/* Bytes that may appear unescaped in a string without further checks. */
static unsigned char plain[256];
static int plain_ready;

static void
plain_init(void)
{
	for (int c = 0x20; c < 0x80; c++)
		plain[c] = 1;
	plain['"'] = 0;
	plain['\\'] = 0;
	plain_ready = 1;
}

static int
fail(scan_t *sc, const unsigned char *at, const char *msg)
{
	if (sc->err == NULL) {
		sc->err = msg;
		sc->errp = at;
	}
	return -1;
}

static void
skip_ws(scan_t *sc)
{
	while (sc->s < sc->e && (*sc->s == ' ' || *sc->s == '\t' ||
	                         *sc->s == '\n' || *sc->s == '\r'))
		sc->s++;
}

/* Length of the UTF-8 sequence at s (s < e), or 0 if invalid. */
static size_t
utf8_seq(const unsigned char *s, const unsigned char *e)
{
	unsigned c = s[0];
	size_t n = (size_t)(e - s);

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if (c == 0xE0 && s[1] < 0xA0)
			return 0; /* overlong */
		if (c == 0xED && s[1] >= 0xA0)
			return 0; /* surrogate */
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
		    (s[3] & 0xC0) != 0x80)
			return 0;
		if (c == 0xF0 && s[1] < 0x90)
			return 0;
		if (c == 0xF4 && s[1] >= 0x90)
			return 0;
		return 4;
	}
	return 0;
}

size_t
utf8_valid_prefix(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p, *e = s + n;

	while (s < e) {
		size_t k = utf8_seq(s, e);
		if (k == 0)
			break;
		s += k;
	}
	return (size_t)(s - (const unsigned char *)p);
}

static int
hex4(const unsigned char *s, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		int d = hexval(s[i]);
		if (d < 0)
			return -1;
		v = v << 4 | (unsigned)d;
	}
	*out = v;
	return 0;
}

/* Scan a string starting at the opening quote; *esc set if it has
 * backslashes. */
static int
scan_string(scan_t *sc, int *esc)
{
	const unsigned char *s = sc->s + 1, *e = sc->e;

	*esc = 0;
	for (;;) {
		while (s < e && plain[*s])
			s++;
		if (s >= e)
			return fail(sc, s, "unterminated string");
		unsigned c = *s;
		if (c == '"') {
			sc->s = s + 1;
			return 0;
		}
		if (c == '\\') {
			*esc = 1;
			if (s + 1 >= e)
				return fail(sc, s, "unterminated string");
			switch (s[1]) {
			case '"':
			case '\\':
			case '/':
			case 'b':
			case 'f':
			case 'n':
			case 'r':
			case 't':
				s += 2;
				break;
			case 'u': {
				unsigned u, u2;
				if (e - s < 6 || hex4(s + 2, &u) < 0)
					return fail(sc, s,
					            "invalid \\u escape");
				s += 6;
				if (u >= 0xDC00 && u <= 0xDFFF)
					return fail(sc, s - 6,
					            "invalid \\u escape");
				if (u >= 0xD800 && u <= 0xDBFF) {
					if (e - s < 6 || s[0] != '\\' ||
					    s[1] != 'u' ||
					    hex4(s + 2, &u2) < 0 ||
					    u2 < 0xDC00 || u2 > 0xDFFF)
						return fail(
						    sc, s - 6,
						    "invalid \\u escape");
					s += 6;
				}
				break;
			}
			default:
				return fail(sc, s, "invalid escape");
			}
			continue;
		}
		if (c < 0x20)
			return fail(sc, s, "control character in string");
		size_t k = utf8_seq(s, e);
		if (k == 0)
			return fail(sc, s, "invalid UTF-8");
		s += k;
	}
}

static int
scan_number(scan_t *sc)
{
	const unsigned char *s = sc->s, *e = sc->e;

	if (s < e && *s == '-')
		s++;
	if (s >= e)
		return fail(sc, s, "invalid number");
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (s < e && *s >= '0' && *s <= '9')
			s++;
	else
		return fail(sc, s, "invalid number");
	if (s < e && *s == '.') {
		s++;
		if (s >= e || *s < '0' || *s > '9')
			return fail(sc, s, "invalid number");
		while (s < e && *s >= '0' && *s <= '9')
			s++;
	}
	if (s < e && (*s == 'e' || *s == 'E')) {
		s++;
		if (s < e && (*s == '+' || *s == '-'))
			s++;
		if (s >= e || *s < '0' || *s > '9')
			return fail(sc, s, "invalid number");
		while (s < e && *s >= '0' && *s <= '9')
			s++;
	}
	sc->s = s;
	return 0;
}

static int
scan_lit(scan_t *sc, const char *lit, size_t n)
{
	if ((size_t)(sc->e - sc->s) < n || memcmp(sc->s, lit, n) != 0)
		return fail(sc, sc->s, "invalid literal");
	sc->s += n;
	return 0;
}

static int scan_value(scan_t *sc, int depth, char *type);

static int
scan_members(scan_t *sc, int depth, jobj_t *o)
{
	/* at '{' */
	sc->s++;
	skip_ws(sc);
	if (sc->s < sc->e && *sc->s == '}') {
		sc->s++;
		return 0;
	}
	for (;;) {
		jfield_t f;
		int esc;

		if (sc->s >= sc->e || *sc->s != '"')
			return fail(sc, sc->s, "expected a string key");
		f.k = (const char *)sc->s + 1;
		if (scan_string(sc, &esc) < 0)
			return -1;
		f.klen = (size_t)((const char *)sc->s - 1 - f.k);
		f.kesc = (char)esc;
		skip_ws(sc);
		if (sc->s >= sc->e || *sc->s != ':')
			return fail(sc, sc->s, "expected ':'");
		sc->s++;
		skip_ws(sc);
		f.v = (const char *)sc->s;
		if (scan_value(sc, depth + 1, &f.type) < 0)
			return -1;
		f.vlen = (size_t)((const char *)sc->s - f.v);
		if (o != NULL) {
			if (o->n == o->cap) {
				o->cap = o->cap ? o->cap * 2 : 16;
				o->f = xrealloc(o->f, o->cap * sizeof *o->f);
			}
			o->f[o->n++] = f;
		}
		skip_ws(sc);
		if (sc->s < sc->e && *sc->s == ',') {
			sc->s++;
			skip_ws(sc);
			continue;
		}
		if (sc->s < sc->e && *sc->s == '}') {
			sc->s++;
			return 0;
		}
		return fail(sc, sc->s, "expected ',' or '}'");
	}
}

static int
scan_value(scan_t *sc, int depth, char *type)
{
	int esc;

	if (depth > JSON_MAX_DEPTH)
		return fail(sc, sc->s, "nesting too deep");
	if (sc->s >= sc->e)
		return fail(sc, sc->s, "unexpected end of input");
	switch (*sc->s) {
	case '"':
		*type = JT_STR;
		return scan_string(sc, &esc);
	case '{':
		*type = JT_OBJ;
		return scan_members(sc, depth, NULL);
	case '[':
		*type = JT_ARR;
		sc->s++;
		skip_ws(sc);
		if (sc->s < sc->e && *sc->s == ']') {
			sc->s++;
			return 0;
		}
		for (;;) {
			char t;
			if (scan_value(sc, depth + 1, &t) < 0)
				return -1;
			skip_ws(sc);
			if (sc->s < sc->e && *sc->s == ',') {
				sc->s++;
				skip_ws(sc);
				continue;
			}
			if (sc->s < sc->e && *sc->s == ']') {
				sc->s++;
				return 0;
			}
			return fail(sc, sc->s, "expected ',' or ']'");
		}
	case 't':
		*type = JT_TRUE;
		return scan_lit(sc, "true", 4);
	case 'f':
		*type = JT_FALSE;
		return scan_lit(sc, "false", 5);
	case 'n':
		*type = JT_NULL;
		return scan_lit(sc, "null", 4);
	default:
		*type = JT_NUM;
		if (*sc->s == '-' || (*sc->s >= '0' && *sc->s <= '9'))
			return scan_number(sc);
		return fail(sc, sc->s, "unexpected character");
	}
}

static void
scan_start(scan_t *sc, const char *p, size_t n)
{
	if (!plain_ready)
		plain_init();
	sc->p = sc->s = (const unsigned char *)p;
	sc->e = sc->p + n;
	sc->err = NULL;
	sc->errp = NULL;
}

static int
scan_error(scan_t *sc, size_t *errcol, const char **errmsg)
{
	if (errcol)
		*errcol = (size_t)(sc->errp - sc->p) + 1;
	if (errmsg)
		*errmsg = sc->err;
	return -1;
}

int
jscan_object(const char *p, size_t n, jobj_t *o, size_t *errcol,
             const char **errmsg)
{
	scan_t sc;

	scan_start(&sc, p, n);
	o->n = 0;
	skip_ws(&sc);
	if (sc.s >= sc.e) {
		fail(&sc, sc.s, "empty line, expected a JSON object");
		return scan_error(&sc, errcol, errmsg);
	}
	if (*sc.s != '{') {
		char t;
		const unsigned char *at = sc.s;
		if (scan_value(&sc, 0, &t) == 0) {
			skip_ws(&sc);
			if (sc.s == sc.e) {
				sc.err = NULL;
				fail(&sc, at, "not a JSON object");
			} else {
				fail(&sc, sc.s, "invalid JSON");
			}
		}
		return scan_error(&sc, errcol, errmsg);
	}
	if (scan_members(&sc, 1, o) < 0)
		return scan_error(&sc, errcol, errmsg);
	skip_ws(&sc);
	if (sc.s != sc.e) {
		fail(&sc, sc.s, "unexpected data after the object");
		return scan_error(&sc, errcol, errmsg);
	}
	return 0;
}

char
jtype_of(const char *v)
{
	switch (*v) {
	case '"':
		return JT_STR;
	case '{':
		return JT_OBJ;
	case '[':
		return JT_ARR;
	case 't':
		return JT_TRUE;
	case 'f':
		return JT_FALSE;
	case 'n':
		return JT_NULL;
	default:
		return JT_NUM;
	}
}

int
jscan_value(const char *p, size_t n, char *type, size_t *errcol,
            const char **errmsg)
{
	scan_t sc;
	char t;

	scan_start(&sc, p, n);
	skip_ws(&sc);
	if (scan_value(&sc, 1, &t) < 0)
		return scan_error(&sc, errcol, errmsg);
	skip_ws(&sc);
	if (sc.s != sc.e) {
		fail(&sc, sc.s, "unexpected data after the value");
		return scan_error(&sc, errcol, errmsg);
	}
	if (type)
		*type = t;
	return 0;
}

/* Skip over one valid value starting at *pos; no checks needed. */
static size_t
skip_valid(const char *v, size_t vlen, size_t pos, char *type)
{
	scan_t sc;

	scan_start(&sc, v, vlen);
	sc.s += pos;
	scan_value(&sc, 0, type);
	return (size_t)(sc.s - sc.p);
}

static size_t
skip_ws_at(const char *v, size_t vlen, size_t pos)
{
	while (pos < vlen && (v[pos] == ' ' || v[pos] == '\t' ||
	                      v[pos] == '\n' || v[pos] == '\r'))
		pos++;
	return pos;
}

int
jarr_next(const char *v, size_t vlen, size_t *pos, const char **ev,
          size_t *evlen)
{
	size_t i = *pos;
	char t;

	if (i == 0) {
		i = skip_ws_at(v, vlen, 0);
		if (i >= vlen || v[i] != '[')
			return 0;
		i++;
	}
	i = skip_ws_at(v, vlen, i);
	if (i < vlen && v[i] == ',')
		i = skip_ws_at(v, vlen, i + 1);
	if (i >= vlen || v[i] == ']') {
		*pos = vlen;
		return 0;
	}
	size_t end = skip_valid(v, vlen, i, &t);
	*ev = v + i;
	*evlen = end - i;
	*pos = end;
	return 1;
}

int
jobj_next(const char *v, size_t vlen, size_t *pos, jfield_t *out)
{
	size_t i = *pos;

	if (i == 0) {
		i = skip_ws_at(v, vlen, 0);
		if (i >= vlen || v[i] != '{')
			return 0;
		i++;
	}
	i = skip_ws_at(v, vlen, i);
	if (i < vlen && v[i] == ',')
		i = skip_ws_at(v, vlen, i + 1);
	if (i >= vlen || v[i] != '"') {
		*pos = vlen;
		return 0;
	}
	char t;
	size_t kend = skip_valid(v, vlen, i, &t);
	out->k = v + i + 1;
	out->klen = kend - i - 2;
	out->kesc = memchr(out->k, '\\', out->klen) != NULL;
	i = skip_ws_at(v, vlen, kend);
	i = skip_ws_at(v, vlen, i + 1); /* ':' */
	size_t vend = skip_valid(v, vlen, i, &out->type);
	out->v = v + i;
	out->vlen = vend - i;
	*pos = vend;
	return 1;
}

void
jobj_from_value(const char *v, size_t vlen, jobj_t *o)
{
	size_t pos = 0;
	jfield_t f;

	o->n = 0;
	while (jobj_next(v, vlen, &pos, &f)) {
		if (o->n == o->cap) {
			o->cap = o->cap ? o->cap * 2 : 16;
			o->f = xrealloc(o->f, o->cap * sizeof *o->f);
		}
		o->f[o->n++] = f;
	}
}

void
jobj_free(jobj_t *o)
{
	free(o->f);
	o->f = NULL;
	o->n = o->cap = 0;
}

/* Does member f's key equal key[0..klen)? */
static int
key_eq(const jfield_t *f, const char *key, size_t klen)
{
	if (!f->kesc)
		return f->klen == klen && memcmp(f->k, key, klen) == 0;

	buf_t b = BUF_INIT;
	int eq;
	buf_addc(&b, '"');
	buf_add(&b, f->k, f->klen);
	buf_addc(&b, '"');
	buf_t d = BUF_INIT;
	jstr_decode(b.p, b.len, &d);
	eq = d.len == klen && memcmp(d.p, key, klen) == 0;
	buf_free(&b);
	buf_free(&d);
	return eq;
}

const jfield_t *
jobj_get(const jobj_t *o, const char *key, size_t klen)
{
	for (size_t i = o->n; i-- > 0;)
		if (key_eq(&o->f[i], key, klen))
			return &o->f[i];
	return NULL;
}

/* Find path in the members of the object value v (or in o if v NULL). */
static int
path_in(const jobj_t *o, const char *path, size_t plen, jfield_t *out)
{
	const jfield_t *f = jobj_get(o, path, plen);

	if (f != NULL) {
		*out = *f;
		return 1;
	}
	for (size_t i = 0; i < plen; i++) {
		if (path[i] != '.')
			continue;
		f = jobj_get(o, path, i);
		if (f == NULL || f->type != JT_OBJ)
			continue;
		jobj_t sub = {NULL, 0, 0};
		jobj_from_value(f->v, f->vlen, &sub);
		int found = path_in(&sub, path + i + 1, plen - i - 1, out);
		jobj_free(&sub);
		if (found)
			return 1;
	}
	return 0;
}

int
jobj_path(const jobj_t *o, const char *path, size_t plen, jfield_t *out)
{
	return path_in(o, path, plen, out);
}

static void
put_utf8(buf_t *out, unsigned u)
{
	char b[4];

	if (u < 0x80) {
		buf_addc(out, (int)u);
	} else if (u < 0x800) {
		b[0] = (char)(0xC0 | u >> 6);
		b[1] = (char)(0x80 | (u & 0x3F));
		buf_add(out, b, 2);
	} else if (u < 0x10000) {
		b[0] = (char)(0xE0 | u >> 12);
		b[1] = (char)(0x80 | (u >> 6 & 0x3F));
		b[2] = (char)(0x80 | (u & 0x3F));
		buf_add(out, b, 3);
	} else {
		b[0] = (char)(0xF0 | u >> 18);
		b[1] = (char)(0x80 | (u >> 12 & 0x3F));
		b[2] = (char)(0x80 | (u >> 6 & 0x3F));
		b[3] = (char)(0x80 | (u & 0x3F));
		buf_add(out, b, 4);
	}
}

/* The four hex digits at p[0..n) as a number, or -1. */
static long
hex4n(const char *p, size_t n)
{
	long v = 0;

	if (n < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int h = hexval((unsigned char)p[i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

int
jstr_escape(const char *p, size_t n, int mode, buf_t *out)
{
	long cp, lo;

	if (n < 2)
		return 0;
	switch (p[1]) {
	case '"':
	case '\\':
	case '/':
		buf_addc(out, p[1]);
		return 2;
	case 'b':
		buf_addc(out, '\b');
		return 2;
	case 'f':
		buf_addc(out, '\f');
		return 2;
	case 'n':
		buf_addc(out, '\n');
		return 2;
	case 'r':
		buf_addc(out, '\r');
		return 2;
	case 't':
		buf_addc(out, '\t');
		return 2;
	case 'u':
		break;
	default:
		return 0;
	}
	if ((cp = hex4n(p + 2, n - 2)) < 0)
		return 0;
	if (cp >= 0xD800 && cp < 0xDC00 && n >= 12 && p[6] == '\\' &&
	    p[7] == 'u' && (lo = hex4n(p + 8, n - 8)) >= 0xDC00 &&
	    lo < 0xE000) {
		put_utf8(out, (unsigned)(0x10000 + ((cp - 0xD800) << 10) +
		                         (lo - 0xDC00)));
		return 12;
	}
	if (cp >= 0xD800 && cp < 0xE000) {
		if (mode == JESC_STRICT)
			return -1;
		cp = 0xFFFD;
	}
	put_utf8(out, (unsigned)cp);
	return 6;
}

void
jstr_decode(const char *v, size_t vlen, buf_t *out)
{
	const char *s = v + 1, *e = v + vlen - 1;

	buf_grow(out, vlen);
	while (s < e) {
		const char *run = s;
		int k;

		while (s < e && *s != '\\')
			s++;
		buf_add(out, run, (size_t)(s - run));
		if (s >= e)
			break;
		/* The literal was checked when read: every escape is whole. */
		k = jstr_escape(s, (size_t)(e - s), JESC_STRICT, out);
		s += k > 0 ? k : 2;
	}
}

int
json_plain_integer(const char *s, size_t n)
{
	size_t i = n && s[0] == '-' ? 1 : 0;

	if (i == n)
		return 0;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int
json_number_ok(const char *s, size_t n)
{
	size_t i = 0, d;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return 0;
	if (i < n && s[i] == '.') {
		d = ++i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == d)
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		d = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == d)
			return 0;
	}
	return i == n;
}

size_t
json_dtoa(double d, char *buf, double int_below)
{
	int n;

	if (d == floor(d) && fabs(d) < int_below)
		return (size_t)snprintf(buf, JSON_DTOA_MAX + 1, "%.0f", d);
	for (int prec = 15; prec <= 17; prec++) {
		n = snprintf(buf, JSON_DTOA_MAX + 1, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	return (size_t)n;
}

/* ==== writing =========================================================== */

static const char hexdig[] = "0123456789abcdef";

void
jw_str(buf_t *out, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p, *e = s + n;

	if (!plain_ready)
		plain_init();
	buf_grow(out, n + 2);
	buf_addc(out, '"');
	while (s < e) {
		const unsigned char *run = s;
		while (s < e && plain[*s])
			s++;
		if (s > run)
			buf_add(out, run, (size_t)(s - run));
		if (s >= e)
			break;
		unsigned c = *s;
		if (c == '"' || c == '\\') {
			char esc[2] = {'\\', (char)c};
			buf_add(out, esc, 2);
			s++;
		} else if (c < 0x20) {
			switch (c) {
			case '\n':
				buf_add(out, "\\n", 2);
				break;
			case '\t':
				buf_add(out, "\\t", 2);
				break;
			case '\r':
				buf_add(out, "\\r", 2);
				break;
			case '\b':
				buf_add(out, "\\b", 2);
				break;
			case '\f':
				buf_add(out, "\\f", 2);
				break;
			default: {
				char u[6] = {
				    '\\',           'u',           '0', '0',
				    hexdig[c >> 4], hexdig[c & 15]};
				buf_add(out, u, 6);
			}
			}
			s++;
		} else {
			size_t k = utf8_seq(s, e);
			if (k == 0) {
				buf_add(out, "\xEF\xBF\xBD", 3);
				s++;
			} else {
				buf_add(out, s, k);
				s += k;
			}
		}
	}
	buf_addc(out, '"');
}

void
jw_keyn(buf_t *out, const char *key, size_t n)
{
	if (out->len > 0 && out->p[out->len - 1] != '{' &&
	    out->p[out->len - 1] != '[' && out->p[out->len - 1] != '\n')
		buf_addc(out, ',');
	jw_str(out, key, n);
	buf_addc(out, ':');
}

void
jw_key(buf_t *out, const char *key)
{
	jw_keyn(out, key, strlen(key));
}

void
jw_kstr(buf_t *out, const char *key, const char *s, size_t n)
{
	jw_key(out, key);
	jw_str(out, s, n);
}

void
jw_kstrz(buf_t *out, const char *key, const char *s)
{
	jw_kstr(out, key, s, strlen(s));
}

void
jw_kint(buf_t *out, const char *key, long long v)
{
	jw_key(out, key);
	buf_printf(out, "%lld", v);
}

void
jw_num(buf_t *out, double v)
{
	char tmp[JSON_DTOA_MAX + 1];

	if (!isfinite(v)) {
		buf_add(out, "null", 4);
		return;
	}
	buf_add(out, tmp, json_dtoa(v, tmp, 1e15));
}

/* Append the digits of u. */
static void
stat_uint(buf_t *b, uint64_t u)
{
	char tmp[24];
	int i = sizeof tmp;

	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	buf_add(b, tmp + i, sizeof tmp - (size_t)i);
}

/*
 * Append a derived number (an expectation, ratio, difference or z) with
 * at most 12 significant digits: they are statistics, and the digits
 * beyond are floating-point noise ("delta":-0.8000000000000007).
 * Whole numbers are written in full up to 2^53, as far as a double holds
 * every whole number exactly; larger ones get 12 digits too.  Formatting
 * is done by hand for the usual magnitudes, as printf would dominate the
 * run time.
 */
/* The 12 digits of m < 10^12 into d, two at a time. */
static void
stat_digits(char *d, uint64_t m)
{
	static const char pairs[] = "00010203040506070809"
	                            "10111213141516171819"
	                            "20212223242526272829"
	                            "30313233343536373839"
	                            "40414243444546474849"
	                            "50515253545556575859"
	                            "60616263646566676869"
	                            "70717273747576777879"
	                            "80818283848586878889"
	                            "90919293949596979899";
	uint32_t hi = (uint32_t)(m / 1000000), lo = (uint32_t)(m % 1000000);

	for (int i = 10; i >= 6; i -= 2) {
		memcpy(d + i, pairs + 2 * (lo % 100), 2);
		lo /= 100;
	}
	for (int i = 4; i >= 0; i -= 2) {
		memcpy(d + i, pairs + 2 * (hi % 100), 2);
		hi /= 100;
	}
}

/* Append d, of magnitude 10^e with -300 < e < -4, as "%.12g" does:
 * 12 significant digits without trailing zeros, then e-XX. */
static void
stat_exp(buf_t *b, double d, int e)
{
	char digits[12], ex[8];
	uint64_t m;
	int nd = 12, n = 0, x;

	m = (uint64_t)llroundl(fabsl((long double)d) * powl(10.0L, 11 - e));
	if (m >= 1000000000000ULL) {
		m = (m + 5) / 10;
		e++;
	} else if (m < 100000000000ULL) {
		m *= 10;
		e--;
	}
	stat_digits(digits, m);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	if (d < 0)
		buf_addc(b, '-');
	buf_addc(b, digits[0]);
	if (nd > 1) {
		buf_addc(b, '.');
		buf_add(b, digits + 1, (size_t)nd - 1);
	}
	buf_add(b, "e-", 2);
	x = -e;
	do {
		ex[n++] = (char)('0' + x % 10);
		x /= 10;
	} while (x > 0);
	if (n < 2)
		ex[n++] = '0';
	while (n > 0)
		buf_addc(b, ex[--n]);
}

/* 10^e for -6 <= e <= 16, as the compiler rounds the literal. */
static double
pow10_of(int e)
{
	static const double t[] = {1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1,
	                           1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8, 1e9,
	                           1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16};

	return t[e + 6];
}

void
jw_stat(buf_t *b, double d)
{
	double a = fabs(d), scaled;
	char digits[12], out[32]; /* at most "-0.0000" and 12 digits */
	uint64_t m, bits;
	int e, nd, o = 0;

	if (!isfinite(d)) {
		buf_add(b, "null", 4);
		return;
	}
	if (a <= 9007199254740992.0 && d == floor(d)) {
		if (d < 0)
			buf_addc(b, '-');
		stat_uint(b, (uint64_t)a);
		return;
	}
	if (a < 1e-300 || a >= 1e14) {
		buf_printf(b, "%.12g", d);
		return;
	}
	/* a = m * 10^(e - 11) with m of 12 digits, e the exponent of the
	 * leading digit: estimated from the binary exponent (floor of
	 * k log10(2) is (k * 78913) >> 18 for |k| < 1700), then set by
	 * comparing with the powers of ten.  a is normal here. */
	memcpy(&bits, &a, sizeof bits);
	e = ((int)((bits >> 52) & 0x7ff) - 1023) * 78913 >> 18;
	if (e >= -5 && e <= 15) {
		if (a >= pow10_of(e + 1))
			e++;
		else if (a < pow10_of(e))
			e--;
	} else {
		e = (int)floor(log10(a));
	}
	if (e < -4) {
		/* Small p values are common: "%.12g" by hand too. */
		stat_exp(b, d, e);
		return;
	}
	scaled = e <= 11 ? a * pow10_of(11 - e) : a / pow10_of(e - 11);
	/* Rounded half away from zero, as llround; scaled is below 2^40,
	 * so adding 0.5 is exact. */
	m = (uint64_t)(scaled + 0.5);
	if (m >= 1000000000000ULL) {
		m = (m + 5) / 10;
		e++;
	} else if (m < 100000000000ULL) {
		m *= 10;
		e--;
	}
	stat_digits(digits, m);
	if (d < 0)
		out[o++] = '-';
	if (e >= 11) {
		memcpy(out + o, digits, 12);
		o += 12;
		for (int i = 11; i < e; i++)
			out[o++] = '0';
		buf_add(b, out, (size_t)o);
		return;
	}
	/* Digits after the point, without trailing zeros. */
	nd = 12;
	while (nd > 0 && digits[nd - 1] == '0' && nd > e + 1)
		nd--;
	if (e >= 0) {
		memcpy(out + o, digits, (size_t)e + 1);
		o += e + 1;
		if (nd > e + 1) {
			out[o++] = '.';
			memcpy(out + o, digits + e + 1, (size_t)(nd - e - 1));
			o += nd - e - 1;
		}
	} else {
		out[o++] = '0';
		out[o++] = '.';
		for (int i = -1; i > e; i--)
			out[o++] = '0';
		memcpy(out + o, digits, (size_t)nd);
		o += nd;
	}
	buf_add(b, out, (size_t)o);
}

void
jw_knum(buf_t *out, const char *key, double v)
{
	jw_key(out, key);
	jw_num(out, v);
}

void
jw_kraw(buf_t *out, const char *key, const char *json, size_t n)
{
	jw_key(out, key);
	buf_add(out, json, n);
}

/* ==== records =========================================================== */

int
rec_scan(rec_t *r, const char *line, size_t len, size_t *errcol,
         const char **errmsg)
{
	r->line = line;
	r->len = len;
	rec_clear_set(r);
	return jscan_object(line, len, &r->obj, errcol, errmsg);
}

void
rec_load(rec_t *r, const char *line, size_t len, const size_t *off,
         const jfield_t *f, size_t n)
{
	r->line = line;
	r->len = len;
	rec_clear_set(r);
	if (n > r->obj.cap) {
		r->obj.cap = n;
		r->obj.f = xrealloc(r->obj.f, n * sizeof *r->obj.f);
	}
	for (size_t i = 0; i < n; i++) {
		r->obj.f[i] = f[i];
		r->obj.f[i].k = line + off[2 * i];
		r->obj.f[i].v = line + off[2 * i + 1];
	}
	r->obj.n = n;
}

const jfield_t *
rec_get(const rec_t *r, const char *key, size_t klen)
{
	const jfield_t *f = jobj_get(&r->set, key, klen);

	return f != NULL ? f : jobj_get(&r->obj, key, klen);
}

int
rec_path(const rec_t *r, const char *path, size_t plen, jfield_t *out)
{
	if (r->set.n > 0 && path_in(&r->set, path, plen, out))
		return 1;
	return path_in(&r->obj, path, plen, out);
}

/* Re-point the set members after the store moved. */
static void
rebase(rec_t *r, const char *old)
{
	if (old == NULL || old == r->store.p)
		return;
	for (size_t i = 0; i < r->set.n; i++) {
		r->set.f[i].k = r->store.p + (r->set.f[i].k - old);
		r->set.f[i].v = r->store.p + (r->set.f[i].v - old);
	}
}

void
rec_set(rec_t *r, const char *key, const char *json, size_t n)
{
	size_t klen = strlen(key);
	const char *old = r->store.p;
	jfield_t f;
	char t = JT_NONE;

	buf_grow(&r->store, klen + n + 2);
	rebase(r, old);
	f.k = r->store.p + r->store.len;
	f.klen = klen;
	f.kesc = 0;
	buf_add(&r->store, key, klen);
	buf_addc(&r->store, '\0');
	f.v = r->store.p + r->store.len;
	f.vlen = n;
	buf_add(&r->store, json, n);
	buf_addc(&r->store, '\0');
	if (n > 0) {
		switch (json[0]) {
		case '"':
			t = JT_STR;
			break;
		case '{':
			t = JT_OBJ;
			break;
		case '[':
			t = JT_ARR;
			break;
		case 't':
			t = JT_TRUE;
			break;
		case 'f':
			t = JT_FALSE;
			break;
		case 'n':
			t = JT_NULL;
			break;
		default:
			t = JT_NUM;
		}
	}
	f.type = t;
	/* A second setting of the same key replaces the first. */
	for (size_t i = 0; i < r->set.n; i++) {
		if (r->set.f[i].klen == klen &&
		    memcmp(r->set.f[i].k, key, klen) == 0) {
			r->set.f[i] = f;
			return;
		}
	}
	if (r->set.n == r->set.cap) {
		r->set.cap = r->set.cap ? r->set.cap * 2 : 8;
		r->set.f = xrealloc(r->set.f, r->set.cap * sizeof *r->set.f);
	}
	r->set.f[r->set.n++] = f;
}

void
rec_set_str(rec_t *r, const char *key, const char *s, size_t n)
{
	buf_t b = BUF_INIT;

	jw_str(&b, s, n);
	rec_set(r, key, b.p, b.len);
	buf_free(&b);
}

void
rec_clear_set(rec_t *r)
{
	r->set.n = 0;
	buf_reset(&r->store);
}

void
rec_write(const rec_t *r, buf_t *out)
{
	if (r->set.n == 0) {
		buf_add(out, r->line, r->len);
		buf_addc(out, '\n');
		return;
	}

	/* Which set members replace members of the line. */
	char replaced[r->set.n];
	memset(replaced, 0, sizeof replaced);

	const char *pos = r->line;
	for (size_t i = 0; i < r->obj.n; i++) {
		const jfield_t *of = &r->obj.f[i];
		for (size_t j = 0; j < r->set.n; j++) {
			const jfield_t *sf = &r->set.f[j];
			if (!key_eq(of, sf->k, sf->klen))
				continue;
			buf_add(out, pos, (size_t)(of->v - pos));
			buf_add(out, sf->v, sf->vlen);
			pos = of->v + of->vlen;
			replaced[j] = 1;
			break;
		}
	}

	/* The closing brace is the last non-blank byte of the line. */
	const char *end = r->line + r->len;
	while (end > r->line && end[-1] != '}')
		end--;
	const char *brace = end - 1;
	buf_add(out, pos, (size_t)(brace - pos));
	int first = r->obj.n == 0;
	for (size_t j = 0; j < r->set.n; j++) {
		const jfield_t *sf = &r->set.f[j];
		if (replaced[j])
			continue;
		if (!first)
			buf_addc(out, ',');
		first = 0;
		jw_str(out, sf->k, sf->klen);
		buf_addc(out, ':');
		buf_add(out, sf->v, sf->vlen);
	}
	buf_add(out, "}\n", 2);
}

void
rec_free(rec_t *r)
{
	jobj_free(&r->obj);
	jobj_free(&r->set);
	buf_free(&r->store);
}

const char *
jerr_what(int code)
{
	switch (code) {
	case json_error_out_of_memory:
		return "out of memory";
	case json_error_stack_overflow:
		return "nesting too deep";
	case json_error_invalid_utf8:
		return "invalid UTF-8";
	case json_error_premature_end_of_input:
		return "unexpected end of file";
	case json_error_end_of_input_expected:
		return "unexpected data after the document";
	case json_error_null_character:
	case json_error_null_byte_in_key:
		return "\\u0000 in a string";
	case json_error_duplicate_key:
		return "a key appears twice in an object";
	case json_error_numeric_overflow:
		return "number out of range";
	default:
		return "invalid syntax";
	}
}
