/*
 * alert_state.h - tingle-alert's state file (--state).
 *
 * The file carries a ruleset from one run to the next: per rule (by name,
 * with its condition and key fields) the state of each group it keeps
 * (pending, firing, or inactive with the last window it read), and per
 * way of picking groups the latest window read for each group.  It is one
 * JSON object:
 *
 *	{"version":1,"rules":[
 *	{"name":"low","when":"ratio < 0.2","key":null,"groups":[
 *	{"key":{"segment":"Sun"},"state":"firing","last":"...",...}]}],
 *	"seen":[
 *	{"key":null,"groups":[
 *	{"key":{"segment":"Sun"},"window_end":"..."}]}]}
 *
 * Key values and window edges are kept as the records wrote them, every
 * digit of a number and any character of a string (NUL included).
 */
#ifndef TINGLE_ALERT_STATE_H
#define TINGLE_ALERT_STATE_H

#include "rule.h"
#include "util.h"

/*
 * Load pending and firing state, and the last window seen per group, from
 * a state file written by alert_state_save into rs, whose rules are all
 * added.  A file that does not exist is an empty state.  State of rules
 * that are gone, or whose condition or key changed, is dropped with a
 * warning.  A file that cannot be read or is a directory ends the program
 * with exit 66 (EX_NOINPUT), an invalid one with exit 65 (EX_DATAERR).
 */
void alert_state_load(ruleset_t *rs, const char *path);

/* Append the state of rs, as alert_state_save writes it, to b. */
void alert_state_format(const ruleset_t *rs, buf_t *b);

/*
 * Write the state to path atomically: a temporary file in the same
 * directory, fsync, rename.  Returns 0, or -1 with a diagnostic printed
 * (the old file is then left as it was).
 */
int alert_state_save(const ruleset_t *rs, const char *path);

#endif
