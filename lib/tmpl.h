/*
 * tmpl.h - message templates: text with {field}, {field:%.1f} and
 * {=expression:%.1f} placeholders, compiled once and rendered against a
 * record.
 *
 * Syntax: "{" NAME [":" CONVERSION] "}" where NAME is a field name or a
 * dotted path and CONVERSION is one printf conversion (%d %i %u %x %X %o
 * %e %E %f %F %g %G %s with flags, width and precision), or
 * "{=" EXPR [":" CONVERSION] "}" where EXPR is an expression (expr.h)
 * whose value is shown; a '}' or ':' inside its string literals belongs
 * to it.  The fields EXPR reads are found through the lookup function,
 * and a run-time error shows as null.  "{{" and "}}"
 * stand for literal braces.  A value is shown as text: strings without
 * quotes, numbers as written in the input, true, false and null as words,
 * objects and arrays as JSON.  A numeric conversion applies only to
 * numbers; other values are shown as text.  A missing field shows "null".
 *
 * Ownership: tmpl_compile returns a template the caller frees with
 * tmpl_free; rendering appends to a caller's buffer.
 */
#ifndef TINGLE_TMPL_H
#define TINGLE_TMPL_H

#include <stddef.h>

#include "json.h"
#include "util.h"

typedef struct tmpl tmpl_t;

/*
 * Look up the field name[0..n) for a template: set *out to its raw JSON
 * value and return 1, or return 0 when there is no such field.
 */
typedef int (*tmpl_lookup_fn)(void *ctx, const char *name, size_t n,
                              jfield_t *out);

/*
 * Compile src.  On an error returns NULL and appends to err a message
 * naming the 1-based column, e.g. "unclosed '{' at column 12".
 */
tmpl_t *tmpl_compile(const char *src, buf_t *err);

/* Append the text of t, with each placeholder filled in through lookup. */
void tmpl_render(const tmpl_t *t, tmpl_lookup_fn lookup, void *ctx, buf_t *out);

/*
 * Append a JSON value's display text: a string decoded (no quotes), any
 * other value as its JSON text.  Shared with the hook environment.
 */
void tmpl_value_text(const char *v, size_t vlen, buf_t *out);

/* The source text t was compiled from. */
const char *tmpl_source(const tmpl_t *t);

void tmpl_free(tmpl_t *t);

#endif
