/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Parsing of monitor command lines and of numbers the user types. */
#ifndef HVMON_PARSE_H
#define HVMON_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PARSE_MAX_ARGS 32

/* Split line into words in place: blanks separate, "double quotes" group
 * (with \" and \\ inside), # outside quotes starts a comment. Returns the
 * word count, or -1 with one line in err (unterminated quote, too many
 * words). */
int parse_split(char *line, char **argv, int max_args, char *err, size_t errlen);

/* An unsigned number: decimal, 0x hex, 0o or leading-0 octal, 0b binary.
 * False when s is not entirely a number or overflows 64 bits. */
bool parse_u64(const char *s, uint64_t *out);

/* A size with an optional K/M/G/T suffix (binary multiples, case-insensitive,
 * optional trailing B or iB): "256M", "1G", "65536". False on garbage or
 * overflow. */
bool parse_size(const char *s, uint64_t *out);

/* A duration in seconds, possibly fractional ("2", "0.5", "30s", "250ms"),
 * at most PARSE_SECONDS_MAX (a year). */
#define PARSE_SECONDS_MAX (365.0 * 24 * 3600)
bool parse_seconds(const char *s, double *out);

#endif
