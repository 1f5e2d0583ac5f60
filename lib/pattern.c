/*
 * pattern.c - user PCRE2 patterns whose named groups become fields.
 */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "pattern.h"
#include "re.h"

/* Keep JIT code from reading past the end of the subject. */
#define SUBJECT_PAD 64

/* A named group of a pattern. */
struct pgroup {
	uint32_t num;
	char *name;
};

/* A compiled pattern and its named groups in group-number order. */
struct pat {
	const char *src;
	pcre2_code *re;
	pcre2_match_data *md;
	struct pgroup *g;
	size_t ng;
};

static int
cmp_group(const void *a, const void *b)
{
	const struct pgroup *x = a, *y = b;

	return x->num < y->num ? -1 : x->num > y->num;
}

void
pat_add(struct pat_set *s, const char *src)
{
	s->p = xrealloc(s->p, (s->n + 1) * sizeof *s->p);
	memset(&s->p[s->n], 0, sizeof *s->p);
	s->p[s->n++].src = src;
}

static int
compile_one(struct pat *pt, buf_t *err)
{
	PCRE2_SPTR table;
	size_t off;
	uint32_t count, size;
	char msg[256];

	pt->re = re_compile(pt->src, strlen(pt->src), PCRE2_DUPNAMES, msg,
	                    sizeof msg, &off);
	if (pt->re == NULL) {
		buf_printf(err, "bad pattern '%s': %s at offset %zu", pt->src,
		           msg, off);
		return -1;
	}
	pt->md = pcre2_match_data_create_from_pattern(pt->re, NULL);

	pcre2_pattern_info(pt->re, PCRE2_INFO_NAMECOUNT, &count);
	pcre2_pattern_info(pt->re, PCRE2_INFO_NAMEENTRYSIZE, &size);
	pcre2_pattern_info(pt->re, PCRE2_INFO_NAMETABLE, &table);
	if (count == 0) {
		buf_printf(
		    err,
		    "pattern '%s' has no named groups: name each field with (?<name>...)",
		    pt->src);
		return -1;
	}
	pt->g = xcalloc(count, sizeof *pt->g);
	pt->ng = count;
	for (uint32_t i = 0; i < count; i++) {
		PCRE2_SPTR e = table + (size_t)i * size;
		pt->g[i].num = (uint32_t)(e[0] << 8 | e[1]);
		pt->g[i].name = xstrdup((const char *)e + 2);
	}
	/* The name table is sorted by name; fields follow the pattern. */
	qsort(pt->g, pt->ng, sizeof *pt->g, cmp_group);
	return 0;
}

int
pat_compile(struct pat_set *s, buf_t *err)
{
	static const struct re_limits lim = RE_LIMITS_PARSE;

	if (s->n == 0)
		return 0;
	if (s->rctx == NULL)
		s->rctx = re_ctx_new(&lim);
	for (size_t i = 0; i < s->n; i++)
		if (s->p[i].re == NULL && compile_one(&s->p[i], err) < 0)
			return -1;
	return 0;
}

int
pat_match(struct pat_set *s, const char *p, size_t n, fields_t *fs, buf_t *why)
{
	buf_t *clean = &s->clean;
	size_t ok = utf8_valid_prefix(p, n);

	/*
	 * The subject is copied: it must be valid UTF-8, so each invalid byte
	 * becomes U+FFFD, as it would in the output anyway
	 * (PCRE2_MATCH_INVALID_UTF is not used: with JIT, PCRE2 up to 10.42
	 * then fails to match multibyte characters with \S, \D and \W); and
	 * JIT code may read a few bytes past its end, which are zeroed here.
	 */
	buf_reset(clean);
	while (ok < n) {
		buf_add(clean, p, ok);
		buf_adds(clean, "\xEF\xBF\xBD");
		p += ok + 1;
		n -= ok + 1;
		ok = utf8_valid_prefix(p, n);
	}
	buf_add(clean, p, n);
	buf_grow(clean, SUBJECT_PAD);
	memset(clean->p + clean->len, 0, SUBJECT_PAD);
	p = clean->p;
	n = clean->len;
	for (size_t i = 0; i < s->n; i++) {
		struct pat *pt = &s->p[i];
		int rc =
		    re_match(pt->re, p, n, PCRE2_NO_UTF_CHECK, pt->md, s->rctx);
		PCRE2_SIZE *ov;

		if (rc == PCRE2_ERROR_NOMATCH)
			continue;
		if (rc < 0) {
			char msg[256];
			re_message(rc, msg, sizeof msg);
			buf_reset(why);
			buf_printf(why, "pattern %zu: %s", i + 1, msg);
			return -1;
		}
		ov = pcre2_get_ovector_pointer(pt->md);
		for (size_t j = 0; j < pt->ng; j++) {
			uint32_t g = pt->g[j].num;
			if (ov[2 * g] == PCRE2_UNSET)
				continue;
			/* Of groups sharing a name, the first set one. */
			if (fields_find(fs, pt->g[j].name) >= 0)
				continue;
			fields_add(fs, pt->g[j].name, p + ov[2 * g],
			           ov[2 * g + 1] - ov[2 * g], FK_STR);
		}
		return FMT_OK;
	}
	return FMT_NOMATCH;
}

void
pat_free(struct pat_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		for (size_t j = 0; j < s->p[i].ng; j++)
			free(s->p[i].g[j].name);
		free(s->p[i].g);
		pcre2_match_data_free(s->p[i].md);
		pcre2_code_free(s->p[i].re);
	}
	free(s->p);
	re_ctx_free(s->rctx);
	buf_free(&s->clean);
	memset(s, 0, sizeof *s);
}
