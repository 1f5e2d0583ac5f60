/*
 * alert_state.c - tingle-alert's state file (--state): what its rules
 * keep about each group from one run to the next, written and read back.
 */
#include "alert_state.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "afile.h"
#include "json.h"
#include "rio.h"
#include "ttime.h"

static const char *const state_names[] = {"inactive", "pending", "firing"};

static void
put_ms(buf_t *b, const char *key, int64_t ms)
{
	char s[TS_MAXLEN + 1];

	jw_kstr(b, key, s, ts_format_ms(ms, s));
}

/*
 * One group.  An inactive one is kept for the last window it saw and,
 * under a cooldown, the time of its last announcement.  "quiet" (a firing
 * episode not announced) is written only when set, so that a file
 * without it reads as before: every firing episode announced.
 */
struct save_ctx {
	buf_t *b;
	int64_t cooldown_ms; /* the rule's */
	int first;
};

static void
save_group(void *ctx, const struct rule_gstate *g)
{
	struct save_ctx *sc = ctx;
	buf_t *b = sc->b;

	if (!sc->first)
		buf_addc(b, ',');
	sc->first = 0;
	buf_addc(b, '\n');
	buf_addc(b, '{');
	jw_kraw(b, "key", g->key, strlen(g->key));
	jw_kstrz(b, "state", state_names[g->state]);
	if (g->has_last)
		put_ms(b, "last", g->last);
	if (g->state == RULE_INACTIVE && g->has_announced &&
	    sc->cooldown_ms > 0)
		put_ms(b, "announced", g->announced);
	if (g->state != RULE_INACTIVE) {
		jw_kint(b, "hold", g->hold);
		jw_kint(b, "miss", g->miss);
		jw_kint(b, "repeat", g->repeat);
		if (g->has_announced)
			put_ms(b, "announced", g->announced);
		if (g->quiet)
			jw_kraw(b, "quiet", "true", 4);
		if (g->has_since)
			jw_kraw(b, "since", g->since, g->since_len);
		if (g->has_until)
			jw_kraw(b, "until", g->until, g->until_len);
	}
	buf_addc(b, '}');
}

/* The member "key": null for the default key, else the field names. */
static void
save_spec_key(const struct rule_spec *ks, buf_t *b)
{
	jw_key(b, "key");
	if (ks->dflt) {
		buf_adds(b, "null");
	} else {
		buf_addc(b, '[');
		for (size_t k = 0; k < ks->n; k++) {
			if (k > 0)
				buf_addc(b, ',');
			jw_str(b, ks->names[k], strlen(ks->names[k]));
		}
		buf_addc(b, ']');
	}
}

static void
save_rule(const ruleset_t *rs, size_t i, buf_t *b)
{
	struct rule_info ri;
	struct rule_spec ks;

	rules_info(rs, i, &ri);
	rules_spec(rs, ri.spec, &ks);
	buf_addc(b, '{');
	jw_kstrz(b, "name", ri.name);
	jw_kstrz(b, "when", ri.when);
	save_spec_key(&ks, b);
	jw_key(b, "groups");
	buf_addc(b, '[');
	struct save_ctx sc = {b, ri.cooldown_ms, 1};
	rules_each_group(rs, i, save_group, &sc);
	buf_adds(b, "]}");
}

/*
 * The member "seen": for each key spec that has read a window, the end
 * of the latest window read per group.  A file without it (written
 * before it was kept) reads as before: only the "last" window of the
 * rules' groups is remembered.
 */
static void
save_seen(const ruleset_t *rs, buf_t *b)
{
	int first = 1;

	for (size_t i = 0; i < rules_nspecs(rs); i++) {
		struct rule_spec ks;
		size_t n = rules_seen_len(rs, i);
		if (n == 0)
			continue;
		rules_spec(rs, i, &ks);
		buf_adds(b, first ? ",\"seen\":[\n{" : ",\n{");
		first = 0;
		save_spec_key(&ks, b);
		jw_key(b, "groups");
		buf_addc(b, '[');
		for (size_t id = 0; id < n; id++) {
			int64_t end;
			const char *key = rules_seen_get(rs, i, id, &end);
			buf_adds(b, id > 0 ? ",\n{" : "\n{");
			jw_kraw(b, "key", key, strlen(key));
			put_ms(b, "window_end", end);
			buf_addc(b, '}');
		}
		buf_adds(b, "]}");
	}
	if (!first)
		buf_addc(b, ']');
}

/* Write data to path through a temporary file and rename. */
static int
write_atomic(const char *path, const char *data, size_t n)
{
	const char *what;

	if (afile_write(path, data, n, &what) == 0)
		return 0;
	if (strcmp(what, "create") == 0)
		util_warnmsg("cannot create a temporary file for '%s': %s",
		             path, strerror(errno));
	else
		util_warnmsg("cannot save state to '%s': %s: %s", path, what,
		             strerror(errno));
	return -1;
}

void
alert_state_format(const ruleset_t *rs, buf_t *b)
{
	buf_adds(b, "{\"version\":1,\"rules\":[");
	for (size_t i = 0; i < rules_count(rs); i++) {
		if (i > 0)
			buf_addc(b, ',');
		buf_addc(b, '\n');
		save_rule(rs, i, b);
	}
	buf_addc(b, ']');
	save_seen(rs, b);
	buf_adds(b, "}\n");
}

int
alert_state_save(const ruleset_t *rs, const char *path)
{
	buf_t b = BUF_INIT;

	alert_state_format(rs, &b);
	int rc = write_atomic(path, b.p, b.len);
	buf_free(&b);
	return rc;
}

static void bad_state(const char *path, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

static void
bad_state(const char *path, const char *fmt, ...)
{
	va_list ap;
	char what[512];

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	util_die(EX_DATAERR,
	         "%s: invalid state file: %s (remove it to start afresh)", path,
	         what);
}

/* A time member of a saved group; 1 if present. */
static int
state_time(const char *path, json_t *g, const char *name, int64_t *ms)
{
	json_t *v = json_object_get(g, name);
	tstamp_t t;

	if (v == NULL)
		return 0;
	if (!json_is_string(v) ||
	    ts_parse_iso(json_string_value(v), json_string_length(v), &t) < 0)
		bad_state(path, "'%s' is not a time", name);
	*ms = ts_to_ms(&t);
	return 1;
}

/* A window-edge member (any JSON time value) of the saved group whose
 * members, as written, are raw; 1 if present. */
static int
state_edge(const char *path, const jobj_t *raw, const char *name, buf_t *b,
           int64_t *ms)
{
	const jfield_t *v = jobj_get(raw, name, strlen(name));
	tstamp_t t;

	if (v == NULL)
		return 0;
	if (ts_parse_json(v->v, v->vlen, &t) < 0)
		bad_state(path, "'%s' is not a time", name);
	buf_reset(b);
	buf_add(b, v->v, v->vlen);
	*ms = ts_to_ms(&t);
	return 1;
}

static int
state_count(const char *path, json_t *g, const char *name)
{
	json_t *v = json_object_get(g, name);

	if (v == NULL)
		return 0;
	/* Numbers are read as reals (see alert_state_load). */
	double d = json_number_value(v);
	if (!json_is_number(v) || d < 0 || d > 1000000000 || d != (int)d)
		bad_state(path, "'%s' is not a count", name);
	return (int)d;
}

/* A true/false member of a saved group; 0 if absent. */
static int
state_flag(const char *path, json_t *g, const char *name)
{
	json_t *v = json_object_get(g, name);

	if (v == NULL)
		return 0;
	if (!json_is_boolean(v))
		bad_state(path, "'%s' is not true or false", name);
	return json_is_true(v);
}

/*
 * Load one group of rule i: jg as jansson read it, raw its members as the
 * file writes them.  The key and the window edges are taken from raw, so
 * that numbers keep every digit.
 */
static void
load_group(ruleset_t *rs, size_t i, const char *path, json_t *jg,
           const jobj_t *raw, buf_t *since, buf_t *until)
{
	json_t *key = json_object_get(jg, "key");
	json_t *st = json_object_get(jg, "state");
	struct rule_gstate gs;
	struct rule_info ri;

	if (!json_is_object(jg) || !json_is_object(key) || !json_is_string(st))
		bad_state(path, "a group needs 'key' and 'state'");
	int state = -1;
	for (int s = 0; s < 3; s++)
		if (strcmp(json_string_value(st), state_names[s]) == 0)
			state = s;
	if (state < 0)
		bad_state(path, "unknown state '%s'", json_string_value(st));

	/* The identity is rebuilt the way a record's would be. */
	const jfield_t *kf = jobj_get(raw, "key", 3);
	rule_group_t *g;
	const char *keytext;
	if (kf == NULL ||
	    rules_group_add(rs, i, kf->v, kf->vlen, &g, &keytext) < 0)
		bad_state(path, "bad group key");
	rules_info(rs, i, &ri);
	if (g == NULL)
		bad_state(path, "group %s of rule '%s' appears twice", keytext,
		          ri.name);
	rules_group_set_state(rs, i, g, state);

	memset(&gs, 0, sizeof gs);
	gs.state = state;
	gs.hold = state_count(path, jg, "hold");
	gs.miss = state_count(path, jg, "miss");
	gs.repeat = state_count(path, jg, "repeat");
	gs.has_last = state_time(path, jg, "last", &gs.last);
	gs.has_announced = state_time(path, jg, "announced", &gs.announced);
	gs.quiet = state == RULE_FIRING && state_flag(path, jg, "quiet");
	gs.has_since = state_edge(path, raw, "since", since, &gs.since_ms);
	gs.since = since->p;
	gs.since_len = since->len;
	gs.has_until = state_edge(path, raw, "until", until, &gs.until_ms);
	gs.until = until->p;
	gs.until_len = until->len;
	rules_group_restore(g, &gs);
}

/* 1 if the saved key setting jk is that of ks. */
static int
same_spec_key(const struct rule_spec *ks, json_t *jk)
{
	if (json_is_null(jk))
		return ks->dflt;
	if (!json_is_array(jk) || ks->dflt || json_array_size(jk) != ks->n)
		return 0;
	for (size_t k = 0; k < ks->n; k++) {
		json_t *e = json_array_get(jk, k);
		if (!json_is_string(e) ||
		    strcmp(json_string_value(e), ks->names[k]) != 0)
			return 0;
	}
	return 1;
}

/* 1 if the saved key setting jk is that of spec. */
static int
same_key(const ruleset_t *rs, size_t spec, json_t *jk)
{
	struct rule_spec ks;

	rules_spec(rs, spec, &ks);
	return same_spec_key(&ks, jk);
}

/* The members of the object text v[0..n), or an invalid state file. */
static void
state_object(const char *path, const char *v, size_t n, jobj_t *o)
{
	if (n == 0 || v[0] != '{')
		bad_state(path, "expected an object");
	jobj_from_value(v, n, o);
}

/* The raw text of array member name of object o, for jarr_next. */
static void
state_array(const char *path, const jobj_t *o, const char *name, const char **v,
            size_t *n)
{
	const jfield_t *f = jobj_get(o, name, strlen(name));

	if (f == NULL || f->type != JT_ARR)
		bad_state(path, "'%s' is not an array", name);
	*v = f->v;
	*n = f->vlen;
}

/*
 * Load the member "seen" (see save_seen) of the state file at path, when
 * it has one: root as jansson read it, top its members as the file writes
 * them.  Entries of a key no rule has any more are passed over.
 */
static void
load_seen(ruleset_t *rs, const char *path, json_t *root, const jobj_t *top)
{
	json_t *seen = json_object_get(root, "seen");
	jobj_t so = {NULL, 0, 0}, go = {NULL, 0, 0};
	const char *stext, *gtext, *ev;
	size_t slen, spos = 0, glen, evlen;

	if (seen == NULL)
		return;
	if (!json_is_array(seen))
		bad_state(path, "'seen' is not an array");
	state_array(path, top, "seen", &stext, &slen);
	for (size_t i = 0; i < json_array_size(seen); i++) {
		json_t *js = json_array_get(seen, i);
		json_t *groups = json_object_get(js, "groups");
		if (!json_is_object(js) || !json_is_array(groups))
			bad_state(path,
			          "a 'seen' entry needs 'key' and 'groups'");
		if (!jarr_next(stext, slen, &spos, &ev, &evlen))
			bad_state(path, "'seen' out of step");
		size_t spec = 0;
		while (spec < rules_nspecs(rs) &&
		       !same_key(rs, spec, json_object_get(js, "key")))
			spec++;
		if (spec == rules_nspecs(rs))
			continue;
		state_object(path, ev, evlen, &so);
		state_array(path, &so, "groups", &gtext, &glen);
		size_t gpos = 0;
		for (size_t k = 0; k < json_array_size(groups); k++) {
			json_t *jg = json_array_get(groups, k);
			int64_t end;
			if (!jarr_next(gtext, glen, &gpos, &ev, &evlen))
				bad_state(path, "'seen' out of step");
			if (!json_is_object(jg) ||
			    !json_is_object(json_object_get(jg, "key")) ||
			    !state_time(path, jg, "window_end", &end))
				bad_state(
				    path,
				    "a 'seen' group needs 'key' and 'window_end'");
			state_object(path, ev, evlen, &go);
			const jfield_t *kf = jobj_get(&go, "key", 3);
			if (kf == NULL || rules_seen_restore(rs, spec, kf->v,
			                                     kf->vlen, end) < 0)
				bad_state(path, "bad group key");
		}
	}
	jobj_free(&so);
	jobj_free(&go);
}

void
alert_state_load(ruleset_t *rs, const char *path)
{
	json_error_t e;
	json_t *root;
	buf_t text = BUF_INIT;

	if (rd_slurp_state(path, &text) < 0)
		return; /* the first run */
	/* Key values and times are copied from records, which may hold
	 * \u0000 in a string, and numbers of any size: they are read from
	 * the text below, and jansson reads every number as a real. */
	root = json_loadb(text.p ? text.p : "", text.len,
	                  JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL |
	                      JSON_DECODE_INT_AS_REAL,
	                  &e);
	/* Not e.text: it quotes the file, which may not be ours. */
	if (root == NULL)
		util_die(
		    EX_DATAERR,
		    "%s:%d:%d: invalid state file: %s (remove it to start afresh)",
		    path, e.line, e.column, jerr_what(json_error_code(&e)));
	json_t *rules = json_object_get(root, "rules");
	if (!json_is_object(root) ||
	    json_number_value(json_object_get(root, "version")) != 1 ||
	    !json_is_array(rules))
		bad_state(path, "expected {\"version\":1,\"rules\":[...]}");

	/* The same document, walked by the scanner for the keys' text. */
	jobj_t top = {NULL, 0, 0}, jro = {NULL, 0, 0}, jgo = {NULL, 0, 0};
	buf_t since = BUF_INIT, until = BUF_INIT;
	size_t col, rpos = 0, rlen;
	const char *msg, *rtext, *ev;
	if (jscan_object(text.p, text.len, &top, &col, &msg) < 0)
		bad_state(path, "%s at byte %zu", msg, col);
	state_array(path, &top, "rules", &rtext, &rlen);

	for (size_t i = 0; i < json_array_size(rules); i++) {
		json_t *jr = json_array_get(rules, i);
		json_t *jn = json_object_get(jr, "name");
		json_t *jw = json_object_get(jr, "when");
		json_t *groups = json_object_get(jr, "groups");
		size_t evlen, gpos = 0, glen;
		const char *gtext;
		if (!json_is_string(jn) || !json_is_string(jw) ||
		    !json_is_array(groups))
			bad_state(path,
			          "a rule needs 'name', 'when' and 'groups'");
		if (!jarr_next(rtext, rlen, &rpos, &ev, &evlen))
			bad_state(path, "rules out of step");
		state_object(path, ev, evlen, &jro);
		state_array(path, &jro, "groups", &gtext, &glen);
		struct rule_info ri;
		size_t ru = 0;
		for (; ru < rules_count(rs); ru++) {
			rules_info(rs, ru, &ri);
			if (strcmp(ri.name, json_string_value(jn)) == 0)
				break;
		}
		if (ru == rules_count(rs)) {
			util_warnmsg(
			    "%s: dropping the state of rule '%s', which is no longer given",
			    path, json_string_value(jn));
			continue;
		}
		if (strcmp(ri.when, json_string_value(jw)) != 0 ||
		    !same_key(rs, ri.spec, json_object_get(jr, "key"))) {
			util_warnmsg(
			    "%s: dropping the state of rule '%s': its condition or key changed",
			    path, ri.name);
			continue;
		}
		for (size_t k = 0; k < json_array_size(groups); k++) {
			if (!jarr_next(gtext, glen, &gpos, &ev, &evlen))
				bad_state(path, "groups out of step");
			jgo.n = 0;
			if (evlen > 0 && ev[0] == '{')
				jobj_from_value(ev, evlen, &jgo);
			load_group(rs, ru, path, json_array_get(groups, k),
			           &jgo, &since, &until);
		}
	}
	load_seen(rs, path, root, &top);
	jobj_free(&jgo);
	jobj_free(&jro);
	jobj_free(&top);
	buf_free(&since);
	buf_free(&until);
	buf_free(&text);
	json_decref(root);
}
