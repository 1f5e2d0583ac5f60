/*
 * tmpl.c - message templates with {field}, {field:%.1f} and {=expression}
 * placeholders.
 */
#include "tmpl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"

/* One piece of a template: literal text, or a placeholder. */
struct piece {
	char *text;   /* literal text, or the field name */
	size_t len;   /* its length */
	int field;    /* 1: a placeholder */
	char conv;    /* printf conversion letter, 0 when none */
	char fmt[24]; /* the conversion rewritten for snprintf: at most
	                 "%" 5 flags 3 digits "." 3 digits "ll" letter */
	expr_t *e;    /* {=expression}: its value is shown */
};

struct tmpl {
	char *src;
	struct piece *p;
	size_t n;
};

static void
add_piece(tmpl_t *t, const char *s, size_t n, int field)
{
	struct piece *pc;

	if (!field && n == 0)
		return;
	/* Literal text right after literal text joins it. */
	if (!field && t->n > 0 && !t->p[t->n - 1].field) {
		pc = &t->p[t->n - 1];
		pc->text = xrealloc(pc->text, pc->len + n + 1);
		memcpy(pc->text + pc->len, s, n);
		pc->len += n;
		pc->text[pc->len] = '\0';
		return;
	}
	t->p = xrealloc(t->p, (t->n + 1) * sizeof *t->p);
	pc = &t->p[t->n++];
	memset(pc, 0, sizeof *pc);
	pc->text = xstrndup(s, n);
	pc->len = n;
	pc->field = field;
}

/*
 * Check spec[0..n) as one printf conversion and store it in pc, with "ll"
 * inserted for the integer conversions.  Returns 0 or -1.
 */
static int
parse_conv(struct piece *pc, const char *spec, size_t n)
{
	size_t i = 0, digits;
	char *f = pc->fmt;

	if (n == 0 || spec[i++] != '%')
		return -1;
	*f++ = '%';
	while (i < n && strchr("-+ #0", spec[i]) != NULL && f - pc->fmt < 6)
		*f++ = spec[i++];
	for (digits = 0; i < n && spec[i] >= '0' && spec[i] <= '9'; digits++) {
		if (digits == 3)
			return -1; /* before it overflows fmt */
		*f++ = spec[i++];
	}
	if (i < n && spec[i] == '.') {
		*f++ = spec[i++];
		for (digits = 0; i < n && spec[i] >= '0' && spec[i] <= '9';
		     digits++) {
			if (digits == 3)
				return -1;
			*f++ = spec[i++];
		}
	}
	if (i + 1 != n || strchr("diuxXoeEfFgGs", spec[i]) == NULL)
		return -1;
	pc->conv = spec[i];
	if (strchr("diuxXo", pc->conv) != NULL) {
		*f++ = 'l';
		*f++ = 'l';
	}
	*f++ = pc->conv;
	*f = '\0';
	return 0;
}

/*
 * The end of an expression placeholder whose text starts at s: the first
 * '}' outside a string literal, and in *colon the first ':' before it
 * outside one (the conversion), or NULL.  Returns NULL when there is no
 * '}'.
 */
static const char *
expr_end(const char *s, const char **colon)
{
	char q = 0;

	*colon = NULL;
	for (; *s != '\0'; s++) {
		if (q != 0) {
			if (*s == '\\' && s[1] != '\0')
				s++;
			else if (*s == q)
				q = 0;
		} else if (*s == '"' || *s == '\'') {
			q = *s;
		} else if (*s == ':' && *colon == NULL) {
			*colon = s;
		} else if (*s == '}') {
			return s;
		}
	}
	return NULL;
}

/* Compile the expression of a {=...} placeholder at src[at..end). */
static int
compile_expr(tmpl_t *t, const char *src, size_t at, const char *end, buf_t *err)
{
	buf_t e = BUF_INIT;
	char *text = xstrndup(src + at, (size_t)(end - (src + at)));
	struct piece *pc = &t->p[t->n - 1];

	pc->e = expr_compile(text, &e);
	free(text);
	if (pc->e == NULL) {
		buf_printf(err, "expression at column %zu: %s", at + 1, e.p);
		buf_free(&e);
		return -1;
	}
	buf_free(&e);
	return 0;
}

tmpl_t *
tmpl_compile(const char *src, buf_t *err)
{
	tmpl_t *t = xcalloc(1, sizeof *t);
	const char *s = src, *lit = src;

	t->src = xstrdup(src);
	while (*s != '\0') {
		if ((s[0] == '{' && s[1] == '{') ||
		    (s[0] == '}' && s[1] == '}')) {
			add_piece(t, lit, (size_t)(s - lit) + 1, 0);
			s += 2;
			lit = s;
			continue;
		}
		if (*s != '{') {
			s++;
			continue;
		}
		add_piece(t, lit, (size_t)(s - lit), 0);
		const char *open = s;
		const char *name = open + 1;
		const char *colon, *close;
		while (*name == ' ')
			name++;
		if (*name == '=')
			close = expr_end(name + 1, &colon);
		else if ((close = strchr(s, '}')) != NULL)
			colon = memchr(name, ':', (size_t)(close - name));
		if (close == NULL) {
			buf_printf(err, "unclosed '{' at column %zu",
			           (size_t)(open - src) + 1);
			goto fail;
		}
		const char *name_end = colon != NULL ? colon : close;
		while (name < name_end && *name == ' ')
			name++;
		while (name_end > name && name_end[-1] == ' ')
			name_end--;
		if (name == name_end ||
		    (*name != '=' &&
		     memchr(name, '{', (size_t)(name_end - name)))) {
			buf_printf(err, "missing field name at column %zu",
			           (size_t)(open - src) + 2);
			goto fail;
		}
		add_piece(t, name, (size_t)(name_end - name), 1);
		if (*name == '=' &&
		    compile_expr(t, src, (size_t)(name + 1 - src), name_end,
		                 err) < 0)
			goto fail;
		if (colon != NULL &&
		    parse_conv(&t->p[t->n - 1], colon + 1,
		               (size_t)(close - colon - 1)) < 0) {
			buf_printf(
			    err,
			    "bad conversion '%.*s' at column %zu: expected one printf conversion such as %%.1f",
			    (int)(close - colon - 1), colon + 1,
			    (size_t)(colon - src) + 2);
			goto fail;
		}
		s = close + 1;
		lit = s;
	}
	add_piece(t, lit, (size_t)(s - lit), 0);
	return t;
fail:
	tmpl_free(t);
	return NULL;
}

void
tmpl_value_text(const char *v, size_t vlen, buf_t *out)
{
	if (vlen > 0 && v[0] == '"')
		jstr_decode(v, vlen, out);
	else
		buf_add(out, v, vlen);
}

/* Append the value v under conversion pc. */
static void
render_conv(const struct piece *pc, const jfield_t *v, buf_t *out)
{
	if (pc->conv == 's') {
		buf_t text = BUF_INIT;
		tmpl_value_text(v->v, v->vlen, &text);
		buf_printf(out, pc->fmt, text.p != NULL ? text.p : "");
		buf_free(&text);
		return;
	}
	if (v->type != JT_NUM) {
		tmpl_value_text(v->v, v->vlen, out);
		return;
	}
	char num[64];
	size_t n = v->vlen < sizeof num ? v->vlen : sizeof num - 1;
	memcpy(num, v->v, n);
	num[n] = '\0';
	double d = strtod(num, NULL);
	if (strchr("eEfFgG", pc->conv) != NULL) {
		buf_printf(out, pc->fmt, d);
		return;
	}
	/* Integer conversions round; values beyond long long show as is. */
	if (!isfinite(d) || fabs(d) >= 9.2e18) {
		buf_add(out, v->v, v->vlen);
		return;
	}
	long long i = llround(d);
	if (pc->conv == 'd' || pc->conv == 'i')
		buf_printf(out, pc->fmt, i);
	else
		buf_printf(out, pc->fmt, (unsigned long long)i);
}

/*
 * The value of the expression of pc as JSON text in val: the fields it
 * reads are looked up as a placeholder's are, gathered into one record,
 * and the expression evaluated on it.  A run-time error gives null.
 */
static void
eval_expr(const struct piece *pc, tmpl_lookup_fn lookup, void *ctx, buf_t *val)
{
	const char *const *names = expr_fields(pc->e);
	buf_t line = BUF_INIT, err = BUF_INIT;
	rec_t r;
	val_t v;
	jfield_t f;

	memset(&r, 0, sizeof r);
	buf_addc(&line, '{');
	for (size_t i = 0; names[i] != NULL; i++)
		if (lookup(ctx, names[i], strlen(names[i]), &f)) {
			jw_key(&line, names[i]);
			buf_add(&line, f.v, f.vlen);
		}
	buf_addc(&line, '}');
	buf_reset(val);
	if (rec_scan(&r, line.p, line.len, NULL, NULL) == 0 &&
	    expr_eval(pc->e, &r, &v, &err) == 0)
		val_to_json(&v, val);
	else
		buf_adds(val, "null");
	rec_free(&r);
	buf_free(&line);
	buf_free(&err);
}

void
tmpl_render(const tmpl_t *t, tmpl_lookup_fn lookup, void *ctx, buf_t *out)
{
	buf_t val = BUF_INIT;

	for (size_t i = 0; i < t->n; i++) {
		const struct piece *pc = &t->p[i];
		jfield_t v;

		if (!pc->field) {
			buf_add(out, pc->text, pc->len);
			continue;
		}
		if (pc->e != NULL) {
			eval_expr(pc, lookup, ctx, &val);
			v.v = val.p;
			v.vlen = val.len;
			v.type = jtype_of(val.p);
		} else if (!lookup(ctx, pc->text, pc->len, &v)) {
			v.v = "null";
			v.vlen = 4;
			v.type = JT_NULL;
		}
		if (pc->conv != 0)
			render_conv(pc, &v, out);
		else
			tmpl_value_text(v.v, v.vlen, out);
	}
	buf_free(&val);
}

const char *
tmpl_source(const tmpl_t *t)
{
	return t->src;
}

void
tmpl_free(tmpl_t *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->p[i].text);
		expr_free(t->p[i].e);
	}
	free(t->p);
	free(t->src);
	free(t);
}
