/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The live virtio trace: line format, the device filter, and a full
 * queue that drops (and counts) instead of blocking the device side. */
#include <poll.h>
#include <string.h>

#include "dev/virtio/virtio_trace.h"
#include "unit.h"

static char lines[8][VIRTIO_TRACE_LINE];

START_TEST(format_and_filter)
{
	char dev[16];

	ck_assert(!virtio_tracing());
	ck_assert(!virtio_trace_filter(dev, sizeof(dev)));
	virtio_trace_on("blk0");
	ck_assert(virtio_tracing());
	ck_assert(virtio_trace_filter(dev, sizeof(dev)));
	ck_assert_str_eq(dev, "blk0");
	virtio_trace_access("blk0", "common", "device_status", 0x14, 1, true, 0xf);
	virtio_trace_access("rng0", "common", "device_status", 0x14, 1, true, 0xf);
	virtio_trace_access("blk0", "device", NULL, 0x8, 4, false, 0x80);
	/* The monitor is woken through the fd. */
	struct pollfd p = { .fd = virtio_trace_fd(), .events = POLLIN };
	ck_assert_int_eq(poll(&p, 1, 0), 1);
	ck_assert_int_eq(virtio_trace_take(lines, 8), 2);
	ck_assert_ptr_nonnull(strstr(lines[0], " virtio dev=blk0 write common.device_status len=1 val=0xf"));
	ck_assert_int_eq(strncmp(lines[0], "t=+", 3), 0);
	ck_assert_ptr_nonnull(strstr(lines[1], " virtio dev=blk0 read device+0x8 len=4 val=0x80"));
	ck_assert_int_eq(virtio_trace_take(lines, 8), 0);
	virtio_trace_off();
	ck_assert(!virtio_tracing());
}
END_TEST

START_TEST(full_queue_drops)
{
	uint64_t taken, dropped;

	virtio_trace_on(NULL);
	for (int i = 0; i < VIRTIO_TRACE_QUEUE + 5; i++)
		virtio_trace("rng0", "line %d", i);
	int got = 0, n;
	while ((n = virtio_trace_take(lines, 8)) > 0)
		got += n;
	ck_assert_int_eq(got, VIRTIO_TRACE_QUEUE);
	virtio_trace_counts(&taken, &dropped);
	ck_assert_uint_eq(taken, VIRTIO_TRACE_QUEUE);
	ck_assert_uint_eq(dropped, 5);
	virtio_trace_off();
}
END_TEST

static Suite *trace_suite(void)
{
	Suite *s = suite_create("virtio_trace");
	TCase *tc = tcase_create("trace");
	tcase_add_test(tc, format_and_filter);
	tcase_add_test(tc, full_queue_drops);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(trace_suite)
