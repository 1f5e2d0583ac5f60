/*
 * fuzz_fmt.c - fuzz test of the line formats of tingle-parse.
 *
 * The first byte of the input picks the format: 's' syslog, 'p' postfix,
 * 'e' exim, 'c' clf, 'C' combined, 'l' logfmt, 'm' sendmail (any other
 * byte picks one by its value).  The rest is split into lines at '\n', and each line is
 * given to the format in turn with the same context, as tingle-parse
 * does, so state a format keeps in its context between lines is
 * exercised too.
 *
 * Whatever a format makes of a line, it must be one of its documented
 * answers, and a line it accepts must give fields that fields_write()
 * turns into one valid JSON object (jscan_object(), which is itself
 * fuzzed against jansson) with no key twice in any object (jansson with
 * JSON_REJECT_DUPLICATES).  Parsing the same line
 * again must give the same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fields.h"
#include "json.h"
#include "ttime.h"

#define NOW 1781524800 /* 2026-06-15T12:00:00Z */

static const struct {
	char sel;
	const char *name;
	fmt_fn fn;
} formats[] = {
    {'s', "syslog", fmt_syslog},     {'p', "postfix", fmt_postfix},
    {'e', "exim", fmt_exim},         {'c', "clf", fmt_clf},
    {'C', "combined", fmt_combined}, {'l', "logfmt", fmt_logfmt},
    {'m', "sendmail", fmt_sendmail},
};

#define NFORMATS (sizeof formats / sizeof formats[0])

static void
fail(const char *fmt, const char *what, const char *line, size_t n,
     const buf_t *out)
{
	fprintf(stderr, "fuzz_fmt: %s: %s\nline (%zu bytes): ", fmt, what, n);
	fwrite(line, 1, n > 400 ? 400 : n, stderr);
	if (out != NULL) {
		fputs("\noutput: ", stderr);
		fwrite(out->p, 1, out->len > 800 ? 800 : out->len, stderr);
	}
	fputc('\n', stderr);
	abort();
}

/* 1 if an object in the JSON text out (at any depth) has a key twice. */
static int
repeated_key(const buf_t *out)
{
	json_error_t err;
	json_t *j = json_loadb(out->p, out->len, JSON_REJECT_DUPLICATES, &err);

	json_decref(j);
	return j == NULL && json_error_code(&err) == json_error_duplicate_key;
}

/* Parse one line (a NUL-terminated copy of exactly n bytes). */
static void
one_line(size_t k, fmt_ctx_t *ctx, fields_t *fs, const char *p, size_t n,
         buf_t *out, buf_t *again, jobj_t *o)
{
	char *line = malloc(n + 1);
	size_t col;
	const char *msg;
	int rc;

	memcpy(line, p, n);
	line[n] = '\0';
	fields_reset(fs);
	buf_reset(&ctx->why);
	rc = formats[k].fn(ctx, line, n, fs);
	if (rc != FMT_OK && rc != FMT_NOMATCH && rc != FMT_CONT)
		fail(formats[k].name, "unknown answer", line, n, NULL);
	if (rc != FMT_OK) {
		free(line);
		return;
	}
	buf_reset(out);
	fields_write(fs, out);
	if (jscan_object(out->p, out->len, o, &col, &msg) < 0)
		fail(formats[k].name,
		     "fields_write output is not a JSON object", line, n, out);
	if (o->n != fs->n)
		fail(formats[k].name, "a field is missing from the output",
		     line, n, out);
	if (repeated_key(out))
		fail(formats[k].name, "a key appears twice", line, n, out);

	/* The same line again gives the same record. */
	fields_reset(fs);
	if (formats[k].fn(ctx, line, n, fs) != FMT_OK)
		fail(formats[k].name, "a second parse does not match", line, n,
		     out);
	buf_reset(again);
	fields_write(fs, again);
	if (again->len != out->len || memcmp(again->p, out->p, out->len) != 0)
		fail(formats[k].name, "a second parse differs", line, n, out);
	free(line);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	fmt_ctx_t ctx;
	fields_t fs;
	buf_t out = BUF_INIT, again = BUF_INIT;
	jobj_t o = {NULL, 0, 0};
	const char *p = (const char *)data + 1, *nl;
	size_t k, left = size - 1;

	if (!ready) {
		if (tz_set("UTC") < 0)
			abort();
		ready = 1;
	}
	if (size == 0)
		return 0;
	for (k = 0; k < NFORMATS && formats[k].sel != (char)data[0]; k++)
		;
	if (k == NFORMATS)
		k = data[0] % NFORMATS;

	memset(&ctx, 0, sizeof ctx);
	memset(&fs, 0, sizeof fs);
	ctx.now_sec = NOW;
	for (;;) {
		nl = memchr(p, '\n', left);
		if (nl == NULL) {
			one_line(k, &ctx, &fs, p, left, &out, &again, &o);
			break;
		}
		one_line(k, &ctx, &fs, p, (size_t)(nl - p), &out, &again, &o);
		left -= (size_t)(nl - p) + 1;
		p = nl + 1;
	}
	fields_free(&fs);
	buf_free(&ctx.why);
	buf_free(&ctx.scratch);
	buf_free(&out);
	buf_free(&again);
	jobj_free(&o);
	return 0;
}
