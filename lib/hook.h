/*
 * hook.h - running a command for each alert: the alert record on its
 * standard input, its fields in the environment, a time limit, and a cap
 * on how many run at once.
 *
 * The command line is split into words once, when the hook set is opened
 * (hook_split), and every run is a plain execvp of those words: nothing
 * from a record is ever seen by a shell.  A hook's standard output goes to
 * our standard error, so it can never corrupt the NDJSON on standard
 * output.  Each hook runs in a process group of its own; when it passes
 * its time limit the whole group gets SIGTERM, and SIGKILL a second later.
 * A hook that cannot be started, exits non-zero, dies of a signal or times
 * out is reported on standard error as "prog: hook for LABEL: problem";
 * it never stops the caller.
 *
 * Ownership: hook_open returns a set the caller ends with hook_close.
 * hook_run copies what it is given.
 */
#ifndef TINGLE_HOOK_H
#define TINGLE_HOOK_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

typedef struct hookset hookset_t;

/*
 * Split s into words the way a shell splits a simple command, without any
 * expansion: blanks separate words; 'single quotes' keep everything
 * literally; "double quotes" keep everything except that a backslash
 * escapes $ ` " \ and newline; outside quotes a backslash keeps the next
 * character.  Returns a NULL-terminated array of words (free with
 * hook_words_free), or NULL with a message in err on an unterminated
 * quote or an empty command.
 */
char **hook_split(const char *s, buf_t *err);
void hook_words_free(char **words);

/*
 * Open a hook set for the command line cmd, with a time limit per run and
 * at most jobs runs at a time.  Variables of our own environment whose
 * names start with prefix (unless NULL) are not passed on, so a run sees
 * only those hook_run gives it under that prefix.  Returns NULL with a
 * message in err when cmd does not split or its program is not found on
 * PATH.
 */
hookset_t *hook_open(const char *cmd, int64_t timeout_ms, int jobs,
                     const char *prefix, buf_t *err);

/* Bounds on what a run gets in its environment (see hook_env). */
#define HOOK_VALUE_MAX 8192      /* bytes of one value, before HOOK_CUT */
#define HOOK_CUT "[...]"         /* ends a value that was cut */
#define HOOK_NAME_MAX 128        /* bytes of one name, prefix included */
#define HOOK_ENV_MAX (128 << 10) /* bytes of all of them, "N=V" each */
#define HOOK_LABEL_MAX 200       /* bytes of a label in diagnostics */

/*
 * The variables of a run for the alert record rec[0..n) (a JSON object):
 * each field as the set's prefix and its name upper-cased, every byte
 * other than an ASCII letter or digit as '_', strings decoded, other
 * values as JSON.  Returns a NULL-terminated array of "NAME=value"
 * strings for hook_run; free it with hook_env_free.
 *
 * A value longer than HOOK_VALUE_MAX bytes is cut there, at a UTF-8
 * character boundary, and HOOK_CUT appended; a NUL in a value becomes
 * U+FFFD.  When two fields give the same name (a-b and a_b), the first
 * in the record keeps it and the other is left out; so is a field whose
 * name would be longer than HOOK_NAME_MAX, and every field that would
 * take all the variables past HOOK_ENV_MAX bytes (the alert's own fields
 * alert, state, severity, since, until, duration, repeat and message go
 * first).  Each of these is reported once per run on standard error,
 * "prog: hook for LABEL: ...".  The record on standard input stays whole.
 */
char **hook_env(hookset_t *h, const char *rec, size_t n, const char *label);

/* Add "name=value" (value cut as above) to env, a hook_env array, unless
 * it has name already or the variables would pass HOOK_ENV_MAX bytes;
 * returns the array, which may have moved. */
char **hook_env_add(char **env, const char *name, const char *value);
void hook_env_free(char **env);

/* Append label to out for a diagnostic: at most HOOK_LABEL_MAX bytes (a
 * longer one is cut at a UTF-8 boundary and ends in "..."), with control
 * characters as '?'. */
void hook_label(const char *label, buf_t *out);

/*
 * Start the command with input[0..n) on its standard input and the
 * NULL-terminated "NAME=value" strings of env added to (or replacing in)
 * the environment.  label names the run in diagnostics.  When jobs runs
 * are already going, waits (flushing pending output first) until one
 * ends or is stopped at its time limit.
 */
void hook_run(hookset_t *h, const char *input, size_t n, char *const *env,
              const char *label);

/*
 * Make progress without blocking: feed standard input, collect runs that
 * ended, stop runs past their limit.  Returns the number of milliseconds
 * the caller may wait before calling again (at most 50), or -1 when no run
 * is going.
 */
int hook_poll(hookset_t *h);

/* Number of runs going. */
int hook_running(const hookset_t *h);

/*
 * Wait for every run to end (each within its time limit).  When a signal
 * stops the process (rio_stop_signal), runs still going get SIGTERM.
 */
void hook_wait(hookset_t *h);

/* Runs that failed so far. */
unsigned long hook_failures(const hookset_t *h);

/* Wait for every run, then free h.  hook_close(NULL) does nothing. */
void hook_close(hookset_t *h);

#endif
