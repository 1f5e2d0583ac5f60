/*
 * util.h - memory helpers, growable byte buffers, fatal errors.
 *
 * Every tingle tool links this.  Allocation failures are fatal (exit 70):
 * a filter that cannot allocate cannot keep its promise not to lose
 * records, so it stops loudly instead.
 */
#ifndef TINGLE_UTIL_H
#define TINGLE_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sysexits.h>

/* TINGLE_VERSION comes from the file VERSION, through the Makefile. */
#ifndef TINGLE_VERSION
#error "TINGLE_VERSION is not defined: build with make"
#endif

/* The name used in diagnostics, e.g. "tingle-count". Set by diag_init(). */
extern const char *util_progname;

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Print "prog: message" on stderr, call util_die_hook (once), and exit with
 * status code. */
void util_die(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

/* Called by util_die() after its message, to write out what is complete; a
 * util_die() from inside it exits at once. */
extern void (*util_die_hook)(void);

/* Print "prog: message" on stderr and return. */
void util_warnmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * buf_t: a growable byte buffer.  p is always NUL-terminated after any
 * buf_* call, so it can be handed to C string functions when the content
 * holds no NUL.
 */
typedef struct buf {
	char *p;
	size_t len;
	size_t cap;
} buf_t;

#define BUF_INIT                                                               \
	{                                                                      \
		NULL, 0, 0                                                     \
	}

void buf_grow_slow(buf_t *b, size_t extra);
void buf_adds(buf_t *b, const char *s);

/* Make room for extra more bytes (and the NUL). */
static inline void
buf_grow(buf_t *b, size_t extra)
{
	if (b->len + extra + 1 > b->cap)
		buf_grow_slow(b, extra);
}

/* Append n bytes. */
static inline void
buf_add(buf_t *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n)
		__builtin_memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Append one byte. */
static inline void
buf_addc(buf_t *b, int c)
{
	buf_grow(b, 1);
	b->p[b->len++] = (char)c;
	b->p[b->len] = '\0';
}

void buf_printf(buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_reset(buf_t *b);
void buf_free(buf_t *b);

/* Append s[0..n) to b for a diagnostic: at most max bytes, then "..." if
 * there were more, with control characters shown as '?'. */
void buf_add_shown(buf_t *b, const char *s, size_t n, size_t max);

/*
 * Append all that descriptor fd has left to read to b, reading again
 * after EINTR, until the end of the file.  Returns 0, or -1 with errno set
 * on a read error (b then holds what was read before it).  The caller
 * opens and closes fd, and checks what it may be.
 */
int buf_read_fd(buf_t *b, int fd);

/* Value of hexadecimal digit c, or -1. */
static inline int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hash of a byte string (FNV-1a, 64 bit). */
uint64_t util_hash_bytes(const void *p, size_t n);

/* Names longer than this are never near another (util_name_distance). */
#define UTIL_NAME_MAX 64

/*
 * For "did you mean" hints: how far name[0..nn) is from want[0..wn), as
 * the number of letters to change, add or drop, ignoring ASCII case.
 * Returns that distance when name is a likely slip for want (at most a
 * third of the longer one's length, and at least 1, or one of them
 * holds the other and the shorter has 3 bytes or more: "Created" and
 * "CreatedDate"), else -1.  Empty names and names longer than
 * UTIL_NAME_MAX bytes are never near.
 */
int util_name_distance(const char *want, size_t wn, const char *name,
                       size_t nn);

#endif
