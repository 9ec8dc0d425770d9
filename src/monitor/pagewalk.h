/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Software page-table walk: translate a guest-virtual (linear) address to a
 * guest-physical one the way the CPU would, recording every level visited.
 * Pure library: guest memory is read through a callback, and every entry
 * read from it is treated as hostile input. Rules from the Intel SDM vol. 3A,
 * chapter 4 "Paging". */
#ifndef HVMON_PAGEWALK_H
#define HVMON_PAGEWALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reads len bytes of guest-physical memory at gpa into buf: 0, or -1 when
 * any part of the range is outside guest RAM. */
typedef int (*phys_read_fn)(void *opaque, uint64_t gpa, void *buf, size_t len);

/* The registers that select and root the translation. */
struct paging_state {
	uint64_t cr0, cr3, cr4, efer;
};

/* SDM vol. 3A, 4.1.1 (Table 4-1): the paging mode follows from CR0.PG,
 * CR4.PAE, IA32_EFER.LME and CR4.LA57. */
enum paging_mode { PAGING_OFF, PAGING_32BIT, PAGING_PAE, PAGING_4LEVEL, PAGING_5LEVEL };

#define PAGEWALK_MAX_LEVELS 5

/* One paging-structure entry the walk read (or tried to read). */
struct walk_level {
	const char *name;	/* "PML5E", "PML4E", "PDPTE", "PDE", "PTE" */
	uint64_t table;		/* guest-physical address of the table */
	unsigned index;		/* entry index within the table */
	uint64_t entry_addr;	/* guest-physical address of the entry */
	unsigned entry_size;	/* 4 (32-bit paging) or 8 bytes */
	bool read_ok;		/* false: entry_addr is outside guest RAM */
	uint64_t entry;		/* raw value (valid when read_ok) */
	bool present;
	bool leaf;		/* maps a page rather than referencing a table */
	uint64_t next;		/* next table, or the page frame when leaf */
	uint64_t page_size;	/* when leaf: 4K, 2M, 4M or 1G */
};

struct walk_result {
	enum paging_mode mode;
	uint64_t gva;
	int nlevels;		/* entries in level[], the failing one included */
	struct walk_level level[PAGEWALK_MAX_LEVELS];
	bool ok;
	uint64_t gpa;		/* when ok */
	uint64_t page_size;	/* when ok; 0 with paging off */
	/* When ok, accumulated over every level that controls access rights
	 * (SDM vol. 3A, 4.6.1); all false on failure: */
	bool writable;		/* R/W set at every level */
	bool user;		/* U/S set at every level */
	bool nx;		/* XD set at some level, with IA32_EFER.NXE = 1 */
	int fail_level;		/* index into level[] of the failing entry, or -1 */
	char error[96];		/* why it failed: "PDE not present", ... */
};

enum paging_mode pagewalk_mode(const struct paging_state *ps);

/* "paging off", "32-bit", "PAE", "4-level", "5-level". */
const char *pagewalk_mode_name(enum paging_mode mode);

/* Walk the tables for gva. Fills *out completely either way; returns 0 when
 * gva translates, -1 with out->error set when it does not. */
int pagewalk(const struct paging_state *ps, uint64_t gva, phys_read_fn read, void *opaque,
	     struct walk_result *out);

/* pagewalk() for callers that only want the address: 0 and *gpa, or -1. */
int pagewalk_translate(const struct paging_state *ps, uint64_t gva, phys_read_fn read,
		       void *opaque, uint64_t *gpa);

/* What an entry is, since bit 7 means PAT in a PTE but PS elsewhere, and a
 * large page moves PAT to bit 12 (SDM vol. 3A, Tables 4-4, 4-18, 4-20). */
enum pagewalk_entry_kind {
	ENTRY_TABLE,		/* references another paging structure */
	ENTRY_PAGE_4K,		/* a PTE */
	ENTRY_PAGE_LARGE,	/* a PDE or PDPTE with PS = 1 */
};

/* The entry's set flags in words, space-separated: "P RW US PWT PCD A D PS G
 * PAT XD" (D, G and PAT only where the entry maps a page). A non-present
 * entry is written "not present". */
void pagewalk_entry_flags(uint64_t entry, enum pagewalk_entry_kind kind, char *out, size_t len);

/* The text the monitor's `translate` command prints: one line per level,
 * a summary line, and on success a last line "gpa=0x..."; on failure a last
 * line "error=<reason>". */
void pagewalk_format(const struct walk_result *r, char *out, size_t len);

#endif
