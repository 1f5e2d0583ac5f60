/*
 * tingle-report - draw what tingle-compare and tingle-alert found: one
 * self-contained HTML page (or text with --text) with a summary of the
 * alert episodes per rule and week, and per group the observed counts
 * against the expected ones and their band, most significant first.
 *
 * Records with an "alert" field are alerts; all others are windows.
 * The report is written once the input ends, to standard output or
 * atomically to -o FILE.  The engine and the renderers are lib/report*.c.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"
#include "json.h"
#include "optv.h"
#include "report.h"
#include "rio.h"

enum {
	OPT_TEXT = RIO_OPT_FIRST_FREE,
	OPT_TITLE,
	OPT_MAX_CHARTS,
	OPT_MAX_ROWS,
	OPT_VALUE,
};

static const struct option longopts[] = {
    {"output", required_argument, NULL, 'o'},
    {"text", no_argument, NULL, OPT_TEXT},
    {"title", required_argument, NULL, OPT_TITLE},
    {"max-charts", required_argument, NULL, OPT_MAX_CHARTS},
    {"max-rows", required_argument, NULL, OPT_MAX_ROWS},
    {"value", required_argument, NULL, OPT_VALUE},
    RIO_LONGOPTS,
    {NULL, 0, NULL, 0}};

static void
usage(FILE *fp)
{
	fprintf(
	    fp,
	    "usage: tingle-report [-o FILE] [--text] [--title TITLE] [--max-charts N]\n"
	    "                     [--max-rows N] [--value FIELD] [FILE ...]\n"
	    "\n"
	    "Draw compared windows and alerts: a self-contained HTML page, or text.\n"
	    "\n"
	    "  -o, --output FILE   write the report to FILE (replaced atomically)\n"
	    "  --text              text of 80 columns with sparklines, not HTML\n"
	    "  --title TITLE       the report's title (default: tingle report)\n"
	    "  --max-charts N      draw the N most significant groups, list the rest\n"
	    "                      (default 60; 0: all)\n"
	    "  --max-rows N        rows of each list: weeks, episodes, other groups\n"
	    "                      (default 500)\n"
	    "  --value FIELD       the observed value (default count)\n"
	    "\n"
	    "Records with an \"alert\" field are alerts (tingle-alert); any other is a\n"
	    "window (tingle-compare or tingle-count) and needs window_start, window_end\n"
	    "and the observed value.  --tz sets the zone of the dates shown.\n"
	    "\n%s",
	    rio_common_usage);
}

/* Every record of the input into the report; bad ones reported. */
static void
read_input(report_t *rp, int nfiles, char **files)
{
	reader_t *rd = rd_open(nfiles, files);
	rec_t r;
	line_t l;

	memset(&r, 0, sizeof r);
	while (rd_next(rd, &l, -1) == RD_LINE) {
		size_t col;
		const char *msg;
		if (rec_scan(&r, l.p, l.n, &col, &msg) < 0) {
			rio_bad_json(&l, col, msg);
			continue;
		}
		if (report_add(rp, &r, &msg) < 0)
			rio_bad_input(&l, "%s", msg);
	}
	rd_close(rd);
	rec_free(&r);
}

/* Write the report to path through a temporary file and a rename, so
 * that a reader never sees half a page.  0 or -1 (reported). */
static int
write_file(const char *path, const buf_t *b)
{
	const char *what;

	if (afile_write(path, b->p, b->len, &what) == 0)
		return 0;
	if (strcmp(what, "create") == 0)
		util_warnmsg("cannot create a temporary file for '%s': %s",
		             path, strerror(errno));
	else
		util_warnmsg("cannot write '%s': %s: %s", path, what,
		             strerror(errno));
	return -1;
}

/*
 * Options, the input into the report, then the report, to standard
 * output or -o FILE.  A run stopped by a signal writes no report.
 */
int
main(int argc, char **argv)
{
	struct report_opts o = {NULL, NULL, 60, 500};
	const char *out_path = NULL, *value = NULL;
	int text = 0, c, status = 0;

	rio_init("tingle-report", argc, argv);
	while ((c = getopt_long(argc, argv, "o:" RIO_SHORTOPTS, longopts,
	                        NULL)) != -1) {
		switch (c) {
		case 'o':
			if (*optarg == '\0')
				rio_usage_error("empty -o file name");
			out_path = optarg;
			break;
		case OPT_TEXT:
			text = 1;
			break;
		case OPT_TITLE:
			o.title = optarg;
			break;
		case OPT_MAX_CHARTS:
			o.max_charts = (size_t)optv_int("--max-charts", optarg,
			                                0, 1000000);
			break;
		case OPT_MAX_ROWS:
			o.max_rows =
			    (size_t)optv_int("--max-rows", optarg, 0, 1000000);
			break;
		case OPT_VALUE:
			if (*optarg == '\0')
				rio_usage_error("empty --value field name");
			value = optarg;
			break;
		default:
			rio_option(c, optarg, usage);
		}
	}
	o.zone = rio_tz;

	report_t *rp = report_new(value);
	read_input(rp, argc - optind, argv + optind);
	if (rio_stop) {
		report_free(rp);
		return rio_finish(0);
	}
	report_finish(rp);

	if (out_path == NULL) {
		if (text)
			report_text(rp, &o, &rio_out);
		else
			report_html(rp, &o, &rio_out);
	} else {
		buf_t b = BUF_INIT;
		if (text)
			report_text(rp, &o, &b);
		else
			report_html(rp, &o, &b);
		if (write_file(out_path, &b) < 0)
			status = EX_IOERR;
		buf_free(&b);
	}
	report_free(rp);
	return rio_finish(status);
}
