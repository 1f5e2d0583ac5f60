/*
 * stitch.h - the engine of tingle-stitch: the records that belong
 * together, by key.
 *
 * Merge modes write one record per key (per mail message with a
 * preset) once it ends: when --end holds for one of its records, when
 * the mail log says the message left the queue, or, marked
 * "complete": false, when --timeout passed since its last record, when
 * --max-open pushed it out, or when the run ends.
 *
 *   STITCH_MERGE    the members of the key's records, first value wins;
 *                   a --collect field gathers every value into a list;
 *                   then end_ts, records and complete
 *   STITCH_POSTFIX  one record per Postfix message from tingle-parse -f
 *                   postfix records (queue_id, ts, end_ts, client, uid,
 *                   from, size, nrcpt, message_id, subject, deliveries,
 *                   ...), a content filter's re-injection ("queued as")
 *                   followed into the same message, NOQUEUE lines
 *                   written as they came
 *   STITCH_EXIM     the same from tingle-parse -f exim records
 *   STITCH_EXPECT   every --start record is written with "matched":
 *                   true and its latency when an --expect record of its
 *                   key follows within --within, else with "matched":
 *                   false once the watermark passes that time
 *
 * Ownership: the engine owns everything it holds; it borrows the
 * expressions and names of its conf (which must outlive it) and the
 * records given to stitch_add (for that call only).  Records are
 * appended to the output buffer given to stitch_new, and written() is
 * called after each.
 *
 * Memory: one slot per open key (per pending start in expect mode)
 * holding the bytes it will write; see tingle-stitch(1), MEMORY.
 */
#ifndef TINGLE_STITCH_H
#define TINGLE_STITCH_H

#include <stddef.h>
#include <stdint.h>

#include "expr.h"
#include "json.h"
#include "ttime.h"
#include "util.h"

enum { STITCH_MERGE, STITCH_POSTFIX, STITCH_EXIM, STITCH_EXPECT };

struct stitch_conf {
	int mode;
	const char *const *keys; /* key fields (dotted paths); presets:
	                            queue_id when none */
	size_t nkeys;
	expr_t *end;                /* STITCH_MERGE, or NULL */
	expr_t *start, *expect;     /* STITCH_EXPECT */
	const char *const *collect; /* STITCH_MERGE: fields gathered */
	size_t ncollect;
	const char *time_field; /* the time member ("ts") */
	int64_t timeout;        /* ms after a key's last record; 0: none */
	int64_t within;         /* STITCH_EXPECT, ms */
	size_t max_open;        /* keys (starts) held open; 0: no limit */
};

typedef struct stitch stitch_t;

/* A new engine writing to out.  Never fails (allocation failure exits). */
stitch_t *stitch_new(const struct stitch_conf *c, buf_t *out,
                     void (*written)(void));

/*
 * Take record r, whose event time is t.  Returns 0, or -1 when an
 * expression failed at run time (the message in err; the record then
 * counts as not matching it).
 */
int stitch_add(stitch_t *s, const rec_t *r, const tstamp_t *t, buf_t *err);

/* The watermark moved to wm (ms): write the keys whose --timeout, and the
 * starts whose --within, ended before it. */
void stitch_advance(stitch_t *s, int64_t wm);

/* Write everything still open, oldest first, as incomplete (or, in
 * expect mode, as matched: false) and forget it. */
void stitch_close_all(stitch_t *s);

/* Keys (starts) open now. */
size_t stitch_nopen(const stitch_t *s);

/* Records written incomplete because --max-open was reached. */
unsigned long stitch_evicted(const stitch_t *s);

/* Records left out because they had none of the key fields (merge and
 * expect modes; the presets leave out records without a queue id
 * without counting them). */
unsigned long stitch_nokey(const stitch_t *s);

/* stitch_free(NULL) does nothing. */
void stitch_free(stitch_t *s);

#endif
