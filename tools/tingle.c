/*
 * tingle - run a stage: "tingle STAGE ARGS..." executes tingle-STAGE.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static const struct {
	const char *name;
	const char *what;
} stages[] = {
    {"parse", "turn raw log lines, CSV and JSON into records"},
    {"segment", "filter records, join a lookup table, assign segments"},
    {"count", "count records per event-time window and group"},
    {"compare", "put an expected value next to every count"},
    {"alert", "fire, repeat and resolve alerts from rules"},
    {"stitch", "one record per key, mail message, or expected follow-up"},
    {"report", "draw windows and alerts as an HTML page or text"},
};

static int
is_stage(const char *name)
{
	for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++)
		if (!strcmp(name, stages[i].name))
			return 1;
	return 0;
}

static void
usage(FILE *fp)
{
	fprintf(fp,
	        "usage: tingle STAGE [ARGS...]\n"
	        "       tingle help [STAGE] | --help | --version\n\n"
	        "Stages (each is also a command of its own, tingle-STAGE):\n");
	for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++)
		fprintf(fp, "  %-8s  %s\n", stages[i].name, stages[i].what);
	fprintf(
	    fp,
	    "\nSee tingle(7) for the conventions all stages share and tingle-STAGE(1) for each.\n");
}

int
main(int argc, char **argv)
{
	char path[PATH_MAX], self[PATH_MAX], *hargv[4];
	const char *stage;
	ssize_t n;

	util_progname = "tingle";
	if (argc < 2) {
		usage(stderr);
		return EX_USAGE;
	}
	stage = argv[1];
	if (!strcmp(stage, "help") && argc > 2) {
		/* tingle help STAGE is tingle STAGE --help, as git help does.
		 */
		if (!is_stage(argv[2]))
			util_die(EX_USAGE,
			         "'%s' is not a stage; see 'tingle help'",
			         argv[2]);
		hargv[0] = argv[0];
		hargv[1] = argv[2];
		hargv[2] = "--help";
		hargv[3] = NULL;
		argv = hargv;
		stage = argv[1];
	} else if (!strcmp(stage, "help") || !strcmp(stage, "-h") ||
	           !strcmp(stage, "--help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(stage, "--version")) {
		printf("tingle %s\n", TINGLE_VERSION);
		return 0;
	}
	if (strchr(stage, '/') != NULL || stage[0] == '-')
		util_die(EX_USAGE, "'%s' is not a stage; see 'tingle help'",
		         stage);
	snprintf(path, sizeof path, "tingle-%s", stage);
	argv[1] = path;

	/* Prefer the stage installed beside this binary, then PATH. */
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash != NULL) {
			char full[PATH_MAX + 16];
			*slash = '\0';
			snprintf(full, sizeof full, "%s/tingle-%s", self,
			         stage);
			if (access(full, X_OK) == 0)
				execv(full, argv + 1);
		}
	}
	execvp(path, argv + 1);
	if (errno == ENOENT)
		util_die(EX_USAGE, "'%s' is not a stage; see 'tingle help'",
		         stage);
	util_die(EX_OSERR, "cannot run %s: %s", path, strerror(errno));
}
