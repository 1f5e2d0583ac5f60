/*
 * uniq.h - the keys seen so far, to drop repeated records
 * (tingle-segment --unique): a set of group keys, each remembered from
 * the event time it was first seen for a fixed span, or for the whole
 * run.
 *
 * Keys are the canonical text of lib/key.c (key_value), so the same
 * value spelt two ways ("\u0061" and "a", 1 and 1.0) is one key.  The set
 * copies each key it keeps and frees it when the key is forgotten.
 * Forgetting follows event time: the latest event time seen so far (the
 * watermark), so a late record does not bring old keys back.  Memory is
 * bounded by the number of keys remembered at once, at most max.
 */
#ifndef TINGLE_UNIQ_H
#define TINGLE_UNIQ_H

#include <stddef.h>
#include <stdint.h>

struct uniq;

/*
 * A new, empty set that remembers a key for within_ms of event time
 * after it was first seen (0: for the whole run) and holds at most max
 * keys at once.
 */
struct uniq *uniq_new(int64_t within_ms, size_t max);

/* Free the set and its keys.  uniq_free(NULL) does nothing. */
void uniq_free(struct uniq *u);

/* uniq_see() results. */
enum { UNIQ_REPEAT = 0, UNIQ_FIRST = 1, UNIQ_FULL = -1 };

/*
 * See the key k[0..n) of a record with event time t_ms (has_time 0: the
 * record has none, and the watermark stands for it).  Keys older than
 * the span are forgotten first.  Returns UNIQ_FIRST when the key is not
 * remembered (it is from now on), UNIQ_REPEAT when it is, or UNIQ_FULL
 * when it is new and max keys are remembered already (the set is
 * unchanged).
 */
int uniq_see(struct uniq *u, const char *k, size_t n, int has_time,
             int64_t t_ms);

/* Number of keys remembered now. */
size_t uniq_len(const struct uniq *u);

#endif
