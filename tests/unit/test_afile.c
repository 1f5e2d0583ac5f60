/*
 * test_afile.c - the files tingle writes (lib/afile.c): state saved by a
 * temporary file renamed over the target, with the target's permission
 * bits and never a set-id bit; reading state without following links;
 * the state lock; output files that never truncate through a link.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "scratch.h"

#include "afile.h"
#include "util.h"

/* The content of file name, or "(none)". */
static const char *
content(const char *name)
{
	static char b[256];
	FILE *fp = fopen(scratch_file(name), "r");
	size_t n;

	if (fp == NULL)
		return "(none)";
	n = fread(b, 1, sizeof b - 1, fp);
	b[n] = '\0';
	fclose(fp);
	return b;
}

static mode_t
mode_of(const char *name)
{
	struct stat st;

	assert_int_equal(lstat(scratch_file(name), &st), 0);
	return st.st_mode & 07777;
}

/* The number of entries in the directory (to see no temporary file is
 * left behind). */
static int
entries(void)
{
	char cmd[4300];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", scratch_dir());
	assert_non_null(p = popen(cmd, "r"));
	assert_int_equal(fscanf(p, "%d", &n), 1);
	pclose(p);
	return n;
}

static void
save(const char *name, const char *s)
{
	afile_t af;
	const char *what = "unset";

	assert_int_equal(afile_open(&af, scratch_file(name)), 0);
	assert_true(af.fd >= 0);
	assert_non_null(af.tmp);
	assert_int_equal(write(af.fd, s, strlen(s)), (ssize_t)strlen(s));
	assert_int_equal(afile_commit(&af, scratch_file(name), &what), 0);
}

static void
test_save_new_file_and_replace(void **state)
{
	int n0 = entries();

	(void)state;
	umask(022);
	save("s1", "first");
	assert_string_equal(content("s1"), "first");
	assert_int_equal(mode_of("s1"), 0644);
	save("s1", "second, longer");
	assert_string_equal(content("s1"), "second, longer");
	save("s1", "3");
	assert_string_equal(content("s1"), "3");
	assert_int_equal(entries(), n0 + 1);
}

/* afile_write: the whole buffer, in one step; a missing directory is a
 * failure to create, and leaves nothing behind. */
static void
test_write_whole(void **state)
{
	const char *what = "unset";
	int n0 = entries();

	(void)state;
	assert_int_equal(afile_write(scratch_file("w1"), "abc\0def", 7, &what),
	                 0);
	assert_int_equal(mode_of("w1") & 0600, 0600);
	assert_memory_equal(content("w1"), "abc", 4);
	assert_int_equal(afile_write(scratch_file("w1"), "x", 1, &what), 0);
	assert_string_equal(content("w1"), "x");
	assert_int_equal(afile_write(scratch_file("none/w2"), "x", 1, &what),
	                 -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(what, "create");
	assert_int_equal(entries(), n0 + 1);
}

/* The old file is there, whole, until the commit renames the new one
 * over it; an aborted save leaves it and no temporary file. */
static void
test_old_file_stays_until_commit(void **state)
{
	afile_t af;
	char tmp[4200];
	int n0;

	(void)state;
	scratch_put("s2", "old");
	n0 = entries();
	assert_int_equal(afile_open(&af, scratch_file("s2")), 0);
	snprintf(tmp, sizeof tmp, "%s", af.tmp);
	assert_int_equal(strncmp(tmp, scratch_dir(), strlen(scratch_dir())), 0);
	assert_int_equal(write(af.fd, "new", 3), 3);
	assert_string_equal(content("s2"), "old");
	assert_int_equal(entries(), n0 + 1);
	afile_abort(&af);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_string_equal(content("s2"), "old");
	assert_int_equal(entries(), n0);
}

/* A saved file keeps the permission bits of the one it replaces, but
 * never a set-id or sticky bit nor execute bits beyond 0666. */
static void
test_save_keeps_permissions(void **state)
{
	(void)state;
	umask(022);
	scratch_put("p1", "x");
	assert_int_equal(chmod(scratch_file("p1"), 0600), 0);
	save("p1", "y");
	assert_int_equal(mode_of("p1"), 0600);
	scratch_put("p2", "x");
	assert_int_equal(chmod(scratch_file("p2"), 0664), 0);
	save("p2", "y");
	assert_int_equal(mode_of("p2"), 0664);
	scratch_put("p3", "x");
	assert_int_equal(chmod(scratch_file("p3"), 06755), 0);
	save("p3", "y");
	assert_int_equal(mode_of("p3"), 0644);
	umask(077);
	save("p4", "y");
	assert_int_equal(mode_of("p4"), 0600);
	umask(022);
}

/* Saving over a symbolic link replaces the link, never the file it
 * points to. */
static void
test_save_replaces_link_not_target(void **state)
{
	struct stat st;

	(void)state;
	scratch_put("victim", "keep me");
	assert_int_equal(symlink(scratch_file("victim"), scratch_file("link")),
	                 0);
	save("link", "state");
	assert_int_equal(lstat(scratch_file("link"), &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_string_equal(content("link"), "state");
	assert_string_equal(content("victim"), "keep me");
}

/* A commit that cannot rename (the target is a directory) fails, names
 * the step, and leaves no temporary file. */
static void
test_commit_failure_cleans_up(void **state)
{
	afile_t af;
	const char *what = NULL;
	int n0;

	(void)state;
	assert_int_equal(mkdir(scratch_file("adir"), 0755), 0);
	scratch_put("adir/x", "");
	n0 = entries();
	assert_int_equal(afile_open(&af, scratch_file("adir")), 0);
	assert_int_equal(write(af.fd, "s", 1), 1);
	assert_int_equal(afile_commit(&af, scratch_file("adir"), &what), -1);
	assert_non_null(what);
	assert_int_equal(entries(), n0);
	assert_int_equal(afile_open(&af, scratch_file("no/such/dir/s")), -1);
	assert_int_equal(errno, ENOENT);
}

static void
test_read_state(void **state)
{
	buf_t b = {0};
	const char *why = NULL;

	(void)state;
	scratch_put("r1", "{\"version\":1}");
	assert_int_equal(afile_read(scratch_file("r1"), &b, &why), 0);
	assert_string_equal(b.p, "{\"version\":1}");
	assert_int_equal(b.len, 13);
	assert_int_equal(afile_read(scratch_file("missing"), &b, &why), 1);
	assert_int_equal(b.len, 13);

	assert_int_equal(symlink(scratch_file("r1"), scratch_file("r1link")),
	                 0);
	why = NULL;
	assert_int_equal(afile_read(scratch_file("r1link"), &b, &why), -1);
	assert_non_null(why);
	assert_int_equal(b.len, 13);
	assert_int_equal(mkdir(scratch_file("rdir"), 0755), 0);
	why = "unset";
	assert_int_equal(afile_read(scratch_file("rdir"), &b, &why), -1);
	assert_null(why);
	assert_int_equal(errno, EISDIR);
	assert_int_equal(mkfifo(scratch_file("rfifo"), 0600), 0);
	why = NULL;
	assert_int_equal(afile_read(scratch_file("rfifo"), &b, &why), -1);
	assert_non_null(why);
	assert_int_equal(b.len, 13);
	buf_free(&b);
}

/* A lock is exclusive (also between two opens in one process), holds
 * the holder's pid, waits no longer than told, and is gone once
 * released. */
static void
test_lock(void **state)
{
	alock_t a, b;
	long holder = -1;
	const char *why = NULL;
	char lockname[4200];

	(void)state;
	snprintf(lockname, sizeof lockname, "%s.lock", scratch_file("st"));
	assert_int_equal(
	    afile_lock(&a, scratch_file("st"), 0, NULL, &holder, &why), 0);
	assert_true(a.fd >= 0);
	assert_string_equal(a.name, lockname);
	assert_int_equal(access(lockname, F_OK), 0);
	assert_int_equal(atol(content("st.lock")), (long)getpid());

	assert_int_equal(
	    afile_lock(&b, scratch_file("st"), 0, NULL, &holder, &why), -1);
	assert_int_equal(errno, EWOULDBLOCK);
	assert_int_equal(holder, (long)getpid());
	assert_int_equal(
	    afile_lock(&b, scratch_file("st"), 50, NULL, &holder, &why), -1);
	assert_int_equal(errno, EWOULDBLOCK);

	afile_unlock(&a);
	assert_int_equal(a.fd, -1);
	assert_int_equal(access(lockname, F_OK), -1);
	afile_unlock(&a);

	assert_int_equal(
	    afile_lock(&b, scratch_file("st"), 0, NULL, &holder, &why), 0);
	afile_unlock(&b);

	assert_int_equal(
	    afile_lock(&b, scratch_file("nodir/st"), 0, NULL, &holder, &why),
	    1);

	assert_int_equal(symlink(scratch_file("r1"), scratch_file("ln.lock")),
	                 0);
	why = NULL;
	assert_int_equal(
	    afile_lock(&b, scratch_file("ln"), 0, NULL, &holder, &why), -1);
	assert_non_null(why);
}

static void
test_output_files(void **state)
{
	const char *why;
	int fd;

	(void)state;
	why = NULL;
	fd = afile_output(scratch_file("o1"), &why);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "abc", 3), 3);
	close(fd);
	assert_string_equal(content("o1"), "abc");
	assert_true(
	    fcntl(fd = afile_output(scratch_file("o1"), &why), F_GETFD) &
	    FD_CLOEXEC);
	close(fd);
	assert_string_equal(content("o1"), "");

	scratch_put("o2", "precious");
	assert_int_equal(symlink(scratch_file("o2"), scratch_file("o2link")),
	                 0);
	why = NULL;
	assert_int_equal(afile_output(scratch_file("o2link"), &why), -1);
	assert_non_null(why);
	assert_string_equal(content("o2"), "precious");

	assert_int_equal(
	    symlink(scratch_file("o3-not-yet"), scratch_file("o3link")), 0);
	why = NULL;
	assert_int_equal(afile_output(scratch_file("o3link"), &why), -1);
	assert_string_equal(content("o3-not-yet"), "(none)");

	assert_int_equal(link(scratch_file("o2"), scratch_file("o2hard")), 0);
	why = NULL;
	assert_int_equal(afile_output(scratch_file("o2hard"), &why), -1);
	assert_non_null(why);
	assert_string_equal(content("o2"), "precious");

	why = NULL;
	assert_int_equal(afile_output(scratch_file("rdir"), &why), -1);

	assert_int_equal(mkfifo(scratch_file("fifo"), 0600), 0);
	assert_int_equal(
	    symlink(scratch_file("fifo"), scratch_file("fifolink")), 0);
	int rfd = open(scratch_file("fifo"), O_RDONLY | O_NONBLOCK);
	assert_true(rfd >= 0);
	fd = afile_output(scratch_file("fifolink"), &why);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "p", 1), 1);
	char c = 0;
	assert_int_equal(read(rfd, &c, 1), 1);
	assert_int_equal(c, 'p');
	close(fd);
	close(rfd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_save_new_file_and_replace),
	    cmocka_unit_test(test_write_whole),
	    cmocka_unit_test(test_old_file_stays_until_commit),
	    cmocka_unit_test(test_save_keeps_permissions),
	    cmocka_unit_test(test_save_replaces_link_not_target),
	    cmocka_unit_test(test_commit_failure_cleans_up),
	    cmocka_unit_test(test_read_state),
	    cmocka_unit_test(test_lock),
	    cmocka_unit_test(test_output_files),
	};
	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
