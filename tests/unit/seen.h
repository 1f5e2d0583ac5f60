/*
 * seen.h - what a compare engine (lib/history.c, lib/against.c) hands on,
 * written down as text so that a test can compare it with one string.
 * Header-only: each test program includes it once, after cmocka.h.
 */
#ifndef TINGLE_TEST_SEEN_H
#define TINGLE_TEST_SEEN_H

#include "baseline.h"
#include "cmp.h"
#include "json.h"
#include "util.h"

/*
 * Append "KEY:OBSERVED:EXPECTED" for record r to seen (';' first when
 * seen is not empty): KEY is the JSON text of r's field key, EXPECTED is
 * "-" when res has no expectation.  Fails the test unless the observed
 * value is a number.
 */
static inline void
seen_add(buf_t *seen, const rec_t *r, const char *key, int vt, double v,
         const struct bl_result *res)
{
	const jfield_t *k = rec_get(r, key, strlen(key));

	assert_non_null(k);
	assert_int_equal(vt, CMP_NUM);
	if (seen->len > 0)
		buf_addc(seen, ';');
	buf_add(seen, k->v, k->vlen);
	buf_printf(seen, ":%g:", v);
	if (res->has_exp)
		buf_printf(seen, "%g", res->exp);
	else
		buf_adds(seen, "-");
}

#endif
