/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Registers by name, for expressions ($rip) and `regs NAME=VALUE`. */
#ifndef HVMON_REG_ACCESS_H
#define HVMON_REG_ACCESS_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>

struct reg_file {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	bool sregs_dirty, regs_dirty;
};

/* Read register name (case-insensitive: rax, eax, rip, rflags, cr3, efer,
 * cs, cs.base, gdt.base, ...) from rf. False when there is no such name. */
bool reg_get(const struct reg_file *rf, const char *name, uint64_t *val);
/* Set register name to val. REG_TOO_WIDE when val does not fit the
 * register (eax and the other 32-bit names, a 16-bit table limit):
 * nothing is truncated behind the user's back. */
enum reg_set_result { REG_SET_OK, REG_UNKNOWN, REG_READ_ONLY, REG_TOO_WIDE };
enum reg_set_result reg_set(struct reg_file *rf, const char *name, uint64_t val);

/* Successive register names starting with prefix (TAB completion), then
 * NULL. Set *iter to 0 first. */
const char *reg_complete(const char *prefix, int *iter);

#endif
