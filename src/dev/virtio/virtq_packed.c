// SPDX-License-Identifier: GPL-3.0-or-later
/* Packed virtqueue, device side (virtio 1.2, section 2.8), behind the
 * functions of virtq.h. One ring of 16-byte descriptors
 *
 *   struct pvirtq_desc { le64 addr; le32 len; le16 id; le16 flags; }
 *
 * that the driver makes available and the device marks used in place, the
 * state of each side kept as a position and a ring wrap counter (2.8.1);
 * a Driver Event Suppression structure (the Driver Area) the device reads
 * and a Device Event Suppression structure (the Device Area) it writes:
 *
 *   struct pvirtq_event_suppress { le16 desc; le16 flags; }   (2.8.14)
 *
 * As for split rings every descriptor is copied once and checked; a
 * driver that breaks a rule gets -1 and a reason, never a host access
 * outside guest RAM. */
#include <endian.h>
#include <inttypes.h>
#include <string.h>

#include "dev/virtio/virtq.h"
#include "dev/virtio/virtq_ring.h"

#define PDESC_BYTES      16
#define PDESC_LEN_OFF    8
#define PDESC_ID_OFF     12
#define PDESC_FLAGS_OFF  14
#define EVENT_DESC_OFF   0      /* desc_event_off:15, desc_event_wrap:1 */
#define EVENT_FLAGS_OFF  2
#define EVENT_BYTES      4

struct pdesc {
	uint64_t addr;
	uint32_t len;
	uint16_t id;
	uint16_t flags;   /* in the ring, load_flags is what counts */
};

static size_t pdesc_at(uint16_t pos)
{
	return (size_t)pos * PDESC_BYTES;
}

/* A descriptor's flags with acquire ordering: the driver writes them last,
 * after a barrier (2.8.21.1), so what is read after them is as new. */
static uint16_t load_flags(const struct virtq *vq, uint16_t pos)
{
	return ring_load16(vq->desc, pdesc_at(pos) + PDESC_FLAGS_OFF, __ATOMIC_ACQUIRE);
}

/* Copied once: a driver rewriting it meanwhile cannot slip a value past a
 * check. */
static void read_pdesc(const uint8_t *p, struct pdesc *d)
{
	uint8_t raw[PDESC_BYTES];

	memcpy(raw, p, sizeof(raw));
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	memcpy(&d->addr, raw, 8);
	memcpy(&d->len, raw + PDESC_LEN_OFF, 4);
	memcpy(&d->id, raw + PDESC_ID_OFF, 2);
	memcpy(&d->flags, raw + PDESC_FLAGS_OFF, 2);
	d->addr = le64toh(d->addr);
	d->len = le32toh(d->len);
	d->id = le16toh(d->id);
	d->flags = le16toh(d->flags);
}

/* 2.8.1: available when AVAIL matches the wrap counter and USED does not. */
static bool is_avail(uint16_t flags, bool wrap)
{
	return !!(flags & VIRTQ_DESC_F_AVAIL) == wrap && !!(flags & VIRTQ_DESC_F_USED) != wrap;
}

/* Move n (<= size) descriptors on, toggling the wrap counter past the end. */
static void advance(const struct virtq *vq, uint16_t *pos, bool *wrap, uint16_t n)
{
	uint32_t p = (uint32_t)*pos + n;

	if (p >= vq->size) {
		p -= vq->size;
		*wrap = !*wrap;
	}
	*pos = (uint16_t)p;
}

static void rewind_by(const struct virtq *vq, uint16_t *pos, bool *wrap, uint16_t n)
{
	if (*pos >= n) {
		*pos -= n;
	} else {
		*pos = (uint16_t)(*pos + vq->size - n);
		*wrap = !*wrap;
	}
}

/* 2.8.7: a table of descriptors, read in order, WRITE the only flag that
 * counts; it is the whole buffer. */
static int walk_indirect(const struct virtq *vq, struct virtq_chain *c, const struct pdesc *d,
			 uint16_t flags, uint16_t pos)
{
	static const struct virtq_indirect_rules rules = {
		.flags = "2.8.19", .layout = "2.8.7", .bound = "2.8.19",
	};
	unsigned n;
	const uint8_t *table = virtq_indirect_table(vq, c, &rules, pos, flags, d->addr, d->len,
						    &n);
	if (!table)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		struct pdesc e;
		read_pdesc(table + (size_t)i * PDESC_BYTES, &e);
		if (virtq_add_segment(vq, c, e.addr, e.len, e.flags & VIRTQ_DESC_F_WRITE,
				      "indirect descriptor", i) < 0)
			return -1;
	}
	return 0;
}

/* The list whose first descriptor is at pos (wrap counter wrap), the
 * count-th chain. 1 decoded (c->slots: descriptors it spans), 0 when the
 * descriptor at pos is not available, -1 with c->error. */
static int decode(const struct virtq *vq, uint16_t pos, bool wrap, uint16_t count,
		  struct virtq_chain *c)
{
	uint16_t flags = load_flags(vq, pos);

	virtq_chain_start(vq, c, count);
	if (!is_avail(flags, wrap))
		return 0;
	for (uint16_t slots = 1;; slots++) {
		struct pdesc d;
		read_pdesc(vq->desc + pdesc_at(pos), &d);
		if (flags & VIRTQ_DESC_F_INDIRECT) {
			/* 2.8.19: "A driver MUST NOT write direct descriptors
			 * with DESC_F_INDIRECT set in a scatter-gather list
			 * linked by VIRTQ_DESC_F_NEXT." */
			if (slots > 1)
				return virtq_chain_fail(c, "descriptor %u is INDIRECT inside a list linked by NEXT (2.8.19)",
							pos);
			if (walk_indirect(vq, c, &d, flags, pos) < 0)
				return -1;
			c->head = d.id;
			return 1;
		}
		if (virtq_add_segment(vq, c, d.addr, d.len, flags & VIRTQ_DESC_F_WRITE, "descriptor",
				      pos) < 0)
			return -1;
		if (!(flags & VIRTQ_DESC_F_NEXT)) {
			/* 2.8.6: "Buffer ID is included in the last
			 * descriptor in the list." */
			c->head = d.id;
			c->slots = slots;
			return 1;
		}
		/* 2.8.17: no list longer than the queue, so no loop. */
		if (slots == vq->size)
			return virtq_chain_fail(c, "list from descriptor %u is longer than the queue size %u (2.8.17)",
						(unsigned)((pos + 1u + vq->size - slots) % vq->size), vq->size);
		advance(vq, &pos, &wrap, 1);
		flags = load_flags(vq, pos);
		/* 2.8.6: the first descriptor is made available after the
		 * rest: a later one that is not available is a broken list. */
		if (!is_avail(flags, wrap))
			return virtq_chain_fail(c, "descriptor %u, inside a list, is not available (2.8.6)",
						pos);
	}
}

int vqp_enable(struct virtq *vq, const struct guest_mem *mem, char *err, size_t errlen)
{
	/* 2.8.10.1, the alignment and size table (2.8.11: a MUST). */
	uint8_t *desc = virtq_map_part(mem, "descriptor ring", vq->desc_gpa,
				       (uint64_t)vq->size * PDESC_BYTES, 16, err, errlen);
	if (!desc)
		return -1;
	uint8_t *drv = virtq_map_part(mem, "driver event suppression", vq->avail_gpa,
				      EVENT_BYTES, 4, err, errlen);
	if (!drv)
		return -1;
	uint8_t *dev = virtq_map_part(mem, "device event suppression", vq->used_gpa,
				      EVENT_BYTES, 4, err, errlen);
	if (!dev)
		return -1;
	vq->mem = mem;
	vq->desc = desc;
	vq->avail = drv;
	vq->used = dev;
	/* 2.8.1: both ring wrap counters start at 1. */
	vq->avail_pos = vq->used_pos = 0;
	vq->avail_wrap = vq->used_wrap = true;
	vq->avail_slots = vq->used_slots = vq->signalled_slots = 0;
	vq->last_avail_idx = vq->used_idx = vq->signalled_used = 0;
	vq->notify_suppressed = false;
	ring_store16(vq->used, EVENT_FLAGS_OFF, VIRTQ_EVENT_ENABLE, __ATOMIC_RELAXED);
	vq->ready = true;
	return 0;
}

int vqp_pop(struct virtq *vq, struct virtq_chain *c)
{
	int r = decode(vq, vq->avail_pos, vq->avail_wrap, vq->last_avail_idx, c);

	if (r <= 0)
		return r;
	/* The ring holds size descriptors; in flight, at most that many. A
	 * driver that made more available rewrote ones the device still
	 * owns (2.8.6). */
	if ((uint16_t)(vq->avail_slots - vq->used_slots) + c->slots > vq->size)
		return virtq_chain_fail(c, "descriptor %u: the driver made more descriptors available than the ring of %u holds (2.8.6)",
					vq->avail_pos, vq->size);
	advance(vq, &vq->avail_pos, &vq->avail_wrap, c->slots);
	vq->avail_slots += c->slots;
	vq->last_avail_idx++;
	vq->stats.pops++;
	return 1;
}

void vqp_unpop(struct virtq *vq, const struct virtq_used_elem *e, uint16_t n)
{
	for (uint16_t i = n; i-- > 0;) {
		rewind_by(vq, &vq->avail_pos, &vq->avail_wrap, e[i].slots);
		vq->avail_slots -= e[i].slots;
	}
	vq->last_avail_idx -= n;
	vq->stats.pops -= n;
}

int vqp_peek(const struct virtq *vq, uint16_t pos, struct virtq_chain *c)
{
	uint16_t k = pos - vq->last_avail_idx, p = vq->avail_pos;
	bool w = vq->avail_wrap;

	/* No more than size chains can be pending: a driver flipping flags
	 * under our feet does not keep this walking. */
	for (uint16_t i = 0; i < vq->size; i++) {
		int r = decode(vq, p, w, (uint16_t)(vq->last_avail_idx + i), c);
		if (r <= 0 || i == k)
			return r;
		advance(vq, &p, &w, c->slots);
	}
	return 0;
}

/* 2.8.9: the first element is marked used after the rest, so the driver
 * never sees part of a multi-buffer request. */
int vqp_push_many(struct virtq *vq, const struct virtq_used_elem *e, unsigned n)
{
	uint16_t pos = vq->used_pos, first = pos;
	bool wrap = vq->used_wrap, first_wrap = wrap;

	for (unsigned i = 0; i < n; i++) {
		size_t at = pdesc_at(pos);
		ring_store32(vq->desc, at + PDESC_LEN_OFF, e[i].len, __ATOMIC_RELAXED);
		ring_store16(vq->desc, at + PDESC_ID_OFF, e[i].head, __ATOMIC_RELAXED);
		/* 2.8.1: USED and AVAIL both equal to the wrap counter; WRITE
		 * when data was written (2.8.4). Flags last, with release
		 * ordering, so id and len are seen with them. */
		uint16_t flags = (wrap ? VIRTQ_DESC_F_AVAIL | VIRTQ_DESC_F_USED : 0) |
				 (e[i].len ? VIRTQ_DESC_F_WRITE : 0);
		if (i > 0)
			ring_store16(vq->desc, at + PDESC_FLAGS_OFF, flags, __ATOMIC_RELEASE);
		advance(vq, &pos, &wrap, e[i].slots);
	}
	if (n) {
		uint16_t flags = (first_wrap ? VIRTQ_DESC_F_AVAIL | VIRTQ_DESC_F_USED : 0) |
				 (e[0].len ? VIRTQ_DESC_F_WRITE : 0);
		ring_store16(vq->desc, pdesc_at(first) + PDESC_FLAGS_OFF, flags, __ATOMIC_RELEASE);
	}
	for (unsigned i = 0; i < n; i++)
		vq->used_slots += e[i].slots;
	vq->used_pos = pos;
	vq->used_wrap = wrap;
	vq->used_idx += (uint16_t)n;
	vq->stats.pushes += n;
	return 0;
}

/* 2.8.10: ENABLE, DISABLE, or (with VIRTIO_F_EVENT_IDX) DESC: notify when
 * the used descriptor at desc_event_off, in the lap desc_event_wrap says,
 * was written since the last decision. Positions are counted in used
 * slots written (free-running), so the test is virtq_need_event's. */
bool vqp_need_interrupt(struct virtq *vq)
{
	uint16_t flags = ring_load16(vq->avail, EVENT_FLAGS_OFF, __ATOMIC_RELAXED) & 3;
	uint16_t old = vq->signalled_slots, now = vq->used_slots;

	vq->signalled_slots = now;
	vq->last_irq.field = flags;
	vq->last_irq.event = 0;
	if (flags == VIRTQ_EVENT_DISABLE)
		return false;
	if (flags != VIRTQ_EVENT_DESC || !vq->event_idx)
		return true;   /* ENABLE, or a value this driver may not use */
	uint16_t ev = ring_load16(vq->avail, EVENT_DESC_OFF, __ATOMIC_RELAXED);
	vq->last_irq.event = ev;
	uint16_t off = ev & 0x7fff;
	bool ev_wrap = ev >> 15;
	/* How far behind the device's position the event slot lies: in this
	 * lap when the wrap counters agree, else in the previous one. */
	uint16_t behind = ev_wrap == vq->used_wrap ? (uint16_t)(vq->used_pos - off) :
						    (uint16_t)(vq->used_pos + vq->size - off);
	return virtq_need_event((uint16_t)(now - behind), now, old);
}

bool vqp_set_notify_suppression(struct virtq *vq, bool suppress)
{
	ring_store16(vq->used, EVENT_FLAGS_OFF, suppress ? VIRTQ_EVENT_DISABLE : VIRTQ_EVENT_ENABLE,
		     __ATOMIC_RELAXED);
	if (suppress)
		return false;
	/* The driver reads our flags after making descriptors available
	 * (2.8.21.3.1); we look at the ring after writing them. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return vqp_has_avail(vq);
}

/* 2.8.1: the device's next descriptor is available. */
bool vqp_has_avail(const struct virtq *vq)
{
	return is_avail(load_flags(vq, vq->avail_pos), vq->avail_wrap);
}

/* Available chains from the device's position, counted without the
 * checks (pop and peek make those): each first descriptor, then its NEXT
 * list, at most size in all. */
uint16_t vqp_avail_idx(const struct virtq *vq)
{
	uint16_t pos = vq->avail_pos, chains = 0, seen = 0;
	bool wrap = vq->avail_wrap;

	while (seen < vq->size && is_avail(load_flags(vq, pos), wrap)) {
		chains++;
		uint16_t flags;
		do {
			flags = load_flags(vq, pos);
			advance(vq, &pos, &wrap, 1);
			seen++;
		} while ((flags & VIRTQ_DESC_F_NEXT) && seen < vq->size &&
			 is_avail(load_flags(vq, pos), wrap));
	}
	return (uint16_t)(vq->last_avail_idx + chains);
}
