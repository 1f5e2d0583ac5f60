/*
 * jtable.h - lookup tables for joins: an NDJSON or CSV file loaded into a
 * hash table keyed by one of its fields.
 *
 * Each row's other fields are kept as ready-made JSON text (an NDJSON
 * table's values are its own bytes, a CSV cell becomes a JSON string), so
 * merging a row into a record is a rec_set() per field with no decoding.
 * Keys are compared as text: a string's characters, a number's digits
 * (its shortest form when it has a fraction or exponent), true or false.
 * So the number 42 in a record matches the CSV cell 42.
 *
 * A table owns all its memory; jtable_free() releases it.
 */
#ifndef TINGLE_JTABLE_H
#define TINGLE_JTABLE_H

#include <stddef.h>

#include "json.h"
#include "util.h"

typedef struct jtable jtable_t;

enum jtable_format {
	JTABLE_AUTO = 0, /* from the file name: .csv, .tsv, .ndjson, ... */
	JTABLE_NDJSON,
	JTABLE_CSV,
	JTABLE_TSV
};

/*
 * The format a name like "csv" or "ndjson" means, or -1.
 */
int jtable_format(const char *name);

/*
 * Load file as a table keyed by the field key (a dotted path in an NDJSON
 * table, a column name in a CSV or TSV table).  prefix (may be "") goes
 * before the name of every merged field.  The key field itself is not
 * merged.
 *
 * Rows that cannot be used (invalid JSON, no key, a CSV row whose length
 * differs from the header's) are skipped with a warning; a key seen again
 * replaces the earlier row, with a warning.  Warnings are limited to the
 * first 10 of each table and a count.  Under --strict the first such
 * problem is fatal (exit 65).  A file that cannot be read exits 66, a
 * table whose format cannot be told or whose header lacks the key column
 * exits 64.
 */
jtable_t *jtable_load(const char *file, int format, const char *key,
                      const char *prefix);

/* Number of distinct keys. */
size_t jtable_size(const jtable_t *t);

/*
 * The key text of a raw JSON value of the given JT_ type, as tables
 * compare keys: a string's decoded value, a number's exact value in
 * decimal (key_decimal: 1, 1.0 and 1e0 are "1"), "true" or "false".
 * Returns 0 and sets *k and *n (pointing into v, or into scratch, which
 * is reused) or -1 for a value that cannot be a key (null, an object,
 * an array).
 */
int jtable_key(const char *v, size_t vlen, char type, buf_t *scratch,
               const char **k, size_t *n);

/*
 * Merge the row whose key is k[0..n) into r (with rec_set).  Returns 1,
 * or 0 when the table has no such row.
 */
int jtable_merge(const jtable_t *t, const char *k, size_t n, rec_t *r);

void jtable_free(jtable_t *t);

/*
 * Read each row of a table file in turn, as a record given to fn (valid
 * during the call): an NDJSON row as it is, a CSV or TSV row as an
 * object of strings named by the header row.  With JTABLE_AUTO the
 * format comes from the file's name or else its first byte ('{' is
 * NDJSON, anything else CSV).  A CSV or TSV header must name every
 * column in need[0..nneed) (else exit 64).  Rows that cannot be read are
 * skipped with a warning, as by jtable_load (fatal under --strict); a
 * file that cannot be read exits 66.
 */
void jtable_each(const char *file, int format, const char *const *need,
                 size_t nneed, void (*fn)(const rec_t *r, void *arg),
                 void *arg);

#endif
