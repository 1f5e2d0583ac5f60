/*
 * baseline.h - what a count should have been, from a group's own history.
 *
 * A history (struct bl_hist) keeps, for every group, just enough of its
 * past windows to give an expectation for the next one:
 *
 *   prev:N           the group's previous N windows
 *   season:PERIOD:N  the same slot (window start - k * PERIOD, k = 1..N)
 *                    in the previous N periods; a PERIOD of whole days
 *                    steps by calendar days in the current zone, so the
 *                    slot keeps its local weekday and time of day across
 *                    DST changes
 *   ewma:ALPHA       an exponentially weighted mean and variance
 *
 * Groups are numbered by the caller (dense ids, see kmap.h); the history
 * owns everything it stores.  bl_step() compares one observed value with
 * the group's expectation and then records it.
 *
 * Group keys (the keys of the kmap given to the state functions) are byte
 * strings: for each key field its name as the JSON text between the
 * quotes, byte 0x01, the value's canonical text (key_value() in key.h;
 * empty when the field is absent), byte 0x02.  Neither byte occurs in
 * either text, so the encoding is unambiguous.  A state file holds each
 * key as [[name, value], ...].
 */
#ifndef TINGLE_BASELINE_H
#define TINGLE_BASELINE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "kmap.h"
#include "util.h"

enum { BL_PREV = 1, BL_SEASON, BL_EWMA };
enum { BL_MEAN = 0, BL_MEDIAN };

/* Separators of the group key encoding. */
#define BL_KEY_EQ '\001'
#define BL_KEY_END '\002'

struct bl_spec {
	int kind;          /* BL_PREV, BL_SEASON, BL_EWMA */
	int n;             /* prev: windows; season: periods */
	int64_t period_ms; /* season: the period */
	int period_days;   /* season: the period in whole days, or 0 */
	double alpha;      /* ewma: weight of the newest window, (0, 1] */
	int stat;          /* BL_MEAN or BL_MEDIAN (prev and season) */
};

/*
 * Parse "prev:N", "season:PERIOD:N" or "ewma:ALPHA" into sp (stat is
 * left as BL_MEAN).  N and ALPHA are read as every option value is
 * (lib/optv.h): N a whole number from 1 (to 100000 for prev, 10000 for
 * season), ALPHA a number above 0 and at most 1.  Returns 0, or -1 with
 * what was expected in err, for the caller's message
 * "invalid --baseline 'SPEC' (ERR)".
 */
int bl_parse(const char *s, struct bl_spec *sp, char *err, size_t errlen);

/* Append the canonical text of the source ("season:1w:4"), without the
 * statistic. */
void bl_text(const struct bl_spec *sp, buf_t *out);

/* What bl_step() found. */
struct bl_result {
	int n;       /* values the expectation rests on (baseline_n) */
	int has_exp; /* 0: no expectation (no history) */
	double exp;  /* the expectation: mean, median or EWMA */
	int has_z;   /* 0: z cannot be computed */
	double z;    /* standard score of the observed value */
	int order;   /* BL_NEW, BL_REVISION or BL_OLD */
	int has_var; /* 0: fewer than two values back it */
	double mean; /* their mean (the expectation with the mean statistic) */
	double var;  /* their sample variance (n - 1); for ewma the EW ones */
	int has_trials; /* 1: the reference is a count of trials */
	double trials;  /* that count (compare --against: the other value) */
};

/*
 * How a window stood to the group's history: not held before (the normal
 * case, also a window that arrives out of order: prev and season compare
 * it with the windows before it and put it in its place); a revision, a
 * window the history already holds (a corrected count, as tingle-count
 * --late emit writes: it is compared with the history before that window
 * and replaces its value; ewma can revise only the newest window); or too
 * old to place (compared with nothing and not recorded): for prev, older
 * than all N windows kept; for season, more than N periods (and a day)
 * older than the newest; for ewma, older than the newest.
 */
enum { BL_NEW = 0, BL_REVISION, BL_OLD };

struct bl_hist;

/* A new, empty history for spec sp (copied). */
struct bl_hist *bl_new(const struct bl_spec *sp);

/* bl_free(NULL) does nothing. */
void bl_free(struct bl_hist *h);

/*
 * Compare the value *v observed for group g in the window starting at
 * start_ms with the group's history, fill r, and record the value.  v
 * NULL means the window has no value (a JSON null): the expectation is
 * still given but nothing is recorded and z is not computed.
 *
 * z is (v - mean) / standard deviation (sample, n - 1) with the mean
 * statistic, (v - median) / (1.4826 * MAD) with the median, and
 * (v - EWMA) / sqrt(EW variance) for ewma; it is not computed when fewer
 * than two values are known, the spread is zero, or a part of it is not
 * finite (a spread past the largest double, as with the values 5 and
 * 1e308).
 */
void bl_step(struct bl_hist *h, uint32_t g, int64_t start_ms, const double *v,
             struct bl_result *r);

/*
 * As bl_step(), but record nothing: the comparison of a window that is
 * not final (compare's "open" records).
 */
void bl_peek(struct bl_hist *h, uint32_t g, int64_t start_ms, const double *v,
             struct bl_result *r);

/* Number of groups the history has room for (highest id seen + 1). */
size_t bl_groups(const struct bl_hist *h);

/* 1 if group g holds any history. */
int bl_has(const struct bl_hist *h, uint32_t g);

/* ---- state files ---------------------------------------------------- */

/*
 * Append a complete state document to out: a format name and version,
 * the caller's configuration object (config, raw JSON text), and every
 * group of keys (group id = key id) that holds history.
 */
void bl_state_write(const struct bl_hist *h, const struct kmap *keys,
                    const char *config, buf_t *out);

/*
 * Parse a state document text[0..n) and check its format name, version
 * and shape.  Returns the document (the caller decrefs it; its "config"
 * member is the configuration object given to bl_state_write), or NULL
 * with a description of what is wrong in err.
 */
json_t *bl_state_parse(const char *text, size_t n, char *err, size_t errlen);

/*
 * Fill h and keys (both empty) with the groups of a parsed state
 * document.  Returns 0, or -1 with a description in err (h and keys then
 * hold part of the groups and should be discarded).
 */
int bl_state_groups(struct bl_hist *h, struct kmap *keys, json_t *doc,
                    char *err, size_t errlen);

/*
 * Save the same document as the file path, so that a crash at any moment
 * leaves either the old file or the new one: write a temporary file
 * "PATH.XXXXXX" in the same directory (afile.h), fsync it, rename it over
 * path, and fsync the directory.  Returns 0, or -1 with errno set and the step
 * that failed in *what ("create", "write", "fsync", "rename", ...).
 */
int bl_state_save(const struct bl_hist *h, const struct kmap *keys,
                  const char *config, const char *path, const char **what);

#endif
