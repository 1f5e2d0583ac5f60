/*
 * fmt_exim.c - the exim format: Exim's main log, written to a file
 *
 *   2022-06-29 16:04:19 1oAbCd-000123-AB <= a@example.com H=... S=2140
 *   2017-07-30 18:51:05.712 [1234] 10HmaX-000000005vi-0000 => b@example.net
 *   2022-06-29 16:04:19 +0100 ...
 *
 * (stamp with optional milliseconds and zone, optional [pid] from
 * log_selector +pid, message id of Exim before 4.97 or the long 4.97 form)
 * or through syslog ("Jun 29 16:04:19 server exim[1234]: ...", read as in
 * fmt_syslog.c; a syslog line from another program becomes a plain
 * syslog record).  A line starting with a space or TAB continues the
 * previous record (FMT_CONT).  A zone-less stamp is read in the --tz zone.
 *
 * Fields, in this order, each when the line has it (via syslog, the
 * syslog fields ts, host, program, pid, ... come first):
 *
 *   ts             the stamp
 *   pid            the [pid] of the line, a number
 *   queue_id       Exim's message id ("10HmaX-000000005vi-0000"), named as
 *                  in the postfix format
 *   flag           <=  =>  ->  *>  **  ==
 *   event          arrival (<=), delivery (=> and ->), suppressed (*>),
 *                  bounce (**), defer (==), completed, frozen, removed
 *   from           the sender of <= lines ("" for <>), and F=<...>
 *   to             the recipient of => -> *> ** == lines
 *   parent         a "(parent)" address after the recipient
 *   orig_to        the "<original>" address after the recipient
 *   client_host, helo, client_ip, client_port
 *                  H=name (helo) [ip]:port on <= lines and lines without a
 *                  message id (the sending client)
 *   relay_host, helo, relay_ip, relay_port
 *                  H= on delivery lines and other lines with a message id
 *                  (the server delivered to), except ACL rejections and
 *                  warnings about a message being received
 *   interface      I=[ip]:port
 *   router         R= on delivery lines; bounce_of: R= on <= lines (the
 *                  id of the message that bounced)
 *   transport      T= on delivery lines; subject: T="..." on <= lines
 *   user U=, proto P=, auth A=, tls X=, tls_cert_verified CV=,
 *   tls_peerdn DN=, tls_sni SNI=, message_id id=, queue_time QT=,
 *   delivery_time DT=, receive_time RT=, conn_id Ci=
 *   size           S=, a number when it is one (placeholders such as
 *                  "sss" stay strings)
 *   confirmation   C="..." with Exim's escapes (\" \\ \n \t \r \ooo)
 *                  decoded; so are other quoted values
 *   recipients     the "for a b c" list of <= lines, as logged
 *   errno          the (n) of "defer (n)", a number when it is one
 *   error          the text after " : " or ": " on ** and == lines
 *   action         reject or defer (temporarily rejected) for ACL
 *                  rejections; stage, reason and to/from with them
 *                  ("rejected RCPT <to>: reason")
 *   authenticator, code, reason, set_id
 *                  "NAME authenticator failed for HOST: 535 reason
 *                  (set_id=user)"
 *   msg            the text after the stamp and [pid], message id
 *                  included (for syslog lines, the syslog message)
 */
#include "fmt_common.h"

#include <string.h>

#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')
#define IS_UPPER(c) ((c) >= 'A' && (c) <= 'Z')
#define IS_ALNUM(c) (IS_DIGIT(c) || IS_UPPER(c) || ((c) >= 'a' && (c) <= 'z'))

/* What H=, R= and T= mean depends on the kind of line. */
enum { EX_INBOUND, EX_OUTBOUND };

static const struct {
	const char *k;
	const char *in, *out; /* field names for EX_INBOUND, EX_OUTBOUND */
} ex_keys[] = {
    {"A", "auth", "auth"},
    {"C", "confirmation", "confirmation"},
    {"CV", "tls_cert_verified", "tls_cert_verified"},
    {"Ci", "conn_id", "conn_id"},
    {"DN", "tls_peerdn", "tls_peerdn"},
    {"DT", "delivery_time", "delivery_time"},
    {"F", "from", "from"},
    {"I", "interface", "interface"},
    {"P", "proto", "proto"},
    {"QT", "queue_time", "queue_time"},
    {"R", "bounce_of", "router"},
    {"RT", "receive_time", "receive_time"},
    {"S", "size", "size"},
    {"SNI", "tls_sni", "tls_sni"},
    {"T", "subject", "transport"},
    {"U", "user", "user"},
    {"X", "tls", "tls"},
    {"id", "message_id", "message_id"},
};

/* Length of an Exim message id at s (16 or 23 bytes, then a space or
 * the end), or 0. */
static size_t
exim_id(const char *s, const char *e)
{
	static const int parts[2][3] = {{6, 6, 2}, {6, 11, 4}};
	int f, i, j;
	const char *q;

	for (f = 0; f < 2; f++) {
		q = s;
		for (i = 0; i < 3; i++) {
			if (i > 0) {
				if (q >= e || *q != '-')
					break;
				q++;
			}
			for (j = 0; j < parts[f][i] && q < e && IS_ALNUM(*q);
			     j++)
				q++;
			if (j < parts[f][i])
				break;
		}
		if (i == 3 && (q == e || *q == ' '))
			return (size_t)(q - s);
	}
	return 0;
}

/*
 * Decode a quoted value's inside s[0..e) (Exim's string_printing escapes)
 * into ctx->scratch and add it.
 */
static void
add_unquoted(fmt_ctx_t *ctx, fields_t *fs, const char *key, const char *s,
             const char *e)
{
	buf_t *b = &ctx->scratch;
	const char *run = s;

	if (memchr(s, '\\', (size_t)(e - s)) == NULL) {
		fields_add(fs, key, s, (size_t)(e - s), FK_STR);
		return;
	}
	buf_reset(b);
	while (s < e) {
		if (*s != '\\' || s + 1 >= e) {
			s++;
			continue;
		}
		buf_add(b, run, (size_t)(s - run));
		s++;
		switch (*s) {
		case 'n':
			buf_addc(b, '\n');
			s++;
			break;
		case 't':
			buf_addc(b, '\t');
			s++;
			break;
		case 'r':
			buf_addc(b, '\r');
			s++;
			break;
		case '\\':
		case '"':
			buf_addc(b, *s++);
			break;
		default:
			if (*s >= '0' && *s <= '7') {
				int v = 0, k;
				for (k = 0;
				     k < 3 && s < e && *s >= '0' && *s <= '7';
				     k++)
					v = v * 8 + (*s++ - '0');
				buf_addc(b, v & 0xff);
			} else {
				buf_addc(b, '\\');
			}
		}
		run = s;
	}
	buf_add(b, run, (size_t)(e - run));
	fields_add(fs, key, b->p, b->len, FK_STR);
}

/* An error text after ":" at s (": text" or a bare ":" at the end). */
static int
at_error(const char *s, const char *e)
{
	return s < e && *s == ':' && (s + 1 == e || s[1] == ' ');
}

static void
add_error(fields_t *fs, const char *s, const char *e)
{
	s++;
	if (s < e && *s == ' ')
		s++;
	fields_add(fs, "error", s, (size_t)(e - s), FK_STR);
}

/*
 * "name (helo) [ip]:port" with every part optional, as H= and the
 * authenticator lines give it.  Adds the fields under prefix and returns
 * the end.
 */
static const char *
host_spec(fields_t *fs, const char *prefix, const char *s, const char *e)
{
	const char *name = NULL, *ne = NULL, *q;
	hostaddr_t a;
	char key[16];
	size_t pl = strlen(prefix);

	if (s < e && *s != '(' && *s != '[') {
		for (name = s; s < e && *s != ' ' && *s != '['; s++)
			;
		ne = s;
		if (ne > name && ne[-1] == ':' && (s == e || *s == ' '))
			ne--, s--;
	}
	memcpy(key, prefix, pl);
	if (name != NULL && ne > name) {
		memcpy(key + pl, "_host", 6);
		fields_add(fs, key, name, (size_t)(ne - name), FK_STR);
	}
	q = s;
	if (q < e && *q == ' ' && q + 1 < e && q[1] == '(')
		q++;
	if (q < e && *q == '(') {
		const char *h = q + 1, *c = h;
		while (c < e && *c != ')')
			c++;
		if (c < e) {
			fields_add(fs, "helo", h, (size_t)(c - h), FK_STR);
			s = q = c + 1;
		}
	}
	if (q < e && *q == ' ' && q + 1 < e && q[1] == '[')
		q++;
	if (q < e && *q == '[' && (q = fmt_hostaddr(q, e, &a)) != NULL) {
		fmt_add_hostaddr(fs, prefix, &a, 0);
		s = q;
		if (s < e && *s == '*')
			s++;
	}
	return s;
}

/*
 * Read Exim's "K=value" words from s.  dir says what H=, R= and T= mean.
 * Words that are not K= (L, PRDR, "routing", ...) are skipped, or end the
 * list when stop_at_word is set.  "defer (n)" gives errno, " : text" and
 * a value's trailing ": text" the error, "for a b" (inbound) the
 * recipients; each of these ends the list.  Returns where it stopped.
 */
static const char *
ex_words(fmt_ctx_t *ctx, fields_t *fs, const char *s, const char *e, int dir,
         int stop_at_word)
{
	size_t i;

	while (s < e) {
		const char *w, *k, *q;
		size_t kl;

		while (s < e && *s == ' ')
			s++;
		if (s >= e)
			break;
		if (at_error(s, e)) {
			add_error(fs, s, e);
			return e;
		}
		if (dir == EX_INBOUND && fmt_starts(s, e, "for ")) {
			fields_add(fs, "recipients", s + 4, (size_t)(e - s - 4),
			           FK_STR);
			return e;
		}
		if (fmt_starts(s, e, "defer (")) {
			for (w = q = s + 7; q < e && *q != ')'; q++)
				;
			if (q >= e)
				return s;
			fmt_add_num(fs, "errno", w, (size_t)(q - w));
			s = q + 1;
			continue;
		}
		for (k = s; s < e && IS_ALNUM(*s); s++)
			;
		kl = (size_t)(s - k);
		if (kl == 0 || s >= e || *s != '=') {
			if (stop_at_word)
				return k;
			while (s < e && *s != ' ')
				s++;
			if (s > k && s[-1] == ':' && (s == e || *s == ' ')) {
				add_error(fs, s - 1, e);
				return e;
			}
			continue;
		}
		s++;
		if (kl == 1 && *k == 'H') {
			s = host_spec(
			    fs, dir == EX_INBOUND ? "client" : "relay", s, e);
			if (at_error(s, e)) {
				add_error(fs, s, e);
				return e;
			}
			while (s < e && *s != ' ')
				s++;
			continue;
		}
		for (i = 0; i < sizeof ex_keys / sizeof ex_keys[0]; i++)
			if (strlen(ex_keys[i].k) == kl &&
			    memcmp(ex_keys[i].k, k, kl) == 0)
				break;
		if (s < e && *s == '"') {
			for (w = q = s + 1; q < e && *q != '"'; q++)
				if (*q == '\\' && q + 1 < e)
					q++;
			if (i < sizeof ex_keys / sizeof ex_keys[0])
				add_unquoted(ctx, fs,
				             dir == EX_INBOUND ? ex_keys[i].in
				                               : ex_keys[i].out,
				             w, q);
			s = q < e ? q + 1 : e;
			continue;
		}
		for (w = s; s < e && *s != ' '; s++)
			;
		q = s;
		if (q > w && q[-1] == ':' && (q == e || *q == ' '))
			q--;
		if (i < sizeof ex_keys / sizeof ex_keys[0]) {
			const char *key =
			    dir == EX_INBOUND ? ex_keys[i].in : ex_keys[i].out;
			if (kl == 1 && *k == 'F' && q - w >= 2 && *w == '<' &&
			    q[-1] == '>')
				fields_add(fs, key, w + 1, (size_t)(q - w - 2),
				           FK_STR);
			else if (kl == 1 && *k == 'S')
				fmt_add_num(fs, key, w, (size_t)(q - w));
			else
				fields_add(fs, key, w, (size_t)(q - w), FK_STR);
		}
		if (q < s) {
			add_error(fs, q, e);
			return e;
		}
	}
	return s;
}

/* "<= sender ...", "=> rcpt (parent) <orig> ...", "** rcpt: error". */
static void
flag_line(fmt_ctx_t *ctx, fields_t *fs, const char *flag, const char *s,
          const char *e)
{
	static const struct {
		char f[3];
		const char *event;
	} flags[] = {{"<=", "arrival"},  {"=>", "delivery"},
	             {"->", "delivery"}, {"*>", "suppressed"},
	             {"**", "bounce"},   {"==", "defer"}};
	const char *a = s, *ae;
	size_t i;
	int in = flag[0] == '<';

	for (i = 0; i < 6 && memcmp(flags[i].f, flag, 2) != 0; i++)
		;
	fields_add(fs, "flag", flag, 2, FK_STR);
	fields_add(fs, "event", flags[i].event, strlen(flags[i].event), FK_STR);
	while (s < e && *s != ' ')
		s++;
	ae = s;
	/* "x@y: error", but ":blackhole:" is an address */
	if (ae > a && ae[-1] == ':' && *a != ':' && (s == e || *s == ' '))
		ae--;
	if (in && ae - a == 2 && a[0] == '<' && a[1] == '>')
		fields_add(fs, "from", "", 0, FK_STR);
	else
		fields_add(fs, in ? "from" : "to", a, (size_t)(ae - a), FK_STR);
	if (ae < s) {
		add_error(fs, ae, e);
		return;
	}
	while (!in && s + 1 < e && *s == ' ' && (s[1] == '(' || s[1] == '<')) {
		const char *o = s + 2, *c;
		char close = s[1] == '(' ? ')' : '>';
		for (c = o; c < e && *c != close && *c != ' '; c++)
			;
		if (c >= e || *c != close)
			break;
		fields_add(fs, close == ')' ? "parent" : "orig_to", o,
		           (size_t)(c - o), FK_STR);
		s = c + 1;
		if (at_error(s, e)) {
			add_error(fs, s, e);
			return;
		}
	}
	ex_words(ctx, fs, s, e, in ? EX_INBOUND : EX_OUTBOUND, 0);
}

/* Strip the double quotes around an ACL message. */
static void
add_reason(fields_t *fs, const char *s, const char *e)
{
	if (e - s >= 2 && *s == '"' && e[-1] == '"')
		s++, e--;
	fields_add(fs, "reason", s, (size_t)(e - s), FK_STR);
}

/* "rejected RCPT <x>: reason", "temporarily rejected connection in
 * "connect" ACL: reason", "rejected after DATA: reason". */
static int
rejected(fields_t *fs, const char *s, const char *e)
{
	const char *w, *q, *r;
	int temp = fmt_starts(s, e, "temporarily rejected ");

	if (!temp && !fmt_starts(s, e, "rejected "))
		return 0;
	s += temp ? 21 : 9;
	fields_add(fs, "action", temp ? "defer" : "reject", temp ? 5 : 6,
	           FK_STR);
	if (fmt_starts(s, e, "after "))
		s += 6;
	for (w = s; s < e && IS_UPPER(*s); s++)
		;
	if (s - w >= 3 && (s == e || *s == ' ' || *s == ':')) {
		fields_add(fs, "stage", w, (size_t)(s - w), FK_STR);
		if (s + 1 < e && *s == ' ' && s[1] == '<' &&
		    (q = memchr(s, '>', (size_t)(e - s))) != NULL) {
			if (s - w == 4 && memcmp(w, "RCPT", 4) == 0)
				fields_add(fs, "to", s + 2, (size_t)(q - s - 2),
				           FK_STR);
			else if (s - w == 4 && memcmp(w, "MAIL", 4) == 0)
				fields_add(fs, "from", s + 2,
				           (size_t)(q - s - 2), FK_STR);
		}
	}
	if ((r = fmt_find(s, e, ": ", 2)) != NULL)
		add_reason(fs, r + 2, e);
	return 1;
}

/* "NAME authenticator failed for HOST: 535 reason (set_id=user)". */
static int
auth_failed(fields_t *fs, const char *s, const char *e)
{
	const char *w = s, *q, *c;

	while (s < e && *s != ' ')
		s++;
	if (s == w || !fmt_starts(s, e, " authenticator failed for "))
		return 0;
	fields_add(fs, "authenticator", w, (size_t)(s - w), FK_STR);
	s = host_spec(fs, "client", s + 26, e);
	if (!fmt_starts(s, e, ": "))
		return 1;
	s += 2;
	if (e - s >= 4 && IS_DIGIT(s[0]) && IS_DIGIT(s[1]) && IS_DIGIT(s[2]) &&
	    s[3] == ' ') {
		fmt_add_digits(fs, "code", s, 3);
		s += 4;
	}
	q = e;
	if (e - s >= 9 && e[-1] == ')' &&
	    (c = fmt_find(s, e, " (set_id=", 9)) != NULL) {
		q = c;
		fields_add(fs, "reason", s, (size_t)(q - s), FK_STR);
		fields_add(fs, "set_id", c + 9, (size_t)(e - 1 - c - 9),
		           FK_STR);
		return 1;
	}
	fields_add(fs, "reason", s, (size_t)(q - s), FK_STR);
	return 1;
}

/* The part of a line after the stamp and pid. */
static void
exim_body(fmt_ctx_t *ctx, fields_t *fs, const char *s, const char *e)
{
	size_t idl = exim_id(s, e);

	if (idl == 0) {
		s = ex_words(ctx, fs, s, e, EX_INBOUND, 1);
		if (!rejected(fs, s, e))
			auth_failed(fs, s, e);
		return;
	}
	fields_add(fs, "queue_id", s, idl, FK_STR);
	s += idl;
	if (s < e)
		s++;
	if (e - s >= 2 && (s + 2 == e || s[2] == ' ') &&
	    (memcmp(s, "<=", 2) == 0 || memcmp(s, "=>", 2) == 0 ||
	     memcmp(s, "->", 2) == 0 || memcmp(s, "*>", 2) == 0 ||
	     memcmp(s, "**", 2) == 0 || memcmp(s, "==", 2) == 0)) {
		flag_line(ctx, fs, s, s + 3 < e ? s + 3 : e, e);
		return;
	}
	if (fmt_starts(s, e, "Completed")) {
		fields_add(fs, "event", "completed", 9, FK_STR);
		ex_words(ctx, fs, s + 9, e, EX_OUTBOUND, 1);
	} else if (fmt_starts(s, e, "Frozen")) {
		fields_add(fs, "event", "frozen", 6, FK_STR);
	} else if (fmt_starts(s, e, "removed by ")) {
		fields_add(fs, "event", "removed", 7, FK_STR);
	} else if (fmt_find(s, e, "F=<", 3) || fmt_find(s, e, "rejected ", 9) ||
	           fmt_find(s, e, "Warning: ", 9)) {
		/* an ACL's verdict on a message being received */
		s = ex_words(ctx, fs, s, e, EX_INBOUND, 1);
		rejected(fs, s, e);
	} else {
		ex_words(ctx, fs, s, e, EX_OUTBOUND, 1);
	}
}

static int
is_exim(fspan_t prog)
{
	return prog.p != NULL && prog.n >= 4 && memcmp(prog.p, "exim", 4) == 0;
}

/* "2022-06-29 16:04:19[.345][ +0100]" at p; returns its length or 0. */
static size_t
exim_stamp(const char *p, const char *e, tstamp_t *t)
{
	char buf[40];
	const char *s = p + 19;
	size_t n;

	if (e - p < 19 || p[4] != '-' || p[7] != '-' || p[10] != ' ' ||
	    p[13] != ':' || p[16] != ':')
		return 0;
	if (s < e && *s == '.')
		for (s++; s < e && IS_DIGIT(*s); s++)
			;
	n = (size_t)(s - p);
	if (e - s >= 6 && s[0] == ' ' && (s[1] == '+' || s[1] == '-') &&
	    IS_DIGIT(s[2]) && IS_DIGIT(s[3]) && IS_DIGIT(s[4]) &&
	    IS_DIGIT(s[5]) && (s + 6 == e || s[6] == ' ') &&
	    n + 5 <= sizeof buf) {
		memcpy(buf, p, n);
		memcpy(buf + n, s + 1, 5);
		if (ts_parse_iso(buf, n + 5, t) != 0)
			return 0;
		return n + 6;
	}
	if (ts_parse_iso(p, n, t) != 0)
		return 0;
	return n;
}

int
fmt_exim(fmt_ctx_t *ctx, const char *p, size_t n, fields_t *fs)
{
	const char *s, *e, *q;
	tstamp_t t;
	size_t k;

	fmt_trim_line(&p, &n);
	if (n > 0 && (p[0] == ' ' || p[0] == '\t'))
		return FMT_CONT;
	e = p + n;
	if (n >= 19 && IS_DIGIT(p[0]) && p[4] == '-' && p[10] == ' ') {
		if ((k = exim_stamp(p, e, &t)) == 0)
			return fmt_nomatch(ctx, "unreadable timestamp");
		fields_add_time(fs, "ts", &t);
		s = p + k;
		if (s < e && *s != ' ')
			return fmt_nomatch(ctx, "unreadable timestamp");
		if (s < e)
			s++;
		if (s < e && *s == '[') {
			for (q = s + 1; q < e && IS_DIGIT(*q); q++)
				;
			if (q > s + 1 && q < e && *q == ']' &&
			    (q + 1 == e || q[1] == ' ')) {
				fmt_add_num(fs, "pid", s + 1,
				            (size_t)(q - s - 1));
				s = q + 1 < e ? q + 2 : e;
			}
		}
		exim_body(ctx, fs, s, e);
		fields_add(fs, "msg", s, (size_t)(e - s), FK_STR);
		return FMT_OK;
	}
	return fmt_syslog_mail(ctx, p, n, fs, is_exim, exim_body);
}
