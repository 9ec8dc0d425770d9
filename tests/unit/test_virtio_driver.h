/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The register side of a minimal virtio driver for the device unit tests:
 * the initialization sequence (virtio 1.2, 3.1.1) over the core's
 * transport-independent registers, and a stub transport that counts the
 * interrupts the device raises. The rings are test_virtq_driver.h's. */
#ifndef HVMON_TEST_VIRTIO_DRIVER_H
#define HVMON_TEST_VIRTIO_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/virtio/virtio_dev.h"
#include "test_virtq_driver.h"

struct tvd_irqs {
	unsigned queue, config;
	bool can_defer;        /* the transport takes deferred queues */
	unsigned defers;       /* ... and how many it was given */
	uint16_t deferred_q;   /* the last one */
};

static inline bool tvd_queue_irq(void *opaque, uint16_t q, uint16_t vector)
{
	(void)q;
	(void)vector;
	((struct tvd_irqs *)opaque)->queue++;
	return true;   /* a line, as INTx */
}

static inline void tvd_config_irq(void *opaque, uint16_t vector)
{
	(void)vector;
	((struct tvd_irqs *)opaque)->config++;
}

/* A transport's defer: counted; the test serves the queue later with
 * virtio_dev_queue_release, as the I/O thread would. */
static inline bool tvd_defer(void *opaque, uint16_t q)
{
	struct tvd_irqs *c = opaque;

	if (!c->can_defer)
		return false;
	c->defers++;
	c->deferred_q = q;
	return true;
}

/* Interrupts and deferrals of d are counted in *c (zeroed here: no
 * deferring until the test sets can_defer). */
static inline void tvd_stub_transport(struct virtio_dev *d, struct tvd_irqs *c)
{
	struct virtio_transport t = { tvd_queue_irq, tvd_config_irq, tvd_defer, c, NULL };

	*c = (struct tvd_irqs){ 0 };
	virtio_dev_set_transport(d, &t);
}

static inline void tvd_wr(struct virtio_dev *d, enum virtio_reg r, uint32_t v)
{
	virtio_dev_reg_write(d, r, v);
}

static inline uint8_t tvd_status(struct virtio_dev *d)
{
	return (uint8_t)virtio_dev_reg_read(d, VIRTIO_REG_STATUS);
}

/* 3.1.1 steps 1-6 (reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK,
 * re-read); true when FEATURES_OK stuck. */
static inline bool tvd_negotiate(struct virtio_dev *d, uint64_t features)
{
	tvd_wr(d, VIRTIO_REG_STATUS, 0);
	tvd_wr(d, VIRTIO_REG_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	tvd_wr(d, VIRTIO_REG_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	tvd_wr(d, VIRTIO_REG_DRIVER_FEATURE_SEL, 0);
	tvd_wr(d, VIRTIO_REG_DRIVER_FEATURE, (uint32_t)features);
	tvd_wr(d, VIRTIO_REG_DRIVER_FEATURE_SEL, 1);
	tvd_wr(d, VIRTIO_REG_DRIVER_FEATURE, (uint32_t)(features >> 32));
	tvd_wr(d, VIRTIO_REG_STATUS, tvd_status(d) | VIRTIO_STATUS_FEATURES_OK);
	return tvd_status(d) & VIRTIO_STATUS_FEATURES_OK;
}

/* 3.1.1 step 7: queue q on t's rings, enabled. */
static inline void tvd_queue(struct virtio_dev *d, uint16_t q, const struct tdrv *t)
{
	tvd_wr(d, VIRTIO_REG_QUEUE_SEL, q);
	tvd_wr(d, VIRTIO_REG_QUEUE_SIZE, t->size);
	tvd_wr(d, VIRTIO_REG_QUEUE_DESC_LO, (uint32_t)t->desc);
	tvd_wr(d, VIRTIO_REG_QUEUE_DRIVER_LO, (uint32_t)t->avail);
	tvd_wr(d, VIRTIO_REG_QUEUE_DEVICE_LO, (uint32_t)t->used);
	tvd_wr(d, VIRTIO_REG_QUEUE_READY, 1);
}

/* 3.1.1 step 8. */
static inline void tvd_driver_ok(struct virtio_dev *d)
{
	tvd_wr(d, VIRTIO_REG_STATUS, tvd_status(d) | VIRTIO_STATUS_DRIVER_OK);
}

#endif
