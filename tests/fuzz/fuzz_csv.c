/*
 * fuzz_csv.c - differential fuzz test of the incremental CSV reader.
 *
 * The first byte of the input sets the separator (bit 0: ',' or TAB, so
 * ',' and TAB themselves pick their own) and, with bit 7 set, a row size
 * limit of ((bits 1-6) + 1) * 16 bytes past which the open row is
 * abandoned, as tingle-parse does past --max-line.  The rest is split into
 * physical lines at '\n' and fed to csv_feed() one by one.  A line holding
 * just "\f" starts a new file (csv_reset(), after abandoning an open row);
 * at the end an open row is abandoned.
 *
 * Every answer is checked against a reference reader written for clarity
 * rather than speed: it keeps the row's lines and parses all of them again
 * from the start after each line, by the rules in csv.h.  The answers,
 * field values, error columns, the row's text, first line number and
 * line count must agree.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "util.h"

/* The reference reader's view of the row being read. */
struct ref {
	char sep;
	int at_start;
	int pending;
	unsigned long first, nlines;
	buf_t raw;  /* the row's lines as given, joined by "\n" */
	buf_t text; /* the same without a CR ending a line */
	/* line k of the row starts at text offset start[k] and at column
	 * skip[k] + 1 of the line as given (skip: a dropped BOM) */
	size_t *start, *skip;
	size_t cap;
	/* the parse */
	buf_t vals;
	size_t *off, *len, nf, fcap;
	size_t errcol;
};

static const uint8_t *input;
static size_t input_len;

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_csv: %s\ninput (%zu bytes): ", what, input_len);
	fwrite(input, 1, input_len > 400 ? 400 : input_len, stderr);
	fputc('\n', stderr);
	abort();
}

/*
 * Parse ref->text from the start: CSV_ROW, CSV_MORE (a quote is still
 * open) or CSV_ERR with errcol set.
 */
static int
ref_parse(struct ref *r)
{
	const char *s = r->text.p, *e = s + r->text.len;
	const char *p = s;

	buf_reset(&r->vals);
	buf_grow(&r->vals, 0); /* vals.p is not NULL */
	r->nf = 0;
	for (;;) {
		if (r->nf == r->fcap) {
			r->fcap = r->fcap ? 2 * r->fcap : 64;
			r->off = xrealloc(r->off, r->fcap * sizeof *r->off);
			r->len = xrealloc(r->len, r->fcap * sizeof *r->len);
		}
		r->off[r->nf] = r->vals.len;
		if (p < e && *p == '"') {
			/* quoted: "" is a quote, a lone " closes */
			p++;
			for (;;) {
				if (p == e)
					return CSV_MORE;
				if (*p == '"') {
					if (p + 1 < e && p[1] == '"') {
						buf_addc(&r->vals, '"');
						p += 2;
						continue;
					}
					p++;
					break;
				}
				buf_addc(&r->vals, *p++);
			}
			r->len[r->nf] = r->vals.len - r->off[r->nf];
			r->nf++;
			if (p == e)
				return CSV_ROW;
			if (*p == r->sep) {
				p++;
				continue;
			}
			/* The column in the physical line holding p. */
			size_t pos = (size_t)(p - s), k = r->nlines;
			while (k > 0 && r->start[k - 1] > pos)
				k--;
			r->errcol = pos - r->start[k - 1] + r->skip[k - 1] + 1;
			return CSV_ERR;
		}
		/* unquoted: up to the separator; a '"' is a byte */
		while (p < e && *p != r->sep)
			buf_addc(&r->vals, *p++);
		r->len[r->nf] = r->vals.len - r->off[r->nf];
		r->nf++;
		if (p == e)
			return CSV_ROW;
		p++;
	}
}

/* Feed one line to the reference: the same answers as csv_feed(). */
static int
ref_feed(struct ref *r, const char *p, size_t n, unsigned long num)
{
	size_t skip = 0, body;

	if (r->at_start) {
		r->at_start = 0;
		if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
			skip = 3;
	}
	body = n - skip;
	if (body > 0 && p[n - 1] == '\r')
		body--;
	if (!r->pending) {
		if (body == 0)
			return CSV_BLANK;
		r->pending = 1;
		r->first = num;
		r->nlines = 0;
		buf_reset(&r->raw);
		buf_reset(&r->text);
	} else {
		buf_addc(&r->raw, '\n');
		buf_addc(&r->text, '\n');
	}
	if (r->nlines == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 16;
		r->start = xrealloc(r->start, r->cap * sizeof *r->start);
		r->skip = xrealloc(r->skip, r->cap * sizeof *r->skip);
	}
	r->start[r->nlines] = r->text.len;
	r->skip[r->nlines] = skip;
	r->nlines++;
	buf_add(&r->raw, p, n);
	buf_add(&r->text, p + skip, body);

	int rc = ref_parse(r);
	if (rc != CSV_MORE)
		r->pending = 0;
	return rc;
}

static void
compare(const csv_t *c, const struct ref *r, int rc, int want)
{
	if (rc != want) {
		fprintf(stderr, "csv_feed: %d, reference: %d\n", rc, want);
		fail("csv_feed answers differently");
	}
	if (rc == CSV_BLANK)
		return;
	if (c->text.len != r->raw.len ||
	    memcmp(c->text.p, r->raw.p, r->raw.len) != 0)
		fail("the row's text differs");
	if (c->first != r->first || c->nlines != r->nlines)
		fail("the row's first line or line count differs");
	if (rc == CSV_ERR) {
		if (c->errcol != r->errcol) {
			fprintf(stderr, "csv: column %zu, reference: %zu\n",
			        c->errcol, r->errcol);
			fail("error columns differ");
		}
		if (c->err == NULL)
			fail("an error without a description");
		return;
	}
	if (rc != CSV_ROW)
		return;
	if (csv_nfields(c) != r->nf) {
		fprintf(stderr, "csv: %zu fields, reference: %zu\n",
		        csv_nfields(c), r->nf);
		fail("field counts differ");
	}
	for (size_t i = 0; i < r->nf; i++) {
		size_t n;
		const char *v = csv_field(c, i, &n);

		if (n != r->len[i] || memcmp(v, r->vals.p + r->off[i], n) != 0)
			fail("a field differs");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ref r;
	csv_t c;
	size_t limit = SIZE_MAX, left;
	const char *p, *nl;
	unsigned long num = 0;

	if (size == 0)
		return 0;
	input = data;
	input_len = size;
	if (data[0] & 0x80)
		limit = ((size_t)(data[0] >> 1 & 0x3f) + 1) * 16;
	csv_init(&c, data[0] & 1 ? '\t' : ',');
	r.sep = c.sep;
	r.at_start = 1;
	r.pending = 0;

	p = (const char *)data + 1;
	left = size - 1;
	for (;;) {
		size_t n;

		nl = memchr(p, '\n', left);
		n = nl != NULL ? (size_t)(nl - p) : left;
		num++;
		if (n == 1 && *p == '\f') {
			/* A new file. */
			if (c.pending)
				csv_abandon(&c);
			csv_reset(&c);
			r.pending = 0;
			r.at_start = 1;
			num = 0;
		} else {
			int rc = csv_feed(&c, p, n, num);
			int want = ref_feed(&r, p, n, num);

			compare(&c, &r, rc, want);
			if (rc == CSV_MORE && c.text.len > limit) {
				csv_abandon(&c);
				r.pending = 0;
				if (c.text.len != r.raw.len ||
				    memcmp(c.text.p, r.raw.p, r.raw.len) != 0)
					fail("an abandoned row's text differs");
			}
		}
		if (nl == NULL)
			break;
		left -= n + 1;
		p = nl + 1;
	}
	if (c.pending) {
		csv_abandon(&c);
		if (c.pending || c.text.len != r.raw.len ||
		    memcmp(c.text.p, r.raw.p, r.raw.len) != 0)
			fail("the row left open at the end differs");
	}
	csv_free(&c);
	return 0;
}
