/*
 * test_fmt.c - the log-line formats of lib/fmt_syslog.c, fmt_postfix.c,
 * fmt_exim.c and fmt_clf.c, checked field by field on lines shaped like
 * the real logs they come from.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fields.h"
#include "fmt_common.h"
#include "json.h"
#include "ttime.h"

/* TINGLE_NOW of the test suite, 2026-06-15T12:00:00Z. */
#define NOW 1781524800LL

static fmt_ctx_t ctx;
static fields_t fs;
static char jbuf[8192];

static int
setup(void **state)
{
	(void)state;
	assert_int_equal(tz_set("UTC"), 0);
	memset(&ctx, 0, sizeof ctx);
	ctx.now_sec = NOW;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	fields_free(&fs);
	buf_free(&ctx.why);
	buf_free(&ctx.scratch);
	return 0;
}

static int
run(fmt_fn fn, const char *line)
{
	fields_reset(&fs);
	buf_reset(&ctx.why);
	return fn(&ctx, line, strlen(line), &fs);
}

static int
runn(fmt_fn fn, const char *line, size_t n)
{
	fields_reset(&fs);
	buf_reset(&ctx.why);
	return fn(&ctx, line, n, &fs);
}

/* The whole record as tingle-parse writes it. */
static const char *
record(void)
{
	buf_t b = BUF_INIT;

	fields_write(&fs, &b);
	snprintf(jbuf, sizeof jbuf, "%s", b.p);
	buf_free(&b);
	return jbuf;
}

/* Field key's value as JSON text, or NULL when absent. */
static const char *
fj(const char *key)
{
	long i = fields_find(&fs, key);
	buf_t b = BUF_INIT;
	size_t n;
	const char *v;

	if (i < 0)
		return NULL;
	v = fields_val(&fs, (size_t)i, &n);
	switch (fs.f[i].kind) {
	case FK_NUM:
	case FK_JSON:
		buf_add(&b, v, n);
		break;
	case FK_TIME: {
		char t[TS_MAXLEN + 1];
		size_t tl = ts_format(&fs.f[i].ts, t);
		buf_addc(&b, '"');
		buf_add(&b, t, tl);
		buf_addc(&b, '"');
		break;
	}
	default:
		jw_str(&b, v, n);
	}
	snprintf(jbuf, sizeof jbuf, "%s", b.p);
	buf_free(&b);
	return jbuf;
}

static void
check_field(const char *key, const char *want, int line)
{
	const char *got = fj(key);

	if (got == NULL)
		fail_msg("line %d: field %s missing in %s", line, key,
		         record());
	if (strcmp(got, want) != 0)
		fail_msg("line %d: field %s is %s, want %s", line, key, got,
		         want);
}

static void
check_absent(const char *key, int line)
{
	if (fj(key) != NULL)
		fail_msg("line %d: field %s should be absent in %s", line, key,
		         record());
}

#define FIELD(k, v) check_field(k, v, __LINE__)
#define NOFIELD(k) check_absent(k, __LINE__)
#define OK(fn, line) assert_int_equal(run(fn, line), FMT_OK)
#define NOMATCH(fn, line)                                                      \
	do {                                                                   \
		assert_int_equal(run(fn, line), FMT_NOMATCH);                  \
		assert_true(ctx.why.len > 0);                                  \
	} while (0)

/* ---- syslog -------------------------------------------------------- */

static void
test_syslog_bsd(void **state)
{
	(void)state;
	OK(fmt_syslog, "Oct 10 15:59:28 mail postfix/smtpd[1830]: connect "
	               "from example.com[127.0.0.1]");
	assert_string_equal(
	    record(), "{\"ts\":\"2025-10-10T15:59:28Z\",\"host\":\"mail\","
	              "\"program\":\"postfix/smtpd\",\"pid\":1830,"
	              "\"msg\":\"connect from example.com[127.0.0.1]\"}");

	/* space-padded and zero-padded days */
	OK(fmt_syslog, "Nov  3 01:01:03 Tims-MacBook-Air syslogd[634]: ASL "
	               "Sender Statistics");
	FIELD("ts", "\"2025-11-03T01:01:03Z\"");
	FIELD("host", "\"Tims-MacBook-Air\"");
	OK(fmt_syslog, "Jun 04 22:24:28 machine postfix/smtpd[3967801]: x");
	FIELD("ts", "\"2026-06-04T22:24:28Z\"");

	/* a tag without pid; kernel[0] */
	OK(fmt_syslog, "Apr 28 06:53:54 tstack-centos5 dhclient: DHCPNAK from "
	               "10.1.10.1 (xid=0x654a04aa)");
	FIELD("program", "\"dhclient\"");
	NOFIELD("pid");
	FIELD("msg", "\"DHCPNAK from 10.1.10.1 (xid=0x654a04aa)\"");
	OK(fmt_syslog, "Sep 13 00:58:45 Tim-Stacks-iMac kernel[0]: AirParrot "
	               "device");
	FIELD("pid", "0");

	/* sudo's message has " : " inside */
	OK(fmt_syslog, "Jan  3 09:47:02 veridian sudo: timstack : TTY=pts/6 ; "
	               "USER=root");
	FIELD("program", "\"sudo\"");
	FIELD("msg", "\"timstack : TTY=pts/6 ; USER=root\"");
}

static void
test_syslog_year(void **state)
{
	(void)state;
	/* the year that puts the stamp closest to, not after, now */
	ctx.now_sec = 1767225610; /* 2026-01-01T00:00:10Z */
	OK(fmt_syslog, "Dec 31 23:59:59 h p: old year");
	FIELD("ts", "\"2025-12-31T23:59:59Z\"");
	OK(fmt_syslog, "Jan  1 00:00:05 h p: new year");
	FIELD("ts", "\"2026-01-01T00:00:05Z\"");
	ctx.year = 2019;
	OK(fmt_syslog, "Jan  1 00:00:05 h p: --year");
	FIELD("ts", "\"2019-01-01T00:00:05Z\"");
	ctx.year = 0;
	ctx.now_sec = NOW;
	/* fractions of a second */
	OK(fmt_syslog, "Oct 10 15:59:28.123456 h p: x");
	FIELD("ts", "\"2025-10-10T15:59:28.123456Z\"");
}

static void
test_syslog_tags(void **state)
{
	(void)state;
	/* a tag with a space: program and version */
	OK(fmt_syslog, "Apr 28 04:02:03 tstack-centos5 syslogd 1.4.1: "
	               "restart.");
	assert_string_equal(record(), "{\"ts\":\"2026-04-28T04:02:03Z\","
	                              "\"host\":\"tstack-centos5\","
	                              "\"program\":\"syslogd\","
	                              "\"program_version\":\"1.4.1\","
	                              "\"msg\":\"restart.\"}");

	/* no tag at all: the message only */
	OK(fmt_syslog, "Nov  3 09:23:38 veridian lookup for opt failed");
	FIELD("host", "\"veridian\"");
	NOFIELD("program");
	FIELD("msg", "\"lookup for opt failed\"");
	OK(fmt_syslog, "Nov  3 09:23:38 veridian last message repeated 3 "
	               "times");
	NOFIELD("program");

	/* no colon after the pid */
	OK(fmt_syslog, "2021-02-19T14:32:14.936091+01:00 smtp01.example.org "
	               "postfix/smtpd[58176] E89FA2DEDA: client=x[10.1.2.3]");
	FIELD("ts", "\"2021-02-19T13:32:14.936091Z\"");
	FIELD("program", "\"postfix/smtpd\"");
	FIELD("pid", "58176");
	FIELD("msg", "\"E89FA2DEDA: client=x[10.1.2.3]\"");

	/* a priority tag after the stamp */
	OK(fmt_syslog, "Jun 17 14:37:39 <mail.notice> robin sm-mta[2794]: "
	               "55HIbcGI002794: <baduser@yourhost.com>... User "
	               "unknown");
	FIELD("facility", "\"mail\"");
	FIELD("severity", "\"notice\"");
	NOFIELD("pri");
	FIELD("host", "\"robin\"");
	FIELD("program", "\"sm-mta\"");
	FIELD("pid", "2794");

	/* a pid that is not a number stays a string */
	OK(fmt_syslog, "Oct 10 15:59:28 h prog[p12]: x");
	FIELD("pid", "\"p12\"");
	OK(fmt_syslog, "Oct 10 15:59:28 h prog[0123]: x");
	FIELD("pid", "\"0123\"");

	/* empty message */
	OK(fmt_syslog, "Oct 10 15:59:28 h prog[1]:");
	FIELD("msg", "\"\"");
}

static void
test_syslog_pri(void **state)
{
	(void)state;
	OK(fmt_syslog, "<34>Oct 11 22:14:15 mymachine su: 'su root' failed "
	               "for lonvick on /dev/pts/8");
	FIELD("pri", "34");
	FIELD("facility", "\"auth\"");
	FIELD("severity", "\"crit\"");
	FIELD("host", "\"mymachine\"");
	FIELD("program", "\"su\"");
	/* rsyslog: <PRI> and an RFC 3339 stamp, no version */
	OK(fmt_syslog, "<13>2003-10-11T22:14:15.003Z host prog: x");
	FIELD("ts", "\"2003-10-11T22:14:15.003Z\"");
	FIELD("facility", "\"user\"");
	FIELD("severity", "\"notice\"");
	/* as sent to the local socket: no host */
	OK(fmt_syslog, "<13>Oct 11 22:14:15 prog[42]: hello");
	NOFIELD("host");
	FIELD("program", "\"prog\"");
	FIELD("pid", "42");
	OK(fmt_syslog, "<13>Oct 11 22:14:15 su: hello");
	NOFIELD("host");
	FIELD("program", "\"su\"");
	OK(fmt_syslog, "<191>Oct 11 22:14:15 h p: x");
	FIELD("facility", "\"local7\"");
	FIELD("severity", "\"debug\"");
	NOMATCH(fmt_syslog, "<192>Oct 11 22:14:15 h p: x");
	NOMATCH(fmt_syslog, "<x>Oct 11 22:14:15 h p: x");
	NOMATCH(fmt_syslog, "<1234>Oct 11 22:14:15 h p: x");
}

static void
test_syslog_months(void **state)
{
	(void)state;
	OK(fmt_syslog, "ao\xc3\xbbt 19 11:08:37 nlaptop symphorien[4961]: "
	               "test");
	FIELD("ts", "\"2025-08-19T11:08:37Z\"");
	FIELD("program", "\"symphorien\"");
	FIELD("msg", "\"test\"");
	OK(fmt_syslog, "f\xc3\xa9vr. 3 10:00:00 h p: x");
	FIELD("ts", "\"2026-02-03T10:00:00Z\"");
	OK(fmt_syslog, "M\xc3\xa4r  3 10:00:00 h p: x");
	FIELD("ts", "\"2026-03-03T10:00:00Z\"");
	OK(fmt_syslog, "D\xc3\x89\x43 24 10:00:00 h p: x");
	FIELD("ts", "\"2025-12-24T10:00:00Z\"");
	OK(fmt_syslog, "Okt 24 10:00:00 h p: x");
	FIELD("ts", "\"2025-10-24T10:00:00Z\"");
	OK(fmt_syslog, "mai  1 10:00:00 h p: x");
	FIELD("ts", "\"2026-05-01T10:00:00Z\"");
	NOMATCH(fmt_syslog, "Foo 24 10:00:00 h p: x");
	NOMATCH(fmt_syslog, "\xc3\xa9t\xc3\xa9 24 10:00:00 h p: x");
}

static void
test_syslog_bad(void **state)
{
	(void)state;
	/* the corrupted line of the corpus: the year lost a digit */
	NOMATCH(fmt_syslog, "021-02-06T10:57:57+01:00 mail.server.com "
	                    "postfix/smtpd[59633]: D6DDA23B0F: client=x");
	NOMATCH(fmt_syslog, "");
	NOMATCH(fmt_syslog, "hello world");
	NOMATCH(fmt_syslog, "Oct 10 15:59:28");
	NOMATCH(fmt_syslog, "Oct 10 15:59:28   ");
	NOMATCH(fmt_syslog, "Oct 10 25:59:28 h p: x");
	NOMATCH(fmt_syslog, "Oct 10 15:59:28x h p: x");
	NOMATCH(fmt_syslog, "2023-13-14T00:00:31+01:00 h p: x");
	/* an Exim main log line is not syslog */
	NOMATCH(fmt_syslog, "2022-06-29 16:04:19 login authenticator failed");
	assert_non_null(strstr(ctx.why.p, "-f exim"));
	NOMATCH(fmt_syslog, "<34>1 2003-10-11 h a p m - x");
}

static void
test_syslog_continuation(void **state)
{
	(void)state;
	assert_int_equal(run(fmt_syslog, "\tASL Module \"com.apple.install\" "
	                                 "claims selected messages."),
	                 FMT_CONT);
	assert_int_equal(run(fmt_postfix, "\tmore"), FMT_CONT);
	/* a line starting with a space is not a continuation */
	NOMATCH(fmt_syslog, " Oct 10 15:59:28 h p: x");
}

static void
test_syslog_bytes(void **state)
{
	static const char line[] = "Oct 10 15:59:28 h p: a\xff\xfe\x00z\r";
	size_t n;
	long i;
	const char *v;

	(void)state;
	/* invalid UTF-8 and a NUL are kept as bytes; the CR of a CRLF
	 * line goes */
	assert_int_equal(runn(fmt_syslog, line, sizeof line - 1), FMT_OK);
	i = fields_find(&fs, "msg");
	assert_true(i >= 0);
	v = fields_val(&fs, (size_t)i, &n);
	assert_int_equal(n, 5);
	assert_memory_equal(v, "a\xff\xfe\x00z", 5);
	FIELD("msg", "\"a\xef\xbf\xbd\xef\xbf\xbd\\u0000z\"");
	/* a byte order mark before the first line */
	OK(fmt_syslog, "\xef\xbb\xbfOct 10 15:59:28 h p: x");
	FIELD("host", "\"h\"");
}

static void
test_syslog_5424(void **state)
{
	(void)state;
	OK(fmt_syslog, "<38>1 2022-01-19T14:23:55+00:00 OPNsense.localdomain "
	               "sshd 44255 - [meta sequenceId=\"1\"] Invalid user tutu "
	               "from 1.2.3.4 port 33166");
	assert_string_equal(
	    record(),
	    "{\"ts\":\"2022-01-19T14:23:55Z\",\"pri\":38,\"facility\":\"auth\","
	    "\"severity\":\"info\",\"host\":\"OPNsense.localdomain\","
	    "\"program\":\"sshd\",\"pid\":44255,"
	    "\"sd\":{\"meta\":{\"sequenceId\":\"1\"}},"
	    "\"msg\":\"Invalid user tutu from 1.2.3.4 port 33166\"}");

	/* NILVALUEs, 6-digit fraction, another offset */
	OK(fmt_syslog, "<171>1 2025-11-05T20:47:03.000000+02:00 firewall.lan "
	               "nginx - - - 2025/11/05 20:47:03 [error] 24537#230441: "
	               "open() failed");
	FIELD("ts", "\"2025-11-05T18:47:03.000000Z\"");
	FIELD("facility", "\"local5\"");
	FIELD("severity", "\"err\"");
	FIELD("program", "\"nginx\"");
	NOFIELD("pid");
	NOFIELD("msgid");
	NOFIELD("sd");
	FIELD("msg", "\"2025/11/05 20:47:03 [error] 24537#230441: open() "
	             "failed\"");

	/* brackets in the message after the structured data */
	OK(fmt_syslog, "<30>1 2024-02-18T02:29:57+08:00 exmaple.com charon "
	               "15894 - [meta sequenceId=\"31\"] 06[NET] "
	               "<3fdb|83> sending packet: from 1.2.3.4[4500]");
	FIELD("sd", "{\"meta\":{\"sequenceId\":\"31\"}}");
	FIELD("msg", "\"06[NET] <3fdb|83> sending packet: from "
	             "1.2.3.4[4500]\"");

	/* RFC 5424's own example: escapes, two elements, a BOM */
	OK(fmt_syslog, "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com "
	               "evntslog - ID47 [exampleSDID@32473 iut=\"3\" "
	               "eventSource=\"Appli\\\"cation\\]\" x=\"a\\\\b\\c\"]"
	               "[examplePriority@32473 class=\"high\"] "
	               "\xef\xbb\xbf"
	               "An application event log entry...");
	FIELD("msgid", "\"ID47\"");
	FIELD("sd", "{\"exampleSDID@32473\":{\"iut\":\"3\",\"eventSource\":"
	            "\"Appli\\\"cation]\",\"x\":\"a\\\\b\\\\c\"},"
	            "\"examplePriority@32473\":{\"class\":\"high\"}}");
	FIELD("msg", "\"An application event log entry...\"");

	/* a parameter given twice, an SD-ID given twice, no params */
	OK(fmt_syslog, "<14>1 2003-10-11T22:14:15Z h app - - [origin "
	               "ip=\"192.0.2.1\" ip=\"192.0.2.2\"][x@1][origin "
	               "software=\"s\"]");
	FIELD("sd", "{\"origin\":{\"ip\":[\"192.0.2.1\",\"192.0.2.2\"],"
	            "\"software\":\"s\"},\"x@1\":{}}");
	NOFIELD("msg");

	/* everything nil */
	OK(fmt_syslog, "<34>1 - - - - - -");
	assert_string_equal(record(), "{\"pri\":34,\"facility\":\"auth\","
	                              "\"severity\":\"crit\"}");
	OK(fmt_syslog, "<34>1 - - - - - - ");
	FIELD("msg", "\"\"");

	NOMATCH(fmt_syslog, "<34>1 - - - - -");
	NOMATCH(fmt_syslog, "<34>1 2003-10-11T22:14:15Z h a p m");
	NOMATCH(fmt_syslog, "<34>1 2003-10-11T22:14:15Z h a p m [x a=\"b]");
	NOMATCH(fmt_syslog, "<34>1 2003-10-11T22:14:15Z h a p m [x a=b] m");
	NOMATCH(fmt_syslog, "<34>1 2003-10-11T22:14:15Z h a p m [] m");
	NOMATCH(fmt_syslog, "<34>1 2003-10-11T22:14:15Z h a p m [x]m");
	NOMATCH(fmt_syslog, "<34>1 yesterday h a p m - m");
}

static void
test_syslog_5424_many(void **state)
{
	char line[4096];
	size_t n;
	int i;

	(void)state;
	/* more parameters than are taken apart: sd keeps the raw text */
	n = (size_t)snprintf(line, sizeof line, "<14>1 - h a - - [x");
	for (i = 0; i < 70; i++)
		n += (size_t)snprintf(line + n, sizeof line - n, " p%d=\"%d\"",
		                      i, i);
	snprintf(line + n, sizeof line - n, "] m");
	OK(fmt_syslog, line);
	assert_true(strncmp(fj("sd"), "\"[x p0=\\\"0\\\" p1=", 16) == 0);
	FIELD("msg", "\"m\"");
}

/* ---- postfix ------------------------------------------------------- */

static void
test_postfix_qmgr_smtp(void **state)
{
	(void)state;
	OK(fmt_postfix, "Oct 10 15:59:28 mail postfix/qmgr[18719]: "
	                "C6E0DDB74006: from=<test@example.com>, size=309891, "
	                "nrcpt=1 (queue active)");
	assert_string_equal(
	    record(),
	    "{\"ts\":\"2025-10-10T15:59:28Z\",\"host\":\"mail\","
	    "\"program\":\"postfix/qmgr\",\"pid\":18719,"
	    "\"queue_id\":\"C6E0DDB74006\",\"from\":\"test@example.com\","
	    "\"size\":309891,\"nrcpt\":1,\"msg\":\"C6E0DDB74006: "
	    "from=<test@example.com>, size=309891, nrcpt=1 (queue "
	    "active)\"}");

	OK(fmt_postfix,
	   "Oct 10 15:59:31 mail postfix/smtp[1417]: 6526CDB7400B: "
	   "to=<test@example.ccc>, relay=example.ccc[192.168.0.10]"
	   ":25, delay=0.1, delays=0.02/0/0.03/0.05, dsn=2.0.0, "
	   "status=sent (250 2.0.0 Ok: queued as 71111424269E)");
	FIELD("queue_id", "\"6526CDB7400B\"");
	FIELD("to", "\"test@example.ccc\"");
	FIELD("relay", "\"example.ccc[192.168.0.10]:25\"");
	FIELD("relay_host", "\"example.ccc\"");
	FIELD("relay_ip", "\"192.168.0.10\"");
	FIELD("relay_port", "25");
	FIELD("delay", "0.1");
	FIELD("delays", "\"0.02/0/0.03/0.05\"");
	FIELD("dsn", "\"2.0.0\"");
	FIELD("status", "\"sent\"");
	FIELD("reason", "\"250 2.0.0 Ok: queued as 71111424269E\"");
	FIELD("queued_as", "\"71111424269E\"");

	/* long queue ids, orig_to, a content-filter hop, IPv6 relay */
	OK(fmt_postfix, "2023-03-14T00:08:35.948047+01:00 helga "
	                "postfix/amavis/smtp[302609]: 4PbC4x469Jz3tBr: "
	                "to=<user01.test@uhu-banane.net>, "
	                "orig_to=<frank@brehm-berlin.de>, relay=aspmx.l.google"
	                ".com[2a00:1450:400c:c00::1a]:25, delay=2.4, "
	                "delays=0.29/0.02/0.01/2.1, dsn=2.0.0, status=sent "
	                "(250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 "
	                "2.0.0 Ok: queued as 4PbC4z6W5Qz3tG3)");
	FIELD("program", "\"postfix/amavis/smtp\"");
	FIELD("queue_id", "\"4PbC4x469Jz3tBr\"");
	FIELD("orig_to", "\"frank@brehm-berlin.de\"");
	FIELD("relay_host", "\"aspmx.l.google.com\"");
	FIELD("relay_ip", "\"2a00:1450:400c:c00::1a\"");
	FIELD("reason", "\"250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 "
	                "2.0.0 Ok: queued as 4PbC4z6W5Qz3tG3\"");
	FIELD("queued_as", "\"4PbC4z6W5Qz3tG3\"");

	/* bounced, with parentheses inside the reason */
	OK(fmt_postfix,
	   "Mar 16 02:27:29 helga postfix/smtp[505058]: "
	   "4PcV4K5FPLz3tBr: to=<u@x.com>, relay=none, delay=0.07, "
	   "delays=0.01/0.02/0.04/0, dsn=5.4.4, status=bounced "
	   "(host x[1.2.3.4] said: 550 no (in reply to RCPT TO "
	   "command))");
	FIELD("relay", "\"none\"");
	NOFIELD("relay_host");
	FIELD("status", "\"bounced\"");
	FIELD("reason", "\"host x[1.2.3.4] said: 550 no (in reply to RCPT TO "
	                "command)\"");
	NOFIELD("client_ip");

	/* LMTP over a socket: no address to split out */
	OK(fmt_postfix, "Oct 10 15:59:28 mail postfix/lmtp[1]: C6E0DDB74006: "
	                "to=<a@b>, relay=mail.b[private/dovecot-lmtp], "
	                "delay=0.1, status=sent (250 ok)");
	FIELD("relay", "\"mail.b[private/dovecot-lmtp]\"");
	NOFIELD("relay_host");
	NOFIELD("relay_ip");

	/* the null sender; local delivery that forwards */
	OK(fmt_postfix,
	   "Mar 16 02:27:29 helga postfix/qmgr[1]: 4PcV4K5tFpz3tG5: "
	   "from=<>, size=6002, nrcpt=1 (queue active)");
	FIELD("from", "\"\"");
	OK(fmt_postfix, "Mar 14 06:27:35 helga postfix/local[326895]: "
	                "4PbMVH1gW1z3tBr: to=<root@mail.uhu-banane.de>, "
	                "relay=local, delay=0.05, delays=0.01/0.03/0/0.01, "
	                "dsn=2.0.0, status=sent (forwarded as "
	                "4PbMVH1yTpz3tG3)");
	FIELD("forwarded_as", "\"4PbMVH1yTpz3tG3\"");
	NOFIELD("queued_as");

	/* qmgr's expiry has text after the status, not parentheses */
	OK(fmt_postfix, "Oct 10 15:59:28 mail postfix/qmgr[1]: C6E0DDB74006: "
	                "from=<a@b.c>, status=expired, returned to sender");
	FIELD("status", "\"expired\"");
	NOFIELD("reason");
}

static void
test_postfix_smtpd(void **state)
{
	(void)state;
	OK(fmt_postfix, "Oct 10 15:59:28 mail postfix/smtpd[1830]: connect "
	                "from example.com[127.0.0.1]");
	FIELD("event", "\"connect\"");
	FIELD("client", "\"example.com[127.0.0.1]\"");
	FIELD("client_host", "\"example.com\"");
	FIELD("client_ip", "\"127.0.0.1\"");
	NOFIELD("queue_id");

	OK(fmt_postfix, "2023-03-14T00:31:06.651444+01:00 helga "
	                "postfix/submission/smtpd[303987]: disconnect from "
	                "unknown[2a02:8109:b240:41c8:9264:99a9:1b0d:15c8] "
	                "ehlo=2 starttls=1 auth=1 quit=1 commands=8");
	FIELD("program", "\"postfix/submission/smtpd\"");
	FIELD("event", "\"disconnect\"");
	FIELD("client_host", "\"unknown\"");
	FIELD("client_ip", "\"2a02:8109:b240:41c8:9264:99a9:1b0d:15c8\"");
	NOFIELD("ehlo");

	OK(fmt_postfix,
	   "Oct 10 15:59:28 mail postfix/smtpd[1]: lost "
	   "connection after DATA (0 bytes) from x.example[192.0.2.9]");
	FIELD("event", "\"lost connection\"");
	FIELD("stage", "\"DATA\"");
	FIELD("client_ip", "\"192.0.2.9\"");

	OK(fmt_postfix, "2023-03-14T00:31:06.621091+01:00 helga "
	                "postfix/submission/smtpd[303987]: 4PbCZy4PWKz3tBr: "
	                "client=unknown[2a02:8109::15c8], sasl_method=PLAIN, "
	                "sasl_username=vmail@uhu-banane.net");
	FIELD("queue_id", "\"4PbCZy4PWKz3tBr\"");
	FIELD("client", "\"unknown[2a02:8109::15c8]\"");
	FIELD("client_ip", "\"2a02:8109::15c8\"");
	FIELD("sasl_method", "\"PLAIN\"");
	FIELD("sasl_username", "\"vmail@uhu-banane.net\"");

	OK(fmt_postfix, "Oct 10 15:59:28 mail postfix/cleanup[1894]: "
	                "C6E0DDB74006: message-id=<A40CF64D-7F2D@example.com>");
	FIELD("message_id", "\"A40CF64D-7F2D@example.com\"");

	OK(fmt_postfix, "2023-03-14T06:27:34.913959+01:00 helga "
	                "postfix/pickup[320974]: 4PbMVG6Tmjz3tG3: uid=0 "
	                "from=<root>");
	FIELD("uid", "0");
	FIELD("from", "\"root\"");

	OK(fmt_postfix, "2023-03-16T02:27:29.834732+01:00 helga "
	                "postfix/bounce[505059]: 4PcV4K5FPLz3tBr: sender "
	                "non-delivery notification: 4PcV4K5tFpz3tG5");
	FIELD("bounce_queue_id", "\"4PcV4K5tFpz3tG5\"");

	OK(fmt_postfix, "Oct 10 15:59:30 mail postfix/qmgr[18719]: "
	                "3D74ADB7400B: removed");
	FIELD("queue_id", "\"3D74ADB7400B\"");
	FIELD("event", "\"removed\"");
}

static void
test_postfix_rejects(void **state)
{
	(void)state;
	OK(fmt_postfix, "2024-08-25T12:31:56.154748+00:00 machine "
	                "postfix/smtpd[3887453]: NOQUEUE: reject: RCPT from "
	                "unknown[192.168.1.1]: 454 4.7.1 <spammer@domain.tld>: "
	                "Relay access denied; from=<spammer@domain.tld> "
	                "to=<victim@domain.tld> proto=ESMTP "
	                "helo=<WIN-CLJ1B0GQ6JP>");
	assert_string_equal(
	    record(),
	    "{\"ts\":\"2024-08-25T12:31:56.154748Z\",\"host\":\"machine\","
	    "\"program\":\"postfix/smtpd\",\"pid\":3887453,"
	    "\"queue_id\":\"NOQUEUE\",\"action\":\"reject\",\"stage\":\"RCPT\","
	    "\"client\":\"unknown[192.168.1.1]\",\"client_host\":\"unknown\","
	    "\"client_ip\":\"192.168.1.1\",\"code\":454,\"dsn\":\"4.7.1\","
	    "\"reason\":\"<spammer@domain.tld>: Relay access denied\","
	    "\"from\":\"spammer@domain.tld\",\"to\":\"victim@domain.tld\","
	    "\"proto\":\"ESMTP\",\"helo\":\"WIN-CLJ1B0GQ6JP\","
	    "\"msg\":\"NOQUEUE: reject: RCPT from unknown[192.168.1.1]: 454 "
	    "4.7.1 <spammer@domain.tld>: Relay access denied; "
	    "from=<spammer@domain.tld> to=<victim@domain.tld> proto=ESMTP "
	    "helo=<WIN-CLJ1B0GQ6JP>\"}");

	/* without the list */
	OK(fmt_postfix, "May 11 04:02:37 host1 postfix/smtpd[26897]: NOQUEUE: "
	                "reject: RCPT from unknown[192.168.1.1]: 554 5.7.1 "
	                "Service unavailable");
	FIELD("code", "554");
	FIELD("reason", "\"Service unavailable\"");
	NOFIELD("from");

	/* postscreen's, with a port and commas in the list */
	OK(fmt_postfix, "Oct 10 15:59:28 mx postfix/postscreen[1]: NOQUEUE: "
	                "reject: RCPT from [192.0.2.7]:4711: 550 5.7.1 Service "
	                "unavailable; client [192.0.2.7] blocked using "
	                "zen.spamhaus.org; from=<a@b.example>, "
	                "to=<c@d.example>, proto=ESMTP, helo=<x>");
	FIELD("client", "\"[192.0.2.7]:4711\"");
	NOFIELD("client_host");
	FIELD("client_port", "4711");
	FIELD("reason", "\"Service unavailable; client [192.0.2.7] blocked "
	                "using zen.spamhaus.org\"");
	FIELD("from", "\"a@b.example\"");
	FIELD("to", "\"c@d.example\"");
	FIELD("helo", "\"x\"");

	/* a milter: no SMTP code; the null sender */
	OK(fmt_postfix, "2021-02-19T14:32:14.976132+01:00 smtp01.example.org "
	                "postfix/cleanup[52106] E89FA2DEDA: milter-hold: "
	                "END-OF-MESSAGE from srv05.source.com[10.11.12.13]: "
	                "milter triggers HOLD action; from=<> "
	                "to=<this_user@this.domain.com> proto=ESMTP "
	                "helo=<this.domain.com>");
	FIELD("queue_id", "\"E89FA2DEDA\"");
	FIELD("action", "\"milter-hold\"");
	FIELD("stage", "\"END-OF-MESSAGE\"");
	NOFIELD("code");
	NOFIELD("dsn");
	FIELD("reason", "\"milter triggers HOLD action\"");
	FIELD("from", "\"\"");
	OK(fmt_postfix, "2021-02-06T10:57:58+01:00 mail.server.com "
	                "postfix/cleanup[59586]: D6DDA23B0F: milter-reject: "
	                "END-OF-MESSAGE from unknown[99.88.77.66]: 4.7.1 "
	                "Greylisting in action, try again later; "
	                "from=<u@example.com> to=<d@dest.com> proto=ESMTP "
	                "helo=<h>");
	FIELD("dsn", "\"4.7.1\"");
	FIELD("reason", "\"Greylisting in action, try again later\"");

	/* SASL failures */
	OK(fmt_postfix, "May  6 09:25:41 mail postfix/smtps/smtpd[16997]: "
	                "warning: unknown[203.0.113.10]: SASL LOGIN "
	                "authentication failed: (reason unavailable), "
	                "sasl_username=postmaster@example.org");
	FIELD("level", "\"warning\"");
	FIELD("client_ip", "\"203.0.113.10\"");
	FIELD("sasl_method", "\"LOGIN\"");
	FIELD("reason", "\"(reason unavailable)\"");
	FIELD("sasl_username", "\"postmaster@example.org\"");
	OK(fmt_postfix, "May 11 04:02:36 host1 postfix/smtpd[26897]: warning: "
	                "unknown[192.168.1.1]: SASL LOGIN authentication "
	                "failed: authentication failure");
	FIELD("reason", "\"authentication failure\"");
	NOFIELD("sasl_username");

	OK(fmt_postfix, "2025-02-27T07:14:47.545612+00:00 machine "
	                "postfix/submission/smtpd[479101]: warning: non-SMTP "
	                "command from not.stretchoid.com[192.168.1.1]: "
	                "\\001\\000\\000S");
	FIELD("level", "\"warning\"");
	FIELD("client_host", "\"not.stretchoid.com\"");
	NOFIELD("action");
}

static void
test_postfix_header_checks(void **state)
{
	(void)state;
	OK(fmt_postfix, "Oct 10 15:59:28 mx postfix/cleanup[1894]: "
	                "C6E0DDB74006: info: header Subject: Invoice from "
	                "billing [urgent] from mail.example.net[192.0.2.7]; "
	                "from=<a@example.net> to=<b@example.org> proto=ESMTP "
	                "helo=<mail.example.net>");
	FIELD("action", "\"info\"");
	FIELD("header", "\"Subject: Invoice from billing [urgent]\"");
	FIELD("subject", "\"Invoice from billing [urgent]\"");
	FIELD("client", "\"mail.example.net[192.0.2.7]\"");
	FIELD("client_ip", "\"192.0.2.7\"");
	FIELD("from", "\"a@example.net\"");
	FIELD("to", "\"b@example.org\"");
	FIELD("proto", "\"ESMTP\"");
	FIELD("helo", "\"mail.example.net\"");
	NOFIELD("reason");

	/* a reject with its text after the list; UTF-8 in the subject */
	OK(fmt_postfix, "Oct 10 15:59:28 mx postfix/cleanup[1]: C6E0DDB74006: "
	                "reject: header subject: f\xc3\xbcr Sie from "
	                "unknown[192.0.2.8]; from=<a@x> to=<b@y> proto=SMTP "
	                "helo=<z>: 5.7.1 no thanks");
	FIELD("action", "\"reject\"");
	FIELD("subject", "\"f\xc3\xbcr Sie\"");
	FIELD("reason", "\"5.7.1 no thanks\"");

	/* replace: the header holds " from " itself */
	OK(fmt_postfix,
	   "2021-12-03T06:27:33.965888+01:00 smtp01.example.org "
	   "postfix/cleanup[19657] B42E77AB32: replace: header "
	   "Received: from [172.18.0.2] (h [42.64.53.170])??by "
	   "smtp01 with ESMTPA id D89B from h.example[42.64.53.170]; "
	   "from=<y@s.com> to=<a@s.com> proto=ESMTP "
	   "helo=<[172.18.0.2]>: Received: from x");
	FIELD("action", "\"replace\"");
	FIELD("header", "\"Received: from [172.18.0.2] (h [42.64.53.170])??by "
	                "smtp01 with ESMTPA id D89B\"");
	NOFIELD("subject");
	FIELD("client", "\"h.example[42.64.53.170]\"");
	FIELD("helo", "\"[172.18.0.2]\"");
	FIELD("replacement", "\"Received: from x\"");

	/* body checks */
	OK(fmt_postfix, "Oct 10 15:59:28 mx postfix/cleanup[1]: C6E0DDB74006: "
	                "warning: body click here now from x[192.0.2.1]; "
	                "from=<a@x> to=<b@y> proto=ESMTP helo=<x>");
	FIELD("action", "\"warning\"");
	FIELD("body", "\"click here now\"");
	NOFIELD("level");

	/* mail submitted on the host: "from local;", no proto or helo */
	OK(fmt_postfix, "Oct 10 15:59:28 mx postfix/cleanup[1]: 3A1B20C7: "
	                "info: header Subject: Your receipt from local; "
	                "from=<www@mx.example> to=<u@example.org>");
	FIELD("action", "\"info\"");
	FIELD("header", "\"Subject: Your receipt\"");
	FIELD("header_name", "\"Subject\"");
	FIELD("header_value", "\"Your receipt\"");
	FIELD("subject", "\"Your receipt\"");
	FIELD("origin", "\"local\"");
	NOFIELD("client");
	FIELD("from", "\"www@mx.example\"");
	FIELD("to", "\"u@example.org\"");
	NOFIELD("proto");
	NOFIELD("reason");

	/* every action, with its text after the list */
	OK(fmt_postfix, "Oct 10 15:59:28 mx postfix/cleanup[1]: 3A1B20C7: "
	                "hold: header X-Spam: yes from unknown; from=<a@x>: "
	                "held");
	FIELD("action", "\"hold\"");
	FIELD("header_name", "\"X-Spam\"");
	FIELD("header_value", "\"yes\"");
	NOFIELD("subject");
	FIELD("origin", "\"unknown\"");
	FIELD("reason", "\"held\"");
	NOFIELD("to");

	/* a subject that holds what the list looks like: the last "from
	 * ORIGIN;" followed by a list ends the header */
	OK(fmt_postfix, "Oct 10 15:59:28 mx postfix/cleanup[1]: 3A1B20C7: "
	                "info: header Subject: hi from local; from=<evil@x> "
	                "to=<y@z> from local; from=<a@x> to=<b@y>");
	FIELD("subject", "\"hi from local; from=<evil@x> to=<y@z>\"");
	FIELD("from", "\"a@x\"");
	FIELD("to", "\"b@y\"");

	/* with a port; nothing after the origin at all */
	OK(fmt_postfix, "Oct 10 15:59:28 mx postfix/cleanup[1]: 3A1B20C7: "
	                "discard: body x from h[192.0.2.1]:4711; "
	                "from=<a@x> to=<b@y> proto=ESMTP helo=<h>");
	FIELD("client_port", "4711");
	FIELD("helo", "\"h\"");
	OK(fmt_postfix, "Oct 10 15:59:28 mx postfix/cleanup[1]: 3A1B20C7: "
	                "info: header Subject: s from local;");
	FIELD("subject", "\"s\"");
	FIELD("origin", "\"local\"");

	/* a milter's verdict on local mail */
	OK(fmt_postfix, "Oct 10 15:59:28 mx postfix/cleanup[1]: 3A1B20C7: "
	                "milter-reject: END-OF-MESSAGE from local: 5.7.1 no "
	                "DKIM; from=<a@x> to=<b@y>");
	FIELD("action", "\"milter-reject\"");
	FIELD("origin", "\"local\"");
	FIELD("dsn", "\"5.7.1\"");
	FIELD("reason", "\"no DKIM\"");
	FIELD("to", "\"b@y\"");

	/* not a check line: a word that is not an origin */
	OK(fmt_postfix, "Oct 10 15:59:28 mx postfix/cleanup[1]: 3A1B20C7: "
	                "info: header Subject: s from x; from=<a@x>");
	NOFIELD("action");
}

/* ---- sendmail ------------------------------------------------------ */

static void
test_sendmail(void **state)
{
	(void)state;
	OK(fmt_sendmail, "Jun  4 10:00:01 mx sm-mta[123]: 55HIbcGI002794: "
	                 "to=<a@b.example>, ctladdr=<root@x> (0/0), "
	                 "delay=00:00:01, xdelay=00:00:01, mailer=esmtp, "
	                 "pri=120422, relay=mx.b.example. [192.0.2.7], "
	                 "dsn=2.0.0, stat=Sent (55HIbcGI002794 Message "
	                 "accepted for delivery)");
	FIELD("program", "\"sm-mta\"");
	FIELD("queue_id", "\"55HIbcGI002794\"");
	FIELD("to", "\"a@b.example\"");
	FIELD("ctladdr", "\"<root@x> (0/0)\"");
	FIELD("delay", "\"00:00:01\"");
	FIELD("xdelay", "\"00:00:01\"");
	FIELD("mailer", "\"esmtp\"");
	FIELD("pri", "120422");
	FIELD("relay_host", "\"mx.b.example.\"");
	FIELD("relay_ip", "\"192.0.2.7\"");
	FIELD("dsn", "\"2.0.0\"");
	FIELD("stat", "\"Sent (55HIbcGI002794 Message accepted for "
	              "delivery)\"");
	FIELD("reason", "\"55HIbcGI002794 Message accepted for delivery\"");

	/* several recipients stay one value; msgid loses its brackets */
	OK(fmt_sendmail, "Jun  4 10:00:01 mx sendmail[1]: 55HIbcGI002795: "
	                 "from=<u@x>, size=1024, class=0, nrcpts=2, "
	                 "msgid=<20260604.1@x>, proto=ESMTP, daemon=MTA, "
	                 "relay=localhost [127.0.0.1]");
	FIELD("size", "1024");
	FIELD("nrcpts", "2");
	FIELD("msgid", "\"20260604.1@x\"");
	OK(fmt_sendmail, "Jun  4 10:00:01 mx sendmail[1]: 55HIbcGI002795: "
	                 "to=<a@x>,<b@y>, delay=00:00:00, stat=Deferred: "
	                 "Connection refused by mx.y");
	FIELD("to", "\"<a@x>,<b@y>\"");
	FIELD("stat", "\"Deferred: Connection refused by mx.y\"");
	NOFIELD("reason");

	/* ruleset rejects, with and without a queue id */
	OK(fmt_sendmail,
	   "Feb 24 01:46:44 p sm-mta[24422]: ruleset=check_relay, "
	   "arg1=h.example, arg2=217.21.54.82, relay=h.example "
	   "[217.21.54.82], reject=421 4.3.2 Connection rate "
	   "limit exceeded.");
	NOFIELD("queue_id");
	FIELD("ruleset", "\"check_relay\"");
	FIELD("arg2", "\"217.21.54.82\"");
	FIELD("reject", "\"421 4.3.2 Connection rate limit exceeded.\"");

	/* other programs and free text: plain syslog fields */
	OK(fmt_sendmail, "Jun  4 10:00:01 mx sm-mta[1]: s1R9r60D044307: "
	                 "rejecting commands from [209.15.212.253]");
	FIELD("queue_id", "\"s1R9r60D044307\"");
	NOFIELD("relay");
	OK(fmt_sendmail, "Jun  4 10:00:01 mx dovecot: from=<x>, size=1");
	NOFIELD("from");

	/* a key of the list cannot stand in for the message */
	OK(fmt_sendmail, "Jun  4 10:00:01 mx sm-mta[1]: 55HIbcGI002794: "
	                 "msg=hi, size=1");
	FIELD("msg", "\"55HIbcGI002794: msg=hi, size=1\"");
	FIELD("size", "1");
}

static void
test_postfix_postscreen(void **state)
{
	static const char junk[] =
	    "2023-03-14T18:46:51.476754+01:00 helga postfix/postscreen[31]: "
	    "COMMAND PIPELINING from [43.135.123.64]:60542 after "
	    "o\xc9\x89\xff\xfe\xc0: \\260Z";

	(void)state;
	OK(fmt_postfix, "2023-03-14T00:00:31.292246+01:00 helga "
	                "postfix/postscreen[3163107]: PASS OLD "
	                "[185.48.118.128]:36942");
	FIELD("event", "\"PASS OLD\"");
	FIELD("client", "\"[185.48.118.128]:36942\"");
	FIELD("client_ip", "\"185.48.118.128\"");
	FIELD("client_port", "36942");

	OK(fmt_postfix, "Oct 25 04:24:59 test postfix/postscreen[22244]: "
	                "PREGREET 16 after 2.6 from [177.154.236.182]:41323: "
	                "EHLO 127.0.0.1\\r\\n");
	FIELD("event", "\"PREGREET\"");
	FIELD("client_ip", "\"177.154.236.182\"");

	OK(fmt_postfix, "2023-03-14T00:00:31.185246+01:00 helga "
	                "postfix/postscreen[3163107]: CONNECT from "
	                "[185.48.118.128]:36942 to [188.34.187.246]:25");
	FIELD("event", "\"CONNECT\"");
	FIELD("client_port", "36942");

	/* raw bytes from a client's garbage: the line still parses and
	 * keeps them */
	OK(fmt_postfix, junk);
	FIELD("event", "\"COMMAND PIPELINING\"");
	FIELD("client_ip", "\"43.135.123.64\"");
	FIELD("msg", "\"COMMAND PIPELINING from [43.135.123.64]:60542 after "
	             "o\xc9\x89\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd: "
	             "\\\\260Z\"");
}

static void
test_postfix_other_programs(void **state)
{
	(void)state;
	/* amavis and dovecot in a mail log: plain syslog records */
	OK(fmt_postfix, "2023-03-14T00:08:35.940347+01:00 helga "
	                "amavis[237978]: (237978-11) Passed CLEAN "
	                "{RelayedInbound}, [185.31.160.120]:41695 "
	                "<a@b.cz> -> <c@d.net>, Queue-ID: 4PbC4x469Jz3tBr, "
	                "size: 10005");
	FIELD("program", "\"amavis\"");
	FIELD("pid", "237978");
	NOFIELD("queue_id");
	NOFIELD("client_ip");
	NOFIELD("size");
	FIELD("msg", "\"(237978-11) Passed CLEAN {RelayedInbound}, "
	             "[185.31.160.120]:41695 <a@b.cz> -> <c@d.net>, Queue-ID: "
	             "4PbC4x469Jz3tBr, size: 10005\"");
	OK(fmt_postfix, "Oct 10 15:59:28 mail dovecot: imap-login: Login: "
	                "user=<x@y>, method=PLAIN, rip=192.0.2.1");
	FIELD("program", "\"dovecot\"");
	NOFIELD("user");
	NOFIELD("method");

	/* renamed Postfix instances */
	OK(fmt_postfix, "Oct 10 15:59:28 mail postfix-out/smtp[1]: "
	                "C6E0DDB74006: to=<a@b>, status=sent (ok)");
	FIELD("status", "\"sent\"");
	OK(fmt_postfix, "Oct 10 15:59:28 mail mail/smtpd[1]: connect from "
	                "x[192.0.2.1]");
	FIELD("event", "\"connect\"");
	OK(fmt_postfix, "Oct 10 15:59:28 mail mail/imapd[1]: connect from "
	                "x[192.0.2.1]");
	NOFIELD("event");

	/* sendmail is not Postfix */
	OK(fmt_postfix, "Feb 24 05:07:40 petermurray sm-mta[716]: "
	                "s1O57c6H000716: ruleset=check_rcpt, arg1=<a@b.pt>, "
	                "relay=x [202.53.73.138] (may be forged), reject=553");
	FIELD("program", "\"sm-mta\"");
	NOFIELD("relay");

	/* anvil's statistics and the like: only the syslog fields */
	OK(fmt_postfix, "2023-03-14T00:06:33.303259+01:00 helga "
	                "postfix/anvil[3163161]: statistics: max connection "
	                "rate 1/60s for (smtpd:185.48.118.128) at Mar 13 "
	                "23:57:31");
	NOFIELD("queue_id");
	NOFIELD("level");
	NOFIELD("action");

	NOMATCH(fmt_postfix, "021-02-06T10:57:57+01:00 mail.server.com "
	                     "postfix/smtpd[59633]: D6DDA23B0F: client=x");
	NOMATCH(fmt_postfix, "2022-06-29 16:04:19 login authenticator failed");
}

/* ---- exim ---------------------------------------------------------- */

static void
test_exim_arrival(void **state)
{
	(void)state;
	OK(fmt_exim, "1999-03-02 09:44:33 10HmaX-000000005vi-0000 <= "
	             "CALLER@test.ex U=CALLER P=local S=sss for userx@simple");
	assert_string_equal(
	    record(),
	    "{\"ts\":\"1999-03-02T09:44:33Z\","
	    "\"queue_id\":\"10HmaX-000000005vi-0000\",\"flag\":\"<=\","
	    "\"event\":\"arrival\",\"from\":\"CALLER@test.ex\","
	    "\"user\":\"CALLER\",\"proto\":\"local\",\"size\":\"sss\","
	    "\"recipients\":\"userx@simple\",\"msg\":\"10HmaX-000000005vi-0000 "
	    "<= CALLER@test.ex U=CALLER P=local S=sss for userx@simple\"}");

	/* old 16-character ids, H= with helo and port, quoted subject */
	OK(fmt_exim, "2022-06-29 16:04:19 1o6Vx3-0004aB-Qz <= a@example.com "
	             "H=mail.example.com (helo.example.com) [192.0.2.1]:41234 "
	             "I=[192.0.2.9]:25 P=esmtps X=TLS1.3:TLS_AES_256_GCM_SHA384"
	             ":256 CV=no S=2140 id=abc@example.com T=\"Hello "
	             "\\\"world\\\" \\\\o/\" for b@example.org c@example.org");
	FIELD("queue_id", "\"1o6Vx3-0004aB-Qz\"");
	FIELD("client_host", "\"mail.example.com\"");
	FIELD("helo", "\"helo.example.com\"");
	FIELD("client_ip", "\"192.0.2.1\"");
	FIELD("client_port", "41234");
	FIELD("interface", "\"[192.0.2.9]:25\"");
	FIELD("proto", "\"esmtps\"");
	FIELD("tls", "\"TLS1.3:TLS_AES_256_GCM_SHA384:256\"");
	FIELD("tls_cert_verified", "\"no\"");
	FIELD("size", "2140");
	FIELD("message_id", "\"abc@example.com\"");
	FIELD("subject", "\"Hello \\\"world\\\" \\\\o/\"");
	FIELD("recipients", "\"b@example.org c@example.org\"");
	NOFIELD("relay_ip");

	/* a bounce message arriving */
	OK(fmt_exim, "1999-03-02 09:44:33 10HmbB-000000005vi-0000 <= <> "
	             "R=10HmaZ-000000005vi-0000 U=EXIMUSER P=local S=sss");
	FIELD("from", "\"\"");
	FIELD("bounce_of", "\"10HmaZ-000000005vi-0000\"");
	NOFIELD("router");
}

static void
test_exim_delivery(void **state)
{
	(void)state;
	OK(fmt_exim, "1999-03-02 09:44:33 10HmaX-000000005vi-0000 => "
	             "usery@test.ex R=r0 T=t1 H=127.0.0.1 [127.0.0.1]:PORT_S* "
	             "PRDR C=\"250 first rcpt was good\\\\n250 OK, overall\"");
	FIELD("flag", "\"=>\"");
	FIELD("event", "\"delivery\"");
	FIELD("to", "\"usery@test.ex\"");
	FIELD("router", "\"r0\"");
	FIELD("transport", "\"t1\"");
	FIELD("relay_host", "\"127.0.0.1\"");
	FIELD("relay_ip", "\"127.0.0.1\"");
	FIELD("relay_port", "\"PORT_S\"");
	/* \\n in the log is a backslash and an n */
	FIELD("confirmation", "\"250 first rcpt was good\\\\n250 OK, "
	                      "overall\"");
	NOFIELD("client_ip");

	OK(fmt_exim, "1999-03-02 09:44:33 10HmaX-000000005vi-0000 -> "
	             "userz@test.ex R=r0 T=t1 H=h [127.0.0.1] C=\"a\\nb\\tc"
	             "\\101\"");
	FIELD("flag", "\"->\"");
	FIELD("confirmation", "\"a\\nb\\tcA\"");

	/* routed addresses: the original and the parent */
	OK(fmt_exim, "1999-03-02 09:44:33 10HmaY-000000005vi-0000 => CALLER "
	             "<CALLER@myhost.test.ex> R=real T=real");
	FIELD("to", "\"CALLER\"");
	FIELD("orig_to", "\"CALLER@myhost.test.ex\"");
	OK(fmt_exim, "1999-03-02 09:44:33 10HmaY-000000005vi-0000 => "
	             "/var/mail/x (x@a.example) <list@a.example> R=r T=t");
	FIELD("to", "\"/var/mail/x\"");
	FIELD("parent", "\"x@a.example\"");
	FIELD("orig_to", "\"list@a.example\"");
	OK(fmt_exim, "1999-03-02 09:44:33 10HmaY-000000005vi-0000 => "
	             ":blackhole: <CALLER@test.ex> R=dump_bounce");
	FIELD("to", "\":blackhole:\"");
	NOFIELD("error");

	/* TLS details, DN quoted */
	OK(fmt_exim, "1999-03-02 09:44:33 10HmaY-000000005vi-0000 => u@t.ex "
	             "R=client_y T=send H=127.0.0.1 [127.0.0.1] X=TLS1.x:ke-RSA"
	             ":xxx CV=yes DN=\"CN=server1.example.com\" C=\"250 OK "
	             "id=10HmbF-000000005vi-0000\"");
	FIELD("tls_peerdn", "\"CN=server1.example.com\"");
	FIELD("confirmation", "\"250 OK id=10HmbF-000000005vi-0000\"");
	NOFIELD("message_id");

	OK(fmt_exim, "1999-03-02 09:44:33 10HmaY-000000005vi-0000 Completed");
	FIELD("event", "\"completed\"");
	NOFIELD("flag");
	OK(fmt_exim, "1999-03-02 09:44:33 10HmbA-000000005vi-0000 Frozen "
	             "(delivery error message)");
	FIELD("event", "\"frozen\"");
	OK(fmt_exim, "1999-03-02 09:44:33 10HmbA-000000005vi-0000 removed by "
	             "CALLER");
	FIELD("event", "\"removed\"");
}

static void
test_exim_failures(void **state)
{
	(void)state;
	OK(fmt_exim, "1999-03-02 09:44:33 10HmaZ-000000005vi-0000 ** "
	             "userz@domain.com R=all T=smtp H=127.0.0.1 [127.0.0.1]"
	             ":PORT_S I=[127.0.0.1]:10001 : SMTP error from remote "
	             "mail server after RCPT TO:<userz@domain.com>: 550 "
	             "Recipient refused");
	FIELD("event", "\"bounce\"");
	FIELD("to", "\"userz@domain.com\"");
	FIELD("interface", "\"[127.0.0.1]:10001\"");
	FIELD("error", "\"SMTP error from remote mail server after RCPT "
	               "TO:<userz@domain.com>: 550 Recipient refused\"");

	OK(fmt_exim, "2017-07-30 18:51:05.712 10HmaZ-000000005vi-0000 ** "
	             "x2@thishost.test.ex: retry timeout exceeded");
	FIELD("ts", "\"2017-07-30T18:51:05.712Z\"");
	FIELD("to", "\"x2@thishost.test.ex\"");
	FIELD("error", "\"retry timeout exceeded\"");

	OK(fmt_exim,
	   "1999-03-02 09:44:33 10HmaX-000000005vi-0000 == "
	   "userx@simple R=all T=smtp defer (dd): Connection refused");
	FIELD("event", "\"defer\"");
	FIELD("errno", "\"dd\"");
	FIELD("error", "\"Connection refused\"");

	OK(fmt_exim,
	   "1999-03-02 09:44:33 10HmaX-000000005vi-0000 == "
	   "d2@x.ex R=ut4 T=ut4 defer (-44) H=127.0.0.1 [127.0.0.1]: "
	   "SMTP error from remote mail server after RCPT TO:<d2@x.ex>: "
	   "450 soft error");
	FIELD("errno", "-44");
	FIELD("relay_ip", "\"127.0.0.1\"");
	FIELD("error", "\"SMTP error from remote mail server after RCPT "
	               "TO:<d2@x.ex>: 450 soft error\"");

	OK(fmt_exim, "1999-03-02 09:44:33 10HmaZ-000000005vi-0000 == "
	             "userz@test.ex routing defer (-52): retry time not "
	             "reached");
	FIELD("errno", "-52");
	FIELD("error", "\"retry time not reached\"");
	NOFIELD("router");

	/* an id line without a flag: H= is the server tried */
	OK(fmt_exim, "1999-03-02 09:44:33 10HmaZ-000000005vi-0000 H=127.0.0.1 "
	             "[127.0.0.1]:10002: SMTP error from remote mail server "
	             "after MAIL FROM:<>: 450 not right now, sorry");
	FIELD("relay_port", "10002");
	FIELD("error", "\"SMTP error from remote mail server after MAIL "
	               "FROM:<>: 450 not right now, sorry\"");
	/* ... but an ACL's verdict on a message being received names the
	 * client */
	OK(fmt_exim, "2022-06-29 16:04:19 1o6Vx3-0004aB-Qz H=(helo) "
	             "[192.0.2.1]:1234 F=<a@b.example> rejected after DATA: "
	             "spam score too high");
	FIELD("helo", "\"helo\"");
	FIELD("client_ip", "\"192.0.2.1\"");
	NOFIELD("relay_ip");
	FIELD("from", "\"a@b.example\"");
	FIELD("action", "\"reject\"");
	FIELD("stage", "\"DATA\"");
	FIELD("reason", "\"spam score too high\"");
	OK(fmt_exim, "1999-03-02 09:44:33 10HmaZ-000000005vi-0000 "
	             "userz@domain.com: error ignored");
	NOFIELD("error");
	NOFIELD("to");
	FIELD("msg", "\"10HmaZ-000000005vi-0000 userz@domain.com: error "
	             "ignored\"");
}

static void
test_exim_no_id(void **state)
{
	(void)state;
	OK(fmt_exim, "1999-03-02 09:44:33 Start queue run: pid=p1234 -qqf");
	assert_string_equal(record(), "{\"ts\":\"1999-03-02T09:44:33Z\","
	                              "\"msg\":\"Start queue run: pid=p1234 "
	                              "-qqf\"}");
	OK(fmt_exim, "2017-07-30 18:51:05.712 exim x.yz daemon started: "
	             "pid=p1234, no queue runs, listening for SMTP on port 25");
	NOFIELD("queue_id");
	FIELD("msg", "\"exim x.yz daemon started: pid=p1234, no queue runs, "
	             "listening for SMTP on port 25\"");

	OK(fmt_exim, "2022-06-29 15:33:46 H=test.com [1.2.3.4]:53343 "
	             "F=<info@test.com> rejected RCPT <toto@toto.com>: "
	             "\"JunkMail rejected - test.com [1.2.3.4]:53343 is in an "
	             "RBL\"");
	FIELD("client_host", "\"test.com\"");
	FIELD("client_ip", "\"1.2.3.4\"");
	FIELD("client_port", "53343");
	FIELD("from", "\"info@test.com\"");
	FIELD("action", "\"reject\"");
	FIELD("stage", "\"RCPT\"");
	FIELD("to", "\"toto@toto.com\"");
	FIELD("reason", "\"JunkMail rejected - test.com [1.2.3.4]:53343 is in "
	                "an RBL\"");

	OK(fmt_exim, "2022-06-29 14:33:43 H=test.sa.com [1.2.3.4]:18146 "
	             "temporarily rejected connection in \"connect\" ACL: "
	             "\"Host is ratelimited (1.9/1h max:1.2)\"");
	FIELD("action", "\"defer\"");
	NOFIELD("stage");
	FIELD("reason", "\"Host is ratelimited (1.9/1h max:1.2)\"");

	OK(fmt_exim,
	   "2022-06-29 16:07:05 dovecot_login authenticator failed "
	   "for ppp-1-2-3-4.test.co.th ([127.0.0.1]) [1.2.3.4]:51451: "
	   "535 Incorrect authentication data (set_id=info@test.com)");
	FIELD("authenticator", "\"dovecot_login\"");
	FIELD("client_host", "\"ppp-1-2-3-4.test.co.th\"");
	FIELD("helo", "\"[127.0.0.1]\"");
	FIELD("client_ip", "\"1.2.3.4\"");
	FIELD("code", "535");
	FIELD("reason", "\"Incorrect authentication data\"");
	FIELD("set_id", "\"info@test.com\"");

	OK(fmt_exim, "2023-05-30 06:10:14 login authenticator failed for "
	             "no-port.example.org [192.0.2.13]: 535 Incorrect "
	             "authentication data (set_id=user)");
	NOFIELD("client_port");
	FIELD("set_id", "\"user\"");
}

static void
test_exim_stamps(void **state)
{
	(void)state;
	OK(fmt_exim, "2023-05-30 06:10:13.345 login authenticator failed for "
	             "millis.example.org [192.0.2.12]:5432: 535 x");
	FIELD("ts", "\"2023-05-30T06:10:13.345Z\"");
	OK(fmt_exim, "2022-06-29 16:04:19 +0100 [4321] 1o6Vx3-0004aB-Qz "
	             "Completed");
	FIELD("ts", "\"2022-06-29T15:04:19Z\"");
	FIELD("pid", "4321");
	FIELD("queue_id", "\"1o6Vx3-0004aB-Qz\"");
	FIELD("msg", "\"1o6Vx3-0004aB-Qz Completed\"");

	NOMATCH(fmt_exim, "2022-13-29 16:04:19 x");
	NOMATCH(fmt_exim, "2022-06-29 16:04:19x");
	NOMATCH(fmt_exim, "not a log line");
	assert_int_equal(run(fmt_exim, "  Envelope-from: <a@b>"), FMT_CONT);
}

static void
test_exim_syslog(void **state)
{
	(void)state;
	OK(fmt_exim, "Jun 29 15:33:46 server exim[1234]: H=test.com "
	             "[1.2.3.4]:53343 F=<info@test.com> rejected RCPT "
	             "<toto@toto.com>: No Such User Here");
	FIELD("ts", "\"2025-06-29T15:33:46Z\"");
	FIELD("host", "\"server\"");
	FIELD("program", "\"exim\"");
	FIELD("pid", "1234");
	FIELD("client_ip", "\"1.2.3.4\"");
	FIELD("action", "\"reject\"");
	FIELD("reason", "\"No Such User Here\"");
	OK(fmt_exim, "Jun 29 15:33:46 server exim4[1234]: 1o6Vx3-0004aB-Qz "
	             "=> a@b.example R=dnslookup T=remote_smtp H=mx.b.example "
	             "[192.0.2.5] C=\"250 ok\"");
	FIELD("program", "\"exim4\"");
	FIELD("queue_id", "\"1o6Vx3-0004aB-Qz\"");
	FIELD("relay_host", "\"mx.b.example\"");
	/* another program: a syslog record */
	OK(fmt_exim, "May 11 04:02:37 host1 postfix/smtpd[26897]: NOQUEUE: "
	             "reject: RCPT from unknown[192.168.1.1]: 554 5.7.1 x");
	FIELD("program", "\"postfix/smtpd\"");
	NOFIELD("action");
	NOFIELD("queue_id");
}

/* ---- clf / combined ------------------------------------------------ */

static void
test_clf(void **state)
{
	(void)state;
	OK(fmt_clf, "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET "
	            "/apache_pb.gif HTTP/1.0\" 200 2326");
	assert_string_equal(record(),
	                    "{\"ts\":\"2000-10-10T20:55:36Z\",\"host\":"
	                    "\"127.0.0.1\",\"user\":\"frank\",\"method\":"
	                    "\"GET\",\"path\":\"/apache_pb.gif\",\"protocol\":"
	                    "\"HTTP/1.0\",\"status\":200,\"size\":2326}");
	OK(fmt_clf,
	   "2001:db8::1 ident - [10/Oct/2000:13:55:36 +0000] \"GET /\" "
	   "304 -");
	FIELD("host", "\"2001:db8::1\"");
	FIELD("ident", "\"ident\"");
	NOFIELD("user");
	FIELD("path", "\"/\"");
	NOFIELD("protocol");
	FIELD("size", "0");
	OK(fmt_clf, "10.0.0.1 - john smith [10/Oct/2000:13:55:36 +0000] \"GET "
	            "/x?a=1&b=%20 HTTP/1.1\" 404 0");
	FIELD("user", "\"john smith\"");
	FIELD("path", "\"/x?a=1&b=%20\"");
	/* JSON numbers have no leading zeros; neither do reply codes. */
	OK(fmt_postfix, "2024-08-25T12:31:56+00:00 machine postfix/smtpd[1]: "
	                "NOQUEUE: reject: RCPT from unknown[192.168.1.1]: "
	                "054 4.7.1 <a@b.c>: denied; from=<a@b.c> to=<d@e.f> "
	                "proto=ESMTP helo=<x>");
	FIELD("code", "54");
	OK(fmt_exim, "2022-06-29 16:04:19 dovecot_login authenticator failed "
	             "for ([1.2.3.5]) [1.2.3.4]:55379: 005 Incorrect "
	             "authentication data (set_id=abuse@test.com)");
	FIELD("code", "5");
	OK(fmt_clf, "10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] \"GET / "
	            "HTTP/1.1\" 000 0042");
	FIELD("status", "0");
	FIELD("size", "42");
	OK(fmt_clf, "10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] \"GET / "
	            "HTTP/1.1\" 099 000");
	FIELD("status", "99");
	FIELD("size", "0");
	NOMATCH(fmt_clf, "127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET / "
	                 "HTTP/1.0\" 200 2326 \"-\" \"curl/8\"");
	assert_non_null(strstr(ctx.why.p, "combined"));
	NOMATCH(fmt_clf, "127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET / "
	                 "HTTP/1.0\" 200");
	NOMATCH(fmt_clf, "127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET / "
	                 "HTTP/1.0\" 2000 1");
	NOMATCH(fmt_clf, "127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET / "
	                 "HTTP/1.0\" 200 1x");
	NOMATCH(fmt_clf, "127.0.0.1 - - [10/Okt/2000:13:55:36 -0700] \"GET / "
	                 "HTTP/1.0\" 200 1");
	NOMATCH(fmt_clf, "127.0.0.1 - - 10/Oct/2000:13:55:36 \"GET /\" 200 1");
	NOMATCH(fmt_clf, "");
}

static void
test_combined(void **state)
{
	(void)state;
	OK(fmt_combined, "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET "
	                 "/apache_pb.gif HTTP/1.0\" 200 2326 "
	                 "\"http://www.example.com/start.html\" \"Mozilla/4.08 "
	                 "[en] (Win98; I ;Nav)\"");
	FIELD("referer", "\"http://www.example.com/start.html\"");
	FIELD("user_agent", "\"Mozilla/4.08 [en] (Win98; I ;Nav)\"");

	/* escaped quotes in the request and the user agent, \xHH bytes */
	OK(fmt_combined, "192.0.2.1 - - [10/Oct/2000:13:55:36 +0000] \"GET "
	                 "/a\\\"b HTTP/1.1\" 200 5 \"-\" \"say \\\"hi\\\" "
	                 "\\xe2\\x80\\x94 \\\\x\"");
	FIELD("path", "\"/a\\\"b\"");
	NOFIELD("referer");
	FIELD("user_agent", "\"say \\\"hi\\\" \xe2\x80\x94 \\\\x\"");

	/* a quote nginx did not escape inside the user agent */
	OK(fmt_combined, "192.0.2.1 - - [10/Oct/2000:13:55:36 +0000] \"GET / "
	                 "HTTP/1.1\" 200 5 \"-\" \"bad \"agent\"\"");
	FIELD("user_agent", "\"bad \\\"agent\\\"\"");

	/* TLS bytes sent to a plain-text port: no method */
	OK(fmt_combined, "192.0.2.1 - - [10/Oct/2000:13:55:36 +0000] "
	                 "\"\\x16\\x03\\x01\\x00\\xa5\" 400 157 \"-\" \"-\"");
	FIELD("request", "\"\\u0016\\u0003\\u0001\\u0000\xef\xbf\xbd\"");
	NOFIELD("method");
	NOFIELD("user_agent");
	OK(fmt_combined, "192.0.2.1 - - [10/Oct/2000:13:55:36 +0000] \"-\" "
	                 "408 0 \"-\" \"-\"");
	FIELD("request", "\"-\"");

	/* a CLF line is fine too */
	OK(fmt_combined, "192.0.2.1 - - [10/Oct/2000:13:55:36 +0000] \"GET / "
	                 "HTTP/1.1\" 200 5");
	NOFIELD("user_agent");
	NOMATCH(fmt_combined, "192.0.2.1 - - [10/Oct/2000:13:55:36 +0000] "
	                      "\"GET / HTTP/1.1\" 200 5 \"-\" \"ua\" 1234");
	NOMATCH(fmt_combined, "192.0.2.1 - - [10/Oct/2000:13:55:36 +0000] "
	                      "\"GET / HTTP/1.1\" 200 5 \"-\"");
	NOMATCH(fmt_combined, "192.0.2.1 - - [10/Oct/2000:13:55:36 +0000] "
	                      "\"GET / HTTP/1.1\" 200 5 -");
}

/* ---- helpers and storage ------------------------------------------- */

static void
test_numbers(void **state)
{
	static const char *const yes[] = {"0",   "-0",        "12",
	                                  "1.5", "-3.25e+10", "1E5"};
	static const char *const no[] = {"",   "-",  "01",   "1.",  ".5",
	                                 "1e", "+1", "0x10", "sss", "1 "};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof yes / sizeof yes[0]; i++)
		assert_true(json_number_ok(yes[i], strlen(yes[i])));
	for (i = 0; i < sizeof no / sizeof no[0]; i++)
		assert_false(json_number_ok(no[i], strlen(no[i])));
}

static void
test_hostaddr(void **state)
{
	static const char a1[] = "mx.example.com[192.0.2.1]:25, rest";
	static const char a2[] = "[2001:db8::1]:PORT_D";
	static const char a3[] = "nohost 1.2.3.4";
	hostaddr_t a;
	const char *e;

	(void)state;
	e = fmt_hostaddr(a1, a1 + sizeof a1 - 1, &a);
	assert_ptr_equal(e, a1 + 28);
	assert_int_equal(a.host.n, 14);
	assert_memory_equal(a.ip.p, "192.0.2.1", 9);
	assert_memory_equal(a.port.p, "25", 2);
	e = fmt_hostaddr(a2, a2 + sizeof a2 - 1, &a);
	assert_ptr_equal(e, a2 + sizeof a2 - 1);
	assert_null(a.host.p);
	assert_int_equal(a.port.n, 6);
	assert_null(fmt_hostaddr(a3, a3 + sizeof a3 - 1, &a));
}

/* Parsing reuses the caller's storage: after the first lines, more lines
 * of the same shape do not grow it. */
/* A record never holds a key twice: the first value stays, and the
 * message keeps the rest. */
static void
test_repeated_keys(void **state)
{
	(void)state;
	OK(fmt_postfix, "Oct 10 15:59:29 mail postfix/smtp[2020]: "
	                "C6E0DDB74006: to=<a@example.com>, delay=1.2, "
	                "delay=2.2, host=mx, dsn=2.0.0, status=sent (ok)");
	FIELD("delay", "1.2");
	FIELD("host", "\"mail\"");
	assert_null(strstr(record(), "\"delay\":2.2"));
	assert_non_null(strstr(record(), "delay=2.2"));
	OK(fmt_exim, "1999-03-02 09:44:33 10HmbD-0005vi-00 <= <> "
	             "R=10HmbA-0005vi-00 R=10HmbB-0005vi-00 S=1");
	FIELD("bounce_of", "\"10HmbA-0005vi-00\"");
	assert_null(strstr(record(), "\"10HmbB-0005vi-00\""));
	fields_reset(&fs);
	fields_addz(&fs, "a", "1");
	fields_addz(&fs, "a", "2");
	fields_add_time(&fs, "a", &(tstamp_t){0, 0, 0});
	assert_string_equal(record(), "{\"a\":\"1\"}");
}

static void
test_storage_reused(void **state)
{
	static const char line[] =
	    "Oct 10 15:59:31 mail postfix/smtp[1417]: 6526CDB7400B: "
	    "to=<test@example.ccc>, relay=example.ccc[192.168.0.10]:25, "
	    "delay=0.1, delays=0.02/0/0.03/0.05, dsn=2.0.0, status=sent "
	    "(250 2.0.0 Ok: queued as 71111424269E)";
	size_t fcap, scap;
	const char *p0;
	int i;

	(void)state;
	OK(fmt_postfix, line);
	fcap = fs.cap;
	scap = fs.store.cap;
	p0 = fs.store.p;
	for (i = 0; i < 1000; i++)
		OK(fmt_postfix, line);
	assert_int_equal(fs.cap, fcap);
	assert_int_equal(fs.store.cap, scap);
	assert_ptr_equal(fs.store.p, p0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_syslog_bsd),
	    cmocka_unit_test(test_syslog_year),
	    cmocka_unit_test(test_syslog_tags),
	    cmocka_unit_test(test_syslog_pri),
	    cmocka_unit_test(test_syslog_months),
	    cmocka_unit_test(test_syslog_bad),
	    cmocka_unit_test(test_syslog_continuation),
	    cmocka_unit_test(test_syslog_bytes),
	    cmocka_unit_test(test_syslog_5424),
	    cmocka_unit_test(test_syslog_5424_many),
	    cmocka_unit_test(test_postfix_qmgr_smtp),
	    cmocka_unit_test(test_postfix_smtpd),
	    cmocka_unit_test(test_postfix_rejects),
	    cmocka_unit_test(test_postfix_header_checks),
	    cmocka_unit_test(test_postfix_postscreen),
	    cmocka_unit_test(test_postfix_other_programs),
	    cmocka_unit_test(test_sendmail),
	    cmocka_unit_test(test_exim_arrival),
	    cmocka_unit_test(test_exim_delivery),
	    cmocka_unit_test(test_exim_failures),
	    cmocka_unit_test(test_exim_no_id),
	    cmocka_unit_test(test_exim_stamps),
	    cmocka_unit_test(test_exim_syslog),
	    cmocka_unit_test(test_clf),
	    cmocka_unit_test(test_combined),
	    cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_hostaddr),
	    cmocka_unit_test(test_repeated_keys),
	    cmocka_unit_test(test_storage_reused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
