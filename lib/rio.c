/*
 * rio.c - common options, line input, buffered output, bad input.
 */
#include "rio.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "afile.h"
#include "json.h"
#include "optv.h"
#include "ttime.h"

size_t rio_max_line = 16u << 20;
int rio_strict;
int rio_line_buffered;
const char *rio_time_field = "ts";
const char **rio_time_fields;
size_t rio_ntime_fields;
const char *rio_time_field_desc = "time field 'ts'";
const char *rio_tz;
volatile int rio_stop;
unsigned long rio_bad_count;
buf_t rio_out = BUF_INIT;

static const char *rejects_name;
static FILE *rejects_fp;
static int rejects_dirty;        /* written to since the last flush */
static unsigned long diag_shown; /* diagnostics printed */
static unsigned long diag_total; /* diagnostics in all */
static unsigned long bad_shown;  /* of diag_shown, about bad lines */
static int stop_signal;
static int hold_epipe; /* a closed output stops the run (rio_hold_epipe) */
static int out_closed; /* standard output is closed: EPIPE seen */
/* A signal that stops the run also writes a byte here, so a poll that
 * started just after the last look at rio_stop still wakes up. */
static int stop_pipe[2] = {-1, -1};

#define DIAG_MAX 10
#define OUT_FLUSH_AT (64u << 10)
#define READ_CHUNK (128u << 10)

const char rio_common_usage[] =
    "Common options:\n"
    "  --time-field NAME[,NAME...]\n"
    "                     event time: the first of these fields a record has\n"
    "                     (default ts)\n"
    "  --tz ZONE          IANA time zone for reading and writing times (default UTC)\n"
    "  --rejects FILE     write each bad input line verbatim to FILE\n"
    "  --strict           stop at the first bad input line (exit 65)\n"
    "  --max-line SIZE    longest accepted line (default 16M)\n"
    "  --line-buffered    flush output after every record\n"
    "  -h, --help         show this help and exit\n"
    "  --version          show the version and exit\n";

/* ==== options and signals ============================================== */

static void
on_stop(int sig)
{
	int e = errno;

	rio_stop = 1;
	stop_signal = sig;
	if (stop_pipe[1] >= 0) {
		ssize_t w = write(stop_pipe[1], "", 1);
		(void)w; /* full already: the poll wakes up anyway */
	}
	errno = e;
}

int
rio_stop_fd(void)
{
	return stop_pipe[0];
}

int
rio_stop_signal(void)
{
	return stop_signal;
}

/* The signals that stop a run the way SIGTERM does (tingle(7)). */
const int rio_stop_signals[] = {SIGHUP,  SIGINT,    SIGTERM, SIGUSR1, SIGUSR2,
                                SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU, 0};

static void out_flush_complete(void);

void
rio_init(const char *prog, int argc, char **argv)
{
	struct sigaction sa, old;

	(void)argc;
	(void)argv;
	util_progname = prog;
	util_die_hook = out_flush_complete;
	signal(SIGPIPE, SIG_DFL);
	/* Past a file size limit a write fails (EFBIG) and is reported as
	 * any write error, instead of killing the stage. */
	signal(SIGXFSZ, SIG_IGN);
	if (pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		stop_pipe[0] = stop_pipe[1] = -1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: a blocked read returns */
	for (const int *sig = rio_stop_signals; *sig != 0; sig++) {
		/* One ignored from the start (nohup) stays ignored; SIGINT
		 * and SIGTERM always stop the run, also in a background
		 * job of a script, where the shell ignores SIGINT. */
		if (*sig != SIGINT && *sig != SIGTERM &&
		    sigaction(*sig, NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaction(*sig, &sa, NULL);
	}
	if (tz_set("UTC") < 0) {
		setenv("TZ", "UTC0", 1);
		tzset();
	}
}

void
rio_usage_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", util_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n",
	        util_progname);
	exit(EX_USAGE);
}

/* Open --rejects by the rules of afile_output: never through a link to a
 * regular file, never over a file someone else may need. */
static void
open_rejects(const char *path)
{
	const char *why;
	int fd;

	if (rejects_fp != NULL)
		fclose(rejects_fp);
	rejects_name = path;
	fd = afile_output(path, &why);
	if (fd < 0 && why != NULL)
		util_die(EX_IOERR, "refusing to write --rejects file '%s': %s",
		         path, why);
	if (fd < 0)
		util_die(EX_IOERR, "cannot open '%s': %s", path,
		         strerror(errno));
	if ((rejects_fp = fdopen(fd, "w")) == NULL)
		util_die(EX_OSERR, "cannot open '%s': %s", path,
		         strerror(errno));
}

/*
 * --time-field a,b,c: the names join the list, so that a repeated
 * --time-field adds to it rather than silently replacing it.
 */
static void
add_time_fields(const char *arg)
{
	static buf_t desc = BUF_INIT;
	const char *p = arg, *comma;

	do {
		comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (n == 0)
			rio_usage_error("empty name in --time-field '%s'", arg);
		rio_time_fields =
		    xrealloc(rio_time_fields,
		             (rio_ntime_fields + 1) * sizeof *rio_time_fields);
		rio_time_fields[rio_ntime_fields++] = xstrndup(p, n);
		p = comma + 1;
	} while (comma != NULL);
	rio_time_field = rio_time_fields[0];
	buf_reset(&desc);
	buf_adds(&desc, rio_ntime_fields == 1 ? "time field " : "time fields ");
	for (size_t i = 0; i < rio_ntime_fields; i++) {
		if (i > 0)
			buf_adds(&desc,
			         i + 1 == rio_ntime_fields ? " and " : ", ");
		buf_printf(&desc, "'%s'", rio_time_fields[i]);
	}
	rio_time_field_desc = desc.p;
}

const char *
rio_time_field_of(const struct rec *r, int path)
{
	static const char *const dflt[] = {"ts"};
	const char *const *names = rio_ntime_fields ? rio_time_fields : dflt;
	size_t n = rio_ntime_fields ? rio_ntime_fields : 1;
	const char *first = NULL;

	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(names[i]);
		jfield_t f;
		const jfield_t *g = NULL;

		if (path) {
			if (rec_path(r, names[i], len, &f))
				g = &f;
		} else {
			g = rec_get(r, names[i], len);
		}
		if (g == NULL)
			continue;
		if (g->type != JT_NULL)
			return names[i];
		if (first == NULL)
			first = names[i];
	}
	return first;
}

void
rio_option(int c, const char *arg, void (*usage)(FILE *fp))
{
	switch (c) {
	case 'h':
		usage(stdout);
		exit(0);
	case RIO_OPT_VERSION:
		printf("%s %s\n", util_progname, TINGLE_VERSION);
		exit(0);
	case RIO_OPT_MAX_LINE:
		if (rio_parse_size(arg, &rio_max_line) < 0 || rio_max_line == 0)
			rio_usage_error("invalid --max-line '%s'", arg);
		break;
	case RIO_OPT_REJECTS:
		open_rejects(arg);
		break;
	case RIO_OPT_STRICT:
		rio_strict = 1;
		break;
	case RIO_OPT_LINE_BUFFERED:
		rio_line_buffered = 1;
		break;
	case RIO_OPT_TZ:
		if (tz_set(arg) < 0)
			rio_usage_error("unknown time zone '%s'", arg);
		rio_tz = arg;
		break;
	case RIO_OPT_TIME_FIELD:
		add_time_fields(arg);
		break;
	case ':':
	case '?':
		/* getopt printed the problem. */
		fprintf(stderr, "Try '%s --help' for more information.\n",
		        util_progname);
		exit(EX_USAGE);
	default:
		rio_usage_error("unhandled option");
	}
}

/* ==== output =========================================================== */

void
rio_hold_epipe(void)
{
	hold_epipe = 1;
}

/* Standard output is closed: stop the run as a signal would, and drop
 * what is still written. */
static void
output_closed(void)
{
	out_closed = 1;
	rio_stop = 1;
	if (stop_pipe[1] >= 0) {
		ssize_t w = write(stop_pipe[1], "", 1);
		(void)w;
	}
}

static void
write_all(int fd, const char *p, size_t n, const char *what)
{
	sigset_t pipeset, old;
	struct timespec zero = {0, 0};

	sigemptyset(&pipeset);
	sigemptyset(&old);
	if (out_closed)
		return;
	/* Under rio_hold_epipe a closed pipe is seen as EPIPE, not as a
	 * SIGPIPE that ends the stage before it has saved its state. */
	if (hold_epipe) {
		sigaddset(&pipeset, SIGPIPE);
		sigprocmask(SIG_BLOCK, &pipeset, &old);
	}
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE && hold_epipe) {
				sigtimedwait(&pipeset, NULL, &zero);
				output_closed();
				break;
			}
			if (errno == EPIPE) {
				signal(SIGPIPE, SIG_DFL);
				raise(SIGPIPE);
				_exit(141);
			}
			fprintf(stderr, "%s: write error on %s: %s\n",
			        util_progname, what, strerror(errno));
			_exit(EX_IOERR);
		}
		p += w;
		n -= (size_t)w;
	}
	if (hold_epipe)
		sigprocmask(SIG_SETMASK, &old, NULL);
}

static void rejects_flush(void);

/* Rejected lines go out with the records: a live stream that is killed
 * loses neither. */
void
rio_out_flush(void)
{
	if (rio_out.len > 0) {
		write_all(STDOUT_FILENO, rio_out.p, rio_out.len,
		          "standard output");
		buf_reset(&rio_out);
	}
	rejects_flush();
}

/* For util_die(): write the records that are complete, not a half-built one. */
static void
out_flush_complete(void)
{
	const char *end =
	    rio_out.len > 0 ? memrchr(rio_out.p, '\n', rio_out.len) : NULL;

	if (end != NULL)
		write_all(STDOUT_FILENO, rio_out.p,
		          (size_t)(end - rio_out.p) + 1, "standard output");
	buf_reset(&rio_out);
	rejects_flush();
}

void
rio_out_record(void)
{
	if (rio_line_buffered || rio_out.len >= OUT_FLUSH_AT)
		rio_out_flush();
}

/* ==== diagnostics ====================================================== */

/* Print a diagnostic unless the cap is reached; 1 if it was printed. */
static int
vdiag(const char *file, unsigned long num, const char *fmt, va_list ap)
{
	diag_total++;
	if (diag_shown >= DIAG_MAX && !rio_strict)
		return 0;
	diag_shown++;
	if (file != NULL)
		fprintf(stderr, "%s: %s:%lu: ", util_progname, file, num);
	else
		fprintf(stderr, "%s: ", util_progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	return 1;
}

/*
 * --rejects cannot be written (a full disk): the promise that no bad line
 * is lost cannot be kept, so stop, but first write out the records that
 * are complete, so the output ends cleanly at the last good one.
 */
static void rejects_failed(void) __attribute__((noreturn));

static void
rejects_failed(void)
{
	int e = errno;
	FILE *fp = rejects_fp;

	rejects_fp = NULL;
	if (fp != NULL)
		fclose(fp);
	rio_out_flush();
	util_die(EX_IOERR, "write error on '%s': %s", rejects_name,
	         strerror(e));
}

static void
reject_write(const char *p, size_t n, int end)
{
	if (rejects_fp == NULL)
		return;
	rejects_dirty = 1;
	if ((n && fwrite(p, 1, n, rejects_fp) != n) ||
	    (end && putc('\n', rejects_fp) == EOF))
		rejects_failed();
}

static void
rejects_flush(void)
{
	if (rejects_fp == NULL || !rejects_dirty)
		return;
	rejects_dirty = 0;
	if (fflush(rejects_fp) != 0)
		rejects_failed();
}

/* Close --rejects; a write error that was only buffered shows up here. */
static void
close_rejects(void)
{
	FILE *fp = rejects_fp;

	if (fp == NULL)
		return;
	rejects_fp = NULL;
	if (fclose(fp) != 0)
		rejects_failed();
}

static void
strict_stop(void)
{
	if (!rio_strict)
		return;
	rio_out_flush();
	close_rejects();
	exit(EX_DATAERR);
}

void
rio_bad_input_text(const char *file, unsigned long num, const char *text,
                   size_t n, const char *fmt, ...)
{
	va_list ap;

	rio_bad_count++;
	va_start(ap, fmt);
	bad_shown += (unsigned long)vdiag(file, num, fmt, ap);
	va_end(ap);
	reject_write(text, n, 1);
	strict_stop();
}

void
rio_bad_input(const line_t *l, const char *fmt, ...)
{
	va_list ap;

	rio_bad_count++;
	va_start(ap, fmt);
	bad_shown += (unsigned long)vdiag(l->file, l->num, fmt, ap);
	va_end(ap);
	reject_write(l->p, l->n, 1);
	strict_stop();
}

void
rio_bad_json(const line_t *l, size_t col, const char *msg)
{
	if (strcmp(msg, "not a JSON object") == 0 ||
	    strncmp(msg, "empty line", 10) == 0)
		rio_bad_input(l, "%s", msg);
	else
		rio_bad_input(l, "invalid JSON at column %zu: %s", col, msg);
}

void
rio_note_input(const char *file, unsigned long num, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(file, num, fmt, ap);
	va_end(ap);
}

void
rio_reject_line(const line_t *l)
{
	reject_write(l->p, l->n, 1);
}

/*
 * Past the cap: say how many bad lines were not shown and where they
 * went, so that a run that printed 10 lines of a thousand bad ones says
 * so; and how many other diagnostics were not shown.
 */
static void
summarise_hidden(void)
{
	unsigned long hidden = diag_total - diag_shown;
	unsigned long bad = rio_bad_count - bad_shown;

	if (bad > hidden) /* a bad line reported without a diagnostic */
		bad = hidden;
	if (bad > 0 && rejects_fp != NULL)
		fprintf(
		    stderr,
		    "%s: %lu more bad input lines not shown; all %lu are in the --rejects file '%s'\n",
		    util_progname, bad, rio_bad_count, rejects_name);
	else if (bad > 0)
		fprintf(
		    stderr,
		    "%s: %lu more bad input lines not shown; all %lu were skipped (--rejects FILE keeps them)\n",
		    util_progname, bad, rio_bad_count);
	if (hidden > bad)
		fprintf(
		    stderr, "%s: %lu more diagnostics not shown (%lu in all)\n",
		    util_progname, hidden - bad, diag_total - rio_bad_count);
}

int
rio_finish(int status)
{
	rio_out_flush();
	if (out_closed) {
		/* End as a stage without state ends at once: quietly, by
		 * SIGPIPE. */
		close_rejects();
		fflush(stderr);
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
		return 128 + SIGPIPE;
	}
	summarise_hidden();
	close_rejects();
	if (rio_stop && stop_signal)
		return 128 + stop_signal;
	return status;
}

/* ==== reading ========================================================== */

struct reader {
	reader_t *link; /* the next open reader */
	char **files;
	int nfiles;
	int next;         /* index of the next file to open */
	int fd;           /* current descriptor, -1 between files */
	int own_fd;       /* close fd at its end */
	int regular;      /* fd is a regular file: never blocks */
	const char *name; /* current name for diagnostics */
	char *buf;
	size_t cap, start, end;
	size_t scanned;    /* bytes from start known to hold no newline */
	unsigned long num; /* line number of the last line returned */
	int eof;           /* current fd reached end of file */
	int done;          /* all input consumed */
	int skipping;      /* inside an overlong line */
	size_t skipped;    /* its length so far */
	/* Input compressed with gzip, found by its first two bytes. */
	int mode;   /* ZM_UNKNOWN, ZM_PLAIN or ZM_GZIP */
	z_stream z; /* the inflater, set up when zinit */
	int zinit;
	unsigned char *zbuf; /* bytes read and not yet inflated */
	size_t zpos, zlen;
	int zend;         /* at the end of a gzip member */
	int zeof;         /* the file itself is at its end */
	int zready;       /* inflating may give more without a read */
	const char *zwhy; /* the gzip data ends early or is corrupt */
};

enum { ZM_UNKNOWN, ZM_PLAIN, ZM_GZIP };

/* rd_read's answer when it has read something but has no bytes to give
 * yet: wait for more input and call again. */
#define RD_AGAIN (-2)

static void make_room(reader_t *rd);
static void z_reset(reader_t *rd);

/*
 * The open readers.  A stage may exit from deep inside a call (a write
 * error, --strict); keeping them listed here leaves them reachable then,
 * so leak checkers see memory still in use, not memory lost.
 */
static reader_t *readers;

static reader_t *
reader_new(void)
{
	reader_t *rd = xcalloc(1, sizeof *rd);

	rd->link = readers;
	readers = rd;
	return rd;
}

static const char *
display_name(const char *f)
{
	return strcmp(f, "-") == 0 ? "(stdin)" : f;
}

void
rd_check_file(const char *path)
{
	struct stat st;

	if (access(path, R_OK) != 0)
		util_die(EX_NOINPUT, "%s: %s", path, strerror(errno));
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		util_die(EX_NOINPUT, "%s: %s", path, strerror(EISDIR));
}

int
rd_slurp(const char *path, buf_t *b, int missing_ok)
{
	int fd;

	if (missing_ok && access(path, F_OK) != 0 && errno == ENOENT)
		return -1;
	rd_check_file(path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		util_die(EX_NOINPUT, "%s: %s", path, strerror(errno));
	if (buf_read_fd(b, fd) < 0)
		util_die(EX_IOERR, "read error on %s: %s", path,
		         strerror(errno));
	close(fd);
	return 0;
}

int
rd_slurp_state(const char *path, buf_t *b)
{
	const char *why;
	int rc = afile_read(path, b, &why);

	if (rc == 1)
		return -1;
	if (rc == 0)
		return 0;
	if (why != NULL)
		util_die(EX_NOINPUT, "refusing to read state file '%s': %s",
		         path, why);
	util_die(errno == EIO ? EX_IOERR : EX_NOINPUT, "%s: %s", path,
	         strerror(errno));
}

static alock_t state_lock = {-1, NULL};

static void
unlock_state(void)
{
	afile_unlock(&state_lock);
}

void
rio_lock_state(const char *path, int64_t timeout_ms)
{
	const char *why;
	long pid;
	int rc;

	rc = afile_lock(&state_lock, path, timeout_ms, &rio_stop, &pid, &why);
	if (rc == 0) {
		atexit(unlock_state);
		return;
	}
	if (rc == 1)
		return; /* no run can save path: nothing to keep apart */
	if (errno == EWOULDBLOCK && pid > 0)
		util_die(
		    EX_TEMPFAIL,
		    "state file '%s' is locked by process %ld; try again later or raise --lock-timeout",
		    path, pid);
	if (errno == EWOULDBLOCK)
		util_die(
		    EX_TEMPFAIL,
		    "state file '%s' is locked by another run; try again later or raise --lock-timeout",
		    path);
	if (errno == EINTR && rio_stop)
		exit(rio_finish(EX_TEMPFAIL));
	if (why != NULL)
		util_die(EX_NOINPUT, "refusing to use lock file '%s.lock': %s",
		         path, why);
	util_die(EX_IOERR, "cannot lock state file '%s': '%s.lock': %s", path,
	         path, strerror(errno));
}

reader_t *
rd_open(int nfiles, char **files)
{
	static char *stdin_only[] = {"-"};
	reader_t *rd = reader_new();

	if (nfiles == 0) {
		files = stdin_only;
		nfiles = 1;
	}
	for (int i = 0; i < nfiles; i++) {
		if (strcmp(files[i], "-") == 0)
			continue;
		rd_check_file(files[i]);
	}
	rd->files = files;
	rd->nfiles = nfiles;
	rd->fd = -1;
	make_room(rd);
	return rd;
}

reader_t *
rd_open_fd(int fd, const char *name)
{
	reader_t *rd = reader_new();
	struct stat st;

	rd->nfiles = 0;
	rd->fd = fd;
	rd->name = name;
	rd->regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	make_room(rd);
	return rd;
}

int
rd_fd(reader_t *rd)
{
	return rd->fd;
}

int
rd_has_line(reader_t *rd)
{
	if (rd->buf == NULL)
		return 0; /* nothing read yet */
	if (rd->zready)
		return 1; /* inflating gives more without waiting */
	return memchr(rd->buf + rd->start, '\n', rd->end - rd->start) != NULL;
}

/* ---- gzip ---- */

/* Forget the compression state of the last file: the next one is sniffed
 * afresh. */
static void
z_reset(reader_t *rd)
{
	if (rd->zinit)
		inflateEnd(&rd->z);
	rd->zinit = 0;
	rd->mode = ZM_UNKNOWN;
	rd->zpos = rd->zlen = 0;
	rd->zend = rd->zeof = rd->zready = 0;
	rd->zwhy = NULL;
}

/* Read from the file into zbuf, after what is pending, at most max bytes
 * in all: the byte count, 0 at end of file, -1 on error. */
static ssize_t
z_fill(reader_t *rd, size_t max)
{
	ssize_t r;

	if (rd->zbuf == NULL)
		rd->zbuf = xmalloc(READ_CHUNK);
	if (rd->zpos > 0) {
		memmove(rd->zbuf, rd->zbuf + rd->zpos, rd->zlen - rd->zpos);
		rd->zlen -= rd->zpos;
		rd->zpos = 0;
	}
	if (max > READ_CHUNK)
		max = READ_CHUNK;
	r = read(rd->fd, rd->zbuf + rd->zlen, max - rd->zlen);
	if (r > 0)
		rd->zlen += (size_t)r;
	else if (r == 0)
		rd->zeof = 1;
	return r;
}

/* The file's gzip data cannot go on (why: "ends early", "is corrupt"):
 * the rest of the file is not read, and rd_next reports it. */
static ssize_t
z_stop(reader_t *rd, const char *why)
{
	rd->zwhy = why;
	rd->zpos = rd->zlen = 0;
	rd->zready = 0;
	return 0;
}

/*
 * Inflate into dst[0..cap).  Members follow one another (as `cat a.gz
 * b.gz` leaves them); bytes after a member that do not start another are
 * reported and ignored, as gzip(1) does.  Reads the file at most once a
 * call, counting the reads the caller made (reads), unless it is a
 * regular file, so a live stream never blocks here.
 * Returns the bytes written, 0 at the end of the data, -1 on a read
 * error, or RD_AGAIN when it needs more input first.
 */
static ssize_t
z_inflate(reader_t *rd, char *dst, size_t cap, int reads)
{
	rd->zready = 0;
	for (;;) {
		size_t got;
		int rc;

		if (rd->zend && (rd->zpos < rd->zlen || !rd->zeof)) {
			/* Another member, or what? */
			if (rd->zlen - rd->zpos < 2 && !rd->zeof) {
				if (reads++ > 0 && !rd->regular)
					return RD_AGAIN;
				if (z_fill(rd, READ_CHUNK) < 0)
					return -1;
				continue;
			}
			if (rd->zlen - rd->zpos < 2 ||
			    memcmp(rd->zbuf + rd->zpos, "\x1f\x8b", 2) != 0) {
				if (rd->zlen > rd->zpos)
					rio_note_input(
					    rd->name, rd->num,
					    "data after the end of the gzip data, ignored");
				rd->zpos = rd->zlen = 0;
				return 0;
			}
			inflateReset(&rd->z);
			rd->zend = 0;
		}
		if (rd->zend)
			return 0;
		if (rd->zpos == rd->zlen) {
			if (rd->zeof)
				return z_stop(rd, "ends early");
			if (reads++ > 0 && !rd->regular)
				return RD_AGAIN;
			if (z_fill(rd, READ_CHUNK) < 0)
				return -1;
			continue;
		}
		rd->z.next_in = (unsigned char *)rd->zbuf + rd->zpos;
		rd->z.avail_in = (uInt)(rd->zlen - rd->zpos);
		rd->z.next_out = (unsigned char *)dst;
		rd->z.avail_out = (uInt)cap;
		rc = inflate(&rd->z, Z_NO_FLUSH);
		rd->zpos = rd->zlen - rd->z.avail_in;
		got = cap - rd->z.avail_out;
		if (rc == Z_STREAM_END)
			rd->zend = 1;
		else if (rc == Z_MEM_ERROR)
			util_die(EX_OSERR, "out of memory inflating %s",
			         rd->name);
		else if (rc != Z_OK && rc != Z_BUF_ERROR)
			return got > 0 ? (ssize_t)got
			               : z_stop(rd, "is corrupt");
		if (got > 0) {
			rd->zready = 1; /* more may come without reading */
			return (ssize_t)got;
		}
	}
}

/*
 * Read the next bytes of the current file into dst[0..cap), inflated when
 * the file starts as gzip data does (1f 8b).  Returns the byte count, 0
 * at the end, -1 on a read error (errno set), or RD_AGAIN: nothing to
 * give yet, wait for input and call again.
 */
static ssize_t
rd_read(reader_t *rd, char *dst, size_t cap)
{
	ssize_t r;

	if (rd->mode == ZM_PLAIN)
		return read(rd->fd, dst, cap);
	/* After a call that gave bytes no poll says whether the file has
	 * more: read it only in a later call. */
	if (rd->mode == ZM_GZIP)
		return z_inflate(rd, dst, cap, rd->zready);
	/* The first bytes of the file tell; zbuf holds no more than cap. */
	r = z_fill(rd, cap);
	if (r < 0)
		return -1;
	if (r > 0 && rd->zlen < 2 && rd->zbuf[0] == 0x1f)
		return RD_AGAIN; /* one byte: wait for the second */
	if (rd->zlen >= 2 && memcmp(rd->zbuf, "\x1f\x8b", 2) == 0) {
		memset(&rd->z, 0, sizeof rd->z);
		if (inflateInit2(&rd->z, 15 + 16) != Z_OK)
			util_die(EX_OSERR, "cannot inflate %s", rd->name);
		rd->zinit = 1;
		rd->mode = ZM_GZIP;
		return z_inflate(rd, dst, cap, 1);
	}
	rd->mode = ZM_PLAIN;
	memcpy(dst, rd->zbuf, rd->zlen);
	r = (ssize_t)rd->zlen;
	rd->zlen = rd->zpos = 0;
	return r;
}

/* Open the next file; 0 if there is none. */
static int
next_file(reader_t *rd)
{
	struct stat st;

	if (rd->next >= rd->nfiles)
		return 0;
	const char *f = rd->files[rd->next++];
	if (strcmp(f, "-") == 0) {
		rd->fd = STDIN_FILENO;
		rd->own_fd = 0;
	} else {
		rd->fd = open(f, O_RDONLY);
		if (rd->fd < 0)
			util_die(EX_NOINPUT, "%s: %s", f, strerror(errno));
		rd->own_fd = 1;
	}
	rd->name = display_name(f);
	rd->regular = fstat(rd->fd, &st) == 0 && S_ISREG(st.st_mode);
	rd->num = 0;
	rd->eof = 0;
	z_reset(rd);
	return 1;
}

static void
end_file(reader_t *rd)
{
	if (rd->own_fd)
		close(rd->fd);
	rd->fd = -1;
}

/* Make room to read: compact, then grow up to the line limit. */
static void
make_room(reader_t *rd)
{
	if (rd->start > 0) {
		memmove(rd->buf, rd->buf + rd->start, rd->end - rd->start);
		rd->end -= rd->start;
		rd->start = 0;
	}
	if (rd->cap - rd->end < READ_CHUNK / 2) {
		size_t cap = rd->cap ? rd->cap * 2 : READ_CHUNK;
		while (cap - rd->end < READ_CHUNK / 2)
			cap *= 2;
		rd->buf = xrealloc(rd->buf, cap + 1);
		rd->cap = cap;
	}
}

/*
 * Wait until fd is readable: 1 ready, 0 timeout, -1 stopped by a signal.
 * Output is flushed first when no data is waiting.
 */
static int
wait_input(reader_t *rd, int timeout_ms)
{
	struct pollfd pfd[2] = {{rd->fd, POLLIN, 0}, {stop_pipe[0], POLLIN, 0}};

	if (rd->regular || rd->zready)
		return 1;
	if (poll(pfd, 1, 0) == 1)
		return 1;
	rio_out_flush();
	for (;;) {
		if (rio_stop)
			return -1;
		int r = poll(pfd, 2, timeout_ms);
		if (r > 0 && pfd[0].revents)
			return 1;
		if (r == 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return 1; /* let read() report it */
	}
}

static void
overlong_done(reader_t *rd, size_t lastpart)
{
	unsigned long shown;

	reject_write(rd->buf + rd->start, lastpart, 1);
	rio_bad_count++;
	rd->num++;
	shown = diag_shown;
	rio_note_input(rd->name, rd->num,
	               "line longer than --max-line (%zu bytes), skipped",
	               rio_max_line);
	bad_shown += diag_shown - shown;
	strict_stop();
	rd->skipping = 0;
	rd->skipped = 0;
}

/*
 * The gzip data of the file in hand ended early or was corrupt: the line
 * it was in the middle of, p[0..n), is bad input; without one, the cut
 * itself is, so that --strict stops and the run's count shows it.
 */
static void
z_cut(reader_t *rd, const char *p, size_t n)
{
	const char *why = rd->zwhy;
	const char *guess = strcmp(why, "ends early") == 0 ? "a truncated file?"
	                                                   : "a damaged file?";
	unsigned long shown = diag_shown;

	rd->zwhy = NULL;
	if (rd->skipping) {
		overlong_done(rd, n);
		n = 0;
	}
	if (n > 0) {
		rd->num++;
		rio_bad_input_text(rd->name, rd->num, p, n,
		                   "gzip data %s (%s); this line is cut off",
		                   why, guess);
		return;
	}
	rio_bad_count++;
	rio_note_input(rd->name, rd->num + 1, "gzip data %s (%s)", why, guess);
	bad_shown += diag_shown - shown;
	strict_stop();
}

int
rd_next(reader_t *rd, line_t *l, int timeout_ms)
{
	for (;;) {
		if (rio_stop)
			return RD_EOF;
		if (rd->fd < 0) {
			if (rd->done || !next_file(rd)) {
				rd->done = 1;
				return RD_EOF;
			}
		}

		/* A complete line in the buffer? */
		char *base = rd->buf + rd->start;
		size_t avail = rd->end - rd->start;
		char *nl =
		    avail > rd->scanned
		        ? memchr(base + rd->scanned, '\n', avail - rd->scanned)
		        : NULL;
		if (nl != NULL) {
			size_t n = (size_t)(nl - base);
			rd->scanned = 0;
			if (rd->skipping) {
				overlong_done(rd, n);
				rd->start += n + 1;
				continue;
			}
			if (n > rio_max_line) {
				rd->skipping = 1;
				overlong_done(rd, n);
				rd->start += n + 1;
				continue;
			}
			*nl = '\0';
			l->p = base;
			l->n = n;
			l->file = rd->name;
			l->num = ++rd->num;
			rd->start += n + 1;
			return RD_LINE;
		}
		rd->scanned = avail;

		/* An overlong line: pass its bytes to --rejects as we go. */
		if (avail > rio_max_line) {
			if (!rd->skipping)
				rd->skipping = 1;
			reject_write(base, avail, 0);
			rd->skipped += avail;
			rd->start = rd->end = 0;
			rd->scanned = 0;
			continue;
		}

		if (rd->eof && rd->zwhy != NULL) {
			z_cut(rd, base, avail);
			rd->start = rd->end = rd->scanned = 0;
			end_file(rd);
			continue;
		}
		if (rd->eof) {
			if (avail > 0 && !rd->skipping) {
				/* The last line has no newline. */
				make_room(rd);
				rd->buf[rd->end] = '\0';
				l->p = rd->buf;
				l->n = rd->end;
				l->file = rd->name;
				l->num = ++rd->num;
				rd->start = rd->end = 0;
				rd->scanned = 0;
				return RD_LINE;
			}
			if (rd->skipping)
				overlong_done(rd, avail);
			rd->start = rd->end = rd->scanned = 0;
			end_file(rd);
			continue;
		}

		int w = wait_input(rd, timeout_ms);
		if (w == 0)
			return RD_TIMEOUT;
		if (w < 0)
			return RD_EOF;
		make_room(rd);
		ssize_t r = rd_read(rd, rd->buf + rd->end, rd->cap - rd->end);
		if (r == RD_AGAIN)
			continue;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			util_die(EX_IOERR, "read error on %s: %s", rd->name,
			         strerror(errno));
		}
		if (r == 0)
			rd->eof = 1;
		rd->end += (size_t)r;
	}
}

void
rd_close(reader_t *rd)
{
	if (rd == NULL)
		return;
	for (reader_t **p = &readers; *p != NULL; p = &(*p)->link) {
		if (*p == rd) {
			*p = rd->link;
			break;
		}
	}
	if (rd->fd >= 0 && rd->own_fd)
		close(rd->fd);
	z_reset(rd);
	free(rd->zbuf);
	free(rd->buf);
	free(rd);
}

/* ==== misc ============================================================= */

long long
rio_now_ms(void)
{
	const char *fixed = getenv("TINGLE_NOW");
	struct timespec ts;

	if (fixed != NULL && *fixed != '\0') {
		tstamp_t t;
		if (ts_parse_iso(fixed, strlen(fixed), &t) == 0)
			return ts_to_ms(&t);
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
rio_parse_size(const char *s, size_t *out)
{
	return optv_parse_size(s, out);
}
