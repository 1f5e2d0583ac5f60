/*
 * test_alert_state.c - tingle-alert's state file (lib/alert_state.c):
 * what a run saves reads back as the same state, byte for byte; a rule
 * that is gone or changed loses its state; the window read last per group
 * is kept; a file that is not a state file stops the run with exit 65,
 * saying what is wrong.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "scratch.h"

#include "alert_state.h"
#include "json.h"
#include "rio.h"
#include "rule.h"
#include "util.h"

static buf_t alerts; /* "STATE SEGMENT:DAY" per alert, SEGMENT as written */

static void
on_alert(void *ctx, const struct alert_event *ev)
{
	const char *seg = strstr(ev->rec, "\"segment\":");
	const char *we = strstr(ev->rec, "\"window_end\":\"2026-06-");

	(void)ctx;
	assert_non_null(seg);
	assert_non_null(we);
	seg += 10;
	if (alerts.len > 0)
		buf_addc(&alerts, ' ');
	buf_printf(&alerts, "%s %.*s:%.2s", ev->state, (int)strcspn(seg, ","),
	           seg, we + 22);
}

/* A path in the scratch directory (static: one at a time). */
/* A ruleset with "low: ratio < 0.2" (cooldown ms) and "high: ratio > 5"
 * keyed by segment. */
static ruleset_t *
rules(int64_t cooldown_ms, const char *low)
{
	struct rule_defaults d = {.severity = "warning"};
	char *key[] = {"segment"};
	ruleset_t *rs = rules_new(on_alert, NULL);

	d.cooldown_ms = cooldown_ms;
	rules_add_arg(rs, low != NULL ? low : "low: ratio < 0.2", &d);
	d.cooldown_ms = 0;
	d.key = key;
	d.nkey = 1;
	d.has_key = 1;
	rules_add_arg(rs, "high: ratio > 5", &d);
	return rs;
}

/* The window of June day d for segment seg with ratio. */
static void
feed(ruleset_t *rs, const char *seg, int d, const char *ratio)
{
	char line[512];
	rec_t r;
	size_t col;
	const char *msg;
	const jfield_t *tv;

	snprintf(line, sizeof line,
	         "{\"segment\":%s,\"window_start\":\"2026-06-%02dT00:00:00Z\","
	         "\"window_end\":\"2026-06-%02dT00:00:00Z\",\"ratio\":%s}",
	         seg, d, d + 1, ratio);
	memset(&r, 0, sizeof r);
	assert_int_equal(rec_scan(&r, line, strlen(line), &col, &msg), 0);
	assert_int_equal(rules_check_time(rs, &r, &msg, &tv), 0);
	rules_eval(rs, &r, "in", (unsigned long)d);
	rec_free(&r);
}

/* The state of rs as text, in b. */
static const char *
format(ruleset_t *rs, buf_t *b)
{
	buf_reset(b);
	alert_state_format(rs, b);
	return b->p;
}

/* Groups in every state (pending, firing within and after a cooldown,
 * resolved, inactive), keys that are numbers and escaped strings: saved,
 * loaded by a new ruleset and formatted again, the text is the same. */
static void
test_round_trip(void **state)
{
	buf_t a = BUF_INIT, b = BUF_INIT;
	ruleset_t *rs = rules(3LL * 86400 * 1000, NULL), *rs2;

	(void)state;
	buf_reset(&alerts);
	feed(rs, "\"Sun\"", 1, "0.1"); /* low fires */
	feed(rs, "\"Sun\"", 2, "0.9"); /* and resolves */
	feed(rs, "\"Sun\"", 3, "0.1"); /* fires quietly: cooldown */
	feed(rs, "\"Mon\"", 1, "0.9"); /* inactive */
	feed(rs, "\"Mon\"", 2, "9");   /* high fires */
	feed(rs, "1.50", 2, "0.1");    /* number key */
	feed(rs, "\"T\\u0075e\"", 2, "0.1");
	feed(rs, "\"Wed\"", 4, "0.1"); /* low fires */
	feed(rs, "\"Wed\"", 5, "0.9"); /* and resolves */
	assert_string_equal(alerts.p,
	                    "firing \"Sun\":02 resolved \"Sun\":03 "
	                    "firing \"Mon\":03 firing 1.50:03 "
	                    "firing \"T\\u0075e\":03 firing \"Wed\":05 "
	                    "resolved \"Wed\":06");
	assert_int_equal(alert_state_save(rs, scratch_file("s.json")), 0);
	format(rs, &a);
	assert_non_null(strstr(a.p, "\"quiet\":true"));
	assert_non_null(strstr(a.p, "\"key\":{\"segment\":1.50}"));
	assert_non_null(strstr(a.p, "\"seen\":["));

	rs2 = rules(3LL * 86400 * 1000, NULL);
	alert_state_load(rs2, scratch_file("s.json"));
	assert_string_equal(format(rs2, &b), a.p);
	/* The state goes on where it was: Sun (quiet) is announced once
	 * the cooldown has passed; a window read before is not read. */
	buf_reset(&alerts);
	feed(rs2, "\"Sun\"", 3, "0.1");
	feed(rs2, "1.5", 2, "0.9");
	assert_int_equal(alerts.len, 0);
	feed(rs2, "\"Sun\"", 4, "0.1");
	feed(rs2, "1.5e0", 3, "0.9");
	assert_string_equal(alerts.p, "firing \"Sun\":05 resolved 1.50:04");
	rules_free(rs);
	rules_free(rs2);
	buf_free(&a);
	buf_free(&b);
}

/* A rule that is gone, or whose condition changed, starts afresh; the
 * others keep their state. */
static void
test_changed_rules_start_afresh(void **state)
{
	buf_t a = BUF_INIT;
	ruleset_t *rs = rules(0, NULL), *rs2;

	(void)state;
	feed(rs, "\"Sun\"", 1, "0.1");
	feed(rs, "\"Mon\"", 1, "9");
	assert_int_equal(alert_state_save(rs, scratch_file("c.json")), 0);
	rules_free(rs);

	buf_reset(&alerts);
	rs2 = rules(0, "low: ratio < 0.3");
	alert_state_load(rs2, scratch_file("c.json"));
	format(rs2, &a);
	assert_null(strstr(a.p, "\"Sun\"},\"state\""));
	assert_non_null(strstr(a.p, "{\"key\":{\"segment\":\"Mon\"},"
	                            "\"state\":\"firing\""));
	feed(rs2, "\"Sun\"", 2, "0.1"); /* low again: fires anew */
	feed(rs2, "\"Mon\"", 2, "9");   /* high: fires on */
	assert_string_equal(alerts.p, "firing \"Sun\":03");
	rules_free(rs2);
	buf_free(&a);
}

/* Load file into a ruleset in a child; its exit status, and what it
 * wrote on standard error in the file "err". */
static int
load_status(const char *file)
{
	pid_t pid;
	int st;
	char err[4200];

	snprintf(err, sizeof err, "%s", scratch_file("err"));
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (freopen(err, "w", stderr) == NULL)
			_exit(99);
		ruleset_t *rs = rules(0, NULL);
		alert_state_load(rs, scratch_file(file));
		rules_free(rs);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* 1 if the file "err" holds s. */
static int
err_has(const char *s)
{
	char text[4096];
	FILE *fp = fopen(scratch_file("err"), "r");
	size_t n;

	assert_non_null(fp);
	n = fread(text, 1, sizeof text - 1, fp);
	fclose(fp);
	text[n] = '\0';
	return strstr(text, s) != NULL;
}

#define LOW                                                                    \
	"{\"version\":1,\"rules\":[{\"name\":\"low\",\"when\":"                \
	"\"ratio < 0.2\",\"key\":null,\"groups\":"

static void
test_invalid_files(void **state)
{
	static const char *const bad[][2] = {
	    {"", "unexpected end of file"},
	    {"[]", "expected {\"version\":1,\"rules\":[...]}"},
	    {"{\"version\":2,\"rules\":[]}", "expected {\"version\":1,"},
	    {"{\"version\":1,\"rules\":[{\"name\":\"low\"}]}",
	     "a rule needs 'name', 'when' and 'groups'"},
	    {LOW "[{\"key\":{},\"state\":\"on\"}]}]}", "unknown state 'on'"},
	    {LOW "[{\"key\":{},\"state\":\"firing\"},"
	         "{\"key\":{},\"state\":\"pending\"}]}]}",
	     "group {} of rule 'low' appears twice"},
	    {LOW "[{\"key\":{},\"state\":\"firing\",\"hold\":-1}]}]}",
	     "'hold' is not a count"},
	    {LOW "[{\"key\":{},\"state\":\"firing\",\"since\":\"soon\"}]}]}",
	     "'since' is not a time"},
	    {"{\"version\":1,\"rules\":[],\"seen\":{}}",
	     "'seen' is not an array"},
	    {"{\"version\":1,\"rules\":[],\"seen\":[{\"key\":null,"
	     "\"groups\":[{\"key\":{}}]}]}",
	     "a 'seen' group needs 'key' and 'window_end'"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		scratch_put("bad.json", bad[i][0]);
		assert_int_equal(load_status("bad.json"), 65);
		assert_true(err_has("bad.json"));
		assert_true(err_has(bad[i][1]));
		assert_true(err_has("(remove it to start afresh)"));
	}
	/* No file: the first run. */
	assert_int_equal(load_status("none.json"), 0);
	/* A directory cannot be read. */
	assert_int_equal(load_status(""), 66);
	scratch_put("ok.json", "{\"version\":1,\"rules\":[]}");
	assert_int_equal(load_status("ok.json"), 0);
}

static int
teardown(void **state)
{
	buf_free(&alerts);
	return scratch_teardown(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_changed_rules_start_afresh),
	    cmocka_unit_test(test_invalid_files),
	};
	rio_init("test_alert_state", 0, NULL);
	return cmocka_run_group_tests(tests, scratch_setup, teardown);
}
