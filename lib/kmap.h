/*
 * kmap.h - a hash table from byte strings to dense ids.
 *
 * A kmap numbers the distinct keys it is given 0, 1, 2, ... in the order
 * they are first added, so a caller keeps whatever it needs per key in
 * plain arrays indexed by id.  Keys are arbitrary bytes (typically the raw
 * JSON text of a record's key fields) and are copied into the map's own
 * storage; there is no per-key allocation.  A deleted key's id is handed
 * out again by a later kmap_add (the last freed first), so ids stay
 * below the largest number of keys the map held at once.
 *
 * The caller supplies the hash (util_hash_bytes() from util.h, or any other),
 * so a key hashed once can be looked up in several maps.
 */
#ifndef TINGLE_KMAP_H
#define TINGLE_KMAP_H

#include <stddef.h>
#include <stdint.h>

struct kmap;

/* A new, empty map. */
struct kmap *kmap_new(void);

/* Free the map and its copies of the keys.  kmap_free(NULL) does nothing. */
void kmap_free(struct kmap *m);

/* Id of key k[0..n) with hash h, or -1 when it is not in the map. */
long kmap_find(const struct kmap *m, const void *k, size_t n, uint64_t h);

/*
 * Id of key k[0..n) with hash h, adding the key with the next free id
 * when it is not there yet; *added (if not NULL) is set to 1 when it was
 * added, else 0.
 */
uint32_t kmap_add(struct kmap *m, const void *k, size_t n, uint64_t h,
                  int *added);

/*
 * Delete key k[0..n) with hash h.  Returns its id, which is free from
 * then on, or -1 when the key is not in the map.  k may be the map's own
 * copy (kmap_key).
 */
long kmap_del(struct kmap *m, const void *k, size_t n, uint64_t h);

/* Empty the map, keeping its memory: ids start again at 0. */
void kmap_clear(struct kmap *m);

/* Number of keys.  Without deletion it is also the next id. */
size_t kmap_len(const struct kmap *m);

/* One more than the largest id handed out so far (in use or free): the
 * size of an array indexed by id. */
size_t kmap_ids(const struct kmap *m);

/* The key with the given id (borrowed; valid until the next kmap_add). */
const char *kmap_key(const struct kmap *m, uint32_t id, size_t *n);

#endif
