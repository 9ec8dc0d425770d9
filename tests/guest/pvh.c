// SPDX-License-Identifier: GPL-3.0-or-later
/* PVH boot: turn the Xen PVH start-of-day structure into a boot_info.
 * Layouts from the Xen public header arch-x86/hvm/start_info.h ("HVM start
 * info"), which defines the PVH ABI: EBX holds the physical address of
 * struct hvm_start_info when the 32-bit entry (pvh.S) runs. */
#include "guest.h"

#define HVM_START_MAGIC 0x336ec578

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;        /* 0, or 1 with the memmap fields */
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;   /* version 1 and up */
	uint32_t memmap_entries; /* version 1 and up */
	uint32_t reserved;
};

struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};

/* struct hvm_memmap_table_entry: addr u64, size u64, type u32, reserved u32 */
#define HVM_MEMMAP_ENTRY_SIZE 24

void pvh_main(uint32_t start_info)
{
	const struct hvm_start_info *si =
		(const struct hvm_start_info *)(uintptr_t)start_info;
	struct boot_info bi = { .protocol = "pvh",
				.map_stride = HVM_MEMMAP_ENTRY_SIZE };

	if (si->magic != HVM_START_MAGIC) {
		bi.error = "bad hvm_start_info magic";
		guest_main(&bi);
	}
	bi.cmdline = si->cmdline_paddr;
	bi.rsdp = si->rsdp_paddr;
	if (si->version >= 1) {
		bi.map = si->memmap_paddr;
		bi.map_entries = si->memmap_entries;
	}
	/* The initrd is module 0, as Linux's PVH entry takes it. */
	if (si->nr_modules) {
		const struct hvm_modlist_entry *mod;

		if (!idmapped(si->modlist_paddr, sizeof(*mod))) {
			bi.error = "module list above 4 GiB";
		} else {
			mod = (const struct hvm_modlist_entry *)(uintptr_t)si->modlist_paddr;
			bi.have_initrd = 1;
			bi.initrd_addr = mod->paddr;
			bi.initrd_size = mod->size;
		}
	}
	guest_main(&bi);
}
