/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The transport-independent virtio device (virtio 1.2, 2.1-2.5, 3.1):
 * status machine, feature windows, queue registers, config generation,
 * NEEDS_RESET, interrupts and the history `diagnose` reads. The "driver"
 * is this test, following 3.1.1 through the register interface a transport
 * would call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev/virtio/virtio_dev.h"
#include "test_virtio_driver.h"
#include "unit.h"

#define QSIZE   8
#define NQUEUES 2
#define DEV_FEATURE_BIT 5   /* a device-type feature the fake offers */

struct fake {
	uint8_t config[8];
	unsigned notified[NQUEUES];
	unsigned resets;
	unsigned queue_irqs;
	uint16_t queue_irq_q, queue_irq_vector;
	unsigned config_irqs;
	uint16_t config_irq_vector;
};

static struct fake f;
static struct tdrv t;
static struct virtio_dev *d;
static struct virtq_chain *c;

static void fake_config_read(void *opaque, uint32_t off, void *data, uint32_t len)
{
	struct fake *x = opaque;

	memcpy(data, x->config + off, len);
}

static void fake_config_write(void *opaque, uint32_t off, const void *data,
			      uint32_t len)
{
	struct fake *x = opaque;

	memcpy(x->config + off, data, len);
}

static void fake_notified(void *opaque, uint16_t q)
{
	struct fake *x = opaque;

	x->notified[q]++;
}

static void fake_reset(void *opaque)
{
	struct fake *x = opaque;

	x->resets++;
}

static void fake_describe(void *opaque, uint16_t q,
			  const struct virtq_chain *ch, char *buf, size_t len)
{
	(void)opaque;
	snprintf(buf, len, "q%u head %u, %u bytes out", q, ch->head,
		 (unsigned)ch->readable);
}

static bool fake_queue_irq(void *opaque, uint16_t q, uint16_t vector)
{
	struct fake *x = opaque;

	x->queue_irqs++;
	x->queue_irq_q = q;
	x->queue_irq_vector = vector;
	return true;   /* a line, as INTx */
}

static void fake_config_irq(void *opaque, uint16_t vector)
{
	struct fake *x = opaque;

	x->config_irqs++;
	x->config_irq_vector = vector;
}

static const struct virtio_dev_ops fake_ops = {
	.name = "virtio-fake",
	.device_id = 4,
	.num_queues = NQUEUES,
	.max_queue_size = QSIZE,
	.features = 1ULL << DEV_FEATURE_BIT,
	.config_size = sizeof(f.config),
	.config_read = fake_config_read,
	.config_write = fake_config_write,
	.queue_notified = fake_notified,
	.reset = fake_reset,
	.describe_request = fake_describe,
};

static void setup(void)
{
	memset(&f, 0, sizeof(f));
	tdrv_init(&t, QSIZE);
	d = virtio_dev_new(&fake_ops, &f, &t.mem);
	ck_assert_ptr_nonnull(d);
	struct virtio_transport tr = {
		.queue_interrupt = fake_queue_irq,
		.config_interrupt = fake_config_irq,
		.opaque = &f,
	};
	virtio_dev_set_transport(d, &tr);
	c = calloc(1, sizeof(*c));
	ck_assert_ptr_nonnull(c);
}

static void teardown(void)
{
	free(c);
	virtio_dev_free(d);
	gmem_free(&t.mem);
}

static uint32_t rd(enum virtio_reg r)
{
	return virtio_dev_reg_read(d, r);
}

static void wr(enum virtio_reg r, uint32_t v)
{
	virtio_dev_reg_write(d, r, v);
}

static uint8_t status(void)
{
	return (uint8_t)rd(VIRTIO_REG_STATUS);
}

/* 3.1.1 step 7 for queue q with the test rings. */
static void setup_queue(uint16_t q, uint64_t desc)
{
	wr(VIRTIO_REG_QUEUE_SEL, q);
	wr(VIRTIO_REG_QUEUE_SIZE, QSIZE);
	wr(VIRTIO_REG_QUEUE_MSIX_VECTOR, 1 + q);
	wr(VIRTIO_REG_QUEUE_DESC_LO, (uint32_t)desc);
	wr(VIRTIO_REG_QUEUE_DESC_HI, (uint32_t)(desc >> 32));
	wr(VIRTIO_REG_QUEUE_DRIVER_LO, TDRV_AVAIL);
	wr(VIRTIO_REG_QUEUE_DRIVER_HI, 0);
	wr(VIRTIO_REG_QUEUE_DEVICE_LO, TDRV_USED);
	wr(VIRTIO_REG_QUEUE_DEVICE_HI, 0);
	wr(VIRTIO_REG_QUEUE_READY, 1);
}

/* The full sequence with queue 0 live. */
static void bring_up(void)
{
	ck_assert(tvd_negotiate(d, VIRTIO_DEV_CORE_FEATURES));
	setup_queue(0, TDRV_DESC);
	ck_assert_uint_eq(rd(VIRTIO_REG_QUEUE_READY), 1);
	wr(VIRTIO_REG_CONFIG_MSIX_VECTOR, 7);
	tvd_driver_ok(d);
	ck_assert_uint_eq(status(), VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				    VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

START_TEST(new_rejects_bad_ops)
{
	struct virtio_dev_ops o = fake_ops;

	o.max_queue_size = 12;
	ck_assert_ptr_null(virtio_dev_new(&o, &f, &t.mem));
	o = fake_ops;
	o.num_queues = 0;
	ck_assert_ptr_null(virtio_dev_new(&o, &f, &t.mem));
	ck_assert_uint_eq(virtio_dev_device_id(d), 4);
}
END_TEST

START_TEST(feature_windows)
{
	/* 64 offered bits through 32-bit windows (4.1.4.3). */
	ck_assert_uint_eq(rd(VIRTIO_REG_DEVICE_FEATURE),
			  (1u << DEV_FEATURE_BIT) | (1u << VIRTIO_F_INDIRECT_DESC) |
			  (1u << VIRTIO_F_EVENT_IDX));
	wr(VIRTIO_REG_DEVICE_FEATURE_SEL, 1);
	ck_assert_uint_eq(rd(VIRTIO_REG_DEVICE_FEATURE_SEL), 1);
	ck_assert_uint_eq(rd(VIRTIO_REG_DEVICE_FEATURE), 1u << (VIRTIO_F_VERSION_1 - 32));
	wr(VIRTIO_REG_DEVICE_FEATURE_SEL, 2);
	ck_assert_uint_eq(rd(VIRTIO_REG_DEVICE_FEATURE), 0);
	wr(VIRTIO_REG_DEVICE_FEATURE, 0xffffffff);       /* read-only */
	wr(VIRTIO_REG_DEVICE_FEATURE_SEL, 0);
	ck_assert_uint_eq(rd(VIRTIO_REG_DEVICE_FEATURE) >> 31, 0);

	wr(VIRTIO_REG_DRIVER_FEATURE_SEL, 1);
	wr(VIRTIO_REG_DRIVER_FEATURE, 1);
	wr(VIRTIO_REG_DRIVER_FEATURE_SEL, 0);
	wr(VIRTIO_REG_DRIVER_FEATURE, 1u << VIRTIO_F_EVENT_IDX);
	wr(VIRTIO_REG_DRIVER_FEATURE_SEL, 7);
	wr(VIRTIO_REG_DRIVER_FEATURE, 0xffffffff);       /* no such window */
	ck_assert_uint_eq(rd(VIRTIO_REG_DRIVER_FEATURE), 0);
	wr(VIRTIO_REG_DRIVER_FEATURE_SEL, 1);
	ck_assert_uint_eq(rd(VIRTIO_REG_DRIVER_FEATURE), 1);
	wr(VIRTIO_REG_DRIVER_FEATURE_SEL, 0);
	ck_assert_uint_eq(rd(VIRTIO_REG_DRIVER_FEATURE), 1u << VIRTIO_F_EVENT_IDX);
	/* Nothing is negotiated before FEATURES_OK. */
	ck_assert_uint_eq(virtio_dev_features(d), 0);
}
END_TEST

START_TEST(init_sequence)
{
	ck_assert_uint_eq(rd(VIRTIO_REG_NUM_QUEUES), NQUEUES);
	uint64_t want = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_F_EVENT_IDX);
	ck_assert(tvd_negotiate(d, want));
	ck_assert_uint_eq(virtio_dev_features(d), want);
	/* Features are fixed once FEATURES_OK is set (3.1.1). */
	wr(VIRTIO_REG_DRIVER_FEATURE_SEL, 0);
	wr(VIRTIO_REG_DRIVER_FEATURE, 0);
	ck_assert_uint_eq(virtio_dev_features(d), want);

	setup_queue(0, TDRV_DESC);
	ck_assert_uint_eq(rd(VIRTIO_REG_QUEUE_READY), 1);
	ck_assert_uint_eq(rd(VIRTIO_REG_QUEUE_MSIX_VECTOR), 1);
	ck_assert_uint_eq(rd(VIRTIO_REG_QUEUE_DESC_LO), TDRV_DESC);
	ck_assert_uint_eq(rd(VIRTIO_REG_QUEUE_DRIVER_LO), TDRV_AVAIL);
	ck_assert_uint_eq(rd(VIRTIO_REG_QUEUE_DEVICE_LO), TDRV_USED);
	/* The configuration of an enabled queue is frozen. */
	wr(VIRTIO_REG_QUEUE_SIZE, 2);
	wr(VIRTIO_REG_QUEUE_DESC_LO, 0x9000);
	ck_assert_uint_eq(rd(VIRTIO_REG_QUEUE_SIZE), QSIZE);
	ck_assert_uint_eq(rd(VIRTIO_REG_QUEUE_DESC_LO), TDRV_DESC);

	/* A kick before DRIVER_OK is counted, not delivered (2.1.2), and
	 * delivered at DRIVER_OK. */
	tdrv_desc(&t, 0, TDRV_BUF, 32, 0, 0);
	tdrv_publish(&t, 0);
	virtio_dev_queue_notify(d, 0);
	ck_assert_uint_eq(f.notified[0], 0);
	ck_assert_int_eq(virtio_dev_pop(d, 0, c), 0);
	tvd_driver_ok(d);
	ck_assert(status() & VIRTIO_STATUS_DRIVER_OK);
	ck_assert_uint_eq(f.notified[0], 1);
	ck_assert_uint_eq(f.notified[1], 0);   /* never enabled */
	ck_assert_int_eq(virtio_dev_pop(d, 0, c), 1);

	struct virtio_dev_state s;
	virtio_dev_get_state(d, &s);
	ck_assert_str_eq(s.name, "virtio-fake");
	ck_assert_uint_eq(s.hist.status_ever, 0x0f);
	ck_assert_uint_eq(s.hist.refused_features,
			  (1ULL << DEV_FEATURE_BIT) | (1ULL << VIRTIO_F_INDIRECT_DESC));
	ck_assert_str_eq(s.hist.features_refusal, "");
}
END_TEST

START_TEST(status_bits_stay_set)
{
	bring_up();
	/* 2.1.1: the driver MUST NOT clear a bit; a write that tries keeps
	 * it, and the driver cannot set NEEDS_RESET itself. */
	wr(VIRTIO_REG_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_NEEDS_RESET);
	ck_assert_uint_eq(status(), 0x0f);
	wr(VIRTIO_REG_STATUS, 0x0f | VIRTIO_STATUS_FAILED);
	ck_assert_uint_eq(status(), 0x8f);
}
END_TEST

START_TEST(features_ok_refused)
{
	/* No VIRTIO_F_VERSION_1: a legacy driver. The bit stays clear on
	 * re-read (3.1.1 step 6). */
	ck_assert(!tvd_negotiate(d, 1ULL << VIRTIO_F_EVENT_IDX));
	struct virtio_dev_state s;
	virtio_dev_get_state(d, &s);
	ck_assert_ptr_nonnull(strstr(s.hist.features_refusal, "VIRTIO_F_VERSION_1"));
	ck_assert_uint_eq(s.hist.refused_features,
			  (VIRTIO_DEV_CORE_FEATURES & ~(1ULL << VIRTIO_F_EVENT_IDX)) |
			  (1ULL << DEV_FEATURE_BIT));
	ck_assert_uint_eq(virtio_dev_features(d), 0);
	ck_assert_uint_eq(s.status & VIRTIO_STATUS_NEEDS_RESET, 0);

	/* A feature the device never offered (2.2.1). */
	ck_assert(!tvd_negotiate(d, (1ULL << VIRTIO_F_VERSION_1) | (1ULL << 40)));
	virtio_dev_get_state(d, &s);
	ck_assert_ptr_nonnull(strstr(s.hist.features_refusal, "0x10000000000"));

	/* A queue cannot be enabled without FEATURES_OK (3.1.1 step 7). */
	setup_queue(0, TDRV_DESC);
	ck_assert_uint_eq(rd(VIRTIO_REG_QUEUE_READY), 0);
	virtio_dev_get_state(d, &s);
	ck_assert(s.status & VIRTIO_STATUS_NEEDS_RESET);
	ck_assert_ptr_nonnull(strstr(s.broken, "before FEATURES_OK"));

	/* And then a good negotiation after the reset. */
	ck_assert(tvd_negotiate(d, VIRTIO_DEV_CORE_FEATURES));
}
END_TEST

START_TEST(driver_ok_without_features_ok)
{
	wr(VIRTIO_REG_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_REG_STATUS, 0x07);
	ck_assert_uint_eq(status(), 0x03 | VIRTIO_STATUS_NEEDS_RESET);
	ck_assert_uint_eq(f.config_irqs, 0);   /* no DRIVER_OK: no notification */
}
END_TEST

START_TEST(reset_clears_queues)
{
	bring_up();
	wr(VIRTIO_REG_QUEUE_SEL, 1);
	tdrv_desc(&t, 0, TDRV_BUF, 8, VIRTQ_DESC_F_WRITE, 0);
	tdrv_publish(&t, 0);
	wr(VIRTIO_REG_QUEUE_SEL, 0);
	ck_assert_int_eq(virtio_dev_pop(d, 0, c), 1);

	unsigned resets = f.resets;   /* tvd_negotiate starts with one */
	wr(VIRTIO_REG_STATUS, 0);
	ck_assert_uint_eq(status(), 0);
	ck_assert_uint_eq(f.resets, resets + 1);
	ck_assert_uint_eq(rd(VIRTIO_REG_QUEUE_SEL), 0);
	ck_assert_uint_eq(rd(VIRTIO_REG_QUEUE_READY), 0);
	ck_assert_uint_eq(rd(VIRTIO_REG_QUEUE_SIZE), QSIZE);   /* the maximum */
	ck_assert_uint_eq(rd(VIRTIO_REG_QUEUE_DESC_LO), 0);
	ck_assert_uint_eq(rd(VIRTIO_REG_QUEUE_MSIX_VECTOR), VIRTQ_NO_VECTOR);
	ck_assert_uint_eq(rd(VIRTIO_REG_CONFIG_MSIX_VECTOR), VIRTQ_NO_VECTOR);
	wr(VIRTIO_REG_DRIVER_FEATURE_SEL, 0);
	ck_assert_uint_eq(rd(VIRTIO_REG_DRIVER_FEATURE), 0);
	/* The request popped before the reset is not published. */
	ck_assert_int_eq(virtio_dev_push(d, 0, c, 8), -1);
	ck_assert_uint_eq(tdrv_used_idx(&t), 0);

	struct virtq vq;
	struct virtio_queue_history h;
	uint16_t avail;
	ck_assert_int_eq(virtio_dev_get_queue(d, 0, &vq, &h, &avail), 0);
	ck_assert(!h.enabled && !h.notified && !h.avail_moved);
	ck_assert_uint_eq(vq.stats.pops, 1);   /* lifetime */
	struct virtio_dev_state s;
	virtio_dev_get_state(d, &s);
	ck_assert_uint_eq(s.hist.resets, resets + 1);
	ck_assert_uint_eq(s.hist.status_ever, 0x0f);
}
END_TEST

START_TEST(mark_broken_notifies)
{
	/* Before DRIVER_OK: NEEDS_RESET but no notification (2.1.2). */
	ck_assert(tvd_negotiate(d, VIRTIO_DEV_CORE_FEATURES));
	virtio_dev_mark_broken(d, "disk %s vanished", "sda");
	ck_assert(status() & VIRTIO_STATUS_NEEDS_RESET);
	ck_assert_uint_eq(f.config_irqs, 0);
	wr(VIRTIO_REG_STATUS, 0);
	ck_assert_uint_eq(status(), 0);

	bring_up();
	virtio_dev_mark_broken(d, "first %d", 1);
	virtio_dev_mark_broken(d, "second");
	ck_assert(status() & VIRTIO_STATUS_NEEDS_RESET);
	ck_assert_uint_eq(f.config_irqs, 1);
	ck_assert_uint_eq(f.config_irq_vector, 7);
	struct virtio_dev_state s;
	virtio_dev_get_state(d, &s);
	ck_assert_str_eq(s.broken, "first 1");   /* the root cause is kept */
	ck_assert_uint_eq(s.isr, VIRTIO_ISR_CONFIG);
	/* A broken device takes no more requests. */
	tdrv_desc(&t, 0, TDRV_BUF, 8, 0, 0);
	tdrv_publish(&t, 0);
	virtio_dev_queue_notify(d, 0);
	ck_assert_uint_eq(f.notified[0], 0);   /* DRIVER_OK found it empty */
	ck_assert_int_eq(virtio_dev_pop(d, 0, c), 0);

	wr(VIRTIO_REG_STATUS, 0);
	virtio_dev_get_state(d, &s);
	ck_assert_str_eq(s.broken, "");
	ck_assert_str_eq(s.hist.last_broken, "first 1");
	ck_assert_uint_eq(s.isr, 0);
}
END_TEST

START_TEST(hostile_chain_needs_reset)
{
	bring_up();
	tdrv_desc(&t, 0, TDRV_BUF, 8, VIRTQ_DESC_F_NEXT, 0);   /* loop */
	tdrv_publish(&t, 0);
	virtio_dev_queue_notify(d, 0);
	ck_assert_int_eq(virtio_dev_pop(d, 0, c), -1);
	struct virtio_dev_state s;
	virtio_dev_get_state(d, &s);
	ck_assert(s.status & VIRTIO_STATUS_NEEDS_RESET);
	ck_assert_ptr_nonnull(strstr(s.broken, "queue 0: descriptor chain from head 0 loops"));
	ck_assert_uint_eq(f.config_irqs, 1);
	ck_assert_int_eq(virtio_dev_pop(d, 0, c), 0);
}
END_TEST

START_TEST(bad_queue_config_needs_reset)
{
	ck_assert(tvd_negotiate(d, VIRTIO_DEV_CORE_FEATURES));
	setup_queue(0, TDRV_DESC + 4);   /* unaligned table */
	ck_assert_uint_eq(rd(VIRTIO_REG_QUEUE_READY), 0);
	struct virtio_dev_state s;
	virtio_dev_get_state(d, &s);
	ck_assert_ptr_nonnull(strstr(s.broken, "queue 0: descriptor table at 0x1004 is not 16-byte aligned"));

	ck_assert(tvd_negotiate(d, VIRTIO_DEV_CORE_FEATURES));
	wr(VIRTIO_REG_QUEUE_SEL, 1);
	wr(VIRTIO_REG_QUEUE_SIZE, 2 * QSIZE);
	wr(VIRTIO_REG_QUEUE_READY, 1);
	virtio_dev_get_state(d, &s);
	ck_assert_ptr_nonnull(strstr(s.broken, "queue 1: queue size 16 is larger"));

	/* Out-of-range queue selection: reads 0, writes go nowhere. */
	ck_assert(tvd_negotiate(d, VIRTIO_DEV_CORE_FEATURES));
	wr(VIRTIO_REG_QUEUE_SEL, NQUEUES);
	ck_assert_uint_eq(rd(VIRTIO_REG_QUEUE_SIZE), 0);
	ck_assert_uint_eq(rd(VIRTIO_REG_QUEUE_SIZE_MAX), 0);
	wr(VIRTIO_REG_QUEUE_READY, 1);
	ck_assert_uint_eq(rd(VIRTIO_REG_QUEUE_READY), 0);
	virtio_dev_queue_notify(d, NQUEUES);
	ck_assert_int_eq(virtio_dev_pop(d, NQUEUES, c), 0);
	ck_assert_uint_eq(status() & VIRTIO_STATUS_NEEDS_RESET, 0);
}
END_TEST

START_TEST(queue_disable)
{
	bring_up();
	wr(VIRTIO_REG_QUEUE_READY, 0);   /* MMIO's way to stop a queue */
	ck_assert_uint_eq(rd(VIRTIO_REG_QUEUE_READY), 0);
	ck_assert_uint_eq(rd(VIRTIO_REG_QUEUE_DESC_LO), 0);
	setup_queue(0, TDRV_DESC);
	ck_assert_uint_eq(rd(VIRTIO_REG_QUEUE_READY), 1);
}
END_TEST

START_TEST(config_space_and_generation)
{
	uint8_t buf[8];
	uint32_t gen = rd(VIRTIO_REG_CONFIG_GENERATION);

	f.config[2] = 0xab;
	ck_assert_int_eq(virtio_dev_config_read(d, 2, buf, 1), 0);
	ck_assert_uint_eq(buf[0], 0xab);
	/* Outside the space: zeros, and an error for the transport's trace. */
	memset(buf, 0xff, sizeof(buf));
	ck_assert_int_eq(virtio_dev_config_read(d, 6, buf, 4), -1);
	ck_assert_uint_eq(buf[0] | buf[1] | buf[2] | buf[3], 0);
	ck_assert_int_eq(virtio_dev_config_read(d, 0xffffffff, buf, 2), -1);
	ck_assert_int_eq(virtio_dev_config_write(d, 8, buf, 1), -1);
	ck_assert_int_eq(virtio_dev_config_read(d, 0, buf, 0), -1);
	ck_assert_uint_eq(rd(VIRTIO_REG_CONFIG_GENERATION), gen);

	/* The driver's own write is no device change (2.5): same generation. */
	uint8_t v = 0x5a;
	ck_assert_int_eq(virtio_dev_config_write(d, 1, &v, 1), 0);
	ck_assert_uint_eq(f.config[1], 0x5a);
	ck_assert_uint_eq(rd(VIRTIO_REG_CONFIG_GENERATION), gen);

	/* A backend-side change: new generation; no interrupt before
	 * DRIVER_OK, one after (with ISR bit 1). */
	virtio_dev_config_changed(d);
	ck_assert_uint_eq(rd(VIRTIO_REG_CONFIG_GENERATION), gen + 1);
	ck_assert_uint_eq(f.config_irqs, 0);
	bring_up();
	virtio_dev_config_changed(d);
	ck_assert_uint_eq(rd(VIRTIO_REG_CONFIG_GENERATION), gen + 2);
	ck_assert_uint_eq(f.config_irqs, 1);
	ck_assert_uint_eq(virtio_dev_isr_read(d, true), VIRTIO_ISR_CONFIG);
	ck_assert_uint_eq(virtio_dev_isr_read(d, false), 0);
}
END_TEST

START_TEST(read_only_config)
{
	struct virtio_dev_ops o = fake_ops;
	uint8_t v = 1;

	o.config_write = NULL;
	struct virtio_dev *ro = virtio_dev_new(&o, &f, &t.mem);
	ck_assert_ptr_nonnull(ro);
	ck_assert_int_eq(virtio_dev_config_write(ro, 0, &v, 1), -1);
	ck_assert_uint_eq(virtio_dev_reg_read(ro, VIRTIO_REG_CONFIG_GENERATION), 0);
	virtio_dev_free(ro);
}
END_TEST

START_TEST(request_path_and_history)
{
	bring_up();
	struct virtq vq;
	struct virtio_queue_history h;
	uint16_t avail;

	/* Notified with nothing new: what `diagnose` calls "notified but
	 * avail.idx did not move". */
	virtio_dev_queue_notify(d, 0);
	ck_assert_int_eq(virtio_dev_get_queue(d, 0, &vq, &h, &avail), 0);
	ck_assert(h.enabled && h.notified && !h.avail_moved);
	ck_assert_uint_eq(h.empty_kicks, 1);
	ck_assert_uint_eq(vq.stats.kicks, 1);

	tdrv_desc(&t, 3, TDRV_BUF, 16, VIRTQ_DESC_F_NEXT, 4);
	tdrv_desc(&t, 4, TDRV_BUF + 0x100, 64, VIRTQ_DESC_F_WRITE, 0);
	tdrv_publish(&t, 3);
	virtio_dev_queue_notify(d, 0);
	ck_assert_uint_eq(f.notified[0], 2);   /* two kicks; DRIVER_OK found it empty */

	/* The inspector sees the pending chain without consuming it. */
	char desc[64];
	ck_assert_int_eq(virtio_dev_describe_pending(d, 0, 0, c, desc, sizeof(desc)), 1);
	ck_assert_str_eq(desc, "q0 head 3, 16 bytes out");
	ck_assert_int_eq(virtio_dev_describe_pending(d, 0, 1, c, desc, sizeof(desc)), 0);
	ck_assert_int_eq(virtio_dev_describe_pending(d, NQUEUES, 0, c, desc, sizeof(desc)), -1);

	ck_assert_int_eq(virtio_dev_pop(d, 0, c), 1);
	ck_assert_int_eq(virtio_dev_get_queue(d, 0, &vq, &h, &avail), 0);
	ck_assert_uint_eq(avail, 1);
	ck_assert_uint_eq(vq.last_avail_idx, 1);
	ck_assert_uint_eq(vq.used_idx, 0);     /* one in flight */
	ck_assert(h.avail_moved && !h.used_published);

	ck_assert_int_eq(virtio_dev_push(d, 0, c, 64), 0);
	ck_assert(virtio_dev_notify_used(d, 0));
	ck_assert_uint_eq(f.queue_irqs, 1);
	ck_assert_uint_eq(f.queue_irq_q, 0);
	ck_assert_uint_eq(f.queue_irq_vector, 1);
	ck_assert(!virtio_dev_notify_used(d, 0));   /* nothing new */

	struct virtio_dev_state s;
	virtio_dev_get_state(d, &s);
	ck_assert_uint_eq(s.isr, VIRTIO_ISR_QUEUE);
	ck_assert_uint_eq(s.hist.irqs_since_isr_read, 1);
	/* virtio-mmio acknowledges; virtio-pci reads to clear. */
	virtio_dev_isr_ack(d, VIRTIO_ISR_QUEUE);
	virtio_dev_get_state(d, &s);
	ck_assert_uint_eq(s.isr, 0);
	ck_assert_uint_eq(s.hist.irqs_since_isr_read, 0);
	ck_assert_uint_eq(s.hist.isr_reads, 0);

	/* Notification suppression goes through to the ring. */
	ck_assert(!virtio_dev_suppress_notify(d, 0, false));
	ck_assert_uint_eq(tdrv_avail_event(&t), 1);
	ck_assert_int_eq(virtio_dev_get_queue(d, NQUEUES, &vq, &h, &avail), -1);
}
END_TEST

static Suite *virtio_dev_suite(void)
{
	Suite *s = suite_create("virtio_dev");
	TCase *tc = tcase_create("device");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, new_rejects_bad_ops);
	tcase_add_test(tc, feature_windows);
	tcase_add_test(tc, init_sequence);
	tcase_add_test(tc, status_bits_stay_set);
	tcase_add_test(tc, features_ok_refused);
	tcase_add_test(tc, driver_ok_without_features_ok);
	tcase_add_test(tc, reset_clears_queues);
	tcase_add_test(tc, mark_broken_notifies);
	tcase_add_test(tc, hostile_chain_needs_reset);
	tcase_add_test(tc, bad_queue_config_needs_reset);
	tcase_add_test(tc, queue_disable);
	tcase_add_test(tc, config_space_and_generation);
	tcase_add_test(tc, read_only_config);
	tcase_add_test(tc, request_path_and_history);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(virtio_dev_suite)
