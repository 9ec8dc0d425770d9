// SPDX-License-Identifier: GPL-3.0-or-later
#include "boot/boot_tables.h"

#include <string.h>

#include "boot/boot_error.h"
#include "boot/boot_layout.h"
#include "common/le.h"

/* Descriptor flag nibble (Intel SDM vol. 3, "Segment Descriptors"):
 * G (4 KiB granularity), D/B (32-bit), L (64-bit code). */
#define DESC_G  0x8
#define DESC_DB 0x4
#define DESC_L  0x2

/* A flat (base 0, limit 4 GiB) present ring-0 code or data descriptor. */
static uint64_t flat_descriptor(unsigned type, unsigned flags)
{
	const uint64_t limit = 0xfffff;          /* in 4 KiB units */
	const unsigned access = 0x80 | 0x10 | type; /* P, S (code/data), type */

	return (limit & 0xffff) | (uint64_t)access << 40 |
	       ((limit >> 16) & 0xf) << 48 | (uint64_t)flags << 52;
}

int boot_write_gdt(const struct guest_mem *mem, struct boot_entry *entry,
		   char *err, size_t errlen)
{
	uint8_t gdt[BOOT_GDT_ENTRIES * 8] = { 0 };

	put_le64(gdt + BOOT_SEL_CODE32, flat_descriptor(BOOT_SEG_TYPE_CODE, DESC_G | DESC_DB));
	/* A 64-bit code segment has L set and D/B clear (SDM "IA-32e Mode"). */
	put_le64(gdt + BOOT_SEL_CODE64, flat_descriptor(BOOT_SEG_TYPE_CODE, DESC_G | DESC_L));
	put_le64(gdt + BOOT_SEL_DATA, flat_descriptor(BOOT_SEG_TYPE_DATA, DESC_G | DESC_DB));
	if (gmem_write(mem, BOOT_GDT_ADDR, gdt, sizeof(gdt)) < 0)
		return boot_fail(err, errlen, "guest RAM too small for the GDT at 0x%llx",
				 BOOT_GDT_ADDR);
	entry->gdt_base = BOOT_GDT_ADDR;
	entry->gdt_limit = sizeof(gdt) - 1;
	return 0;
}

/* Page-table entry bits (SDM vol. 3, "4-Level Paging"). */
#define PTE_P  0x1ULL
#define PTE_RW 0x2ULL
#define PTE_PS 0x80ULL   /* in a page directory: a 2 MiB page */

/* 2 MiB pages rather than 1 GiB ones: 1 GiB pages need CPUID
 * 0x80000001 EDX.Page1GB, which a guest CPUID need not offer. */
int boot_write_identity_map(const struct guest_mem *mem, struct boot_entry *entry,
			    char *err, size_t errlen)
{
	uint8_t *pml4 = gmem_ptr(mem, BOOT_PML4_ADDR, 4096);
	uint8_t *pdpt = gmem_ptr(mem, BOOT_PDPT_ADDR, 4096);
	uint8_t *pd = gmem_ptr(mem, BOOT_PD_ADDR, 4096 * BOOT_PD_COUNT);

	if (!pml4 || !pdpt || !pd)
		return boot_fail(err, errlen, "guest RAM too small for the page tables");
	memset(pml4, 0, 4096);
	memset(pdpt, 0, 4096);
	put_le64(pml4, BOOT_PDPT_ADDR | PTE_P | PTE_RW);
	for (unsigned g = 0; g < BOOT_PD_COUNT; g++) {
		put_le64(pdpt + g * 8, (BOOT_PD_ADDR + g * 4096ULL) | PTE_P | PTE_RW);
		for (unsigned i = 0; i < 512; i++) {
			uint64_t addr = ((uint64_t)g << 30) | ((uint64_t)i << 21);
			put_le64(pd + g * 4096 + i * 8, addr | PTE_P | PTE_RW | PTE_PS);
		}
	}
	entry->cr3 = BOOT_PML4_ADDR;
	return 0;
}

int boot_write_cmdline(const struct guest_mem *mem, const char *cmdline,
		       size_t max_len, char *err, size_t errlen)
{
	size_t len = strlen(cmdline);

	if (max_len > BOOT_CMDLINE_SLOT - 1)
		max_len = BOOT_CMDLINE_SLOT - 1;
	if (len > max_len)
		return boot_fail(err, errlen,
				 "command line too long: %zu characters, the kernel takes at most %zu",
				 len, max_len);
	if (gmem_write(mem, BOOT_CMDLINE_ADDR, cmdline, len + 1) < 0)
		return boot_fail(err, errlen, "guest RAM too small for the command line");
	return 0;
}
