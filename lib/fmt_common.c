/*
 * fmt_common.c - helpers shared by the log-line formats: numbers, peers,
 * small byte-string searches.
 */
#include "fmt_common.h"

#include <string.h>

#include "json.h"

int
fmt_syslog_mail(fmt_ctx_t *ctx, const char *p, size_t n, fields_t *fs,
                fmt_prog_fn is_mine, fmt_body_fn body)
{
	syslog_head_t h;
	int r = fmt_syslog_head(ctx, p, n, &h);

	if (r != FMT_OK)
		return r;
	fmt_syslog_fields(fs, &h, 0);
	if (h.msg.p != NULL && is_mine(h.program))
		body(ctx, fs, h.msg.p, h.msg.p + h.msg.n);
	fmt_add_span(fs, "msg", h.msg);
	return FMT_OK;
}

void
fmt_add_num(fields_t *fs, const char *key, const char *p, size_t n)
{
	fields_add(fs, key, p, n, json_number_ok(p, n) ? FK_NUM : FK_STR);
}

void
fmt_add_digits(fields_t *fs, const char *key, const char *p, size_t n)
{
	while (n > 1 && *p == '0') {
		p++;
		n--;
	}
	fields_add(fs, key, p, n, FK_NUM);
}

void
fmt_add_span(fields_t *fs, const char *key, fspan_t v)
{
	if (v.p != NULL)
		fields_add(fs, key, v.p, v.n, FK_STR);
}

const char *
fmt_hostaddr(const char *s, const char *e, hostaddr_t *a)
{
	const char *h = s, *q;

	memset(a, 0, sizeof *a);
	while (s < e && *s != '[' && *s != ' ' && *s != ']')
		s++;
	if (s >= e || *s != '[')
		return NULL;
	if (s > h) {
		a->host.p = h;
		a->host.n = (size_t)(s - h);
	}
	q = ++s;
	while (s < e && *s != ']' && *s != ' ' && *s != '[')
		s++;
	if (s >= e || *s != ']' || s == q)
		return NULL;
	a->ip.p = q;
	a->ip.n = (size_t)(s - q);
	s++;
	if (s + 1 < e && *s == ':') {
		q = s + 1;
		while (q < e &&
		       ((*q >= '0' && *q <= '9') || (*q >= 'A' && *q <= 'Z') ||
		        (*q >= 'a' && *q <= 'z') || *q == '_'))
			q++;
		if (q > s + 1) {
			a->port.p = s + 1;
			a->port.n = (size_t)(q - s - 1);
			s = q;
		}
	}
	a->text.p = h;
	a->text.n = (size_t)(s - h);
	return s;
}

void
fmt_add_hostaddr(fields_t *fs, const char *prefix, const hostaddr_t *a,
                 int with_text)
{
	char key[40];
	size_t pl = strlen(prefix);

	if (pl + 6 > sizeof key)
		return;
	memcpy(key, prefix, pl);
	if (with_text)
		fmt_add_span(fs, prefix, a->text);
	if (a->host.p != NULL) {
		memcpy(key + pl, "_host", 6);
		fields_add(fs, key, a->host.p, a->host.n, FK_STR);
	}
	if (a->ip.p != NULL) {
		memcpy(key + pl, "_ip", 4);
		fields_add(fs, key, a->ip.p, a->ip.n, FK_STR);
	}
	if (a->port.p != NULL) {
		memcpy(key + pl, "_port", 6);
		fmt_add_num(fs, key, a->port.p, a->port.n);
	}
}

int
fmt_nomatch(fmt_ctx_t *ctx, const char *why)
{
	buf_reset(&ctx->why);
	buf_adds(&ctx->why, why);
	return FMT_NOMATCH;
}

void
fmt_trim_line(const char **p, size_t *n)
{
	if (*n >= 3 && memcmp(*p, "\xEF\xBB\xBF", 3) == 0) {
		*p += 3;
		*n -= 3;
	}
	if (*n > 0 && (*p)[*n - 1] == '\r')
		(*n)--;
}

const char *
fmt_find(const char *s, const char *e, const char *needle, size_t nlen)
{
	if (s >= e)
		return NULL;
	return memmem(s, (size_t)(e - s), needle, nlen);
}

int
fmt_starts(const char *s, const char *e, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(e - s) >= n && memcmp(s, lit, n) == 0;
}
