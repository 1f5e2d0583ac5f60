/*
 * lines.c - log lines as records, with continuation lines held.
 */
#include <string.h>

#include "lines.h"

/* Hand line num of file, raw[0..n), to the caller as bad input. */
static void
reject(struct lines *l, const char *file, unsigned long num, const char *raw,
       size_t n, const char *why)
{
	l->ops->reject(l->arg, file, num, raw, n, why);
}

void
lines_init(struct lines *l, const char *name, fmt_fn fn, struct pat_set *pats,
           struct pat_set *mpats, size_t max_len, const struct lines_ops *ops,
           void *arg)
{
	*l = (struct lines){.name = name,
	                    .fn = fn,
	                    .pats = pats,
	                    .mpats = mpats,
	                    .max_len = max_len,
	                    .ops = ops,
	                    .arg = arg};
	l->cur = &l->fa;
	l->held = &l->fb;
}

int
lines_held(const struct lines *l)
{
	return l->have_held;
}

void
lines_flush(struct lines *l)
{
	fields_t *held = l->held;

	if (!l->have_held)
		return;
	if (l->cont.len > 0) {
		long i = fields_find(held, "msg");
		if (i >= 0) {
			size_t n;
			const char *v = fields_val(held, (size_t)i, &n);
			buf_reset(&l->tmp);
			buf_add(&l->tmp, v, n);
			buf_addc(&l->tmp, '\n');
			buf_add(&l->tmp, l->cont.p, l->cont.len);
			fields_replace(held, (size_t)i, l->tmp.p, l->tmp.len,
			               FK_STR);
		} else {
			fields_add(held, "msg", l->cont.p, l->cont.len, FK_STR);
		}
		buf_reset(&l->cont);
	}
	l->have_held = 0;
	l->ops->write(l->arg, held);
}

void
lines_pause(struct lines *l)
{
	lines_flush(l);
	l->held_paused = 1;
}

static void
nomatch_reason(struct lines *l)
{
	buf_t *w = &l->ctx.why;

	buf_reset(&l->why);
	if (l->name != NULL) {
		buf_printf(&l->why, "not %s %s line",
		           strchr("aeiou", l->name[0]) != NULL ? "an" : "a",
		           l->name);
		if (w->len > 0)
			buf_printf(&l->why, ": %.*s", (int)w->len, w->p);
		if (l->pats->n > 0)
			buf_adds(&l->why, ", and no -e pattern matches");
	} else {
		buf_adds(&l->why, "no -e pattern matches");
	}
}

/*
 * --msg-regex: the first pattern that matches the message of a line the
 * format parsed adds its named groups as fields (a name the record
 * already has is left alone).  Returns 0, or -1 with why set when
 * matching failed (match limit): the line is then bad input.
 */
static int
msg_patterns(struct lines *l, fields_t *fs)
{
	long i;
	size_t n;
	const char *v;

	if (l->mpats->n == 0 || (i = fields_find(fs, "msg")) < 0)
		return 0;
	v = fields_val(fs, (size_t)i, &n);
	/* pat_match copies v before it adds a field */
	return pat_match(l->mpats, v, n, fs, &l->why) < 0 ? -1 : 0;
}

/* A continuation line: joined to the held record, or bad input. */
static void
continued(struct lines *l, const char *file, unsigned long num, const char *raw,
          size_t rawn, const char *p, size_t n)
{
	if (l->have_held && l->cont.len + n < l->max_len) {
		if (l->cont.len > 0)
			buf_addc(&l->cont, '\n');
		buf_add(&l->cont, p, n);
	} else if (l->have_held) {
		lines_flush(l);
		reject(l, file, num, raw, rawn,
		       "continued record longer than --max-line");
	} else if (l->held_paused) {
		reject(
		    l, file, num, raw, rawn,
		    "continuation line more than --hold after its record, which was already written");
	} else {
		reject(l, file, num, raw, rawn,
		       "continuation line with no record before it");
	}
}

void
lines_step(struct lines *l, const char *file, unsigned long num,
           const char *raw, size_t rawn, const char *p, size_t n)
{
	int rc = FMT_NOMATCH;
	fields_t *t, *cur = l->cur;

	fields_reset(cur);
	if (l->fn != NULL) {
		buf_reset(&l->ctx.why);
		rc = l->fn(&l->ctx, p, n, cur);
	}
	if (rc == FMT_CONT) {
		continued(l, file, num, raw, rawn, p, n);
		return;
	}
	l->held_paused = 0;
	lines_flush(l);
	if (rc == FMT_NOMATCH && l->pats->n > 0) {
		fields_reset(cur);
		rc = pat_match(l->pats, p, n, cur, &l->why);
		if (rc < 0) {
			reject(l, file, num, raw, rawn, l->why.p);
			return;
		}
	}
	if (rc != FMT_OK) {
		nomatch_reason(l);
		reject(l, file, num, raw, rawn, l->why.p);
		return;
	}
	if (msg_patterns(l, cur) < 0) {
		buf_reset(&l->tmp);
		buf_printf(&l->tmp, "--msg-regex %s", l->why.p);
		reject(l, file, num, raw, rawn, l->tmp.p);
		return;
	}
	if (l->ops->finish(l->arg, cur, &l->why) < 0) {
		reject(l, file, num, raw, rawn, l->why.p);
		return;
	}
	if (l->fn == NULL) {
		l->ops->write(l->arg, cur);
		return;
	}
	/* Hold the record: the next line may continue it. */
	t = l->held;
	l->held = cur;
	l->cur = t;
	l->have_held = 1;
}

void
lines_free(struct lines *l)
{
	fields_free(&l->fa);
	fields_free(&l->fb);
	buf_free(&l->ctx.why);
	buf_free(&l->ctx.scratch);
	buf_free(&l->cont);
	buf_free(&l->why);
	buf_free(&l->tmp);
}
