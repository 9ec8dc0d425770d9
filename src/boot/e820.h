/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The guest memory map, built from the RAM regions of a guest_mem. The
 * same list feeds the zero page's e820_table (linux64) and the PVH
 * memmap (hvm_memmap_table_entry), whose types are the e820 types. */
#ifndef HVMON_E820_H
#define HVMON_E820_H

#include <stdint.h>

#include "vmm/guest_mem.h"

#define E820_TYPE_RAM      1
#define E820_TYPE_RESERVED 2

/* The region at 0 yields two RAM and two reserved entries, each further
 * region one RAM entry. */
#define E820_MAX_ENTRIES (3 + GMEM_MAX_REGIONS)

struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
};

/* Fill out[] (room for max entries) in ascending address order: RAM below
 * the EBDA, the EBDA and the BIOS area (0xe0000-0xfffff, the firmware
 * tables) reserved, RAM
 * from 1 MiB to the end of each region. Returns the number of entries, or
 * -1 if max is too small. Reads only mem's region table. */
int e820_build(const struct guest_mem *mem, struct e820_entry *out, int max);

#endif
