/*
 * history.h - tingle-compare's first engine: each count record against
 * its group's own history (--baseline prev:N, season:PERIOD:N,
 * ewma:ALPHA), kept across runs in a state file.
 *
 * A history holds every group's past windows (baseline.h) under its key
 * (cmp.h), and what the records must agree on with each other and with a
 * state file: the window width and the key field names.  The first
 * record fixes the key field names, and the first window that holds or
 * touches no change of UTC offset the width; both must be those of the
 * state file, if it knows them.
 *
 * Ownership: the history borrows its struct cmp_conf, copies the spec,
 * and borrows the zone name and state file name, which must outlive it.
 * A state file that cannot be used (written for another configuration,
 * corrupt, unwritable) ends the run with a message naming it.
 */
#ifndef TINGLE_HISTORY_H
#define TINGLE_HISTORY_H

#include "baseline.h"
#include "cmp.h"
#include "rio.h"

struct history;

/*
 * A new, empty history for the records of cf, compared by spec sp (its
 * stat says mean or median).  tz is the --tz zone name (NULL: UTC),
 * which a state file of a season baseline of whole days records.
 * state_file is the --state file (NULL: none).
 */
struct history *history_new(const struct cmp_conf *cf, const struct bl_spec *sp,
                            const char *tz, const char *state_file);

/* history_free(NULL) does nothing. */
void history_free(struct history *h);

/* Load the state file into the (empty) history h, if it exists; a state
 * file of another configuration or a corrupt one ends the run. */
void history_load(struct history *h);

/* Save h as the state file, atomically (bl_state_save); a failure ends
 * the run.  Flush what was written out before, so that the state never
 * holds a window the output lacks. */
void history_save(const struct history *h);

/*
 * Compare the record of line l with its group's history, record its
 * value, and hand it to emit; a line that is bad input is reported
 * (rio.h) and dropped.  emit may set fields on the record it is given.
 * A record with "open": true (a window still in progress) is compared
 * but its value is not recorded, so it never reaches the state file.
 */
void history_line(struct history *h, const line_t *l, cmp_emit_fn emit,
                  void *ctx);

#endif
