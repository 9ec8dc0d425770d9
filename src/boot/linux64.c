// SPDX-License-Identifier: GPL-3.0-or-later
#include "boot/linux64.h"

#include <string.h>

#include "boot/boot_error.h"
#include "boot/boot_layout.h"
#include "boot/boot_tables.h"
#include "boot/e820.h"
#include "boot/initrd.h"
#include "common/le.h"

/* struct boot_params ("zero page") offsets outside the setup header
 * (Documentation/arch/x86/zero-page.rst). */
#define ZP_ACPI_RSDP_ADDR    0x070  /* protocol 2.14+ */
#define ZP_EXT_RAMDISK_IMAGE 0x0c0
#define ZP_EXT_RAMDISK_SIZE  0x0c4
#define ZP_EXT_CMD_LINE_PTR  0x0c8
#define ZP_E820_ENTRIES      0x1e8
#define ZP_E820_TABLE        0x2d0
#define ZP_E820_ENTRY_SIZE   20     /* packed: u64 addr, u64 size, u32 type */
#define ZP_E820_MAX          128    /* E820_MAX_ENTRIES_ZEROPAGE */
#define ZP_SIZE              4096

/* boot.rst: "the 64-bit entry point is at the protected-mode kernel's
 * load address + 0x200". */
#define LINUX64_ENTRY_OFFSET 0x200
/* boot.rst "Sample Boot Configuration": heap_end_ptr = heap_end - 0x200
 * with the heap ending at 0xe000 below the setup code's segment plus
 * 0x10000; only the real-mode setup code uses it. */
#define LINUX64_HEAP_END_PTR 0xfe00
/* boot.rst type_of_loader: 0xff is "undefined", for loaders without an
 * assigned ID. */
#define LINUX64_LOADER_ID    0xff

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* boot.rst "Details of Header Fields", relocatable_kernel and
 * pref_address: a relocatable kernel may go anywhere aligned to
 * kernel_alignment and prefers pref_address; any other must sit exactly
 * at pref_address (0x100000 before protocol 2.10). */
static uint64_t load_address(const struct bzimage *bz)
{
	if (!bz->relocatable)
		return bz->pref_address;
	uint64_t at = bz->pref_address < BOOT_HIGH_MEM_START ? BOOT_HIGH_MEM_START
							       : bz->pref_address;
	return align_up(at, bz->kernel_alignment);
}

static int write_e820(const struct guest_mem *mem, uint8_t *zp, struct boot_info *info,
		      char *err, size_t errlen)
{
	struct e820_entry map[E820_MAX_ENTRIES];
	int n = e820_build(mem, map, E820_MAX_ENTRIES);

	if (n < 0 || n > ZP_E820_MAX)
		return boot_fail(err, errlen, "memory map does not fit the zero page");
	for (int i = 0; i < n; i++) {
		uint8_t *e = zp + ZP_E820_TABLE + i * ZP_E820_ENTRY_SIZE;
		put_le64(e, map[i].addr);
		put_le64(e + 8, map[i].size);
		put_le32(e + 16, map[i].type);
	}
	zp[ZP_E820_ENTRIES] = (uint8_t)n;
	info->e820_entries = n;
	return 0;
}

int linux64_load(const struct guest_mem *mem, const uint8_t *img,
		 const struct bzimage *bz, const struct boot_config *cfg,
		 struct boot_entry *entry, struct boot_info *info,
		 char *err, size_t errlen)
{
	if (!(bz->xloadflags & BZ_XLF_KERNEL_64))
		return boot_fail(err, errlen,
				 "kernel has no 64-bit entry point (boot protocol %u.%02u, XLF_KERNEL_64 clear); try --boot pvh",
				 bz->version >> 8, bz->version & 0xff);

	/* The kernel claims init_size bytes from its load address for
	 * decompression and early boot; the file part must fit too. */
	uint64_t load = load_address(bz);
	uint64_t need = bz->init_size > bz->pm_size ? bz->init_size : bz->pm_size;
	uint64_t low_end = gmem_low_end(mem);
	if (load < BOOT_HIGH_MEM_START || load > low_end || need > low_end - load)
		return boot_fail(err, errlen,
				 "kernel does not fit in RAM: needs 0x%llx bytes at 0x%llx, RAM below 4 GiB ends at 0x%llx",
				 (unsigned long long)need, (unsigned long long)load,
				 (unsigned long long)low_end);
	if (gmem_write(mem, load, img + bz->setup_size, bz->pm_size) < 0)
		return boot_fail(err, errlen, "kernel does not fit in RAM at 0x%llx",
				 (unsigned long long)load);
	info->kernel_start = load;
	info->kernel_end = load + need;

	if (boot_write_cmdline(mem, cfg->cmdline, bz->cmdline_size, err, errlen) < 0)
		return -1;
	info->cmdline_addr = BOOT_CMDLINE_ADDR;

	if (cfg->initrd_path) {
		/* initrd_addr_max is the highest byte the initrd may occupy. */
		uint64_t ceiling = (uint64_t)bz->initrd_addr_max + 1;
		if (ceiling > low_end)
			ceiling = low_end;
		if (initrd_load(mem, cfg->initrd_path, info->kernel_end, ceiling,
				&info->initrd_addr, &info->initrd_size, err, errlen) < 0)
			return -1;
	}

	/* The zero page: all zero but for the setup header copied from the
	 * image at 0x1f1 and the fields a boot loader must fill (boot.rst
	 * "64-bit Boot Protocol" and "Details of Header Fields"). */
	uint8_t *zp = gmem_ptr(mem, BOOT_PARAMS_ADDR, ZP_SIZE);
	if (!zp)
		return boot_fail(err, errlen, "guest RAM too small for the zero page");
	memset(zp, 0, ZP_SIZE);
	memcpy(zp + BZ_SETUP_SECTS, img + BZ_SETUP_SECTS, bz->header_end - BZ_SETUP_SECTS);
	zp[BZ_TYPE_OF_LOADER] = LINUX64_LOADER_ID;
	zp[BZ_LOADFLAGS] |= BZ_LOADFLAG_LOADED_HIGH | BZ_LOADFLAG_CAN_USE_HEAP;
	put_le16(zp + BZ_HEAP_END_PTR, LINUX64_HEAP_END_PTR);
	put_le32(zp + BZ_CMD_LINE_PTR, (uint32_t)BOOT_CMDLINE_ADDR);
	put_le32(zp + ZP_EXT_CMD_LINE_PTR, (uint32_t)(BOOT_CMDLINE_ADDR >> 32));
	put_le32(zp + BZ_RAMDISK_IMAGE, (uint32_t)info->initrd_addr);
	put_le32(zp + BZ_RAMDISK_SIZE, (uint32_t)info->initrd_size);
	put_le32(zp + ZP_EXT_RAMDISK_IMAGE, (uint32_t)(info->initrd_addr >> 32));
	put_le32(zp + ZP_EXT_RAMDISK_SIZE, (uint32_t)(info->initrd_size >> 32));
	/* Loader-owned fields the image may carry junk in: a PC (subarch 0)
	 * with no setup_data list. */
	if (bz->header_end > BZ_HARDWARE_SUBARCH)
		put_le32(zp + BZ_HARDWARE_SUBARCH, 0);
	if (bz->header_end > BZ_SETUP_DATA)
		put_le64(zp + BZ_SETUP_DATA, 0);
	/* zero-page.rst: acpi_rsdp_addr, read by kernels of protocol 2.14 and
	 * later; older ones find the RSDP by the BIOS-area scan. */
	if (bz->version >= 0x020e)
		put_le64(zp + ZP_ACPI_RSDP_ADDR, cfg->rsdp_addr);
	if (write_e820(mem, zp, info, err, errlen) < 0)
		return -1;
	info->boot_params_addr = BOOT_PARAMS_ADDR;

	if (boot_write_gdt(mem, entry, err, errlen) < 0 ||
	    boot_write_identity_map(mem, entry, err, errlen) < 0)
		return -1;
	entry->mode = BOOT_MODE_LONG64;
	entry->rip = load + LINUX64_ENTRY_OFFSET;
	entry->rsi = BOOT_PARAMS_ADDR;
	return 0;
}
