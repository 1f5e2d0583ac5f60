/*
 * pattern.h - user PCRE2 patterns whose named groups become fields:
 * tingle-parse's -e and --msg-regex.
 *
 * A pat_set is a list of patterns tried in order; the first that matches
 * a line adds its named groups, in the order the groups open in the
 * pattern, as string fields.  Patterns are compiled through lib/re.c
 * (UTF, JIT) and matched under RE_LIMITS_PARSE, so a pattern that
 * backtracks catastrophically fails on that line only.
 *
 * Ownership: pat_add() borrows its source, which must outlive the set;
 * the set owns everything else, and pat_free() releases it.  A zeroed
 * pat_set (PAT_SET_INIT) is an empty set; pat_free() of an empty set
 * does nothing.
 */
#ifndef TINGLE_PATTERN_H
#define TINGLE_PATTERN_H

#include <stddef.h>

#include "fields.h"
#include "util.h"

struct pat;
struct re_ctx;

struct pat_set {
	struct pat *p;
	size_t n;
	struct re_ctx *rctx;
	buf_t clean; /* the subject, made valid UTF-8 and padded */
};

#define PAT_SET_INIT                                                           \
	{                                                                      \
		0                                                              \
	}

/* Add pattern src (a NUL-terminated string, borrowed) to the end of s. */
void pat_add(struct pat_set *s, const char *src);

/*
 * Compile every pattern of s.  Returns 0, or -1 with the message for the
 * first pattern that does not compile, or that has no named group, in
 * err ("bad pattern 'P': MESSAGE at offset N").
 */
int pat_compile(struct pat_set *s, buf_t *err);

/*
 * Try the patterns of s in order on p[0..n), which need not be valid
 * UTF-8 (an invalid byte reads, and is written, as U+FFFD).  Returns
 * FMT_OK with the first match's named groups added to fs (of groups
 * sharing a name, the first that is set; a name fs already has is left
 * alone), FMT_NOMATCH, or -1 with the reason in why ("pattern N: ...")
 * when matching failed (match limit): the line is then bad input rather
 * than left to a later pattern whose verdict would depend on it.  p may
 * point into fs: it is copied before a field is added.
 */
int pat_match(struct pat_set *s, const char *p, size_t n, fields_t *fs,
              buf_t *why);

void pat_free(struct pat_set *s);

#endif
