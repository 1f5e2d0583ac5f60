/*
 * csvin.c - CSV and TSV files as records, keyed by their header rows.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csvin.h"

static void csvin_feed(struct csvin *c, const char *p, size_t n,
                       unsigned long num);

/* Hand lines text[0..n), from line num on, to the caller as bad input:
 * why, or the message in c->msg when why is NULL. */
static void
reject(struct csvin *c, unsigned long num, const char *text, size_t n,
       const char *why)
{
	c->ops->reject(c->arg, c->file.p, num, text, n, why ? why : c->msg.p);
}

void
csvin_init(struct csvin *c, char sep, unsigned long max_field_lines,
           size_t max_len, const struct csvin_ops *ops, void *arg)
{
	memset(c, 0, sizeof *c);
	csv_init(&c->csv, sep);
	c->max_field_lines = max_field_lines;
	c->max_len = max_len;
	c->ops = ops;
	c->arg = arg;
}

static void
free_header(struct csvin *c)
{
	for (size_t i = 0; i < c->nhdr; i++)
		free(c->hdr[i]);
	free(c->hdr);
	free(c->hdrlen);
	c->hdr = NULL;
	c->hdrlen = NULL;
	c->nhdr = 0;
}

void
csvin_free(struct csvin *c)
{
	free_header(c);
	csv_free(&c->csv);
	fields_free(&c->fs);
	buf_free(&c->tmp);
	buf_free(&c->msg);
	buf_free(&c->file);
	buf_free(&c->again);
}

const char *
csvin_file(const struct csvin *c)
{
	return c->file.p;
}

unsigned long
csvin_rownum(const struct csvin *c)
{
	return c->csv.first;
}

/*
 * Is name used by a header field before column i, or by the raw name of
 * a field after it (which keeps that name)?
 */
static int
hdr_taken(const struct csvin *c, const char *name, size_t len, size_t i,
          size_t nf)
{
	size_t n;

	for (size_t j = 0; j < i; j++)
		if (c->hdrlen[j] == len && memcmp(c->hdr[j], name, len) == 0)
			return 1;
	for (size_t j = i + 1; j < nf; j++) {
		const char *v = csv_field(&c->csv, j, &n);
		if (n == len && memcmp(v, name, n) == 0)
			return 1;
	}
	return 0;
}

/* The row just read names the fields (csvin.h says how). */
static void
set_header(struct csvin *c)
{
	size_t nf = csv_nfields(&c->csv);
	buf_t *tmp = &c->tmp;

	free_header(c);
	c->hdr = xcalloc(nf, sizeof *c->hdr);
	c->hdrlen = xcalloc(nf, sizeof *c->hdrlen);
	for (size_t i = 0; i < nf; i++) {
		size_t len;
		const char *v = csv_field(&c->csv, i, &len);
		int dup = 0;

		buf_reset(tmp);
		if (len == 0)
			buf_printf(tmp, "_%zu", i + 1);
		else
			buf_add(tmp, v, len);
		for (size_t j = 0; j < i && !dup; j++)
			dup = c->hdrlen[j] == tmp->len &&
			      memcmp(c->hdr[j], tmp->p, tmp->len) == 0;
		if (dup) {
			size_t base = tmp->len;
			for (unsigned long k = 2;; k++) {
				tmp->len = base;
				buf_printf(tmp, "_%lu", k);
				if (!hdr_taken(c, tmp->p, tmp->len, i, nf))
					break;
			}
		}
		c->hdr[i] = xmalloc(tmp->len + 1);
		memcpy(c->hdr[i], tmp->p, tmp->len);
		c->hdr[i][tmp->len] = '\0';
		c->hdrlen[i] = tmp->len;
	}
	c->nhdr = nf;
	c->hdr_state = 1;
}

/* Does a field name look like it holds a time? */
static int
timelike(const char *name, size_t n)
{
	static const char *const words[] = {"date", "time", "stamp"};

	for (size_t w = 0; w < 3; w++)
		for (size_t i = 0; i + strlen(words[w]) <= n; i++)
			if (strncasecmp(name + i, words[w], strlen(words[w])) ==
			    0)
				return 1;
	return (n > 3 && memcmp(name + n - 3, "_at", 3) == 0) ||
	       (n > 2 && memcmp(name + n - 2, "At", 2) == 0);
}

int
csvin_has_column(const struct csvin *c, const char *name, buf_t *hint)
{
	size_t want = strlen(name), pick[3], np = 0;
	int best = -1;

	for (size_t i = 0; i < c->nhdr; i++)
		if (c->hdrlen[i] == want && memcmp(c->hdr[i], name, want) == 0)
			return 1;
	if (hint == NULL)
		return 0;
	for (size_t i = 0; i < c->nhdr; i++) {
		int d = util_name_distance(name, want, c->hdr[i], c->hdrlen[i]);
		if (d < 0)
			continue;
		d = 2 * d + !timelike(c->hdr[i], c->hdrlen[i]);
		if (best >= 0 && d > best)
			continue;
		if (d < best || best < 0)
			np = 0;
		best = d;
		if (np < 3)
			pick[np++] = i;
	}
	for (size_t k = 0; k < np; k++) {
		buf_adds(hint, k == 0        ? "; did you mean '"
		               : k + 1 == np ? " or '"
		                             : ", '");
		buf_add_shown(hint, c->hdr[pick[k]], c->hdrlen[pick[k]],
		              SIZE_MAX);
		buf_addc(hint, '\'');
		if (k + 1 == np)
			buf_addc(hint, '?');
	}
	return 0;
}

/*
 * The open row's quoted field ran away (why says how).  Only the row's
 * lines up to where that quote opened are rejected; the lines after it
 * are queued, before any still queued, to be read again as rows.
 */
static void
runaway_split(struct csvin *c, const char *why)
{
	csv_t *csv = &c->csv;
	unsigned long first = csv->first, q = csv->qfirst;
	size_t own = csv_runaway(csv);
	buf_t rest = BUF_INIT;
	unsigned long nrest = 0;

	if (own < csv->text.len) {
		buf_add(&rest, csv->text.p + own + 1, csv->text.len - own - 1);
		for (size_t i = 0; i < rest.len; i++)
			nrest += rest.p[i] == '\n';
		nrest++;
	}
	if (c->hdr_state == 0)
		c->hdr_state = -1; /* the header itself */
	if (nrest == 0)
		reject(c, first, csv->text.p, own, why);
	else {
		buf_reset(&c->msg);
		if (q == first)
			buf_printf(&c->msg, "%s; reading on from line %lu", why,
			           q + 1);
		else
			buf_printf(
			    &c->msg,
			    "%s (the quote opened at line %lu); reading on from line %lu",
			    why, q, q + 1);
		reject(c, first, csv->text.p, own, NULL);
	}
	if (nrest == 0)
		return;
	if (c->again_n > 0) {
		buf_addc(&rest, '\n');
		buf_add(&rest, c->again.p + c->again_pos,
		        c->again.len - c->again_pos);
	}
	buf_free(&c->again);
	c->again = rest;
	c->again_pos = 0;
	c->again_n += nrest;
	c->again_num = q + 1;
}

/* Read the queued lines; a runaway quote among them queues more. */
static void
drain(struct csvin *c)
{
	while (c->again_n > 0) {
		const char *p = c->again.p + c->again_pos;
		size_t n = c->again.len - c->again_pos;
		const char *nl = memchr(p, '\n', n);

		if (nl != NULL)
			n = (size_t)(nl - p);
		c->again_pos += n + 1;
		c->again_n--;
		csvin_feed(c, p, n, c->again_num++);
	}
	buf_reset(&c->again);
	c->again_pos = 0;
}

void
csvin_end(struct csvin *c)
{
	if (!c->csv.pending)
		return;
	if (c->stop != NULL && *c->stop) {
		csv_abandon(&c->csv);
		reject(c, c->csv.first, c->csv.text.p, c->csv.text.len,
		       "quoted field still open when stopped");
		return;
	}
	while (c->csv.pending) {
		runaway_split(c, "quoted field not closed at end of file");
		drain(c);
	}
}

static void
row(struct csvin *c)
{
	csv_t *csv = &c->csv;
	size_t nf = csv_nfields(csv);

	if (c->hdr_state == 0) {
		set_header(c);
		if (c->ops->header != NULL)
			c->ops->header(c->arg, c);
		return;
	}
	if (c->hdr_state < 0) {
		reject(c, csv->first, csv->text.p, csv->text.len,
		       "no usable header row");
		return;
	}
	if (nf != c->nhdr) {
		buf_reset(&c->msg);
		buf_printf(&c->msg, "row has %zu fields, header has %zu", nf,
		           c->nhdr);
		reject(c, csv->first, csv->text.p, csv->text.len, NULL);
		return;
	}
	fields_reset(&c->fs);
	for (size_t i = 0; i < nf; i++) {
		size_t len;
		const char *v = csv_field(csv, i, &len);
		fields_addk(&c->fs, c->hdr[i], c->hdrlen[i], v, len, FK_STR);
	}
	c->ops->row(c->arg, &c->fs, c->file.p, csv->first, csv->text.p,
	            csv->text.len);
}

/*
 * Feed line num of the current file.  p may point into the queue of
 * lines to read again: it is not used once csv_feed() has copied it.
 */
static void
csvin_feed(struct csvin *c, const char *p, size_t n, unsigned long num)
{
	csv_t *csv = &c->csv;
	switch (csv_feed(csv, p, n, num)) {
	case CSV_BLANK:
		break;
	case CSV_MORE:
		if (num - csv->qfirst + 1 >= c->max_field_lines) {
			char msg[128];
			snprintf(
			    msg, sizeof msg,
			    "quoted field not closed within %lu lines (--max-field-lines)",
			    c->max_field_lines);
			runaway_split(c, msg);
		} else if (csv->text.len > c->max_len) {
			runaway_split(c, "quoted field longer than --max-line");
		}
		break;
	case CSV_ERR:
		if (c->hdr_state == 0)
			c->hdr_state = -1;
		buf_reset(&c->msg);
		if (csv->nlines > 1)
			buf_printf(&c->msg, "%s at line %lu column %zu",
			           csv->err, num, csv->errcol);
		else
			buf_printf(&c->msg, "%s at column %zu", csv->err,
			           csv->errcol);
		reject(c, csv->first, csv->text.p, csv->text.len, NULL);
		break;
	case CSV_ROW:
		row(c);
		break;
	}
}

void
csvin_line(struct csvin *c, const char *file, unsigned long num, const char *p,
           size_t n)
{
	/* A new file: a row left open is truncated; a new header follows. */
	if (c->file.len == 0 || strcmp(c->file.p, file) != 0 ||
	    num <= c->lastnum) {
		csvin_end(c);
		csv_reset(&c->csv);
		free_header(c);
		c->hdr_state = 0;
		buf_reset(&c->file);
		buf_adds(&c->file, file);
	}
	c->lastnum = num;
	csvin_feed(c, p, n, num);
	drain(c);
}
