/*
 * tingle-stitch - the records that belong together: one record per key
 * (one per mail message with --preset), or every start record with
 * whether its expected follow-up came.
 *
 * The inputs are read together and merged in event time: the record
 * taken next is the earliest of those waiting, once every other input
 * has either ended or shown a time no earlier than it less --lateness.
 * The watermark is the latest event time taken less --lateness; with
 * --idle it follows the wall clock once the input has been quiet that
 * long.  The engine (lib/stitch.c) writes a key when it ends, when the
 * watermark passes its --timeout or --within, and at the end of the run.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "json.h"
#include "optv.h"
#include "rio.h"
#include "stitch.h"
#include "ttime.h"
#include "util.h"

#define NONE INT64_MIN

enum {
	OPT_END = RIO_OPT_FIRST_FREE,
	OPT_TIMEOUT,
	OPT_COLLECT,
	OPT_IDLE,
	OPT_MAX_OPEN,
	OPT_PRESET,
	OPT_START,
	OPT_EXPECT,
	OPT_WITHIN,
	OPT_LATENESS
};

static const struct option longopts[] = {
    {"key", required_argument, NULL, 'k'},
    {"end", required_argument, NULL, OPT_END},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"collect", required_argument, NULL, OPT_COLLECT},
    {"idle", required_argument, NULL, OPT_IDLE},
    {"max-open", required_argument, NULL, OPT_MAX_OPEN},
    {"preset", required_argument, NULL, OPT_PRESET},
    {"start", required_argument, NULL, OPT_START},
    {"expect", required_argument, NULL, OPT_EXPECT},
    {"within", required_argument, NULL, OPT_WITHIN},
    {"lateness", required_argument, NULL, OPT_LATENESS},
    RIO_LONGOPTS,
    {NULL, 0, NULL, 0}};

/* One input, with the record it holds back until it is its turn. */
struct input {
	reader_t *rd;
	line_t l;
	rec_t rec;
	tstamp_t ts;
	int64_t t;    /* time of the record held, ms */
	int64_t last; /* latest time seen on this input, or NONE */
	int have, eof;
};

static struct stitch_conf conf;
static const char **keys, **collect;
static int64_t lateness, idle_ms;
static int64_t within = -1;
static int preset_given;

static struct input *in;
static int nin;
static stitch_t *engine;
static int64_t max_t = NONE; /* latest event time taken */
static int64_t last_input;   /* monotonic time of the last line */
static buf_t err = BUF_INIT;

static void
usage(FILE *fp)
{
	fprintf(
	    fp,
	    "usage: tingle-stitch -k FIELD[,FIELD] [--end EXPR] [--collect F]...\n"
	    "                     [--timeout DURATION] [--idle DURATION] [--lateness DURATION]\n"
	    "                     [--max-open N] [FILE...]\n"
	    "       tingle-stitch --preset postfix|exim [--timeout DURATION] [--idle DURATION]\n"
	    "                     [--lateness DURATION] [--max-open N] [FILE...]\n"
	    "       tingle-stitch -k FIELD[,FIELD] --start EXPR --expect EXPR --within DURATION\n"
	    "                     [--lateness DURATION] [--idle DURATION] [--max-open N] [FILE...]\n"
	    "\n"
	    "Merge the records of one key into one record, or report for every start\n"
	    "record whether its expected follow-up came.  Several FILEs are read together\n"
	    "and merged in event time.\n"
	    "\n"
	    "  -k, --key FIELD[,FIELD]  the key (repeatable)\n"
	    "  --end EXPR           a record for which EXPR holds ends its key\n"
	    "  --collect F          gather every value of F into a list (repeatable);\n"
	    "                       other fields keep their first value\n"
	    "  --timeout DURATION   write a key DURATION after its last record, in event\n"
	    "                       time, with \"complete\": false\n"
	    "  --preset NAME        postfix or exim: one record per mail message from\n"
	    "                       tingle-parse -f NAME records\n"
	    "  --start EXPR         expect mode: the records that start a wait\n"
	    "  --expect EXPR        the records that end it, for the same key\n"
	    "  --within DURATION    how long to wait, in event time\n"
	    "  --lateness DURATION  watermark = latest event time less DURATION; also the\n"
	    "                       skew allowed between inputs (default 0)\n"
	    "  --idle DURATION      after DURATION without input, move the watermark\n"
	    "                       with the wall clock\n"
	    "  --max-open N         keys held open at most; the oldest is written\n"
	    "                       incomplete to make room (default 10000000, 0: none)\n"
	    "\n"
	    "SIGINT and SIGTERM write every open key as incomplete, then exit.\n\n%s",
	    rio_common_usage);
}

static const char **
add_name(const char **list, size_t *n, const char *name, const char *opt)
{
	if (*name == '\0')
		rio_usage_error("empty field name in %s", opt);
	list = xrealloc(list, (*n + 1) * sizeof *list);
	list[(*n)++] = name;
	return list;
}

static char **copies; /* the -k arguments, split in place */
static size_t ncopies;

static void
add_keys(const char *arg)
{
	char *copy = xstrdup(arg), *p = copy, *comma;

	copies = xrealloc(copies, (ncopies + 1) * sizeof *copies);
	copies[ncopies++] = copy;

	for (;;) {
		comma = strchr(p, ',');
		if (comma != NULL)
			*comma = '\0';
		keys = add_name(keys, &conf.nkeys, p, "-k");
		if (comma == NULL)
			break;
		p = comma + 1;
	}
}

static expr_t *
compile(const char *what, const char *src, expr_t *old)
{
	buf_t e = BUF_INIT;
	expr_t *x;

	if (old != NULL)
		rio_usage_error("%s given twice", what);
	if ((x = expr_compile(src, &e)) == NULL)
		util_die(EX_USAGE, "%s: %s", what, e.p);
	buf_free(&e);
	return x;
}

static int64_t
duration(const char *arg, const char *opt)
{
	return optv_duration(opt, arg, OPTV_ZERO_OK);
}

static void
parse_options(int argc, char **argv)
{
	int c;

	conf.max_open = 10000000;
	while ((c = getopt_long(argc, argv, "k:" RIO_SHORTOPTS, longopts,
	                        NULL)) != -1) {
		switch (c) {
		case 'k':
			add_keys(optarg);
			break;
		case OPT_END:
			conf.end = compile("--end", optarg, conf.end);
			break;
		case OPT_START:
			conf.start = compile("--start", optarg, conf.start);
			break;
		case OPT_EXPECT:
			conf.expect = compile("--expect", optarg, conf.expect);
			break;
		case OPT_COLLECT:
			collect = add_name(collect, &conf.ncollect, optarg,
			                   "--collect");
			break;
		case OPT_TIMEOUT:
			conf.timeout = duration(optarg, "--timeout");
			break;
		case OPT_WITHIN:
			within = duration(optarg, "--within");
			break;
		case OPT_LATENESS:
			lateness = duration(optarg, "--lateness");
			break;
		case OPT_IDLE:
			idle_ms = duration(optarg, "--idle");
			break;
		case OPT_MAX_OPEN:
			conf.max_open = (size_t)optv_int("--max-open", optarg,
			                                 0, UINT32_MAX - 1);
			break;
		case OPT_PRESET:
			if (strcmp(optarg, "postfix") == 0)
				conf.mode = STITCH_POSTFIX;
			else if (strcmp(optarg, "exim") == 0)
				conf.mode = STITCH_EXIM;
			else
				rio_usage_error(
				    "unknown preset '%s': expected postfix or exim",
				    optarg);
			preset_given = 1;
			break;
		default:
			rio_option(c, optarg, usage);
		}
	}
}

/* Check that the options make one of the three modes. */
static void
check_options(void)
{
	int expect = conf.start != NULL || conf.expect != NULL || within >= 0;

	if (expect) {
		if (conf.start == NULL || conf.expect == NULL || within < 0)
			rio_usage_error(
			    "expect mode needs --start, --expect and --within");
		if (preset_given || conf.end != NULL || conf.ncollect > 0 ||
		    conf.timeout > 0)
			rio_usage_error(
			    "--start, --expect and --within do not go with --preset, --end, --collect or --timeout");
		conf.mode = STITCH_EXPECT;
		conf.within = within;
	} else if (preset_given) {
		if (conf.nkeys > 0 || conf.end != NULL || conf.ncollect > 0)
			rio_usage_error(
			    "--preset sets the key and the end; -k, --end and --collect do not apply");
	}
	if (!preset_given && conf.nkeys == 0)
		rio_usage_error("a key is needed: -k FIELD, or --preset");
	conf.keys = keys;
	conf.collect = collect;
	conf.time_field = rio_time_field;
}

/* ---- reading the inputs in event time ------------------------------------ */

/* Read input i until it holds a record, ends, or (timeout) has nothing. */
static void
fill(struct input *p, int timeout_ms)
{
	size_t col;
	const char *msg;
	jfield_t tf;

	while (!p->have && !p->eof) {
		int r = rd_next(p->rd, &p->l, timeout_ms);
		if (r == RD_TIMEOUT)
			return;
		if (r == RD_EOF) {
			if (!rio_stop)
				p->eof = 1;
			return;
		}
		last_input = ts_mono_ms();
		if (rec_scan(&p->rec, p->l.p, p->l.n, &col, &msg) < 0) {
			rio_bad_json(&p->l, col, msg);
			continue;
		}
		if (!rec_path(&p->rec, rio_time_field, strlen(rio_time_field),
		              &tf)) {
			rio_bad_input(&p->l, "no time field '%s'",
			              rio_time_field);
			continue;
		}
		if (ts_parse_json(tf.v, tf.vlen, &p->ts) < 0) {
			rio_bad_input(&p->l, "unreadable time in '%s': %.*s",
			              rio_time_field,
			              (int)(tf.vlen > 60 ? 60 : tf.vlen), tf.v);
			continue;
		}
		p->t = ts_to_ms(&p->ts);
		if (p->last == NONE || p->t > p->last)
			p->last = p->t;
		p->have = 1;
	}
}

/*
 * The input whose record is next, -1 when one must wait for another
 * input first, -2 when every input has ended.
 */
static int
next_input(void)
{
	int best = -1, open = 0;

	for (int i = 0; i < nin; i++) {
		if (in[i].have && (best < 0 || in[i].t < in[best].t))
			best = i;
		if (!in[i].eof)
			open = 1;
	}
	if (best < 0)
		return open ? -1 : -2;
	for (int i = 0; i < nin; i++)
		if (i != best && !in[i].eof && !in[i].have &&
		    (in[i].last == NONE || in[i].last < in[best].t - lateness))
			return -1;
	return best;
}

static void
take(struct input *p)
{
	if (max_t == NONE || p->t > max_t) {
		max_t = p->t;
		stitch_advance(engine, max_t - lateness);
	}
	if (stitch_add(engine, &p->rec, &p->ts, &err) < 0)
		rio_note_input(p->l.file, p->l.num, "%s", err.p);
	p->have = 0;
}

/* How long to wait for input before --idle moves the watermark. */
static int
idle_timeout(void)
{
	int64_t quiet;

	if (idle_ms <= 0 || max_t == NONE)
		return -1;
	quiet = ts_mono_ms() - last_input;
	if (quiet < idle_ms)
		return (int)(idle_ms - quiet);
	return 200;
}

static void
idle_tick(void)
{
	int64_t quiet = ts_mono_ms() - last_input;

	if (idle_ms <= 0 || max_t == NONE || quiet < idle_ms)
		return;
	stitch_advance(engine, max_t + quiet - lateness);
}

/* Wait until an input without a record has data, the idle time passes
 * or a signal stops the run. */
static void
wait_inputs(void)
{
	struct pollfd *pf = xcalloc((size_t)nin + 1, sizeof *pf);
	int np = 0, r;

	for (int i = 0; i < nin; i++) {
		if (in[i].have || in[i].eof)
			continue;
		if (rd_fd(in[i].rd) < 0 || rd_has_line(in[i].rd)) {
			free(pf);
			return; /* reading it will open it, or has a line */
		}
		pf[np].fd = rd_fd(in[i].rd);
		pf[np++].events = POLLIN;
	}
	pf[np].fd = rio_stop_fd();
	pf[np].events = POLLIN;
	rio_out_flush();
	r = rio_stop ? -1 : poll(pf, (nfds_t)np + 1, idle_timeout());
	free(pf);
	if (r == 0)
		idle_tick();
}

static void
run(void)
{
	for (;;) {
		int i;

		for (i = 0; i < nin; i++)
			fill(&in[i], nin == 1 ? idle_timeout() : 0);
		if (rio_stop)
			break;
		i = next_input();
		if (i == -2)
			break;
		if (i >= 0) {
			take(&in[i]);
			continue;
		}
		if (nin == 1)
			idle_tick();
		else
			wait_inputs();
	}
}

/*
 * Read records from the files named (or standard input), merged in
 * event time, and write one record per key, or per start record.
 */
int
main(int argc, char **argv)
{
	static char *dash[] = {"-"};

	rio_init("tingle-stitch", argc, argv);
	parse_options(argc, argv);
	check_options();
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		argc = 1;
		argv = dash;
	}
	for (int i = 0, dashes = 0; i < argc; i++)
		if (strcmp(argv[i], "-") == 0 && ++dashes > 1)
			rio_usage_error("standard input named twice");
	nin = argc;
	in = xcalloc((size_t)nin, sizeof *in);
	for (int i = 0; i < nin; i++) {
		in[i].rd = rd_open(1, argv + i);
		in[i].last = NONE;
	}
	engine = stitch_new(&conf, &rio_out, rio_out_record);
	last_input = ts_mono_ms();

	run();
	/* At the end, and on SIGINT or SIGTERM, what is open is written
	 * as incomplete. */
	stitch_close_all(engine);
	if (stitch_evicted(engine) > 0)
		util_warnmsg(
		    "%lu key%s written incomplete to stay within --max-open %zu",
		    stitch_evicted(engine),
		    stitch_evicted(engine) == 1 ? " was" : "s were",
		    conf.max_open);

	if (stitch_nokey(engine) > 0)
		util_warnmsg("%lu record%s none of the key fields, left out",
		             stitch_nokey(engine),
		             stitch_nokey(engine) == 1 ? " had" : "s had");

	for (int i = 0; i < nin; i++) {
		rd_close(in[i].rd);
		rec_free(&in[i].rec);
	}
	free(in);
	stitch_free(engine);
	free(keys);
	free(collect);
	for (size_t i = 0; i < ncopies; i++)
		free(copies[i]);
	free(copies);
	buf_free(&err);
	return rio_finish(0);
}
