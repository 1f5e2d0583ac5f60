/*
 * fuzz_rules.c - fuzz test of tingle-alert rules files, the alerts they
 * make and the state they save.
 *
 * The input is a rules file, then optionally a NUL byte and NDJSON
 * records (no JSON text holds a raw NUL).  The rules file is loaded with
 * rules_add_file() under trap_run(): one it refuses ends in util_die() with
 * exit status 64, and whatever was allocated is freed.  A ruleset that
 * loads then evaluates the input's records and a fixed series of count
 * records over six daily windows.  Every alert record must be one valid
 * JSON object with no key twice, naming the rule and a state of firing
 * or resolved.  The state is then saved, loaded into a new ruleset with
 * the same rules (which must succeed), and saved again: both saves must
 * hold the same groups.  Everything must be freed at the end.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <jansson.h>

#include "alert_state.h"
#include "json.h"
#include "rule.h"
#include "ttime.h"
#include "rulestate.h"
#include "trap.h"
#include "util.h"

static const uint8_t *input;
static size_t input_len;

static void
fail(const char *what, const char *detail, size_t n)
{
	fprintf(stderr, "fuzz_rules: %s\n", what);
	if (detail != NULL) {
		fputs("at: ", stderr);
		fwrite(detail, 1, n > 600 ? 600 : n, stderr);
		fputc('\n', stderr);
	}
	fprintf(stderr, "input (%zu bytes): ", input_len);
	fwrite(input, 1, input_len > 600 ? 600 : input_len, stderr);
	fputc('\n', stderr);
	abort();
}

/* Records every ruleset sees after the input's own. */
static const char *const series[] = {
    "{\"segment\":\"Sun\",\"window_start\":\"2026-06-01T00:00:00Z\","
    "\"window_end\":\"2026-06-02T00:00:00Z\",\"count\":90,"
    "\"expected\":900,\"ratio\":0.1}",
    "{\"segment\":\"Mon\",\"window_start\":\"2026-06-01T00:00:00Z\","
    "\"window_end\":\"2026-06-02T00:00:00Z\",\"count\":900,"
    "\"expected\":900,\"ratio\":1}",
    "{\"segment\":\"Sun\",\"window_start\":\"2026-06-02T00:00:00Z\","
    "\"window_end\":\"2026-06-03T00:00:00Z\",\"count\":80,"
    "\"expected\":900,\"ratio\":0.09,\"z\":-3.5}",
    "{\"segment\":\"Sun\",\"window_start\":\"2026-06-03T00:00:00Z\","
    "\"window_end\":\"2026-06-03T12:00:00Z\",\"count\":850,"
    "\"expected\":900,\"ratio\":0.94,\"ts\":\"2026-06-03T00:00:00Z\"}",
    "{\"segment\":\"Sun\",\"window_start\":1780704000000,"
    "\"window_end\":1780790400000,\"count\":10,\"expected\":0,"
    "\"ratio\":null,\"alert\":\"x\",\"state\":{\"a\":1}}",
    "{\"segment\":[\"Sun\"],\"host\":\"mx1\",\"ts\":\"2026-06-06T10:00:00Z\","
    "\"count\":3,\"ratio\":0.01,\"expected\":300}",
    "{\"segment\":\"Sun\",\"window_start\":\"2026-06-06T00:00:00Z\","
    "\"window_end\":\"2026-06-07T00:00:00Z\",\"count\":0,"
    "\"expected\":900,\"ratio\":0}",
};

#define NSERIES (sizeof series / sizeof series[0])

static char dir[64], rules_path[96], state_path[96], state2_path[96];

static void
on_alert(void *ctx, const struct alert_event *ev)
{
	jobj_t o = {NULL, 0, 0};
	size_t col;
	const char *msg;
	json_error_t err;
	json_t *j;
	const jfield_t *f;

	(void)ctx;
	if (jscan_object(ev->rec, ev->len, &o, &col, &msg) < 0)
		fail("an alert record is not a JSON object", ev->rec, ev->len);
	j = json_loadb(ev->rec, ev->len, JSON_REJECT_DUPLICATES, &err);
	if (j == NULL && json_error_code(&err) == json_error_duplicate_key)
		fail("an alert record has a key twice", ev->rec, ev->len);
	json_decref(j);
	if (strcmp(ev->state, "firing") != 0 &&
	    strcmp(ev->state, "resolved") != 0)
		fail("an alert in an unknown state", ev->state,
		     strlen(ev->state));
	f = jobj_get(&o, "state", 5);
	if (f == NULL || f->vlen != strlen(ev->state) + 2 ||
	    memcmp(f->v + 1, ev->state, f->vlen - 2) != 0)
		fail("an alert record's state is not the alert's", ev->rec,
		     ev->len);
	if (jobj_get(&o, "alert", 5) == NULL ||
	    jobj_get(&o, "message", 7) == NULL ||
	    jobj_get(&o, "severity", 8) == NULL)
		fail("an alert record lacks alert, severity or message",
		     ev->rec, ev->len);
	if (ev->label == NULL ||
	    strncmp(ev->label, ev->rule, strlen(ev->rule)) != 0)
		fail("an alert's label does not start with its rule", ev->label,
		     ev->label ? strlen(ev->label) : 0);
	jobj_free(&o);
}

static void
add_file(void *arg)
{
	struct job *j = arg;
	struct rule_defaults d;

	memset(&d, 0, sizeof d);
	rules_add_file(j->rs, j->path, &d);
}

/* Evaluate the records of text[0..n), one a line, then the series. */
static void
evaluate(ruleset_t *rs, const char *text, size_t n)
{
	rec_t r;
	unsigned long line = 0;

	memset(&r, 0, sizeof r);
	while (n > 0) {
		const char *nl = memchr(text, '\n', n);
		size_t len = nl ? (size_t)(nl - text) : n;

		line++;
		if (rec_scan(&r, text, len, NULL, NULL) == 0)
			rules_eval(rs, &r, "fuzz", line);
		if (nl == NULL)
			break;
		n -= len + 1;
		text = nl + 1;
	}
	for (size_t i = 0; i < NSERIES; i++) {
		if (rec_scan(&r, series[i], strlen(series[i]), NULL, NULL) < 0)
			abort();
		rules_eval(rs, &r, "series", i + 1);
	}
	rec_free(&r);
}

static void
cleanup(void)
{
	unlink(rules_path);
	unlink(state_path);
	unlink(state2_path);
	rmdir(dir);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nul;
	size_t rlen;
	struct job j;
	ruleset_t *rs, *rs2;
	int code;
	char *a, *b;

	if (dir[0] == '\0') {
		util_progname = "fuzz_rules";
		if (tz_set("UTC") < 0)
			abort();
		strcpy(dir, "/dev/shm/fuzz_rules.XXXXXX");
		if (mkdtemp(dir) == NULL) {
			strcpy(dir, "/tmp/fuzz_rules.XXXXXX");
			if (mkdtemp(dir) == NULL)
				abort();
		}
		snprintf(rules_path, sizeof rules_path, "%s/rules.json", dir);
		snprintf(state_path, sizeof state_path, "%s/state", dir);
		snprintf(state2_path, sizeof state2_path, "%s/state2", dir);
		atexit(cleanup);
	}
	input = data;
	input_len = size;
	nul = memchr(data, '\0', size);
	rlen = nul ? (size_t)(nul - (const char *)data) : size;
	write_file(rules_path, (const char *)data, rlen);
	unlink(state_path);
	unlink(state2_path);

	trap_begin();
	rs = rules_new(on_alert, NULL);
	j.rs = rs;
	j.path = rules_path;
	code = trap_run(add_file, &j);
	if (code >= 0) {
		if (code != 64)
			fail(
			    "a rules file is refused with an unexpected status",
			    NULL, 0);
		trap_end(1);
		return 0;
	}
	if (rules_count(rs) == 0)
		fail("a rules file loads without rules", NULL, 0);
	if (nul != NULL)
		evaluate(rs, nul + 1, size - rlen - 1);
	else
		evaluate(rs, NULL, 0);
	if (alert_state_save(rs, state_path) < 0)
		fail("the state cannot be saved", NULL, 0);

	/* The same rules take the state back and save it alike. */
	rs2 = rules_new(on_alert, NULL);
	j.rs = rs2;
	if ((code = trap_run(add_file, &j)) >= 0)
		fail("a rules file loads only once", NULL, 0);
	j.path = state_path;
	if ((code = trap_run(load_state, &j)) >= 0)
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
		fail("a ruleset leaks memory", NULL, 0);
	return 0;
}
