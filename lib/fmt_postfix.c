/*
 * fmt_postfix.c - the postfix format: a syslog line (see fmt_syslog.c)
 * whose message, when the program is Postfix, is taken apart further.
 *
 * A program is Postfix when its name starts with "postfix" (postfix/smtpd,
 * postfix/submission/smtpd, postfix-out/smtp) or its last part is a
 * Postfix daemon (mail/smtpd).  Lines from other programs in a mail log
 * (amavis, dovecot, opendkim, ...) become plain syslog records.  The
 * colon after "[pid]" may be missing, as some relays write it.
 *
 * Fields: the syslog fields ts, pri, facility, severity, host, program,
 * pid, program_version, msgid, sd (each when present), then those below
 * that the line holds, in the order it holds them, and last msg, the
 * whole message after the tag (so nothing the line says is lost).
 *
 *   queue_id       "C6E0DDB74006", long ids such as "4PbC4x469Jz3tBr", or
 *                  "NOQUEUE"
 *
 * "key=value" lists after a queue id (qmgr, smtp, lmtp, local, pipe,
 * virtual, cleanup, pickup, smtpd client= lines) give one field per key,
 * with "-" turned into "_" (message-id -> message_id):
 *   from, to, orig_to   addresses without the <>; the null sender is ""
 *   relay               as logged ("mx.example.com[192.0.2.1]:25", "none",
 *                       "local"), split into relay_host, relay_ip and
 *                       relay_port (a number) when it has that form
 *   client              "host[ip]" as logged, split into client_host,
 *                       client_ip and client_port (when logged)
 *   delay, size, nrcpt, uid, conn_use                       numbers
 *   delays, dsn, status, message_id, sasl_method, sasl_username,
 *   sasl_sender, proto, helo, ...                           strings
 *   reason         the text in parentheses after status=sent/deferred/...
 *   queued_as      the next queue id named in that text ("... queued as
 *                  4Pbf0B0gx2z3tG3)"); forwarded_as for "forwarded as"
 *
 * Actions of smtpd access checks, milters and header/body checks:
 *   NOQUEUE: reject: RCPT from CLIENT: 554 5.7.1 <x>: Relay access denied;
 *       from=<a> to=<b> proto=ESMTP helo=<h>
 *   QID: milter-reject: END-OF-MESSAGE from CLIENT: 4.7.1 Try later; from=...
 *   QID: info: header Subject: Hello from CLIENT; from=<a> to=<b> ...
 *   QID: hold: header Subject: Hello from local; from=<a> to=<b>: TEXT
 *   action         reject, milter-reject, hold, discard, filter, info,
 *                  warning, replace, ... (the word before the colon)
 *   stage          the SMTP stage: RCPT, MAIL, CONNECT, END-OF-MESSAGE, ...
 *   client, client_host, client_ip, client_port
 *   origin         in place of client, the word cleanup logs for mail
 *                  that did not come over SMTP: "local", "unknown"
 *   code           the SMTP reply code, a number (554)
 *   dsn            the enhanced status code (5.7.1)
 *   reason         the rest of the reply text, up to the "; from=" list;
 *                  for header/body checks the optional text after the list
 *   header         for header checks, the header as logged ("Subject: Hi")
 *   header_name, header_value   its name and value
 *   subject        its value when the header is Subject
 *   body           for body checks, the body line as logged
 *   replacement    for replace actions, the text after the list
 *   from, to, proto, helo   from the list
 *
 * Other kinds of line:
 *   event          smtpd: connect, disconnect, lost connection, timeout,
 *                  too many errors; qmgr: removed; postscreen, tlsproxy:
 *                  the upper-case words as logged (CONNECT, PASS OLD,
 *                  PREGREET, DNSBL, HANGUP, DISCONNECT, BARE NEWLINE, ...)
 *   stage          the SMTP command after "after" (lost connection after
 *                  DATA)
 *   level          warning, error, fatal, panic for such messages
 *   sasl_method, sasl_username, reason   "warning: CLIENT: SASL LOGIN
 *                  authentication failed: REASON, sasl_username=USER"
 *   bounce_queue_id  the queue id of a "sender non-delivery notification"
 *   client...      any "from host[ip]" or "[ip]:port" peer of these lines
 */
#include "fmt_common.h"

#include <string.h>

#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')
#define IS_UPPER(c) ((c) >= 'A' && (c) <= 'Z')
#define IS_LOWER(c) ((c) >= 'a' && (c) <= 'z')
#define IS_ALNUM(c) (IS_DIGIT(c) || IS_UPPER(c) || IS_LOWER(c))

/* Daemons of a Postfix installation, for programs renamed with
 * syslog_name ("mail/smtpd"). */
static const char *const daemons[] = {
    "anvil",     "bounce",     "cleanup",   "discard",  "dnsblog",
    "error",     "flush",      "lmtp",      "local",    "master",
    "oqmgr",     "pickup",     "pipe",      "postdrop", "postlog",
    "postqueue", "postscreen", "postsuper", "proxymap", "qmgr",
    "qmqpd",     "scache",     "sendmail",  "showq",    "smtp",
    "smtpd",     "spawn",      "tlsmgr",    "tlsproxy", "trivial-rewrite",
    "verify",    "virtual",
};

static int
is_postfix(fspan_t prog)
{
	const char *slash;
	size_t i, n;

	if (prog.p == NULL)
		return 0;
	if (prog.n >= 7 && memcmp(prog.p, "postfix", 7) == 0)
		return 1;
	slash = memrchr(prog.p, '/', prog.n);
	if (slash == NULL)
		return 0;
	n = prog.n - (size_t)(slash + 1 - prog.p);
	for (i = 0; i < sizeof daemons / sizeof daemons[0]; i++)
		if (strlen(daemons[i]) == n &&
		    memcmp(daemons[i], slash + 1, n) == 0)
			return 1;
	return 0;
}

/*
 * A queue id: NOQUEUE, a short id (upper-case hex), or a long id (letters
 * and digits without vowels, with the 'z' that separates its two parts).
 */
static int
is_queue_id(const char *s, size_t n)
{
	size_t i;
	int hex = 1, z = 0;

	if (n == 7 && memcmp(s, "NOQUEUE", 7) == 0)
		return 1;
	if (n < 6 || n > 24)
		return 0;
	for (i = 0; i < n; i++)
		if (!IS_DIGIT(s[i]) && !(s[i] >= 'A' && s[i] <= 'F'))
			hex = 0;
	if (hex)
		return 1;
	if (n < 12)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!IS_ALNUM(c))
			return 0;
		switch (c | 0x20) {
		case 'a':
		case 'e':
		case 'i':
		case 'o':
		case 'u':
			return 0;
		}
		if (c == 'z' && i >= 6)
			z = 1;
	}
	return z;
}

/* Add the "queued as ID" or "forwarded as ID" named in a reply text. */
static void
next_queue_id(fields_t *fs, const char *s, const char *e)
{
	static const struct {
		const char *lit, *key;
	} pat[] = {{"queued as ", "queued_as"},
	           {"forwarded as ", "forwarded_as"}};
	const char *q, *a;
	size_t i;

	for (i = 0; i < 2; i++) {
		size_t l = strlen(pat[i].lit);
		if ((q = fmt_find(s, e, pat[i].lit, l)) == NULL)
			continue;
		for (a = q += l; q < e && IS_ALNUM(*q); q++)
			;
		if (is_queue_id(a, (size_t)(q - a))) {
			fields_add(fs, pat[i].key, a, (size_t)(q - a), FK_STR);
			return;
		}
	}
}

/* Text that can be an IPv4 or IPv6 address. */
static int
is_ip(fspan_t ip)
{
	size_t i;

	for (i = 0; i < ip.n; i++)
		if (!IS_DIGIT(ip.p[i]) && !(ip.p[i] >= 'a' && ip.p[i] <= 'f') &&
		    !(ip.p[i] >= 'A' && ip.p[i] <= 'F') && ip.p[i] != '.' &&
		    ip.p[i] != ':')
			return 0;
	return ip.n >= 2;
}

/* Add a client or relay peer: the text as logged, then, when it holds
 * an IP address, its parts. */
static void
add_peer(fields_t *fs, const char *prefix, const char *v, size_t n)
{
	hostaddr_t a;
	const char *end = fmt_hostaddr(v, v + n, &a);

	fields_add(fs, prefix, v, n, FK_STR);
	/* "dovecot.example[private/dovecot-lmtp]" names a socket */
	if (end == v + n && is_ip(a.ip))
		fmt_add_hostaddr(fs, prefix, &a, 0);
}

/* The end of an <address> value starting at s ('<'): the first '>'
 * followed by a separator, or e. */
static const char *
addr_end(const char *s, const char *e)
{
	const char *q = s;

	while ((q = memchr(q, '>', (size_t)(e - q))) != NULL) {
		if (q + 1 == e || q[1] == ',' || q[1] == ' ' || q[1] == ';' ||
		    q[1] == ':')
			return q;
		q++;
	}
	return e;
}

static void
add_kv(fields_t *fs, const char *k, size_t kl, const char *v, size_t vl)
{
	static const char *const numeric[] = {"delay", "size", "nrcpt", "uid",
	                                      "conn_use"};
	char key[33];
	size_t i;

	if (kl >= sizeof key)
		return;
	for (i = 0; i < kl; i++)
		key[i] = k[i] == '-' ? '_' : k[i];
	key[kl] = '\0';
	if (strcmp(key, "client") == 0 || strcmp(key, "relay") == 0) {
		add_peer(fs, key, v, vl);
		return;
	}
	for (i = 0; i < sizeof numeric / sizeof numeric[0]; i++)
		if (strcmp(key, numeric[i]) == 0) {
			fmt_add_num(fs, key, v, vl);
			return;
		}
	fields_add(fs, key, v, vl, FK_STR);
}

/*
 * Read "key=value" pairs separated by ", " or " " from s.  A value is an
 * <address> or runs to the next ',', ' ' or ';'.  status=X is followed
 * by its parenthesised reason, which runs to the line's last ')'.
 * Returns where the list ends.
 */
static const char *
kv_list(fields_t *fs, const char *s, const char *e)
{
	while (s < e) {
		const char *k = s, *v, *q;
		size_t kl, vl;

		while (s < e &&
		       (IS_LOWER(*s) || IS_DIGIT(*s) || *s == '_' || *s == '-'))
			s++;
		if (s == k || s >= e || *s != '=')
			return k;
		kl = (size_t)(s - k);
		s++;
		if (s < e && *s == '<') {
			v = s + 1;
			q = addr_end(s, e);
			vl = (size_t)(q - v);
			s = q < e ? q + 1 : e;
		} else {
			for (v = s;
			     s < e && *s != ',' && *s != ' ' && *s != ';'; s++)
				;
			vl = (size_t)(s - v);
		}
		add_kv(fs, k, kl, v, vl);
		if (kl == 6 && memcmp(k, "status", 6) == 0 && e - s >= 2 &&
		    s[0] == ' ' && s[1] == '(') {
			const char *r = s + 2;
			q = memrchr(r, ')', (size_t)(e - r));
			if (q == NULL)
				q = e;
			fields_add(fs, "reason", r, (size_t)(q - r), FK_STR);
			next_queue_id(fs, r, q);
			s = q < e ? q + 1 : e;
		}
		if (s < e && *s == ',')
			s++;
		if (s < e && *s == ' ')
			s++;
		else if (s < e)
			return s;
	}
	return s;
}

/* The "; from=<...> to=<...> proto=... helo=<...>" list that closes the
 * smtpd and cleanup action lines: its first ';', or NULL. */
static const char *
find_trailer(const char *s, const char *e)
{
	static const char *const keys[] = {"from=<", "to=<",
	                                   "proto=", "helo=<"};
	const char *q = s;
	size_t i;

	while ((q = memchr(q, ';', (size_t)(e - q))) != NULL) {
		if (q + 1 < e && q[1] == ' ')
			for (i = 0; i < 4; i++)
				if (fmt_starts(q + 2, e, keys[i]))
					return q;
		q++;
	}
	return NULL;
}

/*
 * The origin of a message as cleanup logs it after " from ": "host[ip]"
 * (with an optional ":port") for mail that came in over the network, or
 * a bare word ("local" for mail submitted with sendmail(1), "unknown"
 * when cleanup was not told).  True when s[0..e) is one; a[] gets the
 * address parts, or a->ip.p == NULL for a word.
 */
static int
is_origin(const char *s, const char *e, hostaddr_t *a)
{
	const char *q;

	memset(a, 0, sizeof *a);
	if (fmt_hostaddr(s, e, a) == e)
		return 1;
	memset(a, 0, sizeof *a);
	for (q = s; q < e && (IS_LOWER(*q) || *q == '-'); q++)
		;
	return q == e && q - s >= 5;
}

/* Add an origin: "client" and its parts for "host[ip]", "origin" for a
 * word such as "local". */
static void
add_origin(fields_t *fs, const char *s, const char *e, const hostaddr_t *a)
{
	if (a->ip.p != NULL)
		fmt_add_hostaddr(fs, "client", a, 1);
	else
		fields_add(fs, "origin", s, (size_t)(e - s), FK_STR);
}

/* "STAGE from CLIENT: [CODE] [D.D.D] REASON; from=<> ..." after
 * "action: "; CLIENT may be an origin word such as "local". */
static int
smtpd_action(fields_t *fs, const char *act, size_t al, const char *s,
             const char *e)
{
	const char *st = s, *q, *t, *o;
	hostaddr_t a;

	while (s < e && (IS_UPPER(*s) || *s == '-'))
		s++;
	if (s == st || !fmt_starts(s, e, " from "))
		return 0;
	o = s + 6;
	/* a milter's verdict on mail submitted locally: "from local: " */
	if ((q = fmt_hostaddr(o, e, &a)) == NULL)
		for (q = o; q < e && IS_LOWER(*q); q++)
			;
	if (!fmt_starts(q, e, ": ") || !is_origin(o, q, &a))
		return 0;
	fields_add(fs, "action", act, al, FK_STR);
	fields_add(fs, "stage", st, (size_t)(s - st), FK_STR);
	add_origin(fs, o, q, &a);
	s = q + 2;
	if (e - s >= 4 && IS_DIGIT(s[0]) && IS_DIGIT(s[1]) && IS_DIGIT(s[2]) &&
	    s[3] == ' ') {
		fmt_add_digits(fs, "code", s, 3);
		s += 4;
	}
	if (e - s >= 6 && (s[0] == '2' || s[0] == '4' || s[0] == '5') &&
	    s[1] == '.' && IS_DIGIT(s[2])) {
		for (q = s + 2; q < e && IS_DIGIT(*q); q++)
			;
		if (q < e && *q == '.' && q + 1 < e && IS_DIGIT(q[1])) {
			for (q++; q < e && IS_DIGIT(*q); q++)
				;
			if (q < e && *q == ' ') {
				fields_add(fs, "dsn", s, (size_t)(q - s),
				           FK_STR);
				s = q + 1;
			}
		}
	}
	t = find_trailer(s, e);
	fields_add(fs, "reason", s, (size_t)((t ? t : e) - s), FK_STR);
	if (t != NULL)
		kv_list(fs, t + 2, e);
	return 1;
}

/*
 * The list cleanup writes after "from ORIGIN;": " from=<S>", " to=<R>",
 * " proto=P" and " helo=<H>", each only when known and in that order,
 * then ": TEXT" or the end of the line.  Returns where the list ends
 * (at ": TEXT" or e), or NULL when s[0..e) is not such a list; when fs
 * is not NULL, the list's values are added to it.
 */
static const char *
check_list(fields_t *fs, const char *s, const char *e)
{
	static const struct {
		const char *lit, *key;
	} keys[] = {{" from=<", "from"},
	            {" to=<", "to"},
	            {" proto=", "proto"},
	            {" helo=<", "helo"}};
	const char *v, *q;

	for (size_t i = 0; i < 4; i++) {
		if (!fmt_starts(s, e, keys[i].lit))
			continue;
		v = s + strlen(keys[i].lit);
		if (v[-1] == '<') {
			q = addr_end(v - 1, e);
			if (q == e)
				return NULL;
			s = q + 1;
		} else {
			for (q = v; q < e && *q != ' ' && *q != ':'; q++)
				;
			s = q;
		}
		if (fs != NULL)
			fields_add(fs, keys[i].key, v, (size_t)(q - v), FK_STR);
	}
	if (s == e || fmt_starts(s, e, ": "))
		return s;
	return NULL;
}

/*
 * "header TEXT from ORIGIN; from=<> to=<> proto=P helo=<H>[: TEXT]" and
 * the same with "body", after "action: ".  TEXT holds what a sender
 * wrote, " from host[ip];" and a list included: of the places where the
 * line could end the logged text, the last is taken, so that a header
 * cannot pass itself off as the list.  Only the operator's text after
 * the list could then mislead, not the sender's.
 */
static int
check_action(fields_t *fs, const char *action, size_t alen, const char *s,
             const char *e)
{
	int header = fmt_starts(s, e, "header ");
	const char *text = s + (header ? 7 : 5), *t = NULL, *c = NULL, *rest;
	const char *q;
	hostaddr_t a, best;

	for (q = text; (q = memchr(q, ';', (size_t)(e - q))) != NULL; q++) {
		const char *w;

		for (w = q; w > text && w[-1] != ' '; w--)
			;
		if (w - text < 6 || memcmp(w - 6, " from ", 6) != 0 ||
		    !is_origin(w, q, &a) || check_list(NULL, q + 1, e) == NULL)
			continue;
		t = q;
		c = w;
		best = a;
	}
	if (t == NULL)
		return 0;
	fields_add(fs, "action", action, alen, FK_STR);
	if (header) {
		const char *te = c - 6, *colon, *val;
		fields_add(fs, "header", text, (size_t)(te - text), FK_STR);
		colon = memchr(text, ':', (size_t)(te - text));
		if (colon != NULL && colon > text) {
			for (val = colon + 1; val < te && *val == ' '; val++)
				;
			fields_add(fs, "header_name", text,
			           (size_t)(colon - text), FK_STR);
			fields_add(fs, "header_value", val, (size_t)(te - val),
			           FK_STR);
			if (colon - text == 7 &&
			    strncasecmp(text, "subject", 7) == 0)
				fields_add(fs, "subject", val,
				           (size_t)(te - val), FK_STR);
		}
	} else {
		fields_add(fs, "body", text, (size_t)(c - 6 - text), FK_STR);
	}
	add_origin(fs, c, t, &best);
	rest = check_list(fs, t + 1, e);
	if (rest != e) {
		int repl = (alen == 7 && memcmp(action, "replace", 7) == 0) ||
		           (alen == 7 && memcmp(action, "prepend", 7) == 0);
		fields_add(fs, repl ? "replacement" : "reason", rest + 2,
		           (size_t)(e - rest - 2), FK_STR);
	}
	return 1;
}

/* The first "host[ip]" after " from ", or a "[ip]:port" anywhere. */
static void
any_client(fields_t *fs, const char *s, const char *e)
{
	const char *q = s;
	hostaddr_t a;

	while ((q = fmt_find(q, e, "from ", 5)) != NULL) {
		if ((q == s || q[-1] == ' ') && fmt_hostaddr(q + 5, e, &a)) {
			fmt_add_hostaddr(fs, "client", &a, 1);
			return;
		}
		q += 5;
	}
	for (q = s; (q = memchr(q, '[', (size_t)(e - q))) != NULL; q++)
		if ((q == s || q[-1] == ' ') && fmt_hostaddr(q, e, &a) &&
		    is_ip(a.ip)) {
			fmt_add_hostaddr(fs, "client", &a, 1);
			return;
		}
}

/* "warning: CLIENT: SASL LOGIN authentication failed: REASON[,
 * sasl_username=U]" and other messages with a level. */
static void
level_message(fields_t *fs, const char *lvl, size_t ll, const char *s,
              const char *e)
{
	const char *q, *m, *u;
	hostaddr_t a;

	fields_add(fs, "level", lvl, ll, FK_STR);
	q = fmt_hostaddr(s, e, &a);
	if (q == NULL || !fmt_starts(q, e, ": ")) {
		any_client(fs, s, e);
		return;
	}
	fmt_add_hostaddr(fs, "client", &a, 1);
	s = q + 2;
	if (!fmt_starts(s, e, "SASL "))
		return;
	for (m = q = s + 5; q < e && *q != ' '; q++)
		;
	if (!fmt_starts(q, e, " authentication failed"))
		return;
	fields_add(fs, "sasl_method", m, (size_t)(q - m), FK_STR);
	q += 22;
	if (!fmt_starts(q, e, ": "))
		return;
	q += 2;
	u = fmt_find(q, e, ", sasl_username=", 16);
	fields_add(fs, "reason", q, (size_t)((u ? u : e) - q), FK_STR);
	if (u != NULL)
		fields_add(fs, "sasl_username", u + 16, (size_t)(e - u - 16),
		           FK_STR);
}

/* smtpd's "connect from C", "disconnect from C ...", "lost connection
 * after DATA from C", "timeout after ...", "too many errors after ...". */
static int
smtpd_event(fields_t *fs, const char *s, const char *e)
{
	static const char *const ev[] = {"connect", "disconnect",
	                                 "lost connection", "timeout",
	                                 "too many errors"};
	const char *q, *st, *se;
	hostaddr_t a;
	size_t i, l = 0;

	for (i = 0; i < 5; i++) {
		l = strlen(ev[i]);
		if (fmt_starts(s, e, ev[i]) && e - s > (long)l && s[l] == ' ')
			break;
	}
	if (i == 5)
		return 0;
	q = s + l;
	if (fmt_starts(q, e, " after ")) {
		for (st = q += 7; q < e && *q != ' '; q++)
			;
		if ((q = fmt_find(q, e, " from ", 6)) == NULL)
			return 0;
		fields_add(fs, "event", ev[i], l, FK_STR);
		/* "after DATA (0 bytes) from" keeps only the command */
		se = memchr(st, ' ', (size_t)(q - st));
		fields_add(fs, "stage", st, (size_t)((se ? se : q) - st),
		           FK_STR);
	} else if (fmt_starts(q, e, " from ")) {
		fields_add(fs, "event", ev[i], l, FK_STR);
	} else {
		return 0;
	}
	if (fmt_hostaddr(q + 6, e, &a) != NULL)
		fmt_add_hostaddr(fs, "client", &a, 1);
	return 1;
}

/* postscreen's and tlsproxy's "PASS OLD [ip]:port" and the like. */
static int
upper_event(fields_t *fs, const char *s, const char *e)
{
	const char *q = s, *end = s;

	for (;;) {
		const char *w = q;
		while (q < e && IS_UPPER(*q))
			q++;
		if (q - w < 2 || (q < e && *q != ' ' && *q != ':'))
			break;
		end = q;
		if (q >= e || *q != ' ')
			break;
		q++;
	}
	if (end == s)
		return 0;
	fields_add(fs, "event", s, (size_t)(end - s), FK_STR);
	any_client(fs, end, e);
	return 1;
}

/* Take apart the message of a Postfix program. */
static void
postfix_msg(fmt_ctx_t *ctx, fields_t *fs, const char *s, const char *e)
{
	const char *q, *w;

	(void)ctx;
	for (q = s; q < e && IS_ALNUM(*q); q++)
		;
	if (q < e && *q == ':' && (q + 1 == e || q[1] == ' ') &&
	    is_queue_id(s, (size_t)(q - s))) {
		fields_add(fs, "queue_id", s, (size_t)(q - s), FK_STR);
		s = q + 1 < e ? q + 2 : e;
	}
	if (s >= e)
		return;
	/* key=value list */
	for (q = s; q < e && (IS_LOWER(*q) || *q == '_' || *q == '-'); q++)
		;
	if (q > s && q < e && *q == '=') {
		kv_list(fs, s, e);
		return;
	}
	/* "action: ..." */
	if (q > s && q < e - 1 && q[0] == ':' && q[1] == ' ') {
		const char *act = s;
		size_t al = (size_t)(q - s);

		w = q + 2;
		if ((fmt_starts(w, e, "header ") ||
		     fmt_starts(w, e, "body ")) &&
		    check_action(fs, act, al, w, e))
			return;
		if (IS_UPPER(*w) && smtpd_action(fs, act, al, w, e))
			return;
		if ((al == 7 && memcmp(act, "warning", 7) == 0) ||
		    (al == 5 && memcmp(act, "error", 5) == 0) ||
		    (al == 5 && memcmp(act, "fatal", 5) == 0) ||
		    (al == 5 && memcmp(act, "panic", 5) == 0)) {
			level_message(fs, act, al, w, e);
			return;
		}
	}
	if (q - s == 7 && memcmp(s, "removed", 7) == 0 && q == e) {
		fields_add(fs, "event", "removed", 7, FK_STR);
		return;
	}
	if (smtpd_event(fs, s, e) || upper_event(fs, s, e))
		return;
	if ((q = fmt_find(s, e, " notification: ", 15)) != NULL) {
		for (w = q += 15; q < e && IS_ALNUM(*q); q++)
			;
		if (q == e && is_queue_id(w, (size_t)(q - w))) {
			fields_add(fs, "bounce_queue_id", w, (size_t)(q - w),
			           FK_STR);
			return;
		}
	}
	any_client(fs, s, e);
}

int
fmt_postfix(fmt_ctx_t *ctx, const char *p, size_t n, fields_t *fs)
{
	return fmt_syslog_mail(ctx, p, n, fs, is_postfix, postfix_msg);
}
