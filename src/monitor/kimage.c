// SPDX-License-Identifier: GPL-3.0-or-later
/* Copying the debugger's sections out of the kernel ELF (see kimage.h).
 * Section headers per the System V ABI (gABI, "Sections"); the image is
 * hostile input: every header, name and range is checked. */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/le.h"
#include "monitor/kimage.h"

struct section {
	uint64_t addr, offset, size;
	bool found;
};

static bool in_file(size_t size, uint64_t off, uint64_t len)
{
	return off <= size && len <= size - off;
}

/* Look up sections by name: fills sec[i] for names[i]. */
static int find_sections(const uint8_t *elf, size_t size, const char *const *names,
			 struct section *sec, int n, char *err, size_t errlen)
{
	if (size < sizeof(Elf64_Ehdr) || memcmp(elf, ELFMAG, SELFMAG) ||
	    elf[EI_CLASS] != ELFCLASS64 || elf[EI_DATA] != ELFDATA2LSB) {
		snprintf(err, errlen, "not a little-endian ELF64 image");
		return -1;
	}
	uint64_t shoff = get_le64(elf + offsetof(Elf64_Ehdr, e_shoff));
	unsigned shentsize = get_le16(elf + offsetof(Elf64_Ehdr, e_shentsize));
	unsigned shnum = get_le16(elf + offsetof(Elf64_Ehdr, e_shnum));
	unsigned shstrndx = get_le16(elf + offsetof(Elf64_Ehdr, e_shstrndx));
	if (shoff == 0 || shnum == 0)
		return 0;       /* no section headers: nothing to keep */
	if (shentsize < sizeof(Elf64_Shdr) || shstrndx >= shnum ||
	    !in_file(size, shoff, (uint64_t)shnum * shentsize)) {
		snprintf(err, errlen, "section headers out of the image");
		return -1;
	}
	const uint8_t *strh = elf + shoff + (uint64_t)shstrndx * shentsize;
	uint64_t str_off = get_le64(strh + offsetof(Elf64_Shdr, sh_offset));
	uint64_t str_size = get_le64(strh + offsetof(Elf64_Shdr, sh_size));
	if (!in_file(size, str_off, str_size)) {
		snprintf(err, errlen, "section name table out of the image");
		return -1;
	}
	for (unsigned i = 1; i < shnum; i++) {
		const uint8_t *sh = elf + shoff + (uint64_t)i * shentsize;
		uint32_t name = get_le32(sh + offsetof(Elf64_Shdr, sh_name));
		if (name >= str_size)
			continue;
		const char *nm = (const char *)elf + str_off + name;
		size_t max = str_size - name;
		for (int j = 0; j < n; j++) {
			size_t len = strlen(names[j]);
			if (sec[j].found || len >= max || memcmp(nm, names[j], len + 1))
				continue;
			uint32_t type = get_le32(sh + offsetof(Elf64_Shdr, sh_type));
			sec[j].addr = get_le64(sh + offsetof(Elf64_Shdr, sh_addr));
			sec[j].offset = get_le64(sh + offsetof(Elf64_Shdr, sh_offset));
			sec[j].size = get_le64(sh + offsetof(Elf64_Shdr, sh_size));
			if (type == SHT_NOBITS || !in_file(size, sec[j].offset, sec[j].size)) {
				snprintf(err, errlen, "section %s out of the image", names[j]);
				return -1;
			}
			sec[j].found = true;
		}
	}
	return 0;
}

/* linux_banner, "Linux version 6.1.0-57-amd64 ...", in .rodata. */
static void find_version(struct kimage *k, const uint8_t *img, size_t size)
{
	static const char tag[] = "Linux version ";
	const uint8_t *p = img, *end = img + size;
	while ((p = memmem(p, (size_t)(end - p), tag, sizeof(tag) - 1))) {
		p += sizeof(tag) - 1;
		int major = 0, minor = 0, i = 0;
		while (p + i < end && i < 3 && p[i] >= '0' && p[i] <= '9')
			major = major * 10 + (p[i++] - '0');
		if (i == 0 || p + i >= end || p[i] != '.')
			continue;
		int j = ++i;
		while (p + i < end && i - j < 3 && p[i] >= '0' && p[i] <= '9')
			minor = minor * 10 + (p[i++] - '0');
		if (i > j) {
			k->version_major = major;
			k->version_minor = minor;
			return;
		}
	}
}

enum { S_TEXT, S_INIT_TEXT, S_ORC_IP, S_ORC, S_BTF, S_COUNT };

int kimage_load(struct kimage *k, const uint8_t *elf, size_t size, char *err, size_t errlen)
{
	static const char *const names[S_COUNT] = {
		".text", ".init.text", ".orc_unwind_ip", ".orc_unwind", ".BTF",
	};
	struct section s[S_COUNT] = { 0 };
	memset(k, 0, sizeof(*k));
	if (find_sections(elf, size, names, s, S_COUNT, err, errlen) < 0)
		return -1;
	find_version(k, elf, size);
	if (s[S_TEXT].found) {
		k->text_start = s[S_TEXT].addr;
		k->text_end = s[S_TEXT].addr + s[S_TEXT].size;
	}
	if (s[S_INIT_TEXT].found) {
		k->init_start = s[S_INIT_TEXT].addr;
		k->init_end = s[S_INIT_TEXT].addr + s[S_INIT_TEXT].size;
	}
	if (s[S_ORC_IP].found && s[S_ORC].found) {
		size_t n = s[S_ORC_IP].size / 4;
		enum orc_layout layout = orc_layout_for_version(k->version_major, k->version_minor);
		if (s[S_ORC_IP].size % 4 || s[S_ORC].size != (uint64_t)n * ORC_ENTRY_SIZE)
			snprintf(k->orc_error, sizeof(k->orc_error), ".orc_unwind_ip (%llu bytes) and "
				 ".orc_unwind (%llu) do not match", (unsigned long long)s[S_ORC_IP].size,
				 (unsigned long long)s[S_ORC].size);
		else if (orc_table_build(&k->orc, elf + s[S_ORC_IP].offset, s[S_ORC_IP].addr,
					 elf + s[S_ORC].offset, n, layout, k->orc_error,
					 sizeof(k->orc_error)) < 0)
			k->orc.n = 0;   /* left out; orc_error says why */
	}
	if (s[S_BTF].found && s[S_BTF].size) {
		k->btf = malloc(s[S_BTF].size);
		if (!k->btf) {
			kimage_free(k);
			snprintf(err, errlen, "out of memory for .BTF");
			return -1;
		}
		memcpy(k->btf, elf + s[S_BTF].offset, s[S_BTF].size);
		k->btf_size = s[S_BTF].size;
	}
	return 0;
}

void kimage_free(struct kimage *k)
{
	orc_table_free(&k->orc);
	free(k->btf);
	k->btf = NULL;
	k->btf_size = 0;
}

bool kimage_is_text(const struct kimage *k, uint64_t addr)
{
	return k && ((addr >= k->text_start && addr < k->text_end) ||
		     (addr >= k->init_start && addr < k->init_end));
}
