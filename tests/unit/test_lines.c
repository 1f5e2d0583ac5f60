/*
 * test_lines.c - log lines as records (lib/lines.c): a format, -e
 * patterns after it, --msg-regex, continuation lines joined to the held
 * record, and the reasons for bad lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lines.h"
#include "parsed.h"

/* What the callbacks saw, one line each. */
static buf_t seen;
static int fail_finish; /* finish() refuses records */

static int
on_finish(void *arg, fields_t *fs, buf_t *why)
{
	(void)arg, (void)fs;
	if (!fail_finish)
		return 0;
	buf_reset(why);
	buf_adds(why, "no time");
	return -1;
}

static void
on_write(void *arg, const fields_t *fs)
{
	(void)arg;
	fields_write(fs, &seen);
	buf_addc(&seen, '\n');
}

static const struct lines_ops ops = {on_finish, on_write, seen_reject};

static void
step(struct lines *l, unsigned long num, const char *s)
{
	lines_step(l, "f", num, s, strlen(s), s, strlen(s));
}

static void
continuation_lines_join_the_held_record(void **state)
{
	struct pat_set none = PAT_SET_INIT;
	struct lines l;

	(void)state;
	buf_reset(&seen);
	lines_init(&l, "syslog", fmt_syslog, &none, &none, 1 << 20, &ops,
	           &seen);
	l.ctx.now_sec = 1781524800;
	step(&l, 1, "\tlost");
	step(&l, 2, "Jun 15 11:00:00 h app[1]: first");
	assert_true(lines_held(&l));
	assert_int_equal(seen.len, strlen(seen.p));
	step(&l, 3, "\tsecond");
	step(&l, 4, "\tthird");
	step(&l, 5, "Jun 15 11:00:01 h app[1]: next");
	lines_pause(&l);
	assert_false(lines_held(&l));
	step(&l, 6, "\tlate");
	lines_flush(&l);
	assert_string_equal(
	    seen.p,
	    "bad f:1: continuation line with no record before it [\tlost]\n"
	    "{\"ts\":\"2026-06-15T11:00:00Z\",\"host\":\"h\",\"program\":"
	    "\"app\",\"pid\":1,\"msg\":\"first\\n\\tsecond\\n\\tthird\"}\n"
	    "{\"ts\":\"2026-06-15T11:00:01Z\",\"host\":\"h\",\"program\":"
	    "\"app\",\"pid\":1,\"msg\":\"next\"}\n"
	    "bad f:6: continuation line more than --hold after its "
	    "record, which was already written [\tlate]\n");
	lines_free(&l);
}

static void
patterns_after_the_format(void **state)
{
	struct pat_set pats = PAT_SET_INIT, mpats = PAT_SET_INIT;
	buf_t err = BUF_INIT;
	struct lines l;

	(void)state;
	buf_reset(&seen);
	pat_add(&pats, "^(?<word>[=\\w]+)$");
	pat_add(&mpats, "user=(?<user>\\w+)");
	assert_int_equal(pat_compile(&pats, &err), 0);
	assert_int_equal(pat_compile(&mpats, &err), 0);
	lines_init(&l, "logfmt", fmt_logfmt, &pats, &mpats, 1 << 20, &ops,
	           &seen);
	step(&l, 1, "msg=\"login user=bob\" a=1");
	step(&l, 2, "=hello");
	step(&l, 3, "=two words");
	fail_finish = 1;
	step(&l, 4, "a=1");
	fail_finish = 0;
	lines_flush(&l);
	assert_string_equal(
	    seen.p,
	    "{\"msg\":\"login user=bob\",\"a\":\"1\",\"user\":\"bob\"}\n"
	    "{\"word\":\"=hello\"}\n"
	    "bad f:3: not a logfmt line: empty key at column 1, "
	    "and no -e pattern matches [=two words]\n"
	    "bad f:4: no time [a=1]\n");
	lines_free(&l);
	/* -e alone: written at once */
	buf_reset(&seen);
	lines_init(&l, NULL, NULL, &pats, &mpats, 1 << 20, &ops, &seen);
	step(&l, 1, "one");
	assert_false(lines_held(&l));
	step(&l, 2, "one two");
	assert_string_equal(seen.p,
	                    "{\"word\":\"one\"}\n"
	                    "bad f:2: no -e pattern matches [one two]\n");
	lines_free(&l);
	pat_free(&pats);
	pat_free(&mpats);
	buf_free(&err);
	buf_free(&seen);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(continuation_lines_join_the_held_record),
	    cmocka_unit_test(patterns_after_the_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
