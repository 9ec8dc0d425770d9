/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Packed virtqueue (virtio 1.2, 2.8) against a ring laid out by hand in
 * synthetic guest RAM by a minimal driver written from 2.8.21 and 2.8.22:
 * wrap counters over several laps, lists across the end of the ring,
 * indirect tables, multi-buffer pushes, event suppression both ways, and
 * the rules a hostile driver breaks. */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "dev/virtio/virtq.h"
#include "test_virtq_driver.h"
#include "unit.h"
#include "vmm/guest_mem.h"

#define RAM        (1ULL << 20)
#define RING       0x1000ULL
#define DRV_EVENT  0x3000ULL   /* Driver Area: Driver Event Suppression */
#define DEV_EVENT  0x3100ULL   /* Device Area: Device Event Suppression */
#define BUF        0x10000ULL
#define TABLE      0x8000ULL

/* The driver's side: its position and wrap counter for making
 * descriptors available and for reading used ones (2.8.1), and the size
 * of each buffer ID's list, to skip (2.8.6). */
struct pdrv {
	struct guest_mem mem;
	uint16_t size;
	uint16_t next_avail, next_used;
	bool avail_wrap, used_wrap;
	uint16_t sgs[64];
};

struct pbuf {
	uint64_t addr;
	uint32_t len;
	bool write;
};

static struct pdrv p;
static struct virtq vq;
static struct virtq_chain *c;

static void w16(uint64_t gpa, uint16_t v)
{
	v = htole16(v);
	ck_assert_int_eq(gmem_write(&p.mem, gpa, &v, 2), 0);
}

static uint16_t r16(uint64_t gpa)
{
	uint16_t v;
	ck_assert_int_eq(gmem_read(&p.mem, gpa, &v, 2), 0);
	return le16toh(v);
}

static uint32_t r32(uint64_t gpa)
{
	uint32_t v;
	ck_assert_int_eq(gmem_read(&p.mem, gpa, &v, 4), 0);
	return le32toh(v);
}

static uint16_t avail_flags(bool wrap)
{
	return wrap ? VIRTQ_DESC_F_AVAIL : VIRTQ_DESC_F_USED;
}

/* 2.8.21.1: descriptors in order, the first one's flags written last. */
static void pd_add_flags(uint16_t id, const struct pbuf *b, unsigned n, uint16_t extra)
{
	uint16_t first = p.next_avail, first_flags = 0;

	for (unsigned i = 0; i < n; i++) {
		uint64_t at = RING + 16ULL * p.next_avail;
		uint64_t addr = htole64(b[i].addr);
		uint32_t len = htole32(b[i].len);
		uint16_t f = avail_flags(p.avail_wrap) | (b[i].write ? VIRTQ_DESC_F_WRITE : 0) |
			     (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0) | extra;
		ck_assert_int_eq(gmem_write(&p.mem, at, &addr, 8), 0);
		ck_assert_int_eq(gmem_write(&p.mem, at + 8, &len, 4), 0);
		w16(at + 12, id);   /* the last one's counts (2.8.6); all carry it */
		if (i == 0)
			first_flags = f;
		else
			w16(at + 14, f);
		if (++p.next_avail == p.size) {
			p.next_avail = 0;
			p.avail_wrap = !p.avail_wrap;
		}
	}
	p.sgs[id] = (uint16_t)n;
	w16(RING + 16ULL * first + 14, first_flags);
}

static void pd_add(uint16_t id, const struct pbuf *b, unsigned n)
{
	pd_add_flags(id, b, n, 0);
}

/* 2.8.22: the next used descriptor, if the device wrote it. */
static bool pd_used(uint16_t *id, uint32_t *len, uint16_t *flags)
{
	uint64_t at = RING + 16ULL * p.next_used;
	uint16_t f = r16(at + 14);

	if (!!(f & VIRTQ_DESC_F_USED) != p.used_wrap)
		return false;
	*id = r16(at + 12);
	*len = r32(at + 8);
	*flags = f;
	p.next_used += p.sgs[*id];
	if (p.next_used >= p.size) {
		p.next_used -= p.size;
		p.used_wrap = !p.used_wrap;
	}
	return true;
}

static void setup_size(uint16_t size, uint64_t features)
{
	char err[VIRTQ_ERR_LEN] = "";

	ck_assert_int_eq(gmem_init(&p.mem, RAM), 0);
	p.size = size;
	p.next_avail = p.next_used = 0;
	p.avail_wrap = p.used_wrap = true;   /* 2.8.1 */
	memset(&vq, 0, sizeof(vq));
	virtq_reset(&vq, 256);
	vq.size = size;
	vq.desc_gpa = RING;
	vq.avail_gpa = DRV_EVENT;
	vq.used_gpa = DEV_EVENT;
	ck_assert_msg(virtq_enable(&vq, &p.mem, 256, features | (1ULL << VIRTIO_F_RING_PACKED), err,
				   sizeof(err)) == 0, "%s", err);
	ck_assert(vq.packed);
	c = calloc(1, sizeof(*c));
	ck_assert_ptr_nonnull(c);
}

static void teardown(void)
{
	free(c);
	gmem_free(&p.mem);
}

START_TEST(one_buffer_round_trip)
{
	struct pbuf b = { BUF, 64, true };
	uint16_t id, flags;
	uint32_t len;

	setup_size(8, 0);
	ck_assert_int_eq(virtq_pop(&vq, c), 0);
	pd_add(5, &b, 1);
	ck_assert_uint_eq(virtq_avail_idx(&vq), 1);
	ck_assert_int_eq(virtq_pop(&vq, c), 1);
	ck_assert_uint_eq(c->head, 5);
	ck_assert_uint_eq(c->slots, 1);
	ck_assert_uint_eq(c->nsegs, 1);
	ck_assert_uint_eq(c->writable, 64);
	ck_assert(!pd_used(&id, &len, &flags));
	ck_assert_int_eq(virtq_push(&vq, c, 40), 0);
	ck_assert(pd_used(&id, &len, &flags));
	ck_assert_uint_eq(id, 5);
	ck_assert_uint_eq(len, 40);
	/* 2.8.1 used: AVAIL = USED = wrap; 2.8.4: WRITE as data was written. */
	ck_assert_uint_eq(flags & (VIRTQ_DESC_F_AVAIL | VIRTQ_DESC_F_USED),
			  VIRTQ_DESC_F_AVAIL | VIRTQ_DESC_F_USED);
	ck_assert(flags & VIRTQ_DESC_F_WRITE);
	ck_assert(virtq_need_interrupt(&vq));   /* driver events enabled (zero) */
	teardown();
}
END_TEST

/* A three-descriptor list across the end of a 4-entry ring, over several
 * laps: both wrap counters toggle, the used descriptor skips the list. */
START_TEST(lists_over_many_laps)
{
	struct pbuf hdr = { BUF, 16, false }, data = { BUF + 0x100, 512, false },
		    st = { BUF + 0x400, 1, true };
	struct pbuf one[1] = { { BUF + 0x800, 8, true } };
	uint16_t id, flags;
	uint32_t len;

	setup_size(4, 0);
	for (unsigned lap = 0; lap < 10; lap++) {
		pd_add(1, one, 1);
		ck_assert_int_eq(virtq_pop(&vq, c), 1);
		ck_assert_int_eq(virtq_push(&vq, c, 8), 0);
		ck_assert(pd_used(&id, &len, &flags));
		ck_assert_uint_eq(id, 1);
		struct pbuf list[3] = { hdr, data, st };
		pd_add(2, list, 3);
		ck_assert_int_eq(virtq_pop(&vq, c), 1);
		ck_assert_uint_eq(c->slots, 3);
		ck_assert_uint_eq(c->head, 2);
		ck_assert_uint_eq(c->readable, 528);
		ck_assert_uint_eq(c->writable, 1);
		ck_assert_int_eq(virtq_push(&vq, c, 1), 0);
		ck_assert(pd_used(&id, &len, &flags));
		ck_assert_uint_eq(id, 2);
		ck_assert_uint_eq(len, 1);
		ck_assert_uint_eq(vq.avail_pos, p.next_avail);
		ck_assert_uint_eq(vq.avail_wrap, p.avail_wrap);
		ck_assert_uint_eq(vq.used_pos, p.next_used);
		ck_assert_uint_eq(vq.used_wrap, p.used_wrap);
	}
	ck_assert_uint_eq(vq.stats.pushes, 20);
	teardown();
}
END_TEST

START_TEST(indirect_table)
{
	struct { uint64_t addr; uint32_t len; uint16_t id, flags; } t[2] = {
		{ htole64(BUF), htole32(16), 0, 0 },
		{ htole64(BUF + 0x100), htole32(100), 0, htole16(VIRTQ_DESC_F_WRITE) },
	};
	struct pbuf b = { TABLE, sizeof(t), false };

	setup_size(8, 1ULL << VIRTIO_F_INDIRECT_DESC);
	ck_assert_int_eq(gmem_write(&p.mem, TABLE, t, sizeof(t)), 0);
	pd_add_flags(3, &b, 1, VIRTQ_DESC_F_INDIRECT);
	ck_assert_int_eq(virtq_pop(&vq, c), 1);
	ck_assert(c->indirect);
	ck_assert_uint_eq(c->slots, 1);
	ck_assert_uint_eq(c->nsegs, 2);
	ck_assert_uint_eq(c->readable, 16);
	ck_assert_uint_eq(c->writable, 100);
	ck_assert_uint_eq(c->head, 3);
	teardown();
}
END_TEST

/* 2.8.9: all elements published, the first one's flags last; unpop gives
 * chains back with their positions and wrap counter. */
START_TEST(push_many_and_unpop)
{
	struct pbuf b[1] = { { BUF, 64, true } };
	struct virtq_used_elem e[3];
	uint16_t id, flags;
	uint32_t len;

	setup_size(4, 0);
	/* Go round once so the positions wrap under unpop. */
	for (uint16_t i = 0; i < 3; i++) {
		pd_add(i, b, 1);
		ck_assert_int_eq(virtq_pop(&vq, c), 1);
		ck_assert_int_eq(virtq_push(&vq, c, 1), 0);
		ck_assert(pd_used(&id, &len, &flags));
	}
	for (uint16_t i = 0; i < 3; i++)
		pd_add((uint16_t)(10 + i), b, 1);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(virtq_pop(&vq, c), 1);
		e[i] = virtq_used_of(c, 0);
	}
	ck_assert_uint_eq(vq.avail_pos, 2);
	ck_assert(!vq.avail_wrap);
	virtq_unpop(&vq, e, 3);
	ck_assert_uint_eq(vq.avail_pos, 3);
	ck_assert(vq.avail_wrap);
	ck_assert_uint_eq(vq.last_avail_idx, 3);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(virtq_pop(&vq, c), 1);
		ck_assert_uint_eq(c->head, 10 + i);
		e[i] = virtq_used_of(c, 64);
	}
	ck_assert_int_eq(virtq_push_many(&vq, e, 3), 0);
	for (int i = 0; i < 3; i++) {
		ck_assert(pd_used(&id, &len, &flags));
		ck_assert_uint_eq(id, 10 + i);
		ck_assert_uint_eq(len, 64);
	}
	ck_assert(!pd_used(&id, &len, &flags));
	teardown();
}
END_TEST

/* 2.8.10 both ways. */
START_TEST(event_suppression)
{
	struct pbuf b[1] = { { BUF, 64, true } };

	setup_size(8, 1ULL << VIRTIO_F_EVENT_IDX);
	/* Device side: DISABLE asks the driver for no kicks, ENABLE again,
	 * and says whether buffers came meanwhile. */
	ck_assert(!virtq_set_notify_suppression(&vq, true));
	ck_assert_uint_eq(r16(DEV_EVENT + 2), VIRTQ_EVENT_DISABLE);
	pd_add(0, b, 1);
	ck_assert(virtq_set_notify_suppression(&vq, false));
	ck_assert_uint_eq(r16(DEV_EVENT + 2), VIRTQ_EVENT_ENABLE);
	/* Driver side: DISABLE, then DESC at descriptor 2 of the first lap. */
	w16(DRV_EVENT + 2, VIRTQ_EVENT_DISABLE);
	ck_assert_int_eq(virtq_pop(&vq, c), 1);
	ck_assert_int_eq(virtq_push(&vq, c, 1), 0);
	ck_assert(!virtq_need_interrupt(&vq));
	w16(DRV_EVENT, 2 | 1u << 15);   /* off 2, wrap 1 */
	w16(DRV_EVENT + 2, VIRTQ_EVENT_DESC);
	pd_add(1, b, 1);
	ck_assert_int_eq(virtq_pop(&vq, c), 1);
	ck_assert_int_eq(virtq_push(&vq, c, 1), 0);   /* slot 1 written */
	ck_assert(!virtq_need_interrupt(&vq));
	pd_add(2, b, 1);
	ck_assert_int_eq(virtq_pop(&vq, c), 1);
	ck_assert_int_eq(virtq_push(&vq, c, 1), 0);   /* slot 2: the event */
	ck_assert(virtq_need_interrupt(&vq));
	ck_assert_uint_eq(vq.stats.irqs_sent, 1);
	ck_assert_uint_eq(vq.stats.irqs_suppressed, 2);
	teardown();
}
END_TEST

START_TEST(peek_and_count)
{
	struct pbuf b[2] = { { BUF, 16, false }, { BUF + 0x100, 4, true } };

	setup_size(8, 0);
	pd_add(4, b, 2);
	pd_add(6, b, 1);
	ck_assert_uint_eq(virtq_avail_idx(&vq), 2);
	ck_assert_int_eq(virtq_peek(&vq, 1, c), 1);
	ck_assert_uint_eq(c->head, 6);
	ck_assert_int_eq(virtq_peek(&vq, 0, c), 1);
	ck_assert_uint_eq(c->head, 4);
	ck_assert_uint_eq(c->slots, 2);
	ck_assert_int_eq(virtq_peek(&vq, 2, c), 0);
	ck_assert_uint_eq(vq.last_avail_idx, 0);   /* nothing consumed */
	teardown();
}
END_TEST

/* ---- a hostile driver ---- */

START_TEST(bad_buffer_outside_ram)
{
	struct pbuf b = { RAM - 8, 64, true };

	setup_size(8, 0);
	pd_add(0, &b, 1);
	ck_assert_int_eq(virtq_pop(&vq, c), -1);
	ck_assert_ptr_nonnull(strstr(c->error, "is not inside guest RAM"));
	ck_assert_uint_eq(vq.last_avail_idx, 0);
	teardown();
}
END_TEST

START_TEST(bad_list_longer_than_ring)
{
	struct pbuf b[4] = { { BUF, 8, false }, { BUF, 8, false }, { BUF, 8, false },
			     { BUF, 8, false } };

	setup_size(4, 0);
	pd_add(0, b, 4);
	/* Make the last one say NEXT too: the list never ends. */
	w16(RING + 16 * 3 + 14, avail_flags(true) | VIRTQ_DESC_F_NEXT);
	ck_assert_int_eq(virtq_pop(&vq, c), -1);
	ck_assert_ptr_nonnull(strstr(c->error, "is longer than the queue size 4 (2.8.17)"));
	teardown();
}
END_TEST

START_TEST(bad_indirect_inside_list)
{
	struct pbuf b[2] = { { BUF, 8, false }, { TABLE, 16, false } };

	setup_size(8, 1ULL << VIRTIO_F_INDIRECT_DESC);
	pd_add(0, b, 2);
	w16(RING + 16 + 14, avail_flags(true) | VIRTQ_DESC_F_INDIRECT);
	ck_assert_int_eq(virtq_pop(&vq, c), -1);
	ck_assert_ptr_nonnull(strstr(c->error, "is INDIRECT inside a list linked by NEXT (2.8.19)"));
	teardown();
}
END_TEST

START_TEST(bad_unavailable_inside_list)
{
	struct pbuf b[2] = { { BUF, 8, false }, { BUF, 8, true } };

	setup_size(8, 0);
	pd_add(0, b, 2);
	w16(RING + 16 + 14, VIRTQ_DESC_F_WRITE);   /* AVAIL/USED of neither lap */
	ck_assert_int_eq(virtq_pop(&vq, c), -1);
	ck_assert_ptr_nonnull(strstr(c->error, "inside a list, is not available (2.8.6)"));
	teardown();
}
END_TEST

/* The driver rewrites a descriptor the device still owns: more in flight
 * than the ring holds. */
START_TEST(bad_more_than_the_ring)
{
	struct pbuf b[1] = { { BUF, 8, true } };

	setup_size(2, 0);
	pd_add(0, b, 1);
	pd_add(1, b, 1);
	ck_assert_int_eq(virtq_pop(&vq, c), 1);
	ck_assert_int_eq(virtq_pop(&vq, c), 1);
	pd_add(0, b, 1);   /* slot 0 again, never used by the device */
	ck_assert_int_eq(virtq_pop(&vq, c), -1);
	ck_assert_ptr_nonnull(strstr(c->error, "more descriptors available than the ring of 2 holds"));
	teardown();
}
END_TEST

START_TEST(bad_ring_config)
{
	char err[VIRTQ_ERR_LEN];

	ck_assert_int_eq(gmem_init(&p.mem, RAM), 0);
	virtq_reset(&vq, 256);
	vq.size = 5;   /* packed sizes need not be a power of 2 (2.8) */
	vq.desc_gpa = RING + 8;
	vq.avail_gpa = DRV_EVENT;
	vq.used_gpa = DEV_EVENT;
	ck_assert_int_eq(virtq_enable(&vq, &p.mem, 256, 1ULL << VIRTIO_F_RING_PACKED, err,
				      sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "descriptor ring at 0x1008 is not 16-byte aligned"));
	vq.desc_gpa = RING;
	vq.used_gpa = RAM;
	ck_assert_int_eq(virtq_enable(&vq, &p.mem, 256, 1ULL << VIRTIO_F_RING_PACKED, err,
				      sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "device event suppression"));
	vq.used_gpa = DEV_EVENT;
	ck_assert_int_eq(virtq_enable(&vq, &p.mem, 256, 1ULL << VIRTIO_F_RING_PACKED, err,
				      sizeof(err)), 0);
	gmem_free(&p.mem);
}
END_TEST

/* Garbage rings: whatever the driver writes, every chain the device takes
 * has only segments inside guest RAM, and nothing loops for ever. */
START_TEST(random_rings_stay_inside_ram)
{
	uint32_t seed = 12345;

	setup_size(16, (1ULL << VIRTIO_F_INDIRECT_DESC) | (1ULL << VIRTIO_F_EVENT_IDX));
	unsigned taken = 0;

	for (unsigned round = 0; round < 2000; round++) {
		uint8_t junk[16 * 16];
		tdrv_garbage_descs(junk, 16, &seed);
		ck_assert_int_eq(gmem_write(&p.mem, RING, junk, sizeof(junk)), 0);
		ck_assert_int_eq(gmem_write(&p.mem, TABLE, junk, sizeof(junk)), 0);
		taken += tdrv_pop_all_inside_ram(&vq, &p.mem, c);
		virtq_avail_idx(&vq);
		virtq_need_interrupt(&vq);
	}
	ck_assert_uint_gt(taken, 100);   /* the checks were exercised, not just refused */
	teardown();
}
END_TEST

static Suite *packed_suite(void)
{
	Suite *s = suite_create("virtq_packed");
	TCase *tc = tcase_create("packed");
	tcase_add_test(tc, one_buffer_round_trip);
	tcase_add_test(tc, lists_over_many_laps);
	tcase_add_test(tc, indirect_table);
	tcase_add_test(tc, push_many_and_unpop);
	tcase_add_test(tc, event_suppression);
	tcase_add_test(tc, peek_and_count);
	suite_add_tcase(s, tc);
	TCase *bad = tcase_create("hostile");
	tcase_add_test(bad, bad_buffer_outside_ram);
	tcase_add_test(bad, bad_list_longer_than_ring);
	tcase_add_test(bad, bad_indirect_inside_list);
	tcase_add_test(bad, bad_unavailable_inside_list);
	tcase_add_test(bad, bad_more_than_the_ring);
	tcase_add_test(bad, bad_ring_config);
	tcase_add_test(bad, random_rings_stay_inside_ram);
	suite_add_tcase(s, bad);
	return s;
}

UNIT_MAIN(packed_suite)
