/*
 * report.h - tingle-report's engine: the compared windows of each group
 * and the alert episodes of each rule, gathered from records, put in
 * order, and drawn as HTML with inline SVG (report_html) or as text
 * with sparklines (report_text).
 *
 * A record with an "alert" field is an alert record (tingle-alert); any
 * other is a window of a group (tingle-count or tingle-compare).  A
 * record's group is its fields that no stage writes about a window or an
 * alert (key_written_by), its identity the canonical text of their
 * values (key_value), as in every other stage.
 *
 * An alert episode of a rule and group runs from the first window in
 * which the rule fired to the window in which it resolved, or, when it
 * never resolved, to the end of the group's last window (or of its last
 * firing window, if later).  With hopping
 * windows (a 24 h window every hour) a window stands for its last hop,
 * the part of time it alone adds.
 *
 * Ownership: report_new() returns a report that report_free() frees;
 * report_add() copies what it keeps of a record.  The structures below
 * are the engine's; renderers read them after report_finish() and never
 * change them.  Nothing here exits or writes but the renderers into the
 * buffer they are given.  The output depends only on the records and
 * the options (and the process's zone, see ttime.h): never on the time
 * of the run.
 */
#ifndef TINGLE_REPORT_H
#define TINGLE_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "util.h"

/* One window of a group. */
struct report_point {
	int64_t start, end; /* window_start, window_end, ms */
	double obs;         /* observed: count or --value */
	double exp;         /* expected, NAN when none */
	double z;           /* z, NAN when none */
	double p;           /* p, NAN when none */
	int open;           /* "open": true, a window not yet final */
	uint32_t seq;       /* input order, to keep the later duplicate */
};

/* One episode of an alert rule for a group. */
struct report_episode {
	uint32_t rule;   /* index into report.rules */
	uint32_t group;  /* index into report.groups */
	int64_t from;    /* ms */
	int64_t to;      /* ms */
	int ongoing;     /* firing at the end of the input */
	unsigned alerts; /* alert records of the episode */
};

struct report_group {
	char *key; /* canonical key text (see key.h), owned */
	size_t keylen;
	char *name; /* in words: "segment = Sun", "all records" */
	struct report_point *pt;
	size_t npt, cap;
	size_t *ep; /* its episodes, indexes into report.eps */
	size_t nep, epcap;
	double min_p;  /* smallest p, NAN when none */
	double max_z;  /* largest |z| (compare's, else Poisson), NAN */
	int64_t width; /* its longest window, ms */
	int64_t hop;   /* the step of its overlapping windows, or 0 */
};

struct report_rule {
	char *name;
	size_t neps;         /* episodes */
	int64_t firing_ms;   /* their total length */
	int64_t first, last; /* start of the first and of the last episode */
};

/* An alert record as read, until report_finish() makes episodes. */
struct report_alert {
	uint32_t rule, group;
	int64_t start, end; /* its window */
	int resolved;
};

typedef struct report {
	struct report_group *groups; /* most significant first, once finished */
	size_t ngroups, gcap;
	struct report_rule *rules; /* by name */
	size_t nrules, rcap;
	struct report_episode *eps; /* by start, rule, group */
	size_t neps, ecap;
	struct report_alert *alerts;
	size_t nalerts, acap;
	size_t nwindows;    /* window records read */
	int64_t t_lo, t_hi; /* first window start, last window end */
	int64_t width, hop; /* of every group alike; -1 when they differ */
	int days;           /* every window is a calendar day */
	struct kmap *gmap, *rmap; /* group key, rule name -> index */
	uint32_t seq;
	const char *value; /* --value field, default "count" */
	buf_t scratch, kbuf;
} report_t;

/* What the renderers are asked for. */
struct report_opts {
	const char *title; /* default "tingle report" */
	const char *zone;  /* the zone's name for the page, or NULL (UTC) */
	size_t max_charts; /* groups drawn, the rest listed (0: all) */
	size_t max_rows;   /* rows of the episode and group lists */
};

/* A new, empty report.  value names the observed field (NULL: count). */
report_t *report_new(const char *value);

/*
 * Add record r.  Returns 0, or -1 with *why set to a static description
 * (for a diagnostic) when the record cannot be placed: no readable
 * window_start or window_end, an observed value that is not a number, an
 * alert without a rule name or state.
 */
int report_add(report_t *rp, const rec_t *r, const char **why);

/* Sort the windows of each group, make the episodes and the rules'
 * totals, and order the groups, most significant first: those with an
 * episode, then by smallest p, then by largest |z|, then by name. */
void report_finish(report_t *rp);

/* Append the report as one self-contained HTML page to out. */
void report_html(const report_t *rp, const struct report_opts *o, buf_t *out);

/* Append the report as text of at most 80 columns to out. */
void report_text(const report_t *rp, const struct report_opts *o, buf_t *out);

void report_free(report_t *rp);

/* ---- shared by the renderers ---------------------------------------- */

/* The y value of the band's edges around expected e for point pt:
 * e -+ 2 sigma, sigma from pt's z when given, else sqrt(e). */
void report_band(const struct report_point *pt, double *lo, double *hi);

/* The interval window pt of group g stands for on a time axis:
 * [*x0, *x1). */
void report_span(const struct report_group *g, const struct report_point *pt,
                 int64_t *x0, int64_t *x1);

/* Append ms as "2026-04-29 13:00" in the process's zone ("2026-04-29"
 * when date_only). */
void report_time(buf_t *out, int64_t ms, int date_only);

/* Append a duration, "2d", "1d2h", "45m". */
void report_duration(buf_t *out, int64_t ms);

/* Append a number for people: whole numbers as such, others with up to
 * 3 significant digits after the point ("17.1", "0.0585"). */
void report_num(buf_t *out, double v);

/* Weeks (starting Monday, in the zone) from the first window to the last:
 * the start of week i is report_week(rp, i), for i < report_nweeks(rp). */
size_t report_nweeks(const report_t *rp);
int64_t report_week(const report_t *rp, size_t i);

/* Episodes of rule r starting in week i. */
size_t report_week_eps(const report_t *rp, uint32_t r, size_t i);

#endif
