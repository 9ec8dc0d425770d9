/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The watchpoints' bookkeeping without KVM (vmm/watch_set.c): page runs
 * merged and split as watches overlap, come and go; the slot layout KVM
 * gets; which accesses hit and what they cost; and device writes reported
 * by the virtio core (virtio_dev_wrote) with the device, queue and request. */
#include <stdio.h>
#include <string.h>

#include "dev/virtio/virtio_blk.h"
#include "dev/virtio/virtio_blk_impl.h"
#include "dev/virtio/virtio_dev.h"
#include "unit.h"
#include "vmm/guest_mem.h"
#include "vmm/watch_set.h"
#include "vmm/watchpoint.h"

#define P WATCH_PAGE

static struct watch_set ws;

static void setup(void)
{
	memset(&ws, 0, sizeof(ws));
}

static void teardown(void)
{
	ws_free(&ws);
}

static void expect_run(int i, uint64_t first, uint64_t count, enum watch_page_mode mode)
{
	ck_assert_int_gt(ws.nrun, i);
	ck_assert_uint_eq(ws.run[i].first, first);
	ck_assert_uint_eq(ws.run[i].count, count);
	ck_assert_int_eq(ws.run[i].mode, mode);
}

START_TEST(one_write_watch_is_one_readonly_run)
{
	ck_assert_int_eq(ws_add(&ws, 1, 0x10008, 8, WATCH_WRITE, "x"), 0);
	ck_assert_int_eq(ws.nrun, 1);
	expect_run(0, 0x10, 1, WPAGE_READONLY);
	ck_assert_ptr_nonnull(ws_run_at(&ws, 0x10000));
	ck_assert_ptr_nonnull(ws_run_at(&ws, 0x10fff));
	ck_assert_ptr_null(ws_run_at(&ws, 0x11000));
	ck_assert_ptr_null(ws_run_at(&ws, 0xffff));
}
END_TEST

START_TEST(range_across_a_page_boundary_covers_both_pages)
{
	ws_add(&ws, 1, 0x10ffc, 8, WATCH_READ, "x");
	ck_assert_int_eq(ws.nrun, 1);
	expect_run(0, 0x10, 2, WPAGE_ABSENT);
}
END_TEST

START_TEST(adjacent_pages_of_one_mode_merge)
{
	ws_add(&ws, 1, 0x10000, 1, WATCH_WRITE, "a");
	ws_add(&ws, 2, 0x11800, 1, WATCH_WRITE, "b");
	ws_add(&ws, 3, 0x12000, 0x2000, WATCH_WRITE, "c");
	ws_add(&ws, 4, 0x20000, 4, WATCH_WRITE, "d");
	ck_assert_int_eq(ws.nrun, 2);
	expect_run(0, 0x10, 4, WPAGE_READONLY);
	expect_run(1, 0x20, 1, WPAGE_READONLY);
}
END_TEST

START_TEST(a_read_watch_inside_a_write_watch_splits_it)
{
	ws_add(&ws, 1, 0x10000, 5 * P, WATCH_WRITE, "w");
	ws_add(&ws, 2, 0x12010, 8, WATCH_ACCESS, "a");
	ck_assert_int_eq(ws.nrun, 3);
	expect_run(0, 0x10, 2, WPAGE_READONLY);
	expect_run(1, 0x12, 1, WPAGE_ABSENT);
	expect_run(2, 0x13, 2, WPAGE_READONLY);
	/* The read watch goes: one run again. */
	ws_remove_at(&ws, ws_find_id(&ws, 2));
	ck_assert_int_eq(ws.nrun, 1);
	expect_run(0, 0x10, 5, WPAGE_READONLY);
}
END_TEST

START_TEST(removing_the_last_watch_on_a_page_frees_it)
{
	ws_add(&ws, 1, 0x10000, 1, WATCH_WRITE, "a");
	ws_add(&ws, 2, 0x10010, 1, WATCH_WRITE, "b");
	ws_add(&ws, 3, 0x30000, 1, WATCH_READ, "c");
	ws_remove_at(&ws, ws_find(&ws, 0x10000, 1, WATCH_WRITE));
	ck_assert_int_eq(ws.nrun, 2);   /* b still needs page 0x10 */
	ws_remove_at(&ws, ws_find_id(&ws, 2));
	ck_assert_int_eq(ws.nrun, 1);
	expect_run(0, 0x30, 1, WPAGE_ABSENT);
	ws_remove_at(&ws, ws_find_id(&ws, 3));
	ck_assert_int_eq(ws.nrun, 0);
	ck_assert_ptr_null(ws_run_at(&ws, 0x30000));
	ck_assert_int_eq(ws_find_id(&ws, 3), -1);
}
END_TEST

START_TEST(hundred_watches_on_every_other_page)
{
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(ws_add(&ws, i + 1, 0x100000 + 2 * P * (uint64_t)i, 8,
					i % 2 ? WATCH_READ : WATCH_WRITE, "w"), i);
	ck_assert_int_eq(ws.nrun, 100);
	for (int i = 0; i < 100; i++) {
		const struct watch_run *r = ws_run_at(&ws, 0x100000 + 2 * P * (uint64_t)i + 4);
		ck_assert_ptr_nonnull(r);
		ck_assert_int_eq(r->mode, i % 2 ? WPAGE_ABSENT : WPAGE_READONLY);
		ck_assert_ptr_null(ws_run_at(&ws, 0x100000 + 2 * P * (uint64_t)i + P));
	}
}
END_TEST

/* Two regions as guest_mem lays out 3.5 GiB... scaled down: [0, 1 MiB)
 * and [4 GiB, 4 GiB + 1 MiB), with fake host addresses. */
static const struct gmem_region regions[2] = {
	{ .gpa = 0, .size = 0x100000, .hva = (uint8_t *)0x7f0000000000 },
	{ .gpa = GMEM_4G, .size = 0x100000, .hva = (uint8_t *)0x7f0000100000 },
};

static void expect_slot(const struct watch_slot *s, uint64_t gpa, uint64_t size, bool ro)
{
	ck_assert_uint_eq(s->gpa, gpa);
	ck_assert_uint_eq(s->size, size);
	ck_assert_int_eq(s->readonly, ro);
	const struct gmem_region *r = gpa >= GMEM_4G ? &regions[1] : &regions[0];
	ck_assert_ptr_eq(s->hva, r->hva + (gpa - r->gpa));
}

START_TEST(layout_without_watches_is_the_regions)
{
	struct watch_slot s[8];
	ck_assert_int_eq(ws_layout(&ws, regions, 2, 0, 0, s, 8), 2);
	expect_slot(&s[0], 0, 0x100000, false);
	expect_slot(&s[1], GMEM_4G, 0x100000, false);
}
END_TEST

START_TEST(layout_splits_around_readonly_and_absent_pages)
{
	struct watch_slot s[16];
	ws_add(&ws, 1, 0x10000, 2 * P, WATCH_WRITE, "w");
	ws_add(&ws, 2, 0x20000, 1, WATCH_READ, "r");
	ws_add(&ws, 3, GMEM_4G, 1, WATCH_WRITE, "hi");
	int n = ws_layout(&ws, regions, 2, 0, 0, s, 16);
	ck_assert_int_eq(n, 6);
	expect_slot(&s[0], 0, 0x10000, false);
	expect_slot(&s[1], 0x10000, 2 * P, true);
	expect_slot(&s[2], 0x12000, 0xe000, false);
	/* page 0x20000: no slot */
	expect_slot(&s[3], 0x21000, 0x100000 - 0x21000, false);
	expect_slot(&s[4], GMEM_4G, P, true);
	expect_slot(&s[5], GMEM_4G + P, 0x100000 - P, false);
	/* Too few slots: refused, not truncated. */
	ck_assert_int_eq(ws_layout(&ws, regions, 2, 0, 0, s, 5), -1);
}
END_TEST

START_TEST(layout_keeps_a_fetched_page_mapped)
{
	struct watch_slot s[16];
	ws_add(&ws, 1, 0x10000, 3 * P, WATCH_READ, "r");
	int n = ws_layout(&ws, regions, 1, 0x11, 1, s, 16);
	ck_assert_int_eq(n, 3);
	expect_slot(&s[0], 0, 0x10000, false);
	expect_slot(&s[1], 0x11000, P, false);
	expect_slot(&s[2], 0x13000, 0x100000 - 0x13000, false);
	/* Kept at the run's first page. */
	n = ws_layout(&ws, regions, 1, 0x10, 1, s, 16);
	ck_assert_int_eq(n, 2);
	expect_slot(&s[0], 0, 0x11000, false);
	expect_slot(&s[1], 0x13000, 0x100000 - 0x13000, false);
}
END_TEST

START_TEST(access_hits_only_watched_bytes_of_the_right_kind)
{
	ws_add(&ws, 7, 0x10080, 1, WATCH_WRITE, "quiet");
	ws_add(&ws, 8, 0x20008, 8, WATCH_READ, "input");
	ws_add(&ws, 9, 0x30000, 8, WATCH_ACCESS, "both");
	/* The rest of the page: completed silently, counted. */
	ck_assert_int_eq(ws_access(&ws, 0x10000, 8, true), -1);
	ck_assert_int_eq(ws_access(&ws, 0x10081, 1, true), -1);
	ck_assert_int_eq(ws_access(&ws, 0x10078, 8, true), -1);
	ck_assert_uint_eq(ws.w[0].exits, 3);
	/* A write of 8 bytes that covers the byte hits. */
	ck_assert_int_eq(ws_access(&ws, 0x1007c, 8, true), 0);
	/* A read of a write watch's byte (not that it exits, but) misses. */
	ck_assert_int_eq(ws_access(&ws, 0x10080, 1, false), -1);
	ck_assert_uint_eq(ws.w[0].exits, 5);
	ck_assert_int_eq(ws_access(&ws, 0x2000c, 4, false), 1);
	ck_assert_int_eq(ws_access(&ws, 0x2000c, 4, true), -1);
	ck_assert_int_eq(ws_access(&ws, 0x20010, 4, false), -1);
	ck_assert_int_eq(ws_access(&ws, 0x30004, 1, true), 2);
	ck_assert_int_eq(ws_access(&ws, 0x30007, 2, false), 2);
	ck_assert_int_eq(ws_access(&ws, 0x30008, 2, false), -1);
	ck_assert_uint_eq(ws.w[2].exits, 3);
	/* A fetch stepped on the page costs an exit too. */
	ws_count_page(&ws, 0x20ff0);
	ws_count_page(&ws, 0x40000);
	ck_assert_uint_eq(ws.w[1].exits, 4);
}
END_TEST

START_TEST(device_writes_hit_write_and_access_watches)
{
	ws_add(&ws, 1, 0x3f000, 8, WATCH_WRITE, "buf");
	ws_add(&ws, 2, 0x50000, 8, WATCH_READ, "r");
	ws_add(&ws, 3, 0x60100, 1, WATCH_ACCESS, "a");
	ck_assert_int_eq(ws_dma_hit(&ws, 0x3e000, 0x1001), 0);
	ck_assert_int_eq(ws_dma_hit(&ws, 0x3e000, 0x1000), -1);
	ck_assert_int_eq(ws_dma_hit(&ws, 0x50000, 512), -1);
	ck_assert_int_eq(ws_dma_hit(&ws, 0x60000, 512), 2);
}
END_TEST

START_TEST(range_checks)
{
	struct guest_mem m;
	ck_assert_int_eq(gmem_init(&m, 16 << 20), 0);
	ck_assert_ptr_null(ws_check_range(&m, 0x1000, 1));
	ck_assert_ptr_null(ws_check_range(&m, 0, 16 << 20));
	ck_assert_str_eq(ws_check_range(&m, 0x1000, 0), "the length is 0");
	ck_assert_str_eq(ws_check_range(&m, 0, WATCH_MAX_LEN + 1), "longer than 64 MiB");
	ck_assert_str_eq(ws_check_range(&m, (16 << 20) - 4, 8), "not guest RAM");
	ck_assert_str_eq(ws_check_range(&m, UINT64_MAX - 3, 8), "not guest RAM");
	gmem_free(&m);
}
END_TEST

static void no_config(void *opaque, uint32_t offset, void *data, uint32_t len)
{
	(void)opaque, (void)offset, (void)data, (void)len;
}

static void no_notify(void *opaque, uint16_t q)
{
	(void)opaque, (void)q;
}

/* Device writes: a fake block device using virtio-blk's own request
 * description, and a watch hook that records what it is told. */
static struct guest_mem mem;
static int touches_calls, hits;
static uint64_t hit_gpa, hit_len;
static char hit_who[512];

static bool fake_touches(void *opaque, uint64_t gpa, uint64_t len)
{
	(void)opaque;
	touches_calls++;
	return gpa < 0x3f008 && 0x3f000 < gpa + len;
}

static void fake_hit(void *opaque, uint64_t gpa, uint64_t len, const char *who)
{
	(void)opaque;
	hits++;
	hit_gpa = gpa;
	hit_len = len;
	snprintf(hit_who, sizeof(hit_who), "%s", who);
}

START_TEST(virtio_device_write_names_device_queue_and_request)
{
	ck_assert_int_eq(gmem_init(&mem, 1 << 20), 0);
	struct virtio_dev_ops ops = {
		.name = "virtio-blk", .device_id = 2, .num_queues = 1, .max_queue_size = 16,
		.describe_request = virtio_blk_describe, .config_read = no_config,
		.queue_notified = no_notify,
	};
	struct virtio_dev *d = virtio_dev_new(&ops, NULL, &mem);
	ck_assert_ptr_nonnull(d);
	virtio_dev_set_name(d, "blk0");
	/* A read of sector 8 into 512 bytes at 0x3f000, status after it. */
	/* 5.2.6: le32 type, le32 reserved, le64 sector. */
	uint8_t *h = gmem_ptr(&mem, 0x1000, 16);
	h[0] = VIRTIO_BLK_T_IN;
	h[8] = 8;
	static struct virtq_chain c;
	c.nsegs = 3;
	c.seg[0] = (struct virtq_seg){ 0x1000, gmem_ptr(&mem, 0x1000, 16), 16, false };
	c.seg[1] = (struct virtq_seg){ 0x3f000, gmem_ptr(&mem, 0x3f000, 512), 512, true };
	c.seg[2] = (struct virtq_seg){ 0x2000, gmem_ptr(&mem, 0x2000, 1), 1, true };
	c.readable = 16;
	c.writable = 513;

	/* Nothing watched: not even asked. */
	mem.dma_watch = (struct gmem_dma_watch){ .touches = fake_touches, .hit = fake_hit };
	virtio_dev_wrote(d, 0, &c, 513);
	ck_assert_int_eq(touches_calls, 0);

	mem.dma_watch.active = 1;
	virtio_dev_wrote(d, 0, &c, 513);
	ck_assert_int_eq(touches_calls, 2);   /* the data and the status byte */
	ck_assert_int_eq(hits, 1);
	ck_assert_uint_eq(hit_gpa, 0x3f000);
	ck_assert_uint_eq(hit_len, 512);
	ck_assert_str_eq(hit_who, "blk0 queue 0 wrote 512 bytes at 0x3f000"
			 " (request: blk read sector 8 len 512)");

	/* A device that wrote less reports only what it wrote. */
	virtio_dev_wrote(d, 0, &c, 100);
	ck_assert_int_eq(hits, 2);
	ck_assert_uint_eq(hit_len, 100);
	virtio_dev_wrote(d, 0, &c, 0);
	ck_assert_int_eq(hits, 2);
	virtio_dev_free(d);
	gmem_free(&mem);
}
END_TEST

static Suite *watch_set_suite(void)
{
	Suite *s = suite_create("watch_set");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, one_write_watch_is_one_readonly_run);
	tcase_add_test(tc, range_across_a_page_boundary_covers_both_pages);
	tcase_add_test(tc, adjacent_pages_of_one_mode_merge);
	tcase_add_test(tc, a_read_watch_inside_a_write_watch_splits_it);
	tcase_add_test(tc, removing_the_last_watch_on_a_page_frees_it);
	tcase_add_test(tc, hundred_watches_on_every_other_page);
	tcase_add_test(tc, layout_without_watches_is_the_regions);
	tcase_add_test(tc, layout_splits_around_readonly_and_absent_pages);
	tcase_add_test(tc, layout_keeps_a_fetched_page_mapped);
	tcase_add_test(tc, access_hits_only_watched_bytes_of_the_right_kind);
	tcase_add_test(tc, device_writes_hit_write_and_access_watches);
	tcase_add_test(tc, range_checks);
	tcase_add_test(tc, virtio_device_write_names_device_queue_and_request);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(watch_set_suite)
