// SPDX-License-Identifier: GPL-3.0-or-later
/* Prints `diagnose`'s rule table as Markdown (diag_print_table), the
 * source of docs/monitor.md's list of diagnoses (scripts/mkdiag.sh). */
#include <stdio.h>

#include "monitor/diagnose_rules.h"

int main(void)
{
	diag_print_table(stdout);
	return fflush(stdout) == 0 ? 0 : 1;
}
