/*
 * fieldseen.c - warn about fields an expression reads that no record
 * had, with a hint at what was meant.
 */
#include "fieldseen.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kmap.h"
#include "util.h"

/* Records whose names are all gathered; later ones, one in SAMPLE. */
#define FIRST_RECORDS 1024
#define SAMPLE 256

struct watched {
	char *name;
	size_t len;
	char *what;
	unsigned flags;
	int seen;   /* a record had it */
	int warned; /* fieldseen_warn reported it */
};

struct fieldseen {
	struct watched *w;
	size_t n;
	size_t unseen; /* watched, not exists-only, not seen yet */
	unsigned long long records;
	struct kmap *names; /* top-level names of the records */
	buf_t key;          /* a decoded name */
	buf_t hint;         /* fieldseen_near's answer */
};

struct fieldseen *
fieldseen_new(void)
{
	struct fieldseen *fs = xcalloc(1, sizeof *fs);

	fs->names = kmap_new();
	return fs;
}

void
fieldseen_free(struct fieldseen *fs)
{
	if (fs == NULL)
		return;
	for (size_t i = 0; i < fs->n; i++) {
		free(fs->w[i].name);
		free(fs->w[i].what);
	}
	free(fs->w);
	kmap_free(fs->names);
	buf_free(&fs->key);
	buf_free(&fs->hint);
	free(fs);
}

static int
counts(const struct watched *w)
{
	return !w->seen && !(w->flags & EXPR_FIELD_EXISTS_ONLY);
}

void
fieldseen_watch(struct fieldseen *fs, const char *name, const char *what,
                unsigned flags)
{
	struct watched *w;
	size_t len = strlen(name);

	for (size_t i = 0; i < fs->n; i++) {
		w = &fs->w[i];
		if (w->len != len || memcmp(w->name, name, len) != 0)
			continue;
		int before = counts(w);
		/* Name the first expression that reads it outside exists(). */
		if ((w->flags & EXPR_FIELD_EXISTS_ONLY) &&
		    !(flags & EXPR_FIELD_EXISTS_ONLY)) {
			free(w->what);
			w->what = xstrdup(what);
		}
		/* Read outside exists() anywhere: not exists-only. */
		w->flags =
		    (w->flags | flags) &
		    ((w->flags & flags) | ~(unsigned)EXPR_FIELD_EXISTS_ONLY);
		fs->unseen += (size_t)(counts(w) - before);
		return;
	}
	fs->w = xrealloc(fs->w, (fs->n + 1) * sizeof *fs->w);
	w = &fs->w[fs->n++];
	memset(w, 0, sizeof *w);
	w->name = xstrdup(name);
	w->len = len;
	w->what = xstrdup(what);
	w->flags = flags;
	fs->unseen += (size_t)counts(w);
}

void
fieldseen_watch_expr(struct fieldseen *fs, const expr_t *e, const char *what)
{
	const char *const *f = expr_fields(e);

	for (size_t i = 0; f[i] != NULL; i++)
		fieldseen_watch(fs, f[i], what, expr_field_flags(e, i));
}

/* Add the names of the members o to the names seen. */
static void
gather(struct fieldseen *fs, const jobj_t *o)
{
	for (size_t i = 0; i < o->n; i++) {
		const jfield_t *f = &o->f[i];
		const char *k = f->k;
		size_t n = f->klen;
		if (kmap_len(fs->names) >= FIELDSEEN_MAX_NAMES)
			return;
		if (f->kesc) {
			buf_t q = BUF_INIT;
			buf_addc(&q, '"');
			buf_add(&q, f->k, f->klen);
			buf_addc(&q, '"');
			buf_reset(&fs->key);
			jstr_decode(q.p, q.len, &fs->key);
			buf_free(&q);
			k = fs->key.p;
			n = fs->key.len;
		}
		kmap_add(fs->names, k, n, util_hash_bytes(k, n), NULL);
	}
}

void
fieldseen_record(struct fieldseen *fs, const rec_t *r)
{
	fs->records++;
	if (fs->unseen == 0)
		return;
	for (size_t i = 0; i < fs->n; i++) {
		struct watched *w = &fs->w[i];
		if (w->seen || rec_get(r, w->name, w->len) == NULL)
			continue;
		if (counts(w))
			fs->unseen--;
		w->seen = 1;
	}
	if (fs->records <= FIRST_RECORDS || fs->records % SAMPLE == 0) {
		gather(fs, &r->obj);
		gather(fs, &r->set);
	}
}

/* Edit distance of a and b, a swap of neighbours counting one (optimal
 * string alignment), or a large number for long names. */
static size_t
distance(const char *a, size_t na, const char *b, size_t nb)
{
	size_t d[65][65];

	if (na > 64 || nb > 64)
		return SIZE_MAX;
	for (size_t i = 0; i <= na; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= nb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= na; i++)
		for (size_t j = 1; j <= nb; j++) {
			size_t c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < c)
				c = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < c)
				c = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < c)
				c = d[i - 2][j - 2] + 1;
			d[i][j] = c;
		}
	return d[na][nb];
}

const char *
fieldseen_near(struct fieldseen *fs, const char *name)
{
	size_t len = strlen(name), best = SIZE_MAX, limit = len / 3, hitn = 0;
	const char *hit = NULL;

	if (limit < 1)
		limit = 1;
	for (uint32_t id = 0; id < kmap_len(fs->names); id++) {
		size_t n;
		const char *k = kmap_key(fs->names, id, &n);
		size_t d = distance(name, len, k, n);
		if (d > 0 && d <= limit && d < best) {
			best = d;
			hit = k;
			hitn = n;
		}
	}
	if (hit == NULL)
		return NULL;
	buf_reset(&fs->hint);
	buf_add(&fs->hint, hit, hitn);
	return fs->hint.p;
}

size_t
fieldseen_warn(struct fieldseen *fs)
{
	size_t warned = 0;

	if (fs->records == 0)
		return 0;
	for (size_t i = 0; i < fs->n; i++) {
		struct watched *w = &fs->w[i];
		const char *near;
		if (!counts(w) || w->warned)
			continue;
		w->warned = 1;
		warned++;
		if (w->flags & EXPR_FIELD_VS_FIELD)
			util_warnmsg(
			    "%s reads the field '%s', which no record had; did you mean the string \"%s\"?",
			    w->what, w->name, w->name);
		else if ((near = fieldseen_near(fs, w->name)) != NULL)
			util_warnmsg(
			    "%s reads the field '%s', which no record had; did you mean %s?",
			    w->what, w->name, near);
		else
			util_warnmsg(
			    "%s reads the field '%s', which no record had",
			    w->what, w->name);
	}
	return warned;
}
