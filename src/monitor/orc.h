/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The kernel's ORC unwind tables (CONFIG_UNWINDER_ORC): which entry covers
 * an instruction address, and what it says. Formats from Linux
 * arch/x86/include/asm/orc_types.h, which changed twice:
 *   up to 6.2: s16 sp_offset, s16 bp_offset, sp_reg:4, bp_reg:4, type:2
 *              (CALL 0, REGS 1, REGS_PARTIAL 2), end:1
 *   6.3:       the same, type:2, signal:1, end:1
 *   6.4 on:    type:3 (UNDEFINED 0, END_OF_STACK 1, CALL 2, REGS 3,
 *              REGS_PARTIAL 4), signal:1
 * Entries are decoded into one form. .orc_unwind_ip holds s32 offsets,
 * each relative to its own address; the tables are sorted by address at
 * build time (scripts/sorttable), and an entry covers every address up to
 * the next entry's. */
#ifndef HVMON_ORC_H
#define HVMON_ORC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Base registers (the same numbers in every layout). */
enum orc_reg {
	ORC_REG_UNDEFINED = 0, ORC_REG_PREV_SP = 1, ORC_REG_DX = 2, ORC_REG_DI = 3,
	ORC_REG_BP = 4, ORC_REG_SP = 5, ORC_REG_R10 = 6, ORC_REG_R13 = 7,
	ORC_REG_BP_INDIRECT = 8, ORC_REG_SP_INDIRECT = 9,
};

enum orc_type {
	ORC_UNDEFINED,      /* no unwind information here: the unwind fails */
	ORC_END,            /* the outermost frame: the unwind ends normally */
	ORC_CALL,           /* the return address is at CFA - 8 */
	ORC_REGS,           /* CFA points at a full struct pt_regs */
	ORC_REGS_PARTIAL,   /* CFA points at the iret frame (ip cs flags sp ss) */
};

enum orc_layout { ORC_LAYOUT_5X, ORC_LAYOUT_63, ORC_LAYOUT_64 };

#define ORC_ENTRY_SIZE 6

struct orc_entry {
	int16_t sp_offset, bp_offset;
	uint8_t sp_reg, bp_reg;      /* enum orc_reg */
	enum orc_type type;
	bool signal;    /* the IP is exact (an interrupted instruction), not a return address */
};

struct orc_table {
	size_t n;
	uint64_t *ip;            /* absolute addresses, sorted */
	struct orc_entry *entry;
};

/* The layout a kernel of version major.minor uses. */
enum orc_layout orc_layout_for_version(int major, int minor);

/* Decode one 6-byte entry. */
void orc_decode(const uint8_t raw[ORC_ENTRY_SIZE], enum orc_layout layout,
		struct orc_entry *out);

/* Build a table from the two sections as they lie in the image:
 * ip_sec (n * 4 bytes) loaded at ip_sec_addr, and entries (n * 6 bytes).
 * The addresses must come out sorted. 0, or -1 with one line in err. */
int orc_table_build(struct orc_table *t, const uint8_t *ip_sec, uint64_t ip_sec_addr,
		    const uint8_t *entries, size_t n, enum orc_layout layout,
		    char *err, size_t errlen);
void orc_table_free(struct orc_table *t);

/* The entry covering ip (the last one at or below it), or NULL when ip lies
 * before the first entry or the table is empty. */
const struct orc_entry *orc_find(const struct orc_table *t, uint64_t ip);

/* "sp+16 bp=prevsp-16 call" for info frame. */
void orc_entry_format(const struct orc_entry *e, char *out, size_t len);

#endif
