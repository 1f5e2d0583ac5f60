/*
 * fuzz_report.c - fuzz test of tingle-report's engine and renderers.
 *
 * The input is lines of records, as tingle-report reads them; the first
 * byte picks the zone and the caps.  Whatever the records, the page and
 * the text must keep their promises: no control character but the
 * newline, in the page every '<' opens a tag of the renderer's own (data
 * is escaped), no script; in the text no line wider than 80 columns; and
 * the same records give the same bytes twice.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "report.h"
#include "ttime.h"

static const char *const zones[] = {"UTC", "America/Chicago", "Asia/Kolkata",
                                    "Australia/Lord_Howe"};

static void
fail(const char *what, const char *out, size_t at)
{
	size_t from = at > 60 ? at - 60 : 0;

	fprintf(stderr, "fuzz_report: %s near: %.*s\n", what, 120, out + from);
	abort();
}

static void
build(const uint8_t *p, size_t n, const struct report_opts *o, buf_t *html,
      buf_t *text)
{
	report_t *rp = report_new(NULL);
	rec_t r;
	size_t i = 0;

	memset(&r, 0, sizeof r);
	while (i < n) {
		const uint8_t *nl = memchr(p + i, '\n', n - i);
		size_t len = nl != NULL ? (size_t)(nl - (p + i)) : n - i;
		size_t col;
		const char *msg;
		if (rec_scan(&r, (const char *)p + i, len, &col, &msg) == 0)
			(void)report_add(rp, &r, &msg);
		i += len + 1;
	}
	rec_free(&r);
	report_finish(rp);
	report_html(rp, o, html);
	report_text(rp, o, text);
	report_free(rp);
}

static void
check_html(const buf_t *b)
{
	for (size_t i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->p[i];
		if (c < 0x20 && c != '\n')
			fail("a control character in the page", b->p, i);
		if (c == '<') {
			unsigned char d = (unsigned char)b->p[i + 1];
			if (!(d == '/' || d == '!' || (d >= 'a' && d <= 'z')))
				fail("a raw '<' in the page", b->p, i);
		}
	}
	if (strstr(b->p, "<script") != NULL)
		fail("a script in the page", b->p, 0);
}

static void
check_text(const buf_t *b)
{
	size_t cols = 0;

	for (size_t i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->p[i];
		if (c == '\n') {
			cols = 0;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			fail("a control character in the text", b->p, i);
		if ((c & 0xc0) != 0x80 && ++cols > 80)
			fail("a text line wider than 80 columns", b->p, i);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report_opts o = {NULL, NULL, 3, 4};
	buf_t h1 = BUF_INIT, t1 = BUF_INIT, h2 = BUF_INIT, t2 = BUF_INIT;

	static int zone = -1;

	/* Small inputs keep it fast; loading a zone is slow, so only on a
	 * change. */
	if (size < 1 || size > 8192)
		return 0;
	if (zone != data[0] % 4) {
		zone = data[0] % 4;
		tz_set(zones[zone]);
	}
	o.max_charts = data[0] >> 4;
	build(data + 1, size - 1, &o, &h1, &t1);
	check_html(&h1);
	check_text(&t1);
	build(data + 1, size - 1, &o, &h2, &t2);
	if (h1.len != h2.len || memcmp(h1.p, h2.p, h1.len) != 0 ||
	    t1.len != t2.len || memcmp(t1.p, t2.p, t1.len) != 0)
		fail("two runs differ", h1.p, 0);
	buf_free(&h1);
	buf_free(&t1);
	buf_free(&h2);
	buf_free(&t2);
	return 0;
}
