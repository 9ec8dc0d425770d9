// SPDX-License-Identifier: GPL-3.0-or-later
/* Setup-header parsing (boot/bzimage.c) on synthetic and damaged images. */
#include <string.h>

#include "boot/bzimage.h"
#include "test_boot_images.h"
#include "unit.h"

static const uint8_t payload[64] = "payload";
static uint8_t *img;
static size_t len;
static struct bzimage bz;
static char err[256];

static void setup(void)
{
	img = test_build_bzimage(payload, sizeof(payload), &len);
	err[0] = 0;
}

static void teardown(void)
{
	free(img);
}

START_TEST(good_header)
{
	ck_assert_int_eq(bzimage_parse(img, len, &bz, err, sizeof(err)), 0);
	ck_assert_uint_eq(bz.version, 0x020f);
	ck_assert_uint_eq(bz.setup_size, TEST_BZ_SETUP);
	ck_assert_uint_eq(bz.pm_size, len - TEST_BZ_SETUP);
	ck_assert_uint_eq(bz.header_end, 0x26c);
	ck_assert_uint_eq(bz.payload_offset, TEST_BZ_SETUP + TEST_BZ_PAYLOAD_OFF);
	ck_assert_uint_eq(bz.payload_length, sizeof(payload));
	ck_assert(memcmp(img + bz.payload_offset, payload, sizeof(payload)) == 0);
	ck_assert_uint_eq(bz.pref_address, TEST_BZ_PREF);
	ck_assert_uint_eq(bz.kernel_alignment, 0x200000);
	ck_assert(bz.relocatable);
	ck_assert_uint_eq(bz.init_size, TEST_BZ_INIT_SIZE);
	ck_assert_uint_eq(bz.cmdline_size, TEST_BZ_CMDLINE_MAX);
	ck_assert_uint_eq(bz.initrd_addr_max, 0x7fffffff);
	ck_assert_uint_eq(bz.xloadflags, BZ_XLF_KERNEL_64);
	ck_assert(bzimage_probe(img, len));
}
END_TEST

START_TEST(setup_sects_zero_means_four)
{
	/* Move the kernel so that 5 sectors of setup precede it. */
	uint8_t *big = calloc(1, len + 4 * 512);
	memcpy(big, img, TEST_BZ_SETUP);
	memcpy(big + 5 * 512, img + TEST_BZ_SETUP, len - TEST_BZ_SETUP);
	big[BZ_SETUP_SECTS] = 0;
	ck_assert_int_eq(bzimage_parse(big, len + 4 * 512, &bz, err, sizeof(err)), 0);
	ck_assert_uint_eq(bz.setup_size, 5 * 512);
	free(big);
}
END_TEST

START_TEST(wrong_boot_flag)
{
	img[BZ_BOOT_FLAG] = 0;
	ck_assert_int_eq(bzimage_parse(img, len, &bz, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a bzImage"));
}
END_TEST

START_TEST(wrong_hdrs_magic)
{
	memcpy(img + BZ_HEADER_MAGIC, "HdrX", 4);
	ck_assert(!bzimage_probe(img, len));
	ck_assert_int_eq(bzimage_parse(img, len, &bz, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a bzImage"));
}
END_TEST

START_TEST(tiny_file)
{
	ck_assert_int_eq(bzimage_parse(img, 0x100, &bz, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a bzImage"));
	ck_assert_int_eq(bzimage_parse(img, 0, &bz, err, sizeof(err)), -1);
}
END_TEST

/* Cut inside the setup header (a 600-byte head of a real bzImage): the
 * signatures are there, so it is a truncated bzImage, not an unknown file. */
START_TEST(cut_inside_header)
{
	ck_assert(bzimage_probe(img, 600));
	ck_assert_int_eq(bzimage_parse(img, 600, &bz, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "truncated bzImage: 600 bytes, the setup header alone takes 656");
	ck_assert(!bzimage_probe(img, BZ_HEADER_MAGIC + 3));
}
END_TEST

START_TEST(truncated_kernel)
{
	ck_assert_int_eq(bzimage_parse(img, len - 16, &bz, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "truncated"));
	/* Shorter than its own setup code. */
	ck_assert_int_eq(bzimage_parse(img, TEST_BZ_SETUP - 1, &bz, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "truncated"));
}
END_TEST

START_TEST(huge_syssize)
{
	test_put32(img + BZ_SYSSIZE, 0xffffffff);
	ck_assert_int_eq(bzimage_parse(img, len, &bz, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "truncated"));
}
END_TEST

START_TEST(protocol_too_old)
{
	test_put16(img + BZ_VERSION, 0x0206);
	ck_assert_int_eq(bzimage_parse(img, len, &bz, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "2.06 too old"));
}
END_TEST

START_TEST(zimage_refused)
{
	img[BZ_LOADFLAGS] = 0;
	ck_assert_int_eq(bzimage_parse(img, len, &bz, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "zImage"));
}
END_TEST

START_TEST(payload_offset_beyond_file)
{
	test_put32(img + BZ_PAYLOAD_OFFSET, (uint32_t)len);
	ck_assert_int_eq(bzimage_parse(img, len, &bz, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "payload"));
}
END_TEST

START_TEST(payload_length_beyond_file)
{
	test_put32(img + BZ_PAYLOAD_LENGTH, 0xfffffff0);
	ck_assert_int_eq(bzimage_parse(img, len, &bz, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "payload"));
	test_put32(img + BZ_PAYLOAD_LENGTH, (uint32_t)(len - TEST_BZ_SETUP - TEST_BZ_PAYLOAD_OFF + 1));
	ck_assert_int_eq(bzimage_parse(img, len, &bz, err, sizeof(err)), -1);
}
END_TEST

START_TEST(bad_alignment)
{
	test_put32(img + BZ_KERNEL_ALIGNMENT, 0x300000);
	ck_assert_int_eq(bzimage_parse(img, len, &bz, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "kernel_alignment"));
	test_put32(img + BZ_KERNEL_ALIGNMENT, 0);
	ck_assert_int_eq(bzimage_parse(img, len, &bz, err, sizeof(err)), -1);
}
END_TEST

START_TEST(header_end_is_capped)
{
	img[BZ_JUMP + 1] = 0xff;
	ck_assert_int_eq(bzimage_parse(img, len, &bz, err, sizeof(err)), 0);
	ck_assert_uint_eq(bz.header_end, BZ_HEADER_LIMIT);
}
END_TEST

START_TEST(old_protocol_defaults)
{
	/* 2.08: no pref_address, init_size or xloadflags yet. */
	test_put16(img + BZ_VERSION, 0x0208);
	ck_assert_int_eq(bzimage_parse(img, len, &bz, err, sizeof(err)), 0);
	ck_assert_uint_eq(bz.pref_address, 0x100000);
	ck_assert_uint_eq(bz.init_size, 0);
	ck_assert_uint_eq(bz.xloadflags, 0);
}
END_TEST

static Suite *bzimage_suite(void)
{
	Suite *s = suite_create("boot_bzimage");
	TCase *tc = tcase_create("parse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, good_header);
	tcase_add_test(tc, setup_sects_zero_means_four);
	tcase_add_test(tc, wrong_boot_flag);
	tcase_add_test(tc, wrong_hdrs_magic);
	tcase_add_test(tc, tiny_file);
	tcase_add_test(tc, truncated_kernel);
	tcase_add_test(tc, cut_inside_header);
	tcase_add_test(tc, huge_syssize);
	tcase_add_test(tc, protocol_too_old);
	tcase_add_test(tc, zimage_refused);
	tcase_add_test(tc, payload_offset_beyond_file);
	tcase_add_test(tc, payload_length_beyond_file);
	tcase_add_test(tc, bad_alignment);
	tcase_add_test(tc, header_end_is_capped);
	tcase_add_test(tc, old_protocol_defaults);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(bzimage_suite)
