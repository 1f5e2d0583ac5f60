/*
 * jsonin.c - JSON lines as records, arrays and --split included.
 */
#include <string.h>

#include "jsonin.h"

/* Why the JSON scanner refused a line, in the wording of every stage. */
static void
json_why(buf_t *why, size_t col, const char *msg)
{
	buf_reset(why);
	if (strcmp(msg, "not a JSON object") == 0)
		buf_adds(why, msg);
	else
		buf_printf(why, "invalid JSON at column %zu: %s", col, msg);
}

/* Put out back to mark. */
static void
rollback(buf_t *out, size_t mark)
{
	out->len = mark;
	if (out->p != NULL) /* nothing may have been written yet */
		out->p[mark] = '\0';
}

/*
 * Write r, whose text is p[0..n), fixed: as one record, or, with split,
 * as one per element (jsonin.h).  Returns the number of records added to
 * out, or -1 with the reason in why (the caller drops what was added).
 */
static long
write_json(struct jsonin *j, rec_t *r, const char *p, size_t n, buf_t *out,
           buf_t *why)
{
	jfield_t f;
	size_t pos = 0, elen, col;
	const char *e, *msg;
	long k = 0;

	if (j->split == NULL || !rec_path(r, j->split, strlen(j->split), &f) ||
	    f.type != JT_ARR || !jarr_next(f.v, f.vlen, &pos, &e, &elen)) {
		if (j->fix(j->arg, r, why) < 0)
			return -1;
		rec_write(r, out);
		return 1;
	}
	pos = 0;
	while (jarr_next(f.v, f.vlen, &pos, &e, &elen)) {
		k++;
		buf_reset(&j->sline);
		buf_add(&j->sline, p, (size_t)(f.v - p));
		buf_add(&j->sline, e, elen);
		buf_add(&j->sline, f.v + f.vlen,
		        (size_t)(p + n - (f.v + f.vlen)));
		if (rec_scan(&j->srec, j->sline.p, j->sline.len, &col, &msg) <
		    0)
			util_die(EX_SOFTWARE, "--split made invalid JSON: %s",
			         msg);
		if (j->fix(j->arg, &j->srec, why) < 0) {
			buf_printf(why, " (element %ld of '%s')", k, j->split);
			return -1;
		}
		rec_write(&j->srec, out);
	}
	return k;
}

/* A line holding an array: one record per element, all or nothing. */
static long
json_array(struct jsonin *j, const char *p, size_t n, size_t col0, buf_t *out,
           buf_t *why)
{
	size_t col, pos = 0, k = 0, mark = out->len, elen;
	const char *msg, *e;
	char type;
	long w, nw = 0;

	if (jscan_value(p, n, &type, &col, &msg) < 0) {
		json_why(why, col + col0, msg);
		return JSONIN_BAD;
	}
	while (jarr_next(p, n, &pos, &e, &elen)) {
		k++;
		if (rec_scan(&j->rec, e, elen, &col, &msg) < 0) {
			/* A valid value that is not an object. */
			buf_reset(why);
			buf_printf(why,
			           "array element %zu is not a JSON object", k);
			goto bad;
		}
		if ((w = write_json(j, &j->rec, e, elen, out, why)) < 0) {
			buf_printf(why, " (array element %zu)", k);
			goto bad;
		}
		nw += w;
	}
	return nw;
bad:
	rollback(out, mark);
	return JSONIN_BAD;
}

long
jsonin_line(struct jsonin *j, const char *p, size_t n, size_t col0, buf_t *out,
            buf_t *why)
{
	size_t col, i = 0, mark;
	const char *msg;
	long w;

	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i < n && p[i] == '[')
		return json_array(j, p, n, col0, out, why);
	if (rec_scan(&j->rec, p, n, &col, &msg) < 0) {
		json_why(why, col + col0, msg);
		return JSONIN_NOT_OBJECT;
	}
	mark = out->len;
	if ((w = write_json(j, &j->rec, p, n, out, why)) < 0) {
		rollback(out, mark);
		return JSONIN_BAD;
	}
	return w;
}

void
jsonin_free(struct jsonin *j)
{
	rec_free(&j->rec);
	rec_free(&j->srec);
	buf_free(&j->sline);
}
