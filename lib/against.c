/*
 * against.c - the observed count stream joined with another on the
 * window and the key fields.  See against.h.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "against.h"
#include "kmap.h"
#include "ttime.h"

enum { OTHER_NONE = 0, OTHER_NUM, OTHER_NULL }; /* the other's value */

/* How far (in windows) one input may run ahead of the other. */
#define READ_AHEAD 256

struct side {
	int eof;
	int any;           /* a record has been read */
	int64_t max_end;   /* latest window end read */
	int64_t last_read; /* monotonic time of the last line */
	struct cmp_wcache cache;
};

/* One key of a pending window: what each input said about it. */
struct pent {
	int has_obs;
	size_t obs, obslen; /* the observed line, in the window's text */
	int other;          /* OTHER_NONE, OTHER_NUM or OTHER_NULL */
	double ov;          /* the other input's value */
	int has_syn;
	size_t syn, synlen; /* the other record's key and window members */
};

/* A repeated observed record of a key (a revised count). */
struct pdup {
	uint32_t id;
	size_t off, len;
};

/* A window that one input or both have reached but not yet passed. */
struct pwin {
	struct cmp_win w;
	int64_t passed_at[2]; /* when each input passed it by its data, or -1 */
	struct kmap *keys;    /* join key -> entry id */
	struct pent *e;
	size_t ecap;
	uint32_t *order; /* ids with an observed record, in arrival order */
	size_t norder;
	struct pdup *dup;
	size_t ndup, dupcap;
	buf_t text; /* lines and members the entries point into */
};

/*
 * What the two inputs must agree on: windows of one width and the same
 * key fields.  Otherwise the join finds nothing, and every count of the
 * other input would turn into a made-up count of 0.  The first observed
 * record fixes the key fields and the first observed window that tells
 * its width (win_regular) the width.  Until both are known, records of
 * the other input are taken on trust and remembered in ag->dlines; they are
 * judged once both are known, or before the first window is written,
 * when what the observed input has not told is taken from the other's
 * first records.  A record that does not agree is bad input of its
 * input.
 */
struct ag_ref {
	int have_keys;
	buf_t keys;     /* the key field names, as make_join_key writes them */
	int64_t len;    /* the window width, or 0 */
	int from_other; /* fixed by the other input's records */
	int settled;    /* records of the other input are judged at once */
};

/* A line of the other input taken on trust, kept in its window's text. */
struct dline {
	struct pwin *pw;
	uint32_t id;
	size_t off, len;
	const char *file;
	unsigned long num;
};

struct against {
	const struct cmp_conf *cf;
	double rate;     /* --rate */
	int64_t idle_ms; /* --idle, 0: never */
	cmp_emit_fn emit;
	void *ctx;
	struct side sides[2];
	struct pwin **pend; /* sorted by end, then start */
	size_t npend, pendcap;
	int64_t emitted_end; /* windows ending by then have been emitted */
	int emitted_any;
	struct ag_ref ref;
	struct dline *dlines;
	size_t ndlines, dlinecap;
	rec_t rec;               /* a record of the observed input */
	rec_t orec;              /* a record of the other input */
	buf_t key;               /* the join key of the record being read */
	buf_t keysig;            /* its key field names */
	buf_t synthetic;         /* a record standing in for a missing one */
	const jfield_t **sorted; /* make_join_key's key fields */
	size_t sortcap;
};

static void drop_dead_windows(struct against *ag);

static const struct cmp_names *
join_names(struct against *ag)
{
	return ag->cf->on.n > 0 ? &ag->cf->on : &ag->cf->keys;
}

/* Is member f of a record of the other input part of the join? */
static int
is_join_field(struct against *ag, const jfield_t *f)
{
	const struct cmp_names *l = join_names(ag);

	if (l->n == 0)
		return cmp_is_key_field(ag->cf, f);
	for (size_t i = 0; i < l->n; i++)
		if (cmp_name_is(f, l->v[i]))
			return 1;
	return 0;
}

/*
 * The join key of record r in k, and the names of its key fields in ks
 * (as a JSON array, for messages).  With --on or --key, the named
 * fields in that order (an absent one has an empty value and is not
 * named in ks); else every key field of the record, sorted by name, so
 * that the two inputs may order their fields differently.
 */
static void
make_join_key(struct against *ag, const rec_t *r, buf_t *k, buf_t *ks)
{
	const struct cmp_names *l = join_names(ag);
	const jfield_t **f;
	size_t n = 0;

	buf_reset(k);
	buf_reset(ks);
	buf_addc(ks, '[');
	if (l->n > 0) {
		for (size_t i = 0; i < l->n; i++) {
			size_t len = strlen(l->v[i]);
			const jfield_t *x = rec_get(r, l->v[i], len);

			cmp_key_add(k, l->v[i], len, x);
			if (x == NULL)
				continue;
			if (ks->len > 1)
				buf_addc(ks, ',');
			jw_str(ks, l->v[i], len);
		}
		buf_addc(ks, ']');
		return;
	}
	for (size_t i = 0; i < r->obj.n; i++) {
		const jfield_t *x = &r->obj.f[i];
		size_t j;

		if (!cmp_is_key_field(ag->cf, x))
			continue;
		if (n == ag->sortcap) {
			ag->sortcap = ag->sortcap ? ag->sortcap * 2 : 16;
			ag->sorted = xrealloc(ag->sorted,
			                      ag->sortcap * sizeof *ag->sorted);
		}
		f = ag->sorted;
		/* Insertion sort: records have a few key fields. */
		for (j = n; j > 0; j--) {
			const jfield_t *y = f[j - 1];
			size_t m = y->klen < x->klen ? y->klen : x->klen;
			int c = memcmp(y->k, x->k, m);

			if (c < 0 || (c == 0 && y->klen <= x->klen))
				break;
			f[j] = y;
		}
		f[j] = x;
		n++;
	}
	f = ag->sorted;
	for (size_t i = 0; i < n; i++) {
		cmp_key_add(k, f[i]->k, f[i]->klen, f[i]);
		if (i > 0)
			buf_addc(ks, ',');
		buf_addc(ks, '"');
		buf_add(ks, f[i]->k, f[i]->klen);
		buf_addc(ks, '"');
	}
	buf_addc(ks, ']');
}

/* Learn what is not known yet from a record of input side. */
static void
ref_learn(struct against *ag, int side, const struct cmp_win *w,
          const buf_t *ks)
{
	if (!ag->ref.have_keys) {
		buf_reset(&ag->ref.keys);
		buf_add(&ag->ref.keys, ks->p, ks->len);
		ag->ref.have_keys = 1;
		ag->ref.from_other = side == AG_OTH;
	}
	if (ag->ref.len == 0 && cmp_win_regular(w))
		ag->ref.len = w->wall;
}

/*
 * Whether a record of input side with window w and key field names ks
 * agrees with what is known; if not, the reason in msg.
 */
static int
ref_agrees(struct against *ag, int side, const struct cmp_win *w,
           const buf_t *ks, char *msg, size_t msglen)
{
	/* Whose records fixed what is known, for the message: this input's
	 * first, or the other's. */
	int same = side == (ag->ref.from_other ? AG_OTH : AG_OBS);
	const char *whose = side == AG_OTH ? "observed" : "other input's";
	char a[96], b[64];

	if (ag->ref.have_keys &&
	    (ks->len != ag->ref.keys.len ||
	     memcmp(ks->p, ag->ref.keys.p, ks->len) != 0)) {
		snprintf(msg, msglen, "key fields %.*s, but the %s %s %.*s",
		         (int)ks->len, ks->p, same ? "first" : whose,
		         same ? "record has" : "records have",
		         (int)ag->ref.keys.len, ag->ref.keys.p);
		return 0;
	}
	if (!cmp_win_fits(w, ag->ref.len)) {
		snprintf(msg, msglen, "window of %s, but the %s %s %s",
		         cmp_win_text(w, a, sizeof a), same ? "first" : whose,
		         same ? "was" : "windows are",
		         dur_format(ag->ref.len, b, sizeof b));
		return 0;
	}
	return 1;
}

/*
 * Check line l of input side (its window w, its key field names in
 * ag->keysig) against what the inputs must agree on.  Returns 0 after
 * reporting a line that does not agree.  A line of the other input read
 * before the observed input has told enough passes, to be judged later.
 */
static int
agrees(struct against *ag, int side, const line_t *l, const struct cmp_win *w)
{
	char msg[512];

	if (side == AG_OTH && !ag->ref.settled)
		return 1;
	if (!ref_agrees(ag, side, w, &ag->keysig, msg, sizeof msg)) {
		rio_bad_input(l, "%s", msg);
		return 0;
	}
	ref_learn(ag, side, w, &ag->keysig);
	return 1;
}

/* Remember line l of the other input, taken on trust as entry id of pw. */
static void
defer_line(struct against *ag, struct pwin *pw, uint32_t id, const line_t *l)
{
	if (ag->ndlines == ag->dlinecap) {
		ag->dlinecap = ag->dlinecap ? ag->dlinecap * 2 : 64;
		ag->dlines =
		    xrealloc(ag->dlines, ag->dlinecap * sizeof *ag->dlines);
	}
	ag->dlines[ag->ndlines++] =
	    (struct dline){pw, id, pw->text.len, l->n, l->file, l->num};
	buf_add(&pw->text, l->p, l->n);
}

/*
 * Judge the lines of the other input taken on trust, now that the
 * observed input has told its key fields and width, or because a window
 * is about to be written: then what it has not told is taken from the
 * first of those lines (the first that tells the width, for the width).
 * A line that does not agree is reported and its entry dropped.
 */
static void
settle(struct against *ag)
{
	struct cmp_wcache cache = {0};
	buf_t k = BUF_INIT, ks = BUF_INIT;
	char msg[512];
	const char *m;
	size_t col;
	struct cmp_win w;

	ag->ref.settled = 1;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < ag->ndlines; i++) {
			struct dline *d = &ag->dlines[i];
			struct pent *e = &d->pw->e[d->id];
			const char *text = d->pw->text.p + d->off;

			/* The line was checked when it arrived. */
			if (rec_scan(&ag->orec, text, d->len, &col, &m) < 0 ||
			    cmp_window(&ag->orec, NULL, &cache, &w) < 0)
				util_die(EX_SOFTWARE,
				         "kept record no longer scans");
			make_join_key(ag, &ag->orec, &k, &ks);
			if (pass == 0) {
				if (ag->ref.len == 0 || !ag->ref.have_keys)
					ref_learn(ag, AG_OTH, &w, &ks);
				continue;
			}
			if (ref_agrees(ag, AG_OTH, &w, &ks, msg, sizeof msg))
				continue;
			rio_bad_input_text(d->file, d->num, text, d->len, "%s",
			                   msg);
			e->other = OTHER_NONE;
			e->has_syn = 0;
		}
	}
	free(ag->dlines);
	ag->dlines = NULL;
	ag->ndlines = ag->dlinecap = 0;
	buf_free(&k);
	buf_free(&ks);
	drop_dead_windows(ag);
}

/* Input s has passed window pw by what it read: a window that ends later,
 * or its end. */
static int
data_passed(const struct side *s, const struct pwin *pw)
{
	return s->eof || (s->any && s->max_end > pw->w.end);
}

/* Note the time at which input s passed each pending window. */
static void
stamp_passed(struct against *ag, int s)
{
	int64_t now = -1;

	for (size_t i = 0; i < ag->npend; i++) {
		struct pwin *pw = ag->pend[i];

		if (pw->passed_at[s] >= 0 || !data_passed(&ag->sides[s], pw))
			continue;
		if (now < 0)
			now = ts_mono_ms();
		pw->passed_at[s] = now;
	}
}

static struct pwin *
find_window(struct against *ag, const struct cmp_win *w)
{
	for (size_t i = ag->npend; i-- > 0;)
		if (ag->pend[i]->w.start == w->start &&
		    ag->pend[i]->w.end == w->end)
			return ag->pend[i];
	return NULL;
}

static struct pwin *
add_window(struct against *ag, const struct cmp_win *w)
{
	struct pwin *pw = xcalloc(1, sizeof *pw);
	size_t i = ag->npend;

	pw->w = *w;
	pw->keys = kmap_new();
	for (int s = 0; s < 2; s++)
		pw->passed_at[s] =
		    data_passed(&ag->sides[s], pw) ? ts_mono_ms() : -1;
	if (ag->npend == ag->pendcap) {
		ag->pendcap = ag->pendcap ? ag->pendcap * 2 : 16;
		ag->pend = xrealloc(ag->pend, ag->pendcap * sizeof *ag->pend);
	}
	while (i > 0 && (ag->pend[i - 1]->w.end > w->end ||
	                 (ag->pend[i - 1]->w.end == w->end &&
	                  ag->pend[i - 1]->w.start > w->start)))
		i--;
	memmove(ag->pend + i + 1, ag->pend + i,
	        (ag->npend - i) * sizeof *ag->pend);
	ag->pend[i] = pw;
	ag->npend++;
	return pw;
}

static void
free_window(struct pwin *pw)
{
	kmap_free(pw->keys);
	free(pw->e);
	free(pw->order);
	free(pw->dup);
	buf_free(&pw->text);
	free(pw);
}

/* The entry of key k in window pw, made empty when new. */
static struct pent *
entry(struct against *ag, struct pwin *pw, const buf_t *k, uint32_t *idp)
{
	int added;
	uint32_t id = kmap_add(pw->keys, k->p, k->len,
	                       util_hash_bytes(k->p, k->len), &added);

	if (added) {
		if (kmap_len(pw->keys) > ag->cf->max_groups)
			util_die(
			    EX_SOFTWARE,
			    "more than %zu groups in one window (--max-groups)",
			    ag->cf->max_groups);
		if (id >= pw->ecap) {
			pw->ecap = pw->ecap ? pw->ecap * 2 : 16;
			pw->e = xrealloc(pw->e, pw->ecap * sizeof *pw->e);
			pw->order =
			    xrealloc(pw->order, pw->ecap * sizeof *pw->order);
		}
		memset(&pw->e[id], 0, sizeof pw->e[id]);
	}
	*idp = id;
	return &pw->e[id];
}

/* Note that input s has reached window w. */
static void
side_saw(struct against *ag, int s, const struct cmp_win *w)
{
	int later = !ag->sides[s].any || w->end > ag->sides[s].max_end;

	if (later)
		ag->sides[s].max_end = w->end;
	ag->sides[s].any = 1;
	if (later)
		stamp_passed(ag, s);
}

/* A record of a window that has already been emitted. */
static int
is_late(struct against *ag, const struct cmp_win *w)
{
	return ag->emitted_any && w->end <= ag->emitted_end;
}

/*
 * Read line l of input side into r: its window, its value field and its
 * join key (in key).  Returns the value's CMP_ type, or -1 when the line
 * was bad input (already reported).
 */
static int
take_line(struct against *ag, int side, rec_t *r, const char *field,
          const line_t *l, struct cmp_win *w, double *v)
{
	const char *msg;
	size_t col;
	int vt;

	if (rec_scan(r, l->p, l->n, &col, &msg) < 0) {
		rio_bad_json(l, col, msg);
		return -1;
	}
	if (cmp_window(r, l, &ag->sides[side].cache, w) < 0)
		return -1;
	vt = cmp_value(r, field, v);
	if (vt == CMP_BAD) {
		rio_bad_input(l, "field '%s' is missing or not a number",
		              field);
		return -1;
	}
	make_join_key(ag, r, &ag->key, &ag->keysig);
	if (!agrees(ag, side, l, w))
		return -1;
	side_saw(ag, side, w);
	return vt;
}

/* A line taken into its window: where it went. */
struct took {
	struct cmp_win w;
	double v;
	int vt;          /* the value's CMP_ type */
	struct pwin *pw; /* its window; NULL when that is already compared */
	struct pent *e;  /* the group's entry in pw */
	uint32_t id;     /* the group's id */
};

/*
 * Read line l of side (take_line) and find its window, opening it when
 * new, and the group's entry there.  Returns -1 when the line was bad
 * input; 0 with t->pw NULL when its window was already compared (noted
 * with late_note); else 0.
 */
static int
take_entry(struct against *ag, int side, rec_t *r, const char *field,
           const line_t *l, const char *late_note, struct took *t)
{
	t->v = 0;
	t->vt = take_line(ag, side, r, field, l, &t->w, &t->v);
	if (t->vt < 0)
		return -1;
	t->pw = find_window(ag, &t->w);
	if (t->pw == NULL && is_late(ag, &t->w)) {
		rio_note_input(l->file, l->num, "%s", late_note);
		return 0;
	}
	if (t->pw == NULL)
		t->pw = add_window(ag, &t->w);
	t->e = entry(ag, t->pw, &ag->key, &t->id);
	return 0;
}

static void
take_observed(struct against *ag, const line_t *l)
{
	struct bl_result res = {0};
	struct took t;
	struct pwin *pw;
	struct pent *e;

	if (take_entry(ag, AG_OBS, &ag->rec, ag->cf->value_field, l,
	               "window already compared, compared with nothing",
	               &t) < 0)
		return;
	if (t.pw == NULL) {
		ag->emit(ag->ctx, &ag->rec, &t.w, t.vt, t.v, &res);
		return;
	}
	pw = t.pw;
	e = t.e;
	if (e->has_obs) {
		if (pw->ndup == pw->dupcap) {
			pw->dupcap = pw->dupcap ? pw->dupcap * 2 : 8;
			pw->dup =
			    xrealloc(pw->dup, pw->dupcap * sizeof *pw->dup);
		}
		pw->dup[pw->ndup++] = (struct pdup){t.id, pw->text.len, l->n};
	} else {
		e->has_obs = 1;
		e->obs = pw->text.len;
		e->obslen = l->n;
		pw->order[pw->norder++] = t.id;
	}
	buf_add(&pw->text, l->p, l->n);
	if (!ag->ref.settled && ag->ref.have_keys && ag->ref.len != 0)
		settle(ag);
}

static void
take_other(struct against *ag, const line_t *l)
{
	struct took t;
	struct pwin *pw;
	struct pent *e;

	if (take_entry(ag, AG_OTH, &ag->orec, ag->cf->against_value, l,
	               "window already compared without this record, ignored",
	               &t) < 0 ||
	    t.pw == NULL)
		return;
	pw = t.pw;
	e = t.e;
	e->other = t.vt == CMP_NUM ? OTHER_NUM : OTHER_NULL;
	e->ov = t.v;
	if (!ag->ref.settled)
		defer_line(ag, pw, t.id, l);
	if (e->has_syn)
		return;
	/* Keep what a record for a missing observed count needs. */
	e->has_syn = 1;
	e->syn = pw->text.len;
	for (size_t i = 0; i < ag->orec.obj.n; i++) {
		const jfield_t *f = &ag->orec.obj.f[i];

		if (!cmp_name_is(f, "window_start") &&
		    !cmp_name_is(f, "window_end") && !is_join_field(ag, f))
			continue;
		if (pw->text.len > e->syn)
			buf_addc(&pw->text, ',');
		buf_add(&pw->text, f->k - 1,
		        (size_t)(f->v + f->vlen - f->k + 1));
	}
	e->synlen = pw->text.len - e->syn;
}

static void
against_result(struct against *ag, const struct pent *e, struct bl_result *res)
{
	memset(res, 0, sizeof *res);
	if (e->other == OTHER_NUM) {
		res->n = 1;
		res->exp = ag->rate * e->ov;
		/* R x a value near the largest double can pass it. */
		res->has_exp = isfinite(res->exp);
		res->has_trials = 1;
		res->trials = e->ov;
	}
}

static void
emit_observed(struct against *ag, const struct pwin *pw, const struct pent *e,
              size_t off, size_t len)
{
	struct bl_result res;
	const char *msg;
	size_t col;
	double v = 0;
	int vt;

	/* The line was checked when it arrived. */
	if (rec_scan(&ag->rec, pw->text.p + off, len, &col, &msg) < 0)
		util_die(EX_SOFTWARE, "kept record no longer scans: %s", msg);
	vt = cmp_value(&ag->rec, ag->cf->value_field, &v);
	against_result(ag, e, &res);
	ag->emit(ag->ctx, &ag->rec, &pw->w, vt, v, &res);
}

/* A record for a key only the other input has: observed 0. */
static void
emit_missing(struct against *ag, const struct pwin *pw, const struct pent *e)
{
	struct bl_result res;
	const char *msg;
	size_t col;

	buf_reset(&ag->synthetic);
	buf_addc(&ag->synthetic, '{');
	buf_add(&ag->synthetic, pw->text.p + e->syn, e->synlen);
	jw_key(&ag->synthetic, ag->cf->value_field);
	buf_addc(&ag->synthetic, '0');
	buf_addc(&ag->synthetic, '}');
	if (rec_scan(&ag->rec, ag->synthetic.p, ag->synthetic.len, &col, &msg) <
	    0)
		util_die(EX_SOFTWARE, "built record does not scan: %s", msg);
	against_result(ag, e, &res);
	ag->emit(ag->ctx, &ag->rec, &pw->w, CMP_NUM, 0, &res);
}

/* Write window pw: observed records in arrival order, then the keys only
 * the other input has. */
static void
emit_window(struct against *ag, struct pwin *pw)
{
	size_t n = kmap_len(pw->keys);

	for (size_t i = 0; i < pw->norder; i++) {
		const struct pent *e = &pw->e[pw->order[i]];

		emit_observed(ag, pw, e, e->obs, e->obslen);
	}
	for (size_t i = 0; i < pw->ndup; i++)
		emit_observed(ag, pw, &pw->e[pw->dup[i].id], pw->dup[i].off,
		              pw->dup[i].len);
	for (size_t i = 0; i < n; i++)
		if (!pw->e[i].has_obs && pw->e[i].has_syn)
			emit_missing(ag, pw, &pw->e[i]);
	if (!ag->emitted_any || pw->w.end > ag->emitted_end)
		ag->emitted_end = pw->w.end;
	ag->emitted_any = 1;
}

/*
 * The monotonic time at which --idle lets input s, which has not passed
 * window pw by its data, pass it anyway. The quiet time counts from the
 * later of its last line and the moment the window was complete on the
 * other input: when that input passed it, or else its own last line. An
 * input that has not yet delivered a record (a tingle-count still in its
 * first window says nothing) is given one window length more, so that an
 * input that merely lags does not become a row of zero counts.
 */
static int64_t
idle_release(struct against *ag, int s, const struct pwin *pw)
{
	const struct side *sd = &ag->sides[s], *o = &ag->sides[!s];
	int64_t since = sd->last_read;
	int64_t other =
	    pw->passed_at[!s] >= 0 ? pw->passed_at[!s] : o->last_read;

	if (other > since)
		since = other;
	if (!sd->any)
		since += pw->w.end - pw->w.start;
	return since + ag->idle_ms;
}

/*
 * Input s has passed window pw: it has read a window that ends later, or
 * ended, or (with --idle) been quiet long enough.
 */
static int
passed(struct against *ag, int s, const struct pwin *pw, int64_t now)
{
	if (data_passed(&ag->sides[s], pw))
		return 1;
	return ag->idle_ms > 0 && now >= idle_release(ag, s, pw);
}

/*
 * After settle(ag): forget the windows left with no record, and what the
 * other input's dropped lines said about how far it has read.
 */
static void
drop_dead_windows(struct against *ag)
{
	size_t keep = 0;

	ag->sides[AG_OTH].any = 0;
	for (size_t i = 0; i < ag->npend; i++) {
		struct pwin *pw = ag->pend[i];
		size_t n = kmap_len(pw->keys), live = 0, other = 0;

		for (size_t j = 0; j < n; j++) {
			live += pw->e[j].has_obs || pw->e[j].has_syn;
			other += pw->e[j].other != OTHER_NONE;
		}
		if (live == 0) {
			free_window(pw);
			continue;
		}
		if (other > 0 && (!ag->sides[AG_OTH].any ||
		                  pw->w.end > ag->sides[AG_OTH].max_end)) {
			ag->sides[AG_OTH].max_end = pw->w.end;
			ag->sides[AG_OTH].any = 1;
		}
		ag->pend[keep++] = pw;
	}
	ag->npend = keep;
	for (size_t i = 0; i < ag->npend; i++)
		if (!data_passed(&ag->sides[AG_OTH], ag->pend[i]))
			ag->pend[i]->passed_at[AG_OTH] = -1;
}

/* Emit the oldest pending windows while both inputs have passed them;
 * all of them when all is set. */
void
ag_emit_ready(struct against *ag, int64_t now, int all)
{
	size_t done = 0;

	if (!ag->ref.settled && ag->npend > 0 &&
	    (all || (passed(ag, AG_OBS, ag->pend[0], now) &&
	             passed(ag, AG_OTH, ag->pend[0], now))))
		settle(ag);
	while (done < ag->npend &&
	       (all || (passed(ag, AG_OBS, ag->pend[done], now) &&
	                passed(ag, AG_OTH, ag->pend[done], now)))) {
		emit_window(ag, ag->pend[done]);
		free_window(ag->pend[done]);
		done++;
	}
	if (done > 0) {
		memmove(ag->pend, ag->pend + done,
		        (ag->npend - done) * sizeof *ag->pend);
		ag->npend -= done;
	}
}

/* Milliseconds until --idle would release the oldest window, or -1. */
int
ag_idle_timeout(struct against *ag, int64_t now)
{
	int64_t at = 0;

	if (ag->idle_ms <= 0 || ag->npend == 0)
		return -1;
	for (int s = 0; s < 2; s++) {
		int64_t t;

		if (data_passed(&ag->sides[s], ag->pend[0]))
			continue;
		t = idle_release(ag, s, ag->pend[0]);
		if (t > at)
			at = t;
	}
	if (at <= now)
		return 0;
	return at - now > INT_MAX ? INT_MAX : (int)(at - now);
}

/* The inputs in the order to read them, the one behind first; an input
 * far ahead of the other is left out until the other catches up. */
int
ag_read_order(const struct against *ag, int o[2])
{
	int behind = AG_OBS, n = 0;

	if (ag->sides[AG_OTH].eof ||
	    (!ag->sides[AG_OBS].eof && ag->sides[AG_OBS].any &&
	     (!ag->sides[AG_OTH].any ||
	      ag->sides[AG_OTH].max_end < ag->sides[AG_OBS].max_end)))
		behind = AG_OTH;
	if (ag->sides[behind].eof)
		behind = !behind;
	if (!ag->sides[behind].eof)
		o[n++] = behind;
	if (!ag->sides[!behind].eof &&
	    (ag->sides[behind].eof || ag->npend < READ_AHEAD))
		o[n++] = !behind;
	return n;
}

struct against *
ag_new(const struct cmp_conf *cf, double rate, int64_t idle_ms,
       cmp_emit_fn emit, void *ctx)
{
	struct against *ag = xcalloc(1, sizeof *ag);
	int64_t now = ts_mono_ms();

	ag->cf = cf;
	ag->rate = rate;
	ag->idle_ms = idle_ms;
	ag->emit = emit;
	ag->ctx = ctx;
	ag->sides[AG_OBS].last_read = ag->sides[AG_OTH].last_read = now;
	return ag;
}

void
ag_free(struct against *ag)
{
	if (ag == NULL)
		return;
	for (size_t i = 0; i < ag->npend; i++)
		free_window(ag->pend[i]);
	free(ag->pend);
	free(ag->dlines);
	buf_free(&ag->ref.keys);
	rec_free(&ag->rec);
	rec_free(&ag->orec);
	buf_free(&ag->key);
	buf_free(&ag->keysig);
	buf_free(&ag->synthetic);
	free(ag->sorted);
	free(ag);
}

void
ag_line(struct against *ag, int side, const line_t *l, int64_t now)
{
	ag->sides[side].last_read = now;
	if (side == AG_OBS)
		take_observed(ag, l);
	else
		take_other(ag, l);
}

void
ag_eof(struct against *ag, int side)
{
	ag->sides[side].eof = 1;
	stamp_passed(ag, side);
}

int
ag_ended(const struct against *ag, int side)
{
	return ag->sides[side].eof;
}
