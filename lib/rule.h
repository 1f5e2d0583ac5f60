/*
 * rule.h - alert rules and the state machine each rule runs per group
 * (tingle-alert(1)).
 *
 * A rule has a name, a condition (an expression), and settings: for (the
 * condition must hold for that many consecutive windows of a group before
 * it fires), keep_firing_for (windows it may fail while the alert still
 * fires), cooldown (event time after a group's firing announcement before
 * the next one: a reminder while it keeps firing, or a new episode),
 * severity, message templates (firing and resolved), the key fields that
 * make up a group, and fixed labels.  Each record is evaluated by every
 * rule; the rule's key fields pick the group, and the group's state moves
 *
 *	inactive -> pending -> firing -> resolved (inactive again)
 *
 * Going to firing, a repeat after the cooldown, and resolving each make an
 * alert record, handed to the ruleset's emit callback.  An episode that
 * goes to firing within the cooldown is announced only once the cooldown
 * has passed and it still fires; if it resolves before, neither its
 * firing nor its resolving is announced.
 *
 * Errors in rules (syntax, unknown settings, bad values) are reported with
 * util_die(): exit 64, or 66 for a rules file that does not exist.
 *
 * Ownership: a ruleset owns its rules and groups; alert records passed to
 * the callback are valid only during the call.
 */
#ifndef TINGLE_RULE_H
#define TINGLE_RULE_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "util.h"

/* Settings a rule takes when it does not give its own. */
struct rule_defaults {
	int for_n;           /* 0 and 1 both fire at the first window */
	int keep_n;          /* keep_firing_for */
	int64_t cooldown_ms; /* 0: no cooldown, and no reminders */
	const char *severity;
	const char *message; /* template source, or NULL for the default */
	const char *resolved_message; /* the same, for resolved alerts */
	char **key;                   /* key fields, when has_key */
	size_t nkey;
	int has_key; /* 0: key by every field of the record but its window,
	              * its time and the measures (see tingle-alert(1)) */
};

/* An alert record made by rules_eval. */
struct alert_event {
	const char *rec;   /* the alert record: one JSON object, no newline */
	size_t len;        /* its length */
	const char *rule;  /* the rule's name */
	const char *state; /* "firing" or "resolved" */
	const char *label; /* "NAME STATE (key=value, ...)" for diagnostics */
};

typedef void (*alert_emit_fn)(void *ctx, const struct alert_event *ev);

typedef struct ruleset ruleset_t;

/* A new empty ruleset whose alerts go to emit(ctx, ...). */
ruleset_t *rules_new(alert_emit_fn emit, void *ctx);

/* Add the rule "NAME: EXPR" (the -r option), with the defaults d. */
void rules_add_arg(ruleset_t *rs, const char *arg,
                   const struct rule_defaults *d);

/*
 * Add the rules of a JSON file holding an array of rule objects with the
 * members name, when, for, keep_firing_for, cooldown, severity, message,
 * resolved_message, key and labels; d gives what a rule leaves out.
 */
void rules_add_file(ruleset_t *rs, const char *path,
                    const struct rule_defaults *d);

/* Number of rules. */
size_t rules_count(const ruleset_t *rs);

/* Stop with exit 70 once more than max groups are tracked (0: no cap). */
void rules_set_max_groups(ruleset_t *rs, size_t max);

/*
 * Read a record's event time, when it has no window_end, from the field
 * name (default "ts").  name is borrowed: it must outlive rs.
 */
void rules_set_time_field(ruleset_t *rs, const char *name);

/*
 * Check the times rules_eval reads from r: window_end and window_start
 * when it has a window_end, else the time field (rules_set_time_field).
 * Returns 0 when each is absent, null or a time; else -1, with *name and
 * *v naming the first that is not (the record is bad input).  A
 * rules_eval of the same record next takes the times read here.
 */
int rules_check_time(ruleset_t *rs, const rec_t *r, const char **name,
                     const jfield_t **v);

/*
 * Evaluate every rule against record r (read from file:line, for
 * diagnostics), moving group states and emitting alert records.
 */
void rules_eval(ruleset_t *rs, const rec_t *r, const char *file,
                unsigned long line);

/* Number of firing alert records emitted so far (repeats included). */
unsigned long rules_fired(const ruleset_t *rs);

/*
 * Load pending and firing state, and the last window seen per group, from
 * a state file written by rules_save_state.  A file that does not exist is
 * an empty state.  State of rules that are gone, or whose condition or key
 * changed, is dropped with a warning.  A file that cannot be read or is a
 * directory ends the program with exit 66 (EX_NOINPUT), an invalid one
 * with exit 65 (EX_DATAERR).
 */
void rules_load_state(ruleset_t *rs, const char *path);

/*
 * Write the state to path atomically: a temporary file in the same
 * directory, fsync, rename.  Returns 0, or -1 with a diagnostic printed
 * (the old file is then left as it was).
 */
int rules_save_state(const ruleset_t *rs, const char *path);

void rules_free(ruleset_t *rs);

#endif
