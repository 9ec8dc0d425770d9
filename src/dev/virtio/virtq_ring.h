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

/* Shared wording for an avail index that ran ahead of the ring: 0 when
 * pending (entries between last_avail_idx and avail) is possible, else -1
 * with the reason in err. */
int virtq_check_pending(const struct virtq *vq, uint16_t avail, char *err,
			size_t errlen);

#endif
