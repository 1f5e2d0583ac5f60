/*
 * re.c - PCRE2 set up one way for every stage: UTF patterns, JIT, and
 * matches bounded by the caller's limits.
 */
#include "re.h"

#include <stdlib.h>

#include "util.h"

struct re_ctx {
	pcre2_match_context *mctx;
	pcre2_jit_stack *jstack;
};

struct re_ctx *
re_ctx_new(const struct re_limits *l)
{
	struct re_ctx *c = xcalloc(1, sizeof *c);

	c->mctx = pcre2_match_context_create(NULL);
	if (c->mctx == NULL)
		util_die(EX_SOFTWARE,
		         "out of memory for a regex match context");
	pcre2_set_match_limit(c->mctx, l->match);
	pcre2_set_depth_limit(c->mctx, l->depth);
	/* Without a JIT stack of its own, JIT code uses 32 KiB on the
	 * machine stack. */
	c->jstack = pcre2_jit_stack_create(32 * 1024, l->jit_stack, NULL);
	if (c->jstack != NULL)
		pcre2_jit_stack_assign(c->mctx, NULL, c->jstack);
	return c;
}

void
re_ctx_free(struct re_ctx *c)
{
	if (c == NULL)
		return;
	pcre2_match_context_free(c->mctx);
	pcre2_jit_stack_free(c->jstack);
	free(c);
}

pcre2_code *
re_compile(const char *pat, size_t plen, uint32_t opts, char *msg,
           size_t msglen, size_t *erroff)
{
	int errcode;
	PCRE2_SIZE off;
	pcre2_code *re;

	re = pcre2_compile((PCRE2_SPTR)pat, plen, PCRE2_UTF | opts, &errcode,
	                   &off, NULL);
	if (re == NULL) {
		re_message(errcode, msg, msglen);
		*erroff = off;
		return NULL;
	}
	/* Without JIT support the interpreter runs the pattern. */
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

int
re_match(const pcre2_code *re, const char *s, size_t n, uint32_t opts,
         pcre2_match_data *md, const struct re_ctx *c)
{
	return pcre2_match(re, (PCRE2_SPTR)s, n, 0, opts, md, c->mctx);
}

int
re_match_at(const pcre2_code *re, const char *s, size_t n, size_t start,
            uint32_t opts, pcre2_match_data *md, const struct re_ctx *c)
{
	return pcre2_match(re, (PCRE2_SPTR)s, n, start, opts, md, c->mctx);
}

void
re_message(int rc, char *msg, size_t msglen)
{
	/* A message too long for msg is cut, and still ends in NUL. */
	(void)pcre2_get_error_message(rc, (PCRE2_UCHAR *)msg, msglen);
}
