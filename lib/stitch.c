/*
 * stitch.c - the engine of tingle-stitch (see stitch.h).
 *
 * Keys live in a kmap (key.h canonical text of the key fields, or the
 * raw queue id), and a key's id is its slot (its ekey in expect mode).
 * A key that is done is deleted and its id reused, so memory follows
 * the keys open now, not every key ever seen.
 *
 * A slot holds what its record will say, as JSON text ready to write:
 * the members kept (first value wins) and the lists gathered.  Open
 * slots are chained oldest first by their last record, so the watermark
 * and --max-open only ever look at the head.
 */
#include "stitch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "key.h"
#include "kmap.h"

#define NIL UINT32_MAX

/* Forget key id: the kmap hands the id out again. */
static void
key_del(struct kmap *m, uint32_t id)
{
	size_t n;
	const char *k = kmap_key(m, id, &n);

	kmap_del(m, k, n, util_hash_bytes(k, n));
}

/* ==== merge slots ======================================================== */

/* The members a preset keeps, first value wins, written in this order. */
enum {
	PF_QID,
	PF_TS,
	PF_CLIENT,
	PF_UID,
	PF_FROM,
	PF_SIZE,
	PF_NRCPT,
	PF_MSGID,
	PF_SUBJECT,
	PF_BOUNCE,
	NPF
};
static const char *const pf_name[NPF] = {"queue_id", NULL /* the time field */,
                                         "client",   "uid",
                                         "from",     "size",
                                         "nrcpt",    "message_id",
                                         "subject",  "bounce_queue_id"};
/* Written as null when absent (the others are left out then). */
static const unsigned char pf_always[NPF] = {1, 1, 1, 0, 1, 1, 1, 1, 1, 0};

/* The members of a mail log record the presets read: the PF_ ones,
 * then these. */
enum {
	M_EVENT = NPF,
	M_STATUS,
	M_TO,
	M_ACTION,
	M_QUEUED_AS,
	M_RECIPIENTS,
	M_CLIENT_HOST,
	M_CLIENT_IP,
	M_DSN,
	M_RELAY,
	M_DELAY,
	M_RELAY_HOST,
	M_DELIVERY_TIME,
	M_FORWARDED_AS,
	NM
};
static const char *const m_name[NM] = {"queue_id",
                                       NULL /* the time field */,
                                       "client",
                                       "uid",
                                       "from",
                                       "size",
                                       "nrcpt",
                                       "message_id",
                                       "subject",
                                       "bounce_queue_id",
                                       "event",
                                       "status",
                                       "to",
                                       "action",
                                       "queued_as",
                                       "recipients",
                                       "client_host",
                                       "client_ip",
                                       "dsn",
                                       "relay",
                                       "delay",
                                       "relay_host",
                                       "delivery_time",
                                       "forwarded_as"};

struct member {
	uint32_t h;   /* hash of the key as written */
	uint32_t off; /* its opening quote in body */
};

struct slot {
	uint32_t root;       /* the slot whose record this key goes into */
	uint32_t prev, next; /* age list (roots) */
	uint32_t live;       /* root: keys of the message not yet removed */
	uint32_t nrec;       /* records taken */
	uint32_t *alias;     /* root: slots of keys linked into it */
	uint32_t nalias;
	uint32_t nmem, capmem;
	struct member *mem; /* STITCH_MERGE: members in body */
	uint32_t *span;     /* presets: offset and length of each PF_ */
	buf_t body;         /* members as JSON text, or preset values */
	buf_t *coll;        /* lists: one per --collect, or the deliveries */
	tstamp_t end;       /* latest event time */
	int64_t last;       /* ms of the latest event time */
	unsigned char used, arrived, removed, ndeliv;
};

/* ==== expect mode ======================================================== */

struct start {
	uint32_t key;        /* its ekey */
	uint32_t knext;      /* next start of the key */
	uint32_t prev, next; /* age list, or the free list */
	int64_t t;
	char *line;
	size_t len;
};

struct ekey {
	uint32_t head, tail; /* starts pending, oldest first */
};

struct stitch {
	struct stitch_conf c;
	buf_t *out;
	void (*written)(void);
	struct kmap *keys; /* id: the slot (the ekey in expect mode) */
	buf_t kb;          /* key text */
	buf_t tmp;
	size_t *klen; /* lengths of the key paths */
	size_t tflen;

	struct slot *s; /* merge slots, by key id */
	size_t caps;
	uint32_t head, tail; /* age list */
	size_t nopen;
	unsigned long evicted;
	unsigned long nokey;

	const jfield_t *m[NM]; /* presets: the record's members, by M_ */
	size_t mlen[NM];

	struct start *st; /* expect mode */
	size_t nst, capst;
	uint32_t free_st;
	struct ekey *ek; /* by key id */
	size_t capek;
};

stitch_t *
stitch_new(const struct stitch_conf *c, buf_t *out, void (*written)(void))
{
	stitch_t *s = xcalloc(1, sizeof *s);

	s->c = *c;
	if (s->c.time_field == NULL)
		s->c.time_field = "ts";
	s->tflen = strlen(s->c.time_field);
	s->out = out;
	s->written = written;
	s->keys = kmap_new();
	s->klen = xcalloc(c->nkeys + 1, sizeof *s->klen);
	for (size_t i = 0; i < c->nkeys; i++)
		s->klen[i] = strlen(c->keys[i]);
	for (int i = 0; i < NM; i++)
		s->mlen[i] = i == PF_TS ? s->tflen : strlen(m_name[i]);
	s->free_st = NIL;
	s->head = s->tail = NIL;
	return s;
}

static int
str_is(const jfield_t *f, const char *s)
{
	size_t n = strlen(s);

	return f != NULL && f->type == JT_STR && f->vlen == n + 2 &&
	       memcmp(f->v + 1, s, n) == 0;
}

/* Note where the members the presets read are in r: one pass over its
 * members instead of a lookup for each (the last of a name wins, as in
 * rec_get; a name written with escapes is not looked at). */
static void
mail_scan(stitch_t *s, const rec_t *r)
{
	memset(s->m, 0, sizeof s->m);
	for (size_t i = 0; i < r->obj.n; i++) {
		const jfield_t *f = &r->obj.f[i];
		if (f->kesc)
			continue;
		for (int j = 0; j < NM; j++) {
			const char *name =
			    j == PF_TS ? s->c.time_field : m_name[j];
			if (s->mlen[j] == f->klen && name[0] == f->k[0] &&
			    memcmp(name, f->k, f->klen) == 0) {
				s->m[j] = f;
				break;
			}
		}
	}
}

/* Append the canonical key of r to s->kb; 0, or -1 without any key
 * field (presets: no queue id). */
static int
make_key(stitch_t *s, const rec_t *r)
{
	jfield_t f;
	int any = 0;

	buf_reset(&s->kb);
	if (s->c.mode == STITCH_POSTFIX || s->c.mode == STITCH_EXIM) {
		const jfield_t *q = s->m[PF_QID];
		if (q == NULL || q->type != JT_STR || str_is(q, "NOQUEUE"))
			return -1;
		buf_add(&s->kb, q->v, q->vlen);
		return 0;
	}
	for (size_t i = 0; i < s->c.nkeys; i++) {
		if (i > 0)
			buf_addc(&s->kb, 0x1f);
		if (rec_path(r, s->c.keys[i], s->klen[i], &f)) {
			key_value(&s->kb, f.v, f.vlen, f.type);
			any = 1;
		} else {
			buf_add(&s->kb, "null", 4);
		}
	}
	return any || s->c.nkeys == 0 ? 0 : -1;
}

/* ---- the age list ---- */

static void
age_unlink(stitch_t *s, uint32_t i)
{
	struct slot *e = &s->s[i];

	if (e->prev != NIL)
		s->s[e->prev].next = e->next;
	else
		s->head = e->next;
	if (e->next != NIL)
		s->s[e->next].prev = e->prev;
	else
		s->tail = e->prev;
	e->prev = e->next = NIL;
}

static void
age_append(stitch_t *s, uint32_t i)
{
	struct slot *e = &s->s[i];

	e->prev = s->tail;
	e->next = NIL;
	if (s->tail != NIL)
		s->s[s->tail].next = i;
	else
		s->head = i;
	s->tail = i;
}

/* Make room in *a (of *cap elements of size sz) for index i.  The new
 * elements are not set (nor their pages touched): each is set when its
 * id is handed out. */
static void
room(void *a, size_t *cap, size_t sz, size_t i)
{
	size_t nc = *cap ? *cap : 256;

	if (i < *cap)
		return;
	while (nc <= i)
		nc *= 2;
	*(void **)a = xrealloc(*(void **)a, nc * sz);
	*cap = nc;
}

/* Add the key in s->kb (hash h) with a new slot. */
static uint32_t
slot_new(stitch_t *s, uint64_t h)
{
	uint32_t i = kmap_add(s->keys, s->kb.p, s->kb.len, h, NULL);
	struct slot *e;

	room(&s->s, &s->caps, sizeof *s->s, i);
	e = &s->s[i];
	memset(e, 0, sizeof *e);
	e->root = i;
	e->prev = e->next = NIL;
	e->live = 1;
	e->used = 1;
	return i;
}

/* Release slot i (not its key). */
static void
slot_free(stitch_t *s, uint32_t i)
{
	struct slot *e = &s->s[i];
	size_t nc = s->c.mode == STITCH_MERGE ? s->c.ncollect : 1;

	buf_free(&e->body);
	if (e->coll != NULL)
		for (size_t j = 0; j < nc; j++)
			buf_free(&e->coll[j]);
	free(e->coll);
	free(e->mem);
	free(e->span);
	free(e->alias);
	memset(e, 0, sizeof *e);
}

/* Release slot i and its key, whose id i is then free. */
static void
forget(stitch_t *s, uint32_t i)
{
	slot_free(s, i);
	key_del(s->keys, i);
}

/* ---- writing a merged record ---- */

static void
put_time(buf_t *out, const char *key, const tstamp_t *t)
{
	char ts[TS_MAXLEN + 1];
	size_t n = ts_format(t, ts);

	jw_kstr(out, key, ts, n);
}

static void
put_preset(stitch_t *s, const struct slot *e)
{
	buf_t *out = s->out;

	for (int i = 0; i < NPF; i++) {
		const char *name = i == PF_TS ? s->c.time_field : pf_name[i];
		if (e->span != NULL && e->span[2 * i + 1] > 0)
			jw_kraw(out, name, e->body.p + e->span[2 * i],
			        e->span[2 * i + 1]);
		else if (pf_always[i])
			jw_kraw(out, name, "null", 4);
		if (i == PF_TS)
			put_time(out, "end_ts", &e->end);
	}
	if (e->nalias > 0) {
		jw_key(out, "queue_ids");
		buf_addc(out, '[');
		buf_add(out, e->body.p + e->span[0], e->span[1]);
		for (uint32_t j = 0; j < e->nalias; j++) {
			size_t kn;
			const char *k = kmap_key(s->keys, e->alias[j], &kn);
			buf_addc(out, ',');
			buf_add(out, k, kn);
		}
		buf_addc(out, ']');
	}
	jw_key(out, "deliveries");
	buf_addc(out, '[');
	if (e->coll != NULL)
		buf_add(out, e->coll[0].p, e->coll[0].len);
	buf_addc(out, ']');
}

/* Write root i's record and forget it and the keys linked into it. */
static void
emit(stitch_t *s, uint32_t i, int complete)
{
	struct slot *e = &s->s[i];
	buf_t *out = s->out;

	buf_addc(out, '{');
	if (s->c.mode == STITCH_MERGE) {
		buf_add(out, e->body.p, e->body.len);
		for (size_t j = 0; j < s->c.ncollect; j++) {
			if (e->coll == NULL || e->coll[j].len == 0)
				continue;
			jw_key(out, s->c.collect[j]);
			buf_addc(out, '[');
			buf_add(out, e->coll[j].p, e->coll[j].len);
			buf_addc(out, ']');
		}
		put_time(out, "end_ts", &e->end);
	} else {
		put_preset(s, e);
	}
	jw_kint(out, "records", e->nrec);
	jw_kraw(out, "complete", complete ? "true" : "false", complete ? 4 : 5);
	buf_add(out, "}\n", 2);
	s->written();

	age_unlink(s, i);
	s->nopen--;
	for (uint32_t j = 0; j < s->s[i].nalias; j++)
		forget(s, s->s[i].alias[j]);
	forget(s, i);
}

/* ---- taking a record into a slot ---- */

static buf_t *
coll(stitch_t *s, struct slot *e, size_t j)
{
	if (e->coll == NULL)
		e->coll = xcalloc(s->c.mode == STITCH_MERGE ? s->c.ncollect : 1,
		                  sizeof *e->coll);
	return &e->coll[j];
}

static void
take_merge(stitch_t *s, struct slot *e, const rec_t *r)
{
	for (size_t i = 0; i < r->obj.n; i++) {
		const jfield_t *f = &r->obj.f[i];
		size_t j;
		uint32_t h, m;

		for (j = 0; j < s->c.ncollect; j++)
			if (!f->kesc && strlen(s->c.collect[j]) == f->klen &&
			    memcmp(s->c.collect[j], f->k, f->klen) == 0)
				break;
		if (j < s->c.ncollect) {
			buf_t *b = coll(s, e, j);
			if (b->len > 0)
				buf_addc(b, ',');
			buf_add(b, f->v, f->vlen);
			continue;
		}
		/* A name the stage writes is kept as input_NAME, as
		 * tingle-alert does. */
		const char *k = f->k;
		size_t kn = f->klen;
		if (!f->kesc && key_written_by(k, kn, KEY_BY_STITCH) != NULL &&
		    !(kn == 9 && memcmp(k, "queue_ids", 9) == 0) &&
		    !(kn == 10 && memcmp(k, "deliveries", 10) == 0) &&
		    !(kn == 7 && memcmp(k, "matched", 7) == 0) &&
		    !(kn == 7 && memcmp(k, "latency", 7) == 0)) {
			buf_reset(&s->tmp);
			buf_add(&s->tmp, "input_", 6);
			buf_add(&s->tmp, k, kn);
			k = s->tmp.p;
			kn = s->tmp.len;
		}
		h = (uint32_t)util_hash_bytes(k, kn);
		for (m = 0; m < e->nmem; m++) {
			const char *p = e->body.p + e->mem[m].off + 1;
			if (e->mem[m].h == h && memcmp(p, k, kn) == 0 &&
			    p[kn] == '"')
				break;
		}
		if (m < e->nmem)
			continue; /* the first value wins */
		if (e->nmem == e->capmem) {
			e->capmem = e->capmem ? e->capmem * 2 : 8;
			e->mem = xrealloc(e->mem, e->capmem * sizeof *e->mem);
		}
		if (e->body.len > 0)
			buf_addc(&e->body, ',');
		e->mem[e->nmem].h = h;
		e->mem[e->nmem++].off = (uint32_t)e->body.len;
		buf_addc(&e->body, '"');
		buf_add(&e->body, k, kn);
		buf_add(&e->body, "\":", 2);
		buf_add(&e->body, f->v, f->vlen);
	}
}

/* Keep the preset members r has that e does not have yet. */
static void
take_members(stitch_t *s, struct slot *e)
{
	if (e->span == NULL)
		e->span = xcalloc(2 * NPF, sizeof *e->span);
	for (int i = 0; i < NPF; i++) {
		const jfield_t *f;

		if (e->span[2 * i + 1] > 0)
			continue;
		f = s->m[i];
		if (f == NULL && i == PF_CLIENT && s->c.mode == STITCH_EXIM &&
		    (f = s->m[M_CLIENT_HOST]) == NULL)
			f = s->m[M_CLIENT_IP];
		if (f == NULL)
			continue;
		e->span[2 * i] = (uint32_t)e->body.len;
		e->span[2 * i + 1] = (uint32_t)f->vlen;
		buf_add(&e->body, f->v, f->vlen);
	}
}

/* Append {to, status, dsn, relay, delay} for a delivery attempt. */
static void
add_delivery(stitch_t *s, struct slot *e, const char *status)
{
	static const int which[] = {M_TO, M_STATUS, M_DSN, M_RELAY, M_DELAY};
	buf_t *b = coll(s, e, 0);

	if (b->len > 0)
		buf_addc(b, ',');
	buf_addc(b, '{');
	for (size_t i = 0; i < sizeof which / sizeof which[0]; i++) {
		const char *name = m_name[which[i]];
		const jfield_t *f = s->m[which[i]];
		if (i == 1 && status != NULL)
			jw_kstrz(b, name, status);
		else if (i == 3 && f == NULL && s->c.mode == STITCH_EXIM &&
		         (f = s->m[M_RELAY_HOST]) != NULL)
			jw_kraw(b, name, f->v, f->vlen);
		else if (i == 4 && f == NULL && s->c.mode == STITCH_EXIM &&
		         (f = s->m[M_DELIVERY_TIME]) != NULL)
			jw_kraw(b, name, f->v, f->vlen);
		else
			jw_kraw(b, name, f ? f->v : "null", f ? f->vlen : 4);
	}
	const jfield_t *fw = s->m[M_FORWARDED_AS];
	if (fw != NULL)
		jw_kraw(b, "forwarded_as", fw->v, fw->vlen);
	buf_addc(b, '}');
}

/*
 * Join the message of root b into root a: a content filter took the
 * message of a and queued it again as b.
 */
static void
link_into(stitch_t *s, uint32_t a, uint32_t b)
{
	struct slot *ea, *eb = &s->s[b];
	uint32_t n = eb->nalias + 1, *al = eb->alias;

	age_unlink(s, b);
	s->nopen--;
	ea = &s->s[a];
	ea->alias = xrealloc(ea->alias, (ea->nalias + n) * sizeof *ea->alias);
	ea->alias[ea->nalias++] = b;
	for (uint32_t j = 0; j < eb->nalias; j++) {
		ea->alias[ea->nalias++] = al[j];
		s->s[al[j]].root = a;
	}
	ea->live += eb->live;
	ea->nrec += eb->nrec;
	if (eb->last > ea->last) {
		ea->last = eb->last;
		ea->end = eb->end;
	}
	if (eb->coll != NULL && eb->coll[0].len > 0) {
		buf_t *d = coll(s, ea, 0);
		if (d->len > 0)
			buf_addc(d, ',');
		buf_add(d, eb->coll[0].p, eb->coll[0].len);
	}
	/* b keeps its key; its own values are not needed any more */
	buf_free(&eb->body);
	free(eb->span);
	free(eb->alias);
	if (eb->coll != NULL)
		buf_free(&eb->coll[0]);
	free(eb->coll);
	eb->span = eb->alias = NULL;
	eb->coll = NULL;
	eb->nalias = 0;
	eb->root = a;
}

/* Exim logs no count of recipients: count the words of the "for" list
 * of the arrival. */
static void
count_recipients(struct slot *e, const jfield_t *f)
{
	char num[24];
	int n, words = 0;

	if (f == NULL || f->type != JT_STR)
		return;
	for (size_t i = 1; i + 1 < f->vlen; i++) {
		if (f->v[i] != ' ' && (i == 1 || f->v[i - 1] == ' '))
			words++;
	}
	n = snprintf(num, sizeof num, "%d", words);
	e->span[2 * PF_NRCPT] = (uint32_t)e->body.len;
	e->span[2 * PF_NRCPT + 1] = (uint32_t)n;
	buf_add(&e->body, num, (size_t)n);
}

/* Postfix or Exim: does r start a message (and so end an earlier one of
 * the same id that never said it left)? */
static int
arrival(stitch_t *s)
{
	if (s->c.mode == STITCH_EXIM)
		return str_is(s->m[M_EVENT], "arrival");
	return (s->m[PF_CLIENT] != NULL && s->m[M_ACTION] == NULL &&
	        s->m[M_STATUS] == NULL) ||
	       s->m[PF_UID] != NULL;
}

/* Take a mail log record into slot i (its own key's slot).  Returns 1
 * when the message is now complete. */
static int
take_mail(stitch_t *s, uint32_t i)
{
	uint32_t root = s->s[i].root;
	struct slot *e = &s->s[root];
	const jfield_t *ev = s->m[M_EVENT];
	const jfield_t *st = s->m[M_STATUS];

	if (arrival(s))
		s->s[i].arrived = 1;
	take_members(s, e);
	if (s->c.mode == STITCH_EXIM && e->span[2 * PF_NRCPT + 1] == 0)
		count_recipients(e, s->m[M_RECIPIENTS]);
	if (s->c.mode == STITCH_POSTFIX) {
		if (st != NULL && st->type == JT_STR && s->m[M_TO] != NULL) {
			const jfield_t *qa = s->m[M_QUEUED_AS];
			long b = -1;
			if (qa != NULL && qa->type == JT_STR &&
			    str_is(st, "sent"))
				b = kmap_find(s->keys, qa->v, qa->vlen,
				              util_hash_bytes(qa->v, qa->vlen));
			if (b >= 0 && s->s[b].root != root)
				link_into(s, root, s->s[b].root);
			else
				add_delivery(s, e, NULL);
		}
		if (!str_is(ev, "removed"))
			return 0;
	} else {
		static const char *const ev_status[][2] = {
		    {"delivery", "sent"},
		    {"bounce", "bounced"},
		    {"defer", "deferred"},
		    {"suppressed", "suppressed"}};
		for (size_t k = 0; k < 4; k++)
			if (str_is(ev, ev_status[k][0]) && s->m[M_TO] != NULL)
				add_delivery(s, e, ev_status[k][1]);
		if (!str_is(ev, "completed"))
			return 0;
	}
	e = &s->s[root];
	if (!s->s[i].removed) {
		s->s[i].removed = 1;
		e->live--;
	}
	return e->live == 0;
}

/* ==== expect mode ======================================================== */

static void
st_unlink(stitch_t *s, uint32_t i)
{
	struct start *p = &s->st[i];

	if (p->prev != NIL)
		s->st[p->prev].next = p->next;
	else
		s->head = p->next;
	if (p->next != NIL)
		s->st[p->next].prev = p->prev;
	else
		s->tail = p->prev;
}

/* Write start i with its verdict and forget it.  It must be the first
 * pending start of its key. */
static void
st_emit(stitch_t *s, uint32_t i, int matched, int64_t latency, int complete)
{
	struct start *p = &s->st[i];
	struct ekey *k = &s->ek[p->key];
	buf_t *out = s->out;
	size_t e = p->len;

	while (e > 0 && p->line[e - 1] != '}')
		e--;
	buf_add(out, p->line, e - 1);
	jw_kraw(out, "matched", matched ? "true" : "false", matched ? 4 : 5);
	if (matched) {
		jw_key(out, "latency");
		jw_num(out, (double)latency / 1000);
	}
	if (!complete)
		jw_kraw(out, "complete", "false", 5);
	buf_add(out, "}\n", 2);
	s->written();

	k->head = p->knext;
	if (k->head == NIL) {
		key_del(s->keys, p->key);
	}
	st_unlink(s, i);
	free(p->line);
	p->line = NULL;
	p->next = s->free_st;
	s->free_st = i;
	s->nopen--;
}

static void
expect_add(stitch_t *s, const rec_t *r, int64_t t, int is_start, int is_exp)
{
	uint64_t h = util_hash_bytes(s->kb.p, s->kb.len);
	long ki = kmap_find(s->keys, s->kb.p, s->kb.len, h);
	uint32_t i;

	while (is_exp && ki >= 0) {
		struct ekey *k = &s->ek[ki];
		struct start *p = &s->st[k->head];
		int more = p->knext != NIL;

		if (p->t > t)
			break;
		st_emit(s, k->head, t - p->t <= s->c.within, t - p->t, 1);
		if (!more) {
			ki = -1;
			break;
		}
	}
	if (!is_start)
		return;
	if (s->c.max_open > 0 && s->nopen >= s->c.max_open) {
		uint32_t old = s->head;
		/* the oldest start must be first of its key: it is */
		s->evicted++;
		st_emit(s, old, 0, 0, 0);
		ki = kmap_find(s->keys, s->kb.p, s->kb.len, h);
	}
	if (ki < 0) {
		ki = kmap_add(s->keys, s->kb.p, s->kb.len, h, NULL);
		room(&s->ek, &s->capek, sizeof *s->ek, (size_t)ki);
		s->ek[ki].head = s->ek[ki].tail = NIL;
	}
	if (s->free_st != NIL) {
		i = s->free_st;
		s->free_st = s->st[i].next;
	} else {
		if (s->nst == s->capst) {
			s->capst = s->capst ? s->capst * 2 : 256;
			s->st = xrealloc(s->st, s->capst * sizeof *s->st);
		}
		i = (uint32_t)s->nst++;
	}
	struct start *p = &s->st[i];
	p->key = (uint32_t)ki;
	p->knext = NIL;
	p->t = t;
	p->len = r->len;
	p->line = xmalloc(r->len + 1);
	memcpy(p->line, r->line, r->len);
	p->prev = s->tail;
	p->next = NIL;
	if (s->tail != NIL)
		s->st[s->tail].next = i;
	else
		s->head = i;
	s->tail = i;
	if (s->ek[ki].tail != NIL)
		s->st[s->ek[ki].tail].knext = i;
	else
		s->ek[ki].head = i;
	s->ek[ki].tail = i;
	s->nopen++;
}

/* ==== the interface ====================================================== */

/* Evaluate e on r: 1, 0, or -1 with a message in err. */
static int
holds(expr_t *e, const rec_t *r, buf_t *err)
{
	val_t v;

	if (e == NULL)
		return 0;
	if (expr_eval(e, r, &v, err) < 0)
		return -1;
	return val_truthy(&v);
}

int
stitch_add(stitch_t *s, const rec_t *r, const tstamp_t *t, buf_t *err)
{
	int64_t ms = ts_to_ms(t);
	int rc = 0, done = 0;
	long i;
	uint64_t h;

	if (s->c.mode == STITCH_EXPECT) {
		int a = holds(s->c.start, r, err), b;
		if (a < 0)
			rc = -1;
		b = holds(s->c.expect, r, rc < 0 ? &s->tmp : err);
		if (b < 0)
			rc = -1;
		if (a <= 0 && b <= 0)
			return rc;
		if (make_key(s, r) < 0) {
			s->nokey++;
			return rc;
		}
		expect_add(s, r, ms, a > 0, b > 0);
		return rc;
	}
	if (s->c.mode != STITCH_MERGE)
		mail_scan(s, r);
	if (make_key(s, r) < 0) {
		const jfield_t *q = s->m[PF_QID];
		if (s->c.mode == STITCH_POSTFIX && str_is(q, "NOQUEUE")) {
			rec_write(r, s->out);
			s->written();
		} else if (s->c.mode == STITCH_MERGE) {
			s->nokey++;
		}
		return 0;
	}
	h = util_hash_bytes(s->kb.p, s->kb.len);
	i = kmap_find(s->keys, s->kb.p, s->kb.len, h);
	if (i >= 0 && s->c.mode != STITCH_MERGE && s->s[i].arrived &&
	    s->s[i].root == (uint32_t)i && arrival(s)) {
		emit(s, (uint32_t)i, 0); /* its end was not logged */
		i = -1;
	}
	if (i < 0) {
		if (s->c.max_open > 0 && s->nopen >= s->c.max_open) {
			s->evicted++;
			emit(s, s->head, 0);
		}
		i = slot_new(s, h);
		age_append(s, (uint32_t)i);
		s->nopen++;
	}
	uint32_t root = s->s[i].root;
	if (s->c.mode == STITCH_MERGE) {
		take_merge(s, &s->s[root], r);
		if ((done = holds(s->c.end, r, err)) < 0) {
			rc = -1;
			done = 0;
		}
	} else {
		done = take_mail(s, (uint32_t)i);
		root = s->s[i].root; /* a link may have moved it */
	}
	struct slot *e = &s->s[root];
	e->nrec++;
	if (e->nrec == 1 || ms > e->last) {
		e->last = ms;
		e->end = *t;
	}
	age_unlink(s, root);
	age_append(s, root);
	if (done)
		emit(s, root, 1);
	return rc;
}

void
stitch_advance(stitch_t *s, int64_t wm)
{
	if (s->c.mode == STITCH_EXPECT) {
		while (s->head != NIL && s->st[s->head].t + s->c.within < wm)
			st_emit(s, s->head, 0, 0, 1);
		return;
	}
	if (s->c.timeout <= 0)
		return;
	while (s->head != NIL && s->s[s->head].last + s->c.timeout < wm)
		emit(s, s->head, 0);
}

void
stitch_close_all(stitch_t *s)
{
	while (s->head != NIL) {
		if (s->c.mode == STITCH_EXPECT)
			st_emit(s, s->head, 0, 0, 0);
		else
			emit(s, s->head, 0);
	}
}

size_t
stitch_nopen(const stitch_t *s)
{
	return s->nopen;
}

unsigned long
stitch_evicted(const stitch_t *s)
{
	return s->evicted;
}

unsigned long
stitch_nokey(const stitch_t *s)
{
	return s->nokey;
}

void
stitch_free(stitch_t *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; s->s != NULL && i < kmap_ids(s->keys); i++)
		if (s->s[i].used)
			slot_free(s, (uint32_t)i);
	for (size_t i = 0; i < s->nst; i++)
		free(s->st[i].line);
	free(s->s);
	free(s->st);
	free(s->ek);
	kmap_free(s->keys);
	free(s->klen);
	buf_free(&s->kb);
	buf_free(&s->tmp);
	free(s);
}
