// SPDX-License-Identifier: GPL-3.0-or-later
/* Payload compression: detection by magic and round trips through each
 * supported decoder, with data compressed here by the libraries' own
 * encoders and the kernel's 4-byte size trailer appended. */
#include <string.h>

#include <lz4.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "boot/decompress.h"
#include "unit.h"

#define PLAIN_LEN (3 * 1024 * 1024)

static uint8_t *plain;
static uint8_t *packed;
static size_t packed_len;
static char err[256];

static void setup(void)
{
	plain = malloc(PLAIN_LEN);
	/* Compressible but not trivial. */
	uint32_t x = 12345;
	for (size_t i = 0; i < PLAIN_LEN; i++) {
		x = x * 1103515245 + 12345;
		plain[i] = (i % 1024 < 512) ? (uint8_t)(i / 7) : (uint8_t)(x >> 24) & 0x0f;
	}
	packed = malloc(PLAIN_LEN * 2 + 1024);
	packed_len = 0;
	err[0] = 0;
}

static void teardown(void)
{
	free(plain);
	free(packed);
}

/* scripts/Makefile.lib size_append: le32 uncompressed size. */
static void append_size(void)
{
	uint32_t n = PLAIN_LEN;
	memcpy(packed + packed_len, &n, 4);
	packed_len += 4;
}

static void pack_gzip(void)
{
	z_stream zs = { 0 };
	ck_assert_int_eq(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = plain;
	zs.avail_in = PLAIN_LEN;
	zs.next_out = packed;
	zs.avail_out = PLAIN_LEN * 2;
	ck_assert_int_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
	packed_len = zs.total_out;
	deflateEnd(&zs);
	append_size();
}

static void pack_xz(void)
{
	size_t pos = 0;
	ck_assert_int_eq(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, plain, PLAIN_LEN,
						 packed, &pos, PLAIN_LEN * 2), LZMA_OK);
	packed_len = pos;
	append_size();
}

static void pack_zstd(void)
{
	size_t n = ZSTD_compress(packed, PLAIN_LEN * 2, plain, PLAIN_LEN, 3);
	ck_assert(!ZSTD_isError(n));
	packed_len = n;
	append_size();
}

/* The legacy lz4 frame, built by hand: magic, then [le32 size][block]
 * for each 8 MiB (here: 1 MiB, to get several blocks) of input. */
static void pack_lz4_legacy(size_t block)
{
	const uint8_t magic[4] = { 0x02, 0x21, 0x4c, 0x18 };
	memcpy(packed, magic, 4);
	packed_len = 4;
	for (size_t off = 0; off < PLAIN_LEN; off += block) {
		size_t n = PLAIN_LEN - off < block ? PLAIN_LEN - off : block;
		int c = LZ4_compress_default((const char *)plain + off,
					     (char *)packed + packed_len + 4, (int)n,
					     LZ4_compressBound((int)n));
		ck_assert_int_gt(c, 0);
		uint32_t c32 = (uint32_t)c;
		memcpy(packed + packed_len, &c32, 4);
		packed_len += 4 + (size_t)c;
	}
	append_size();
}

static void round_trip(enum compression want)
{
	uint8_t *out;
	size_t out_len;

	ck_assert_int_eq(decompress_detect(packed, packed_len), want);
	ck_assert(compression_supported(want));
	ck_assert_int_eq(decompress(want, packed, packed_len, DECOMPRESS_MAX_OUT,
				    &out, &out_len, err, sizeof(err)), 0);
	ck_assert_uint_eq(out_len, PLAIN_LEN);
	ck_assert(memcmp(out, plain, PLAIN_LEN) == 0);
	free(out);
}

/* Cut the stream short: a clear error, not a crash. */
static void truncated(enum compression c)
{
	uint8_t *out = (uint8_t *)1;
	size_t out_len = 1;

	ck_assert_int_eq(decompress(c, packed, packed_len / 2, DECOMPRESS_MAX_OUT,
				    &out, &out_len, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "truncated"));
	ck_assert_ptr_null(out);
}

/* A limit below the real size must stop the decoder. */
static void bomb(enum compression c)
{
	uint8_t *out;
	size_t out_len;

	ck_assert_int_eq(decompress(c, packed, packed_len, 1 << 20, &out, &out_len,
				    err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "exceeds"));
}

/* Flip bytes in the middle of the stream. */
static void corrupt(enum compression c)
{
	uint8_t *out;
	size_t out_len;

	for (size_t i = packed_len / 3; i < packed_len / 3 + 64; i++)
		packed[i] ^= 0x5a;
	ck_assert_int_eq(decompress(c, packed, packed_len, DECOMPRESS_MAX_OUT,
				    &out, &out_len, err, sizeof(err)), -1);
	ck_assert(strlen(err) > 0);
}

START_TEST(gzip_round_trip) { pack_gzip(); round_trip(COMP_GZIP); }
END_TEST
START_TEST(gzip_truncated) { pack_gzip(); truncated(COMP_GZIP); }
END_TEST
START_TEST(gzip_bomb) { pack_gzip(); bomb(COMP_GZIP); }
END_TEST
START_TEST(gzip_corrupt) { pack_gzip(); corrupt(COMP_GZIP); }
END_TEST
START_TEST(xz_round_trip) { pack_xz(); round_trip(COMP_XZ); }
END_TEST
START_TEST(xz_truncated) { pack_xz(); truncated(COMP_XZ); }
END_TEST
START_TEST(xz_bomb) { pack_xz(); bomb(COMP_XZ); }
END_TEST
START_TEST(xz_corrupt) { pack_xz(); corrupt(COMP_XZ); }
END_TEST
START_TEST(zstd_round_trip) { pack_zstd(); round_trip(COMP_ZSTD); }
END_TEST
START_TEST(zstd_truncated) { pack_zstd(); truncated(COMP_ZSTD); }
END_TEST
START_TEST(zstd_bomb) { pack_zstd(); bomb(COMP_ZSTD); }
END_TEST
START_TEST(zstd_corrupt) { pack_zstd(); corrupt(COMP_ZSTD); }
END_TEST
START_TEST(lz4_round_trip) { pack_lz4_legacy(1 << 20); round_trip(COMP_LZ4); }
END_TEST
START_TEST(lz4_one_block) { pack_lz4_legacy(8 << 20); round_trip(COMP_LZ4); }
END_TEST
START_TEST(lz4_truncated) { pack_lz4_legacy(1 << 20); truncated(COMP_LZ4); }
END_TEST
START_TEST(lz4_bomb) { pack_lz4_legacy(1 << 20); bomb(COMP_LZ4); }
END_TEST
/* The legacy lz4 frame has no checksum: flipped data bytes may decode to
 * wrong output, which is fine as long as it stays in bounds (ASan run).
 * A damaged block length must fail. */
START_TEST(lz4_corrupt)
{
	uint8_t *out;
	size_t out_len;

	pack_lz4_legacy(1 << 20);
	for (size_t i = packed_len / 3; i < packed_len / 3 + 64; i++)
		packed[i] ^= 0x5a;
	if (decompress(COMP_LZ4, packed, packed_len, DECOMPRESS_MAX_OUT,
		       &out, &out_len, err, sizeof(err)) == 0) {
		ck_assert_uint_le(out_len, DECOMPRESS_MAX_OUT);
		free(out);
	}
	pack_lz4_legacy(1 << 20);
	uint32_t first;
	memcpy(&first, packed + 4, 4);
	first -= 7;
	memcpy(packed + 4, &first, 4);
	ck_assert_int_eq(decompress(COMP_LZ4, packed, packed_len, DECOMPRESS_MAX_OUT,
				    &out, &out_len, err, sizeof(err)), -1);
}
END_TEST

START_TEST(lz4_huge_block_size)
{
	pack_lz4_legacy(1 << 20);
	uint32_t huge = 0x7ffffff0;
	memcpy(packed + 4, &huge, 4);
	uint8_t *out;
	size_t out_len;
	ck_assert_int_eq(decompress(COMP_LZ4, packed, packed_len, DECOMPRESS_MAX_OUT,
				    &out, &out_len, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "corrupt"));
}
END_TEST

START_TEST(trailing_garbage_tolerated)
{
	pack_xz();
	memset(packed + packed_len, 0xee, 100);
	packed_len += 100;
	round_trip(COMP_XZ);
	pack_gzip();
	memset(packed + packed_len, 0xee, 100);
	packed_len += 100;
	round_trip(COMP_GZIP);
}
END_TEST

START_TEST(detect_magics)
{
	static const struct {
		const char *bytes;
		size_t len;
		enum compression c;
		const char *name;
	} cases[] = {
		{ "\x1f\x8b\x08\x00", 4, COMP_GZIP, "gzip" },
		{ "\xfd" "7zXZ\0\0\0", 8, COMP_XZ, "xz" },
		{ "\x28\xb5\x2f\xfd\0", 5, COMP_ZSTD, "zstd" },
		{ "\x02\x21\x4c\x18", 4, COMP_LZ4, "lz4" },
		{ "BZh91AY", 7, COMP_BZIP2, "bzip2" },
		{ "\x5d\x00\x00\x80\x00", 5, COMP_LZMA, "lzma" },
		{ "\x89LZO\0\r\n", 7, COMP_LZO, "lzo" },
		{ "\x7f" "ELF\2\1", 6, COMP_NONE, "none" },
		{ "\x00\x01\x02\x03", 4, COMP_UNKNOWN, "unknown" },
		{ "\xfd" "7z", 3, COMP_UNKNOWN, "unknown" },   /* too short for xz */
		{ "", 0, COMP_UNKNOWN, "unknown" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum compression c = decompress_detect((const uint8_t *)cases[i].bytes, cases[i].len);
		ck_assert_int_eq(c, cases[i].c);
		ck_assert_str_eq(compression_name(c), cases[i].name);
	}
}
END_TEST

START_TEST(unsupported_named)
{
	static const enum compression refused[] = { COMP_BZIP2, COMP_LZMA, COMP_LZO, COMP_UNKNOWN };
	const uint8_t junk[16] = "BZh9";
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		uint8_t *out;
		size_t out_len;
		ck_assert(!compression_supported(refused[i]));
		ck_assert_int_eq(decompress(refused[i], junk, sizeof(junk), DECOMPRESS_MAX_OUT,
					    &out, &out_len, err, sizeof(err)), -1);
		ck_assert_ptr_nonnull(strstr(err, compression_name(refused[i])));
		ck_assert_ptr_nonnull(strstr(err, "not supported"));
	}
}
END_TEST

START_TEST(uncompressed_copies)
{
	uint8_t *out;
	size_t out_len;
	const uint8_t elf[8] = "\x7f" "ELF\2\1\1";
	ck_assert_int_eq(decompress(COMP_NONE, elf, sizeof(elf), DECOMPRESS_MAX_OUT,
				    &out, &out_len, err, sizeof(err)), 0);
	ck_assert_uint_eq(out_len, sizeof(elf));
	ck_assert(memcmp(out, elf, sizeof(elf)) == 0);
	free(out);
	ck_assert_int_eq(decompress(COMP_NONE, elf, sizeof(elf), 4, &out, &out_len,
				    err, sizeof(err)), -1);
}
END_TEST

/* An empty input is refused in every format (a fuzzer found COMP_NONE
 * copying from a NULL buffer). */
START_TEST(empty_input_refused)
{
	static const enum compression all[] = { COMP_NONE, COMP_GZIP, COMP_XZ, COMP_ZSTD, COMP_LZ4 };
	static const uint8_t nothing[1];
	uint8_t *out = (uint8_t *)1;
	size_t out_len = 1;
	char err[128];

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		ck_assert_int_eq(decompress(all[i], nothing, 0, 1 << 20, &out, &out_len,
					    err, sizeof(err)), -1);
		ck_assert_ptr_null(out);
		ck_assert_uint_eq(out_len, 0);
		ck_assert_ptr_nonnull(strstr(err, "empty"));
	}
	ck_assert_int_eq(decompress(COMP_NONE, NULL, 0, 1 << 20, &out, &out_len,
				    err, sizeof(err)), -1);
}
END_TEST

static Suite *decompress_suite(void)
{
	Suite *s = suite_create("boot_decompress");
	TCase *tc = tcase_create("decompress");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, detect_magics);
	tcase_add_test(tc, unsupported_named);
	tcase_add_test(tc, uncompressed_copies);
	tcase_add_test(tc, gzip_round_trip);
	tcase_add_test(tc, gzip_truncated);
	tcase_add_test(tc, gzip_bomb);
	tcase_add_test(tc, gzip_corrupt);
	tcase_add_test(tc, xz_round_trip);
	tcase_add_test(tc, xz_truncated);
	tcase_add_test(tc, xz_bomb);
	tcase_add_test(tc, xz_corrupt);
	tcase_add_test(tc, zstd_round_trip);
	tcase_add_test(tc, zstd_truncated);
	tcase_add_test(tc, zstd_bomb);
	tcase_add_test(tc, zstd_corrupt);
	tcase_add_test(tc, lz4_round_trip);
	tcase_add_test(tc, lz4_one_block);
	tcase_add_test(tc, lz4_truncated);
	tcase_add_test(tc, lz4_bomb);
	tcase_add_test(tc, lz4_corrupt);
	tcase_add_test(tc, lz4_huge_block_size);
	tcase_add_test(tc, trailing_garbage_tolerated);
	tcase_add_test(tc, empty_input_refused);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(decompress_suite)
