/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The virtio device's queue path: notifications from the driver, chains to
 * and from the backend, used buffer notifications (virtio 1.2, 2.1.2, 2.3,
 * 2.7), and the inspector's view of each queue. */
#include <endian.h>
#include <stdio.h>

#include "dev/virtio/virtio_dev.h"
#include "dev/virtio/virtio_dev_impl.h"
#include "dev/virtio/virtio_trace.h"

/* 2.1.2: "The device MUST NOT consume buffers or send any used buffer
 * notifications to the driver before DRIVER_OK"; after NEEDS_RESET it stops
 * until the driver resets it. */
static bool live_locked(const struct virtio_dev *d)
{
	return (d->status & (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_NEEDS_RESET)) ==
	       VIRTIO_STATUS_DRIVER_OK;
}

/* The trace's view of avail.idx for a notification: the ring's value,
 * or why it was not read. A queue that is not ready has no ring mapped,
 * but the driver may already have written its address: read it from
 * guest RAM then (split only: a packed ring has no index to read). */
static void notify_avail_text(const struct virtio_dev *d, const struct virtq *vq, char *buf,
			      size_t len)
{
	uint16_t idx;

	if (vq->ready)
		snprintf(buf, len, "avail.idx=%u", virtq_avail_idx(vq));
	else if (d->driver_features & (1ULL << VIRTIO_F_RING_PACKED))
		snprintf(buf, len, "avail not read (a packed ring has no index)");
	else if (!vq->avail_gpa)
		snprintf(buf, len, "avail.idx not read (no driver area address yet)");
	else if (gmem_read(d->mem, vq->avail_gpa + 2, &idx, sizeof(idx)) < 0)
		snprintf(buf, len, "avail.idx not read (driver area 0x%llx is not RAM)",
			 (unsigned long long)vq->avail_gpa);
	else
		snprintf(buf, len, "avail.idx=%u (read at 0x%llx)", le16toh(idx),
			 (unsigned long long)vq->avail_gpa);
}

struct virtio_kick_view virtio_dev_queue_kick_view(struct virtio_dev *d, uint16_t q)
{
	struct virtio_kick_view v = { false, false };

	if (q >= d->ops.num_queues)
		return v;
	pthread_mutex_lock(&d->lock);
	v.not_ready = !d->queue[q].vq.ready;
	v.early = v.not_ready || !(d->status & VIRTIO_STATUS_DRIVER_OK);
	pthread_mutex_unlock(&d->lock);
	return v;
}

void virtio_dev_queue_notify(struct virtio_dev *d, uint16_t q)
{
	virtio_dev_queue_notify_seen(d, q, (struct virtio_kick_view){ false, false });
}

void virtio_dev_queue_notify_seen(struct virtio_dev *d, uint16_t q, struct virtio_kick_view seen)
{
	bool deliver;

	if (q >= d->ops.num_queues)
		return;
	pthread_mutex_lock(&d->lock);
	struct virtio_queue *vq = &d->queue[q];
	vq->vq.stats.kicks++;
	vq->hist.notified = true;
	if (virtq_has_avail(&vq->vq))
		vq->hist.avail_moved = true;
	else
		vq->hist.empty_kicks++;
	deliver = vq->vq.ready && live_locked(d);
	/* 3.1.1: "The driver MUST NOT send any buffer available
	 * notifications to the device before setting DRIVER_OK." A ready
	 * queue's buffers are served at DRIVER_OK anyway, here and in QEMU,
	 * but a device need not: counted for diagnose. */
	if (!(d->status & VIRTIO_STATUS_NEEDS_RESET) &&
	    (seen.early || !vq->vq.ready || !(d->status & VIRTIO_STATUS_DRIVER_OK) ||
	     vq->hist.kick_before_driver_ok)) {
		vq->hist.early_kicks++;
		vq->hist.early_kick_not_ready = seen.early ? seen.not_ready : !vq->vq.ready;
	}
	vq->hist.kick_before_driver_ok = false;
	if (virtio_tracing()) {
		char avail[96];
		notify_avail_text(d, &vq->vq, avail, sizeof(avail));
		virtio_trace(d->name, "notify q=%u %s last_avail=%u%s", q, avail,
			     vq->vq.last_avail_idx,
			     deliver ? "" : vq->vq.ready ? " (device not live: held)" : " (queue not ready)");
	}
	pthread_mutex_unlock(&d->lock);
	if (deliver)
		d->ops.queue_notified(d->opaque, q);
}

void virtio_dev_stray_notify(struct virtio_dev *d, enum virtio_stray why,
			     uint32_t value, uint32_t offset, unsigned width)
{
	pthread_mutex_lock(&d->lock);
	d->hist.stray_notifies++;
	d->hist.stray_notifies_since_reset++;
	d->hist.last_stray = (struct virtio_stray_notify){ why, value, offset, (uint8_t)width };
	if (virtio_tracing())
		virtio_trace(d->name, "notify to no queue: value=0x%x offset=0x%x width=%u (%s)",
			     value, offset, width,
			     why == VIRTIO_STRAY_NO_QUEUE ? "no such queue" :
			     why == VIRTIO_STRAY_PAST_AREA ? "past the notify area" :
							     "not a queue's notify address");
	pthread_mutex_unlock(&d->lock);
}

void virtio_dev_queue_release(struct virtio_dev *d, uint16_t q)
{
	if (q >= d->ops.num_queues)
		return;
	pthread_mutex_lock(&d->lock);
	bool deliver = d->queue[q].vq.ready && live_locked(d);
	pthread_mutex_unlock(&d->lock);
	if (deliver)
		d->ops.queue_notified(d->opaque, q);
}

bool virtio_dev_defer_queue(struct virtio_dev *d, uint16_t q)
{
	/* The transport is set before any vCPU runs and never changes. */
	return q < d->ops.num_queues && d->transport.defer &&
	       d->transport.defer(d->transport.opaque, q);
}

int virtio_dev_pop(struct virtio_dev *d, uint16_t q, struct virtq_chain *c)
{
	int r = 0;

	if (q >= d->ops.num_queues)
		return 0;
	pthread_mutex_lock(&d->lock);
	if (live_locked(d)) {
		r = virtq_pop(&d->queue[q].vq, c);
		if (r > 0) {
			d->queue[q].hist.avail_moved = true;
		} else if (r < 0) {
			char why[VIRTIO_WHY_LEN];
			snprintf(why, sizeof(why), "queue %u: %s", q, c->error);
			virtio_dev_broken_locked(d, why);
		}
	}
	pthread_mutex_unlock(&d->lock);
	return r;
}

int virtio_dev_push_many(struct virtio_dev *d, uint16_t q, const struct virtq_used_elem *e,
			 unsigned n)
{
	int r;

	if (q >= d->ops.num_queues)
		return -1;
	pthread_mutex_lock(&d->lock);
	r = virtq_push_many(&d->queue[q].vq, e, n);
	if (r == 0 && n)
		d->queue[q].hist.used_published = true;
	pthread_mutex_unlock(&d->lock);
	return r;
}

void virtio_dev_unpop(struct virtio_dev *d, uint16_t q, const struct virtq_used_elem *e,
		      uint16_t n)
{
	if (q >= d->ops.num_queues)
		return;
	pthread_mutex_lock(&d->lock);
	virtq_unpop(&d->queue[q].vq, e, n);
	pthread_mutex_unlock(&d->lock);
}

int virtio_dev_push(struct virtio_dev *d, uint16_t q,
		    const struct virtq_chain *c, uint32_t len)
{
	int r;

	if (q >= d->ops.num_queues)
		return -1;
	/* Before the used entry: the request is still the driver's to read
	 * as it was, and the stop comes before the guest sees completion. */
	virtio_dev_wrote(d, q, c, len);
	pthread_mutex_lock(&d->lock);
	r = virtq_push(&d->queue[q].vq, c, len);
	if (r == 0)
		d->queue[q].hist.used_published = true;
	pthread_mutex_unlock(&d->lock);
	return r;
}

bool virtio_dev_notify_used(struct virtio_dev *d, uint16_t q)
{
	bool sent = false;

	if (q >= d->ops.num_queues)
		return false;
	pthread_mutex_lock(&d->lock);
	struct virtq *vq = &d->queue[q].vq;
	bool pushed = vq->ready && vq->signalled_used != vq->used_idx;
	if ((d->status & VIRTIO_STATUS_DRIVER_OK) && virtq_need_interrupt(vq)) {
		/* 4.1.4.5: ISR bit 0 is "Queue Interrupt"; INTx drivers read
		 * it to learn why the line is up. 4.1.4.5.1: only "if MSI-X
		 * capability is disabled". The driver's ISR read takes this
		 * mutex, so setting the bit after raising the line is in time. */
		if (!d->transport.queue_interrupt ||
		    d->transport.queue_interrupt(d->transport.opaque, q, vq->msix_vector)) {
			d->isr |= VIRTIO_ISR_QUEUE;
			d->hist.irqs_since_isr_read++;
		}
		sent = true;
	}
	if (pushed && virtio_tracing())
		virtio_trace(d->name, "used q=%u used.idx=%u interrupt=%s", q, vq->used_idx,
			     sent ? "sent" : "suppressed");
	pthread_mutex_unlock(&d->lock);
	return sent;
}

bool virtio_dev_suppress_notify(struct virtio_dev *d, uint16_t q,
				bool suppress)
{
	bool more;

	if (q >= d->ops.num_queues)
		return false;
	pthread_mutex_lock(&d->lock);
	/* A device that is not live pops nothing: buffers waiting there are
	 * no reason for its backend to go round again. */
	more = virtq_set_notify_suppression(&d->queue[q].vq, suppress) && live_locked(d);
	pthread_mutex_unlock(&d->lock);
	return more;
}

uint16_t virtio_dev_pending(struct virtio_dev *d, uint16_t q)
{
	uint16_t n = 0;

	if (q >= d->ops.num_queues)
		return 0;
	pthread_mutex_lock(&d->lock);
	struct virtq *vq = &d->queue[q].vq;
	if (vq->ready && live_locked(d))
		n = (uint16_t)(virtq_avail_idx(vq) - vq->last_avail_idx);
	pthread_mutex_unlock(&d->lock);
	return n;
}

int virtio_dev_get_queue(struct virtio_dev *d, uint16_t q, struct virtq *vq,
			 struct virtio_queue_history *hist,
			 uint16_t *avail_idx)
{
	if (q >= d->ops.num_queues)
		return -1;
	pthread_mutex_lock(&d->lock);
	*vq = d->queue[q].vq;
	*hist = d->queue[q].hist;
	*avail_idx = virtq_avail_idx(&d->queue[q].vq);
	pthread_mutex_unlock(&d->lock);
	return 0;
}

int virtio_dev_describe_pending(struct virtio_dev *d, uint16_t q,
				uint16_t pos, struct virtq_chain *c,
				char *desc, size_t desclen)
{
	int r;

	if (q >= d->ops.num_queues)
		return -1;
	if (desclen)
		desc[0] = '\0';
	pthread_mutex_lock(&d->lock);
	r = virtq_peek(&d->queue[q].vq, pos, c);
	if (r > 0 && d->ops.describe_request && desclen)
		d->ops.describe_request(d->opaque, q, c, desc, desclen);
	pthread_mutex_unlock(&d->lock);
	return r;
}
