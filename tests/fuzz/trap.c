/*
 * trap.c - catch exit() in fuzz targets and note their allocations (see
 * trap.h).  Linked into every fuzz target, which are linked with
 * -Wl,--wrap=exit.
 */
#include "trap.h"

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <sanitizer/allocator_interface.h>

/* Live allocations: an open-addressing set of addresses (0 is empty). */
#define SLOTS (1u << 16)
static uintptr_t slot[SLOTS], taken[SLOTS];
static size_t nlive;
static int noting, hooked;

/* The hooks see every thread's allocations, libFuzzer's own threads'
 * (its RSS monitor) too: only those of the thread that called
 * trap_begin() are noted, or trap_end() would free what another thread
 * owns. */
static _Thread_local int tracing;

static jmp_buf jump;
static int armed, status;
#define NFDS 64
static int first_fd;      /* lowest descriptor free at trap_begin() */
static uint64_t fds_open; /* which of the NFDS from it were open then */

void __real_exit(int code) __attribute__((noreturn));
void __wrap_exit(int code) __attribute__((noreturn));

void
__wrap_exit(int code)
{
	if (armed) {
		armed = 0;
		status = code;
		longjmp(jump, 1);
	}
	__real_exit(code);
}

static size_t
home(uintptr_t a)
{
	a ^= a >> 17;
	a *= 0x9E3779B97F4A7C15u;
	return (size_t)(a >> 40) & (SLOTS - 1);
}

static void
on_malloc(const volatile void *p, size_t n)
{
	uintptr_t a = (uintptr_t)p;
	size_t i;

	(void)n;
	if (!noting || !tracing || a == 0)
		return;
	if (nlive >= SLOTS / 2) {
		fputs("trap: too many live allocations\n", stderr);
		abort();
	}
	for (i = home(a); slot[i] != 0; i = (i + 1) & (SLOTS - 1))
		if (slot[i] == a)
			return;
	slot[i] = a;
	nlive++;
}

/* Remove a from the set, shifting later entries of its run back. */
static void
on_free(const volatile void *p)
{
	uintptr_t a = (uintptr_t)p;
	size_t i, j, h;

	if (nlive == 0 || !tracing || a == 0)
		return;
	for (i = home(a); slot[i] != a; i = (i + 1) & (SLOTS - 1))
		if (slot[i] == 0)
			return; /* allocated before trap_begin() */
	slot[i] = 0;
	nlive--;
	/* Entries after the hole whose home is not between the hole and
	 * them move back into it. */
	for (j = (i + 1) & (SLOTS - 1); slot[j] != 0;
	     j = (j + 1) & (SLOTS - 1)) {
		h = home(slot[j]);
		if (((j - h) & (SLOTS - 1)) >= ((j - i) & (SLOTS - 1))) {
			slot[i] = slot[j];
			slot[j] = 0;
			i = j;
		}
	}
}

void
trap_begin(void)
{
	int fd;

	if (!hooked) {
		__sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
		hooked = 1;
	}
	fd = dup(0);
	if (fd >= 0)
		close(fd);
	first_fd = fd >= 0 ? fd : 3;
	fds_open = 0;
	for (int k = 0; k < NFDS; k++)
		if (fcntl(first_fd + k, F_GETFD) >= 0)
			fds_open |= (uint64_t)1 << k;
	tracing = 1;
	noting = 1;
}

int
trap_run(void (*fn)(void *), void *arg)
{
	if (setjmp(jump) != 0)
		return status;
	armed = 1;
	fn(arg);
	armed = 0;
	return -1;
}

size_t
trap_end(int free_all)
{
	size_t left = nlive, n = 0;

	noting = 0;
	if (nlive > 0) {
		/* Empty the set first: free() calls on_free(). */
		for (size_t i = 0; i < SLOTS; i++)
			if (slot[i] != 0) {
				taken[n++] = slot[i];
				slot[i] = 0;
			}
		nlive = 0;
	}
	if (free_all) {
		for (size_t i = 0; i < n; i++)
			free((void *)taken[i]);
		for (int k = 0; k < NFDS; k++)
			if (!(fds_open >> k & 1))
				close(first_fd + k);
	}
	return left;
}
