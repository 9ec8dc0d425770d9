/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal to struct virtio_dev: its layout, shared by the register side
 * (virtio_dev.c) and the queue side (virtio_dev_queue.c). Functions named
 * *_locked expect the device mutex held. */
#ifndef HVMON_DEV_VIRTIO_VIRTIO_DEV_IMPL_H
#define HVMON_DEV_VIRTIO_VIRTIO_DEV_IMPL_H

#include <pthread.h>

#include "dev/virtio/virtio_dev.h"

struct virtio_queue {
	struct virtq vq;
	struct virtio_queue_history hist;
};

struct virtio_dev {
	char name[16];                /* the monitor's name ("blk0"), for traces */
	pthread_mutex_t lock;
	struct virtio_dev_ops ops;
	void *opaque;
	const struct guest_mem *mem;
	struct virtio_transport transport;

	uint8_t status;
	uint8_t isr;
	uint64_t device_features;     /* offered: ops.features | core */
	uint64_t driver_features;     /* accepted so far */
	uint32_t device_feature_sel;
	uint32_t driver_feature_sel;
	uint32_t config_generation;
	uint16_t config_msix_vector;
	uint32_t queue_sel;           /* MMIO's QueueSel is 32 bits wide */
	char broken[VIRTIO_WHY_LEN];
	struct virtio_dev_history hist;
	struct virtio_queue *queue;   /* ops.num_queues of them */
};

/* virtio_dev_mark_broken with the reason already formatted. */
void virtio_dev_broken_locked(struct virtio_dev *d, const char *why);

#endif
