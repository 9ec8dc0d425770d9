/* SPDX-License-Identifier: GPL-3.0-or-later */
/* MC146818 CMOS/RTC: clock encodings, status registers, memory sizes. */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "dev/cmos.h"
#include "unit.h"

#define MIB (1024ull * 1024)
#define GIB (1024 * MIB)

static struct cmos *c;

static void setup(void)
{
	c = cmos_new(3 * GIB, 2 * GIB);
	ck_assert_ptr_nonnull(c);
}

static void teardown(void)
{
	cmos_free(c);
}

/* A clock standing still at fake_now, for the UIP window. */
static struct timespec fake_now = { .tv_sec = 1700000000 };

static void fake_clock(struct timespec *now)
{
	*now = fake_now;
}

static uint8_t rd(uint8_t index)
{
	uint8_t v = 0;

	cmos_io(c, 0, &index, 1, true);
	cmos_io(c, 1, &v, 1, false);
	return v;
}

static void wr(uint8_t index, uint8_t v)
{
	cmos_io(c, 0, &index, 1, true);
	cmos_io(c, 1, &v, 1, true);
}

static unsigned bcd(unsigned v)
{
	return ((v / 10) << 4) | (v % 10);
}

struct rtc_regs {
	uint8_t sec, min, hour, dow, day, mon, year, century;
};

/* Read all clock registers within one host second, so they can be
 * compared with gmtime of that second. */
static void read_clock(struct rtc_regs *r, struct tm *tm)
{
	for (;;) {
		time_t t0 = time(NULL);

		r->sec = rd(0x00);
		r->min = rd(0x02);
		r->hour = rd(0x04);
		r->dow = rd(0x06);
		r->day = rd(0x07);
		r->mon = rd(0x08);
		r->year = rd(0x09);
		r->century = rd(0x32);
		if (time(NULL) == t0) {
			gmtime_r(&t0, tm);
			return;
		}
	}
}

START_TEST(time_bcd_24h)
{
	struct rtc_regs r;
	struct tm tm;

	ck_assert_uint_eq(rd(0x0b), 0x02);   /* default: BCD, 24-hour */
	read_clock(&r, &tm);
	ck_assert_uint_eq(r.sec, bcd(tm.tm_sec));
	ck_assert_uint_eq(r.min, bcd(tm.tm_min));
	ck_assert_uint_eq(r.hour, bcd(tm.tm_hour));
	ck_assert_uint_eq(r.dow, tm.tm_wday + 1);
	ck_assert_uint_eq(r.day, bcd(tm.tm_mday));
	ck_assert_uint_eq(r.mon, bcd(tm.tm_mon + 1));
	ck_assert_uint_eq(r.year, bcd((tm.tm_year + 1900) % 100));
	ck_assert_uint_eq(r.century, bcd((tm.tm_year + 1900) / 100));
}
END_TEST

START_TEST(time_binary)
{
	struct rtc_regs r;
	struct tm tm;

	wr(0x0b, 0x06);   /* DM = binary, 24-hour */
	read_clock(&r, &tm);
	ck_assert_uint_eq(r.sec, tm.tm_sec);
	ck_assert_uint_eq(r.min, tm.tm_min);
	ck_assert_uint_eq(r.hour, tm.tm_hour);
	ck_assert_uint_eq(r.day, tm.tm_mday);
	ck_assert_uint_eq(r.mon, tm.tm_mon + 1);
	ck_assert_uint_eq(r.year, (tm.tm_year + 1900) % 100);
	ck_assert_uint_eq(r.century, (tm.tm_year + 1900) / 100);
}
END_TEST

START_TEST(time_12h)
{
	struct rtc_regs r;
	struct tm tm;

	wr(0x0b, 0x04);   /* binary, 12-hour */
	read_clock(&r, &tm);
	unsigned h12 = tm.tm_hour % 12 ? tm.tm_hour % 12 : 12;
	ck_assert_uint_eq(r.hour & 0x7f, h12);
	ck_assert_uint_eq(!!(r.hour & 0x80), tm.tm_hour >= 12);
}
END_TEST

START_TEST(time_write_moves_guest_clock)
{
	wr(0x0b, 0x82);          /* SET while writing, as Linux does */
	wr(0x09, 0x99);          /* year 99, BCD */
	wr(0x32, 0x21);          /* century 21 */
	wr(0x08, 0x07);          /* July */
	wr(0x0b, 0x02);
	ck_assert_uint_eq(rd(0x09), 0x99);
	ck_assert_uint_eq(rd(0x32), 0x21);
	ck_assert_uint_eq(rd(0x08), 0x07);
	/* Garbage (non-BCD, out of range) must not crash. */
	wr(0x08, 0xff);
	wr(0x00, 0xff);
	wr(0x04, 0xff);
	wr(0x06, 0x00);
	rd(0x00);
}
END_TEST

START_TEST(status_registers)
{
	ck_assert_uint_eq(rd(0x0d), 0x80);    /* VRT */
	ck_assert_uint_eq(rd(0x0c), 0x00);
	ck_assert_uint_eq(rd(0x0a) & 0x7f, 0x26);
	wr(0x0d, 0x00);                       /* read-only */
	ck_assert_uint_eq(rd(0x0d), 0x80);
	wr(0x0a, 0xa6);                       /* UIP is read-only */
	ck_assert_uint_eq(rd(0x0a) & 0x7f, 0x26);

	/* UIP is high exactly in the 244 us before each second boundary of
	 * the clock the RTC follows: just outside, at its edge, inside. */
	static const struct { long ns; bool uip; } at[] = {
		{ 0, false }, { 500000000L, false }, { 999755999L, false },
		{ 999756000L, true }, { 999999999L, true },
	};
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		fake_now.tv_nsec = at[i].ns;
		cmos_set_clock(c, fake_clock);
		ck_assert_msg(!!(rd(0x0a) & 0x80) == at[i].uip, "UIP at %ld ns", at[i].ns);
	}
	cmos_set_clock(c, NULL);
}
END_TEST

START_TEST(nmi_bit_ignored_in_index)
{
	uint8_t idx = 0x80 | 0x0d, v = 0;

	cmos_io(c, 0, &idx, 1, true);
	cmos_io(c, 1, &v, 1, false);
	ck_assert_uint_eq(v, 0x80);
	wr(0x80 | 0x40, 0x5a);
	ck_assert_uint_eq(rd(0x40), 0x5a);
}
END_TEST

START_TEST(nvram)
{
	for (unsigned i = 0x0e; i < 0x80; i++) {
		if (i == 0x32)
			continue;   /* century: part of the clock */
		wr(i, (uint8_t)(i ^ 0xa5));
	}
	for (unsigned i = 0x0e; i < 0x80; i++) {
		if (i == 0x32)
			continue;
		ck_assert_uint_eq(rd(i), (uint8_t)(i ^ 0xa5));
	}
}
END_TEST

static unsigned rd16(uint8_t lo)
{
	return rd(lo) | rd(lo + 1) << 8;
}

START_TEST(memory_sizes_large)
{
	ck_assert_uint_eq(rd16(0x15), 640);
	ck_assert_uint_eq(rd16(0x17), 0xffff);   /* capped */
	ck_assert_uint_eq(rd16(0x30), 0xffff);
	ck_assert_uint_eq(rd16(0x34), (3 * GIB - 16 * MIB) >> 16);
	ck_assert_uint_eq(rd(0x5b) | rd(0x5c) << 8 | rd(0x5d) << 16,
			  (2 * GIB) >> 16);
}
END_TEST

START_TEST(memory_sizes_small)
{
	cmos_free(c);
	c = cmos_new(32 * MIB, 0);
	ck_assert_uint_eq(rd16(0x17), 31 * 1024);
	ck_assert_uint_eq(rd16(0x30), 31 * 1024);
	ck_assert_uint_eq(rd16(0x34), 256);
	ck_assert_uint_eq(rd(0x5b) | rd(0x5c) | rd(0x5d), 0);
	cmos_free(c);
	c = cmos_new(512 * 1024, 0);
	ck_assert_uint_eq(rd16(0x17), 0);
	ck_assert_uint_eq(rd16(0x34), 0);
}
END_TEST

START_TEST(hostile_accesses)
{
	uint8_t buf[8];

	/* outw(0x70): index byte then data byte. */
	uint8_t w[2] = { 0x41, 0x77 };
	cmos_io(c, 0, w, 2, true);
	ck_assert_uint_eq(rd(0x41), 0x77);
	/* The index port is write-only; bytes past 0x71 float. */
	memset(buf, 0, sizeof(buf));
	cmos_io(c, 0, buf, 8, false);
	ck_assert_uint_eq(buf[0], 0xff);
	ck_assert_uint_eq(buf[1], 0x77);   /* index still 0x41 */
	for (int i = 2; i < 8; i++)
		ck_assert_uint_eq(buf[i], 0xff);
	cmos_io(c, UINT64_MAX, buf, 8, false);
	ck_assert_uint_eq(buf[0], 0xff);
	cmos_io(c, UINT64_MAX, buf, 8, true);
	cmos_io(c, 1, buf, 0, true);
	ck_assert_uint_eq(rd(0x41), 0x77);
}
END_TEST

static Suite *cmos_suite(void)
{
	Suite *s = suite_create("cmos");
	TCase *tc = tcase_create("registers");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, time_bcd_24h);
	tcase_add_test(tc, time_binary);
	tcase_add_test(tc, time_12h);
	tcase_add_test(tc, time_write_moves_guest_clock);
	tcase_add_test(tc, status_registers);
	tcase_add_test(tc, nmi_bit_ignored_in_index);
	tcase_add_test(tc, nvram);
	tcase_add_test(tc, memory_sizes_large);
	tcase_add_test(tc, memory_sizes_small);
	tcase_add_test(tc, hostile_accesses);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(cmos_suite)
