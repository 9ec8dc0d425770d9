/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gdb's `break LOCATION if EXPR` (also tbreak and hbreak), from the words
 * the command line was split into: the location is the first word, the
 * condition everything after a word "if" (or a word starting "if(", as in
 * gdb's `break f if(x)`), so a symbol like ifup is never cut. */
#ifndef HVMON_BREAK_IF_H
#define HVMON_BREAK_IF_H

#include <stdbool.h>
#include <stddef.h>

#include "vmm/breakpoint.h"

struct break_args {
	const char *location;     /* one of words[] */
	char cond[BP_COND_MAX];   /* "" without "if" */
};

/* words[0..n-1] are the arguments after the command name. 0, or -1 with
 * one line in err. */
int break_if_parse(int n, char **words, struct break_args *out, char *err, size_t errlen);

/* words joined by single blanks into out (the split at blanks undone, as
 * for an expression): false when they do not fit in outlen bytes. */
bool break_if_join(int n, char **words, char *out, size_t outlen);

#endif
