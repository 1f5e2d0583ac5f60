/*
 * csvin.h - CSV and TSV files as records: tingle-parse -f csv and -f tsv.
 *
 * lib/csv.c splits physical lines into rows; a csvin keys each row by
 * its file's header row and hands it on as fields.  It keeps the state
 * of one file at a time: a line of another file, or a line number that
 * does not grow, starts a new file and a new header.
 *
 * The header row names the fields.  An empty name becomes "_N" (N the
 * 1-based column); a name used by an earlier column becomes NAME_2,
 * NAME_3, ... (the first one that no column uses).  A NUL in a name is
 * kept.  A row whose field count differs from the header's is bad input.
 *
 * A quoted field that runs away (spans --max-field-lines lines, grows past
 * the longest row allowed, or is open at the end of the file) rejects
 * only the lines of its row up to where that quote opened; the lines
 * after it are read again as rows, so one stray quote does not take the
 * rest of the file with it.
 *
 * Results go to the callbacks of struct csvin_ops: row() for each row
 * under a header, reject() for each row (or run of lines) that is bad
 * input, and header() after each header row is read.  The fields passed
 * to row() and the text passed to reject() belong to the csvin and stay
 * valid until the callback returns.
 */
#ifndef TINGLE_CSVIN_H
#define TINGLE_CSVIN_H

#include <stddef.h>

#include "csv.h"
#include "fields.h"
#include "util.h"

struct csvin;

struct csvin_ops {
	/* A row as fields; file, num and text[0..n) are its location and
	 * lines, for a diagnostic. */
	void (*row)(void *arg, fields_t *fs, const char *file,
	            unsigned long num, const char *text, size_t n);
	/* Bad input: lines text[0..n) from line num of file, and why. */
	void (*reject)(void *arg, const char *file, unsigned long num,
	               const char *text, size_t n, const char *why);
	/* A header row was read (may be NULL). */
	void (*header)(void *arg, const struct csvin *c);
};

struct csvin {
	const struct csvin_ops *ops;
	void *arg;
	unsigned long max_field_lines; /* lines a quoted field may span */
	size_t max_len;                /* longest text of a row */
	/* When set and *stop is nonzero, the run is stopping (a signal). */
	const volatile int *stop;
	csv_t csv;
	char **hdr; /* names may hold NULs: see hdrlen */
	size_t *hdrlen;
	size_t nhdr;
	int hdr_state; /* 0 not read yet, 1 read, -1 unusable */
	buf_t file;    /* name of the file the state belongs to */
	unsigned long lastnum;
	fields_t fs;
	buf_t tmp;
	buf_t msg; /* a reason for reject() */
	/* Lines to read again, joined by '\n', after a quote that ran away
	 * took them in: again_n of them from again_pos on, the first
	 * numbered again_num. */
	buf_t again;
	size_t again_pos;
	unsigned long again_n, again_num;
};

/* Set c up for separator sep (',' or '\t'), with the callbacks ops
 * (borrowed) called with arg. */
void csvin_init(struct csvin *c, char sep, unsigned long max_field_lines,
                size_t max_len, const struct csvin_ops *ops, void *arg);

/* Feed line num of file (without its newline). */
void csvin_line(struct csvin *c, const char *file, unsigned long num,
                const char *p, size_t n);

/*
 * The input ended, or the run is stopping (*c->stop): a row still open
 * is reported as bad input, so that a rejects file still has its lines.
 */
void csvin_end(struct csvin *c);

/* The current file's name, and the line of the row being read. */
const char *csvin_file(const struct csvin *c);
unsigned long csvin_rownum(const struct csvin *c);

/*
 * Does the header have a column named name?  If not and hint is given,
 * append "; did you mean 'A'?" to it, naming the columns (up to three)
 * nearest name, a column that looks like a time first among equals;
 * nothing when none is near.
 */
int csvin_has_column(const struct csvin *c, const char *name, buf_t *hint);

void csvin_free(struct csvin *c);

#endif
