/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal to the split virtqueue: where each field of the rings lives
 * (2.7.6 available ring, 2.7.8 used ring) and how it is read and written.
 * The rings are little-endian (2.7: not legacy) and shared with a driver
 * running concurrently, so every access is a single atomic load or store
 * of the field. virtq_enable checked the alignment of each part (2.7.1),
 * which makes every field naturally aligned. */
#ifndef HVMON_DEV_VIRTIO_VIRTQ_RING_H
#define HVMON_DEV_VIRTIO_VIRTQ_RING_H

#include <endian.h>
#include <stdint.h>

#include "dev/virtio/virtq.h"

/* struct virtq_avail { le16 flags; le16 idx; le16 ring[size];
 *                      le16 used_event; }                       (2.7.6) */
#define AVAIL_FLAGS          0
#define AVAIL_IDX            2
#define AVAIL_RING(i)        (4 + 2 * (size_t)(i))
#define AVAIL_USED_EVENT(sz) AVAIL_RING(sz)

/* struct virtq_used { le16 flags; le16 idx;
 *                     struct { le32 id; le32 len; } ring[size];
 *                     le16 avail_event; }                       (2.7.8) */
#define USED_FLAGS           0
#define USED_IDX             2
#define USED_RING_ID(i)      (4 + 8 * (size_t)(i))
#define USED_RING_LEN(i)     (USED_RING_ID(i) + 4)
#define USED_AVAIL_EVENT(sz) USED_RING_ID(sz)

/* Sizes of the three parts (2.7, the alignment and size table). */
#define DESC_TABLE_BYTES(sz) (16 * (uint64_t)(sz))
#define AVAIL_RING_BYTES(sz) (6 + 2 * (uint64_t)(sz))
#define USED_RING_BYTES(sz)  (6 + 8 * (uint64_t)(sz))

static inline uint16_t ring_load16(const uint8_t *base, size_t off, int order)
{
	return le16toh(__atomic_load_n((const uint16_t *)(base + off), order));
}

static inline void ring_store16(uint8_t *base, size_t off, uint16_t v, int order)
{
	__atomic_store_n((uint16_t *)(base + off), htole16(v), order);
}

static inline void ring_store32(uint8_t *base, size_t off, uint32_t v, int order)
{
	__atomic_store_n((uint32_t *)(base + off), htole32(v), order);
}

/* avail->idx with acquire ordering: it pairs with the driver's barrier
 * before its idx update (2.7.13.3.1), so the ring entries and descriptors
 * read afterwards are at least as new as the index. */
static inline uint16_t ring_avail_idx(const struct virtq *vq)
{
	return ring_load16(vq->avail, AVAIL_IDX, __ATOMIC_ACQUIRE);
}

/* Decode the chain whose head sits at free-running avail position pos
 * (virtq_chain.c). 0, or -1 with c->error. */
int virtq_decode_at(const struct virtq *vq, uint16_t pos, struct virtq_chain *c);

/* Shared by both formats' chain walkers (virtq_chain.c). */
/* An empty chain for the one found at chain count pos. */
void virtq_chain_start(const struct virtq *vq, struct virtq_chain *c, uint16_t pos);
/* Append a checked buffer: inside guest RAM, readable ones first
 * (2.7.4.2), chain bounds. where names the descriptor in messages
 * ("descriptor 5", "indirect descriptor 2"). 0, or -1 with c->error. */
int virtq_add_segment(const struct virtq *vq, struct virtq_chain *c, uint64_t addr,
		      uint32_t len, bool writable, const char *where, unsigned idx);
__attribute__((format(printf, 2, 3)))
int virtq_chain_fail(struct virtq_chain *c, const char *fmt, ...);
/* Where each format states the indirect table's rules, for messages:
 * split 2.7.5.3.1 / 2.7.5.3 / 2.7.5.3.1, packed 2.8.19 / 2.8.7 / 2.8.19. */
struct virtq_indirect_rules {
	const char *flags;      /* negotiated, and never with NEXT */
	const char *layout;     /* 16-byte entries inside guest RAM */
	const char *bound;      /* at most the queue size of entries */
};
/* The indirect table descriptor idx (flags, addr, len) refers to, checked
 * by the rules both formats share; marks the chain indirect. The table and
 * its *n entries, or NULL with c->error. */
const uint8_t *virtq_indirect_table(const struct virtq *vq, struct virtq_chain *c,
				    const struct virtq_indirect_rules *rules, unsigned idx,
				    uint16_t flags, uint64_t addr, uint32_t len, unsigned *n);

/* One ring part: aligned (2.7.1, 2.8.11) and inside one RAM region; its
 * host address, or NULL with the reason in err (virtq.c). */
uint8_t *virtq_map_part(const struct guest_mem *mem, const char *name, uint64_t gpa,
		       uint64_t bytes, uint64_t align, char *err, size_t errlen);

/* The packed ring (virtq_packed.c), behind virtq.c's functions. */
int vqp_enable(struct virtq *vq, const struct guest_mem *mem, char *err, size_t errlen);
int vqp_pop(struct virtq *vq, struct virtq_chain *c);
int vqp_peek(const struct virtq *vq, uint16_t pos, struct virtq_chain *c);
void vqp_unpop(struct virtq *vq, const struct virtq_used_elem *e, uint16_t n);
int vqp_push_many(struct virtq *vq, const struct virtq_used_elem *e, unsigned n);
bool vqp_need_interrupt(struct virtq *vq);
bool vqp_set_notify_suppression(struct virtq *vq, bool suppress);
bool vqp_has_avail(const struct virtq *vq);
uint16_t vqp_avail_idx(const struct virtq *vq);

/* Shared wording for an avail index that ran ahead of the ring: 0 when
 * pending (entries between last_avail_idx and avail) is possible, else -1
 * with the reason in err. */
int virtq_check_pending(const struct virtq *vq, uint16_t avail, char *err,
			size_t errlen);

#endif
