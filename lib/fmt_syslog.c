/*
 * fmt_syslog.c - the syslog line format: RFC 3164 (BSD) and RFC 5424.
 *
 * Accepted lines:
 *
 *   Oct 10 15:59:28 host prog[123]: message          RFC 3164
 *   Oct  3 05:01:02 host prog: message               space-padded day, no pid
 *   <34>Oct 10 15:59:28 host prog[123]: message      with <PRI>
 *   2023-03-14T00:00:31.185246+01:00 host prog[1]: m RFC 3339 stamp (rsyslog)
 *   Jun 17 14:37:39 <mail.notice> host prog[1]: m    priority tag after the
 *                                                    stamp (sendmail logs)
 *   Apr 28 04:02:03 host syslogd 1.4.1: restart.     "NAME VERSION:" tag
 *   Nov  3 09:23:38 host message without a tag       msg only
 *   Oct 10 15:59:28 host prog[123] message           no colon after the pid
 *   <13>Oct 10 15:59:28 prog[123]: message           no host (as sent to
 *                                                    the local socket): the
 *                                                    first word is a tag
 *                                                    when it holds '[' or
 *                                                    ends in ':'
 *   août 19 11:08:37 host prog[1]: m                 month abbreviations of
 *                                                    French, German, Spanish,
 *                                                    Italian, Portuguese and
 *                                                    Dutch are read too
 *   <165>1 2003-10-11T22:14:15.003Z host app 1234 ID47 [x@1 a="b"] msg
 *                                                    RFC 5424
 *
 * A line that begins with a TAB continues the previous record (FMT_CONT).
 * Year-less stamps take the year that puts them closest to, and not after,
 * now (or --year), and like zone-less RFC 3339 stamps are read in the --tz
 * zone.  A UTF-8 byte order mark at the start of a line or of an RFC 5424
 * MSG, and a CR at the end of a line, are dropped.
 *
 * Fields, in this order, each only when the line has it:
 *
 *   ts               the stamp (absent only for an RFC 5424 "-" stamp)
 *   pri              the <PRI> value, a number
 *   facility         kern user mail daemon auth syslog lpr news uucp cron
 *                    authpriv ftp ntp audit alert clock local0 ... local7
 *                    (from PRI), or the first name of a <facility.severity>
 *                    tag as written
 *   severity         emerg alert crit err warning notice info debug (from
 *                    PRI), or the second name of the tag as written
 *   host             the HOSTNAME
 *   program          the tag's name ("postfix/smtpd", "sudo") or APP-NAME
 *   pid              the tag's [pid] or PROCID: a number when it is one,
 *                    else a string
 *   program_version  the version of a "NAME VERSION:" tag ("1.4.1")
 *   msgid            RFC 5424 MSGID
 *   sd               RFC 5424 structured data as an object of objects:
 *                    [meta sequenceId="1"] gives {"meta":{"sequenceId":"1"}};
 *                    the escapes \" \\ \] are decoded, a parameter given
 *                    more than once becomes an array of its values, and
 *                    elements with the same SD-ID are merged.  Past 64
 *                    elements and parameters in one line, sd is the raw
 *                    text (a string) instead.
 *   msg              the message (for RFC 3164 everything after the tag,
 *                    possibly empty; for RFC 5424 the MSG when present)
 *
 * NILVALUE ("-") header fields of RFC 5424 are left out.  A line with no
 * timestamp, an unreadable one, a bad <PRI> (above 191) or malformed RFC
 * 5424 structured data is bad input.
 */
#include "fmt_common.h"

#include <string.h>

#include "json.h"

#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')

static const char *const facility_names[24] = {
    "kern",   "user",   "mail",   "daemon", "auth",     "syslog",
    "lpr",    "news",   "uucp",   "cron",   "authpriv", "ftp",
    "ntp",    "audit",  "alert",  "clock",  "local0",   "local1",
    "local2", "local3", "local4", "local5", "local6",   "local7",
};

static const char *const severity_names[8] = {
    "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
};

/* Month names other than the English three-letter ones (which
 * ts_parse_syslog reads itself), as strftime's %b writes them in common
 * locales, lowercased, without a trailing full stop. */
static const struct {
	const char *name;
	int month;
} month_names[] = {
    {"janv", 1},
    {"ene", 1},
    {"gen", 1},
    {"f\xc3\xa9vr", 2},
    {"f\xc3\xa9v", 2},
    {"fevr", 2},
    {"fev", 2},
    {"mars", 3},
    {"m\xc3\xa4r", 3},
    {"mrz", 3},
    {"mrt", 3},
    {"avr", 4},
    {"abr", 4},
    {"mai", 5},
    {"mag", 5},
    {"mei", 5},
    {"juin", 6},
    {"june", 6},
    {"giu", 6},
    {"juil", 7},
    {"july", 7},
    {"lug", 7},
    {"ao\xc3\xbbt", 8},
    {"aout", 8},
    {"ago", 8},
    {"sept", 9},
    {"set", 9},
    {"okt", 10},
    {"ott", 10},
    {"out", 10},
    {"d\xc3\xa9\x63", 12},
    {"dez", 12},
    {"dic", 12},
    {"jan", 1},
    {"feb", 2},
    {"mar", 3},
    {"apr", 4},
    {"may", 5},
    {"jun", 6},
    {"jul", 7},
    {"aug", 8},
    {"sep", 9},
    {"oct", 10},
    {"nov", 11},
    {"dec", 12},
};

static const char english_months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

static void
set_span(fspan_t *sp, const char *p, size_t n)
{
	sp->p = p;
	sp->n = n;
}

static void
set_str(fspan_t *sp, const char *s)
{
	sp->p = s;
	sp->n = strlen(s);
}

/* Month number of a non-English abbreviation s[0..n), or 0.  ASCII and
 * Latin-1 capitals are folded, so "Août" and "DÉC" are found too. */
static int
month_lookup(const char *s, size_t n)
{
	char low[8];
	size_t i;

	if (n == 0 || n >= sizeof low)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			c += 32;
		else if (i > 0 && (unsigned char)s[i - 1] == 0xc3 &&
		         c >= 0x80 && c <= 0x9e && c != 0x97)
			c += 0x20;
		low[i] = (char)c;
	}
	for (i = 0; i < sizeof month_names / sizeof month_names[0]; i++)
		if (strlen(month_names[i].name) == n &&
		    memcmp(month_names[i].name, low, n) == 0)
			return month_names[i].month;
	return 0;
}

/* Read a BSD stamp at s; returns the bytes used or 0.  An English month
 * goes straight to ts_parse_syslog; another language's abbreviation is
 * replaced by the English one in a copy of the stamp first. */
static size_t
bsd_stamp(fmt_ctx_t *ctx, const char *s, size_t n, tstamp_t *t)
{
	char buf[48];
	size_t k, tl, ml, rest;
	int mon;

	k = ts_parse_syslog(s, n, ctx->year, ctx->now_sec, t);
	if (k > 0)
		return k;
	for (tl = 0; tl < n && tl < 8 && s[tl] != ' '; tl++)
		;
	if (tl == 0 || tl >= n || s[tl] != ' ')
		return 0;
	ml = s[tl - 1] == '.' ? tl - 1 : tl;
	if ((mon = month_lookup(s, ml)) == 0)
		return 0;
	memcpy(buf, english_months + 3 * (mon - 1), 3);
	rest = n - tl;
	if (rest > sizeof buf - 3)
		rest = sizeof buf - 3;
	memcpy(buf + 3, s + tl, rest);
	k = ts_parse_syslog(buf, 3 + rest, ctx->year, ctx->now_sec, t);
	return k > 3 ? k - 3 + tl : 0;
}

/* An RFC 3339 stamp: a date and a time ("2023-03-14T00:00:31..."), not
 * the bare date ts_parse_iso also reads. */
static int
rfc3339(const char *s, size_t n, tstamp_t *t)
{
	if (n < 19 || s[10] != 'T')
		return -1;
	return ts_parse_iso(s, n, t);
}

static void
set_pri(syslog_head_t *h, int v)
{
	h->pri = v;
	set_str(&h->facility, facility_names[v >> 3]);
	set_str(&h->severity, severity_names[v & 7]);
}

/* ---- RFC 3164 ------------------------------------------------------ */

/* A version word of a "syslogd 1.4.1:" tag. */
static int
is_version_char(char c)
{
	return IS_DIGIT(c) || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == '.' || c == '-' || c == '_';
}

/*
 * Split "prog[pid]: msg", "prog: msg", "prog[pid] msg" or "prog VERSION:
 * msg" at s.  Anything else is a message without a tag.
 */
static void
parse_tag(syslog_head_t *h, const char *s, const char *e)
{
	const char *t = s, *q, *after;

	while (s < e && *s != ' ' && *s != '[' && *s != ':')
		s++;
	if (s > t && s < e) {
		if (*s == '[') {
			q = s + 1;
			while (q < e && *q != ']' && *q != ' ' && *q != '[')
				q++;
			after = q + 1;
			if (q < e && *q == ']' &&
			    (after == e || *after == ' ' || *after == ':')) {
				set_span(&h->program, t, (size_t)(s - t));
				if (q > s + 1)
					set_span(&h->pid, s + 1,
					         (size_t)(q - s - 1));
				if (after < e && *after == ':')
					after++;
				if (after < e && *after == ' ')
					after++;
				set_span(&h->msg, after, (size_t)(e - after));
				return;
			}
		} else if (*s == ':') {
			if (s + 1 == e || s[1] == ' ') {
				set_span(&h->program, t, (size_t)(s - t));
				after = s + 1 < e ? s + 2 : e;
				set_span(&h->msg, after, (size_t)(e - after));
				return;
			}
		} else if (s + 1 < e && IS_DIGIT(s[1])) {
			q = s + 1;
			while (q < e && is_version_char(*q))
				q++;
			if (q < e && *q == ':' && (q + 1 == e || q[1] == ' ')) {
				set_span(&h->program, t, (size_t)(s - t));
				set_span(&h->version, s + 1,
				         (size_t)(q - s - 1));
				after = q + 1 < e ? q + 2 : e;
				set_span(&h->msg, after, (size_t)(e - after));
				return;
			}
		}
	}
	set_span(&h->msg, t, (size_t)(e - t));
}

/* A first word after the stamp that is a tag rather than a host name:
 * hosts hold no '[' and do not end in ':'. */
static int
is_tag_word(const char *s, const char *e)
{
	return e > s && (e[-1] == ':' || memchr(s, '[', (size_t)(e - s)));
}

/* "<mail.notice> " after the stamp, as sendmail setups log it. */
static const char *
prio_tag(syslog_head_t *h, const char *s, const char *e)
{
	const char *a = s + 1, *dot = NULL, *q;

	for (q = a; q < e && *q != '>' && q - a < 32; q++) {
		if (*q == '.' && dot == NULL)
			dot = q;
		else if (!((*q >= 'a' && *q <= 'z') ||
		           (*q >= 'A' && *q <= 'Z') || IS_DIGIT(*q)))
			return s;
	}
	if (q >= e || *q != '>' || dot == NULL || dot == a || dot + 1 == q ||
	    q + 1 >= e || q[1] != ' ')
		return s;
	if (h->pri < 0) {
		set_span(&h->facility, a, (size_t)(dot - a));
		set_span(&h->severity, dot + 1, (size_t)(q - dot - 1));
	}
	for (q++; q < e && *q == ' '; q++)
		;
	return q;
}

/* ---- RFC 5424 ------------------------------------------------------ */

#define SD_MAX 64

/* One SD-ELEMENT start (name.p == NULL) or SD-PARAM. */
struct sd_ent {
	fspan_t id, name, val;
};

static int
sd_name_char(char c)
{
	return c > ' ' && c < 127 && c != '=' && c != ']' && c != '"';
}

/*
 * Check the structured data at s ("[id p="v" ...][id2 ...]") and note up
 * to SD_MAX entries.  Returns the end, or NULL if it is malformed.
 */
static const char *
sd_scan(const char *s, const char *e, struct sd_ent *ent, size_t *nent)
{
	const char *q;
	fspan_t id;

	*nent = 0;
	while (s < e && *s == '[') {
		for (q = ++s; s < e && sd_name_char(*s); s++)
			;
		if (s == q)
			return NULL;
		set_span(&id, q, (size_t)(s - q));
		if (*nent < SD_MAX) {
			memset(&ent[*nent], 0, sizeof ent[0]);
			ent[*nent].id = id;
		}
		(*nent)++;
		while (s < e && *s == ' ') {
			fspan_t name, val;

			for (q = ++s; s < e && sd_name_char(*s); s++)
				;
			if (s == q || s + 1 >= e || s[0] != '=' || s[1] != '"')
				return NULL;
			set_span(&name, q, (size_t)(s - q));
			for (q = s += 2; s < e && *s != '"'; s++)
				if (*s == '\\' && s + 1 < e)
					s++;
			if (s >= e)
				return NULL;
			set_span(&val, q, (size_t)(s - q));
			s++;
			if (*nent < SD_MAX) {
				ent[*nent].id = id;
				ent[*nent].name = name;
				ent[*nent].val = val;
			}
			(*nent)++;
		}
		if (s >= e || *s != ']')
			return NULL;
		s++;
	}
	return s;
}

/* Append s[0..n) to out as the inside of a JSON string (jw_str writes it
 * quoted; the quotes are taken off again). */
static void
json_chars(buf_t *out, const char *s, size_t n)
{
	size_t at = out->len;

	if (n == 0)
		return;
	jw_str(out, s, n);
	memmove(out->p + at, out->p + at + 1, out->len - at - 2);
	out->len -= 2;
	out->p[out->len] = '\0';
}

/* A PARAM-VALUE as a JSON string, decoding \" \\ \] (RFC 5424 6.3.3: any
 * other backslash is kept as it is). */
static void
sd_value(buf_t *out, fspan_t v)
{
	const char *s = v.p, *e = v.p + v.n, *run = s;

	buf_addc(out, '"');
	while (s < e) {
		if (*s == '\\' && s + 1 < e &&
		    (s[1] == '"' || s[1] == '\\' || s[1] == ']')) {
			json_chars(out, run, (size_t)(s - run));
			json_chars(out, s + 1, 1);
			s += 2;
			run = s;
		} else {
			s++;
		}
	}
	json_chars(out, run, (size_t)(e - run));
	buf_addc(out, '"');
}

static int
span_eq(fspan_t a, fspan_t b)
{
	return a.n == b.n && memcmp(a.p, b.p, a.n) == 0;
}

/* Write the noted entries as {"id":{"name":"value",...},...}. */
static void
sd_json(buf_t *out, const struct sd_ent *ent, size_t n)
{
	size_t i, j, k, count;
	int first_id = 1;

	buf_addc(out, '{');
	for (i = 0; i < n; i++) {
		int seen = 0, first = 1;

		if (ent[i].name.p != NULL)
			continue;
		for (k = 0; k < i && !seen; k++)
			seen = ent[k].name.p == NULL &&
			       span_eq(ent[k].id, ent[i].id);
		if (seen)
			continue;
		if (!first_id)
			buf_addc(out, ',');
		first_id = 0;
		jw_str(out, ent[i].id.p, ent[i].id.n);
		buf_add(out, ":{", 2);
		for (j = i; j < n; j++) {
			if (ent[j].name.p == NULL ||
			    !span_eq(ent[j].id, ent[i].id))
				continue;
			for (seen = 0, k = i; k < j && !seen; k++)
				seen = ent[k].name.p != NULL &&
				       span_eq(ent[k].id, ent[i].id) &&
				       span_eq(ent[k].name, ent[j].name);
			if (seen)
				continue;
			for (count = 0, k = j; k < n; k++)
				count += ent[k].name.p != NULL &&
				         span_eq(ent[k].id, ent[i].id) &&
				         span_eq(ent[k].name, ent[j].name);
			if (!first)
				buf_addc(out, ',');
			first = 0;
			jw_str(out, ent[j].name.p, ent[j].name.n);
			buf_addc(out, ':');
			if (count == 1) {
				sd_value(out, ent[j].val);
				continue;
			}
			buf_addc(out, '[');
			for (k = j; k < n; k++)
				if (ent[k].name.p != NULL &&
				    span_eq(ent[k].id, ent[i].id) &&
				    span_eq(ent[k].name, ent[j].name)) {
					if (k > j)
						buf_addc(out, ',');
					sd_value(out, ent[k].val);
				}
			buf_addc(out, ']');
		}
		buf_addc(out, '}');
	}
	buf_addc(out, '}');
}

/* Take the next space-terminated header token at *s; "-" leaves t
 * absent.  Returns 0 if the header ends early. */
static int
header_tok(const char **s, const char *e, fspan_t *t)
{
	const char *a = *s, *q = a;

	while (q < e && *q != ' ')
		q++;
	if (q == a || q >= e)
		return 0;
	if (!(q - a == 1 && *a == '-'))
		set_span(t, a, (size_t)(q - a));
	*s = q + 1;
	return 1;
}

static int
rfc5424(fmt_ctx_t *ctx, const char *s, const char *e, syslog_head_t *h)
{
	struct sd_ent ent[SD_MAX];
	size_t nent;
	fspan_t stamp = {NULL, 0};
	const char *q;

	if (!header_tok(&s, e, &stamp) || !header_tok(&s, e, &h->host) ||
	    !header_tok(&s, e, &h->program) || !header_tok(&s, e, &h->pid) ||
	    !header_tok(&s, e, &h->msgid))
		return fmt_nomatch(ctx, "truncated RFC 5424 header");
	if (stamp.p != NULL) {
		if (rfc3339(stamp.p, stamp.n, &h->ts) != 0)
			return fmt_nomatch(ctx, "unreadable timestamp");
		h->has_ts = 1;
	}
	if (s < e && *s == '-') {
		s++;
	} else if (s < e && *s == '[') {
		if ((q = sd_scan(s, e, ent, &nent)) == NULL)
			return fmt_nomatch(ctx, "invalid structured data");
		if (nent > SD_MAX) {
			h->sd_kind = FK_STR;
			set_span(&h->sd, s, (size_t)(q - s));
		} else {
			buf_reset(&ctx->scratch);
			sd_json(&ctx->scratch, ent, nent);
			set_span(&h->sd, ctx->scratch.p, ctx->scratch.len);
		}
		s = q;
	} else {
		return fmt_nomatch(ctx, "invalid structured data");
	}
	if (s < e) {
		if (*s != ' ')
			return fmt_nomatch(ctx, "invalid structured data");
		s++;
		if (e - s >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
			s += 3;
		set_span(&h->msg, s, (size_t)(e - s));
	}
	return FMT_OK;
}

/* ---- the header, both kinds ---------------------------------------- */

int
fmt_syslog_head(fmt_ctx_t *ctx, const char *p, size_t n, syslog_head_t *h)
{
	const char *s, *e, *q;
	size_t k;

	fmt_trim_line(&p, &n);
	memset(h, 0, sizeof *h);
	h->pri = -1;
	h->sd_kind = FK_JSON;
	if (n > 0 && p[0] == '\t')
		return FMT_CONT;
	s = p;
	e = p + n;
	if (s < e && *s == '<') {
		int v = 0, nd = 0;

		for (q = s + 1; q < e && IS_DIGIT(*q) && nd < 4; q++, nd++)
			v = v * 10 + (*q - '0');
		if (nd == 0 || nd > 3 || q >= e || *q != '>' || v > 191)
			return fmt_nomatch(ctx, "invalid <PRI>");
		set_pri(h, v);
		s = q + 1;
		/* "<PRI>1 " starts RFC 5424; "<PRI>2023-..." is an RFC
		 * 3339 stamp in an RFC 3164 line. */
		for (q = s; q < e && IS_DIGIT(*q) && q - s < 3; q++)
			;
		if (q > s && q < e && *q == ' ')
			return rfc5424(ctx, q + 1, e, h);
	}
	if (s < e && IS_DIGIT(*s)) {
		q = memchr(s, ' ', (size_t)(e - s));
		if (q == NULL)
			q = e;
		if (q - s == 10 && e - s >= 19 && s[13] == ':')
			return fmt_nomatch(
			    ctx,
			    "no syslog timestamp (an Exim main log? try -f exim)");
		if (rfc3339(s, (size_t)(q - s), &h->ts) != 0)
			return fmt_nomatch(ctx, "unreadable timestamp");
		s = q;
	} else {
		if ((k = bsd_stamp(ctx, s, (size_t)(e - s), &h->ts)) == 0)
			return fmt_nomatch(ctx, "no syslog timestamp");
		s += k;
	}
	h->has_ts = 1;
	if (s < e && *s != ' ')
		return fmt_nomatch(ctx, "unreadable timestamp");
	while (s < e && *s == ' ')
		s++;
	if (s >= e)
		return fmt_nomatch(ctx, "nothing after the timestamp");
	if (*s == '<')
		s = prio_tag(h, s, e);
	for (q = s; q < e && *q != ' '; q++)
		;
	if (!is_tag_word(s, q)) {
		set_span(&h->host, s, (size_t)(q - s));
		for (s = q; s < e && *s == ' '; s++)
			;
	}
	parse_tag(h, s, e);
	return FMT_OK;
}

void
fmt_syslog_fields(fields_t *fs, const syslog_head_t *h, int with_msg)
{
	if (h->has_ts)
		fields_add_time(fs, "ts", &h->ts);
	if (h->pri >= 0) {
		char d[3];
		int i = 3, v = h->pri;

		do
			d[--i] = (char)('0' + v % 10);
		while ((v /= 10) > 0);
		fields_add(fs, "pri", d + i, (size_t)(3 - i), FK_NUM);
	}
	fmt_add_span(fs, "facility", h->facility);
	fmt_add_span(fs, "severity", h->severity);
	fmt_add_span(fs, "host", h->host);
	fmt_add_span(fs, "program", h->program);
	if (h->pid.p != NULL)
		fmt_add_num(fs, "pid", h->pid.p, h->pid.n);
	fmt_add_span(fs, "program_version", h->version);
	fmt_add_span(fs, "msgid", h->msgid);
	if (h->sd.p != NULL)
		fields_add(fs, "sd", h->sd.p, h->sd.n, h->sd_kind);
	if (with_msg)
		fmt_add_span(fs, "msg", h->msg);
}

int
fmt_syslog(fmt_ctx_t *ctx, const char *p, size_t n, fields_t *fs)
{
	syslog_head_t h;
	int r = fmt_syslog_head(ctx, p, n, &h);

	if (r == FMT_OK)
		fmt_syslog_fields(fs, &h, 1);
	return r;
}
