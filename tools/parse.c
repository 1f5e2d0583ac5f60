/*
 * parse.c - tingle-parse: turn log lines, CSV and JSON into records.
 *
 * Reads lines from files or stdin and writes one JSON object per event.
 * Line formats (syslog, postfix, exim, clf, combined, logfmt) come from
 * lib/fmt_*.c and are read by lib/lines.c, with -e and --msg-regex
 * patterns from lib/pattern.c; CSV/TSV rows are keyed by their header
 * row in lib/csvin.c; JSON lines pass through as their original bytes
 * (lib/jsonin.c).  Every record gets its event time as "ts" in RFC 3339
 * when it has one (lib/evtime.c) and its --types (lib/ftype.c).  Lines
 * that fit nothing are bad input; this file holds the options, the loop
 * and the messages.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvin.h"
#include "evtime.h"
#include "fields.h"
#include "ftype.h"
#include "json.h"
#include "jsonin.h"
#include "lines.h"
#include "optv.h"
#include "pattern.h"
#include "rio.h"
#include "sniff.h"
#include "util.h"

enum {
	OPT_KEEP_UNMATCHED = RIO_OPT_FIRST_FREE,
	OPT_TIME_FORMAT,
	OPT_TYPES,
	OPT_YEAR,
	OPT_HOLD,
	OPT_MAX_FIELD_LINES,
	OPT_SPLIT,
	OPT_MSG_REGEX,
};

/* How a format reads its input. */
enum {
	IN_LINE, /* one line, one record: a lib/fmt_* function or -e */
	IN_CSV,  /* rows under a header, possibly spanning lines */
	IN_JSON, /* JSON objects, or arrays of them, passed through */
};

static const struct format {
	const char *name;
	int kind;
	fmt_fn fn;
	char sep;
	int cont; /* has continuation lines (FMT_CONT) */
} formats[] = {
    {"clf", IN_LINE, fmt_clf, 0, 0},
    {"combined", IN_LINE, fmt_combined, 0, 0},
    {"csv", IN_CSV, NULL, ',', 0},
    {"exim", IN_LINE, fmt_exim, 0, 1},
    {"json", IN_JSON, NULL, 0, 0},
    {"logfmt", IN_LINE, fmt_logfmt, 0, 0},
    {"postfix", IN_LINE, fmt_postfix, 0, 1},
    {"sendmail", IN_LINE, fmt_sendmail, 0, 1},
    {"syslog", IN_LINE, fmt_syslog, 0, 1},
    {"tsv", IN_CSV, NULL, '\t', 0},
};

/* Settings. */
static const struct format *fmt;
static struct pat_set pats;    /* -e */
static struct pat_set mpats;   /* --msg-regex */
static struct ftypes types;    /* --types */
static int keep_unmatched;     /* --keep-unmatched */
static int64_t hold_ms = 1000; /* --hold */

/* Working state, reused from line to line. */
static struct evtime et; /* --time-field, --time-format, --year */
static struct lines lns; /* line formats and -e */
static fields_t pf;      /* -e fields of a line -f json cannot read */
static buf_t why;        /* reason a line is rejected */
static buf_t tmp;        /* messages */
static buf_t linebuf;    /* a line with its CR removed */

/* What the run made of its input, for the summary of a run in which
 * every line was bad. */
static unsigned long nlines;   /* lines read, blank ones not counted */
static unsigned long nrec;     /* records written */
static unsigned long nreject;  /* lines (or rows) rejected here */
static buf_t first_bad;        /* "file:line: reason" of the first */
static const char *first_hint; /* a guess at what the input is, or NULL */

static unsigned long max_field_lines = 1000; /* --max-field-lines */
static struct csvin csv;
static struct jsonin jin;

static void
usage(FILE *fp)
{
	fprintf(
	    fp,
	    "usage: tingle-parse -f FORMAT [-e REGEX]... [options] [FILE...]\n"
	    "       tingle-parse -e REGEX [-e REGEX]... [options] [FILE...]\n"
	    "\n"
	    "Turn log lines, CSV and JSON into NDJSON records.\n"
	    "\n"
	    "  -f, --format FORMAT   syslog, postfix, exim, sendmail, clf, combined,\n"
	    "                        logfmt, csv, tsv or json\n"
	    "  -e, --regex REGEX     PCRE2 pattern whose named groups become fields;\n"
	    "                        repeatable, first match wins; with -f, tried\n"
	    "                        on lines the format does not match\n"
	    "      --types LIST      FIELD:TYPE,... with TYPE int, float, bool\n"
	    "                        or string\n"
	    "      --time-format FMT strptime(3) format of the time field (default:\n"
	    "                        RFC 3339/ISO 8601 or epoch s/ms)\n"
	    "      --year YYYY       year of syslog stamps and --time-format times\n"
	    "                        that have none\n"
	    "      --hold DURATION   when the input pauses, wait this long for\n"
	    "                        a continuation line before writing the\n"
	    "                        last record (default 1s)\n"
	    "      --keep-unmatched  write bad lines as {\"_raw\": LINE} instead\n"
	    "                        of rejecting them\n"
	    "      --msg-regex REGEX PCRE2 pattern matched against the msg of each\n"
	    "                        line the format parsed; its named groups\n"
	    "                        become fields; repeatable, first match wins\n"
	    "      --split PATH      with -f json, one record per element of the\n"
	    "                        array at PATH, which holds that element\n"
	    "      --max-field-lines N\n"
	    "                        most lines a quoted CSV/TSV field may span\n"
	    "                        (default 1000)\n"
	    "%s",
	    rio_common_usage);
}

/* ---- small helpers ------------------------------------------------- */

/* The end of a record in rio_out. */
static void
out_record(void)
{
	nrec++;
	rio_out_record();
}

static void
write_fields(const fields_t *fs)
{
	fields_write(fs, &rio_out);
	buf_addc(&rio_out, '\n');
	out_record();
}

/*
 * An exit from inside the reader (--strict meeting a line longer than
 * --max-line, a read error) must not lose the held record: it came
 * before the line that stopped the run.
 */
static void
emit_held_at_exit(void)
{
	if (lines_held(&lns)) {
		lines_flush(&lns);
		rio_out_flush();
	}
}

/*
 * A line (or multi-line CSV row) that cannot become a record: reported
 * as bad input, or written as {"_raw": TEXT} under --keep-unmatched.
 */
static void reject(const char *file, unsigned long num, const char *line,
                   size_t n, const char *msgfmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
reject(const char *file, unsigned long num, const char *line, size_t n,
       const char *msgfmt, ...)
{
	char msg[1024];
	va_list ap;

	if (keep_unmatched) {
		lines_flush(&lns);
		buf_adds(&rio_out, "{\"_raw\":");
		jw_str(&rio_out, line, n);
		buf_adds(&rio_out, "}\n");
		out_record();
		return;
	}
	va_start(ap, msgfmt);
	vsnprintf(msg, sizeof msg, msgfmt, ap);
	va_end(ap);
	if (nreject++ == 0) {
		buf_printf(&first_bad, "%s:%lu: %s", file, num, msg);
		first_hint = sniff_line(num, line, n, fmt ? fmt->name : NULL,
		                        fmt != NULL && fmt->kind == IN_CSV,
		                        lns.ctx.now_sec, lns.ctx.year);
	}
	rio_bad_input_text(file, num, line, n, "%s", msg);
}

/* ---- options ------------------------------------------------------- */

static const struct format *
find_format(const char *name)
{
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (strcmp(formats[i].name, name) == 0)
			return &formats[i];
	return NULL;
}

static unsigned long
parse_field_lines(const char *arg)
{
	return (unsigned long)optv_int("--max-field-lines", arg, 1, 1000000);
}

static int
parse_year(const char *arg)
{
	return (int)optv_int("--year", arg, 1, 9999);
}

/* ---- -e patterns --------------------------------------------------- */

static void
compile_patterns(void)
{
	buf_t err = BUF_INIT;

	if (pat_compile(&pats, &err) < 0 || pat_compile(&mpats, &err) < 0)
		util_die(EX_USAGE, "%s", err.p);
}

/* ---- records -------------------------------------------------------- */

/* Time and types of a record's fields.  Returns 0 or -1 with w set. */
static int
finish_fields(void *arg, fields_t *fs, buf_t *w)
{
	(void)arg;
	if (evtime_fields(&et, fs, w) < 0)
		return -1;
	return ftypes_fields(&types, fs, w);
}

static void
on_write(void *arg, const fields_t *fs)
{
	(void)arg;
	write_fields(fs);
}

static void
on_reject(void *arg, const char *file, unsigned long num, const char *text,
          size_t n, const char *msg)
{
	(void)arg;
	reject(file, num, text, n, "%s", msg);
}

/* ---- CSV and JSON -------------------------------------------------- */

/*
 * A CSV file whose header row has no column for --time-field would make
 * every row bad input: stop at its header instead, with exit 65, naming
 * the columns that come close.
 */
static void
check_time_column(void *arg, const struct csvin *c)
{
	(void)arg;
	if (!et.required)
		return;
	for (size_t k = 0; k < rio_ntime_fields; k++)
		if (csvin_has_column(c, rio_time_fields[k], NULL))
			return;
	buf_reset(&tmp);
	for (size_t k = 0; k < rio_ntime_fields && tmp.len == 0; k++)
		csvin_has_column(c, rio_time_fields[k], &tmp);
	util_die(EX_DATAERR,
	         "%s:%lu: the header row has no column for the %s%s",
	         csvin_file(c), csvin_rownum(c), rio_time_field_desc,
	         tmp.p ? tmp.p : "");
}

static void
csv_row(void *arg, fields_t *fs, const char *file, unsigned long num,
        const char *rowtext, size_t n)
{
	(void)arg;
	if (finish_fields(NULL, fs, &why) < 0) {
		reject(file, num, rowtext, n, "%s", why.p);
		return;
	}
	write_fields(fs);
}

static int
json_fix(void *arg, rec_t *r, buf_t *w)
{
	(void)arg;
	if (evtime_json(&et, r, rio_time_field_of(r, 1), w) < 0)
		return -1;
	return types.n > 0 ? ftypes_json(&types, r, w) : 0;
}

static void
step_json(const line_t *l, const char *p, size_t n)
{
	long w = jsonin_line(&jin, p, n, (size_t)(p - l->p), &rio_out, &why);
	int rc = FMT_NOMATCH;

	if (w == JSONIN_NOT_OBJECT && pats.n > 0) {
		/* Not a JSON object: the -e patterns get their chance. */
		fields_reset(&pf);
		rc = pat_match(&pats, p, n, &pf, &why);
		if (rc == FMT_OK && finish_fields(NULL, &pf, &why) == 0) {
			write_fields(&pf);
			return;
		}
		if (rc == FMT_NOMATCH)
			buf_adds(&why, ", and no -e pattern matches");
	}
	if (w < 0) {
		reject(l->file, l->num, l->p, l->n, "%s", why.p);
		return;
	}
	while (w-- > 0)
		out_record();
}

/* ---- the loop ------------------------------------------------------ */

static void
step(const line_t *l)
{
	const char *p = l->p;
	size_t n = l->n;

	if (fmt != NULL && fmt->kind == IN_CSV) {
		nlines++;
		csvin_line(&csv, l->file, l->num, l->p, l->n);
		return;
	}
	/* A BOM opening a file and a CR ending a line are not content. */
	if (l->num == 1 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3, n -= 3;
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (n == 0)
		return;
	nlines++;
	if (fmt != NULL && fmt->kind == IN_JSON) {
		step_json(l, p, n);
		return;
	}
	/* Line formats want the text NUL-terminated. */
	if (p[n] != '\0') {
		buf_reset(&linebuf);
		buf_add(&linebuf, p, n);
		p = linebuf.p;
	}
	lines_step(&lns, l->file, l->num, l->p, l->n, p, n);
}

/*
 * Read every line.  A record is held until the next line shows whether it
 * continues it.  When the input pauses, everything before the held record
 * is flushed and the reader waits up to --hold for the next line (a
 * writer may split a record and its continuation across two writes); if
 * none comes the held record is written, so a live stream waits on it for
 * no longer than that.  Formats without continuation lines do not wait.
 */
static void
run(reader_t *rd)
{
	int wait = fmt != NULL && fmt->cont ? (int)hold_ms : 0;
	line_t l;
	int r;

	while ((r = rd_next(rd, &l, lines_held(&lns) ? wait : -1)) != RD_EOF) {
		if (r == RD_TIMEOUT)
			lines_pause(&lns);
		else
			step(&l);
	}
	lines_flush(&lns);
	if (fmt != NULL && fmt->kind == IN_CSV)
		csvin_end(&csv);
}

/*
 * End the run.  When it had input and not one line became a record (a
 * compressed file, the wrong -f), say so in one line and exit 65: a
 * script must not take an empty output for a quiet day.
 */
static int
finish(void)
{
	int status = rio_finish(0);
	int csv_rows = fmt != NULL && fmt->kind == IN_CSV;
	/* the lines the reader refused (too long) are bad input too */
	unsigned long n =
	    (csv_rows ? nreject : nlines) + rio_bad_count - nreject;
	const char *what =
	    csv_rows ? (n == 1 ? "row" : "rows") : (n == 1 ? "line" : "lines");

	if (status != 0 || nrec > 0 || rio_bad_count == 0)
		return status;
	buf_reset(&tmp);
	if (fmt != NULL)
		buf_printf(&tmp, "0 of %lu %s read as %s", n, what, fmt->name);
	else
		buf_printf(&tmp, "0 of %lu %s matched the -e patterns", n,
		           what);
	if (first_bad.len > 0)
		buf_printf(&tmp, "; first: %s", first_bad.p);
	if (first_hint != NULL)
		buf_printf(&tmp, "; %s", first_hint);
	util_warnmsg("%s", tmp.p);
	buf_free(&tmp);
	buf_free(&first_bad);
	return EX_DATAERR;
}

static void
cleanup(void)
{
	pat_free(&pats);
	pat_free(&mpats);
	ftypes_free(&types);
	csvin_free(&csv);
	evtime_free(&et);
	jsonin_free(&jin);
	lines_free(&lns);
	fields_free(&pf);
	buf_free(&why);
	buf_free(&tmp);
	buf_free(&linebuf);
}

/*
 * tingle-parse reads lines in the chosen format and writes one NDJSON
 * record per event on stdout; lines that fit nothing are bad input.
 */
int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"regex", required_argument, NULL, 'e'},
	    {"keep-unmatched", no_argument, NULL, OPT_KEEP_UNMATCHED},
	    {"time-format", required_argument, NULL, OPT_TIME_FORMAT},
	    {"types", required_argument, NULL, OPT_TYPES},
	    {"year", required_argument, NULL, OPT_YEAR},
	    {"hold", required_argument, NULL, OPT_HOLD},
	    {"max-field-lines", required_argument, NULL, OPT_MAX_FIELD_LINES},
	    {"split", required_argument, NULL, OPT_SPLIT},
	    {"msg-regex", required_argument, NULL, OPT_MSG_REGEX},
	    RIO_LONGOPTS,
	    {0},
	};
	reader_t *rd;
	int c;

	rio_init("tingle-parse", argc, argv);
	while ((c = getopt_long(argc, argv, "e:f:" RIO_SHORTOPTS, longopts,
	                        NULL)) != -1) {
		switch (c) {
		case 'e':
			pat_add(&pats, optarg);
			break;
		case 'f':
			if ((fmt = find_format(optarg)) == NULL)
				rio_usage_error("unknown format '%s'", optarg);
			break;
		case OPT_KEEP_UNMATCHED:
			keep_unmatched = 1;
			break;
		case OPT_TIME_FORMAT:
			et.format = optarg;
			break;
		case OPT_TYPES:
			if (ftypes_parse(&types, optarg, &tmp) < 0)
				rio_usage_error("%s", tmp.p);
			break;
		case OPT_YEAR:
			et.year = parse_year(optarg);
			break;
		case OPT_HOLD:
			hold_ms = optv_duration("--hold", optarg, OPTV_ZERO_OK);
			if (hold_ms > 3600000)
				rio_usage_error(
				    "invalid --hold '%s' (at most 1h)", optarg);
			break;
		case OPT_MAX_FIELD_LINES:
			max_field_lines = parse_field_lines(optarg);
			break;
		case OPT_MSG_REGEX:
			pat_add(&mpats, optarg);
			break;
		case OPT_SPLIT:
			if (optarg[0] == '\0')
				rio_usage_error("empty --split path");
			jin.split = optarg;
			break;
		case RIO_OPT_TIME_FIELD:
			et.required = 1;
			rio_option(c, optarg, usage);
			break;
		default:
			rio_option(c, optarg, usage);
		}
	}
	if (fmt == NULL && pats.n == 0)
		rio_usage_error("no format: give -f FORMAT or -e REGEX");
	if (mpats.n > 0 && (fmt == NULL || fmt->kind != IN_LINE))
		rio_usage_error("--msg-regex needs -f with a log line format");
	if (jin.split != NULL && (fmt == NULL || fmt->kind != IN_JSON))
		rio_usage_error("--split needs -f json");
	if (fmt != NULL && fmt->kind == IN_CSV && pats.n > 0)
		rio_usage_error("-e cannot be combined with -f %s", fmt->name);
	compile_patterns();
	{
		static const struct lines_ops ops = {finish_fields, on_write,
		                                     on_reject};
		lines_init(&lns, fmt ? fmt->name : NULL, fmt ? fmt->fn : NULL,
		           &pats, &mpats, rio_max_line, &ops, NULL);
	}
	lns.ctx.year = et.year;
	lns.ctx.now_sec = et.now_sec = rio_now_ms() / 1000;
	et.names = rio_time_fields;
	et.nnames = rio_ntime_fields;
	et.name = rio_time_field;
	et.desc = rio_time_field_desc;
	if (fmt != NULL && fmt->kind == IN_CSV) {
		static const struct csvin_ops ops = {csv_row, on_reject,
		                                     check_time_column};
		csvin_init(&csv, fmt->sep, max_field_lines, rio_max_line, &ops,
		           NULL);
		csv.stop = &rio_stop;
	}
	jin.fix = json_fix;

	atexit(emit_held_at_exit);
	rd = rd_open(argc - optind, argv + optind);
	run(rd);
	rd_close(rd);
	cleanup();
	return finish();
}
