/*
 * parsed.h - checks shared by the unit tests of tingle-parse's engines:
 * fields or a record compared with the JSON they write, and a reject
 * callback that notes each bad line.  Header-only: each test program
 * includes it once, after cmocka.h.
 */
#ifndef TINGLE_TEST_PARSED_H
#define TINGLE_TEST_PARSED_H

#include <string.h>

#include "fields.h"
#include "json.h"

/* fs, written as a record, is want. */
static inline void
assert_fields(const fields_t *fs, const char *want)
{
	buf_t out = BUF_INIT;

	fields_write(fs, &out);
	assert_string_equal(out.p, want);
	buf_free(&out);
}

/* r, written as a line, is want. */
static inline void
assert_rec(const rec_t *r, const char *want)
{
	buf_t out = BUF_INIT;

	rec_write(r, &out);
	assert_string_equal(out.p, want);
	buf_free(&out);
}

/* A reject callback: appends "bad FILE:NUM: WHY [TEXT]\n" to the buf_t
 * that arg points to. */
static inline void
seen_reject(void *arg, const char *file, unsigned long num, const char *text,
            size_t n, const char *why)
{
	buf_printf((buf_t *)arg, "bad %s:%lu: %s [%.*s]\n", file, num, why,
	           (int)n, text);
}

#endif
