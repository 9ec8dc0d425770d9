/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `diagnose`'s rules (src/monitor/diagnose_rules.c), two ways:
 * - stuck probes: a broken driver per class drives a real device through a
 *   real transport (virtio-pci's BAR, virtio-mmio's registers), on split
 *   and packed rings; the snapshot is the monitor's (diag_snapshot) and the
 *   exact diagnosis line is asserted. No KVM: kicks run inline.
 * - synthetic state: hand-made snapshots for the ordering (root causes
 *   lead, consequences say so) and for the MSI-X masks.
 * Plus the generated table: one row per rule. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev/virtio/virtio_board.h"
#include "dev/virtio/virtio_mmio.h"
#include "dev/virtio/virtio_pci.h"
#include "dev/virtio/virtio_trace.h"
#include "monitor/diagnose_rules.h"
#include "test_virtio_driver.h"
#include "unit.h"

#define QSIZE 8
#define GSI 10
#define WIN_BASE 0xC0000000ULL
#define WIN_SIZE 0x10000000ULL
#define F_EVENT_IDX (1ULL << VIRTIO_F_EVENT_IDX)
#define F_PACKED (1ULL << VIRTIO_F_RING_PACKED)
#define F_V1 (1ULL << VIRTIO_F_VERSION_1)
#define BUF 0x20000ULL

/* ---- what diagnose said ---- */

#define MAX_LINES 32
static char lines[MAX_LINES][1200];
static unsigned nlines;

static void collect(void *ctx, const char *line)
{
	(void)ctx;
	ck_assert_uint_lt(nlines, MAX_LINES);
	snprintf(lines[nlines++], sizeof(lines[0]), "%s", line);
}

static int line_index(const char *want)
{
	for (unsigned i = 0; i < nlines; i++)
		if (!strcmp(lines[i], want))
			return (int)i;
	return -1;
}

static void dump(void)
{
	for (unsigned i = 0; i < nlines; i++)
		fprintf(stderr, "  | %s\n", lines[i]);
}

static void expect(const char *want)
{
	if (line_index(want) < 0) {
		dump();
		ck_abort_msg("no line '%s'", want);
	}
}

static void expect_no_prefix(const char *prefix)
{
	for (unsigned i = 0; i < nlines; i++)
		if (!strncmp(lines[i], prefix, strlen(prefix))) {
			dump();
			ck_abort_msg("unexpected '%s'", lines[i]);
		}
}

/* ---- a device behind a real transport ---- */

static bool on_mmio;   /* else virtio-pci */
static bool packed;    /* else split */
static struct tdrv t;
static struct virtio_dev *d;
static struct pci_window *w;
static struct virtio_pci *p;
static struct virtio_mmio *m;
static struct virtq_chain *chain;
static bool line_up;

static void f_cread(void *o, uint32_t off, void *data, uint32_t len)
{
	(void)o;
	(void)off;
	memset(data, 0, len);
}

/* The backend: every chain completed with 4 bytes, then the interrupt
 * decision (2.7.7), as virtio-rng would. */
static void f_notified(void *o, uint16_t q)
{
	(void)o;
	while (virtio_dev_pop(d, q, chain) > 0)
		virtio_dev_push(d, q, chain, 4);
	virtio_dev_notify_used(d, q);
}

static void rec_level(void *o, unsigned gsi, bool level)
{
	(void)o;
	(void)gsi;
	line_up = level;
}

/* The loop index: bit 0 mmio, bit 1 packed. */
static void setup_transport(int combo)
{
	static const struct virtio_dev_ops ops = {
		.name = "virtio-rng", .device_id = 4, .num_queues = 1,
		.max_queue_size = QSIZE, .config_size = 8,
		.config_read = f_cread, .queue_notified = f_notified,
	};
	char err[128];

	on_mmio = combo & 1;
	packed = combo & 2;
	nlines = 0;
	line_up = false;
	chain = malloc(sizeof(*chain));
	ck_assert_ptr_nonnull(chain);
	tdrv_init(&t, QSIZE);
	d = virtio_dev_new(&ops, NULL, &t.mem);
	ck_assert_ptr_nonnull(d);
	virtio_dev_offer(d, F_PACKED);
	if (on_mmio) {
		struct virtio_mmio_config cfg = {
			.base = 0xd0000000, .irq = { .set_level = rec_level, .gsi = GSI },
		};
		m = virtio_mmio_new(d, &cfg, err, sizeof(err));
		ck_assert_msg(m != NULL, "%s", err);
	} else {
		w = pci_window_new(WIN_BASE, WIN_SIZE);
		struct virtio_pci_config cfg = {
			.win = w, .devfn = PCI_DEVFN(1, 0),
			.intx = { .set_level = rec_level, .gsi = GSI },
		};
		p = virtio_pci_new(d, &cfg, err, sizeof(err));
		ck_assert_msg(p != NULL, "%s", err);
	}
}

static void teardown_transport(void)
{
	if (m)
		virtio_mmio_free(m);
	if (p)
		virtio_pci_free(p);
	if (w)
		pci_window_free(w);
	m = NULL;
	p = NULL;
	w = NULL;
	virtio_dev_free(d);
	gmem_free(&t.mem);
	free(chain);
}

static void diagnose(void)
{
	struct virtio_board_dev bd = { .name = "rng0", .dev = d, .pci = p, .mmio = m };
	struct diag_device dd;

	nlines = 0;
	ck_assert_int_eq(diag_snapshot(&dd, &bd, &t.mem), 0);
	diag_evaluate(&dd, collect, NULL);
	diag_device_free(&dd);
}

static void reg_w32(uint64_t off, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	if (on_mmio)
		virtio_mmio_io(m, off, b, 4, true);
	else
		virtio_pci_bar_io(p, off, b, 4, true);
}

/* The driver's notification of queue q: 4.1.4.4 queue q's address (16
 * bits; queue_notify_off q, multiplier 4), 4.2.2 QueueNotify = q. */
static void kick(uint16_t q)
{
	if (on_mmio) {
		reg_w32(VIRTIO_MMIO_QUEUE_NOTIFY, q);
	} else {
		uint8_t b[2] = { (uint8_t)q, (uint8_t)(q >> 8) };
		virtio_pci_bar_io(p, VIRTIO_PCI_NOTIFY_OFF + VIRTIO_PCI_NOTIFY_MULT * (uint64_t)q, b, 2,
				  true);
	}
}

/* The interrupt handler's acknowledgement: the ISR read (4.1.4.5.1),
 * InterruptACK (4.2.2). */
static void ack_interrupt(void)
{
	if (on_mmio) {
		reg_w32(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_ISR_QUEUE);
	} else {
		uint8_t b = 0;
		virtio_pci_bar_io(p, VIRTIO_PCI_ISR_OFF, &b, 1, false);
	}
}

static uint64_t ring_features(void)
{
	return F_V1 | (packed ? F_PACKED : 0);
}

/* 3.1.1 steps 1-7 with features, queue 0 on the tdrv rings. */
static void set_up(uint64_t features)
{
	ck_assert(tvd_negotiate(d, features));
	tvd_queue(d, 0, &t);
}

/* 2.8.10: the Driver Event Suppression structure (at the Driver Area). */
static void driver_event(uint16_t off_wrap, uint16_t flags)
{
	tdrv_w16(&t, t.avail, off_wrap);
	tdrv_w16(&t, t.avail + 2, flags);
}

/* EVENT_IDX negotiated, with the driver's progress mark at entry `mark`:
 * used_event on a split ring (2.7.10), the driver event suppression's
 * descriptor offset with wrap counter 1 on a packed one (2.8.10). */
static void set_up_event_idx(uint16_t mark)
{
	set_up(ring_features() | F_EVENT_IDX);
	if (packed)
		driver_event(mark | 1 << 15, VIRTQ_EVENT_DESC);
	else
		tdrv_set_used_event(&t, mark);
}

/* Make one 16-byte device-writable buffer available (split 2.7.13, packed
 * 2.8.21: descriptor i with AVAIL set to the wrap counter 1, USED clear). */
static void post(void)
{
	if (packed) {
		uint16_t i = t.avail_idx++;
		uint64_t at = t.desc + 16ULL * i;
		uint64_t addr = htole64(BUF + 0x100ULL * i);
		uint32_t len = htole32(16);
		ck_assert_int_eq(gmem_write(t.gm, at, &addr, 8), 0);
		ck_assert_int_eq(gmem_write(t.gm, at + 8, &len, 4), 0);
		tdrv_w16(&t, at + 12, i);
		tdrv_w16(&t, at + 14, VIRTQ_DESC_F_AVAIL | VIRTQ_DESC_F_WRITE);
		return;
	}
	uint16_t i = t.avail_idx;
	tdrv_desc(&t, i, BUF + 0x100ULL * i, 16, VIRTQ_DESC_F_WRITE, 0);
	tdrv_publish(&t, i);
}

/* ---- stuck probes, one broken driver per class ---- */

/* Interrupts suppressed by the driver's own field, while it waits for
 * one: EVENT_IDX used_event ahead (split), DESC ahead (packed). */
START_TEST(suppressed_by_event_idx)
{
	setup_transport(_i);
	set_up_event_idx(5);
	tvd_driver_ok(d);
	post();
	kick(0);
	diagnose();
	if (packed)
		expect("rng0: problem=interrupt-suppressed: queue 0: the driver event suppression"
		       " flags=desc off=5 wrap=1 suppressed the used buffer notification for"
		       " used.idx=1: it asks for one only once the device marks that descriptor used,"
		       " and the device's next used descriptor is 1 wrap=1 (2.8.10); no interrupt was"
		       " sent since the queue was enabled");
	else
		expect("rng0: problem=interrupt-suppressed: queue 0: used_event=5 suppressed the used"
		       " buffer notification for used.idx=1: the driver asked for one only once the"
		       " device writes used entry 5 (EVENT_IDX, 2.7.7.2); no interrupt was sent since"
		       " the queue was enabled");
	expect_no_prefix("rng0: ok:");
	teardown_transport();
}
END_TEST

/* Without EVENT_IDX: VIRTQ_AVAIL_F_NO_INTERRUPT (split), DISABLE (packed). */
START_TEST(suppressed_by_flags)
{
	setup_transport(_i);
	set_up(ring_features());
	if (packed)
		driver_event(0, VIRTQ_EVENT_DISABLE);
	else
		tdrv_w16(&t, t.avail, VIRTQ_AVAIL_F_NO_INTERRUPT);
	tvd_driver_ok(d);
	post();
	kick(0);
	diagnose();
	if (packed)
		expect("rng0: problem=interrupt-suppressed: queue 0: the driver event suppression"
		       " flags=disable suppressed the used buffer notification for used.idx=1"
		       " (2.8.10); no interrupt was sent since the queue was enabled");
	else
		expect("rng0: problem=interrupt-suppressed: queue 0: avail.flags=0x1"
		       " (VIRTQ_AVAIL_F_NO_INTERRUPT) suppressed the used buffer notification for"
		       " used.idx=1 (2.7.7.2); no interrupt was sent since the queue was enabled;"
		       " without EVENT_IDX the device cannot tell whether the driver polls the used"
		       " ring instead");
	teardown_transport();
}
END_TEST

/* A driver that consumed everything and asks for the next entry is fine,
 * though the device suppressed the interrupt (used_event = used.idx). */
START_TEST(caught_up_driver_is_fine)
{
	setup_transport(_i);
	set_up_event_idx(1);
	tvd_driver_ok(d);
	post();
	kick(0);
	diagnose();
	expect_no_prefix("rng0: problem=");
	expect("rng0: ok: no problem seen (status=0x0f [ACKNOWLEDGE DRIVER FEATURES_OK DRIVER_OK])");
	teardown_transport();
}
END_TEST

/* The interrupt was delivered and acknowledged; the driver never came
 * back: its EVENT_IDX progress mark stays behind the used index. */
START_TEST(not_consumed)
{
	setup_transport(_i);
	set_up_event_idx(0);
	tvd_driver_ok(d);
	post();
	kick(0);
	ack_interrupt();
	diagnose();
	if (packed)
		expect("rng0: problem=not-consumed: queue 0: the driver event suppression off=0"
		       " wrap=1 (flags=desc, its progress mark) is 1 descriptor(s) behind the"
		       " device's next used descriptor 1 wrap=1, and an interrupt went at used.idx=1:"
		       " the driver did not process the used descriptors after the interrupt"
		       " (2.8.10)");
	else
		expect("rng0: problem=not-consumed: queue 0: used_event=0 (the driver's progress mark"
		       " with EVENT_IDX) is 1 entry behind used.idx=1, and an interrupt went at"
		       " used.idx=1: the driver did not process the used ring after the interrupt"
		       " (2.7.7.2, 2.7.14)");
	teardown_transport();
}
END_TEST

/* The same with the interrupt never acknowledged: that is the root cause,
 * and the unprocessed ring its consequence. */
START_TEST(not_consumed_behind_unacked_interrupt)
{
	setup_transport(_i);
	set_up_event_idx(0);
	tvd_driver_ok(d);
	post();
	kick(0);
	diagnose();
	ck_assert_uint_ge(nlines, 2);
	ck_assert_msg(strstr(lines[0], on_mmio ? "problem=interrupt-not-acked" :
						 "problem=isr-not-read"), "%s", lines[0]);
	ck_assert_msg(strstr(lines[1], "problem=not-consumed: ") &&
		      strstr(lines[1], on_mmio ? "(a consequence of interrupt-not-acked)" :
						 "(a consequence of isr-not-read)"), "%s", lines[1]);
	teardown_transport();
}
END_TEST

/* Without EVENT_IDX the device cannot see the driver's progress: said, as
 * an info line, next to "ok". */
START_TEST(progress_unknown_without_event_idx)
{
	setup_transport(_i);
	set_up(ring_features());
	tvd_driver_ok(d);
	post();
	kick(0);
	ack_interrupt();
	diagnose();
	expect("rng0: info: queue 0: used.idx=1 and an interrupt was sent; without EVENT_IDX the"
	       " driver reports no progress (no used_event, 2.7.7.2), so the device cannot tell"
	       " whether it processed them");
	expect("rng0: ok: no problem seen (status=0x0f [ACKNOWLEDGE DRIVER FEATURES_OK DRIVER_OK])");
	teardown_transport();
}
END_TEST

/* The driver accepted a bit the device did not offer (2.2.1), did not
 * re-read status (3.1.1 step 6) and enabled its queue: the refusal leads,
 * the NEEDS_RESET it caused follows. */
START_TEST(refused_features_lead)
{
	setup_transport(_i);
	ck_assert(!tvd_negotiate(d, ring_features() | 1));
	tvd_queue(d, 0, &t);
	tvd_driver_ok(d);
	diagnose();
	ck_assert_uint_eq(nlines, 3);
	ck_assert_str_eq(lines[0], "rng0: problem=features-refused: the device refused FEATURES_OK:"
			 " driver accepted features the device does not offer: 0x1 (2.2.1); the"
			 " driver went on without re-reading status (3.1.1 step 6) (status=0x43"
			 " [ACKNOWLEDGE DRIVER NEEDS_RESET])");
	ck_assert_str_eq(lines[1], packed ?
			 "rng0: detail: driver features written=0x500000001 [BIT0 VERSION_1 RING_PACKED]" :
			 "rng0: detail: driver features written=0x100000001 [BIT0 VERSION_1]");
	ck_assert_str_eq(lines[2], "rng0: problem=needs-reset: the device is marked NEEDS_RESET"
			 " (2.1.2): queue 0 enabled before FEATURES_OK (3.1.1); it ignores the driver"
			 " until a reset (status=0x43 [ACKNOWLEDGE DRIVER NEEDS_RESET]) (a consequence"
			 " of features-refused)");
	teardown_transport();
}
END_TEST

/* Notifications to nowhere: virtio-pci past the notify area, virtio-mmio
 * a QueueNotify naming no queue; queue 0 never notified. */
START_TEST(notify_to_nowhere)
{
	setup_transport(_i);
	set_up(ring_features());
	tvd_driver_ok(d);
	post();
	if (on_mmio) {
		reg_w32(VIRTIO_MMIO_QUEUE_NOTIFY, 7);
	} else {
		uint8_t b[2] = { 0, 0 };
		virtio_pci_bar_io(p, VIRTIO_PCI_NOTIFY_OFF + 0x40, b, 2, true);
	}
	diagnose();
	ck_assert_uint_eq(nlines, 2);
	ck_assert_str_eq(lines[0], on_mmio ?
			 "rng0: problem=notify-to-nowhere: the driver made 1 notification(s) that"
			 " reached no queue since the last reset; the last, QueueNotify=7 names no"
			 " queue (the device has 1) (4.2.2)" :
			 "rng0: problem=notify-to-nowhere: the driver made 1 notification(s) that"
			 " reached no queue since the last reset; the last, a 2-byte write of 0x0 at"
			 " notify offset 0x40, is past the notification area (queue q's address is"
			 " offset 4*q for q < 1, 16 or 32 bits wide, 4.1.4.4)");
	ck_assert_str_eq(lines[1], packed ?
			 "rng0: problem=never-notified: queue 0 is enabled and the driver made 1"
			 " buffer(s) available (packed ring, device at descriptor 0) but never notified"
			 " the device (2.8.10, 2.8.21.3) (a consequence of notify-to-nowhere)" :
			 "rng0: problem=never-notified: queue 0 is enabled and the driver posted 1"
			 " buffer(s) (avail.idx=1, device last saw 0) but never notified the device"
			 " (2.7.10.1, 2.7.13.4) (a consequence of notify-to-nowhere)");
	teardown_transport();
}
END_TEST

/* virtio-pci: inside the notify area but not a queue's address (an odd
 * offset) is a notification to nowhere too. */
START_TEST(pci_misaligned_notify)
{
	setup_transport(0);
	set_up(ring_features());
	tvd_driver_ok(d);
	uint8_t b[2] = { 0, 0 };
	virtio_pci_bar_io(p, VIRTIO_PCI_NOTIFY_OFF + 1, b, 2, true);
	diagnose();
	expect("rng0: problem=notify-to-nowhere: the driver made 1 notification(s) that reached no"
	       " queue since the last reset; the last, a 2-byte write of 0x0 at notify offset 0x1,"
	       " is not a queue's notify address (queue q's address is offset 4*q for q < 1, 16 or"
	       " 32 bits wide, 4.1.4.4)");
	expect("rng0: info: queue 0 enabled, never notified, nothing posted (avail.idx=0)");
	teardown_transport();
}
END_TEST

/* A kick before DRIVER_OK: served at DRIVER_OK, nothing hangs, but it is
 * a 3.1.1 violation: a warning on a device that is otherwise fine. */
START_TEST(early_kick_before_driver_ok)
{
	setup_transport(_i);
	set_up(ring_features());
	post();
	kick(0);
	tvd_driver_ok(d);
	ack_interrupt();
	diagnose();
	expect("rng0: warning=early-kick: queue 0 was notified 1 time(s) before DRIVER_OK: the driver"
	       " must not notify before setting DRIVER_OK (3.1.1); hvmon looks at every ready queue at"
	       " DRIVER_OK, as QEMU does, but a device that does not would leave this driver"
	       " waiting");
	expect("rng0: ok: no problem seen (status=0x0f [ACKNOWLEDGE DRIVER FEATURES_OK DRIVER_OK])");
	teardown_transport();
}
END_TEST

/* A kick before the queue was enabled. */
START_TEST(early_kick_before_queue_enable)
{
	setup_transport(_i);
	ck_assert(tvd_negotiate(d, ring_features()));
	kick(0);
	tvd_queue(d, 0, &t);
	tvd_driver_ok(d);
	diagnose();
	expect("rng0: warning=early-kick: queue 0 was notified 1 time(s) before the queue was"
	       " enabled (queue_enable): the driver must not notify before setting DRIVER_OK (3.1.1);"
	       " hvmon looks at every ready queue at DRIVER_OK, as QEMU does, but a device that"
	       " does not would leave this driver waiting");
	teardown_transport();
}
END_TEST

/* Made available before DRIVER_OK, never notified, served at DRIVER_OK:
 * the line agrees with vq (avail.idx=1, taken). */
START_TEST(taken_without_notification)
{
	setup_transport(_i);
	set_up(ring_features());
	post();
	tvd_driver_ok(d);
	ack_interrupt();
	diagnose();
	expect("rng0: info: queue 0: 1 buffer(s) taken without a notification (served at DRIVER_OK;"
	       " avail.idx=1, device last saw 1): a device that does not look at its rings at"
	       " DRIVER_OK would not have served them (2.7.10.1)");
	expect_no_prefix("rng0: info: queue 0 enabled, never notified");
	expect_no_prefix("rng0: problem=");
	teardown_transport();
}
END_TEST

/* The classes diagnose already named, through the same harness. */
START_TEST(never_notified)
{
	setup_transport(_i);
	set_up(ring_features());
	tvd_driver_ok(d);
	post();
	diagnose();
	expect(packed ? "rng0: problem=never-notified: queue 0 is enabled and the driver made 1"
			" buffer(s) available (packed ring, device at descriptor 0) but never notified"
			" the device (2.8.10, 2.8.21.3)" :
			"rng0: problem=never-notified: queue 0 is enabled and the driver posted 1"
			" buffer(s) (avail.idx=1, device last saw 0) but never notified the device"
			" (2.7.10.1, 2.7.13.4)");
	teardown_transport();
}
END_TEST

START_TEST(interrupt_not_acknowledged)
{
	setup_transport(_i);
	set_up(ring_features());
	tvd_driver_ok(d);
	post();
	kick(0);
	diagnose();
	expect(on_mmio ?
	       "rng0: problem=interrupt-not-acked: queue 0 published used entries (used.idx=1) and 1"
	       " interrupt(s) were sent on gsi 10, but the driver has not written InterruptACK since"
	       " (InterruptStatus=0x01, line still asserted): the interrupt was not acknowledged"
	       " (4.2.2)" :
	       "rng0: problem=isr-not-read: queue 0 published used entries (used.idx=1) and 1"
	       " interrupt(s) were sent on INTx gsi 10, but the driver has not read the ISR since"
	       " (isr=0x01, isr_reads=0): the interrupt was not acknowledged (4.1.4.5.1)");
	/* The unknown progress is the unacknowledged interrupt's doing. */
	expect_no_prefix("rng0: info: queue 0: used.idx=1 and an interrupt was sent");
	teardown_transport();
}
END_TEST

START_TEST(avail_not_moved)
{
	setup_transport(_i);
	set_up(ring_features());
	tvd_driver_ok(d);
	kick(0);
	diagnose();
	expect(packed ? "rng0: problem=avail-not-moved: queue 0 was notified 1 time(s) but no"
			" descriptor became available at descriptor 0: the driver kicked before making"
			" it available (2.8.21.1) or wrote another ring (descriptor ring at 0x1000)" :
			"rng0: problem=avail-not-moved: queue 0 was notified 1 time(s) but avail.idx"
			" never moved (still 0): the driver kicked before publishing (2.7.13.2) or wrote"
			" another ring (driver area at 0x3000)");
	teardown_transport();
}
END_TEST

START_TEST(stopped_before_driver_ok)
{
	setup_transport(_i);
	set_up(ring_features());
	diagnose();
	expect("rng0: problem=stopped-before-driver-ok: FEATURES_OK was accepted but the driver"
	       " never set DRIVER_OK (3.1.1 step 8); queues do not run (status=0x0b [ACKNOWLEDGE"
	       " DRIVER FEATURES_OK])");
	teardown_transport();
}
END_TEST

START_TEST(untouched)
{
	setup_transport(_i);
	diagnose();
	ck_assert_uint_eq(nlines, 1);
	ck_assert_str_eq(lines[0], "rng0: problem=untouched: the driver never wrote the status byte"
			 " (no ACKNOWLEDGE, 3.1.1 step 2): not probed (status=0x00 [])");
	teardown_transport();
}
END_TEST

/* trace virtio: a notification to a queue that is not ready shows the
 * ring's index read from the address the driver wrote, or why not. */
START_TEST(trace_notify_not_ready)
{
	static char tl[8][VIRTIO_TRACE_LINE];

	setup_transport(0);
	ck_assert(tvd_negotiate(d, F_V1));
	tvd_wr(d, VIRTIO_REG_QUEUE_SEL, 0);
	virtio_trace_on(NULL);
	kick(0);   /* no driver area address yet */
	tvd_wr(d, VIRTIO_REG_QUEUE_DRIVER_LO, (uint32_t)t.avail);
	tdrv_set_avail_idx(&t, 3);
	kick(0);
	tvd_wr(d, VIRTIO_REG_QUEUE_DRIVER_HI, 0x1000);   /* 16 TiB: not RAM */
	kick(0);
	int n = virtio_trace_take(tl, 8);
	virtio_trace_off();
	ck_assert_int_ge(n, 3);
	const char *want[] = {
		" virtio dev=virtio-rng notify q=0 avail.idx not read (no driver area address yet)"
		" last_avail=0 (queue not ready)",
		" virtio dev=virtio-rng notify q=0 avail.idx=3 (read at 0x3000) last_avail=0 (queue"
		" not ready)",
		" virtio dev=virtio-rng notify q=0 avail.idx not read (driver area 0x100000003000 is"
		" not RAM) last_avail=0 (queue not ready)",
	};
	unsigned found = 0;
	for (int i = 0; i < n; i++)
		for (unsigned k = 0; k < 3; k++)
			if (strstr(tl[i], want[k]))
				found |= 1u << k;
	if (found != 7)
		for (int i = 0; i < n; i++)
			fprintf(stderr, "  | %s\n", tl[i]);
	ck_assert_uint_eq(found, 7);
	teardown_transport();
}
END_TEST

/* A kick the driver made before DRIVER_OK, still in its eventfd when
 * DRIVER_OK is written (the I/O thread not yet round), counts as early. */
static bool pending_kick;

static bool stub_kick_pending(void *opaque, uint16_t q)
{
	(void)opaque;
	return q == 0 && pending_kick;
}

START_TEST(early_kick_in_flight_at_driver_ok)
{
	struct tvd_irqs c;

	setup_transport(0);
	tvd_stub_transport(d, &c);
	struct virtio_transport tr = { tvd_queue_irq, tvd_config_irq, tvd_defer, &c,
				       stub_kick_pending };
	virtio_dev_set_transport(d, &tr);
	set_up(F_V1);
	post();
	pending_kick = true;
	tvd_driver_ok(d);
	pending_kick = false;
	virtio_dev_queue_notify(d, 0);   /* the I/O thread comes round */
	virtio_dev_queue_notify(d, 0);   /* a later kick is not early */
	diagnose();
	expect("rng0: warning=early-kick: queue 0 was notified 1 time(s) before DRIVER_OK: the driver"
	       " must not notify before setting DRIVER_OK (3.1.1); hvmon looks at every ready queue at"
	       " DRIVER_OK, as QEMU does, but a device that does not would leave this driver"
	       " waiting");
	teardown_transport();
}
END_TEST

/* ---- synthetic state ---- */

static struct diag_queue sq;
static struct diag_device sd;

static void synthetic(uint8_t status)
{
	memset(&sq, 0, sizeof(sq));
	memset(&sd, 0, sizeof(sd));
	sd.name = "blk0";
	sd.s.status = status;
	sd.s.hist.status_ever = status;
	sd.s.num_queues = 1;
	sd.nq = 1;
	sd.q = &sq;
	sq.vq.ready = true;
	sq.vq.size = 8;
	sq.vector_masked = sq.vector_entry_masked = -1;
	nlines = 0;
}

/* MSI-X: the entry's own Vector Control mask is named as such. */
START_TEST(vector_entry_mask_named)
{
	synthetic(0x0f);
	sd.irq.msix = true;
	sq.h.used_published = true;
	sq.vq.msix_vector = 1;
	sq.vector_masked = 1;
	sq.vector_entry_masked = 1;
	ck_assert_int_eq(diag_evaluate(&sd, collect, NULL), 1);
	expect("blk0: problem=vector-masked: queue 0 published used entries but MSI-X vector 1 is"
	       " masked (the entry's Vector Control mask): the interrupt stays pending (PCI 3.0"
	       " 6.8.2.9)");
	synthetic(0x0f);
	sd.irq.msix = true;
	sd.irq.msix_function_masked = true;
	sq.h.used_published = true;
	sq.vq.msix_vector = 1;
	sq.vector_masked = 1;
	sq.vector_entry_masked = 0;
	diag_evaluate(&sd, collect, NULL);
	expect("blk0: problem=vector-masked: queue 0 published used entries but MSI-X vector 1 is"
	       " masked (function mask): the interrupt stays pending (PCI 3.0 6.8.2.9)");
}
END_TEST

/* A consequence with no root cause present is still a problem, shown as
 * itself (NEEDS_RESET from a bad buffer). */
START_TEST(lone_consequence)
{
	synthetic(0x4f);
	snprintf(sd.s.broken, sizeof(sd.s.broken), "queue 0: descriptor 1: bad");
	ck_assert_int_eq(diag_evaluate(&sd, collect, NULL), 1);
	ck_assert_uint_eq(nlines, 1);
	ck_assert_str_eq(lines[0], "blk0: problem=needs-reset: the device is marked NEEDS_RESET"
			 " (2.1.2): queue 0: descriptor 1: bad; it ignores the driver until a reset"
			 " (status=0x4f [ACKNOWLEDGE DRIVER FEATURES_OK DRIVER_OK NEEDS_RESET])");
}
END_TEST

/* EVENT_IDX across the 16-bit wrap: used_event 0xfffe behind used.idx 1
 * by 3 entries after an interrupt. */
START_TEST(not_consumed_across_wrap)
{
	synthetic(0x0f);
	sd.irq.msix = true;
	sq.vector_masked = 0;
	sq.vq.msix_vector = 1;
	sq.vq.event_idx = true;
	sq.vq.used_idx = 1;
	sq.vq.last_avail_idx = 1;
	sq.avail_idx = 1;
	sq.vq.irq_ever_sent = true;
	sq.vq.irq_used_idx = 0xffff;
	sq.h.notified = sq.h.avail_moved = sq.h.used_published = true;
	sq.have_used_event = true;
	sq.used_event = 0xfffe;
	ck_assert_int_eq(diag_evaluate(&sd, collect, NULL), 1);
	expect("blk0: problem=not-consumed: queue 0: used_event=65534 (the driver's progress mark"
	       " with EVENT_IDX) is 3 entries behind used.idx=1, and an interrupt went at"
	       " used.idx=65535: the driver did not process the used ring after the interrupt"
	       " (2.7.7.2, 2.7.14)");
}
END_TEST

/* EVENT_IDX: a used_event behind used.idx before any interrupt (a
 * garbage value the driver never moved) suppresses too; behind after an
 * interrupt is not-consumed instead, never both. */
START_TEST(used_event_behind_before_any_interrupt)
{
	synthetic(0x0f);
	sd.irq.msix = true;
	sq.vector_masked = 0;
	sq.vq.msix_vector = 1;
	sq.vq.event_idx = true;
	sq.vq.used_idx = sq.vq.last_avail_idx = sq.avail_idx = 1;
	sq.vq.last_irq = (struct virtq_irq_decision){ .made = true, .sent = false, .used_idx = 1,
						      .field = 0xff00 };
	sq.h.notified = sq.h.avail_moved = sq.h.used_published = true;
	sq.have_used_event = true;
	sq.used_event = 0xff00;
	ck_assert_int_eq(diag_evaluate(&sd, collect, NULL), 1);
	expect("blk0: problem=interrupt-suppressed: queue 0: used_event=65280 suppressed the used"
	       " buffer notification for used.idx=1: the driver asked for one only once the device"
	       " writes used entry 65280 (EVENT_IDX, 2.7.7.2); no interrupt was sent since the"
	       " queue was enabled");
	/* The same after an interrupt: the driver's progress, one finding. */
	nlines = 0;
	sq.vq.irq_ever_sent = true;
	sq.vq.irq_used_idx = 1;
	sq.vq.used_idx = sq.vq.last_avail_idx = sq.avail_idx = 2;
	sq.vq.last_irq.used_idx = 2;
	sq.used_event = 0;
	ck_assert_int_eq(diag_evaluate(&sd, collect, NULL), 1);
	expect_no_prefix("blk0: problem=interrupt-suppressed");
	expect("blk0: problem=not-consumed: queue 0: used_event=0 (the driver's progress mark with"
	       " EVENT_IDX) is 2 entries behind used.idx=2, and an interrupt went at used.idx=1: the"
	       " driver did not process the used ring after the interrupt (2.7.7.2, 2.7.14)");
}
END_TEST

/* The generated table has one row per rule, each with a section. */
START_TEST(table_rows)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	diag_print_table(f);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "| `interrupt-suppressed` | problem | 2.7.7.2, 2.8.10 |"));
	ck_assert_ptr_nonnull(strstr(buf, "| `never-notified` | problem | 2.7.10.1, 2.7.13.4, 2.8.10, 2.8.21.3 |"));
	ck_assert_ptr_nonnull(strstr(buf, "| `notify-to-nowhere` | problem | 4.1.4.4, 4.2.2 |"));
	ck_assert_ptr_nonnull(strstr(buf, "| `early-kick` | warning | 3.1.1 |"));
	ck_assert_ptr_null(strstr(buf, "2.7.13.3"));
	unsigned rows = 0;
	for (char *s = buf; (s = strstr(s, "\n| `")); s++)
		rows++;
	ck_assert_uint_eq(rows, 23);
	free(buf);
}
END_TEST

static Suite *diagnose_suite(void)
{
	Suite *s = suite_create("diagnose");
	TCase *tc = tcase_create("stuck");

	/* 4 combinations: pci/mmio x split/packed. */
	tcase_add_loop_test(tc, suppressed_by_event_idx, 0, 4);
	tcase_add_loop_test(tc, suppressed_by_flags, 0, 4);
	tcase_add_loop_test(tc, caught_up_driver_is_fine, 0, 4);
	tcase_add_loop_test(tc, not_consumed, 0, 4);
	tcase_add_loop_test(tc, not_consumed_behind_unacked_interrupt, 0, 4);
	tcase_add_loop_test(tc, progress_unknown_without_event_idx, 0, 4);
	tcase_add_loop_test(tc, refused_features_lead, 0, 4);
	tcase_add_loop_test(tc, notify_to_nowhere, 0, 4);
	tcase_add_test(tc, pci_misaligned_notify);
	tcase_add_loop_test(tc, early_kick_before_driver_ok, 0, 4);
	tcase_add_loop_test(tc, early_kick_before_queue_enable, 0, 4);
	tcase_add_loop_test(tc, taken_without_notification, 0, 4);
	tcase_add_loop_test(tc, never_notified, 0, 4);
	tcase_add_loop_test(tc, interrupt_not_acknowledged, 0, 4);
	tcase_add_loop_test(tc, avail_not_moved, 0, 4);
	tcase_add_loop_test(tc, stopped_before_driver_ok, 0, 4);
	tcase_add_loop_test(tc, untouched, 0, 4);
	tcase_add_test(tc, trace_notify_not_ready);
	tcase_add_test(tc, early_kick_in_flight_at_driver_ok);
	suite_add_tcase(s, tc);
	TCase *syn = tcase_create("synthetic");
	tcase_add_test(syn, vector_entry_mask_named);
	tcase_add_test(syn, lone_consequence);
	tcase_add_test(syn, not_consumed_across_wrap);
	tcase_add_test(syn, used_event_behind_before_any_interrupt);
	tcase_add_test(syn, table_rows);
	suite_add_tcase(s, syn);
	return s;
}

UNIT_MAIN(diagnose_suite)
