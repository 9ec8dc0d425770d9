/* SPDX-License-Identifier: GPL-3.0-or-later */
/* virtio-mmio version 2 (virtio 1.2, 4.2): the register layout (4.2.2),
 * feature windows, queue set-up through registers (4.2.3.2), QueueNotify,
 * InterruptStatus/InterruptACK with the level line, the configuration
 * space at 0x100, hostile widths and offsets (4.2.2.2), and the mmio
 * board's command line. No KVM: the line lands in a recorder, kicks run
 * inline (no ioeventfds, no I/O thread). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev/virtio/virtio_mmio.h"
#include "dev/virtio/virtio_board.h"
#include "test_virtq_driver.h"
#include "unit.h"

#define NQ 2
#define QSIZE 8
#define DEV_ID 4
#define GSI 5

struct rec {
	unsigned notified[NQ];
	bool level;
	unsigned level_changes;
	uint8_t config[8];
};

static struct rec r;
static struct tdrv t;
static struct virtio_dev *d;
static struct virtio_mmio *m;

static void f_cread(void *o, uint32_t off, void *data, uint32_t len)
{
	memcpy(data, ((struct rec *)o)->config + off, len);
}

static void f_notified(void *o, uint16_t q)
{
	((struct rec *)o)->notified[q]++;
}

static void rec_level(void *o, unsigned gsi, bool level)
{
	struct rec *x = o;

	ck_assert_uint_eq(gsi, GSI);
	x->level = level;
	x->level_changes++;
}

static void setup(void)
{
	static const struct virtio_dev_ops ops = {
		.name = "stub", .device_id = DEV_ID, .num_queues = NQ,
		.max_queue_size = QSIZE, .config_size = 8,
		.config_read = f_cread, .queue_notified = f_notified,
	};
	char err[128];

	memset(&r, 0, sizeof(r));
	for (unsigned i = 0; i < 8; i++)
		r.config[i] = (uint8_t)(0x10 + i);
	tdrv_init(&t, QSIZE);
	d = virtio_dev_new(&ops, &r, &t.mem);
	ck_assert_ptr_nonnull(d);
	struct virtio_mmio_config cfg = {
		.base = 0xd0000000,
		.irq = { .set_level = rec_level, .opaque = &r, .gsi = GSI },
		.kev = NULL,
	};
	m = virtio_mmio_new(d, &cfg, err, sizeof(err));
	ck_assert_msg(m != NULL, "%s", err);
}

static void teardown(void)
{
	virtio_mmio_free(m);
	virtio_dev_free(d);
	gmem_free(&t.mem);
}

static uint64_t rd(uint64_t off, unsigned len)
{
	uint8_t b[8];
	uint64_t v = 0;

	memset(b, 0xee, sizeof(b));
	virtio_mmio_io(m, off, b, len, false);
	for (unsigned i = 0; i < len; i++)
		v |= (uint64_t)b[i] << (8 * i);
	return v;
}

static void wr(uint64_t off, unsigned len, uint64_t v)
{
	uint8_t b[8];

	for (unsigned i = 0; i < len; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	virtio_mmio_io(m, off, b, len, true);
}

/* 3.1.1 over 4.2.2, queue 0 set up at the tdrv rings. */
static void driver_ok(void)
{
	wr(VIRTIO_MMIO_STATUS, 4, 0);
	wr(VIRTIO_MMIO_STATUS, 4, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 4, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 4, 1);            /* VERSION_1 */
	wr(VIRTIO_MMIO_STATUS, 4, 0xb);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS, 4), 0xb);
	wr(VIRTIO_MMIO_QUEUE_SEL, 4, 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY, 4), 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX, 4), QSIZE);
	wr(VIRTIO_MMIO_QUEUE_NUM, 4, QSIZE);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 4, TDRV_DESC);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, 4, 0);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, 4, TDRV_AVAIL);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 4, 0);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, 4, TDRV_USED);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 4, 0);
	wr(VIRTIO_MMIO_QUEUE_READY, 4, 1);
	wr(VIRTIO_MMIO_STATUS, 4, 0xf);
}

START_TEST(ids)
{
	ck_assert_uint_eq(rd(VIRTIO_MMIO_MAGIC_VALUE, 4), 0x74726976);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_VERSION_REG, 4), 2);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_ID, 4), DEV_ID);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_VENDOR_ID, 4), VIRTIO_MMIO_VENDOR);
	/* Read-only: writes change nothing. */
	wr(VIRTIO_MMIO_MAGIC_VALUE, 4, 0);
	wr(VIRTIO_MMIO_DEVICE_ID, 4, 9);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_MAGIC_VALUE, 4), 0x74726976);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_ID, 4), DEV_ID);
	/* No shared memory regions: length -1 (4.2.2). */
	wr(VIRTIO_MMIO_SHM_SEL, 4, 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_SHM_LEN_LOW, 4), 0xffffffffu);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_SHM_LEN_HIGH, 4), 0xffffffffu);
	ck_assert_uint_eq(virtio_mmio_base(m), 0xd0000000);
	ck_assert_uint_eq(virtio_mmio_gsi(m), GSI);
	ck_assert_ptr_eq(virtio_mmio_dev(m), d);
}
END_TEST

START_TEST(features)
{
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 4, 0);
	uint64_t f = rd(VIRTIO_MMIO_DEVICE_FEATURES, 4);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 4, 1);
	f |= rd(VIRTIO_MMIO_DEVICE_FEATURES, 4) << 32;
	ck_assert_uint_eq(f, VIRTIO_DEV_CORE_FEATURES);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 4, 7);        /* beyond: 0 */
	ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_FEATURES, 4), 0);
	/* Write-only registers read 0. */
	ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 4), 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_DRIVER_FEATURES, 4), 0);
	driver_ok();
	struct virtio_dev_state s;
	virtio_dev_get_state(d, &s);
	ck_assert_uint_eq(s.driver_features, 1ULL << VIRTIO_F_VERSION_1);
	ck_assert_uint_eq(s.status, 0xf);
	/* A legacy driver (no VERSION_1) does not get FEATURES_OK. */
	wr(VIRTIO_MMIO_STATUS, 4, 0);
	wr(VIRTIO_MMIO_STATUS, 4, 3);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 4, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 4, 0);
	wr(VIRTIO_MMIO_STATUS, 4, 0xb);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS, 4) & VIRTIO_STATUS_FEATURES_OK, 0);
}
END_TEST

START_TEST(queues)
{
	driver_ok();
	struct virtq vq;
	struct virtio_queue_history h;
	uint16_t avail;
	ck_assert_int_eq(virtio_dev_get_queue(d, 0, &vq, &h, &avail), 0);
	ck_assert(vq.ready);
	ck_assert_uint_eq(vq.size, QSIZE);
	ck_assert_uint_eq(vq.desc_gpa, TDRV_DESC);
	ck_assert_uint_eq(vq.avail_gpa, TDRV_AVAIL);
	ck_assert_uint_eq(vq.used_gpa, TDRV_USED);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY, 4), 1);
	/* A queue the device does not have: QueueNumMax 0 (4.2.3.2). */
	wr(VIRTIO_MMIO_QUEUE_SEL, 4, NQ);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX, 4), 0);
	wr(VIRTIO_MMIO_QUEUE_READY, 4, 1);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY, 4), 0);
	/* QueueNotify carries the queue index (DRIVER_OK already passed
	 * ready queues on once, virtio_dev.h). */
	unsigned base = r.notified[0];
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 4, 0);
	ck_assert_uint_eq(r.notified[0], base + 1);
	ck_assert_uint_eq(r.notified[1], 0);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 4, 1000);             /* no such queue */
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 2, 0);                /* bad width */
	ck_assert_uint_eq(r.notified[0], base + 1);
	/* A reset through Status 0 drops the queue. */
	wr(VIRTIO_MMIO_STATUS, 4, 0);
	wr(VIRTIO_MMIO_QUEUE_SEL, 4, 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY, 4), 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS, 4), 0);
}
END_TEST

START_TEST(interrupts)
{
	struct virtq_chain *c = malloc(sizeof(*c));

	ck_assert_ptr_nonnull(c);
	driver_ok();
	ck_assert(!r.level);
	/* A used buffer: InterruptStatus bit 0, line up. */
	tdrv_desc(&t, 0, TDRV_BUF, 16, VIRTQ_DESC_F_WRITE, 0);
	tdrv_publish(&t, 0);
	ck_assert_int_eq(virtio_dev_pop(d, 0, c), 1);
	ck_assert_int_eq(virtio_dev_push(d, 0, c, 16), 0);
	ck_assert(virtio_dev_notify_used(d, 0));
	ck_assert(r.level);
	/* Reading does not clear (4.2.2). */
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS, 4), VIRTIO_ISR_QUEUE);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS, 4), VIRTIO_ISR_QUEUE);
	ck_assert(r.level);
	/* A config change adds bit 1; acknowledging one bit keeps the line. */
	virtio_dev_config_changed(d);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS, 4), 3);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, 4, VIRTIO_ISR_QUEUE);
	ck_assert(r.level);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS, 4), VIRTIO_ISR_CONFIG);
	/* A bad-width ACK does nothing; the right one lowers the line. */
	wr(VIRTIO_MMIO_INTERRUPT_ACK, 1, 0xff);
	ck_assert(r.level);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, 4, VIRTIO_ISR_CONFIG);
	ck_assert(!r.level);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS, 4), 0);
	/* InterruptStatus is read-only; a reset clears status and line. */
	wr(VIRTIO_MMIO_INTERRUPT_STATUS, 4, 3);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS, 4), 0);
	virtio_dev_config_changed(d);
	ck_assert(r.level);
	wr(VIRTIO_MMIO_STATUS, 4, 0);
	ck_assert(!r.level);
	ck_assert(!virtio_mmio_irq_level(m));
	/* The status is the register's low byte, as the core reads it: 0x100
	 * resets too, and the line follows. */
	driver_ok();
	virtio_dev_config_changed(d);
	ck_assert(r.level);
	wr(VIRTIO_MMIO_STATUS, 4, 0x100);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS, 4), 0);
	ck_assert(!r.level);
	free(c);
}
END_TEST

START_TEST(config_space)
{
	ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG, 1), 0x10);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG + 1, 2), 0x1211);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG + 4, 4), 0x17161514);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG, 8), 0x1716151413121110ULL);
	/* Past the device's config: zeros. */
	ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG + 8, 4), 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG + 6, 4), 0);
	wr(VIRTIO_MMIO_CONFIG, 4, 0xffffffff);             /* read-only config */
	ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG, 4), 0x13121110);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG_GENERATION, 4), 0);
	virtio_dev_config_changed(d);
	ck_assert_uint_ne(rd(VIRTIO_MMIO_CONFIG_GENERATION, 4), 0);
}
END_TEST

START_TEST(hostile)
{
	/* 4.2.2.2: registers are 32-bit aligned; anything else reads 0. */
	ck_assert_uint_eq(rd(VIRTIO_MMIO_MAGIC_VALUE, 1), 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_MAGIC_VALUE, 2), 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_MAGIC_VALUE, 8), 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_MAGIC_VALUE + 1, 4), 0);
	wr(VIRTIO_MMIO_STATUS, 1, 1);
	wr(VIRTIO_MMIO_STATUS + 2, 4, 1);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS, 4), 0);
	/* Holes and offsets beyond the window. */
	ck_assert_uint_eq(rd(0x0f0, 4), 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_SIZE, 4), 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_SIZE - 2, 4), 0);
	ck_assert_uint_eq(rd(0xfffffffffffffffcULL, 4), 0);
	wr(0xfffffffffffffffcULL, 4, 1);
	wr(VIRTIO_MMIO_SIZE - 4, 8, 1);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG, 0), 0);
	/* Ring addresses for a queue that does not exist go nowhere. */
	wr(VIRTIO_MMIO_QUEUE_SEL, 4, 0xffffffff);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 4, 0x1234);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX, 4), 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_MAGIC_VALUE, 4), 0x74726976);
}
END_TEST

START_TEST(board_cmdline)
{
	char *s = virtio_mmio_board_cmdline("console=ttyS0", 2);

	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "console=ttyS0 virtio_mmio.device=0x200@0xd0000000:5"
			    " virtio_mmio.device=0x200@0xd0001000:6");
	free(s);
	s = virtio_mmio_board_cmdline("", 0);
	ck_assert_str_eq(s, "");
	free(s);
	ck_assert_ptr_null(virtio_mmio_board_cmdline("x", VIRTIO_MMIO_BOARD_MAX + 1));
	/* No line the board uses is COM1's (4) or a PCI INTx (10, 11). */
	for (int i = 0; i < VIRTIO_MMIO_BOARD_MAX; i++) {
		unsigned g = virtio_mmio_board_gsi(i);
		ck_assert(g && g != 4 && g != 10 && g != 11 && g < 16);
		ck_assert_uint_ge(virtio_mmio_board_addr(i), 0xd0000000ULL);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("virtio_mmio");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, ids);
	tcase_add_test(tc, features);
	tcase_add_test(tc, queues);
	tcase_add_test(tc, interrupts);
	tcase_add_test(tc, config_space);
	tcase_add_test(tc, hostile);
	tcase_add_test(tc, board_cmdline);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
