/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Virtqueues, device side: split (virtio 1.2, section 2.7) and, with
 * VIRTIO_F_RING_PACKED, packed (2.8). One interface for both; the
 * functions below say where the formats differ.
 *
 * Split: the driver owns the three ring parts in guest RAM; the device
 * reads the descriptor table and the available ring and writes the used
 * ring. Packed: one descriptor ring both sides write (the device marks
 * descriptors used in place), and two event suppression structures. Every
 * value read from guest memory is hostile until checked: a ring or buffer
 * outside guest RAM, a chain that loops or is longer than the queue, an
 * indirect table that breaks 2.7.5.3, or an available index that runs
 * ahead of what the ring can hold is reported as an error with a reason
 * (the caller then marks the device DEVICE_NEEDS_RESET). No function here
 * ever touches host memory outside guest RAM: every host pointer comes from
 * gmem_ptr with the full length of the access.
 *
 * A struct virtq is not thread-safe: its owner (struct virtio_dev)
 * serialises every call with the device's mutex. */
#ifndef HVMON_DEV_VIRTIO_VIRTQ_H
#define HVMON_DEV_VIRTIO_VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/guest_mem.h"

struct iovec;

/* 2.7: "The maximum Queue Size value is 32768." */
#define VIRTQ_MAX_SIZE 32768

/* Descriptor flags (2.7.5). */
#define VIRTQ_DESC_F_NEXT     1
#define VIRTQ_DESC_F_WRITE    2
#define VIRTQ_DESC_F_INDIRECT 4

/* avail->flags (2.7.6) and used->flags (2.7.8). */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define VIRTQ_USED_F_NO_NOTIFY     1

/* Ring feature bits (6, Reserved Feature Bits). */
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX     29
#define VIRTIO_F_RING_PACKED   34

/* Packed descriptor flags (2.8.1) and event suppression flags (2.8.10). */
#define VIRTQ_DESC_F_AVAIL     (1u << 7)
#define VIRTQ_DESC_F_USED      (1u << 15)
#define VIRTQ_EVENT_ENABLE     0
#define VIRTQ_EVENT_DISABLE    1
#define VIRTQ_EVENT_DESC       2

/* "No MSI-X vector" (4.1.5.1.2). */
#define VIRTQ_NO_VECTOR 0xffff

/* Guest memory layout of one descriptor (2.7.5), little-endian. */
struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* 2.7.4.1: "The device MAY have a reasonable limit of descriptors it will
 * allow in a chain." This is ours (the host's IOV_MAX); a longer chain is
 * refused even where the queue is larger. */
#define VIRTQ_CHAIN_MAX_SEGS 1024

#define VIRTQ_ERR_LEN 160

/* One buffer element of a chain, already checked to lie inside guest RAM:
 * hva points at len bytes of guest memory (len 0: at least the byte at gpa
 * is RAM). */
struct virtq_seg {
	uint64_t gpa;
	uint8_t *hva;
	uint32_t len;
	bool device_writable;
};

/* A decoded descriptor chain: the device-readable segments first, then the
 * device-writable ones (2.7.4.2). A descriptor pointing at an indirect
 * table is not a segment; the table's descriptors are. */
struct virtq_chain {
	uint16_t head;            /* split: descriptor index to return in the
				     used ring; packed: the buffer ID */
	uint16_t avail_pos;       /* free-running count of chains before it */
	uint16_t slots;           /* packed: ring descriptors it took (the used
				     descriptor skips them, 2.8.6); split: 1 */
	uint32_t epoch;           /* queue incarnation (see virtq_push) */
	unsigned nsegs;
	bool indirect;            /* the chain went through an indirect table */
	uint64_t readable;        /* total device-readable bytes */
	uint64_t writable;        /* total device-writable bytes */
	struct virtq_seg seg[VIRTQ_CHAIN_MAX_SEGS];
	char error[VIRTQ_ERR_LEN];  /* why the last pop/peek returned -1 */
};

struct virtq_stats {
	uint64_t kicks;            /* available buffer notifications received */
	uint64_t pops;             /* chains taken from the available ring */
	uint64_t pushes;           /* elements published in the used ring */
	uint64_t irqs_sent;        /* used buffer notifications requested */
	uint64_t irqs_suppressed;  /* ... and suppressed by the driver */
};

/* What the driver's suppression field held at one interrupt decision.
 * field: split with EVENT_IDX used_event (2.7.7.2); split without it
 * avail.flags (2.7.6, VIRTQ_AVAIL_F_NO_INTERRUPT); packed the Driver Event
 * Suppression flags (2.8.10). event: packed with flags DESC, the
 * desc_event_off | desc_event_wrap << 15 word. */
struct virtq_irq_decision {
	bool made;
	bool sent;
	uint16_t used_idx;         /* the device's used_idx at the decision */
	uint16_t field;
	uint16_t event;
};

struct virtq {
	/* Driver-set configuration (the transport's queue registers,
	 * 4.1.4.3 and 4.2.2). Frozen while ready. */
	uint16_t size;
	uint64_t desc_gpa;         /* Descriptor Area */
	uint64_t avail_gpa;        /* Driver Area */
	uint64_t used_gpa;         /* Device Area */
	uint16_t msix_vector;
	bool ready;

	/* Negotiated ring features, latched by virtq_enable. */
	bool event_idx;
	bool indirect;
	bool packed;

	/* Device state. last_avail_idx counts the chains consumed (split: the
	 * next avail ring position); used_idx the chains published (split:
	 * the next used ring position); the difference is the number of
	 * chains in flight. */
	uint16_t last_avail_idx;
	uint16_t used_idx;
	uint16_t signalled_used;   /* used_idx at the last interrupt decision */
	bool notify_suppressed;    /* set by virtq_set_notify_suppression */
	uint32_t epoch;            /* bumped by every reset */
	/* The last used buffer notification decision since the queue was
	 * enabled, for the inspector: the driver's suppression field as the
	 * device read it (2.7.7.2, 2.8.10). */
	struct virtq_irq_decision last_irq;
	uint16_t irq_used_idx;     /* used_idx when an interrupt was last sent */
	bool irq_ever_sent;        /* one was sent since the queue was enabled */

	/* Packed ring (2.8.1): the next descriptor the device reads and the
	 * next it marks used, each with its ring wrap counter (both start at
	 * 1), and the used slots written in all (free-running), now and at
	 * the last interrupt decision (for RING_EVENT_FLAGS_DESC, 2.8.10). */
	uint16_t avail_pos, used_pos;
	bool avail_wrap, used_wrap;
	uint16_t avail_slots;      /* descriptors taken, free-running */
	uint16_t used_slots, signalled_slots;

	/* Host views of the rings, set by virtq_enable. Packed: desc is the
	 * descriptor ring, avail the Driver Event Suppression structure (the
	 * Driver Area), used the Device Event Suppression structure. */
	const struct guest_mem *mem;
	uint8_t *desc;
	uint8_t *avail;
	uint8_t *used;

	/* Kept across resets: the inspector shows lifetime totals. */
	struct virtq_stats stats;
};

/* Back to the reset state (4.1.4.3: queue_size reads the maximum after a
 * reset; vectors read VIRTQ_NO_VECTOR): not ready, addresses 0, ring state
 * 0, epoch bumped so chains popped earlier can no longer be pushed. Stats
 * are kept. */
void virtq_reset(struct virtq *vq, uint16_t max_size);

/* Check the driver's configuration and start using the rings: size
 * non-zero and <= max_size (split: a power of 2, 2.7; packed: any, 2.8);
 * each part aligned (2.7.1, 2.8.11) and wholly inside one RAM region.
 * features are the negotiated feature bits (VIRTIO_F_EVENT_IDX,
 * VIRTIO_F_INDIRECT_DESC, VIRTIO_F_RING_PACKED). 0, or -1 with a reason in
 * err (the queue stays not ready). */
int virtq_enable(struct virtq *vq, const struct guest_mem *mem,
		 uint16_t max_size, uint64_t features, char *err, size_t errlen);

/* Take the next available chain. 1: *c holds it; 0: the ring is empty (or
 * the queue not ready); -1: the driver broke a rule, c->error says which
 * (the queue state is unchanged). */
int virtq_pop(struct virtq *vq, struct virtq_chain *c);

/* One used element: a popped chain's head (or buffer ID), epoch and ring
 * slots, and the bytes written (at most the chain's writable bytes). */
struct virtq_used_elem {
	uint16_t head;
	uint16_t slots;
	uint32_t epoch;
	uint32_t len;
};
static inline struct virtq_used_elem virtq_used_of(const struct virtq_chain *c, uint32_t len)
{
	return (struct virtq_used_elem){ c->head, c->slots, c->epoch,
					 len < c->writable ? len : (uint32_t)c->writable };
}

/* A chain read as two byte streams, device-readable and device-writable
 * (2.7.4: the driver may split a message across descriptors any way it
 * likes). Copy len bytes at offset off of one stream to (to_guest) or from
 * buf; returns the bytes copied, less when the stream is shorter. */
uint64_t virtq_chain_copy(const struct virtq_chain *c, bool writable, uint64_t off, void *buf,
			  uint64_t len, bool to_guest);
/* The iovec for [off, off + len) of one stream: at most one element per
 * segment, so never more than VIRTQ_CHAIN_MAX_SEGS (= IOV_MAX). Returns
 * the elements. */
int virtq_chain_iov(const struct virtq_chain *c, bool writable, uint64_t off, uint64_t len,
		    struct iovec *iov);

/* Give back the last n popped chains e[0..n-1] (in the order popped), not
 * yet pushed, so the next pops return them again (a device that found too
 * little buffer space for a packet). n larger than the chains in flight is
 * clamped. */
void virtq_unpop(struct virtq *vq, const struct virtq_used_elem *e, uint16_t n);

/* Publish c as used with len bytes written (2.7.8, 2.8.7): split, into the
 * used ring, then used->idx with release ordering; packed, into the
 * descriptor ring at the device's position, flags last. 0; -1 when c was
 * popped before the last reset or nothing is in flight (the element is
 * dropped). len is clamped to the chain's writable bytes. */
int virtq_push(struct virtq *vq, const struct virtq_chain *c, uint32_t len);

/* Publish n elements so the driver sees all of them or none (a packet
 * spread over several receive buffers, 5.1.6.4): split, used->idx moves
 * once; packed, the first element is marked used last (2.8.9). 0; -1
 * (nothing published) when one was popped before the last reset or n
 * exceeds the chains in flight. */
int virtq_push_many(struct virtq *vq, const struct virtq_used_elem *e, unsigned n);

/* After one or more pushes: does the driver want a used buffer
 * notification (2.7.7; packed: the Driver Event Suppression structure,
 * 2.8.10)? Counts the answer in stats. false when nothing was pushed since
 * the previous call. */
bool virtq_need_interrupt(struct virtq *vq);

/* Ask the driver not to (suppress) or again to (!suppress) send available
 * buffer notifications (2.7.10; packed: the Device Event Suppression
 * structure, 2.8.10). Re-enabling returns true when buffers arrived
 * meanwhile: the caller must pop again, since the driver may have skipped
 * the kick. */
bool virtq_set_notify_suppression(struct virtq *vq, bool suppress);

/* The driver's avail->idx now (0 when not ready); packed: the chains
 * consumed plus the chains available now (counting at most the queue
 * size), the same "avail - last_avail_idx = pending" arithmetic. */
uint16_t virtq_avail_idx(const struct virtq *vq);

/* Whether a chain waits for the device (false when not ready): what a
 * kick asks, for packed rings one flags load where virtq_avail_idx walks
 * the ring. */
bool virtq_has_avail(const struct virtq *vq);

/* Decode the chain at free-running avail position pos without consuming
 * it, with the same checks as virtq_pop. 1 decoded; 0 when pos is not
 * pending (outside [last_avail_idx, virtq_avail_idx)) or the queue is not
 * ready; -1 with c->error. */
int virtq_peek(const struct virtq *vq, uint16_t pos, struct virtq_chain *c);

/* With VIRTIO_F_EVENT_IDX, must a notification be sent now that an index
 * moved from old to new_idx and the other side asked for one when the entry
 * at index event is written? The rule is 2.7.7.2 (used_event) and 2.7.10.2
 * (avail_event); the formula is vring_need_event from the spec's
 * virtio_queue.h appendix, correct across the 16-bit wrap. */
static inline bool virtq_need_event(uint16_t event, uint16_t new_idx,
				    uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

#endif
