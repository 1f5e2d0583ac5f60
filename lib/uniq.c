/*
 * uniq.c - a set of keys that forgets each one a fixed span of event
 * time after it was first seen.
 *
 * Entries live in a pool with a free list, chained from a bucket array
 * by hash.  A second array, a ring, holds the entries in the order they
 * were added; since each is stamped with the watermark at that moment,
 * which never goes back, the ring is in time order and forgetting is
 * popping from its head.
 */
#include "uniq.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define NIL UINT32_MAX

struct uent {
	uint64_t h;
	int64_t seen; /* the watermark when the key was added */
	char *k;
	size_t n;
	uint32_t next; /* in its bucket's chain, or in the free list */
};

struct uniq {
	int64_t within; /* ms; 0: forever */
	size_t max;
	int64_t wm; /* the watermark */
	int has_wm;

	uint32_t *bucket; /* first entry of each chain, or NIL */
	size_t nb;        /* a power of two */
	struct uent *ent;
	size_t cap, used; /* pool size, slots ever used */
	uint32_t free;    /* free list */
	size_t live;

	uint32_t *ring; /* entries in the order they were added */
	size_t rcap, rhead, rlen;
};

struct uniq *
uniq_new(int64_t within_ms, size_t max)
{
	struct uniq *u = xcalloc(1, sizeof *u);

	u->within = within_ms;
	u->max = max;
	u->nb = 64;
	u->bucket = xmalloc(u->nb * sizeof *u->bucket);
	memset(u->bucket, 0xff, u->nb * sizeof *u->bucket);
	u->free = NIL;
	return u;
}

void
uniq_free(struct uniq *u)
{
	if (u == NULL)
		return;
	for (size_t i = 0; i < u->used; i++)
		free(u->ent[i].k);
	free(u->ent);
	free(u->bucket);
	free(u->ring);
	free(u);
}

size_t
uniq_len(const struct uniq *u)
{
	return u->live;
}

static void
rehash(struct uniq *u)
{
	size_t nb = u->nb * 2;
	uint32_t *b = xmalloc(nb * sizeof *b);

	memset(b, 0xff, nb * sizeof *b);
	for (size_t i = 0; i < u->nb; i++) {
		uint32_t e = u->bucket[i], nx;
		for (; e != NIL; e = nx) {
			nx = u->ent[e].next;
			size_t j = (size_t)(u->ent[e].h & (nb - 1));
			u->ent[e].next = b[j];
			b[j] = e;
		}
	}
	free(u->bucket);
	u->bucket = b;
	u->nb = nb;
}

/* Forget the oldest key. */
static void
forget_oldest(struct uniq *u)
{
	uint32_t e = u->ring[u->rhead];
	uint32_t *p = &u->bucket[u->ent[e].h & (u->nb - 1)];

	while (*p != e)
		p = &u->ent[*p].next;
	*p = u->ent[e].next;
	free(u->ent[e].k);
	u->ent[e].k = NULL;
	u->ent[e].next = u->free;
	u->free = e;
	u->live--;
	u->rhead = (u->rhead + 1) % u->rcap;
	u->rlen--;
}

static void
ring_push(struct uniq *u, uint32_t e)
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
	u->ring[(u->rhead + u->rlen++) % u->rcap] = e;
}

int
uniq_see(struct uniq *u, const char *k, size_t n, int has_time, int64_t t_ms)
{
	uint64_t h = util_hash_bytes(k, n);
	uint32_t e;

	if (has_time && (!u->has_wm || t_ms > u->wm)) {
		u->wm = t_ms;
		u->has_wm = 1;
	}
	if (u->within > 0)
		while (u->rlen > 0 &&
		       u->ent[u->ring[u->rhead]].seen <= u->wm - u->within)
			forget_oldest(u);
	for (e = u->bucket[h & (u->nb - 1)]; e != NIL; e = u->ent[e].next)
		if (u->ent[e].h == h && u->ent[e].n == n &&
		    memcmp(u->ent[e].k, k, n) == 0)
			return UNIQ_REPEAT;
	if (u->live >= u->max)
		return UNIQ_FULL;
	if (u->free != NIL) {
		e = u->free;
		u->free = u->ent[e].next;
	} else {
		if (u->used == u->cap) {
			u->cap = u->cap ? u->cap * 2 : 64;
			u->ent = xrealloc(u->ent, u->cap * sizeof *u->ent);
		}
		e = (uint32_t)u->used++;
	}
	u->ent[e].h = h;
	u->ent[e].seen = u->wm;
	u->ent[e].k = xmalloc(n ? n : 1);
	memcpy(u->ent[e].k, k, n);
	u->ent[e].n = n;
	u->ent[e].next = u->bucket[h & (u->nb - 1)];
	u->bucket[h & (u->nb - 1)] = e;
	u->live++;
	if (u->within > 0)
		ring_push(u, e);
	if (u->live > u->nb)
		rehash(u);
	return UNIQ_FIRST;
}
