/*
 * fuzz_json.c - differential fuzz test of the record layer's JSON scanner
 * against jansson.
 *
 * Every input is scanned by jscan_value() and jscan_object() and loaded by
 * jansson with JSON_DECODE_ANY (any value at the top) and JSON_ALLOW_NUL
 * (RFC 8259 allows "\u0000" in strings).  The verdicts must agree, and for
 * accepted input every value the scanner hands out (members found by
 * jscan_object, jobj_next and jobj_get, elements found by jarr_next,
 * strings decoded by jstr_decode) must equal jansson's.
 *
 * Where jansson refuses what RFC 8259 allows, the verdict is not compared:
 *   - numbers that overflow a double ("1e400"; integers are read as
 *     doubles with JSON_DECODE_INT_AS_REAL so that only these remain);
 *   - a "\u0000" inside an object key;
 *   - nesting deeper than jansson's 2048 levels;
 *   - a raw NUL byte, which jansson sometimes skips ("[1\0]" loads): no
 *     JSON text holds one, so the scanner must refuse it.
 * The scanner itself stops at JSON_MAX_DEPTH (512) levels, so input that
 * nests that deep is only checked for being refused, not compared.
 *
 * The writers are checked too: jw_str() output must scan as a string that
 * decodes to the input (when the input is valid UTF-8), and jw_num() must
 * write a number that reads back as the same double.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "json.h"

#define JFLAGS (JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL)

/* Deeper than this, compare with json_equal() instead of walking. */
#define WALK_DEPTH 24

static void
fail(const char *what, const char *p, size_t n)
{
	fprintf(stderr, "fuzz_json: %s\ninput (%zu bytes): ", what, n);
	fwrite(p, 1, n > 400 ? 400 : n, stderr);
	fputc('\n', stderr);
	abort();
}

/*
 * The deepest nesting of arrays and objects in p[0..n), reading strings
 * as JSON does.  Up to the first error this follows both parsers exactly,
 * and past it it can only count more, so it never under-reports the depth
 * either parser reached.
 */
static size_t
max_depth(const char *p, size_t n)
{
	size_t d = 0, max = 0, i;
	int str = 0;

	for (i = 0; i < n; i++) {
		char c = p[i];

		if (str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				str = 0;
		} else if (c == '"') {
			str = 1;
		} else if (c == '[' || c == '{') {
			if (++d > max)
				max = d;
		} else if ((c == ']' || c == '}') && d > 0) {
			d--;
		}
	}
	return max;
}

/* Is jansson's refusal one of its own limits rather than RFC 8259's? */
static int
jansson_limit(const json_error_t *err)
{
	switch (json_error_code(err)) {
	case json_error_numeric_overflow:
	case json_error_null_byte_in_key:
	case json_error_stack_overflow:
		return 1;
	default:
		return 0;
	}
}

static int
type_matches(char t, const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		return t == JT_OBJ;
	case JSON_ARRAY:
		return t == JT_ARR;
	case JSON_STRING:
		return t == JT_STR;
	case JSON_INTEGER:
	case JSON_REAL:
		return t == JT_NUM;
	case JSON_TRUE:
		return t == JT_TRUE;
	case JSON_FALSE:
		return t == JT_FALSE;
	case JSON_NULL:
		return t == JT_NULL;
	}
	return 0;
}

/* Compare the raw value v[0..n) of type t with jansson's value j. */
static void
compare(const char *v, size_t n, char t, const json_t *j, int depth,
        const char *in, size_t inlen)
{
	if (!type_matches(t, j))
		fail("scanner and jansson disagree on a value's type", in,
		     inlen);
	if (t == JT_STR) {
		buf_t d = BUF_INIT;

		jstr_decode(v, n, &d);
		if (d.len != json_string_length(j) ||
		    memcmp(d.p, json_string_value(j), d.len) != 0)
			fail("jstr_decode differs from jansson", in, inlen);
		buf_free(&d);
	} else if (t == JT_ARR && depth < WALK_DEPTH) {
		size_t pos = 0, i = 0, elen;
		const char *e;

		while (jarr_next(v, n, &pos, &e, &elen)) {
			char et;

			if (i >= json_array_size(j))
				fail("jarr_next finds too many elements", in,
				     inlen);
			if (jscan_value(e, elen, &et, NULL, NULL) < 0)
				fail("jarr_next element does not scan", in,
				     inlen);
			compare(e, elen, et, json_array_get(j, i), depth + 1,
			        in, inlen);
			i++;
		}
		if (i != json_array_size(j))
			fail("jarr_next finds too few elements", in, inlen);
	} else if (t == JT_OBJ && depth < WALK_DEPTH) {
		jobj_t o = {NULL, 0, 0};
		const char *key;
		json_t *val;
		size_t i, distinct = 0;

		jobj_from_value(v, n, &o);
		/* Duplicate keys: jansson keeps the last, as jobj_get does. */
		for (i = 0; i < o.n; i++) {
			buf_t a = BUF_INIT;

			jstr_decode(o.f[i].k - 1, o.f[i].klen + 2, &a);
			if (jobj_get(&o, a.p, a.len) == &o.f[i])
				distinct++;
			buf_free(&a);
		}
		if (distinct != json_object_size(j))
			fail("scanner and jansson count different keys", in,
			     inlen);
		json_object_foreach((json_t *)j, key, val)
		{
			const jfield_t *f = jobj_get(&o, key, strlen(key));

			if (f == NULL)
				fail("jobj_get misses a key", in, inlen);
			compare(f->v, f->vlen, f->type, val, depth + 1, in,
			        inlen);
		}
		jobj_free(&o);
	} else {
		json_error_t err;
		json_t *w = json_loadb(v, n, JFLAGS, &err);

		if (w == NULL || !json_equal(w, j))
			fail("a value's raw text differs from jansson's", in,
			     inlen);
		json_decref(w);
	}
}

/* The members jscan_object() noted must be the object's members. */
static void
compare_object(const jobj_t *o, const char *p, size_t n, const json_t *j)
{
	const char *key;
	json_t *val;

	json_object_foreach((json_t *)j, key, val)
	{
		const jfield_t *f = jobj_get(o, key, strlen(key));

		if (f == NULL)
			fail("jscan_object misses a key", p, n);
		compare(f->v, f->vlen, f->type, val, 1, p, n);
	}
	for (size_t i = 0; i < o->n; i++) {
		buf_t k = BUF_INIT;

		jstr_decode(o->f[i].k - 1, o->f[i].klen + 2, &k);
		if (memchr(k.p, '\0', k.len) == NULL &&
		    json_object_get(j, k.p) == NULL)
			fail("jscan_object finds a key jansson lacks", p, n);
		if (!!o->f[i].kesc !=
		    (memchr(o->f[i].k, '\\', o->f[i].klen) != NULL))
			fail("kesc is wrong", p, n);
		buf_free(&k);
	}
}

/* jw_str() writes a valid JSON string that decodes to valid input. */
static void
check_jw_str(const char *p, size_t n)
{
	buf_t out = BUF_INIT, d = BUF_INIT;
	char t;
	json_error_t err;
	json_t *j;

	jw_str(&out, p, n);
	if (jscan_value(out.p, out.len, &t, NULL, NULL) < 0 || t != JT_STR)
		fail("jw_str output does not scan as a string", p, n);
	j = json_loadb(out.p, out.len, JFLAGS, &err);
	if (j == NULL || !json_is_string(j))
		fail("jansson refuses jw_str output", p, n);
	jstr_decode(out.p, out.len, &d);
	if (d.len != json_string_length(j) ||
	    memcmp(d.p, json_string_value(j), d.len) != 0)
		fail("jw_str output decodes differently", p, n);
	if (utf8_valid_prefix(p, n) == n &&
	    (d.len != n || memcmp(d.p, p, n) != 0))
		fail("jw_str does not round-trip valid UTF-8", p, n);
	json_decref(j);
	buf_free(&out);
	buf_free(&d);
}

/* jw_num() writes a number that reads back as the same double. */
static void
check_jw_num(const char *p, size_t n)
{
	char tmp[64];
	double v, back;
	buf_t out = BUF_INIT;

	if (n == 0 || n >= sizeof tmp)
		return;
	memcpy(tmp, p, n);
	tmp[n] = '\0';
	v = strtod(tmp, NULL);
	jw_num(&out, v);
	if (!isfinite(v)) {
		if (strcmp(out.p, "null") != 0)
			fail("jw_num writes a non-finite number", p, n);
	} else {
		char t;

		if (jscan_value(out.p, out.len, &t, NULL, NULL) < 0 ||
		    t != JT_NUM)
			fail("jw_num output is not a JSON number", p, n);
		back = strtod(out.p, NULL);
		if (back != v)
			fail("jw_num does not round-trip", p, n);
	}
	buf_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	char t = JT_NONE;
	size_t col = 0, depth, a, b;
	const char *msg = NULL, *vmsg;
	int sv, so;
	jobj_t o = {NULL, 0, 0};
	json_error_t err;
	json_t *j;

	sv = jscan_value(p, size, &t, &col, &msg) == 0;
	if (!sv && (msg == NULL || col < 1 || col > size + 1))
		fail("jscan_value error without message or column", p, size);
	vmsg = msg;
	so = jscan_object(p, size, &o, &col, &msg) == 0;
	if (!so && (msg == NULL || col < 1 || col > size + 1))
		fail("jscan_object error without message or column", p, size);
	if (so != (sv && t == JT_OBJ))
		fail("jscan_object and jscan_value disagree", p, size);

	depth = max_depth(p, size);
	j = json_loadb(p, size, JFLAGS, &err);
	if (memchr(p, '\0', size) != NULL) {
		if (sv)
			fail("scanner accepts a NUL byte", p, size);
	} else if (depth >= JSON_MAX_DEPTH) {
		/* Beyond the scanner's limit; only a refusal is sure. */
		if (depth > JSON_MAX_DEPTH && sv)
			fail("scanner accepts nesting beyond its limit", p,
			     size);
	} else if (j == NULL && jansson_limit(&err)) {
		/* A limit of jansson's: nothing to compare. */
	} else if (sv != (j != NULL)) {
		fprintf(stderr, "scanner: %s%s; jansson: %s\n",
		        sv ? "accepts" : "refuses: ", sv ? "" : vmsg,
		        j ? "accepts" : err.text);
		fail("scanner and jansson disagree", p, size);
	} else if (sv) {
		/* The value without the whitespace around it. */
		for (a = 0; a < size && strchr(" \t\n\r", p[a]) && p[a]; a++)
			;
		for (b = size; b > a && strchr(" \t\n\r", p[b - 1]) && p[b - 1];
		     b--)
			;
		compare(p + a, b - a, t, j, 0, p, size);
		if (so)
			compare_object(&o, p, size, j);
	}
	json_decref(j);
	jobj_free(&o);

	check_jw_str(p, size);
	check_jw_num(p, size);
	return 0;
}
