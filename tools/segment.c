/*
 * tingle-segment - filter records, join lookup tables into them, and give
 * each record a segment.
 *
 * For every record, in this order: each --join merges the matching row of
 * its table; each --set computes a field; every --where must hold; a
 * record whose --unique key was seen already is dropped; then the first
 * -s rule that matches, else the value of --by, else --default, becomes
 * the segment field.
 * Records are written back as their own bytes with the new fields spliced
 * in.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "fieldseen.h"
#include "jtable.h"
#include "json.h"
#include "optv.h"
#include "key.h"
#include "rio.h"
#include "ttime.h"
#include "uniq.h"
#include "util.h"

enum {
	OPT_WHERE = RIO_OPT_FIRST_FREE,
	OPT_JOIN,
	OPT_ON,
	OPT_JOIN_PREFIX,
	OPT_JOIN_MISS,
	OPT_JOIN_FORMAT,
	OPT_BY,
	OPT_DEFAULT,
	OPT_FIELD,
	OPT_ONLY,
	OPT_SET,
	OPT_UNIQUE,
	OPT_WITHIN,
	OPT_MAX_GROUPS
};

enum miss { MISS_KEEP, MISS_DROP, MISS_REJECT };

/* One --join and the options that apply to it. */
struct join {
	const char *file;
	char *on; /* the record's key field (a dotted path) */
	size_t onlen;
	char *fileon; /* the table's key field */
	const char *prefix;
	int miss;
	int format;
	int set_on, set_prefix, set_miss, set_format;
	jtable_t *table;
};

/* One -s 'NAME: EXPR' rule. */
struct rule {
	char *name;
	char *json; /* the name as a JSON string */
	size_t jlen;
	char *what; /* "rule 'NAME'", for messages */
	expr_t *e;
};

static struct join *joins;
static size_t njoins;
static struct join pending; /* join options given before any --join */
static int pending_used;

/* One --set 'NAME = EXPR'. */
struct set {
	char *name;
	expr_t *e;
};

static struct set *sets;
static size_t nsets;
static expr_t **wheres;
static size_t nwheres;
static struct rule *rules;
static size_t nrules;
static expr_t *by;
static const char *deflt;
static char *deflt_json;
static const char *field = "segment";
static int only;

/* --unique: the key fields, what --within says, the keys seen. */
static char **ufields;
static size_t nufields;
static const char *within_arg;
static int64_t within_ms;
static size_t max_groups = 10000000;
static struct uniq *seen;
static buf_t ukey = BUF_INIT;

/* The fields the expressions and --unique read, for the warning at the
 * end about those no record had. */
static struct fieldseen *fseen;

static buf_t err = BUF_INIT;   /* run-time expression errors */
static buf_t vjson = BUF_INIT; /* a segment value as JSON */
static buf_t kscratch = BUF_INIT;

static void
usage(FILE *fp)
{
	fprintf(
	    fp,
	    "usage: tingle-segment [--join FILE --on FIELD[=FILEFIELD] [--join-prefix P]\n"
	    "                      [--join-miss keep|drop|reject] [--join-format FMT]]...\n"
	    "                      [--set 'NAME = EXPR']... [--where EXPR]...\n"
	    "                      [--unique FIELD[,FIELD]... [--within DURATION]\n"
	    "                      [--max-groups N]] [--by EXPR] [-s 'NAME: EXPR']...\n"
	    "                      [--default NAME] [--field F] [--only] [FILE...]\n"
	    "\n"
	    "Filter records, merge lookup tables into them and give each a segment.\n"
	    "Order: joins, then --set, then --where, then --unique, then the segment.\n"
	    "\n"
	    "  --join FILE          merge the rows of an NDJSON or CSV table\n"
	    "  --on FIELD[=FILEFIELD]  the key: the record's FIELD equals the table's\n"
	    "                       FILEFIELD (default the same name)\n"
	    "  --join-prefix P      put P before the names of merged fields\n"
	    "  --join-miss MODE     a record with no match: keep (default), drop, reject\n"
	    "  --join-format FMT    ndjson, csv or tsv (default: from the file name)\n"
	    "  --set 'NAME = EXPR'  set the field NAME to the value of EXPR (repeatable,\n"
	    "                       in order: later ones see earlier fields)\n"
	    "  --where EXPR         keep records for which EXPR is true (repeatable: all)\n"
	    "  --unique FIELD[,FIELD]...\n"
	    "                       keep only the first record of each value of the\n"
	    "                       fields (a record without them is kept)\n"
	    "  --within DURATION    forget a value DURATION of event time after it was\n"
	    "                       first seen (default: never)\n"
	    "  --max-groups N       stop (exit 70) beyond N values remembered at once\n"
	    "                       (default 10000000; 0: no limit)\n"
	    "  --by EXPR            the segment is the value of EXPR\n"
	    "  -s, --segment 'NAME: EXPR'\n"
	    "                       the segment is NAME if EXPR is true; the first\n"
	    "                       matching rule wins (repeatable)\n"
	    "  --default NAME       the segment of records no rule or --by places\n"
	    "  --field F            the segment field (default segment)\n"
	    "  --only               drop records that fall in no segment\n"
	    "\n"
	    "Join options apply to the --join before them.  Expressions: see tingle(7).\n\n%s",
	    rio_common_usage);
}

/* The join that --on and friends apply to now. */
static struct join *
current_join(void)
{
	if (njoins == 0) {
		pending_used = 1;
		return &pending;
	}
	return &joins[njoins - 1];
}

static void
add_join(const char *file)
{
	joins = xrealloc(joins, (njoins + 1) * sizeof *joins);
	if (njoins == 0 && pending_used) {
		joins[0] = pending;
		pending_used = 0;
	} else {
		memset(&joins[njoins], 0, sizeof *joins);
		joins[njoins].prefix = "";
	}
	joins[njoins].file = file;
	njoins++;
}

static void
set_on(const char *arg)
{
	struct join *j = current_join();
	const char *eq = strchr(arg, '=');

	if (j->set_on++)
		rio_usage_error("--on given twice for one --join");
	j->on = eq ? xstrndup(arg, (size_t)(eq - arg)) : xstrdup(arg);
	j->fileon = xstrdup(eq ? eq + 1 : arg);
	j->onlen = strlen(j->on);
	if (j->on[0] == '\0' || j->fileon[0] == '\0')
		rio_usage_error(
		    "invalid --on '%s': expected FIELD or FIELD=FILEFIELD",
		    arg);
}

static void
set_join_option(int c, const char *arg)
{
	struct join *j = current_join();

	switch (c) {
	case OPT_JOIN_PREFIX:
		if (j->set_prefix++)
			rio_usage_error(
			    "--join-prefix given twice for one --join");
		j->prefix = arg;
		break;
	case OPT_JOIN_MISS:
		if (j->set_miss++)
			rio_usage_error(
			    "--join-miss given twice for one --join");
		if (!strcmp(arg, "keep"))
			j->miss = MISS_KEEP;
		else if (!strcmp(arg, "drop"))
			j->miss = MISS_DROP;
		else if (!strcmp(arg, "reject"))
			j->miss = MISS_REJECT;
		else
			rio_usage_error(
			    "invalid --join-miss '%s': expected keep, drop or reject",
			    arg);
		break;
	case OPT_JOIN_FORMAT:
		if (j->set_format++)
			rio_usage_error(
			    "--join-format given twice for one --join");
		if ((j->format = jtable_format(arg)) < 0)
			rio_usage_error(
			    "invalid --join-format '%s': expected ndjson, csv or tsv",
			    arg);
		break;
	}
}

/* Compile src or exit 64, naming what it came from. */
static expr_t *
compile(const char *what, const char *src)
{
	buf_t e = BUF_INIT;
	expr_t *x = expr_compile(src, &e);

	if (x == NULL)
		util_die(EX_USAGE, "%s: %s", what, e.p);
	buf_free(&e);
	return x;
}

static void
add_set(const char *arg)
{
	buf_t e = BUF_INIT;
	struct set *st;

	sets = xrealloc(sets, (nsets + 1) * sizeof *sets);
	st = &sets[nsets];
	if ((st->e = expr_compile_assign(arg, &st->name, &e)) == NULL)
		util_die(EX_USAGE, "--set: %s", e.p);
	buf_reset(&e);
	buf_printf(&e, "--set %s", st->name);
	fieldseen_watch_expr(fseen, st->e, e.p);
	nsets++;
	buf_free(&e);
}

static void
add_rule(const char *arg)
{
	const char *colon = strchr(arg, ':');
	const char *s = arg, *e;
	struct rule *r;
	buf_t what = BUF_INIT;

	if (colon == NULL)
		rio_usage_error("invalid rule '%s': expected 'NAME: EXPR'",
		                arg);
	while (*s == ' ' || *s == '\t')
		s++;
	for (e = colon; e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	if (e == s)
		rio_usage_error(
		    "invalid rule '%s': the name before ':' is empty", arg);
	rules = xrealloc(rules, (nrules + 1) * sizeof *rules);
	r = &rules[nrules++];
	r->name = xstrndup(s, (size_t)(e - s));
	buf_t j = BUF_INIT;
	jw_str(&j, r->name, strlen(r->name));
	r->json = j.p;
	r->jlen = j.len;
	buf_printf(&what, "rule '%s'", r->name);
	r->what = what.p;
	for (s = colon + 1; *s == ' ' || *s == '\t'; s++)
		;
	r->e = compile(r->what, s);
	fieldseen_watch_expr(fseen, r->e, r->what);
}

static void
set_unique(const char *arg)
{
	const char *s = arg, *c;

	if (nufields > 0)
		rio_usage_error(
		    "--unique given twice; list the fields with commas");
	do {
		c = strchr(s, ',');
		size_t n = c != NULL ? (size_t)(c - s) : strlen(s);
		if (n == 0)
			rio_usage_error(
			    "invalid --unique '%s': expected FIELD[,FIELD]...",
			    arg);
		ufields = xrealloc(ufields, (nufields + 1) * sizeof *ufields);
		ufields[nufields] = xstrndup(s, n);
		/* The top-level name of a dotted path. */
		char *top = xstrndup(s, strcspn(ufields[nufields], "."));
		fieldseen_watch(fseen, top, "--unique", 0);
		free(top);
		nufields++;
		s = c + 1;
	} while (c != NULL);
}

static void
set_max_groups(const char *arg)
{
	size_t v = optv_limit("--max-groups", arg);

	max_groups = v >= UINT32_MAX ? UINT32_MAX - 1 : v;
}

/* Check the options and build what the loop needs. */
static void
setup(void)
{
	if (pending_used)
		rio_usage_error(
		    "--on, --join-prefix, --join-miss and --join-format need --join");
	for (size_t i = 0; i < njoins; i++)
		if (joins[i].on == NULL)
			rio_usage_error("--join %s needs --on FIELD",
			                joins[i].file);
	if (only && nrules == 0 && by == NULL && deflt == NULL)
		rio_usage_error("--only needs --by, -s or --default");
	if (field[0] == '\0')
		rio_usage_error("empty --field");
	if (within_arg != NULL) {
		if (nufields == 0)
			rio_usage_error("--within needs --unique");
		within_ms = optv_duration("--within", within_arg, 0);
	}
	if (nufields > 0)
		seen = uniq_new(within_ms, max_groups);
	if (deflt != NULL) {
		buf_t j = BUF_INIT;
		jw_str(&j, deflt, strlen(deflt));
		deflt_json = j.p;
	}
}

/*
 * Merge every table into r.  Returns 0 when the record is to be dropped
 * (or was rejected).
 */
static int
do_joins(rec_t *r, const line_t *l)
{
	for (size_t i = 0; i < njoins; i++) {
		struct join *j = &joins[i];
		jfield_t f;
		const char *k;
		size_t kn;

		if (rec_path(r, j->on, j->onlen, &f) &&
		    jtable_key(f.v, f.vlen, f.type, &kscratch, &k, &kn) == 0 &&
		    jtable_merge(j->table, k, kn, r))
			continue;
		if (j->miss == MISS_KEEP)
			continue;
		if (j->miss == MISS_REJECT) {
			if (rec_path(r, j->on, j->onlen, &f))
				rio_bad_input(
				    l, "no row in %s for %s %.*s", j->file,
				    j->on,
				    (int)utf8_valid_prefix(
				        f.v, f.vlen > 80 ? 80 : f.vlen),
				    f.v);
			else
				rio_bad_input(l, "no '%s' field to join %s on",
				              j->on, j->file);
		}
		return 0;
	}
	return 1;
}

/*
 * Set the fields of every --set in turn, so that each sees the ones
 * before it.  A run-time error is reported and sets the field to null.
 */
static void
set_fields(rec_t *r, const line_t *l)
{
	val_t v;

	for (size_t i = 0; i < nsets; i++) {
		buf_reset(&vjson);
		if (expr_eval(sets[i].e, r, &v, &err) < 0) {
			rio_note_input(l->file, l->num, "--set %s: %s",
			               sets[i].name, err.p);
			buf_adds(&vjson, "null");
		} else {
			val_to_json(&v, &vjson);
		}
		rec_set(r, sets[i].name, vjson.p, vjson.len);
	}
}

/* Evaluate e on r: 1 true, 0 false, -1 a run-time error (reported). */
static int
test(expr_t *e, const rec_t *r, const line_t *l, const char *what)
{
	val_t v;

	if (expr_eval(e, r, &v, &err) < 0) {
		rio_note_input(l->file, l->num, "%s: %s", what, err.p);
		return -1;
	}
	return val_truthy(&v);
}

static int
keep(const rec_t *r, const line_t *l)
{
	for (size_t i = 0; i < nwheres; i++)
		if (test(wheres[i], r, l, "--where") != 1)
			return 0;
	return 1;
}

/*
 * 1 when r is the first record of its --unique key, or has no key (a key
 * field missing or null); 0 for a repeat.
 */
static int
first_of_key(const rec_t *r)
{
	jfield_t f;
	tstamp_t t;
	int has_time;

	buf_reset(&ukey);
	for (size_t i = 0; i < nufields; i++) {
		if (!rec_path(r, ufields[i], strlen(ufields[i]), &f) ||
		    f.type == JT_NULL)
			return 1;
		key_value(&ukey, f.v, f.vlen, f.type);
		buf_addc(&ukey, '\x1f');
	}
	has_time = within_ms > 0 &&
	           rec_path(r, rio_time_field, strlen(rio_time_field), &f) &&
	           ts_parse_json(f.v, f.vlen, &t) == 0;
	switch (uniq_see(seen, ukey.p, ukey.len, has_time,
	                 has_time ? t.sec * 1000 + t.nsec / 1000000 : 0)) {
	case UNIQ_FIRST:
		return 1;
	case UNIQ_REPEAT:
		return 0;
	default:
		util_die(
		    EX_SOFTWARE,
		    "more than %zu --unique values remembered: stopping before memory runs out (raise --max-groups, or forget sooner with --within)",
		    max_groups);
	}
}

/*
 * Set the segment field.  Returns 0 when the record falls in no segment
 * and --only drops it.
 */
static int
segment(rec_t *r, const line_t *l)
{
	val_t v;

	for (size_t i = 0; i < nrules; i++) {
		if (test(rules[i].e, r, l, rules[i].what) == 1) {
			rec_set(r, field, rules[i].json, rules[i].jlen);
			return 1;
		}
	}
	if (by != NULL) {
		if (expr_eval(by, r, &v, &err) < 0)
			rio_note_input(l->file, l->num, "--by: %s", err.p);
		else if (v.t != V_NULL) {
			buf_reset(&vjson);
			val_to_json(&v, &vjson);
			rec_set(r, field, vjson.p, vjson.len);
			return 1;
		}
	}
	if (deflt_json != NULL) {
		rec_set(r, field, deflt_json, strlen(deflt_json));
		return 1;
	}
	if (only)
		return 0;
	rec_set(r, field, "null", 4);
	return 1;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"where", required_argument, NULL, OPT_WHERE},
	    {"join", required_argument, NULL, OPT_JOIN},
	    {"on", required_argument, NULL, OPT_ON},
	    {"join-prefix", required_argument, NULL, OPT_JOIN_PREFIX},
	    {"join-miss", required_argument, NULL, OPT_JOIN_MISS},
	    {"join-format", required_argument, NULL, OPT_JOIN_FORMAT},
	    {"by", required_argument, NULL, OPT_BY},
	    {"segment", required_argument, NULL, 's'},
	    {"default", required_argument, NULL, OPT_DEFAULT},
	    {"field", required_argument, NULL, OPT_FIELD},
	    {"only", no_argument, NULL, OPT_ONLY},
	    {"set", required_argument, NULL, OPT_SET},
	    {"unique", required_argument, NULL, OPT_UNIQUE},
	    {"within", required_argument, NULL, OPT_WITHIN},
	    {"max-groups", required_argument, NULL, OPT_MAX_GROUPS},
	    RIO_LONGOPTS,
	    {NULL, 0, NULL, 0}};
	int c, segmenting;
	reader_t *rd;
	line_t l;
	rec_t r;
	size_t col;
	const char *msg;

	rio_init("tingle-segment", argc, argv);
	fseen = fieldseen_new();
	pending.prefix = "";
	while ((c = getopt_long(argc, argv, "s:" RIO_SHORTOPTS, longopts,
	                        NULL)) != -1) {
		switch (c) {
		case OPT_SET:
			add_set(optarg);
			break;
		case OPT_UNIQUE:
			set_unique(optarg);
			break;
		case OPT_WITHIN:
			within_arg = optarg;
			break;
		case OPT_MAX_GROUPS:
			set_max_groups(optarg);
			break;
		case OPT_WHERE:
			wheres =
			    xrealloc(wheres, (nwheres + 1) * sizeof *wheres);
			wheres[nwheres] = compile("--where", optarg);
			fieldseen_watch_expr(fseen, wheres[nwheres++],
			                     "--where");
			break;
		case OPT_JOIN:
			add_join(optarg);
			break;
		case OPT_ON:
			set_on(optarg);
			break;
		case OPT_JOIN_PREFIX:
		case OPT_JOIN_MISS:
		case OPT_JOIN_FORMAT:
			set_join_option(c, optarg);
			break;
		case OPT_BY:
			if (by != NULL)
				rio_usage_error("--by given twice");
			by = compile("--by", optarg);
			fieldseen_watch_expr(fseen, by, "--by");
			break;
		case 's':
			add_rule(optarg);
			break;
		case OPT_DEFAULT:
			deflt = optarg;
			break;
		case OPT_FIELD:
			field = optarg;
			break;
		case OPT_ONLY:
			only = 1;
			break;
		default:
			rio_option(c, optarg, usage);
		}
	}
	setup();
	segmenting = nrules > 0 || by != NULL || deflt != NULL;

	/* Tables are loaded after every expression compiled, and before
	 * the input is opened. */
	for (size_t i = 0; i < njoins; i++)
		joins[i].table = jtable_load(joins[i].file, joins[i].format,
		                             joins[i].fileon, joins[i].prefix);

	rd = rd_open(argc - optind, argv + optind);
	memset(&r, 0, sizeof r);
	while (rd_next(rd, &l, -1) == RD_LINE) {
		if (rec_scan(&r, l.p, l.n, &col, &msg) < 0) {
			rio_bad_json(&l, col, msg);
			continue;
		}
		if (!do_joins(&r, &l)) {
			fieldseen_record(fseen, &r);
			continue;
		}
		set_fields(&r, &l);
		fieldseen_record(fseen, &r);
		if (!keep(&r, &l) || (seen != NULL && !first_of_key(&r)))
			continue;
		if (segmenting && !segment(&r, &l))
			continue;
		rec_write(&r, &rio_out);
		rio_out_record();
	}
	rd_close(rd);
	rec_free(&r);
	uniq_free(seen);
	if (!rio_stop)
		fieldseen_warn(fseen);
	fieldseen_free(fseen);
	return rio_finish(0);
}
