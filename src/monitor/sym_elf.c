// SPDX-License-Identifier: GPL-3.0-or-later
/* Symbols from an ELF file's symbol table (System V ABI, "Object Files":
 * sections, "Symbol Table"; layouts from <elf.h>). Only little-endian
 * files, the byte order of every x86 guest. Fields are read through
 * offsetof into the <elf.h> structures, at any alignment, so a hostile
 * file can neither misalign a load nor point a read outside the buffer.
 * Values are taken as they are: right for executables (ET_EXEC, ET_DYN
 * unrelocated), section-relative for relocatable objects. */
#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "common/le.h"
#include "monitor/sym_load.h"

struct elf_file {
	const uint8_t *buf;
	size_t size;
	bool is64;
	size_t shoff, shentsize, shnum;
};

static uint64_t get_field(const uint8_t *p, size_t width)
{
	switch (width) {
	case 1: return p[0];
	case 2: return get_le16(p);
	case 4: return get_le32(p);
	default: return get_le64(p);
	}
}

/* Field m of the 32- or 64-bit structure T (Ehdr, Shdr, Sym) at p; the
 * caller has checked that the whole structure lies inside the buffer. */
#define FIELD(f, p, T, m)                                                    \
	((f)->is64 ? get_field((p) + offsetof(Elf64_##T, m),                 \
			       sizeof(((Elf64_##T *)0)->m))                  \
		   : get_field((p) + offsetof(Elf32_##T, m),                 \
			       sizeof(((Elf32_##T *)0)->m)))

static bool in_buf(const struct elf_file *f, uint64_t off, uint64_t len)
{
	return off <= f->size && len <= f->size - off;
}

static const uint8_t *section(const struct elf_file *f, size_t i)
{
	return f->buf + f->shoff + i * f->shentsize;
}

static int parse_header(struct elf_file *f, char *err, size_t errlen)
{
	const uint8_t *b = f->buf;

	if (f->size < EI_NIDENT || memcmp(b, ELFMAG, SELFMAG) != 0) {
		snprintf(err, errlen, "not an ELF file");
		return -1;
	}
	if (b[EI_CLASS] != ELFCLASS32 && b[EI_CLASS] != ELFCLASS64) {
		snprintf(err, errlen, "ELF class %u is neither 32- nor 64-bit", b[EI_CLASS]);
		return -1;
	}
	if (b[EI_DATA] != ELFDATA2LSB) {
		snprintf(err, errlen, "only little-endian ELF files are supported");
		return -1;
	}
	f->is64 = b[EI_CLASS] == ELFCLASS64;
	if (f->size < (f->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr))) {
		snprintf(err, errlen, "ELF header truncated");
		return -1;
	}
	f->shoff = FIELD(f, b, Ehdr, e_shoff);
	f->shentsize = FIELD(f, b, Ehdr, e_shentsize);
	f->shnum = FIELD(f, b, Ehdr, e_shnum);
	/* e_shnum 0 with sections means more than SHN_LORESERVE of them,
	 * counted in section 0; no kernel comes close, so it is refused. */
	if (f->shnum == 0 || f->shentsize < (f->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr)) ||
	    !in_buf(f, f->shoff, (uint64_t)f->shnum * f->shentsize)) {
		snprintf(err, errlen, "ELF section headers missing or outside the file");
		return -1;
	}
	return 0;
}

/* Index of the first section of type t, or shnum. */
static size_t find_section(const struct elf_file *f, uint32_t t)
{
	for (size_t i = 0; i < f->shnum; i++)
		if (FIELD(f, section(f, i), Shdr, sh_type) == t)
			return i;
	return f->shnum;
}

/* The letter nm(1) prints for a defined symbol (binutils nm.c and
 * bfd/syms.c bfd_decode_symclass): upper case when global. */
static char nm_letter(const struct elf_file *f, unsigned bind, unsigned type,
		      size_t shndx)
{
	char c;

	if (bind == STB_WEAK)
		return type == STT_OBJECT ? 'V' : 'W';
	if (bind == STB_GNU_UNIQUE)
		return 'u';
	if (shndx == SHN_ABS) {
		c = 'a';
	} else if (shndx == SHN_COMMON) {
		c = 'c';
	} else if (shndx >= f->shnum) {
		return '?';
	} else {
		const uint8_t *sh = section(f, shndx);
		uint64_t flags = FIELD(f, sh, Shdr, sh_flags);
		if (flags & SHF_EXECINSTR)
			c = 't';
		else if (FIELD(f, sh, Shdr, sh_type) == SHT_NOBITS)
			c = 'b';
		else if (flags & SHF_WRITE)
			c = 'd';
		else if (flags & SHF_ALLOC)
			c = 'r';
		else
			c = 'n';
	}
	return bind == STB_LOCAL ? c : (char)(c - 'a' + 'A');
}

int sym_load_elf(struct symtab *st, const uint8_t *elf, size_t size,
		 char *err, size_t errlen)
{
	struct elf_file f = { .buf = elf, .size = size };

	if (parse_header(&f, err, errlen))
		return -1;
	size_t si = find_section(&f, SHT_SYMTAB);
	if (si == f.shnum)
		si = find_section(&f, SHT_DYNSYM);
	if (si == f.shnum) {
		snprintf(err, errlen, "ELF file has no symbol table (stripped?)");
		return -1;
	}
	const uint8_t *sh = section(&f, si);
	size_t symsize = f.is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
	uint64_t symoff = FIELD(&f, sh, Shdr, sh_offset);
	uint64_t symbytes = FIELD(&f, sh, Shdr, sh_size);
	uint64_t link = FIELD(&f, sh, Shdr, sh_link);
	if (FIELD(&f, sh, Shdr, sh_entsize) != symsize || !in_buf(&f, symoff, symbytes) ||
	    link >= f.shnum || FIELD(&f, section(&f, link), Shdr, sh_type) != SHT_STRTAB) {
		snprintf(err, errlen, "ELF symbol table or its string table is malformed");
		return -1;
	}
	const uint8_t *strsh = section(&f, link);
	uint64_t stroff = FIELD(&f, strsh, Shdr, sh_offset);
	uint64_t strbytes = FIELD(&f, strsh, Shdr, sh_size);
	if (!in_buf(&f, stroff, strbytes)) {
		snprintf(err, errlen, "ELF string table lies outside the file");
		return -1;
	}
	const char *strtab = (const char *)elf + stroff;

	int added = 0;
	/* Entry 0 is the reserved undefined symbol. */
	for (uint64_t i = 1; i < symbytes / symsize && added < INT32_MAX; i++) {
		const uint8_t *s = elf + symoff + i * symsize;
		uint64_t name = FIELD(&f, s, Sym, st_name);
		uint64_t value = FIELD(&f, s, Sym, st_value);
		unsigned info = (unsigned)FIELD(&f, s, Sym, st_info);
		size_t shndx = FIELD(&f, s, Sym, st_shndx);
		unsigned bind = ELF64_ST_BIND(info), type = ELF64_ST_TYPE(info);

		if (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE)
			continue;
		if (value == 0 || shndx == SHN_UNDEF || name >= strbytes)
			continue;
		/* The name must end inside the string table. */
		if (!memchr(strtab + name, '\0', strbytes - name) || strtab[name] == '\0')
			continue;
		if (symtab_add(st, value, FIELD(&f, s, Sym, st_size),
			       nm_letter(&f, bind, type, shndx), strtab + name)) {
			snprintf(err, errlen, "out of memory loading ELF symbols");
			return -1;
		}
		added++;
	}
	if (added == 0) {
		snprintf(err, errlen, "ELF symbol table has no named symbols");
		return -1;
	}
	if (symtab_finish(st)) {
		snprintf(err, errlen, "out of memory sorting symbols");
		return -1;
	}
	symtab_set_source(st, "elf");
	return added;
}
