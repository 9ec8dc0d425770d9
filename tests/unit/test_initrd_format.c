/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Initrd formats as Linux's initramfs unpacker tells them apart, and the
 * warning for what it would not unpack. */
#include <stdbool.h>
#include <string.h>

#include "boot/initrd_format.h"
#include "unit.h"

static enum initrd_format detect(const char *s, size_t n)
{
	return initrd_format_detect((const uint8_t *)s, n);
}

START_TEST(formats_by_magic)
{
	static const struct { const char *bytes; size_t len; enum initrd_format f; const char *name; } t[] = {
		{ "070701000000", 12, INITRD_CPIO_NEWC, "cpio (newc)" },
		{ "070702000000", 12, INITRD_CPIO_NEWC, "cpio (newc)" },
		{ "070707000000", 12, INITRD_CPIO_ODC, "cpio (odc)" },
		{ "\x1f\x8b\x08\x00", 4, INITRD_GZIP, "gzip" },
		{ "\x1f\x9e\x08\x00", 4, INITRD_GZIP, "gzip" },
		{ "BZh91AY&SY", 10, INITRD_BZIP2, "bzip2" },
		{ "\x5d\x00\x00\x80\x00", 5, INITRD_LZMA, "lzma" },
		{ "\xfd" "7zXZ\0\0\x01", 8, INITRD_XZ, "xz" },
		{ "\x89LZO\0\r\n", 7, INITRD_LZO, "lzo" },
		{ "\x02\x21\x4c\x18\0\0", 6, INITRD_LZ4_LEGACY, "lz4" },
		{ "\x04\x22\x4d\x18\x64", 5, INITRD_LZ4_FRAME, "lz4 (frame)" },
		{ "\x28\xb5\x2f\xfd\0", 5, INITRD_ZSTD, "zstd" },
		/* NUL padding first, as between concatenated archives. */
		{ "\0\0\0\0" "070701", 10, INITRD_CPIO_NEWC, "cpio (newc)" },
		{ "\0\0\0\0", 4, INITRD_EMPTY, "empty" },
		{ "", 0, INITRD_EMPTY, "empty" },
		{ "07070", 5, INITRD_UNKNOWN, "unknown" },
		{ "hello world", 11, INITRD_UNKNOWN, "unknown" },
	};
	char w[256];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		enum initrd_format f = detect(t[i].bytes, t[i].len);
		ck_assert_msg(f == t[i].f, "case %zu: got %s", i, initrd_format_name(f));
		ck_assert_str_eq(initrd_format_name(f), t[i].name);
		initrd_format_warning(f, (const uint8_t *)t[i].bytes, t[i].len, w, sizeof(w));
		/* Only what the kernel unpacks goes without a warning. */
		bool warned = w[0] != '\0';
		ck_assert_msg(warned == (f == INITRD_CPIO_ODC || f == INITRD_LZ4_FRAME ||
					 f == INITRD_EMPTY || f == INITRD_UNKNOWN), "case %zu", i);
	}
}
END_TEST

START_TEST(warnings_say_what)
{
	char w[256];

	initrd_format_warning(INITRD_UNKNOWN, (const uint8_t *)"\0\0hello world", 13, w, sizeof(w));
	ck_assert_str_eq(w, "the initrd is neither a cpio archive nor compressed in a format Linux "
			 "unpacks (gzip, bzip2, lzma, xz, lzo, lz4, zstd): it starts "
			 "68 65 6c 6c 6f 20 77 6f at offset 2");
	initrd_format_warning(INITRD_LZ4_FRAME, (const uint8_t *)"\x04\x22\x4d\x18", 4, w, sizeof(w));
	ck_assert_ptr_nonnull(strstr(w, "lz4 -l"));
	initrd_format_warning(INITRD_CPIO_ODC, (const uint8_t *)"070707", 6, w, sizeof(w));
	ck_assert_ptr_nonnull(strstr(w, "cpio -H newc"));
}
END_TEST

static Suite *initrd_format_suite(void)
{
	Suite *s = suite_create("initrd_format");
	TCase *tc = tcase_create("format");
	tcase_add_test(tc, formats_by_magic);
	tcase_add_test(tc, warnings_say_what);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(initrd_format_suite)
