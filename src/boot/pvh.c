// SPDX-License-Identifier: GPL-3.0-or-later
#include "boot/pvh.h"

#include <string.h>

#include "boot/boot_error.h"
#include "boot/boot_layout.h"
#include "boot/boot_tables.h"
#include "boot/e820.h"
#include "boot/initrd.h"
#include "common/le.h"

/* struct hvm_start_info, version 1 (start_info.h): byte offsets. */
#define SI_MAGIC          0
#define SI_VERSION        4
#define SI_FLAGS          8
#define SI_NR_MODULES     12
#define SI_MODLIST_PADDR  16
#define SI_CMDLINE_PADDR  24
#define SI_RSDP_PADDR     32
#define SI_MEMMAP_PADDR   40
#define SI_MEMMAP_ENTRIES 48
#define SI_SIZE           56
#define SI_MAGIC_VALUE    0x336ec578   /* XEN_HVM_START_MAGIC_VALUE */

/* struct hvm_modlist_entry: paddr, size, cmdline_paddr, reserved. */
#define MOD_PADDR         0
#define MOD_SIZE          8
#define MOD_ENTRY_SIZE    32

/* struct hvm_memmap_table_entry: addr, size, type, reserved; the types
 * are the e820 ones (XEN_HVM_MEMMAP_TYPE_RAM = 1, _RESERVED = 2). */
#define MEMMAP_ENTRY_SIZE 24

/* Segments load at their physical addresses; the first megabyte is not
 * theirs, it holds hvmon's boot tables and the BIOS areas. */
static int load_segments(const struct guest_mem *mem, const uint8_t *elf,
			 const struct elf_kernel *k, struct boot_info *info,
			 char *err, size_t errlen)
{
	uint64_t lo = UINT64_MAX, hi = 0;

	for (int i = 0; i < k->nloads; i++) {
		const struct elf_load *s = &k->load[i];
		if (s->memsz == 0)
			continue;
		uint8_t *dst = gmem_ptr(mem, s->paddr, s->memsz);
		if (s->paddr < BOOT_HIGH_MEM_START || !dst)
			return boot_fail(err, errlen,
					 "ELF segment at 0x%llx-0x%llx is outside guest RAM above 1 MiB (RAM: %llu MiB)",
					 (unsigned long long)s->paddr,
					 (unsigned long long)(s->paddr + s->memsz),
					 (unsigned long long)(mem->ram_size >> 20));
		memcpy(dst, elf + s->offset, s->filesz);
		memset(dst + s->filesz, 0, s->memsz - s->filesz);
		if (info->nimage_maps < BOOT_MAX_IMAGE_MAPS)
			info->image_map[info->nimage_maps++] = (struct image_map){
				.vaddr = s->vaddr, .paddr = s->paddr, .size = s->memsz };
		if (s->paddr < lo)
			lo = s->paddr;
		if (s->paddr + s->memsz > hi)
			hi = s->paddr + s->memsz;
	}
	if (hi == 0)
		return boot_fail(err, errlen, "ELF has no segment with contents");
	for (int i = 0; i < k->nloads; i++) {
		const struct elf_load *s = &k->load[i];
		if (k->pvh_entry >= s->paddr && k->pvh_entry - s->paddr < s->filesz) {
			info->kernel_start = lo;
			info->kernel_end = hi;
			return 0;
		}
	}
	return boot_fail(err, errlen, "PVH entry 0x%x is not inside any loaded segment",
			 k->pvh_entry);
}

static int write_memmap(const struct guest_mem *mem, struct boot_info *info,
			char *err, size_t errlen)
{
	struct e820_entry map[E820_MAX_ENTRIES];
	int n = e820_build(mem, map, E820_MAX_ENTRIES);
	uint8_t *t = gmem_ptr(mem, BOOT_PVH_MEMMAP_ADDR, E820_MAX_ENTRIES * MEMMAP_ENTRY_SIZE);

	if (n < 0 || !t)
		return boot_fail(err, errlen, "cannot write the PVH memory map");
	memset(t, 0, E820_MAX_ENTRIES * MEMMAP_ENTRY_SIZE);
	for (int i = 0; i < n; i++) {
		uint8_t *e = t + i * MEMMAP_ENTRY_SIZE;
		put_le64(e, map[i].addr);
		put_le64(e + 8, map[i].size);
		put_le32(e + 16, map[i].type);
	}
	info->e820_entries = n;
	return 0;
}

int pvh_load(const struct guest_mem *mem, const uint8_t *elf,
	     const struct elf_kernel *k, const struct boot_config *cfg,
	     struct boot_entry *entry, struct boot_info *info,
	     char *err, size_t errlen)
{
	uint8_t *si = gmem_ptr(mem, BOOT_PARAMS_ADDR, SI_SIZE);
	uint8_t *mod = gmem_ptr(mem, BOOT_PVH_MODLIST_ADDR, MOD_ENTRY_SIZE);

	if (!si || !mod)
		return boot_fail(err, errlen, "guest RAM too small for hvm_start_info");
	if (load_segments(mem, elf, k, info, err, errlen) < 0)
		return -1;
	if (boot_write_cmdline(mem, cfg->cmdline, PVH_CMDLINE_MAX, err, errlen) < 0)
		return -1;
	info->cmdline_addr = BOOT_CMDLINE_ADDR;
	if (cfg->initrd_path &&
	    initrd_load(mem, cfg->initrd_path, info->kernel_end, gmem_low_end(mem),
			&info->initrd_addr, &info->initrd_size, err, errlen) < 0)
		return -1;
	if (write_memmap(mem, info, err, errlen) < 0)
		return -1;

	memset(si, 0, SI_SIZE);
	put_le32(si + SI_MAGIC, SI_MAGIC_VALUE);
	put_le32(si + SI_VERSION, 1);   /* version 1 carries the memmap */
	put_le32(si + SI_FLAGS, 0);
	put_le64(si + SI_CMDLINE_PADDR, BOOT_CMDLINE_ADDR);
	/* 0 when there is none: the guest then searches the BIOS areas. */
	put_le64(si + SI_RSDP_PADDR, cfg->rsdp_addr);
	put_le64(si + SI_MEMMAP_PADDR, BOOT_PVH_MEMMAP_ADDR);
	put_le32(si + SI_MEMMAP_ENTRIES, (uint32_t)info->e820_entries);
	memset(mod, 0, MOD_ENTRY_SIZE);
	if (cfg->initrd_path) {
		put_le64(mod + MOD_PADDR, info->initrd_addr);
		put_le64(mod + MOD_SIZE, info->initrd_size);
		put_le32(si + SI_NR_MODULES, 1);
		put_le64(si + SI_MODLIST_PADDR, BOOT_PVH_MODLIST_ADDR);
	}
	info->boot_params_addr = BOOT_PARAMS_ADDR;

	if (boot_write_gdt(mem, entry, err, errlen) < 0)
		return -1;
	entry->mode = BOOT_MODE_PROT32;
	entry->rip = k->pvh_entry;
	entry->rbx = BOOT_PARAMS_ADDR;
	return 0;
}
