/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The vCPU's registers in gdb's numbering. One table per architecture
 * gives each register's name, width and type; the target description
 * (gdb_target.c) is written from the same table, so the `g` packet's
 * layout and the XML gdb reads can never disagree. Register numbers and
 * feature names follow gdb's x86 descriptions (gdb manual, G.5.13 "i386
 * Features"): core, sse and segments, then hvmon's control registers. */
#ifndef HVMON_GDB_REGS_H
#define HVMON_GDB_REGS_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum gdb_arch { GDB_ARCH_I386, GDB_ARCH_X86_64 };

/* Everything gdb can see of one vCPU. */
struct gdb_cpu_state {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
};

enum gdb_reg_feature { GDB_FEAT_CORE, GDB_FEAT_SSE, GDB_FEAT_SEGMENTS, GDB_FEAT_SYSTEM };

struct gdb_reg_desc {
	const char *name;
	unsigned bits;          /* 32, 64, 80 or 128 */
	const char *type;       /* the XML type: int64, code_ptr, i387_ext, vec128... */
	const char *group;      /* the XML group, or NULL */
	enum gdb_reg_feature feature;
};

/* How many registers arch has, and register n's description (NULL past
 * the end). */
int gdb_reg_count(enum gdb_arch arch);
const struct gdb_reg_desc *gdb_reg_desc(enum gdb_arch arch, int n);

/* Register n's value as bits/8 bytes, target (little-endian) order.
 * Returns the byte count, or 0 when n is no register. */
size_t gdb_reg_get(enum gdb_arch arch, const struct gdb_cpu_state *st, int n, uint8_t *out);
/* Set register n from bits/8 bytes. -1 when n is no register, or it is a
 * segment selector being changed (selectors are read-only: hvmon would
 * have to load a descriptor to go with them, as `regs` refuses too). */
int gdb_reg_set(enum gdb_arch arch, struct gdb_cpu_state *st, int n, const uint8_t *in);

/* Bytes in a `g` reply: every register, in order. */
size_t gdb_regs_size(enum gdb_arch arch);

/* "i386" or "i386:x86-64", as BFD names them in <architecture>. */
const char *gdb_arch_name(enum gdb_arch arch);

/* The target description (gdb manual, G "Target Descriptions") for arch:
 * a NUL-ended XML document in a static buffer. */
const char *gdb_target_xml(enum gdb_arch arch, size_t *len);

#endif
