/* SPDX-License-Identifier: GPL-3.0-or-later */
/* MC146818 CMOS RAM and clock. Register layout and bit meanings follow the
 * Motorola MC146818A datasheet (Figure 12 "Address map", Table 3 "Time,
 * calendar and alarm data modes", and the Register A-D descriptions); the
 * memory-size bytes follow the IBM PC AT Technical Reference CMOS map
 * (0x15-0x18, 0x30-0x31) and the conventions SeaBIOS reads (0x34-0x35,
 * 0x5b-0x5d). */
#include "dev/cmos.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#define CMOS_SIZE 128

enum {
	REG_SECONDS = 0x00, REG_SECONDS_ALARM = 0x01, REG_MINUTES = 0x02,
	REG_MINUTES_ALARM = 0x03, REG_HOURS = 0x04, REG_HOURS_ALARM = 0x05,
	REG_DAY_OF_WEEK = 0x06, REG_DAY = 0x07, REG_MONTH = 0x08,
	REG_YEAR = 0x09, REG_A = 0x0a, REG_B = 0x0b, REG_C = 0x0c,
	REG_D = 0x0d,
	REG_BASE_MEM_LO = 0x15, REG_BASE_MEM_HI = 0x16,
	REG_EXT_MEM_LO = 0x17, REG_EXT_MEM_HI = 0x18,
	REG_EXT_MEM2_LO = 0x30, REG_EXT_MEM2_HI = 0x31,
	REG_CENTURY = 0x32,
	REG_MEM_ABOVE_16M_LO = 0x34, REG_MEM_ABOVE_16M_HI = 0x35,
	REG_MEM_ABOVE_4G_0 = 0x5b, REG_MEM_ABOVE_4G_1 = 0x5c,
	REG_MEM_ABOVE_4G_2 = 0x5d,
};

#define INDEX_MASK   0x7f   /* bit 7 of the index port is the NMI mask */
#define REG_A_UIP    0x80   /* update in progress, read-only */
#define REG_B_SET    0x80   /* updates halted while the guest sets time */
#define REG_B_BINARY 0x04   /* DM: binary rather than BCD */
#define REG_B_24H    0x02
#define REG_D_VRT    0x80   /* valid RAM and time */
#define HOUR_PM      0x80   /* 12-hour mode: bit 7 of the hours byte */

/* Register A's power-up value as firmware leaves it: 32.768 kHz time base
 * (DV = 010), 1024 Hz rate (RS = 0110). Register B: 24-hour, BCD. */
#define REG_A_DEFAULT 0x26
#define REG_B_DEFAULT REG_B_24H

/* UIP rises 244 us before each update cycle (MC146818A, Register A, UIP). */
#define UIP_WINDOW_NS 244000L

struct cmos {
	pthread_mutex_t lock;
	uint8_t index;
	int64_t time_offset;  /* guest RTC minus host UTC, in seconds */
	void (*host_clock)(struct timespec *now);  /* UTC now: cmos_set_clock */
	uint8_t ram[CMOS_SIZE];
};

static bool binary_mode(const struct cmos *c)
{
	return c->ram[REG_B] & REG_B_BINARY;
}

static uint8_t encode(const struct cmos *c, unsigned v)
{
	return binary_mode(c) ? v : (uint8_t)(((v / 10) << 4) | (v % 10));
}

/* A guest may write any byte, valid BCD or not; the result only feeds
 * timegm, which normalises out-of-range fields. */
static int decode(const struct cmos *c, uint8_t v)
{
	return binary_mode(c) ? v : (v >> 4) * 10 + (v & 0x0f);
}

static uint8_t encode_hours(const struct cmos *c, int hour)
{
	if (c->ram[REG_B] & REG_B_24H)
		return encode(c, hour);
	/* 12-hour mode: 12, 1..11 with bit 7 set for PM (Table 3). */
	return encode(c, hour % 12 ? hour % 12 : 12) | (hour >= 12 ? HOUR_PM : 0);
}

static int decode_hours(const struct cmos *c, uint8_t v)
{
	if (c->ram[REG_B] & REG_B_24H)
		return decode(c, v);
	return decode(c, v & ~HOUR_PM) % 12 + ((v & HOUR_PM) ? 12 : 0);
}

static void guest_time(const struct cmos *c, struct timespec *host,
		       struct tm *tm)
{
	c->host_clock(host);
	time_t t = (time_t)(host->tv_sec + c->time_offset);
	gmtime_r(&t, tm);
}

static uint8_t read_clock(const struct cmos *c, unsigned reg)
{
	struct timespec host;
	struct tm tm;

	guest_time(c, &host, &tm);
	switch (reg) {
	case REG_SECONDS:
		/* tm_sec can be 60 on a leap second; the RTC counts 0-59. */
		return encode(c, tm.tm_sec > 59 ? 59 : tm.tm_sec);
	case REG_MINUTES:
		return encode(c, tm.tm_min);
	case REG_HOURS:
		return encode_hours(c, tm.tm_hour);
	case REG_DAY_OF_WEEK:
		return encode(c, tm.tm_wday + 1);  /* 1-7, Sunday = 1 */
	case REG_DAY:
		return encode(c, tm.tm_mday);
	case REG_MONTH:
		return encode(c, tm.tm_mon + 1);
	case REG_YEAR:
		return encode(c, (tm.tm_year + 1900) % 100);
	default: /* REG_CENTURY */
		return encode(c, (tm.tm_year + 1900) / 100 % 100);
	}
}

/* The alarm bytes sit among the clock registers but are plain RAM: with no
 * IRQ 8 modelled, an alarm never fires. */
static bool is_clock_reg(unsigned reg)
{
	return (reg <= REG_YEAR && reg != REG_SECONDS_ALARM &&
		reg != REG_MINUTES_ALARM && reg != REG_HOURS_ALARM) ||
	       reg == REG_CENTURY;
}

/* Setting the clock (hwclock --systohc) moves the guest's clock only: keep
 * the difference from the host clock. Day of week is derived from the date,
 * so writes to it are ignored. */
static void write_clock(struct cmos *c, unsigned reg, uint8_t v)
{
	struct timespec host;
	struct tm tm;
	int year;

	guest_time(c, &host, &tm);
	year = tm.tm_year + 1900;
	switch (reg) {
	case REG_SECONDS:
		tm.tm_sec = decode(c, v);
		break;
	case REG_MINUTES:
		tm.tm_min = decode(c, v);
		break;
	case REG_HOURS:
		tm.tm_hour = decode_hours(c, v);
		break;
	case REG_DAY:
		tm.tm_mday = decode(c, v);
		break;
	case REG_MONTH:
		tm.tm_mon = decode(c, v) - 1;
		break;
	case REG_YEAR:
		tm.tm_year = year / 100 * 100 + decode(c, v) - 1900;
		break;
	case REG_CENTURY:
		tm.tm_year = decode(c, v) * 100 + year % 100 - 1900;
		break;
	default: /* REG_DAY_OF_WEEK */
		return;
	}
	time_t t = timegm(&tm);
	if (t != (time_t)-1)
		c->time_offset = (int64_t)t - host.tv_sec;
}

static uint8_t read_reg(struct cmos *c, unsigned reg)
{
	if (is_clock_reg(reg))
		return read_clock(c, reg);
	switch (reg) {
	case REG_A: {
		uint8_t a = c->ram[REG_A];
		struct timespec now;

		/* UIP is high in the 244 us before each second's update, so a
		 * guest that waits for it to fall (Linux mc146818_get_time,
		 * hwclock) sees it move, never stuck. SET stops updates. */
		c->host_clock(&now);
		if (!(c->ram[REG_B] & REG_B_SET) &&
		    now.tv_nsec >= 1000000000L - UIP_WINDOW_NS)
			a |= REG_A_UIP;
		return a;
	}
	case REG_C:
		/* Interrupt flags; none are raised since no IRQ 8 source is
		 * modelled, so reading (which clears them) returns 0. */
		return 0;
	case REG_D:
		return REG_D_VRT;
	default:
		return c->ram[reg];
	}
}

static void write_reg(struct cmos *c, unsigned reg, uint8_t v)
{
	if (is_clock_reg(reg)) {
		write_clock(c, reg, v);
		return;
	}
	switch (reg) {
	case REG_A:
		c->ram[REG_A] = v & ~REG_A_UIP;
		break;
	case REG_C:
	case REG_D:
		break;  /* read-only */
	default:
		c->ram[reg] = v;
		break;
	}
}

void cmos_io(void *opaque, uint64_t offset, void *data, unsigned len,
	     bool is_write)
{
	struct cmos *c = opaque;
	uint8_t *bytes = data;

	pthread_mutex_lock(&c->lock);
	/* Wider accesses reach consecutive 8-bit ports, as the ISA bus splits
	 * them: outw(0x70) sets the index then writes the data port. */
	for (unsigned i = 0; i < len; i++) {
		bool in_range = offset < CMOS_NR_PORTS &&
				i < CMOS_NR_PORTS - offset;
		uint64_t port = offset + i;

		if (is_write) {
			/* Bit 7 of the index is the NMI mask; hvmon has no NMI
			 * source to gate, so it is dropped. */
			if (in_range && port == 0)
				c->index = bytes[i] & INDEX_MASK;
			else if (in_range && port == 1)
				write_reg(c, c->index, bytes[i]);
		} else if (in_range && port == 1) {
			bytes[i] = read_reg(c, c->index);
		} else {
			/* The index port is write-only on the PC; nothing
			 * drives the bus on a read. */
			bytes[i] = 0xff;
		}
	}
	pthread_mutex_unlock(&c->lock);
}

static void put16(uint8_t *ram, unsigned lo, unsigned hi, uint64_t v)
{
	if (v > 0xffff)
		v = 0xffff;
	ram[lo] = v & 0xff;
	ram[hi] = v >> 8;
}

static void set_memory_sizes(struct cmos *c, uint64_t low_ram_end,
			     uint64_t high_ram_size)
{
	const uint64_t kib = 1024, mib = 1024 * kib, unit64k = 64 * kib;
	uint64_t ext_kib = low_ram_end > mib ? (low_ram_end - mib) / kib : 0;
	uint64_t above16 = low_ram_end > 16 * mib ?
			   (low_ram_end - 16 * mib) / unit64k : 0;
	uint64_t above4g = high_ram_size / unit64k;

	put16(c->ram, REG_BASE_MEM_LO, REG_BASE_MEM_HI, 640);
	put16(c->ram, REG_EXT_MEM_LO, REG_EXT_MEM_HI, ext_kib);
	put16(c->ram, REG_EXT_MEM2_LO, REG_EXT_MEM2_HI, ext_kib);
	put16(c->ram, REG_MEM_ABOVE_16M_LO, REG_MEM_ABOVE_16M_HI, above16);
	if (above4g > 0xffffff)
		above4g = 0xffffff;
	c->ram[REG_MEM_ABOVE_4G_0] = above4g & 0xff;
	c->ram[REG_MEM_ABOVE_4G_1] = (above4g >> 8) & 0xff;
	c->ram[REG_MEM_ABOVE_4G_2] = above4g >> 16;
}

static void host_utc_now(struct timespec *now)
{
	clock_gettime(CLOCK_REALTIME, now);
}

void cmos_set_clock(struct cmos *c, void (*now)(struct timespec *))
{
	pthread_mutex_lock(&c->lock);
	c->host_clock = now ? now : host_utc_now;
	pthread_mutex_unlock(&c->lock);
}

struct cmos *cmos_new(uint64_t low_ram_end, uint64_t high_ram_size)
{
	struct cmos *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	pthread_mutex_init(&c->lock, NULL);
	c->host_clock = host_utc_now;
	c->ram[REG_A] = REG_A_DEFAULT;
	c->ram[REG_B] = REG_B_DEFAULT;
	set_memory_sizes(c, low_ram_end, high_ram_size);
	return c;
}

void cmos_free(struct cmos *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->lock);
	free(c);
}
