/*
 * fuzz_jtable.c - fuzz test of the join tables of tingle-segment --join.
 *
 * The first byte picks the format, 'n' NDJSON, 'c' CSV, 't' TSV (another
 * byte picks one by its value; with bit 7 set the load is --strict), the
 * rest of the first line is the key field, and what follows is the table.
 * It is written to a memory file and loaded with jtable_load(), under
 * trap_run(): a table it refuses ends in util_die(), which is fine, and
 * whatever it allocated is then freed.  A table that loads must free
 * everything it allocated.
 *
 * For an NDJSON table each line is read again: every usable key value
 * (jtable_key) must find its row, and merging the last row of a key into
 * an empty record must give a valid JSON object with each of the row's
 * other members (but those whose names hold \u0000, which are left out)
 * under the prefixed name and with its value's bytes.  For
 * CSV and TSV every cell-like piece of the text is looked up, and what a
 * merge gives must be a valid JSON object of prefixed names.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "jtable.h"
#include "json.h"
#include "rio.h"
#include "trap.h"

#define PREFIX "j_"

static const uint8_t *input;
static size_t input_len;

static void
fail(const char *what, const char *detail, size_t n)
{
	fprintf(stderr, "fuzz_jtable: %s\n", what);
	if (detail != NULL) {
		fputs("at: ", stderr);
		fwrite(detail, 1, n > 400 ? 400 : n, stderr);
		fputc('\n', stderr);
	}
	fprintf(stderr, "input (%zu bytes): ", input_len);
	fwrite(input, 1, input_len > 400 ? 400 : input_len, stderr);
	fputc('\n', stderr);
	abort();
}

struct load {
	const char *path, *key;
	int format;
	jtable_t *t;
};

static void
load(void *arg)
{
	struct load *l = arg;

	l->t = jtable_load(l->path, l->format, l->key, PREFIX);
}

/* Merge key k into an empty record; the result is checked and left in
 * out (one JSON object and a newline).  Returns jtable_merge's answer. */
static int
merge(const jtable_t *t, const char *k, size_t n, buf_t *out)
{
	rec_t r;
	jobj_t o = {NULL, 0, 0};
	size_t col;
	const char *msg;
	int found;

	memset(&r, 0, sizeof r);
	if (rec_scan(&r, "{}", 2, NULL, NULL) < 0)
		abort();
	found = jtable_merge(t, k, n, &r);
	buf_reset(out);
	rec_write(&r, out);
	if (jscan_object(out->p, out->len - 1, &o, &col, &msg) < 0)
		fail("a merged record is not a JSON object", out->p, out->len);
	if (!found && o.n != 0)
		fail("a key without a row merges fields", k, n);
	for (size_t i = 0; i < o.n; i++)
		if (o.f[i].klen < strlen(PREFIX) ||
		    memcmp(o.f[i].k, PREFIX, strlen(PREFIX)) != 0)
			fail("a merged field lacks the prefix", out->p,
			     out->len);
	jobj_free(&o);
	rec_free(&r);
	return found;
}

/* Is line j the last line of lines[0..n) with the key k? */
static int
last_with_key(const char *text, size_t len, size_t from, const char *key,
              const char *k, size_t kn)
{
	rec_t r;
	buf_t scratch = BUF_INIT;
	jfield_t f;
	const char *k2;
	size_t n2;
	int last = 1;

	memset(&r, 0, sizeof r);
	while (from < len && last) {
		const char *p = text + from, *nl = memchr(p, '\n', len - from);
		size_t n = nl ? (size_t)(nl - p) : len - from;

		from += n + 1;
		if (rec_scan(&r, p, n, NULL, NULL) == 0 &&
		    rec_path(&r, key, strlen(key), &f) &&
		    jtable_key(f.v, f.vlen, f.type, &scratch, &k2, &n2) == 0 &&
		    n2 == kn && memcmp(k2, k, kn) == 0)
			last = 0;
	}
	rec_free(&r);
	buf_free(&scratch);
	return last;
}

/* The members of row line p[0..n) but the key are in the merge out. */
static void
check_row(const char *p, size_t n, const rec_t *row, const char *key,
          const buf_t *out)
{
	jobj_t o = {NULL, 0, 0};
	buf_t name = BUF_INIT;

	jscan_object(out->p, out->len - 1, &o, NULL, NULL);
	for (size_t i = 0; i < row->obj.n; i++) {
		const jfield_t *m = &row->obj.f[i], *g;

		buf_reset(&name);
		jstr_decode(m->k - 1, m->klen + 2, &name);
		if (strcmp(name.p, key) == 0 && name.len == strlen(key))
			continue;
		/* Names holding NUL are left out, with a warning. */
		if (memchr(name.p, '\0', name.len) != NULL)
			continue;
		/* The last member of that name in the row is what counts. */
		if (jobj_get(&row->obj, name.p, name.len) != m)
			continue;
		buf_reset(&name);
		buf_adds(&name, PREFIX);
		jstr_decode(m->k - 1, m->klen + 2, &name);
		g = jobj_get(&o, name.p, name.len);
		if (g == NULL)
			fail("a merge lacks a field of the row", p, n);
		if (g->vlen != m->vlen || memcmp(g->v, m->v, m->vlen) != 0)
			fail("a merge changes a value", p, n);
	}
	jobj_free(&o);
	buf_free(&name);
}

static void
check_ndjson(const jtable_t *t, const char *text, size_t len, const char *key)
{
	rec_t r;
	buf_t scratch = BUF_INIT, out = BUF_INIT, kcopy = BUF_INIT;
	size_t from = 0;

	memset(&r, 0, sizeof r);
	while (from < len) {
		const char *p = text + from, *nl = memchr(p, '\n', len - from);
		size_t n = nl ? (size_t)(nl - p) : len - from;
		const char *k;
		size_t kn;
		jfield_t f;

		from += n + 1;
		if (rec_scan(&r, p, n, NULL, NULL) < 0 ||
		    !rec_path(&r, key, strlen(key), &f) ||
		    jtable_key(f.v, f.vlen, f.type, &scratch, &k, &kn) < 0)
			continue;
		if (f.type == JT_STR) {
			buf_t d = BUF_INIT;
			jstr_decode(f.v, f.vlen, &d);
			if (d.len != kn || memcmp(d.p, k, kn) != 0)
				fail("a string key is not its text", p, n);
			buf_free(&d);
		}
		buf_reset(&kcopy);
		buf_add(&kcopy, k, kn);
		if (!merge(t, kcopy.p, kcopy.len, &out))
			fail("a row's key finds no row", p, n);
		if (last_with_key(text, len, from, key, kcopy.p, kcopy.len))
			check_row(p, n, &r, key, &out);
	}
	rec_free(&r);
	buf_free(&scratch);
	buf_free(&out);
	buf_free(&kcopy);
}

/* Look up every piece of the text between separators and line ends. */
static void
check_pieces(const jtable_t *t, const char *text, size_t len, char sep)
{
	buf_t out = BUF_INIT;
	size_t s = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && text[i] != sep && text[i] != '\n')
			continue;
		merge(t, text + s, i - s, &out);
		if (i - s >= 2 && text[s] == '"' && text[i - 1] == '"')
			merge(t, text + s + 1, i - s - 2, &out);
		s = i + 1;
	}
	buf_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	static const int formats[] = {JTABLE_NDJSON, JTABLE_CSV, JTABLE_TSV};
	struct load l;
	const char *nl, *text;
	char key[65];
	size_t klen, len, left;
	int code;

	if (fd < 0) {
		fd = memfd_create("table", 0);
		if (fd < 0)
			abort();
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		util_progname = "fuzz_jtable";
	}
	if (size < 2)
		return 0;
	input = data;
	input_len = size;
	switch (data[0] & 0x7f) {
	case 'n':
		l.format = JTABLE_NDJSON;
		break;
	case 'c':
		l.format = JTABLE_CSV;
		break;
	case 't':
		l.format = JTABLE_TSV;
		break;
	default:
		l.format = formats[(data[0] & 0x7f) % 3];
	}
	rio_strict = data[0] >> 7;
	nl = memchr(data + 1, '\n', size - 1);
	if (nl == NULL)
		return 0;
	klen = (size_t)(nl - (const char *)data - 1);
	if (klen == 0 || klen >= sizeof key || memchr(data + 1, '\0', klen))
		return 0;
	memcpy(key, data + 1, klen);
	key[klen] = '\0';
	text = nl + 1;
	len = size - klen - 2;

	if (ftruncate(fd, 0) < 0)
		abort();
	for (left = 0; left < len;) {
		ssize_t w = pwrite(fd, text + left, len - left, (off_t)left);
		if (w <= 0)
			abort();
		left += (size_t)w;
	}

	l.path = path;
	l.key = key;
	l.t = NULL;
	trap_begin();
	code = trap_run(load, &l);
	if (code >= 0) {
		/* Refused: a usage error (no header, no key column) or, under
		 * --strict, the first bad row. */
		if (code != 64 && code != 65)
			fail("jtable_load exits with an unexpected status",
			     NULL, 0);
		trap_end(1);
		return 0;
	}
	if (l.format == JTABLE_NDJSON)
		check_ndjson(l.t, text, len, key);
	else
		check_pieces(l.t, text, len,
		             l.format == JTABLE_TSV ? '\t' : ',');
	jtable_free(l.t);
	if (trap_end(0) != 0)
		fail("a loaded and freed table leaks memory", NULL, 0);
	return 0;
}
