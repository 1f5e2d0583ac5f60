/*
 * hook.c - run a command per alert, with a time limit and a cap on
 * concurrency, without ever handing record text to a shell.
 */
#include "hook.h"

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
};

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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
						buf_adds(err, "unterminated \" "
						              "quote");
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

/* ==== running ========================================================== */

static void fail(hookset_t *h, const struct job *j, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fail(hookset_t *h, const struct job *j, const char *fmt, ...)
{
	va_list ap;

	h->failures++;
	fprintf(stderr, "%s: hook for %s: ", progname, j->label);
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

	int64_t now = mono_ms(), wait = HOOK_TICK_MS;
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
	int64_t now = mono_ms();

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
		out_flush();
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
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		struct job tmp = {.label = (char *)label};
		fail(h, &tmp, "cannot make a pipe: %s", strerror(errno));
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
		struct job tmp = {.label = (char *)label};
		close(pfd[1]);
		fail(h, &tmp, "cannot run '%s': %s", h->argv[0], strerror(rc));
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
	j->deadline = mono_ms() + h->timeout_ms;
	j->label = xstrdup(label);
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
