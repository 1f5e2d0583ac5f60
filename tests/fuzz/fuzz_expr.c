/*
 * fuzz_expr.c - libFuzzer target for the expression parser and evaluator.
 *
 * Each input is an expression.  It must either compile, and then evaluate
 * against a few records without crashing, giving a value whose JSON text
 * the record scanner accepts, or fail with a syntax error message that
 * shows the expression and a caret.  Build with clang -fsanitize=fuzzer
 * (tests/sh/fuzz_expr.sh does).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "json.h"
#include "ttime.h"

static const char *const lines[] = {
	"{}",
	"{\"ts\":\"2026-11-29T13:58:36Z\",\"event\":\"delivered\","
	"\"template\":\"device_linked\",\"email\":\"ana@example.com\","
	"\"size\":5000,\"n\":\"42\",\"ok\":true,\"z\":null}",
	"{\"a\":{\"b\":{\"c\":[1,2,{\"d\":\"\\u00e9\"}]}},\"a.b\":\"dotted\","
	"\"s\":\"x\\\"y\\n\",\"roles\":[\"admin\",\"user\"],\"e\":[],"
	"\"o\":{},\"big\":12345678901234567890,\"f\":-1.5e-3}",
	"{\"ts\":1764424716000,\"program_start\":\"2026-11-29\","
	"\"odd name\":\"o\",\"k\\u0065y\":\"\\ud83d\\ude00\"}",
};

#define NLINES (sizeof lines / sizeof lines[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static rec_t recs[NLINES];
	static int ready;
	buf_t err = BUF_INIT, out = BUF_INIT;
	char *src;
	expr_t *e;

	if (!ready) {
		tz_set("UTC");
		for (size_t i = 0; i < NLINES; i++)
			if (rec_scan(&recs[i], lines[i], strlen(lines[i]),
				     NULL, NULL) < 0)
				abort();
		ready = 1;
	}
	if (size > 4096)
		return 0;
	src = malloc(size + 1);
	memcpy(src, data, size);
	src[size] = '\0';

	e = expr_compile(src, &err);
	if (e == NULL) {
		/* A message, the expression's line, and a caret. */
		if (strncmp(err.p, "syntax error in expression at ", 30) != 0 ||
		    strchr(err.p, '^') == NULL)
			abort();
	} else {
		for (const char *const *f = expr_fields(e); *f; f++)
			if (strlen(*f) > size)
				abort();
		if (strcmp(expr_source(e), src) != 0)
			abort();
		for (size_t i = 0; i <= NLINES; i++) {
			val_t v;
			char t;
			int rc = expr_eval(e, i < NLINES ? &recs[i] : NULL, &v,
					   &err);
			if (rc < 0 && (v.t != V_NULL || err.len == 0))
				abort();
			buf_reset(&out);
			val_to_json(&v, &out);
			if (jscan_value(out.p, out.len, &t, NULL, NULL) < 0)
				abort();
			buf_reset(&out);
			val_to_text(&v, &out);
			(void)val_truthy(&v);
		}
		expr_free(e);
	}
	buf_free(&err);
	buf_free(&out);
	free(src);
	return 0;
}
