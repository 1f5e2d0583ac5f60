/*
 * optv.h - option values: one wording and one meaning in every stage.
 *
 * Whole numbers, limits, durations, sizes, real numbers and enumerations
 * given on the command line are read here.  The optv_parse_* functions
 * return 0 and set *out, or return -1 on a bad value; the optv_* wrappers
 * print the usage error every stage prints for a bad value and exit 64:
 *
 *	prog: invalid --OPT 'VALUE' (WHAT WAS EXPECTED)
 *	Try 'prog --help' for more information.
 */
#ifndef TINGLE_OPTV_H
#define TINGLE_OPTV_H

#include <stddef.h>
#include <stdint.h>

/* A whole number in decimal from lo to hi, nothing before or after. */
int optv_parse_int(const char *arg, long long lo, long long hi, long long *out);

/* A limit: a whole number from 0 up; 0 means no limit (*out = SIZE_MAX). */
int optv_parse_limit(const char *arg, size_t *out);

/* A size: a whole number with an optional k, M or G (powers of 1024),
 * then an optional "i" and "B": 64k, 1MiB, 2G. */
int optv_parse_size(const char *arg, size_t *out);

/* A real number (strtod's decimal form, no hex, inf or nan) from lo to
 * hi. */
int optv_parse_real(const char *arg, double lo, double hi, double *out);

/* The index of arg in names (a NULL-ended list), or -1. */
int optv_parse_enum(const char *arg, const char *const *names);

/* The same, exiting 64 with the usage error on a bad value.  opt is the
 * option as the user wrote it, with its dashes ("--for", "-w"). */
long long optv_int(const char *opt, const char *arg, long long lo,
                   long long hi);
size_t optv_limit(const char *opt, const char *arg);
size_t optv_size(const char *opt, const char *arg);
double optv_real(const char *opt, const char *arg, double lo, double hi);
int optv_enum(const char *opt, const char *arg, const char *const *names);

/* A duration (lib/ttime.c dur_parse: 30s, 5m, 1h30m, 0).  flags: */
enum {
	OPTV_ZERO_OK = 1, /* 0 is allowed (otherwise it must be > 0) */
};
int64_t optv_duration(const char *opt, const char *arg, int flags);

#endif
