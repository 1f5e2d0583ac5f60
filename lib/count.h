/*
 * count.h - tingle-count's engine: windowed group-by counts over event
 * time.
 *
 * Every event goes into the slot of the window grid that holds its time
 * (window.h: a slot is one hop of --every, or the whole window when
 * windows tumble) and, in that slot, into the cell of its group: a count
 * and the state of each aggregate.  A window is the sum of its slots.  It
 * is written once the watermark (the latest event time less the
 * lateness) passes its end, with one record per group that had events in
 * it, and a count of 0 for every group that is known but silent: seen in
 * an earlier window and not yet forgotten, or seeded (count_seed).
 *
 * Groups are identified by the canonical text of their key values
 * (key.h) in a kmap, and keep the text of their first record to write;
 * each slot holds a dense array of cells indexed by group id.  So memory
 * is the groups plus open slots x groups x cell size.
 *
 * In partial mode the engine writes the state of each slot and group
 * instead of windows (no zeros); count_merge_line reads such records from
 * any number of shards, adds them up and then writes windows exactly as
 * a single run would.
 *
 * Output goes to rio_out (rio.h), one rio_out_record() per record;
 * diagnostics about input lines go through rio_note_input and
 * rio_bad_input.  The engine owns all its memory; count_free() releases
 * it.
 */
#ifndef TINGLE_COUNT_H
#define TINGLE_COUNT_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "rio.h"
#include "util.h"

/* Aggregate kinds, in the order of their option names. */
enum {
	COUNT_AGG_DISTINCT,
	COUNT_AGG_SUM,
	COUNT_AGG_MIN,
	COUNT_AGG_MAX,
	COUNT_AGG_AVG,
};

struct count_agg_def {
	int kind;          /* COUNT_AGG_ */
	const char *field; /* borrowed */
};

/*
 * What a run counts and how.  Set it up with count_conf_init, add keys
 * and aggregates with count_conf_key and count_conf_agg, set the rest,
 * and give it to count_new.  Strings are borrowed: they must outlive the
 * engine (option arguments do).
 */
struct count_conf {
	int64_t width, every; /* -w, --every (0: tumbling) */
	int all;              /* -w all: one window over the whole input,
	                         written at the end with the first and last
	                         event time as its bounds */
	int week_start;       /* 0 Monday, 6 Sunday */
	int64_t lateness;     /* --lateness */
	int lateness_all;     /* --lateness all: every window stays open
	                         until the end of input */
	int64_t forget;       /* --forget; -1: never */
	int64_t max_ahead;    /* --max-ahead; 0: no limit */
	const char *max_ahead_arg;
	long long max_fill; /* --max-fill; 0: no limit */
	int64_t idle;       /* --idle; 0: none */
	int64_t late_keep;  /* --late-keep; -1: the window width */
	int late_emit;      /* --late emit */
	int open_emit;      /* --open emit: at the end of input, write the
	                       windows that have not ended by the clock
	                       (rio_now_ms) with "open": true; else they are
	                       held back */
	int partial;        /* --partial */
	size_t max_groups;  /* --max-groups */
	const char *time_field;
	const char *tz; /* for the partial signature; NULL is UTC */

	const char **keys; /* -k fields, in order */
	size_t nkeys;
	struct count_agg_def *aggs;
	size_t naggs;
	char **each; /* --each fields (owned) */
	size_t neach;
	buf_t err; /* the last error message */
};

/* Defaults: as tingle-count without options. */
void count_conf_init(struct count_conf *cf);

/*
 * Add a -k field.  Returns NULL, or a message (in cf->err) when it is
 * empty or given twice.
 */
const char *count_conf_key(struct count_conf *cf, const char *path);

/*
 * Add the comma-separated --each fields of list: each record is then
 * counted once in each field's group, written with "dimension" (the
 * field's name) and "value" (its value, null when the record has none)
 * after the -k fields.  Returns NULL, or a message (an empty or repeated
 * field).  Note that the each paths point into cf: cf must outlive the
 * engine.
 */
const char *count_conf_each(struct count_conf *cf, const char *list);

/* Add an aggregate.  Returns NULL, or a message (empty, given twice). */
const char *count_conf_agg(struct count_conf *cf, int kind, const char *field);

/* The option name of an aggregate kind ("distinct", "sum", ...). */
const char *count_agg_name(int kind);

/* Free what count_conf_init and the adders allocated. */
void count_conf_free(struct count_conf *cf);

struct count;

/*
 * A new engine for cf (read, not kept: the engine copies what it needs
 * except the borrowed strings).  Returns NULL with *err set (valid until
 * cf is freed) when the windows or the keys cannot be (a width that is
 * not a multiple of the hop, a -k field named like a field count writes).
 */
struct count *count_new(struct count_conf *cf, const char **err);

/* Show every record count_line reads to fs (lib/fieldseen.h), which the
 * caller owns and frees after count_free; NULL stops it. */
struct fieldseen;
void count_watch(struct count *cn, struct fieldseen *fs);

/* Count the NDJSON line l (late events, bad lines: reported). */
void count_line(struct count *cn, const line_t *l);

/* Add the partial record on line l (a --merge run). */
void count_merge_line(struct count *cn, const line_t *l);

/*
 * Seed the group of record r's key fields (--keys): it gets zeros from
 * its first window on and is never forgotten.  With --each, r seeds a
 * group for each --each field it has, or, when it has "dimension" and
 * "value" (a record as --each writes it), that dimension's group.
 */
void count_seed(struct count *cn, const rec_t *r);

/* Number of groups seeded or seen and still given zeros. */
size_t count_nfill(const struct count *cn);

/*
 * Before the first line: start the idle clock (with --idle and seeded
 * groups, event time runs from now even before any event).
 */
void count_start(struct count *cn);

/*
 * With --idle: count_input notes that a line came; count_idle_timeout
 * tells how long a read may wait before the idle clock matters
 * (milliseconds, or -1 for no limit); count_idle_tick, called when such
 * a wait ends with no input, moves the watermark on with the clock once
 * input has been quiet long enough, and writes what that closes.
 */
void count_input(struct count *cn);
int count_idle_timeout(struct count *cn);
void count_idle_tick(struct count *cn);

/*
 * At the end of input: write every window still to be written (all that
 * is left, as partial records, in partial mode).  A window that has not
 * ended by the clock (rio_now_ms: TINGLE_NOW, else the wall clock) is
 * not final: held back, or written with "open": true under open_emit.
 * The -w all window is always written.
 */
void count_finish(struct count *cn);

/* Late events that were not counted. */
unsigned long count_late_dropped(const struct count *cn);

/*
 * Values of aggregate i's field that were not numbers (reported for the
 * first aggregate of each field only); *field is set to the field.
 */
size_t count_agg_nbad(const struct count *cn, size_t i, const char **field);

/* count_free(NULL) does nothing. */
void count_free(struct count *cn);

#endif
