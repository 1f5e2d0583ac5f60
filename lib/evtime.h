/*
 * evtime.h - the event time of a parsed record: tingle-parse finds it
 * among a record's fields, reads it, and writes it as "ts" in RFC 3339.
 *
 * The time is read by --time-format when one is given (strptime(3), with
 * the year taken from --year or inferred from now when the format has
 * none: ts_parse_fmt), else as RFC 3339/ISO 8601 or an epoch number in
 * seconds or milliseconds (ts_parse_iso, ts_parse_epoch).  It is written
 * by ts_format, in the zone of --tz.  A "ts" already in RFC 3339 as tingle
 * writes it is left as written.
 *
 * Ownership: the names and the format are borrowed and must outlive the
 * struct; evtime_free() releases its scratch buffer.
 */
#ifndef TINGLE_EVTIME_H
#define TINGLE_EVTIME_H

#include <stddef.h>
#include <stdint.h>

#include "fields.h"
#include "json.h"
#include "ttime.h"
#include "util.h"

struct evtime {
	const char *format; /* --time-format, or NULL */
	int year;           /* --year, or 0 */
	int64_t now_sec;    /* now, for a year left out */
	/* The names of the time field, first found wins; with none, name. */
	const char *const *names;
	size_t nnames;
	const char *name;
	const char *desc; /* the names for "no DESC" */
	int required;     /* a record without a time is bad input */
	buf_t tmp;
};

/* Read the time text s[0..n) into *t.  Returns 0 or -1. */
int evtime_parse(const struct evtime *e, const char *s, size_t n, tstamp_t *t);

/*
 * Find the event time among fs and write it as "ts": in place when the
 * time field is "ts", else added (or replacing an older "ts").  A record
 * without one is left alone unless e->required.  Returns 0, or -1 with
 * the reason in why.
 */
int evtime_fields(struct evtime *e, fields_t *fs, buf_t *why);

/*
 * The same for JSON record r, whose time field is the dotted path tf
 * (NULL when r has none of the names): "ts" is set in r.  Returns 0, or
 * -1 with the reason in why.
 */
int evtime_json(struct evtime *e, rec_t *r, const char *tf, buf_t *why);

void evtime_free(struct evtime *e);

#endif
