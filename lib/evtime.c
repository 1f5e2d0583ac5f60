/*
 * evtime.c - the event time of a parsed record, written as "ts".
 */
#include <string.h>

#include "evtime.h"

int
evtime_parse(const struct evtime *e, const char *s, size_t n, tstamp_t *t)
{
	if (e->format)
		return ts_parse_fmt(s, n, e->format, e->year, e->now_sec, t);
	if (ts_parse_iso(s, n, t) == 0)
		return 0;
	return ts_parse_epoch(s, n, t);
}

static void
bad_time(buf_t *why, const char *s, size_t n, const char *field)
{
	buf_reset(why);
	buf_adds(why, "unreadable time '");
	buf_add_shown(why, s, n, 40);
	buf_printf(why, "' in field '%s'", field);
}

/*
 * Find the event time among the fields and write it as "ts": in place
 * when the time field is "ts", else added (or replacing an older "ts").
 * Returns 0, or -1 with the reason in why.
 */
int
evtime_fields(struct evtime *e, fields_t *fs, buf_t *why)
{
	long i = -1, j;
	const char *tf = e->name;
	tstamp_t t;

	/* the first of the names that the line has */
	for (size_t k = 0; k < e->nnames && i < 0; k++)
		i = fields_find(fs, tf = e->names[k]);
	if (e->nnames == 0)
		i = fields_find(fs, tf);
	if (i < 0) {
		if (!e->required)
			return 0;
		buf_reset(why);
		buf_printf(why, "no %s", e->desc);
		return -1;
	}
	if (fs->f[i].kind == FK_TIME) {
		t = fs->f[i].ts;
	} else {
		size_t n;
		const char *v = fields_val(fs, (size_t)i, &n);
		int rc = fs->f[i].kind == FK_NUM ? ts_parse_epoch(v, n, &t)
		                                 : evtime_parse(e, v, n, &t);
		if (rc < 0) {
			bad_time(why, v, n, tf);
			return -1;
		}
	}
	j = strcmp(tf, "ts") == 0 ? i : fields_find(fs, "ts");
	if (j < 0) {
		fields_add_time(fs, "ts", &t);
	} else {
		fields_replace(fs, (size_t)j, "", 0, FK_TIME);
		fs->f[j].ts = t;
	}
	return 0;
}

/*
 * The event time of a JSON record: a "ts" already in RFC 3339 is left as
 * written; otherwise the time field is parsed and "ts" set.  A missing
 * time field is fine unless --time-field named it.  Returns 0 or -1 with
 * the reason in why.
 */
int
evtime_json(struct evtime *e, rec_t *r, const char *tf, buf_t *why)
{
	char out_ts[TS_MAXLEN + 3];
	jfield_t f;
	tstamp_t t;
	size_t n;
	int rc = -1;

	if (tf == NULL || !rec_path(r, tf, strlen(tf), &f)) {
		if (!e->required)
			return 0;
		buf_reset(why);
		buf_printf(why, "no %s", e->desc);
		return -1;
	}
	if (f.type == JT_STR) {
		const char *s = f.v + 1;
		n = f.vlen - 2;
		if (memchr(s, '\\', n) != NULL) {
			buf_reset(&e->tmp);
			jstr_decode(f.v, f.vlen, &e->tmp);
			s = e->tmp.p;
			n = e->tmp.len;
		} else if (strcmp(tf, "ts") == 0 && !e->format &&
		           ts_is_rfc3339(s, n)) {
			if (ts_parse_iso(s, n, &t) == 0)
				return 0;
			bad_time(why, s, n, tf);
			return -1;
		}
		rc = evtime_parse(e, s, n, &t);
		if (rc < 0)
			bad_time(why, s, n, tf);
	} else if (f.type == JT_NUM) {
		rc = ts_parse_epoch(f.v, f.vlen, &t);
		if (rc < 0)
			bad_time(why, f.v, f.vlen, tf);
	} else {
		bad_time(why, f.v, f.vlen, tf);
	}
	if (rc < 0)
		return -1;
	out_ts[0] = '"';
	n = ts_format(&t, out_ts + 1);
	out_ts[n + 1] = '"';
	rec_set(r, "ts", out_ts, n + 2);
	return 0;
}

void
evtime_free(struct evtime *e)
{
	buf_free(&e->tmp);
}
