// SPDX-License-Identifier: GPL-3.0-or-later
/* virtio-blk requests (virtio 1.2, 5.2.6): decode a chain, check every
 * guest value, do the I/O, write the status byte.
 *
 * A request is struct virtio_blk_req: the header (le32 type, le32 reserved,
 * le64 sector) in the device-readable part, then data, then one status
 * byte, the last device-writable byte. The driver may split these across
 * descriptors any way it likes (2.7.4, "Message Framing"), so the chain is
 * read as two byte streams, readable and writable, never as "descriptor 0
 * is the header". */
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dev/virtio/virtio_blk_impl.h"

#define HDR_BYTES 16
#define WZ_SEG_BYTES 16   /* struct virtio_blk_discard_write_zeroes */

struct blk_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

struct blk_range {
	uint64_t sector;
	uint32_t num_sectors;
	uint32_t flags;
};

static void read_hdr(const struct virtq_chain *c, struct blk_hdr *h)
{
	uint8_t raw[HDR_BYTES];
	uint32_t t, r;
	uint64_t s;

	virtq_chain_copy(c, false, 0, raw, HDR_BYTES, false);
	memcpy(&t, raw, 4);
	memcpy(&r, raw + 4, 4);
	memcpy(&s, raw + 8, 8);
	h->type = le32toh(t);
	h->reserved = le32toh(r);
	h->sector = le64toh(s);
}

/* 5.2.6.1: sector and length in range of the disk; checked so that no sum
 * can wrap. len is bytes, already a multiple of 512. */
static bool range_ok(const struct virtio_blk *b, uint64_t sector, uint64_t len)
{
	uint64_t n = len / BLK_SECTOR_SIZE;

	return sector <= b->capacity && n <= b->capacity - sector;
}

/* Data transfer length checks shared by IN and OUT (5.2.6: "in multiples
 * of 512 bytes"; our seg_max * size_max bound keeps used lengths in 32
 * bits). */
static bool data_len_ok(uint64_t len)
{
	return len % BLK_SECTOR_SIZE == 0 && len <= VIRTIO_BLK_MAX_DATA;
}

/* 5.2.6.2: stable writes. FLUSH was offered; if the driver did not
 * negotiate it, every write must be on stable storage before completion. */
static int after_write(struct virtio_blk *b)
{
	if (virtio_dev_features(b->dev) & (1ULL << VIRTIO_BLK_F_FLUSH))
		return 0;
	return blk_backend_flush(&b->be);
}

static uint8_t do_in(struct virtio_blk *b, const struct virtq_chain *c,
		     const struct blk_hdr *h, uint64_t *written)
{
	uint64_t len = c->writable - 1;

	if (!data_len_ok(len) || !range_ok(b, h->sector, len))
		return VIRTIO_BLK_S_IOERR;
	int n = virtq_chain_iov(c, true, 0, len, b->iov);
	return blk_backend_preadv(&b->be, b->iov, n, h->sector * BLK_SECTOR_SIZE,
				  written) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
}

static uint8_t do_out(struct virtio_blk *b, const struct virtq_chain *c,
		      const struct blk_hdr *h)
{
	uint64_t len = c->readable - HDR_BYTES;

	/* 5.2.6.2: IOERR for a write when RO is offered, writing nothing. */
	if (b->be.readonly || !data_len_ok(len) || !range_ok(b, h->sector, len))
		return VIRTIO_BLK_S_IOERR;
	int n = virtq_chain_iov(c, false, HDR_BYTES, len, b->iov);
	if (blk_backend_pwritev(&b->be, b->iov, n, h->sector * BLK_SECTOR_SIZE) ||
	    after_write(b))
		return VIRTIO_BLK_S_IOERR;
	return VIRTIO_BLK_S_OK;
}

/* 5.2.6: "a NUL-padded ASCII string up to 20 bytes long"; a shorter
 * buffer gets the first bytes, a longer one only the 20. */
static uint8_t do_get_id(struct virtio_blk *b, const struct virtq_chain *c,
			 uint64_t *written)
{
	uint64_t len = c->writable - 1;

	if (len > VIRTIO_BLK_ID_BYTES)
		len = VIRTIO_BLK_ID_BYTES;
	*written = virtq_chain_copy(c, true, 0, b->id, len, true);
	return VIRTIO_BLK_S_OK;
}

/* DISCARD and WRITE_ZEROES: validate every segment (5.2.6.2) before acting
 * on any, from a private copy so the guest cannot change them between the
 * check and the use. */
static uint8_t do_ranges(struct virtio_blk *b, const struct virtq_chain *c,
			 uint32_t type)
{
	bool discard = type == VIRTIO_BLK_T_DISCARD;
	uint32_t max_seg = discard ? VIRTIO_BLK_MAX_DISCARD_SEG : VIRTIO_BLK_MAX_WZ_SEG;
	uint32_t max_sect = discard ? VIRTIO_BLK_MAX_DISCARD_SECTORS :
				      VIRTIO_BLK_MAX_WZ_SECTORS;
	struct blk_range r[VIRTIO_BLK_MAX_DISCARD_SEG > VIRTIO_BLK_MAX_WZ_SEG ?
			   VIRTIO_BLK_MAX_DISCARD_SEG : VIRTIO_BLK_MAX_WZ_SEG];
	uint64_t len = c->readable - HDR_BYTES;
	uint8_t status = VIRTIO_BLK_S_OK;

	/* A command whose feature the driver did not accept (2.2) is one
	 * this device does not support for it. */
	uint64_t need = 1ULL << (discard ? VIRTIO_BLK_F_DISCARD : VIRTIO_BLK_F_WRITE_ZEROES);
	if (!(virtio_dev_features(b->dev) & need))
		return VIRTIO_BLK_S_UNSUPP;
	if (len == 0 || len % WZ_SEG_BYTES || len / WZ_SEG_BYTES > max_seg)
		return VIRTIO_BLK_S_IOERR;
	unsigned nr = (unsigned)(len / WZ_SEG_BYTES);
	for (unsigned i = 0; i < nr; i++) {
		uint8_t raw[WZ_SEG_BYTES];
		uint64_t s;
		uint32_t n, f;

		virtq_chain_copy(c, false, HDR_BYTES + (uint64_t)i * WZ_SEG_BYTES, raw,
			    WZ_SEG_BYTES, false);
		memcpy(&s, raw, 8);
		memcpy(&n, raw + 8, 4);
		memcpy(&f, raw + 12, 4);
		r[i] = (struct blk_range){ le64toh(s), le32toh(n), le32toh(f) };
		/* 5.2.6.2: UNSUPP for unknown flags, and for unmap on a
		 * discard. UNSUPP wins over IOERR: it says more. */
		if ((r[i].flags & ~VIRTIO_BLK_WZ_F_UNMAP) ||
		    (discard && (r[i].flags & VIRTIO_BLK_WZ_F_UNMAP)))
			return VIRTIO_BLK_S_UNSUPP;
		if (r[i].num_sectors > max_sect ||
		    !range_ok(b, r[i].sector, (uint64_t)r[i].num_sectors * BLK_SECTOR_SIZE))
			status = VIRTIO_BLK_S_IOERR;
	}
	if (status != VIRTIO_BLK_S_OK)
		return status;
	if (b->be.readonly)
		return VIRTIO_BLK_S_IOERR;
	for (unsigned i = 0; i < nr; i++) {
		uint64_t off = r[i].sector * BLK_SECTOR_SIZE;
		uint64_t n = (uint64_t)r[i].num_sectors * BLK_SECTOR_SIZE;
		int e;
		if (discard) {
			/* "MAY deallocate": a file system without hole
			 * punching still completes the discard. */
			e = blk_backend_punch(&b->be, off, n);
			if (e == -EOPNOTSUPP)
				e = 0;
		} else {
			e = blk_backend_zero(&b->be, off, n,
					     r[i].flags & VIRTIO_BLK_WZ_F_UNMAP);
		}
		if (e)
			return VIRTIO_BLK_S_IOERR;
	}
	return after_write(b) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
}

bool virtio_blk_handle(struct virtio_blk *b, const struct virtq_chain *c,
		       uint32_t *used_len)
{
	struct blk_hdr h;
	uint64_t written = 0;
	uint8_t status;

	/* 5.2.6.1: the driver MUST put the status in a device-writable
	 * byte; without one the request cannot be completed at all. */
	if (c->writable == 0) {
		virtio_dev_mark_broken(b->dev,
				       "virtio-blk: request at head %u has no device-writable "
				       "status byte (5.2.6)", c->head);
		return false;
	}
	if (c->readable < HDR_BYTES) {
		/* No header to act on, but a status byte to say so. */
		status = VIRTIO_BLK_S_IOERR;
	} else {
		read_hdr(c, &h);
		switch (h.type) {
		case VIRTIO_BLK_T_IN:
			status = do_in(b, c, &h, &written);
			break;
		case VIRTIO_BLK_T_OUT:
			status = do_out(b, c, &h);
			break;
		case VIRTIO_BLK_T_FLUSH:
			/* 5.2.6.2: stable before the flush completes. */
			status = blk_backend_flush(&b->be) ? VIRTIO_BLK_S_IOERR :
							     VIRTIO_BLK_S_OK;
			break;
		case VIRTIO_BLK_T_GET_ID:
			status = do_get_id(b, c, &written);
			break;
		case VIRTIO_BLK_T_DISCARD:
		case VIRTIO_BLK_T_WRITE_ZEROES:
			status = do_ranges(b, c, h.type);
			break;
		default:
			status = VIRTIO_BLK_S_UNSUPP;
			break;
		}
	}
	virtq_chain_copy(c, true, c->writable - 1, &status, 1, true);
	/* Data bytes written from the start of the writable part, plus the
	 * status byte (the used length counts bytes written, 2.7.8). */
	*used_len = (uint32_t)(written + 1);
	return true;
}

/* The inspector's one line (virtio_dev_ops.describe_request). Runs with
 * the device lock held; reads the pending chain's header from guest RAM
 * into a local copy and trusts nothing in it. */
void virtio_blk_describe(void *opaque, uint16_t q, const struct virtq_chain *c,
			 char *buf, size_t len)
{
	struct blk_hdr h;
	const char *tail = c->writable ? "" : ", no status byte";

	(void)opaque;
	(void)q;
	if (c->readable < HDR_BYTES) {
		snprintf(buf, len, "blk malformed: %" PRIu64 "-byte header (16 needed)%s",
			 c->readable, tail);
		return;
	}
	read_hdr(c, &h);
	uint64_t in = c->writable ? c->writable - 1 : 0;
	uint64_t out = c->readable - HDR_BYTES;
	switch (h.type) {
	case VIRTIO_BLK_T_IN:
		snprintf(buf, len, "blk read sector %" PRIu64 " len %" PRIu64 "%s",
			 h.sector, in, tail);
		break;
	case VIRTIO_BLK_T_OUT:
		snprintf(buf, len, "blk write sector %" PRIu64 " len %" PRIu64 "%s",
			 h.sector, out, tail);
		break;
	case VIRTIO_BLK_T_FLUSH:
		snprintf(buf, len, "blk flush%s", tail);
		break;
	case VIRTIO_BLK_T_GET_ID:
		snprintf(buf, len, "blk get-id%s", tail);
		break;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES: {
		const char *what = h.type == VIRTIO_BLK_T_DISCARD ? "discard" :
								    "write-zeroes";
		if (out % WZ_SEG_BYTES)
			snprintf(buf, len, "blk %s, bad length %" PRIu64 "%s", what,
				 out, tail);
		else
			snprintf(buf, len, "blk %s %" PRIu64 " segment%s%s", what,
				 out / WZ_SEG_BYTES, out == WZ_SEG_BYTES ? "" : "s", tail);
		break;
	}
	default:
		snprintf(buf, len, "blk unknown type %" PRIu32 "%s", h.type, tail);
		break;
	}
}
