/*
 * uniq.c - a set of keys that forgets each one a fixed span of event
 * time after it was first seen.
 *
 * The keys live in a kmap; the watermark at which each was added, and
 * its hash, are in an array by its id.  A ring holds the ids in the order they
 * were added; since each is stamped with the watermark at that moment, which
 * never goes back, the ring is in time order and forgetting is deleting
 * the key at its head (whose id the kmap hands out again).
 */
#include "uniq.h"

#include <stdlib.h>
#include <string.h>

#include "kmap.h"
#include "util.h"

struct uniq {
	int64_t within; /* ms; 0: forever */
	size_t max;
	int64_t wm; /* the watermark */
	int has_wm;

	struct kmap *keys;
	struct ukey {
		int64_t seen; /* the watermark when the key was added */
		uint64_t h;
	} * key; /* by id; not kept when within is 0 */
	size_t cap;

	uint32_t *ring; /* ids in the order they were added */
	size_t rcap, rhead, rlen;
};

struct uniq *
uniq_new(int64_t within_ms, size_t max)
{
	struct uniq *u = xcalloc(1, sizeof *u);

	u->within = within_ms;
	u->max = max;
	u->keys = kmap_new();
	return u;
}

void
uniq_free(struct uniq *u)
{
	if (u == NULL)
		return;
	kmap_free(u->keys);
	free(u->key);
	free(u->ring);
	free(u);
}

size_t
uniq_len(const struct uniq *u)
{
	return kmap_len(u->keys);
}

/* Forget the oldest key. */
static void
forget_oldest(struct uniq *u)
{
	uint32_t id = u->ring[u->rhead];
	size_t n;
	const char *k = kmap_key(u->keys, id, &n);

	kmap_del(u->keys, k, n, u->key[id].h);
	u->rhead = (u->rhead + 1) % u->rcap;
	u->rlen--;
}

static void
ring_push(struct uniq *u, uint32_t id)
{
	if (u->rlen == u->rcap) {
		size_t cap = u->rcap ? u->rcap * 2 : 64;
		uint32_t *r = xmalloc(cap * sizeof *r);
		for (size_t i = 0; i < u->rlen; i++)
			r[i] = u->ring[(u->rhead + i) % u->rcap];
		free(u->ring);
		u->ring = r;
		u->rcap = cap;
		u->rhead = 0;
	}
	u->ring[(u->rhead + u->rlen++) % u->rcap] = id;
}

int
uniq_see(struct uniq *u, const char *k, size_t n, int has_time, int64_t t_ms)
{
	uint64_t h = util_hash_bytes(k, n);
	uint32_t id;
	int added;

	if (has_time && (!u->has_wm || t_ms > u->wm)) {
		u->wm = t_ms;
		u->has_wm = 1;
	}
	if (u->within > 0)
		while (u->rlen > 0 &&
		       u->key[u->ring[u->rhead]].seen <= u->wm - u->within)
			forget_oldest(u);
	if (kmap_len(u->keys) >= u->max)
		return kmap_find(u->keys, k, n, h) >= 0 ? UNIQ_REPEAT
		                                        : UNIQ_FULL;
	id = kmap_add(u->keys, k, n, h, &added);
	if (!added)
		return UNIQ_REPEAT;
	if (u->within == 0)
		return UNIQ_FIRST; /* kept for the whole run: no time needed */
	if (id >= u->cap) {
		u->cap = u->cap ? u->cap * 2 : 64;
		u->key = xrealloc(u->key, u->cap * sizeof *u->key);
	}
	u->key[id].seen = u->wm;
	u->key[id].h = h;
	ring_push(u, id);
	return UNIQ_FIRST;
}
