/*
 * fmt_clf.c - web server access logs: the Common Log Format (clf) and the
 * Combined Log Format (combined) of Apache httpd, which nginx writes too.
 *
 *   host ident user [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326
 *   ... 200 2326 "http://example.com/start.html" "Mozilla/4.08 [en]"
 *
 * Fields, in this order:
 *
 *   ts          the [stamp]; without a zone it is read in the --tz zone
 *   host        the client (%h)
 *   ident       the identd name (%l), left out when "-"
 *   user        the authenticated user (%u), left out when "-"
 *   method      "GET"
 *   path        the request target as logged ("/a.gif?x=1")
 *   protocol    "HTTP/1.0", left out for an HTTP/0.9 request "GET /"
 *   request     instead of method, path and protocol when the request
 *               line is not "METHOD TARGET [PROTOCOL]" ("-", TLS bytes
 *               sent to a plain-text port, ...)
 *   status      a number
 *   size        a number; "-" (Apache's way of writing that no body was
 *               sent) is 0
 *   referer     combined only, left out when "-"
 *   user_agent  combined only, left out when "-"
 *
 * The backslash escapes Apache and nginx write in the quoted fields (\"
 * \\ \n \r \t \b \v \f \xHH) are decoded; a byte that is not valid UTF-8
 * becomes U+FFFD on output.  A user name may contain spaces.  clf takes
 * exactly the seven CLF fields (a combined line is refused with a hint);
 * combined takes a CLF line too, without referer and user_agent.  Any
 * other text after the last field is bad input.
 */
#include "fmt_common.h"

#include <string.h>

#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')

/* Decode the escapes of a quoted field s[0..e) into b (reset first). */
static void
unescape(buf_t *b, const char *s, const char *e)
{
	static const char from[] = "\"\\nrtbvf", to[] = "\"\\\n\r\t\b\v\f";
	const char *run = s;

	buf_reset(b);
	while (s < e) {
		const char *esc;
		char c;

		if (*s != '\\' || s + 1 >= e) {
			s++;
			continue;
		}
		esc = s[1] != '\0' ? strchr(from, s[1]) : NULL;
		if (esc != NULL) {
			c = to[esc - from];
			buf_add(b, run, (size_t)(s - run));
			buf_addc(b, c);
			s += 2;
		} else if (s[1] == 'x' && e - s >= 4 && hexval(s[2]) >= 0 &&
		           hexval(s[3]) >= 0) {
			buf_add(b, run, (size_t)(s - run));
			buf_addc(b, hexval(s[2]) * 16 + hexval(s[3]));
			s += 4;
		} else {
			s += 2;
			continue;
		}
		run = s;
	}
	buf_add(b, run, (size_t)(e - run));
}

/*
 * The closing quote of a field opened just before s: the first quote not
 * escaped by a backslash that is followed by what must come next (the
 * status for the request, ` "` for the referer).  NULL if there is none.
 */
static const char *
close_quote(const char *s, const char *e, int before_status)
{
	for (; s < e; s++) {
		if (*s == '\\' && s + 1 < e) {
			s++;
			continue;
		}
		if (*s != '"')
			continue;
		if (before_status) {
			if (e - s >= 5 && s[1] == ' ' && IS_DIGIT(s[2]) &&
			    IS_DIGIT(s[3]) && IS_DIGIT(s[4]) &&
			    (s + 5 == e || s[5] == ' '))
				return s;
		} else if (e - s >= 3 && s[1] == ' ' && s[2] == '"') {
			return s;
		}
	}
	return NULL;
}

/* "10/Oct/2000:13:55:36 -0700" (s[0..e), inside the brackets). */
static int
clf_time(const char *s, const char *e, tstamp_t *t)
{
	static const char mon[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char iso[48];
	size_t n = (size_t)(e - s), i, k;
	int m;

	if (n < 20 || n > 40 || s[2] != '/' || s[6] != '/' || s[11] != ':')
		return -1;
	for (m = 0; m < 12; m++)
		if (memcmp(mon + 3 * m, s + 3, 3) == 0)
			break;
	if (m == 12)
		return -1;
	/* yyyy-mm-ddTHH:MM:SS[.frac][+hhmm] */
	memcpy(iso, s + 7, 4);
	iso[4] = '-';
	iso[5] = (char)('0' + (m + 1) / 10);
	iso[6] = (char)('0' + (m + 1) % 10);
	iso[7] = '-';
	memcpy(iso + 8, s, 2);
	iso[10] = 'T';
	k = 11;
	for (i = 12; i < n && s[i] != ' '; i++)
		iso[k++] = s[i];
	if (i < n)
		for (i++; i < n; i++)
			iso[k++] = s[i];
	return ts_parse_iso(iso, k, t);
}

/* Add the request line, split when it is METHOD TARGET [PROTOCOL]. */
static void
add_request(fmt_ctx_t *ctx, fields_t *fs, const char *s, const char *e)
{
	buf_t *b = &ctx->scratch;
	const char *p, *q, *end, *sp;

	unescape(b, s, e);
	p = b->p;
	end = p + b->len;
	for (q = p; q<end && * q> ' ' && *q < 127 && *q != '"'; q++)
		;
	if (q == p || q >= end || *q != ' ' || q + 1 >= end || q[1] == ' ') {
		fields_add(fs, "request", p, b->len, FK_STR);
		return;
	}
	fields_add(fs, "method", p, (size_t)(q - p), FK_STR);
	q++;
	sp = memrchr(q, ' ', (size_t)(end - q));
	if (sp != NULL && fmt_starts(sp + 1, end, "HTTP/")) {
		fields_add(fs, "path", q, (size_t)(sp - q), FK_STR);
		fields_add(fs, "protocol", sp + 1, (size_t)(end - sp - 1),
		           FK_STR);
	} else {
		fields_add(fs, "path", q, (size_t)(end - q), FK_STR);
	}
}

static void
add_quoted(fmt_ctx_t *ctx, fields_t *fs, const char *key, const char *s,
           const char *e)
{
	if (e - s == 1 && *s == '-')
		return;
	unescape(&ctx->scratch, s, e);
	fields_add(fs, key, ctx->scratch.p, ctx->scratch.len, FK_STR);
}

static int
clf_line(fmt_ctx_t *ctx, const char *p, size_t n, fields_t *fs, int combined)
{
	const char *s, *e, *host, *ident, *user, *ue, *date, *de, *req, *rq,
	    *status, *size, *se, *ref = NULL, *rfe = NULL, *ua = NULL,
	                         *uae = NULL;
	tstamp_t t;

	fmt_trim_line(&p, &n);
	s = p;
	e = p + n;
	for (host = s; s < e && *s != ' '; s++)
		;
	if (s == host || s >= e)
		return fmt_nomatch(ctx, "not a web access log line");
	for (ident = ++s; s < e && *s != ' '; s++)
		;
	if (s == ident || s >= e)
		return fmt_nomatch(ctx, "not a web access log line");
	user = ++s;
	if ((ue = fmt_find(user, e, " [", 2)) == NULL || ue == user)
		return fmt_nomatch(ctx, "no [time] in access log line");
	date = ue + 2;
	if ((de = memchr(date, ']', (size_t)(e - date))) == NULL)
		return fmt_nomatch(ctx, "no [time] in access log line");
	if (clf_time(date, de, &t) != 0)
		return fmt_nomatch(ctx, "unreadable timestamp");
	s = de + 1;
	if (!fmt_starts(s, e, " \""))
		return fmt_nomatch(ctx, "no quoted request");
	req = s + 2;
	if ((rq = close_quote(req, e, 1)) == NULL)
		return fmt_nomatch(ctx, "no status after the request");
	status = rq + 2;
	size = status + 4;
	if (size > e)
		size = e;
	for (se = size; se < e && IS_DIGIT(*se); se++)
		;
	if (se == size && se < e && *se == '-')
		se++;
	if (se == size || (se < e && *se != ' '))
		return fmt_nomatch(ctx, "invalid size");
	s = se;
	if (s < e && combined) {
		if (!fmt_starts(s, e, " \"") ||
		    (rfe = close_quote(s + 2, e, 0)) == NULL)
			return fmt_nomatch(ctx, "no quoted referer");
		ref = s + 2;
		ua = rfe + 3;
		uae = memrchr(ua, '"', (size_t)(e - ua));
		if (uae == NULL)
			return fmt_nomatch(ctx, "no quoted user agent");
		for (s = uae + 1; s < e && *s == ' '; s++)
			;
	}
	while (s < e && *s == ' ')
		s++;
	if (s < e)
		return fmt_nomatch(
		    ctx,
		    combined
		        ? "text after the user agent"
		        : "text after the size (a combined log? try -f combined)");
	fields_add_time(fs, "ts", &t);
	fields_add(fs, "host", host, (size_t)(ident - 1 - host), FK_STR);
	if (!(user - ident == 2 && *ident == '-'))
		fields_add(fs, "ident", ident, (size_t)(user - 1 - ident),
		           FK_STR);
	if (!(ue - user == 1 && *user == '-'))
		fields_add(fs, "user", user, (size_t)(ue - user), FK_STR);
	add_request(ctx, fs, req, rq);
	fmt_add_digits(fs, "status", status, 3);
	if (se - size == 1 && *size == '-')
		fields_add(fs, "size", "0", 1, FK_NUM);
	else
		fmt_add_digits(fs, "size", size, (size_t)(se - size));
	if (ref != NULL) {
		add_quoted(ctx, fs, "referer", ref, rfe);
		add_quoted(ctx, fs, "user_agent", ua, uae);
	}
	return FMT_OK;
}

int
fmt_clf(fmt_ctx_t *ctx, const char *p, size_t n, fields_t *fs)
{
	return clf_line(ctx, p, n, fs, 0);
}

int
fmt_combined(fmt_ctx_t *ctx, const char *p, size_t n, fields_t *fs)
{
	return clf_line(ctx, p, n, fs, 1);
}
