/*
 * ftype.c - --types: field values converted to int, float, bool or
 * string.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ftype.h"

int
ftypes_parse(struct ftypes *t, const char *arg, buf_t *err)
{
	static const char *names[] = {"int", "float", "bool", "string"};
	char *list = xstrdup(arg), *save = NULL;
	int rc = 0;

	for (char *item = strtok_r(list, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		char *colon = strrchr(item, ':');
		int ty = -1;

		if (colon == NULL || colon == item) {
			buf_printf(
			    err, "bad --types entry '%s': expected FIELD:TYPE",
			    item);
			rc = -1;
			break;
		}
		*colon = '\0';
		for (int i = 0; i < 4; i++)
			if (strcmp(colon + 1, names[i]) == 0)
				ty = i;
		if (ty < 0) {
			buf_printf(
			    err,
			    "unknown type '%s' in --types: use int, float, bool or string",
			    colon + 1);
			rc = -1;
			break;
		}
		t->t = xrealloc(t->t, (t->n + 1) * sizeof *t->t);
		t->t[t->n].field = xstrdup(item);
		t->t[t->n].type = ty;
		t->n++;
	}
	free(list);
	return rc;
}

static int
word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && strncasecmp(s, w, n) == 0;
}

const char *
ftype_convert(int ty, const char *s, size_t n, buf_t *out, char *kind)
{
	buf_reset(out);
	if (ty == FTYPE_STRING) {
		buf_add(out, s, n);
		*kind = FK_STR;
		return NULL;
	}
	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	*kind = FK_JSON;
	if (n == 0) {
		buf_adds(out, "null");
		return NULL;
	}
	switch (ty) {
	case FTYPE_INT: {
		size_t i = 0;
		int neg = 0;
		if (s[0] == '-' || s[0] == '+')
			neg = s[i++] == '-';
		if (i == n)
			return "not an integer";
		for (size_t k = i; k < n; k++)
			if (!isdigit((unsigned char)s[k]))
				return "not an integer";
		while (i + 1 < n && s[i] == '0')
			i++;
		if (neg && !(n - i == 1 && s[i] == '0'))
			buf_addc(out, '-');
		buf_add(out, s + i, n - i);
		*kind = FK_NUM;
		return NULL;
	}
	case FTYPE_FLOAT: {
		char *end;
		double d;
		if (json_number_ok(s, n)) {
			buf_add(out, s, n);
			*kind = FK_NUM;
			return NULL;
		}
		buf_add(out, s, n); /* NUL-terminated copy for strtod */
		d = strtod(out->p, &end);
		if (end != out->p + n || !isfinite(d) ||
		    (n > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')))
			return "not a number";
		buf_reset(out);
		jw_num(out, d);
		*kind = FK_NUM;
		return NULL;
	}
	case FTYPE_BOOL:
		if (word_is(s, n, "true") || word_is(s, n, "t") ||
		    word_is(s, n, "yes") || word_is(s, n, "y") ||
		    word_is(s, n, "on") || word_is(s, n, "1"))
			buf_adds(out, "true");
		else if (word_is(s, n, "false") || word_is(s, n, "f") ||
		         word_is(s, n, "no") || word_is(s, n, "n") ||
		         word_is(s, n, "off") || word_is(s, n, "0"))
			buf_adds(out, "false");
		else
			return "not a boolean";
		return NULL;
	}
	return "unknown type";
}

static void
bad_type(buf_t *why, const struct ftype *ft, const char *reason, const char *v,
         size_t n)
{
	buf_reset(why);
	buf_printf(why, "field '%s': '", ft->field);
	buf_add_shown(why, v, n, 40);
	buf_printf(why, "' is %s", reason);
}

int
ftypes_fields(struct ftypes *t, fields_t *fs, buf_t *why)
{
	for (size_t k = 0; k < t->n; k++) {
		long i = fields_find(fs, t->t[k].field);
		const char *v, *err;
		size_t n;
		char kind;

		if (i < 0 || fs->f[i].kind == FK_TIME)
			continue;
		v = fields_val(fs, (size_t)i, &n);
		if ((err = ftype_convert(t->t[k].type, v, n, &t->tmp, &kind)) !=
		    NULL) {
			bad_type(why, &t->t[k], err, v, n);
			return -1;
		}
		fields_replace(fs, (size_t)i, t->tmp.p, t->tmp.len, kind);
	}
	return 0;
}

int
ftypes_json(struct ftypes *t, rec_t *r, buf_t *why)
{
	for (size_t k = 0; k < t->n; k++) {
		const char *name = t->t[k].field, *err;
		const jfield_t *f = rec_get(r, name, strlen(name));
		char kind;

		if (f == NULL || f->type == JT_NULL)
			continue;
		if (f->type == JT_OBJ || f->type == JT_ARR) {
			bad_type(why, &t->t[k],
			         f->type == JT_OBJ ? "an object" : "an array",
			         f->v, f->vlen);
			return -1;
		}
		buf_reset(&t->text);
		if (f->type == JT_STR)
			jstr_decode(f->v, f->vlen, &t->text);
		else
			buf_add(&t->text, f->v, f->vlen);
		if ((err = ftype_convert(t->t[k].type, t->text.p, t->text.len,
		                         &t->tmp, &kind)) != NULL) {
			bad_type(why, &t->t[k], err, t->text.p, t->text.len);
			return -1;
		}
		buf_reset(&t->lit);
		if (kind == FK_STR)
			jw_str(&t->lit, t->tmp.p, t->tmp.len);
		else
			buf_add(&t->lit, t->tmp.p, t->tmp.len);
		/* Leave an unchanged value as its original bytes. */
		if (t->lit.len != f->vlen ||
		    memcmp(t->lit.p, f->v, t->lit.len) != 0)
			rec_set(r, name, t->lit.p, t->lit.len);
	}
	return 0;
}

void
ftypes_free(struct ftypes *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->t[i].field);
	free(t->t);
	buf_free(&t->tmp);
	buf_free(&t->text);
	buf_free(&t->lit);
	memset(t, 0, sizeof *t);
}
