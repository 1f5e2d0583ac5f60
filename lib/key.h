/*
 * key.h - group keys: one identity for every stage, and the names of the
 * fields the stages write.
 *
 * Two records are in one group when their key values are equal as JSON
 * values, whatever their spelling.  key_value() appends the canonical
 * text of a value, so that equal values give equal bytes:
 *
 *   - a string is written by its decoded value, with only the escapes
 *     JSON needs ("\u0061" and "a" are one key);
 *   - a number by its exact decimal value, never through a double: 1,
 *     1.0, 1e0 and 10e-1 are one key, -0 and 0 are one, and integers
 *     beyond 2^53 or decimals a double cannot hold stay apart
 *     (key_number);
 *   - an object with its members sorted by name and their values
 *     canonical, without space; an array element by element;
 *   - true, false and null as such (not equal to the strings "true",
 *     "false" and "null").
 *
 * The canonical text is itself JSON, and holds no byte below 0x20, so a
 * caller may join the values of several key fields with such a byte.
 * It is the identity of a group, not what a stage writes: the stages
 * write a key value as the first record of its group had it.
 */
#ifndef TINGLE_KEY_H
#define TINGLE_KEY_H

#include <stddef.h>

#include "util.h"

/*
 * Append the canonical text of the JSON value v[0..n) (already
 * validated, no surrounding space) of JT_ type type to out.
 */
void key_value(buf_t *out, const char *v, size_t n, char type);

/*
 * Append the canonical text of the JSON number v[0..n) (valid): its
 * significant digits, and as many zeros as its exponent says or an
 * exponent (1.5 is 15e-1, -0.0 is 0, 1e3 is 1000).
 */
void key_number(buf_t *out, const char *v, size_t n);

/*
 * The same with a decimal point rather than a negative exponent (1.5,
 * 0.001), for matching a number to the text of a table: numbers of one
 * value still give one text.
 */
void key_decimal(buf_t *out, const char *v, size_t n);

/*
 * Append the canonical text of JSON text v[0..n), checking it first
 * (surrounding space allowed).  Returns 0, or -1 when it is not one JSON
 * value (out is then unchanged).
 */
int key_text(buf_t *out, const char *v, size_t n);

/* ---- fields the stages write ------------------------------------------ */

/* Who writes a field. */
enum {
	KEY_BY_COUNT = 1,   /* tingle-count, about a window */
	KEY_BY_COMPARE = 2, /* tingle-compare, about a window */
	KEY_BY_ALERT = 4,   /* tingle-alert, about an alert */
	KEY_BY_STITCH = 8,  /* tingle-stitch, about a merged record */
};

/* Names in key_fields that stages read by name (test_key checks them). */
#define KEY_WINDOW_START "window_start"
#define KEY_WINDOW_END "window_end"
#define KEY_OPEN "open" /* true: a window not ended when it was written */

struct key_field {
	const char *name;
	size_t len;
	unsigned char prefix; /* a prefix: the name goes on (sum_F) */
	unsigned char by;     /* KEY_BY_ */
};

/* The fields the stages write, ended by a NULL name. */
extern const struct key_field key_fields[];

/*
 * Is the n-byte name one that tingle-count or tingle-compare writes about
 * a window (window_start, count, sum_F, expected, ...)?  Such a field is
 * not part of the default key of compare and alert.
 */
int key_window_field(const char *name, size_t n);

/*
 * The entry of key_fields that the n-byte name is written as by one of
 * the stages in the mask by, or NULL.
 */
const struct key_field *key_written_by(const char *name, size_t n, int by);

#endif
