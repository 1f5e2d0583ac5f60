/*
 * test_hook.c - unit tests for lib/hook.c: splitting a command line
 * without expansion, and running hooks with input, environment, failure,
 * time limit and concurrency cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "hook.h"

/* The words of s joined with '|', or "ERR: message". */
static const char *
split(const char *s)
{
	static buf_t out;
	buf_t err = BUF_INIT;
	char **w = hook_split(s, &err);

	buf_reset(&out);
	buf_add(&out, "", 0);
	if (w == NULL) {
		buf_printf(&out, "ERR: %s", err.p);
	} else {
		for (size_t i = 0; w[i] != NULL; i++)
			buf_printf(&out, "%s%s", i ? "|" : "", w[i]);
		hook_words_free(w);
	}
	buf_free(&err);
	return out.p;
}

static void
split_on_blanks(void **state)
{
	(void)state;
	assert_string_equal(split("mail -s alert ops"), "mail|-s|alert|ops");
	assert_string_equal(split("  a\t b \n c  "), "a|b|c");
}

static void
split_honours_quotes_and_backslashes(void **state)
{
	(void)state;
	assert_string_equal(split("a 'b c' \"d e\" f\\ g"), "a|b c|d e|f g");
	assert_string_equal(split("'it'\\''s'"), "it's");
	assert_string_equal(split("\"a \\\"q\\\" \\$x \\n\""),
	                    "a \"q\" $x \\n");
	assert_string_equal(split("x''y \"\""), "xy|");
}

static void
split_never_expands(void **state)
{
	(void)state;
	assert_string_equal(split("echo $HOME ~ * $(id) `id`"),
	                    "echo|$HOME|~|*|$(id)|`id`");
	assert_string_equal(split("a;b|c&&d"), "a;b|c&&d");
}

static void
split_refuses_bad_lines(void **state)
{
	(void)state;
	assert_string_equal(split(""), "ERR: empty command");
	assert_string_equal(split("   "), "ERR: empty command");
	assert_string_equal(split("a 'b"), "ERR: unterminated ' quote");
	assert_string_equal(split("a \"b"), "ERR: unterminated \" quote");
}

static void
open_refuses_unknown_commands(void **state)
{
	buf_t err = BUF_INIT;

	(void)state;
	assert_null(hook_open("no-such-command-here x", 1000, 1, NULL, &err));
	assert_string_equal(err.p, "command 'no-such-command-here' not found "
	                           "or not executable");
	buf_reset(&err);
	assert_null(hook_open("/nonexistent/hook", 1000, 1, NULL, &err));
	buf_reset(&err);
	assert_null(hook_open("/tmp", 1000, 1, NULL, &err));
	buf_free(&err);
	hook_close(NULL);
}

/* Contents of a file, up to 4 KiB. */
static const char *
slurp(const char *path)
{
	static char b[4096];
	FILE *fp = fopen(path, "r");
	size_t n = 0;

	if (fp != NULL) {
		n = fread(b, 1, sizeof b - 1, fp);
		fclose(fp);
	}
	b[n] = '\0';
	return b;
}

static void
run_passes_input_and_environment(void **state)
{
	buf_t err = BUF_INIT;
	char *env[] = {"TINGLE_ALERT=low $(touch pwned)", "TINGLE_X=1", NULL};
	(void)state;
	/* Ours under the prefix stay behind; others pass. */
	setenv("TINGLE_STALE", "from the parent", 1);
	setenv("HOOK_TEST_OTHER", "kept", 1);
	hookset_t *h = hook_open(
	    "sh -c 'cat >hook.out; printf \"%s|%s|%s|%s\" \"$TINGLE_ALERT\" "
	    "\"$TINGLE_X\" \"${TINGLE_STALE-unset}\" \"$HOOK_TEST_OTHER\" "
	    ">hook.env'",
	    5000, 2, "TINGLE_", &err);
	assert_non_null(h);
	hook_run(h, "{\"a\":1}\n", 8, env, "test");
	hook_wait(h);
	assert_int_equal(hook_running(h), 0);
	assert_int_equal(hook_failures(h), 0);
	assert_string_equal(slurp("hook.out"), "{\"a\":1}\n");
	assert_string_equal(slurp("hook.env"),
	                    "low $(touch pwned)|1|unset|kept");
	assert_int_not_equal(access("pwned", F_OK), 0);
	hook_close(h);
	unlink("hook.out");
	unlink("hook.env");
}

static void
failures_are_counted(void **state)
{
	buf_t err = BUF_INIT;
	char *env[] = {NULL};

	(void)state;
	hookset_t *h = hook_open("sh -c 'exit 3'", 5000, 1, NULL, &err);
	assert_non_null(h);
	hook_run(h, "x\n", 2, env, "test");
	hook_run(h, "x\n", 2, env, "test");
	hook_wait(h);
	assert_int_equal(hook_failures(h), 2);
	hook_close(h);
}

static void
a_hook_that_ignores_its_input_is_no_failure(void **state)
{
	buf_t err = BUF_INIT;
	char *env[] = {NULL};
	static char big[1 << 20];

	(void)state;
	memset(big, 'x', sizeof big);
	hookset_t *h = hook_open("true", 5000, 1, NULL, &err);
	assert_non_null(h);
	hook_run(h, big, sizeof big, env, "test");
	hook_wait(h);
	assert_int_equal(hook_failures(h), 0);
	hook_close(h);
}

static void
time_limit_stops_the_whole_group(void **state)
{
	buf_t err = BUF_INIT;
	char *env[] = {NULL};
	struct timespec a, b;

	(void)state;
	/* The shell's child sleep must die too, or it would hold on. */
	hookset_t *h = hook_open("sh -c 'sleep 30; :'", 300, 4, NULL, &err);
	assert_non_null(h);
	clock_gettime(CLOCK_MONOTONIC, &a);
	hook_run(h, "x\n", 2, env, "test");
	hook_run(h, "x\n", 2, env, "test");
	assert_int_equal(hook_running(h), 2);
	hook_wait(h);
	clock_gettime(CLOCK_MONOTONIC, &b);
	assert_int_equal(hook_failures(h), 2);
	assert_true(b.tv_sec - a.tv_sec < 10);
	hook_close(h);
}

static void
jobs_cap_concurrency(void **state)
{
	buf_t err = BUF_INIT;
	char *env[] = {NULL};

	(void)state;
	hookset_t *h = hook_open("sh -c 'sleep 0.2'", 5000, 2, NULL, &err);
	assert_non_null(h);
	for (int i = 0; i < 5; i++) {
		hook_run(h, "", 0, env, "test");
		assert_true(hook_running(h) <= 2);
	}
	hook_close(h);
}

/* hook_env for rec, "NAME=value" joined with '|' (NUL-free values). */
static const char *
env_of(const char *rec)
{
	static buf_t out;
	buf_t err = BUF_INIT;
	hookset_t *h = hook_open("true", 1000, 1, "TINGLE_", &err);
	char **env = hook_env(h, rec, strlen(rec), "r firing");

	buf_reset(&out);
	buf_add(&out, "", 0);
	for (size_t i = 0; env[i] != NULL; i++)
		buf_printf(&out, "%s%s", i ? "|" : "", env[i]);
	hook_env_free(env);
	hook_close(h);
	buf_free(&err);
	return out.p;
}

static void
env_names_values_and_order(void **state)
{
	(void)state;
	/* The alert's own fields first, then the others in record order. */
	assert_string_equal(
	    env_of("{\"seg\":\"a\\u00e9\",\"alert\":\"r\",\"n\":1.50,"
	           "\"o\":{\"x\":[1]},\"message\":\"m\"}"),
	    "TINGLE_ALERT=r|TINGLE_MESSAGE=m|TINGLE_SEG=a\xc3\xa9|"
	    "TINGLE_N=1.50|TINGLE_O={\"x\":[1]}");
}

static void
env_first_of_two_names_wins(void **state)
{
	(void)state;
	assert_string_equal(
	    env_of("{\"a-b\":\"1\",\"a_b\":\"2\",\"A.B\":\"3\"}"),
	    "TINGLE_A_B=1");
}

static void
env_nul_is_replacement_character(void **state)
{
	(void)state;
	assert_string_equal(env_of("{\"k\":\"x\\u0000y\"}"),
	                    "TINGLE_K=x\xef\xbf\xbdy");
}

static void
env_long_value_is_cut_at_a_character(void **state)
{
	buf_t rec = BUF_INIT;

	(void)state;
	buf_adds(&rec, "{\"k\":\"a");
	for (int i = 0; i < 5000; i++)
		buf_adds(&rec, "\xc3\xa9"); /* 10,001 bytes in all */
	buf_adds(&rec, "\"}");
	const char *e = env_of(rec.p);
	/* 8192 bytes would end inside a character: 8191 are kept. */
	assert_int_equal(strlen(e), strlen("TINGLE_K=") + 8191 + 5);
	assert_string_equal(e + strlen(e) - 6, "\xa9[...]");
	buf_free(&rec);
}

static void
label_is_bounded_and_clean(void **state)
{
	buf_t b = BUF_INIT, l = BUF_INIT;

	(void)state;
	hook_label("r firing (k=a\x1b[31mb)", &b);
	assert_string_equal(b.p, "r firing (k=a?[31mb)");
	for (int i = 0; i < 300; i++)
		buf_addc(&l, 'x');
	buf_reset(&b);
	hook_label(l.p, &b);
	assert_int_equal(b.len, HOOK_LABEL_MAX + 3);
	buf_free(&b);
	buf_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(split_on_blanks),
	    cmocka_unit_test(split_honours_quotes_and_backslashes),
	    cmocka_unit_test(split_never_expands),
	    cmocka_unit_test(split_refuses_bad_lines),
	    cmocka_unit_test(open_refuses_unknown_commands),
	    cmocka_unit_test(run_passes_input_and_environment),
	    cmocka_unit_test(failures_are_counted),
	    cmocka_unit_test(a_hook_that_ignores_its_input_is_no_failure),
	    cmocka_unit_test(time_limit_stops_the_whole_group),
	    cmocka_unit_test(jobs_cap_concurrency),
	    cmocka_unit_test(env_names_values_and_order),
	    cmocka_unit_test(env_first_of_two_names_wins),
	    cmocka_unit_test(env_nul_is_replacement_character),
	    cmocka_unit_test(env_long_value_is_cut_at_a_character),
	    cmocka_unit_test(label_is_bounded_and_clean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
