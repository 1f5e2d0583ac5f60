/*
 * lines.h - log lines as records: tingle-parse with a line format (-f
 * syslog, postfix, exim, ...), -e patterns, or both.
 *
 * Each line goes to the format's parser (lib/fmt_*.c); a line it does
 * not match goes to the -e patterns, first match wins.  A record the
 * format parsed gets the named groups of the first --msg-regex pattern
 * that matches its "msg".  The finish callback then sets its time and
 * types.
 *
 * A format with continuation lines (FMT_CONT: a TAB-indented syslog
 * line) makes each record wait, held, until the next line shows whether
 * it continues it; continuation lines are joined to the held record's
 * "msg" with newlines.  The caller writes the held record with
 * lines_flush() at the end of the input, or lines_pause() when the input
 * pauses.  A record made by -e alone is written at once.
 *
 * Results go to the callbacks of struct lines_ops.  The fields passed to
 * write() and the text passed to reject() stay valid until the callback
 * returns; reject() may call lines_flush().
 */
#ifndef TINGLE_LINES_H
#define TINGLE_LINES_H

#include <stddef.h>

#include "fields.h"
#include "pattern.h"
#include "util.h"

struct lines_ops {
	/* Set the time and types of a record: 0, or -1 with why set. */
	int (*finish)(void *arg, fields_t *fs, buf_t *why);
	void (*write)(void *arg, const fields_t *fs);
	/* Bad input: line num of file, text[0..n), and why. */
	void (*reject)(void *arg, const char *file, unsigned long num,
	               const char *text, size_t n, const char *why);
};

struct lines {
	const char *name;      /* the format's name, or NULL for -e alone */
	fmt_fn fn;             /* its parser, or NULL */
	struct pat_set *pats;  /* -e, borrowed */
	struct pat_set *mpats; /* --msg-regex, borrowed */
	size_t max_len;        /* longest continued record */
	fmt_ctx_t ctx;         /* for fn: the caller sets year and now_sec */
	const struct lines_ops *ops;
	void *arg;
	fields_t fa, fb;
	fields_t *cur;  /* the line being parsed */
	fields_t *held; /* the last record, until the next line */
	int have_held;
	int held_paused; /* the last record went out when the input paused */
	buf_t cont;      /* continuation lines for held's "msg" */
	buf_t why;
	buf_t tmp;
};

/* Set l up for format name with parser fn (both NULL for -e alone); the
 * pattern sets and ops are borrowed. */
void lines_init(struct lines *l, const char *name, fmt_fn fn,
                struct pat_set *pats, struct pat_set *mpats, size_t max_len,
                const struct lines_ops *ops, void *arg);

/*
 * Read line num of file: raw[0..rawn) as read, for diagnostics, and
 * p[0..n), the text to parse (NUL-terminated at p[n]).
 */
void lines_step(struct lines *l, const char *file, unsigned long num,
                const char *raw, size_t rawn, const char *p, size_t n);

/* Is a record held? */
int lines_held(const struct lines *l);

/* Write the held record, if any. */
void lines_flush(struct lines *l);

/* The input paused: write the held record, and take a continuation line
 * that comes after it as bad input. */
void lines_pause(struct lines *l);

void lines_free(struct lines *l);

#endif
