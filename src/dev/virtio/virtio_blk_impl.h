/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal to virtio-blk: the device state shared by its life cycle and
 * queue side (virtio_blk.c) and its request decoder (virtio_blk_req.c). */
#ifndef HVMON_DEV_VIRTIO_VIRTIO_BLK_IMPL_H
#define HVMON_DEV_VIRTIO_VIRTIO_BLK_IMPL_H

#include <pthread.h>
#include <stdatomic.h>
#include <sys/uio.h>

#include "dev/virtio/blk_backend.h"
#include "dev/virtio/virtio_blk.h"

struct virtio_blk {
	struct blk_backend be;
	uint64_t capacity;                    /* sectors */
	char id[VIRTIO_BLK_ID_BYTES];         /* NUL-padded */
	char path[256];                       /* for the inspector */

	struct virtio_dev *dev;
	bool owns_dev;

	struct iothread *io;
	int kickfd;                           /* eventfd to the I/O thread */
	pthread_t io_tid;
	atomic_bool io_tid_known;

	/* Serialises request processing; guards what follows. */
	pthread_mutex_t proc_lock;
	struct virtq_chain chain;
	struct iovec iov[VIRTQ_CHAIN_MAX_SEGS];
};

/* Serve one popped chain: its status byte is written (or the device
 * marked broken) and *used_len set to the bytes written into the chain's
 * device-writable buffers. false when the chain must not be pushed (the
 * device is broken). Called with proc_lock held. */
bool virtio_blk_handle(struct virtio_blk *b, const struct virtq_chain *c,
		       uint32_t *used_len);

/* describe_request (virtio_dev_ops). */
void virtio_blk_describe(void *opaque, uint16_t q, const struct virtq_chain *c,
			 char *buf, size_t len);

#endif
