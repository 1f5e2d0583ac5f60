/*
 * jsonin.h - JSON lines as records: tingle-parse -f json.
 *
 * A line holds a JSON object, which becomes one record, or an array of
 * objects, which becomes one record per element, all or nothing.  A
 * record passes through as its original bytes (rec_t) but for what the
 * fix callback changes (tingle-parse normalises the event time and
 * applies --types there).
 *
 * With split set to a path (--split), a record whose value at that path
 * is a non-empty array is written once per element: the record's text
 * with the array replaced by that element, as jq's
 * `.path[] as $e | .path = $e` has it, byte for byte otherwise.  A record
 * whose path is missing, null, an empty array or not an array is written
 * once, as it is.
 *
 * Ownership: the jsonin owns its buffers, released by jsonin_free();
 * split is borrowed.
 */
#ifndef TINGLE_JSONIN_H
#define TINGLE_JSONIN_H

#include <stddef.h>

#include "json.h"
#include "util.h"

struct jsonin {
	const char *split; /* --split path, or NULL */
	/* Normalise record r: 0, or -1 with the reason in why. */
	int (*fix)(void *arg, rec_t *r, buf_t *why);
	void *arg;
	rec_t rec, srec; /* a record of the line; one made by split */
	buf_t sline;     /* srec's text */
};

enum {
	JSONIN_BAD = -1,        /* bad input: why says why */
	JSONIN_NOT_OBJECT = -2, /* not an object or array: why says why */
};

/*
 * Read the JSON text p[0..n) of a line, which has col0 bytes before p
 * (a byte order mark), and append its records to out, each ending in a
 * newline.  Returns the number of records appended, JSONIN_BAD, or
 * JSONIN_NOT_OBJECT when the text is neither an object nor an array (the
 * caller may read it another way); either failure leaves out as it was
 * and the reason in why, with column numbers counted from the start of
 * the line.  Exits EX_SOFTWARE if a split makes invalid JSON (a bug).
 */
long jsonin_line(struct jsonin *j, const char *p, size_t n, size_t col0,
                 buf_t *out, buf_t *why);

void jsonin_free(struct jsonin *j);

#endif
