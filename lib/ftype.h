/*
 * ftype.h - tingle-parse --types: text values converted to a JSON type.
 *
 * "FIELD:TYPE,..." names a type for each field: int and float become
 * JSON numbers, bool true or false (true, t, yes, y, on, 1 and their
 * opposites, in any case), string the text itself.  Blank text (spaces
 * and tabs only) is null for int, float and bool.
 *
 * Ownership: a struct ftypes owns its list and buffers; ftypes_free()
 * releases them, and a zeroed struct is an empty list.
 */
#ifndef TINGLE_FTYPE_H
#define TINGLE_FTYPE_H

#include <stddef.h>

#include "fields.h"
#include "json.h"
#include "util.h"

enum { FTYPE_INT, FTYPE_FLOAT, FTYPE_BOOL, FTYPE_STRING };

struct ftype {
	char *field;
	int type;
};

struct ftypes {
	struct ftype *t;
	size_t n;
	buf_t tmp, text, lit; /* conversions */
};

/* Add the entries of one --types list to t.  Returns 0, or -1 with the
 * message in err (t keeps the entries before the bad one). */
int ftypes_parse(struct ftypes *t, const char *arg, buf_t *err);

/*
 * Convert text s[0..n) to type ty (FTYPE_*).  The result goes to out: a
 * JSON literal (*kind FK_NUM or FK_JSON) or, for string, the text itself
 * (FK_STR).  Returns NULL, or a short reason ("not an integer").
 */
const char *ftype_convert(int ty, const char *s, size_t n, buf_t *out,
                          char *kind);

/* Apply t to parsed fields (a time field is left alone).  Returns 0, or
 * -1 with the reason in why. */
int ftypes_fields(struct ftypes *t, fields_t *fs, buf_t *why);

/* Apply t to the top-level members of a JSON record; a value that does
 * not change keeps its original bytes.  Returns 0, or -1 with the reason
 * in why. */
int ftypes_json(struct ftypes *t, rec_t *r, buf_t *why);

void ftypes_free(struct ftypes *t);

#endif
