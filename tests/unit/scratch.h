/*
 * scratch.h - a scratch directory for unit tests that write files: made
 * under $TMPDIR (else /tmp) by scratch_make() in a test group's setup,
 * removed with everything in it by scratch_remove() in its teardown.
 * scratch_setup() and scratch_teardown() do both for the program's own
 * directory, scratch_dir(), and scratch_put() writes a file there.
 * Header-only: each test program includes it once, after cmocka.h.
 */
#ifndef TINGLE_TEST_SCRATCH_H
#define TINGLE_TEST_SCRATCH_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The test program's scratch directory, once scratch_setup() made it. */
static inline char *
scratch_dir(void)
{
	static char dir[4096];

	return dir;
}

/* A cmocka group setup that makes scratch_dir(); 0 or -1. */
static inline int
scratch_setup(void **state)
{
	(void)state;
	return scratch_make(scratch_dir(), 4096, "tingle-unit");
}

/* A cmocka group teardown that removes scratch_dir(); 0 or -1. */
static inline int
scratch_teardown(void **state)
{
	(void)state;
	return scratch_remove(scratch_dir());
}

/* The path of NAME in scratch_dir(), as scratch_path() gives it. */
static inline char *
scratch_file(const char *name)
{
	return scratch_path(scratch_dir(), name);
}

/* Write the n bytes at s to file NAME in scratch_dir(), failing the test
 * if that cannot be done; returns its path (as scratch_file()). */
static inline const char *
scratch_write(const char *name, const void *s, size_t n)
{
	char *path = scratch_file(name);
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fwrite(s, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
	return path;
}

/* The same for the string s. */
static inline const char *
scratch_put(const char *name, const char *s)
{
	return scratch_write(name, s, strlen(s));
}

#endif
