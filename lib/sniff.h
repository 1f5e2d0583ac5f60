/*
 * sniff.h - a guess at what a bad line of input is, for tingle-parse's
 * summary of a run in which every line was bad: a compressed file, a
 * binary one, or a log in another format than -f says.
 */
#ifndef TINGLE_SNIFF_H
#define TINGLE_SNIFF_H

#include <stddef.h>
#include <stdint.h>

/*
 * Look at line num, p[0..n), of input read as format fmt (a -f name, or
 * NULL for -e patterns alone); rows is set when fmt reads CSV rows, which
 * are only checked for being compressed or binary.  now_sec and year
 * date syslog stamps, as --year does.  Returns a hint such as "is it
 * compressed?" or "it reads as -f exim" (static text, valid until the
 * next call), or NULL when there is nothing to say.
 */
const char *sniff_line(unsigned long num, const char *p, size_t n,
                       const char *fmt, int rows, int64_t now_sec, int year);

#endif
