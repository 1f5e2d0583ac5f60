/*
 * tingle-alert - fire, repeat and resolve alerts from rules over records.
 *
 * Every input record is evaluated by every rule.  A rule tracks each
 * group (its key fields) separately: the condition must hold for `for`
 * consecutive windows before the alert fires, a group is announced as
 * firing at most once per cooldown (a reminder while it keeps firing, or
 * a new episode), and it resolves once the condition has failed for more
 * than keep_firing_for windows.  Alert records go to
 * standard output (with --pass, between the input records), and --exec
 * runs a command for each.  Exit status: 0 if an alert fired, 1 if none.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert_state.h"
#include "json.h"
#include "optv.h"
#include "rio.h"
#include "rule.h"
#include "fieldseen.h"
#include "hook.h"
#include "ttime.h"

enum {
	OPT_FOR = RIO_OPT_FIRST_FREE,
	OPT_KEEP_FIRING_FOR,
	OPT_COOLDOWN,
	OPT_SEVERITY,
	OPT_EXEC,
	OPT_EXEC_TIMEOUT,
	OPT_EXEC_JOBS,
	OPT_PASS,
	OPT_STATE,
	OPT_LOCK_TIMEOUT,
	OPT_MAX_GROUPS,
	OPT_RESOLVED_MESSAGE,
	OPT_RANK,
};

static const struct option longopts[] = {
    {"rule", required_argument, NULL, 'r'},
    {"rules", required_argument, NULL, 'F'},
    {"key", required_argument, NULL, 'k'},
    {"message", required_argument, NULL, 'm'},
    {"resolved-message", required_argument, NULL, OPT_RESOLVED_MESSAGE},
    {"for", required_argument, NULL, OPT_FOR},
    {"keep-firing-for", required_argument, NULL, OPT_KEEP_FIRING_FOR},
    {"cooldown", required_argument, NULL, OPT_COOLDOWN},
    {"severity", required_argument, NULL, OPT_SEVERITY},
    {"exec", required_argument, NULL, OPT_EXEC},
    {"exec-timeout", required_argument, NULL, OPT_EXEC_TIMEOUT},
    {"exec-jobs", required_argument, NULL, OPT_EXEC_JOBS},
    {"pass", no_argument, NULL, OPT_PASS},
    {"rank", no_argument, NULL, OPT_RANK},
    {"state", required_argument, NULL, OPT_STATE},
    {"lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT},
    {"max-groups", required_argument, NULL, OPT_MAX_GROUPS},
    RIO_LONGOPTS,
    {NULL, 0, NULL, 0}};

static int pflag;                    /* --pass */
static int rflag;                    /* --rank */
static hookset_t *hooks;             /* --exec */
static int64_t exec_timeout = 10000; /* --exec-timeout, ms */
static long exec_jobs = 4;           /* --exec-jobs */

static void
usage(FILE *fp)
{
	fprintf(
	    fp,
	    "usage: tingle-alert -r 'NAME: EXPR' | -F RULES.json ... [-k FIELD] [-m TEMPLATE]\n"
	    "                    [--resolved-message TEMPLATE]\n"
	    "                    [--for N] [--keep-firing-for N] [--cooldown DURATION]\n"
	    "                    [--severity LEVEL] [--exec CMD] [--exec-timeout DURATION]\n"
	    "                    [--exec-jobs N] [--pass] [--rank] [--state FILE]\n"
	    "                    [--lock-timeout DURATION] [--max-groups N] [FILE ...]\n"
	    "\n"
	    "Fire, repeat and resolve alerts from rules, per rule and group.\n"
	    "\n"
	    "  -r, --rule 'NAME: EXPR'  a rule: alert NAME while EXPR holds (repeatable)\n"
	    "  -F, --rules FILE         rules from a JSON array of rule objects (repeatable)\n"
	    "  -k, --key FIELD          group by FIELD (repeatable; default: every field\n"
	    "                           but the window, the time and the measures of count\n"
	    "                           and compare: count, revision, open, distinct_*,\n"
	    "                           sum_*, min_*, max_*, avg_*, expected, ratio, delta,\n"
	    "                           z, baseline_n, baseline)\n"
	    "  -m, --message TEMPLATE   message with {field} and {field:%%.1f} placeholders\n"
	    "  --resolved-message TEMPLATE  message of resolved alerts (default: NAME\n"
	    "                           resolved for KEYS after DURATION)\n"
	    "  --for N                  fire after N consecutive windows (default 1)\n"
	    "  --keep-firing-for N      keep firing through N windows without the condition\n"
	    "  --cooldown DURATION      announce a group as firing at most once per DURATION\n"
	    "                           of event time, and remind after it (default: none)\n"
	    "  --severity LEVEL         severity of alerts (default warning)\n"
	    "  --exec CMD               run CMD for each alert record, with it on stdin\n"
	    "  --exec-timeout DURATION  time limit of each run (default 10s)\n"
	    "  --exec-jobs N            runs at a time (default 4)\n"
	    "  --pass                   also write every input record\n"
	    "  --rank                   write the firing alerts of a window most\n"
	    "                           significant first (by p, then |z|), once a\n"
	    "                           later window or the end of input comes\n"
	    "  --state FILE             keep alert state in FILE across runs\n"
	    "  --lock-timeout DURATION  wait this long for another run using FILE (default\n"
	    "                           10s; 0: do not wait)\n"
	    "  --max-groups N           stop (exit 70) past N groups (default 1000000)\n"
	    "\n"
	    "-k, -m, --resolved-message, --for, --keep-firing-for, --cooldown and --severity\n"
	    "are the defaults of rules that do not set their own.  Exit status: 0 if an alert\n"
	    "fired, 1 if none, 64 for a bad rule, 65 bad input under --strict, 66 missing\n"
	    "file, 75 state file in use past --lock-timeout.\n"
	    "\n%s",
	    rio_common_usage);
}

/*
 * Run the --exec command for an alert record: the record on its standard
 * input, each field as TINGLE_NAME in its environment, and the group as
 * TINGLE_COHORT.  Values go into
 * the environment as data; no shell ever reads them.
 */
static void
run_hook(const struct alert_event *ev)
{
	buf_t b = BUF_INIT;
	char **env = hook_env(hooks, ev->rec, ev->len, ev->label);

	/* The group, named for people (see tingle-alert(1), HOOKS). */
	env = hook_env_add(env, "TINGLE_COHORT", ev->cohort);

	buf_add(&b, ev->rec, ev->len);
	buf_addc(&b, '\n');
	hook_run(hooks, b.p, b.len, env, ev->label);
	hook_env_free(env);
	buf_free(&b);
}

/* Write an alert record, and run the hook for it. */
static void
put_alert(const struct alert_event *ev)
{
	buf_add(&rio_out, ev->rec, ev->len);
	buf_addc(&rio_out, '\n');
	rio_out_record();
	if (hooks != NULL)
		run_hook(ev);
}

/* --rank: the firing alerts of the window at hand, kept to be sorted. */
struct ranked {
	char *rec, *rule, *label, *cohort;
	size_t len;
	int has_p;
	double p, z; /* z as |z|, 0 when absent */
	size_t seq;  /* order of arrival, the last tie-break */
};
static struct ranked *held;
static size_t nheld, capheld;
static buf_t held_end; /* window_end of the held alerts */
static buf_t cur_end;  /* that of the record at hand */

/* A number field of r, as a double; 0 when absent or not a number. */
static int
num_field(const rec_t *r, const char *name, double *d)
{
	const jfield_t *f = rec_get(r, name, strlen(name));

	if (f == NULL || f->type != JT_NUM)
		return 0;
	*d = strtod(f->v, NULL);
	return 1;
}

/* Most significant first: the smaller p (none: after all that have
 * one), then the larger |z|, then the order of arrival. */
static int
rank_cmp(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->has_p != y->has_p)
		return x->has_p ? -1 : 1;
	if (x->has_p && x->p != y->p)
		return x->p < y->p ? -1 : 1;
	if (x->z != y->z)
		return x->z > y->z ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Write the held alerts, most significant first. */
static void
flush_ranked(void)
{
	if (nheld == 0)
		return;
	qsort(held, nheld, sizeof *held, rank_cmp);
	for (size_t i = 0; i < nheld; i++) {
		struct ranked *h = &held[i];
		struct alert_event ev = {h->rec,   h->len,    h->rule, "firing",
		                         h->label, h->cohort, NULL};
		put_alert(&ev);
		free(h->rec);
		free(h->rule);
		free(h->label);
		free(h->cohort);
	}
	nheld = 0;
}

/* The window_end of r, as written, into b; "" when it has none. */
static void
window_end_of(const rec_t *r, buf_t *b)
{
	const jfield_t *f = rec_get(r, "window_end", 10);

	buf_reset(b);
	buf_add(b, "", 0);
	if (f != NULL)
		buf_add(b, f->v, f->vlen);
}

static void
on_alert(void *ctx, const struct alert_event *ev)
{
	(void)ctx;
	if (!rflag || strcmp(ev->state, "firing") != 0) {
		put_alert(ev);
		return;
	}
	if (nheld == capheld) {
		capheld = capheld ? capheld * 2 : 16;
		held = xrealloc(held, capheld * sizeof *held);
	}
	struct ranked *h = &held[nheld];
	h->rec = xstrndup(ev->rec, ev->len);
	h->len = ev->len;
	h->rule = xstrdup(ev->rule);
	h->label = xstrdup(ev->label);
	h->cohort = xstrdup(ev->cohort);
	h->has_p = num_field(ev->in, "p", &h->p);
	if (!num_field(ev->in, "z", &h->z))
		h->z = 0;
	h->z = h->z < 0 ? -h->z : h->z;
	h->seq = nheld++;
}

/*
 * Read the records of files (none: standard input), write each one with
 * --pass, and put it through the rules.
 */
/* Watch what each rule's condition and each -k field reads. */
static void
watch_rules(struct fieldseen *seen, const ruleset_t *rs)
{
	for (size_t i = 0; i < rules_count(rs); i++) {
		struct rule_info ri;
		buf_t what = BUF_INIT;

		rules_info(rs, i, &ri);
		buf_adds(&what, "rule '");
		buf_adds(&what, ri.name);
		buf_addc(&what, '\'');
		buf_addc(&what, '\0');
		fieldseen_watch_expr(seen, ri.expr, what.p);
		buf_free(&what);
	}
	for (size_t i = 0; i < rules_nspecs(rs); i++) {
		struct rule_spec sp;

		rules_spec(rs, i, &sp);
		/* A dotted path may name a field of that very name: only
		 * plain names are watched. */
		for (size_t k = 0; !sp.dflt && k < sp.n; k++)
			if (strchr(sp.names[k], '.') == NULL)
				fieldseen_watch(seen, sp.names[k], "-k", 0);
	}
}

static void
alert_loop(ruleset_t *rs, struct fieldseen *seen, int nfiles, char **files)
{
	reader_t *rd = rd_open(nfiles, files);
	unsigned tick = 0;
	rec_t r;
	line_t l;

	memset(&r, 0, sizeof r);
	for (;;) {
		/* While hooks run, a quiet input must not keep them from
		 * being collected or stopped at their time limit. */
		int timeout = -1;
		if (hook_running(hooks) > 0 &&
		    (!rd_has_line(rd) || (++tick & 255) == 0))
			timeout = hook_poll(hooks);
		int got = rd_next(rd, &l, timeout);
		if (got == RD_EOF)
			break;
		if (got == RD_TIMEOUT)
			continue;

		size_t col;
		const char *msg;
		const jfield_t *tv;
		if (rec_scan(&r, l.p, l.n, &col, &msg) < 0) {
			rio_bad_json(&l, col, msg);
			continue;
		}
		fieldseen_record(seen, &r);
		if (rio_ntime_fields > 1) {
			/* the first of the time fields that r has */
			const char *tn = rio_time_field_of(&r, 0);
			rules_set_time_field(rs, tn ? tn : rio_time_field);
		}
		if (rules_check_time(rs, &r, &msg, &tv) < 0) {
			rio_bad_input(&l, "unreadable time in '%s': %.*s", msg,
			              (int)(tv->vlen > 60 ? 60 : tv->vlen),
			              tv->v);
			continue;
		}
		if (rflag) {
			/* A later window: the alerts of the last are all in. */
			window_end_of(&r, &cur_end);
			if (nheld > 0 &&
			    (held_end.len != cur_end.len ||
			     memcmp(held_end.p, cur_end.p, cur_end.len) != 0))
				flush_ranked();
			buf_reset(&held_end);
			buf_add(&held_end, cur_end.p, cur_end.len);
		}
		if (pflag)
			rec_write(&r, &rio_out);
		rules_eval(rs, &r, l.file, l.num);
		rio_out_record();
	}
	flush_ranked();
	free(held);
	buf_free(&held_end);
	buf_free(&cur_end);
	rd_close(rd);
	rec_free(&r);
}

/* Rule options in command-line order, added once all defaults are known. */
struct ruleopt {
	int file;
	const char *arg;
};

/*
 * Options, then rules, state and hook command (all checked before any
 * input), the loop, and the exit status: 0 if an alert fired, 1 if none.
 */
int
main(int argc, char **argv)
{
	struct rule_defaults d = {0};
	struct ruleopt *ro = xcalloc((size_t)argc + 1, sizeof *ro);
	size_t nro = 0, nkey = 0;
	char **keys = xcalloc((size_t)argc + 1, sizeof *keys);
	const char *exec_cmd = NULL, *state_path = NULL;
	int64_t lock_timeout = RIO_LOCK_TIMEOUT_MS;
	size_t max_groups = 1000000;
	int c;

	rio_init("tingle-alert", argc, argv);
	while ((c = getopt_long(argc, argv, "F:k:m:r:" RIO_SHORTOPTS, longopts,
	                        NULL)) != -1) {
		switch (c) {
		case 'F':
		case 'r':
			ro[nro].file = c == 'F';
			ro[nro++].arg = optarg;
			break;
		case 'k':
			if (*optarg == '\0')
				rio_usage_error("empty -k field name");
			keys[nkey++] = optarg;
			break;
		case 'm':
			d.message = optarg;
			break;
		case OPT_RESOLVED_MESSAGE:
			d.resolved_message = optarg;
			break;
		case OPT_FOR:
			d.for_n = (int)optv_int("--for", optarg, 0, 1000000);
			break;
		case OPT_KEEP_FIRING_FOR:
			d.keep_n = (int)optv_int("--keep-firing-for", optarg, 0,
			                         1000000);
			break;
		case OPT_COOLDOWN:
			d.cooldown_ms =
			    optv_duration("--cooldown", optarg, OPTV_ZERO_OK);
			break;
		case OPT_SEVERITY:
			if (*optarg == '\0')
				rio_usage_error("empty --severity");
			d.severity = optarg;
			break;
		case OPT_EXEC:
			exec_cmd = optarg;
			break;
		case OPT_EXEC_TIMEOUT:
			exec_timeout =
			    optv_duration("--exec-timeout", optarg, 0);
			break;
		case OPT_EXEC_JOBS:
			exec_jobs = optv_int("--exec-jobs", optarg, 1, 1024);
			break;
		case OPT_PASS:
			pflag = 1;
			break;
		case OPT_RANK:
			rflag = 1;
			break;
		case OPT_STATE:
			if (*optarg == '\0')
				rio_usage_error("empty --state file name");
			state_path = optarg;
			break;
		case OPT_LOCK_TIMEOUT:
			lock_timeout = optv_duration("--lock-timeout", optarg,
			                             OPTV_ZERO_OK);
			break;
		case OPT_MAX_GROUPS:
			max_groups = optv_limit("--max-groups", optarg);
			break;
		default:
			rio_option(c, optarg, usage);
		}
	}
	if (nro == 0)
		rio_usage_error(
		    "no rules: give -r 'NAME: EXPR' or -F RULES.json");
	d.key = keys;
	d.nkey = nkey;
	d.has_key = nkey > 0;

	/* Rules, state and the hook command are checked before any input. */
	ruleset_t *rs = rules_new(on_alert, NULL);
	rules_set_time_field(rs, rio_time_field);
	for (size_t i = 0; i < nro; i++) {
		if (ro[i].file)
			rules_add_file(rs, ro[i].arg, &d);
		else
			rules_add_arg(rs, ro[i].arg, &d);
	}
	rules_set_max_groups(rs, max_groups);
	if (state_path != NULL) {
		rio_lock_state(state_path, lock_timeout);
		alert_state_load(rs, state_path);
		/* A reader that goes away must not cost the state: alerts
		 * already announced would be announced again. */
		rio_hold_epipe();
	}
	if (exec_cmd != NULL) {
		buf_t err = BUF_INIT;
		hooks = hook_open(exec_cmd, exec_timeout, (int)exec_jobs,
		                  "TINGLE_", &err);
		if (hooks == NULL)
			rio_usage_error("--exec: %s", err.p);
	}

	/* The fields rules and -k read that no record has are told at the
	 * end: a bare word in a rule is a field, not a string. */
	struct fieldseen *seen = fieldseen_new();
	watch_rules(seen, rs);
	alert_loop(rs, seen, argc - optind, argv + optind);

	/* Alerts reach standard output before waiting for slow hooks. */
	rio_out_flush();
	hook_close(hooks);
	fieldseen_warn(seen); /* after the hooks' own words */
	fieldseen_free(seen);
	int status = rules_fired(rs) > 0 ? 0 : 1;
	if (state_path != NULL && alert_state_save(rs, state_path) < 0)
		status = EX_IOERR;
	rules_free(rs);
	free(ro);
	free(keys);
	return rio_finish(status);
}
