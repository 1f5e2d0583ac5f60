/*
 * fuzz_rec.c - fuzz test of NDJSON record input: the line reader and
 * records written back with fields spliced in.
 *
 * The first byte sets --max-line (below 0x80 the default; else
 * (byte & 0x7f) * 4 + 1 bytes) and the second the size of the pieces,
 * 1 to 256 bytes, in which the rest of the input is written to a pipe
 * that rd_next() reads as a live stream: each piece is read up to
 * RD_TIMEOUT before the next is written.  The lines must come out as the
 * input holds them, numbered, with lines longer than --max-line skipped.
 *
 * Input that starts as gzip data does (1f 8b) is inflated by the reader:
 * its lines must be those zlib, used here as the oracle, inflates from
 * it, member after member; where the data ends early or is corrupt, the
 * line cut off there is not returned.  A first byte from 0x40 to 0x7f
 * has the rest compressed here first, and from 0x60 also cut short, so
 * that the fuzzer reaches well-formed members as often as broken ones.
 *
 * Each line that rec_scan() accepts is written back by rec_write(): as
 * it was when nothing is set, and with fields set (an existing key
 * replaced, set twice, a new key, the empty key, a string of the line's
 * own bytes) as one valid JSON object holding every member of the line
 * in its place, with its original key and value bytes unless a setting
 * replaced the value, then the new members in the order they were set.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "json.h"
#include "rio.h"

static const uint8_t *input;
static size_t input_len;

static void
fail(const char *what, const char *line, size_t n)
{
	fprintf(stderr, "fuzz_rec: %s\n", what);
	if (line != NULL) {
		fputs("line: ", stderr);
		fwrite(line, 1, n > 400 ? 400 : n, stderr);
		fputc('\n', stderr);
	}
	fprintf(stderr, "input (%zu bytes)\n", input_len);
	abort();
}

/* The value set for key[0..klen) (decoded), or NULL. */
static const jfield_t *
set_for(const rec_t *r, const char *k, size_t klen)
{
	for (size_t j = 0; j < r->set.n; j++)
		if (r->set.f[j].klen == klen &&
		    memcmp(r->set.f[j].k, k, klen) == 0)
			return &r->set.f[j];
	return NULL;
}

static void
decode_key(const jfield_t *f, buf_t *b)
{
	buf_reset(b);
	jstr_decode(f->k - 1, f->klen + 2, b);
}

/* out (without its newline) holds r's members and settings as promised. */
static void
check_splice(const rec_t *r, const char *out, size_t n)
{
	jobj_t o = {NULL, 0, 0};
	buf_t key = BUF_INIT, want = BUF_INIT;
	size_t col, i, k = 0;
	const char *msg;
	char *used = calloc(r->set.n + 1, 1);

	if (jscan_object(out, n, &o, &col, &msg) < 0)
		fail("rec_write output is not a JSON object", out, n);
	for (i = 0; i < r->obj.n; i++, k++) {
		const jfield_t *f = &r->obj.f[i], *s;

		if (k >= o.n)
			fail("rec_write drops a member", out, n);
		decode_key(f, &key);
		s = set_for(r, key.p, key.len);
		if (s != NULL)
			used[s - r->set.f] = 1;
		if (o.f[k].klen != f->klen ||
		    memcmp(o.f[k].k, f->k, f->klen) != 0)
			fail("rec_write changes or moves a key", out, n);
		if (s != NULL ? o.f[k].vlen != s->vlen ||
		                    memcmp(o.f[k].v, s->v, s->vlen) != 0
		              : o.f[k].vlen != f->vlen ||
		                    memcmp(o.f[k].v, f->v, f->vlen) != 0)
			fail("rec_write writes a wrong value", out, n);
	}
	for (i = 0; i < r->set.n; i++) {
		const jfield_t *s = &r->set.f[i];

		if (used[i])
			continue;
		if (k >= o.n)
			fail("rec_write drops a new member", out, n);
		buf_reset(&want);
		jw_str(&want, s->k, s->klen);
		if (o.f[k].klen + 2 != want.len ||
		    memcmp(o.f[k].k, want.p + 1, o.f[k].klen) != 0 ||
		    o.f[k].vlen != s->vlen ||
		    memcmp(o.f[k].v, s->v, s->vlen) != 0)
			fail("rec_write writes a new member wrongly", out, n);
		k++;
	}
	if (k != o.n)
		fail("rec_write adds members", out, n);
	free(used);
	jobj_free(&o);
	buf_free(&key);
	buf_free(&want);
}

static void
check_line(rec_t *r, const line_t *l, buf_t *out)
{
	buf_t key = BUF_INIT;
	size_t col;
	const char *msg;
	const jfield_t *g;

	if (l->p[l->n] != '\0' || memchr(l->p, '\n', l->n) != NULL)
		fail("a line is not NUL-terminated or holds a newline", l->p,
		     l->n);
	if (rec_scan(r, l->p, l->n, &col, &msg) < 0)
		return;

	/* Nothing set: the line as it was. */
	buf_reset(out);
	rec_write(r, out);
	if (out->len != l->n + 1 || memcmp(out->p, l->p, l->n) != 0 ||
	    out->p[l->n] != '\n')
		fail("an unchanged record is not written as it was", l->p,
		     l->n);

	/* Replace a member (twice), add two, one with the empty key. */
	if (r->obj.n > 0) {
		decode_key(&r->obj.f[l->n % r->obj.n], &key);
		if (memchr(key.p, '\0', key.len) != NULL)
			buf_reset(&key); /* rec_set takes C strings */
	}
	if (key.len > 0)
		rec_set(r, key.p, "{\"x\":[1,\"\\u00e9\"]}", 17);
	rec_set_str(r, "fuzz \"new\"", l->p, l->n < 16 ? l->n : 16);
	if (key.len > 0)
		rec_set(r, key.p, "2.5", 3);
	rec_set(r, "", "true", 4);
	if (key.len > 0 && ((g = rec_get(r, key.p, key.len)) == NULL ||
	                    g->vlen != 3 || memcmp(g->v, "2.5", 3) != 0))
		fail("rec_get does not see the setting", l->p, l->n);
	buf_reset(out);
	rec_write(r, out);
	if (out->len == 0 || out->p[out->len - 1] != '\n')
		fail("rec_write does not end a record with a newline", l->p,
		     l->n);
	check_splice(r, out->p, out->len - 1);

	/* Cleared settings: the line again. */
	rec_clear_set(r);
	buf_reset(out);
	rec_write(r, out);
	if (out->len != l->n + 1 || memcmp(out->p, l->p, l->n) != 0)
		fail("a record with settings cleared is not as it was", l->p,
		     l->n);
	buf_free(&key);
}

/*
 * The oracle: inflate gzip members p[0..n) one after another into out,
 * stopping at the end of the data or at bytes that start no member.
 * Returns 1 when the data ends inside a member or is corrupt.
 */
static int
gunzip(const uint8_t *p, size_t n, buf_t *out)
{
	unsigned char tmp[4096];
	z_stream z;
	size_t pos = 0;
	int rc, cut = 0;

	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		abort();
	for (;;) {
		z.next_in = (unsigned char *)p + pos;
		z.avail_in = (uInt)(n - pos);
		do {
			z.next_out = tmp;
			z.avail_out = sizeof tmp;
			rc = inflate(&z, Z_NO_FLUSH);
			buf_add(out, tmp, sizeof tmp - z.avail_out);
		} while (rc == Z_OK && z.avail_out == 0);
		pos = n - z.avail_in;
		if (rc != Z_STREAM_END) {
			cut = 1;
			break;
		}
		if (n - pos < 2 || p[pos] != 0x1f || p[pos + 1] != 0x8b)
			break;
		inflateReset(&z);
	}
	inflateEnd(&z);
	return cut;
}

/* Compress p[0..n) as one gzip member into out. */
static void
gzip(const uint8_t *p, size_t n, buf_t *out)
{
	z_stream z;

	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		abort();
	buf_grow(out, deflateBound(&z, (uLong)n));
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	z.next_out = (unsigned char *)out->p + out->len;
	z.avail_out = (uInt)(out->cap - out->len - 1);
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		abort();
	out->len += out->cap - out->len - 1 - z.avail_out;
	deflateEnd(&z);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static rec_t r;
	static size_t default_max;
	static buf_t zin, text;
	buf_t out = BUF_INIT;
	const char *p, *feed;
	size_t n, nfeed, chunk, off = 0, next = 0, expect_end;
	int cut;
	unsigned long num = 0;
	int fds[2], closed = 0, rc;
	reader_t *rd;
	line_t l;

	if (default_max == 0)
		default_max = rio_max_line;
	if (size < 2)
		return 0;
	input = data;
	input_len = size;
	rio_max_line = data[0] < 0x80 ? default_max : (data[0] & 0x7f) * 4u + 1;
	chunk = (size_t)data[1] + 1;
	feed = (const char *)data + 2;
	nfeed = size - 2;
	buf_reset(&zin);
	buf_reset(&text);
	if (data[0] >= 0x40 && data[0] < 0x80) {
		gzip(data + 2, size - 2, &zin);
		if (data[0] >= 0x60)
			zin.len -= 1 + data[1] % zin.len;
		feed = zin.p;
		nfeed = zin.len;
	}
	/* What the reader must make of it: the lines of p[0..n). */
	p = feed;
	n = nfeed;
	cut = 0;
	if (nfeed >= 2 && (uint8_t)feed[0] == 0x1f &&
	    (uint8_t)feed[1] == 0x8b) {
		cut = gunzip((const uint8_t *)feed, nfeed, &text);
		p = text.p != NULL ? text.p : "";
		n = text.len;
		/* a line the data ends in the middle of is not returned */
		if (cut) {
			const char *nl = memrchr(p, '\n', n);
			n = nl != NULL ? (size_t)(nl - p) + 1 : 0;
		}
	}

	if (pipe(fds) < 0)
		abort();
	rd = rd_open_fd(fds[0], "fuzz");
	for (;;) {
		if (off < nfeed) {
			size_t w = nfeed - off < chunk ? nfeed - off : chunk;
			ssize_t k = write(fds[1], feed + off, w);

			if (k < 0)
				abort();
			off += (size_t)k;
		} else if (!closed) {
			close(fds[1]);
			closed = 1;
		}
		while ((rc = rd_next(rd, &l, 0)) == RD_LINE) {
			/* The next line of the input that is not too long. */
			for (;;) {
				const char *nl;

				if (next >= n)
					fail("rd_next returns more lines", l.p,
					     l.n);
				nl = memchr(p + next, '\n', n - next);
				expect_end = nl ? (size_t)(nl - p) : n;
				num++;
				if (expect_end - next <= rio_max_line)
					break;
				next = expect_end + 1;
			}
			if (l.n != expect_end - next ||
			    memcmp(l.p, p + next, l.n) != 0 || l.num != num)
				fail("rd_next returns another line", l.p, l.n);
			next = expect_end + 1;
			check_line(&r, &l, &out);
		}
		if (rc == RD_EOF)
			break;
		if (rc != RD_TIMEOUT)
			abort();
	}
	/* What is left are lines too long to return. */
	while (next < n) {
		const char *nl = memchr(p + next, '\n', n - next);

		expect_end = nl ? (size_t)(nl - p) : n;
		if (expect_end - next <= rio_max_line)
			fail("rd_next misses a line", p + next,
			     expect_end - next);
		next = expect_end + 1;
	}
	if (!closed)
		close(fds[1]);
	rd_close(rd);
	close(fds[0]);
	buf_free(&out);
	return 0;
}
