// SPDX-License-Identifier: GPL-3.0-or-later
/* ELF kernel parsing and the PVH note (boot/elf_kernel.c). */
#include <string.h>

#include "boot/elf_kernel.h"
#include "test_boot_images.h"
#include "unit.h"

static uint8_t img[TEST_ELF_SIZE];
static struct elf_kernel k;
static char err[256];

START_TEST(good_elf64)
{
	size_t len = test_build_elf(img, true, NOTE_SEGMENT);
	ck_assert(elf_probe(img, len));
	ck_assert_int_eq(elf_kernel_parse(img, len, &k, err, sizeof(err)), 0);
	ck_assert(k.is64);
	ck_assert(k.has_pvh_entry);
	ck_assert_uint_eq(k.pvh_entry, TEST_ELF_ENTRY);
	ck_assert_int_eq(k.nloads, 1);
	ck_assert_uint_eq(k.load[0].paddr, TEST_ELF_LOAD_PADDR);
	ck_assert_uint_eq(k.load[0].offset, TEST_ELF_CODE_OFF);
	ck_assert_uint_eq(k.load[0].filesz, 256);
	ck_assert_uint_eq(k.load[0].memsz, 4096);
}
END_TEST

START_TEST(good_elf32)
{
	size_t len = test_build_elf(img, false, NOTE_SEGMENT);
	ck_assert_int_eq(elf_kernel_parse(img, len, &k, err, sizeof(err)), 0);
	ck_assert(!k.is64);
	ck_assert(k.has_pvh_entry);
	ck_assert_uint_eq(k.pvh_entry, TEST_ELF_ENTRY);
	ck_assert_uint_eq(k.load[0].memsz, 4096);
}
END_TEST

START_TEST(note_in_section_only)
{
	for (int is64 = 0; is64 < 2; is64++) {
		size_t len = test_build_elf(img, is64, NOTE_SECTION);
		ck_assert_int_eq(elf_kernel_parse(img, len, &k, err, sizeof(err)), 0);
		ck_assert(k.has_pvh_entry);
		ck_assert_uint_eq(k.pvh_entry, TEST_ELF_ENTRY);
	}
}
END_TEST

START_TEST(no_note)
{
	size_t len = test_build_elf(img, true, NOTE_NONE);
	ck_assert_int_eq(elf_kernel_parse(img, len, &k, err, sizeof(err)), 0);
	ck_assert(!k.has_pvh_entry);
}
END_TEST

START_TEST(other_notes_ignored)
{
	size_t len = test_build_elf(img, true, NOTE_SEGMENT);
	memcpy(img + TEST_ELF_NOTE_OFF + 12, "Xem", 4);
	ck_assert_int_eq(elf_kernel_parse(img, len, &k, err, sizeof(err)), 0);
	ck_assert(!k.has_pvh_entry);
}
END_TEST

START_TEST(truncated_program_headers)
{
	size_t len = test_build_elf(img, true, NOTE_SEGMENT);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	eh->e_phnum = 100;
	ck_assert_int_eq(elf_kernel_parse(img, len, &k, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "truncated"));
	/* A file cut inside its program headers. */
	test_build_elf(img, true, NOTE_SEGMENT);
	ck_assert_int_eq(elf_kernel_parse(img, 100, &k, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "truncated"));
	/* Shorter than the ELF header. */
	ck_assert_int_eq(elf_kernel_parse(img, 20, &k, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "truncated"));
}
END_TEST

START_TEST(phoff_huge)
{
	size_t len = test_build_elf(img, true, NOTE_SEGMENT);
	((Elf64_Ehdr *)img)->e_phoff = UINT64_MAX - 8;
	ck_assert_int_eq(elf_kernel_parse(img, len, &k, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "truncated"));
}
END_TEST

START_TEST(small_phentsize)
{
	size_t len = test_build_elf(img, true, NOTE_SEGMENT);
	((Elf64_Ehdr *)img)->e_phentsize = 8;
	ck_assert_int_eq(elf_kernel_parse(img, len, &k, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "too small"));
}
END_TEST

START_TEST(segment_offset_beyond_file)
{
	size_t len = test_build_elf(img, true, NOTE_SEGMENT);
	Elf64_Phdr *ph = (Elf64_Phdr *)(img + sizeof(Elf64_Ehdr));
	ph[0].p_offset = len - 16;
	ck_assert_int_eq(elf_kernel_parse(img, len, &k, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "runs past"));
	ph[0].p_offset = UINT64_MAX;
	ck_assert_int_eq(elf_kernel_parse(img, len, &k, err, sizeof(err)), -1);
	ph[0].p_offset = TEST_ELF_CODE_OFF;
	ph[0].p_filesz = UINT64_MAX;
	ph[0].p_memsz = UINT64_MAX;
	ck_assert_int_eq(elf_kernel_parse(img, len, &k, err, sizeof(err)), -1);
}
END_TEST

START_TEST(filesz_above_memsz)
{
	size_t len = test_build_elf(img, true, NOTE_SEGMENT);
	Elf64_Phdr *ph = (Elf64_Phdr *)(img + sizeof(Elf64_Ehdr));
	ph[0].p_memsz = 16;
	ck_assert_int_eq(elf_kernel_parse(img, len, &k, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "exceeds memory size"));
}
END_TEST

/* A second PT_LOAD inside the first one's memory is refused; one right
 * after it is fine. */
START_TEST(segments_overlap)
{
	size_t len = test_build_elf(img, true, NOTE_SEGMENT);
	Elf64_Phdr *ph = (Elf64_Phdr *)(img + sizeof(Elf64_Ehdr));
	ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = TEST_ELF_CODE_OFF, .p_filesz = 16,
			      .p_memsz = 16, .p_paddr = TEST_ELF_LOAD_PADDR + 0x800 };
	ck_assert_int_eq(elf_kernel_parse(img, len, &k, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "ELF loadable segments 0 and 1 overlap in memory "
			 "(0x200000-0x201000 and 0x200800-0x200810)");
	ph[1].p_paddr = TEST_ELF_LOAD_PADDR + 4096;
	ck_assert_int_eq(elf_kernel_parse(img, len, &k, err, sizeof(err)), 0);
	ck_assert_int_eq(k.nloads, 2);
}
END_TEST

START_TEST(paddr_wraps)
{
	size_t len = test_build_elf(img, true, NOTE_SEGMENT);
	Elf64_Phdr *ph = (Elf64_Phdr *)(img + sizeof(Elf64_Ehdr));
	ph[0].p_paddr = UINT64_MAX - 100;
	ck_assert_int_eq(elf_kernel_parse(img, len, &k, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "wraps"));
}
END_TEST

START_TEST(note_name_length_overflow)
{
	size_t len = test_build_elf(img, true, NOTE_SEGMENT);
	uint32_t huge = 0xfffffffd;
	memcpy(img + TEST_ELF_NOTE_OFF, &huge, 4);
	ck_assert_int_eq(elf_kernel_parse(img, len, &k, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "overrun"));
	/* descsz overflowing instead. */
	test_build_elf(img, true, NOTE_SEGMENT);
	memcpy(img + TEST_ELF_NOTE_OFF + 4, &huge, 4);
	ck_assert_int_eq(elf_kernel_parse(img, len, &k, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "overrun"));
}
END_TEST

START_TEST(note_bad_desc_size)
{
	size_t len = test_build_elf(img, true, NOTE_SEGMENT);
	uint32_t two = 2;
	memcpy(img + TEST_ELF_NOTE_OFF + 4, &two, 4);
	ck_assert_int_eq(elf_kernel_parse(img, len, &k, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "PVH entry note"));
}
END_TEST

START_TEST(entry_above_4g)
{
	size_t len = test_build_elf(img, true, NOTE_SEGMENT);
	uint64_t far = 0x100000000ULL;
	memcpy(img + TEST_ELF_NOTE_OFF + 16, &far, 8);
	ck_assert_int_eq(elf_kernel_parse(img, len, &k, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "above 4 GiB"));
}
END_TEST

START_TEST(not_x86_or_not_elf)
{
	size_t len = test_build_elf(img, true, NOTE_SEGMENT);
	((Elf64_Ehdr *)img)->e_machine = EM_AARCH64;
	ck_assert_int_eq(elf_kernel_parse(img, len, &k, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not x86"));
	test_build_elf(img, true, NOTE_SEGMENT);
	img[EI_DATA] = ELFDATA2MSB;
	ck_assert_int_eq(elf_kernel_parse(img, len, &k, err, sizeof(err)), -1);
	img[0] = 0;
	ck_assert(!elf_probe(img, len));
	ck_assert_int_eq(elf_kernel_parse(img, len, &k, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not an ELF"));
}
END_TEST

START_TEST(section_table_beyond_file)
{
	size_t len = test_build_elf(img, true, NOTE_SECTION);
	((Elf64_Ehdr *)img)->e_shnum = 1000;
	ck_assert_int_eq(elf_kernel_parse(img, len, &k, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "truncated"));
}
END_TEST

START_TEST(no_loadable_segment)
{
	size_t len = test_build_elf(img, true, NOTE_SEGMENT);
	Elf64_Phdr *ph = (Elf64_Phdr *)(img + sizeof(Elf64_Ehdr));
	ph[0].p_type = PT_NULL;
	ck_assert_int_eq(elf_kernel_parse(img, len, &k, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "no loadable"));
}
END_TEST

static Suite *elf_suite(void)
{
	Suite *s = suite_create("boot_elf");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, good_elf64);
	tcase_add_test(tc, good_elf32);
	tcase_add_test(tc, note_in_section_only);
	tcase_add_test(tc, no_note);
	tcase_add_test(tc, other_notes_ignored);
	tcase_add_test(tc, truncated_program_headers);
	tcase_add_test(tc, phoff_huge);
	tcase_add_test(tc, small_phentsize);
	tcase_add_test(tc, segment_offset_beyond_file);
	tcase_add_test(tc, filesz_above_memsz);
	tcase_add_test(tc, paddr_wraps);
	tcase_add_test(tc, segments_overlap);
	tcase_add_test(tc, note_name_length_overflow);
	tcase_add_test(tc, note_bad_desc_size);
	tcase_add_test(tc, entry_above_4g);
	tcase_add_test(tc, not_x86_or_not_elf);
	tcase_add_test(tc, section_table_beyond_file);
	tcase_add_test(tc, no_loadable_segment);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(elf_suite)
