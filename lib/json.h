/*
 * json.h - the record layer: a validating JSON scanner, JSON writing
 * helpers, and records that are written back as their original bytes.
 *
 * A record is one line holding a JSON object.  jscan_object() checks the
 * whole line (RFC 8259, UTF-8 included) and notes where each top-level
 * member's key and value lie, without building a tree.  Values are then
 * decoded only when a stage asks for them.  A record that a stage does not
 * change is written back byte for byte; fields a stage adds or replaces are
 * spliced in by rec_write().
 */
#ifndef TINGLE_JSON_H
#define TINGLE_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Value types, as the first byte of the value tells them. */
enum {
	JT_NONE = 0,
	JT_STR = 's',
	JT_NUM = 'n',
	JT_OBJ = 'o',
	JT_ARR = 'a',
	JT_TRUE = 't',
	JT_FALSE = 'f',
	JT_NULL = 'z',
};

/*
 * One member of an object: the key as it appears between its quotes
 * (still escaped if kesc is set) and the value's raw JSON text.
 */
typedef struct jfield {
	const char *k;
	size_t klen;
	const char *v;
	size_t vlen;
	char type;
	char kesc; /* key holds backslash escapes */
} jfield_t;

/* The top-level members of one object, in order. */
typedef struct jobj {
	jfield_t *f;
	size_t n;
	size_t cap;
} jobj_t;

/*
 * Scan p[0..n) as one JSON object surrounded by optional whitespace.
 * Returns 0 and fills o (reset first) on success.  On failure returns -1,
 * sets *errcol to the 1-based byte column of the problem and *errmsg to a
 * short static description ("invalid JSON", "not an object", ...).
 * The scanner accepts exactly what RFC 8259 accepts (nesting limited to
 * JSON_MAX_DEPTH), so invalid UTF-8 inside strings is rejected.
 */
#define JSON_MAX_DEPTH 512
int jscan_object(const char *p, size_t n, jobj_t *o, size_t *errcol,
                 const char **errmsg);

/*
 * Scan p[0..n) as any single JSON value with optional surrounding
 * whitespace.  Same return convention.  *type gets the value's JT_ type.
 */
int jscan_value(const char *p, size_t n, char *type, size_t *errcol,
                const char **errmsg);

/* The JT_ type of an already validated raw JSON value, from its first byte. */
char jtype_of(const char *v);

/*
 * Iterate the elements of an already validated array value v[0..vlen):
 * start with *pos = 0; each call sets *ev and *evlen to the next element's raw
 * text and returns 1, or returns 0 at the end.
 */
int jarr_next(const char *v, size_t vlen, size_t *pos, const char **ev,
              size_t *evlen);

/* Same for the members of an already validated object value. */
int jobj_next(const char *v, size_t vlen, size_t *pos, jfield_t *out);

/* Fill o with the members of an already validated object value. */
void jobj_from_value(const char *v, size_t vlen, jobj_t *o);

void jobj_free(jobj_t *o);

/* Last member named key (decoded comparison), or NULL. */
const jfield_t *jobj_get(const jobj_t *o, const char *key, size_t klen);

/*
 * Look up a dotted path ("user.plan") starting at the top-level members,
 * descending into nested object values.  A path component may itself be
 * the whole remaining path when the object has a key containing dots.
 * Returns 1 and sets *out, or 0 when absent.
 */
int jobj_path(const jobj_t *o, const char *path, size_t plen, jfield_t *out);

/*
 * Decode a JSON string literal (with its quotes) into UTF-8, appending to
 * out.  The literal must be valid.
 */
void jstr_decode(const char *v, size_t vlen, buf_t *out);

/*
 * Decode the one JSON escape at p[0..n) (p[0] is the backslash) and
 * append its UTF-8 to out: \" \\ \/ \b \f \n \r \t, and \uXXXX, a
 * high and a low surrogate escape making one character.  A lone
 * surrogate is an error under JESC_STRICT and U+FFFD under JESC_LENIENT.
 * Returns the bytes read (2, 6 or 12), 0 if p holds no escape of JSON's
 * (another letter, or \u without four hex digits: out is untouched),
 * or -1 for a lone surrogate under JESC_STRICT.  Every decoder of
 * escaped text in tingle goes through it: records (strict; a record's
 * strings are checked when read), expression literals (strict) and
 * logfmt values (lenient).
 */
enum { JESC_LENIENT = 0, JESC_STRICT = 1 };
int jstr_escape(const char *p, size_t n, int mode, buf_t *out);

/*
 * Append s[0..n) as a quoted JSON string.  Invalid UTF-8 sequences are
 * written as U+FFFD; control characters are escaped.
 */
void jw_str(buf_t *out, const char *s, size_t n);

/* Append "key": (the key quoted as by jw_str) preceded by a comma if the
 * buffer does not end with '{'. */
void jw_key(buf_t *out, const char *key);
void jw_keyn(buf_t *out, const char *key, size_t n);

/* Helpers for building objects: each writes ,"key":value. */
void jw_kstr(buf_t *out, const char *key, const char *s, size_t n);
void jw_kstrz(buf_t *out, const char *key, const char *s);
void jw_kint(buf_t *out, const char *key, long long v);
void jw_knum(buf_t *out, const char *key, double v);
void jw_kraw(buf_t *out, const char *key, const char *json, size_t n);

/* Append a double the way JSON wants it: integers without a fraction,
 * others with up to 17 significant digits, non-finite as null. */
void jw_num(buf_t *out, double v);

/*
 * Append a derived statistic (an expectation, ratio, z, p value) with at
 * most 12 significant digits, as the digits beyond are floating-point
 * noise: whole numbers in full up to 2^53, others without trailing
 * zeros, an exponent below 1e-4 and from 1e14 ("%.12g"), non-finite as
 * null.
 */
void jw_stat(buf_t *out, double v);

/*
 * A record: the line's bytes, its top-level members, and the members a
 * stage sets (values are raw JSON text).  Setting a member that the line
 * already has replaces its value in place; new members go after the
 * line's own, in the order they were set.
 */
typedef struct rec {
	const char *line;
	size_t len;
	jobj_t obj;  /* the line's top-level members */
	jobj_t set;  /* members set by the stage */
	buf_t store; /* storage for set keys and values */
} rec_t;

/* Scan a line into r (reusing r's memory).  Same return as jscan_object. */
int rec_scan(rec_t *r, const char *line, size_t len, size_t *errcol,
             const char **errmsg);

/*
 * Load into r (reusing r's memory) the record line[0..len) that an
 * earlier rec_scan() of the same bytes elsewhere found to have the
 * members f[0..n), without scanning it again: member i's key starts at
 * line + off[2i] and its value at line + off[2i + 1]; the rest of f[i]
 * is copied.  For a stage that keeps records to write later.
 */
void rec_load(rec_t *r, const char *line, size_t len, const size_t *off,
              const jfield_t *f, size_t n);

/* Member by top-level name: the stage's own setting first, then the line. */
const jfield_t *rec_get(const rec_t *r, const char *key, size_t klen);

/* Member by dotted path (see jobj_path), set members first. */
int rec_path(const rec_t *r, const char *path, size_t plen, jfield_t *out);

/* Set member key to the raw JSON text json[0..n) (copied). */
void rec_set(rec_t *r, const char *key, const char *json, size_t n);
void rec_set_str(rec_t *r, const char *key, const char *s, size_t n);

/* Drop all set members. */
void rec_clear_set(rec_t *r);

/* Append the record (original bytes plus settings) and a newline. */
void rec_write(const rec_t *r, buf_t *out);

void rec_free(rec_t *r);

/* 1 if s[0..n) is a JSON integer: digits with an optional minus sign,
 * no fraction or exponent. */
int json_plain_integer(const char *s, size_t n);

/* 1 if s[0..n) is a JSON number literal (RFC 8259: an optional minus, no
 * leading zeros, a fraction and an exponent each with digits), else 0. */
int json_number_ok(const char *s, size_t n);

/*
 * The shortest text of the finite double d that reads back as d: a whole
 * number of magnitude under int_below without fraction or exponent
 * ("%.0f"), any other with the fewest of 15, 16 or 17 significant digits
 * ("%.*g").  Writes at most JSON_DTOA_MAX bytes plus NUL into buf and
 * returns the length.  Every number tingle writes goes through it.
 */
#define JSON_DTOA_MAX 31
size_t json_dtoa(double d, char *buf, double int_below);

/* Length of the valid UTF-8 prefix of p[0..n). */
size_t utf8_valid_prefix(const char *p, size_t n);

/* What a jansson error code (json_error_code()) means, in a few fixed
 * words: for diagnostics about files whose bytes must not be shown,
 * where jansson's own text would quote the text near the error. */
const char *jerr_what(int code);

#endif
