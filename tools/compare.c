/*
 * tingle-compare - put what a count should have been next to it.
 *
 * Reads the window records of tingle-count and adds to each the expected
 * value, from the group's own history (--baseline prev:N, season:PERIOD:N,
 * ewma:ALPHA) or from another count stream joined on the window and the
 * key fields (--against FILE --rate R), with the ratio, difference and
 * standard score of the observed value against it.  See tingle-compare(1).
 */
#include <errno.h>
#include <float.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "against.h"
#include "baseline.h"
#include "cmp.h"
#include "history.h"
#include "json.h"
#include "optv.h"
#include "rio.h"
#include "ttime.h"
#include "util.h"
#include "verdict.h"

enum {
	OPT_AGAINST = RIO_OPT_FIRST_FREE,
	OPT_AGAINST_VALUE,
	OPT_IDLE,
	OPT_LOCK_TIMEOUT,
	OPT_MAX_GROUPS,
	OPT_MIN_BASELINE,
	OPT_NAME,
	OPT_ON,
	OPT_PEERS,
	OPT_RATE,
	OPT_SAVE_EVERY,
	OPT_STAT,
	OPT_STATE,
	OPT_VALUE,
};

static const struct option longopts[] = {
    {"against", required_argument, NULL, OPT_AGAINST},
    {"against-value", required_argument, NULL, OPT_AGAINST_VALUE},
    {"baseline", required_argument, NULL, 'b'},
    {"idle", required_argument, NULL, OPT_IDLE},
    {"key", required_argument, NULL, 'k'},
    {"lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT},
    {"max-groups", required_argument, NULL, OPT_MAX_GROUPS},
    {"min-baseline", required_argument, NULL, OPT_MIN_BASELINE},
    {"name", required_argument, NULL, OPT_NAME},
    {"on", required_argument, NULL, OPT_ON},
    {"peers", required_argument, NULL, OPT_PEERS},
    {"rate", required_argument, NULL, OPT_RATE},
    {"save-every", required_argument, NULL, OPT_SAVE_EVERY},
    {"stat", required_argument, NULL, OPT_STAT},
    {"state", required_argument, NULL, OPT_STATE},
    {"value", required_argument, NULL, OPT_VALUE},
    RIO_LONGOPTS,
    {NULL, 0, NULL, 0},
};

/* ---- options ---------------------------------------------------------- */

static const char *baseline_arg; /* --baseline */
static struct bl_spec spec;      /* its parsed form */
static int stat_median;          /* --stat median */
static const char *against_file; /* --against */
static double rate = 1;          /* --rate */
static int rate_given;
static long min_baseline = 1;  /* --min-baseline */
static const char *state_file; /* --state */
static int64_t save_every_ms;  /* --save-every, 0: at exit only */
static int64_t idle_ms = -1;   /* --idle, 0: never; -1: not given */
static const char *peers;      /* --peers */
static const char *name_opt;   /* --name */
/* --key, --on, --value, --against-value, --max-groups */
static struct cmp_conf conf = {.value_field = "count", .max_groups = 1000000};
/* --lock-timeout */
static int64_t lock_timeout_ms = RIO_LOCK_TIMEOUT_MS;

/* How long the input must be quiet before a window of --baseline is
 * taken as complete (--idle). */
#define HISTORY_IDLE_MS 1000

/* ---- state of the run ------------------------------------------------- */

static buf_t baseline_json; /* the "baseline" value, a JSON string */

/* ---- usage ------------------------------------------------------------ */

static const char usage_text[] =
    "usage: tingle-compare -b SOURCE [--stat mean|median] [-k FIELD,...]\n"
    "                      [--value FIELD] [--min-baseline N] [--name TEXT]\n"
    "                      [--peers FIELD] [--idle DURATION]\n"
    "                      [--state FILE [--save-every DURATION]\n"
    "                      [--lock-timeout DURATION]] [FILE...]\n"
    "       tingle-compare --against FILE [--rate R] [--on FIELD,...]\n"
    "                      [--against-value FIELD] [--peers FIELD]\n"
    "                      [--idle DURATION] [-k FIELD,...] [--value FIELD]\n"
    "                      [FILE...]\n"
    "\n"
    "Add expected, ratio, delta, z, p, q, baseline_n and baseline to every\n"
    "count record of tingle-count.\n"
    "\n"
    "Expectation from the group's history:\n"
    "  -b, --baseline prev:N           the previous N windows\n"
    "  -b, --baseline season:PERIOD:N  the same slot in the previous N periods\n"
    "                                  (season:1w:4: same weekday and time,\n"
    "                                  four weeks)\n"
    "  -b, --baseline ewma:ALPHA       exponentially weighted mean, 0 < ALPHA <= 1\n"
    "  --stat mean|median              statistic of prev and season (default mean)\n"
    "  --state FILE                    keep the history in FILE across runs\n"
    "  --save-every DURATION           save it this often too (default: at exit)\n"
    "  --lock-timeout DURATION         wait this long for another run using FILE\n"
    "                                  (default 10s; 0: do not wait)\n"
    "  --idle DURATION                 a window is complete once the input is\n"
    "                                  quiet this long (default 1s)\n"
    "\n"
    "Expectation from another count stream:\n"
    "  --against FILE                  join FILE's records on the window and key\n"
    "                                  (a record of either input with other key\n"
    "                                  fields or window width is bad input)\n"
    "  --rate R                        expected = R x their value (default 1)\n"
    "  --on FIELD,...                  join on these fields (default: the key)\n"
    "  --against-value FIELD           their value (default count)\n"
    "  --idle DURATION                 compare a window once an input that has\n"
    "                                  not passed it is quiet this long\n"
    "\n"
    "Both:\n"
    "  -k, --key FIELD,...             the group key (default: every field but\n"
    "                                  the window and the aggregates)\n"
    "  --value FIELD                   the observed value (default count)\n"
    "  --min-baseline N                expected is null until N values back it\n"
    "                                  (default 1)\n"
    "  --name TEXT                     the value of the baseline field\n"
    "  --peers FIELD                   scale the expectation by how the groups of\n"
    "                                  the window with the same FIELD did\n"
    "                                  (peer_ratio, leaving the group out)\n"
    "  --max-groups N                  stop with an error beyond N groups\n"
    "                                  (default 1000000)\n"
    "\n"
    "p: probability of a count this far from expected (binomial against a\n"
    "count of trials, negative binomial for an overdispersed history, else\n"
    "Poisson); q: p adjusted by Benjamini-Hochberg over the window.\n"
    "\n";

static void
usage(FILE *fp)
{
	fputs(usage_text, fp);
	fputs(rio_common_usage, fp);
}

/* Split a comma-separated list of field names onto l. */
static void
add_names(struct cmp_names *l, const char *arg, const char *opt)
{
	const char *p = arg;

	for (;;) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);

		if (n == 0)
			rio_usage_error("empty field name in %s '%s'", opt,
			                arg);
		cmp_names_add(l, p, n);
		if (c == NULL)
			break;
		p = c + 1;
	}
}

static const char *const stat_names[] = {"mean", "median", NULL};

/* Check the options against each other and set up the baseline name. */
static void
check_options(void)
{
	char err[256];

	if (baseline_arg == NULL && against_file == NULL)
		rio_usage_error("give --baseline or --against");
	if (baseline_arg != NULL && against_file != NULL)
		rio_usage_error("give --baseline or --against, not both");
	if (baseline_arg != NULL) {
		if (bl_parse(baseline_arg, &spec, err, sizeof err) < 0)
			rio_usage_error("invalid --baseline '%s' (%s)",
			                baseline_arg, err);
		if (stat_median && spec.kind == BL_EWMA)
			rio_usage_error(
			    "--stat applies to prev and season baselines, not ewma");
		spec.stat = stat_median ? BL_MEDIAN : BL_MEAN;
		if (rate_given || conf.against_value || conf.on.n)
			rio_usage_error(
			    "--rate, --on and --against-value need --against");
	} else {
		if (state_file != NULL)
			rio_usage_error(
			    "--state keeps history, which --against does not use");
		if (stat_median)
			rio_usage_error("--stat applies to --baseline");
		if (conf.against_value == NULL)
			conf.against_value = "count";
	}
	if (idle_ms < 0)
		idle_ms = baseline_arg != NULL ? HISTORY_IDLE_MS : 0;
	if (save_every_ms && state_file == NULL)
		rio_usage_error("--save-every needs --state");

	buf_t b = BUF_INIT;
	if (name_opt != NULL) {
		buf_adds(&b, name_opt);
	} else if (baseline_arg != NULL) {
		if (stat_median)
			buf_adds(&b, "median(");
		bl_text(&spec, &b);
		if (stat_median)
			buf_addc(&b, ')');
	} else {
		if (rate != 1) {
			jw_num(&b, rate);
			buf_addc(&b, '*');
		}
		buf_adds(&b, "against:");
		buf_adds(&b, against_file);
	}
	jw_str(&baseline_json, b.p, b.len);
	buf_free(&b);
}

/* ---- output ----------------------------------------------------------- */

/* The verdict of the run, for flush_at_exit. */
static struct verdict *verdict;

/*
 * A run that stops early (--strict, --max-groups, a state file that
 * cannot be saved) still writes the records it holds, as it would have
 * before it held them.
 */
static void
flush_at_exit(void)
{
	if (verdict == NULL || vd_held(verdict) == 0)
		return;
	vd_flush(verdict);
	rio_out_flush();
}

/* Hand a compared record to the verdict, which holds its window. */
static void
put_compare(void *ctx, rec_t *rec, const struct cmp_win *w, int vt, double v,
            const struct bl_result *res)
{
	vd_add(ctx, rec, w, vt, v, res);
}

/* ---- the loops ----------------------------------------------------------- */

/*
 * Compare the records of rd with their history.  A window's records are
 * written when a record of another window comes, at the end, or once the
 * input has been quiet for --idle.
 */
static void
run_history(struct history *h, struct verdict *vd, reader_t *rd)
{
	int64_t next_save = 0, now;
	int timeout, r, idle_wait;
	line_t l;

	if (save_every_ms > 0)
		next_save = ts_mono_ms() + save_every_ms;
	for (;;) {
		timeout = -1;
		idle_wait = vd_held(vd) > 0 && idle_ms > 0;
		if (idle_wait)
			timeout = idle_ms > INT_MAX ? INT_MAX : (int)idle_ms;
		if (next_save) {
			now = ts_mono_ms();
			if (now >= next_save) {
				history_save(h);
				now = ts_mono_ms();
				next_save = now + save_every_ms;
			}
			if (timeout < 0 || next_save - now < timeout) {
				timeout = (int)(next_save - now);
				idle_wait = 0;
			}
		}
		r = rd_next(rd, &l, timeout);
		if (r == RD_EOF)
			break;
		if (r == RD_LINE)
			history_line(h, &l, put_compare, vd);
		else if (r == RD_TIMEOUT && idle_wait)
			vd_flush(vd); /* quiet for --idle */
	}
	vd_flush(vd);
}

/* Read one line (or whatever has arrived) from input s. */
static void
read_side(struct against *ag, reader_t **rds, int s)
{
	line_t l;
	int r = rd_next(rds[s], &l, 0);

	if (r == RD_EOF) {
		if (!rio_stop)
			ag_eof(ag, s);
		return;
	}
	if (r == RD_LINE)
		ag_line(ag, s, &l, ts_mono_ms());
}

/* Wait for input on the sides in o[0..n); the side to read, or -1 (also
 * when a signal stops the run: the stop pipe ends the wait). */
static int
wait_sides(struct against *ag, reader_t **rds, const int *o, int n)
{
	struct pollfd p[3];
	int np = 0;

	for (int i = 0; i < n; i++) {
		int fd = rd_fd(rds[o[i]]);

		if (fd < 0)
			return o[i]; /* between files: reading opens one */
		p[np].fd = fd;
		p[np].events = POLLIN;
		p[np].revents = 0;
		np++;
	}
	p[np].fd = rio_stop_fd();
	p[np].events = POLLIN;
	p[np].revents = 0;
	rio_out_flush();
	if (rio_stop ||
	    poll(p, (nfds_t)np + 1, ag_idle_timeout(ag, ts_mono_ms())) <= 0)
		return -1;
	for (int i = 0; i < np; i++)
		if (p[i].revents)
			return o[i];
	return -1;
}

static void
run_against(struct against *ag, struct verdict *vd, reader_t **rds)
{
	while (!rio_stop && !(ag_ended(ag, AG_OBS) && ag_ended(ag, AG_OTH))) {
		int o[2], n, s = -1;

		ag_emit_ready(ag, ts_mono_ms(), 0);
		vd_flush(vd);
		n = ag_read_order(ag, o);
		for (int i = 0; i < n && s < 0; i++)
			if (rd_has_line(rds[o[i]]))
				s = o[i];
		if (s < 0)
			s = wait_sides(ag, rds, o, n);
		if (s >= 0)
			read_side(ag, rds, s);
	}
	ag_emit_ready(ag, 0, 1);
	vd_flush(vd);
}

/* Open the other input: a file, a FIFO, /dev/fd/N from <(...), or "-". */
static reader_t *
open_against(int nfiles, char **files)
{
	int fd;

	if (strcmp(against_file, "-") == 0) {
		if (nfiles == 0)
			rio_usage_error(
			    "--against - needs the observed counts in named files");
		for (int i = 0; i < nfiles; i++)
			if (strcmp(files[i], "-") == 0)
				rio_usage_error(
				    "standard input cannot be both inputs");
		return rd_open_fd(STDIN_FILENO, "(stdin)");
	}
	rd_check_file(against_file);
	fd = open(against_file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		util_die(EX_NOINPUT, "%s: %s", against_file, strerror(errno));
	return rd_open_fd(fd, against_file);
}

/* ---- main --------------------------------------------------------------- */

static void
parse_options(int argc, char **argv)
{
	int c;

	while ((c = getopt_long(argc, argv, "b:k:" RIO_SHORTOPTS, longopts,
	                        NULL)) != -1) {
		switch (c) {
		case 'b':
			if (baseline_arg != NULL)
				rio_usage_error("give --baseline once");
			baseline_arg = optarg;
			break;
		case 'k':
			add_names(&conf.keys, optarg, "--key");
			break;
		case OPT_AGAINST:
			if (against_file != NULL)
				rio_usage_error("give --against once");
			if (*optarg == '\0')
				rio_usage_error("empty --against file name");
			against_file = optarg;
			break;
		case OPT_AGAINST_VALUE:
			if (*optarg == '\0')
				rio_usage_error("empty --against-value");
			conf.against_value = optarg;
			break;
		case OPT_IDLE:
			idle_ms = optv_duration("--idle", optarg, OPTV_ZERO_OK);
			break;
		case OPT_MAX_GROUPS:
			conf.max_groups = optv_limit("--max-groups", optarg);
			break;
		case OPT_MIN_BASELINE:
			min_baseline = (long)optv_int("--min-baseline", optarg,
			                              0, 1000000);
			break;
		case OPT_NAME:
			name_opt = optarg;
			break;
		case OPT_ON:
			add_names(&conf.on, optarg, "--on");
			break;
		case OPT_PEERS:
			if (*optarg == '\0')
				rio_usage_error("empty --peers field name");
			peers = optarg;
			break;
		case OPT_RATE:
			rate = optv_real("--rate", optarg, 0, DBL_MAX);
			rate_given = 1;
			break;
		case OPT_SAVE_EVERY:
			save_every_ms =
			    optv_duration("--save-every", optarg, OPTV_ZERO_OK);
			break;
		case OPT_LOCK_TIMEOUT:
			lock_timeout_ms = optv_duration("--lock-timeout",
			                                optarg, OPTV_ZERO_OK);
			break;
		case OPT_STAT:
			stat_median = optv_enum("--stat", optarg, stat_names);
			break;
		case OPT_STATE:
			if (*optarg == '\0')
				rio_usage_error("empty --state file name");
			state_file = optarg;
			break;
		case OPT_VALUE:
			if (*optarg == '\0')
				rio_usage_error("empty --value");
			conf.value_field = optarg;
			break;
		default:
			rio_option(c, optarg, usage);
		}
	}
}

/*
 * Read count records from the files named (or standard input) and write
 * each with its expectation; with --against, read the other stream too.
 */
int
main(int argc, char **argv)
{
	struct vd_conf vc = {0};
	struct verdict *vd;
	reader_t *rds[2];

	rio_init("tingle-compare", argc, argv);
	parse_options(argc, argv);
	check_options();
	argc -= optind;
	argv += optind;

	vc.min_baseline = min_baseline;
	vc.baseline = baseline_json.p;
	vc.peers = peers;
	vc.trials = against_file != NULL && (rate_given || peers != NULL);
	verdict = vd = vd_new(&vc);
	atexit(flush_at_exit);
	if (against_file != NULL) {
		struct against *ag =
		    ag_new(&conf, rate, idle_ms, put_compare, vd);

		rds[AG_OTH] = open_against(argc, argv);
		rds[AG_OBS] = rd_open(argc, argv);
		run_against(ag, vd, rds);
		rd_close(rds[AG_OTH]);
		rd_close(rds[AG_OBS]);
		ag_free(ag);
	} else {
		struct history *h =
		    history_new(&conf, &spec, rio_tz, state_file);

		if (state_file != NULL) {
			rio_lock_state(state_file, lock_timeout_ms);
			history_load(h);
			/* A reader that goes away must not cost the state. */
			rio_hold_epipe();
		}
		rds[0] = rd_open(argc, argv);
		run_history(h, vd, rds[0]);
		if (state_file != NULL)
			history_save(h);
		rd_close(rds[0]);
		history_free(h);
	}
	verdict = NULL;
	vd_free(vd);
	cmp_names_free(&conf.keys);
	cmp_names_free(&conf.on);
	buf_free(&baseline_json);
	return rio_finish(0);
}
