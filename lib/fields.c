/*
 * fields.c - the fields of one parsed line, before they become a record.
 */
#include "fields.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"

void
fields_reset(fields_t *fs)
{
	fs->n = 0;
	fs->keys = 0;
	buf_reset(&fs->store);
}

void
fields_free(fields_t *fs)
{
	free(fs->f);
	buf_free(&fs->store);
	memset(fs, 0, sizeof *fs);
}

/* The bit of fs->keys that stands for key[0..klen). */
static uint64_t
key_bit(const char *key, size_t klen)
{
	unsigned h = (unsigned)klen * 31u;

	if (klen > 0)
		h += (unsigned char)key[0] * 7u + (unsigned char)key[klen - 1];
	return (uint64_t)1 << (h & 63);
}

/* 1 if a field named key[0..klen) is there already.  Most new keys are
 * told apart by their bit alone, without a search. */
static int
fields_has(fields_t *fs, const char *key, size_t klen)
{
	uint64_t bit = key_bit(key, klen);

	if (!(fs->keys & bit)) {
		fs->keys |= bit;
		return 0;
	}
	for (size_t i = 0; i < fs->n; i++)
		if (fs->f[i].klen == klen &&
		    memcmp(fs->store.p + fs->f[i].k, key, klen) == 0)
			return 1;
	return 0;
}

static pfield_t *
fields_new(fields_t *fs, const char *key, size_t klen)
{
	pfield_t *f;

	if (fs->n == fs->cap) {
		fs->cap = fs->cap ? fs->cap * 2 : 16;
		fs->f = xrealloc(fs->f, fs->cap * sizeof *fs->f);
	}
	f = &fs->f[fs->n++];
	memset(f, 0, sizeof *f);
	f->k = fs->store.len;
	f->klen = klen;
	buf_add(&fs->store, key, klen);
	return f;
}

void
fields_add(fields_t *fs, const char *key, const char *v, size_t n, char kind)
{
	fields_addk(fs, key, strlen(key), v, n, kind);
}

void
fields_addk(fields_t *fs, const char *key, size_t klen, const char *v, size_t n,
            char kind)
{
	pfield_t *f;

	if (fields_has(fs, key, klen))
		return;
	f = fields_new(fs, key, klen);
	f->v = fs->store.len;
	f->vlen = n;
	f->kind = kind;
	buf_add(&fs->store, v, n);
}

void
fields_addz(fields_t *fs, const char *key, const char *v)
{
	fields_add(fs, key, v, strlen(v), FK_STR);
}

void
fields_add_time(fields_t *fs, const char *key, const tstamp_t *t)
{
	size_t klen = strlen(key);
	pfield_t *f;

	if (fields_has(fs, key, klen))
		return;
	f = fields_new(fs, key, klen);
	f->v = fs->store.len;
	f->vlen = 0;
	f->kind = FK_TIME;
	f->ts = *t;
}

const char *
fields_key(const fields_t *fs, size_t i, size_t *len)
{
	*len = fs->f[i].klen;
	return fs->store.p + fs->f[i].k;
}

const char *
fields_val(const fields_t *fs, size_t i, size_t *len)
{
	*len = fs->f[i].vlen;
	return fs->store.p + fs->f[i].v;
}

long
fields_find(const fields_t *fs, const char *key)
{
	size_t klen = strlen(key);

	for (size_t i = fs->n; i-- > 0;)
		if (fs->f[i].klen == klen &&
		    memcmp(fs->store.p + fs->f[i].k, key, klen) == 0)
			return (long)i;
	return -1;
}

void
fields_replace(fields_t *fs, size_t i, const char *v, size_t n, char kind)
{
	/* The old value stays in the store; records are small and the
	 * store is reset per line. v may point into the store. */
	size_t off = fs->store.len;

	if (v >= fs->store.p && v < fs->store.p + fs->store.len) {
		size_t voff = (size_t)(v - fs->store.p);
		buf_grow(&fs->store, n);
		v = fs->store.p + voff;
	}
	buf_add(&fs->store, v, n);
	fs->f[i].v = off;
	fs->f[i].vlen = n;
	fs->f[i].kind = kind;
}

void
fields_write(const fields_t *fs, buf_t *out)
{
	char tbuf[TS_MAXLEN + 1];

	buf_addc(out, '{');
	for (size_t i = 0; i < fs->n; i++) {
		const pfield_t *f = &fs->f[i];
		const char *v = fs->store.p + f->v;

		if (i > 0)
			buf_addc(out, ',');
		jw_str(out, fs->store.p + f->k, f->klen);
		buf_addc(out, ':');
		switch (f->kind) {
		case FK_NUM:
		case FK_JSON:
			buf_add(out, v, f->vlen);
			break;
		case FK_TIME: {
			size_t tl = ts_format(&f->ts, tbuf);
			buf_addc(out, '"');
			buf_add(out, tbuf, tl);
			buf_addc(out, '"');
			break;
		}
		default:
			jw_str(out, v, f->vlen);
		}
	}
	buf_addc(out, '}');
}
