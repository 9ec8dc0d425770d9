/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A minimal virtio driver for the unit tests: lays out split rings in
 * synthetic guest RAM exactly as a driver would (virtio 1.2, 2.7.13), with
 * every field written little-endian through gmem_write. */
#ifndef HVMON_TEST_VIRTQ_DRIVER_H
#define HVMON_TEST_VIRTQ_DRIVER_H

#include <endian.h>
#include <stdint.h>
#include <string.h>

#include "dev/virtio/virtq.h"
#include "unit.h"
#include "vmm/guest_mem.h"

#define TDRV_RAM   (1ULL << 20)
#define TDRV_DESC  0x1000ULL    /* descriptor table */
#define TDRV_AVAIL 0x3000ULL    /* available ring */
#define TDRV_USED  0x4000ULL    /* used ring */
#define TDRV_BUF   0x10000ULL   /* buffers from here */

/* One queue's driver side. The first queue's tdrv owns the guest RAM
 * (mem); more queues of the same device share it (tdrv_init_queue). */
struct tdrv {
	struct guest_mem mem;
	struct guest_mem *gm;            /* the RAM the rings are in */
	uint64_t desc, avail, used;      /* ring parts */
	uint16_t size;
	uint16_t avail_idx;
};

static inline void tdrv_init(struct tdrv *t, uint16_t size)
{
	ck_assert_int_eq(gmem_init(&t->mem, TDRV_RAM), 0);
	t->gm = &t->mem;
	t->desc = TDRV_DESC;
	t->avail = TDRV_AVAIL;
	t->used = TDRV_USED;
	t->size = size;
	t->avail_idx = 0;
}

/* Another queue in first's RAM, its rings at base (16 KiB from it). */
static inline void tdrv_init_queue(struct tdrv *t, struct tdrv *first, uint16_t size,
				   uint64_t base)
{
	t->gm = first->gm;
	t->desc = base;
	t->avail = base + 0x2000;
	t->used = base + 0x3000;
	t->size = size;
	t->avail_idx = 0;
}

/* A release store, as a driver publishes ring indices and flags (virtio
 * 1.2 2.7.13.3.1: the barrier before avail->idx): the device's acquire
 * load on the I/O thread then sees the descriptors written before it
 * (and ThreadSanitizer sees the same pairing). */
static inline void tdrv_w16(struct tdrv *t, uint64_t gpa, uint16_t v)
{
	uint16_t *p = gmem_ptr(t->gm, gpa, 2);
	ck_assert_ptr_nonnull(p);
	__atomic_store_n(p, htole16(v), __ATOMIC_RELEASE);
}

/* An acquire load, as a driver reads used->idx before the used entries
 * (2.7.14): pairs with the device's release store. */
static inline uint16_t tdrv_r16(struct tdrv *t, uint64_t gpa)
{
	const uint16_t *p = gmem_ptr(t->gm, gpa, 2);
	ck_assert_ptr_nonnull(p);
	return le16toh(__atomic_load_n(p, __ATOMIC_ACQUIRE));
}

static inline uint32_t tdrv_r32(struct tdrv *t, uint64_t gpa)
{
	uint32_t v;

	ck_assert_int_eq(gmem_read(t->gm, gpa, &v, 4), 0);
	return le32toh(v);
}

/* Write a descriptor into a table at gpa (main table or indirect). */
static inline void tdrv_desc_at(struct tdrv *t, uint64_t table, unsigned idx,
				uint64_t addr, uint32_t len, uint16_t flags,
				uint16_t next)
{
	struct virtq_desc d = {
		.addr = htole64(addr), .len = htole32(len),
		.flags = htole16(flags), .next = htole16(next),
	};
	ck_assert_int_eq(gmem_write(t->gm, table + 16ULL * idx, &d, 16), 0);
}

static inline void tdrv_desc(struct tdrv *t, unsigned idx, uint64_t addr,
			     uint32_t len, uint16_t flags, uint16_t next)
{
	tdrv_desc_at(t, t->desc, idx, addr, len, flags, next);
}

/* 2.7.13.2-3: put head in the next ring slot, then bump avail->idx. */
static inline void tdrv_publish(struct tdrv *t, uint16_t head)
{
	tdrv_w16(t, t->avail + 4 + 2ULL * (t->avail_idx % t->size), head);
	t->avail_idx++;
	tdrv_w16(t, t->avail + 2, t->avail_idx);
}

static inline void tdrv_set_avail_idx(struct tdrv *t, uint16_t idx)
{
	t->avail_idx = idx;
	tdrv_w16(t, t->avail + 2, idx);
}

/* The driver's rings start again, as after a reset (3.1.1): nothing
 * available, nothing used. */
static inline void tdrv_restart(struct tdrv *t)
{
	tdrv_set_avail_idx(t, 0);
	tdrv_w16(t, t->used + 2, 0);
}

static inline uint16_t tdrv_used_idx(struct tdrv *t)
{
	return tdrv_r16(t, t->used + 2);
}

static inline uint32_t tdrv_used_id(struct tdrv *t, uint16_t i)
{
	return tdrv_r32(t, t->used + 4 + 8ULL * (i % t->size));
}

static inline uint32_t tdrv_used_len(struct tdrv *t, uint16_t i)
{
	return tdrv_r32(t, t->used + 8 + 8ULL * (i % t->size));
}

static inline void tdrv_set_used_event(struct tdrv *t, uint16_t v)
{
	tdrv_w16(t, t->avail + 4 + 2ULL * t->size, v);
}

static inline uint16_t tdrv_avail_event(struct tdrv *t)
{
	return tdrv_r16(t, t->used + 4 + 8ULL * t->size);
}

/* Garbage for the hostile-ring tests: n 16-byte descriptors of random
 * bytes whose addresses and lengths stay below 64 KiB, so that many pass
 * the checks and get walked. Both ring formats put addr at 0, len at 8. */
static inline void tdrv_garbage_descs(uint8_t *junk, unsigned n, uint32_t *seed)
{
	for (size_t i = 0; i < 16 * (size_t)n; i++) {
		*seed = *seed * 1103515245u + 12345u;
		junk[i] = (uint8_t)(*seed >> 16);
	}
	for (unsigned d = 0; d < n; d++) {
		memset(junk + 16 * d + 2, 0, 6);
		memset(junk + 16 * d + 10, 0, 2);
	}
}

/* Take and give back up to 64 chains: every segment of each must be the
 * guest RAM it claims. The number taken. */
static inline unsigned tdrv_pop_all_inside_ram(struct virtq *vq, const struct guest_mem *mem,
					       struct virtq_chain *c)
{
	unsigned taken = 0;

	while (taken < 64 && virtq_pop(vq, c) > 0) {
		taken++;
		for (unsigned i = 0; i < c->nsegs; i++)
			ck_assert_ptr_eq(gmem_ptr(mem, c->seg[i].gpa, c->seg[i].len), c->seg[i].hva);
		virtq_push(vq, c, (uint32_t)c->writable);
	}
	return taken;
}

#endif
