/*
 * util.c - memory helpers, growable byte buffers, fatal errors.
 */
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *util_progname = "tingle";
void (*util_die_hook)(void);

static void
oom(size_t n)
{
	fprintf(stderr, "%s: out of memory allocating %zu bytes\n",
	        util_progname, n);
	exit(EX_SOFTWARE);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom(n);
	return p;
}

void *
xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);

	if (p == NULL)
		oom(n * m);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		oom(n);
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
util_die(int code, const char *fmt, ...)
{
	static int dying;
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", util_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (util_die_hook != NULL && !dying) {
		dying = 1;
		util_die_hook();
	}
	exit(code);
}

void
util_warnmsg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", util_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
buf_grow_slow(buf_t *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->p = xrealloc(b->p, cap);
	b->cap = cap;
	b->p[b->len] = '\0'; /* a fresh buffer holds "" too */
}

void
buf_adds(buf_t *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_printf(buf_t *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
buf_reset(buf_t *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

void
buf_free(buf_t *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void
buf_add_shown(buf_t *b, const char *s, size_t n, size_t max)
{
	size_t m = n > max ? max : n;

	for (size_t i = 0; i < m; i++) {
		unsigned char c = (unsigned char)s[i];
		buf_addc(b, c < 0x20 || c == 0x7f ? '?' : c);
	}
	if (m < n)
		buf_adds(b, "...");
}

int
buf_read_fd(buf_t *b, int fd)
{
	ssize_t n;

	for (;;) {
		buf_grow(b, 65536);
		n = read(fd, b->p + b->len, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		b->len += (size_t)n;
	}
	b->p[b->len] = '\0';
	return n < 0 ? -1 : 0;
}

uint64_t
util_hash_bytes(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Does s[0..n) hold t[0..m), ignoring ASCII case? */
static int
holds(const char *s, size_t n, const char *t, size_t m)
{
	for (size_t i = 0; i + m <= n; i++) {
		size_t j = 0;
		while (j < m && lower((unsigned char)s[i + j]) ==
		                    lower((unsigned char)t[j]))
			j++;
		if (j == m)
			return 1;
	}
	return 0;
}

int
util_name_distance(const char *want, size_t wn, const char *name, size_t nn)
{
	unsigned d[UTIL_NAME_MAX + 1];
	size_t longer = wn > nn ? wn : nn, shorter = wn > nn ? nn : wn;
	unsigned limit = longer / 3 > 1 ? (unsigned)(longer / 3) : 1;

	if (wn == 0 || nn == 0 || wn > UTIL_NAME_MAX || nn > UTIL_NAME_MAX)
		return -1;
	/* Levenshtein distance, one row at a time. */
	for (size_t j = 0; j <= nn; j++)
		d[j] = (unsigned)j;
	for (size_t i = 1; i <= wn; i++) {
		unsigned diag = d[0];
		d[0] = (unsigned)i;
		for (size_t j = 1; j <= nn; j++) {
			unsigned up = d[j];
			unsigned best =
			    diag + (lower((unsigned char)want[i - 1]) !=
			            lower((unsigned char)name[j - 1]));
			if (up + 1 < best)
				best = up + 1;
			if (d[j - 1] + 1 < best)
				best = d[j - 1] + 1;
			d[j] = best;
			diag = up;
		}
	}
	if (d[nn] <= limit)
		return (int)d[nn];
	if (shorter >= 3 &&
	    (wn < nn ? holds(name, nn, want, wn) : holds(want, wn, name, nn)))
		return (int)d[nn];
	return -1;
}
