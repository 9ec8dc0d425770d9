/* SPDX-License-Identifier: GPL-3.0-or-later */
/* virtio entropy device (virtio 1.2, 5.4): device ID 4, one queue
 * (requestq), no feature bits, no configuration space. Every buffer the
 * driver makes available is filled from getrandom(2), on the thread that
 * delivers the notification (the I/O thread, through the transport's
 * ioeventfd). */
#ifndef HVMON_DEV_VIRTIO_VIRTIO_RNG_H
#define HVMON_DEV_VIRTIO_VIRTIO_RNG_H

#include <stdint.h>

#include "dev/virtio/virtio_dev.h"

#define VIRTIO_ID_RNG 4
/* 5.4.6.2: the device MAY use less than the whole buffer; a hostile
 * multi-gigabyte chain must not stall the I/O thread. */
#define VIRTIO_RNG_MAX_PER_REQUEST (64u * 1024)

struct virtio_rng;

/* NULL on allocation failure. mem must outlive the device. */
struct virtio_rng *virtio_rng_new(const struct guest_mem *mem);
void virtio_rng_free(struct virtio_rng *r);
/* The device to give a transport. */
struct virtio_dev *virtio_rng_dev(struct virtio_rng *r);

#endif
