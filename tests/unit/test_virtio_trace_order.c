/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The virtio trace's order under real threads: a virtio-rng on
 * virtio-mmio with a running I/O thread, driven as the test guest's driver
 * does (DRIVER_OK, one buffer, QueueNotify) ROUNDS times. Every round the
 * notify line must come first, with last_avail=0, then the used line: the
 * integration test virtio_trace once saw the buffer used before the notify
 * that delivered it (a DRIVER_OK deferral of the empty queue took it),
 * about one run in 25-60. */
#include <string.h>
#include <time.h>

#include "dev/virtio/virtio_mmio.h"
#include "dev/virtio/virtio_rng.h"
#include "dev/virtio/virtio_trace.h"
#include "test_virtq_driver.h"
#include "unit.h"
#include "vmm/iothread.h"

#define ROUNDS 300
#define QSIZE 8

static struct tdrv t;
static struct virtio_mmio *m;

static void no_level(void *o, unsigned gsi, bool level)
{
	(void)o;
	(void)gsi;
	(void)level;
}

static void wr(uint64_t off, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	virtio_mmio_io(m, off, b, 4, true);
}

/* 3.1.1 over 4.2.2: reset, features, queue 0 at the tdrv rings, DRIVER_OK. */
static void driver_ok(void)
{
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);            /* VERSION_1 */
	wr(VIRTIO_MMIO_STATUS, 0xb);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, TDRV_DESC);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, TDRV_AVAIL);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, TDRV_USED);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	wr(VIRTIO_MMIO_STATUS, 0xf);
}

static int find(char (*lines)[VIRTIO_TRACE_LINE], int n, const char *what)
{
	for (int i = 0; i < n; i++)
		if (strstr(lines[i], what))
			return i;
	return -1;
}

START_TEST(notify_before_used_every_round)
{
	static char lines[64][VIRTIO_TRACE_LINE];
	char err[128];

	tdrv_init(&t, QSIZE);
	struct virtio_rng *rng = virtio_rng_new(&t.mem);
	ck_assert_ptr_nonnull(rng);
	struct virtio_dev *d = virtio_rng_dev(rng);
	virtio_dev_set_name(d, "rng0");
	struct iothread *io = iothread_new();
	ck_assert_ptr_nonnull(io);
	struct virtio_mmio_config cfg = {
		.base = 0xd0000000, .irq = { .set_level = no_level, .gsi = 5 }, .io = io,
	};
	m = virtio_mmio_new(d, &cfg, err, sizeof(err));
	ck_assert_msg(m != NULL, "%s", err);
	ck_assert_int_eq(iothread_start(io), 0);

	for (int round = 0; round < ROUNDS; round++) {
		memset(gmem_ptr(&t.mem, TDRV_DESC, 0x4000), 0, 0x4000);
		t.avail_idx = 0;
		virtio_trace_on("rng0");
		driver_ok();
		tdrv_desc(&t, 0, TDRV_BUF, 16, VIRTQ_DESC_F_WRITE, 0);
		tdrv_publish(&t, 0);
		wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
		/* The I/O thread serves the kick; the used line is its last. */
		int n = 0, used = -1;
		for (int ms = 0; ms < 5000 && used < 0; ms++) {
			n += virtio_trace_take(lines + n, 64 - n);
			used = find(lines, n, "used q=0 used.idx=1");
			if (used < 0)
				nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
		}
		virtio_trace_off();
		for (int k; n < 64 && (k = virtio_trace_take(lines + n, 64 - n)) > 0;)
			n += k;
		int notify = find(lines, n, "notify q=0");
		ck_assert_msg(used >= 0, "round %d: no used line", round);
		ck_assert_msg(notify >= 0 && notify < used, "round %d: the buffer was used before "
			      "its notify line (notify at %d, used at %d)", round, notify, used);
		ck_assert_msg(strstr(lines[notify], "avail.idx=1 last_avail=0"),
			      "round %d: %s", round, lines[notify]);
	}
	iothread_stop(io);
	virtio_mmio_free(m);
	iothread_free(io);
	virtio_rng_free(rng);
	gmem_free(&t.mem);
}
END_TEST

static Suite *trace_order_suite(void)
{
	Suite *s = suite_create("virtio_trace_order");
	TCase *tc = tcase_create("threads");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, notify_before_used_every_round);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(trace_order_suite)
