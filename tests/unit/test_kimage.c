// SPDX-License-Identifier: GPL-3.0-or-later
/* What the debugger keeps of a kernel ELF (kimage), on an ELF64 built
 * here: text ranges, the ORC tables with their relative addresses, .BTF,
 * the version from the banner; ORC tables that do not hold together are
 * left out with a reason while the rest is kept; malformed section
 * headers are refused. Debian's real image: orc_vs_systemmap.sh. */
#include <elf.h>
#include <string.h>

#include "common/le.h"
#include "monitor/kimage.h"
#include "unit.h"

#define TEXT 0xffffffff81000000ULL
#define IPSEC 0xffffffff82000000ULL

static uint8_t img[4096];
static size_t shoff;
static char err[160];

static const char names[] = "\0.text\0.init.text\0.orc_unwind_ip\0.orc_unwind\0.BTF\0.shstrtab";
enum { N_TEXT = 1, N_INIT = 7, N_IP = 18, N_ORC = 33, N_BTF = 45, N_STR = 50 };

static void section(int i, uint32_t name, uint32_t type, uint64_t addr, uint64_t off, uint64_t size)
{
	uint8_t *sh = img + shoff + (size_t)i * sizeof(Elf64_Shdr);
	put_le32(sh + offsetof(Elf64_Shdr, sh_name), name);
	put_le32(sh + offsetof(Elf64_Shdr, sh_type), type);
	put_le64(sh + offsetof(Elf64_Shdr, sh_addr), addr);
	put_le64(sh + offsetof(Elf64_Shdr, sh_offset), off);
	put_le64(sh + offsetof(Elf64_Shdr, sh_size), size);
}

/* Three ORC entries at TEXT, TEXT + 0x10, TEXT + 0x20 (or unsorted). */
static void build(bool sorted)
{
	memset(img, 0, sizeof(img));
	memcpy(img, ELFMAG, SELFMAG);
	img[EI_CLASS] = ELFCLASS64;
	img[EI_DATA] = ELFDATA2LSB;
	shoff = 2048;
	put_le64(img + offsetof(Elf64_Ehdr, e_shoff), shoff);
	put_le16(img + offsetof(Elf64_Ehdr, e_shentsize), sizeof(Elf64_Shdr));
	put_le16(img + offsetof(Elf64_Ehdr, e_shnum), 7);
	put_le16(img + offsetof(Elf64_Ehdr, e_shstrndx), 6);
	memcpy(img + 256, "junk Linux version 6.1.0-57-amd64 (gcc)", 40);
	for (int i = 0; i < 3; i++) {
		uint64_t target = TEXT + 0x10 * (uint64_t)(sorted ? i : 2 - i);
		put_le32(img + 512 + 4 * i, (uint32_t)(target - (IPSEC + 4 * (uint64_t)i)));
		uint8_t *e = img + 600 + 6 * i;
		put_le16(e, 8);
		e[4] = 5;               /* sp_reg SP, bp_reg undefined */
	}
	memcpy(img + 700, "BTFBLOB", 7);
	memcpy(img + 1024, names, sizeof(names));
	section(1, N_TEXT, SHT_PROGBITS, TEXT, 0, 0x100);
	section(2, N_INIT, SHT_PROGBITS, TEXT + 0x2000000, 0, 0x80);
	section(3, N_IP, SHT_PROGBITS, IPSEC, 512, 12);
	section(4, N_ORC, SHT_PROGBITS, IPSEC + 0x100, 600, 18);
	section(5, N_BTF, SHT_PROGBITS, 0, 700, 7);
	section(6, N_STR, SHT_STRTAB, 0, 1024, sizeof(names));
}

START_TEST(keeps_sections)
{
	struct kimage k;
	build(true);
	ck_assert_int_eq(kimage_load(&k, img, sizeof(img), err, sizeof(err)), 0);
	ck_assert_uint_eq(k.text_start, TEXT);
	ck_assert_uint_eq(k.text_end, TEXT + 0x100);
	ck_assert(kimage_is_text(&k, TEXT + 0x2000010));
	ck_assert(!kimage_is_text(&k, TEXT + 0x100));
	ck_assert_int_eq(k.version_major, 6);
	ck_assert_int_eq(k.version_minor, 1);
	ck_assert_uint_eq(k.orc.n, 3);
	ck_assert_uint_eq(k.orc.ip[2], TEXT + 0x20);
	ck_assert_int_eq(k.orc.entry[1].type, ORC_CALL);
	ck_assert_int_eq(k.orc.entry[1].sp_offset, 8);
	ck_assert_uint_eq(k.btf_size, 7);
	ck_assert(!memcmp(k.btf, "BTFBLOB", 7));
	ck_assert_str_eq(k.orc_error, "");
	kimage_free(&k);
}
END_TEST

START_TEST(bad_orc_left_out)
{
	struct kimage k;
	build(false);
	ck_assert_int_eq(kimage_load(&k, img, sizeof(img), err, sizeof(err)), 0);
	ck_assert_uint_eq(k.orc.n, 0);
	ck_assert_ptr_nonnull(strstr(k.orc_error, "not sorted"));
	ck_assert_uint_eq(k.btf_size, 7);               /* the rest is kept */
	kimage_free(&k);
	build(true);
	section(4, N_ORC, SHT_PROGBITS, 0, 600, 17);    /* not 3 entries */
	ck_assert_int_eq(kimage_load(&k, img, sizeof(img), err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(k.orc_error, "do not match"));
	kimage_free(&k);
}
END_TEST

START_TEST(hostile_headers)
{
	struct kimage k;
	build(true);
	put_le64(img + offsetof(Elf64_Ehdr, e_shoff), sizeof(img) - 10);
	ck_assert_int_eq(kimage_load(&k, img, sizeof(img), err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "section headers"));
	build(true);
	section(5, N_BTF, SHT_PROGBITS, 0, 4000, 1000);  /* past the end */
	ck_assert_int_eq(kimage_load(&k, img, sizeof(img), err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, ".BTF"));
	build(true);
	section(1, 5000, SHT_PROGBITS, TEXT, 0, 0x100);  /* name beyond the table: ignored */
	ck_assert_int_eq(kimage_load(&k, img, sizeof(img), err, sizeof(err)), 0);
	ck_assert_uint_eq(k.text_end, 0);
	kimage_free(&k);
	ck_assert_int_eq(kimage_load(&k, img, 10, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a little-endian ELF64"));
}
END_TEST

static Suite *kimage_suite(void)
{
	Suite *s = suite_create("kimage");
	TCase *tc = tcase_create("load");
	tcase_add_test(tc, keeps_sections);
	tcase_add_test(tc, bad_orc_left_out);
	tcase_add_test(tc, hostile_headers);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(kimage_suite)
