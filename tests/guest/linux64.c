// SPDX-License-Identifier: GPL-3.0-or-later
/* Linux 64-bit boot protocol: build the guest's own page tables, then turn
 * struct boot_params (the "zero page") into a boot_info. Offsets are from
 * Linux Documentation/arch/x86/zero-page.rst and boot.rst ("The Real-Mode
 * Kernel Header"; the setup header is copied into the zero page at 0x1f1,
 * so its fields keep their file offsets). */
#include "guest.h"

#define BP_ACPI_RSDP_ADDR    0x070  /* u64, protocol 2.14 and up */
#define BP_EXT_RAMDISK_IMAGE 0x0c0  /* u32: bits 63:32 of ramdisk_image */
#define BP_EXT_RAMDISK_SIZE  0x0c4
#define BP_EXT_CMD_LINE_PTR  0x0c8
#define BP_E820_ENTRIES      0x1e8  /* u8 */
#define BP_HDR_MAGIC         0x202  /* "HdrS" */
#define BP_HDR_VERSION       0x206  /* u16 */
#define BP_RAMDISK_IMAGE     0x218
#define BP_RAMDISK_SIZE      0x21c
#define BP_CMD_LINE_PTR      0x228  /* protocol 2.02 and up */
#define BP_E820_TABLE        0x2d0  /* 20-byte entries: addr, size, type */
#define BP_E820_MAX          128    /* E820_MAX_ENTRIES_ZEROPAGE */
#define BP_SIZE              0x1000
#define E820_ENTRY_SIZE      20
#define HDRS_MAGIC           0x53726448  /* "HdrS" read as a little-endian u32 */

/* The 64-bit boot protocol only promises an identity map of the kernel
 * (init_size), the zero page and the command line; the initrd may lie
 * outside it. So map the first 4 GiB ourselves, as the PVH entry does:
 * one PML4 entry, four PDPT entries, 2048 2 MiB pages. The tables (main.c)
 * are in .bss, which the loader's map covers since init_size includes it. */
static void map_first_4g(void)
{
	for (uint64_t i = 0; i < 4 * 512; i++)
		pd[i / 512][i % 512] = i << 21 | PTE_PS | PTE_RW | PTE_P;
	for (int i = 0; i < 4; i++)
		pdpt[i] = (uintptr_t)pd[i] | PTE_RW | PTE_P;
	pml4[0] = (uintptr_t)pdpt | PTE_RW | PTE_P;
	__asm__ volatile("mov %0, %%cr3" : : "r"(pml4) : "memory");
}

static uint32_t bp32(uint64_t bp, unsigned int off)
{
	return *(const uint32_t *)(uintptr_t)(bp + off);
}

void linux_main(uint64_t bp)
{
	struct boot_info bi = { .protocol = "linux64",
				.map_stride = E820_ENTRY_SIZE };
	uint32_t entries;

	map_first_4g();
	if (!idmapped(bp, BP_SIZE)) {
		bi.error = "boot_params above 4 GiB";
		guest_main(&bi);
	}
	if (bp32(bp, BP_HDR_MAGIC) != HDRS_MAGIC) {
		bi.error = "boot_params carries no setup header";
		guest_main(&bi);
	}
	/* cmd_line_ptr exists from protocol 2.02; the ext_ fields are zero
	 * unless the loader set them (boot.rst: the zero page is cleared). */
	if (*(const uint16_t *)(uintptr_t)(bp + BP_HDR_VERSION) >= 0x0202)
		bi.cmdline = bp32(bp, BP_CMD_LINE_PTR) |
			     (uint64_t)bp32(bp, BP_EXT_CMD_LINE_PTR) << 32;

	if (*(const uint16_t *)(uintptr_t)(bp + BP_HDR_VERSION) >= 0x020e)
		bi.rsdp = bp32(bp, BP_ACPI_RSDP_ADDR) |
			  (uint64_t)bp32(bp, BP_ACPI_RSDP_ADDR + 4) << 32;

	entries = *(const uint8_t *)(uintptr_t)(bp + BP_E820_ENTRIES);
	if (entries > BP_E820_MAX) {
		bi.error = "e820_entries larger than the zero page's table";
		entries = BP_E820_MAX;
	}
	bi.map = bp + BP_E820_TABLE;
	bi.map_entries = entries;

	/* As Linux does, a zero ramdisk_size means no initrd. */
	bi.initrd_size = bp32(bp, BP_RAMDISK_SIZE) |
			 (uint64_t)bp32(bp, BP_EXT_RAMDISK_SIZE) << 32;
	bi.initrd_addr = bp32(bp, BP_RAMDISK_IMAGE) |
			 (uint64_t)bp32(bp, BP_EXT_RAMDISK_IMAGE) << 32;
	bi.have_initrd = bi.initrd_size != 0;
	guest_main(&bi);
}
