/*
 * afile.h - the files tingle writes: state files replaced atomically and
 * locked for a run, and output files opened without following links.
 *
 * A state file's new content goes to a fresh temporary file made with
 * mkstemp() in the target's directory, which is then renamed over the
 * target: readers see the old file or the new one, never a part.  The
 * temporary name is unique and created exclusively, so a symlink planted
 * next to the target is never followed and two runs saving the same file
 * do not share one.  The rename replaces a symbolic link at the target's
 * name, never the file it points to.
 *
 * Functions here never exit.  They return -1 with errno set; where tingle
 * refuses a file that the system would have opened, *why names the reason
 * in words ("it is a symbolic link"), else *why is NULL and errno says it.
 */
#ifndef TINGLE_AFILE_H
#define TINGLE_AFILE_H

#include <stdint.h>

#include "util.h"

typedef struct afile {
	int fd;    /* write the content here; -1 once closed */
	char *tmp; /* the temporary file's name, owned */
} afile_t;

/* Create the temporary file for path, with the permission bits (0666 at
 * most: never setuid, setgid or sticky) of the regular file it will
 * replace, or 0666 less the umask when there is none or path is not a
 * regular file (a symbolic link is not followed).  -1 with errno set on
 * failure. */
int afile_open(afile_t *af, const char *path);

/* fsync and close the temporary file, rename it to path and fsync the
 * directory.  On failure return -1 with errno set and *what naming the
 * step that failed, and remove the temporary file unless the rename was
 * done.  Either way af is released. */
int afile_commit(afile_t *af, const char *path, const char **what);

/* Close and remove the temporary file and release af; errno is kept. */
void afile_abort(afile_t *af);

/* Replace path with the n bytes at data, as afile_open, write and
 * afile_commit would: a reader sees the old file or the new one, never
 * half of one.  0, or -1 with errno set and *what naming the step that
 * failed ("create", "write", or one of afile_commit's). */
int afile_write(const char *path, const void *data, size_t n,
                const char **what);

/*
 * Read the state file path whole into b (appended, NUL-terminated, the
 * NUL not counted), never through a symbolic link.  Returns 0; 1 when
 * path does not exist; -1 when it cannot be read: a symbolic link, or
 * anything but a regular file, is refused (*why says which), other
 * failures leave errno.
 */
int afile_read(const char *path, buf_t *b, const char **why);

/* An exclusive lock for a state file, held while fd is open. */
typedef struct alock {
	int fd;     /* the open lock file; -1 when none is held */
	char *name; /* its name (STATE.lock), owned */
} alock_t;

/*
 * Lock the state file path for this process: flock(2) on the lock file
 * path.lock beside it, made when missing (the state file itself cannot
 * carry the lock, since every save renames a new file over it).  The
 * lock file holds the pid of the process that holds the lock.
 *
 * Waits up to timeout_ms (0: not at all), looking at *stop (if not NULL)
 * while it waits.  Returns 0 with the lock held in lk; 1 without a lock
 * when no lock file can be made because the directory is missing or
 * cannot be written (nor can the state be saved there, so no run can
 * overwrite another's); -1 on failure, with errno EWOULDBLOCK when the
 * wait timed out (*holder is then the pid in the lock file, or 0 when
 * unknown), EINTR when *stop was set, or another errno or *why when the
 * lock file cannot be used (a symbolic link, a file of another kind).
 */
int afile_lock(alock_t *lk, const char *path, int64_t timeout_ms,
               volatile int *stop, long *holder, const char **why);

/* Remove the lock file, then release the lock.  A process waiting for
 * it sees that its lock file was removed and takes a new one.  Does
 * nothing when lk holds no lock. */
void afile_unlock(alock_t *lk);

/*
 * Open path to write an output file (such as --rejects), close-on-exec:
 *  - /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N name a
 *    descriptor already open, which is duplicated (so `--rejects
 *    /dev/stderr` and `--rejects >(cmd)` write where the shell set up);
 *  - a missing file is created (0666 less the umask);
 *  - an existing FIFO or character device is written as it is;
 *  - an existing regular file is truncated, unless it has another name
 *    (a hard link), or holds data and belongs to another user: then it
 *    is refused and left alone;
 *  - a symbolic link is followed only to a FIFO or character device,
 *    never to a regular file or to a name that does not exist yet;
 *  - anything else (a block device, a directory) is refused.
 * Returns the descriptor, or -1 with errno or *why set.
 */
int afile_output(const char *path, const char **why);

#endif
