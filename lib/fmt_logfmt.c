/*
 * fmt_logfmt.c - logfmt lines: key=value pairs separated by blanks.
 *
 *	level=info msg="user \"ann\" logged in" dur=1.5s retry
 *
 * gives {"level":"info","msg":"user \"ann\" logged in","dur":"1.5s",
 * "retry":true}.  The rules:
 *   - pairs are separated by spaces or tabs;
 *   - a key is a run of bytes other than blanks, '=', '"' and control
 *     characters, and must be valid UTF-8;
 *   - a bare value runs to the next blank ('=' and '"' are allowed in it,
 *     so url=/a?b=c works); "key=" is the empty string;
 *   - a quoted value is written "..." with the escapes \" \\ \/ \b \f \n
 *     \r \t and \uXXXX (surrogate pairs combine; any other backslash is
 *     kept as written), and must be followed by a blank or the end;
 *   - a key without '=' is a flag: its value is true;
 *   - a key seen twice keeps its first position and its last value.
 * Values are strings (numbers stay strings unless --types converts them).
 * Control characters outside quoted values, an empty key, an unterminated
 * quote or text glued to a closing quote make the line not logfmt.
 */
#include <string.h>

#include "fields.h"
#include "json.h"

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
is_ctrl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static int
nomatch(fmt_ctx_t *ctx, const char *what, size_t col)
{
	buf_reset(&ctx->why);
	buf_printf(&ctx->why, "%s at column %zu", what, col);
	return FMT_NOMATCH;
}

/*
 * Decode the quoted value starting after its opening quote at p[i].
 * Appends to out; returns the index just past the closing quote, or 0 if
 * the quote is never closed.
 */
static size_t
unquote(const char *p, size_t n, size_t i, buf_t *out)
{
	int k;

	while (i < n) {
		size_t run = i;
		while (run < n && p[run] != '"' && p[run] != '\\')
			run++;
		buf_add(out, p + i, run - i);
		i = run;
		if (i == n)
			break;
		if (p[i] == '"')
			return i + 1;
		/* a backslash */
		if (i + 1 == n)
			break;
		/* JSON's escapes, leniently: a lone surrogate is U+FFFD. */
		k = jstr_escape(p + i, n - i, JESC_LENIENT, out);
		if (k > 0) {
			i += (size_t)k;
			continue;
		}
		/* Unknown escape: keep it as written. */
		buf_add(out, p + i, 2);
		i += 2;
	}
	return 0;
}

/* Add key=value, or replace the value of an earlier pair with that key. */
static void
put(fields_t *fs, const char *key, const char *v, size_t n, char kind)
{
	long at = fields_find(fs, key);

	if (at >= 0)
		fields_replace(fs, (size_t)at, v, n, kind);
	else
		fields_add(fs, key, v, n, kind);
}

int
fmt_logfmt(fmt_ctx_t *ctx, const char *p, size_t n, fields_t *fs)
{
	/* scratch holds the key, a NUL, then the decoded value. */
	buf_t *sc = &ctx->scratch;
	size_t i = 0, klen;

	for (;;) {
		size_t k;

		while (i < n && is_blank(p[i]))
			i++;
		if (i == n)
			break;
		k = i;
		while (i < n && !is_blank(p[i]) && p[i] != '=' && p[i] != '"' &&
		       !is_ctrl((unsigned char)p[i]))
			i++;
		if (i == k) {
			if (p[k] == '=')
				return nomatch(ctx, "empty key", k + 1);
			if (p[k] == '"')
				return nomatch(ctx,
				               "quote where a key was expected",
				               k + 1);
			return nomatch(ctx, "control character", k + 1);
		}
		if (utf8_valid_prefix(p + k, i - k) != i - k)
			return nomatch(ctx, "invalid UTF-8 in key", k + 1);
		buf_reset(sc);
		buf_add(sc, p + k, i - k);
		buf_addc(sc, '\0');
		klen = sc->len;
		if (i == n || is_blank(p[i])) {
			put(fs, sc->p, "true", 4, FK_JSON);
			continue;
		}
		if (p[i] != '=')
			return nomatch(ctx,
			               is_ctrl((unsigned char)p[i])
			                   ? "control character"
			                   : "quote inside a key",
			               i + 1);
		i++;
		if (i < n && p[i] == '"') {
			size_t q = i;
			i = unquote(p, n, i + 1, sc);
			if (i == 0)
				return nomatch(ctx, "unterminated quoted value",
				               q + 1);
			if (i < n && !is_blank(p[i]))
				return nomatch(ctx, "text after closing quote",
				               i + 1);
		} else {
			size_t v = i;
			while (i < n && !is_blank(p[i])) {
				if (is_ctrl((unsigned char)p[i]))
					return nomatch(ctx, "control character",
					               i + 1);
				i++;
			}
			buf_add(sc, p + v, i - v);
		}
		put(fs, sc->p, sc->p + klen, sc->len - klen, FK_STR);
	}
	if (fs->n == 0) {
		buf_reset(&ctx->why);
		buf_adds(&ctx->why, "no key=value pairs");
		return FMT_NOMATCH;
	}
	return FMT_OK;
}
