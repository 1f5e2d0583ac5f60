/*
 * fieldseen.h - which of the fields a stage's expressions and keys read
 * turned up in no record, and what the user may have meant instead.
 *
 * A bare word in an expression is a field name, so
 * `status == sent` compares two fields, and `-k stauts` groups by a field
 * that is never there: both run without an error and give an answer that
 * means something else.  A stage watches the field names it reads
 * (fieldseen_watch_expr for an expression, fieldseen_watch for a key
 * field), shows it every record (fieldseen_record), and at the end of its
 * input calls fieldseen_warn, which warns once about each watched field
 * no record had, with a hint: the string the word may have meant, when it
 * was compared with a field, or a field name that was seen and is close
 * to it.
 *
 * A stage that has seen every watched field pays one comparison per
 * record.  Until then it looks each missing name up in the record, and
 * it gathers the record's own field names (for the hints) from the first
 * records and a sample of the later ones, at most FIELDSEEN_MAX_NAMES.
 *
 * fieldseen_new returns a tracker the caller frees with fieldseen_free;
 * names and descriptions are copied.
 */
#ifndef TINGLE_FIELDSEEN_H
#define TINGLE_FIELDSEEN_H

#include <stddef.h>

#include "expr.h"
#include "json.h"

#define FIELDSEEN_MAX_NAMES 4096

struct fieldseen;

struct fieldseen *fieldseen_new(void);
void fieldseen_free(struct fieldseen *fs);

/*
 * Watch the top-level field name, read by what (an option such as
 * "--where" or "-k", shown in the warning).  flags are expr_field_flags()
 * flags: EXPR_FIELD_VS_FIELD asks for the string hint, and a field with
 * EXPR_FIELD_EXISTS_ONLY is not watched (its absence is what exists()
 * tests).  A name watched already keeps the first what that reads it
 * outside exists(); the flags add up.
 */
void fieldseen_watch(struct fieldseen *fs, const char *name, const char *what,
                     unsigned flags);

/* Watch every field the expression e reads. */
void fieldseen_watch_expr(struct fieldseen *fs, const expr_t *e,
                          const char *what);

/* Note the fields of one record (its own and those a stage set). */
void fieldseen_record(struct fieldseen *fs, const rec_t *r);

/*
 * Warn (util_warnmsg) once about every watched field that no record had,
 * when there was at least one record:
 *
 *	--where reads the field 'sent', which no record had; did you mean
 *	the string "sent"?
 *
 * (one line).  Later calls warn only about names watched since.  Returns
 * the number of warnings.
 */
size_t fieldseen_warn(struct fieldseen *fs);

/*
 * The hint for a missing name: the closest field name seen, by edit
 * distance (a swap of two neighbours counts one), when it is within a
 * third of the name's length (at least 1), or NULL.  Borrowed; valid
 * until the next call.
 */
const char *fieldseen_near(struct fieldseen *fs, const char *name);

#endif
