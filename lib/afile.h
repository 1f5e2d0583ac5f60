/*
 * afile.h - replace a file atomically.
 *
 * The new content goes to a fresh temporary file made with mkstemp() in
 * the target's directory, which is then renamed over the target: readers
 * see the old file or the new one, never a part.  The temporary name is
 * unique and created exclusively, so a symlink planted next to the target
 * is never followed and two runs saving the same file do not share one.
 */
#ifndef TINGLE_AFILE_H
#define TINGLE_AFILE_H

typedef struct afile {
	int fd;    /* write the content here; -1 once closed */
	char *tmp; /* the temporary file's name, owned */
} afile_t;

/* Create the temporary file for path, with the mode of the file it will
 * replace (or 0666 less the umask when there is none).  -1 with errno set
 * on failure. */
int afile_open(afile_t *af, const char *path);

/* fsync and close the temporary file, rename it to path and fsync the
 * directory.  On failure return -1 with errno set and *what naming the
 * step that failed, and remove the temporary file unless the rename was
 * done.  Either way af is released. */
int afile_commit(afile_t *af, const char *path, const char **what);

/* Close and remove the temporary file and release af; errno is kept. */
void afile_abort(afile_t *af);

#endif
