/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Split virtqueue (virtio 1.2, 2.7) against rings laid out by hand in
 * synthetic guest RAM: chains, the used ring, notification suppression. */
#include <stdlib.h>
#include <string.h>

#include "dev/virtio/virtq.h"
#include "test_virtq_driver.h"
#include "unit.h"

#define QSIZE 8
#define ALL_RING_FEATURES \
	((1ULL << VIRTIO_F_INDIRECT_DESC) | (1ULL << VIRTIO_F_EVENT_IDX))

static struct tdrv t;
static struct virtq vq;
static struct virtq_chain *c;

static void setup(void)
{
	tdrv_init(&t, QSIZE);
	memset(&vq, 0, sizeof(vq));
	virtq_reset(&vq, QSIZE);
	vq.desc_gpa = TDRV_DESC;
	vq.avail_gpa = TDRV_AVAIL;
	vq.used_gpa = TDRV_USED;
	c = calloc(1, sizeof(*c));
	ck_assert_ptr_nonnull(c);
}

static void teardown(void)
{
	free(c);
	gmem_free(&t.mem);
}

static void enable(uint64_t features)
{
	char err[VIRTQ_ERR_LEN] = "";

	ck_assert_msg(virtq_enable(&vq, &t.mem, QSIZE, features, err,
				   sizeof(err)) == 0, "%s", err);
}

START_TEST(reset_state)
{
	vq.size = 4;
	vq.msix_vector = 3;
	enable(0);
	uint32_t epoch = vq.epoch;
	vq.stats.kicks = 5;
	virtq_reset(&vq, QSIZE);
	/* 4.1.4.3: after a reset queue_size reads the maximum. */
	ck_assert_uint_eq(vq.size, QSIZE);
	ck_assert_uint_eq(vq.msix_vector, VIRTQ_NO_VECTOR);
	ck_assert(!vq.ready);
	ck_assert_uint_eq(vq.desc_gpa, 0);
	ck_assert_uint_eq(vq.epoch, epoch + 1);
	ck_assert_uint_eq(vq.stats.kicks, 5);   /* lifetime totals */
	ck_assert_int_eq(virtq_pop(&vq, c), 0);
	ck_assert_uint_eq(virtq_avail_idx(&vq), 0);
}
END_TEST

START_TEST(direct_chain)
{
	enable(0);
	ck_assert_int_eq(virtq_pop(&vq, c), 0);
	/* A block request: header, data out, status in. */
	tdrv_desc(&t, 5, TDRV_BUF, 16, VIRTQ_DESC_F_NEXT, 2);
	tdrv_desc(&t, 2, TDRV_BUF + 0x1000, 512, VIRTQ_DESC_F_NEXT, 7);
	tdrv_desc(&t, 7, TDRV_BUF + 0x2000, 1, VIRTQ_DESC_F_WRITE, 0);
	tdrv_publish(&t, 5);
	ck_assert_uint_eq(virtq_avail_idx(&vq), 1);
	ck_assert_int_eq(virtq_pop(&vq, c), 1);
	ck_assert_uint_eq(c->head, 5);
	ck_assert_uint_eq(c->avail_pos, 0);
	ck_assert_uint_eq(c->nsegs, 3);
	ck_assert(!c->indirect);
	ck_assert_uint_eq(c->readable, 528);
	ck_assert_uint_eq(c->writable, 1);
	ck_assert_uint_eq(c->seg[1].gpa, TDRV_BUF + 0x1000);
	ck_assert_uint_eq(c->seg[1].len, 512);
	ck_assert_ptr_eq(c->seg[1].hva, gmem_ptr(&t.mem, TDRV_BUF + 0x1000, 512));
	ck_assert(!c->seg[0].device_writable && !c->seg[1].device_writable);
	ck_assert(c->seg[2].device_writable);
	ck_assert_uint_eq(vq.last_avail_idx, 1);
	ck_assert_uint_eq(vq.stats.pops, 1);
	ck_assert_int_eq(virtq_pop(&vq, c), 0);
}
END_TEST

START_TEST(indirect_chain)
{
	const uint64_t table = TDRV_BUF + 0x8000;

	enable(ALL_RING_FEATURES);
	/* 2.7.5.3: one main descriptor pointing at a table of three. Its own
	 * WRITE flag is ignored (2.7.5.3.2). */
	tdrv_desc_at(&t, table, 0, TDRV_BUF, 16, VIRTQ_DESC_F_NEXT, 2);
	tdrv_desc_at(&t, table, 2, TDRV_BUF + 0x100, 4096,
		     VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	tdrv_desc_at(&t, table, 1, TDRV_BUF + 0x2000, 1, VIRTQ_DESC_F_WRITE, 0);
	tdrv_desc(&t, 3, table, 48, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_WRITE, 0);
	tdrv_publish(&t, 3);
	ck_assert_int_eq(virtq_pop(&vq, c), 1);
	ck_assert_uint_eq(c->head, 3);
	ck_assert(c->indirect);
	ck_assert_uint_eq(c->nsegs, 3);
	ck_assert_uint_eq(c->readable, 16);
	ck_assert_uint_eq(c->writable, 4097);
	ck_assert_uint_eq(c->seg[2].gpa, TDRV_BUF + 0x2000);

	/* 2.7.5.3.2: chained descriptors followed by one INDIRECT. */
	tdrv_desc(&t, 0, TDRV_BUF + 0x3000, 8, VIRTQ_DESC_F_NEXT, 1);
	tdrv_desc_at(&t, table + 0x100, 0, TDRV_BUF + 0x4000, 8,
		     VIRTQ_DESC_F_WRITE, 0);
	tdrv_desc(&t, 1, table + 0x100, 16, VIRTQ_DESC_F_INDIRECT, 0);
	tdrv_publish(&t, 0);
	ck_assert_int_eq(virtq_pop(&vq, c), 1);
	ck_assert_uint_eq(c->nsegs, 2);
	ck_assert(!c->seg[0].device_writable && c->seg[1].device_writable);
}
END_TEST

START_TEST(push_and_used_idx)
{
	enable(0);
	tdrv_desc(&t, 4, TDRV_BUF, 16, VIRTQ_DESC_F_NEXT, 6);
	tdrv_desc(&t, 6, TDRV_BUF + 0x100, 100, VIRTQ_DESC_F_WRITE, 0);
	tdrv_publish(&t, 4);
	ck_assert_int_eq(virtq_pop(&vq, c), 1);
	ck_assert_int_eq(virtq_push(&vq, c, 60), 0);
	ck_assert_uint_eq(tdrv_used_idx(&t), 1);
	ck_assert_uint_eq(tdrv_used_id(&t, 0), 4);
	ck_assert_uint_eq(tdrv_used_len(&t, 0), 60);
	ck_assert_uint_eq(vq.stats.pushes, 1);
	/* Nothing in flight: a second push of the same chain is refused. */
	ck_assert_int_eq(virtq_push(&vq, c, 60), -1);
	ck_assert_uint_eq(tdrv_used_idx(&t), 1);

	/* len is at most what the chain can take. */
	tdrv_publish(&t, 4);
	ck_assert_int_eq(virtq_pop(&vq, c), 1);
	ck_assert_int_eq(virtq_push(&vq, c, 1000), 0);
	ck_assert_uint_eq(tdrv_used_len(&t, 1), 100);
	ck_assert_uint_eq(tdrv_used_idx(&t), 2);

	/* A chain popped before a reset is not pushed into the new rings. */
	tdrv_publish(&t, 4);
	ck_assert_int_eq(virtq_pop(&vq, c), 1);
	virtq_reset(&vq, QSIZE);
	vq.desc_gpa = TDRV_DESC;
	vq.avail_gpa = TDRV_AVAIL;
	vq.used_gpa = TDRV_USED;
	enable(0);
	tdrv_set_avail_idx(&t, 0);
	tdrv_publish(&t, 4);
	struct virtq_chain *fresh = calloc(1, sizeof(*fresh));
	ck_assert_int_eq(virtq_pop(&vq, fresh), 1);
	ck_assert_int_eq(virtq_push(&vq, c, 1), -1);
	ck_assert_int_eq(virtq_push(&vq, fresh, 1), 0);
	free(fresh);
}
END_TEST

/* The formula of 2.7.10 and the spec's virtio_queue.h, at the edges. */
START_TEST(need_event_math)
{
	ck_assert(virtq_need_event(0, 1, 0));         /* entry 0 written */
	ck_assert(!virtq_need_event(1, 1, 0));        /* waiting for entry 1 */
	ck_assert(virtq_need_event(1, 2, 0));         /* batch passed it */
	ck_assert(!virtq_need_event(5, 3, 0));
	ck_assert(!virtq_need_event(0, 0, 0));        /* nothing new */
	/* Wraparound at 65535. */
	ck_assert(virtq_need_event(65535, 0, 65535));
	ck_assert(!virtq_need_event(65535, 65535, 65534));
	ck_assert(virtq_need_event(65534, 1, 65533));
	ck_assert(virtq_need_event(0, 1, 65535));
	ck_assert(!virtq_need_event(1, 0, 65534));
	/* An event far in the past (the driver stopped caring): no. */
	ck_assert(!virtq_need_event(100, 300, 250));
}
END_TEST

static void pop_push_one(uint16_t head)
{
	tdrv_publish(&t, head);
	ck_assert_int_eq(virtq_pop(&vq, c), 1);
	ck_assert_int_eq(virtq_push(&vq, c, 0), 0);
}

START_TEST(interrupt_no_event_idx)
{
	enable(0);
	tdrv_desc(&t, 0, TDRV_BUF, 8, 0, 0);
	ck_assert(!virtq_need_interrupt(&vq));   /* nothing pushed */
	pop_push_one(0);
	ck_assert(virtq_need_interrupt(&vq));
	ck_assert(!virtq_need_interrupt(&vq));   /* already decided */
	/* 2.7.7.2: flags 1, "the device SHOULD NOT send a notification". */
	tdrv_w16(&t, TDRV_AVAIL, VIRTQ_AVAIL_F_NO_INTERRUPT);
	pop_push_one(0);
	ck_assert(!virtq_need_interrupt(&vq));
	ck_assert_uint_eq(vq.stats.irqs_sent, 1);
	ck_assert_uint_eq(vq.stats.irqs_suppressed, 1);
}
END_TEST

START_TEST(interrupt_event_idx_wraps)
{
	enable(ALL_RING_FEATURES);
	tdrv_desc(&t, 0, TDRV_BUF, 8, 0, 0);
	/* 2.7.7.2: with EVENT_IDX the lower bit of flags is ignored. */
	tdrv_w16(&t, TDRV_AVAIL, VIRTQ_AVAIL_F_NO_INTERRUPT);
	tdrv_set_used_event(&t, 0);
	pop_push_one(0);
	ck_assert(virtq_need_interrupt(&vq));
	/* Ask for an interrupt after the third element from here. */
	tdrv_set_used_event(&t, 3);
	pop_push_one(0);
	ck_assert(!virtq_need_interrupt(&vq));
	pop_push_one(0);
	pop_push_one(0);
	ck_assert(virtq_need_interrupt(&vq));   /* idx 1 -> 4 passed 3 */

	/* A queue that has been running for a while: indexes near 65535. */
	vq.last_avail_idx = vq.used_idx = vq.signalled_used = 65534;
	tdrv_set_avail_idx(&t, 65534);
	tdrv_set_used_event(&t, 65535);
	pop_push_one(0);                        /* used idx 65535 */
	ck_assert(!virtq_need_interrupt(&vq));
	pop_push_one(0);                        /* entry 65535, idx wraps to 0 */
	ck_assert_uint_eq(tdrv_used_idx(&t), 0);
	ck_assert(virtq_need_interrupt(&vq));
	tdrv_set_used_event(&t, 0);
	pop_push_one(0);
	ck_assert(virtq_need_interrupt(&vq));
}
END_TEST

START_TEST(notify_suppression_flags)
{
	enable(0);
	tdrv_desc(&t, 0, TDRV_BUF, 8, 0, 0);
	ck_assert(!virtq_set_notify_suppression(&vq, true));
	ck_assert_uint_eq(tdrv_r16(&t, TDRV_USED), VIRTQ_USED_F_NO_NOTIFY);
	ck_assert(!virtq_set_notify_suppression(&vq, false));
	ck_assert_uint_eq(tdrv_r16(&t, TDRV_USED), 0);
	/* A chain made available while suppressed: re-enabling reports it,
	 * since the driver did not kick. */
	virtq_set_notify_suppression(&vq, true);
	tdrv_publish(&t, 0);
	ck_assert(virtq_set_notify_suppression(&vq, false));
	ck_assert_int_eq(virtq_pop(&vq, c), 1);
}
END_TEST

START_TEST(notify_suppression_event_idx)
{
	enable(ALL_RING_FEATURES);
	tdrv_desc(&t, 0, TDRV_BUF, 8, 0, 0);
	tdrv_publish(&t, 0);
	tdrv_publish(&t, 0);
	/* Popping with notifications on asks for the next entry. */
	ck_assert_int_eq(virtq_pop(&vq, c), 1);
	ck_assert_uint_eq(tdrv_avail_event(&t), 1);
	/* Suppressed: avail_event stays behind and flags stays 0 (2.7.10.2). */
	ck_assert(!virtq_set_notify_suppression(&vq, true));
	ck_assert_int_eq(virtq_pop(&vq, c), 1);
	ck_assert_uint_eq(tdrv_avail_event(&t), 1);
	ck_assert_uint_eq(tdrv_r16(&t, TDRV_USED), 0);
	ck_assert(!virtq_set_notify_suppression(&vq, false));
	ck_assert_uint_eq(tdrv_avail_event(&t), 2);
	tdrv_publish(&t, 0);
	ck_assert(virtq_set_notify_suppression(&vq, false));
}
END_TEST

START_TEST(peek_does_not_consume)
{
	enable(0);
	tdrv_desc(&t, 1, TDRV_BUF, 8, 0, 0);
	tdrv_desc(&t, 2, TDRV_BUF + 8, 8, VIRTQ_DESC_F_WRITE, 0);
	tdrv_publish(&t, 1);
	tdrv_publish(&t, 2);
	ck_assert_int_eq(virtq_peek(&vq, 1, c), 1);
	ck_assert_uint_eq(c->head, 2);
	ck_assert_uint_eq(c->writable, 8);
	ck_assert_int_eq(virtq_peek(&vq, 0, c), 1);
	ck_assert_uint_eq(c->head, 1);
	ck_assert_int_eq(virtq_peek(&vq, 2, c), 0);       /* not yet made available */
	ck_assert_int_eq(virtq_peek(&vq, 65535, c), 0);   /* already behind */
	ck_assert_uint_eq(vq.last_avail_idx, 0);
	ck_assert_int_eq(virtq_pop(&vq, c), 1);
	ck_assert_int_eq(virtq_peek(&vq, 0, c), 0);
	/* Same checks as pop. */
	tdrv_desc(&t, 2, TDRV_RAM, 8, 0, 0);
	ck_assert_int_eq(virtq_peek(&vq, 1, c), -1);
	ck_assert_ptr_nonnull(strstr(c->error, "not inside guest RAM"));
}
END_TEST

/* A hostile chain at head 0: pop fails with a reason containing want,
 * and the queue does not move. */
static void expect_bad_chain(const char *want)
{
	uint16_t before = vq.last_avail_idx;

	tdrv_publish(&t, 0);
	ck_assert_int_eq(virtq_pop(&vq, c), -1);
	ck_assert_msg(strstr(c->error, want), "error \"%s\" lacks \"%s\"",
		      c->error, want);
	ck_assert_uint_eq(vq.last_avail_idx, before);
	ck_assert_uint_eq(vq.used_idx, 0);
}

START_TEST(bad_addr_outside_ram)
{
	enable(0);
	tdrv_desc(&t, 0, TDRV_RAM + 0x1000, 16, 0, 0);
	expect_bad_chain("not inside guest RAM");
}
END_TEST

START_TEST(bad_addr_len_overflow)
{
	enable(0);
	tdrv_desc(&t, 0, 0xfffffffffffff000ULL, 0x2000, 0, 0);
	expect_bad_chain("not inside guest RAM");
}
END_TEST

START_TEST(bad_buffer_straddles_ram_end)
{
	enable(0);
	tdrv_desc(&t, 0, TDRV_RAM - 8, 16, VIRTQ_DESC_F_WRITE, 0);
	expect_bad_chain("not inside guest RAM");
}
END_TEST

START_TEST(bad_chain_loop)
{
	enable(0);
	tdrv_desc(&t, 0, TDRV_BUF, 8, VIRTQ_DESC_F_NEXT, 1);
	tdrv_desc(&t, 1, TDRV_BUF, 8, VIRTQ_DESC_F_NEXT, 0);
	expect_bad_chain("loops");
}
END_TEST

START_TEST(bad_chain_self_loop)
{
	enable(0);
	tdrv_desc(&t, 0, TDRV_BUF, 8, VIRTQ_DESC_F_NEXT, 0);
	expect_bad_chain("loops");
}
END_TEST

START_TEST(bad_next_out_of_range)
{
	enable(0);
	tdrv_desc(&t, 0, TDRV_BUF, 8, VIRTQ_DESC_F_NEXT, QSIZE);
	expect_bad_chain("outside the queue");
}
END_TEST

START_TEST(bad_head_out_of_range)
{
	enable(0);
	tdrv_w16(&t, TDRV_AVAIL + 4, QSIZE + 3);
	tdrv_set_avail_idx(&t, 1);
	ck_assert_int_eq(virtq_pop(&vq, c), -1);
	ck_assert_ptr_nonnull(strstr(c->error, "head 11"));
}
END_TEST

START_TEST(bad_chain_longer_than_queue)
{
	const uint64_t table = TDRV_BUF + 0x8000;

	enable(ALL_RING_FEATURES);
	/* Two direct descriptors then an indirect table of QSIZE: QSIZE + 2
	 * buffers in one chain (2.7.5.3.1). */
	tdrv_desc(&t, 0, TDRV_BUF, 8, VIRTQ_DESC_F_NEXT, 1);
	tdrv_desc(&t, 1, TDRV_BUF, 8, VIRTQ_DESC_F_NEXT, 2);
	tdrv_desc(&t, 2, table, 16 * QSIZE, VIRTQ_DESC_F_INDIRECT, 0);
	for (unsigned i = 0; i < QSIZE; i++)
		tdrv_desc_at(&t, table, i, TDRV_BUF, 8,
			     i + 1 < QSIZE ? VIRTQ_DESC_F_NEXT : 0, i + 1);
	expect_bad_chain("longer than the queue size");
}
END_TEST

START_TEST(bad_indirect_table_too_big)
{
	enable(ALL_RING_FEATURES);
	tdrv_desc(&t, 0, TDRV_BUF, 16 * (QSIZE + 1), VIRTQ_DESC_F_INDIRECT, 0);
	expect_bad_chain("larger than the queue size");
}
END_TEST

START_TEST(bad_indirect_in_indirect)
{
	const uint64_t table = TDRV_BUF + 0x8000;

	enable(ALL_RING_FEATURES);
	tdrv_desc_at(&t, table, 0, TDRV_BUF, 8, VIRTQ_DESC_F_NEXT, 1);
	tdrv_desc_at(&t, table, 1, table, 32, VIRTQ_DESC_F_INDIRECT, 0);
	tdrv_desc(&t, 0, table, 32, VIRTQ_DESC_F_INDIRECT, 0);
	expect_bad_chain("itself INDIRECT");
}
END_TEST

START_TEST(bad_indirect_len)
{
	enable(ALL_RING_FEATURES);
	tdrv_desc(&t, 0, TDRV_BUF, 24, VIRTQ_DESC_F_INDIRECT, 0);
	expect_bad_chain("multiple of 16");
	tdrv_desc(&t, 0, TDRV_BUF, 0, VIRTQ_DESC_F_INDIRECT, 0);
	expect_bad_chain("multiple of 16");
}
END_TEST

START_TEST(bad_indirect_loop)
{
	const uint64_t table = TDRV_BUF + 0x8000;

	enable(ALL_RING_FEATURES);
	tdrv_desc_at(&t, table, 0, TDRV_BUF, 8, VIRTQ_DESC_F_NEXT, 1);
	tdrv_desc_at(&t, table, 1, TDRV_BUF, 8, VIRTQ_DESC_F_NEXT, 0);
	tdrv_desc(&t, 0, table, 32, VIRTQ_DESC_F_INDIRECT, 0);
	expect_bad_chain("loops");
	/* next beyond the table's own entries */
	tdrv_desc_at(&t, table, 1, TDRV_BUF, 8, VIRTQ_DESC_F_NEXT, 2);
	expect_bad_chain("outside the table");
}
END_TEST

START_TEST(bad_indirect_outside_ram)
{
	enable(ALL_RING_FEATURES);
	tdrv_desc(&t, 0, TDRV_RAM - 16, 32, VIRTQ_DESC_F_INDIRECT, 0);
	expect_bad_chain("indirect table");
}
END_TEST

START_TEST(bad_indirect_not_negotiated)
{
	enable(0);
	tdrv_desc_at(&t, TDRV_BUF, 0, TDRV_BUF + 0x100, 8, 0, 0);
	tdrv_desc(&t, 0, TDRV_BUF, 16, VIRTQ_DESC_F_INDIRECT, 0);
	expect_bad_chain("VIRTIO_F_INDIRECT_DESC was not negotiated");
}
END_TEST

START_TEST(bad_indirect_with_next)
{
	enable(ALL_RING_FEATURES);
	tdrv_desc_at(&t, TDRV_BUF, 0, TDRV_BUF + 0x100, 8, 0, 0);
	tdrv_desc(&t, 0, TDRV_BUF, 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
	expect_bad_chain("both INDIRECT and NEXT");
}
END_TEST

START_TEST(bad_writable_before_readable)
{
	const uint64_t table = TDRV_BUF + 0x8000;

	enable(ALL_RING_FEATURES);
	tdrv_desc(&t, 0, TDRV_BUF, 8, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	tdrv_desc(&t, 1, TDRV_BUF, 8, 0, 0);
	expect_bad_chain("device-readable after a device-writable");
	/* The same inside an indirect table. */
	tdrv_desc_at(&t, table, 0, TDRV_BUF, 8,
		     VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	tdrv_desc_at(&t, table, 1, TDRV_BUF, 8, 0, 0);
	tdrv_desc(&t, 0, table, 32, VIRTQ_DESC_F_INDIRECT, 0);
	expect_bad_chain("device-readable after a device-writable");
}
END_TEST

START_TEST(bad_avail_idx_ahead)
{
	enable(0);
	tdrv_desc(&t, 0, TDRV_BUF, 8, 0, 0);
	tdrv_set_avail_idx(&t, QSIZE);          /* a full ring is fine */
	ck_assert_int_eq(virtq_pop(&vq, c), 1);
	tdrv_set_avail_idx(&t, 1 + QSIZE + 1);  /* QSIZE + 1 pending */
	ck_assert_int_eq(virtq_pop(&vq, c), -1);
	ck_assert_ptr_nonnull(strstr(c->error, "ahead"));
	ck_assert_uint_eq(vq.last_avail_idx, 1);
	/* A driver that "decremented" idx looks the same (2.7.6.1). */
	tdrv_set_avail_idx(&t, 0);
	ck_assert_int_eq(virtq_pop(&vq, c), -1);
	ck_assert_int_eq(virtq_peek(&vq, 1, c), -1);
}
END_TEST

/* The whole chain may not exceed 2^32 bytes (2.7.5.2): needs a RAM region
 * of more than 4 GiB, reserved but never touched. */
START_TEST(bad_chain_over_4g)
{
	struct guest_mem big;

	ck_assert_int_eq(gmem_init(&big, 8ULL << 30), 0);
	uint64_t high = GMEM_4G;
	struct virtq_desc d[2] = {
		{ htole64(high), htole32(0xffffffff), htole16(VIRTQ_DESC_F_NEXT), htole16(1) },
		{ htole64(high), htole32(2), 0, 0 },
	};
	ck_assert_int_eq(gmem_write(&big, TDRV_DESC, d, sizeof(d)), 0);
	uint16_t avail[3] = { 0, htole16(1), 0 };
	ck_assert_int_eq(gmem_write(&big, TDRV_AVAIL, avail, sizeof(avail)), 0);
	char err[VIRTQ_ERR_LEN];
	ck_assert_int_eq(virtq_enable(&vq, &big, QSIZE, 0, err, sizeof(err)), 0);
	ck_assert_int_eq(virtq_pop(&vq, c), -1);
	ck_assert_ptr_nonnull(strstr(c->error, "2^32"));
	gmem_free(&big);
}
END_TEST

static void expect_enable_fails(const char *want)
{
	char err[VIRTQ_ERR_LEN] = "";

	ck_assert_int_eq(virtq_enable(&vq, &t.mem, QSIZE, 0, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, want), "error \"%s\" lacks \"%s\"", err, want);
	ck_assert(!vq.ready);
}

START_TEST(bad_ring_config)
{
	vq.size = 6;
	expect_enable_fails("not a power of 2");
	vq.size = 0;
	expect_enable_fails("not a power of 2");
	vq.size = 2 * QSIZE;
	expect_enable_fails("larger than the maximum");
	vq.size = QSIZE;

	vq.desc_gpa = TDRV_DESC + 8;
	expect_enable_fails("descriptor table at 0x1008 is not 16-byte aligned");
	vq.desc_gpa = TDRV_DESC;
	vq.avail_gpa = TDRV_AVAIL + 1;
	expect_enable_fails("available ring at 0x3001 is not 2-byte aligned");
	vq.avail_gpa = TDRV_AVAIL;
	vq.used_gpa = TDRV_USED + 2;
	expect_enable_fails("used ring at 0x4002 is not 4-byte aligned");

	/* Each part wholly inside RAM: the used ring's last 4 bytes past
	 * the end, the descriptor table outside, the avail ring overflowing
	 * the address space. */
	vq.used_gpa = TDRV_RAM - (6 + 8 * QSIZE) + 4;
	expect_enable_fails("used ring");
	vq.used_gpa = TDRV_USED;
	vq.desc_gpa = TDRV_RAM;
	expect_enable_fails("descriptor table");
	vq.desc_gpa = TDRV_DESC;
	vq.avail_gpa = 0xfffffffffffffff0ULL;
	expect_enable_fails("available ring");
	vq.avail_gpa = TDRV_AVAIL;

	/* The same rings at the very end of RAM are fine. */
	vq.used_gpa = TDRV_RAM - (6 + 8 * QSIZE) - 2;
	enable(0);
}
END_TEST

/* A device that took buffers for a frame that does not fit gives them
 * back: the next pops return the same chains. avail_event is left alone:
 * those chains are published already, so asking the driver for the first
 * one again would be asking for a kick that never comes (2.7.10). */
START_TEST(unpop_gives_chains_back)
{
	enable(1ULL << VIRTIO_F_EVENT_IDX);
	for (uint16_t i = 0; i < 3; i++) {
		tdrv_desc(&t, i, TDRV_BUF + 0x100 * i, 64, VIRTQ_DESC_F_WRITE, 0);
		tdrv_publish(&t, i);
	}
	struct virtq_used_elem e[5];
	ck_assert_int_eq(virtq_pop(&vq, c), 1);
	e[0] = virtq_used_of(c, 0);
	ck_assert_int_eq(virtq_pop(&vq, c), 1);
	e[1] = virtq_used_of(c, 0);
	ck_assert_uint_eq(tdrv_avail_event(&t), 2);
	virtq_unpop(&vq, e, 2);
	ck_assert_uint_eq(vq.last_avail_idx, 0);
	ck_assert_uint_eq(vq.stats.pops, 0);
	ck_assert_uint_eq(tdrv_avail_event(&t), 2);
	ck_assert_int_eq(virtq_pop(&vq, c), 1);
	ck_assert_uint_eq(c->head, 0);
	/* More than are in flight is clamped: nothing pushed can come back. */
	ck_assert_int_eq(virtq_push(&vq, c, 10), 0);
	e[0] = virtq_used_of(c, 0);   /* pushed: not in flight any more */
	ck_assert_int_eq(virtq_pop(&vq, c), 1);
	e[1] = virtq_used_of(c, 0);
	/* More than are in flight: only the newest, still in flight, go. */
	virtq_unpop(&vq, e, 2);
	ck_assert_uint_eq(vq.last_avail_idx, 1);
	ck_assert_int_eq(virtq_pop(&vq, c), 1);
	ck_assert_uint_eq(c->head, 1);
	/* Popped before a reset: not given back. */
	e[0] = virtq_used_of(c, 0);
	e[0].epoch--;
	virtq_unpop(&vq, e, 1);
	ck_assert_uint_eq(vq.last_avail_idx, 2);
}
END_TEST

/* Several used elements, then one move of used->idx (a frame over
 * several receive buffers, 5.1.6.4): all checked before any is written. */
START_TEST(push_many_publishes_at_once)
{
	struct virtq_used_elem e[3];

	enable(0);
	for (uint16_t i = 0; i < 3; i++) {
		tdrv_desc(&t, i, TDRV_BUF + 0x100 * i, 64, VIRTQ_DESC_F_WRITE, 0);
		tdrv_publish(&t, i);
	}
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(virtq_pop(&vq, c), 1);
		e[i] = virtq_used_of(c, i == 2 ? 1000 : 64);   /* clamped to 64 */
	}
	ck_assert_uint_eq(e[2].len, 64);
	/* More elements than chains in flight: nothing is published. */
	ck_assert_int_eq(virtq_push_many(&vq, e, 4), -1);
	ck_assert_uint_eq(tdrv_used_idx(&t), 0);
	/* One of an older epoch (popped before a reset) spoils the batch. */
	e[1].epoch--;
	ck_assert_int_eq(virtq_push_many(&vq, e, 3), -1);
	ck_assert_uint_eq(tdrv_used_idx(&t), 0);
	e[1].epoch++;
	ck_assert_int_eq(virtq_push_many(&vq, e, 3), 0);
	ck_assert_uint_eq(tdrv_used_idx(&t), 3);
	for (uint16_t i = 0; i < 3; i++) {
		ck_assert_uint_eq(tdrv_used_id(&t, i), i);
		ck_assert_uint_eq(tdrv_used_len(&t, i), 64);
	}
	ck_assert_uint_eq(vq.stats.pushes, 3);
}
END_TEST

/* Garbage rings (split): every chain taken lies inside guest RAM. */
START_TEST(random_rings_stay_inside_ram)
{
	uint32_t seed = 54321;

	enable((1ULL << VIRTIO_F_INDIRECT_DESC) | (1ULL << VIRTIO_F_EVENT_IDX));
	unsigned taken = 0;

	for (unsigned round = 0; round < 2000; round++) {
		uint8_t junk[16 * QSIZE], ring[2 * QSIZE];
		tdrv_garbage_descs(junk, QSIZE, &seed);
		for (size_t i = 0; i < sizeof(ring); i++) {
			seed = seed * 1103515245u + 12345u;
			ring[i] = (uint8_t)(seed >> 20) & 7;
		}
		ck_assert_int_eq(gmem_write(&t.mem, TDRV_DESC, junk, sizeof(junk)), 0);
		ck_assert_int_eq(gmem_write(&t.mem, TDRV_AVAIL + 4, ring, sizeof(ring)), 0);
		tdrv_set_avail_idx(&t, (uint16_t)(vq.last_avail_idx + (seed >> 8) % (QSIZE + 2)));
		taken += tdrv_pop_all_inside_ram(&vq, &t.mem, c);
		/* A ring left broken: start it again where the device is. */
		t.avail_idx = vq.last_avail_idx;
	}
	/* Random next fields loop and random flags ask for indirect tables:
	 * few chains pass, enough that the checks were exercised. */
	ck_assert_uint_gt(taken, 20);
}
END_TEST

static Suite *virtq_suite(void)
{
	Suite *s = suite_create("virtq");
	TCase *tc = tcase_create("ring");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, reset_state);
	tcase_add_test(tc, direct_chain);
	tcase_add_test(tc, indirect_chain);
	tcase_add_test(tc, push_and_used_idx);
	tcase_add_test(tc, need_event_math);
	tcase_add_test(tc, interrupt_no_event_idx);
	tcase_add_test(tc, interrupt_event_idx_wraps);
	tcase_add_test(tc, notify_suppression_flags);
	tcase_add_test(tc, notify_suppression_event_idx);
	tcase_add_test(tc, peek_does_not_consume);
	tcase_add_test(tc, unpop_gives_chains_back);
	tcase_add_test(tc, push_many_publishes_at_once);
	suite_add_tcase(s, tc);

	TCase *bad = tcase_create("hostile");
	tcase_add_checked_fixture(bad, setup, teardown);
	tcase_add_test(bad, bad_addr_outside_ram);
	tcase_add_test(bad, bad_addr_len_overflow);
	tcase_add_test(bad, bad_buffer_straddles_ram_end);
	tcase_add_test(bad, bad_chain_loop);
	tcase_add_test(bad, bad_chain_self_loop);
	tcase_add_test(bad, bad_next_out_of_range);
	tcase_add_test(bad, bad_head_out_of_range);
	tcase_add_test(bad, bad_chain_longer_than_queue);
	tcase_add_test(bad, bad_indirect_table_too_big);
	tcase_add_test(bad, bad_indirect_in_indirect);
	tcase_add_test(bad, bad_indirect_len);
	tcase_add_test(bad, bad_indirect_loop);
	tcase_add_test(bad, bad_indirect_outside_ram);
	tcase_add_test(bad, bad_indirect_not_negotiated);
	tcase_add_test(bad, bad_indirect_with_next);
	tcase_add_test(bad, bad_writable_before_readable);
	tcase_add_test(bad, bad_avail_idx_ahead);
	tcase_add_test(bad, bad_chain_over_4g);
	tcase_add_test(bad, bad_ring_config);
	tcase_add_test(bad, random_rings_stay_inside_ram);
	suite_add_tcase(s, bad);
	return s;
}

UNIT_MAIN(virtq_suite)
