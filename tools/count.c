/*
 * tingle-count - windowed group-by counts over event time.
 *
 * Every event goes into the slot of the window grid that holds its time
 * (window.h: a slot is one hop of --every, or the whole window when
 * windows tumble) and, in that slot, into the cell of its group: a count
 * and the state of each aggregate.  A window is the sum of its slots.  It
 * is written once the watermark (the latest event time less --lateness)
 * passes its end, with one record per group that had events in it, and a
 * count of 0 for every group that is known but silent: seen in an earlier
 * window and not yet forgotten, or seeded by --keys.
 *
 * Records are read with the record layer (json.h): no tree per record.
 * Groups live in one hash table keyed by the canonical text of their key
 * values (key.h: "\u0061" and "a", or 1 and 1.0, are one group), and
 * keep the text of their first record to write; each slot holds a dense
 * array of cells indexed by group number.
 * So memory is the groups plus open slots x groups x cell size, and one
 * event costs a scan, a hash lookup and a few additions.
 *
 * --partial writes the state of each slot and group instead of windows
 * (no zeros), and --merge reads such records from any number of shards,
 * adds them up and then writes windows exactly as a single run would.
 */
#include <errno.h>
#include <math.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csv.h"
#include "dec.h"
#include "json.h"
#include "key.h"
#include "rio.h"
#include "ttime.h"
#include "util.h"
#include "window.h"

#define NONE INT64_MIN /* an unset time */

/* ==== options ============================================================ */

enum {
	OPT_EVERY = RIO_OPT_FIRST_FREE,
	OPT_DISTINCT,
	OPT_SUM,
	OPT_MIN,
	OPT_MAX,
	OPT_AVG,
	OPT_LATENESS,
	OPT_LATE,
	OPT_LATE_KEEP,
	OPT_FORGET,
	OPT_KEYS,
	OPT_IDLE,
	OPT_WEEK_START,
	OPT_PARTIAL,
	OPT_MERGE,
	OPT_MAX_GROUPS,
	OPT_MAX_AHEAD,
	OPT_MAX_FILL,
};

static const struct option longopts[] = {
    {"window", required_argument, NULL, 'w'},
    {"every", required_argument, NULL, OPT_EVERY},
    {"key", required_argument, NULL, 'k'},
    {"distinct", required_argument, NULL, OPT_DISTINCT},
    {"sum", required_argument, NULL, OPT_SUM},
    {"min", required_argument, NULL, OPT_MIN},
    {"max", required_argument, NULL, OPT_MAX},
    {"avg", required_argument, NULL, OPT_AVG},
    {"lateness", required_argument, NULL, OPT_LATENESS},
    {"late", required_argument, NULL, OPT_LATE},
    {"late-keep", required_argument, NULL, OPT_LATE_KEEP},
    {"forget", required_argument, NULL, OPT_FORGET},
    {"keys", required_argument, NULL, OPT_KEYS},
    {"idle", required_argument, NULL, OPT_IDLE},
    {"week-start", required_argument, NULL, OPT_WEEK_START},
    {"partial", no_argument, NULL, OPT_PARTIAL},
    {"merge", no_argument, NULL, OPT_MERGE},
    {"max-groups", required_argument, NULL, OPT_MAX_GROUPS},
    {"max-ahead", required_argument, NULL, OPT_MAX_AHEAD},
    {"max-fill", required_argument, NULL, OPT_MAX_FILL},
    RIO_LONGOPTS,
    {NULL, 0, NULL, 0},
};

static void
usage(FILE *fp)
{
	fprintf(
	    fp,
	    "usage: tingle-count -w DURATION [-k FIELD]... [options] [FILE...]\n"
	    "\n"
	    "Count records per event-time window and group; groups that fall silent get\n"
	    "a count of 0.\n"
	    "\n"
	    "Windows and groups:\n"
	    "  -w, --window DURATION  window width (5m, 1h, 1d, 1w, ...); whole days are\n"
	    "                         calendar days in --tz, also with --every\n"
	    "  --every DURATION       start a window every DURATION (hopping windows)\n"
	    "  -k, --key FIELD        group by FIELD (dotted path); repeatable; not a\n"
	    "                         name count writes (count, window_start, sum_F, ...)\n"
	    "  --week-start mon|sun   first day of week windows (default mon)\n"
	    "Aggregates (each repeatable; count is always written):\n"
	    "  --distinct FIELD       number of distinct values\n"
	    "  --sum FIELD, --min FIELD, --max FIELD, --avg FIELD\n"
	    "Time:\n"
	    "  --lateness DURATION    watermark = latest event time less DURATION (default 0)\n"
	    "  --late report|emit     late events are reported (default) or emitted as\n"
	    "                         corrected records with \"revision\"\n"
	    "  --late-keep DURATION   with --late emit: how long a written window can be\n"
	    "                         revised (default: the window width)\n"
	    "  --idle DURATION        after DURATION without input, move the watermark\n"
	    "                         on with the wall clock\n"
	    "Silence:\n"
	    "  --forget DURATION      stop writing zeros for a group silent that long\n"
	    "                         (default: never)\n"
	    "  --keys FILE            seed the groups from an NDJSON or CSV file\n"
	    "Scale-out and limits:\n"
	    "  --partial              write mergeable partial aggregates\n"
	    "  --merge                combine partial aggregates into windows\n"
	    "  --max-groups N         stop (exit 70) beyond N groups (default 10000000)\n"
	    "  --max-ahead DURATION   reject events more than DURATION ahead of the clock\n"
	    "                         (default 1d; 0: no limit)\n"
	    "  --max-fill N           write zeros for at most N windows when the watermark\n"
	    "                         jumps (default 10000; 0: no limit)\n"
	    "\n%s",
	    rio_common_usage);
}

static wgrid_t grid;
static int64_t lateness;
static int64_t forget_ms = -1;       /* -1: never */
static int64_t max_ahead = 86400000; /* --max-ahead; 0: no limit */
static const char *max_ahead_arg = "1d";
static long long max_fill = 10000; /* --max-fill; 0: no limit */
static int64_t idle_ms;
static int64_t late_keep = -1; /* -1: the window width */
static int late_emit, partial_mode, merge_mode;
static size_t max_groups = 10000000;

/* ==== keys and aggregates ================================================= */

typedef struct keydef {
	const char *path;
	size_t len;
} keydef_t;

static keydef_t *keys;
static size_t nkeys;

enum { AG_DISTINCT, AG_SUM, AG_MIN, AG_MAX, AG_AVG };
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

static agg_t *aggs;
static size_t naggs;

/*
 * A cell: the count, then each aggregate's state at its offset.  A cell
 * whose count is 0 has never been touched, so all of it is zero bytes.
 */
static size_t cellsize = sizeof(uint64_t);

/*
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

/* An exact set of distinct values (canonical JSON text). */
typedef struct dent {
	uint64_t h;
	const char *v; /* owned, unless the set borrows */
	size_t len;
} dent_t;

typedef struct dset {
	dent_t *tab; /* open addressing, cap a power of two */
	size_t n, cap;
} dset_t;

typedef struct mm {
	double v;
	int64_t has;
} mm_t;

typedef struct avg {
	dec_t sum;
	uint64_t n;
} avg_t;

static void
add_key(const char *path)
{
	for (size_t i = 0; i < nkeys; i++)
		if (strcmp(keys[i].path, path) == 0)
			rio_usage_error("-k %s given twice", path);
	if (*path == '\0')
		rio_usage_error("empty -k field");
	keys = xrealloc(keys, (nkeys + 1) * sizeof *keys);
	keys[nkeys].path = path;
	keys[nkeys].len = strlen(path);
	nkeys++;
}

static void
add_agg(int kind, const char *field)
{
	buf_t name = BUF_INIT;

	if (*field == '\0')
		rio_usage_error("empty --%s field", agg_names[kind]);
	buf_printf(&name, "%s_%s", agg_names[kind], field);
	for (size_t i = 0; i < naggs; i++)
		if (strcmp(aggs[i].name, name.p) == 0)
			rio_usage_error("--%s %s given twice", agg_names[kind],
			                field);
	aggs = xrealloc(aggs, (naggs + 1) * sizeof *aggs);
	memset(&aggs[naggs], 0, sizeof aggs[naggs]);
	aggs[naggs].kind = kind;
	aggs[naggs].field = field;
	aggs[naggs].flen = strlen(field);
	aggs[naggs].name = name.p;
	naggs++;
}

/*
 * A -k field is written under its own name next to the fields count
 * writes itself, so one named like those would make a record with a
 * name twice.  Refuse it, and say how to group by it anyway.
 */
static void
check_key_names(void)
{
	for (size_t i = 0; i < nkeys; i++) {
		const char *k = keys[i].path;
		const struct key_field *w =
		    key_written_by(k, strlen(k), KEY_BY_COUNT);
		int clash = w != NULL && !w->prefix;
		for (size_t j = 0; j < naggs; j++)
			clash |= strcmp(k, aggs[j].name) == 0;
		if (clash)
			rio_usage_error(
			    "-k %s: tingle-count writes a field of that name itself; group by a copy under another name, made e.g. with tingle-segment --by %s --field %s_key or jq -c '.%s_key = .%s'",
			    k, k, k, k, k);
	}
}

/* Lay out the cell: count first, then the states, each aligned. */
static void
layout_cells(void)
{
	size_t off = sizeof(uint64_t), align = sizeof(uint64_t);

	for (size_t i = 0; i < naggs; i++) {
		size_t sz, al;
		aggs[i].speaks = aggs[i].kind != AG_DISTINCT;
		for (size_t j = 0; j < i && aggs[i].speaks; j++)
			if (aggs[j].kind != AG_DISTINCT &&
			    strcmp(aggs[j].field, aggs[i].field) == 0)
				aggs[i].speaks = 0;
		switch (aggs[i].kind) {
		case AG_DISTINCT:
			sz = al = sizeof(dset_t *);
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
		aggs[i].off = off;
		off += sz;
		if (al > align)
			align = al;
	}
	cellsize = (off + align - 1) / align * align;
}

/* ==== canonical JSON text ================================================= */

/*
 * Append the text count writes for a JSON value: a string with escapes
 * is decoded and written again with only the escapes JSON needs, so that
 * "\u0061" and "a" are one distinct value; everything else is its raw
 * text.  It is a group's key as written, and the text of a value of
 * --distinct (group identity is key_value()).
 */
static buf_t canon_tmp = BUF_INIT;
static buf_t valbuf = BUF_INIT; /* a canonical value being handled */

static void
canon_value(buf_t *dst, const char *v, size_t n)
{
	if (n >= 2 && v[0] == '"' && memchr(v + 1, '\\', n - 2) != NULL) {
		buf_reset(&canon_tmp);
		jstr_decode(v, n, &canon_tmp);
		jw_str(dst, canon_tmp.p, canon_tmp.len);
		return;
	}
	buf_add(dst, v, n);
}

/* ==== distinct sets ======================================================= */

static dset_t *
dset_new(void)
{
	dset_t *s = xcalloc(1, sizeof *s);

	s->cap = 8;
	s->tab = xcalloc(s->cap, sizeof *s->tab);
	return s;
}

static void
dset_free(dset_t *s, int owned)
{
	if (s == NULL)
		return;
	if (owned)
		for (size_t i = 0; i < s->cap; i++)
			free((char *)s->tab[i].v);
	free(s->tab);
	free(s);
}

/* Empty a set that borrows its values (for combining windows). */
static void
dset_clear(dset_t *s)
{
	memset(s->tab, 0, s->cap * sizeof *s->tab);
	s->n = 0;
}

static void
dset_grow(dset_t *s)
{
	dent_t *old = s->tab;
	size_t ocap = s->cap;

	s->cap *= 2;
	s->tab = xcalloc(s->cap, sizeof *s->tab);
	for (size_t i = 0; i < ocap; i++) {
		if (old[i].v == NULL)
			continue;
		size_t j = old[i].h & (s->cap - 1);
		while (s->tab[j].v != NULL)
			j = (j + 1) & (s->cap - 1);
		s->tab[j] = old[i];
	}
	free(old);
}

/* Add v (canonical text) unless present; copy it if copy is set. */
static void
dset_add(dset_t *s, const char *v, size_t len, uint64_t h, int copy)
{
	size_t j = h & (s->cap - 1);

	while (s->tab[j].v != NULL) {
		if (s->tab[j].h == h && s->tab[j].len == len &&
		    memcmp(s->tab[j].v, v, len) == 0)
			return;
		j = (j + 1) & (s->cap - 1);
	}
	if (copy) {
		char *p = xmalloc(len + 1);
		memcpy(p, v, len);
		p[len] = '\0';
		v = p;
	}
	s->tab[j].h = h;
	s->tab[j].v = v;
	s->tab[j].len = len;
	if (++s->n * 2 > s->cap)
		dset_grow(s);
}

static int
dent_cmp(const void *a, const void *b)
{
	const dent_t *x = *(dent_t *const *)a, *y = *(dent_t *const *)b;
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
	uint64_t hash;
	char *id;
	char *key;
	int64_t active_end; /* end of the latest written window in which it
	                       had events, or NONE */
	int64_t last_end;   /* end of the latest slot with its events */
	uint32_t idlen;
	uint32_t klen;
	uint8_t seeded; /* from --keys: never forgotten */
	uint8_t dead;   /* forgotten; its number is free */
} group_t;

static group_t *groups;
static size_t ngroups, groups_cap; /* numbers in use (some dead) */
static size_t nlive;               /* groups not dead */
static size_t nfill;               /* live groups that get zeros */
static uint32_t *free_ids, *limbo; /* free numbers, and numbers of
                                      forgotten groups still in order */
static size_t nfree, nlimbo;

static uint32_t *htab; /* group number + 1, or 0 */
static size_t hcap;

/* Groups in the order of their keys, and those not yet sorted in. */
static uint32_t *order, *pending;
static size_t norder, npending;

static void
htab_grow(void)
{
	uint32_t *old = htab;
	size_t ocap = hcap;

	hcap = hcap ? hcap * 2 : 1024;
	htab = xcalloc(hcap, sizeof *htab);
	for (size_t i = 0; i < ocap; i++) {
		if (old[i] == 0)
			continue;
		size_t j = groups[old[i] - 1].hash & (hcap - 1);
		while (htab[j] != 0)
			j = (j + 1) & (hcap - 1);
		htab[j] = old[i];
	}
	free(old);
}

static long
group_find(const char *id, size_t idlen, uint64_t h)
{
	if (hcap == 0)
		return -1;
	for (size_t j = h & (hcap - 1); htab[j] != 0;
	     j = (j + 1) & (hcap - 1)) {
		const group_t *g = &groups[htab[j] - 1];
		if (g->hash == h && g->idlen == idlen &&
		    memcmp(g->id, id, idlen) == 0)
			return (long)(htab[j] - 1);
	}
	return -1;
}

static char *
dup_bytes(const char *p, size_t n)
{
	char *d = xmalloc(n + 1);

	if (n > 0)
		memcpy(d, p, n);
	d[n] = '\0';
	return d;
}

/* A new group of identity id and key as written key. */
static uint32_t
group_add(const char *id_, size_t idlen, uint64_t h, const char *key,
          size_t klen)
{
	uint32_t id;

	if (nlive >= max_groups) {
		rio_out_flush();
		util_die(
		    EX_SOFTWARE,
		    "more than %zu groups: stopping before memory runs out (raise --max-groups, or group by fewer or coarser keys)",
		    max_groups);
	}
	if (nfree > 0) {
		id = free_ids[--nfree];
	} else {
		if (ngroups == groups_cap) {
			groups_cap = groups_cap ? groups_cap * 2 : 1024;
			groups = xrealloc(groups, groups_cap * sizeof *groups);
		}
		id = (uint32_t)ngroups++;
	}
	group_t *g = &groups[id];
	memset(g, 0, sizeof *g);
	g->hash = h;
	g->key = dup_bytes(key, klen);
	g->klen = (uint32_t)klen;
	g->id = idlen == klen && memcmp(id_, key, klen) == 0
	            ? g->key
	            : dup_bytes(id_, idlen);
	g->idlen = (uint32_t)idlen;
	g->active_end = NONE;
	g->last_end = NONE;
	nlive++;
	if ((nlive + 1) * 2 > hcap)
		htab_grow();
	size_t j = h & (hcap - 1);
	while (htab[j] != 0)
		j = (j + 1) & (hcap - 1);
	htab[j] = id + 1;
	if (!partial_mode) {
		pending = xrealloc(pending, (npending + 1) * sizeof *pending);
		pending[npending++] = id;
	}
	return id;
}

/* Remove group id from the table (linear probing: shift back the run
 * that follows it) and free its number. */
static void
group_forget(uint32_t id)
{
	group_t *g = &groups[id];
	size_t j = g->hash & (hcap - 1);

	while (htab[j] != id + 1)
		j = (j + 1) & (hcap - 1);
	htab[j] = 0;
	for (size_t k = (j + 1) & (hcap - 1); htab[k] != 0;
	     k = (k + 1) & (hcap - 1)) {
		size_t home = groups[htab[k] - 1].hash & (hcap - 1);
		/* Move k to the hole j if its home is not in (j, k]. */
		if ((k > j && (home <= j || home > k)) ||
		    (k < j && home <= j && home > k)) {
			htab[j] = htab[k];
			htab[k] = 0;
			j = k;
		}
	}
	if (g->active_end != NONE || g->seeded)
		nfill--;
	if (g->id != g->key)
		free(g->id);
	free(g->key);
	g->key = NULL;
	g->id = NULL;
	g->dead = 1;
	nlive--;
	if (partial_mode) {
		free_ids = xrealloc(free_ids, (nfree + 1) * sizeof *free_ids);
		free_ids[nfree++] = id;
	} else {
		/* Its number may still be in order: it is free only once
		 * order_update has dropped it. */
		limbo = xrealloc(limbo, (nlimbo + 1) * sizeof *limbo);
		limbo[nlimbo++] = id;
	}
}

static int
key_cmp(uint32_t a, uint32_t b)
{
	const group_t *x = &groups[a], *y = &groups[b];
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c = memcmp(x->key, y->key, n);

	return c != 0 ? c : (x->klen > y->klen) - (x->klen < y->klen);
}

static int
id_cmp(const void *a, const void *b)
{
	return key_cmp(*(const uint32_t *)a, *(const uint32_t *)b);
}

/* Bring order up to date: drop forgotten groups, sort in new ones. */
static void
order_update(void)
{
	if (npending == 0 && nlimbo == 0)
		return;
	size_t n = 0;
	if (nlimbo > 0) {
		for (size_t i = 0; i < norder; i++)
			if (!groups[order[i]].dead)
				order[n++] = order[i];
		norder = n;
		n = 0;
		for (size_t i = 0; i < npending; i++)
			if (!groups[pending[i]].dead)
				pending[n++] = pending[i];
		npending = n;
		free_ids =
		    xrealloc(free_ids, (nfree + nlimbo) * sizeof *free_ids);
		memcpy(free_ids + nfree, limbo, nlimbo * sizeof *limbo);
		nfree += nlimbo;
		nlimbo = 0;
	}
	if (npending == 0)
		return;
	qsort(pending, npending, sizeof *pending, id_cmp);
	uint32_t *m = xmalloc((norder + npending) * sizeof *m);
	size_t i = 0, j = 0;
	n = 0;
	while (i < norder || j < npending) {
		if (j == npending ||
		    (i < norder && key_cmp(order[i], pending[j]) < 0))
			m[n++] = order[i++];
		else
			m[n++] = pending[j++];
	}
	free(order);
	order = m;
	norder = n;
	npending = 0;
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

static slot_t **slots; /* sorted by start */
static size_t nslots, slots_cap;
static slot_t *cur_slot;        /* the last one used */
static int64_t max_slot = NONE; /* latest slot start with events */

static void
cell_free(unsigned char *c)
{
	for (size_t i = 0; i < naggs; i++)
		if (aggs[i].kind == AG_DISTINCT)
			dset_free(*(dset_t **)(c + aggs[i].off), 1);
}

static void
slot_free(slot_t *s)
{
	if (naggs > 0)
		for (size_t g = 0; g < s->ncells; g++)
			if (*(uint64_t *)(s->cells + g * cellsize) > 0)
				cell_free(s->cells + g * cellsize);
	free(s->cells);
	if (cur_slot == s)
		cur_slot = NULL;
	free(s);
}

/* Index of the first slot starting at or after t. */
static size_t
slot_search(int64_t t)
{
	size_t lo = 0, hi = nslots;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (slots[mid]->start < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The slot starting at s, created if need be. */
static slot_t *
slot_at(int64_t s)
{
	size_t i = slot_search(s);

	if (i < nslots && slots[i]->start == s)
		return slots[i];
	slot_t *p = xcalloc(1, sizeof *p);
	p->start = s;
	p->end = wgrid_next(&grid, s);
	p->wend = wgrid_window_end(&grid, s);
	p->first = wgrid_first_window(&grid, s);
	p->closes = wgrid_window_end(&grid, p->first);
	if (nslots == slots_cap) {
		slots_cap = slots_cap ? slots_cap * 2 : 16;
		slots = xrealloc(slots, slots_cap * sizeof *slots);
	}
	memmove(slots + i + 1, slots + i, (nslots - i) * sizeof *slots);
	slots[i] = p;
	nslots++;
	if (max_slot == NONE || s > max_slot)
		max_slot = s;
	return p;
}

/* The slot holding time t. */
static slot_t *
slot_for(int64_t t)
{
	if (cur_slot != NULL && t >= cur_slot->start && t < cur_slot->end)
		return cur_slot;
	cur_slot = slot_at(wgrid_floor(&grid, t));
	return cur_slot;
}

/* The cell of group id in slot s, growing the cells as needed. */
static unsigned char *
cell_at(slot_t *s, uint32_t id)
{
	if (id >= s->ncells) {
		size_t n = s->ncells ? s->ncells * 2 : 64;
		if (n < groups_cap)
			n = groups_cap;
		if (n <= id)
			n = (size_t)id + 1;
		s->cells = xrealloc(s->cells, n * cellsize);
		memset(s->cells + s->ncells * cellsize, 0,
		       (n - s->ncells) * cellsize);
		s->ncells = n;
	}
	return s->cells + (size_t)id * cellsize;
}

static uint64_t
cell_count(const slot_t *s, uint32_t id)
{
	return id < s->ncells ? *(uint64_t *)(s->cells + (size_t)id * cellsize)
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
agg_value(const line_t *l, agg_t *a, unsigned char *c, const char *v, size_t n,
          char type)
{
	unsigned char *st = c + a->off;
	dec_t d;
	double x;
	int r;

	if (a->kind == AG_DISTINCT) {
		if (type == JT_NULL)
			return;
		dset_t **s = (dset_t **)st;
		if (*s == NULL)
			*s = dset_new();
		if (type == JT_STR && memchr(v, '\\', n) != NULL) {
			buf_reset(&valbuf);
			canon_value(&valbuf, v, n);
			v = valbuf.p;
			n = valbuf.len;
		}
		dset_add(*s, v, n, util_hash_bytes(v, n), 1);
		return;
	}
	r = num_value(v, n, &d,
	              a->kind == AG_MIN || a->kind == AG_MAX ? &x : NULL);
	if (r == 0)
		return;
	if (r < 0) {
		if (a->speaks) {
			a->nbad++;
			if (l != NULL)
				rio_note_input(l->file, l->num,
				               "'%s' is not a number: %.*s",
				               a->field, (int)(n > 40 ? 40 : n),
				               v);
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

/* Add cell src into dst.  A distinct set in dst borrows the values of
 * src when borrow is set (dst is a scratch cell), else copies them. */
static void
cell_combine(unsigned char *dst, const unsigned char *src, int borrow)
{
	*(uint64_t *)dst =
	    count_add(*(const uint64_t *)dst, *(const uint64_t *)src);
	for (size_t i = 0; i < naggs; i++) {
		const agg_t *a = &aggs[i];
		unsigned char *d = dst + a->off;
		const unsigned char *s = src + a->off;
		switch (a->kind) {
		case AG_DISTINCT: {
			const dset_t *ss = *(dset_t *const *)s;
			dset_t **ds = (dset_t **)d;
			if (ss == NULL)
				break;
			if (*ds == NULL)
				*ds = dset_new();
			for (size_t j = 0; j < ss->cap; j++)
				if (ss->tab[j].v != NULL)
					dset_add(*ds, ss->tab[j].v,
					         ss->tab[j].len, ss->tab[j].h,
					         !borrow);
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
scratch_clear(unsigned char *c)
{
	for (size_t i = 0; i < naggs; i++) {
		unsigned char *st = c + aggs[i].off;
		if (aggs[i].kind == AG_DISTINCT) {
			if (*(dset_t **)st != NULL)
				dset_clear(*(dset_t **)st);
		} else if (aggs[i].kind == AG_SUM) {
			memset(st, 0, sizeof(dec_t));
		} else if (aggs[i].kind == AG_AVG) {
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
write_keys(buf_t *b, const group_t *g)
{
	const char *p = g->key, *e = g->key + g->klen;

	for (size_t i = 0; i < nkeys; i++) {
		const char *q = memchr(p, '\0', (size_t)(e - p));
		if (q == NULL)
			q = e;
		jw_kraw(b, keys[i].path, p, (size_t)(q - p));
		p = q + 1;
	}
}

static void
write_time(buf_t *b, const char *name, int64_t ms)
{
	char s[TS_MAXLEN + 1];

	jw_kstr(b, name, s, ts_format_ms(ms, s));
}

/* The formatted window_start and window_end of the window being
 * written, made once per window. */
static buf_t win_head = BUF_INIT;

static void
set_window(int64_t ws, int64_t we)
{
	buf_reset(&win_head);
	buf_addc(&win_head, '{');
	write_time(&win_head, "window_start", ws);
	write_time(&win_head, "window_end", we);
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
overflow_note(const group_t *g, const char *field, const char *what)
{
	buf_t k = BUF_INIT;
	char ws[TS_MAXLEN + 1];
	const char *p = memchr(win_head.p, ':', win_head.len);

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
write_record(const group_t *g, const unsigned char *c, unsigned rev)
{
	buf_addc(&rio_out, '{');
	write_keys(&rio_out, g);
	if (nkeys > 0)
		buf_addc(&rio_out, ',');
	buf_add(&rio_out, win_head.p + 1, win_head.len - 1);
	jw_key(&rio_out, "count");
	put_count(&rio_out, c ? *(const uint64_t *)c : 0);
	if (c && (*(const uint64_t *)c & COUNT_BIG))
		overflow_note(
		    g, "count",
		    "passed 9223372036854775807: written as a double");
	for (size_t i = 0; i < naggs; i++) {
		const agg_t *a = &aggs[i];
		const unsigned char *st = c ? c + a->off : NULL;
		jw_key(&rio_out, a->name);
		switch (a->kind) {
		case AG_DISTINCT: {
			const dset_t *s = st ? *(dset_t *const *)st : NULL;
			buf_printf(&rio_out, "%zu", s ? s->n : 0);
			break;
		}
		case AG_SUM:
			if (st)
				dec_format((const dec_t *)st, &rio_out);
			else
				buf_addc(&rio_out, '0');
			if (st && sum_overflowed((const dec_t *)st))
				overflow_note(g, a->name, big_sum);
			break;
		case AG_AVG: {
			const avg_t *v = (const avg_t *)st;
			if (v && v->n > 0)
				jw_num(&rio_out, dec_double(&v->sum) /
				                     count_double(v->n));
			else
				buf_adds(&rio_out, "null");
			if (v && v->n > 0 && sum_overflowed(&v->sum))
				overflow_note(g, a->name, big_sum);
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
	buf_add(&rio_out, "}\n", 2);
	rio_out_record();
}

/* ---- partial records ---- */

static char partial_sig[20]; /* what the shards and the merge agree on */

static void
make_signature(const char *tzname, int week_start)
{
	buf_t b = BUF_INIT;

	buf_printf(&b, "tingle-count partial 1|w=%lld|every=%lld|tz=%s|ws=%d",
	           (long long)grid.width, (long long)grid.slot, tzname,
	           grid.days && grid.days % 7 == 0 ? week_start : 0);
	for (size_t i = 0; i < nkeys; i++) {
		buf_adds(&b, "|k=");
		buf_add(&b, keys[i].path, keys[i].len + 1);
	}
	for (size_t i = 0; i < naggs; i++) {
		buf_adds(&b, "|a=");
		buf_add(&b, aggs[i].name, strlen(aggs[i].name) + 1);
	}
	snprintf(partial_sig, sizeof partial_sig, "%016llx",
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

/* The slot's window_start and window_end, made once per slot. */
static buf_t slot_head = BUF_INIT;
static int64_t slot_head_s;

/* Append the partial record of group g in the slot [ss, se). */
static void
write_partial(const group_t *g, int64_t ss, int64_t se, const unsigned char *c)
{
	buf_addc(&rio_out, '{');
	jw_kstr(&rio_out, "tingle_partial", partial_sig, strlen(partial_sig));
	jw_key(&rio_out, "key");
	buf_addc(&rio_out, '[');
	buf_add(&rio_out, g->key, g->klen);
	/* The key's parts are joined by NULs: make them commas. */
	for (char *p = rio_out.p + rio_out.len - g->klen;
	     p < rio_out.p + rio_out.len; p++)
		if (*p == '\0')
			*p = ',';
	buf_addc(&rio_out, ']');
	if (ss != slot_head_s || slot_head.len == 0) {
		buf_reset(&slot_head);
		buf_addc(&slot_head, '{');
		write_time(&slot_head, "window_start", ss);
		write_time(&slot_head, "window_end", se);
		slot_head_s = ss;
	}
	buf_addc(&rio_out, ',');
	buf_add(&rio_out, slot_head.p + 1, slot_head.len - 1);
	jw_key(&rio_out, "count");
	put_count(&rio_out, *(const uint64_t *)c);
	for (size_t i = 0; i < naggs; i++) {
		const agg_t *a = &aggs[i];
		const unsigned char *st = c + a->off;
		jw_key(&rio_out, a->name);
		switch (a->kind) {
		case AG_DISTINCT: {
			const dset_t *s = *(dset_t *const *)st;
			buf_addc(&rio_out, '[');
			if (s != NULL) {
				const dent_t **v = xmalloc(s->n * sizeof *v);
				size_t n = 0;
				for (size_t j = 0; j < s->cap; j++)
					if (s->tab[j].v != NULL)
						v[n++] = &s->tab[j];
				qsort(v, n, sizeof *v, dent_cmp);
				for (size_t j = 0; j < n; j++) {
					if (j > 0)
						buf_addc(&rio_out, ',');
					buf_add(&rio_out, v[j]->v, v[j]->len);
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

typedef struct rev {
	int64_t ws;
	uint32_t id;
	uint32_t n; /* 0: empty */
} rev_t;

static rev_t *revs;
static size_t nrevs, revcap;

static size_t
rev_home(int64_t ws, uint32_t id)
{
	uint64_t h = (uint64_t)ws * 0x9E3779B97F4A7C15ULL ^ id;

	return (size_t)(h ^ h >> 29) & (revcap - 1);
}

static void
rev_insert(rev_t r)
{
	size_t j = rev_home(r.ws, r.id);

	while (revs[j].n != 0)
		j = (j + 1) & (revcap - 1);
	revs[j] = r;
	nrevs++;
}

/* Rebuild the table keeping entries of windows starting at or after
 * from, in a table of cap entries. */
static void
rev_rebuild(int64_t from, size_t cap)
{
	rev_t *old = revs;
	size_t ocap = revcap;

	revcap = cap;
	revs = xcalloc(revcap, sizeof *revs);
	nrevs = 0;
	for (size_t i = 0; i < ocap; i++)
		if (old[i].n != 0 && old[i].ws >= from)
			rev_insert(old[i]);
	free(old);
}

static unsigned
rev_bump(int64_t ws, uint32_t id)
{
	if ((nrevs + 1) * 2 > revcap)
		rev_rebuild(NONE, revcap ? revcap * 2 : 64);
	size_t j = rev_home(ws, id);
	for (; revs[j].n != 0; j = (j + 1) & (revcap - 1))
		if (revs[j].ws == ws && revs[j].id == id)
			return ++revs[j].n;
	rev_t r = {ws, id, 1};
	rev_insert(r);
	return 1;
}

/* ==== emission ============================================================ */

static int have_wm;
static int64_t wm;           /* the watermark */
static int64_t max_t = NONE; /* latest event time */
static int have_next;
static int64_t next_ws, next_we;   /* the next window to write */
static unsigned char *scratch;     /* a cell for combining slots */
static unsigned long late_dropped; /* late events not counted */
static int have_first;
static int64_t first_ws;         /* start of the first window written */
static int64_t last_ws = NONE;   /* start of the last window written */
static int64_t pruned_to = NONE; /* the slots before it are freed */

/* Would group g get a zero in the window starting at ws? */
static int
zero_fill(const group_t *g, int64_t ws)
{
	if (g->seeded)
		return 1;
	if (g->active_end == NONE)
		return 0;
	return forget_ms < 0 || ws < g->active_end + forget_ms;
}

/* Does any slot still held have events of g? */
static int
has_events(const group_t *g)
{
	return nslots > 0 && g->last_end > slots[0]->start;
}

static void
set_active(group_t *g, int64_t we)
{
	if (g->active_end == NONE && !g->seeded)
		nfill++;
	if (g->active_end == NONE || we > g->active_end)
		g->active_end = we;
}

/*
 * The cell of group id summed over the slots [i0, i1), or NULL when it
 * had no events there.  A single slot's cell is returned as it is.
 */
static const unsigned char *
window_cell(uint32_t id, size_t i0, size_t i1)
{
	if (i1 - i0 == 1)
		return cell_count(slots[i0], id) > 0
		           ? slots[i0]->cells + (size_t)id * cellsize
		           : NULL;
	int any = 0;
	for (size_t i = i0; i < i1; i++) {
		if (cell_count(slots[i], id) == 0)
			continue;
		if (!any)
			scratch_clear(scratch);
		any = 1;
		cell_combine(scratch, slots[i]->cells + (size_t)id * cellsize,
		             1);
	}
	return any ? scratch : NULL;
}

/* Write the window [ws, we): a record for each group with events in it
 * or a zero to show. */
static void
write_window(int64_t ws, int64_t we)
{
	size_t i0 = slot_search(ws), i1 = slot_search(we);

	set_window(ws, we);
	if (!have_first) {
		have_first = 1;
		first_ws = ws;
	}
	last_ws = ws;
	order_update();
	for (size_t k = 0; k < norder; k++) {
		uint32_t id = order[k];
		group_t *g = &groups[id];
		if (g->dead)
			continue;
		const unsigned char *c =
		    i1 > i0 ? window_cell(id, i0, i1) : NULL;
		if (c != NULL) {
			write_record(g, c, 0);
			set_active(g, we);
		} else if (zero_fill(g, ws)) {
			write_record(g, NULL, 0);
		} else if (!g->seeded && g->active_end != NONE &&
		           !has_events(g)) {
			group_forget(id);
		}
	}
}

/* Write the partial records of slot s. */
static void
write_slot_partials(slot_t *s)
{
	for (size_t id = 0; id < s->ncells; id++) {
		const unsigned char *c = s->cells + id * cellsize;
		if (*(const uint64_t *)c > 0)
			write_partial(&groups[id], s->start, s->end, c);
	}
	s->written = 1;
}

/* Free the slots that no window still to be written, or revised, needs. */
static void
prune_slots(void)
{
	size_t n = 0;
	int64_t keep = late_emit && !partial_mode ? late_keep : 0;

	while (n < nslots) {
		slot_t *s = slots[n];
		if (partial_mode) {
			if (!s->written)
				break;
		} else if (!have_next || s->start >= next_ws ||
		           (keep > 0 && (!have_wm || wm < s->wend + keep))) {
			break;
		}
		n++;
	}
	if (n == 0)
		return;
	slot_t **gone = xmalloc(n * sizeof *gone);
	memcpy(gone, slots, n * sizeof *gone);
	pruned_to = gone[n - 1]->end;
	memmove(slots, slots + n, (nslots - n) * sizeof *slots);
	nslots -= n;
	if (nrevs > 0)
		rev_rebuild(nslots > 0 ? slots[0]->start : INT64_MAX, revcap);
	for (size_t i = 0; i < n; i++) {
		/* With --partial, groups whose events are all written go:
		 * the merge keeps track of them. */
		if (partial_mode)
			for (size_t id = 0; id < gone[i]->ncells; id++)
				if (cell_count(gone[i], (uint32_t)id) > 0 &&
				    !groups[id].dead &&
				    !has_events(&groups[id]) &&
				    !groups[id].seeded)
					group_forget((uint32_t)id);
		slot_free(gone[i]);
	}
	free(gone);
}

/* Start writing windows at ws (the first window that holds a slot with
 * events), unless they already start before it. */
static void
start_windows(int64_t ws)
{
	if (have_next && ws >= next_ws)
		return;
	next_ws = ws;
	next_we = wgrid_window_end(&grid, ws);
	have_next = 1;
}

static void
step_window(void)
{
	next_ws = wgrid_next(&grid, next_ws);
	next_we = wgrid_window_end(&grid, next_ws);
}

/*
 * Nothing to write for a stretch of windows: no group gets zeros and no
 * slot has events.  Jump to the first window that holds the next slot,
 * or past the windows that end by the watermark.
 */
static void
skip_empty(int64_t limit)
{
	size_t i = slot_search(next_ws);

	if (i < nslots) {
		int64_t ws = slots[i]->first;
		if (ws > next_ws) {
			next_ws = ws;
			next_we = wgrid_window_end(&grid, ws);
		}
		return;
	}
	int64_t ws = wgrid_first_window(&grid, wgrid_floor(&grid, limit));
	if (ws > next_ws) {
		next_ws = ws;
		next_we = wgrid_window_end(&grid, ws);
	}
	while (next_we <= limit)
		step_window();
}

/* Does the window at next_ws hold no events? */
static int
window_empty(void)
{
	size_t i = slot_search(next_ws);

	return i == nslots || slots[i]->start >= next_we;
}

/*
 * The window start from which no group gets a zero any more: INT64_MIN
 * when none does, INT64_MAX when some group always does (no --forget, or
 * a seeded group).  Beyond it, windows without events write nothing.
 */
static int64_t
fill_until(void)
{
	int64_t h = INT64_MIN;

	if (nfill == 0)
		return INT64_MIN;
	if (forget_ms < 0)
		return INT64_MAX;
	for (size_t id = 0; id < ngroups; id++) {
		const group_t *g = &groups[id];
		if (g->dead)
			continue;
		if (g->seeded)
			return INT64_MAX;
		if (g->active_end != NONE && g->active_end + forget_ms > h)
			h = g->active_end + forget_ms;
	}
	return h;
}

/* The line being counted, for diagnostics about what it caused. */
static const line_t *cur_line;

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
skip_gap(int64_t limit)
{
	int64_t from = next_ws;
	char a[TS_MAXLEN + 1], b[TS_MAXLEN + 1];

	skip_empty(limit);
	/* Slots of days or of clock hours can be an hour short or long
	 * where the offset changes; such changes come in pairs, so the
	 * rounded quotient is the number of slots. */
	long long n = (long long)((next_ws - from + grid.slot / 2) / grid.slot);
	if (n <= 0)
		return;
	format_ms(from, a);
	format_ms(next_ws, b);
	rio_note_input(
	    cur_line ? cur_line->file : NULL, cur_line ? cur_line->num : 0,
	    "a gap of more than %lld windows: %lld windows of zeros from %s to %s not written (--max-fill)",
	    max_fill, n, a, b);
}

/*
 * Before writing the empty window at next_ws: skip windows in which
 * nothing would be written, or the rest of a gap longer than --max-fill
 * (filled counts the zero windows written so far).  Returns 1 if it
 * skipped.
 */
static int
skip_nothing(int64_t limit, long long *filled)
{
	if (next_ws >= fill_until()) {
		skip_empty(limit);
		*filled = 0;
		return 1;
	}
	if (max_fill > 0 && *filled >= max_fill) {
		skip_gap(limit);
		*filled = 0;
		return 1;
	}
	++*filled;
	return 0;
}

/* Write every window that ends by the watermark (final records), or
 * every slot that does (--partial).  A SIGTERM stops it between
 * windows. */
static void
emit_ready(void)
{
	long long filled = 0;

	if (partial_mode) {
		/* A slot is written when its events would be late: once the
		 * first window that holds it has ended. */
		for (size_t i = 0; i < nslots && slots[i]->start < wm; i++)
			if (!slots[i]->written && slots[i]->closes <= wm)
				write_slot_partials(slots[i]);
		prune_slots();
		return;
	}
	while (have_next && next_we <= wm && !rio_stop) {
		if (window_empty()) {
			if (skip_nothing(wm, &filled))
				continue;
		} else {
			filled = 0;
		}
		write_window(next_ws, next_we);
		step_window();
		prune_slots();
	}
}

/* Move the watermark to w if that is later. */
static void
advance(int64_t w)
{
	if (have_wm && w <= wm)
		return;
	wm = w;
	have_wm = 1;
	emit_ready();
}

/* At the end of input: everything still open. */
static void
emit_rest(void)
{
	if (partial_mode) {
		for (size_t i = 0; i < nslots; i++)
			if (!slots[i]->written)
				write_slot_partials(slots[i]);
		prune_slots();
		return;
	}
	long long filled = 0;

	while (have_next && max_slot != NONE && next_ws <= max_slot &&
	       !rio_stop) {
		if (window_empty()) {
			if (slot_search(next_ws) == nslots) {
				if (next_ws >= fill_until())
					break;
			} else if (skip_nothing(next_ws, &filled)) {
				continue;
			}
		} else {
			filled = 0;
		}
		write_window(next_ws, next_we);
		step_window();
		prune_slots();
	}
}

/* ==== events ============================================================== */

static rec_t rec;

/*
 * The group of the record being handled: its identity in keybuf and, once
 * show_key() has made it, its key as written in showbuf (see group_t).
 * show_rec is the record they come from, or NULL when showbuf is made.
 */
static buf_t keybuf = BUF_INIT;
static buf_t showbuf = BUF_INIT;
static const rec_t *show_rec;

/* Build the identity of the record r's group in keybuf. */
static void
record_key(const rec_t *r)
{
	jfield_t f;

	buf_reset(&keybuf);
	for (size_t i = 0; i < nkeys; i++) {
		if (i > 0)
			buf_addc(&keybuf, '\0');
		if (rec_path(r, keys[i].path, keys[i].len, &f))
			key_value(&keybuf, f.v, f.vlen, f.type);
		else
			buf_add(&keybuf, "null", 4);
	}
	show_rec = r;
}

/* Make the key as written of show_rec in showbuf. */
static void
show_key(void)
{
	jfield_t f;

	if (show_rec == NULL)
		return;
	buf_reset(&showbuf);
	for (size_t i = 0; i < nkeys; i++) {
		if (i > 0)
			buf_addc(&showbuf, '\0');
		if (rec_path(show_rec, keys[i].path, keys[i].len, &f))
			canon_value(&showbuf, f.v, f.vlen);
		else
			buf_add(&showbuf, "null", 4);
	}
	show_rec = NULL;
}

/* The group of keybuf, made with the key showbuf (show_key) if new. */
static uint32_t
group_of(void)
{
	uint64_t h = util_hash_bytes(keybuf.p, keybuf.len);
	long id = group_find(keybuf.p, keybuf.len, h);

	if (id >= 0)
		return (uint32_t)id;
	show_key();
	return group_add(keybuf.p, keybuf.len, h, showbuf.p, showbuf.len);
}

/* Count the record r into cell c. */
static void
event_into(const line_t *l, const rec_t *r, unsigned char *c)
{
	jfield_t f;

	count_inc((uint64_t *)c);
	for (size_t i = 0; i < naggs; i++)
		if (rec_path(r, aggs[i].field, aggs[i].flen, &f))
			agg_value(l, &aggs[i], c, f.v, f.vlen, f.type);
}

/* Count the record in the slot s; returns its group. */
static uint32_t
place(const line_t *l, slot_t *s)
{
	record_key(&rec);
	uint32_t id = group_of();
	event_into(l, &rec, cell_at(s, id));
	group_t *g = &groups[id];
	if (g->last_end == NONE || s->end > g->last_end)
		g->last_end = s->end;
	return id;
}

/* A late event with --late emit: count it into its slot, which is still
 * kept (so the windows still to be written have it), and write the
 * corrected record of each written window that holds it. */
static void
revise(const line_t *l, int64_t s)
{
	slot_t *sl = slot_at(s);
	uint32_t id = place(l, sl);
	group_t *g = &groups[id];

	/* The windows before the first one written were never written. */
	if (!have_first)
		return;
	int64_t ws = sl->first < first_ws ? first_ws : sl->first;
	for (; ws <= s && ws < next_ws; ws = wgrid_next(&grid, ws)) {
		int64_t we = wgrid_window_end(&grid, ws);
		/* Where the clock jumps, a window that starts later can end
		 * before s (window.h): it does not hold the event. */
		if (we <= s)
			continue;
		unsigned n = rev_bump(ws, id);
		set_window(ws, we);
		write_record(
		    g, window_cell(id, slot_search(ws), slot_search(we)), n);
		set_active(g, we);
	}
}

/* A late event with --partial --late emit: a partial record of its own,
 * which the merge adds in. */
static void
partial_delta(const line_t *l, int64_t s, int64_t se)
{
	static unsigned char *delta;
	group_t tmp;

	if (delta == NULL)
		delta = xcalloc(1, cellsize);
	record_key(&rec);
	show_key();
	memset(&tmp, 0, sizeof tmp);
	tmp.key = showbuf.p;
	tmp.klen = (uint32_t)showbuf.len;
	event_into(l, &rec, delta);
	write_partial(&tmp, s, se, delta);
	cell_free(delta);
	memset(delta, 0, cellsize);
}

/* The first window that holds the slot starting at s, and its end. */
static void
slot_windows(int64_t s, int64_t *first, int64_t *closes)
{
	static int64_t memo_s = NONE, memo_f, memo_c;

	if (s != memo_s) {
		memo_f = wgrid_first_window(&grid, s);
		memo_c = wgrid_window_end(&grid, memo_f);
		memo_s = s;
	}
	*first = memo_f;
	*closes = memo_c;
}

/*
 * Is an event in the slot starting at s late?  It is once the first
 * window that holds it has ended: that window is written, or due to be.
 * Where windows end out of order (window.h) it is also late once a
 * window from that one on has been written, as counting it would mean
 * writing them again.
 */
static int
is_late(int64_t s)
{
	int64_t f, closes;

	slot_windows(s, &f, &closes);
	if (closes <= wm)
		return 1;
	return !partial_mode && last_ws != NONE && last_ws >= f;
}

static void
late_event(const line_t *l, int64_t t, int64_t s)
{
	int64_t f, closes;

	slot_windows(s, &f, &closes);
	if (late_emit && partial_mode) {
		partial_delta(l, s, wgrid_next(&grid, s));
		return;
	}
	/* Count it, and revise the written windows that hold it, while
	 * they are kept: every slot from the first of them on. */
	if (have_first && f < first_ws) {
		f = first_ws;
		closes = wgrid_window_end(&grid, f);
	}
	if (late_emit && (pruned_to == NONE || f >= pruned_to) &&
	    wm < closes + late_keep) {
		revise(l, s);
		return;
	}
	char ts[TS_MAXLEN + 1], ws[TS_MAXLEN + 1];
	ts_format_ms(t, ts);
	ts_format_ms(wm, ws);
	late_dropped++;
	rio_note_input(
	    l->file, l->num,
	    "late event at %s: the watermark is at %s and its window was written; not counted",
	    ts, ws);
	rio_reject_line(l);
}

/*
 * An event time more than --max-ahead past the clock is a forged or
 * broken record: counting it would move the watermark years on and
 * write every window in between.  Reject it (and return 1).
 */
static int
too_far_ahead(const line_t *l, int64_t t)
{
	static int64_t now = NONE; /* the clock at the last look */

	if (max_ahead == 0)
		return 0;
	if (now != NONE && t <= now + max_ahead)
		return 0;
	now = rio_now_ms();
	if (t <= now + max_ahead)
		return 0;
	char ts[TS_MAXLEN + 1];
	format_ms(t, ts);
	rio_bad_input(l, "event time %s is more than %s ahead of the clock", ts,
	              max_ahead_arg);
	return 1;
}

static void
count_line(const line_t *l)
{
	size_t col;
	const char *msg;
	jfield_t tf;
	tstamp_t ts;

	if (rec_scan(&rec, l->p, l->n, &col, &msg) < 0) {
		rio_bad_json(l, col, msg);
		return;
	}
	const char *tname = rio_time_field_of(&rec, 1);
	if (tname == NULL || !rec_path(&rec, tname, strlen(tname), &tf)) {
		rio_bad_input(l, "no %s", rio_time_field_desc);
		return;
	}
	if (ts_parse_json(tf.v, tf.vlen, &ts) < 0) {
		rio_bad_input(l, "unreadable time in '%s': %.*s", tname,
		              (int)(tf.vlen > 60 ? 60 : tf.vlen), tf.v);
		return;
	}
	int64_t t = ts_to_ms(&ts);
	if (too_far_ahead(l, t))
		return;
	if (have_wm && t < wm) {
		int64_t s = wgrid_floor(&grid, t);
		if (is_late(s)) {
			late_event(l, t, s);
			return;
		}
	}
	slot_t *s = slot_for(t);
	place(l, s);
	if (!partial_mode)
		start_windows(s->first);
	if (max_t == NONE || t > max_t) {
		max_t = t;
		cur_line = l;
		advance(t - lateness);
		cur_line = NULL;
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
read_partial(const rec_t *r, unsigned char *mc)
{
	const jfield_t *f = rec_get(r, "count", 5);
	uint64_t n;

	if (f == NULL)
		return "no count";
	if (parse_count(f->v, f->vlen, &n) < 0 || n == 0)
		return "the count is not a whole number from 1 to 9223372036854775807";
	*(uint64_t *)mc = n;
	for (size_t i = 0; i < naggs; i++) {
		const agg_t *a = &aggs[i];
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
			dset_t **s = (dset_t **)st;
			if (*s == NULL)
				*s = dset_new();
			while (jarr_next(f->v, f->vlen, &pos, &ev, &evlen)) {
				buf_reset(&valbuf);
				canon_value(&valbuf, ev, evlen);
				dset_add(*s, valbuf.p, valbuf.len,
				         util_hash_bytes(valbuf.p, valbuf.len),
				         1);
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

static void
merge_line(const line_t *l)
{
	static unsigned char *mc;
	size_t col, pos = 0, evlen, nk = 0;
	const char *msg, *ev, *why;
	const jfield_t *f;
	tstamp_t ts;

	if (mc == NULL)
		mc = xcalloc(1, cellsize);
	if (rec_scan(&rec, l->p, l->n, &col, &msg) < 0) {
		rio_bad_json(l, col, msg);
		return;
	}
	f = rec_get(&rec, "tingle_partial", 14);
	if (f == NULL) {
		rio_bad_input(l, "not a partial record (no tingle_partial)");
		return;
	}
	if (f->vlen != strlen(partial_sig) + 2 ||
	    memcmp(f->v + 1, partial_sig, f->vlen - 2) != 0) {
		rio_out_flush();
		util_die(
		    EX_USAGE,
		    "%s:%lu: partial record made with other options: --merge needs the -w, --every, --tz, --week-start, -k and aggregate options the shards had",
		    l->file, l->num);
	}
	f = rec_get(&rec, "key", 3);
	buf_reset(&keybuf);
	buf_reset(&showbuf);
	show_rec = NULL;
	if (f != NULL && f->type == JT_ARR) {
		while (jarr_next(f->v, f->vlen, &pos, &ev, &evlen)) {
			size_t vcol;
			const char *vmsg;
			char type;
			if (nk++ > 0) {
				buf_addc(&keybuf, '\0');
				buf_addc(&showbuf, '\0');
			}
			jscan_value(ev, evlen, &type, &vcol, &vmsg);
			key_value(&keybuf, ev, evlen, type);
			canon_value(&showbuf, ev, evlen);
		}
	}
	if (f == NULL || f->type != JT_ARR || nk != nkeys) {
		rio_bad_input(l, "partial record without its %zu key values",
		              nkeys);
		return;
	}
	f = rec_get(&rec, "window_start", 12);
	if (f == NULL || ts_parse_json(f->v, f->vlen, &ts) < 0) {
		rio_bad_input(l, "partial record without a window_start");
		return;
	}
	int64_t t = ts_to_ms(&ts);
	if (wgrid_floor(&grid, t) != t) {
		rio_bad_input(
		    l,
		    "window_start %.*s does not start a slot of these windows",
		    (int)f->vlen, f->v);
		return;
	}
	why = read_partial(&rec, mc);
	if (why != NULL) {
		rio_bad_input(l, "bad partial record: %s", why);
	} else {
		slot_t *s = slot_at(t);
		uint32_t id = group_of();
		cell_combine(cell_at(s, id), mc, 0);
		if (groups[id].last_end == NONE || s->end > groups[id].last_end)
			groups[id].last_end = s->end;
		start_windows(s->first);
	}
	cell_free(mc);
	memset(mc, 0, cellsize);
}

/* ==== --keys ============================================================== */

/* Make the group with the key in keybuf, or mark it seeded. */
static void
seed_group(void)
{
	uint32_t id = group_of();

	if (!groups[id].seeded) {
		groups[id].seeded = 1;
		if (groups[id].active_end == NONE)
			nfill++;
	}
}

static void
seed_ndjson(const char *name, char *p, size_t n)
{
	unsigned long num = 0;
	rec_t r;

	memset(&r, 0, sizeof r);
	while (n > 0) {
		char *nl = memchr(p, '\n', n);
		size_t len = nl ? (size_t)(nl - p) : n;
		size_t col;
		const char *msg;
		num++;
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (len > 0 && strspn(p, " \t\r") < len) {
			if (rec_scan(&r, p, len, &col, &msg) < 0)
				util_die(EX_USAGE,
				    "%s:%lu: invalid JSON at column %zu: %s",
				    name, num, col, msg);
			record_key(&r);
			seed_group();
		}
		if (nl == NULL)
			break;
		n -= (size_t)(nl - p) + 1;
		p = nl + 1;
	}
	rec_free(&r);
}

/* Seed from a CSV (or, with sep '\t', TSV) file whose header row names
 * the -k fields; every value is a string. */
static void
seed_csv(const char *name, char *p, size_t n, char sep)
{
	csv_t c;
	size_t *col = xcalloc(nkeys ? nkeys : 1, sizeof *col);
	int header = 1;
	unsigned long num = 0;

	csv_init(&c, sep);
	while (n > 0 || c.pending) {
		char *nl = n > 0 ? memchr(p, '\n', n) : NULL;
		size_t len = nl ? (size_t)(nl - p) : n;
		int r;
		if (n == 0) {
			csv_abandon(&c);
			util_die(EX_USAGE,
			         "%s:%lu: a quoted field is not closed", name,
			         c.first);
		}
		r = csv_feed(&c, p, len, ++num);
		n -= nl ? len + 1 : len;
		p += nl ? len + 1 : len;
		if (r == CSV_ERR)
			util_die(EX_USAGE, "%s:%lu: %s at column %zu", name,
			         num, c.err, c.errcol);
		if (r != CSV_ROW)
			continue;
		if (header) {
			for (size_t k = 0; k < nkeys; k++) {
				col[k] = (size_t)-1;
				for (size_t i = 0; i < csv_nfields(&c); i++) {
					size_t fl;
					const char *f = csv_field(&c, i, &fl);
					if (fl == keys[k].len &&
					    memcmp(f, keys[k].path, fl) == 0) {
						col[k] = i;
						break;
					}
				}
				if (col[k] == (size_t)-1)
					util_die(EX_USAGE,
					    "%s: no column '%s' in the header",
					    name, keys[k].path);
			}
			header = 0;
			continue;
		}
		buf_reset(&keybuf);
		for (size_t k = 0; k < nkeys; k++) {
			size_t fl = 0;
			const char *f = col[k] < csv_nfields(&c)
			                    ? csv_field(&c, col[k], &fl)
			                    : NULL;
			if (f == NULL)
				util_die(EX_USAGE,
				    "%s:%lu: no field for column '%s'", name,
				    c.first, keys[k].path);
			if (k > 0)
				buf_addc(&keybuf, '\0');
			jw_str(&keybuf, f, fl);
		}
		/* A string's canonical text is how it is written. */
		buf_reset(&showbuf);
		buf_add(&showbuf, keybuf.p, keybuf.len);
		show_rec = NULL;
		seed_group();
	}
	csv_free(&c);
	free(col);
}

/* Does name end in suffix? */
static int
ends_with(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	return n >= k && strcmp(name + n - k, suffix) == 0;
}

/* Seed the groups from --keys: NDJSON, CSV or TSV, told by the file's
 * name (.csv, .tsv, .ndjson, .jsonl, .json) or else by its first byte. */
static void
load_keys(const char *name)
{
	buf_t b = BUF_INIT;

	rd_slurp(name, &b, 0);
	size_t ws = strspn(b.p, " \t\r\n");
	if (ends_with(name, ".csv"))
		seed_csv(name, b.p, b.len, ',');
	else if (ends_with(name, ".tsv"))
		seed_csv(name, b.p, b.len, '\t');
	else if (ends_with(name, ".ndjson") || ends_with(name, ".jsonl") ||
	         ends_with(name, ".json") || (ws < b.len && b.p[ws] == '{'))
		seed_ndjson(name, b.p, b.len);
	else if (ws < b.len)
		seed_csv(name, b.p, b.len, ',');
	buf_free(&b);
}

/* ==== the loop ============================================================ */

static int64_t last_input;       /* monotonic time of the last line */
static int64_t idle_base = NONE; /* event time the idle clock runs from */

/*
 * The watermark that --idle gives now: once input has been quiet for
 * the idle time, event time is taken to move on with the wall clock
 * from the latest event time (or, before any event but with --keys, from
 * the time the run started), less the lateness.
 */
static int
idle_watermark(int64_t now, int64_t *w)
{
	int64_t quiet = now - last_input;
	int64_t base = max_t != NONE ? max_t : idle_base;

	if (quiet < idle_ms || base == NONE)
		return 0;
	*w = base + quiet - lateness;
	return 1;
}

/* The end of the next window (or slot) that the watermark will close. */
static int
next_close(int64_t *end)
{
	if (partial_mode) {
		int64_t e = INT64_MAX;
		for (size_t i = 0; i < nslots; i++)
			if (!slots[i]->written && slots[i]->closes < e)
				e = slots[i]->closes;
		*end = e;
		return e != INT64_MAX;
	}
	if (!have_next)
		return 0;
	*end = next_we;
	return 1;
}

/* How long rd_next may wait for input before the idle clock matters. */
static int
idle_timeout(void)
{
	int64_t now = ts_mono_ms(), w, end, d;

	if (idle_ms <= 0)
		return -1;
	if (!idle_watermark(now, &w)) {
		if (max_t == NONE && idle_base == NONE)
			return -1;
		d = idle_ms - (now - last_input);
	} else if (!next_close(&end)) {
		return -1;
	} else {
		d = end - w;
	}
	if (d < 1)
		d = 1;
	return d > 60000 ? 60000 : (int)d;
}

static void
idle_tick(void)
{
	int64_t w;

	if (!idle_watermark(ts_mono_ms(), &w))
		return;
	if (!partial_mode && !have_next && max_t == NONE)
		start_windows(
		    wgrid_first_window(&grid, wgrid_floor(&grid, idle_base)));
	advance(w);
	rio_out_flush();
}

/* The name of the option whose value is c, for messages. */
static const char *
option_name(int c)
{
	for (const struct option *o = longopts; o->name != NULL; o++)
		if (o->val == c)
			return c < 256 ? "w" : o->name;
	return "?";
}

int
main(int argc, char **argv)
{
	int c, week_start = 0, have_width = 0;
	int64_t width = 0, every = 0;
	const char *keys_file = NULL;

	rio_init("tingle-count", argc, argv);
	while ((c = getopt_long(argc, argv, "w:k:" RIO_SHORTOPTS, longopts,
	                        NULL)) != -1) {
		int64_t *dur = NULL;
		switch (c) {
		case 'w':
			dur = &width;
			have_width = 1;
			break;
		case OPT_EVERY:
			dur = &every;
			break;
		case OPT_LATENESS:
			dur = &lateness;
			break;
		case OPT_LATE_KEEP:
			dur = &late_keep;
			break;
		case OPT_FORGET:
			dur = &forget_ms;
			break;
		case OPT_IDLE:
			dur = &idle_ms;
			break;
		case OPT_MAX_AHEAD:
			dur = &max_ahead;
			max_ahead_arg = optarg;
			break;
		case OPT_MAX_FILL: {
			char *end;
			errno = 0;
			long long v = strtoll(optarg, &end, 10);
			if (errno || *end || end == optarg || v < 0)
				rio_usage_error("invalid --max-fill '%s'",
				                optarg);
			max_fill = v;
			break;
		}
		case 'k':
			add_key(optarg);
			break;
		case OPT_DISTINCT:
		case OPT_SUM:
		case OPT_MIN:
		case OPT_MAX:
		case OPT_AVG:
			add_agg(c - OPT_DISTINCT, optarg);
			break;
		case OPT_LATE:
			if (strcmp(optarg, "emit") == 0)
				late_emit = 1;
			else if (strcmp(optarg, "report") == 0)
				late_emit = 0;
			else
				rio_usage_error(
				    "--late takes 'report' or 'emit', not '%s'",
				    optarg);
			break;
		case OPT_KEYS:
			keys_file = optarg;
			break;
		case OPT_WEEK_START:
			if (strcmp(optarg, "mon") == 0 ||
			    strcmp(optarg, "monday") == 0)
				week_start = 0;
			else if (strcmp(optarg, "sun") == 0 ||
			         strcmp(optarg, "sunday") == 0)
				week_start = 6;
			else
				rio_usage_error(
				    "--week-start takes 'mon' or 'sun', not '%s'",
				    optarg);
			break;
		case OPT_PARTIAL:
			partial_mode = 1;
			break;
		case OPT_MERGE:
			merge_mode = 1;
			break;
		case OPT_MAX_GROUPS: {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(optarg, &end, 10);
			if (errno || *end || end == optarg || optarg[0] == '-')
				rio_usage_error("invalid --max-groups '%s'",
				                optarg);
			/* 0: no limit, as in every stage. */
			max_groups = v == 0 ? SIZE_MAX : (size_t)v;
			break;
		}
		default:
			rio_option(c, optarg, usage);
		}
		if (dur != NULL && dur_parse(optarg, dur) < 0)
			rio_usage_error("invalid duration '%s' for %s%s",
			                optarg, c == 'w' ? "-" : "--",
			                option_name(c));
	}
	if (width == 0)
		rio_usage_error(have_width
		                ? "the window width must be more than 0"
		                : "a window width is needed: -w DURATION");
	if (partial_mode && merge_mode)
		rio_usage_error("--partial and --merge do not go together");
	if (merge_mode && idle_ms > 0)
		rio_usage_error(
		    "--merge reads partial records to their end; --idle does not apply");
	const char *err;
	if (wgrid_init(&grid, width, every, week_start, &err) < 0)
		rio_usage_error("%s", err);
	check_key_names();
	if (late_keep < 0)
		late_keep = width;
	layout_cells();
	scratch = xcalloc(1, cellsize);
	buf_grow(&keybuf, 256); /* never NULL, even for an empty key */
	buf_grow(&showbuf, 256);
	make_signature(rio_tz ? rio_tz : "UTC", week_start);
	if (keys_file != NULL)
		load_keys(keys_file);

	reader_t *rd = rd_open(argc - optind, argv + optind);
	line_t l;
	last_input = ts_mono_ms();
	if (nfill > 0 && idle_ms > 0)
		idle_base = rio_now_ms();
	for (;;) {
		int r = rd_next(rd, &l, idle_timeout());
		if (r == RD_EOF)
			break;
		if (r == RD_TIMEOUT) {
			idle_tick();
			continue;
		}
		if (idle_ms > 0)
			last_input = ts_mono_ms();
		if (merge_mode)
			merge_line(&l);
		else
			count_line(&l);
	}
	rd_close(rd);
	if (!rio_stop)
		emit_rest();
	for (size_t i = 0; i < naggs; i++)
		if (aggs[i].nbad > 0)
			util_warnmsg(
			    "'%s': %zu value%s not a number, left out of its aggregates",
			    aggs[i].field, aggs[i].nbad,
			    aggs[i].nbad == 1 ? " was" : "s were");
	if (late_dropped > 0)
		util_warnmsg(
		    "%lu late event%s not counted (%s window%s had been written)",
		    late_dropped, late_dropped == 1 ? " was" : "s were",
		    late_dropped == 1 ? "its" : "their",
		    late_dropped == 1 ? "" : "s");
	return rio_finish(0);
}
