/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Disassembly through capstone (loaded at the first call), in the CPU
 * mode the vCPU is in. */
#ifndef HVMON_DISAS_H
#define HVMON_DISAS_H

#include <stddef.h>
#include <stdint.h>

/* Decode one instruction at addr from code[0..len) for a 16-, 32- or
 * 64-bit CPU; writes "mnemonic operands" into out. Returns the
 * instruction's length, or 0 when it cannot be decoded (or capstone
 * cannot be loaded: said once on stderr). */
int disas_one(const uint8_t *code, size_t len, uint64_t addr, int bits,
	      char *out, size_t outlen);

#endif
