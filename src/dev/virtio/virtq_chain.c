/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Descriptor chain walker for split virtqueues (virtio 1.2, 2.7.5): turns
 * the chain at one available ring position into checked segments. Each
 * descriptor is copied out of guest memory once and only the copy is
 * checked and used, so a driver rewriting the table meanwhile cannot slip
 * a value past a check. */
#include <endian.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>

#include "dev/virtio/virtq.h"
#include "dev/virtio/virtq_ring.h"

/* 2.7.5.2: "Drivers MUST NOT add a descriptor chain longer than 2^32 bytes
 * in total". */
#define CHAIN_MAX_BYTES (1ULL << 32)

int virtq_chain_fail(struct virtq_chain *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->error, sizeof(c->error), fmt, ap);
	va_end(ap);
	return -1;
}

/* One split descriptor (2.7.5) at p (inside guest RAM, maybe unaligned),
 * copied once and byte-swapped. */
static void read_desc(const uint8_t *p, struct virtq_desc *d)
{
	memcpy(d, p, sizeof(*d));
	/* Keep the compiler from re-reading guest memory instead of the copy. */
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	d->addr = le64toh(d->addr);
	d->len = le32toh(d->len);
	d->flags = le16toh(d->flags);
	d->next = le16toh(d->next);
}

int virtq_add_segment(const struct virtq *vq, struct virtq_chain *c, uint64_t addr,
		      uint32_t len, bool writable, const char *where, unsigned idx)
{
	/* 2.7.5.3.1: "A driver MUST NOT create a descriptor chain longer
	 * than the Queue Size of the device." Without indirect tables a
	 * longer chain must loop; that is caught earlier with its own
	 * message. */
	if (c->nsegs == vq->size)
		return virtq_chain_fail(c, "chain is longer than the queue size %u (2.7.5.3.1)",
				  vq->size);
	/* 2.7.4.1: the device's own limit on descriptors in a chain. */
	if (c->nsegs == VIRTQ_CHAIN_MAX_SEGS)
		return virtq_chain_fail(c, "chain has more than %u descriptors, the device's limit (2.7.4.1)",
				  VIRTQ_CHAIN_MAX_SEGS);
	/* 2.7.4.2: "The driver MUST place any device-writable descriptor
	 * elements after any device-readable descriptor elements." */
	if (!writable && c->nsegs && c->seg[c->nsegs - 1].device_writable)
		return virtq_chain_fail(c, "%s %u is device-readable after a device-writable one (2.7.4.2)",
				  where, idx);
	/* 2.7.5: addr is a guest-physical address; the whole buffer must be
	 * guest RAM. gmem_ptr's check cannot overflow on addr + len. */
	uint8_t *hva = gmem_ptr(vq->mem, addr, len);
	if (!hva)
		return virtq_chain_fail(c, "%s %u: buffer 0x%" PRIx64 " len 0x%" PRIx32 " is not inside guest RAM (2.7.5)",
				  where, idx, addr, len);
	if (c->readable + c->writable + len > CHAIN_MAX_BYTES)
		return virtq_chain_fail(c, "chain is longer than 2^32 bytes (2.7.5.2)");

	c->seg[c->nsegs++] = (struct virtq_seg){
		.gpa = addr, .hva = hva, .len = len,
		.device_writable = writable,
	};
	if (writable)
		c->writable += len;
	else
		c->readable += len;
	return 0;
}

static int add_segment(const struct virtq *vq, struct virtq_chain *c,
		       const struct virtq_desc *d, const char *where, unsigned idx)
{
	return virtq_add_segment(vq, c, d->addr, d->len, d->flags & VIRTQ_DESC_F_WRITE, where,
				 idx);
}

const uint8_t *virtq_indirect_table(const struct virtq *vq, struct virtq_chain *c,
				    const struct virtq_indirect_rules *rules, unsigned idx,
				    uint16_t flags, uint64_t addr, uint32_t len, unsigned *n)
{
	if (!vq->indirect) {
		virtq_chain_fail(c, "descriptor %u is INDIRECT but VIRTIO_F_INDIRECT_DESC was not negotiated (%s)",
				 idx, rules->flags);
		return NULL;
	}
	if (flags & VIRTQ_DESC_F_NEXT) {
		virtq_chain_fail(c, "descriptor %u sets both INDIRECT and NEXT (%s)", idx, rules->flags);
		return NULL;
	}
	if (len == 0 || len % sizeof(struct virtq_desc)) {
		virtq_chain_fail(c, "descriptor %u: indirect table length %" PRIu32 " is not a non-zero multiple of 16 (%s)",
				 idx, len, rules->layout);
		return NULL;
	}
	*n = len / sizeof(struct virtq_desc);
	if (*n > vq->size) {
		virtq_chain_fail(c, "descriptor %u: indirect table of %u descriptors is larger than the queue size %u (%s)",
				 idx, *n, vq->size, rules->bound);
		return NULL;
	}
	const uint8_t *table = gmem_ptr(vq->mem, addr, len);
	if (!table) {
		virtq_chain_fail(c, "descriptor %u: indirect table 0x%" PRIx64 " len 0x%" PRIx32 " is not inside guest RAM (%s)",
				 idx, addr, len, rules->layout);
		return NULL;
	}
	c->indirect = true;
	return table;
}

/* The descriptor d (main table index idx) refers to an indirect table
 * (2.7.5.3); it ends the chain. */
static int walk_indirect(const struct virtq *vq, struct virtq_chain *c,
			 const struct virtq_desc *d, unsigned idx)
{
	/* 2.7.5.3.1: INDIRECT only when VIRTIO_F_INDIRECT_DESC was
	 * negotiated, never together with NEXT. The WRITE flag of this
	 * descriptor is ignored (2.7.5.3.2). 2.7.5.3: the table is
	 * desc[len / 16]; a chain may not be longer than the queue
	 * (2.7.5.3.1). */
	static const struct virtq_indirect_rules rules = {
		.flags = "2.7.5.3.1", .layout = "2.7.5.3", .bound = "2.7.5.3.1",
	};
	unsigned n;
	const uint8_t *table = virtq_indirect_table(vq, c, &rules, idx, d->flags, d->addr,
						    d->len, &n);
	if (!table)
		return -1;

	/* "The first indirect descriptor is located at start of the indirect
	 * descriptor table (index 0), additional indirect descriptors are
	 * chained by next" (2.7.5.3). n entries visited without reaching the
	 * end means a loop. */
	unsigned i = 0;
	for (unsigned visited = 0;; visited++) {
		struct virtq_desc e;

		if (visited == n)
			return virtq_chain_fail(c, "indirect chain in descriptor %u loops (2.7.5.2)",
					  idx);
		read_desc(table + i * sizeof(struct virtq_desc), &e);
		if (e.flags & VIRTQ_DESC_F_INDIRECT)
			return virtq_chain_fail(c, "indirect descriptor %u is itself INDIRECT (2.7.5.3.1)",
					  i);
		if (add_segment(vq, c, &e, "indirect descriptor", i) < 0)
			return -1;
		if (!(e.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		if (e.next >= n)
			return virtq_chain_fail(c, "indirect descriptor %u: next %u is outside the table of %u",
					  i, e.next, n);
		i = e.next;
	}
}

static int walk_chain(const struct virtq *vq, uint16_t head,
		      struct virtq_chain *c)
{
	if (head >= vq->size)
		return virtq_chain_fail(c, "avail ring entry %u: head %u is outside the queue of %u (2.7.6)",
				  c->avail_pos % vq->size, head, vq->size);
	/* Only size descriptors exist: visiting more means a loop, which
	 * 2.7.5.2 forbids. */
	unsigned i = head;
	for (unsigned visited = 0;; visited++) {
		struct virtq_desc d;

		if (visited == vq->size)
			return virtq_chain_fail(c, "descriptor chain from head %u loops (2.7.5.2)",
					  head);
		read_desc(vq->desc + i * sizeof(struct virtq_desc), &d);
		/* 2.7.5.3.2: zero or more chained descriptors, then at most
		 * one pointing at an indirect table. */
		if (d.flags & VIRTQ_DESC_F_INDIRECT)
			return walk_indirect(vq, c, &d, i);
		if (add_segment(vq, c, &d, "descriptor", i) < 0)
			return -1;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		if (d.next >= vq->size)
			return virtq_chain_fail(c, "descriptor %u: next %u is outside the queue of %u (2.7.5)",
					  i, d.next, vq->size);
		i = d.next;
	}
}

int virtq_decode_at(const struct virtq *vq, uint16_t pos, struct virtq_chain *c)
{
	/* 2.7.6: ring entries are taken modulo the queue size; the value is
	 * the head of a descriptor chain. */
	uint16_t head = ring_load16(vq->avail, AVAIL_RING(pos % vq->size),
				    __ATOMIC_RELAXED);

	virtq_chain_start(vq, c, pos);
	c->head = head;
	return walk_chain(vq, head, c);
}

void virtq_chain_start(const struct virtq *vq, struct virtq_chain *c, uint16_t pos)
{
	c->head = 0;
	c->avail_pos = pos;
	c->slots = 1;
	c->epoch = vq->epoch;
	c->nsegs = 0;
	c->indirect = false;
	c->readable = 0;
	c->writable = 0;
	c->error[0] = '\0';
}

uint64_t virtq_chain_copy(const struct virtq_chain *c, bool writable, uint64_t off, void *buf,
			  uint64_t len, bool to_guest)
{
	uint64_t done = 0;

	for (unsigned i = 0; i < c->nsegs && done < len; i++) {
		const struct virtq_seg *s = &c->seg[i];
		if (s->device_writable != writable)
			continue;
		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		uint64_t n = s->len - off;
		if (n > len - done)
			n = len - done;
		if (to_guest)
			memcpy(s->hva + off, (uint8_t *)buf + done, n);
		else
			memcpy((uint8_t *)buf + done, s->hva + off, n);
		done += n;
		off = 0;
	}
	return done;
}

int virtq_chain_iov(const struct virtq_chain *c, bool writable, uint64_t off, uint64_t len,
		    struct iovec *iov)
{
	int n = 0;

	for (unsigned i = 0; i < c->nsegs && len; i++) {
		const struct virtq_seg *s = &c->seg[i];
		if (s->device_writable != writable || s->len == 0)
			continue;
		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		uint64_t k = s->len - off;
		if (k > len)
			k = len;
		iov[n].iov_base = s->hva + off;
		iov[n].iov_len = (size_t)k;
		n++;
		len -= k;
		off = 0;
	}
	return n;
}
