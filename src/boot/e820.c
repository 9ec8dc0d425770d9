// SPDX-License-Identifier: GPL-3.0-or-later
#include "boot/e820.h"

#include "boot/boot_layout.h"

struct e820_list {
	struct e820_entry *e;
	int n, max;
};

static int add(struct e820_list *l, uint64_t start, uint64_t end, uint32_t type)
{
	if (end <= start)
		return 0;
	if (l->n == l->max)
		return -1;
	l->e[l->n++] = (struct e820_entry){ .addr = start, .size = end - start, .type = type };
	return 0;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* The PC's first megabyte: conventional memory up to the EBDA, then the
 * EBDA and the BIOS area reserved (kernels probe both for firmware tables,
 * the ACPI RSDP and the MP floating pointer, and hvmon's are there); the VGA window and option-ROM space between them
 * are left out of the map altogether, as on real machines. */
int e820_build(const struct guest_mem *mem, struct e820_entry *out, int max)
{
	struct e820_list l = { .e = out, .max = max };

	for (int i = 0; i < mem->nregions; i++) {
		uint64_t start = mem->region[i].gpa;
		uint64_t end = start + mem->region[i].size;

		if (start < BOOT_HIGH_MEM_START) {
			if (add(&l, start, min_u64(end, BOOT_EBDA_START), E820_TYPE_RAM) < 0 ||
			    add(&l, BOOT_EBDA_START, BOOT_EBDA_END, E820_TYPE_RESERVED) < 0 ||
			    add(&l, BOOT_BIOS_START, BOOT_HIGH_MEM_START, E820_TYPE_RESERVED) < 0)
				return -1;
			start = BOOT_HIGH_MEM_START;
		}
		if (add(&l, start, end, E820_TYPE_RAM) < 0)
			return -1;
	}
	return l.n;
}
