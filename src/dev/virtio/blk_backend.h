/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A raw disk image for virtio-blk: a regular file or a block device, read
 * and written in 512-byte sectors at byte offsets the caller has already
 * checked against the capacity. Stateless apart from the descriptor, so
 * any thread may call it. */
#ifndef HVMON_DEV_VIRTIO_BLK_BACKEND_H
#define HVMON_DEV_VIRTIO_BLK_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define BLK_SECTOR_SIZE 512

struct blk_backend {
	int fd;
	bool readonly;
	uint64_t size;        /* bytes; a multiple of BLK_SECTOR_SIZE */
};

/* Open path (O_RDWR, or O_RDONLY when readonly; O_CLOEXEC) and take an
 * advisory lock on it (shared when readonly, exclusive otherwise) so two
 * hvmons cannot write one image. A size that is not a multiple of 512 is
 * refused: rounding down would hide the tail from the guest, rounding up
 * would invent sectors. 0, or -1 with a one-line reason in err. */
int blk_backend_open(struct blk_backend *be, const char *path, bool readonly,
		     char *err, size_t errlen);
void blk_backend_close(struct blk_backend *be);

/* The whole of [off, off + iov bytes) or an error: short transfers are
 * resumed, EINTR retried; end of file is an error (the image shrank under
 * us). *done counts the bytes moved, also on error. 0 or -errno. */
int blk_backend_preadv(struct blk_backend *be, struct iovec *iov, int iovcnt,
		       uint64_t off, uint64_t *done);
int blk_backend_pwritev(struct blk_backend *be, struct iovec *iov, int iovcnt,
			uint64_t off);

/* Data written so far reaches stable storage (fdatasync). 0 or -errno. */
int blk_backend_flush(struct blk_backend *be);

/* Deallocate [off, off + len) where the file system can; reads of the
 * range return zeros afterwards. -EOPNOTSUPP when it cannot (the data is
 * then untouched). */
int blk_backend_punch(struct blk_backend *be, uint64_t off, uint64_t len);

/* Make [off, off + len) read as zeros: FALLOC_FL_ZERO_RANGE, falling back
 * to writing zeros. unmap allows deallocating instead (punching a hole).
 * 0 or -errno. */
int blk_backend_zero(struct blk_backend *be, uint64_t off, uint64_t len,
		     bool unmap);

#endif
