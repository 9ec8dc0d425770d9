/* SPDX-License-Identifier: GPL-3.0-or-later */
/* virtio-rng (virtio 1.2, 5.4) through the virtio core with a stub
 * transport: buffers filled with entropy, and the burst rule every backend
 * follows (at most VIRTIO_BURST chains a round, the rest deferred through
 * the transport, virtio_dev_defer_queue), seen on the simplest device. */
#include <stdlib.h>
#include <string.h>

#include "dev/virtio/virtio_rng.h"
#include "dev/virtio/virtio_trace.h"
#include "test_virtio_driver.h"
#include "unit.h"

#define QSIZE 256   /* one ring holds a whole burst */
#define BUFLEN 16

static struct tdrv t;
static struct virtio_rng *rng;
static struct virtio_dev *d;
static struct tvd_irqs irqs;

static void setup(void)
{
	tdrv_init(&t, QSIZE);
	rng = virtio_rng_new(&t.mem);
	ck_assert_ptr_nonnull(rng);
	d = virtio_rng_dev(rng);
	tvd_stub_transport(d, &irqs);
	ck_assert(tvd_negotiate(d, 1ULL << VIRTIO_F_VERSION_1));
	tvd_queue(d, 0, &t);
}

static void teardown(void)
{
	virtio_rng_free(rng);
	gmem_free(&t.mem);
}

/* n device-writable buffers, descriptors first..first+n-1. */
static void post(unsigned first, unsigned n)
{
	for (unsigned i = first; i < first + n; i++) {
		tdrv_desc(&t, i % QSIZE, TDRV_BUF + BUFLEN * (uint64_t)i, BUFLEN,
			  VIRTQ_DESC_F_WRITE, 0);
		tdrv_publish(&t, (uint16_t)(i % QSIZE));
	}
}

/* 5.4.6.2: the device fills the buffer (one byte at least); this one fills
 * every buffer, all of it. */
START_TEST(buffers_filled)
{
	uint8_t zero[BUFLEN] = { 0 }, got[BUFLEN];

	tvd_driver_ok(d);
	post(0, 3);
	virtio_dev_queue_notify(d, 0);
	ck_assert_uint_eq(tdrv_used_idx(&t), 3);
	for (uint16_t i = 0; i < 3; i++) {
		ck_assert_uint_eq(tdrv_used_id(&t, i), i);
		ck_assert_uint_eq(tdrv_used_len(&t, i), BUFLEN);
	}
	ck_assert_int_eq(gmem_read(&t.mem, TDRV_BUF, got, sizeof(got)), 0);
	ck_assert_mem_ne(got, zero, sizeof(got));   /* 2^-128 to fail by chance */
	ck_assert_uint_eq(irqs.queue, 1);
}
END_TEST

/* Buffers made available before DRIVER_OK wait for it (2.1.2), and the
 * DRIVER_OK write hands the queue to the transport's thread rather than
 * serving it on the vCPU thread that wrote the register. */
START_TEST(driver_ok_defers_early_buffers)
{
	irqs.can_defer = true;
	post(0, 2);
	virtio_dev_queue_notify(d, 0);
	ck_assert_uint_eq(tdrv_used_idx(&t), 0);
	tvd_driver_ok(d);
	ck_assert_uint_eq(irqs.defers, 1);
	ck_assert_uint_eq(irqs.deferred_q, 0);
	ck_assert_uint_eq(tdrv_used_idx(&t), 0);
	virtio_dev_queue_release(d, 0);   /* the I/O thread's turn */
	ck_assert_uint_eq(tdrv_used_idx(&t), 2);
}
END_TEST

/* DRIVER_OK on an empty queue defers nothing: the driver's first buffer
 * is served by its own notification, so the trace shows the notify before
 * the used buffer. (A deferral queued at DRIVER_OK ran on the I/O thread
 * whenever it got there, sometimes after the driver had posted a buffer
 * and before its notify was handled: the integration test virtio_trace
 * then saw "notify ... last_avail=1" after "used q=0 used.idx=1".) */
START_TEST(driver_ok_empty_defers_nothing)
{
	char lines[8][VIRTIO_TRACE_LINE];

	irqs.can_defer = true;
	virtio_dev_set_name(d, "rng0");
	virtio_trace_on("rng0");
	tvd_driver_ok(d);
	ck_assert_uint_eq(irqs.defers, 0);
	post(0, 1);
	/* The I/O thread's round: deferred work, then the kick's eventfd. */
	if (irqs.defers)
		virtio_dev_queue_release(d, 0);
	virtio_dev_queue_notify(d, 0);
	ck_assert_uint_eq(tdrv_used_idx(&t), 1);
	int n = virtio_trace_take(lines, 8), notify = -1, used = -1;
	virtio_trace_off();
	for (int i = 0; i < n; i++) {
		if (strstr(lines[i], "notify q=0 avail.idx=1 last_avail=0"))
			notify = i;
		if (strstr(lines[i], "used q=0 used.idx=1 interrupt=sent"))
			used = i;
	}
	ck_assert_int_ge(notify, 0);
	ck_assert_int_gt(used, notify);
}
END_TEST

/* VIRTIO_BURST chains, then the rest is the transport's to bring back;
 * without a transport that defers, the backend goes on itself. */
START_TEST(burst_then_deferred)
{
	tvd_driver_ok(d);
	irqs.can_defer = true;
	post(0, VIRTIO_BURST);
	virtio_dev_queue_notify(d, 0);
	ck_assert_uint_eq(tdrv_used_idx(&t), VIRTIO_BURST);
	ck_assert_uint_eq(irqs.defers, 1);
	ck_assert_uint_eq(irqs.queue, 1);   /* the burst's used entries signalled */
	post(VIRTIO_BURST, 5);               /* descriptors 0..4 again */
	virtio_dev_queue_release(d, 0);
	ck_assert_uint_eq(tdrv_used_idx(&t), VIRTIO_BURST + 5);
	ck_assert_uint_eq(irqs.defers, 1);
	/* A transport that cannot take it: the backend goes on itself. */
	irqs.can_defer = false;
	post(VIRTIO_BURST + 5, VIRTIO_BURST);
	virtio_dev_queue_notify(d, 0);
	ck_assert_uint_eq(tdrv_used_idx(&t), (uint16_t)(2 * VIRTIO_BURST + 5));
	ck_assert_uint_eq(irqs.defers, 1);
}
END_TEST

static Suite *virtio_rng_suite(void)
{
	Suite *s = suite_create("virtio_rng");
	TCase *tc = tcase_create("device");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, buffers_filled);
	tcase_add_test(tc, driver_ok_defers_early_buffers);
	tcase_add_test(tc, burst_then_deferred);
	tcase_add_test(tc, driver_ok_empty_defers_nothing);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(virtio_rng_suite)
