/*
 * jtable.c - lookup tables for joins (see jtable.h).
 *
 * Memory layout, chosen so a table of a million rows stays small and a
 * lookup touches few cache lines: each row is one block in the store
 * buffer holding a header, the key, the cells (field name id and value
 * length) and the values' JSON text, one after the other.  The hash table
 * holds a 32-bit piece of each key's hash and the offset of its row
 * block.  The file itself is not kept.
 */
#include "jtable.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"
#include "key.h"
#include "kmap.h"
#include "rio.h"

#define WARN_MAX 10

struct jcell {
	uint32_t name; /* index into names */
	uint32_t len;  /* of the value's JSON text */
};

/* A row block: this header, klen key bytes padded to 8, ncells cells,
 * then the values. */
struct jrow {
	uint32_t klen;
	uint32_t ncells;
	uint32_t line; /* for the duplicate-key warning */
	uint32_t pad;
};

struct jslot {
	uint32_t hash;
	uint32_t row; /* the row block's store offset / 8, plus 1; 0 empty */
};

#define ALIGN8(n) (((n) + 7) & ~(size_t)7)

struct jtable {
	const char *file;
	buf_t store; /* row blocks */

	struct jcell *cells; /* the row being built */
	size_t ncells, capcells;
	buf_t vals; /* and its values */

	struct jslot *slots;
	size_t nslots; /* a power of 2 */
	size_t nkeys, nrows;

	char **names; /* merged field names, prefix included */
	size_t nnames, capnames;
	struct kmap *namemap; /* merged name -> its index in names */

	const char *prefix;
	unsigned long nwarn;
};

/* ---- reporting --------------------------------------------------------- */

static void twarn(jtable_t *t, unsigned long line, int fatal_when_strict,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
twarn(jtable_t *t, unsigned long line, int fatal_when_strict, const char *fmt,
      ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (fatal_when_strict && rio_strict)
		util_die(EX_DATAERR, "%s:%lu: %s", t->file, line, msg);
	if (t->nwarn++ < WARN_MAX)
		util_warnmsg("%s:%lu: %s", t->file, line, msg);
}

/* ---- storage ------------------------------------------------------------- */

/* The id of merged field name (prefix + name[0..n)), added if new. */
static uint32_t
intern(jtable_t *t, const char *name, size_t n)
{
	size_t plen = strlen(t->prefix);
	char stack[256],
	    *full = plen + n < sizeof stack ? stack : xmalloc(plen + n + 1);
	uint32_t id;
	uint64_t h;
	long found;

	memcpy(full, t->prefix, plen);
	memcpy(full + plen, name, n);
	full[plen + n] = '\0';
	n += plen;
	if (t->namemap == NULL)
		t->namemap = kmap_new();
	h = util_hash_bytes(full, n);
	found = kmap_find(t->namemap, full, n, h);
	id = found >= 0 ? (uint32_t)found
	                : kmap_add(t->namemap, full, n, h, NULL);
	if (found < 0) {
		/* names are never deleted: the ids are 0, 1, 2, ... */
		if (t->nnames == t->capnames) {
			t->capnames = t->capnames ? t->capnames * 2 : 16;
			t->names =
			    xrealloc(t->names, t->capnames * sizeof *t->names);
		}
		t->names[t->nnames++] = xstrndup(full, n);
	}
	if (full != stack)
		free(full);
	return id;
}

/* Add a cell to the row being built. */
static void
add_cell(jtable_t *t, uint32_t name, const char *json, size_t len)
{
	if (t->ncells == t->capcells) {
		t->capcells = t->capcells ? t->capcells * 2 : 16;
		t->cells = xrealloc(t->cells, t->capcells * sizeof *t->cells);
	}
	if (len > UINT32_MAX)
		util_die(EX_SOFTWARE, "%s: a value is too large", t->file);
	t->cells[t->ncells].len = (uint32_t)len;
	t->cells[t->ncells].name = name;
	t->ncells++;
	buf_add(&t->vals, json, len);
}

static const struct jrow *
row_at(const jtable_t *t, uint32_t slotrow)
{
	return (const struct jrow *)(t->store.p + ((size_t)slotrow - 1) * 8);
}

static const char *
row_key(const struct jrow *r)
{
	return (const char *)(r + 1);
}

static const struct jcell *
row_cells(const struct jrow *r)
{
	return (const struct jcell *)((const char *)(r + 1) + ALIGN8(r->klen));
}

/* ---- the hash table --------------------------------------------------- */

static size_t
probe(const jtable_t *t, const char *k, size_t n, uint32_t h)
{
	size_t i = h & (t->nslots - 1);

	for (;; i = (i + 1) & (t->nslots - 1)) {
		const struct jslot *s = &t->slots[i];
		if (s->row == 0)
			return i;
		if (s->hash != h)
			continue;
		const struct jrow *r = row_at(t, s->row);
		if (r->klen == n && memcmp(row_key(r), k, n) == 0)
			return i;
	}
}

static void
grow_slots(jtable_t *t)
{
	struct jslot *old = t->slots;
	size_t nold = t->nslots;

	t->nslots = nold ? nold * 2 : 1024;
	t->slots = xcalloc(t->nslots, sizeof *t->slots);
	for (size_t i = 0; i < nold; i++) {
		if (old[i].row == 0)
			continue;
		size_t j = old[i].hash & (t->nslots - 1);
		while (t->slots[j].row != 0)
			j = (j + 1) & (t->nslots - 1);
		t->slots[j] = old[i];
	}
	free(old);
}

/*
 * Store the row being built (the cells added since the last row) under
 * key k[0..n), and start the next one.
 */
static void
add_row(jtable_t *t, const char *k, size_t n, unsigned long line)
{
	uint32_t h = (uint32_t)util_hash_bytes(k, n);
	size_t off = ALIGN8(t->store.len), cells, vals;
	struct jrow hdr;

	if (off / 8 + 1 >= UINT32_MAX)
		util_die(EX_SOFTWARE, "%s: table too large", t->file);
	if ((t->nkeys + 1) * 2 > t->nslots)
		grow_slots(t);
	hdr.klen = (uint32_t)n;
	hdr.ncells = (uint32_t)t->ncells;
	hdr.line = line > UINT32_MAX ? UINT32_MAX : (uint32_t)line;
	hdr.pad = 0;
	cells = off + sizeof hdr + ALIGN8(n);
	vals = cells + t->ncells * sizeof *t->cells;
	buf_grow(&t->store, vals + t->vals.len - t->store.len);
	memset(t->store.p + t->store.len, 0, vals - t->store.len);
	memcpy(t->store.p + off, &hdr, sizeof hdr);
	memcpy(t->store.p + off + sizeof hdr, k, n);
	if (t->ncells)
		memcpy(t->store.p + cells, t->cells,
		       t->ncells * sizeof *t->cells);
	t->store.len = vals;
	buf_add(&t->store, t->vals.p, t->vals.len);
	t->ncells = 0;
	buf_reset(&t->vals);
	t->nrows++;

	size_t i = probe(t, k, n, h);
	if (t->slots[i].row != 0) {
		const struct jrow *old = row_at(t, t->slots[i].row);
		buf_t shown = BUF_INIT;
		jw_str(&shown, k, n > 60 ? utf8_valid_prefix(k, 60) : n);
		twarn(t, line, 0,
		      "duplicate key %s (first on line %lu); the last row wins",
		      shown.p, (unsigned long)old->line);
		buf_free(&shown);
	} else {
		t->nkeys++;
	}
	t->slots[i].row = (uint32_t)(off / 8 + 1);
	t->slots[i].hash = h;
}

/* ---- keys -----------------------------------------------------------------
 */

int
jtable_key(const char *v, size_t vlen, char type, buf_t *scratch,
           const char **k, size_t *n)
{
	switch (type) {
	case JT_STR:
		if (memchr(v + 1, '\\', vlen - 2) == NULL) {
			*k = v + 1;
			*n = vlen - 2;
			return 0;
		}
		buf_reset(scratch);
		jstr_decode(v, vlen, scratch);
		break;
	case JT_NUM:
		/* By exact value, in the decimal text a table would hold. */
		buf_reset(scratch);
		key_decimal(scratch, v, vlen);
		break;
	case JT_TRUE:
		*k = "true";
		*n = 4;
		return 0;
	case JT_FALSE:
		*k = "false";
		*n = 5;
		return 0;
	default:
		return -1;
	}
	*k = scratch->p;
	*n = scratch->len;
	return 0;
}

/* ---- reading ---------------------------------------------------------- */

/*
 * The table file, read in chunks so that only the rows' blocks stay in
 * memory.  buf[start..end) holds what is read and not yet used.
 */
struct src {
	const char *file;
	int fd;
	char *buf;
	size_t start, end, cap;
	int eof;
};

#define CHUNK (1u << 20)

static void
src_open(struct src *sr, const char *file)
{
	struct stat st;

	memset(sr, 0, sizeof *sr);
	sr->file = file;
	sr->fd = open(file, O_RDONLY);
	if (sr->fd < 0)
		util_die(EX_NOINPUT, "cannot open '%s': %s", file,
		         strerror(errno));
	if (fstat(sr->fd, &st) == 0 && S_ISDIR(st.st_mode))
		util_die(EX_NOINPUT, "cannot read '%s': %s", file,
		         strerror(EISDIR));
	sr->cap = CHUNK;
	sr->buf = xmalloc(sr->cap + 1);
}

/* Read more, keeping buf[start..end).  Returns 0 at the end of the file. */
static int
src_fill(struct src *sr)
{
	ssize_t r;

	if (sr->eof)
		return 0;
	if (sr->start > 0) {
		memmove(sr->buf, sr->buf + sr->start, sr->end - sr->start);
		sr->end -= sr->start;
		sr->start = 0;
	}
	if (sr->end == sr->cap) {
		sr->cap *= 2;
		sr->buf = xrealloc(sr->buf, sr->cap + 1);
	}
	do
		r = read(sr->fd, sr->buf + sr->end, sr->cap - sr->end);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		util_die(EX_IOERR, "read error on '%s': %s", sr->file,
		         strerror(errno));
	if (r == 0)
		sr->eof = 1;
	sr->end += (size_t)r;
	sr->buf[sr->end] = '\0';
	return r > 0;
}

/*
 * The next physical line from sr, without its newline.  Returns 0 at the
 * end of the file.  The line stays valid until the next call.
 */
static int
src_line(struct src *sr, char **p, size_t *n)
{
	char *nl;

	for (;;) {
		nl = memchr(sr->buf + sr->start, '\n', sr->end - sr->start);
		if (nl != NULL || !src_fill(sr))
			break;
	}
	if (nl == NULL && sr->start == sr->end)
		return 0;
	*p = sr->buf + sr->start;
	*n = nl ? (size_t)(nl - *p) : sr->end - sr->start;
	sr->start += nl ? *n + 1 : *n;
	return 1;
}

static void
src_close(struct src *sr)
{
	close(sr->fd);
	free(sr->buf);
}

static int
blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return 0;
	return 1;
}

/* Does member f's (possibly escaped) key equal name? */
static int
key_named(const jfield_t *f, const char *name, size_t n, buf_t *scratch)
{
	if (!f->kesc)
		return f->klen == n && memcmp(f->k, name, n) == 0;
	buf_reset(scratch);
	buf_addc(scratch, '"');
	buf_add(scratch, f->k, f->klen);
	buf_addc(scratch, '"');
	buf_t d = BUF_INIT;
	jstr_decode(scratch->p, scratch->len, &d);
	int eq = d.len == n && memcmp(d.p, name, n) == 0;
	buf_free(&d);
	return eq;
}

static const char *
kind_name(char type)
{
	switch (type) {
	case JT_NULL:
		return "null";
	case JT_OBJ:
		return "an object";
	case JT_ARR:
		return "a list";
	default:
		return "not a usable key";
	}
}

/*
 * The one NDJSON row loop: hands every line that is not blank to row as
 * a record, with its line number; warns about and skips invalid JSON.
 */
static void
ndjson_rows(jtable_t *t, struct src *sr,
            void (*row)(jtable_t *t, const rec_t *r, unsigned long line,
                        void *arg),
            void *arg)
{
	rec_t r;
	unsigned long line = 0;
	char *p;
	size_t n, errcol;
	const char *errmsg;

	memset(&r, 0, sizeof r);
	while (src_line(sr, &p, &n)) {
		line++;
		if (blank(p, n))
			continue;
		if (rec_scan(&r, p, n, &errcol, &errmsg) < 0) {
			twarn(t, line, 1, "%s at column %zu; row skipped",
			      errmsg, errcol);
			continue;
		}
		row(t, &r, line, arg);
	}
	rec_free(&r);
}

/* load_ndjson's state: the key, and buffers reused from row to row. */
struct load_ndjson {
	const char *key;
	size_t klen;
	buf_t scratch, kbuf;
};

static void
load_nrow(jtable_t *t, const rec_t *r, unsigned long line, void *arg)
{
	struct load_ndjson *st = arg;
	const char *key = st->key, *k;
	size_t klen = st->klen, kn;
	jfield_t f;

	if (!rec_path(r, key, klen, &f)) {
		twarn(t, line, 1, "no '%s' field; row skipped", key);
		return;
	}
	if (jtable_key(f.v, f.vlen, f.type, &st->kbuf, &k, &kn) < 0) {
		twarn(t, line, 1, "'%s' is %s; row skipped", key,
		      kind_name(f.type));
		return;
	}
	for (size_t i = 0; i < r->obj.n; i++) {
		const jfield_t *m = &r->obj.f[i];
		if (key_named(m, key, klen, &st->scratch))
			continue;
		uint32_t id;
		if (m->kesc) {
			buf_reset(&st->scratch);
			buf_addc(&st->scratch, '"');
			buf_add(&st->scratch, m->k, m->klen);
			buf_addc(&st->scratch, '"');
			buf_t d = BUF_INIT;
			jstr_decode(st->scratch.p, st->scratch.len, &d);
			if (memchr(d.p, '\0', d.len) != NULL) {
				/* Field names are C strings from here on. */
				twarn(
				    t, line, 0,
				    "a field name holds \\u0000; field not merged");
				buf_free(&d);
				continue;
			}
			id = intern(t, d.p ? d.p : "", d.len);
			buf_free(&d);
		} else {
			id = intern(t, m->k, m->klen);
		}
		add_cell(t, id, m->v, m->vlen);
	}
	add_row(t, k, kn, line);
}

static void
load_ndjson(jtable_t *t, struct src *sr, const char *key)
{
	struct load_ndjson st = {.key = key, .klen = strlen(key)};

	ndjson_rows(t, sr, load_nrow, &st);
	buf_free(&st.scratch);
	buf_free(&st.kbuf);
}

/*
 * The one CSV row loop: hands the first record to head (with the number
 * of its last line) and every later record with as many fields to row;
 * warns about and skips the others.  Returns 0 when there was no header.
 */
static int
csv_rows(jtable_t *t, struct src *sr, char sep,
         void (*head)(jtable_t *t, const csv_t *c, unsigned long line,
                      void *arg),
         void (*row)(jtable_t *t, const csv_t *c, void *arg), void *arg)
{
	csv_t c;
	unsigned long line = 0;
	size_t ncols = 0;
	int have_head = 0;
	char *p;
	size_t n;

	csv_init(&c, sep);
	while (src_line(sr, &p, &n)) {
		switch (csv_feed(&c, p, n, ++line)) {
		case CSV_MORE:
		case CSV_BLANK:
			continue;
		case CSV_ERR:
			twarn(t, line, 1, "%s at column %zu; row skipped",
			      c.err, c.errcol);
			continue;
		default:
			break;
		}
		size_t nf = csv_nfields(&c);
		if (!have_head) {
			have_head = 1;
			ncols = nf;
			head(t, &c, line, arg);
			continue;
		}
		if (nf != ncols) {
			twarn(t, c.first, 1,
			      "%zu fields, the header has %zu; row skipped", nf,
			      ncols);
			continue;
		}
		row(t, &c, arg);
	}
	if (c.pending) {
		csv_abandon(&c);
		twarn(t, c.first, 1, "unterminated quoted field; row skipped");
	}
	csv_free(&c);
	return have_head;
}

/* The id of a column that is not merged. */
#define NO_NAME UINT32_MAX

/* load_csv's state: the key column, and the merged columns' name ids. */
struct load_csv {
	const char *key;
	size_t klen, keycol, ncols;
	uint32_t *ids;
	buf_t json;
};

static void
load_head(jtable_t *t, const csv_t *c, unsigned long line, void *arg)
{
	struct load_csv *st = arg;
	const char *f;
	size_t len;

	st->ncols = csv_nfields(c);
	st->ids = xcalloc(st->ncols, sizeof *st->ids);
	for (size_t i = 0; i < st->ncols; i++) {
		f = csv_field(c, i, &len);
		if (st->keycol == SIZE_MAX && len == st->klen &&
		    !memcmp(f, st->key, len)) {
			st->keycol = i;
		} else if (memchr(f, '\0', len) != NULL) {
			/* Merged names are C strings. */
			twarn(
			    t, line, 0,
			    "column %zu's name holds a NUL byte; column not merged",
			    i + 1);
			st->ids[i] = NO_NAME;
		} else {
			st->ids[i] = intern(t, f, len);
		}
	}
	if (st->keycol == SIZE_MAX)
		util_die(EX_USAGE, "%s: no column '%s' in the header", t->file,
		         st->key);
}

static void
load_row(jtable_t *t, const csv_t *c, void *arg)
{
	struct load_csv *st = arg;
	const char *f, *k;
	size_t len, kn;

	k = csv_field(c, st->keycol, &kn);
	if (kn == 0) {
		twarn(t, c->first, 1, "empty key; row skipped");
		return;
	}
	for (size_t i = 0; i < st->ncols; i++) {
		if (i == st->keycol || st->ids[i] == NO_NAME)
			continue;
		f = csv_field(c, i, &len);
		buf_reset(&st->json);
		jw_str(&st->json, f, len);
		add_cell(t, st->ids[i], st->json.p, st->json.len);
	}
	add_row(t, k, kn, c->first);
}

static void
load_csv(jtable_t *t, struct src *sr, const char *key, char sep)
{
	struct load_csv st = {
	    .key = key, .klen = strlen(key), .keycol = SIZE_MAX};

	if (!csv_rows(t, sr, sep, load_head, load_row, &st))
		util_die(EX_USAGE, "%s: no header row", t->file);
	free(st.ids);
	buf_free(&st.json);
}

int
jtable_format(const char *name)
{
	if (!strcmp(name, "ndjson") || !strcmp(name, "jsonl") ||
	    !strcmp(name, "json"))
		return JTABLE_NDJSON;
	if (!strcmp(name, "csv"))
		return JTABLE_CSV;
	if (!strcmp(name, "tsv"))
		return JTABLE_TSV;
	return -1;
}

static int
format_of(const char *file)
{
	const char *dot = strrchr(file, '.');
	const char *slash = strrchr(file, '/');

	if (dot == NULL || (slash != NULL && dot < slash))
		return -1;
	return jtable_format(dot + 1);
}

jtable_t *
jtable_load(const char *file, int format, const char *key, const char *prefix)
{
	jtable_t *t;
	struct src sr;

	rd_check_file(file);
	if (format == JTABLE_AUTO && (format = format_of(file)) < 0)
		util_die(
		    EX_USAGE,
		    "cannot tell the format of '%s' from its name; use --join-format",
		    file);
	t = xcalloc(1, sizeof *t);
	t->file = file;
	t->prefix = prefix ? prefix : "";
	src_open(&sr, file);
	if (format == JTABLE_NDJSON)
		load_ndjson(t, &sr, key);
	else
		load_csv(t, &sr, key, format == JTABLE_TSV ? '\t' : ',');
	src_close(&sr);
	/* Give back what the store grew beyond its use. */
	t->store.p = xrealloc(t->store.p, t->store.len + 1);
	t->store.cap = t->store.len + 1;
	if (t->nwarn > WARN_MAX)
		util_warnmsg("%s: %lu more warnings", file,
		             t->nwarn - WARN_MAX);
	return t;
}

/* ---- reading a table row by row ------------------------------------------ */

/* The format of file: by its name, else by its first byte that is not
 * space ('{' is NDJSON, anything else CSV); -1 for an empty file. */
static int
sniff_format(const char *file, struct src *sr)
{
	int f = format_of(file);

	if (f >= 0)
		return f;
	for (;;) {
		while (sr->start < sr->end &&
		       strchr(" \t\r\n", sr->buf[sr->start]) != NULL &&
		       sr->buf[sr->start] != '\0')
			sr->start++;
		if (sr->start < sr->end)
			return sr->buf[sr->start] == '{' ? JTABLE_NDJSON
			                                 : JTABLE_CSV;
		if (!src_fill(sr))
			return -1;
	}
}

/* What jtable_each calls for each row. */
struct each_fn {
	void (*fn)(const rec_t *r, void *arg);
	void *arg;
};

static void
each_nrow(jtable_t *t, const rec_t *r, unsigned long line, void *arg)
{
	const struct each_fn *e = arg;

	(void)t;
	(void)line;
	e->fn(r, e->arg);
}

static void
each_ndjson(jtable_t *t, struct src *sr, void (*fn)(const rec_t *r, void *arg),
            void *arg)
{
	struct each_fn e = {fn, arg};

	ndjson_rows(t, sr, each_nrow, &e);
}

/* each_csv's state: the header's names as JSON strings, each ended by a
 * NUL, and the record a row becomes. */
struct each_csv {
	const char *const *need;
	size_t nneed, ncols;
	buf_t head, json;
	rec_t r;
	void (*fn)(const rec_t *r, void *arg);
	void *arg;
};

static void
each_head(jtable_t *t, const csv_t *c, unsigned long line, void *arg)
{
	struct each_csv *st = arg;
	const char *f;
	size_t len;

	(void)line;
	st->ncols = csv_nfields(c);
	for (size_t i = 0; i < st->ncols; i++) {
		f = csv_field(c, i, &len);
		jw_str(&st->head, f, len);
		buf_addc(&st->head, '\0');
	}
	for (size_t k = 0; k < st->nneed; k++) {
		size_t i = 0;
		for (; i < st->ncols; i++) {
			f = csv_field(c, i, &len);
			if (len == strlen(st->need[k]) &&
			    memcmp(f, st->need[k], len) == 0)
				break;
		}
		if (i == st->ncols)
			util_die(EX_USAGE, "%s: no column '%s' in the header",
			         t->file, st->need[k]);
	}
}

static void
each_row(jtable_t *t, const csv_t *c, void *arg)
{
	struct each_csv *st = arg;
	const char *name = st->head.p, *f, *errmsg;
	size_t len, errcol;

	buf_reset(&st->json);
	buf_addc(&st->json, '{');
	for (size_t i = 0; i < st->ncols; i++) {
		if (i > 0)
			buf_addc(&st->json, ',');
		buf_adds(&st->json, name);
		buf_addc(&st->json, ':');
		name += strlen(name) + 1;
		f = csv_field(c, i, &len);
		jw_str(&st->json, f, len);
	}
	buf_addc(&st->json, '}');
	if (rec_scan(&st->r, st->json.p, st->json.len, &errcol, &errmsg) < 0)
		util_die(EX_SOFTWARE, "%s:%lu: row made invalid JSON", t->file,
		         c->first);
	st->fn(&st->r, st->arg);
}

static void
each_csv(jtable_t *t, struct src *sr, const char *const *need, size_t nneed,
         char sep, void (*fn)(const rec_t *r, void *arg), void *arg)
{
	struct each_csv st = {
	    .need = need, .nneed = nneed, .fn = fn, .arg = arg};

	(void)csv_rows(t, sr, sep, each_head, each_row, &st);
	rec_free(&st.r);
	buf_free(&st.head);
	buf_free(&st.json);
}

void
jtable_each(const char *file, int format, const char *const *need, size_t nneed,
            void (*fn)(const rec_t *r, void *arg), void *arg)
{
	jtable_t t;
	struct src sr;

	rd_check_file(file);
	memset(&t, 0, sizeof t);
	t.file = file;
	src_open(&sr, file);
	if (format == JTABLE_AUTO)
		format = sniff_format(file, &sr);
	if (format == JTABLE_NDJSON)
		each_ndjson(&t, &sr, fn, arg);
	else if (format >= 0)
		each_csv(&t, &sr, need, nneed,
		         format == JTABLE_TSV ? '\t' : ',', fn, arg);
	src_close(&sr);
	if (t.nwarn > WARN_MAX)
		util_warnmsg("%s: %lu more warnings", file, t.nwarn - WARN_MAX);
}

size_t
jtable_size(const jtable_t *t)
{
	return t->nkeys;
}

int
jtable_merge(const jtable_t *t, const char *k, size_t n, rec_t *r)
{
	uint32_t h;
	size_t i;

	if (t->nslots == 0)
		return 0;
	h = (uint32_t)util_hash_bytes(k, n);
	i = probe(t, k, n, h);
	if (t->slots[i].row == 0)
		return 0;
	const struct jrow *row = row_at(t, t->slots[i].row);
	const struct jcell *cell = row_cells(row);
	const char *v = (const char *)(cell + row->ncells);
	for (uint32_t c = 0; c < row->ncells; c++, cell++) {
		rec_set(r, t->names[cell->name], v, cell->len);
		v += cell->len;
	}
	return 1;
}

void
jtable_free(jtable_t *t)
{
	if (t == NULL)
		return;
	buf_free(&t->store);
	free(t->cells);
	buf_free(&t->vals);
	free(t->slots);
	for (size_t i = 0; i < t->nnames; i++)
		free(t->names[i]);
	free(t->names);
	kmap_free(t->namemap);
	free(t);
}
