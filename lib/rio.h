/*
 * rio.h - what every stage shares around its loop: options common to all
 * tools, reading lines from files or stdin, buffered output that is
 * flushed when the input goes quiet, and the bad-input policy.
 *
 * A stage's main() is, in outline:
 *
 *	rio_init("tingle-count", argc, argv);
 *	while ((c = getopt_long(argc, argv, OPTS RIO_SHORTOPTS, longopts,
 *				NULL)) != -1) {
 *		switch (c) {
 *		...the stage's own options...
 *		default:
 *			rio_option(c, optarg, usage);
 *		}
 *	}
 *	reader_t *rd = rd_open(argc - optind, argv + optind);
 *	line_t l;
 *	while (rd_next(rd, &l, -1) == RD_LINE) {
 *		if (rec_scan(&r, l.p, l.n, &col, &msg) < 0) {
 *			rio_bad_json(&l, col, msg);
 *			continue;
 *		}
 *		...
 *		rio_out_record();
 *	}
 *	rd_close(rd);
 *	return rio_finish(0);
 */
#ifndef TINGLE_RIO_H
#define TINGLE_RIO_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

#include "util.h"

/* ---- common options ------------------------------------------------ */

/* Values of the long-only common options. */
enum {
	RIO_OPT_MAX_LINE = 0x1000,
	RIO_OPT_REJECTS,
	RIO_OPT_STRICT,
	RIO_OPT_LINE_BUFFERED,
	RIO_OPT_TZ,
	RIO_OPT_TIME_FIELD,
	RIO_OPT_VERSION,
	RIO_OPT_FIRST_FREE /* stages number their own long options from here */
};

#define RIO_SHORTOPTS "h"

/* Put RIO_LONGOPTS at the end of a stage's struct option table, before
 * the terminating {0}. */
#define RIO_LONGOPTS                                                           \
	{"help", no_argument, NULL, 'h'},                                      \
	    {"max-line", required_argument, NULL, RIO_OPT_MAX_LINE},           \
	    {"rejects", required_argument, NULL, RIO_OPT_REJECTS},             \
	    {"strict", no_argument, NULL, RIO_OPT_STRICT},                     \
	    {"line-buffered", no_argument, NULL, RIO_OPT_LINE_BUFFERED},       \
	    {"tz", required_argument, NULL, RIO_OPT_TZ},                       \
	    {"time-field", required_argument, NULL, RIO_OPT_TIME_FIELD},       \
	{                                                                      \
		"version", no_argument, NULL, RIO_OPT_VERSION                  \
	}

/* The usage lines of the common options, for a stage's --help. */
extern const char rio_common_usage[];

/* Settings from the common options. */
extern size_t rio_max_line;	   /* --max-line, default 16 MiB */
extern int rio_strict;		   /* --strict */
extern int rio_line_buffered;	   /* --line-buffered */
extern const char *rio_time_field; /* the first --time-field, or "ts" */
extern const char *rio_tz;	   /* --tz, NULL when not given */

/* Every --time-field name, in order ("a,b,c" and repeats make one list);
 * rio_ntime_fields is 0 when none was given. */
extern const char **rio_time_fields;
extern size_t rio_ntime_fields;

/* The time fields for messages: "time field 'ts'", or "time fields 'a',
 * 'b' and 'c'". */
extern const char *rio_time_field_desc;

struct rec;

/*
 * The event time field of record r: the first --time-field name that r
 * has with a value other than null, else the first it has at all, else
 * NULL.  With path set, a name is a dotted path (rec_path); else a
 * top-level member (rec_get).  Every stage finds the time this way.
 */
const char *rio_time_field_of(const struct rec *r, int path);

/* Set the program name, install signal handling (SIGPIPE ends quietly,
 * the signals of rio_stop_signals set rio_stop, SIGXFSZ is ignored so
 * that a write past the file size limit is a write error), set TZ to UTC
 * unless --tz is given. */
void rio_init(const char *prog, int argc, char **argv);

/* The signals that stop a run as SIGTERM does: SIGHUP, SIGINT, SIGTERM,
 * SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF and SIGXCPU; 0 ends the
 * list.  One that was ignored when the program started, other than
 * SIGINT and SIGTERM, stays ignored. */
extern const int rio_stop_signals[];

/*
 * For a stage that must save state before it ends (compare and alert
 * with --state): a closed standard output (EPIPE) then no longer ends the
 * stage at once by SIGPIPE.  It sets rio_stop, as a stopping signal
 * does, what is written after it is dropped, and rio_finish ends the
 * stage by SIGPIPE, after the stage has saved its state.
 */
void rio_hold_epipe(void);

/*
 * Handle a common option, or a getopt error ('?', ':'), or anything not
 * recognised.  usage(fp) prints the stage's usage.  -h prints usage to
 * stdout and exits 0; --version prints "prog VERSION" and exits 0; an
 * unknown option prints a short hint on stderr and exits 64.
 */
void rio_option(int c, const char *arg, void (*usage)(FILE *fp));

/* Print "prog: message" plus "Try 'prog --help'." and exit 64. */
void rio_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/* Set to 1 by a signal of rio_stop_signals, or by a closed standard
 * output under rio_hold_epipe.  A stage checks it between records,
 * flushes what is complete, and exits. rd_next returns RD_EOF once set. */
extern volatile int rio_stop;

/* The signal that set rio_stop, or 0 (not stopped, or stopped by a
 * closed standard output). */
int rio_stop_signal(void);

/* The read end of a pipe that a stopping signal writes a byte to, or -1
 * (before rio_init, or when no pipe could be made).  A tool that calls
 * poll() itself adds it to the set, watching for POLLIN, so a signal that
 * lands between its look at rio_stop and the poll still wakes it up.  Do
 * not read from or close it. */
int rio_stop_fd(void);

/* ---- reading lines ------------------------------------------------- */

typedef struct line {
	char *p;	   /* the line, NUL-terminated, without its newline */
	size_t n;	   /* its length */
	const char *file;  /* file name for diagnostics ("-" is "(stdin)") */
	unsigned long num; /* 1-based line number in that file */
} line_t;

typedef struct reader reader_t;

enum { RD_EOF = 0, RD_LINE = 1, RD_TIMEOUT = 2 };

/*
 * Open the named files for reading in turn; none, or "-", means stdin.
 * Files that do not exist or cannot be read are reported and the tool
 * exits 66 before anything is read.
 */
reader_t *rd_open(int nfiles, char **files);

/*
 * Check that path names an input file that can be read: one that is
 * missing, unreadable or a directory is reported as "PATH: reason" and
 * the tool exits 66.  For files named by options (tables, rules, state),
 * before anything is read.
 */
void rd_check_file(const char *path);

/*
 * Read the whole file path into b (appended; NUL-terminated, the NUL not
 * counted).  Returns 0, or -1 when the file does not exist and missing_ok
 * is set; otherwise a file that cannot be read is exit 66 as in
 * rd_check_file, a read error exit 74.
 */
int rd_slurp(const char *path, buf_t *b, int missing_ok);

/*
 * Read the state file path as rd_slurp(path, b, 1) does, but never
 * through a symbolic link: returns 0, or -1 when path does not exist; a
 * symbolic link or anything but a regular file is refused with exit 66,
 * naming the file and never quoting it.
 */
int rd_slurp_state(const char *path, buf_t *b);

/* How long --lock-timeout waits by default. */
#define RIO_LOCK_TIMEOUT_MS 10000

/*
 * Lock the state file path for the rest of the run (afile_lock: the lock
 * file path.lock, removed at exit).  Waits up to timeout_ms, then exits
 * 75 naming the process that holds the lock; SIGINT or SIGTERM while it
 * waits end the run as they do any other.  A lock file that is a symbolic
 * link or not a regular file is exit 66, one that cannot be made exit 74
 * (except where the state could not be saved either: then no lock).
 */
void rio_lock_state(const char *path, int64_t timeout_ms);

/* A reader of one already open descriptor (e.g. a second input). */
reader_t *rd_open_fd(int fd, const char *name);

/*
 * Next line.  Blocks up to timeout_ms (-1: forever) for data; returns
 * RD_LINE, RD_EOF at the end of the last file, or RD_TIMEOUT.  Before it
 * blocks, pending output is flushed, so a live pipeline sees records at
 * once.  A line longer than --max-line is reported as bad input (and
 * copied to --rejects in full) and skipped.  A final line without a
 * newline is returned as a line.  The line stays valid until the next
 * call.
 */
int rd_next(reader_t *rd, line_t *l, int timeout_ms);

/* File descriptor currently read (for poll over several readers), or -1. */
int rd_fd(reader_t *rd);

/* 1 if a complete line is already buffered. */
int rd_has_line(reader_t *rd);

void rd_close(reader_t *rd);

/* ---- output -------------------------------------------------------- */

/* The output buffer.  Append a record to it, then call rio_out_record(). */
extern buf_t rio_out;

/* End of a record: flush if --line-buffered or the buffer is large. */
void rio_out_record(void);

/* Write everything buffered.  EPIPE ends the tool quietly; other write
 * errors exit 74. */
void rio_out_flush(void);

/* ---- bad input ----------------------------------------------------- */

/*
 * Report a bad input line: "prog: file:line: message" on stderr (the first
 * 10; later ones are counted and summarised by rio_finish), the line
 * verbatim to --rejects, and under --strict exit 65 at once.
 */
void rio_bad_input(const line_t *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Report a line that rec_scan/jscan_object refused, in the one wording
 * all stages share: "invalid JSON at column 17: expected ':'" or
 * "not a JSON object". */
void rio_bad_json(const line_t *l, size_t col, const char *msg);

/* Same, for a record spanning several lines (e.g. a quoted CSV field):
 * reports first_line, rejects the given text. */
void rio_bad_input_text(const char *file, unsigned long num, const char *text,
		        size_t n, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* A diagnostic about the input that is not a rejected line (a late event,
 * a runtime type error): printed like rio_bad_input, counted with them for
 * the 10-line limit, not written to --rejects, not fatal. */
void rio_note_input(const char *file, unsigned long num, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Write a line verbatim to --rejects, when given, without reporting or
 * counting it: for input a stage sets aside with its own diagnostic
 * (tingle-count's late events), so that nothing is lost. */
void rio_reject_line(const line_t *l);

/* Number of bad lines so far. */
extern unsigned long rio_bad_count;

/* Flush output, print the summary of bad lines, close --rejects, and
 * return status (for "return rio_finish(0);"), or 128 + the signal that
 * stopped the run.  When standard output was closed (rio_hold_epipe),
 * end by SIGPIPE instead, without the summary. */
int rio_finish(int status);

/* ---- misc ---------------------------------------------------------- */

/* Wall-clock time in milliseconds since the epoch.  TINGLE_NOW (an
 * RFC 3339 time) fixes it, for tests. */
long long rio_now_ms(void);

/* Parse a non-negative size with optional K/M/G suffix (binary). */
int rio_parse_size(const char *s, size_t *out);

#endif
