/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Turning x86 register values into words: flag names, the CPU mode. */
#ifndef HVMON_REGS_FORMAT_H
#define HVMON_REGS_FORMAT_H

#include <linux/kvm.h>
#include <stddef.h>
#include <stdint.h>

enum reg_bits_kind { BITS_RFLAGS, BITS_CR0, BITS_CR4, BITS_EFER };

/* Names of the set bits, space-separated ("IF ZF"); RFLAGS also gets
 * IOPL=n. Writes "" when none is set. */
void regs_format_bits(enum reg_bits_kind kind, uint64_t value, char *out, size_t outlen);

/* The CPU mode in words: "real mode", "32-bit protected mode, paging off",
 * "64-bit long mode, 4-level paging", ... */
void regs_describe_mode(const struct kvm_sregs *s, char *out, size_t outlen);

/* One segment register as "name=0xSEL base=0x... limit=0x... ..." */
void regs_format_segment(const char *name, const struct kvm_segment *seg,
			 char *out, size_t outlen);

/* The whole register dump the `regs` command prints. */
void regs_format_all(const struct kvm_regs *r, const struct kvm_sregs *s,
		     char *out, size_t outlen);

#endif
