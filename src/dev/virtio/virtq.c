/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Split virtqueue, device side (virtio 1.2, 2.7): configuration checks,
 * the available and used rings, and notification suppression. Chains are
 * decoded in virtq_chain.c. */
#include "dev/virtio/virtq.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "dev/virtio/virtq_ring.h"

__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

void virtq_reset(struct virtq *vq, uint16_t max_size)
{
	struct virtq_stats stats = vq->stats;
	uint32_t epoch = vq->epoch + 1;

	*vq = (struct virtq){
		.size = max_size,
		.msix_vector = VIRTQ_NO_VECTOR,
		.epoch = epoch,
		.stats = stats,
	};
}

uint8_t *virtq_map_part(const struct guest_mem *mem, const char *name, uint64_t gpa,
		       uint64_t bytes, uint64_t align, char *err, size_t errlen)
{
	uint8_t *p;

	/* 2.7.1: "The driver MUST ensure that the physical address of the
	 * first byte of each virtqueue part is a multiple of the specified
	 * alignment value". */
	if (gpa % align) {
		fail(err, errlen, "%s at 0x%" PRIx64 " is not %" PRIu64 "-byte aligned (2.7.1)",
		     name, gpa, align);
		return NULL;
	}
	p = gmem_ptr(mem, gpa, bytes);
	if (!p)
		fail(err, errlen, "%s 0x%" PRIx64 " len 0x%" PRIx64 " is not inside guest RAM (2.7)",
		     name, gpa, bytes);
	return p;
}

int virtq_enable(struct virtq *vq, const struct guest_mem *mem,
		 uint16_t max_size, uint64_t features, char *err, size_t errlen)
{
	uint16_t sz = vq->size;
	bool packed = features & (1ULL << VIRTIO_F_RING_PACKED);

	/* 2.7: "Queue Size value is always a power of 2. The maximum Queue
	 * Size value is 32768." 2.8: a packed queue's need not be. 4.1.4.3 /
	 * 4.2.2: the driver may only lower the size from the maximum the
	 * device offers. */
	if (sz == 0 || (!packed && (sz & (sz - 1))))
		return fail(err, errlen, "queue size %u is not a power of 2 (2.7)", sz);
	if (sz > max_size || sz > VIRTQ_MAX_SIZE)
		return fail(err, errlen, "queue size %u is larger than the maximum %u the device offers (4.1.4.3)",
			    sz, max_size);
	vq->event_idx = features & (1ULL << VIRTIO_F_EVENT_IDX);
	vq->indirect = features & (1ULL << VIRTIO_F_INDIRECT_DESC);
	vq->packed = packed;
	vq->last_irq = (struct virtq_irq_decision){ 0 };
	vq->irq_used_idx = 0;
	vq->irq_ever_sent = false;
	if (packed)
		return vqp_enable(vq, mem, err, errlen);

	/* The alignment and size table of 2.7. */
	uint8_t *desc = virtq_map_part(mem, "descriptor table", vq->desc_gpa,
				 DESC_TABLE_BYTES(sz), 16, err, errlen);
	if (!desc)
		return -1;
	uint8_t *avail = virtq_map_part(mem, "available ring", vq->avail_gpa,
				  AVAIL_RING_BYTES(sz), 2, err, errlen);
	if (!avail)
		return -1;
	uint8_t *used = virtq_map_part(mem, "used ring", vq->used_gpa,
				 USED_RING_BYTES(sz), 4, err, errlen);
	if (!used)
		return -1;

	vq->mem = mem;
	vq->desc = desc;
	vq->avail = avail;
	vq->used = used;
	/* Both indexes start at 0 (2.7.6, 2.7.8). */
	vq->last_avail_idx = 0;
	vq->used_idx = 0;
	vq->signalled_used = 0;
	vq->notify_suppressed = false;
	vq->ready = true;
	return 0;
}

int virtq_check_pending(const struct virtq *vq, uint16_t avail, char *err,
			size_t errlen)
{
	uint16_t pending = avail - vq->last_avail_idx;

	/* The ring has size entries and the driver never decrements idx
	 * (2.7.6.1), so at most size chains can be pending: "the ring buffer
	 * is the same size as the descriptor table" (2.7.13). */
	if (pending > vq->size)
		return fail(err, errlen, "avail idx %u is %u entries ahead of the device's %u, more than the queue size %u (2.7.6.1, 2.7.13)",
			    avail, pending, vq->last_avail_idx, vq->size);
	return 0;
}

int virtq_pop(struct virtq *vq, struct virtq_chain *c)
{
	if (!vq->ready)
		return 0;
	if (vq->packed)
		return vqp_pop(vq, c);
	uint16_t avail = ring_avail_idx(vq);
	if (avail == vq->last_avail_idx)
		return 0;
	if (virtq_check_pending(vq, avail, c->error, sizeof(c->error)) < 0 ||
	    virtq_decode_at(vq, vq->last_avail_idx, c) < 0)
		return -1;
	/* A chain per descriptor at most: more in flight means the driver
	 * reused descriptors the device still owns (2.7.13.1). */
	if ((uint16_t)(vq->last_avail_idx - vq->used_idx) >= vq->size) {
		snprintf(c->error, sizeof(c->error),
			 "more than %u chains in flight: the driver reused descriptors the device still holds (2.7.13.1)",
			 vq->size);
		return -1;
	}
	vq->last_avail_idx++;
	vq->stats.pops++;
	/* 2.7.10: while notifications are wanted, ask for one when the
	 * driver fills the next entry. The fence orders this store before the
	 * caller's next avail->idx read, so a chain added meanwhile is either
	 * seen by that read or kicked by the driver. */
	if (vq->event_idx && !vq->notify_suppressed) {
		ring_store16(vq->used, USED_AVAIL_EVENT(vq->size),
			     vq->last_avail_idx, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	}
	return 1;
}

void virtq_unpop(struct virtq *vq, const struct virtq_used_elem *e, uint16_t n)
{
	uint16_t in_flight = vq->last_avail_idx - vq->used_idx, take = 0;

	/* The newest ones, of this incarnation of the queue only: chains
	 * popped before a reset are not the ring's any more. */
	while (take < n && take < in_flight && e[n - 1 - take].epoch == vq->epoch)
		take++;
	e += n - take;
	n = take;
	if (vq->packed) {
		vqp_unpop(vq, e, n);
		return;
	}
	/* avail_event stays: the chains given back are the driver's already
	 * (2.7.10: a kick is for entries it adds), and a device that waits
	 * for more asks with virtq_set_notify_suppression. */
	vq->last_avail_idx -= n;
	vq->stats.pops -= n;
}

int virtq_peek(const struct virtq *vq, uint16_t pos, struct virtq_chain *c)
{
	if (!vq->ready)
		return 0;
	if (vq->packed)
		return vqp_peek(vq, pos, c);
	uint16_t avail = ring_avail_idx(vq);
	if (virtq_check_pending(vq, avail, c->error, sizeof(c->error)) < 0)
		return -1;
	if ((uint16_t)(pos - vq->last_avail_idx) >=
	    (uint16_t)(avail - vq->last_avail_idx))
		return 0;
	return virtq_decode_at(vq, pos, c) < 0 ? -1 : 1;
}

int virtq_push(struct virtq *vq, const struct virtq_chain *c, uint32_t len)
{
	/* 2.7.8: len is "the total of bytes written into the buffer"; more
	 * than the writable part is a device bug the driver must not see
	 * (virtq_used_of clamps it). */
	struct virtq_used_elem e = virtq_used_of(c, len);

	return virtq_push_many(vq, &e, 1);
}

int virtq_push_many(struct virtq *vq, const struct virtq_used_elem *e, unsigned n)
{
	if (!vq->ready || n > (uint16_t)(vq->last_avail_idx - vq->used_idx))
		return -1;
	for (unsigned i = 0; i < n; i++)
		if (e[i].epoch != vq->epoch)
			return -1;
	if (vq->packed)
		return vqp_push_many(vq, e, n);
	for (unsigned i = 0; i < n; i++) {
		uint16_t slot = (uint16_t)(vq->used_idx + i) % vq->size;
		ring_store32(vq->used, USED_RING_ID(slot), e[i].head, __ATOMIC_RELAXED);
		ring_store32(vq->used, USED_RING_LEN(slot), e[i].len, __ATOMIC_RELAXED);
	}
	vq->used_idx += (uint16_t)n;
	/* 2.7.8.2: "The device MUST set len prior to updating the used idx",
	 * and the buffers' contents before it too: release ordering. */
	ring_store16(vq->used, USED_IDX, vq->used_idx, __ATOMIC_RELEASE);
	vq->stats.pushes += n;
	return 0;
}

bool virtq_need_interrupt(struct virtq *vq)
{
	if (!vq->ready || vq->signalled_used == vq->used_idx)
		return false;
	uint16_t old = vq->signalled_used;
	uint16_t new_idx = vq->used_idx;
	bool need;

	vq->signalled_used = new_idx;
	/* Publish used->idx before reading the driver's suppression fields;
	 * the driver does the mirror image (2.7.14: re-enable, mb(), re-check
	 * used->idx), so one of the two sides sees the other. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (vq->packed) {
		need = vqp_need_interrupt(vq);
	} else if (vq->event_idx) {
		/* 2.7.7.2: notify when the used idx passed used_event, i.e.
		 * an entry at index used_event was written since old. */
		uint16_t event = ring_load16(vq->avail, AVAIL_USED_EVENT(vq->size),
					     __ATOMIC_RELAXED);
		vq->last_irq.field = event;
		need = virtq_need_event(event, new_idx, old);
	} else {
		/* 2.7.7.2: flags 1 means no notification is wanted. */
		vq->last_irq.field = ring_load16(vq->avail, AVAIL_FLAGS, __ATOMIC_RELAXED);
		need = !(vq->last_irq.field & VIRTQ_AVAIL_F_NO_INTERRUPT);
	}
	vq->last_irq.made = true;
	vq->last_irq.sent = need;
	vq->last_irq.used_idx = new_idx;
	if (need) {
		vq->stats.irqs_sent++;
		vq->irq_used_idx = new_idx;
		vq->irq_ever_sent = true;
	} else {
		vq->stats.irqs_suppressed++;
	}
	return need;
}

bool virtq_set_notify_suppression(struct virtq *vq, bool suppress)
{
	if (!vq->ready)
		return false;
	vq->notify_suppressed = suppress;
	if (vq->packed)
		return vqp_set_notify_suppression(vq, suppress);
	if (vq->event_idx) {
		/* 2.7.10.2: with VIRTIO_F_EVENT_IDX flags stays 0; leaving
		 * avail_event behind is the suppression. Re-enabling asks for
		 * a kick at the driver's next new entry: at its avail->idx now,
		 * which is past chains the device gave back (virtq_unpop) and
		 * waits with for more buffers. */
		if (suppress)
			return false;
		ring_store16(vq->used, USED_AVAIL_EVENT(vq->size), ring_avail_idx(vq),
			     __ATOMIC_RELAXED);
	} else {
		/* 2.7.10.2: "The device MUST set flags to 0 or 1." */
		ring_store16(vq->used, USED_FLAGS,
			     suppress ? VIRTQ_USED_F_NO_NOTIFY : 0,
			     __ATOMIC_RELAXED);
		if (suppress)
			return false;
	}
	/* The driver checks our field after updating avail->idx (2.7.13.4.1);
	 * we check its idx after updating our field. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return ring_avail_idx(vq) != vq->last_avail_idx;
}

uint16_t virtq_avail_idx(const struct virtq *vq)
{
	if (!vq->ready)
		return 0;
	return vq->packed ? vqp_avail_idx(vq) : ring_avail_idx(vq);
}

bool virtq_has_avail(const struct virtq *vq)
{
	if (!vq->ready)
		return false;
	return vq->packed ? vqp_has_avail(vq) : ring_avail_idx(vq) != vq->last_avail_idx;
}
