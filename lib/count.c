/*
 * count.c - tingle-count's engine (see count.h).
 *
 * Records are read with the record layer (json.h): no tree per record.
 * One event costs a scan, a hash lookup and a few additions.
 */
#include "count.h"
#include "fieldseen.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dec.h"
#include "json.h"
#include "key.h"
#include "kmap.h"
#include "rio.h"
#include "ttime.h"
#include "util.h"
#include "window.h"

#define NONE INT64_MIN /* an unset time */

/* The engine's whole state; the types it points to are below. */
struct count {
	/* ---- settings ---- */
	wgrid_t grid;
	int all;          /* -w all: one window over the whole input */
	int lateness_all; /* --lateness all: no window closes before the end */
	int open_emit;    /* --open emit: write windows the clock has not
	                     ended at the end of input, marked open */
	int open_now;     /* the window being written is open */
	int64_t clock;    /* the clock at its last reading */
	int64_t clock_base, mono_base; /* rio_now_ms and ts_mono_ms at its
	                                  first reading */
	int64_t lateness;
	int64_t forget_ms; /* -1: never */
	int64_t max_ahead; /* 0: no limit */
	const char *max_ahead_arg;
	long long max_fill; /* 0: no limit */
	int64_t idle_ms;
	int64_t late_keep;
	int late_emit, partial_mode;
	size_t max_groups;
	const char *time_field;
	size_t tflen;

	/* ---- keys and aggregates ---- */
	struct keydef *keys;
	size_t nkeys;
	struct keydef *each; /* --each fields */
	size_t neach;
	struct agg *aggs;
	size_t naggs;
	size_t cellsize;      /* see "A cell" below */
	char partial_sig[20]; /* what the shards and the merge agree on */

	/* ---- groups ---- */
	struct kmap *ids;     /* identity -> group id */
	struct group *groups; /* by id */
	size_t ngroups;       /* ids in use (some dead) */
	size_t groups_cap;
	size_t nlive;      /* groups not dead */
	size_t nfill;      /* live groups that get zeros */
	uint32_t *order;   /* groups in the order of their keys */
	uint32_t *pending; /* and those not yet sorted in */
	size_t norder, npending;

	/* ---- slots ---- */
	struct slot **slots; /* sorted by start */
	size_t nslots, slots_cap;
	struct slot *cur_slot;          /* the last one used */
	int64_t max_slot;               /* latest slot start with events */
	int64_t memo_s, memo_f, memo_c; /* slot_windows' last answer */

	/* ---- revisions (--late emit) ---- */
	struct kmap *revs; /* window start and group id -> rev id */
	uint32_t *rev_n;   /* by rev id: revisions written, 0 once freed */
	size_t rev_cap;

	/* ---- emission ---- */
	int have_wm;
	int64_t wm;    /* the watermark */
	int64_t max_t; /* latest event time */
	int64_t min_t; /* earliest event time (-w all) */
	int have_next;
	int64_t next_ws, next_we;   /* the next window to write */
	unsigned char *scratch;     /* a cell for combining slots */
	unsigned char *delta;       /* a cell for one late partial event */
	unsigned char *mc;          /* a cell for one merged record */
	unsigned long late_dropped; /* late events not counted */
	int have_first;
	int64_t first_ws;       /* start of the first window written */
	int64_t last_ws;        /* start of the last window written */
	int64_t pruned_to;      /* the slots before it are freed */
	int64_t now;            /* the clock at the last look (--max-ahead) */
	const line_t *cur_line; /* the line being counted, for diagnostics */

	/* ---- the record being handled ---- */
	rec_t rec;
	struct fieldseen *seen; /* count_watch: shown every record read */
	/* The group of the record being handled: its identity in keybuf
	 * and, once show_key() has made it, its key as written in showbuf
	 * (see struct group).  show_rec is the record they come from, or
	 * NULL when showbuf is made. */
	buf_t keybuf;
	buf_t showbuf;
	const rec_t *show_rec;
	long show_each;     /* with --each: the field of showbuf, or -1 */
	const char *show_v; /* and its value */
	size_t show_vlen;
	uint32_t *placed; /* the groups the last record went to */
	size_t nplaced;
	buf_t canon_tmp;
	buf_t valbuf;    /* a canonical value being handled */
	buf_t win_head;  /* window_start and window_end of the window
	                    being written, made once per window */
	buf_t slot_head; /* the same for the slot of partial records */
	int64_t slot_head_s;

	/* ---- --idle ---- */
	int64_t last_input; /* monotonic time of the last line */
	int64_t idle_base;  /* event time the idle clock runs from */
};

/* ==== the grid =========================================================== */

/*
 * With -w all there is one slot and one window, from ALL_START to
 * ALL_END, which no event time reaches: the watermark never closes it,
 * so it is written at the end of input, with the first and last event
 * time as its bounds.  Otherwise these are the grid's answers.
 */
#define ALL_START (-((int64_t)1 << 62))
#define ALL_END ((int64_t)1 << 62)

static int64_t
g_floor(struct count *cn, int64_t t)
{
	return cn->all ? ALL_START : wgrid_floor(&cn->grid, t);
}

static int64_t
g_next(struct count *cn, int64_t s)
{
	return cn->all ? ALL_END : wgrid_next(&cn->grid, s);
}

static int64_t
g_wend(struct count *cn, int64_t s)
{
	return cn->all ? ALL_END : wgrid_window_end(&cn->grid, s);
}

static int64_t
g_first(struct count *cn, int64_t s)
{
	return cn->all ? ALL_START : wgrid_first_window(&cn->grid, s);
}

/* The bounds a window (or slot) [ws, we) is written with. */
static void
bounds(const struct count *cn, int64_t *ws, int64_t *we)
{
	if (cn->all) {
		*ws = cn->min_t;
		*we = cn->max_t;
	}
}

/* ==== keys and aggregates ================================================= */

typedef struct keydef {
	const char *path;
	size_t len;
} keydef_t;

enum {
	AG_DISTINCT = COUNT_AGG_DISTINCT,
	AG_SUM = COUNT_AGG_SUM,
	AG_MIN = COUNT_AGG_MIN,
	AG_MAX = COUNT_AGG_MAX,
	AG_AVG = COUNT_AGG_AVG,
};
static const char *const agg_names[] = {"distinct", "sum", "min", "max", "avg"};

typedef struct agg {
	int kind;
	const char *field;
	size_t flen;
	char *name;  /* output field, e.g. "sum_bytes" */
	size_t off;  /* offset of its state in a cell */
	int speaks;  /* the first numeric aggregate of its field: it reports
	                values that are not numbers */
	size_t nbad; /* values that were not numbers */
} agg_t;

/*
 * A cell (cellsize bytes): the count, then each aggregate's state at its
 * offset.  A cell whose count is 0 has never been touched, so all of it
 * is zero bytes.
 *
 * A count (and the n of an average) is exact up to INT64_MAX.  A sum that
 * passes it (only partial records can add up to that) goes on as a
 * double: the count then holds the bits of that positive double with
 * COUNT_BIG set, which no exact count has.  It stays nonzero, so "has
 * events" tests still hold.
 */
#define COUNT_BIG ((uint64_t)1 << 63)

static double
count_double(uint64_t c)
{
	double d;

	if (!(c & COUNT_BIG))
		return (double)c;
	c &= ~COUNT_BIG;
	memcpy(&d, &c, sizeof d);
	return d;
}

/* a + b, as a double once past INT64_MAX. */
static uint64_t
count_add(uint64_t a, uint64_t b)
{
	double d;
	uint64_t bits;

	/* Two exact counts are below 2^63 each, so their sum fits. */
	if (!((a | b) & COUNT_BIG) && a + b <= (uint64_t)INT64_MAX)
		return a + b;
	d = count_double(a) + count_double(b);
	memcpy(&bits, &d, sizeof bits);
	return bits | COUNT_BIG;
}

static void
count_inc(uint64_t *c)
{
	*c = *c < (uint64_t)INT64_MAX ? *c + 1 : count_add(*c, 1);
}

/* Append a count: digits while exact, else as a double. */
static void
put_count(buf_t *b, uint64_t c)
{
	if (c & COUNT_BIG)
		jw_num(b, count_double(c));
	else
		buf_printf(b, "%llu", (unsigned long long)c);
}

typedef struct mm {
	double v;
	int64_t has;
} mm_t;

typedef struct avg {
	dec_t sum;
	uint64_t n;
} avg_t;

void
count_conf_init(struct count_conf *cf)
{
	memset(cf, 0, sizeof *cf);
	cf->forget = -1;
	cf->max_ahead = 86400000;
	cf->max_ahead_arg = "1d";
	cf->max_fill = 10000;
	cf->late_keep = -1;
	cf->max_groups = 10000000;
	cf->time_field = "ts";
}

void
count_conf_free(struct count_conf *cf)
{
	free(cf->keys);
	free(cf->aggs);
	for (size_t i = 0; i < cf->neach; i++)
		free(cf->each[i]);
	free(cf->each);
	cf->each = NULL;
	cf->neach = 0;
	buf_free(&cf->err);
	cf->keys = NULL;
	cf->aggs = NULL;
	cf->nkeys = cf->naggs = 0;
}

const char *
count_agg_name(int kind)
{
	return agg_names[kind];
}

static const char *conf_error(struct count_conf *cf, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static const char *
conf_error(struct count_conf *cf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	buf_reset(&cf->err);
	buf_grow(&cf->err, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(cf->err.p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	cf->err.len = (size_t)n;
	return cf->err.p;
}

const char *
count_conf_key(struct count_conf *cf, const char *path)
{
	for (size_t i = 0; i < cf->nkeys; i++)
		if (strcmp(cf->keys[i], path) == 0)
			return conf_error(cf, "-k %s given twice", path);
	if (*path == '\0')
		return conf_error(cf, "empty -k field");
	cf->keys = xrealloc(cf->keys, (cf->nkeys + 1) * sizeof *cf->keys);
	cf->keys[cf->nkeys++] = path;
	return NULL;
}

const char *
count_conf_each(struct count_conf *cf, const char *list)
{
	const char *p = list;

	for (;;) {
		size_t n = strcspn(p, ",");
		if (n == 0)
			return conf_error(cf, "empty --each field in '%s'",
			                  list);
		for (size_t i = 0; i < cf->neach; i++)
			if (strlen(cf->each[i]) == n &&
			    memcmp(cf->each[i], p, n) == 0)
				return conf_error(cf, "--each %.*s given twice",
				                  (int)n, p);
		cf->each =
		    xrealloc(cf->each, (cf->neach + 1) * sizeof *cf->each);
		cf->each[cf->neach++] = xstrndup(p, n);
		if (p[n] == '\0')
			return NULL;
		p += n + 1;
	}
}

const char *
count_conf_agg(struct count_conf *cf, int kind, const char *field)
{
	if (*field == '\0')
		return conf_error(cf, "empty --%s field", agg_names[kind]);
	for (size_t i = 0; i < cf->naggs; i++)
		if (cf->aggs[i].kind == kind &&
		    strcmp(cf->aggs[i].field, field) == 0)
			return conf_error(cf, "--%s %s given twice",
			                  agg_names[kind], field);
	cf->aggs = xrealloc(cf->aggs, (cf->naggs + 1) * sizeof *cf->aggs);
	cf->aggs[cf->naggs].kind = kind;
	cf->aggs[cf->naggs].field = field;
	cf->naggs++;
	return NULL;
}

/*
 * A -k field is written under its own name next to the fields count
 * writes itself, so one named like those would make a record with a
 * name twice.  Refuse it, and say how to group by it anyway.
 */
static const char *
check_key_names(struct count *cn, struct count_conf *cf)
{
	for (size_t i = 0; i < cn->nkeys; i++) {
		const char *k = cn->keys[i].path;
		const struct key_field *w =
		    key_written_by(k, strlen(k), KEY_BY_COUNT);
		int clash = w != NULL && !w->prefix;
		if (cn->neach > 0)
			clash |= strcmp(k, "dimension") == 0 ||
			         strcmp(k, "value") == 0;
		for (size_t j = 0; j < cn->naggs; j++)
			clash |= strcmp(k, cn->aggs[j].name) == 0;
		if (clash)
			return conf_error(
			    cf,
			    "-k %s: tingle-count writes a field of that name itself; group by a copy under another name, made e.g. with tingle-segment --by %s --field %s_key or jq -c '.%s_key = .%s'",
			    k, k, k, k, k);
	}
	return NULL;
}

/* Lay out the cell: count first, then the states, each aligned. */
static void
layout_cells(struct count *cn)
{
	size_t off = sizeof(uint64_t), align = sizeof(uint64_t);

	for (size_t i = 0; i < cn->naggs; i++) {
		size_t sz, al;
		cn->aggs[i].speaks = cn->aggs[i].kind != AG_DISTINCT;
		for (size_t j = 0; j < i && cn->aggs[i].speaks; j++)
			if (cn->aggs[j].kind != AG_DISTINCT &&
			    strcmp(cn->aggs[j].field, cn->aggs[i].field) == 0)
				cn->aggs[i].speaks = 0;
		switch (cn->aggs[i].kind) {
		case AG_DISTINCT:
			sz = al = sizeof(struct kmap *);
			break;
		case AG_SUM:
			sz = sizeof(dec_t);
			al = _Alignof(dec_t);
			break;
		case AG_AVG:
			sz = sizeof(avg_t);
			al = _Alignof(avg_t);
			break;
		default:
			sz = sizeof(mm_t);
			al = _Alignof(mm_t);
		}
		off = (off + al - 1) / al * al;
		cn->aggs[i].off = off;
		off += sz;
		if (al > align)
			align = al;
	}
	cn->cellsize = (off + align - 1) / align * align;
}

/* ==== canonical JSON text ================================================= */

/*
 * Append the text count writes for a JSON value: a string with escapes
 * is decoded and written again with only the escapes JSON needs, so that
 * "\u0061" and "a" are one distinct value; everything else is its raw
 * text.  It is a group's key as written, and the text of a value of
 * --distinct (group identity is key_value()).
 */

static void
canon_value(struct count *cn, buf_t *dst, const char *v, size_t n)
{
	if (n >= 2 && v[0] == '"' && memchr(v + 1, '\\', n - 2) != NULL) {
		buf_reset(&cn->canon_tmp);
		jstr_decode(v, n, &cn->canon_tmp);
		jw_str(dst, cn->canon_tmp.p, cn->canon_tmp.len);
		return;
	}
	buf_add(dst, v, n);
}

/* ==== distinct sets ======================================================= */

/*
 * An exact set of distinct values (canonical JSON text) is a kmap, made
 * when its first value comes; values are never deleted, so the ids of a
 * set are 0 .. kmap_len() - 1.
 */

/* Add v (canonical text) to set *s unless present. */
static void
dset_add(struct kmap **s, const char *v, size_t len)
{
	if (*s == NULL)
		*s = kmap_new();
	kmap_add(*s, v, len, util_hash_bytes(v, len), NULL);
}

/* A value of a set, for sorting. */
typedef struct dent {
	const char *v;
	size_t len;
} dent_t;

static int
dent_cmp(const void *a, const void *b)
{
	const dent_t *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->v, y->v, n);

	return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

/* ==== groups ============================================================== */

/*
 * A group: its identity (the canonical text of each key value, key.h,
 * joined by NUL bytes, which that text never holds), its key as written
 * (each value as the group's first record had it, a string with its
 * escapes resolved, joined the same way; the same bytes as id when the
 * two are equal) and what emission needs to know about its past.
 */
typedef struct group {
	uint64_t hash; /* of its identity, which is in the kmap ids */
	char *key;
	int64_t active_end; /* end of the latest written window in which it
	                       had events, or NONE */
	int64_t last_end;   /* end of the latest slot with its events */
	uint32_t klen;
	uint8_t seeded; /* from --keys: never forgotten */
	uint8_t dead;   /* forgotten; its id is free */
} group_t;

static char *
dup_bytes(const char *p, size_t n)
{
	char *d = xmalloc(n + 1);

	if (n > 0)
		memcpy(d, p, n);
	d[n] = '\0';
	return d;
}

/* A new group of identity id_ (added to the map with hash h) and key as
 * written key. */
static uint32_t
group_add(struct count *cn, const char *id_, size_t idlen, uint64_t h,
          const char *key, size_t klen)
{
	uint32_t id;

	if (cn->nlive >= cn->max_groups) {
		rio_out_flush();
		util_die(
		    EX_SOFTWARE,
		    "more than %zu groups: stopping before memory runs out (raise --max-groups, or group by fewer or coarser keys)",
		    cn->max_groups);
	}
	id = kmap_add(cn->ids, id_, idlen, h, NULL);
	if (id >= cn->groups_cap) {
		cn->groups_cap = cn->groups_cap ? cn->groups_cap * 2 : 1024;
		cn->groups =
		    xrealloc(cn->groups, cn->groups_cap * sizeof *cn->groups);
	}
	if (id >= cn->ngroups)
		cn->ngroups = (size_t)id + 1;
	group_t *g = &cn->groups[id];
	memset(g, 0, sizeof *g);
	g->hash = h;
	g->key = dup_bytes(key, klen);
	g->klen = (uint32_t)klen;
	g->active_end = NONE;
	g->last_end = NONE;
	cn->nlive++;
	if (!cn->partial_mode) {
		cn->pending = xrealloc(cn->pending, (cn->npending + 1) *
		                                        sizeof *cn->pending);
		cn->pending[cn->npending++] = id;
	}
	return id;
}

/*
 * Forget group id: take it out of the map, which frees its id.  Outside
 * partial mode this happens only while write_window walks order, which
 * drops it there, so no list holds a free id.
 */
static void
group_forget(struct count *cn, uint32_t id)
{
	group_t *g = &cn->groups[id];
	size_t n;
	const char *k = kmap_key(cn->ids, id, &n);

	kmap_del(cn->ids, k, n, g->hash);
	if (g->active_end != NONE || g->seeded)
		cn->nfill--;
	free(g->key);
	g->key = NULL;
	g->dead = 1;
	cn->nlive--;
}

static int
key_cmp(const struct count *cn, uint32_t a, uint32_t b)
{
	const group_t *x = &cn->groups[a], *y = &cn->groups[b];
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c = memcmp(x->key, y->key, n);

	return c != 0 ? c : (x->klen > y->klen) - (x->klen < y->klen);
}

static int
id_cmp(const void *a, const void *b, void *cn)
{
	return key_cmp(cn, *(const uint32_t *)a, *(const uint32_t *)b);
}

/* Bring order up to date: sort in new groups. */
static void
order_update(struct count *cn)
{
	size_t n;

	if (cn->npending == 0)
		return;
	qsort_r(cn->pending, cn->npending, sizeof *cn->pending, id_cmp, cn);
	uint32_t *m = xmalloc((cn->norder + cn->npending) * sizeof *m);
	size_t i = 0, j = 0;
	n = 0;
	while (i < cn->norder || j < cn->npending) {
		if (j == cn->npending ||
		    (i < cn->norder &&
		     key_cmp(cn, cn->order[i], cn->pending[j]) < 0))
			m[n++] = cn->order[i++];
		else
			m[n++] = cn->pending[j++];
	}
	free(cn->order);
	cn->order = m;
	cn->norder = n;
	cn->npending = 0;
}

/* ==== slots =============================================================== */

/* One slot of the grid: its span and the cells of the groups. */
typedef struct slot {
	int64_t start, end;
	int64_t wend;   /* end of the window that starts here */
	int64_t first;  /* start of the first window that holds it */
	int64_t closes; /* end of that window: from then on an event in the
	                   slot is late */
	unsigned char *cells;
	size_t ncells;
	int written; /* --partial: its records are out */
} slot_t;

static void
cell_free(struct count *cn, unsigned char *c)
{
	for (size_t i = 0; i < cn->naggs; i++)
		if (cn->aggs[i].kind == AG_DISTINCT)
			kmap_free(*(struct kmap **)(c + cn->aggs[i].off));
}

static void
slot_free(struct count *cn, slot_t *s)
{
	if (cn->naggs > 0)
		for (size_t g = 0; g < s->ncells; g++)
			if (*(uint64_t *)(s->cells + g * cn->cellsize) > 0)
				cell_free(cn, s->cells + g * cn->cellsize);
	free(s->cells);
	if (cn->cur_slot == s)
		cn->cur_slot = NULL;
	free(s);
}

/* Index of the first slot starting at or after t. */
static size_t
slot_search(struct count *cn, int64_t t)
{
	size_t lo = 0, hi = cn->nslots;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cn->slots[mid]->start < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The slot starting at s, created if need be. */
static slot_t *
slot_at(struct count *cn, int64_t s)
{
	size_t i = slot_search(cn, s);

	if (i < cn->nslots && cn->slots[i]->start == s)
		return cn->slots[i];
	slot_t *p = xcalloc(1, sizeof *p);
	p->start = s;
	p->end = g_next(cn, s);
	p->wend = g_wend(cn, s);
	p->first = g_first(cn, s);
	p->closes = g_wend(cn, p->first);
	if (cn->nslots == cn->slots_cap) {
		cn->slots_cap = cn->slots_cap ? cn->slots_cap * 2 : 16;
		cn->slots =
		    xrealloc(cn->slots, cn->slots_cap * sizeof *cn->slots);
	}
	memmove(cn->slots + i + 1, cn->slots + i,
	        (cn->nslots - i) * sizeof *cn->slots);
	cn->slots[i] = p;
	cn->nslots++;
	if (cn->max_slot == NONE || s > cn->max_slot)
		cn->max_slot = s;
	return p;
}

/* The slot holding time t. */
static slot_t *
slot_for(struct count *cn, int64_t t)
{
	if (cn->cur_slot != NULL && t >= cn->cur_slot->start &&
	    t < cn->cur_slot->end)
		return cn->cur_slot;
	cn->cur_slot = slot_at(cn, g_floor(cn, t));
	return cn->cur_slot;
}

/* The cell of group id in slot s, growing the cells as needed. */
static unsigned char *
cell_at(struct count *cn, slot_t *s, uint32_t id)
{
	if (id >= s->ncells) {
		size_t n = s->ncells ? s->ncells * 2 : 64;
		if (n < cn->groups_cap)
			n = cn->groups_cap;
		if (n <= id)
			n = (size_t)id + 1;
		s->cells = xrealloc(s->cells, n * cn->cellsize);
		memset(s->cells + s->ncells * cn->cellsize, 0,
		       (n - s->ncells) * cn->cellsize);
		s->ncells = n;
	}
	return s->cells + (size_t)id * cn->cellsize;
}

static uint64_t
cell_count(struct count *cn, const slot_t *s, uint32_t id)
{
	return id < s->ncells
	           ? *(uint64_t *)(s->cells + (size_t)id * cn->cellsize)
	           : 0;
}

/* ==== aggregate states ==================================================== */

/*
 * The number in a raw JSON value: a number, or a string holding one.
 * Returns 1 with *d (and *x, as a double) set, 0 for null, -1 for
 * anything else.
 */
static int
num_value(const char *v, size_t n, dec_t *d, double *x)
{
	char tmp[64];

	if (n == 4 && memcmp(v, "null", 4) == 0)
		return 0;
	if (n >= 2 && v[0] == '"') {
		v++;
		n -= 2;
	}
	if (dec_parse(v, n, d) < 0 || (d->inexact && !isfinite(d->d)))
		return -1;
	if (x != NULL) {
		if (n < sizeof tmp) {
			memcpy(tmp, v, n);
			tmp[n] = '\0';
			*x = strtod(tmp, NULL);
		} else {
			*x = dec_double(d);
		}
	}
	return 1;
}

/* Put one value of aggregate a into cell c (whose count is already
 * raised). */
static void
agg_value(struct count *cn, const line_t *l, agg_t *a, unsigned char *c,
          const char *v, size_t n, char type)
{
	unsigned char *st = c + a->off;
	dec_t d;
	double x;
	int r;

	if (a->kind == AG_DISTINCT) {
		if (type == JT_NULL)
			return;
		if (type == JT_STR && memchr(v, '\\', n) != NULL) {
			buf_reset(&cn->valbuf);
			canon_value(cn, &cn->valbuf, v, n);
			v = cn->valbuf.p;
			n = cn->valbuf.len;
		}
		dset_add((struct kmap **)st, v, n);
		return;
	}
	r = num_value(v, n, &d,
	              a->kind == AG_MIN || a->kind == AG_MAX ? &x : NULL);
	if (r == 0)
		return;
	if (r < 0) {
		/* With --each a record is counted several times: only
		 * the first (l set) tells. */
		if (a->speaks && l != NULL) {
			a->nbad++;
			rio_note_input(l->file, l->num,
			               "'%s' is not a number: %.*s", a->field,
			               (int)(n > 40 ? 40 : n), v);
		}
		return;
	}
	switch (a->kind) {
	case AG_SUM:
		dec_add((dec_t *)st, &d);
		break;
	case AG_AVG:
		dec_add(&((avg_t *)st)->sum, &d);
		count_inc(&((avg_t *)st)->n);
		break;
	case AG_MIN:
	case AG_MAX: {
		mm_t *m = (mm_t *)st;
		if (!m->has || (a->kind == AG_MIN ? x < m->v : x > m->v)) {
			m->v = x;
			m->has = 1;
		}
		break;
	}
	}
}

/* Add cell src into dst. */
static void
cell_combine(struct count *cn, unsigned char *dst, const unsigned char *src)
{
	*(uint64_t *)dst =
	    count_add(*(const uint64_t *)dst, *(const uint64_t *)src);
	for (size_t i = 0; i < cn->naggs; i++) {
		const agg_t *a = &cn->aggs[i];
		unsigned char *d = dst + a->off;
		const unsigned char *s = src + a->off;
		switch (a->kind) {
		case AG_DISTINCT: {
			const struct kmap *ss = *(struct kmap *const *)s;
			for (size_t j = 0; ss != NULL && j < kmap_len(ss);
			     j++) {
				size_t n;
				const char *v = kmap_key(ss, (uint32_t)j, &n);
				dset_add((struct kmap **)d, v, n);
			}
			break;
		}
		case AG_SUM:
			dec_add((dec_t *)d, (const dec_t *)s);
			break;
		case AG_AVG:
			dec_add(&((avg_t *)d)->sum, &((const avg_t *)s)->sum);
			((avg_t *)d)->n =
			    count_add(((avg_t *)d)->n, ((const avg_t *)s)->n);
			break;
		default: {
			const mm_t *sm = (const mm_t *)s;
			mm_t *dm = (mm_t *)d;
			if (sm->has &&
			    (!dm->has || (a->kind == AG_MIN ? sm->v < dm->v
			                                    : sm->v > dm->v))) {
				dm->v = sm->v;
				dm->has = 1;
			}
		}
		}
	}
}

/* Reset a scratch cell; its distinct sets are kept for reuse. */
static void
scratch_clear(struct count *cn, unsigned char *c)
{
	for (size_t i = 0; i < cn->naggs; i++) {
		unsigned char *st = c + cn->aggs[i].off;
		if (cn->aggs[i].kind == AG_DISTINCT) {
			if (*(struct kmap **)st != NULL)
				kmap_clear(*(struct kmap **)st);
		} else if (cn->aggs[i].kind == AG_SUM) {
			memset(st, 0, sizeof(dec_t));
		} else if (cn->aggs[i].kind == AG_AVG) {
			memset(st, 0, sizeof(avg_t));
		} else {
			memset(st, 0, sizeof(mm_t));
		}
	}
	*(uint64_t *)c = 0;
}

/* ==== writing records ===================================================== */

/* Append the key fields of group g as "path":value members. */
static void
write_keys(struct count *cn, buf_t *b, const group_t *g)
{
	const char *p = g->key, *e = g->key + g->klen;

	for (size_t i = 0; i < cn->nkeys + (cn->neach ? 2 : 0); i++) {
		const char *q = memchr(p, '\0', (size_t)(e - p));
		if (q == NULL)
			q = e;
		jw_kraw(b,
		        i < cn->nkeys    ? cn->keys[i].path
		        : i == cn->nkeys ? "dimension"
		                         : "value",
		        p, (size_t)(q - p));
		p = q + 1;
	}
}

static void
write_time(buf_t *b, const char *name, int64_t ms)
{
	char s[TS_MAXLEN + 1];

	jw_kstr(b, name, s, ts_format_ms(ms, s));
}

/* Make win_head: the formatted window_start and window_end of the
 * window being written, once per window. */
static void
set_window(struct count *cn, int64_t ws, int64_t we)
{
	bounds(cn, &ws, &we);
	buf_reset(&cn->win_head);
	buf_addc(&cn->win_head, '{');
	write_time(&cn->win_head, "window_start", ws);
	write_time(&cn->win_head, "window_end", we);
}

/* A sum past the largest double, written as null. */
static int
sum_overflowed(const dec_t *d)
{
	return d->inexact && !isfinite(d->d);
}

static const char big_sum[] =
    "passed the largest double (about 1.8e308): written as null";

/*
 * Say that field of the record of group g in the window being written
 * does not hold its exact value: "window START group [KEYS]: FIELD WHAT".
 * Long keys are cut.
 */
static void
overflow_note(struct count *cn, const group_t *g, const char *field,
              const char *what)
{
	buf_t k = BUF_INIT;
	char ws[TS_MAXLEN + 1];
	const char *p = memchr(cn->win_head.p, ':', cn->win_head.len);

	/* win_head is {"window_start":"...","window_end":... */
	snprintf(ws, sizeof ws, "%.*s", p ? (int)strcspn(p + 2, "\"") : 0,
	         p ? p + 2 : "");
	buf_addc(&k, '[');
	buf_add(&k, g->key, g->klen);
	for (size_t i = 1; i < k.len; i++)
		if (k.p[i] == '\0')
			k.p[i] = ',';
	buf_addc(&k, ']');
	if (k.len > 80) {
		int cut = 72;
		while (cut > 0 && (k.p[cut] & 0xC0) == 0x80)
			cut--; /* not inside a UTF-8 sequence */
		rio_note_input(NULL, 0, "window %s group %.*s...]: %s %s", ws,
		               cut, k.p, field, what);
	} else
		rio_note_input(NULL, 0, "window %s group %s: %s %s", ws, k.p,
		               field, what);
	buf_free(&k);
}

/* Append a final record: keys, window, count, aggregates (from cell c,
 * or zeros when c is NULL), and "revision" when rev > 0. */
static void
write_record(struct count *cn, const group_t *g, const unsigned char *c,
             unsigned rev)
{
	buf_addc(&rio_out, '{');
	write_keys(cn, &rio_out, g);
	if (cn->nkeys > 0 || cn->neach > 0)
		buf_addc(&rio_out, ',');
	buf_add(&rio_out, cn->win_head.p + 1, cn->win_head.len - 1);
	jw_key(&rio_out, "count");
	put_count(&rio_out, c ? *(const uint64_t *)c : 0);
	if (c && (*(const uint64_t *)c & COUNT_BIG))
		overflow_note(
		    cn, g, "count",
		    "passed 9223372036854775807: written as a double");
	for (size_t i = 0; i < cn->naggs; i++) {
		const agg_t *a = &cn->aggs[i];
		const unsigned char *st = c ? c + a->off : NULL;
		jw_key(&rio_out, a->name);
		switch (a->kind) {
		case AG_DISTINCT: {
			const struct kmap *s =
			    st ? *(struct kmap *const *)st : NULL;
			buf_printf(&rio_out, "%zu", s ? kmap_len(s) : 0);
			break;
		}
		case AG_SUM:
			if (st)
				dec_format((const dec_t *)st, &rio_out);
			else
				buf_addc(&rio_out, '0');
			if (st && sum_overflowed((const dec_t *)st))
				overflow_note(cn, g, a->name, big_sum);
			break;
		case AG_AVG: {
			const avg_t *v = (const avg_t *)st;
			if (v && v->n > 0)
				jw_num(&rio_out, dec_double(&v->sum) /
				                     count_double(v->n));
			else
				buf_adds(&rio_out, "null");
			if (v && v->n > 0 && sum_overflowed(&v->sum))
				overflow_note(cn, g, a->name, big_sum);
			break;
		}
		default: {
			const mm_t *m = (const mm_t *)st;
			if (m && m->has)
				jw_num(&rio_out, m->v);
			else
				buf_adds(&rio_out, "null");
		}
		}
	}
	if (rev > 0)
		jw_kint(&rio_out, "revision", rev);
	if (cn->open_now)
		buf_adds(&rio_out, ",\"open\":true");
	buf_add(&rio_out, "}\n", 2);
	rio_out_record();
}

/* ---- partial records ---- */

static void
make_signature(struct count *cn, const char *tzname, int week_start)
{
	buf_t b = BUF_INIT;

	if (cn->all)
		buf_printf(&b, "tingle-count partial 1|w=all|tz=%s", tzname);
	else
		buf_printf(
		    &b, "tingle-count partial 1|w=%lld|every=%lld|tz=%s|ws=%d",
		    (long long)cn->grid.width, (long long)cn->grid.slot, tzname,
		    cn->grid.days && cn->grid.days % 7 == 0 ? week_start : 0);
	for (size_t i = 0; i < cn->nkeys; i++) {
		buf_adds(&b, "|k=");
		buf_add(&b, cn->keys[i].path, cn->keys[i].len + 1);
	}
	for (size_t i = 0; i < cn->neach; i++) {
		buf_adds(&b, "|e=");
		buf_add(&b, cn->each[i].path, cn->each[i].len + 1);
	}
	for (size_t i = 0; i < cn->naggs; i++) {
		buf_adds(&b, "|a=");
		buf_add(&b, cn->aggs[i].name, strlen(cn->aggs[i].name) + 1);
	}
	snprintf(cn->partial_sig, sizeof cn->partial_sig, "%016llx",
	         (unsigned long long)util_hash_bytes(b.p, b.len));
	buf_free(&b);
}

static void
write_partial_sum(const dec_t *d)
{
	if (d->inexact) {
		/* A string marks a sum that left the exact range. */
		char tmp[40];
		snprintf(tmp, sizeof tmp, "%.17g", d->d);
		jw_str(&rio_out, tmp, strlen(tmp));
	} else {
		dec_format(d, &rio_out);
	}
}

/* Append the partial record of group g in the slot [ss, se). */
static void
write_partial(struct count *cn, const group_t *g, int64_t ss, int64_t se,
              const unsigned char *c)
{
	buf_addc(&rio_out, '{');
	jw_kstr(&rio_out, "tingle_partial", cn->partial_sig,
	        strlen(cn->partial_sig));
	jw_key(&rio_out, "key");
	buf_addc(&rio_out, '[');
	buf_add(&rio_out, g->key, g->klen);
	/* The key's parts are joined by NULs: make them commas. */
	for (char *p = rio_out.p + rio_out.len - g->klen;
	     p < rio_out.p + rio_out.len; p++)
		if (*p == '\0')
			*p = ',';
	buf_addc(&rio_out, ']');
	if (ss != cn->slot_head_s || cn->slot_head.len == 0) {
		int64_t ws = ss, we = se;
		bounds(cn, &ws, &we);
		buf_reset(&cn->slot_head);
		buf_addc(&cn->slot_head, '{');
		write_time(&cn->slot_head, "window_start", ws);
		write_time(&cn->slot_head, "window_end", we);
		cn->slot_head_s = ss;
	}
	buf_addc(&rio_out, ',');
	buf_add(&rio_out, cn->slot_head.p + 1, cn->slot_head.len - 1);
	jw_key(&rio_out, "count");
	put_count(&rio_out, *(const uint64_t *)c);
	for (size_t i = 0; i < cn->naggs; i++) {
		const agg_t *a = &cn->aggs[i];
		const unsigned char *st = c + a->off;
		jw_key(&rio_out, a->name);
		switch (a->kind) {
		case AG_DISTINCT: {
			const struct kmap *s = *(struct kmap *const *)st;
			buf_addc(&rio_out, '[');
			if (s != NULL) {
				size_t n = kmap_len(s);
				dent_t *v = xmalloc((n + 1) * sizeof *v);
				for (size_t j = 0; j < n; j++)
					v[j].v =
					    kmap_key(s, (uint32_t)j, &v[j].len);
				qsort(v, n, sizeof *v, dent_cmp);
				for (size_t j = 0; j < n; j++) {
					if (j > 0)
						buf_addc(&rio_out, ',');
					buf_add(&rio_out, v[j].v, v[j].len);
				}
				free(v);
			}
			buf_addc(&rio_out, ']');
			break;
		}
		case AG_SUM:
			write_partial_sum((const dec_t *)st);
			break;
		case AG_AVG: {
			const avg_t *v = (const avg_t *)st;
			buf_addc(&rio_out, '[');
			write_partial_sum(&v->sum);
			buf_addc(&rio_out, ',');
			put_count(&rio_out, v->n);
			buf_addc(&rio_out, ']');
			break;
		}
		default: {
			const mm_t *m = (const mm_t *)st;
			if (m->has) {
				char tmp[40];
				snprintf(tmp, sizeof tmp, "%.17g", m->v);
				buf_adds(&rio_out, tmp);
			} else {
				buf_adds(&rio_out, "null");
			}
		}
		}
	}
	buf_add(&rio_out, "}\n", 2);
	rio_out_record();
}

/* ==== revisions ========================================================== */

/* How often each written window and group was revised (--late emit). */

/* The key of window ws and group id in revs. */
static void
rev_key(char k[12], int64_t ws, uint32_t id)
{
	memcpy(k, &ws, 8);
	memcpy(k + 8, &id, 4);
}

/* Forget the windows starting before from. */
static void
rev_prune(struct count *cn, int64_t from)
{
	for (size_t i = 0; i < kmap_ids(cn->revs); i++) {
		size_t n;
		int64_t ws;
		const char *k;

		if (cn->rev_n[i] == 0)
			continue;
		k = kmap_key(cn->revs, (uint32_t)i, &n);
		memcpy(&ws, k, 8);
		if (ws >= from)
			continue;
		kmap_del(cn->revs, k, n, util_hash_bytes(k, n));
		cn->rev_n[i] = 0;
	}
}

static unsigned
rev_bump(struct count *cn, int64_t ws, uint32_t id)
{
	char k[12];
	int added;
	uint32_t i;

	rev_key(k, ws, id);
	i = kmap_add(cn->revs, k, sizeof k, util_hash_bytes(k, sizeof k),
	             &added);
	if (i >= cn->rev_cap) {
		cn->rev_cap = cn->rev_cap ? cn->rev_cap * 2 : 64;
		cn->rev_n =
		    xrealloc(cn->rev_n, cn->rev_cap * sizeof *cn->rev_n);
	}
	if (added)
		cn->rev_n[i] = 0;
	return ++cn->rev_n[i];
}

/* ==== emission ============================================================ */

/* Would group g get a zero in the window starting at ws? */
static int
zero_fill(struct count *cn, const group_t *g, int64_t ws)
{
	if (g->seeded)
		return 1;
	if (g->active_end == NONE)
		return 0;
	return cn->forget_ms < 0 || ws < g->active_end + cn->forget_ms;
}

/* Does any slot still held have events of g? */
static int
has_events(struct count *cn, const group_t *g)
{
	return cn->nslots > 0 && g->last_end > cn->slots[0]->start;
}

static void
set_active(struct count *cn, group_t *g, int64_t we)
{
	if (g->active_end == NONE && !g->seeded)
		cn->nfill++;
	if (g->active_end == NONE || we > g->active_end)
		g->active_end = we;
}

/*
 * The cell of group id summed over the slots [i0, i1), or NULL when it
 * had no events there.  A single slot's cell is returned as it is.
 */
static const unsigned char *
window_cell(struct count *cn, uint32_t id, size_t i0, size_t i1)
{
	if (i1 - i0 == 1)
		return cell_count(cn, cn->slots[i0], id) > 0
		           ? cn->slots[i0]->cells + (size_t)id * cn->cellsize
		           : NULL;
	int any = 0;
	for (size_t i = i0; i < i1; i++) {
		if (cell_count(cn, cn->slots[i], id) == 0)
			continue;
		if (!any)
			scratch_clear(cn, cn->scratch);
		any = 1;
		cell_combine(cn, cn->scratch,
		             cn->slots[i]->cells + (size_t)id * cn->cellsize);
	}
	return any ? cn->scratch : NULL;
}

/* Write the window [ws, we): a record for each group with events in it
 * or a zero to show. */
static void
write_window(struct count *cn, int64_t ws, int64_t we)
{
	size_t i0 = slot_search(cn, ws), i1 = slot_search(cn, we);

	set_window(cn, ws, we);
	if (!cn->have_first) {
		cn->have_first = 1;
		cn->first_ws = ws;
	}
	cn->last_ws = ws;
	order_update(cn);
	size_t kept = 0;
	for (size_t k = 0; k < cn->norder; k++) {
		uint32_t id = cn->order[k];
		group_t *g = &cn->groups[id];
		const unsigned char *c =
		    i1 > i0 ? window_cell(cn, id, i0, i1) : NULL;
		if (c != NULL) {
			write_record(cn, g, c, 0);
			set_active(cn, g, we);
		} else if (zero_fill(cn, g, ws)) {
			write_record(cn, g, NULL, 0);
		} else if (!g->seeded && g->active_end != NONE &&
		           !has_events(cn, g)) {
			group_forget(cn, id);
			continue;
		}
		cn->order[kept++] = id;
	}
	cn->norder = kept;
}

/* Write the partial records of slot s. */
static void
write_slot_partials(struct count *cn, slot_t *s)
{
	for (size_t id = 0; id < s->ncells; id++) {
		const unsigned char *c = s->cells + id * cn->cellsize;
		if (*(const uint64_t *)c > 0)
			write_partial(cn, &cn->groups[id], s->start, s->end, c);
	}
	s->written = 1;
}

/* Free the slots that no window still to be written, or revised, needs. */
static void
prune_slots(struct count *cn)
{
	size_t n = 0;
	int64_t keep = cn->late_emit && !cn->partial_mode ? cn->late_keep : 0;

	while (n < cn->nslots) {
		slot_t *s = cn->slots[n];
		if (cn->partial_mode) {
			if (!s->written)
				break;
		} else if (!cn->have_next || s->start >= cn->next_ws ||
		           (keep > 0 &&
		            (!cn->have_wm || cn->wm < s->wend + keep))) {
			break;
		}
		n++;
	}
	if (n == 0)
		return;
	slot_t **gone = xmalloc(n * sizeof *gone);
	memcpy(gone, cn->slots, n * sizeof *gone);
	cn->pruned_to = gone[n - 1]->end;
	memmove(cn->slots, cn->slots + n, (cn->nslots - n) * sizeof *cn->slots);
	cn->nslots -= n;
	if (kmap_len(cn->revs) > 0)
		rev_prune(cn, cn->nslots > 0 ? cn->slots[0]->start : INT64_MAX);
	for (size_t i = 0; i < n; i++) {
		/* With --partial, groups whose events are all written go:
		 * the merge keeps track of them. */
		if (cn->partial_mode)
			for (size_t id = 0; id < gone[i]->ncells; id++)
				if (cell_count(cn, gone[i], (uint32_t)id) > 0 &&
				    !cn->groups[id].dead &&
				    !has_events(cn, &cn->groups[id]) &&
				    !cn->groups[id].seeded)
					group_forget(cn, (uint32_t)id);
		slot_free(cn, gone[i]);
	}
	free(gone);
}

/* Start writing windows at ws (the first window that holds a slot with
 * events), unless they already start before it. */
static void
start_windows(struct count *cn, int64_t ws)
{
	if (cn->have_next && ws >= cn->next_ws)
		return;
	cn->next_ws = ws;
	cn->next_we = g_wend(cn, ws);
	cn->have_next = 1;
}

static void
step_window(struct count *cn)
{
	cn->next_ws = g_next(cn, cn->next_ws);
	cn->next_we = g_wend(cn, cn->next_ws);
}

/*
 * Nothing to write for a stretch of windows: no group gets zeros and no
 * slot has events.  Jump to the first window that holds the next slot,
 * or past the windows that end by the watermark.
 */
static void
skip_empty(struct count *cn, int64_t limit)
{
	size_t i = slot_search(cn, cn->next_ws);

	if (i < cn->nslots) {
		int64_t ws = cn->slots[i]->first;
		if (ws > cn->next_ws) {
			cn->next_ws = ws;
			cn->next_we = g_wend(cn, ws);
		}
		return;
	}
	int64_t ws = g_first(cn, g_floor(cn, limit));
	if (ws > cn->next_ws) {
		cn->next_ws = ws;
		cn->next_we = g_wend(cn, ws);
	}
	while (cn->next_we <= limit)
		step_window(cn);
}

/* Does the window at next_ws hold no events? */
static int
window_empty(struct count *cn)
{
	size_t i = slot_search(cn, cn->next_ws);

	return i == cn->nslots || cn->slots[i]->start >= cn->next_we;
}

/*
 * The window start from which no group gets a zero any more: INT64_MIN
 * when none does, INT64_MAX when some group always does (no --forget, or
 * a seeded group).  Beyond it, windows without events write nothing.
 */
static int64_t
fill_until(struct count *cn)
{
	int64_t h = INT64_MIN;

	if (cn->nfill == 0)
		return INT64_MIN;
	if (cn->forget_ms < 0)
		return INT64_MAX;
	for (size_t id = 0; id < cn->ngroups; id++) {
		const group_t *g = &cn->groups[id];
		if (g->dead)
			continue;
		if (g->seeded)
			return INT64_MAX;
		if (g->active_end != NONE && g->active_end + cn->forget_ms > h)
			h = g->active_end + cn->forget_ms;
	}
	return h;
}

static void
format_ms(int64_t ms, char *out)
{
	ts_format_ms(ms, out);
}

/*
 * The zeros of one jump of the watermark reached --max-fill windows:
 * skip the rest of the gap, up to the next window with events or past
 * the windows that end by limit, and say how many were left out.
 */
static void
skip_gap(struct count *cn, int64_t limit)
{
	int64_t from = cn->next_ws;
	char a[TS_MAXLEN + 1], b[TS_MAXLEN + 1];

	skip_empty(cn, limit);
	/* Slots of days or of clock hours can be an hour short or long
	 * where the offset changes; such changes come in pairs, so the
	 * rounded quotient is the number of slots. */
	long long n = (long long)((cn->next_ws - from + cn->grid.slot / 2) /
	                          cn->grid.slot);
	if (n <= 0)
		return;
	format_ms(from, a);
	format_ms(cn->next_ws, b);
	rio_note_input(
	    cn->cur_line ? cn->cur_line->file : NULL,
	    cn->cur_line ? cn->cur_line->num : 0,
	    "a gap of more than %lld windows: %lld windows of zeros from %s to %s not written (--max-fill)",
	    cn->max_fill, n, a, b);
}

/*
 * Before writing the empty window at next_ws: skip windows in which
 * nothing would be written, or the rest of a gap longer than --max-fill
 * (filled counts the zero windows written so far).  Returns 1 if it
 * skipped.
 */
static int
skip_nothing(struct count *cn, int64_t limit, long long *filled)
{
	if (cn->next_ws >= fill_until(cn)) {
		skip_empty(cn, limit);
		*filled = 0;
		return 1;
	}
	if (cn->max_fill > 0 && *filled >= cn->max_fill) {
		skip_gap(cn, limit);
		*filled = 0;
		return 1;
	}
	++*filled;
	return 0;
}

/*
 * Has the clock (rio_now_ms) passed t?  A window is final only once both
 * the watermark and the clock have passed its end, so that events ahead
 * of the clock give the same windows in one run, in a merge of shards,
 * and at the end of input (count_finish).  The clock is read again only
 * for a t past its last reading.  It is the time at the start of the run
 * (TINGLE_NOW, else the wall clock) plus the time the run has taken, so
 * that with TINGLE_NOW it still moves on in a live stream.
 */
static int
clock_passed(struct count *cn, int64_t t)
{
	if (t <= cn->clock)
		return 1;
	if (cn->clock_base == NONE) {
		cn->clock_base = rio_now_ms();
		cn->mono_base = ts_mono_ms();
	}
	cn->clock = cn->clock_base + (ts_mono_ms() - cn->mono_base);
	return t <= cn->clock;
}

/* Write every window that ends by the watermark (final records), or
 * every slot that does (--partial).  A SIGTERM stops it between
 * windows. */
static void
emit_ready(struct count *cn)
{
	long long filled = 0;

	if (cn->partial_mode) {
		/* A slot is written when its events would be late: once the
		 * first window that holds it has ended. */
		for (size_t i = 0;
		     i < cn->nslots && cn->slots[i]->start < cn->wm; i++)
			if (!cn->slots[i]->written &&
			    cn->slots[i]->closes <= cn->wm &&
			    clock_passed(cn, cn->slots[i]->closes))
				write_slot_partials(cn, cn->slots[i]);
		prune_slots(cn);
		return;
	}
	while (cn->have_next && cn->next_we <= cn->wm &&
	       clock_passed(cn, cn->next_we) && !rio_stop) {
		if (window_empty(cn)) {
			if (skip_nothing(cn, cn->wm, &filled))
				continue;
		} else {
			filled = 0;
		}
		write_window(cn, cn->next_ws, cn->next_we);
		step_window(cn);
		prune_slots(cn);
	}
}

/* Move the watermark to w if that is later. */
static void
advance(struct count *cn, int64_t w)
{
	if (cn->have_wm && w <= cn->wm)
		return;
	cn->wm = w;
	cn->have_wm = 1;
	emit_ready(cn);
}

void
count_finish(struct count *cn)
{
	if (cn->partial_mode) {
		for (size_t i = 0; i < cn->nslots; i++)
			if (!cn->slots[i]->written)
				write_slot_partials(cn, cn->slots[i]);
		prune_slots(cn);
		return;
	}
	long long filled = 0;

	while (cn->have_next && cn->max_slot != NONE &&
	       cn->next_ws <= cn->max_slot && !rio_stop) {
		if (window_empty(cn)) {
			if (slot_search(cn, cn->next_ws) == cn->nslots) {
				if (cn->next_ws >= fill_until(cn))
					break;
			} else if (skip_nothing(cn, cn->next_ws, &filled)) {
				continue;
			}
		} else {
			filled = 0;
		}
		/* A window the clock has not ended is not final: held
		 * back, or written marked open. */
		cn->open_now = !cn->all && !clock_passed(cn, cn->next_we);
		if (!cn->open_now || cn->open_emit)
			write_window(cn, cn->next_ws, cn->next_we);
		cn->open_now = 0;
		step_window(cn);
		prune_slots(cn);
	}
}

/* ==== events ============================================================== */

/* Build the identity of the record r's group in keybuf. */
static void
record_key(struct count *cn, const rec_t *r)
{
	jfield_t f;

	buf_reset(&cn->keybuf);
	for (size_t i = 0; i < cn->nkeys; i++) {
		if (i > 0)
			buf_addc(&cn->keybuf, '\0');
		if (rec_path(r, cn->keys[i].path, cn->keys[i].len, &f))
			key_value(&cn->keybuf, f.v, f.vlen, f.type);
		else
			buf_add(&cn->keybuf, "null", 4);
	}
	cn->show_rec = r;
	cn->show_each = -1;
}

static void each_value(struct count *cn, size_t e, size_t plen,
                       const jfield_t *v);

/*
 * With --each: make keybuf, holding the identity of the -k fields in its
 * first plen bytes (record_key), the identity of r's group in the
 * dimension of --each field e: the -k values, the field's name and its
 * value (null when r has none).
 */
static void
each_key(struct count *cn, const rec_t *r, size_t e, size_t plen)
{
	jfield_t f;

	if (!rec_path(r, cn->each[e].path, cn->each[e].len, &f)) {
		f.v = "null";
		f.vlen = 4;
		f.type = JT_NULL;
	}
	each_value(cn, e, plen, &f);
}

/* The same with the value v given. */
static void
each_value(struct count *cn, size_t e, size_t plen, const jfield_t *v)
{
	cn->keybuf.len = plen;
	if (cn->nkeys > 0)
		buf_addc(&cn->keybuf, '\0');
	jw_str(&cn->keybuf, cn->each[e].path, cn->each[e].len);
	buf_addc(&cn->keybuf, '\0');
	key_value(&cn->keybuf, v->v, v->vlen, v->type);
	cn->show_each = (long)e;
	cn->show_v = v->v;
	cn->show_vlen = v->vlen;
}

/* Make the key as written of show_rec in showbuf. */
static void
show_key(struct count *cn)
{
	jfield_t f;

	if (cn->show_rec == NULL)
		return;
	buf_reset(&cn->showbuf);
	for (size_t i = 0; i < cn->nkeys; i++) {
		if (i > 0)
			buf_addc(&cn->showbuf, '\0');
		if (rec_path(cn->show_rec, cn->keys[i].path, cn->keys[i].len,
		             &f))
			canon_value(cn, &cn->showbuf, f.v, f.vlen);
		else
			buf_add(&cn->showbuf, "null", 4);
	}
	if (cn->show_each >= 0) {
		const struct keydef *e = &cn->each[cn->show_each];
		if (cn->nkeys > 0)
			buf_addc(&cn->showbuf, '\0');
		jw_str(&cn->showbuf, e->path, e->len);
		buf_addc(&cn->showbuf, '\0');
		canon_value(cn, &cn->showbuf, cn->show_v, cn->show_vlen);
	}
	cn->show_rec = NULL;
}

/* The group of keybuf, made with the key showbuf (show_key) if new. */
static uint32_t
group_of(struct count *cn)
{
	uint64_t h = util_hash_bytes(cn->keybuf.p, cn->keybuf.len);
	long id = kmap_find(cn->ids, cn->keybuf.p, cn->keybuf.len, h);

	if (id >= 0)
		return (uint32_t)id;
	show_key(cn);
	return group_add(cn, cn->keybuf.p, cn->keybuf.len, h, cn->showbuf.p,
	                 cn->showbuf.len);
}

/* Count the record r into cell c. */
static void
event_into(struct count *cn, const line_t *l, const rec_t *r, unsigned char *c)
{
	jfield_t f;

	count_inc((uint64_t *)c);
	for (size_t i = 0; i < cn->naggs; i++)
		if (rec_path(r, cn->aggs[i].field, cn->aggs[i].flen, &f))
			agg_value(cn, l, &cn->aggs[i], c, f.v, f.vlen, f.type);
}

/* Count the record into group id's cell of slot s. */
static void
place_in(struct count *cn, const line_t *l, slot_t *s, uint32_t id)
{
	event_into(cn, l, &cn->rec, cell_at(cn, s, id));
	group_t *g = &cn->groups[id];
	if (g->last_end == NONE || s->end > g->last_end)
		g->last_end = s->end;
}

/*
 * Count the record in the slot s: in its group, or with --each in one
 * group per --each field.  Sets placed[0..nplaced) to the groups.
 */
static void
place(struct count *cn, const line_t *l, slot_t *s)
{
	record_key(cn, &cn->rec);
	if (cn->neach == 0) {
		cn->placed[0] = group_of(cn);
		cn->nplaced = 1;
		place_in(cn, l, s, cn->placed[0]);
		return;
	}
	size_t plen = cn->keybuf.len;
	for (size_t e = 0; e < cn->neach; e++) {
		each_key(cn, &cn->rec, e, plen);
		cn->show_rec = &cn->rec;
		cn->placed[e] = group_of(cn);
		/* Values that are not numbers are told of once. */
		place_in(cn, e == 0 ? l : NULL, s, cn->placed[e]);
	}
	cn->nplaced = cn->neach;
}

/* A late event with --late emit: count it into its slot, which is still
 * kept (so the windows still to be written have it), and write the
 * corrected record of each written window that holds it. */
static void
revise(struct count *cn, const line_t *l, int64_t s)
{
	slot_t *sl = slot_at(cn, s);

	place(cn, l, sl);
	/* The windows before the first one written were never written. */
	if (!cn->have_first)
		return;
	int64_t ws = sl->first < cn->first_ws ? cn->first_ws : sl->first;
	for (; ws <= s && ws < cn->next_ws; ws = g_next(cn, ws)) {
		int64_t we = g_wend(cn, ws);
		/* Where the clock jumps, a window that starts later can end
		 * before s (window.h): it does not hold the event. */
		if (we <= s)
			continue;
		set_window(cn, ws, we);
		for (size_t i = 0; i < cn->nplaced; i++) {
			uint32_t id = cn->placed[i];
			group_t *g = &cn->groups[id];
			unsigned n = rev_bump(cn, ws, id);
			write_record(cn, g,
			             window_cell(cn, id, slot_search(cn, ws),
			                         slot_search(cn, we)),
			             n);
			set_active(cn, g, we);
		}
	}
}

/* A late event with --partial --late emit: a partial record of its own,
 * which the merge adds in. */
static void
partial_delta(struct count *cn, const line_t *l, int64_t s, int64_t se)
{
	unsigned char *delta = cn->delta;
	group_t tmp;

	record_key(cn, &cn->rec);
	size_t plen = cn->keybuf.len;
	for (size_t e = 0; e < (cn->neach ? cn->neach : 1); e++) {
		if (cn->neach > 0)
			each_key(cn, &cn->rec, e, plen);
		cn->show_rec = &cn->rec;
		show_key(cn);
		memset(&tmp, 0, sizeof tmp);
		tmp.key = cn->showbuf.p;
		tmp.klen = (uint32_t)cn->showbuf.len;
		event_into(cn, e == 0 ? l : NULL, &cn->rec, delta);
		write_partial(cn, &tmp, s, se, delta);
		cell_free(cn, delta);
		memset(delta, 0, cn->cellsize);
	}
}

/* The first window that holds the slot starting at s, and its end. */
static void
slot_windows(struct count *cn, int64_t s, int64_t *first, int64_t *closes)
{
	if (s != cn->memo_s) {
		cn->memo_f = g_first(cn, s);
		cn->memo_c = g_wend(cn, cn->memo_f);
		cn->memo_s = s;
	}
	*first = cn->memo_f;
	*closes = cn->memo_c;
}

/*
 * Is an event in the slot starting at s late?  It is once the first
 * window that holds it has ended: that window is written, or due to be.
 * Where windows end out of order (window.h) it is also late once a
 * window from that one on has been written, as counting it would mean
 * writing them again.
 */
static int
is_late(struct count *cn, int64_t s)
{
	int64_t f, closes;

	slot_windows(cn, s, &f, &closes);
	if (closes <= cn->wm && clock_passed(cn, closes))
		return 1;
	return !cn->partial_mode && cn->last_ws != NONE && cn->last_ws >= f;
}

static void
late_event(struct count *cn, const line_t *l, int64_t t, int64_t s)
{
	int64_t f, closes;

	slot_windows(cn, s, &f, &closes);
	if (cn->late_emit && cn->partial_mode) {
		partial_delta(cn, l, s, g_next(cn, s));
		return;
	}
	/* Count it, and revise the written windows that hold it, while
	 * they are kept: every slot from the first of them on. */
	if (cn->have_first && f < cn->first_ws) {
		f = cn->first_ws;
		closes = g_wend(cn, f);
	}
	if (cn->late_emit && (cn->pruned_to == NONE || f >= cn->pruned_to) &&
	    cn->wm < closes + cn->late_keep) {
		revise(cn, l, s);
		return;
	}
	char ts[TS_MAXLEN + 1], ws[TS_MAXLEN + 1], d[32];
	ts_format_ms(t, ts);
	ts_format_ms(cn->wm, ws);
	if (cn->late_dropped++ == 0) {
		/* The first says how to keep them: a lateness that would
		 * have kept the window open until now. */
		int64_t f0, c0;
		slot_windows(cn, s, &f0, &c0);
		dur_format(cn->max_t - c0 > 0 ? cn->max_t - c0 : 0, d,
		           sizeof d);
		rio_note_input(
		    l->file, l->num,
		    "late event at %s: the watermark is at %s and its window was written; not counted (a --lateness over %s, or --lateness all, keeps such events)",
		    ts, ws, d);
	} else {
		rio_note_input(
		    l->file, l->num,
		    "late event at %s: the watermark is at %s and its window was written; not counted",
		    ts, ws);
	}
	rio_reject_line(l);
}

/*
 * An event time more than --max-ahead past the clock is a forged or
 * broken record: counting it would move the watermark years on and
 * write every window in between.  Reject it (and return 1).
 */
static int
too_far_ahead(struct count *cn, const line_t *l, int64_t t)
{
	if (cn->max_ahead == 0)
		return 0;
	if (cn->now != NONE && t <= cn->now + cn->max_ahead)
		return 0;
	cn->now = rio_now_ms();
	if (t <= cn->now + cn->max_ahead)
		return 0;
	char ts[TS_MAXLEN + 1];
	format_ms(t, ts);
	rio_bad_input(l, "event time %s is more than %s ahead of the clock", ts,
	              cn->max_ahead_arg);
	return 1;
}

void
count_line(struct count *cn, const line_t *l)
{
	size_t col;
	const char *msg;
	jfield_t tf;
	tstamp_t ts;

	if (rec_scan(&cn->rec, l->p, l->n, &col, &msg) < 0) {
		rio_bad_json(l, col, msg);
		return;
	}
	if (cn->seen != NULL)
		fieldseen_record(cn->seen, &cn->rec);
	/* --time-field a,b: the first of these fields the record has */
	const char *tname = cn->time_field;
	if (rio_ntime_fields > 1 &&
	    (tname = rio_time_field_of(&cn->rec, 1)) == NULL)
		tname = cn->time_field;
	if (!rec_path(&cn->rec, tname, strlen(tname), &tf)) {
		if (rio_ntime_fields > 1)
			rio_bad_input(l, "no %s", rio_time_field_desc);
		else
			rio_bad_input(l, "no time field '%s'", tname);
		return;
	}
	if (ts_parse_json(tf.v, tf.vlen, &ts) < 0) {
		rio_bad_input(l, "unreadable time in '%s': %.*s", tname,
		              (int)(tf.vlen > 60 ? 60 : tf.vlen), tf.v);
		return;
	}
	int64_t t = ts_to_ms(&ts);
	if (too_far_ahead(cn, l, t))
		return;
	if (cn->have_wm && t < cn->wm) {
		int64_t s = g_floor(cn, t);
		if (is_late(cn, s)) {
			late_event(cn, l, t, s);
			return;
		}
	}
	slot_t *s = slot_for(cn, t);
	place(cn, l, s);
	if (!cn->partial_mode)
		start_windows(cn, s->first);
	if (cn->min_t == NONE || t < cn->min_t)
		cn->min_t = t;
	if (cn->max_t == NONE || t > cn->max_t) {
		cn->max_t = t;
		if (cn->all || cn->lateness_all)
			return; /* no watermark: all is written at the end */
		cn->cur_line = l;
		advance(cn, t - cn->lateness);
		cn->cur_line = NULL;
	}
}

/* ==== --merge ============================================================= */

/* Read a partial sum: a number (exact) or a string (inexact). */
static int
partial_sum(const jfield_t *f, dec_t *d)
{
	char tmp[64];

	if (f->type == JT_NUM)
		return dec_parse(f->v, f->vlen, d);
	if (f->type != JT_STR || f->vlen - 2 >= sizeof tmp)
		return -1;
	memcpy(tmp, f->v + 1, f->vlen - 2);
	tmp[f->vlen - 2] = '\0';
	memset(d, 0, sizeof *d);
	d->inexact = 1;
	d->d = strtod(tmp, NULL);
	return 0;
}

/* A count in a partial record: a shard counts events one by one, so
 * one past INT64_MAX is not from a shard. */
static int
parse_count(const char *v, size_t n, uint64_t *out)
{
	uint64_t c = 0;

	if (n == 0 || n > 19)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		c = c * 10 + (uint64_t)(v[i] - '0');
	}
	if (c > (uint64_t)INT64_MAX)
		return -1;
	*out = c;
	return 0;
}

/* Read the states of a partial record into the scratch cell mc.
 * Returns NULL, or what is wrong. */
static const char *
read_partial(struct count *cn, const rec_t *r, unsigned char *mc)
{
	const jfield_t *f = rec_get(r, "count", 5);
	uint64_t n;

	if (f == NULL)
		return "no count";
	if (parse_count(f->v, f->vlen, &n) < 0 || n == 0)
		return "the count is not a whole number from 1 to 9223372036854775807";
	*(uint64_t *)mc = n;
	for (size_t i = 0; i < cn->naggs; i++) {
		const agg_t *a = &cn->aggs[i];
		unsigned char *st = mc + a->off;
		f = rec_get(r, a->name, strlen(a->name));
		if (f == NULL)
			return "an aggregate is missing";
		switch (a->kind) {
		case AG_DISTINCT: {
			size_t pos = 0, evlen;
			const char *ev;
			if (f->type != JT_ARR)
				return "a distinct set is not an array";
			while (jarr_next(f->v, f->vlen, &pos, &ev, &evlen)) {
				buf_reset(&cn->valbuf);
				canon_value(cn, &cn->valbuf, ev, evlen);
				dset_add((struct kmap **)st, cn->valbuf.p,
				         cn->valbuf.len);
			}
			break;
		}
		case AG_SUM:
			if (partial_sum(f, (dec_t *)st) < 0)
				return "a sum is not a number";
			break;
		case AG_AVG: {
			size_t pos = 0, evlen;
			const char *ev;
			jfield_t e;
			avg_t *v = (avg_t *)st;
			if (f->type != JT_ARR ||
			    !jarr_next(f->v, f->vlen, &pos, &ev, &evlen))
				return "an average is not [sum, n]";
			memset(&e, 0, sizeof e);
			e.v = ev;
			e.vlen = evlen;
			e.type = ev[0] == '"' ? JT_STR : JT_NUM;
			if (partial_sum(&e, &v->sum) < 0 ||
			    !jarr_next(f->v, f->vlen, &pos, &ev, &evlen) ||
			    parse_count(ev, evlen, &v->n) < 0)
				return "an average is not [sum, n]";
			break;
		}
		default: {
			mm_t *m = (mm_t *)st;
			dec_t d;
			if (f->type == JT_NULL)
				break;
			if (f->type != JT_NUM ||
			    num_value(f->v, f->vlen, &d, &m->v) < 0)
				return "a minimum or maximum is not a number";
			m->has = 1;
		}
		}
	}
	return NULL;
}

void
count_merge_line(struct count *cn, const line_t *l)
{
	unsigned char *mc = cn->mc;
	size_t col, pos = 0, evlen, nk = 0;
	const char *msg, *ev, *why;
	const jfield_t *f;
	tstamp_t ts;

	if (rec_scan(&cn->rec, l->p, l->n, &col, &msg) < 0) {
		rio_bad_json(l, col, msg);
		return;
	}
	f = rec_get(&cn->rec, "tingle_partial", 14);
	if (f == NULL) {
		rio_bad_input(l, "not a partial record (no tingle_partial)");
		return;
	}
	if (f->vlen != strlen(cn->partial_sig) + 2 ||
	    memcmp(f->v + 1, cn->partial_sig, f->vlen - 2) != 0) {
		rio_out_flush();
		util_die(
		    EX_USAGE,
		    "%s:%lu: partial record made with other options: --merge needs the -w, --every, --tz, --week-start, -k and aggregate options the shards had",
		    l->file, l->num);
	}
	f = rec_get(&cn->rec, "key", 3);
	buf_reset(&cn->keybuf);
	buf_reset(&cn->showbuf);
	cn->show_rec = NULL;
	if (f != NULL && f->type == JT_ARR) {
		while (jarr_next(f->v, f->vlen, &pos, &ev, &evlen)) {
			size_t vcol;
			const char *vmsg;
			char type;
			if (nk++ > 0) {
				buf_addc(&cn->keybuf, '\0');
				buf_addc(&cn->showbuf, '\0');
			}
			jscan_value(ev, evlen, &type, &vcol, &vmsg);
			key_value(&cn->keybuf, ev, evlen, type);
			canon_value(cn, &cn->showbuf, ev, evlen);
		}
	}
	if (f == NULL || f->type != JT_ARR ||
	    nk != cn->nkeys + (cn->neach ? 2 : 0)) {
		rio_bad_input(l, "partial record without its %zu key values",
		              cn->nkeys + (cn->neach ? 2 : 0));
		return;
	}
	f = rec_get(&cn->rec, "window_start", 12);
	if (f == NULL || ts_parse_json(f->v, f->vlen, &ts) < 0) {
		rio_bad_input(l, "partial record without a window_start");
		return;
	}
	int64_t t = ts_to_ms(&ts), te = t;
	if (cn->all) {
		/* The window is the shard's first to last event time. */
		const jfield_t *e = rec_get(&cn->rec, "window_end", 10);
		if (e == NULL || ts_parse_json(e->v, e->vlen, &ts) < 0) {
			rio_bad_input(l, "partial record without a window_end");
			return;
		}
		te = ts_to_ms(&ts);
	} else if (g_floor(cn, t) != t) {
		rio_bad_input(
		    l,
		    "window_start %.*s does not start a slot of these windows",
		    (int)f->vlen, f->v);
		return;
	}
	why = read_partial(cn, &cn->rec, mc);
	if (why != NULL) {
		rio_bad_input(l, "bad partial record: %s", why);
	} else {
		if (cn->all) {
			if (cn->min_t == NONE || t < cn->min_t)
				cn->min_t = t;
			if (cn->max_t == NONE || te > cn->max_t)
				cn->max_t = te;
			t = ALL_START;
		}
		slot_t *s = slot_at(cn, t);
		uint32_t id = group_of(cn);
		cell_combine(cn, cell_at(cn, s, id), mc);
		if (cn->groups[id].last_end == NONE ||
		    s->end > cn->groups[id].last_end)
			cn->groups[id].last_end = s->end;
		start_windows(cn, s->first);
	}
	cell_free(cn, mc);
	memset(mc, 0, cn->cellsize);
}

/* ==== --keys ============================================================== */

/* Make the group with the key in keybuf, or mark it seeded. */
static void
seed_group(struct count *cn)
{
	uint32_t id = group_of(cn);

	if (!cn->groups[id].seeded) {
		cn->groups[id].seeded = 1;
		if (cn->groups[id].active_end == NONE)
			cn->nfill++;
	}
}

void
count_seed(struct count *cn, const rec_t *r)
{
	record_key(cn, r);
	if (cn->neach == 0) {
		seed_group(cn);
		return;
	}
	size_t plen = cn->keybuf.len;
	const jfield_t *d = rec_get(r, "dimension", 9);
	const jfield_t *v = rec_get(r, "value", 5);
	if (d != NULL && v != NULL && d->type == JT_STR) {
		/* A record as --each writes it: its dimension and value. */
		buf_reset(&cn->canon_tmp);
		jstr_decode(d->v, d->vlen, &cn->canon_tmp);
		for (size_t e = 0; e < cn->neach; e++)
			if (cn->each[e].len == cn->canon_tmp.len &&
			    memcmp(cn->each[e].path, cn->canon_tmp.p,
			           cn->each[e].len) == 0) {
				each_value(cn, e, plen, v);
				cn->show_rec = r;
				seed_group(cn);
				break;
			}
		return;
	}
	/* Else the value of each --each field the row has. */
	for (size_t e = 0; e < cn->neach; e++) {
		jfield_t f;
		if (!rec_path(r, cn->each[e].path, cn->each[e].len, &f))
			continue;
		each_value(cn, e, plen, &f);
		cn->show_rec = r;
		seed_group(cn);
	}
}

size_t
count_nfill(const struct count *cn)
{
	return cn->nfill;
}

/* ==== --idle ============================================================= */

/*
 * The watermark that --idle gives now: once input has been quiet for
 * the idle time, event time is taken to move on with the wall clock
 * from the latest event time (or, before any event but with --keys, from
 * the time the run started), less the lateness.
 */
static int
idle_watermark(struct count *cn, int64_t now, int64_t *w)
{
	int64_t quiet = now - cn->last_input;
	int64_t base = cn->max_t != NONE ? cn->max_t : cn->idle_base;

	if (quiet < cn->idle_ms || base == NONE)
		return 0;
	*w = base + quiet - cn->lateness;
	return 1;
}

/* The end of the next window (or slot) that the watermark will close. */
static int
next_close(struct count *cn, int64_t *end)
{
	if (cn->partial_mode) {
		int64_t e = INT64_MAX;
		for (size_t i = 0; i < cn->nslots; i++)
			if (!cn->slots[i]->written && cn->slots[i]->closes < e)
				e = cn->slots[i]->closes;
		*end = e;
		return e != INT64_MAX;
	}
	if (!cn->have_next)
		return 0;
	*end = cn->next_we;
	return 1;
}

/* How long rd_next may wait for input before the idle clock matters. */
int
count_idle_timeout(struct count *cn)
{
	int64_t now = ts_mono_ms(), w, end, d;

	/* Without a watermark, the clock closes nothing. */
	if (cn->idle_ms <= 0 || cn->lateness_all || cn->all)
		return -1;
	if (!idle_watermark(cn, now, &w)) {
		if (cn->max_t == NONE && cn->idle_base == NONE)
			return -1;
		d = cn->idle_ms - (now - cn->last_input);
	} else if (!next_close(cn, &end)) {
		return -1;
	} else {
		d = end - w;
		/* A window the clock has not ended waits for the clock. */
		if (!clock_passed(cn, end) && end - cn->clock > d)
			d = end - cn->clock;
	}
	if (d < 1)
		d = 1;
	return d > 60000 ? 60000 : (int)d;
}

void
count_idle_tick(struct count *cn)
{
	int64_t w;

	if (cn->lateness_all || cn->all ||
	    !idle_watermark(cn, ts_mono_ms(), &w))
		return;
	if (!cn->partial_mode && !cn->have_next && cn->max_t == NONE)
		start_windows(cn, g_first(cn, g_floor(cn, cn->idle_base)));
	advance(cn, w);
	rio_out_flush();
}

void
count_input(struct count *cn)
{
	if (cn->idle_ms > 0)
		cn->last_input = ts_mono_ms();
}

void
count_start(struct count *cn)
{
	clock_passed(cn, INT64_MAX); /* start the clock */
	cn->last_input = ts_mono_ms();
	if (cn->nfill > 0 && cn->idle_ms > 0)
		cn->idle_base = rio_now_ms();
}

unsigned long
count_late_dropped(const struct count *cn)
{
	return cn->late_dropped;
}

size_t
count_agg_nbad(const struct count *cn, size_t i, const char **field)
{
	if (i >= cn->naggs)
		return 0;
	*field = cn->aggs[i].field;
	return cn->aggs[i].nbad;
}

/* ==== the engine ========================================================== */

struct count *
count_new(struct count_conf *cf, const char **err)
{
	struct count *cn = xcalloc(1, sizeof *cn);

	cn->all = cf->all;
	if (cf->width <= 0 && !cf->all) {
		*err = "the window width must be more than 0";
		free(cn);
		return NULL;
	}
	if (!cf->all && wgrid_init(&cn->grid, cf->width, cf->every,
	                           cf->week_start, err) < 0) {
		free(cn);
		return NULL;
	}
	cn->lateness = cf->lateness;
	cn->lateness_all = cf->lateness_all;
	cn->open_emit = cf->open_emit;
	cn->forget_ms = cf->forget;
	cn->max_ahead = cf->max_ahead;
	cn->max_ahead_arg = cf->max_ahead_arg;
	cn->max_fill = cf->max_fill;
	cn->idle_ms = cf->idle;
	cn->late_keep = cf->late_keep < 0 ? cf->width : cf->late_keep;
	cn->late_emit = cf->late_emit;
	cn->partial_mode = cf->partial;
	cn->max_groups = cf->max_groups;
	cn->time_field = cf->time_field;
	cn->tflen = strlen(cf->time_field);

	cn->keys = xcalloc(cf->nkeys + 1, sizeof *cn->keys);
	for (size_t i = 0; i < cf->nkeys; i++) {
		cn->keys[i].path = cf->keys[i];
		cn->keys[i].len = strlen(cf->keys[i]);
	}
	cn->nkeys = cf->nkeys;
	cn->each = xcalloc(cf->neach + 1, sizeof *cn->each);
	for (size_t i = 0; i < cf->neach; i++) {
		cn->each[i].path = cf->each[i];
		cn->each[i].len = strlen(cf->each[i]);
	}
	cn->neach = cf->neach;
	cn->placed = xcalloc(cf->neach + 1, sizeof *cn->placed);
	cn->aggs = xcalloc(cf->naggs + 1, sizeof *cn->aggs);
	for (size_t i = 0; i < cf->naggs; i++) {
		buf_t name = BUF_INIT;
		int kind = cf->aggs[i].kind;
		buf_printf(&name, "%s_%s", agg_names[kind], cf->aggs[i].field);
		cn->aggs[i].kind = kind;
		cn->aggs[i].field = cf->aggs[i].field;
		cn->aggs[i].flen = strlen(cf->aggs[i].field);
		cn->aggs[i].name = name.p;
	}
	cn->naggs = cf->naggs;
	if ((*err = check_key_names(cn, cf)) != NULL) {
		count_free(cn);
		return NULL;
	}
	layout_cells(cn);
	cn->scratch = xcalloc(1, cn->cellsize);
	cn->delta = xcalloc(1, cn->cellsize);
	cn->mc = xcalloc(1, cn->cellsize);
	buf_grow(&cn->keybuf, 256); /* never NULL, even for an empty key */
	buf_grow(&cn->showbuf, 256);
	make_signature(cn, cf->tz ? cf->tz : "UTC", cf->week_start);
	cn->ids = kmap_new();
	cn->revs = kmap_new();
	cn->max_slot = NONE;
	cn->memo_s = NONE;
	cn->max_t = NONE;
	cn->min_t = NONE;
	cn->clock = NONE;
	cn->clock_base = NONE;
	cn->last_ws = NONE;
	cn->pruned_to = NONE;
	cn->now = NONE;
	cn->idle_base = NONE;
	return cn;
}

void
count_free(struct count *cn)
{
	if (cn == NULL)
		return;
	for (size_t i = 0; i < cn->nslots; i++)
		slot_free(cn, cn->slots[i]);
	free(cn->slots);
	for (size_t id = 0; id < cn->ngroups; id++)
		if (!cn->groups[id].dead)
			free(cn->groups[id].key);
	free(cn->groups);
	kmap_free(cn->ids);
	free(cn->order);
	free(cn->pending);
	kmap_free(cn->revs);
	free(cn->rev_n);
	if (cn->scratch != NULL)
		for (size_t i = 0; i < cn->naggs; i++)
			if (cn->aggs[i].kind == AG_DISTINCT)
				kmap_free(*(struct kmap **)(cn->scratch +
				                            cn->aggs[i].off));
	free(cn->scratch);
	free(cn->delta);
	free(cn->mc);
	for (size_t i = 0; i < cn->naggs; i++)
		free(cn->aggs[i].name);
	free(cn->aggs);
	free(cn->keys);
	free(cn->each);
	free(cn->placed);
	rec_free(&cn->rec);
	buf_free(&cn->keybuf);
	buf_free(&cn->showbuf);
	buf_free(&cn->canon_tmp);
	buf_free(&cn->valbuf);
	buf_free(&cn->win_head);
	buf_free(&cn->slot_head);
	free(cn);
}

void
count_watch(struct count *cn, struct fieldseen *fs)
{
	cn->seen = fs;
}
