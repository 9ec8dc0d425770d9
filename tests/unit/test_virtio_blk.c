/* SPDX-License-Identifier: GPL-3.0-or-later */
/* virtio-blk (virtio 1.2, 5.2) driven through the virtio core with a stub
 * transport: the test is the driver, laying out requests in synthetic
 * guest RAM (test_virtq_driver.h) over a temporary raw image it made, and
 * checking both the status bytes and the image on the host. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dev/virtio/virtio_blk.h"
#include "dev/virtio/virtio_dev.h"
#include "test_virtio_driver.h"
#include "unit.h"
#include "vmm/iothread.h"

#define QSIZE  16
#define NSECT  64
#define ID     "hvmon-test-disk"

#define HDR  TDRV_BUF                 /* request header */
#define STAT (TDRV_BUF + 0x100)       /* status byte */
#define SEGS (TDRV_BUF + 0x200)       /* discard / write-zeroes segments */
#define DATA (TDRV_BUF + 0x1000)      /* data */

#define ALL_BLK_FEATURES                                                   \
	((1ULL << VIRTIO_BLK_F_SIZE_MAX) | (1ULL << VIRTIO_BLK_F_SEG_MAX) |  \
	 (1ULL << VIRTIO_BLK_F_BLK_SIZE) | (1ULL << VIRTIO_BLK_F_FLUSH) |    \
	 (1ULL << VIRTIO_BLK_F_DISCARD) | (1ULL << VIRTIO_BLK_F_WRITE_ZEROES))

static char path[64];
static struct tdrv t;
static struct virtio_blk *b;
static struct virtio_dev *d;
static struct tvd_irqs irqs;
static uint16_t used_seen;

static uint8_t pat(uint64_t sector, unsigned i)
{
	return (uint8_t)(sector * 13 + i * 7 + 1);
}

static void make_image(size_t bytes)
{
	strcpy(path, "/tmp/hvmon-blk-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	uint8_t *img = malloc(bytes);
	for (size_t i = 0; i < bytes; i++)
		img[i] = pat(i / 512, i % 512);
	ck_assert_int_eq(write(fd, img, bytes), (ssize_t)bytes);
	free(img);
	close(fd);
}

static void host_read(uint64_t off, void *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, buf, len, (off_t)off), (ssize_t)len);
	close(fd);
}

static void wr(enum virtio_reg r, uint32_t v)
{
	tvd_wr(d, r, v);
}

static uint8_t status(void)
{
	return tvd_status(d);
}

/* 3.1.1 (test_virtio_driver.h). */
static void bring_up(uint64_t features)
{
	ck_assert(tvd_negotiate(d, features));
	tvd_queue(d, 0, &t);
	tvd_driver_ok(d);
	ck_assert_uint_eq(status() & VIRTIO_STATUS_NEEDS_RESET, 0);
}

/* A driver (re)starting the device with fresh rings. */
static void restart(uint64_t features)
{
	tdrv_restart(&t);
	used_seen = 0;
	bring_up(features);
}

static void open_dev(bool ro, const char *id)
{
	char err[256] = "";

	b = virtio_blk_new(path, ro, id, err, sizeof(err));
	ck_assert_msg(b != NULL, "%s", err);
	d = virtio_blk_realize(b, &t.mem);
	ck_assert_ptr_nonnull(d);
	tvd_stub_transport(d, &irqs);
	restart(VIRTIO_DEV_CORE_FEATURES | ALL_BLK_FEATURES);
}

static void setup(void)
{
	tdrv_init(&t, QSIZE);
	make_image(NSECT * 512);
	open_dev(false, ID);
}

static void teardown(void)
{
	virtio_blk_free(b);
	gmem_free(&t.mem);
	unlink(path);
}

/* The driver side of a request. */
struct seg {
	uint64_t gpa;
	uint32_t len;
	bool w;
};

static void chain_at(unsigned head, const struct seg *s, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		tdrv_desc(&t, head + i, s[i].gpa, s[i].len,
			  (s[i].w ? VIRTQ_DESC_F_WRITE : 0) |
			  (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0), head + i + 1);
}

static void put_hdr(uint64_t gpa, uint32_t type, uint64_t sector)
{
	uint8_t h[16];
	uint32_t ty = htole32(type), rsv = 0;
	uint64_t se = htole64(sector);

	memcpy(h, &ty, 4);
	memcpy(h + 4, &rsv, 4);
	memcpy(h + 8, &se, 8);
	ck_assert_int_eq(gmem_write(&t.mem, gpa, h, 16), 0);
}

static void put_range(unsigned i, uint64_t sector, uint32_t n, uint32_t flags)
{
	uint8_t r[16];
	uint64_t s = htole64(sector);
	uint32_t nn = htole32(n), f = htole32(flags);

	memcpy(r, &s, 8);
	memcpy(r + 8, &nn, 4);
	memcpy(r + 12, &f, 4);
	ck_assert_int_eq(gmem_write(&t.mem, SEGS + 16ULL * i, r, 16), 0);
}

static uint8_t guest_byte(uint64_t gpa)
{
	uint8_t v;

	ck_assert_int_eq(gmem_read(&t.mem, gpa, &v, 1), 0);
	return v;
}

/* Publish the chain at head 0, kick, and expect it completed. Returns the
 * status byte at status_gpa; *used_len gets the used length. */
static int submit(const struct seg *s, unsigned n, uint64_t status_gpa,
		  uint32_t *used_len)
{
	uint8_t poison = 0xee;

	ck_assert_int_eq(gmem_write(&t.mem, status_gpa, &poison, 1), 0);
	chain_at(0, s, n);
	tdrv_publish(&t, 0);
	virtio_dev_queue_notify(d, 0);
	if (tdrv_used_idx(&t) == used_seen)
		return -1;
	ck_assert_uint_eq(tdrv_used_idx(&t), (uint16_t)(used_seen + 1));
	ck_assert_uint_eq(tdrv_used_id(&t, used_seen), 0);
	if (used_len)
		*used_len = tdrv_used_len(&t, used_seen);
	used_seen++;
	return guest_byte(status_gpa);
}

/* header + one data buffer (device-writable for reads) + status. */
static int req(uint32_t type, uint64_t sector, uint32_t dlen, bool dw,
	       uint32_t *used_len)
{
	struct seg s[3] = { { HDR, 16, false }, { DATA, dlen, dw }, { STAT, 1, true } };

	put_hdr(HDR, type, sector);
	if (dlen == 0) {
		s[1] = s[2];
		return submit(s, 2, STAT, used_len);
	}
	return submit(s, 3, STAT, used_len);
}

static int ranges(uint32_t type, unsigned nseg)
{
	struct seg s[3] = { { HDR, 16, false }, { SEGS, 16 * nseg, false },
			    { STAT, 1, true } };

	put_hdr(HDR, type, 0);
	return submit(s, 3, STAT, NULL);
}

START_TEST(features_and_config)
{
	ck_assert_uint_eq(virtio_dev_device_id(d), 2);
	ck_assert_uint_eq(virtio_blk_capacity(b), NSECT);
	wr(VIRTIO_REG_DEVICE_FEATURE_SEL, 0);
	uint32_t f = virtio_dev_reg_read(d, VIRTIO_REG_DEVICE_FEATURE);
	ck_assert_uint_eq(f & 0xffff, (uint32_t)ALL_BLK_FEATURES);
	ck_assert_uint_eq(f & (1u << VIRTIO_BLK_F_RO), 0);
	ck_assert_uint_eq(virtio_dev_reg_read(d, VIRTIO_REG_QUEUE_SIZE_MAX), 256);
	ck_assert_uint_eq(virtio_dev_reg_read(d, VIRTIO_REG_NUM_QUEUES), 1);

	uint8_t cfg[VIRTIO_BLK_CONFIG_SIZE];
	for (unsigned i = 0; i < sizeof(cfg); i += 4)
		ck_assert_int_eq(virtio_dev_config_read(d, i, cfg + i, 4), 0);
	uint64_t cap;
	uint32_t v;
	memcpy(&cap, cfg, 8);
	ck_assert_uint_eq(le64toh(cap), NSECT);
#define CFG32(off) (memcpy(&v, cfg + (off), 4), le32toh(v))
	ck_assert_uint_eq(CFG32(VIRTIO_BLK_CFG_SIZE_MAX), VIRTIO_BLK_SIZE_MAX);
	ck_assert_uint_eq(CFG32(VIRTIO_BLK_CFG_SEG_MAX), 254);
	ck_assert_uint_eq(CFG32(VIRTIO_BLK_CFG_BLK_SIZE), 512);
	ck_assert_uint_eq(CFG32(VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS), VIRTIO_BLK_MAX_DISCARD_SECTORS);
	ck_assert_uint_eq(CFG32(VIRTIO_BLK_CFG_MAX_DISCARD_SEG), VIRTIO_BLK_MAX_DISCARD_SEG);
	ck_assert_uint_eq(CFG32(VIRTIO_BLK_CFG_DISCARD_ALIGNMENT), 8);
	ck_assert_uint_eq(CFG32(VIRTIO_BLK_CFG_MAX_WZ_SECTORS), VIRTIO_BLK_MAX_WZ_SECTORS);
	ck_assert_uint_eq(CFG32(VIRTIO_BLK_CFG_MAX_WZ_SEG), VIRTIO_BLK_MAX_WZ_SEG);
#undef CFG32
	ck_assert_uint_eq(cfg[VIRTIO_BLK_CFG_WZ_MAY_UNMAP], 1);
	ck_assert_uint_eq(cfg[33] | cfg[57] | cfg[58] | cfg[59], 0);   /* padding */
	/* Beyond our config space, and read-only (no CONFIG_WCE). */
	ck_assert_int_eq(virtio_dev_config_read(d, 60, cfg, 1), -1);
	ck_assert_int_eq(virtio_dev_config_write(d, 0, cfg, 1), -1);
}
END_TEST

START_TEST(read_sectors)
{
	uint32_t used;
	uint8_t buf[1024];

	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, 3, 1024, true, &used), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(used, 1025);
	ck_assert_int_eq(gmem_read(&t.mem, DATA, buf, sizeof(buf)), 0);
	for (unsigned i = 0; i < sizeof(buf); i++)
		ck_assert_uint_eq(buf[i], pat(3 + i / 512, i % 512));
	ck_assert_uint_ge(irqs.queue, 1);

	/* Any framing (2.7.4): the header in two pieces, the data in two,
	 * the second sharing its descriptor with the status byte. */
	put_hdr(HDR, VIRTIO_BLK_T_IN, NSECT - 2);
	struct seg s[4] = { { HDR, 5, false }, { HDR + 5, 11, false },
			    { DATA, 512, true }, { DATA + 0x400, 513, true } };
	ck_assert_int_eq(submit(s, 4, DATA + 0x400 + 512, &used), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(used, 1025);
	ck_assert_uint_eq(guest_byte(DATA), pat(NSECT - 2, 0));
	ck_assert_uint_eq(guest_byte(DATA + 0x400 + 511), pat(NSECT - 1, 511));
}
END_TEST

START_TEST(write_then_flush)
{
	uint8_t buf[1024], back[1024];

	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(0xa5 ^ i);
	ck_assert_int_eq(gmem_write(&t.mem, DATA, buf, sizeof(buf)), 0);
	uint32_t used;
	ck_assert_int_eq(req(VIRTIO_BLK_T_OUT, 5, 1024, false, &used), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(used, 1);   /* only the status byte was written */
	ck_assert_int_eq(req(VIRTIO_BLK_T_FLUSH, 0, 0, false, NULL), VIRTIO_BLK_S_OK);
	host_read(5 * 512, back, sizeof(back));
	ck_assert_mem_eq(back, buf, sizeof(buf));
	host_read(4 * 512 + 511, back, 1);          /* neighbours untouched */
	ck_assert_uint_eq(back[0], pat(4, 511));
	host_read(7 * 512, back, 1);
	ck_assert_uint_eq(back[0], pat(7, 0));

	/* The last sector of the disk is writable. */
	ck_assert_int_eq(req(VIRTIO_BLK_T_OUT, NSECT - 1, 512, false, NULL), VIRTIO_BLK_S_OK);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, NSECT * 512);
}
END_TEST

START_TEST(get_id)
{
	uint8_t id[20];
	uint32_t used;

	ck_assert_int_eq(req(VIRTIO_BLK_T_GET_ID, 0, 20, true, &used), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(used, 21);
	ck_assert_int_eq(gmem_read(&t.mem, DATA, id, 20), 0);
	ck_assert_mem_eq(id, ID "\0\0\0\0\0", 20);

	/* A shorter buffer gets the start of the id. */
	memset(id, 0xcc, sizeof(id));
	ck_assert_int_eq(gmem_write(&t.mem, DATA, id, 20), 0);
	ck_assert_int_eq(req(VIRTIO_BLK_T_GET_ID, 0, 4, true, &used), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(used, 5);
	ck_assert_int_eq(gmem_read(&t.mem, DATA, id, 5), 0);
	ck_assert_mem_eq(id, "hvmo\xcc", 5);
}
END_TEST

START_TEST(get_id_default_and_bad_ids)
{
	char err[256];
	uint8_t id[20];

	virtio_blk_free(b);
	open_dev(false, NULL);
	memset(id, 0xcc, sizeof(id));
	ck_assert_int_eq(gmem_write(&t.mem, DATA, id, 20), 0);
	ck_assert_int_eq(req(VIRTIO_BLK_T_GET_ID, 0, 20, true, NULL), VIRTIO_BLK_S_OK);
	ck_assert_int_eq(gmem_read(&t.mem, DATA, id, 20), 0);
	for (unsigned i = 0; i < 20; i++)
		ck_assert_uint_eq(id[i], 0);

	ck_assert_ptr_null(virtio_blk_new(path, true, "123456789012345678901", err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "longer than 20"));
	ck_assert_ptr_null(virtio_blk_new(path, true, "tab\there", err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "printable ASCII"));
}
END_TEST

START_TEST(open_errors)
{
	char err[256];

	/* The image is locked by the fixture's device. */
	ck_assert_ptr_null(virtio_blk_new(path, false, NULL, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "in use"));
	ck_assert_ptr_null(virtio_blk_new("/nonexistent/disk.img", false, NULL, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/disk.img: No such file"));
	ck_assert_ptr_null(virtio_blk_new("/tmp", false, NULL, err, sizeof(err)));

	virtio_blk_free(b);
	b = NULL;
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	ck_assert_int_eq(write(fd, "x", 1), 1);
	close(fd);
	ck_assert_ptr_null(virtio_blk_new(path, false, NULL, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "is not a multiple of 512"));
}
END_TEST

START_TEST(write_zeroes_and_discard)
{
	uint8_t buf[512], zero[512] = { 0 };

	put_range(0, 2, 2, 0);
	put_range(1, 10, 1, VIRTIO_BLK_WZ_F_UNMAP);
	ck_assert_int_eq(ranges(VIRTIO_BLK_T_WRITE_ZEROES, 2), VIRTIO_BLK_S_OK);
	for (uint64_t s = 1; s <= 11; s++) {
		host_read(s * 512, buf, 512);
		if (s == 2 || s == 3 || s == 10)
			ck_assert_mem_eq(buf, zero, 512);
		else
			ck_assert_uint_eq(buf[100], pat(s, 100));
	}

	/* Discard: allowed to deallocate (we punch a hole, so zeros where
	 * the file system can), never beyond the range, size kept. */
	put_range(0, 20, 8, 0);
	put_range(1, 40, 8, 0);
	ck_assert_int_eq(ranges(VIRTIO_BLK_T_DISCARD, 2), VIRTIO_BLK_S_OK);
	host_read(19 * 512, buf, 512);
	ck_assert_uint_eq(buf[7], pat(19, 7));
	host_read(28 * 512, buf, 512);
	ck_assert_uint_eq(buf[7], pat(28, 7));
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, NSECT * 512);
}
END_TEST

START_TEST(range_segments_validated)
{
	uint8_t buf[512];

	/* 5.2.6.2: unmap on a discard, and unknown flags, are UNSUPP. */
	put_range(0, 0, 1, VIRTIO_BLK_WZ_F_UNMAP);
	ck_assert_int_eq(ranges(VIRTIO_BLK_T_DISCARD, 1), VIRTIO_BLK_S_UNSUPP);
	put_range(0, 0, 1, 2);
	ck_assert_int_eq(ranges(VIRTIO_BLK_T_WRITE_ZEROES, 1), VIRTIO_BLK_S_UNSUPP);
	/* Beyond the disk, wrapping, over the limits: IOERR, nothing done
	 * even for a valid segment in the same request. */
	put_range(0, 0, 1, 0);
	put_range(1, NSECT - 1, 2, 0);
	ck_assert_int_eq(ranges(VIRTIO_BLK_T_WRITE_ZEROES, 2), VIRTIO_BLK_S_IOERR);
	host_read(0, buf, 512);
	ck_assert_uint_eq(buf[1], pat(0, 1));
	put_range(0, UINT64_MAX - 1, 4, 0);
	ck_assert_int_eq(ranges(VIRTIO_BLK_T_WRITE_ZEROES, 1), VIRTIO_BLK_S_IOERR);
	put_range(0, 0, VIRTIO_BLK_MAX_WZ_SECTORS + 1, 0);
	ck_assert_int_eq(ranges(VIRTIO_BLK_T_WRITE_ZEROES, 1), VIRTIO_BLK_S_IOERR);
	for (unsigned i = 0; i <= VIRTIO_BLK_MAX_DISCARD_SEG; i++)
		put_range(i, 0, 1, 0);
	ck_assert_int_eq(ranges(VIRTIO_BLK_T_DISCARD, VIRTIO_BLK_MAX_DISCARD_SEG + 1),
			 VIRTIO_BLK_S_IOERR);
	/* Segment data that is not a whole number of segments, or none. */
	struct seg s[3] = { { HDR, 16, false }, { SEGS, 20, false }, { STAT, 1, true } };
	put_hdr(HDR, VIRTIO_BLK_T_DISCARD, 0);
	ck_assert_int_eq(submit(s, 3, STAT, NULL), VIRTIO_BLK_S_IOERR);
	ck_assert_int_eq(req(VIRTIO_BLK_T_DISCARD, 0, 0, false, NULL), VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(status() & VIRTIO_STATUS_NEEDS_RESET, 0);
}
END_TEST

START_TEST(ranges_need_their_feature)
{
	/* A driver that did not accept DISCARD sends one anyway. */
	restart(VIRTIO_DEV_CORE_FEATURES | (1ULL << VIRTIO_BLK_F_FLUSH));
	put_range(0, 0, 1, 0);
	ck_assert_int_eq(ranges(VIRTIO_BLK_T_DISCARD, 1), VIRTIO_BLK_S_UNSUPP);
	/* Without FLUSH negotiated every write is made stable at once
	 * (5.2.6.2, stable writes case 1); still a plain OK to the guest. */
	restart(VIRTIO_DEV_CORE_FEATURES);
	ck_assert_int_eq(req(VIRTIO_BLK_T_OUT, 1, 512, false, NULL), VIRTIO_BLK_S_OK);
}
END_TEST

START_TEST(read_only_disk)
{
	uint8_t buf[512];

	virtio_blk_free(b);
	open_dev(true, ID);
	wr(VIRTIO_REG_DEVICE_FEATURE_SEL, 0);
	ck_assert(virtio_dev_reg_read(d, VIRTIO_REG_DEVICE_FEATURE) & (1u << VIRTIO_BLK_F_RO));

	memset(buf, 0x5a, sizeof(buf));
	ck_assert_int_eq(gmem_write(&t.mem, DATA, buf, sizeof(buf)), 0);
	ck_assert_int_eq(req(VIRTIO_BLK_T_OUT, 1, 512, false, NULL), VIRTIO_BLK_S_IOERR);
	put_range(0, 1, 1, 0);
	ck_assert_int_eq(ranges(VIRTIO_BLK_T_WRITE_ZEROES, 1), VIRTIO_BLK_S_IOERR);
	ck_assert_int_eq(ranges(VIRTIO_BLK_T_DISCARD, 1), VIRTIO_BLK_S_IOERR);
	host_read(512, buf, 512);
	for (unsigned i = 0; i < 512; i++)
		ck_assert_uint_eq(buf[i], pat(1, i));
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, 1, 512, true, NULL), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(guest_byte(DATA + 3), pat(1, 3));
	ck_assert_int_eq(req(VIRTIO_BLK_T_FLUSH, 0, 0, false, NULL), VIRTIO_BLK_S_OK);
	/* A read-only open shares the image with other readers. */
	char err[256];
	struct virtio_blk *b2 = virtio_blk_new(path, true, NULL, err, sizeof(err));
	ck_assert_msg(b2 != NULL, "%s", err);
	virtio_blk_free(b2);
}
END_TEST

START_TEST(out_of_range)
{
	uint32_t used;

	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, NSECT - 1, 1024, true, &used), VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(used, 1);
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, NSECT, 512, true, NULL), VIRTIO_BLK_S_IOERR);
	ck_assert_int_eq(req(VIRTIO_BLK_T_OUT, NSECT, 512, false, NULL), VIRTIO_BLK_S_IOERR);
	/* sector + length wraps 64 bits; sector * 512 wraps 64 bits. */
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, UINT64_MAX, 512, true, NULL), VIRTIO_BLK_S_IOERR);
	ck_assert_int_eq(req(VIRTIO_BLK_T_OUT, 1ULL << 55, 512, false, NULL), VIRTIO_BLK_S_IOERR);
	ck_assert_int_eq(req(VIRTIO_BLK_T_OUT, UINT64_MAX - 1, 1024, false, NULL), VIRTIO_BLK_S_IOERR);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, NSECT * 512);   /* nothing written past the end */
	ck_assert_uint_eq(status() & VIRTIO_STATUS_NEEDS_RESET, 0);
}
END_TEST

START_TEST(bad_lengths)
{
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, 0, 100, true, NULL), VIRTIO_BLK_S_IOERR);
	ck_assert_int_eq(req(VIRTIO_BLK_T_OUT, 0, 513, false, NULL), VIRTIO_BLK_S_IOERR);
	uint8_t b0;
	host_read(0, &b0, 1);
	ck_assert_uint_eq(b0, pat(0, 0));
	/* A zero-length read is a no-op, not an error. */
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, 0, 0, true, NULL), VIRTIO_BLK_S_OK);
}
END_TEST

START_TEST(short_header)
{
	struct seg s[2] = { { HDR, 8, false }, { STAT, 1, true } };

	put_hdr(HDR, VIRTIO_BLK_T_IN, 0);
	ck_assert_int_eq(submit(s, 2, STAT, NULL), VIRTIO_BLK_S_IOERR);
	/* No header at all. */
	ck_assert_int_eq(submit(s + 1, 1, STAT, NULL), VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(status() & VIRTIO_STATUS_NEEDS_RESET, 0);
}
END_TEST

START_TEST(missing_status_byte)
{
	struct seg s[2] = { { HDR, 16, false }, { DATA, 512, false } };

	put_hdr(HDR, VIRTIO_BLK_T_OUT, 0);
	ck_assert_int_eq(submit(s, 2, STAT, NULL), -1);
	ck_assert(status() & VIRTIO_STATUS_NEEDS_RESET);
	struct virtio_dev_state st;
	virtio_dev_get_state(d, &st);
	ck_assert_ptr_nonnull(strstr(st.broken, "no device-writable status byte"));
	uint8_t b0;
	host_read(0, &b0, 1);
	ck_assert_uint_eq(b0, pat(0, 0));   /* and nothing was written */
	/* The driver's reset brings it back. */
	restart(VIRTIO_DEV_CORE_FEATURES | ALL_BLK_FEATURES);
	ck_assert_int_eq(req(VIRTIO_BLK_T_FLUSH, 0, 0, false, NULL), VIRTIO_BLK_S_OK);
}
END_TEST

START_TEST(unknown_types)
{
	ck_assert_int_eq(req(99, 0, 0, false, NULL), VIRTIO_BLK_S_UNSUPP);
	ck_assert_int_eq(req(2, 0, 512, true, NULL), VIRTIO_BLK_S_UNSUPP);   /* legacy SCSI */
	ck_assert_int_eq(req(0x80000000u, 0, 0, false, NULL), VIRTIO_BLK_S_UNSUPP);
}
END_TEST

/* Lay out a request at head without kicking, for the inspector. */
static void pending(unsigned head, uint32_t type, uint64_t sector,
		    const struct seg *rest, unsigned n)
{
	struct seg s[4] = { { HDR + 16ULL * head, 16, false } };
	for (unsigned i = 0; i < n; i++)
		s[1 + i] = rest[i];
	put_hdr(HDR + 16ULL * head, type, sector);
	chain_at(head, s, n + 1);
	tdrv_publish(&t, (uint16_t)head);
}

START_TEST(describe)
{
	const struct seg st = { STAT, 1, true };
	struct seg r[2];
	char desc[128];
	struct virtq_chain *c = malloc(sizeof(*c));

	r[0] = (struct seg){ DATA, 4096, true }; r[1] = st;
	pending(0, VIRTIO_BLK_T_IN, 2048, r, 2);
	r[0] = (struct seg){ DATA, 512, false };
	pending(3, VIRTIO_BLK_T_OUT, 8, r, 2);
	pending(6, VIRTIO_BLK_T_FLUSH, 0, &st, 1);
	r[0] = (struct seg){ DATA, 20, true };
	pending(8, VIRTIO_BLK_T_GET_ID, 0, r, 2);
	r[0] = (struct seg){ SEGS, 32, false };
	pending(11, VIRTIO_BLK_T_DISCARD, 0, r, 2);
	pending(14, 77, 0, &st, 1);

	static const char *want[] = {
		"blk read sector 2048 len 4096", "blk write sector 8 len 512",
		"blk flush", "blk get-id", "blk discard 2 segments",
		"blk unknown type 77",
	};
	for (unsigned i = 0; i < 6; i++) {
		ck_assert_int_eq(virtio_dev_describe_pending(d, 0, (uint16_t)i, c, desc, sizeof(desc)), 1);
		ck_assert_str_eq(desc, want[i]);
	}
	free(c);
}
END_TEST

START_TEST(describe_hostile)
{
	struct virtq_chain *c = malloc(sizeof(*c));
	char desc[128];

	/* 8-byte header; write with no status byte; write-zeroes with a
	 * stray length; a sector that would overflow. */
	struct seg a[2] = { { HDR, 8, false }, { STAT, 1, true } };
	chain_at(0, a, 2);
	tdrv_publish(&t, 0);
	struct seg w[1] = { { DATA, 512, false } };
	pending(2, VIRTIO_BLK_T_OUT, 8, w, 1);
	struct seg z[2] = { { SEGS, 20, false }, { STAT, 1, true } };
	pending(4, VIRTIO_BLK_T_WRITE_ZEROES, 0, z, 2);
	struct seg r[2] = { { DATA, 512, true }, { STAT, 1, true } };
	pending(7, VIRTIO_BLK_T_IN, UINT64_MAX, r, 2);

	static const char *want[] = {
		"blk malformed: 8-byte header (16 needed)",
		"blk write sector 8 len 512, no status byte",
		"blk write-zeroes, bad length 20",
		"blk read sector 18446744073709551615 len 512",
	};
	for (unsigned i = 0; i < 4; i++) {
		ck_assert_int_eq(virtio_dev_describe_pending(d, 0, (uint16_t)i, c, desc, sizeof(desc)), 1);
		ck_assert_str_eq(desc, want[i]);
	}
	/* A tiny buffer truncates safely. */
	ck_assert_int_eq(virtio_dev_describe_pending(d, 0, 0, c, desc, 5), 1);
	ck_assert_str_eq(desc, "blk ");
	free(c);
}
END_TEST

START_TEST(served_on_iothread)
{
	struct iothread *io = iothread_new();

	ck_assert_ptr_nonnull(io);
	ck_assert_int_eq(virtio_blk_set_iothread(b, io), 0);
	ck_assert_int_eq(iothread_start(io), 0);
	/* A kick from this (vCPU-like) thread is served by the I/O thread. */
	put_hdr(HDR, VIRTIO_BLK_T_IN, 9);
	struct seg s[3] = { { HDR, 16, false }, { DATA, 512, true }, { STAT, 1, true } };
	chain_at(0, s, 3);
	tdrv_publish(&t, 0);
	virtio_dev_queue_notify(d, 0);
	for (int i = 0; i < 2000 && tdrv_used_idx(&t) == 0; i++) {
		struct timespec ts = { 0, 1000000 };
		nanosleep(&ts, NULL);
	}
	ck_assert_uint_eq(tdrv_used_idx(&t), 1);
	ck_assert_uint_eq(guest_byte(STAT), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(guest_byte(DATA + 5), pat(9, 5));
	iothread_stop(io);
	virtio_blk_free(b);
	b = NULL;
	iothread_free(io);
}
END_TEST

static Suite *virtio_blk_suite(void)
{
	Suite *s = suite_create("virtio_blk");
	TCase *tc = tcase_create("device");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, features_and_config);
	tcase_add_test(tc, read_sectors);
	tcase_add_test(tc, write_then_flush);
	tcase_add_test(tc, get_id);
	tcase_add_test(tc, get_id_default_and_bad_ids);
	tcase_add_test(tc, open_errors);
	tcase_add_test(tc, write_zeroes_and_discard);
	tcase_add_test(tc, range_segments_validated);
	tcase_add_test(tc, ranges_need_their_feature);
	tcase_add_test(tc, read_only_disk);
	tcase_add_test(tc, out_of_range);
	tcase_add_test(tc, bad_lengths);
	tcase_add_test(tc, short_header);
	tcase_add_test(tc, missing_status_byte);
	tcase_add_test(tc, unknown_types);
	tcase_add_test(tc, describe);
	tcase_add_test(tc, describe_hostile);
	tcase_add_test(tc, served_on_iothread);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(virtio_blk_suite)
