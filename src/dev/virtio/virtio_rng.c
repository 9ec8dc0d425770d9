// SPDX-License-Identifier: GPL-3.0-or-later
/* virtio-rng (virtio 1.2, 5.4). */
#include "dev/virtio/virtio_rng.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>


#define RNG_QUEUE_SIZE 256

struct virtio_rng {
	struct virtio_dev *dev;
	struct virtq_chain *chain;   /* big (VIRTQ_CHAIN_MAX_SEGS): heap */
	pthread_mutex_t work;        /* guards chain and bytes */
	uint64_t bytes;              /* handed to the guest */
};

/* Fill up to max bytes of the chain's device-writable segments. 5.4.6.2:
 * at least one byte whenever the buffer has room. */
static uint32_t fill(const struct virtq_chain *c, uint32_t max)
{
	uint32_t done = 0;

	for (unsigned i = 0; i < c->nsegs && done < max; i++) {
		const struct virtq_seg *s = &c->seg[i];
		uint32_t want = s->len < max - done ? s->len : max - done;
		uint32_t got = 0;

		if (!s->device_writable)
			continue;
		while (got < want) {
			ssize_t n = getrandom(s->hva + got, want - got, 0);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return done + got;
			got += (uint32_t)n;
		}
		done += got;
	}
	return done;
}

/* 5.4.6: requestq only. Runs without the device mutex (virtio_dev.h), on
 * the I/O thread or, for kicks released by DRIVER_OK, a vCPU thread: the
 * work lock keeps the two from sharing the chain buffer. */
static void rng_notified(void *opaque, uint16_t q)
{
	struct virtio_rng *r = opaque;
	bool pushed = false;

	if (q != 0)
		return;
	pthread_mutex_lock(&r->work);
	/* A ring violation (-1) has marked the device NEEDS_RESET: stop. At
	 * most VIRTIO_BURST a round; the rest after the other devices. */
	for (unsigned served = 0; virtio_dev_pop(r->dev, 0, r->chain) == 1;) {
		uint32_t n = fill(r->chain, VIRTIO_RNG_MAX_PER_REQUEST);
		r->bytes += n;

		if (virtio_dev_push(r->dev, 0, r->chain, n) == 0)
			pushed = true;
		if (++served == VIRTIO_BURST && virtio_dev_defer_queue(r->dev, 0))
			break;
	}
	if (pushed)
		virtio_dev_notify_used(r->dev, 0);
	pthread_mutex_unlock(&r->work);
}

/* 5.4.4: no device configuration; never called with config_size 0. */
static void rng_config_read(void *opaque, uint32_t offset, void *data,
			    uint32_t len)
{
	(void)opaque;
	(void)offset;
	(void)data;
	(void)len;
}

static void rng_backend_info(void *opaque, char *buf, size_t len)
{
	struct virtio_rng *r = opaque;

	pthread_mutex_lock(&r->work);
	uint64_t n = r->bytes;
	pthread_mutex_unlock(&r->work);
	snprintf(buf, len, "source=getrandom bytes=%llu", (unsigned long long)n);
}

static void rng_describe(void *opaque, uint16_t q, const struct virtq_chain *c,
			 char *buf, size_t len)
{
	(void)opaque;
	(void)q;
	snprintf(buf, len, "rng read %llu bytes", (unsigned long long)c->writable);
}

struct virtio_rng *virtio_rng_new(const struct guest_mem *mem)
{
	static const struct virtio_dev_ops ops = {
		.name = "virtio-rng",
		.device_id = VIRTIO_ID_RNG,
		.num_queues = 1,
		.max_queue_size = RNG_QUEUE_SIZE,
		.features = 0,
		.config_size = 0,
		.config_read = rng_config_read,
		.queue_notified = rng_notified,
		.describe_request = rng_describe,
		.backend_info = rng_backend_info,
	};
	struct virtio_rng *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	pthread_mutex_init(&r->work, NULL);
	r->chain = malloc(sizeof(*r->chain));
	r->dev = r->chain ? virtio_dev_new(&ops, r, mem) : NULL;
	if (!r->dev) {
		virtio_rng_free(r);
		return NULL;
	}
	return r;
}

void virtio_rng_free(struct virtio_rng *r)
{
	if (!r)
		return;
	virtio_dev_free(r->dev);
	pthread_mutex_destroy(&r->work);
	free(r->chain);
	free(r);
}

struct virtio_dev *virtio_rng_dev(struct virtio_rng *r)
{
	return r->dev;
}
