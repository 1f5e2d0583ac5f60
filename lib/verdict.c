/*
 * verdict.c - the records of a window judged and written: expectation
 * (scaled by the peers), ratio, delta, z, p, q.  See verdict.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "key.h"
#include "rio.h"
#include "stats.h"
#include "verdict.h"

/* A held record. */
struct vd_item {
	size_t off, len;       /* the record's text in vd->text */
	size_t mem, nmem;      /* its members in vd->mem and vd->moff */
	size_t peer, peer_len; /* its --peers value (canonical) in vd->text */
	int vt;                /* CMP_NUM or CMP_NULL */
	double v;
	struct bl_result res;
	int has_exp;  /* an expectation, backed by min_baseline values */
	double exp;   /* it, scaled by the peers */
	int has_peer; /* a peer ratio */
	double peer_ratio;
	double p, q; /* NaN: none */
};

struct verdict {
	const struct vd_conf *cf;
	struct vd_item *it;
	size_t n, cap;
	buf_t text;
	jfield_t *mem; /* the members of the held records (pointers unused) */
	size_t *moff;  /* their key and value offsets in their record */
	size_t nmem, memcap;
	int64_t start, end; /* the window held */
	rec_t rec;
	buf_t num;
	double *pv, *qv;
	size_t pcap;
	size_t *order; /* item indices by peer value */
	size_t ocap;
};

struct verdict *
vd_new(const struct vd_conf *cf)
{
	struct verdict *vd = xcalloc(1, sizeof *vd);

	vd->cf = cf;
	return vd;
}

void
vd_free(struct verdict *vd)
{
	if (vd == NULL)
		return;
	free(vd->it);
	free(vd->mem);
	free(vd->moff);
	buf_free(&vd->text);
	rec_free(&vd->rec);
	buf_free(&vd->num);
	free(vd->pv);
	free(vd->qv);
	free(vd->order);
	free(vd);
}

size_t
vd_held(const struct verdict *vd)
{
	return vd->n;
}

void
vd_add(struct verdict *vd, const rec_t *r, const struct cmp_win *w, int vt,
       double v, const struct bl_result *res)
{
	struct vd_item *it;

	if (vd->n > 0 && (w->start != vd->start || w->end != vd->end))
		vd_flush(vd);
	vd->start = w->start;
	vd->end = w->end;
	if (vd->n == vd->cap) {
		vd->cap = vd->cap ? vd->cap * 2 : 64;
		vd->it = xrealloc(vd->it, vd->cap * sizeof *vd->it);
	}
	it = &vd->it[vd->n++];
	memset(it, 0, sizeof *it);
	it->off = vd->text.len;
	it->len = r->len;
	buf_add(&vd->text, r->line, r->len);
	if (vd->nmem + r->obj.n > vd->memcap) {
		while (vd->nmem + r->obj.n > vd->memcap)
			vd->memcap = vd->memcap ? vd->memcap * 2 : 256;
		vd->mem = xrealloc(vd->mem, vd->memcap * sizeof *vd->mem);
		vd->moff =
		    xrealloc(vd->moff, 2 * vd->memcap * sizeof *vd->moff);
	}
	it->mem = vd->nmem;
	it->nmem = r->obj.n;
	for (size_t i = 0; i < r->obj.n; i++) {
		vd->mem[vd->nmem] = r->obj.f[i];
		vd->moff[2 * vd->nmem] = (size_t)(r->obj.f[i].k - r->line);
		vd->moff[2 * vd->nmem + 1] = (size_t)(r->obj.f[i].v - r->line);
		vd->nmem++;
	}
	it->vt = vt;
	it->v = v;
	it->res = *res;
	it->has_exp = res->has_exp && res->n >= vd->cf->min_baseline;
	it->exp = res->exp;
	if (vd->cf->peers != NULL) {
		const jfield_t *f =
		    rec_get(r, vd->cf->peers, strlen(vd->cf->peers));

		/* 0x01 first: an absent field is a value of its own. */
		it->peer = vd->text.len;
		if (f != NULL) {
			buf_addc(&vd->text, '\002');
			key_value(&vd->text, f->v, f->vlen, f->type);
		} else {
			buf_addc(&vd->text, '\001');
		}
		it->peer_len = vd->text.len - it->peer;
	}
}

double
vd_p(double k, double mu, int trials, double n, int has_var, double mean,
     double var)
{
	int up = k >= mu;

	if (!(k >= 0) || k != floor(k) || !(mu >= 0) || !isfinite(mu) ||
	    !isfinite(k))
		return NAN;
	if (trials && n >= k && n > 0 && n == floor(n) && isfinite(n) &&
	    mu <= n) {
		double pr = mu / n;

		return up ? st_binom_ge(k, n, pr) : st_binom_le(k, n, pr);
	}
	if (has_var && mean > 0 && var > mean && isfinite(var)) {
		double r = mean * mean / (var - mean);

		return up ? st_nbinom_ge(k, r, mu) : st_nbinom_le(k, r, mu);
	}
	return up ? st_pois_ge(k, mu) : st_pois_le(k, mu);
}

/* Peer values compared by their bytes. */
static int
peer_cmp(const void *a, const void *b, void *ctx)
{
	const struct verdict *vd = ctx;
	const struct vd_item *x = &vd->it[*(const size_t *)a];
	const struct vd_item *y = &vd->it[*(const size_t *)b];
	size_t m = x->peer_len < y->peer_len ? x->peer_len : y->peer_len;
	int c = memcmp(vd->text.p + x->peer, vd->text.p + y->peer, m);

	if (c != 0)
		return c;
	if (x->peer_len != y->peer_len)
		return x->peer_len < y->peer_len ? -1 : 1;
	return (*(const size_t *)a > *(const size_t *)b) -
	       (*(const size_t *)a < *(const size_t *)b);
}

static int
same_peer(const struct verdict *vd, size_t a, size_t b)
{
	const struct vd_item *x = &vd->it[a], *y = &vd->it[b];

	return x->peer_len == y->peer_len &&
	       memcmp(vd->text.p + x->peer, vd->text.p + y->peer,
	              x->peer_len) == 0;
}

/* Whether item x counts in its peers' totals: an observed number and an
 * expectation. */
static int
peer_usable(const struct vd_item *x)
{
	return x->vt == CMP_NUM && x->has_exp && isfinite(x->exp);
}

/*
 * Scale each expectation by its peers' ratio, leaving the item itself
 * out: sum of the others' observed over the sum of their expected, among
 * the items with the same --peers value.  An item with no usable peer,
 * or peers that expected nothing, keeps its own expectation.
 */
static void
scale_by_peers(struct verdict *vd)
{
	size_t i = 0;

	if (vd->n > vd->ocap) {
		vd->ocap = vd->n;
		vd->order = xrealloc(vd->order, vd->ocap * sizeof *vd->order);
	}
	for (size_t j = 0; j < vd->n; j++)
		vd->order[j] = j;
	qsort_r(vd->order, vd->n, sizeof *vd->order, peer_cmp, vd);
	while (i < vd->n) {
		size_t e = i + 1;
		double so = 0, se = 0;
		size_t nu = 0;

		while (e < vd->n && same_peer(vd, vd->order[i], vd->order[e]))
			e++;
		for (size_t j = i; j < e; j++) {
			const struct vd_item *x = &vd->it[vd->order[j]];

			if (peer_usable(x)) {
				so += x->v;
				se += x->exp;
				nu++;
			}
		}
		for (size_t j = i; j < e; j++) {
			struct vd_item *x = &vd->it[vd->order[j]];
			double o = so, ex = se;
			size_t m = nu;

			if (peer_usable(x)) {
				o -= x->v;
				ex -= x->exp;
				m--;
			}
			if (m == 0 || !(ex > 0) || !isfinite(o / ex))
				continue;
			x->has_peer = 1;
			x->peer_ratio = o / ex;
			x->exp *= x->peer_ratio;
		}
		i = e;
	}
}

static void
num_set(struct verdict *vd, const char *field, double d)
{
	buf_reset(&vd->num);
	jw_stat(&vd->num, d);
	rec_set(&vd->rec, field, vd->num.p, vd->num.len);
}

static void
null_set(struct verdict *vd, const char *field)
{
	rec_set(&vd->rec, field, "null", 4);
}

static void
write_item(struct verdict *vd, const struct vd_item *it)
{
	int obs = it->vt == CMP_NUM, has_exp = it->has_exp;
	const char *msg;
	size_t col;

	/* The text was scanned when it came. */
	if (rec_scan(&vd->rec, vd->text.p + it->off, it->len, &col, &msg) < 0)
		util_die(EX_SOFTWARE, "held record no longer scans: %s", msg);
	if (has_exp)
		num_set(vd, "expected", it->exp);
	else
		null_set(vd, "expected");
	if (has_exp && obs && it->exp != 0)
		num_set(vd, "ratio", it->v / it->exp);
	else
		null_set(vd, "ratio");
	if (has_exp && obs)
		num_set(vd, "delta", it->v - it->exp);
	else
		null_set(vd, "delta");
	if (has_exp && obs && it->res.has_z)
		num_set(vd, "z", it->res.z);
	else
		null_set(vd, "z");
	if (!isnan(it->p))
		num_set(vd, "p", it->p);
	else
		null_set(vd, "p");
	if (!isnan(it->q))
		num_set(vd, "q", it->q);
	else
		null_set(vd, "q");
	if (vd->cf->peers != NULL) {
		if (it->has_peer)
			num_set(vd, "peer_ratio", it->peer_ratio);
		else
			null_set(vd, "peer_ratio");
	}
	num_set(vd, "baseline_n", it->res.n);
	rec_set(&vd->rec, "baseline", vd->cf->baseline,
	        strlen(vd->cf->baseline));
	rec_write(&vd->rec, &rio_out);
	rio_out_record();
}

void
vd_flush(struct verdict *vd)
{
	if (vd->n == 0)
		return;
	if (vd->cf->peers != NULL)
		scale_by_peers(vd);
	if (vd->n > vd->pcap) {
		vd->pcap = vd->n;
		vd->pv = xrealloc(vd->pv, vd->pcap * sizeof *vd->pv);
		vd->qv = xrealloc(vd->qv, vd->pcap * sizeof *vd->qv);
	}
	for (size_t i = 0; i < vd->n; i++) {
		struct vd_item *it = &vd->it[i];
		const struct bl_result *r = &it->res;

		it->p = NAN;
		if (it->vt == CMP_NUM && it->has_exp)
			it->p = vd_p(it->v, it->exp, vd->cf->trials,
			             r->has_trials ? r->trials : NAN,
			             r->has_var, r->mean, r->var);
		vd->pv[i] = it->p;
	}
	st_bh(vd->pv, vd->qv, vd->n);
	for (size_t i = 0; i < vd->n; i++) {
		vd->it[i].q = vd->qv[i];
		write_item(vd, &vd->it[i]);
	}
	vd->n = 0;
	vd->nmem = 0;
	buf_reset(&vd->text);
}
