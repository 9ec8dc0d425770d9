// SPDX-License-Identifier: GPL-3.0-or-later
/* Raw disk image I/O for virtio-blk (see blk_backend.h). */
#include "dev/virtio/blk_backend.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

static int image_size(int fd, const char *path, uint64_t *size, char *err,
		      size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode)) {
		*size = (uint64_t)st.st_size;
	} else if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, size) < 0) {
			snprintf(err, errlen, "%s: cannot read the device size: %s",
				 path, strerror(errno));
			return -1;
		}
	} else {
		snprintf(err, errlen, "%s: not a regular file or block device", path);
		return -1;
	}
	if (*size % BLK_SECTOR_SIZE) {
		snprintf(err, errlen,
			 "%s: size %llu bytes is not a multiple of %d (pad it, e.g. "
			 "truncate -s %%512 %s)", path, (unsigned long long)*size,
			 BLK_SECTOR_SIZE, path);
		return -1;
	}
	return 0;
}

int blk_backend_open(struct blk_backend *be, const char *path, bool readonly,
		     char *err, size_t errlen)
{
	be->fd = -1;
	be->readonly = readonly;
	int fd = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0) {
		/* Not writable here (mode, immutable file, read-only mount),
		 * but perhaps readable: say how to use it so. */
		bool ro_hint = !readonly && (errno == EACCES || errno == EPERM || errno == EROFS) &&
			       access(path, R_OK) == 0;
		snprintf(err, errlen, "%s: %s%s", path, strerror(errno),
			 ro_hint ? " (not writable: add ,ro to use it read-only)" : "");
		return -1;
	}
	/* An open file description lock: released when fd is closed, and
	 * never confused with locks other threads of hvmon take. */
	struct flock fl = { .l_type = readonly ? F_RDLCK : F_WRLCK,
			    .l_whence = SEEK_SET };
	if (fcntl(fd, F_OFD_SETLK, &fl) < 0) {
		snprintf(err, errlen, "%s: %s", path,
			 errno == EAGAIN || errno == EACCES ?
			 "in use by another process (locked)" : strerror(errno));
		close(fd);
		return -1;
	}
	if (image_size(fd, path, &be->size, err, errlen) < 0) {
		close(fd);
		return -1;
	}
	be->fd = fd;
	return 0;
}

void blk_backend_close(struct blk_backend *be)
{
	if (be->fd >= 0)
		close(be->fd);
	be->fd = -1;
}

/* Drop n transferred bytes from the front of the vector. */
static void iov_advance(struct iovec **iov, int *iovcnt, size_t n)
{
	while (*iovcnt > 0 && n >= (*iov)->iov_len) {
		n -= (*iov)->iov_len;
		(*iov)++;
		(*iovcnt)--;
	}
	if (*iovcnt > 0 && n) {
		(*iov)->iov_base = (uint8_t *)(*iov)->iov_base + n;
		(*iov)->iov_len -= n;
	}
}

static int rw_full(struct blk_backend *be, struct iovec *iov, int iovcnt,
		   uint64_t off, bool write, uint64_t *done)
{
	*done = 0;
	iov_advance(&iov, &iovcnt, 0);   /* skip leading empty elements */
	while (iovcnt > 0) {
		ssize_t n = write ? pwritev(be->fd, iov, iovcnt, (off_t)off)
				  : preadv(be->fd, iov, iovcnt, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;   /* end of file: the image shrank */
		*done += (uint64_t)n;
		off += (uint64_t)n;
		iov_advance(&iov, &iovcnt, (size_t)n);
	}
	return 0;
}

int blk_backend_preadv(struct blk_backend *be, struct iovec *iov, int iovcnt,
		       uint64_t off, uint64_t *done)
{
	return rw_full(be, iov, iovcnt, off, false, done);
}

int blk_backend_pwritev(struct blk_backend *be, struct iovec *iov, int iovcnt,
			uint64_t off)
{
	uint64_t done;

	if (be->readonly)
		return -EROFS;
	return rw_full(be, iov, iovcnt, off, true, &done);
}

int blk_backend_flush(struct blk_backend *be)
{
	while (fdatasync(be->fd) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

static int falloc(struct blk_backend *be, int mode, uint64_t off, uint64_t len)
{
	if (be->readonly)
		return -EROFS;
	if (len == 0)
		return 0;
	while (fallocate(be->fd, mode, (off_t)off, (off_t)len) < 0) {
		if (errno != EINTR)
			return errno == ENOSYS ? -EOPNOTSUPP : -errno;
	}
	return 0;
}

int blk_backend_punch(struct blk_backend *be, uint64_t off, uint64_t len)
{
	return falloc(be, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, len);
}

static int write_zeros(struct blk_backend *be, uint64_t off, uint64_t len)
{
	static const uint8_t zeros[64 * 1024];

	while (len) {
		size_t n = len < sizeof(zeros) ? (size_t)len : sizeof(zeros);
		ssize_t w = pwrite(be->fd, zeros, n, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (w == 0)
			return -EIO;
		off += (uint64_t)w;
		len -= (uint64_t)w;
	}
	return 0;
}

int blk_backend_zero(struct blk_backend *be, uint64_t off, uint64_t len,
		     bool unmap)
{
	int r = -EOPNOTSUPP;

	if (unmap)
		r = blk_backend_punch(be, off, len);
	if (r == -EOPNOTSUPP)
		r = falloc(be, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, off, len);
	if (r == -EOPNOTSUPP || r == -EINVAL)
		r = write_zeros(be, off, len);
	return r;
}
