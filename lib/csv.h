/*
 * csv.h - RFC 4180 rows, fed one physical line at a time.
 *
 * A quoted field may hold newlines, so one row can span several input
 * lines: csv_feed() keeps the row open and asks for more until the quote
 * closes.  The state is incremental, so a long multi-line row is scanned
 * once.  The same rules serve comma- and tab-separated files.
 *
 * Rules beyond RFC 4180, chosen to match what spreadsheets and Miller
 * accept:
 *   - a CR at the end of a physical line is part of the line ending, also
 *     inside a quoted field (a quoted CRLF becomes "\n");
 *   - a UTF-8 byte order mark at the start of a file is dropped;
 *   - a '"' inside an unquoted field is an ordinary character;
 *   - anything but a separator or the end of the line after a closing
 *     quote is an error, as is a quote still open at the end of input.
 *
 * Ownership: a csv_t owns its buffers; field pointers stay valid until
 * the next csv_feed(), csv_reset() or csv_free().
 */
#ifndef TINGLE_CSV_H
#define TINGLE_CSV_H

#include <stddef.h>

#include "util.h"

typedef struct csv {
	char sep;             /* ',' or '\t' */
	int state;            /* scanner state inside the current field */
	int pending;          /* a row has begun and is not complete */
	int at_start;         /* next line is the first of a file */
	unsigned long first;  /* line number of the row's first line */
	unsigned long qfirst; /* line where the open quoted field began */
	unsigned long nlines; /* physical lines in the row so far */
	buf_t text;           /* the row's lines as read, joined by "\n" */
	buf_t vals;           /* field values, back to back */
	size_t *off;          /* field i is vals.p[off[i] .. off[i] + len[i]) */
	size_t *len;
	size_t nf, cap;
	size_t errcol;   /* 1-based column of an error in its line */
	const char *err; /* static description of the error */
} csv_t;

enum {
	CSV_ERR = -1,  /* the row is malformed: err, errcol, text say why */
	CSV_MORE = 0,  /* a quoted field is open: feed the next line */
	CSV_ROW = 1,   /* a complete row: csv_nfields(), csv_field() */
	CSV_BLANK = 2, /* an empty line outside any row: nothing to do */
};

/* Initialise c for separator sep; c starts at the beginning of a file. */
void csv_init(csv_t *c, char sep);

/* Forget any open row and start a new file (the BOM rule applies again). */
void csv_reset(csv_t *c);

void csv_free(csv_t *c);

/*
 * Feed physical line p[0..n) (without its newline), line number num.
 * Returns one of the CSV_ values.  After CSV_ERR the row is dropped and the
 * next line starts a new row.
 */
int csv_feed(csv_t *c, const char *p, size_t n, unsigned long num);

/*
 * The open row is abandoned (end of input, or grown too large): its text
 * stays readable in c->text until the next csv_feed().
 */
void csv_abandon(csv_t *c);

/*
 * The open row can never complete: its quoted field has run on too long,
 * or the input ended.  A quote opened by mistake takes in every line after
 * it, so the row is dropped and split where that field began.  Returns
 * the length of the row's own part of c->text: its lines up to and with
 * line c->qfirst.  When that is less than c->text.len, the text after
 * the following '\n' holds lines c->qfirst + 1 on, which the caller may
 * feed again as rows of their own; it stays readable until the next
 * csv_feed().
 */
size_t csv_runaway(csv_t *c);

/* Fields of the last complete row. */
size_t csv_nfields(const csv_t *c);
const char *csv_field(const csv_t *c, size_t i, size_t *len);

#endif
