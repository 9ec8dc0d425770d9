// SPDX-License-Identifier: GPL-3.0-or-later
/* virtio console, one port (virtio 1.2, 5.3; virtio_console.h). */
#include "dev/virtio/virtio_console.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "dev/chardev.h"
#include "vmm/iothread.h"

struct virtio_console {
	struct virtio_dev *dev;
	struct chardev *cd;
	struct iothread *io;
	int in_fd;                   /* watched on io; -1 when not */

	/* Guards everything below: input from the I/O thread, queue work
	 * from whichever thread delivered the notification. */
	pthread_mutex_t work;
	struct virtq_chain *chain;   /* big (VIRTQ_CHAIN_MAX_SEGS): heap */
	uint8_t fifo[VIRTIO_CONSOLE_RX_FIFO];
	size_t head, len;
	uint64_t dropped;

	/* emerg_wr bytes, written with the device mutex held: kept here (its
	 * own lock, taken inside the device mutex or the work lock) and
	 * written to the backend from the I/O thread, before any later
	 * transmitq data. */
	pthread_mutex_t emerg_lock;
	uint8_t emerg[256];
	size_t emerg_len;
};

#define EMERG_MAX sizeof(((struct virtio_console *)0)->emerg)

/* VIRTIO_BURST buffers a round on queue q: after that the rest waits for
 * the I/O thread's next turn. */
static bool burst_done(struct virtio_console *c, uint16_t q, unsigned *served)
{
	if ((*served)++ < VIRTIO_BURST)
		return false;
	return virtio_dev_defer_queue(c->dev, q);
}

/* Move FIFO bytes into the receive buffers the driver posted. 5.3.6.1:
 * "The driver MUST NOT put a device-readable buffer in a receiveq"; one
 * that does breaks the device. work held. */
static void rx_deliver_locked(struct virtio_console *c)
{
	bool pushed = false;
	unsigned served = 0;

	while (c->len && !burst_done(c, VIRTIO_CONSOLE_RX_QUEUE, &served) &&
	       virtio_dev_pop(c->dev, VIRTIO_CONSOLE_RX_QUEUE, c->chain) == 1) {
		const struct virtq_chain *ch = c->chain;
		uint32_t done = 0;

		if (ch->readable) {
			virtio_dev_mark_broken(c->dev, "receiveq buffer head=%u has device-readable"
					       " descriptors (5.3.6.1)", ch->head);
			return;
		}
		/* The FIFO in at most two runs (it wraps), each as far as
		 * the buffer takes it. */
		while (c->len && done < ch->writable) {
			size_t run = sizeof(c->fifo) - c->head;
			if (run > c->len)
				run = c->len;
			size_t n = (size_t)virtq_chain_copy(ch, true, done, c->fifo + c->head, run, true);
			c->head = (c->head + n) % sizeof(c->fifo);
			c->len -= n;
			done += (uint32_t)n;
		}
		if (virtio_dev_push(c->dev, VIRTIO_CONSOLE_RX_QUEUE, ch, done) == 0)
			pushed = true;
	}
	if (pushed)
		virtio_dev_notify_used(c->dev, VIRTIO_CONSOLE_RX_QUEUE);
}

/* 5.3.6: what the driver transmits goes to the backend; the buffers come
 * back with nothing written. 5.3.6.1: "The driver MUST NOT put a
 * device-writable buffer in a transmitq". work held. */
/* Write out what emerg_wr left. work held (or none needed: no I/O
 * thread). */
static void emerg_flush(struct virtio_console *c)
{
	uint8_t buf[EMERG_MAX];

	pthread_mutex_lock(&c->emerg_lock);
	size_t n = c->emerg_len;
	memcpy(buf, c->emerg, n);
	c->emerg_len = 0;
	pthread_mutex_unlock(&c->emerg_lock);
	chardev_write(c->cd, buf, n);
}

static void tx_drain_locked(struct virtio_console *c)
{
	bool pushed = false;
	unsigned served = 0;

	emerg_flush(c);
	while (!burst_done(c, VIRTIO_CONSOLE_TX_QUEUE, &served) &&
	       virtio_dev_pop(c->dev, VIRTIO_CONSOLE_TX_QUEUE, c->chain) == 1) {
		const struct virtq_chain *ch = c->chain;

		if (ch->writable) {
			virtio_dev_mark_broken(c->dev, "transmitq buffer head=%u has device-writable"
					       " descriptors (5.3.6.1)", ch->head);
			return;
		}
		for (unsigned i = 0; i < ch->nsegs; i++)
			chardev_write(c->cd, ch->seg[i].hva, ch->seg[i].len);
		if (virtio_dev_push(c->dev, VIRTIO_CONSOLE_TX_QUEUE, ch, 0) == 0)
			pushed = true;
	}
	if (pushed)
		virtio_dev_notify_used(c->dev, VIRTIO_CONSOLE_TX_QUEUE);
}

static void console_notified(void *opaque, uint16_t q)
{
	struct virtio_console *c = opaque;

	pthread_mutex_lock(&c->work);
	if (q == VIRTIO_CONSOLE_RX_QUEUE)
		rx_deliver_locked(c);
	else
		tx_drain_locked(c);
	pthread_mutex_unlock(&c->work);
}

/* emerg_wr's bytes, on the I/O thread. */
static void emerg_deferred(void *opaque)
{
	struct virtio_console *c = opaque;

	pthread_mutex_lock(&c->work);
	emerg_flush(c);
	pthread_mutex_unlock(&c->work);
}

void virtio_console_input(void *opaque, const uint8_t *buf, size_t len)
{
	struct virtio_console *c = opaque;

	pthread_mutex_lock(&c->work);
	for (size_t i = 0; i < len; i++) {
		if (c->len == sizeof(c->fifo)) {
			c->dropped += len - i;
			break;
		}
		c->fifo[(c->head + c->len++) % sizeof(c->fifo)] = buf[i];
	}
	rx_deliver_locked(c);
	pthread_mutex_unlock(&c->work);
}

/* 5.3.4: cols and rows are only meaningful with F_SIZE, max_nr_ports with
 * F_MULTIPORT (neither offered: 0); emerg_wr reads 0. Device mutex held. */
static void console_config_read(void *opaque, uint32_t offset, void *data, uint32_t len)
{
	(void)opaque;
	(void)offset;
	memset(data, 0, len);
}

/* 5.3.6: "the driver can use emerg_wr to output a single character".
 * Device mutex held: the byte waits for the I/O thread, so a slow
 * backend never holds the device (a full buffer drops the byte, counted
 * with the input drops). */
static void console_config_write(void *opaque, uint32_t offset, const void *data,
				 uint32_t len)
{
	struct virtio_console *c = opaque;

	if (offset != VIRTIO_CONSOLE_CFG_EMERG_WR || len < 1)
		return;
	pthread_mutex_lock(&c->emerg_lock);
	if (c->emerg_len < EMERG_MAX)
		c->emerg[c->emerg_len++] = *(const uint8_t *)data;
	pthread_mutex_unlock(&c->emerg_lock);
	if (!c->io || iothread_defer(c->io, emerg_deferred, c) < 0)
		emerg_flush(c);
}

static void console_describe(void *opaque, uint16_t q, const struct virtq_chain *ch,
			     char *buf, size_t len)
{
	(void)opaque;
	if (q == VIRTIO_CONSOLE_RX_QUEUE)
		snprintf(buf, len, "console receive buffer %llu bytes",
			 (unsigned long long)ch->writable);
	else
		snprintf(buf, len, "console transmit %llu bytes",
			 (unsigned long long)ch->readable);
}

static void console_backend_info(void *opaque, char *buf, size_t len)
{
	struct virtio_console *c = opaque;

	pthread_mutex_lock(&c->work);
	size_t waiting = c->len;
	uint64_t dropped = c->dropped;
	pthread_mutex_unlock(&c->work);
	snprintf(buf, len, "chardev=%s input_waiting=%zu input_dropped=%llu output_dropped=%lu",
		 chardev_path(c->cd), waiting, (unsigned long long)dropped,
		 chardev_dropped(c->cd));
}

static void console_input_ready(void *opaque, int fd, uint32_t events)
{
	struct virtio_console *c = opaque;

	(void)events;
	chardev_handle_input(c->cd);
	/* After EOF the backend gives up its input fd: stop polling it. */
	if (chardev_input_fd(c->cd) < 0) {
		iothread_del_fd(c->io, fd);
		c->in_fd = -1;
	}
}

struct virtio_console *virtio_console_new(const struct guest_mem *mem, struct chardev *cd,
					  struct iothread *io, char *err, size_t errlen)
{
	static const struct virtio_dev_ops ops = {
		.name = "virtio-console",
		.device_id = VIRTIO_ID_CONSOLE,
		.num_queues = 2,
		.max_queue_size = VIRTIO_CONSOLE_QUEUE_SIZE,
		.features = 1ULL << VIRTIO_CONSOLE_F_EMERG_WRITE,
		.config_size = VIRTIO_CONSOLE_CONFIG_SIZE,
		.config_read = console_config_read,
		.config_write = console_config_write,
		.queue_notified = console_notified,
		.describe_request = console_describe,
		.backend_info = console_backend_info,
	};
	struct virtio_console *c = calloc(1, sizeof(*c));

	if (!c) {
		snprintf(err, errlen, "out of memory creating virtio-console");
		return NULL;
	}
	pthread_mutex_init(&c->work, NULL);
	pthread_mutex_init(&c->emerg_lock, NULL);
	c->cd = cd;
	c->in_fd = -1;
	c->chain = malloc(sizeof(*c->chain));
	c->dev = c->chain ? virtio_dev_new(&ops, c, mem) : NULL;
	if (!c->dev) {
		snprintf(err, errlen, "out of memory creating virtio-console");
		virtio_console_free(c);
		return NULL;
	}
	chardev_set_input_sink(cd, virtio_console_input, c);
	c->io = io;
	int fd = chardev_kind(cd) == CHARDEV_STDIO ? -1 : chardev_input_fd(cd);
	if (io && fd >= 0) {
		if (iothread_add_fd(io, fd, EPOLLIN, console_input_ready, c) < 0) {
			snprintf(err, errlen, "cannot watch the virtio-console input");
			virtio_console_free(c);
			return NULL;
		}
		c->in_fd = fd;
	}
	return c;
}

void virtio_console_free(struct virtio_console *c)
{
	if (!c)
		return;
	if (c->in_fd >= 0)
		iothread_del_fd(c->io, c->in_fd);
	if (c->cd)
		chardev_set_input_sink(c->cd, NULL, NULL);
	virtio_dev_free(c->dev);
	pthread_mutex_destroy(&c->work);
	pthread_mutex_destroy(&c->emerg_lock);
	free(c->chain);
	free(c);
}

struct virtio_dev *virtio_console_dev(struct virtio_console *c)
{
	return c->dev;
}
