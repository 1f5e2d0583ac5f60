/*
 * afile.c - replace a file atomically through mkstemp() and rename().
 */
#include "afile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
		mode = st.st_mode & 07777;
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
