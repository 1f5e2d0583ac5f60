/*
 * verdict.h - the last step of tingle-compare: each compared record of a
 * window judged against its expectation and written, with its
 * significance (p, q) and, with --peers, its expectation scaled by how
 * its peers did.
 *
 * The records of one window are held until the window is complete, as q
 * (Benjamini-Hochberg over every group of the window) and the peers'
 * scale need all of them: vd_add() writes the held window when a record
 * of another window arrives; the caller calls vd_flush() when it knows
 * the window is complete (the join's window boundary, the end of input,
 * input quiet for a while).
 *
 * What each record gets, in this order after its own fields:
 *   expected   the expectation (scaled by the peers' ratio with --peers)
 *   ratio      observed / expected (null when expected is 0)
 *   delta      observed - expected
 *   z          the standard score against the group's own history
 *   p          probability of a count at least this far from expected in
 *              the observed direction (see vd_p())
 *   q          p adjusted by Benjamini-Hochberg over the window's p values
 *   peer_ratio with --peers: the peers' observed / expected (null: none)
 *   baseline_n the values the expectation rests on
 *   baseline   the name of the source
 *
 * Ownership: the verdict copies what it holds; its struct vd_conf and
 * the strings in it are borrowed and must outlive it.  Records are
 * written to rio_out (rio.h).
 */
#ifndef TINGLE_VERDICT_H
#define TINGLE_VERDICT_H

#include <stddef.h>
#include <stdint.h>

#include "baseline.h"
#include "cmp.h"
#include "json.h"

struct vd_conf {
	long min_baseline;    /* expected is null below this baseline_n */
	const char *baseline; /* the "baseline" value, JSON text */
	const char *peers;    /* --peers FIELD, or NULL */
	int trials;           /* the reference counts trials (binomial) */
};

struct verdict;

struct verdict *vd_new(const struct vd_conf *cf);

/* vd_free(NULL) does nothing; what is held is dropped (vd_flush first). */
void vd_free(struct verdict *vd);

/*
 * Hold record r (copied) of window w with observed value v (vt CMP_NUM
 * or CMP_NULL) and expectation res; first write the held records if
 * they belong to another window.
 */
void vd_add(struct verdict *vd, const rec_t *r, const struct cmp_win *w, int vt,
            double v, const struct bl_result *res);

/* Judge and write the held records, in the order they came. */
void vd_flush(struct verdict *vd);

/* Number of records held. */
size_t vd_held(const struct verdict *vd);

/*
 * The one-sided p value of the whole count k >= 0 against expectation
 * mu >= 0: P(X >= k) when k >= mu, else P(X <= k), where X is binomial
 * with n trials of probability mu / n when trials is set and n (whole)
 * holds k and mu; else negative binomial with mean mu and size
 * mean^2 / (var - mean) when var > mean > 0 (the history's values are
 * overdispersed); else Poisson with mean mu.  NaN when k is not a whole
 * number >= 0 or mu is not a finite number >= 0.
 */
double vd_p(double k, double mu, int trials, double n, int has_var, double mean,
            double var);

#endif
