/* SPDX-License-Identifier: GPL-3.0-or-later */
/* An ELF kernel image (ELF32 or ELF64, x86, little-endian), parsed from a
 * byte buffer: its PT_LOAD segments and its PVH entry point, the Xen ELF
 * note XEN_ELFNOTE_PHYS32_ENTRY (xen/include/public/elfnote.h). */
#ifndef HVMON_ELF_KERNEL_H
#define HVMON_ELF_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A vmlinux has about five PT_LOAD segments; more than this is not a
 * kernel anyone builds. */
#define ELF_KERNEL_MAX_LOADS 32

/* Every segment lies inside the file (offset + filesz) and filesz <=
 * memsz; where it lands in guest RAM is for the loader to check. */
struct elf_load {
	uint64_t offset, filesz;
	uint64_t paddr, memsz;
	uint64_t vaddr;         /* where the kernel maps it once paging is on */
};

struct elf_kernel {
	bool is64;
	int nloads;
	struct elf_load load[ELF_KERNEL_MAX_LOADS];
	bool has_pvh_entry;
	uint32_t pvh_entry;     /* guest-physical, 32-bit protected mode */
};

/* True when the buffer starts with the ELF magic. */
bool elf_probe(const uint8_t *img, size_t len);

/* Parse a whole ELF file. A missing PVH note is not an error here
 * (has_pvh_entry says); a malformed file or note is. Returns 0, or -1
 * with one error line in err. */
int elf_kernel_parse(const uint8_t *img, size_t len, struct elf_kernel *k,
		     char *err, size_t errlen);

#endif
