/*
 * kmap.c - a hash table from byte strings to dense ids.
 *
 * Open addressing with linear probing over a power-of-two slot array.
 * A slot holds the key's hash and its id plus one (0 marks an empty
 * slot); keys live back to back in one byte buffer, found through a
 * table of spans indexed by id.  The table doubles when it is 3/4 full.
 *
 * Deleting a key empties its slot and shifts back the run of slots that
 * follows it, so lookups never meet tombstones; its id goes on a stack of
 * free ids that kmap_add takes from first, and its bytes become garbage,
 * which kmap_add squeezes out once it is more than half the buffer.
 */
#include "kmap.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

struct kslot {
	uint64_t hash;
	uint32_t id1; /* id + 1, or 0 when the slot is empty */
};

struct kspan {
	size_t off, len; /* the key's bytes in keys; off is SIZE_MAX for a
	                    free id */
};

struct kmap {
	struct kslot *slot;
	size_t mask;        /* slot count - 1 */
	size_t n;           /* keys */
	size_t nids;        /* ids handed out: in use or free */
	struct kspan *span; /* by id */
	size_t spancap;
	uint32_t *free; /* free ids, the last freed on top */
	size_t nfree, freecap;
	size_t garbage; /* bytes of deleted keys in keys */
	buf_t keys;
};

struct kmap *
kmap_new(void)
{
	struct kmap *m = xcalloc(1, sizeof *m);

	m->mask = 15;
	m->slot = xcalloc(m->mask + 1, sizeof *m->slot);
	return m;
}

void
kmap_free(struct kmap *m)
{
	if (m == NULL)
		return;
	free(m->slot);
	free(m->span);
	free(m->free);
	buf_free(&m->keys);
	free(m);
}

void
kmap_clear(struct kmap *m)
{
	memset(m->slot, 0, (m->mask + 1) * sizeof *m->slot);
	m->n = 0;
	m->nids = 0;
	m->nfree = 0;
	m->garbage = 0;
	buf_reset(&m->keys);
}

size_t
kmap_len(const struct kmap *m)
{
	return m->n;
}

size_t
kmap_ids(const struct kmap *m)
{
	return m->nids;
}

const char *
kmap_key(const struct kmap *m, uint32_t id, size_t *n)
{
	*n = m->span[id].len;
	return m->keys.p + m->span[id].off;
}

static int
same_key(const struct kmap *m, uint32_t id, const void *k, size_t n)
{
	/* An empty key may come as a NULL pointer: compare no bytes. */
	return m->span[id].len == n &&
	       (n == 0 || memcmp(m->keys.p + m->span[id].off, k, n) == 0);
}

long
kmap_find(const struct kmap *m, const void *k, size_t n, uint64_t h)
{
	size_t i = (size_t)h & m->mask;

	for (;; i = (i + 1) & m->mask) {
		const struct kslot *s = &m->slot[i];

		if (s->id1 == 0)
			return -1;
		if (s->hash == h && same_key(m, s->id1 - 1, k, n))
			return (long)(s->id1 - 1);
	}
}

/* Double the slot array and put every key back. */
static void
grow(struct kmap *m)
{
	size_t nmask = m->mask * 2 + 1;
	struct kslot *ns = xcalloc(nmask + 1, sizeof *ns);

	for (size_t i = 0; i <= m->mask; i++) {
		size_t j;

		if (m->slot[i].id1 == 0)
			continue;
		j = (size_t)m->slot[i].hash & nmask;
		while (ns[j].id1 != 0)
			j = (j + 1) & nmask;
		ns[j] = m->slot[i];
	}
	free(m->slot);
	m->slot = ns;
	m->mask = nmask;
}

/* Copy the keys in use to a new buffer, leaving out deleted ones. */
static void
squeeze(struct kmap *m)
{
	buf_t nk = BUF_INIT;

	buf_grow(&nk, m->keys.len - m->garbage + 1);
	for (size_t id = 0; id < m->nids; id++) {
		if (m->span[id].off == SIZE_MAX)
			continue;
		size_t off = nk.len;
		buf_add(&nk, m->keys.p + m->span[id].off, m->span[id].len);
		m->span[id].off = off;
	}
	buf_free(&m->keys);
	m->keys = nk;
	m->garbage = 0;
}

uint32_t
kmap_add(struct kmap *m, const void *k, size_t n, uint64_t h, int *added)
{
	size_t i = (size_t)h & m->mask;
	uint32_t id;

	for (;; i = (i + 1) & m->mask) {
		struct kslot *s = &m->slot[i];

		if (s->id1 == 0)
			break;
		if (s->hash == h && same_key(m, s->id1 - 1, k, n)) {
			if (added)
				*added = 0;
			return s->id1 - 1;
		}
	}
	if (m->nfree == 0 && m->nids >= UINT32_MAX - 1)
		util_die(EX_SOFTWARE, "too many keys in one table");
	if (m->garbage > 4096 && m->garbage * 2 > m->keys.len)
		squeeze(m);
	if (m->nfree > 0) {
		id = m->free[--m->nfree];
	} else {
		if (m->nids == m->spancap) {
			m->spancap = m->spancap ? m->spancap * 2 : 16;
			m->span =
			    xrealloc(m->span, m->spancap * sizeof *m->span);
		}
		id = (uint32_t)m->nids++;
	}
	m->slot[i].hash = h;
	m->slot[i].id1 = id + 1;
	m->span[id].off = m->keys.len;
	m->span[id].len = n;
	buf_add(&m->keys, k, n);
	m->n++;
	if (m->n * 4 > (m->mask + 1) * 3)
		grow(m);
	if (added)
		*added = 1;
	return id;
}

long
kmap_del(struct kmap *m, const void *k, size_t n, uint64_t h)
{
	size_t i = (size_t)h & m->mask, j;
	uint32_t id;

	for (;; i = (i + 1) & m->mask) {
		if (m->slot[i].id1 == 0)
			return -1;
		if (m->slot[i].hash == h &&
		    same_key(m, m->slot[i].id1 - 1, k, n))
			break;
	}
	id = m->slot[i].id1 - 1;
	m->slot[i].id1 = 0;
	/* Shift back each later slot of the run whose home is not in
	 * (i, j]: it would no longer be found past the hole. */
	for (j = (i + 1) & m->mask; m->slot[j].id1 != 0;
	     j = (j + 1) & m->mask) {
		size_t home = (size_t)m->slot[j].hash & m->mask;
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && home <= i && home > j)) {
			m->slot[i] = m->slot[j];
			m->slot[j].id1 = 0;
			i = j;
		}
	}
	m->garbage += m->span[id].len;
	m->span[id].off = SIZE_MAX;
	m->span[id].len = 0;
	if (m->nfree == m->freecap) {
		m->freecap = m->freecap ? m->freecap * 2 : 16;
		m->free = xrealloc(m->free, m->freecap * sizeof *m->free);
	}
	m->free[m->nfree++] = id;
	m->n--;
	return (long)id;
}
