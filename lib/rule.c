/*
 * rule.c - alert rules, their per-group state machines and alert records.
 * The state file that carries them from run to run is lib/alert_state.c.
 */
#include "rule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "expr.h"
#include "key.h"
#include "kmap.h"
#include "rio.h"
#include "tmpl.h"
#include "ttime.h"

/* Active groups are counted in ACTIVE_SLOTS slots by hash, so a record of
 * a group that cannot be pending or firing is passed over without a
 * lookup. */
#define ACTIVE_SLOTS 64
#define ACTIVE_SLOT(h) ((h) >> 58)

/*
 * The latest window read per group under one key spec, whatever the
 * rules made of it: a record of an older window is evaluated by none of
 * the spec's rules.  Groups are numbered by their identity (ident_build).
 */
struct seentab {
	struct kmap *ids;
	int64_t *end;   /* by id: end of the latest window read (ms) */
	char **keyjson; /* by id: the key fields, for the state file */
	size_t cap;
};

/* A way of picking a group: named fields, or the default key. */
struct keyspec {
	char **names;
	size_t n;
	int dflt; /* every field but the window, time and measures */
	struct seentab seen;
};

/* The state of one rule for one group. */
struct rule_group {
	struct rule_group *next; /* hash chain */
	uint64_t hash;
	char *id; /* identity bytes (see ident_build) */
	size_t idlen;
	char *keyjson; /* the key fields as one JSON object */
	int state;     /* RULE_* */
	int hold;      /* consecutive windows the condition held */
	int miss;      /* consecutive windows it failed while firing */
	int repeat;    /* announcements after the first in this episode */
	int quiet;     /* firing, but not announced: within the cooldown */
	int has_last, has_announced;
	int64_t last;      /* end of the last window evaluated (ms) */
	int64_t announced; /* event time of the last firing announcement
	                      (ms), kept across episodes for the cooldown */
	int has_since, has_until;
	int64_t since_ms, until_ms;
	buf_t since; /* end of the first window of the episode (JSON) */
	buf_t until; /* end of the first window without it, once firing */
};

struct label {
	char *name;
	char *json;
};

struct rule {
	char *name;
	expr_t *expr;
	const char *const *fields; /* fields the condition reads */
	int for_n, keep_n;
	int64_t cooldown_ms;
	char *severity;
	tmpl_t *message;  /* firing alerts; NULL: the default message */
	tmpl_t *resolved; /* resolved alerts; NULL: the default message */
	struct label *labels;
	size_t nlabels;
	size_t spec; /* index into the ruleset's key specs */
	struct rule_group **tab;
	size_t tabsize, ngroups;
	size_t nactive;                /* groups pending or firing */
	uint32_t active[ACTIVE_SLOTS]; /* the same, counted by hash slot */
};

/* Event time of the record at hand, looked up once and only if needed. */
struct rtime {
	int loaded;
	int windowed; /* the record has a window_end */
	int open;     /* it says "open": true, a window still in progress */
	int has_start, has_end;
	int64_t start, end;
	jfield_t startf, endf; /* their JSON values */
};

/* The fields of the default key for one list of field names. */
struct layout {
	int valid;
	size_t n, cap;
	buf_t names;         /* the names, as written, one after another */
	size_t *len;         /* by field: the length of its name there */
	unsigned char *take; /* by field: 1 if it is in the default key */
};

/* The time text last read from one field, and what it read as. */
struct tcache {
	buf_t text;
	int valid;
	int rc; /* read_time's answer */
	int64_t ms;
};

enum { TC_END, TC_START, TC_TIME, TC_N };

struct keycache {
	buf_t id;
	uint64_t hash;          /* util_hash_bytes of id */
	unsigned long gen;      /* record the id was built for */
	unsigned long seen_gen; /* record whose window was noted */
	int older;              /* that window is older than one read before */
};

struct ruleset {
	struct rule *r;
	size_t n;
	struct keyspec *specs;
	struct keycache *cache;
	size_t nspecs;
	unsigned long gen; /* records evaluated */
	size_t ngroups, max_groups;
	unsigned long fired;
	alert_emit_fn emit;
	void *ctx;
	const char *time_field; /* the event time of a record without window */
	struct tcache tcache[TC_N];
	struct layout layout;
	struct rtime checked;     /* the times of the record last checked */
	const rec_t *checked_rec; /* that record, until rules_eval */
	const char *checked_line;
	const char *file; /* where the record at hand came from */
	unsigned long line;
	buf_t err, abuf, names, snap, msg, label, tmp, tmp2, cohort;
};

static int
ident_char(int c, int first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       (!first && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
}

static int
valid_name(const char *s)
{
	if (!ident_char((unsigned char)*s, 1))
		return 0;
	while (*++s != '\0')
		if (!ident_char((unsigned char)*s, 0))
			return 0;
	return 1;
}

static int
in_list(const char *const *list, const char *s, size_t n)
{
	for (; *list != NULL; list++)
		if (strlen(*list) == n && memcmp(*list, s, n) == 0)
			return 1;
	return 0;
}

ruleset_t *
rules_new(alert_emit_fn emit, void *ctx)
{
	ruleset_t *rs = xcalloc(1, sizeof *rs);

	rs->emit = emit;
	rs->ctx = ctx;
	rs->time_field = "ts";
	return rs;
}

size_t
rules_count(const ruleset_t *rs)
{
	return rs->n;
}

unsigned long
rules_fired(const ruleset_t *rs)
{
	return rs->fired;
}

void
rules_set_max_groups(ruleset_t *rs, size_t max)
{
	rs->max_groups = max;
}

void
rules_set_time_field(ruleset_t *rs, const char *name)
{
	rs->time_field = name;
	rs->layout.valid = 0;
}

/* ==== defining rules =================================================== */

/* The key spec for names (NULL with dflt set: the default), shared by
 * rules that pick groups the same way. */
static size_t
spec_for(ruleset_t *rs, char *const *names, size_t n, int dflt)
{
	for (size_t i = 0; i < rs->nspecs; i++) {
		struct keyspec *ks = &rs->specs[i];
		if (ks->dflt != dflt || ks->n != n)
			continue;
		size_t k = 0;
		while (k < n && strcmp(ks->names[k], names[k]) == 0)
			k++;
		if (k == n)
			return i;
	}
	rs->specs = xrealloc(rs->specs, (rs->nspecs + 1) * sizeof *rs->specs);
	rs->cache = xrealloc(rs->cache, (rs->nspecs + 1) * sizeof *rs->cache);
	struct keyspec *ks = &rs->specs[rs->nspecs];
	ks->dflt = dflt;
	ks->n = n;
	ks->names = xcalloc(n + 1, sizeof *ks->names);
	for (size_t k = 0; k < n; k++)
		ks->names[k] = xstrdup(names[k]);
	memset(&ks->seen, 0, sizeof ks->seen);
	ks->seen.ids = kmap_new();
	memset(&rs->cache[rs->nspecs], 0, sizeof rs->cache[0]);
	return rs->nspecs++;
}

/*
 * Start a rule named name with condition when; where names the rule in
 * messages ("rule 'x'" or "rules.json: rule 2 'x'").
 */
static struct rule *
rule_start(ruleset_t *rs, const char *name, const char *when, const char *where)
{
	for (size_t i = 0; i < rs->n; i++)
		if (strcmp(rs->r[i].name, name) == 0)
			util_die(EX_USAGE, "%s: duplicate rule name '%s'",
			         where, name);
	buf_reset(&rs->err);
	expr_t *e = expr_compile(when, &rs->err);
	if (e == NULL)
		util_die(EX_USAGE, "%s: %s", where, rs->err.p);

	rs->r = xrealloc(rs->r, (rs->n + 1) * sizeof *rs->r);
	struct rule *ru = &rs->r[rs->n++];
	memset(ru, 0, sizeof *ru);
	ru->name = xstrdup(name);
	ru->expr = e;
	ru->fields = expr_fields(e);
	ru->tabsize = 16;
	ru->tab = xcalloc(ru->tabsize, sizeof *ru->tab);
	return ru;
}

static tmpl_t *
message_compile(ruleset_t *rs, const char *src, const char *where)
{
	buf_reset(&rs->err);
	tmpl_t *t = tmpl_compile(src, &rs->err);
	if (t == NULL)
		util_die(EX_USAGE, "%s: message template: %s", where,
		         rs->err.p);
	return t;
}

static void
rule_defaults(ruleset_t *rs, struct rule *ru, const struct rule_defaults *d,
              const char *where)
{
	ru->for_n = d->for_n > 0 ? d->for_n : 1;
	ru->keep_n = d->keep_n;
	ru->cooldown_ms = d->cooldown_ms;
	ru->severity = xstrdup(d->severity != NULL ? d->severity : "warning");
	if (d->message != NULL)
		ru->message = message_compile(rs, d->message, where);
	if (d->resolved_message != NULL)
		ru->resolved = message_compile(rs, d->resolved_message, where);
	ru->spec = spec_for(rs, d->key, d->has_key ? d->nkey : 0, !d->has_key);
}

void
rules_add_arg(ruleset_t *rs, const char *arg, const struct rule_defaults *d)
{
	const char *p = arg, *name, *name_end;

	while (*p == ' ' || *p == '\t')
		p++;
	name = p;
	if (ident_char((unsigned char)*p, 1))
		while (ident_char((unsigned char)*++p, 0))
			;
	name_end = p;
	while (*p == ' ' || *p == '\t')
		p++;
	if (name == name_end || *p != ':')
		util_die(
		    EX_USAGE,
		    "rule '%s': expected NAME: EXPR (NAME starts with a letter or '_' and holds letters, digits, '_', '-', '.')",
		    arg);
	p++;
	while (*p == ' ' || *p == '\t')
		p++;
	char *n = xstrndup(name, (size_t)(name_end - name));
	buf_t where = BUF_INIT;
	buf_printf(&where, "rule '%s'", n);
	if (*p == '\0')
		util_die(EX_USAGE, "%s: empty condition", where.p);
	struct rule *ru = rule_start(rs, n, p, where.p);
	rule_defaults(rs, ru, d, where.p);
	buf_free(&where);
	free(n);
}

static const char *const rule_members[] = {
    "name",     "when",     "for",     "keep_firing_for",
    "cooldown", "severity", "message", "resolved_message",
    "key",      "labels",   NULL};

/* A non-negative window count from a rules file. */
static int
count_member(json_t *v, const char *what, const char *where)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 1000000)
		util_die(
		    EX_USAGE,
		    "%s: '%s' must be a whole number of windows from 0 to 1000000",
		    where, what);
	return (int)json_integer_value(v);
}

static void
rule_from_json(ruleset_t *rs, json_t *o, const char *path, size_t idx,
               const struct rule_defaults *d)
{
	buf_t where = BUF_INIT;
	const char *k;
	json_t *v;

	buf_printf(&where, "%s: rule %zu", path, idx + 1);
	if (!json_is_object(o))
		util_die(EX_USAGE, "%s: not an object", where.p);
	json_t *jn = json_object_get(o, "name");
	if (!json_is_string(jn) || !valid_name(json_string_value(jn)))
		util_die(
		    EX_USAGE,
		    "%s: 'name' must be a string that starts with a letter or '_' and holds letters, digits, '_', '-', '.'",
		    where.p);
	const char *name = json_string_value(jn);
	buf_printf(&where, " '%s'", name);
	json_object_foreach(o, k, v)
	{
		if (!in_list(rule_members, k, strlen(k)))
			util_die(
			    EX_USAGE,
			    "%s: unknown member '%s' (known: name, when, for, keep_firing_for, cooldown, severity, message, resolved_message, key, labels)",
			    where.p, k);
	}
	json_t *jw = json_object_get(o, "when");
	if (!json_is_string(jw) || json_string_length(jw) == 0)
		util_die(EX_USAGE,
		         "%s: 'when' must be a non-empty expression string",
		         where.p);

	struct rule *ru = rule_start(rs, name, json_string_value(jw), where.p);
	struct rule_defaults own = *d;
	if ((v = json_object_get(o, "for")) != NULL)
		own.for_n = count_member(v, "for", where.p);
	if ((v = json_object_get(o, "keep_firing_for")) != NULL)
		own.keep_n = count_member(v, "keep_firing_for", where.p);
	if ((v = json_object_get(o, "cooldown")) != NULL) {
		if (!json_is_string(v) ||
		    dur_parse(json_string_value(v), &own.cooldown_ms) < 0)
			util_die(
			    EX_USAGE,
			    "%s: 'cooldown' must be a duration such as \"30m\" or \"1h\"",
			    where.p);
	}
	if ((v = json_object_get(o, "severity")) != NULL) {
		if (!json_is_string(v) || json_string_length(v) == 0)
			util_die(EX_USAGE,
			         "%s: 'severity' must be a non-empty string",
			         where.p);
		own.severity = json_string_value(v);
	}
	if ((v = json_object_get(o, "message")) != NULL) {
		if (!json_is_string(v))
			util_die(EX_USAGE, "%s: 'message' must be a string",
			         where.p);
		own.message = json_string_value(v);
	}
	if ((v = json_object_get(o, "resolved_message")) != NULL) {
		if (!json_is_string(v))
			util_die(EX_USAGE,
			         "%s: 'resolved_message' must be a string",
			         where.p);
		own.resolved_message = json_string_value(v);
	}
	char **keys = NULL;
	if ((v = json_object_get(o, "key")) != NULL) {
		size_t n = json_is_array(v) ? json_array_size(v) : 1;
		keys = xcalloc(n + 1, sizeof *keys);
		for (size_t i = 0; i < n; i++) {
			json_t *e = json_is_array(v) ? json_array_get(v, i) : v;
			if (!json_is_string(e) || json_string_length(e) == 0)
				util_die(
				    EX_USAGE,
				    "%s: 'key' must be a field name or an array of field names",
				    where.p);
			keys[i] = (char *)json_string_value(e);
		}
		own.key = keys;
		own.nkey = n;
		own.has_key = 1;
	}
	rule_defaults(rs, ru, &own, where.p);
	free(keys);

	json_t *labels = json_object_get(o, "labels");
	if (labels != NULL && !json_is_object(labels))
		util_die(EX_USAGE, "%s: 'labels' must be an object", where.p);
	if (labels != NULL) {
		ru->labels =
		    xcalloc(json_object_size(labels) + 1, sizeof *ru->labels);
		json_object_foreach(labels, k, v)
		{
			if (key_written_by(k, strlen(k), KEY_BY_ALERT) ||
			    *k == '\0')
				util_die(
				    EX_USAGE,
				    "%s: label '%s' would replace a field of the alert record",
				    where.p, k);
			if (json_is_object(v) || json_is_array(v))
				util_die(
				    EX_USAGE,
				    "%s: label '%s' must be a string, number, true, false or null",
				    where.p, k);
			struct label *l = &ru->labels[ru->nlabels++];
			l->name = xstrdup(k);
			l->json = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		}
	}
	buf_free(&where);
}

void
rules_add_file(ruleset_t *rs, const char *path, const struct rule_defaults *d)
{
	json_error_t e;
	json_t *root;

	rd_check_file(path);
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
	if (root == NULL)
		util_die(EX_USAGE, "%s:%d:%d: invalid rules file: %s", path,
		         e.line, e.column, e.text);
	if (!json_is_array(root))
		util_die(EX_USAGE,
		         "%s: a rules file holds a JSON array of rules", path);
	if (json_array_size(root) == 0)
		util_die(EX_USAGE, "%s: no rules", path);
	for (size_t i = 0; i < json_array_size(root); i++)
		rule_from_json(rs, json_array_get(root, i), path, i, d);
	json_decref(root);
}

/* ==== groups =========================================================== */

/* The name of member f, decoded, into out (reset first). */
static void
member_name(const jfield_t *f, buf_t *out)
{
	buf_reset(out);
	if (f->kesc)
		jstr_decode(f->k - 1, f->klen + 2, out);
	else
		buf_add(out, f->k, f->klen);
}

/*
 * Append a value to an identity: its type, its canonical form (key.h),
 * NUL.  A string's form is its decoded value, which the canonical text
 * is one to one with (and what the identity of a string has always been,
 * so that groups keep their order in the state file).
 */
static void
id_value(buf_t *id, const char *v, size_t vlen, char type)
{
	buf_addc(id, type);
	if (type == JT_STR && memchr(v + 1, '\\', vlen - 2) == NULL)
		buf_add(id, v + 1, vlen - 2);
	else if (type == JT_STR)
		jstr_decode(v, vlen, id);
	else
		key_value(id, v, vlen, type);
	buf_addc(id, '\0');
}

/*
 * Fields that are not part of the default key: what tingle-count and
 * tingle-compare write about a window rather than the group it belongs
 * to (key_window_field: the window, the measures, the comparison), and
 * the event time, which changes from record to record of a group.
 * Every other field is a key field, whatever the type of its value, as
 * tingle-compare's own default key.
 */
static int
default_key_skips(const ruleset_t *rs, const char *name, size_t n)
{
	if (n == 0)
		return 0;
	if (n == strlen(rs->time_field) && memcmp(name, rs->time_field, n) == 0)
		return 1;
	return key_window_field(name, n);
}

/*
 * Which fields of r are in the default key, one byte per field, 1 if it
 * is.  That depends only on the names of the fields, in order, so the
 * answer for the last list of names is kept: the records of one stream
 * mostly share theirs.
 */
static const unsigned char *
default_key_fields(ruleset_t *rs, const rec_t *r)
{
	struct layout *lay = &rs->layout;
	size_t i, pos = 0;

	if (lay->valid && lay->n == r->obj.n) {
		for (i = 0; i < r->obj.n; i++) {
			const jfield_t *f = &r->obj.f[i];
			if (f->klen != lay->len[i] ||
			    memcmp(f->k, lay->names.p + pos, f->klen) != 0)
				break;
			pos += f->klen;
		}
		if (i == r->obj.n)
			return lay->take;
	}
	if (r->obj.n > lay->cap) {
		lay->cap = r->obj.n;
		lay->take = xrealloc(lay->take, lay->cap);
		lay->len = xrealloc(lay->len, lay->cap * sizeof *lay->len);
	}
	lay->n = r->obj.n;
	lay->valid = 1;
	buf_reset(&lay->names);
	for (i = 0; i < r->obj.n; i++) {
		const jfield_t *f = &r->obj.f[i];
		const char *name = f->k;
		size_t n = f->klen;
		/* Names are kept as written: an escaped name is another
		 * spelling, and is looked at again. */
		buf_add(&lay->names, f->k, f->klen);
		lay->len[i] = f->klen;
		lay->take[i] = 0;
		if (f->kesc) {
			member_name(f, &rs->tmp);
			name = rs->tmp.p;
			n = rs->tmp.len;
			/* The state file could not hold the name:
			 * jansson takes no NUL in a member name. */
			if (memchr(name, '\0', n) != NULL)
				continue;
		}
		if (default_key_skips(rs, name, n))
			continue;
		/* A name the record repeats has its last value, as
		 * rec_get() sees it; a key holds each name once. */
		if (jobj_get(&r->obj, name, n) != f)
			continue;
		lay->take[i] = 1;
	}
	return lay->take;
}

/*
 * Build the identity of r's group under key spec ks into id: for each key
 * field, its name, a NUL, and its value (id_value).  With json, also the
 * key fields as a JSON object, values as written in r.
 */
static void
ident_build(ruleset_t *rs, const struct keyspec *ks, const rec_t *r, buf_t *id,
            buf_t *json)
{
	buf_reset(id);
	buf_add(id, "", 0);
	if (json != NULL) {
		buf_reset(json);
		buf_addc(json, '{');
	}
	if (ks->dflt) {
		const unsigned char *take = default_key_fields(rs, r);
		for (size_t i = 0; i < r->obj.n; i++) {
			const jfield_t *f = &r->obj.f[i];
			const char *name = f->k;
			size_t n = f->klen;
			if (!take[i])
				continue;
			if (f->kesc) {
				member_name(f, &rs->tmp);
				name = rs->tmp.p;
				n = rs->tmp.len;
			}
			buf_add(id, name, n);
			buf_addc(id, '\0');
			id_value(id, f->v, f->vlen, f->type);
			if (json != NULL) {
				jw_keyn(json, name, n);
				buf_add(json, f->v, f->vlen);
			}
		}
	} else {
		for (size_t k = 0; k < ks->n; k++) {
			const char *name = ks->names[k];
			size_t n = strlen(name), m = 0;
			jfield_t f;
			while (m < k && strcmp(ks->names[m], name) != 0)
				m++;
			if (m < k)
				continue; /* named twice in the key */
			if (!rec_path(r, name, n, &f)) {
				f.v = "null";
				f.vlen = 4;
				f.type = JT_NULL;
			}
			buf_add(id, name, n + 1);
			id_value(id, f.v, f.vlen, f.type);
			if (json != NULL) {
				jw_key(json, name);
				buf_add(json, f.v, f.vlen);
			}
		}
	}
	if (json != NULL)
		buf_addc(json, '}');
}

/* The identity of r's group under spec, built once per record. */
static const struct keycache *
key_id(ruleset_t *rs, size_t spec, const rec_t *r)
{
	struct keycache *kc = &rs->cache[spec];
	if (kc->gen != rs->gen) {
		ident_build(rs, &rs->specs[spec], r, &kc->id, NULL);
		kc->hash = util_hash_bytes(kc->id.p, kc->id.len);
		kc->gen = rs->gen;
	}
	return kc;
}

/* Too many groups: stop rather than run the machine out of memory. */
static void
too_many_groups(const ruleset_t *rs)
{
	util_die(
	    EX_SOFTWARE,
	    "more than %zu groups tracked (raise --max-groups, or pick the key fields with -k)",
	    rs->max_groups);
}

/*
 * Note that the group with identity id[0..n) (hash h) under spec read the
 * window ending at end.  A group new to the table keeps its key fields:
 * keyjson, or when it is NULL those of the record r.  Returns 1 if a
 * later window of the group was read before, else 0.
 */
static int
seen_note(ruleset_t *rs, size_t spec, const char *id, size_t n, uint64_t h,
          const rec_t *r, const char *keyjson, int64_t end)
{
	struct seentab *st = &rs->specs[spec].seen;
	int added;

	uint32_t i = kmap_add(st->ids, id, n, h, &added);
	if (!added) {
		if (end < st->end[i])
			return 1;
		st->end[i] = end;
		return 0;
	}
	if (rs->max_groups > 0 && kmap_len(st->ids) > rs->max_groups)
		too_many_groups(rs);
	if (i >= st->cap) {
		st->cap = st->cap ? st->cap * 2 : 64;
		st->end = xrealloc(st->end, st->cap * sizeof *st->end);
		st->keyjson =
		    xrealloc(st->keyjson, st->cap * sizeof *st->keyjson);
	}
	if (keyjson == NULL) {
		ident_build(rs, &rs->specs[spec], r, &rs->tmp2, &rs->snap);
		keyjson = rs->snap.p;
	}
	st->end[i] = end;
	st->keyjson[i] = xstrdup(keyjson);
	return 0;
}

static int window_note(ruleset_t *rs, size_t spec, const rec_t *r, int64_t end);

/*
 * Note the window of record r (which has one, ending at end) for its group
 * under spec, once per record.  Returns 1 if it is older than a window
 * of the group read before: no rule of the spec evaluates it.
 */
static inline int
window_older(ruleset_t *rs, size_t spec, const rec_t *r, int64_t end)
{
	const struct keycache *kc = &rs->cache[spec];

	return kc->seen_gen == rs->gen ? kc->older
	                               : window_note(rs, spec, r, end);
}

/*
 * 1 if the window of record r, still open and ending at end, is not later
 * than the window read last for its group under spec: its complete
 * record has been read.  An open window is not noted.
 */
static int
open_window_read(ruleset_t *rs, size_t spec, const rec_t *r, int64_t end)
{
	const struct keycache *kc = key_id(rs, spec, r);
	const struct seentab *st = &rs->specs[spec].seen;
	long i = kmap_find(st->ids, kc->id.p, kc->id.len, kc->hash);

	return i >= 0 && end <= st->end[i];
}

static int
window_note(ruleset_t *rs, size_t spec, const rec_t *r, int64_t end)
{
	struct keycache *kc = &rs->cache[spec];

	key_id(rs, spec, r);
	kc->older =
	    seen_note(rs, spec, kc->id.p, kc->id.len, kc->hash, r, NULL, end);
	kc->seen_gen = rs->gen;
	return kc->older;
}

/* The link that holds the group with this identity, or the chain's end. */
static struct rule_group **
group_find(struct rule *ru, const char *id, size_t idlen, uint64_t h)
{
	struct rule_group **gp = &ru->tab[h & (ru->tabsize - 1)];

	while (*gp != NULL && ((*gp)->hash != h || (*gp)->idlen != idlen ||
	                       memcmp((*gp)->id, id, idlen) != 0))
		gp = &(*gp)->next;
	return gp;
}

static void
group_grow(struct rule *ru)
{
	size_t size = ru->tabsize * 2;
	struct rule_group **tab = xcalloc(size, sizeof *tab);

	for (size_t i = 0; i < ru->tabsize; i++) {
		struct rule_group *g = ru->tab[i], *next;
		for (; g != NULL; g = next) {
			next = g->next;
			g->next = tab[g->hash & (size - 1)];
			tab[g->hash & (size - 1)] = g;
		}
	}
	free(ru->tab);
	ru->tab = tab;
	ru->tabsize = size;
}

static struct rule_group *
group_new(ruleset_t *rs, struct rule *ru, const char *id, size_t idlen,
          uint64_t h, const char *keyjson)
{
	if (rs->max_groups > 0 && rs->ngroups >= rs->max_groups)
		too_many_groups(rs);
	if (ru->ngroups >= ru->tabsize)
		group_grow(ru);
	struct rule_group *g = xcalloc(1, sizeof *g);
	g->hash = h;
	g->id = xmalloc(idlen ? idlen : 1);
	memcpy(g->id, id, idlen);
	g->idlen = idlen;
	g->keyjson = xstrdup(keyjson);
	struct rule_group **gp = &ru->tab[h & (ru->tabsize - 1)];
	g->next = *gp;
	*gp = g;
	ru->ngroups++;
	rs->ngroups++;
	return g;
}

static void
group_free(struct rule_group *g)
{
	free(g->id);
	free(g->keyjson);
	buf_free(&g->since);
	buf_free(&g->until);
	free(g);
}

/* Unlink and free the group held by *gp. */
static void
group_delete(ruleset_t *rs, struct rule *ru, struct rule_group **gp)
{
	struct rule_group *g = *gp;

	*gp = g->next;
	group_free(g);
	ru->ngroups--;
	rs->ngroups--;
}

static void
set_state(struct rule *ru, struct rule_group *g, int state)
{
	int was = g->state != RULE_INACTIVE, is = state != RULE_INACTIVE;
	if (was && !is) {
		ru->nactive--;
		ru->active[ACTIVE_SLOT(g->hash)]--;
	} else if (!was && is) {
		ru->nactive++;
		ru->active[ACTIVE_SLOT(g->hash)]++;
	}
	g->state = state;
}

/* ==== event time ======================================================= */

/*
 * 1 and the time in *ms, with *f = *v, when the field v (read for the
 * time slot slot) holds one; 0 when it is absent (NULL) or null; -1 when
 * it is not a time.  The text
 * last read in the slot is kept with what it read as: the records of one
 * window, which share their window_start and window_end, parse them once.
 */
static int
read_time(ruleset_t *rs, int slot, const jfield_t *v, jfield_t *f, int64_t *ms)
{
	struct tcache *tc = &rs->tcache[slot];
	tstamp_t t;

	if (v == NULL || v->type == JT_NULL)
		return 0;
	if (!tc->valid || tc->text.len != v->vlen ||
	    memcmp(tc->text.p, v->v, v->vlen) != 0) {
		buf_reset(&tc->text);
		buf_add(&tc->text, v->v, v->vlen);
		tc->valid = 1;
		tc->rc = ts_parse_json(v->v, v->vlen, &t) < 0 ? -1 : 1;
		if (tc->rc > 0)
			tc->ms = ts_to_ms(&t);
	}
	if (tc->rc < 0)
		return -1;
	*f = *v;
	*ms = tc->ms;
	return 1;
}

/*
 * A record's event time: the window it covers (window_start, window_end)
 * when it has one, else the instant in the time field.  Returns 0, or -1
 * with *bad naming the first time that is not one: window_end and
 * window_start when window_end is there and not null, else the time
 * field.  A time that is not one reads as absent.
 */
static int
rtime_read(ruleset_t *rs, struct rtime *t, const rec_t *r, const char **bad)
{
	const jfield_t *end =
	    rec_get(r, KEY_WINDOW_END, strlen(KEY_WINDOW_END));
	int rc;

	memset(t, 0, sizeof *t);
	t->loaded = 1;
	*bad = NULL;
	if (end != NULL && end->type != JT_NULL) {
		rc = read_time(rs, TC_END, end, &t->endf, &t->end);
		if (rc < 0)
			*bad = KEY_WINDOW_END;
		t->windowed = t->has_end = rc > 0;
		rc = read_time(
		    rs, TC_START,
		    rec_get(r, KEY_WINDOW_START, strlen(KEY_WINDOW_START)),
		    &t->startf, &t->start);
		if (rc < 0 && *bad == NULL)
			*bad = KEY_WINDOW_START;
		t->has_start = rc > 0;
	}
	if (!t->windowed) {
		/* Only a record that failed the check above gets here with
		 * a window_end: its time field stands in, as ever. */
		t->has_start = 0;
		rc = read_time(
		    rs, TC_TIME,
		    rec_get(r, rs->time_field, strlen(rs->time_field)),
		    &t->endf, &t->end);
		if (rc < 0 && *bad == NULL)
			*bad = rs->time_field;
		t->has_end = rc > 0;
	}
	if (t->has_end && !t->has_start) {
		t->has_start = 1;
		t->start = t->end;
		t->startf = t->endf;
	}
	const jfield_t *open = rec_get(r, KEY_OPEN, strlen(KEY_OPEN));
	t->open = open != NULL && open->type == JT_TRUE;
	return *bad != NULL ? -1 : 0;
}

int
rules_check_time(ruleset_t *rs, const rec_t *r, const char **name,
                 const jfield_t **v)
{
	/* rules_eval of the same record takes the times read here. */
	if (rtime_read(rs, &rs->checked, r, name) < 0) {
		rs->checked_rec = NULL;
		*v = rec_get(r, *name, strlen(*name));
		return -1;
	}
	rs->checked_rec = r;
	rs->checked_line = r->line;
	return 0;
}

/* The event time of r, read once per record (see rtime_read). */
static void
rtime_load(ruleset_t *rs, struct rtime *t, const rec_t *r)
{
	const char *bad;

	if (!t->loaded)
		(void)rtime_read(rs, t, r, &bad);
}

/* ==== alert records ==================================================== */

/* 1 if name was written into the alert record being built; else note it. */
static int
seen_name(ruleset_t *rs, const char *name, size_t n)
{
	const char *p = rs->names.p, *end = p ? p + rs->names.len : NULL;

	while (p != NULL && p < end) {
		size_t len = strlen(p);
		if (len == n && memcmp(p, name, n) == 0)
			return 1;
		p += len + 1;
	}
	buf_add(&rs->names, name, n);
	buf_addc(&rs->names, '\0');
	return 0;
}

/* Write an input field into the alert record, renamed input_NAME when
 * an alert field or a label has its name, once. */
static void
put_input(ruleset_t *rs, const struct rule *ru, const char *name, size_t n,
          const char *v, size_t vlen)
{
	buf_t *a = &rs->abuf;
	int clash = key_written_by(name, n, KEY_BY_ALERT) != NULL;

	for (size_t i = 0; i < ru->nlabels && !clash; i++)
		clash = strlen(ru->labels[i].name) == n &&
		        memcmp(ru->labels[i].name, name, n) == 0;
	buf_reset(&rs->tmp2);
	if (clash)
		buf_adds(&rs->tmp2, "input_");
	buf_add(&rs->tmp2, name, n);
	if (seen_name(rs, rs->tmp2.p, rs->tmp2.len))
		return;
	jw_keyn(a, rs->tmp2.p, rs->tmp2.len);
	buf_add(a, v, vlen);
}

/* Append "k=v, ..." for the fields of a JSON object text. */
static void
show_fields(ruleset_t *rs, const char *json, buf_t *out)
{
	jobj_t o = {NULL, 0, 0};

	jobj_from_value(json, strlen(json), &o);
	for (size_t i = 0; i < o.n; i++) {
		if (i > 0)
			buf_adds(out, ", ");
		member_name(&o.f[i], &rs->tmp);
		buf_add(out, rs->tmp.p, rs->tmp.len);
		buf_addc(out, '=');
		tmpl_value_text(o.f[i].v, o.f[i].vlen, out);
	}
	jobj_free(&o);
}

/*
 * Append the cohort of the group whose key fields are the JSON object
 * text json: "os = Android" for a record of tingle-count --each (its
 * dimension and value), then "k = v" for each other key field, joined by
 * ", ".  Returns 1 if the key has a dimension and a value.
 */
static int
cohort_text(ruleset_t *rs, const char *json, buf_t *out)
{
	jobj_t o = {NULL, 0, 0};
	const char *sep = "";

	jobj_from_value(json, strlen(json), &o);
	const jfield_t *dim = jobj_get(&o, "dimension", 9);
	const jfield_t *val = jobj_get(&o, "value", 5);
	int each = dim != NULL && val != NULL && dim->type == JT_STR;
	if (each) {
		tmpl_value_text(dim->v, dim->vlen, out);
		buf_adds(out, " = ");
		tmpl_value_text(val->v, val->vlen, out);
		sep = ", ";
	}
	for (size_t i = 0; i < o.n; i++) {
		if (each && (&o.f[i] == dim || &o.f[i] == val))
			continue;
		buf_adds(out, sep);
		sep = ", ";
		member_name(&o.f[i], &rs->tmp);
		buf_add(out, rs->tmp.p, rs->tmp.len);
		buf_adds(out, " = ");
		tmpl_value_text(o.f[i].v, o.f[i].vlen, out);
	}
	jobj_free(&o);
	return each;
}

/*
 * The default message: "NAME for k=v: field=value, ..." while firing,
 * "NAME resolved for k=v after 2h: field=value, ..." at the end.
 */
static void
default_message(ruleset_t *rs, const struct rule *ru,
                const struct rule_group *g, const rec_t *r, int firing,
                buf_t *out)
{
	jobj_t keys = {NULL, 0, 0};
	const char *sep = ": ";
	char d[64];

	buf_adds(out, ru->name);
	if (!firing)
		buf_adds(out, " resolved");
	jobj_from_value(g->keyjson, strlen(g->keyjson), &keys);
	if (keys.n > 0) {
		/* A cohort of tingle-count --each is named as one. */
		buf_adds(out, " for ");
		buf_reset(&rs->tmp2);
		if (cohort_text(rs, g->keyjson, &rs->tmp2))
			buf_add(out, rs->tmp2.p, rs->tmp2.len);
		else
			show_fields(rs, g->keyjson, out);
	}
	if (!firing && g->has_since && g->has_until)
		buf_printf(out, " after %s",
		           dur_format(g->until_ms > g->since_ms
		                          ? g->until_ms - g->since_ms
		                          : 0,
		                      d, sizeof d));
	for (size_t i = 0; ru->fields[i] != NULL; i++) {
		const char *name = ru->fields[i];
		size_t n = strlen(name);
		/* A key field is shown already. */
		if (jobj_get(&keys, name, n) != NULL)
			continue;
		const jfield_t *f = rec_get(r, name, n);
		buf_adds(out, sep);
		sep = ", ";
		buf_add(out, name, n);
		buf_addc(out, '=');
		if (f != NULL)
			tmpl_value_text(f->v, f->vlen, out);
		else
			buf_adds(out, "null");
	}
	jobj_free(&keys);
}

struct lookup_ctx {
	jobj_t *alert;
	const rec_t *r;
};

/* Template fields: the alert record's own first, then the input's. */
static int
lookup_field(void *ctx, const char *name, size_t n, jfield_t *out)
{
	struct lookup_ctx *lc = ctx;

	return jobj_path(lc->alert, name, n, out) ||
	       rec_path(lc->r, name, n, out);
}

static void
render_message(ruleset_t *rs, const struct rule *ru, const struct rule_group *g,
               const rec_t *r, int firing, buf_t *out)
{
	const tmpl_t *t = firing ? ru->message : ru->resolved;

	if (t == NULL) {
		default_message(rs, ru, g, r, firing, out);
		return;
	}
	/* What the record holds so far, closed, to look fields up in. */
	jobj_t o = {NULL, 0, 0};
	buf_reset(&rs->snap);
	buf_add(&rs->snap, rs->abuf.p, rs->abuf.len);
	buf_addc(&rs->snap, '}');
	jobj_from_value(rs->snap.p, rs->snap.len, &o);
	struct lookup_ctx lc = {&o, r};
	tmpl_render(t, lookup_field, &lc, out);
	jobj_free(&o);
}

/* Build the alert record for g in state "firing" or "resolved" and hand
 * it to the emit callback. */
static void
emit(ruleset_t *rs, struct rule *ru, struct rule_group *g, const rec_t *r,
     int firing)
{
	buf_t *a = &rs->abuf;
	const char *state = firing ? "firing" : "resolved";

	buf_reset(a);
	buf_reset(&rs->names);
	buf_addc(a, '{');
	jw_kstrz(a, "alert", ru->name);
	jw_kstrz(a, "state", state);
	jw_kstrz(a, "severity", ru->severity);
	for (size_t i = 0; i < ru->nlabels; i++) {
		seen_name(rs, ru->labels[i].name, strlen(ru->labels[i].name));
		jw_kraw(a, ru->labels[i].name, ru->labels[i].json,
		        strlen(ru->labels[i].json));
	}

	jobj_t keys = {NULL, 0, 0};
	jobj_from_value(g->keyjson, strlen(g->keyjson), &keys);
	for (size_t i = 0; i < keys.n; i++) {
		member_name(&keys.f[i], &rs->label);
		put_input(rs, ru, rs->label.p, rs->label.len, keys.f[i].v,
		          keys.f[i].vlen);
	}
	jobj_free(&keys);
	static const char *const window[] = {KEY_WINDOW_START, KEY_WINDOW_END,
	                                     KEY_OPEN};
	for (int i = 0; i < 3; i++) {
		const jfield_t *f = rec_get(r, window[i], strlen(window[i]));
		if (f != NULL)
			put_input(rs, ru, window[i], strlen(window[i]), f->v,
			          f->vlen);
	}
	for (size_t i = 0; ru->fields[i] != NULL; i++) {
		const char *name = ru->fields[i];
		const jfield_t *f = rec_get(r, name, strlen(name));
		put_input(rs, ru, name, strlen(name), f ? f->v : "null",
		          f ? f->vlen : 4);
	}

	if (g->has_since)
		jw_kraw(a, "since", g->since.p, g->since.len);
	if (!firing && g->has_until) {
		jw_kraw(a, "until", g->until.p, g->until.len);
		if (g->has_since) {
			char d[64];
			int64_t ms = g->until_ms - g->since_ms;
			jw_kstrz(a, "duration",
			         dur_format(ms > 0 ? ms : 0, d, sizeof d));
		}
	}
	if (firing && g->repeat > 0)
		jw_kint(a, "repeat", g->repeat);
	if (firing)
		rs->fired++;
	buf_reset(&rs->msg);
	render_message(rs, ru, g, r, firing, &rs->msg);
	jw_kstr(a, "message", rs->msg.p, rs->msg.len);
	buf_addc(a, '}');

	buf_reset(&rs->label);
	buf_printf(&rs->label, "%s %s", ru->name, state);
	if (strcmp(g->keyjson, "{}") != 0) {
		buf_adds(&rs->label, " (");
		show_fields(rs, g->keyjson, &rs->label);
		buf_addc(&rs->label, ')');
		/* A diagnostic label is a C string: a NUL of a key value
		 * must not end it. */
		for (size_t i = 0; i < rs->label.len; i++)
			if (rs->label.p[i] == '\0')
				rs->label.p[i] = '?';
	}
	buf_reset(&rs->cohort);
	buf_add(&rs->cohort, "", 0);
	(void)cohort_text(rs, g->keyjson, &rs->cohort);
	for (size_t i = 0; i < rs->cohort.len; i++)
		if (rs->cohort.p[i] == '\0')
			rs->cohort.p[i] = '?';
	struct alert_event ev = {a->p,        a->len,       ru->name, state,
	                         rs->label.p, rs->cohort.p, r};
	rs->emit(rs->ctx, &ev);
}

/* ==== the state machine ================================================ */

static void
set_time(buf_t *b, int *has, int64_t *ms, const jfield_t *f, int64_t v)
{
	buf_reset(b);
	buf_add(b, f->v, f->vlen);
	*ms = v;
	*has = 1;
}

/*
 * 1 if a firing announcement for g may be made at the end of the window
 * in t: the rule has no cooldown, nothing has been announced, the record
 * has no time to measure it by, or the cooldown has passed since the last
 * firing announcement.
 */
static int
cooled(const struct rule *ru, const struct rule_group *g, const struct rtime *t)
{
	return ru->cooldown_ms == 0 || !g->has_announced || !t->has_end ||
	       t->end - g->announced >= ru->cooldown_ms;
}

/* Announce g as firing, and remember when for the cooldown. */
static void
announce(ruleset_t *rs, struct rule *ru, struct rule_group *g, const rec_t *r,
         const struct rtime *t)
{
	g->quiet = 0;
	g->has_announced = t->has_end;
	g->announced = t->end;
	emit(rs, ru, g, r, 1);
}

/* g starts firing: announced now, or quietly while its cooldown runs. */
static void
start_firing(ruleset_t *rs, struct rule *ru, struct rule_group *g,
             const rec_t *r, const struct rtime *t)
{
	set_state(ru, g, RULE_FIRING);
	g->miss = 0;
	g->repeat = 0;
	if (cooled(ru, g, t))
		announce(rs, ru, g, r, t);
	else
		g->quiet = 1;
}

/* The condition is seen to hold since the end of t's window (not its
 * start: with 24-hour windows every hour, the start is a day before what
 * made it hold); no time when the record has no window end. */
static void
since_window_end(struct rule_group *g, const struct rtime *t)
{
	g->has_since = 0;
	if (t->has_end)
		set_time(&g->since, &g->has_since, &g->since_ms, &t->endf,
		         t->end);
}

/*
 * Move the state of the group held by *gp for the record r of a window
 * still open, in which the condition holds (or not), gap set when a
 * window is missing before it.  An open window is tested and may make
 * the group fire, at once or as the last of `for` consecutive windows,
 * but it is not final: it counts for no later window, never resolves,
 * and is not remembered as read, so that its complete record is
 * evaluated in its turn (and may then resolve what it fired).
 */
static void
step_open(ruleset_t *rs, struct rule *ru, struct rule_group **gp,
          const rec_t *r, const struct rtime *t, int holds, int gap)
{
	struct rule_group *g = *gp;
	int run = g->state == RULE_PENDING && !gap ? g->hold + 1 : 1;

	if (holds && g->state != RULE_FIRING && run >= ru->for_n) {
		if (run == 1)
			since_window_end(g, t);
		g->hold = run;
		g->has_until = 0;
		start_firing(rs, ru, g, r, t);
	}
	if (g->state == RULE_INACTIVE && !g->has_last)
		group_delete(rs, ru, gp);
}

/*
 * Move g's state for a record in which the condition holds (or not).
 *
 * The cooldown holds back every firing announcement of a group, as
 * ElastAlert's realert does: a reminder while it keeps firing, and a new
 * episode after a resolve.  An episode that starts within the cooldown
 * fires quietly; it is announced, as firing, in the first window in which
 * the condition holds once the cooldown has passed, and its end is
 * announced only if it was.
 */
static void
step(ruleset_t *rs, struct rule *ru, const rec_t *r, struct rtime *t, int holds)
{
	const struct keycache *kc = key_id(rs, ru->spec, r);
	const buf_t *id = &kc->id;
	uint64_t h = kc->hash;

	rtime_load(rs, t, r);
	/* A window older than one read before for the group (a revision
	 * from count's --late emit) is not evaluated, nor an open window
	 * whose complete record has been read. */
	if (t->windowed && (t->open ? open_window_read(rs, ru->spec, r, t->end)
	                            : window_older(rs, ru->spec, r, t->end)))
		return;
	if (!holds && ru->active[ACTIVE_SLOT(h)] == 0)
		return;
	struct rule_group **gp = group_find(ru, id->p, id->len, h);
	struct rule_group *g = *gp;
	if (g == NULL) {
		if (!holds)
			return;
		ident_build(rs, &rs->specs[ru->spec], r, &rs->tmp2, &rs->snap);
		g = group_new(rs, ru, id->p, id->len, h, rs->snap.p);
		gp = group_find(ru, id->p, id->len, h);
	}
	/* A window evaluated before (an earlier run, a repeated input) is
	 * not evaluated again. */
	if (t->windowed && g->has_last && t->end <= g->last)
		return;
	int gap = t->windowed && g->has_last && t->start > g->last;
	if (t->open) {
		step_open(rs, ru, gp, r, t, holds, gap);
		return;
	}
	if (t->has_end) {
		g->last = t->end;
		g->has_last = 1;
	}

	if (!holds) {
		if (g->state == RULE_PENDING) {
			set_state(ru, g, RULE_INACTIVE);
		} else if (g->state == RULE_FIRING) {
			/* The first window of a run without the condition
			 * ends the episode, if the run goes on long enough. */
			if (++g->miss == 1) {
				g->has_until = 0;
				if (t->has_end)
					set_time(&g->until, &g->has_until,
					         &g->until_ms, &t->endf,
					         t->end);
			}
			if (g->miss > ru->keep_n) {
				if (!g->quiet)
					emit(rs, ru, g, r, 0);
				g->quiet = 0;
				set_state(ru, g, RULE_INACTIVE);
			}
		}
		/* Without a time there is nothing left to remember. */
		if (g->state == RULE_INACTIVE && !g->has_last)
			group_delete(rs, ru, gp);
		return;
	}

	switch (g->state) {
	case RULE_FIRING:
		g->miss = 0;
		g->has_until = 0;
		if (g->quiet) {
			if (cooled(ru, g, t))
				announce(rs, ru, g, r, t);
		} else if (ru->cooldown_ms > 0 && t->has_end &&
		           g->has_announced &&
		           t->end - g->announced >= ru->cooldown_ms) {
			g->repeat++;
			announce(rs, ru, g, r, t);
		}
		return;
	case RULE_PENDING:
		/* A missing window breaks the run of consecutive ones. */
		if (!gap) {
			g->hold++;
			break;
		}
		/* FALLTHROUGH */
	default:
		g->hold = 1;
		since_window_end(g, t);
		set_state(ru, g, RULE_PENDING);
	}
	g->has_until = 0;
	if (g->hold >= ru->for_n)
		start_firing(rs, ru, g, r, t);
}

void
rules_eval(ruleset_t *rs, const rec_t *r, const char *file, unsigned long line)
{
	struct rtime t = {0};

	if (rs->checked_rec == r && rs->checked_line == r->line)
		t = rs->checked;
	rs->checked_rec = NULL;
	rs->gen++;
	rs->file = file;
	rs->line = line;
	for (size_t i = 0; i < rs->n; i++) {
		struct rule *ru = &rs->r[i];
		val_t v;

		buf_reset(&rs->err);
		if (expr_eval(ru->expr, r, &v, &rs->err) < 0) {
			/* Unknown is not false: the state stays as it is. */
			rio_note_input(file, line, "rule '%s': %s", ru->name,
			               rs->err.p != NULL ? rs->err.p : "error");
			continue;
		}
		int holds = val_truthy(&v);
		if (!holds && ru->nactive == 0) {
			/* Nothing to move, but the window is read. */
			rtime_load(rs, &t, r);
			if (t.windowed && !t.open)
				(void)window_older(rs, ru->spec, r, t.end);
			continue;
		}
		step(rs, ru, r, &t, holds);
	}
}

/* ==== what the state file keeps ======================================== */

void
rules_info(const ruleset_t *rs, size_t i, struct rule_info *out)
{
	const struct rule *ru = &rs->r[i];

	out->name = ru->name;
	out->when = expr_source(ru->expr);
	out->expr = ru->expr;
	out->cooldown_ms = ru->cooldown_ms;
	out->spec = ru->spec;
}

size_t
rules_nspecs(const ruleset_t *rs)
{
	return rs->nspecs;
}

void
rules_spec(const ruleset_t *rs, size_t spec, struct rule_spec *out)
{
	const struct keyspec *ks = &rs->specs[spec];

	out->names = (const char *const *)ks->names;
	out->n = ks->n;
	out->dflt = ks->dflt;
}

void
rules_each_group(const ruleset_t *rs, size_t i, rule_group_fn fn, void *ctx)
{
	const struct rule *ru = &rs->r[i];
	struct rule_gstate gs;

	for (size_t b = 0; b < ru->tabsize; b++) {
		for (const struct rule_group *g = ru->tab[b]; g; g = g->next) {
			gs.key = g->keyjson;
			gs.state = g->state;
			gs.hold = g->hold;
			gs.miss = g->miss;
			gs.repeat = g->repeat;
			gs.quiet = g->quiet;
			gs.has_last = g->has_last;
			gs.last = g->last;
			gs.has_announced = g->has_announced;
			gs.announced = g->announced;
			gs.has_since = g->has_since;
			gs.since = g->since.p;
			gs.since_len = g->since.len;
			gs.since_ms = g->since_ms;
			gs.has_until = g->has_until;
			gs.until = g->until.p;
			gs.until_len = g->until.len;
			gs.until_ms = g->until_ms;
			fn(ctx, &gs);
		}
	}
}

/*
 * The identity of the group whose key fields the object text key[0..n)
 * holds, under spec, into id (and the key fields as the state file
 * writes them into rs->snap); -1 if it is not an object.
 */
static int
key_ident(ruleset_t *rs, size_t spec, const char *key, size_t n, buf_t *id)
{
	rec_t r;
	size_t col;
	const char *msg;

	memset(&r, 0, sizeof r);
	if (rec_scan(&r, key, n, &col, &msg) < 0) {
		rec_free(&r);
		return -1;
	}
	ident_build(rs, &rs->specs[spec], &r, id, &rs->snap);
	rec_free(&r);
	return 0;
}

int
rules_group_add(ruleset_t *rs, size_t i, const char *key, size_t n,
                rule_group_t **g, const char **keytext)
{
	struct rule *ru = &rs->r[i];
	buf_t id = BUF_INIT;

	*g = NULL;
	if (key_ident(rs, ru->spec, key, n, &id) < 0) {
		buf_free(&id);
		return -1;
	}
	*keytext = rs->snap.p;
	uint64_t h = util_hash_bytes(id.p, id.len);
	if (*group_find(ru, id.p, id.len, h) == NULL)
		*g = group_new(rs, ru, id.p, id.len, h, rs->snap.p);
	buf_free(&id);
	return 0;
}

void
rules_group_set_state(ruleset_t *rs, size_t i, rule_group_t *g, int state)
{
	set_state(&rs->r[i], g, state);
}

void
rules_group_restore(rule_group_t *g, const struct rule_gstate *gs)
{
	g->hold = gs->hold;
	g->miss = gs->miss;
	g->repeat = gs->repeat;
	g->has_last = gs->has_last;
	g->last = gs->last;
	g->has_announced = gs->has_announced;
	g->announced = gs->announced;
	g->quiet = g->state == RULE_FIRING && gs->quiet;
	g->has_since = gs->has_since;
	buf_reset(&g->since);
	if (gs->has_since) {
		buf_add(&g->since, gs->since, gs->since_len);
		g->since_ms = gs->since_ms;
	}
	g->has_until = gs->has_until;
	buf_reset(&g->until);
	if (gs->has_until) {
		buf_add(&g->until, gs->until, gs->until_len);
		g->until_ms = gs->until_ms;
	}
}

size_t
rules_seen_len(const ruleset_t *rs, size_t spec)
{
	return kmap_len(rs->specs[spec].seen.ids);
}

const char *
rules_seen_get(const ruleset_t *rs, size_t spec, size_t id, int64_t *end)
{
	const struct seentab *st = &rs->specs[spec].seen;

	*end = st->end[id];
	return st->keyjson[id];
}

int
rules_seen_restore(ruleset_t *rs, size_t spec, const char *key, size_t n,
                   int64_t end)
{
	buf_t id = BUF_INIT;

	if (key_ident(rs, spec, key, n, &id) < 0) {
		buf_free(&id);
		return -1;
	}
	(void)seen_note(rs, spec, id.p, id.len, util_hash_bytes(id.p, id.len),
	                NULL, rs->snap.p, end);
	buf_free(&id);
	return 0;
}

void
rules_free(ruleset_t *rs)
{
	if (rs == NULL)
		return;
	for (size_t i = 0; i < rs->n; i++) {
		struct rule *ru = &rs->r[i];
		for (size_t b = 0; b < ru->tabsize; b++) {
			struct rule_group *g = ru->tab[b], *next;
			for (; g != NULL; g = next) {
				next = g->next;
				group_free(g);
			}
		}
		free(ru->tab);
		for (size_t l = 0; l < ru->nlabels; l++) {
			free(ru->labels[l].name);
			free(ru->labels[l].json);
		}
		free(ru->labels);
		free(ru->name);
		free(ru->severity);
		expr_free(ru->expr);
		tmpl_free(ru->message);
		tmpl_free(ru->resolved);
	}
	free(rs->r);
	for (size_t i = 0; i < rs->nspecs; i++) {
		for (size_t k = 0; k < rs->specs[i].n; k++)
			free(rs->specs[i].names[k]);
		free(rs->specs[i].names);
		struct seentab *st = &rs->specs[i].seen;
		for (size_t k = 0; k < kmap_len(st->ids); k++)
			free(st->keyjson[k]);
		free(st->keyjson);
		free(st->end);
		kmap_free(st->ids);
		buf_free(&rs->cache[i].id);
	}
	free(rs->specs);
	free(rs->cache);
	for (size_t i = 0; i < TC_N; i++)
		buf_free(&rs->tcache[i].text);
	buf_free(&rs->layout.names);
	free(rs->layout.len);
	free(rs->layout.take);
	buf_t *bufs[] = {&rs->err,  &rs->abuf, &rs->names,
	                 &rs->snap, &rs->msg,  &rs->label,
	                 &rs->tmp,  &rs->tmp2, &rs->cohort};
	for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
		buf_free(bufs[i]);
	free(rs);
}
