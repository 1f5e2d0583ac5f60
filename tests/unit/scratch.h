/*
 * scratch.h - a scratch directory for unit tests that write files: made
 * under $TMPDIR (else /tmp) by scratch_make() in a test group's setup,
 * removed with everything in it by scratch_remove() in its teardown.
 * Header-only: each test program includes it once.
 */
#ifndef TINGLE_TEST_SCRATCH_H
#define TINGLE_TEST_SCRATCH_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

/* Make DIR (of SIZE bytes) a new directory NAME.XXXXXX; 0 or -1. */
static inline int
scratch_make(char *dir, size_t size, const char *name)
{
	const char *tmp = getenv("TMPDIR");
	int n;

	n = snprintf(dir, size, "%s/%s.XXXXXX",
	             tmp != NULL && *tmp != '\0' ? tmp : "/tmp", name);
	if (n < 0 || (size_t)n >= size)
		return -1;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static inline int
scratch_unlink(const char *path, const struct stat *st, int flag,
               struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Remove DIR and all below it, without following links; 0 or -1. */
static inline int
scratch_remove(const char *dir)
{
	return nftw(dir, scratch_unlink, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * The path of NAME in DIR.  The result stays valid until four more calls,
 * so a test can hold a few paths at once.
 */
static inline char *
scratch_path(const char *dir, const char *name)
{
	static char p[4][4200];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof p[i], "%s/%s", dir, name);
	return p[i];
}

#endif
