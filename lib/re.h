/*
 * re.h - the one way tingle sets up PCRE2: patterns compiled as UTF with
 * JIT when the library has it, and matches run in a context that bounds
 * backtracking (match limit), recursion (depth limit) and the JIT stack.
 *
 * Each caller keeps its own limits (SECURITY.md lists them): a re_ctx
 * made with RE_LIMITS_EXPR or RE_LIMITS_PARSE.  re_compile returns a
 * pcre2_code the caller frees with pcre2_code_free; re_ctx_free(NULL)
 * does nothing.
 */
#ifndef TINGLE_RE_H
#define TINGLE_RE_H

#include <stddef.h>
#include <stdint.h>

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

/* Bounds of one match: PCRE2's match and depth limits, and the largest
 * JIT stack in bytes. */
struct re_limits {
	uint32_t match;
	uint32_t depth;
	size_t jit_stack;
};

/* `=~` and regex functions in expressions (lib/expr.c). */
#define RE_LIMITS_EXPR                                                         \
	{                                                                      \
		1000000, 100000, 1024 * 1024                                   \
	}
/* tingle-parse -e patterns, once per line: a pattern that backtracks
 * catastrophically hits them within a fraction of a second, and the line
 * is rejected while the run goes on. */
#define RE_LIMITS_PARSE                                                        \
	{                                                                      \
		10000000, 1000000, 4 * 1024 * 1024                             \
	}

struct re_ctx;

/* A match context with the limits l.  Exits EX_SOFTWARE when out of
 * memory. */
struct re_ctx *re_ctx_new(const struct re_limits *l);
void re_ctx_free(struct re_ctx *c);

/*
 * Compile pat[0..plen) as UTF-8 with PCRE2's options opts added to
 * PCRE2_UTF, and JIT-compile it when the library can (else the
 * interpreter runs it).  Returns the code, or NULL with PCRE2's message
 * in msg (msglen bytes) and the offset of the problem in *erroff.
 */
pcre2_code *re_compile(const char *pat, size_t plen, uint32_t opts, char *msg,
                       size_t msglen, size_t *erroff);

/* pcre2_match of s[0..n) from offset 0 under c's limits: the number of
 * groups set, PCRE2_ERROR_NOMATCH, or another (negative) error. */
int re_match(const pcre2_code *re, const char *s, size_t n, uint32_t opts,
             pcre2_match_data *md, const struct re_ctx *c);

/* The same from byte offset start of s[0..n) (start <= n): lookbehinds
 * and ^ see the text before start, as a global replace needs. */
int re_match_at(const pcre2_code *re, const char *s, size_t n, size_t start,
                uint32_t opts, pcre2_match_data *md, const struct re_ctx *c);

/* PCRE2's message for error code rc, into msg (msglen bytes). */
void re_message(int rc, char *msg, size_t msglen);

#endif
