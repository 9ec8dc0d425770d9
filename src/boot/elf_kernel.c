// SPDX-License-Identifier: GPL-3.0-or-later
#include "boot/elf_kernel.h"

#include <elf.h>
#include <string.h>

#include "boot/boot_error.h"
#include "common/le.h"

/* XEN_ELFNOTE_PHYS32_ENTRY (xen/include/public/elfnote.h): the physical
 * address of the 32-bit PVH entry point, in a note named "Xen". */
#define XEN_ELFNOTE_PHYS32_ENTRY 18

bool elf_probe(const uint8_t *img, size_t len)
{
	return len >= SELFMAG && memcmp(img, ELFMAG, SELFMAG) == 0;
}

/* Fields of the ELF header and of program and section headers, read at
 * their ELF32 or ELF64 offsets (ELF gABI, "ELF Header", "Program Header",
 * "Sections"). */
struct ehdr_view {
	uint64_t phoff, shoff;
	unsigned phentsize, phnum, shentsize, shnum;
};

struct phdr_view {
	uint32_t type;
	uint64_t offset, paddr, vaddr, filesz, memsz, align;
};

static void read_ehdr(const uint8_t *img, bool is64, struct ehdr_view *e)
{
	if (is64) {
		e->phoff = get_le64(img + offsetof(Elf64_Ehdr, e_phoff));
		e->shoff = get_le64(img + offsetof(Elf64_Ehdr, e_shoff));
		e->phentsize = get_le16(img + offsetof(Elf64_Ehdr, e_phentsize));
		e->phnum = get_le16(img + offsetof(Elf64_Ehdr, e_phnum));
		e->shentsize = get_le16(img + offsetof(Elf64_Ehdr, e_shentsize));
		e->shnum = get_le16(img + offsetof(Elf64_Ehdr, e_shnum));
	} else {
		e->phoff = get_le32(img + offsetof(Elf32_Ehdr, e_phoff));
		e->shoff = get_le32(img + offsetof(Elf32_Ehdr, e_shoff));
		e->phentsize = get_le16(img + offsetof(Elf32_Ehdr, e_phentsize));
		e->phnum = get_le16(img + offsetof(Elf32_Ehdr, e_phnum));
		e->shentsize = get_le16(img + offsetof(Elf32_Ehdr, e_shentsize));
		e->shnum = get_le16(img + offsetof(Elf32_Ehdr, e_shnum));
	}
}

static void read_phdr(const uint8_t *p, bool is64, struct phdr_view *ph)
{
	if (is64) {
		ph->type = get_le32(p + offsetof(Elf64_Phdr, p_type));
		ph->offset = get_le64(p + offsetof(Elf64_Phdr, p_offset));
		ph->paddr = get_le64(p + offsetof(Elf64_Phdr, p_paddr));
		ph->vaddr = get_le64(p + offsetof(Elf64_Phdr, p_vaddr));
		ph->filesz = get_le64(p + offsetof(Elf64_Phdr, p_filesz));
		ph->memsz = get_le64(p + offsetof(Elf64_Phdr, p_memsz));
		ph->align = get_le64(p + offsetof(Elf64_Phdr, p_align));
	} else {
		ph->type = get_le32(p + offsetof(Elf32_Phdr, p_type));
		ph->offset = get_le32(p + offsetof(Elf32_Phdr, p_offset));
		ph->paddr = get_le32(p + offsetof(Elf32_Phdr, p_paddr));
		ph->vaddr = get_le32(p + offsetof(Elf32_Phdr, p_vaddr));
		ph->filesz = get_le32(p + offsetof(Elf32_Phdr, p_filesz));
		ph->memsz = get_le32(p + offsetof(Elf32_Phdr, p_memsz));
		ph->align = get_le32(p + offsetof(Elf32_Phdr, p_align));
	}
}

/* True when [off, off+size) lies inside a buffer of len bytes. */
static bool in_file(uint64_t off, uint64_t size, size_t len)
{
	return off <= len && size <= len - off;
}

/* Is a table of num entries of entsize bytes (at least minsize) at off
 * inside the file? */
static int check_table(const char *what, uint64_t off, unsigned entsize,
		       unsigned num, size_t minsize, size_t len,
		       char *err, size_t errlen)
{
	if (num == 0)
		return 0;
	if (entsize < minsize)
		return boot_fail(err, errlen, "ELF %s entry size %u is too small", what, entsize);
	if (!in_file(off, (uint64_t)entsize * num, len))
		return boot_fail(err, errlen,
				 "truncated ELF: %u %s entries at offset 0x%llx run past the %zu-byte file",
				 num, what, (unsigned long long)off, len);
	return 0;
}

/* Walk the notes in [off, off+size) of the file (ELF gABI "Note Section":
 * namesz, descsz, type, then name and desc each padded to the alignment;
 * Linux pads to 4 bytes even in ELF64, 8 is honoured when declared). */
static int scan_notes(const uint8_t *img, uint64_t off, uint64_t size,
		      uint64_t align, struct elf_kernel *k,
		      char *err, size_t errlen)
{
	const uint64_t a = align == 8 ? 8 : 4;
	const uint8_t *p = img + off;
	uint64_t left = size;

	while (left >= 12) {
		uint64_t namesz = get_le32(p), descsz = get_le32(p + 4);
		uint32_t type = get_le32(p + 8);
		uint64_t name_pad = (namesz + a - 1) & ~(a - 1);
		uint64_t desc_pad = (descsz + a - 1) & ~(a - 1);
		p += 12;
		left -= 12;
		if (name_pad > left || desc_pad > left - name_pad)
			return boot_fail(err, errlen,
					 "ELF note at offset 0x%llx: name (%llu bytes) and desc (%llu bytes) overrun the note area",
					 (unsigned long long)(p - 12 - img),
					 (unsigned long long)namesz, (unsigned long long)descsz);
		if (namesz == 4 && memcmp(p, "Xen", 4) == 0 &&
		    type == XEN_ELFNOTE_PHYS32_ENTRY) {
			const uint8_t *d = p + name_pad;
			uint64_t entry;
			/* Linux emits the address as a pointer-sized
			 * word (_ASM_PTR); others as 32 bits. */
			if (descsz == 4)
				entry = get_le32(d);
			else if (descsz == 8)
				entry = get_le64(d);
			else
				return boot_fail(err, errlen,
						 "PVH entry note has a %llu-byte value (want 4 or 8)",
						 (unsigned long long)descsz);
			if (entry > UINT32_MAX)
				return boot_fail(err, errlen,
						 "PVH entry 0x%llx is above 4 GiB",
						 (unsigned long long)entry);
			k->has_pvh_entry = true;
			k->pvh_entry = (uint32_t)entry;
		}
		p += name_pad + desc_pad;
		left -= name_pad + desc_pad;
	}
	return 0;
}

/* Two PT_LOADs sharing physical memory: loading them in turn would let the
 * later overwrite the earlier without a word, so refuse the image. */
static int check_overlaps(const struct elf_kernel *k, char *err, size_t errlen)
{
	for (int i = 0; i < k->nloads; i++)
		for (int j = i + 1; j < k->nloads; j++) {
			const struct elf_load *a = &k->load[i], *b = &k->load[j];
			if (!a->memsz || !b->memsz)
				continue;
			if (a->paddr < b->paddr + b->memsz && b->paddr < a->paddr + a->memsz)
				return boot_fail(err, errlen,
						 "ELF loadable segments %d and %d overlap in memory "
						 "(0x%llx-0x%llx and 0x%llx-0x%llx)", i, j,
						 (unsigned long long)a->paddr,
						 (unsigned long long)(a->paddr + a->memsz),
						 (unsigned long long)b->paddr,
						 (unsigned long long)(b->paddr + b->memsz));
		}
	return 0;
}

static int parse_phdrs(const uint8_t *img, size_t len, const struct ehdr_view *e,
		       struct elf_kernel *k, char *err, size_t errlen)
{
	size_t minsize = k->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);

	if (e->phnum == PN_XNUM)
		return boot_fail(err, errlen, "ELF with extended program header numbering is not supported");
	if (check_table("program header", e->phoff, e->phentsize, e->phnum,
			minsize, len, err, errlen) < 0)
		return -1;
	for (unsigned i = 0; i < e->phnum; i++) {
		struct phdr_view ph;
		read_phdr(img + e->phoff + (uint64_t)i * e->phentsize, k->is64, &ph);
		if (ph.type != PT_LOAD && ph.type != PT_NOTE)
			continue;
		if (!in_file(ph.offset, ph.filesz, len))
			return boot_fail(err, errlen,
					 "truncated ELF: segment %u (offset 0x%llx, 0x%llx bytes) runs past the %zu-byte file",
					 i, (unsigned long long)ph.offset,
					 (unsigned long long)ph.filesz, len);
		if (ph.type == PT_NOTE) {
			if (scan_notes(img, ph.offset, ph.filesz, ph.align, k, err, errlen) < 0)
				return -1;
			continue;
		}
		if (ph.filesz > ph.memsz)
			return boot_fail(err, errlen,
					 "ELF segment %u: file size 0x%llx exceeds memory size 0x%llx",
					 i, (unsigned long long)ph.filesz,
					 (unsigned long long)ph.memsz);
		if (ph.paddr + ph.memsz < ph.paddr)
			return boot_fail(err, errlen,
					 "ELF segment %u wraps around the address space", i);
		if (k->nloads == ELF_KERNEL_MAX_LOADS)
			return boot_fail(err, errlen, "ELF has more than %d loadable segments",
					 ELF_KERNEL_MAX_LOADS);
		k->load[k->nloads++] = (struct elf_load){
			.offset = ph.offset, .filesz = ph.filesz,
			.paddr = ph.paddr, .vaddr = ph.vaddr, .memsz = ph.memsz };
	}
	return check_overlaps(k, err, errlen);
}

/* Some linkers put the notes only in SHT_NOTE sections, not in a PT_NOTE
 * segment; look there when the segments had no PVH note. */
static int parse_note_sections(const uint8_t *img, size_t len,
			       const struct ehdr_view *e, struct elf_kernel *k,
			       char *err, size_t errlen)
{
	size_t minsize = k->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);

	if (check_table("section header", e->shoff, e->shentsize, e->shnum,
			minsize, len, err, errlen) < 0)
		return -1;
	for (unsigned i = 0; i < e->shnum; i++) {
		const uint8_t *sh = img + e->shoff + (uint64_t)i * e->shentsize;
		uint64_t off, size, align;
		/* sh_type is the second 32-bit word in both classes. */
		if (get_le32(sh + offsetof(Elf64_Shdr, sh_type)) != SHT_NOTE)
			continue;
		if (k->is64) {
			off = get_le64(sh + offsetof(Elf64_Shdr, sh_offset));
			size = get_le64(sh + offsetof(Elf64_Shdr, sh_size));
			align = get_le64(sh + offsetof(Elf64_Shdr, sh_addralign));
		} else {
			off = get_le32(sh + offsetof(Elf32_Shdr, sh_offset));
			size = get_le32(sh + offsetof(Elf32_Shdr, sh_size));
			align = get_le32(sh + offsetof(Elf32_Shdr, sh_addralign));
		}
		if (!in_file(off, size, len))
			return boot_fail(err, errlen,
					 "truncated ELF: note section %u runs past the %zu-byte file",
					 i, len);
		if (scan_notes(img, off, size, align, k, err, errlen) < 0)
			return -1;
	}
	return 0;
}

int elf_kernel_parse(const uint8_t *img, size_t len, struct elf_kernel *k,
		     char *err, size_t errlen)
{
	struct ehdr_view e;

	memset(k, 0, sizeof(*k));
	if (!elf_probe(img, len) || len < EI_NIDENT)
		return boot_fail(err, errlen, "not an ELF file");
	if (img[EI_CLASS] != ELFCLASS32 && img[EI_CLASS] != ELFCLASS64)
		return boot_fail(err, errlen, "ELF class %u is neither ELF32 nor ELF64", img[EI_CLASS]);
	k->is64 = img[EI_CLASS] == ELFCLASS64;
	if (img[EI_DATA] != ELFDATA2LSB)
		return boot_fail(err, errlen, "ELF is not little-endian");
	if (len < (k->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return boot_fail(err, errlen, "truncated ELF: %zu bytes, shorter than its header", len);
	/* e_type and e_machine sit at the same offsets in both classes. */
	unsigned type = get_le16(img + offsetof(Elf64_Ehdr, e_type));
	unsigned machine = get_le16(img + offsetof(Elf64_Ehdr, e_machine));
	if (type != ET_EXEC && type != ET_DYN)
		return boot_fail(err, errlen, "ELF type %u is not an executable", type);
	if (machine != EM_X86_64 && machine != EM_386)
		return boot_fail(err, errlen, "ELF machine %u is not x86", machine);

	read_ehdr(img, k->is64, &e);
	if (parse_phdrs(img, len, &e, k, err, errlen) < 0)
		return -1;
	if (!k->has_pvh_entry && parse_note_sections(img, len, &e, k, err, errlen) < 0)
		return -1;
	if (k->nloads == 0)
		return boot_fail(err, errlen, "ELF has no loadable segment");
	return 0;
}
