// SPDX-License-Identifier: GPL-3.0-or-later
/* The test guest's virtio-blk driver (README.md, "Virtio"). */
#include "virtio.h"

/* virtio-blk (5.2): one requestq (5.2.2). Feature bits (5.2.3) this
 * driver looks at; it accepts FLUSH and RO when offered. */

/* struct virtio_blk_config (5.2.4): le64 capacity at 0, in 512-byte
 * sectors whatever blk_size says. */
#define VIRTIO_BLK_CFG_CAPACITY 0

/* Request types and status values (5.2.6). */
#define VIRTIO_BLK_T_OUT    1
#define VIRTIO_BLK_T_FLUSH  4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_ID_BYTES 20
#define BLK_SECTOR          512

#define BLK_READ_SECTORS    8   /* sectors 0-7, one 4 KiB request */
#define BLK_WRITE_SECTOR    1
/* The byte at offset i of the sector written: 0xa5 ^ (i & 0xff). */
#define BLK_PATTERN(i)      ((uint8_t)(0xa5 ^ ((i) & 0xff)))

/* 5.2.6: the request header, device-readable. */
struct virtio_blk_req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

/* The data buffer of the 4 KiB read (the queue page has only 3.5 KiB of
 * buffer room); also the source of the one-sector write. */
static uint8_t blk_data[BLK_READ_SECTORS * BLK_SECTOR] __attribute__((aligned(VQ_PAGE)));

/* One request (5.2.6), as Linux lays it out: descriptor 0 the 16-byte
 * header (device-readable), descriptor 1 the data (device-writable for
 * IN and GET_ID, readable for OUT; none when len is 0), the last one the
 * status byte (device-writable). Header at buf + 0, status at buf + 16.
 * Returns the status byte, or -1 (after a line saying why) when the
 * device did not answer, and -2 under virtiostop=nonotify (posted, not
 * notified: the device is left with it). */
int blk_request(struct vdev *d, uint32_t type, uint64_t sector,
		       uint8_t *data, uint32_t len, bool device_writes)
{
	struct vq *q = &d->vq[0];
	struct virtio_blk_req_hdr *h = (struct virtio_blk_req_hdr *)q->buf;
	volatile uint8_t *status = q->buf + sizeof(*h);
	struct vbuf b[3];
	unsigned n = 0;
	uint32_t id, used;

	*h = (struct virtio_blk_req_hdr){ .type = type, .sector = sector };
	*status = 0xff;   /* no valid status: tells a missed write apart */
	b[n++] = (struct vbuf){ (uintptr_t)h, sizeof(*h), false };
	if (len)
		b[n++] = (struct vbuf){ (uintptr_t)data, len, device_writes };
	b[n++] = (struct vbuf){ (uintptr_t)status, 1, true };
	if (!vq_post(q, 0, b, n))
		return -2;
	if (!vq_wait(d, q, &id, &used)) {
		vq_timeout(d, q);
		return -1;
	}
	/* 2.7.8: used len counts the bytes written, data then status. */
	if (id != 0 || used < 1 || used > (device_writes ? len : 0) + 1) {
		put_str("virtio-blk: error: used element id=");
		put_dec(id);
		put_str(" len=");
		put_dec(used);
		put_char('\n');
		return -1;
	}
	return *status;
}

static void blk_status_line(const char *what, int status)
{
	put_str("virtio-blk: ");
	put_str(what);
	put_str(" status=");
	put_dec((uint64_t)status);
	put_char('\n');
}

static void blk_error_status(const char *what, int status)
{
	put_str("virtio-blk: error: ");
	put_str(what);
	put_str(" status=");
	put_dec((uint64_t)status);
	put_char('\n');
}

/* Capacity (5.2.4), both halves of one config generation (2.5.1 /
 * 4.1.4.3: read config_generation before and after, retry on change). */
static uint64_t blk_capacity(struct vdev *d)
{
	uint64_t cap = 0;

	for (unsigned tries = 0; tries < 4; tries++) {
		uint32_t gen = d->t->config_generation(d);

		cap = mmio_r32(d->device + VIRTIO_BLK_CFG_CAPACITY);
		cap |= (uint64_t)mmio_r32(d->device + VIRTIO_BLK_CFG_CAPACITY + 4) << 32;
		if (d->t->config_generation(d) == gen)
			break;
	}
	return cap;
}

void blk_use(struct vdev *d)
{
	bool ro = d->accepted & VIRTIO_BLK_F_RO, flush = d->accepted & VIRTIO_BLK_F_FLUSH;
	uint32_t sum = 0;
	int st;

	if (!d->device) {
		put_str("virtio-blk: error: no device configuration capability\n");
		return;
	}
	put_str("virtio-blk: capacity=");
	put_dec(blk_capacity(d));
	put_str(" sectors ro=");
	put_dec(ro);
	put_str(" flush=");
	put_dec(flush);
	put_char('\n');
	if (hostile != HOSTILE_NONE) {
		hostile_blk(d);
		return;
	}
	if (bench_requests) {
		blk_bench(d, blk_capacity(d));
		return;
	}

	/* IN: sectors 0-7, summed as the initrd is (README.md). */
	st = blk_request(d, VIRTIO_BLK_T_IN, 0, blk_data, sizeof(blk_data), true);
	if (st < 0)
		return;
	if (st) {
		blk_error_status("read sector 0", st);
	} else {
		for (unsigned i = 0; i < sizeof(blk_data); i += 4)
			sum += *(const uint32_t *)(blk_data + i);
		put_str("virtio-blk: read sector 0 sum=0x");
		put_hex(sum, 8);
		put_char('\n');
	}

	/* GET_ID: 20 bytes, NUL-padded ASCII (5.2.6). */
	for (unsigned i = 0; i <= VIRTIO_BLK_ID_BYTES; i++)
		blk_data[i] = 0;
	st = blk_request(d, VIRTIO_BLK_T_GET_ID, 0, blk_data, VIRTIO_BLK_ID_BYTES, true);
	if (st < 0)
		return;
	if (st) {
		blk_error_status("get-id", st);
	} else {
		put_str("virtio-blk: id=");
		for (unsigned i = 0; i < VIRTIO_BLK_ID_BYTES && blk_data[i]; i++)
			put_char(blk_data[i] >= 0x20 && blk_data[i] < 0x7f ?
				 (char)blk_data[i] : '?');
		put_char('\n');
	}

	/* OUT: sector 1 gets the pattern; on a read-only disk too, where
	 * the device must answer IOERR and write nothing (5.2.6.2). */
	for (unsigned i = 0; i < BLK_SECTOR; i++)
		blk_data[i] = BLK_PATTERN(i);
	st = blk_request(d, VIRTIO_BLK_T_OUT, BLK_WRITE_SECTOR, blk_data, BLK_SECTOR, false);
	if (st < 0)
		return;
	blk_status_line("write sector 1", st);
	if (flush && !ro) {
		st = blk_request(d, VIRTIO_BLK_T_FLUSH, 0, NULL, 0, false);
		if (st < 0)
			return;
		blk_status_line("flush", st);
	}
	if (stop_at == STOP_NOISR)
		return;
	/* 4.1.4.5, as for rng. */
	put_str("virtio-blk: isr=0x");
	put_hex(d->t->isr(d), 1);
	put_char('\n');
}

