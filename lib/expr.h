/*
 * expr.h - the expression language shared by --where, --by, segment rules
 * and alert conditions (tingle(7), "EXPRESSIONS").
 *
 * An expression is compiled once, before any input is read, and then
 * evaluated against records.  Evaluation never fails on missing fields
 * (they are null); a type error (len(3)) yields null and an error message
 * the stage reports for that record.
 */
#ifndef TINGLE_EXPR_H
#define TINGLE_EXPR_H

#include <stddef.h>

#include "json.h"
#include "util.h"

typedef enum {
	V_NULL = 0,
	V_BOOL,
	V_NUM,
	V_STR,
	V_LIST,
	V_JSON /* an object (or other value) kept as raw JSON text */
} vtype_t;

typedef struct val {
	vtype_t t;
	int b;             /* V_BOOL */
	double n;          /* V_NUM */
	const char *s;     /* V_STR: bytes (not NUL-terminated); V_JSON: raw;
	                      V_NUM: the number's JSON text when it came
	                      from a record, else NULL */
	size_t len;        /* length of s */
	struct val *items; /* V_LIST */
	size_t nitems;
} val_t;

typedef struct expr expr_t;

/*
 * Compile src.  On a syntax error returns NULL and writes into err (a
 * buffer the caller frees) a message of the form
 *
 *	syntax error in expression at column 7: expected ')'
 *	  weekday(ts
 *	        ^
 *
 * The stage prints it after "prog: " and exits 64.
 */
expr_t *expr_compile(const char *src, buf_t *err);

/*
 * Compile an assignment "NAME = EXPR" (tingle-segment --set): NAME is a
 * top-level field name as an expression writes it bare (letters, digits
 * and '_', not starting with a digit; no dots).  Returns the expression
 * and sets *name to a copy of NAME (the caller frees it), or returns NULL
 * with a message in err as expr_compile does, its caret under the problem
 * in src: a missing or invalid name, a missing '=', or a syntax error of
 * the expression.
 */
expr_t *expr_compile_assign(const char *src, char **name, buf_t *err);

/*
 * Evaluate e against record r (NULL: every field is missing).  The result
 * may point into r's line and settings and into e's scratch memory, so it
 * is valid until the next expr_eval of the same expression or a change to
 * r.  Evaluation allocates nothing once its scratch memory has grown to
 * what the records need.  Returns 0, or -1 on a run-time type error, with
 * a message in err (reset first; result then null).
 */
int expr_eval(expr_t *e, const rec_t *r, val_t *out, buf_t *err);

/* Truth of a value: false, null, 0, "" and [] are false. */
int val_truthy(const val_t *v);

/* Append v as JSON text. */
void val_to_json(const val_t *v, buf_t *out);

/* Append v as display text (strings without quotes). */
void val_to_text(const val_t *v, buf_t *out);

/*
 * The top-level field names the expression reads, in first-use order, as
 * a NULL-terminated array owned by e (an alert shows their values).
 */
const char *const *expr_fields(const expr_t *e);

/*
 * How e uses field i of expr_fields(e), for the warnings of fieldseen.h:
 * EXPR_FIELD_VS_FIELD when the field is a bare word compared with
 * another field (`status == sent`, `status in [sent, bounced]`), which
 * was probably meant as a string; EXPR_FIELD_EXISTS_ONLY when only
 * exists() reads it, so that its absence is expected.
 */
enum { EXPR_FIELD_VS_FIELD = 1, EXPR_FIELD_EXISTS_ONLY = 2 };
unsigned expr_field_flags(const expr_t *e, size_t i);

/* The source text of e. */
const char *expr_source(const expr_t *e);

void expr_free(expr_t *e);

#endif
