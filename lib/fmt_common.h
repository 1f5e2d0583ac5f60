/*
 * fmt_common.h - pieces the log-line formats share: the syslog header that
 * postfix and exim lines arrive in, numbers that may become JSON numbers,
 * and the "host[ip]:port" addresses mail servers log.
 *
 * Everything here works on the caller's bytes without copying: the
 * pointers a function fills in point into the line it was given (or, for
 * RFC 5424 structured data, into ctx->scratch) and are valid until the
 * next call that uses the same line or ctx.  Nothing allocates per line.
 */
#ifndef TINGLE_FMT_COMMON_H
#define TINGLE_FMT_COMMON_H

#include <stddef.h>

#include "fields.h"

/* A span of bytes: p[0..n); p == NULL means absent. */
typedef struct fspan {
	const char *p;
	size_t n;
} fspan_t;

/*
 * One syslog line, split.  RFC 3164 ("Oct 10 15:59:28 host prog[pid]:
 * msg", optionally with <PRI>, an RFC 3339 stamp in place of the BSD one,
 * or a "<facility.severity>" tag after the stamp) and RFC 5424 ("<PRI>1
 * STAMP HOST APP PROCID MSGID SD MSG") fill the same structure.
 */
typedef struct syslog_head {
	tstamp_t ts;
	int has_ts;       /* 0 only for an RFC 5424 "-" stamp */
	int pri;          /* <PRI> value, or -1 */
	fspan_t facility; /* name, from PRI or a <facility.severity> tag */
	fspan_t severity;
	fspan_t host;
	fspan_t program; /* tag name or APP-NAME */
	fspan_t pid;     /* tag pid or PROCID */
	fspan_t version; /* "syslogd 1.4.1:" style tags: the "1.4.1" */
	fspan_t msgid;   /* RFC 5424 MSGID */
	fspan_t sd;      /* RFC 5424 structured data, as JSON text */
	char sd_kind;    /* FK_JSON, or FK_STR when kept as raw text */
	fspan_t msg;     /* the message; p == NULL when RFC 5424 has none */
} syslog_head_t;

/*
 * Split syslog line p[0..n) into h.  Returns FMT_OK, FMT_CONT for a
 * TAB-indented continuation line, or FMT_NOMATCH with the reason in
 * ctx->why.  Year-less stamps get their year from ctx->year or
 * ctx->now_sec (see ts_parse_syslog).  Uses ctx->scratch for the
 * structured data.
 */
int fmt_syslog_head(fmt_ctx_t *ctx, const char *p, size_t n, syslog_head_t *h);

/*
 * Add h's fields to fs in the documented order: ts, pri, facility,
 * severity, host, program, pid, program_version, msgid, sd, and msg when
 * with_msg is set (the mail formats add msg last, after their own).
 */
void fmt_syslog_fields(fields_t *fs, const syslog_head_t *h, int with_msg);

/* Add p[0..n) as a number when it is a valid JSON number, else as a
 * string: format-defined numeric fields that hold placeholders such as
 * Exim's "S=sss" stay strings. */
void fmt_add_num(fields_t *fs, const char *key, const char *p, size_t n);

/* Add a run of digits p[0..n) (n > 0) as a number, without the leading
 * zeros JSON does not allow: a status or reply code "054" is 54. */
void fmt_add_digits(fields_t *fs, const char *key, const char *p, size_t n);

/* Add a span as a string field when present. */
void fmt_add_span(fields_t *fs, const char *key, fspan_t v);

/*
 * A network peer as mail servers log it: "host[ip]", "host[ip]:port",
 * "[ip]:port", or Exim's "host (helo) [ip]:port".  Absent parts have
 * p == NULL.
 */
typedef struct hostaddr {
	fspan_t text; /* the whole of "host[ip]:port" as logged */
	fspan_t host;
	fspan_t ip;
	fspan_t port;
} hostaddr_t;

/*
 * Parse "host[ip]" with an optional ":port" (host may be empty) at s.
 * Returns the end of what was parsed, or NULL if s does not hold one.
 */
const char *fmt_hostaddr(const char *s, const char *e, hostaddr_t *a);

/* Add a peer as PREFIX, PREFIX_host, PREFIX_ip, PREFIX_port (a number),
 * each when present; with_text 0 leaves out PREFIX itself. */
void fmt_add_hostaddr(fields_t *fs, const char *prefix, const hostaddr_t *a,
                      int with_text);

/*
 * A mail server's lines as syslog carries them (postfix, sendmail, exim):
 * is_mine tells the server's program names from others, body adds the
 * fields the server's message s[0..e) holds.
 */
typedef int (*fmt_prog_fn)(fspan_t program);
typedef void (*fmt_body_fn)(fmt_ctx_t *ctx, fields_t *fs, const char *s,
                            const char *e);

/*
 * Read syslog line p[0..n) of a mail format: the syslog fields (as
 * fmt_syslog_fields), then, when the program is the server's, body's
 * fields, then msg.  Returns what fmt_syslog_head returns; a line from
 * another program becomes a plain syslog record.
 */
int fmt_syslog_mail(fmt_ctx_t *ctx, const char *p, size_t n, fields_t *fs,
                    fmt_prog_fn is_mine, fmt_body_fn body);

/* Record why a line did not match; returns FMT_NOMATCH. */
int fmt_nomatch(fmt_ctx_t *ctx, const char *why);

/* Drop a UTF-8 byte order mark at the start and a CR at the end of a
 * line, as Windows tools write them. */
void fmt_trim_line(const char **p, size_t *n);

/* First occurrence of needle (nlen bytes) in s[0..e), or NULL. */
const char *fmt_find(const char *s, const char *e, const char *needle,
                     size_t nlen);

/* 1 if s[0..e) starts with the C string lit. */
int fmt_starts(const char *s, const char *e, const char *lit);

#endif
