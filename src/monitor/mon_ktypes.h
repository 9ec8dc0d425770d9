/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Typed values in the monitor: the kernel's BTF (loaded on first use),
 * evaluating a typed expression on the selected vCPU (through its page
 * tables and the selected frame's registers), printing the result, writing
 * guest memory, and the `display` list re-printed at every stop. */
#ifndef HVMON_MON_KTYPES_H
#define HVMON_MON_KTYPES_H

#include "monitor/monitor.h"
#include "monitor/texpr.h"

#define MON_MAX_DISPLAYS 16

struct mon_display {
	char *expr;     /* NULL: a free slot */
	char fmt;
};

/* The kernel's BTF, or NULL with the reason printed as an error. */
const struct btf *mon_btf(struct monitor *mon);

/* Evaluate text on the paused selected vCPU: 0 and *out (env ready for
 * texpr_scalar and printing), or -1 with the error printed. */
int mon_texpr(struct monitor *mon, const char *text, struct tval *out, struct texpr_env *env);

/* Print v ("= " already written by the caller) in format fmt, then a
 * newline. */
void mon_print_tval(struct monitor *mon, const struct texpr_env *env, const struct tval *v,
		    char fmt);

/* Write len bytes to guest-virtual addr through the selected vCPU's page
 * tables: 0, or -1 with the error printed (nothing is written unless every
 * page is mapped RAM). */
int mon_write_virt(struct monitor *mon, uint64_t addr, const void *buf, size_t len);

/* Re-print every display (after a stop); quiet when there is none. */
void mon_show_displays(struct monitor *mon);

/* The C type of a well-known kernel global that BTF does not type
 * (kglobals.c), or NULL. */
const char *kglobal_type(const char *name);

#endif
