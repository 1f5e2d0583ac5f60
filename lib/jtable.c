/*
 * jtable.c - lookup tables for joins (see jtable.h).
 *
 * Memory layout, chosen so a table of a million rows stays small: the
 * file's bytes are kept for an NDJSON table (its values are used in
 * place); CSV cells are turned into JSON strings in one store buffer.
 * Both are addressed by one 64-bit offset space: offsets below `base`
 * point into the file's bytes, the others into the store.  A row is a key
 * and a run of cells (field name id, value offset and length); the hash
 * table holds row numbers and a 32-bit piece of each key's hash.
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

#include "rio.h"

#define WARN_MAX 10

struct jcell {
	uint64_t off; /* value's JSON text */
	uint32_t len;
	uint32_t name; /* index into names */
};

struct jrow {
	uint64_t key;  /* key text */
	uint64_t cell; /* first cell */
	uint32_t klen;
	uint32_t ncells;
	uint32_t line; /* for the duplicate-key warning */
};

struct jslot {
	uint32_t row; /* row number + 1; 0 is empty */
	uint32_t hash;
};

struct jtable {
	const char *file;
	char *data;    /* the file (NDJSON), or NULL */
	uint64_t base; /* offsets from here on are in store */
	buf_t store;

	struct jrow *rows;
	size_t nrows, caprows;
	struct jcell *cells;
	size_t ncells, capcells;
	struct jslot *slots;
	size_t nslots; /* a power of 2 */
	size_t nkeys;

	char **names; /* merged field names, prefix included */
	size_t nnames, capnames;
	uint32_t *namemap; /* open addressing over names, index + 1 */
	size_t capmap;

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
		die(EX_DATAERR, "%s:%lu: %s", t->file, line, msg);
	if (t->nwarn++ < WARN_MAX)
		warnmsg("%s:%lu: %s", t->file, line, msg);
}

/* ---- storage ------------------------------------------------------------- */

static const char *
at(const jtable_t *t, uint64_t off)
{
	if (off < t->base)
		return t->data + off;
	return t->store.p + (off - t->base);
}

/* Append bytes to the store and return their offset. */
static uint64_t
store_add(jtable_t *t, const char *p, size_t n)
{
	uint64_t off = t->base + t->store.len;

	buf_add(&t->store, p, n);
	return off;
}

static uint32_t
name_hash(const char *s, size_t n)
{
	return (uint32_t)hash_bytes(s, n);
}

static void
namemap_put(jtable_t *t, uint32_t id)
{
	const char *s = t->names[id];
	size_t i = name_hash(s, strlen(s)) & (t->capmap - 1);

	while (t->namemap[i] != 0)
		i = (i + 1) & (t->capmap - 1);
	t->namemap[i] = id + 1;
}

/* The id of merged field name (prefix + name[0..n)), added if new. */
static uint32_t
intern(jtable_t *t, const char *name, size_t n)
{
	size_t plen = strlen(t->prefix);
	char stack[256],
	    *full = plen + n < sizeof stack ? stack : xmalloc(plen + n + 1);
	uint32_t id;

	memcpy(full, t->prefix, plen);
	memcpy(full + plen, name, n);
	full[plen + n] = '\0';
	n += plen;
	if (t->capmap == 0) {
		t->capmap = 64;
		t->namemap = xcalloc(t->capmap, sizeof *t->namemap);
	}
	size_t i = name_hash(full, n) & (t->capmap - 1);
	while (t->namemap[i] != 0) {
		id = t->namemap[i] - 1;
		if (strlen(t->names[id]) == n && !memcmp(t->names[id], full, n))
			goto done;
		i = (i + 1) & (t->capmap - 1);
	}
	if (t->nnames == t->capnames) {
		t->capnames = t->capnames ? t->capnames * 2 : 16;
		t->names = xrealloc(t->names, t->capnames * sizeof *t->names);
	}
	id = (uint32_t)t->nnames++;
	t->names[id] = xstrndup(full, n);
	if (t->nnames * 2 > t->capmap) {
		free(t->namemap);
		t->capmap *= 2;
		t->namemap = xcalloc(t->capmap, sizeof *t->namemap);
		for (uint32_t j = 0; j < t->nnames; j++)
			namemap_put(t, j);
	} else {
		t->namemap[i] = id + 1;
	}
done:
	if (full != stack)
		free(full);
	return id;
}

static void
add_cell(jtable_t *t, uint32_t name, uint64_t off, size_t len)
{
	if (t->ncells == t->capcells) {
		t->capcells = t->capcells ? t->capcells * 2 : 1024;
		t->cells = xrealloc(t->cells, t->capcells * sizeof *t->cells);
	}
	t->cells[t->ncells].off = off;
	t->cells[t->ncells].len = (uint32_t)len;
	t->cells[t->ncells].name = name;
	t->ncells++;
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
		const struct jrow *r = &t->rows[s->row - 1];
		if (r->klen == n && memcmp(at(t, r->key), k, n) == 0)
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
 * Finish the row being built (its cells are the last ones added since
 * first_cell) under key k[0..n) at offset koff.
 */
static void
add_row(jtable_t *t, uint64_t koff, size_t n, size_t first_cell,
        unsigned long line)
{
	const char *k = at(t, koff);
	uint32_t h = (uint32_t)hash_bytes(k, n);
	struct jrow *r;

	if ((t->nkeys + 1) * 2 > t->nslots)
		grow_slots(t);
	if (t->nrows == t->caprows) {
		t->caprows = t->caprows ? t->caprows * 2 : 1024;
		t->rows = xrealloc(t->rows, t->caprows * sizeof *t->rows);
	}
	r = &t->rows[t->nrows];
	r->key = koff;
	r->klen = (uint32_t)n;
	r->cell = first_cell;
	r->ncells = (uint32_t)(t->ncells - first_cell);
	r->line = line > UINT32_MAX ? UINT32_MAX : (uint32_t)line;
	t->nrows++;

	size_t i = probe(t, k, n, h);
	if (t->slots[i].row != 0) {
		const struct jrow *old = &t->rows[t->slots[i].row - 1];
		buf_t shown = BUF_INIT;
		jw_str(&shown, k, n > 60 ? utf8_valid_prefix(k, 60) : n);
		twarn(t, line, 0,
		      "duplicate key %s (first on line %lu); the last row wins",
		      shown.p, (unsigned long)old->line);
		buf_free(&shown);
	} else {
		t->nkeys++;
	}
	t->slots[i].row = (uint32_t)t->nrows;
	t->slots[i].hash = h;
}

/* ---- keys -----------------------------------------------------------------
 */

static int
plain_integer(const char *s, size_t n)
{
	size_t i = n && s[0] == '-' ? 1 : 0;

	if (i == n)
		return 0;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int
jtable_key(const char *v, size_t vlen, char type, buf_t *scratch,
           const char **k, size_t *n)
{
	char tmp[64];

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
		if (plain_integer(v, vlen)) {
			*k = v;
			*n = vlen;
			return 0;
		}
		if (vlen >= sizeof tmp)
			return -1;
		memcpy(tmp, v, vlen);
		tmp[vlen] = '\0';
		buf_reset(scratch);
		jw_num(scratch, strtod(tmp, NULL));
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

static char *
read_file(const char *file, size_t *len)
{
	int fd = open(file, O_RDONLY);
	struct stat st;
	size_t cap, n = 0;
	char *p;

	if (fd < 0)
		die(EX_NOINPUT, "cannot open '%s': %s", file, strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		die(EX_NOINPUT, "cannot read '%s': %s", file, strerror(EISDIR));
	cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 1
	                                            : 1 << 16;
	p = xmalloc(cap);
	for (;;) {
		if (n + 1 >= cap) {
			cap *= 2;
			p = xrealloc(p, cap);
		}
		ssize_t r = read(fd, p + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			die(EX_IOERR, "read error on '%s': %s", file,
			    strerror(errno));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	p[n] = '\0';
	*len = n;
	return p;
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

static void
load_ndjson(jtable_t *t, char *data, size_t len, const char *key)
{
	rec_t r;
	buf_t scratch = BUF_INIT, kbuf = BUF_INIT;
	size_t klen = strlen(key), pos = 0;
	unsigned long line = 0;

	memset(&r, 0, sizeof r);
	t->data = data;
	t->base = len + 1;
	while (pos < len) {
		char *nl = memchr(data + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (data + pos)) : len - pos;
		char *p = data + pos;
		size_t errcol;
		const char *errmsg, *k;
		size_t kn;
		jfield_t f;

		pos += n + 1;
		line++;
		if (blank(p, n))
			continue;
		if (rec_scan(&r, p, n, &errcol, &errmsg) < 0) {
			twarn(t, line, 1, "%s at column %zu; row skipped",
			      errmsg, errcol);
			continue;
		}
		if (!rec_path(&r, key, klen, &f)) {
			twarn(t, line, 1, "no '%s' field; row skipped", key);
			continue;
		}
		if (jtable_key(f.v, f.vlen, f.type, &kbuf, &k, &kn) < 0) {
			twarn(t, line, 1, "'%s' is %s; row skipped", key,
			      kind_name(f.type));
			continue;
		}
		uint64_t koff = k >= data && k < data + len
		                    ? (uint64_t)(k - data)
		                    : store_add(t, k, kn);
		size_t first = t->ncells;
		for (size_t i = 0; i < r.obj.n; i++) {
			const jfield_t *m = &r.obj.f[i];
			if (key_named(m, key, klen, &scratch))
				continue;
			uint32_t id;
			if (m->kesc) {
				buf_reset(&scratch);
				buf_addc(&scratch, '"');
				buf_add(&scratch, m->k, m->klen);
				buf_addc(&scratch, '"');
				buf_t d = BUF_INIT;
				jstr_decode(scratch.p, scratch.len, &d);
				id = intern(t, d.p ? d.p : "", d.len);
				buf_free(&d);
			} else {
				id = intern(t, m->k, m->klen);
			}
			add_cell(t, id, (uint64_t)(m->v - data), m->vlen);
		}
		add_row(t, koff, kn, first, line);
	}
	rec_free(&r);
	buf_free(&scratch);
	buf_free(&kbuf);
}

/*
 * One CSV record from data[*pos..len): the cells' text (quotes removed,
 * "" made ") into cells, each cell's end offset into ends.  Returns the
 * number of lines it spans, 0 at the end of the data, or -1 for an
 * unterminated quote.
 */
static int
csv_record(const char *data, size_t len, size_t *pos, char sep, int quoting,
           buf_t *cells, size_t **ends, size_t *nends, size_t *capends)
{
	size_t i = *pos;
	int lines = 1;

	if (i >= len)
		return 0;
	buf_reset(cells);
	*nends = 0;
	for (;;) {
		/* One cell. */
		if (quoting && i < len && data[i] == '"') {
			i++;
			for (;;) {
				if (i >= len)
					return -1;
				if (data[i] == '"') {
					if (i + 1 < len && data[i + 1] == '"') {
						buf_addc(cells, '"');
						i += 2;
						continue;
					}
					i++;
					break;
				}
				if (data[i] == '\n')
					lines++;
				buf_addc(cells, data[i++]);
			}
			/* Text after the closing quote is kept, as most
			 * readers do. */
			while (i < len && data[i] != sep && data[i] != '\n' &&
			       data[i] != '\r')
				buf_addc(cells, data[i++]);
		} else {
			size_t s = i;
			while (i < len && data[i] != sep && data[i] != '\n')
				i++;
			size_t e = i;
			if (e > s && data[e - 1] == '\r' &&
			    (i >= len || data[i] == '\n'))
				e--;
			buf_add(cells, data + s, e - s);
		}
		if (*nends == *capends) {
			*capends = *capends ? *capends * 2 : 16;
			*ends = xrealloc(*ends, *capends * sizeof **ends);
		}
		(*ends)[(*nends)++] = cells->len;
		if (i < len && data[i] == '\r' && i + 1 < len &&
		    data[i + 1] == '\n')
			i++;
		if (i >= len || data[i] == '\n') {
			*pos = i + 1;
			return lines;
		}
		i++; /* the separator; "a,b," ends with an empty cell */
	}
}

static void
load_csv(jtable_t *t, char *data, size_t len, const char *key, char sep)
{
	buf_t cells = BUF_INIT, json = BUF_INIT;
	size_t *ends = NULL, nends = 0, capends = 0, pos = 0;
	int quoting = sep == ',';
	unsigned long line = 1;
	int n;

	t->base = 0;
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		pos = 3;

	/* The header. */
	while ((n = csv_record(data, len, &pos, sep, quoting, &cells, &ends,
	                       &nends, &capends)) > 0 &&
	       nends == 1 && ends[0] == 0)
		line += (unsigned long)n; /* blank lines before it */
	if (n <= 0)
		die(EX_USAGE, "%s: no header row", t->file);
	size_t ncols = nends, keycol = SIZE_MAX;
	uint32_t *ids = xcalloc(ncols, sizeof *ids);
	for (size_t c = 0, s = 0; c < ncols; s = ends[c++]) {
		if (keycol == SIZE_MAX && ends[c] - s == strlen(key) &&
		    !memcmp(cells.p + s, key, ends[c] - s)) {
			keycol = c;
			continue;
		}
		ids[c] = intern(t, cells.p + s, ends[c] - s);
	}
	if (keycol == SIZE_MAX)
		die(EX_USAGE, "%s: no column '%s' in the header", t->file, key);
	line += (unsigned long)n;

	for (;;) {
		unsigned long at_line = line;
		n = csv_record(data, len, &pos, sep, quoting, &cells, &ends,
		               &nends, &capends);
		if (n == 0)
			break;
		if (n < 0) {
			twarn(t, at_line, 1, "unterminated quoted field");
			break;
		}
		line += (unsigned long)n;
		if (nends == 1 && ends[0] == 0)
			continue; /* a blank line */
		if (nends != ncols) {
			twarn(t, at_line, 1,
			      "%zu fields, the header has %zu; row skipped",
			      nends, ncols);
			continue;
		}
		size_t ks = keycol ? ends[keycol - 1] : 0;
		size_t kn = ends[keycol] - ks;
		if (kn == 0) {
			twarn(t, at_line, 1, "empty key; row skipped");
			continue;
		}
		uint64_t koff = store_add(t, cells.p + ks, kn);
		size_t first = t->ncells;
		for (size_t c = 0, s = 0; c < ncols; s = ends[c++]) {
			if (c == keycol)
				continue;
			buf_reset(&json);
			jw_str(&json, cells.p + s, ends[c] - s);
			add_cell(t, ids[c], store_add(t, json.p, json.len),
			         json.len);
		}
		add_row(t, koff, kn, first, at_line);
	}
	free(ids);
	free(ends);
	buf_free(&cells);
	buf_free(&json);
	free(data);
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
	char *data;
	size_t len;

	if (format == JTABLE_AUTO && (format = format_of(file)) < 0)
		die(EX_USAGE,
		    "cannot tell the format of '%s' from its name; use "
		    "--join-format",
		    file);
	t = xcalloc(1, sizeof *t);
	t->file = file;
	t->prefix = prefix ? prefix : "";
	data = read_file(file, &len);
	if (format == JTABLE_NDJSON)
		load_ndjson(t, data, len, key);
	else
		load_csv(t, data, len, key, format == JTABLE_TSV ? '\t' : ',');
	if (t->nwarn > WARN_MAX)
		warnmsg("%s: %lu more warnings", file, t->nwarn - WARN_MAX);
	return t;
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
	h = (uint32_t)hash_bytes(k, n);
	i = probe(t, k, n, h);
	if (t->slots[i].row == 0)
		return 0;
	const struct jrow *row = &t->rows[t->slots[i].row - 1];
	for (uint32_t c = 0; c < row->ncells; c++) {
		const struct jcell *cell = &t->cells[row->cell + c];
		rec_set(r, t->names[cell->name], at(t, cell->off), cell->len);
	}
	return 1;
}

void
jtable_free(jtable_t *t)
{
	if (t == NULL)
		return;
	free(t->data);
	buf_free(&t->store);
	free(t->rows);
	free(t->cells);
	free(t->slots);
	for (size_t i = 0; i < t->nnames; i++)
		free(t->names[i]);
	free(t->names);
	free(t->namemap);
	free(t);
}
