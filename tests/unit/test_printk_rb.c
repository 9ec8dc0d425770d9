// SPDX-License-Identifier: GPL-3.0-or-later
/* The printk ring-buffer reader on a synthetic ring laid out as Linux 6.1's
 * (offsets as its BTF gives them): a reusable record whose text was
 * overwritten, a committed one, a finalized one whose text block wraps to
 * the ring's start and holds two lines, a data-less one; then a ring that
 * is not initialised, one that cannot be read, and a block whose id does
 * not match. */
#include <stdio.h>
#include <string.h>

#include "common/le.h"
#include "monitor/printk_rb.h"
#include "unit.h"

#define PRB 0x1000ULL
#define DESCS 0x2000ULL
#define INFOS 0x3000ULL
#define DATA 0x4000ULL
#define COUNT_BITS 3
#define SIZE_BITS 6

static uint8_t mem[0x4000 + 64];
static const struct prb_layout l61 = {
	.desc_ring = 0, .count_bits = 0, .descs = 8, .infos = 16, .head_id = 24, .tail_id = 32,
	.text_ring = 48, .size_bits = 0, .data = 8,
	.desc_size = 24, .state_var = 0, .lpos_begin = 8, .lpos_next = 16,
	.info_size = 88, .seq = 0, .ts_nsec = 8, .text_len = 16, .text_len_size = 2,
	.level_bit = 19 * 8 + 5, .level_bits = 3,
};

static int rd(void *opaque, uint64_t addr, void *buf, size_t len)
{
	(void)opaque;
	if (addr < PRB || addr - PRB > sizeof(mem) || len > sizeof(mem) - (addr - PRB))
		return -1;
	memcpy(buf, mem + (addr - PRB), len);
	return 0;
}

static uint8_t *at(uint64_t addr)
{
	return mem + (addr - PRB);
}

static void desc(uint64_t id, unsigned state, uint64_t begin, uint64_t next, uint64_t seq,
		 uint64_t ts, int level, uint16_t len)
{
	uint64_t idx = id & ((1u << COUNT_BITS) - 1);
	uint8_t *d = at(DESCS + 24 * idx), *in = at(INFOS + 88 * idx);
	put_le64(d, (uint64_t)state << 62 | id);
	put_le64(d + 8, begin);
	put_le64(d + 16, next);
	put_le64(in, seq);
	put_le64(in + 8, ts);
	put_le16(in + 16, len);
	in[19] = (uint8_t)(level << 5 | 0x3);  /* flags bits below the level */
}

static void block(uint64_t offset, uint64_t id, const char *text)
{
	put_le64(at(DATA + offset), id);
	memcpy(at(DATA + offset + 8), text, strlen(text));
}

static char lines[8][128];
static int nlines;

static void line(void *opaque, const char *s)
{
	(void)opaque;
	ck_assert_int_lt(nlines, 8);
	snprintf(lines[nlines++], sizeof(lines[0]), "%s", s);
}

static struct prb_record recs[8];
static int nrecs;
static bool with_levels;

static void record(void *opaque, const struct prb_record *r)
{
	(void)opaque;
	ck_assert_int_lt(nrecs, 8);
	recs[nrecs++] = *r;
	prb_format(r, with_levels, line, NULL);
}

static void setup(void)
{
	memset(mem, 0, sizeof(mem));
	nlines = nrecs = 0;
	with_levels = false;
	put_le32(at(PRB), COUNT_BITS);
	put_le64(at(PRB + 8), DESCS);
	put_le64(at(PRB + 16), INFOS);
	put_le64(at(PRB + 24), 8);              /* head_id */
	put_le64(at(PRB + 32), 5);              /* tail_id */
	put_le32(at(PRB + 48), SIZE_BITS);
	put_le64(at(PRB + 56), DATA);
	/* Ring of 64 bytes, lpos starting in wrap 1 (64..127). */
	desc(5, 3, 64, 96, 5, 0, 5, 17);                        /* reusable */
	desc(6, 1, 96, 120, 6, 1500000000ULL, 6, 15);           /* committed */
	block(32, 6, "Command line: x");
	desc(7, 2, 120, 152, 7, 2000001000ULL, 4, 9);           /* wraps to 0 */
	block(0, 7, "two\nlines");
	desc(8, 2, 1, 1, 8, 3000000000ULL, 6, 0);               /* data-less */
}

START_TEST(reads_records)
{
	char err[160];
	int n = prb_read(&l61, PRB, rd, NULL, record, NULL, err, sizeof(err));
	ck_assert_msg(n == 3, "%d: %s", n, err);
	ck_assert_uint_eq(recs[0].seq, 6);
	ck_assert_int_eq(recs[0].level, 6);
	ck_assert_uint_eq(recs[1].seq, 7);
	ck_assert_int_eq(recs[1].level, 4);
	ck_assert_uint_eq(recs[2].len, 0);
	ck_assert_int_eq(nlines, 4);
	ck_assert_str_eq(lines[0], "[    1.500000] Command line: x");
	ck_assert_str_eq(lines[1], "[    2.000001] two");
	ck_assert_str_eq(lines[2], "[    2.000001] lines");
	ck_assert_str_eq(lines[3], "[    3.000000] ");
}
END_TEST

START_TEST(levels)
{
	char err[160];
	with_levels = true;
	ck_assert_int_eq(prb_read(&l61, PRB, rd, NULL, record, NULL, err, sizeof(err)), 3);
	ck_assert_str_eq(lines[0], "<6>[    1.500000] Command line: x");
	ck_assert_str_eq(lines[1], "<4>[    2.000001] two");
}
END_TEST

START_TEST(hostile)
{
	char err[160];
	/* A block whose id is not its descriptor's: no text, no crash. */
	put_le64(at(DATA + 32), 99);
	ck_assert_int_eq(prb_read(&l61, PRB, rd, NULL, record, NULL, err, sizeof(err)), 3);
	ck_assert_uint_eq(recs[0].len, 0);
	/* A length beyond its block is cut to the block. */
	nrecs = nlines = 0;
	put_le64(at(DATA + 32), 6);
	put_le16(at(INFOS + 88 * 6 + 16), 60000);
	ck_assert_int_eq(prb_read(&l61, PRB, rd, NULL, record, NULL, err, sizeof(err)), 3);
	ck_assert_uint_eq(recs[0].len, 16);
	/* Not initialised yet. */
	put_le32(at(PRB), 0);
	ck_assert_int_eq(prb_read(&l61, PRB, rd, NULL, record, NULL, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not initialised"));
	put_le32(at(PRB), 40);
	ck_assert_int_eq(prb_read(&l61, PRB, rd, NULL, record, NULL, err, sizeof(err)), -1);
	/* Rings outside readable memory. */
	put_le32(at(PRB), COUNT_BITS);
	put_le64(at(PRB + 8), 0x900000);
	ck_assert_int_eq(prb_read(&l61, PRB, rd, NULL, record, NULL, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "cannot read the rings"));
	/* The ring buffer itself unreadable. */
	ck_assert_int_eq(prb_read(&l61, 0x10, rd, NULL, record, NULL, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "cannot read desc_ring.count_bits"));
}
END_TEST

static Suite *prb_suite(void)
{
	Suite *s = suite_create("printk_rb");
	TCase *tc = tcase_create("read");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, reads_records);
	tcase_add_test(tc, levels);
	tcase_add_test(tc, hostile);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(prb_suite)
