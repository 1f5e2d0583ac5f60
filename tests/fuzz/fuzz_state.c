/*
 * fuzz_state.c - fuzz test of the state files of tingle-compare and
 * tingle-alert.
 *
 * The first byte picks the reader, and the rest is the state file.
 *
 * 'a' is tingle-alert's: alert_state_load() for a fixed set of three
 * rules, under trap_run(), since it ends in util_die() (exit 65) on a file it
 * refuses.  A state that loads must survive the records of a few windows,
 * and then a save, a load into a new ruleset and a second save must keep
 * the same groups.
 *
 * The others are tingle-compare's, bl_state_parse() and
 * bl_state_groups() with the history of
 * 'p' prev:3, 'm' prev:3 with the median, 's' season:1d:2 (in a zone with
 * daylight saving), 'w' season:1w:2, 'h' season:1h:3, 'e' ewma:0.3 (other
 * bytes pick one by their value).  A state they read must be written by
 * bl_state_write() as a document they read again to the same bytes (and
 * bl_state_save() must write those bytes to its file), and
 * the history must take new values for every group (bl_step), old or
 * new, and still be written and read back alike.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
#include "alert_state.h"
#include "json.h"
#include "kmap.h"
#include "rule.h"
#include "rulestate.h"
#include "ttime.h"
#include "trap.h"
#include "util.h"

static const uint8_t *input;
static size_t input_len;

static void
fail(const char *what, const char *detail, size_t n)
{
	fprintf(stderr, "fuzz_state: %s\n", what);
	if (detail != NULL) {
		fputs("at: ", stderr);
		fwrite(detail, 1, n > 1000 ? 1000 : n, stderr);
		fputc('\n', stderr);
	}
	fprintf(stderr, "input (%zu bytes): ", input_len);
	fwrite(input, 1, input_len > 600 ? 600 : input_len, stderr);
	fputc('\n', stderr);
	abort();
}

/* ---- tingle-compare -------------------------------------------------- */

static const struct {
	char sel;
	const char *spec;
	int median;
	const char *zone;
} hists[] = {
    {'p', "prev:3", 0, "UTC"},
    {'m', "prev:3", 1, "UTC"},
    {'s', "season:1d:2", 0, "Europe/Berlin"},
    {'w', "season:1w:2", 1, "UTC"},
    {'h', "season:1h:3", 0, "UTC"},
    {'e', "ewma:0.3", 0, "UTC"},
};

#define NHISTS (sizeof hists / sizeof hists[0])

/* Read text into a new history; 0 with *hp and *kp set and the
 * configuration's JSON text in config, or -1. */
static int
read_state(const struct bl_spec *sp, const char *text, size_t n,
           struct bl_hist **hp, struct kmap **kp, buf_t *config)
{
	char err[512];
	json_t *doc;
	char *cfg;

	err[0] = '\0';
	doc = bl_state_parse(text, n, err, sizeof err);
	if (doc == NULL) {
		if (err[0] == '\0')
			fail("bl_state_parse refuses without saying why", NULL,
			     0);
		return -1;
	}
	*hp = bl_new(sp);
	*kp = kmap_new();
	if (bl_state_groups(*hp, *kp, doc, err, sizeof err) < 0) {
		if (err[0] == '\0')
			fail("bl_state_groups refuses without saying why",
			     NULL, 0);
		bl_free(*hp);
		kmap_free(*kp);
		json_decref(doc);
		return -1;
	}
	cfg = json_dumps(json_object_get(doc, "config"), JSON_COMPACT);
	if (cfg == NULL)
		fail("a state's configuration cannot be written", NULL, 0);
	buf_reset(config);
	buf_adds(config, cfg);
	free(cfg);
	json_decref(doc);
	return 0;
}

/* The contents of file path. */
static void
slurp(const char *path, buf_t *b)
{
	FILE *fp = fopen(path, "r");
	char chunk[65536];
	size_t n;

	if (fp == NULL)
		fail("a saved state file is missing", path, strlen(path));
	buf_reset(b);
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		buf_add(b, chunk, n);
	fclose(fp);
}

static char dir[64], state_path[96], state2_path[96];

/* Write h, read it back and write it again: the same bytes.  The file
 * bl_state_save() streams holds them too. */
static void
round_trip(const struct bl_spec *sp, const struct bl_hist *h,
           const struct kmap *keys, const char *config)
{
	buf_t a = BUF_INIT, b = BUF_INIT, cfg = BUF_INIT;
	struct bl_hist *h2;
	struct kmap *k2;
	const char *what;

	bl_state_write(h, keys, config, &a);
	if (bl_state_save(h, keys, config, state_path, &what) < 0)
		fail("bl_state_save fails", what, strlen(what));
	slurp(state_path, &b);
	if (a.len != b.len || memcmp(a.p, b.p, a.len) != 0)
		fail("bl_state_save and bl_state_write differ", b.p, b.len);
	if (read_state(sp, a.p, a.len, &h2, &k2, &cfg) < 0)
		fail("a written state does not read", a.p, a.len);
	buf_reset(&b);
	bl_state_write(h2, k2, cfg.p, &b);
	if (a.len != b.len || memcmp(a.p, b.p, a.len) != 0) {
		fprintf(stderr, "second write:\n%.*s\n", (int)b.len, b.p);
		fail("a state written, read and written again differs", a.p,
		     a.len);
	}
	bl_free(h2);
	kmap_free(k2);
	buf_free(&a);
	buf_free(&b);
	buf_free(&cfg);
}

static void
check_result(const struct bl_result *r)
{
	if (r->n < 0 || (r->order != BL_NEW && r->order != BL_REVISION &&
	                 r->order != BL_OLD))
		fail("bl_step gives a strange result", NULL, 0);
	if (r->has_z && isnan(r->z))
		fail("bl_step gives a z of NaN", NULL, 0);
}

static void
compare_state(uint8_t sel, const char *text, size_t n)
{
	struct bl_spec sp;
	struct bl_hist *h;
	struct kmap *keys;
	struct bl_result r;
	buf_t config = BUF_INIT;
	char err[256];
	size_t k, i;

	for (k = 0; k < NHISTS && hists[k].sel != (char)sel; k++)
		;
	if (k == NHISTS)
		k = sel % NHISTS;
	if (tz_set(hists[k].zone) < 0 ||
	    bl_parse(hists[k].spec, &sp, err, sizeof err) < 0)
		abort();
	sp.stat = hists[k].median ? BL_MEDIAN : BL_MEAN;

	if (read_state(&sp, text, n, &h, &keys, &config) < 0) {
		buf_free(&config);
		return;
	}
	round_trip(&sp, h, keys, config.p);

	/* New values for every group: far in the past, at the epoch, in
	 * 2026 (hour by hour), a repeat, and a null. */
	static const int64_t starts[] = {-86400000LL * 400, 0,
	                                 1780000000000LL,   1780003600000LL,
	                                 1780003600000LL,   1780007200000LL,
	                                 1780617600000LL};
	size_t ng = kmap_len(keys);
	for (i = 0; i < ng; i++) {
		for (size_t s = 0; s < sizeof starts / sizeof starts[0]; s++) {
			double v = (double)(s * 7 % 5);
			bl_step(h, (uint32_t)i, starts[s], s == 3 ? NULL : &v,
			        &r);
			check_result(&r);
		}
	}
	round_trip(&sp, h, keys, config.p);
	bl_free(h);
	kmap_free(keys);
	buf_free(&config);
}

/* ---- tingle-alert ---------------------------------------------------- */

static const char *const series[] = {
    "{\"segment\":\"Sun\",\"window_start\":\"2026-06-01T00:00:00Z\","
    "\"window_end\":\"2026-06-02T00:00:00Z\",\"count\":90,"
    "\"expected\":900,\"ratio\":0.1}",
    "{\"segment\":\"Sun\",\"host\":\"mx1\","
    "\"window_start\":\"2026-06-02T00:00:00Z\","
    "\"window_end\":\"2026-06-03T00:00:00Z\",\"count\":900,"
    "\"expected\":900,\"ratio\":1,\"z\":-4}",
    "{\"segment\":\"Mon\",\"window_start\":\"2026-06-03T00:00:00Z\","
    "\"window_end\":\"2026-06-04T00:00:00Z\",\"count\":0,"
    "\"expected\":900,\"ratio\":0}",
    "{\"segment\":\"Sun\",\"ts\":\"2026-06-05T00:00:00Z\",\"count\":120}",
};

#define NSERIES (sizeof series / sizeof series[0])

static void
on_alert(void *ctx, const struct alert_event *ev)
{
	size_t col;
	const char *msg;
	jobj_t o = {NULL, 0, 0};

	(void)ctx;
	if (jscan_object(ev->rec, ev->len, &o, &col, &msg) < 0)
		fail("an alert record is not a JSON object", ev->rec, ev->len);
	jobj_free(&o);
}

/* A ruleset with the rules the state files are for. */
static ruleset_t *
ruleset(void)
{
	static char *seg[] = {"segment"}, *seghost[] = {"segment", "host"};
	struct rule_defaults d;
	ruleset_t *rs = rules_new(on_alert, NULL);

	memset(&d, 0, sizeof d);
	rules_add_arg(rs, "low: ratio < 0.2", &d);
	d.key = seg;
	d.nkey = 1;
	d.has_key = 1;
	d.for_n = 2;
	d.cooldown_ms = 86400000;
	rules_add_arg(rs, "high: count > 100", &d);
	d.key = seghost;
	d.nkey = 2;
	d.for_n = 0;
	d.keep_n = 1;
	d.cooldown_ms = 0;
	rules_add_arg(rs, "drop: z < -3 || ratio == 0", &d);
	return rs;
}

static void
alert_state(const char *text, size_t n)
{
	struct job j;
	ruleset_t *rs, *rs2;
	rec_t r;
	char *a, *b;
	int code;

	if (tz_set("UTC") < 0)
		abort();
	write_file(state_path, text, n);
	unlink(state2_path);
	trap_begin();
	rs = ruleset();
	j.rs = rs;
	j.path = state_path;
	if ((code = trap_run(load_state, &j)) >= 0) {
		if (code != 65)
			fail("a state file is refused with an unexpected "
			     "status",
			     NULL, 0);
		trap_end(1);
		return;
	}
	memset(&r, 0, sizeof r);
	for (size_t i = 0; i < NSERIES; i++) {
		if (rec_scan(&r, series[i], strlen(series[i]), NULL, NULL) < 0)
			abort();
		rules_eval(rs, &r, "series", i + 1);
	}
	rec_free(&r);
	if (alert_state_save(rs, state_path) < 0)
		fail("the state cannot be saved", NULL, 0);
	rs2 = ruleset();
	j.rs = rs2;
	if (trap_run(load_state, &j) >= 0)
		fail("a saved state does not load", NULL, 0);
	if (alert_state_save(rs2, state2_path) < 0)
		fail("the loaded state cannot be saved", NULL, 0);
	a = canonical_state(state_path, fail);
	b = canonical_state(state2_path, fail);
	if (strcmp(a, b) != 0) {
		fprintf(stderr, "saved:\n%s\nloaded and saved:\n%s\n", a, b);
		fail("a state saved, loaded and saved again differs", NULL, 0);
	}
	free(a);
	free(b);
	rules_free(rs);
	rules_free(rs2);
	if (trap_end(0) != 0)
		fail("a ruleset with loaded state leaks memory", NULL, 0);
}

static void
cleanup(void)
{
	unlink(state_path);
	unlink(state2_path);
	rmdir(dir);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (dir[0] == '\0') {
		util_progname = "fuzz_state";
		strcpy(dir, "/dev/shm/fuzz_state.XXXXXX");
		if (mkdtemp(dir) == NULL) {
			strcpy(dir, "/tmp/fuzz_state.XXXXXX");
			if (mkdtemp(dir) == NULL)
				abort();
		}
		snprintf(state_path, sizeof state_path, "%s/state", dir);
		snprintf(state2_path, sizeof state2_path, "%s/state2", dir);
		atexit(cleanup);
	}
	if (size == 0)
		return 0;
	input = data;
	input_len = size;
	if (data[0] == 'a')
		alert_state((const char *)data + 1, size - 1);
	else
		compare_state(data[0], (const char *)data + 1, size - 1);
	return 0;
}
