/*
 * test_count.c - tingle-count's engine (lib/count.c): windows, zeros,
 * group identity, forgetting, late events, seeding, aggregates, and
 * partial records merged back into the answer of a single run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "count.h"
#include "json.h"
#include "rio.h"
#include "ttime.h"
#include "util.h"

/* A configuration of -w width and the -k fields in keys (space
 * separated, at most 4). */
static void
conf(struct count_conf *cf, int64_t width, const char *keys)
{
	static char kbuf[4][32];
	int n = 0;

	count_conf_init(cf);
	cf->width = width;
	cf->max_ahead = 0;
	for (const char *p = keys; p != NULL && *p != '\0' && n < 4; n++) {
		size_t len = strcspn(p, " ");
		memcpy(kbuf[n], p, len);
		kbuf[n][len] = '\0';
		assert_null(count_conf_key(cf, kbuf[n]));
		p += len;
		p += *p == ' ';
	}
}

static struct count *
engine(struct count_conf *cf)
{
	const char *err = NULL;
	struct count *cn = count_new(cf, &err);

	assert_non_null(cn);
	assert_null(err);
	return cn;
}

/* Feed the lines of text (newline separated) to cn; partial lines
 * (merge) when merge is set. */
static void
feed(struct count *cn, const char *text, int merge)
{
	char *copy = xstrdup(text), *p = copy;
	unsigned long num = 0;

	while (*p != '\0') {
		char *nl = strchr(p, '\n');
		line_t l;
		if (nl != NULL)
			*nl = '\0';
		l.p = p;
		l.n = strlen(p);
		l.file = "test";
		l.num = ++num;
		if (merge)
			count_merge_line(cn, &l);
		else
			count_line(cn, &l);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	free(copy);
}

/* What the engine has written so far, taken out of rio_out (the caller
 * frees it). */
static char *
output(void)
{
	char *s = xstrndup(rio_out.p ? rio_out.p : "", rio_out.len);

	buf_reset(&rio_out);
	return s;
}

/* The whole output of input (partial lines when merge is set) through
 * a fresh engine made from cf, which is freed. */
static char *
output_of(struct count_conf *cf, const char *input, int merge)
{
	struct count *cn = engine(cf);
	char *got;

	feed(cn, input, merge);
	count_finish(cn);
	got = output();
	count_free(cn);
	count_conf_free(cf);
	return got;
}

/* Run input through a fresh engine made from cf and compare the whole
 * output to want. */
static void
run(struct count_conf *cf, const char *input, const char *want)
{
	char *got = output_of(cf, input, 0);

	assert_string_equal(got, want);
	free(got);
}

static int
setup(void **state)
{
	(void)state;
	return tz_set("UTC");
}

static void
test_tumbling_windows_write_zeros(void **state)
{
	struct count_conf cf;

	(void)state;
	conf(&cf, 60000, "k");
	run(&cf,
	    "{\"ts\":\"2026-03-01T10:00:01Z\",\"k\":\"a\"}\n"
	    "{\"ts\":\"2026-03-01T10:00:02Z\",\"k\":\"b\"}\n"
	    "{\"ts\":\"2026-03-01T10:00:03Z\",\"k\":\"a\"}\n"
	    "{\"ts\":\"2026-03-01T10:01:05Z\",\"k\":\"a\"}\n",
	    "{\"k\":\"a\",\"window_start\":\"2026-03-01T10:00:00Z\",\"window_end\":\"2026-03-01T10:01:00Z\",\"count\":2}\n"
	    "{\"k\":\"b\",\"window_start\":\"2026-03-01T10:00:00Z\",\"window_end\":\"2026-03-01T10:01:00Z\",\"count\":1}\n"
	    "{\"k\":\"a\",\"window_start\":\"2026-03-01T10:01:00Z\",\"window_end\":\"2026-03-01T10:02:00Z\",\"count\":1}\n"
	    "{\"k\":\"b\",\"window_start\":\"2026-03-01T10:01:00Z\",\"window_end\":\"2026-03-01T10:02:00Z\",\"count\":0}\n");
}

/* "\u0061" and "a" are one group, and 1, 1.0 and 1e0 another; the key
 * is written as the group's first record had it. */
static void
test_one_group_per_value(void **state)
{
	struct count_conf cf;

	(void)state;
	conf(&cf, 60000, "k");
	run(&cf,
	    "{\"ts\":\"2026-03-01T10:00:01Z\",\"k\":\"\\u0061\"}\n"
	    "{\"ts\":\"2026-03-01T10:00:02Z\",\"k\":\"a\"}\n"
	    "{\"ts\":\"2026-03-01T10:00:03Z\",\"k\":1.0}\n"
	    "{\"ts\":\"2026-03-01T10:00:04Z\",\"k\":1}\n"
	    "{\"ts\":\"2026-03-01T10:00:05Z\",\"k\":1e0}\n",
	    "{\"k\":\"a\",\"window_start\":\"2026-03-01T10:00:00Z\",\"window_end\":\"2026-03-01T10:01:00Z\",\"count\":2}\n"
	    "{\"k\":1.0,\"window_start\":\"2026-03-01T10:00:00Z\",\"window_end\":\"2026-03-01T10:01:00Z\",\"count\":3}\n");
}

/* A group silent for --forget gets no more zeros; seen again, it is a
 * new group and gets them again. */
static void
test_forget_and_come_back(void **state)
{
	struct count_conf cf;

	(void)state;
	conf(&cf, 60000, "k");
	cf.forget = 60000;
	run(&cf,
	    "{\"ts\":\"2026-03-01T10:00:01Z\",\"k\":\"a\"}\n"
	    "{\"ts\":\"2026-03-01T10:00:02Z\",\"k\":\"b\"}\n"
	    "{\"ts\":\"2026-03-01T10:01:01Z\",\"k\":\"b\"}\n"
	    "{\"ts\":\"2026-03-01T10:02:01Z\",\"k\":\"b\"}\n"
	    "{\"ts\":\"2026-03-01T10:03:01Z\",\"k\":\"a\"}\n",
	    "{\"k\":\"a\",\"window_start\":\"2026-03-01T10:00:00Z\",\"window_end\":\"2026-03-01T10:01:00Z\",\"count\":1}\n"
	    "{\"k\":\"b\",\"window_start\":\"2026-03-01T10:00:00Z\",\"window_end\":\"2026-03-01T10:01:00Z\",\"count\":1}\n"
	    "{\"k\":\"a\",\"window_start\":\"2026-03-01T10:01:00Z\",\"window_end\":\"2026-03-01T10:02:00Z\",\"count\":0}\n"
	    "{\"k\":\"b\",\"window_start\":\"2026-03-01T10:01:00Z\",\"window_end\":\"2026-03-01T10:02:00Z\",\"count\":1}\n"
	    "{\"k\":\"b\",\"window_start\":\"2026-03-01T10:02:00Z\",\"window_end\":\"2026-03-01T10:03:00Z\",\"count\":1}\n"
	    "{\"k\":\"a\",\"window_start\":\"2026-03-01T10:03:00Z\",\"window_end\":\"2026-03-01T10:04:00Z\",\"count\":1}\n"
	    "{\"k\":\"b\",\"window_start\":\"2026-03-01T10:03:00Z\",\"window_end\":\"2026-03-01T10:04:00Z\",\"count\":0}\n");
}

/* Many groups that come and go: memory is reused (ids stay few) and
 * each window holds exactly its groups. */
static void
test_churning_groups(void **state)
{
	struct count_conf cf;
	struct count *cn;
	buf_t in = BUF_INIT;
	char *got;

	(void)state;
	conf(&cf, 60000, "k");
	cf.forget = 1;
	cn = engine(&cf);
	for (int m = 0; m < 50; m++)
		for (int g = 0; g < 3; g++)
			buf_printf(
			    &in,
			    "{\"ts\":\"2026-03-01T10:%02d:%02dZ\",\"k\":\"g%d\"}\n",
			    m, g, m * 3 + g);
	feed(cn, in.p, 0);
	count_finish(cn);
	got = output();
	/* 150 records with count 1, and one zero for each group in the
	 * window after its own (its forget time runs into it), except
	 * for the last minute's groups: no window follows. */
	size_t ones = 0, zeros = 0;
	for (char *p = got; (p = strstr(p, "\"count\":1}")) != NULL; p++)
		ones++;
	for (char *p = got; (p = strstr(p, "\"count\":0}")) != NULL; p++)
		zeros++;
	assert_int_equal(ones, 150);
	assert_int_equal(zeros, 147);
	/* Group g60 (minute 20) is written once, then zero once. */
	assert_non_null(strstr(
	    got,
	    "{\"k\":\"g60\",\"window_start\":\"2026-03-01T10:20:00Z\",\"window_end\":\"2026-03-01T10:21:00Z\",\"count\":1}\n"));
	assert_non_null(strstr(
	    got,
	    "{\"k\":\"g60\",\"window_start\":\"2026-03-01T10:21:00Z\",\"window_end\":\"2026-03-01T10:22:00Z\",\"count\":0}\n"));
	assert_null(strstr(
	    got, "{\"k\":\"g60\",\"window_start\":\"2026-03-01T10:22:00Z\""));
	free(got);
	buf_free(&in);
	count_free(cn);
	count_conf_free(&cf);
}

static void
test_late_event_is_dropped_and_counted(void **state)
{
	struct count_conf cf;
	struct count *cn;
	char *got;

	(void)state;
	conf(&cf, 60000, NULL);
	cn = engine(&cf);
	feed(cn,
	     "{\"ts\":\"2026-03-01T10:00:01Z\"}\n"
	     "{\"ts\":\"2026-03-01T10:01:01Z\"}\n"
	     "{\"ts\":\"2026-03-01T10:00:30Z\"}\n",
	     0);
	count_finish(cn);
	got = output();
	assert_int_equal(count_late_dropped(cn), 1);
	assert_string_equal(
	    got,
	    "{\"window_start\":\"2026-03-01T10:00:00Z\",\"window_end\":\"2026-03-01T10:01:00Z\",\"count\":1}\n"
	    "{\"window_start\":\"2026-03-01T10:01:00Z\",\"window_end\":\"2026-03-01T10:02:00Z\",\"count\":1}\n");
	free(got);
	count_free(cn);
	count_conf_free(&cf);
}

static void
seed_line(struct count *cn, const char *json)
{
	rec_t r;
	size_t col;
	const char *msg;

	memset(&r, 0, sizeof r);
	assert_int_equal(rec_scan(&r, json, strlen(json), &col, &msg), 0);
	count_seed(cn, &r);
	rec_free(&r);
}

/* A seeded group gets zeros from the first window on. */
static void
test_seeded_group(void **state)
{
	struct count_conf cf;
	struct count *cn;
	char *got;

	(void)state;
	conf(&cf, 60000, "k");
	cn = engine(&cf);
	seed_line(cn, "{\"k\":\"z\"}");
	assert_int_equal(count_nfill(cn), 1);
	feed(cn, "{\"ts\":\"2026-03-01T10:00:01Z\",\"k\":\"a\"}\n", 0);
	count_finish(cn);
	got = output();
	assert_string_equal(
	    got,
	    "{\"k\":\"a\",\"window_start\":\"2026-03-01T10:00:00Z\",\"window_end\":\"2026-03-01T10:01:00Z\",\"count\":1}\n"
	    "{\"k\":\"z\",\"window_start\":\"2026-03-01T10:00:00Z\",\"window_end\":\"2026-03-01T10:01:00Z\",\"count\":0}\n");
	free(got);
	count_free(cn);
	count_conf_free(&cf);
}

static void
test_aggregates(void **state)
{
	struct count_conf cf;

	(void)state;
	conf(&cf, 60000, NULL);
	assert_null(count_conf_agg(&cf, COUNT_AGG_SUM, "v"));
	assert_null(count_conf_agg(&cf, COUNT_AGG_MIN, "v"));
	assert_null(count_conf_agg(&cf, COUNT_AGG_MAX, "v"));
	assert_null(count_conf_agg(&cf, COUNT_AGG_AVG, "v"));
	assert_null(count_conf_agg(&cf, COUNT_AGG_DISTINCT, "u"));
	run(&cf,
	    "{\"ts\":\"2026-03-01T10:00:01Z\",\"v\":1.5,\"u\":\"x\"}\n"
	    "{\"ts\":\"2026-03-01T10:00:02Z\",\"v\":\"2\",\"u\":\"\\u0078\"}\n"
	    "{\"ts\":\"2026-03-01T10:00:03Z\",\"v\":-3,\"u\":\"y\"}\n",
	    "{\"window_start\":\"2026-03-01T10:00:00Z\",\"window_end\":\"2026-03-01T10:01:00Z\",\"count\":3,\"sum_v\":0.5,\"min_v\":-3,\"max_v\":2,\"avg_v\":0.16666666666666666,\"distinct_u\":2}\n");
}

/* A 2 minute window every minute is the sum of its two slots. */
static void
test_hopping_windows(void **state)
{
	struct count_conf cf;

	(void)state;
	conf(&cf, 120000, NULL);
	cf.every = 60000;
	run(&cf,
	    "{\"ts\":\"2026-03-01T10:00:01Z\"}\n"
	    "{\"ts\":\"2026-03-01T10:01:01Z\"}\n"
	    "{\"ts\":\"2026-03-01T10:01:02Z\"}\n",
	    "{\"window_start\":\"2026-03-01T09:59:00Z\",\"window_end\":\"2026-03-01T10:01:00Z\",\"count\":1}\n"
	    "{\"window_start\":\"2026-03-01T10:00:00Z\",\"window_end\":\"2026-03-01T10:02:00Z\",\"count\":3}\n"
	    "{\"window_start\":\"2026-03-01T10:01:00Z\",\"window_end\":\"2026-03-01T10:03:00Z\",\"count\":2}\n");
}

/* Two shards' partial records merge into the single run's answer. */
static void
test_partial_and_merge(void **state)
{
	static const char shard1[] =
	    "{\"ts\":\"2026-03-01T10:00:01Z\",\"k\":\"a\",\"v\":1}\n"
	    "{\"ts\":\"2026-03-01T10:01:01Z\",\"k\":\"b\",\"v\":2}\n";
	static const char shard2[] =
	    "{\"ts\":\"2026-03-01T10:00:05Z\",\"k\":\"a\",\"v\":3}\n"
	    "{\"ts\":\"2026-03-01T10:02:01Z\",\"k\":\"a\",\"v\":4}\n";
	static const char whole[] =
	    "{\"ts\":\"2026-03-01T10:00:01Z\",\"k\":\"a\",\"v\":1}\n"
	    "{\"ts\":\"2026-03-01T10:00:05Z\",\"k\":\"a\",\"v\":3}\n"
	    "{\"ts\":\"2026-03-01T10:01:01Z\",\"k\":\"b\",\"v\":2}\n"
	    "{\"ts\":\"2026-03-01T10:02:01Z\",\"k\":\"a\",\"v\":4}\n";
	struct count_conf cf;
	char *parts, *merged, *single;
	buf_t all = BUF_INIT;

	(void)state;
	for (int i = 0; i < 2; i++) {
		conf(&cf, 60000, "k");
		assert_null(count_conf_agg(&cf, COUNT_AGG_SUM, "v"));
		cf.partial = 1;
		parts = output_of(&cf, i == 0 ? shard1 : shard2, 0);
		assert_non_null(strstr(parts, "\"tingle_partial\""));
		buf_adds(&all, parts);
		free(parts);
	}
	conf(&cf, 60000, "k");
	assert_null(count_conf_agg(&cf, COUNT_AGG_SUM, "v"));
	merged = output_of(&cf, all.p, 1);
	conf(&cf, 60000, "k");
	assert_null(count_conf_agg(&cf, COUNT_AGG_SUM, "v"));
	single = output_of(&cf, whole, 0);
	assert_string_equal(merged, single);
	free(merged);
	free(single);
	buf_free(&all);
}

/* --each: one group per field and value, null for a missing field, -k
 * fields first; a record seeds a dimension's value. */
static void
test_each(void **state)
{
	struct count_conf cf;
	struct count *cn;
	char *got;

	(void)state;
	conf(&cf, 60000, "c");
	assert_null(count_conf_each(&cf, "os,plan"));
	cn = engine(&cf);
	seed_line(cn, "{\"c\":\"US\",\"dimension\":\"os\",\"value\":\"Web\"}");
	feed(
	    cn,
	    "{\"ts\":\"2026-03-01T10:00:01Z\",\"c\":\"US\",\"os\":\"iOS\"}\n"
	    "{\"ts\":\"2026-03-01T10:00:02Z\",\"c\":\"US\",\"os\":\"\\u0069OS\",\"plan\":\"pro\"}\n",
	    0);
	count_finish(cn);
	got = output();
	assert_string_equal(
	    got,
	    "{\"c\":\"US\",\"dimension\":\"os\",\"value\":\"Web\",\"window_start\":\"2026-03-01T10:00:00Z\",\"window_end\":\"2026-03-01T10:01:00Z\",\"count\":0}\n"
	    "{\"c\":\"US\",\"dimension\":\"os\",\"value\":\"iOS\",\"window_start\":\"2026-03-01T10:00:00Z\",\"window_end\":\"2026-03-01T10:01:00Z\",\"count\":2}\n"
	    "{\"c\":\"US\",\"dimension\":\"plan\",\"value\":\"pro\",\"window_start\":\"2026-03-01T10:00:00Z\",\"window_end\":\"2026-03-01T10:01:00Z\",\"count\":1}\n"
	    "{\"c\":\"US\",\"dimension\":\"plan\",\"value\":null,\"window_start\":\"2026-03-01T10:00:00Z\",\"window_end\":\"2026-03-01T10:01:00Z\",\"count\":1}\n");
	free(got);
	count_free(cn);
	count_conf_free(&cf);
	conf(&cf, 60000, NULL);
	assert_string_equal(count_conf_each(&cf, "a,b,a"),
	                    "--each a given twice");
	count_conf_free(&cf);
}

static void
test_conf_errors(void **state)
{
	struct count_conf cf;
	const char *err = NULL;

	(void)state;
	count_conf_init(&cf);
	assert_null(count_conf_key(&cf, "a"));
	assert_string_equal(count_conf_key(&cf, "a"), "-k a given twice");
	assert_string_equal(count_conf_key(&cf, ""), "empty -k field");
	assert_null(count_conf_agg(&cf, COUNT_AGG_SUM, "v"));
	assert_string_equal(count_conf_agg(&cf, COUNT_AGG_SUM, "v"),
	                    "--sum v given twice");
	assert_null(count_conf_agg(&cf, COUNT_AGG_MIN, "v"));
	assert_null(count_conf_key(&cf, "count"));
	cf.width = 60000;
	assert_null(count_new(&cf, &err));
	assert_non_null(strstr(err, "-k count: tingle-count writes a field"));
	count_conf_free(&cf);

	count_conf_init(&cf);
	cf.width = 90000;
	cf.every = 60000;
	assert_null(count_new(&cf, &err));
	assert_non_null(err);
	count_conf_free(&cf);
}

/* -w 2m --every 1m --distinct u, with --partial when partial is set. */
static void
distinct_conf(struct count_conf *cf, int partial)
{
	conf(cf, 120000, NULL);
	cf->every = 60000;
	cf->partial = partial;
	assert_null(count_conf_agg(cf, COUNT_AGG_DISTINCT, "u"));
}

/* Many distinct values, some written with escapes, in hopping windows
 * (each window the union of two slots' sets), and the same through
 * partial records merged back. */
static void
test_distinct_many_values(void **state)
{
	buf_t in = BUF_INIT, shard[2] = {BUF_INIT, BUF_INIT}, all = BUF_INIT;
	struct count_conf cf;
	char *merged;
	static const char want[] =
	    "{\"window_start\":\"2026-03-01T09:59:00Z\",\"window_end\":\"2026-03-01T10:01:00Z\",\"count\":200,\"distinct_u\":100}\n"
	    "{\"window_start\":\"2026-03-01T10:00:00Z\",\"window_end\":\"2026-03-01T10:02:00Z\",\"count\":300,\"distinct_u\":150}\n"
	    "{\"window_start\":\"2026-03-01T10:01:00Z\",\"window_end\":\"2026-03-01T10:03:00Z\",\"count\":200,\"distinct_u\":150}\n"
	    "{\"window_start\":\"2026-03-01T10:02:00Z\",\"window_end\":\"2026-03-01T10:04:00Z\",\"count\":100,\"distinct_u\":100}\n";

	(void)state;
	/* minute 0: u0 .. u99, each also as "\u0075..."; minute 1: u50 ..
	 * u149; minute 2: u100 .. u199 */
	for (int i = 0; i < 400; i++) {
		buf_t *b = &shard[i % 2];
		size_t from = b->len;
		int min = i < 200 ? 0 : i / 100 - 1;
		int u = i < 200 ? i / 2 : i - 150 - 50 * (min - 1);
		const char *pre = i < 200 && i % 2 ? "\\u0075" : "u";

		buf_printf(
		    b, "{\"ts\":\"2026-03-01T10:%02d:%02dZ\",\"u\":\"%s%d\"}\n",
		    min, i % 60, pre, u);
		buf_add(&in, b->p + from, b->len - from);
	}
	distinct_conf(&cf, 0);
	run(&cf, in.p, want);
	for (int i = 0; i < 2; i++) {
		distinct_conf(&cf, 1);
		merged = output_of(&cf, shard[i].p, 0);
		buf_adds(&all, merged);
		free(merged);
	}
	distinct_conf(&cf, 0);
	merged = output_of(&cf, all.p, 1);
	assert_string_equal(merged, want);
	free(merged);
	buf_free(&all);
	buf_free(&in);
	buf_free(&shard[0]);
	buf_free(&shard[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tumbling_windows_write_zeros),
	    cmocka_unit_test(test_one_group_per_value),
	    cmocka_unit_test(test_forget_and_come_back),
	    cmocka_unit_test(test_churning_groups),
	    cmocka_unit_test(test_late_event_is_dropped_and_counted),
	    cmocka_unit_test(test_seeded_group),
	    cmocka_unit_test(test_aggregates),
	    cmocka_unit_test(test_hopping_windows),
	    cmocka_unit_test(test_partial_and_merge),
	    cmocka_unit_test(test_distinct_many_values),
	    cmocka_unit_test(test_each),
	    cmocka_unit_test(test_conf_errors),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
