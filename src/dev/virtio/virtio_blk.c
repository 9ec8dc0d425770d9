// SPDX-License-Identifier: GPL-3.0-or-later
/* virtio-blk (virtio 1.2, section 5.2): life cycle, feature bits (5.2.3),
 * configuration space (5.2.4) and the request queue loop. The requests
 * themselves are virtio_blk_req.c. */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "dev/virtio/virtio_blk_impl.h"

#define REQUEST_QUEUE 0   /* 5.2.2: requestq1; no VIRTIO_BLK_F_MQ */

/* 5.2.3. FLUSH: "Devices SHOULD always offer" it (5.2.5); we honour it
 * with fdatasync. RO when the image was opened read-only. */
static uint64_t blk_features(const struct virtio_blk *b)
{
	uint64_t f = (1ULL << VIRTIO_BLK_F_SIZE_MAX) | (1ULL << VIRTIO_BLK_F_SEG_MAX) |
		     (1ULL << VIRTIO_BLK_F_BLK_SIZE) | (1ULL << VIRTIO_BLK_F_FLUSH) |
		     (1ULL << VIRTIO_BLK_F_DISCARD) |
		     (1ULL << VIRTIO_BLK_F_WRITE_ZEROES);
	if (b->be.readonly)
		f |= 1ULL << VIRTIO_BLK_F_RO;
	return f;
}

static void put32(uint8_t *cfg, unsigned off, uint32_t v)
{
	v = htole32(v);
	memcpy(cfg + off, &v, 4);
}

/* 5.2.4: struct virtio_blk_config, little-endian. Fields of features we
 * do not offer (geometry, topology, writeback, num_queues) and the padding
 * (5.2.5: unused0/unused1 MUST be 0) read as zero. */
static void blk_config_read(void *opaque, uint32_t offset, void *data,
			    uint32_t len)
{
	struct virtio_blk *b = opaque;
	uint8_t cfg[VIRTIO_BLK_CONFIG_SIZE] = { 0 };
	uint64_t cap = htole64(b->capacity);

	memcpy(cfg + VIRTIO_BLK_CFG_CAPACITY, &cap, 8);
	put32(cfg, VIRTIO_BLK_CFG_SIZE_MAX, VIRTIO_BLK_SIZE_MAX);
	put32(cfg, VIRTIO_BLK_CFG_SEG_MAX, VIRTIO_BLK_SEG_MAX);
	put32(cfg, VIRTIO_BLK_CFG_BLK_SIZE, BLK_SECTOR_SIZE);
	put32(cfg, VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS, VIRTIO_BLK_MAX_DISCARD_SECTORS);
	put32(cfg, VIRTIO_BLK_CFG_MAX_DISCARD_SEG, VIRTIO_BLK_MAX_DISCARD_SEG);
	put32(cfg, VIRTIO_BLK_CFG_DISCARD_ALIGNMENT, VIRTIO_BLK_DISCARD_ALIGNMENT);
	put32(cfg, VIRTIO_BLK_CFG_MAX_WZ_SECTORS, VIRTIO_BLK_MAX_WZ_SECTORS);
	put32(cfg, VIRTIO_BLK_CFG_MAX_WZ_SEG, VIRTIO_BLK_MAX_WZ_SEG);
	/* A write-zeroes with unmap punches a hole (5.2.6.2). */
	cfg[VIRTIO_BLK_CFG_WZ_MAY_UNMAP] = 1;
	/* The core checked [offset, offset + len) against config_size. */
	memcpy(data, cfg + offset, len);
}

/* Serve the request queue until it is empty, with notifications
 * suppressed meanwhile (2.7.10) and one interrupt at the end (2.7.7); at
 * most VIRTIO_BURST requests, then the I/O thread brings us back after the
 * other devices had their turn. */
static void blk_process(struct virtio_blk *b)
{
	struct virtq_chain *c = &b->chain;
	bool retried = false;
	unsigned total = 0;

	if (!b->dev)
		return;
	pthread_mutex_lock(&b->proc_lock);
	for (;;) {
		unsigned served = 0;
		int r = 0;
		virtio_dev_suppress_notify(b->dev, REQUEST_QUEUE, true);
		while (total < VIRTIO_BURST && (r = virtio_dev_pop(b->dev, REQUEST_QUEUE, c)) == 1) {
			uint32_t used;
			if (!virtio_blk_handle(b, c, &used))
				break;
			virtio_dev_push(b->dev, REQUEST_QUEUE, c, used);
			served++;
			total++;
		}
		if (total == VIRTIO_BURST && virtio_dev_defer_queue(b->dev, REQUEST_QUEUE))
			break;
		if (total == VIRTIO_BURST)
			total = 0;   /* no I/O thread to come back: on, here */
		bool more = virtio_dev_suppress_notify(b->dev, REQUEST_QUEUE, false);
		/* A device that stopped (NEEDS_RESET, reset) pops nothing
		 * however far avail->idx moved: one empty round ends it. */
		if (r < 0 || !more || (served == 0 && retried))
			break;
		retried = served == 0;
	}
	virtio_dev_notify_used(b->dev, REQUEST_QUEUE);
	pthread_mutex_unlock(&b->proc_lock);
}

static bool on_iothread(struct virtio_blk *b)
{
	return atomic_load(&b->io_tid_known) && pthread_equal(pthread_self(), b->io_tid);
}

static void blk_queue_notified(void *opaque, uint16_t q)
{
	struct virtio_blk *b = opaque;
	uint64_t one = 1;

	(void)q;   /* one queue: the core only passes valid indices */
	if (b->io && !on_iothread(b)) {
		/* Not ours to wait on the disk: hand over to the I/O thread.
		 * An eventfd counter cannot overflow from kicks. */
		if (write(b->kickfd, &one, sizeof(one)) == sizeof(one))
			return;
	}
	blk_process(b);
}

static void blk_kick(void *opaque, int fd, uint32_t events)
{
	struct virtio_blk *b = opaque;
	uint64_t n;

	(void)events;
	if (!atomic_load(&b->io_tid_known)) {
		b->io_tid = pthread_self();
		atomic_store(&b->io_tid_known, true);
	}
	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return;
	blk_process(b);
}

static void blk_backend_info(void *opaque, char *buf, size_t len)
{
	struct virtio_blk *b = opaque;

	snprintf(buf, len, "file=%s ro=%d sectors=%llu", b->path, b->be.readonly,
		 (unsigned long long)b->capacity);
}

void virtio_blk_get_ops(const struct virtio_blk *b, struct virtio_dev_ops *ops)
{
	*ops = (struct virtio_dev_ops){
		.name = "virtio-blk",
		.device_id = 2,                 /* 5.2.1 */
		.num_queues = 1,
		.max_queue_size = VIRTIO_BLK_QUEUE_SIZE,
		.features = blk_features(b),
		.config_size = VIRTIO_BLK_CONFIG_SIZE,
		.config_read = blk_config_read,
		.config_write = NULL,           /* no CONFIG_WCE: read-only */
		.queue_notified = blk_queue_notified,
		.reset = NULL,                  /* nothing outlives a request */
		.describe_request = virtio_blk_describe,
		.backend_info = blk_backend_info,
	};
}

void virtio_blk_attach(struct virtio_blk *b, struct virtio_dev *d)
{
	b->dev = d;
}

struct virtio_dev *virtio_blk_realize(struct virtio_blk *b,
				      const struct guest_mem *mem)
{
	struct virtio_dev_ops ops;

	virtio_blk_get_ops(b, &ops);
	struct virtio_dev *d = virtio_dev_new(&ops, b, mem);
	if (d) {
		b->dev = d;
		b->owns_dev = true;
	}
	return d;
}

int virtio_blk_set_iothread(struct virtio_blk *b, struct iothread *t)
{
	uint64_t one = 1;

	if (b->io)
		return -EBUSY;
	b->kickfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (b->kickfd < 0)
		return -errno;
	int r = iothread_add_fd(t, b->kickfd, EPOLLIN, blk_kick, b);
	if (r) {
		close(b->kickfd);
		b->kickfd = -1;
		return r;
	}
	b->io = t;
	/* An early kick teaches blk_kick which thread the I/O thread is. */
	if (write(b->kickfd, &one, sizeof(one)) < 0)
		return -errno;
	return 0;
}

uint64_t virtio_blk_capacity(const struct virtio_blk *b)
{
	return b->capacity;
}

static int check_id(const char *id, char *err, size_t errlen)
{
	size_t n = strlen(id);

	if (n > VIRTIO_BLK_ID_BYTES) {
		snprintf(err, errlen, "disk id '%s' is longer than %d characters",
			 id, VIRTIO_BLK_ID_BYTES);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (id[i] < 0x20 || id[i] > 0x7e) {
			snprintf(err, errlen, "disk id must be printable ASCII (5.2.6)");
			return -1;
		}
	}
	return 0;
}

struct virtio_blk *virtio_blk_new(const char *path, bool readonly,
				  const char *id, char *err, size_t errlen)
{
	if (id && check_id(id, err, errlen) < 0)
		return NULL;
	struct virtio_blk *b = calloc(1, sizeof(*b));
	if (!b) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	if (blk_backend_open(&b->be, path, readonly, err, errlen) < 0) {
		free(b);
		return NULL;
	}
	b->capacity = b->be.size / BLK_SECTOR_SIZE;
	snprintf(b->path, sizeof(b->path), "%s", path);
	if (id)
		memcpy(b->id, id, strlen(id));   /* calloc: NUL-padded */
	b->kickfd = -1;
	atomic_init(&b->io_tid_known, false);
	pthread_mutex_init(&b->proc_lock, NULL);
	return b;
}

void virtio_blk_free(struct virtio_blk *b)
{
	if (!b)
		return;
	if (b->io)
		iothread_del_fd(b->io, b->kickfd);
	if (b->kickfd >= 0)
		close(b->kickfd);
	if (b->owns_dev)
		virtio_dev_free(b->dev);
	blk_backend_close(&b->be);
	pthread_mutex_destroy(&b->proc_lock);
	free(b);
}
