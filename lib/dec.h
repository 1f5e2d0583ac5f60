/*
 * dec.h - exact sums of JSON numbers.
 *
 * A JSON number is decimal text; adding such numbers as doubles gives
 * results that depend on the order of the additions (0.1 + 0.2 is not
 * 0.3), so sums from shards of an input would not match the sum over the
 * whole.  A dec_t holds a decimal value exactly, as a 128-bit integer
 * scaled by a power of ten, as long as it fits (about 38 significant
 * digits with at most DEC_MAX_SCALE after the point); beyond that it
 * falls back to a double and says so in its inexact flag.
 */
#ifndef TINGLE_DEC_H
#define TINGLE_DEC_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define DEC_MAX_SCALE 18

typedef struct dec {
	__int128 m;      /* the value is m / 10^scale while exact */
	int32_t scale;   /* 0 .. DEC_MAX_SCALE */
	int32_t inexact; /* 1: the value is d */
	double d;
} dec_t;

/* A zero-filled dec_t is 0. */
#define DEC_ZERO                                                               \
	{                                                                      \
		0, 0, 0, 0.0                                                   \
	}

/*
 * Parse s[0..n) as a JSON number (RFC 8259 grammar, no surrounding
 * space).  Returns 0 and sets *v (exact when it fits), or -1 when the
 * text is not a JSON number.
 */
int dec_parse(const char *s, size_t n, dec_t *v);

/* a += b. */
void dec_add(dec_t *a, const dec_t *b);

/* The value as a double (correctly rounded when exact). */
double dec_double(const dec_t *a);

/* Append the value as a JSON number: exact values in plain decimal
 * notation without trailing zeros ("12.5", "0", "-3"), inexact ones as
 * jw_num writes doubles. */
void dec_format(const dec_t *a, buf_t *out);

#endif
