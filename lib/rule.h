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
 * The state that carries rules from run to run (--state) is kept by
 * lib/alert_state.h, through the functions at the end of this file.
 *
 * Ownership: a ruleset owns its rules and groups; alert records passed to
 * the callback are valid only during the call.
 */
#ifndef TINGLE_RULE_H
#define TINGLE_RULE_H

#include <stddef.h>
#include <stdint.h>

#include "expr.h"
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
	const char *rec;    /* the alert record: one JSON object, no newline */
	size_t len;         /* its length */
	const char *rule;   /* the rule's name */
	const char *state;  /* "firing" or "resolved" */
	const char *label;  /* "NAME STATE (key=value, ...)" for diagnostics */
	const char *cohort; /* the group: "os = Android" for a record of
	                     * tingle-count --each, else "k = v, ..." of its
	                     * key fields; "" for one group (NUL as '?') */
	const rec_t *in;    /* the input record that made it */
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

void rules_free(ruleset_t *rs);

/* ---- what the state file keeps (lib/alert_state.c) -------------------- */

/* The states of a rule's group. */
enum { RULE_INACTIVE, RULE_PENDING, RULE_FIRING };

/* A rule, as the state file names it. */
struct rule_info {
	const char *name;
	const char *when;   /* the condition's source */
	const expr_t *expr; /* the condition */
	int64_t cooldown_ms;
	size_t spec; /* how it picks groups (rules_spec) */
};

/* Rule i (0 to rules_count() - 1). */
void rules_info(const ruleset_t *rs, size_t i, struct rule_info *out);

/* A way of picking groups, shared by the rules that pick them alike. */
struct rule_spec {
	const char *const *names; /* the key fields, unless dflt */
	size_t n;
	int dflt; /* the default key (see struct rule_defaults) */
};

size_t rules_nspecs(const ruleset_t *rs);
void rules_spec(const ruleset_t *rs, size_t spec, struct rule_spec *out);

/* The state of one rule for one group, as the state file keeps it. */
struct rule_gstate {
	const char *key; /* the key fields: one JSON object */
	int state;       /* RULE_* */
	int hold;        /* consecutive windows the condition held */
	int miss;        /* consecutive windows it failed while firing */
	int repeat;      /* announcements after the first of the episode */
	int quiet;       /* firing, but not announced (the cooldown) */
	int has_last, has_announced, has_since, has_until;
	int64_t last;      /* end of the last window evaluated (ms) */
	int64_t announced; /* event time of the last firing announcement */
	const char *since; /* end of the episode's first window, as written */
	size_t since_len;
	int64_t since_ms;
	const char *until; /* end of the first window without it */
	size_t until_len;
	int64_t until_ms;
};

typedef struct rule_group rule_group_t;
typedef void (*rule_group_fn)(void *ctx, const struct rule_gstate *gs);

/* Call fn for each group rule i keeps, in a fixed order. */
void rules_each_group(const ruleset_t *rs, size_t i, rule_group_fn fn,
                      void *ctx);

/*
 * Add to rule i the group whose key fields the JSON object text
 * key[0..n) holds, inactive.  Returns -1 when key is not an object;
 * else 0, with *g the new group, or NULL when the rule has it already,
 * and *keytext the key fields as written (valid until the next call).
 */
int rules_group_add(ruleset_t *rs, size_t i, const char *key, size_t n,
                    rule_group_t **g, const char **keytext);

/* Put group g of rule i in state (RULE_*). */
void rules_group_set_state(ruleset_t *rs, size_t i, rule_group_t *g, int state);

/* Give g, in its state already, the rest of gs (key and state aside). */
void rules_group_restore(rule_group_t *g, const struct rule_gstate *gs);

/*
 * The latest window read per group under a spec (whatever the rules made
 * of it): a record of an older window is evaluated by none of its rules.
 * rules_seen_get gives entry id (0 to rules_seen_len() - 1): its key
 * fields as one JSON object, and in *end the end of that window (ms).
 */
size_t rules_seen_len(const ruleset_t *rs, size_t spec);
const char *rules_seen_get(const ruleset_t *rs, size_t spec, size_t id,
                           int64_t *end);

/* Note the window ending at end as read by the group with the key fields
 * of the object text key[0..n); -1 when it is not an object. */
int rules_seen_restore(ruleset_t *rs, size_t spec, const char *key, size_t n,
                       int64_t end);

#endif
