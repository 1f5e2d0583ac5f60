/*
 * rulestate.h - load and compare tingle-alert state files written by
 * alert_state_save(), for fuzz_rules.c and fuzz_state.c.
 */
#ifndef TINGLE_FUZZ_RULESTATE_H
#define TINGLE_FUZZ_RULESTATE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "alert_state.h"
#include "rule.h"
#include "util.h"

/* A ruleset and a file, for a call run under trap_run(). */
struct job {
	ruleset_t *rs;
	const char *path;
};

static void
load_state(void *arg)
{
	struct job *j = arg;

	alert_state_load(j->rs, j->path);
}

/* Write p[0..n) to path, or abort: the harness cannot go on without it. */
static void
write_file(const char *path, const char *p, size_t n)
{
	FILE *fp = fopen(path, "w");

	if (fp == NULL || fwrite(p, 1, n, fp) != n || fclose(fp) != 0)
		abort();
}


static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * A saved state as text that does not depend on the order of the groups,
 * which are saved in hash table order: each rule without its groups, then
 * its groups sorted, each as compact JSON with sorted keys.
 */
static char *
canonical_state(const char *path,
                void (*fail)(const char *, const char *, size_t))
{
	json_error_t err;
	json_t *doc = json_load_file(path, JSON_ALLOW_NUL, &err), *rules, *r;
	buf_t b = BUF_INIT;
	size_t i;

	if (doc == NULL)
		fail("a saved state is not JSON", err.text, strlen(err.text));
	rules = json_object_get(doc, "rules");
	json_array_foreach(rules, i, r)
	{
		json_t *groups = json_incref(json_object_get(r, "groups"));
		size_t n = json_array_size(groups), k;
		char **g = xcalloc(n + 1, sizeof *g), *s;

		json_object_del(r, "groups");
		s = json_dumps(r, JSON_SORT_KEYS | JSON_COMPACT);
		buf_adds(&b, s);
		buf_addc(&b, '\n');
		free(s);
		for (k = 0; k < n; k++)
			g[k] = json_dumps(json_array_get(groups, k),
			                  JSON_SORT_KEYS | JSON_COMPACT);
		qsort(g, n, sizeof *g, cmp_str);
		for (k = 0; k < n; k++) {
			buf_adds(&b, "  ");
			buf_adds(&b, g[k]);
			buf_addc(&b, '\n');
			free(g[k]);
		}
		free(g);
		json_decref(groups);
	}
	json_decref(doc);
	return b.p ? b.p : xstrdup("");
}

#endif
