/*
 * optv.c - option values: one wording and one meaning in every stage.
 */
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optv.h"
#include "rio.h"
#include "ttime.h"
#include "util.h"

int
optv_parse_int(const char *arg, long long lo, long long hi, long long *out)
{
	const char *p = arg;
	char *end;
	long long v;

	if (*p == '-' || *p == '+')
		p++;
	if (*p < '0' || *p > '9') /* no spaces, no empty value */
		return -1;
	errno = 0;
	v = strtoll(arg, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int
optv_parse_limit(const char *arg, size_t *out)
{
	long long v;

	if (optv_parse_int(arg, 0, LLONG_MAX, &v) < 0 || arg[0] == '+')
		return -1;
	*out =
	    v == 0 || (unsigned long long)v > SIZE_MAX ? SIZE_MAX : (size_t)v;
	return 0;
}

int
optv_parse_size(const char *arg, size_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (*arg < '0' || *arg > '9')
		return -1;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno != 0)
		return -1;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	}
	if (shift != 0 && *end == 'i')
		end++;
	if (*end == 'B')
		end++;
	if (*end != '\0' || v > (~0ULL >> shift) || (v << shift) > SIZE_MAX)
		return -1;
	*out = (size_t)(v << shift);
	return 0;
}

int
optv_parse_real(const char *arg, double lo, double hi, double *out)
{
	const char *p = arg;
	char *end;
	double v;

	if (*p == '-' || *p == '+')
		p++;
	/* Digits or a point first: no spaces, hex, "inf" or "nan". */
	if ((*p < '0' || *p > '9') && *p != '.')
		return -1;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		return -1;
	errno = 0;
	v = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !isfinite(v) ||
	    v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int
optv_parse_enum(const char *arg, const char *const *names)
{
	for (int i = 0; names[i] != NULL; i++)
		if (strcmp(arg, names[i]) == 0)
			return i;
	return -1;
}

long long
optv_int(const char *opt, const char *arg, long long lo, long long hi)
{
	long long v;

	if (optv_parse_int(arg, lo, hi, &v) < 0)
		rio_usage_error(
		    "invalid %s '%s' (a whole number from %lld to %lld)", opt,
		    arg, lo, hi);
	return v;
}

size_t
optv_limit(const char *opt, const char *arg)
{
	size_t v;

	if (optv_parse_limit(arg, &v) < 0)
		rio_usage_error(
		    "invalid %s '%s' (a whole number; 0 means no limit)", opt,
		    arg);
	return v;
}

size_t
optv_size(const char *opt, const char *arg)
{
	size_t v;

	if (optv_parse_size(arg, &v) < 0)
		rio_usage_error(
		    "invalid %s '%s' (a size such as 4096, 64k, 1M)", opt, arg);
	return v;
}

double
optv_real(const char *opt, const char *arg, double lo, double hi)
{
	double v;

	if (optv_parse_real(arg, lo, hi, &v) < 0) {
		if (hi >= DBL_MAX)
			rio_usage_error(
			    "invalid %s '%s' (a number of %g or more)", opt,
			    arg, lo);
		rio_usage_error("invalid %s '%s' (a number from %g to %g)", opt,
		                arg, lo, hi);
	}
	return v;
}

int
optv_enum(const char *opt, const char *arg, const char *const *names)
{
	int i = optv_parse_enum(arg, names);
	buf_t b = BUF_INIT;

	if (i >= 0)
		return i;
	for (int k = 0; names[k] != NULL; k++) {
		if (k > 0)
			buf_adds(&b, names[k + 1] == NULL ? " or " : ", ");
		buf_adds(&b, names[k]);
	}
	buf_addc(&b, '\0');
	rio_usage_error("invalid %s '%s' (%s)", opt, arg, b.p);
}

int64_t
optv_duration(const char *opt, const char *arg, int flags)
{
	int64_t ms;

	if (dur_parse(arg, &ms) < 0 || ms < 0 ||
	    (ms == 0 && !(flags & OPTV_ZERO_OK)))
		rio_usage_error(
		    "invalid %s '%s' (a duration such as 30s, 5m, 1h30m)", opt,
		    arg);
	return ms;
}
