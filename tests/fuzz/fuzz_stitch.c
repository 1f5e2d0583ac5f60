/*
 * fuzz_stitch.c - fuzz test of the engine of tingle-stitch.
 *
 * The first byte picks the mode and its settings: its low two bits the
 * mode (merge keyed by "k" ending at a true "e" and gathering "c";
 * --preset postfix; --preset exim; expect with starts "s" and expected
 * records "x" by "k"), bit 2 a --timeout of 10 s, bit 3 a --max-open of
 * 3, bit 4 a second key field "j".  The rest is NDJSON, one record a
 * line; a line without a readable "ts" gets the time of the line
 * before it plus a second.  Every 8th record moves the watermark to its
 * time.
 *
 * Every record written must be a JSON object.  In the merge modes every
 * record taken (keyed: every one, or every one with a queue id other
 * than NOQUEUE) is in exactly one record written, so their "records"
 * add up to the count; in expect mode every start is written exactly
 * once.  Nothing is open after stitch_close_all().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "json.h"
#include "stitch.h"
#include "ttime.h"
#include "util.h"

static buf_t out = BUF_INIT;

static void
fail(const char *what, const char *line, size_t n)
{
	fprintf(stderr, "fuzz_stitch: %s\n", what);
	if (line != NULL) {
		fputs("line: ", stderr);
		fwrite(line, 1, n > 400 ? 400 : n, stderr);
		fputc('\n', stderr);
	}
	abort();
}

static void
written(void)
{
}

static expr_t *
compile(const char *src)
{
	buf_t e = BUF_INIT;
	expr_t *x = expr_compile(src, &e);

	if (x == NULL)
		fail("expression does not compile", e.p, e.len);
	buf_free(&e);
	return x;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys1[] = {"k"}, *const keys2[] = {"k", "j"};
	static const char *const coll[] = {"c"};
	struct stitch_conf c;
	stitch_t *s;
	rec_t r;
	tstamp_t t = {1767225600, 0, 0};
	size_t taken = 0, starts = 0, pos = 1;
	buf_t err = BUF_INIT;
	val_t v;
	expr_t *is_start = NULL;

	if (size < 1)
		return 0;
	memset(&c, 0, sizeof c);
	memset(&r, 0, sizeof r);
	c.mode = data[0] & 3;
	c.keys = data[0] & 16 ? keys2 : keys1;
	c.nkeys = data[0] & 16 ? 2 : 1;
	c.time_field = "ts";
	c.timeout = data[0] & 4 ? 10000 : 0;
	c.max_open = data[0] & 8 ? 3 : 0;
	if (c.mode == STITCH_MERGE) {
		c.end = compile("e == true");
		c.collect = coll;
		c.ncollect = 1;
	} else if (c.mode == STITCH_EXPECT) {
		c.start = compile("s");
		c.expect = compile("x");
		c.within = 60000;
		is_start = compile("s");
	}
	buf_reset(&out);
	s = stitch_new(&c, &out, written);
	while (pos < size) {
		const char *line = (const char *)data + pos;
		const char *nl = memchr(line, '\n', size - pos);
		size_t n = nl ? (size_t)(nl - line) : size - pos, col;
		const char *msg;
		const jfield_t *f, *q;

		pos += n + 1;
		if (rec_scan(&r, line, n, &col, &msg) < 0)
			continue;
		f = rec_get(&r, "ts", 2);
		if (f == NULL || ts_parse_json(f->v, f->vlen, &t) < 0)
			t.sec++;
		q = rec_get(&r, "queue_id", 8);
		jfield_t kf;
		int keyed = rec_path(&r, "k", 1, &kf) ||
		            (c.nkeys == 2 && rec_path(&r, "j", 1, &kf));
		if ((c.mode == STITCH_MERGE && keyed) ||
		    ((c.mode == STITCH_POSTFIX || c.mode == STITCH_EXIM) &&
		     q != NULL && q->type == JT_STR &&
		     !(q->vlen == 9 && memcmp(q->v, "\"NOQUEUE\"", 9) == 0)))
			taken++;
		if (is_start != NULL && keyed &&
		    expr_eval(is_start, &r, &v, &err) == 0 && val_truthy(&v))
			starts++;
		stitch_add(s, &r, &t, &err);
		if ((taken + starts) % 8 == 7)
			stitch_advance(s, ts_to_ms(&t));
	}
	stitch_close_all(s);
	if (stitch_nopen(s) != 0)
		fail("keys left open after stitch_close_all", NULL, 0);

	size_t lines = 0, records = 0;
	jobj_t o = {NULL, 0, 0};
	for (size_t p = 0; p < out.len;) {
		char *e = memchr(out.p + p, '\n', out.len - p);
		size_t col;
		const char *msg;
		const jfield_t *f;

		if (e == NULL)
			fail("output does not end in a newline", out.p,
			     out.len);
		if (jscan_object(out.p + p, (size_t)(e - out.p) - p, &o, &col,
		                 &msg) < 0)
			fail("a record written is not a JSON object", out.p + p,
			     (size_t)(e - out.p) - p);
		f = jobj_get(&o, "records", 7);
		if (c.mode != STITCH_EXPECT && f != NULL && f->type == JT_NUM)
			records += strtoul(f->v, NULL, 10);
		lines++;
		p = (size_t)(e - out.p) + 1;
	}
	jobj_free(&o);
	if (c.mode == STITCH_EXPECT && lines != starts)
		fail("not every start written once", out.p, out.len);
	if (c.mode != STITCH_EXPECT && records != taken)
		fail("records taken and written differ", out.p, out.len);

	stitch_free(s);
	expr_free(c.end);
	expr_free(c.start);
	expr_free(c.expect);
	expr_free(is_start);
	rec_free(&r);
	buf_free(&err);
	return 0;
}
