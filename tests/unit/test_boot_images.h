/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Synthetic kernel images for the boot unit tests: a minimal ELF with a
 * PVH note and a minimal bzImage around any payload. Little-endian host
 * assumed (x86). */
#ifndef HVMON_TEST_BOOT_IMAGES_H
#define HVMON_TEST_BOOT_IMAGES_H

#include <elf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boot/bzimage.h"

#define TEST_ELF_LOAD_PADDR 0x200000ULL
#define TEST_ELF_ENTRY      (TEST_ELF_LOAD_PADDR + 0x10)
#define TEST_ELF_SIZE       1024
#define TEST_ELF_CODE_OFF   256
#define TEST_ELF_NOTE_OFF   176
#define TEST_ELF_SHDR_OFF   768

enum test_note { NOTE_NONE, NOTE_SEGMENT, NOTE_SECTION };

/* ELF64 (or ELF32), one PT_LOAD of 256 file bytes (0xf4) and 4 KiB in
 * memory at TEST_ELF_LOAD_PADDR, the PVH note where asked. Buffer must
 * hold TEST_ELF_SIZE bytes. */
static inline size_t test_build_elf(uint8_t *buf, bool is64, enum test_note note)
{
	memset(buf, 0, TEST_ELF_SIZE);
	memset(buf + TEST_ELF_CODE_OFF, 0xf4, 256);
	/* The note: namesz 4, descsz 4 or 8, type 18, "Xen", the entry. */
	uint8_t *n = buf + TEST_ELF_NOTE_OFF;
	uint32_t descsz = is64 ? 8 : 4;
	uint32_t hdr[3] = { 4, descsz, 18 };
	uint64_t entry = TEST_ELF_ENTRY;
	memcpy(n, hdr, 12);
	memcpy(n + 12, "Xen", 4);
	memcpy(n + 16, &entry, descsz);
	uint32_t note_len = 16 + descsz;
	int phnum = note == NOTE_SEGMENT ? 2 : 1;
	int shnum = note == NOTE_SECTION ? 2 : 0;

	memcpy(buf, ELFMAG, SELFMAG);
	buf[EI_DATA] = ELFDATA2LSB;
	buf[EI_VERSION] = EV_CURRENT;
	if (is64) {
		Elf64_Ehdr eh = { 0 };
		memcpy(&eh, buf, EI_NIDENT);
		eh.e_ident[EI_CLASS] = ELFCLASS64;
		eh.e_type = ET_EXEC;
		eh.e_machine = EM_X86_64;
		eh.e_version = EV_CURRENT;
		eh.e_phoff = sizeof(eh);
		eh.e_ehsize = sizeof(eh);
		eh.e_phentsize = sizeof(Elf64_Phdr);
		eh.e_phnum = (Elf64_Half)phnum;
		eh.e_shoff = shnum ? TEST_ELF_SHDR_OFF : 0;
		eh.e_shentsize = sizeof(Elf64_Shdr);
		eh.e_shnum = (Elf64_Half)shnum;
		memcpy(buf, &eh, sizeof(eh));
		Elf64_Phdr ph[2] = {
			{ .p_type = PT_LOAD, .p_offset = TEST_ELF_CODE_OFF,
			  .p_paddr = TEST_ELF_LOAD_PADDR, .p_vaddr = TEST_ELF_LOAD_PADDR,
			  .p_filesz = 256, .p_memsz = 4096, .p_align = 4096 },
			{ .p_type = PT_NOTE, .p_offset = TEST_ELF_NOTE_OFF,
			  .p_filesz = note_len, .p_align = 4 },
		};
		memcpy(buf + sizeof(eh), ph, sizeof(ph[0]) * (size_t)phnum);
		Elf64_Shdr sh[2] = {
			{ 0 },
			{ .sh_type = SHT_NOTE, .sh_offset = TEST_ELF_NOTE_OFF,
			  .sh_size = note_len, .sh_addralign = 4 },
		};
		memcpy(buf + TEST_ELF_SHDR_OFF, sh, sizeof(sh[0]) * (size_t)shnum);
	} else {
		Elf32_Ehdr eh = { 0 };
		memcpy(&eh, buf, EI_NIDENT);
		eh.e_ident[EI_CLASS] = ELFCLASS32;
		eh.e_type = ET_EXEC;
		eh.e_machine = EM_386;
		eh.e_version = EV_CURRENT;
		eh.e_phoff = sizeof(eh);
		eh.e_ehsize = sizeof(eh);
		eh.e_phentsize = sizeof(Elf32_Phdr);
		eh.e_phnum = (Elf32_Half)phnum;
		eh.e_shoff = shnum ? TEST_ELF_SHDR_OFF : 0;
		eh.e_shentsize = sizeof(Elf32_Shdr);
		eh.e_shnum = (Elf32_Half)shnum;
		memcpy(buf, &eh, sizeof(eh));
		Elf32_Phdr ph[2] = {
			{ .p_type = PT_LOAD, .p_offset = TEST_ELF_CODE_OFF,
			  .p_paddr = TEST_ELF_LOAD_PADDR, .p_vaddr = TEST_ELF_LOAD_PADDR,
			  .p_filesz = 256, .p_memsz = 4096, .p_align = 4096 },
			{ .p_type = PT_NOTE, .p_offset = TEST_ELF_NOTE_OFF,
			  .p_filesz = note_len, .p_align = 4 },
		};
		memcpy(buf + sizeof(eh), ph, sizeof(ph[0]) * (size_t)phnum);
		Elf32_Shdr sh[2] = {
			{ 0 },
			{ .sh_type = SHT_NOTE, .sh_offset = TEST_ELF_NOTE_OFF,
			  .sh_size = note_len, .sh_addralign = 4 },
		};
		memcpy(buf + TEST_ELF_SHDR_OFF, sh, sizeof(sh[0]) * (size_t)shnum);
	}
	return TEST_ELF_SIZE;
}

/* Header values of the synthetic bzImage (protocol 2.15, like Debian's). */
#define TEST_BZ_SETUP       1024          /* setup_sects = 1 */
#define TEST_BZ_PAYLOAD_OFF 0x400         /* within the protected-mode part */
#define TEST_BZ_PREF        0x1000000ULL
#define TEST_BZ_INIT_SIZE   0x400000
#define TEST_BZ_CMDLINE_MAX 255

static inline void test_put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static inline void test_put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void test_put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* A bzImage whose protected-mode part is 0x400 bytes of 0x90 then the
 * payload, padded to 16 bytes. Returns a malloc'd buffer. */
static inline uint8_t *test_build_bzimage(const void *payload, size_t plen, size_t *len)
{
	size_t pm = (TEST_BZ_PAYLOAD_OFF + plen + 15) & ~(size_t)15;
	uint8_t *b = calloc(1, TEST_BZ_SETUP + pm);
	uint8_t *pmp = b + TEST_BZ_SETUP;

	memset(pmp, 0x90, TEST_BZ_PAYLOAD_OFF);
	memcpy(pmp + TEST_BZ_PAYLOAD_OFF, payload, plen);
	b[BZ_SETUP_SECTS] = 1;
	test_put32(b + BZ_SYSSIZE, (uint32_t)(pm / 16));
	test_put16(b + BZ_BOOT_FLAG, 0xaa55);
	b[BZ_JUMP] = 0xeb;
	b[BZ_JUMP + 1] = 0x6a;          /* header ends at 0x26c, as in 2.15 */
	memcpy(b + BZ_HEADER_MAGIC, "HdrS", 4);
	test_put16(b + BZ_VERSION, 0x020f);
	b[BZ_LOADFLAGS] = BZ_LOADFLAG_LOADED_HIGH;
	test_put32(b + BZ_INITRD_ADDR_MAX, 0x7fffffff);
	test_put32(b + BZ_KERNEL_ALIGNMENT, 0x200000);
	b[BZ_RELOCATABLE] = 1;
	test_put16(b + BZ_XLOADFLAGS, BZ_XLF_KERNEL_64);
	test_put32(b + BZ_CMDLINE_SIZE, TEST_BZ_CMDLINE_MAX);
	test_put32(b + BZ_PAYLOAD_OFFSET, TEST_BZ_PAYLOAD_OFF);
	test_put32(b + BZ_PAYLOAD_LENGTH, (uint32_t)plen);
	test_put64(b + BZ_PREF_ADDRESS, TEST_BZ_PREF);
	test_put32(b + BZ_INIT_SIZE, TEST_BZ_INIT_SIZE);
	test_put64(b + BZ_SETUP_DATA, 0xdeadbeef);   /* junk the loader must clear */
	*len = TEST_BZ_SETUP + pm;
	return b;
}

#endif
