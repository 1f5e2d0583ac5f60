/*
 * sniff.c - a guess at what a line that fits no format is.
 */
#include <stdio.h>
#include <string.h>

#include "fields.h"
#include "fmt_common.h"
#include "json.h"
#include "sniff.h"

/* Does p[0..n) start as a compressed file does? */
static int
is_compressed(const char *p, size_t n)
{
	static const struct {
		const char *magic;
		size_t len;
	} magic[] = {
	    {"\x1f\x8b", 2}, /* gzip */
	    {"\xfd"
	     "7zXZ",
	     6},                     /* xz (with its NUL) */
	    {"\x28\xb5\x2f\xfd", 4}, /* zstd */
	    {"\x04\x22\x4d\x18", 4}, /* lz4 */
	    {"PK\x03\x04", 4},       /* zip */
	    {"\x1f\x9d", 2},         /* compress */
	};

	for (size_t i = 0; i < sizeof magic / sizeof magic[0]; i++)
		if (n >= magic[i].len &&
		    memcmp(p, magic[i].magic, magic[i].len) == 0)
			return 1;
	/* bzip2: "BZh", the block size, and the block magic */
	return n >= 10 && memcmp(p, "BZh", 3) == 0 && p[3] >= '1' &&
	       p[3] <= '9' && memcmp(p + 4, "1AY&SY", 6) == 0;
}

const char *
sniff_line(unsigned long num, const char *p, size_t n, const char *fmt,
           int rows, int64_t now_sec, int year)
{
	static const struct {
		const char *name;
		fmt_fn fn;
	} alt[] = {{"exim", fmt_exim}, {"combined", fmt_combined}};
	size_t ctl = 0, bad = 0, i, ok;
	const char *name = NULL, *q;
	fmt_ctx_t c = {0};
	fields_t f = {0};

	if (num == 1 && is_compressed(p, n))
		return "is it compressed?";
	for (i = 0; i < n; i++) {
		unsigned char b = (unsigned char)p[i];
		if (b == 0)
			return "is it a binary file?";
		ctl += (b < 0x20 && b != '\t') || b == 0x7f;
	}
	for (q = p, i = n; (ok = utf8_valid_prefix(q, i)) < i; bad++)
		q += ok + 1, i -= ok + 1;
	if (ctl > n / 10 + 1 || bad > n / 8 + 1)
		return "is it a binary file?";
	if (rows)
		return NULL;
	fmt_trim_line(&p, &n);
	c.now_sec = now_sec;
	c.year = year;
	if (n >= 2 && (p[0] == '{' || p[0] == '[') &&
	    (p[n - 1] == '}' || p[n - 1] == ']')) {
		name = "json";
	} else if (fmt_syslog(&c, p, n, &f) == FMT_OK) {
		long k = fields_find(&f, "program");
		size_t pl = 0;
		const char *pv = k >= 0 ? fields_val(&f, (size_t)k, &pl) : "";
		name = pl >= 7 && memcmp(pv, "postfix", 7) == 0 ? "postfix"
		                                                : "syslog";
	} else {
		for (i = 0; i < sizeof alt / sizeof alt[0] && !name; i++) {
			fields_reset(&f);
			buf_reset(&c.why);
			if (alt[i].fn(&c, p, n, &f) == FMT_OK)
				name = alt[i].name;
		}
	}
	fields_free(&f);
	buf_free(&c.why);
	buf_free(&c.scratch);
	if (name == NULL || (fmt != NULL && strcmp(fmt, name) == 0))
		return NULL;
	static char hint[32];
	snprintf(hint, sizeof hint, "it reads as -f %s", name);
	return hint;
}
