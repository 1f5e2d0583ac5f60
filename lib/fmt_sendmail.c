/*
 * fmt_sendmail.c - the sendmail format: a syslog line (see fmt_syslog.c)
 * whose message, when the program is sendmail's (sendmail, sm-mta,
 * sm-msp-queue, or any "sm-" name such as sm-acceptingconnections), is
 * taken apart further.  Lines of other programs become plain syslog
 * records.
 *
 * Fields: the syslog fields, then those below that the line holds, in
 * its order, and last msg, the whole message after the tag.
 *
 *   queue_id   the queue id before the first ": " ("s1P819mk027713")
 *   KEY        each "key=value" of the ", "-separated list: from, to,
 *              ctladdr, delay, xdelay, mailer, pri, relay, dsn, stat,
 *              msgid, size, nrcpts, proto, daemon, ruleset, arg1, arg2,
 *              reject, ...; a value runs to the next ", key=", so
 *              "reject=550 5.7.1 <a>... Relaying denied." is whole.
 *              A value that is one <address> loses its angle brackets;
 *              size, nrcpts and pri are numbers.
 *   relay_host, relay_ip   the parts of relay=host [ip] (may be forged)
 *   reason     for stat=Sent (text) and the like, the text in parentheses
 */
#include "fmt_common.h"

#include <string.h>

#define IS_KEYCHAR(c)                                                          \
	(((c) >= 'a' && (c) <= 'z') || ((c) >= '0' && (c) <= '9') ||           \
	 (c) == '_' || (c) == '-')

static int
is_sendmail(fspan_t prog)
{
	if (prog.p == NULL)
		return 0;
	if (prog.n >= 3 && memcmp(prog.p, "sm-", 3) == 0)
		return 1;
	return (prog.n == 8 && memcmp(prog.p, "sendmail", 8) == 0);
}

/* Length of "key=" at s, or 0. */
static size_t
key_at(const char *s, const char *e)
{
	const char *q = s;

	while (q < e && IS_KEYCHAR(*q))
		q++;
	return q > s && q < e && *q == '=' ? (size_t)(q - s) : 0;
}

static void
add_value(fields_t *fs, const char *k, size_t kl, const char *v, size_t vl)
{
	static const char *const numeric[] = {"size", "nrcpts", "pri"};
	char key[33];
	const char *q;

	/* msg is the whole message, never a value of the list */
	if (kl >= sizeof key || (kl == 3 && memcmp(k, "msg", 3) == 0))
		return;
	for (size_t i = 0; i < kl; i++)
		key[i] = k[i] == '-' ? '_' : k[i];
	key[kl] = '\0';
	for (size_t i = 0; i < 3; i++)
		if (strcmp(key, numeric[i]) == 0) {
			fmt_add_num(fs, key, v, vl);
			return;
		}
	/* one <address> */
	if (vl >= 2 && v[0] == '<' && v[vl - 1] == '>' &&
	    memchr(v + 1, '>', vl - 2) == NULL) {
		fields_add(fs, key, v + 1, vl - 2, FK_STR);
		return;
	}
	fields_add(fs, key, v, vl, FK_STR);
	if (strcmp(key, "relay") == 0) {
		/* "host [ip]", "[ip]", "host [ip] (may be forged)", "host." */
		const char *b = memchr(v, '[', vl), *c;
		if (b != NULL && (c = memchr(b, ']', (size_t)(v + vl - b))) &&
		    c > b + 1) {
			size_t hl = (size_t)(b - v);
			while (hl > 0 && v[hl - 1] == ' ')
				hl--;
			if (hl > 0)
				fields_add(fs, "relay_host", v, hl, FK_STR);
			fields_add(fs, "relay_ip", b + 1, (size_t)(c - b - 1),
			           FK_STR);
		}
	} else if (strcmp(key, "stat") == 0 &&
	           (q = memchr(v, '(', vl)) != NULL && v[vl - 1] == ')') {
		fields_add(fs, "reason", q + 1, (size_t)(v + vl - q - 2),
		           FK_STR);
	}
}

/* The ", "-separated key=value list at s. */
static void
kv_list(fields_t *fs, const char *s, const char *e)
{
	while (s < e) {
		size_t kl = key_at(s, e);
		const char *v, *q;

		if (kl == 0)
			return;
		v = s + kl + 1;
		/* the value runs to the next ", key=" */
		for (q = v; (q = memchr(q, ',', (size_t)(e - q))) != NULL; q++)
			if (q + 1 < e && q[1] == ' ' && key_at(q + 2, e) > 0)
				break;
		add_value(fs, s, kl, v, (size_t)((q ? q : e) - v));
		s = q ? q + 2 : e;
	}
}

static void
sendmail_msg(fmt_ctx_t *ctx, fields_t *fs, const char *s, const char *e)
{
	const char *q = s;

	(void)ctx;
	while (q < e && ((*q >= '0' && *q <= '9') || (*q >= 'A' && *q <= 'Z') ||
	                 (*q >= 'a' && *q <= 'z')))
		q++;
	if (q - s >= 8 && e - q >= 2 && q[0] == ':' && q[1] == ' ') {
		fields_add(fs, "queue_id", s, (size_t)(q - s), FK_STR);
		s = q + 2;
	}
	if (key_at(s, e) > 0)
		kv_list(fs, s, e);
}

int
fmt_sendmail(fmt_ctx_t *ctx, const char *p, size_t n, fields_t *fs)
{
	return fmt_syslog_mail(ctx, p, n, fs, is_sendmail, sendmail_msg);
}
