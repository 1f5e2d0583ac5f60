/*
 * fuzz_expr.c - fuzz test of the expression parser and evaluator.
 *
 * The first line of the input is an expression; the lines after it are
 * records.  The expression must either fail with a syntax error message
 * that shows the expression and a caret, or compile and then evaluate
 * against every record that scans (and a few fixed ones, and no record at
 * all) without crashing: a run-time error gives null and a message, and
 * any value's JSON text (val_to_json) is valid JSON.  Evaluating the same
 * record twice gives the same value, so nothing an evaluation caches
 * (regexes, scratch space) leaks into the next.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "json.h"
#include "ttime.h"

/* Records every input is evaluated against, besides its own. */
static const char *const lines[] = {
    "{}",
    ("{\"ts\":\"2026-11-29T13:58:36Z\",\"event\":\"delivered\","
     "\"template\":\"device_linked\",\"email\":\"ana@example.com\","
     "\"size\":5000,\"n\":\"42\",\"ok\":true,\"z\":null}"),
    ("{\"a\":{\"b\":{\"c\":[1,2,{\"d\":\"\\u00e9\"}]}},\"a.b\":\"dotted\","
     "\"s\":\"x\\\"y\\n\",\"roles\":[\"admin\",\"user\"],\"e\":[],"
     "\"o\":{},\"big\":12345678901234567890,\"f\":-1.5e-3}"),
    ("{\"ts\":1764424716000,\"program_start\":\"2026-11-29\","
     "\"odd name\":\"o\",\"k\\u0065y\":\"\\ud83d\\ude00\"}"),
};

#define NLINES (sizeof lines / sizeof lines[0])
#define MAX_RECORDS 16

static void
fail(const char *what, const char *src, const buf_t *detail)
{
	fprintf(stderr, "fuzz_expr: %s\nexpression: %s\n", what, src);
	if (detail != NULL)
		fprintf(stderr, "detail: %.*s\n", (int)detail->len, detail->p);
	abort();
}

/* Evaluate e against r (NULL: no record) twice and check the value. */
static void
check_eval(expr_t *e, const rec_t *r, const char *src, buf_t *err, buf_t *out,
           buf_t *first)
{
	for (int round = 0; round < 2; round++) {
		val_t v;
		char t;
		int rc;

		buf_reset(err);
		rc = expr_eval(e, r, &v, err);
		if (rc != 0 && rc != -1)
			fail("expr_eval returns neither 0 nor -1", src, NULL);
		if (rc < 0 && (v.t != V_NULL || err->len == 0))
			fail("a run-time error without null and a message", src,
			     err);
		buf_reset(out);
		val_to_json(&v, out);
		if (jscan_value(out->p, out->len, &t, NULL, NULL) < 0)
			fail("val_to_json output is not JSON", src, out);
		if ((v.t == V_BOOL && t != (v.b ? JT_TRUE : JT_FALSE)) ||
		    (v.t == V_NULL && t != JT_NULL) ||
		    (v.t == V_STR && t != JT_STR) ||
		    (v.t == V_LIST && t != JT_ARR))
			fail("val_to_json gives another type", src, out);
		if (v.t == V_BOOL && val_truthy(&v) != !!v.b)
			fail("a boolean's truth differs from its value", src,
			     out);
		if (round == 0) {
			buf_reset(first);
			buf_add(first, out->p, out->len);
		} else if (first->len != out->len ||
		           memcmp(first->p, out->p, out->len) != 0) {
			fail("a second evaluation differs", src, out);
		}
		buf_reset(out);
		val_to_text(&v, out);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static rec_t fixed[NLINES];
	static rec_t recs[MAX_RECORDS];
	static int ready;
	buf_t err = BUF_INIT, out = BUF_INIT, first = BUF_INIT;
	const char *p = (const char *)data, *nl;
	size_t srclen, nrecs = 0, left;
	char *src;
	expr_t *e;

	if (!ready) {
		if (tz_set("UTC") < 0)
			abort();
		for (size_t i = 0; i < NLINES; i++)
			if (rec_scan(&fixed[i], lines[i], strlen(lines[i]),
			             NULL, NULL) < 0)
				abort();
		ready = 1;
	}
	if (size > 65536)
		return 0; /* as -max_len in expr.options */
	nl = memchr(p, '\n', size);
	srclen = nl != NULL ? (size_t)(nl - p) : size;
	if (memchr(p, '\0', srclen) != NULL)
		return 0; /* an expression is a C string */
	src = malloc(srclen + 1);
	memcpy(src, p, srclen);
	src[srclen] = '\0';

	e = expr_compile(src, &err);
	if (e == NULL) {
		/* A message, the expression's line, and a caret. */
		if (err.p == NULL ||
		    strncmp(err.p, "syntax error in expression at ", 30) != 0 ||
		    strchr(err.p, '^') == NULL)
			fail("a syntax error without its message", src, &err);
		goto done;
	}
	for (const char *const *f = expr_fields(e); *f; f++)
		if (strlen(*f) > srclen)
			fail("a field name longer than the expression", src,
			     NULL);
	if (strcmp(expr_source(e), src) != 0)
		fail("expr_source differs from the source", src, NULL);

	/* The records after the expression, one a line. */
	left = nl != NULL ? size - srclen - 1 : 0;
	p = nl != NULL ? nl + 1 : p + size;
	while (left > 0 && nrecs < MAX_RECORDS) {
		const char *end = memchr(p, '\n', left);
		size_t n = end != NULL ? (size_t)(end - p) : left;

		if (rec_scan(&recs[nrecs], p, n, NULL, NULL) == 0)
			nrecs++;
		if (end == NULL)
			break;
		left -= n + 1;
		p = end + 1;
	}
	for (size_t i = 0; i < nrecs; i++)
		check_eval(e, &recs[i], src, &err, &out, &first);
	for (size_t i = 0; i < NLINES; i++)
		check_eval(e, &fixed[i], src, &err, &out, &first);
	check_eval(e, NULL, src, &err, &out, &first);
	expr_free(e);
done:
	buf_free(&err);
	buf_free(&out);
	buf_free(&first);
	free(src);
	return 0;
}
