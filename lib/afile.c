/*
 * afile.c - replace a file atomically through mkstemp() and rename(), lock
 * it with flock() on a file beside it, and open output files safely.
 */
#include "afile.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ttime.h"
#include "util.h"

int
afile_open(afile_t *af, const char *path)
{
	size_t plen = strlen(path);
	struct stat st;
	mode_t mode, mask;
	int saved;

	af->tmp = xmalloc(plen + 8);
	memcpy(af->tmp, path, plen);
	memcpy(af->tmp + plen, ".XXXXXX", 8);
	af->fd = mkostemp(af->tmp, O_CLOEXEC);
	if (af->fd < 0) {
		saved = errno;
		free(af->tmp);
		af->tmp = NULL;
		errno = saved;
		return -1;
	}
	/* Permission bits only: a set-id bit someone put on the old file is
	 * not carried over to a file this process owns. */
	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode)) {
		mode = st.st_mode & 0666;
	} else {
		mask = umask(0);
		umask(mask);
		mode = 0666 & ~mask;
	}
	if (fchmod(af->fd, mode) < 0) {
		afile_abort(af);
		return -1;
	}
	return 0;
}

void
afile_abort(afile_t *af)
{
	int saved = errno;

	if (af->fd >= 0)
		close(af->fd);
	af->fd = -1;
	if (af->tmp != NULL)
		unlink(af->tmp);
	free(af->tmp);
	af->tmp = NULL;
	errno = saved;
}

/* fsync the directory holding path, so a rename in it is durable. */
static int
sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd, rc;

	if (slash == NULL)
		dir = xstrdup(".");
	else if (slash == path)
		dir = xstrdup("/");
	else
		dir = xstrndup(path, (size_t)(slash - path));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	if (rc < 0 && (errno == EINVAL || errno == EROFS))
		rc = 0; /* directories that cannot be synced */
	close(fd);
	return rc;
}

int
afile_commit(afile_t *af, const char *path, const char **what)
{
	int fd = af->fd;

	*what = "fsync";
	if (fsync(fd) < 0)
		goto fail;
	*what = "close";
	af->fd = -1;
	if (close(fd) < 0)
		goto fail;
	*what = "rename";
	if (rename(af->tmp, path) < 0)
		goto fail;
	free(af->tmp);
	af->tmp = NULL;
	*what = "fsync the directory of";
	return sync_dir(path);
fail:
	afile_abort(af);
	return -1;
}

/* After an O_NOFOLLOW open failed: say why when path is a symbolic link
 * (ELOOP also means too many levels of links behind a directory). */
static void
refused_link(const char *path, const char **why)
{
	struct stat st;
	int saved = errno;

	if (saved == ELOOP && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		*why = "it is a symbolic link";
	errno = saved;
}

int
afile_read(const char *path, buf_t *b, const char **why)
{
	struct stat st;
	int fd, saved;

	*why = NULL;
	fd = open(path,
	          O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		refused_link(path, why);
		return -1;
	}
	if (fstat(fd, &st) < 0)
		goto fail;
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		*why = "it is not a regular file";
		errno = EINVAL;
		goto fail;
	}
	if (buf_read_fd(b, fd) < 0)
		goto fail;
	close(fd);
	return 0;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* ==== the lock ========================================================= */

/* Open (or make) the lock file name: a descriptor, -2 when it cannot be
 * made because the directory is missing or read-only, or -1. */
static int
lock_file(const char *name, const char **why)
{
	const int fl = O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
	struct stat st;
	int fd;

	fd = open(name, O_RDWR | O_CREAT | fl, 0666);
	if (fd < 0 && (errno == EACCES || errno == EROFS)) {
		/* A lock file this process may not write can still be
		 * locked; one it may not make means no run can save. */
		fd = open(name, O_RDONLY | fl);
		if (fd < 0 && errno == ENOENT)
			return -2;
	}
	if (fd < 0) {
		if (errno == ENOENT)
			return -2;
		refused_link(name, why);
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		*why = "it is not a regular file";
		errno = EINVAL;
		return -1;
	}
	return fd;
}

/* The pid that the holder wrote in the lock file, or 0. */
static long
lock_holder(int fd)
{
	char s[32];
	ssize_t n = pread(fd, s, sizeof s - 1, 0);
	long pid = 0;

	if (n <= 0)
		return 0;
	s[n] = '\0';
	for (char *p = s; isdigit((unsigned char)*p); p++) {
		pid = pid * 10 + (*p - '0');
		if (pid > INT_MAX)
			return 0;
	}
	return pid;
}

static int64_t
elapsed_ms(int64_t t0)
{
	return ts_mono_ms() - t0;
}

/* Wait for the lock on fd: 0, or -1 with errno as afile_lock's. */
static int
lock_wait(int fd, int64_t t0, int64_t timeout_ms, volatile int *stop,
          long *holder)
{
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return -1;
		if (stop != NULL && *stop) {
			errno = EINTR;
			return -1;
		}
		int64_t left = timeout_ms - elapsed_ms(t0);
		if (left <= 0) {
			*holder = lock_holder(fd);
			errno = EWOULDBLOCK;
			return -1;
		}
		/* flock() cannot time out: look again every 20 ms. */
		if (left > 20)
			left = 20;
		struct timespec nap = {0, (long)left * 1000000};
		nanosleep(&nap, NULL);
	}
}

int
afile_lock(alock_t *lk, const char *path, int64_t timeout_ms,
           volatile int *stop, long *holder, const char **why)
{
	size_t plen = strlen(path);
	char *name = xmalloc(plen + sizeof ".lock");
	int64_t t0;
	struct stat a, b;
	int fd, saved;

	memcpy(name, path, plen);
	memcpy(name + plen, ".lock", sizeof ".lock");
	lk->fd = -1;
	lk->name = NULL;
	*holder = 0;
	*why = NULL;
	t0 = ts_mono_ms();
	for (;;) {
		fd = lock_file(name, why);
		if (fd == -2) {
			free(name);
			return 1;
		}
		if (fd < 0 || lock_wait(fd, t0, timeout_ms, stop, holder) < 0)
			break;
		/* The holder removes the lock file before it lets go: a lock
		 * on a file no longer at name locks nothing, so start over
		 * with the one there now. */
		if (fstat(fd, &a) == 0 && lstat(name, &b) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
			char s[32];
			int n = snprintf(s, sizeof s, "%ld\n", (long)getpid());
			/* Only a help for the message of a run that waits:
			 * a lock file that cannot be written does not matter.
			 */
			if (ftruncate(fd, 0) == 0) {
				ssize_t w = pwrite(fd, s, (size_t)n, 0);
				(void)w;
			}
			lk->fd = fd;
			lk->name = name;
			return 0;
		}
		close(fd);
	}
	saved = errno;
	if (fd >= 0)
		close(fd);
	free(name);
	errno = saved;
	return -1;
}

void
afile_unlock(alock_t *lk)
{
	if (lk->fd < 0)
		return;
	unlink(lk->name);
	close(lk->fd);
	lk->fd = -1;
	free(lk->name);
	lk->name = NULL;
}

/* ==== output files ===================================================== */

/* The descriptor that path names (/dev/stdout, /dev/fd/3), or -1. */
static int
fd_name(const char *path)
{
	const char *p;
	long n = 0;

	if (strcmp(path, "/dev/stdout") == 0)
		return 1;
	if (strcmp(path, "/dev/stderr") == 0)
		return 2;
	if (strncmp(path, "/dev/fd/", 8) == 0)
		p = path + 8;
	else if (strncmp(path, "/proc/self/fd/", 14) == 0)
		p = path + 14;
	else
		return -1;
	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		n = n * 10 + (*p - '0');
		if (n > INT_MAX)
			return -1;
	}
	return *p == '\0' ? (int)n : -1;
}

static int
is_stream(const struct stat *st)
{
	return S_ISFIFO(st->st_mode) || S_ISCHR(st->st_mode);
}

/* path is a symbolic link: open what it points to if that is a FIFO or a
 * character device (such as a pipe the shell made), else refuse. */
static int
follow_stream(const char *path, const char **why)
{
	struct stat st;
	int fd;

	if (stat(path, &st) == 0 && is_stream(&st)) {
		fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			return -1;
		/* What was opened may not be what was looked at. */
		if (fstat(fd, &st) == 0 && is_stream(&st))
			return fd;
		close(fd);
	}
	*why = "it is a symbolic link";
	errno = ELOOP;
	return -1;
}

int
afile_output(const char *path, const char **why)
{
	const int fl = O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC;
	struct stat st;
	int fd, n;

	*why = NULL;
	if ((n = fd_name(path)) >= 0) {
		int mode = fcntl(n, F_GETFL);
		if (mode < 0)
			return -1;
		if ((mode & O_ACCMODE) == O_RDONLY) {
			*why = "that descriptor is not open for writing";
			errno = EBADF;
			return -1;
		}
		return fcntl(n, F_DUPFD_CLOEXEC, 3);
	}
	for (int tries = 0;; tries++) {
		fd = open(path, fl | O_CREAT | O_EXCL, 0666);
		if (fd >= 0)
			return fd; /* made here */
		if (errno != EEXIST)
			return -1;
		fd = open(path, fl);
		if (fd >= 0)
			break;
		if (errno == ENOENT && tries < 3)
			continue; /* removed in between */
		if (errno == ELOOP)
			return follow_stream(path, why);
		return -1;
	}
	if (fstat(fd, &st) < 0)
		goto fail;
	if (is_stream(&st))
		return fd;
	if (!S_ISREG(st.st_mode))
		*why = "it is not a regular file, FIFO or character device";
	else if (st.st_nlink > 1)
		*why = "it has another name (a hard link)";
	else if (st.st_size > 0 && st.st_uid != geteuid())
		*why = "it belongs to another user";
	else if (ftruncate(fd, 0) < 0)
		goto fail;
	else
		return fd;
	errno = EPERM;
fail:
	n = errno;
	close(fd);
	errno = n;
	return -1;
}

int
afile_write(const char *path, const void *data, size_t n, const char **what)
{
	const char *p = data;
	afile_t af;

	*what = "create";
	if (afile_open(&af, path) < 0)
		return -1;
	*what = "write";
	for (size_t off = 0; off < n;) {
		ssize_t w = write(af.fd, p + off, n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			afile_abort(&af);
			return -1;
		}
		off += (size_t)w;
	}
	return afile_commit(&af, path, what);
}
