/*
 * against.h - tingle-compare's second engine: the observed count stream
 * joined with another count stream (--against) on the window and the key
 * fields, expected = rate x the other's value.
 *
 * The engine holds the windows that one input or both have reached but
 * not yet passed.  A window is written once both inputs have passed it
 * by their data (a later window, or their end) or, with an idle time,
 * once an input that has not passed it has been quiet that long: its
 * observed records in arrival order, then a record of count 0 for each
 * key only the other input has.  The first records fix the key fields
 * and the window width both inputs must have; a record that differs is
 * bad input of its input (see settle() in against.c).
 *
 * The caller reads the two inputs (AG_OBS, AG_OTH) in the order
 * ag_read_order() gives, hands over each line and each end of input,
 * and calls ag_emit_ready() between reads.
 *
 * Ownership: the engine borrows its struct cmp_conf, and copies every
 * line it keeps.  Records go to the emit function given to ag_new().
 */
#ifndef TINGLE_AGAINST_H
#define TINGLE_AGAINST_H

#include <stdint.h>

#include "cmp.h"
#include "rio.h"

enum { AG_OBS = 0, AG_OTH = 1 }; /* the two inputs */

struct against;

/* A new join: expected = rate x the other's value; idle_ms 0 waits for
 * data (or the end) to pass a window. */
struct against *ag_new(const struct cmp_conf *cf, double rate, int64_t idle_ms,
                       cmp_emit_fn emit, void *ctx);

/* ag_free(NULL) does nothing.  Pending windows are dropped: call
 * ag_emit_ready(ag, 0, 1) first to write them. */
void ag_free(struct against *ag);

/* Take line l of input side, read at monotonic time now (ms); a line
 * that is bad input is reported (rio.h) and dropped. */
void ag_line(struct against *ag, int side, const line_t *l, int64_t now);

/* Input side has ended. */
void ag_eof(struct against *ag, int side);

/* Whether input side has ended. */
int ag_ended(const struct against *ag, int side);

/* Emit the oldest pending windows while both inputs have passed them at
 * monotonic time now; all of them when all is set. */
void ag_emit_ready(struct against *ag, int64_t now, int all);

/* Milliseconds from now until the idle time would release the oldest
 * window (0: it would now), or -1 for no limit. */
int ag_idle_timeout(struct against *ag, int64_t now);

/* The inputs to read next, in o[], the one behind first; an input far
 * ahead of the other is left out until the other catches up.  Returns
 * how many (0 when both have ended). */
int ag_read_order(const struct against *ag, int o[2]);

#endif
