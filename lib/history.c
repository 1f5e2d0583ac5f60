/*
 * history.c - each count record against its group's own history, and
 * the state file that keeps that history across runs.  See history.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "history.h"
#include "kmap.h"
#include "ttime.h"

struct history {
	const struct cmp_conf *cf;
	struct bl_spec spec;
	const char *tz;         /* the --tz zone name, "UTC" when not given */
	const char *state_file; /* for messages */
	struct kmap *groups;    /* group key -> id */
	struct bl_hist *hist;
	/*
	 * What the records must agree on with each other and with a state
	 * file: the nominal window length and the key field names.  Unknown
	 * (0, NULL) until the first record, or taken from the state file.
	 */
	int64_t window;
	char *keys;  /* JSON array text of the key field names */
	int seen;    /* a record has been read */
	int resumed; /* the history came from a state file */
	struct cmp_wcache cache;
	rec_t rec; /* the record being compared */
	buf_t key; /* its group key */
};

struct history *
history_new(const struct cmp_conf *cf, const struct bl_spec *sp, const char *tz,
            const char *state_file)
{
	struct history *h = xcalloc(1, sizeof *h);

	h->cf = cf;
	h->spec = *sp;
	h->tz = tz != NULL ? tz : "UTC";
	h->state_file = state_file;
	h->groups = kmap_new();
	h->hist = bl_new(sp);
	return h;
}

void
history_free(struct history *h)
{
	if (h == NULL)
		return;
	kmap_free(h->groups);
	bl_free(h->hist);
	free(h->keys);
	rec_free(&h->rec);
	buf_free(&h->key);
	free(h);
}

static void
config_json(const struct history *h, buf_t *b)
{
	char d[64];

	buf_reset(b);
	buf_adds(b, "{\"baseline\":");
	buf_adds(b, "\"");
	bl_text(&h->spec, b);
	buf_adds(b, "\",\"keys\":");
	buf_adds(b, h->keys ? h->keys : "null");
	buf_adds(b, ",\"stat\":");
	buf_adds(b, h->spec.stat == BL_MEDIAN ? "\"median\"" : "\"mean\"");
	if (h->spec.kind == BL_SEASON && h->spec.period_days > 0) {
		buf_adds(b, ",\"tz\":");
		jw_str(b, h->tz, strlen(h->tz));
	}
	buf_adds(b, ",\"value\":");
	jw_str(b, h->cf->value_field, strlen(h->cf->value_field));
	buf_adds(b, ",\"window\":");
	if (h->window > 0) {
		buf_addc(b, '"');
		buf_adds(b, dur_format(h->window, d, sizeof d));
		buf_addc(b, '"');
	} else {
		buf_adds(b, "null");
	}
	buf_addc(b, '}');
}

static void
state_refuse(const struct history *h, const char *what, const char *was,
             const char *now)
{
	util_die(
	    EX_DATAERR,
	    "state file '%s' was written for %s %s, not %s; use another --state file or remove it to start afresh",
	    h->state_file, what, was, now);
}

/* Compare one member of the state's configuration with ours. */
static void
state_expect(const struct history *h, json_t *cfg, const char *member,
             const char *what, const char *ours)
{
	json_t *j = json_object_get(cfg, member);
	const char *theirs = json_string_value(j);

	if (j == NULL && ours == NULL)
		return;
	if (theirs == NULL || ours == NULL || strcmp(theirs, ours) != 0)
		state_refuse(h, what, theirs ? theirs : "(none)",
		             ours ? ours : "(none)");
}

static void
state_corrupt(const struct history *h, const char *what)
{
	util_die(EX_DATAERR,
	         "state file '%s' is corrupt: %s; remove it to start afresh",
	         h->state_file, what);
}

/* Take the state file's configuration, refusing one that is not ours. */
static void
state_config(struct history *h, json_t *cfg)
{
	json_t *jk = json_object_get(cfg, "keys");
	json_t *jw = json_object_get(cfg, "window");
	buf_t b = BUF_INIT;
	int64_t ms;

	bl_text(&h->spec, &b);
	state_expect(h, cfg, "baseline", "--baseline", b.p);
	state_expect(h, cfg, "stat", "--stat",
	             h->spec.stat == BL_MEDIAN ? "median" : "mean");
	state_expect(h, cfg, "value", "--value", h->cf->value_field);
	if (h->spec.kind == BL_SEASON && h->spec.period_days > 0)
		state_expect(h, cfg, "tz", "--tz", h->tz);
	buf_free(&b);
	if (json_is_array(jk))
		h->keys = json_dumps(jk, JSON_COMPACT);
	else if (!json_is_null(jk))
		state_corrupt(h, "bad key fields");
	if (json_is_string(jw)) {
		if (dur_parse(json_string_value(jw), &ms) < 0 || ms <= 0)
			state_corrupt(h, "bad window length");
		h->window = ms;
	} else if (!json_is_null(jw)) {
		state_corrupt(h, "bad window length");
	}
}

/* Load the history of --state, if the file exists. */
void
history_load(struct history *h)
{
	char err[512];
	buf_t text = BUF_INIT;
	json_t *doc;

	if (rd_slurp_state(h->state_file, &text) < 0)
		return; /* the first run */
	doc = bl_state_parse(text.p, text.len, err, sizeof err);
	buf_free(&text);
	if (doc == NULL)
		state_corrupt(h, err);
	state_config(h, json_object_get(doc, "config"));
	if (bl_state_groups(h->hist, h->groups, doc, err, sizeof err) < 0)
		state_corrupt(h, err);
	json_decref(doc);
	h->resumed = kmap_len(h->groups) > 0;
	if (kmap_len(h->groups) > h->cf->max_groups)
		util_die(
		    EX_SOFTWARE,
		    "state file '%s' holds %zu groups, more than --max-groups %zu",
		    h->state_file, kmap_len(h->groups), h->cf->max_groups);
}

void
history_save(const struct history *h)
{
	buf_t cfg = BUF_INIT;
	const char *what;

	rio_out_flush(); /* what the state holds has been written out */
	config_json(h, &cfg);
	if (bl_state_save(h->hist, h->groups, cfg.p, h->state_file, &what) < 0)
		util_die(EX_IOERR, "cannot %s state file '%s': %s", what,
		         h->state_file, strerror(errno));
	buf_free(&cfg);
}

/*
 * The first record fixes the key field names, and the first window that
 * holds or touches no change of UTC offset the window length (a window
 * that does cannot tell its width); both must be those of the state
 * file, if it knows them.  Every record's window must fit that length:
 * returns -1 after reporting one that does not.
 */
static int
check_config(struct history *h, const rec_t *r, const line_t *l,
             const struct cmp_win *w)
{
	char a[96], b[64];

	if (!cmp_win_fits(w, h->window)) {
		if (!h->seen)
			state_refuse(h, "windows of",
			             dur_format(h->window, b, sizeof b),
			             cmp_win_text(w, a, sizeof a));
		rio_bad_input(l, "window of %s, but the first was %s",
		              cmp_win_text(w, a, sizeof a),
		              dur_format(h->window, b, sizeof b));
		return -1;
	}
	if (h->window == 0 && cmp_win_regular(w))
		h->window = w->wall;
	if (!h->seen) {
		char *names = cmp_key_names_json(h->cf, r);

		h->seen = 1;
		if (h->keys != NULL) {
			json_t *x = json_loads(h->keys, 0, NULL);
			json_t *y = json_loads(names, 0, NULL);
			int same = json_equal(x, y);

			json_decref(x);
			json_decref(y);
			if (!same)
				state_refuse(h, "key fields", h->keys, names);
		}
		free(h->keys);
		h->keys = names;
	}
	return 0;
}

void
history_line(struct history *h, const line_t *l, cmp_emit_fn emit, void *ctx)
{
	struct bl_result res;
	const jfield_t *f;
	struct cmp_win w;
	const char *msg;
	size_t col;
	double v = 0;
	uint32_t id;
	int vt, added;

	if (rec_scan(&h->rec, l->p, l->n, &col, &msg) < 0) {
		rio_bad_json(l, col, msg);
		return;
	}
	if (cmp_window(&h->rec, l, &h->cache, &w) < 0)
		return;
	vt = cmp_value(&h->rec, h->cf->value_field, &v);
	if (vt == CMP_BAD) {
		rio_bad_input(l, "field '%s' is missing or not a number",
		              h->cf->value_field);
		return;
	}
	if (check_config(h, &h->rec, l, &w) < 0)
		return;
	cmp_make_key(h->cf, &h->rec, &h->cf->keys, &h->key);
	id = kmap_add(h->groups, h->key.p, h->key.len,
	              util_hash_bytes(h->key.p, h->key.len), &added);
	if (added && kmap_len(h->groups) > h->cf->max_groups)
		util_die(EX_SOFTWARE, "more than %zu groups (--max-groups)",
		         h->cf->max_groups);
	/* A window still in progress (tingle-count --open emit) is compared
	 * but never enters the history. */
	f = rec_get(&h->rec, "open", 4);
	if (f != NULL && f->type == JT_TRUE)
		bl_peek(h->hist, id, w.start, vt == CMP_NUM ? &v : NULL, &res);
	else
		bl_step(h->hist, id, w.start, vt == CMP_NUM ? &v : NULL, &res);
	/* A run that goes on from a state file reads old windows again when
	 * its input is the whole log (an hourly cron job): no news. */
	if (res.order == BL_OLD && !h->resumed)
		rio_note_input(
		    l->file, l->num,
		    "window is older than its group's history, compared with nothing");
	emit(ctx, &h->rec, &w, vt, v, &res);
}
