/*
 * tingle-count - windowed group-by counts over event time: options, the
 * loop and the messages; the engine is lib/count.c.
 *
 * Every event goes into the slot of the window grid that holds its time
 * (window.h: a slot is one hop of --every, or the whole window when
 * windows tumble) and, in that slot, into the cell of its group: a count
 * and the state of each aggregate.  A window is the sum of its slots.  It
 * is written once the watermark (the latest event time less --lateness)
 * passes its end, with one record per group that had events in it, and a
 * count of 0 for every group that is known but silent: seen in an earlier
 * window and not yet forgotten, or seeded by --keys.
 *
 * Records are read with the record layer (json.h): no tree per record.
 * Groups live in one hash table keyed by the canonical text of their key
 * values (key.h: "\u0061" and "a", or 1 and 1.0, are one group), and
 * keep the text of their first record to write; each slot holds a dense
 * array of cells indexed by group number.
 * So memory is the groups plus open slots x groups x cell size, and one
 * event costs a scan, a hash lookup and a few additions.
 *
 * --partial writes the state of each slot and group instead of windows
 * (no zeros), and --merge reads such records from any number of shards,
 * adds them up and then writes windows exactly as a single run would.
 */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count.h"
#include "fieldseen.h"
#include "jtable.h"
#include "json.h"
#include "optv.h"
#include "rio.h"
#include "ttime.h"
#include "util.h"

/* ==== options ============================================================ */

enum {
	OPT_EVERY = RIO_OPT_FIRST_FREE,
	OPT_DISTINCT,
	OPT_SUM,
	OPT_MIN,
	OPT_MAX,
	OPT_AVG,
	OPT_LATENESS,
	OPT_LATE,
	OPT_LATE_KEEP,
	OPT_FORGET,
	OPT_KEYS,
	OPT_IDLE,
	OPT_WEEK_START,
	OPT_PARTIAL,
	OPT_MERGE,
	OPT_MAX_GROUPS,
	OPT_MAX_AHEAD,
	OPT_MAX_FILL,
	OPT_OPEN,
	OPT_EACH,
};

static const struct option longopts[] = {
    {"window", required_argument, NULL, 'w'},
    {"every", required_argument, NULL, OPT_EVERY},
    {"key", required_argument, NULL, 'k'},
    {"distinct", required_argument, NULL, OPT_DISTINCT},
    {"sum", required_argument, NULL, OPT_SUM},
    {"min", required_argument, NULL, OPT_MIN},
    {"max", required_argument, NULL, OPT_MAX},
    {"avg", required_argument, NULL, OPT_AVG},
    {"lateness", required_argument, NULL, OPT_LATENESS},
    {"late", required_argument, NULL, OPT_LATE},
    {"late-keep", required_argument, NULL, OPT_LATE_KEEP},
    {"forget", required_argument, NULL, OPT_FORGET},
    {"keys", required_argument, NULL, OPT_KEYS},
    {"idle", required_argument, NULL, OPT_IDLE},
    {"week-start", required_argument, NULL, OPT_WEEK_START},
    {"partial", no_argument, NULL, OPT_PARTIAL},
    {"merge", no_argument, NULL, OPT_MERGE},
    {"max-groups", required_argument, NULL, OPT_MAX_GROUPS},
    {"max-ahead", required_argument, NULL, OPT_MAX_AHEAD},
    {"max-fill", required_argument, NULL, OPT_MAX_FILL},
    {"open", required_argument, NULL, OPT_OPEN},
    {"each", required_argument, NULL, OPT_EACH},
    RIO_LONGOPTS,
    {NULL, 0, NULL, 0},
};

static void
usage(FILE *fp)
{
	fprintf(
	    fp,
	    "usage: tingle-count -w DURATION|all [-k FIELD]... [options] [FILE...]\n"
	    "\n"
	    "Count records per event-time window and group; groups that fall silent get\n"
	    "a count of 0.\n"
	    "\n"
	    "Windows and groups:\n"
	    "  -w, --window DURATION  window width (5m, 1h, 1d, 1w, ...); whole days are\n"
	    "                         calendar days in --tz, also with --every\n"
	    "  -w all                 one window over the whole input, written at its end\n"
	    "  --every DURATION       start a window every DURATION (hopping windows)\n"
	    "  -k, --key FIELD        group by FIELD (dotted path); repeatable; not a\n"
	    "                         name count writes (count, window_start, sum_F, ...)\n"
	    "  --each F1,F2,...       count each record once in each field's group, written\n"
	    "                         as \"dimension\" and \"value\" after the -k fields\n"
	    "  --week-start mon|sun   first day of week windows (default mon)\n"
	    "Aggregates (each repeatable; count is always written):\n"
	    "  --distinct FIELD       number of distinct values\n"
	    "  --sum FIELD, --min FIELD, --max FIELD, --avg FIELD\n"
	    "Time:\n"
	    "  --lateness DURATION    watermark = latest event time less DURATION (default 0)\n"
	    "  --lateness all         keep every window open until the end of input\n"
	    "  --late report|emit     late events are reported (default) or emitted as\n"
	    "                         corrected records with \"revision\"\n"
	    "  --late-keep DURATION   with --late emit: how long a written window can be\n"
	    "                         revised (default: the window width)\n"
	    "  --idle DURATION        after DURATION without input, move the watermark\n"
	    "                         on with the wall clock\n"
	    "  --open hold|emit       at the end of input, windows the clock has not ended\n"
	    "                         are held back (default) or written with \"open\":true\n"
	    "Silence:\n"
	    "  --forget DURATION      stop writing zeros for a group silent that long\n"
	    "                         (default: never)\n"
	    "  --keys FILE            seed the groups from an NDJSON or CSV file\n"
	    "Scale-out and limits:\n"
	    "  --partial              write mergeable partial aggregates\n"
	    "  --merge                combine partial aggregates into windows\n"
	    "  --max-groups N         stop (exit 70) beyond N groups (default 10000000)\n"
	    "  --max-ahead DURATION   reject events more than DURATION ahead of the clock\n"
	    "                         (default 1d; 0: no limit)\n"
	    "  --max-fill N           write zeros for at most N windows when the watermark\n"
	    "                         jumps (default 10000; 0: no limit)\n"
	    "\n%s",
	    rio_common_usage);
}

/* The name of the option whose value is c, for messages. */
static const char *
option_name(int c)
{
	for (const struct option *o = longopts; o->name != NULL; o++)
		if (o->val == c)
			return c < 256 ? "w" : o->name;
	return "?";
}

static void
seed(const rec_t *r, void *cn)
{
	count_seed(cn, r);
}

/*
 * tingle-count reads NDJSON records (or, with --merge, partial records)
 * and writes one record per window and group.
 */
/* Watch the field names of n field paths, read by option what. */
static void
watch_fields(struct fieldseen *fs, const char **paths, size_t n,
             const char *what)
{
	/* A dotted path may name a field of that very name: only plain
	 * names are watched. */
	for (size_t i = 0; i < n; i++)
		if (strchr(paths[i], '.') == NULL)
			fieldseen_watch(fs, paths[i], what, 0);
}

static const char *const late_names[] = {"report", "emit", NULL};
static const char *const open_names[] = {"hold", "emit", NULL};
static const char *const week_names[] = {"mon", "monday", "sun", "sunday",
                                         NULL};

int
main(int argc, char **argv)
{
	int c, have_width = 0, merge_mode = 0;
	const char *keys_file = NULL, *err;
	struct count_conf cf;
	struct count *cn;

	rio_init("tingle-count", argc, argv);
	count_conf_init(&cf);
	while ((c = getopt_long(argc, argv, "w:k:" RIO_SHORTOPTS, longopts,
	                        NULL)) != -1) {
		int64_t *dur = NULL;
		switch (c) {
		case 'w':
			have_width = 1;
			cf.all = strcmp(optarg, "all") == 0;
			if (!cf.all)
				dur = &cf.width;
			break;
		case OPT_EVERY:
			dur = &cf.every;
			break;
		case OPT_LATENESS:
			cf.lateness_all = strcmp(optarg, "all") == 0;
			if (!cf.lateness_all)
				dur = &cf.lateness;
			break;
		case OPT_LATE_KEEP:
			dur = &cf.late_keep;
			break;
		case OPT_FORGET:
			dur = &cf.forget;
			break;
		case OPT_IDLE:
			dur = &cf.idle;
			break;
		case OPT_MAX_AHEAD:
			dur = &cf.max_ahead;
			cf.max_ahead_arg = optarg;
			break;
		case OPT_MAX_FILL:
			cf.max_fill =
			    optv_int("--max-fill", optarg, 0, LLONG_MAX);
			break;
		case 'k':
			if ((err = count_conf_key(&cf, optarg)) != NULL)
				rio_usage_error("%s", err);
			break;
		case OPT_DISTINCT:
		case OPT_SUM:
		case OPT_MIN:
		case OPT_MAX:
		case OPT_AVG:
			err = count_conf_agg(&cf, c - OPT_DISTINCT, optarg);
			if (err != NULL)
				rio_usage_error("%s", err);
			break;
		case OPT_LATE:
			cf.late_emit = optv_enum("--late", optarg, late_names);
			break;
		case OPT_EACH:
			if ((err = count_conf_each(&cf, optarg)) != NULL)
				rio_usage_error("%s", err);
			break;
		case OPT_OPEN:
			cf.open_emit = optv_enum("--open", optarg, open_names);
			break;
		case OPT_KEYS:
			keys_file = optarg;
			break;
		case OPT_WEEK_START:
			/* mon, monday: 0; sun, sunday: 6 */
			cf.week_start =
			    optv_enum("--week-start", optarg, week_names) < 2
			        ? 0
			        : 6;
			break;
		case OPT_PARTIAL:
			cf.partial = 1;
			break;
		case OPT_MERGE:
			merge_mode = 1;
			break;
		case OPT_MAX_GROUPS:
			cf.max_groups = optv_limit("--max-groups", optarg);
			break;
		default:
			rio_option(c, optarg, usage);
		}
		if (dur != NULL) {
			char opt[40];
			snprintf(opt, sizeof opt, "%s%s", c == 'w' ? "-" : "--",
			         option_name(c));
			*dur = optv_duration(opt, optarg, OPTV_ZERO_OK);
		}
	}
	if (cf.all && cf.every > 0)
		rio_usage_error("-w all is one window: --every does not apply");
	if (cf.width == 0 && !cf.all)
		rio_usage_error(have_width
		                    ? "the window width must be more than 0"
		                    : "a window width is needed: -w DURATION");
	if (cf.partial && merge_mode)
		rio_usage_error("--partial and --merge do not go together");
	if (merge_mode && cf.idle > 0)
		rio_usage_error(
		    "--merge reads partial records to their end; --idle does not apply");
	cf.time_field = rio_time_field;
	cf.tz = rio_tz;
	if ((cn = count_new(&cf, &err)) == NULL)
		rio_usage_error("%s", err);
	if (keys_file != NULL)
		jtable_each(keys_file, JTABLE_AUTO, cf.keys, cf.nkeys, seed,
		            cn);

	/* -k and --each fields that no record has are told at the end. */
	struct fieldseen *seen = fieldseen_new();
	watch_fields(seen, cf.keys, cf.nkeys, "-k");
	watch_fields(seen, (const char **)cf.each, cf.neach, "--each");
	if (!merge_mode)
		count_watch(cn, seen);

	reader_t *rd = rd_open(argc - optind, argv + optind);
	line_t l;
	count_start(cn);
	for (;;) {
		int r = rd_next(rd, &l, count_idle_timeout(cn));
		if (r == RD_EOF)
			break;
		if (r == RD_TIMEOUT) {
			count_idle_tick(cn);
			continue;
		}
		count_input(cn);
		if (merge_mode)
			count_merge_line(cn, &l);
		else
			count_line(cn, &l);
	}
	rd_close(rd);
	if (!rio_stop)
		count_finish(cn);
	fieldseen_warn(seen);
	for (size_t i = 0; i < cf.naggs; i++) {
		const char *field;
		size_t nbad = count_agg_nbad(cn, i, &field);
		if (nbad > 0)
			util_warnmsg(
			    "'%s': %zu value%s not a number, left out of its aggregates",
			    field, nbad, nbad == 1 ? " was" : "s were");
	}
	unsigned long late_dropped = count_late_dropped(cn);
	if (late_dropped > 0)
		util_warnmsg(
		    "%lu late event%s not counted (%s window%s had been written)",
		    late_dropped, late_dropped == 1 ? " was" : "s were",
		    late_dropped == 1 ? "its" : "their",
		    late_dropped == 1 ? "" : "s");
	count_free(cn);
	fieldseen_free(seen);
	count_conf_free(&cf);
	return rio_finish(0);
}
