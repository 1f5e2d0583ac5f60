/*
 * verdict.c - the records of a window judged and written: expectation
 * (scaled by the peers), ratio, delta, z, p, q.  See verdict.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "key.h"
#include "kmap.h"
#include "rio.h"
#include "stats.h"
#include "verdict.h"

/* The usable items of one --peers value: observed and expected summed. */
struct peer_sum {
	double o, e;
	size_t n;
};

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
	int plain;   /* none of the members it gets is in its text */
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
	int first; /* no member written yet after a plain item's text */
	size_t peers_len;
	struct st_work bh; /* st_bh_work's scratch */
	double *pv, *qv;
	size_t pcap;
	struct kmap *peer_ids; /* --peers values of the window held */
	uint32_t *group;       /* by item: its peer value's id */
	size_t gcap;
	struct peer_sum *sum; /* by peer value id */
	size_t scap;
};

struct verdict *
vd_new(const struct vd_conf *cf)
{
	struct verdict *vd = xcalloc(1, sizeof *vd);

	vd->cf = cf;
	if (cf->peers != NULL)
		vd->peers_len = strlen(cf->peers);
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
	kmap_free(vd->peer_ids);
	st_work_free(&vd->bh);
	free(vd->group);
	free(vd->sum);
	free(vd);
}

/* Whether write_item gives a record the member named k[0..n): a field
 * compare writes (lib/key's table), peer_ratio only with --peers. */
static int
written_here(const struct verdict *vd, const char *k, size_t n)
{
	const struct key_field *f = key_written_by(k, n, KEY_BY_COMPARE);

	return f != NULL &&
	       (vd->cf->peers != NULL || strcmp(f->name, "peer_ratio") != 0);
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
	it->plain = r->set.n == 0;
	for (size_t i = 0; i < r->obj.n && it->plain; i++)
		if (r->obj.f[i].kesc ||
		    written_here(vd, r->obj.f[i].k, r->obj.f[i].klen))
			it->plain = 0;
	it->mem = vd->nmem;
	it->nmem = r->obj.n;
	/* A plain item is written from its text alone: only the others
	 * keep their members, to be loaded again. */
	if (!it->plain) {
		if (vd->nmem + r->obj.n > vd->memcap) {
			while (vd->nmem + r->obj.n > vd->memcap)
				vd->memcap = vd->memcap ? vd->memcap * 2 : 256;
			vd->mem =
			    xrealloc(vd->mem, vd->memcap * sizeof *vd->mem);
			vd->moff = xrealloc(vd->moff,
			                    2 * vd->memcap * sizeof *vd->moff);
		}
		for (size_t i = 0; i < r->obj.n; i++) {
			vd->mem[vd->nmem] = r->obj.f[i];
			vd->moff[2 * vd->nmem] =
			    (size_t)(r->obj.f[i].k - r->line);
			vd->moff[2 * vd->nmem + 1] =
			    (size_t)(r->obj.f[i].v - r->line);
			vd->nmem++;
		}
	}
	it->vt = vt;
	it->v = v;
	it->res = *res;
	it->has_exp = res->has_exp && res->n >= vd->cf->min_baseline;
	it->exp = res->exp;
	if (vd->cf->peers != NULL) {
		const jfield_t *f = rec_get(r, vd->cf->peers, vd->peers_len);

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
	/* A rate of exactly 0 or 1 (every peer confirmed, or none) admits
	 * no deviation at all under the binomial: Poisson then. */
	if (trials && n >= k && n > 0 && n == floor(n) && isfinite(n) &&
	    mu > 0 && mu < n) {
		double pr = mu / n;

		return up ? st_binom_ge(k, n, pr) : st_binom_le(k, n, pr);
	}
	if (has_var && mean > 0 && var > mean && isfinite(var)) {
		double r = mean * mean / (var - mean);

		return up ? st_nbinom_ge(k, r, mu) : st_nbinom_le(k, r, mu);
	}
	return up ? st_pois_ge(k, mu) : st_pois_le(k, mu);
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
 * or peers that expected nothing, keeps its own expectation.  The sums
 * are taken in item order, whatever the grouping.
 */
static void
scale_by_peers(struct verdict *vd)
{
	size_t ng;

	if (vd->peer_ids == NULL)
		vd->peer_ids = kmap_new();
	kmap_clear(vd->peer_ids);
	if (vd->n > vd->gcap) {
		vd->gcap = vd->n;
		vd->group = xrealloc(vd->group, vd->gcap * sizeof *vd->group);
	}
	for (size_t j = 0; j < vd->n; j++) {
		const struct vd_item *x = &vd->it[j];
		const char *pv = vd->text.p + x->peer;

		/* Records of one peer value tend to come together. */
		if (j > 0 && x->peer_len == x[-1].peer_len &&
		    memcmp(pv, vd->text.p + x[-1].peer, x->peer_len) == 0) {
			vd->group[j] = vd->group[j - 1];
			continue;
		}
		vd->group[j] = kmap_add(vd->peer_ids, pv, x->peer_len,
		                        util_hash_bytes(pv, x->peer_len), NULL);
	}
	ng = kmap_ids(vd->peer_ids);
	if (ng > vd->scap) {
		vd->scap = ng;
		vd->sum = xrealloc(vd->sum, vd->scap * sizeof *vd->sum);
	}
	memset(vd->sum, 0, ng * sizeof *vd->sum);
	for (size_t j = 0; j < vd->n; j++) {
		const struct vd_item *x = &vd->it[j];
		struct peer_sum *g = &vd->sum[vd->group[j]];

		if (peer_usable(x)) {
			g->o += x->v;
			g->e += x->exp;
			g->n++;
		}
	}
	for (size_t j = 0; j < vd->n; j++) {
		struct vd_item *x = &vd->it[j];
		const struct peer_sum *g = &vd->sum[vd->group[j]];
		double o = g->o, ex = g->e;
		size_t m = g->n;

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
}

/*
 * Member name = the number d (has) or null.  A plain item's members go
 * straight to the output after its text, as rec_write would put them;
 * another's through its record, replacing the members it has.
 */
#define put_num(vd, it, name, has, d)                                          \
	put_member(vd, it, ",\"" name "\":", sizeof name + 3, has, d)

/* member is ,"name": (n bytes), so name is member + 2. */
static void
put_member(struct verdict *vd, const struct vd_item *it, const char *member,
           size_t n, int has, double d)
{
	buf_t *b = it->plain ? &rio_out : &vd->num;

	if (it->plain) {
		if (vd->first)
			buf_add(b, member + 1, n - 1);
		else
			buf_add(b, member, n);
		vd->first = 0;
	} else {
		buf_reset(b);
	}
	if (has)
		jw_stat(b, d);
	else
		buf_add(b, "null", 4);
	if (!it->plain) {
		char name[16];

		memcpy(name, member + 2, n - 4);
		name[n - 4] = '\0';
		rec_set(&vd->rec, name, vd->num.p, vd->num.len);
	}
}

static void
write_item(struct verdict *vd, const struct vd_item *it)
{
	int obs = it->vt == CMP_NUM, has_exp = it->has_exp;
	const char *text = vd->text.p + it->off;

	if (it->plain) {
		/* Up to the closing brace, the last non-blank byte. */
		const char *end = text + it->len;

		while (end > text && end[-1] != '}')
			end--;
		buf_add(&rio_out, text, (size_t)(end - 1 - text));
		vd->first = it->nmem == 0;
	} else {
		/* The text was scanned when it came. */
		rec_load(&vd->rec, text, it->len, vd->moff + 2 * it->mem,
		         vd->mem + it->mem, it->nmem);
	}
	put_num(vd, it, "expected", has_exp, it->exp);
	put_num(vd, it, "ratio", has_exp && obs && it->exp != 0,
	        it->v / it->exp);
	put_num(vd, it, "delta", has_exp && obs, it->v - it->exp);
	put_num(vd, it, "z", has_exp && obs && it->res.has_z, it->res.z);
	put_num(vd, it, "p", !isnan(it->p), it->p);
	put_num(vd, it, "q", !isnan(it->q), it->q);
	if (vd->cf->peers != NULL)
		put_num(vd, it, "peer_ratio", it->has_peer, it->peer_ratio);
	put_num(vd, it, "baseline_n", 1, it->res.n);
	if (it->plain) {
		buf_add(&rio_out, ",\"baseline\":", 12);
		buf_add(&rio_out, vd->cf->baseline, strlen(vd->cf->baseline));
		buf_add(&rio_out, "}\n", 2);
	} else {
		rec_set(&vd->rec, "baseline", vd->cf->baseline,
		        strlen(vd->cf->baseline));
		rec_write(&vd->rec, &rio_out);
	}
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
	st_bh_work(vd->pv, vd->qv, vd->n, &vd->bh);
	for (size_t i = 0; i < vd->n; i++) {
		vd->it[i].q = vd->qv[i];
		write_item(vd, &vd->it[i]);
	}
	vd->n = 0;
	vd->nmem = 0;
	buf_reset(&vd->text);
}
