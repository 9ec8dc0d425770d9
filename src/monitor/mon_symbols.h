/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Finding the guest kernel's symbols for the monitor. */
#ifndef HVMON_MON_SYMBOLS_H
#define HVMON_MON_SYMBOLS_H

#include <stdio.h>

#include "board/machine.h"

struct symtab;

/* The best symbol table available for m's kernel (see mon_symbols.c), or
 * NULL; one line about the outcome goes to msg. With sysmap (--symbols)
 * only that file: NULL when it gives no symbols. */
struct symtab *mon_load_symbols(const struct machine *m, const char *sysmap, FILE *msg);

#endif
