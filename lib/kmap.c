/*
 * kmap.c - a hash table from byte strings to dense ids.
 *
 * Open addressing with linear probing over a power-of-two slot array.
 * A slot holds the key's hash and its id plus one (0 marks an empty
 * slot); keys live back to back in one byte buffer, found through an
 * offset table indexed by id.  The table doubles when it is 3/4 full.
 */
#include "kmap.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

struct kslot {
	uint64_t hash;
	uint32_t id1; /* id + 1, or 0 when the slot is empty */
};

struct kmap {
	struct kslot *slot;
	size_t mask; /* slot count - 1 */
	size_t n;    /* keys */
	size_t *off; /* off[id] .. off[id + 1]: key bytes in keys */
	size_t offcap;
	buf_t keys;
};

struct kmap *
kmap_new(void)
{
	struct kmap *m = xcalloc(1, sizeof *m);

	m->mask = 15;
	m->slot = xcalloc(m->mask + 1, sizeof *m->slot);
	m->offcap = 16;
	m->off = xmalloc(m->offcap * sizeof *m->off);
	m->off[0] = 0;
	return m;
}

void
kmap_free(struct kmap *m)
{
	if (m == NULL)
		return;
	free(m->slot);
	free(m->off);
	buf_free(&m->keys);
	free(m);
}

size_t
kmap_len(const struct kmap *m)
{
	return m->n;
}

const char *
kmap_key(const struct kmap *m, uint32_t id, size_t *n)
{
	*n = m->off[id + 1] - m->off[id];
	return m->keys.p + m->off[id];
}

static int
same_key(const struct kmap *m, uint32_t id, const void *k, size_t n)
{
	/* An empty key may come as a NULL pointer: compare no bytes. */
	return m->off[id + 1] - m->off[id] == n &&
	       (n == 0 || memcmp(m->keys.p + m->off[id], k, n) == 0);
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

uint32_t
kmap_add(struct kmap *m, const void *k, size_t n, uint64_t h, int *added)
{
	size_t i = (size_t)h & m->mask;

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
	if (m->n >= UINT32_MAX - 1)
		util_die(EX_SOFTWARE, "too many keys in one table");
	m->slot[i].hash = h;
	m->slot[i].id1 = (uint32_t)(m->n + 1);
	buf_add(&m->keys, k, n);
	if (m->n + 2 > m->offcap) {
		m->offcap *= 2;
		m->off = xrealloc(m->off, m->offcap * sizeof *m->off);
	}
	m->off[m->n + 1] = m->keys.len;
	m->n++;
	if (m->n * 4 > (m->mask + 1) * 3)
		grow(m);
	if (added)
		*added = 1;
	return (uint32_t)(m->n - 1);
}
