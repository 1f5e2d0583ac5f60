/*
 * cmp.h - what tingle-compare's two engines share: the window of a count
 * record, its observed value, its group key.
 *
 * Both engines (history.h: a group's own history; against.h: another
 * count stream joined on the window and key) read count records of
 * tingle-count.  This module reads what such a record says: its window
 * (with what a change of UTC offset does to its length), the number in
 * its value field, and its group key in the encoding of baseline.h.
 *
 * Ownership: a struct cmp_conf and its name lists belong to the caller
 * and must outlive the engines given it; the functions here borrow the
 * records they read and append to buffers the caller owns.
 */
#ifndef TINGLE_CMP_H
#define TINGLE_CMP_H

#include <stddef.h>
#include <stdint.h>

#include "baseline.h"
#include "json.h"
#include "rio.h"
#include "util.h"

/* A list of field names (--key, --on). */
struct cmp_names {
	char **v;
	size_t n;
};

/* Append the name s[0..n) (copied) to l. */
void cmp_names_add(struct cmp_names *l, const char *s, size_t n);

/* Free the names of l and empty it. */
void cmp_names_free(struct cmp_names *l);

/* What the engines take from the command line. */
struct cmp_conf {
	struct cmp_names keys;     /* --key: the group key, or none */
	struct cmp_names on;       /* --on: the join key, or none */
	const char *value_field;   /* --value: the observed value */
	const char *against_value; /* --against-value, or NULL */
	size_t max_groups;         /* --max-groups (SIZE_MAX: no limit) */
};

/*
 * A window: its start and end in milliseconds, and what its length is
 * judged by.  tingle-count's windows follow the wall clock of its --tz
 * zone, so a window that holds a change of UTC offset lasts longer or
 * shorter than its width: on the night clocks go back, the 6 h window
 * from 00:00-05:00 to 06:00-06:00 lasts 7 hours.  Its length on the
 * clock, the difference of the civil times written (taking their
 * offsets into account), is still 6 h.  Where a change leaves the
 * window's run of clock times, count also cuts a window at the change
 * (2 h windows when 02:00 is skipped: 00:00-06:00 to 03:00-05:00, then
 * 03:00-05:00 to 04:00-05:00), and such a window is shorter.
 */
struct cmp_win {
	int64_t start, end;
	int64_t wall; /* length on the clock */
	int64_t jump; /* largest change of offset in it or on its edges */
};

/* The last window read, by the raw text of its times: all groups of a
 * window share it, and working it out takes several zone lookups.  Zero
 * it before use. */
struct cmp_wcache {
	char raw[2][64];
	size_t len[2];
	struct cmp_win w;
};

/*
 * The window of record r into w, through cache c.  Returns 0, or -1
 * after reporting line l as bad input (a missing or unreadable
 * window_start or window_end, or an end not after the start).  l may be
 * NULL for a record already checked once.
 */
int cmp_window(const rec_t *r, const line_t *l, struct cmp_wcache *c,
               struct cmp_win *w);

/*
 * Whether window w is one of width len (0: not known yet, any is).  It
 * must last len on the clock, unless its start and end have different
 * offsets or one of them is a change of the --tz zone's offset.  Then
 * the shorter of its elapsed and clock lengths must be at most len, and
 * the longer at most len and the change: that takes in the windows that
 * hold a change and those that count cuts at one.  Failing that, it must
 * be a window that tingle-count writes for some hop next to a change.
 */
int cmp_win_fits(const struct cmp_win *w, int64_t len);

/* Whether w tells its width: no change of offset in it or on its edges. */
int cmp_win_regular(const struct cmp_win *w);

/* Describe the length of w for a message, in out; returns out. */
const char *cmp_win_text(const struct cmp_win *w, char *out, size_t outlen);

enum { CMP_NUM, CMP_NULL, CMP_BAD };

/* The number in field name of r: CMP_NUM with *v, CMP_NULL, or CMP_BAD
 * when the field is missing or not a number a double holds. */
int cmp_value(const rec_t *r, const char *name, double *v);

/* Whether the name of member f (its raw JSON text) is the C string s. */
int cmp_name_is(const jfield_t *f, const char *s);

/*
 * A field that is part of the group key when --key is not given: any
 * but the window, the aggregates of tingle-count and the fields compare
 * adds (key_window_field), and the value fields named in cf.
 */
int cmp_is_key_field(const struct cmp_conf *cf, const jfield_t *f);

/* Append one key field, name[0..nlen) with the value of f (NULL: absent),
 * to the key b, in the encoding of baseline.h. */
void cmp_key_add(buf_t *b, const char *name, size_t nlen, const jfield_t *f);

/*
 * The group key of record r into b: the fields named in l in the order
 * given (an absent one has an empty value), or with l empty, every key
 * field of the record in its order.
 */
void cmp_make_key(const struct cmp_conf *cf, const rec_t *r,
                  const struct cmp_names *l, buf_t *b);

/* The key field names of record r as a JSON array text (for state
 * files); the caller frees it. */
char *cmp_key_names_json(const struct cmp_conf *cf, const rec_t *r);

/*
 * What an engine hands on for every compared record: the record (its
 * fields may be read and set; it is borrowed for the call), its window,
 * the kind of its observed value (CMP_NUM or CMP_NULL) and the value,
 * and the expectation found.
 */
typedef void (*cmp_emit_fn)(void *ctx, rec_t *r, const struct cmp_win *w,
                            int vt, double v, const struct bl_result *res);

#endif
