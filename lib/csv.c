/*
 * csv.c - RFC 4180 rows, fed one physical line at a time.
 */
#include "csv.h"

#include <stdlib.h>
#include <string.h>

/* Where the scanner is inside the current field. */
enum {
	CS_START,  /* at the start of a field */
	CS_PLAIN,  /* inside an unquoted field */
	CS_QUOTED, /* inside a quoted field */
	CS_QSEEN,  /* just after a '"' inside a quoted field */
};

void
csv_init(csv_t *c, char sep)
{
	memset(c, 0, sizeof *c);
	c->sep = sep;
	c->at_start = 1;
}

static void
row_begin(csv_t *c, unsigned long num)
{
	c->pending = 1;
	c->state = CS_START;
	c->first = num;
	c->nlines = 0;
	c->nf = 0;
	buf_reset(&c->text);
	buf_reset(&c->vals);
	buf_grow(&c->vals, 0); /* vals.p is never NULL inside a row */
}

void
csv_reset(csv_t *c)
{
	c->pending = 0;
	c->at_start = 1;
	c->nf = 0;
}

void
csv_free(csv_t *c)
{
	buf_free(&c->text);
	buf_free(&c->vals);
	free(c->off);
	free(c->len);
	memset(c, 0, sizeof *c);
}

void
csv_abandon(csv_t *c)
{
	c->pending = 0;
	c->nf = 0;
}

size_t
csv_runaway(csv_t *c)
{
	const char *p = c->text.p, *e = c->text.p + c->text.len, *nl;
	unsigned long own = c->qfirst - c->first + 1; /* the row's lines */

	c->pending = 0;
	c->nf = 0;
	if (c->text.len == 0)
		return 0;
	/* Lines are joined by '\n': the row's part ends at the own-th. */
	while ((nl = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		if (--own == 0)
			return (size_t)(nl - c->text.p);
		p = nl + 1;
	}
	return c->text.len;
}

/* Open a new field at the current end of vals. */
static void
field_open(csv_t *c)
{
	if (c->nf == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 32;
		c->off = xrealloc(c->off, c->cap * sizeof *c->off);
		c->len = xrealloc(c->len, c->cap * sizeof *c->len);
	}
	c->off[c->nf] = c->vals.len;
	c->len[c->nf] = 0;
	c->nf++;
}

static void
field_close(csv_t *c)
{
	c->len[c->nf - 1] = c->vals.len - c->off[c->nf - 1];
}

static int
fail(csv_t *c, const char *err, size_t col)
{
	c->err = err;
	c->errcol = col;
	c->pending = 0;
	return CSV_ERR;
}

int
csv_feed(csv_t *c, const char *p, size_t n, unsigned long num)
{
	size_t i = 0, run;

	if (c->at_start) {
		c->at_start = 0;
		if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
			i = 3;
	}
	if (!c->pending) {
		if (n - i == 0 || (n - i == 1 && p[i] == '\r'))
			return CSV_BLANK;
		row_begin(c, num);
		field_open(c);
	} else {
		buf_addc(&c->text, '\n');
	}
	buf_add(&c->text, p, n);
	c->nlines++;
	if (n > i && p[n - 1] == '\r')
		n--;

	while (i < n) {
		char ch = p[i];

		switch (c->state) {
		case CS_START:
			if (ch == '"') {
				c->state = CS_QUOTED;
				c->qfirst = num;
				i++;
				continue;
			}
			c->state = CS_PLAIN;
			/* fall through */
		case CS_PLAIN:
			/* Copy the run up to the next separator at once. */
			run = i;
			while (run < n && p[run] != c->sep)
				run++;
			buf_add(&c->vals, p + i, run - i);
			i = run;
			if (i < n) {
				field_close(c);
				field_open(c);
				c->state = CS_START;
				i++;
			}
			continue;
		case CS_QUOTED:
			run = i;
			while (run < n && p[run] != '"')
				run++;
			buf_add(&c->vals, p + i, run - i);
			i = run;
			if (i < n) {
				c->state = CS_QSEEN;
				i++;
			}
			continue;
		case CS_QSEEN:
			if (ch == '"') {
				buf_addc(&c->vals, '"');
				c->state = CS_QUOTED;
			} else if (ch == c->sep) {
				field_close(c);
				field_open(c);
				c->state = CS_START;
			} else {
				return fail(
				    c,
				    "unexpected character after closing quote",
				    i + 1);
			}
			i++;
			continue;
		}
	}
	if (c->state == CS_QUOTED) {
		buf_addc(&c->vals, '\n');
		return CSV_MORE;
	}
	field_close(c);
	c->pending = 0;
	return CSV_ROW;
}

size_t
csv_nfields(const csv_t *c)
{
	return c->nf;
}

const char *
csv_field(const csv_t *c, size_t i, size_t *len)
{
	*len = c->len[i];
	return c->vals.p + c->off[i];
}
