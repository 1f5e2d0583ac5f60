/*
 * trap.h - let a fuzz target call code that may end in util_die().
 *
 * The loaders of rules, state files and join tables report bad input with
 * util_die(), which calls exit().  The fuzz targets are linked with
 * -Wl,--wrap=exit, so exit() comes here: inside trap_run() it jumps back
 * out of the loader instead of ending the process; anywhere else it exits
 * as usual.
 *
 * A loader that dies leaves its memory behind, as a program about to exit
 * may.  So between trap_begin() and trap_end() every allocation is noted
 * (through the sanitizer's malloc hooks): trap_end() can then free what a
 * dead loader left, and tell a target whose loader returned normally and
 * was freed how many allocations are still live, which is a leak.  File
 * descriptors a dead loader left open are closed as well.
 *
 * Only what is allocated between trap_begin() and trap_end() may be freed
 * by it: state kept across inputs must be allocated outside.
 */
#ifndef TINGLE_FUZZ_TRAP_H
#define TINGLE_FUZZ_TRAP_H

#include <stddef.h>

/* Start noting allocations and open file descriptors. */
void trap_begin(void);

/* Call fn(arg).  Returns -1 when it returns, or the status util_die() (or
 * exit()) gave when it did not. */
int trap_run(void (*fn)(void *), void *arg);

/*
 * Stop noting allocations.  Returns how many of those noted are still
 * live; with free_all they are freed, and descriptors opened since
 * trap_begin() are closed.
 */
size_t trap_end(int free_all);

#endif
