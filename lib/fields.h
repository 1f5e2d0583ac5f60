/*
 * fields.h - the fields of one parsed line, before they become a record.
 *
 * A format parser (lib/fmt_*.c) adds fields in the order they should be
 * written; tingle-parse applies --types and writes the record.  Keys and
 * values are copied, so they may point anywhere.
 *
 * A record never holds a key twice: adding a key that is already there
 * does nothing, so the first value stays.  The header fields a mail
 * format adds first thus win over a word of the message that happens to
 * use the same name (the message itself stays whole in "msg").  To change
 * a value, use fields_find() and fields_replace().
 */
#ifndef TINGLE_FIELDS_H
#define TINGLE_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "ttime.h"
#include "util.h"

/* What a field's value is. */
enum {
	FK_STR = 's',  /* text, written as a JSON string */
	FK_NUM = 'n',  /* a JSON number literal, written as is */
	FK_JSON = 'j', /* any JSON text, written as is */
	FK_TIME = 't', /* a tstamp_t, written as an RFC 3339 string */
};

typedef struct pfield {
	size_t k, klen; /* offsets into the store */
	size_t v, vlen;
	char kind;
	tstamp_t ts; /* FK_TIME */
} pfield_t;

typedef struct fields {
	pfield_t *f;
	size_t n, cap;
	buf_t store;
	uint64_t keys; /* a bit per key hash: a clear bit means a new key */
} fields_t;

void fields_reset(fields_t *fs);
void fields_free(fields_t *fs);

void fields_add(fields_t *fs, const char *key, const char *v, size_t n,
		char kind);
void fields_addz(fields_t *fs, const char *key, const char *v);
/* fields_add with a key of klen bytes, which may hold NULs. */
void fields_addk(fields_t *fs, const char *key, size_t klen, const char *v,
		 size_t n, char kind);
void fields_add_time(fields_t *fs, const char *key, const tstamp_t *t);

/* Key and value of field i (valid until the next fields_add). */
const char *fields_key(const fields_t *fs, size_t i, size_t *len);
const char *fields_val(const fields_t *fs, size_t i, size_t *len);

/* Index of the last field named key, or -1. */
long fields_find(const fields_t *fs, const char *key);

/* Replace the value of field i. */
void fields_replace(fields_t *fs, size_t i, const char *v, size_t n,
		    char kind);

/* Append the fields as one JSON object (no newline). */
void fields_write(const fields_t *fs, buf_t *out);

/*
 * A line format: parse line p[0..n) (NUL-terminated) into fs, which is
 * empty on entry.  Returns FMT_OK, FMT_NOMATCH (the line is bad input;
 * why may be written into ctx->why), or FMT_CONT (the line continues
 * the previous record, as a TAB-indented syslog continuation does: the
 * caller appends it to that record's "msg").
 */
enum { FMT_NOMATCH = 0, FMT_OK = 1, FMT_CONT = 2 };

typedef struct fmt_ctx {
	int year;	/* --year, or 0 */
	int64_t now_sec; /* for year-less stamps */
	char sep;	 /* csv/tsv */
	buf_t why;	 /* reason for FMT_NOMATCH, optional */
	buf_t scratch;	 /* free for the parser's use */
} fmt_ctx_t;

typedef int (*fmt_fn)(fmt_ctx_t *ctx, const char *p, size_t n,
		      fields_t *fs);

int fmt_syslog(fmt_ctx_t *ctx, const char *p, size_t n, fields_t *fs);
int fmt_postfix(fmt_ctx_t *ctx, const char *p, size_t n, fields_t *fs);
int fmt_exim(fmt_ctx_t *ctx, const char *p, size_t n, fields_t *fs);
int fmt_sendmail(fmt_ctx_t *ctx, const char *p, size_t n, fields_t *fs);
int fmt_clf(fmt_ctx_t *ctx, const char *p, size_t n, fields_t *fs);
int fmt_combined(fmt_ctx_t *ctx, const char *p, size_t n, fields_t *fs);
int fmt_logfmt(fmt_ctx_t *ctx, const char *p, size_t n, fields_t *fs);

#endif
