/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Loading a kernel into guest memory. The loaders write the kernel, initrd,
 * command line, memory map and boot tables into guest RAM and describe the
 * CPU state the kernel must be entered in; vmm code applies that state to
 * the boot vCPU (boot_entry_apply). */
#ifndef HVMON_BOOT_H
#define HVMON_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/guest_mem.h"
#include "vmm/image_map.h"

enum boot_proto {
	BOOT_AUTO,
	BOOT_PVH,      /* ELF with XEN_ELFNOTE_PHYS32_ENTRY, 32-bit entry */
	BOOT_LINUX64,  /* bzImage, 64-bit boot protocol */
};

enum boot_cpu_mode {
	BOOT_MODE_PROT32,  /* flat 32-bit protected mode, paging off (PVH) */
	BOOT_MODE_LONG64,  /* 64-bit long mode, identity paging (linux64) */
};

/* Everything the boot vCPU needs; boot_entry_apply() turns it into
 * KVM_SET_SREGS / KVM_SET_REGS. */
struct boot_entry {
	enum boot_cpu_mode mode;
	uint64_t rip;
	uint64_t rsi;      /* linux64: boot_params */
	uint64_t rbx;      /* PVH: hvm_start_info */
	uint64_t cr3;      /* LONG64: PML4 address */
	uint64_t gdt_base; /* GDT written by the loader into guest RAM */
	uint16_t gdt_limit;
};

struct boot_config {
	const char *kernel_path;
	const char *initrd_path;   /* NULL: none */
	const char *cmdline;       /* never NULL */
	enum boot_proto proto;
	uint64_t rsdp_addr;        /* the ACPI RSDP handed to the kernel; 0: none */
};

#define BOOT_MAX_IMAGE_MAPS 32

/* What was loaded, for the monitor and for tests. */
struct boot_info {
	enum boot_proto proto;          /* protocol actually used */
	const char *compression;        /* "none", "gzip", "xz", "zstd", "lz4" */
	uint64_t kernel_start, kernel_end;  /* guest-physical */
	uint64_t initrd_addr, initrd_size;
	const char *initrd_format;      /* initrd_format_name(); NULL without one */
	char initrd_warning[256];       /* why Linux would not unpack it, or "" */
	uint64_t cmdline_addr;
	uint64_t boot_params_addr;      /* zero page or hvm_start_info */
	uint16_t protocol_version;      /* bzImage header version, 0 for ELF */
	int e820_entries;
	/* The uncompressed ELF image, when there is one (kernel symbols,
	 * kallsyms); owned by the boot_info, freed by boot_info_free. */
	uint8_t *elf;
	size_t elf_size;
	/* Segments placed from an ELF (PVH boots); 0 for linux64, where the
	 * kernel's own decompressor decides where it lives. */
	int nimage_maps;
	struct image_map image_map[BOOT_MAX_IMAGE_MAPS];
};

/* Load the kernel described by cfg. On failure returns -1 and writes one
 * line naming the problem (no trailing newline) into err. */
int boot_load(const struct boot_config *cfg, const struct guest_mem *mem,
	      struct boot_entry *entry, struct boot_info *info,
	      char *err, size_t errlen);

/* The same for a kernel file already read into file[0..len) (malloc'd;
 * boot_load_image owns it from here: kept in info->elf or freed).
 * cfg->kernel_path names it in messages. */
int boot_load_image(const struct boot_config *cfg, const struct guest_mem *mem,
		    uint8_t *file, size_t len, struct boot_entry *entry,
		    struct boot_info *info, char *err, size_t errlen);

void boot_info_free(struct boot_info *info);

const char *boot_proto_name(enum boot_proto p);

/* Apply the entry state to a vCPU fd (KVM_SET_SREGS, KVM_SET_REGS).
 * Returns 0 or -errno. */
int boot_entry_apply(int vcpu_fd, const struct boot_entry *entry);

#endif
