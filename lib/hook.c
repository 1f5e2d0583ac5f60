/*
 * hook.c - run a command per alert, with a time limit and a cap on
 * concurrency, without ever handing record text to a shell.
 */
#include "hook.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "rio.h"
#include "ttime.h"

extern char **environ;

/* How long a hook may take to die after SIGTERM before it gets SIGKILL. */
#define HOOK_GRACE_MS 1000
/* Longest sleep while runs are going, so ends are noticed promptly. */
#define HOOK_TICK_MS 50

enum { JOB_FREE, JOB_RUNNING, JOB_TERMED, JOB_KILLED };

struct job {
	int stage;        /* JOB_* */
	pid_t pid;        /* also the process group */
	int fd;           /* write end of its standard input, or -1 */
	char *in;         /* what is still to be written */
	size_t n, off;    /* its length and how much is written */
	int64_t deadline; /* monotonic ms: time limit, then SIGKILL time */
	char *label;
};

struct hookset {
	char **argv;
	char *prefix; /* names of ours not passed on, or NULL */
	int64_t timeout_ms;
	int max_jobs;
	int running;
	struct job *jobs;
	unsigned long failures;
	unsigned warned; /* WARN_* reported once */
};

/* What hook_env reports once per run. */
enum {
	WARN_CUT = 1,
	WARN_NUL = 2,
	WARN_CLASH = 4,
	WARN_NAME = 8,
	WARN_TOTAL = 16,
};

/* ==== splitting the command line ======================================= */

char **
hook_split(const char *s, buf_t *err)
{
	char **words = NULL;
	size_t n = 0;
	buf_t w = BUF_INIT;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (*s == '\0')
			break;
		buf_reset(&w);
		buf_add(&w, "", 0);
		while (*s != '\0' && *s != ' ' && *s != '\t' && *s != '\n') {
			if (*s == '\'') {
				const char *q = strchr(s + 1, '\'');
				if (q == NULL) {
					buf_adds(err, "unterminated ' quote");
					goto fail;
				}
				buf_add(&w, s + 1, (size_t)(q - s - 1));
				s = q + 1;
			} else if (*s == '"') {
				for (s++; *s != '"'; s++) {
					if (*s == '\0') {
						buf_adds(
						    err,
						    "unterminated \" quote");
						goto fail;
					}
					if (*s == '\\' && s[1] != '\0' &&
					    strchr("$`\"\\\n", s[1]) != NULL)
						s++;
					buf_addc(&w, *s);
				}
				s++;
			} else if (*s == '\\' && s[1] != '\0') {
				buf_addc(&w, s[1]);
				s += 2;
			} else {
				buf_addc(&w, *s++);
			}
		}
		words = xrealloc(words, (n + 2) * sizeof *words);
		words[n++] = xstrndup(w.p, w.len);
		words[n] = NULL;
	}
	buf_free(&w);
	if (n == 0) {
		buf_adds(err, "empty command");
		return NULL;
	}
	return words;
fail:
	buf_free(&w);
	if (words != NULL)
		hook_words_free(words);
	return NULL;
}

void
hook_words_free(char **words)
{
	if (words == NULL)
		return;
	for (size_t i = 0; words[i] != NULL; i++)
		free(words[i]);
	free(words);
}

/* 1 if prog names an executable file, directly or through PATH. */
static int
findable(const char *prog)
{
	struct stat st;

	if (strchr(prog, '/') != NULL)
		return access(prog, X_OK) == 0 && stat(prog, &st) == 0 &&
		       S_ISREG(st.st_mode);
	const char *path = getenv("PATH");
	if (path == NULL)
		path = "/bin:/usr/bin";
	buf_t b = BUF_INIT;
	int found = 0;
	while (!found) {
		const char *colon = strchr(path, ':');
		size_t n =
		    colon != NULL ? (size_t)(colon - path) : strlen(path);
		buf_reset(&b);
		if (n == 0)
			buf_addc(&b, '.');
		else
			buf_add(&b, path, n);
		buf_addc(&b, '/');
		buf_adds(&b, prog);
		found = access(b.p, X_OK) == 0 && stat(b.p, &st) == 0 &&
		        S_ISREG(st.st_mode);
		if (colon == NULL)
			break;
		path = colon + 1;
	}
	buf_free(&b);
	return found;
}

hookset_t *
hook_open(const char *cmd, int64_t timeout_ms, int jobs, const char *prefix,
          buf_t *err)
{
	char **argv = hook_split(cmd, err);

	if (argv == NULL)
		return NULL;
	if (!findable(argv[0])) {
		buf_printf(err, "command '%s' not found or not executable",
		           argv[0]);
		hook_words_free(argv);
		return NULL;
	}
	hookset_t *h = xcalloc(1, sizeof *h);
	h->argv = argv;
	h->prefix = prefix != NULL ? xstrdup(prefix) : NULL;
	h->timeout_ms = timeout_ms;
	h->max_jobs = jobs > 0 ? jobs : 1;
	h->jobs = xcalloc((size_t)h->max_jobs, sizeof *h->jobs);
	return h;
}

/* ==== the environment of a run ========================================= */

/* Length of the longest start of s[0..n) that is at most max bytes and
 * does not end inside a UTF-8 sequence. */
static size_t
utf8_cut(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	size_t k = max;
	while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	return k;
}

/* prefix and name upper-cased, other than ASCII letters and digits as _. */
static void
env_name(buf_t *b, const char *prefix, const char *name, size_t n)
{
	buf_adds(b, prefix);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		buf_addc(b, isalnum(c) && c < 0x80 ? toupper(c) : '_');
	}
}

static void warn_once(hookset_t *h, unsigned what, const char *label,
                      const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
warn_once(hookset_t *h, unsigned what, const char *label, const char *fmt, ...)
{
	va_list ap;
	buf_t b = BUF_INIT;

	if (h->warned & what)
		return;
	h->warned |= what;
	hook_label(label, &b);
	fprintf(stderr, "%s: hook for %s: ", util_progname, b.p);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (reported once)\n", stderr);
	buf_free(&b);
}

/* 1 if the field of name n[0..len) is one of the alert's own. */
static int
own_field(const char *n, size_t len)
{
	static const char *const own[] = {"alert",  "state",   "severity",
	                                  "since",  "until",   "duration",
	                                  "repeat", "message", NULL};

	for (size_t i = 0; own[i] != NULL; i++)
		if (strlen(own[i]) == len && memcmp(own[i], n, len) == 0)
			return 1;
	return 0;
}

char **
hook_env(hookset_t *h, const char *rec, size_t n, const char *label)
{
	const char *prefix = h->prefix != NULL ? h->prefix : "";
	jobj_t o = {NULL, 0, 0};
	buf_t name = BUF_INIT, var = BUF_INIT, val = BUF_INIT;
	size_t total = 0, nenv = 0;

	jobj_from_value(rec, n, &o);
	char **env = xcalloc(o.n + 1, sizeof *env);
	/* The alert's own fields first, so that the bound on the whole
	 * never leaves out TINGLE_MESSAGE for a long key. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < o.n; i++) {
			const jfield_t *f = &o.f[i];
			buf_reset(&name);
			buf_add(&name, "", 0);
			if (f->kesc)
				jstr_decode(f->k - 1, f->klen + 2, &name);
			else
				buf_add(&name, f->k, f->klen);
			if (own_field(name.p, name.len) != (pass == 0))
				continue;
			buf_reset(&var);
			env_name(&var, prefix, name.p, name.len);
			if (var.len > HOOK_NAME_MAX) {
				warn_once(
				    h, WARN_NAME, label,
				    "a field name longer than %d bytes is left out of the environment",
				    HOOK_NAME_MAX - (int)strlen(prefix));
				continue;
			}
			size_t k = 0;
			while (k < nenv &&
			       !(strncmp(env[k], var.p, var.len) == 0 &&
			         env[k][var.len] == '='))
				k++;
			if (k < nenv) {
				warn_once(
				    h, WARN_CLASH, label,
				    "field '%.*s' is left out: %s is already another field's",
				    (int)utf8_cut(name.p, name.len, 64), name.p,
				    var.p);
				continue;
			}
			buf_reset(&val);
			buf_add(&val, "", 0);
			if (f->type == JT_STR)
				jstr_decode(f->v, f->vlen, &val);
			else
				buf_add(&val, f->v, f->vlen);
			buf_addc(&var, '=');
			int nul = 0;
			for (size_t j = 0; j < val.len; j++) {
				if (val.p[j] != '\0') {
					buf_addc(&var, val.p[j]);
				} else {
					buf_adds(&var, "\xEF\xBF\xBD");
					nul = 1;
				}
			}
			if (nul)
				warn_once(h, WARN_NUL, label,
				          "a NUL in %.*s is passed as U+FFFD",
				          (int)(strchr(var.p, '=') - var.p),
				          var.p);
			size_t eq = (size_t)(strchr(var.p, '=') - var.p) + 1;
			if (var.len - eq > HOOK_VALUE_MAX) {
				var.len =
				    eq + utf8_cut(var.p + eq, var.len - eq,
				                  HOOK_VALUE_MAX);
				var.p[var.len] = '\0';
				buf_adds(&var, HOOK_CUT);
				warn_once(
				    h, WARN_CUT, label,
				    "%.*s cut to %d bytes; the record on standard input is whole",
				    (int)(eq - 1), var.p, HOOK_VALUE_MAX);
			}
			if (total + var.len + 1 > HOOK_ENV_MAX) {
				warn_once(
				    h, WARN_TOTAL, label,
				    "%.*s is left out: the variables would pass %d bytes",
				    (int)(eq - 1), var.p, HOOK_ENV_MAX);
				continue;
			}
			total += var.len + 1;
			env[nenv++] = xstrdup(var.p);
		}
	}
	env[nenv] = NULL;
	buf_free(&name);
	buf_free(&var);
	buf_free(&val);
	jobj_free(&o);
	return env;
}

char **
hook_env_add(char **env, const char *name, const char *value)
{
	size_t n = 0, len = strlen(name), total = 0;
	buf_t var = BUF_INIT;

	for (; env[n] != NULL; n++) {
		if (strncmp(env[n], name, len) == 0 && env[n][len] == '=')
			return env; /* a field of the record has it */
		total += strlen(env[n]) + 1;
	}
	buf_printf(&var, "%s=", name);
	size_t v = strlen(value);
	buf_add(&var, value, utf8_cut(value, v, HOOK_VALUE_MAX));
	if (v > HOOK_VALUE_MAX)
		buf_adds(&var, HOOK_CUT);
	if (total + var.len + 1 > HOOK_ENV_MAX) {
		buf_free(&var);
		return env; /* the bound on them all holds */
	}
	env = xrealloc(env, (n + 2) * sizeof *env);
	env[n] = xstrdup(var.p);
	env[n + 1] = NULL;
	buf_free(&var);
	return env;
}

void
hook_env_free(char **env)
{
	hook_words_free(env);
}

void
hook_label(const char *label, buf_t *out)
{
	size_t n = strlen(label), k = utf8_cut(label, n, HOOK_LABEL_MAX);

	buf_add(out, "", 0);
	for (size_t i = 0; i < k; i++) {
		unsigned char c = (unsigned char)label[i];
		buf_addc(out, c < 0x20 || c == 0x7f ? '?' : (char)c);
	}
	if (k < n)
		buf_adds(out, "...");
}

/* ==== running ========================================================== */

static void fail(hookset_t *h, const struct job *j, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fail(hookset_t *h, const struct job *j, const char *fmt, ...)
{
	va_list ap;

	h->failures++;
	fprintf(stderr, "%s: hook for %s: ", util_progname, j->label);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
close_input(struct job *j)
{
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
	free(j->in);
	j->in = NULL;
}

/*
 * Write what the pipe takes of j's input.  SIGPIPE is blocked around the
 * write (a hook may well exit without reading), and one it raised is
 * taken back, so only EPIPE is seen.
 */
static void
feed(struct job *j)
{
	sigset_t pipeset, old;
	struct timespec zero = {0, 0};

	if (j->fd < 0)
		return;
	sigemptyset(&pipeset);
	sigaddset(&pipeset, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipeset, &old);
	while (j->off < j->n) {
		ssize_t w = write(j->fd, j->in + j->off, j->n - j->off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			/* EPIPE: the hook does not want the rest. */
			if (errno == EPIPE)
				sigtimedwait(&pipeset, NULL, &zero);
			j->off = j->n;
			break;
		}
		j->off += (size_t)w;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (j->off >= j->n)
		close_input(j);
}

/*
 * The environment for a run: ours without the names starting with prefix
 * or set by env, then env.
 */
static char **
make_env(const char *prefix, char *const *env)
{
	size_t ne = 0, nadd = 0, n = 0;
	size_t plen = prefix != NULL ? strlen(prefix) : 0;
	while (environ[ne] != NULL)
		ne++;
	while (env[nadd] != NULL)
		nadd++;
	char **out = xmalloc((ne + nadd + 1) * sizeof *out);
	for (size_t i = 0; i < ne; i++) {
		const char *eq = strchr(environ[i], '=');
		size_t len = eq != NULL ? (size_t)(eq - environ[i]) + 1
		                        : strlen(environ[i]);
		int replaced =
		    plen > 0 && strncmp(environ[i], prefix, plen) == 0;
		for (size_t k = 0; k < nadd && !replaced; k++)
			replaced = strncmp(env[k], environ[i], len) == 0;
		if (!replaced)
			out[n++] = environ[i];
	}
	for (size_t k = 0; k < nadd; k++)
		out[n++] = env[k];
	out[n] = NULL;
	return out;
}

static void
stop_job(struct job *j, int64_t now)
{
	close_input(j);
	kill(-j->pid, SIGTERM);
	j->stage = JOB_TERMED;
	j->deadline = now + HOOK_GRACE_MS;
}

static void
finish(hookset_t *h, struct job *j, int status)
{
	if (j->stage == JOB_RUNNING) {
		if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
			fail(h, j, "'%s' exited with status %d", h->argv[0],
			     WEXITSTATUS(status));
		else if (WIFSIGNALED(status))
			fail(h, j, "'%s' killed by signal %d (%s)", h->argv[0],
			     WTERMSIG(status), strsignal(WTERMSIG(status)));
	}
	close_input(j);
	free(j->label);
	j->label = NULL;
	j->stage = JOB_FREE;
	j->pid = 0;
	h->running--;
}

int
hook_poll(hookset_t *h)
{
	if (h == NULL || h->running == 0)
		return -1;

	int64_t now = ts_mono_ms(), wait = HOOK_TICK_MS;
	for (int i = 0; i < h->max_jobs; i++) {
		struct job *j = &h->jobs[i];
		int status;

		if (j->stage == JOB_FREE)
			continue;
		feed(j);
		pid_t r = waitpid(j->pid, &status, WNOHANG);
		if (r == j->pid || (r < 0 && errno == ECHILD)) {
			finish(h, j, r == j->pid ? status : 0);
			continue;
		}
		if (now >= j->deadline) {
			if (j->stage == JOB_RUNNING) {
				char d[32];
				fail(h, j, "'%s' timed out after %s, stopped",
				     h->argv[0],
				     dur_format(h->timeout_ms, d, sizeof d));
				stop_job(j, now);
			} else if (j->stage == JOB_TERMED) {
				kill(-j->pid, SIGKILL);
				j->stage = JOB_KILLED;
				j->deadline = now + HOOK_GRACE_MS;
			} else {
				j->deadline = now + HOOK_GRACE_MS;
			}
		}
		if (j->deadline - now < wait)
			wait = j->deadline - now;
	}
	if (h->running == 0)
		return -1;
	return wait > 0 ? (int)wait : 0;
}

int
hook_running(const hookset_t *h)
{
	return h != NULL ? h->running : 0;
}

unsigned long
hook_failures(const hookset_t *h)
{
	return h != NULL ? h->failures : 0;
}

/* Sleep up to ms, waking early when a run's input pipe takes more. */
static void
pause_for(hookset_t *h, int ms)
{
	struct pollfd pfd[h->max_jobs > 0 ? h->max_jobs : 1];
	nfds_t n = 0;

	for (int i = 0; i < h->max_jobs; i++)
		if (h->jobs[i].stage != JOB_FREE && h->jobs[i].fd >= 0) {
			pfd[n].fd = h->jobs[i].fd;
			pfd[n].events = POLLOUT;
			pfd[n].revents = 0;
			n++;
		}
	poll(pfd, n, ms);
}

/* After a stopping signal: runs still going are stopped rather than waited
 * for.  (A closed standard output also sets rio_stop, but the alerts
 * already made still go out.) */
static void
stop_all(hookset_t *h)
{
	int64_t now = ts_mono_ms();

	for (int i = 0; i < h->max_jobs; i++) {
		struct job *j = &h->jobs[i];
		if (j->stage != JOB_RUNNING)
			continue;
		fail(h, j, "'%s' interrupted before it finished", h->argv[0]);
		stop_job(j, now);
	}
}

void
hook_run(hookset_t *h, const char *input, size_t n, char *const *env,
         const char *label)
{
	struct job *j = NULL;
	int wait;

	while ((wait = hook_poll(h)) >= 0 && h->running >= h->max_jobs) {
		/* Records already made must not wait behind a slow hook. */
		rio_out_flush();
		if (rio_stop_signal())
			stop_all(h);
		pause_for(h, wait);
	}
	for (int i = 0; i < h->max_jobs; i++)
		if (h->jobs[i].stage == JOB_FREE) {
			j = &h->jobs[i];
			break;
		}

	int pfd[2];
	buf_t lb = BUF_INIT;
	hook_label(label, &lb);
	struct job tmp = {.label = lb.p};
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		fail(h, &tmp, "cannot make a pipe: %s", strerror(errno));
		buf_free(&lb);
		return;
	}

	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, defaults;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[0], STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO, STDOUT_FILENO);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGPIPE);
	sigaddset(&defaults, SIGXFSZ);
	sigaddset(&defaults, SIGCHLD);
	for (const int *sig = rio_stop_signals; *sig != 0; sig++)
		sigaddset(&defaults, *sig);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &defaults);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
	                                  POSIX_SPAWN_SETSIGMASK |
	                                  POSIX_SPAWN_SETSIGDEF);
	char **envp = make_env(h->prefix, env);
	pid_t pid;
	int rc = posix_spawnp(&pid, h->argv[0], &fa, &at, h->argv, envp);
	free(envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(pfd[0]);
	if (rc != 0) {
		close(pfd[1]);
		fail(h, &tmp, "cannot run '%s': %s", h->argv[0], strerror(rc));
		buf_free(&lb);
		return;
	}

	fcntl(pfd[1], F_SETFL, fcntl(pfd[1], F_GETFL) | O_NONBLOCK);
	j->stage = JOB_RUNNING;
	j->pid = pid;
	j->fd = pfd[1];
	j->in = xmalloc(n ? n : 1);
	memcpy(j->in, input, n);
	j->n = n;
	j->off = 0;
	j->deadline = ts_mono_ms() + h->timeout_ms;
	j->label = lb.p;
	h->running++;
	feed(j);
}

void
hook_wait(hookset_t *h)
{
	int wait;

	if (h == NULL)
		return;
	while ((wait = hook_poll(h)) >= 0) {
		if (rio_stop_signal())
			stop_all(h);
		pause_for(h, wait);
	}
}

void
hook_close(hookset_t *h)
{
	if (h == NULL)
		return;
	hook_wait(h);
	hook_words_free(h->argv);
	free(h->prefix);
	free(h->jobs);
	free(h);
}
