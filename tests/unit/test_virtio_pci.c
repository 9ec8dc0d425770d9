/* SPDX-License-Identifier: GPL-3.0-or-later */
/* virtio-pci (virtio 1.2, 4.1): configuration space and capability list
 * (4.1.2, 4.1.4), BAR sizing and relocation through the PCI window (PCI
 * Local Bus 3.0, 6.2.5.1), the common configuration registers (4.1.4.3),
 * notifications (4.1.4.4), ISR read-to-clear with INTx (4.1.4.5), MSI-X
 * (4.1.5; PCI 3.0, 6.8.2) and the PCI configuration access capability
 * (4.1.4.9). No KVM: interrupts land in recorders, kicks run inline. */
#include <stdio.h>
#include <string.h>

#include "dev/virtio/virtio_pci.h"
#include "test_virtq_driver.h"
#include "unit.h"

#define NQ 2
#define QSIZE 8
#define DEV_ID 4
#define WIN_BASE 0xC0000000ULL
#define WIN_SIZE 0x10000000ULL
#define GSI 10

struct rec {
	unsigned notified[NQ];
	bool level;
	unsigned level_changes;
	unsigned msis;
	uint64_t msi_addr;
	uint32_t msi_data;
	uint8_t config[8];
};

static struct rec r;
static struct tdrv t;
static struct virtio_dev *d;
static struct pci_window *w;
static struct virtio_pci *p;
static uint64_t bar;

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

static void rec_msi(void *o, uint64_t addr, uint32_t data)
{
	struct rec *x = o;

	x->msis++;
	x->msi_addr = addr;
	x->msi_data = data;
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
	tdrv_init(&t, QSIZE);
	d = virtio_dev_new(&ops, &r, &t.mem);
	ck_assert_ptr_nonnull(d);
	w = pci_window_new(WIN_BASE, WIN_SIZE);
	struct virtio_pci_config cfg = {
		.win = w, .devfn = PCI_DEVFN(1, 0),
		.intx = { .set_level = rec_level, .opaque = &r, .gsi = GSI },
		.msi_send = rec_msi, .msi_opaque = &r,
	};
	p = virtio_pci_new(d, &cfg, err, sizeof(err));
	ck_assert_msg(p != NULL, "%s", err);
	bar = virtio_pci_bar_addr(p);
	ck_assert_uint_ge(bar, WIN_BASE);
	ck_assert_uint_eq(bar % VIRTIO_PCI_BAR_SIZE, 0);
}

static void teardown(void)
{
	virtio_pci_free(p);
	virtio_dev_free(d);
	pci_window_free(w);
	gmem_free(&t.mem);
}

static uint32_t cr(unsigned off, unsigned len)
{
	return virtio_pci_function_ops.config_read(p, off, len);
}

static void cw(unsigned off, unsigned len, uint32_t v)
{
	virtio_pci_function_ops.config_write(p, off, len, v);
}

/* Guest MMIO through the window, as the bus would deliver it. */
static uint64_t mr(uint64_t gpa, unsigned len)
{
	uint8_t b[8];
	uint64_t v = 0;

	pci_window_io(w, gpa - WIN_BASE, b, len, false);
	for (unsigned i = 0; i < len; i++)
		v |= (uint64_t)b[i] << (8 * i);
	return v;
}

static void mw(uint64_t gpa, unsigned len, uint64_t v)
{
	uint8_t b[8];

	for (unsigned i = 0; i < len; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	pci_window_io(w, gpa - WIN_BASE, b, len, true);
}

START_TEST(ids)
{
	ck_assert_uint_eq(cr(0x00, 2), VIRTIO_PCI_VENDOR);
	ck_assert_uint_eq(cr(0x02, 2), 0x1040 + DEV_ID);
	ck_assert_uint_eq(cr(0x00, 4), VIRTIO_PCI_VENDOR | (0x1040u + DEV_ID) << 16);
	ck_assert_uint_eq(cr(0x08, 1), 1);                 /* 4.1.2.1 revision */
	ck_assert_uint_eq(cr(0x08, 4) >> 8, 0xff0000);     /* class: other */
	ck_assert_uint_eq(cr(0x0e, 1), 0);                 /* header type 0 */
	ck_assert_uint_eq(cr(0x06, 2) & 0x10, 0x10);       /* capability list */
	ck_assert_uint_eq(cr(0x2c, 2), VIRTIO_PCI_VENDOR);
	ck_assert_uint_eq(cr(0x3d, 1), 1);                 /* INTA# */
	ck_assert_uint_eq(cr(0x3c, 1), GSI);
	cw(0x3c, 1, 0x55);                                 /* scratch */
	ck_assert_uint_eq(cr(0x3c, 1), 0x55);
	/* Read-only fields ignore writes. */
	cw(0x00, 4, 0);
	ck_assert_uint_eq(cr(0x00, 2), VIRTIO_PCI_VENDOR);
	ck_assert_uint_eq(virtio_pci_class(1), 0x020000);
	ck_assert_uint_eq(virtio_pci_class(2), 0x010000);
}
END_TEST

START_TEST(capability_chain)
{
	unsigned seen = 0, n = 0, msix = 0;

	for (unsigned off = cr(0x34, 1); off; off = cr(off + 1, 1)) {
		ck_assert_msg(off >= 0x40 && off % 4 == 0 && off < 256, "cap at %#x", off);
		ck_assert_uint_lt(++n, 16);                /* no loop */
		if (cr(off, 1) == 0x11) {
			msix = off;
			continue;
		}
		ck_assert_uint_eq(cr(off, 1), 0x09);       /* vendor-specific */
		unsigned type = cr(off + 3, 1), len = cr(off + 2, 1);
		uint32_t o = cr(off + 8, 4), l = cr(off + 12, 4);

		ck_assert_uint_ge(len, 16);
		ck_assert_uint_le(off + len, 256);
		ck_assert_uint_eq(cr(off + 4, 1), 0);      /* BAR0 */
		ck_assert(type >= 1 && type <= 5);
		seen |= 1u << type;
		ck_assert_uint_le((uint64_t)o + l, VIRTIO_PCI_BAR_SIZE);
		switch (type) {
		case VIRTIO_PCI_CAP_COMMON_CFG:
			ck_assert_uint_ge(l, 0x38);
			break;
		case VIRTIO_PCI_CAP_NOTIFY_CFG:
			ck_assert_uint_ge(len, 20);
			ck_assert_uint_eq(cr(off + 16, 4), VIRTIO_PCI_NOTIFY_MULT);
			ck_assert_uint_ge(l, NQ * VIRTIO_PCI_NOTIFY_MULT);
			break;
		case VIRTIO_PCI_CAP_ISR_CFG:
			ck_assert_uint_ge(l, 1);
			break;
		case VIRTIO_PCI_CAP_DEVICE_CFG:
			ck_assert_uint_eq(l, 8);           /* the stub's config */
			break;
		default:
			break;
		}
	}
	ck_assert_uint_eq(seen, 0x3e);                     /* types 1-5 */
	ck_assert_uint_ne(msix, 0);
	ck_assert_uint_eq((cr(msix + 2, 2) & 0x7ff) + 1, NQ + 1);   /* table size */
	ck_assert_uint_eq(cr(msix + 4, 4), VIRTIO_PCI_MSIX_OFF);      /* BIR 0 */
	ck_assert_uint_eq(cr(msix + 8, 4), VIRTIO_PCI_PBA_OFF);
	/* The table and PBA lie inside the BAR, after the notify region. */
	ck_assert_uint_le(VIRTIO_PCI_MSIX_OFF + 16 * (NQ + 1), VIRTIO_PCI_PBA_OFF);
	ck_assert_uint_le(VIRTIO_PCI_PBA_OFF + 8, VIRTIO_PCI_BAR_SIZE);
}
END_TEST

START_TEST(bar_sizing_and_decode)
{
	ck_assert_uint_eq(cr(0x10, 4), (uint32_t)bar | 0x4);  /* 64-bit memory */
	ck_assert_uint_eq(cr(0x14, 4), bar >> 32);
	ck_assert_uint_eq(cr(0x04, 2) & 0x2, 0x2);         /* as firmware left it */
	ck_assert_uint_eq(mr(bar + 0x12, 2), NQ);          /* num_queues */

	/* Sizing, as Linux does it: decode off, all-ones, read, restore. */
	cw(0x04, 2, 0);
	ck_assert_uint_eq(mr(bar + 0x12, 2), 0xffff);      /* master abort */
	cw(0x10, 4, 0xffffffff);
	ck_assert_uint_eq(cr(0x10, 4), (uint32_t)-VIRTIO_PCI_BAR_SIZE | 0x4);
	cw(0x14, 4, 0xffffffff);
	ck_assert_uint_eq(cr(0x14, 4), 0xffffffff);
	cw(0x10, 4, (uint32_t)bar);
	cw(0x14, 4, 0);
	cw(0x04, 2, 0x6);
	ck_assert_uint_eq(mr(bar + 0x12, 2), NQ);

	/* The guest moves the BAR: it follows, the old place goes dead. */
	uint64_t nb = WIN_BASE + 0x100000;
	cw(0x10, 4, (uint32_t)nb);
	ck_assert_uint_eq(mr(nb + 0x12, 2), NQ);
	ck_assert_uint_eq(mr(bar + 0x12, 2), 0xffff);
	/* Outside the window (RAM, above 4 GiB): decodes nowhere. */
	cw(0x10, 4, 0x100000);
	ck_assert_uint_eq(mr(nb + 0x12, 2), 0xffff);
	cw(0x14, 4, 1);
	cw(0x10, 4, (uint32_t)WIN_BASE);
	ck_assert_uint_eq(mr(WIN_BASE + 0x12, 2), 0xffff);
	cw(0x14, 4, 0);
	ck_assert_uint_eq(mr(WIN_BASE + 0x12, 2), NQ);
	/* Low bits are read-only: a misaligned write is aligned down. */
	cw(0x10, 4, (uint32_t)bar | 0x123);
	ck_assert_uint_eq(cr(0x10, 4), (uint32_t)bar | 0x4);
	ck_assert_uint_eq(mr(bar + 0x12, 2), NQ);
	/* Byte writes merge into the register. */
	cw(0x04, 1, 0);
	ck_assert_uint_eq(mr(bar + 0x12, 2), 0xffff);
	cw(0x04, 1, 0x2);
	ck_assert_uint_eq(mr(bar + 0x12, 2), NQ);
}
END_TEST

static void driver_ok(void)
{
	mw(bar + 0x14, 1, VIRTIO_STATUS_ACKNOWLEDGE);
	mw(bar + 0x14, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	mw(bar + 0x08, 4, 1);
	mw(bar + 0x0c, 4, 1);                              /* VERSION_1 */
	mw(bar + 0x08, 4, 0);
	mw(bar + 0x0c, 4, 0);
	mw(bar + 0x14, 1, 0x0b);
	ck_assert_uint_eq(mr(bar + 0x14, 1), 0x0b);        /* FEATURES_OK kept */
	mw(bar + 0x16, 2, 0);
	mw(bar + 0x20, 8, TDRV_DESC);
	mw(bar + 0x28, 4, TDRV_AVAIL);
	mw(bar + 0x2c, 4, 0);
	mw(bar + 0x30, 8, TDRV_USED);
	mw(bar + 0x1c, 2, 1);
	ck_assert_uint_eq(mr(bar + 0x1c, 2), 1);
	mw(bar + 0x14, 1, 0x0f);
	ck_assert_uint_eq(mr(bar + 0x14, 1), 0x0f);
}

START_TEST(common_config)
{
	mw(bar + 0x00, 4, 1);
	ck_assert_uint_eq(mr(bar + 0x00, 4), 1);
	ck_assert_uint_eq(mr(bar + 0x04, 4) & 1, 1);       /* VERSION_1 = bit 32 */
	ck_assert_uint_eq(mr(bar + 0x12, 2), NQ);
	mw(bar + 0x16, 2, 1);
	ck_assert_uint_eq(mr(bar + 0x16, 2), 1);
	ck_assert_uint_eq(mr(bar + 0x18, 2), QSIZE);
	ck_assert_uint_eq(mr(bar + 0x1e, 2), 1);           /* queue_notify_off */
	ck_assert_uint_eq(mr(bar + 0x1a, 2), VIRTQ_NO_VECTOR);
	mw(bar + 0x1a, 2, 2);
	ck_assert_uint_eq(mr(bar + 0x1a, 2), 2);
	mw(bar + 0x1a, 2, NQ + 1);                         /* past the table */
	ck_assert_uint_eq(mr(bar + 0x1a, 2), VIRTQ_NO_VECTOR);
	mw(bar + 0x10, 2, 7);
	ck_assert_uint_eq(mr(bar + 0x10, 2), VIRTQ_NO_VECTOR);
	/* 64-bit fields: whole or as halves. */
	mw(bar + 0x20, 8, 0x123456789000ULL);
	ck_assert_uint_eq(mr(bar + 0x20, 8), 0x123456789000ULL);
	ck_assert_uint_eq(mr(bar + 0x24, 4), 0x1234);
	mw(bar + 0x24, 4, 0);
	ck_assert_uint_eq(mr(bar + 0x20, 4), 0x56789000);
	/* Odd widths and offsets: read 0, write nothing. */
	ck_assert_uint_eq(mr(bar + 0x00, 2), 0);
	ck_assert_uint_eq(mr(bar + 0x13, 1), 0);
	mw(bar + 0x16, 4, 0);
	ck_assert_uint_eq(mr(bar + 0x16, 2), 1);
	ck_assert_uint_eq(mr(bar + 0x38, 2), 0);
	ck_assert_uint_eq(mr(bar + 0x3ff, 1), 0);
	/* Out-of-range queue: size 0 (unavailable), notify_off 0. */
	mw(bar + 0x16, 2, 999);
	ck_assert_uint_eq(mr(bar + 0x18, 2), 0);
	ck_assert_uint_eq(mr(bar + 0x1e, 2), 0);
	/* Device config through the BAR. */
	r.config[2] = 0xab;
	ck_assert_uint_eq(mr(bar + VIRTIO_PCI_DEVICE_OFF + 2, 1), 0xab);
	ck_assert_uint_eq(mr(bar + VIRTIO_PCI_DEVICE_OFF + 8, 4), 0);
}
END_TEST

START_TEST(notify)
{
	unsigned base;

	driver_ok();
	base = r.notified[0];      /* DRIVER_OK itself notifies ready queues */
	mw(bar + VIRTIO_PCI_NOTIFY_OFF, 2, 0);
	ck_assert_uint_eq(r.notified[0], base + 1);
	/* The address names the queue, not the data; misaligned or past the
	 * last queue: nothing. */
	mw(bar + VIRTIO_PCI_NOTIFY_OFF, 2, 1);
	ck_assert_uint_eq(r.notified[0], base + 2);
	mw(bar + VIRTIO_PCI_NOTIFY_OFF + 2, 2, 0);
	mw(bar + VIRTIO_PCI_NOTIFY_OFF + 4 * NQ, 2, 0);
	mw(bar + VIRTIO_PCI_NOTIFY_OFF, 1, 0);
	ck_assert_uint_eq(r.notified[0], base + 2);
	ck_assert_uint_eq(r.notified[1], 0);
	/* Queue 1 is not ready: counted by the core, not passed on. */
	mw(bar + VIRTIO_PCI_NOTIFY_OFF + 4, 4, 1);
	ck_assert_uint_eq(r.notified[1], 0);
	ck_assert_uint_eq(mr(bar + VIRTIO_PCI_NOTIFY_OFF, 2), 0);
}
END_TEST

START_TEST(isr_intx)
{
	driver_ok();
	ck_assert(!r.level);
	virtio_dev_config_changed(d);                      /* ISR bit 1, INTx */
	ck_assert(r.level);
	ck_assert_uint_eq(cr(0x06, 2) & 0x8, 0x8);         /* interrupt status */
	/* Interrupt Disable drops the pin, not the status. */
	cw(0x04, 2, 0x0402);
	ck_assert(!r.level);
	ck_assert_uint_eq(cr(0x06, 2) & 0x8, 0x8);
	cw(0x04, 2, 0x0002);
	ck_assert(r.level);
	ck_assert_uint_eq(mr(bar + VIRTIO_PCI_ISR_OFF, 1), VIRTIO_ISR_CONFIG);
	ck_assert(!r.level);                               /* read-to-clear */
	ck_assert_uint_eq(cr(0x06, 2) & 0x8, 0);
	ck_assert_uint_eq(mr(bar + VIRTIO_PCI_ISR_OFF, 1), 0);
	mw(bar + VIRTIO_PCI_ISR_OFF, 1, 0xff);             /* read-only */
	ck_assert_uint_eq(mr(bar + VIRTIO_PCI_ISR_OFF, 1), 0);
	/* A reset clears the ISR and the line. */
	virtio_dev_config_changed(d);
	ck_assert(r.level);
	mw(bar + 0x14, 1, 0);
	ck_assert(!r.level);
	ck_assert_uint_eq(r.msis, 0);
}
END_TEST

static void msix_entry(unsigned v, uint64_t addr, uint32_t data, uint32_t ctrl)
{
	uint64_t e = bar + VIRTIO_PCI_MSIX_OFF + 16 * v;

	mw(e, 8, addr);
	mw(e + 8, 4, data);
	mw(e + 12, 4, ctrl);
}

START_TEST(msix)
{
	unsigned cap = 0;

	for (unsigned off = cr(0x34, 1); off; off = cr(off + 1, 1))
		if (cr(off, 1) == 0x11)
			cap = off;
	/* Reset state: every entry masked (PCI 3.0, 6.8.2.9). */
	ck_assert_uint_eq(mr(bar + VIRTIO_PCI_MSIX_OFF + 12, 4), 1);
	driver_ok();
	cw(cap + 2, 2, 0x8000);                            /* MSI-X enable */
	ck_assert_uint_eq(cr(cap + 2, 2), 0x8000 | NQ);
	mw(bar + 0x10, 2, 0);                              /* config vector 0 */
	ck_assert_uint_eq(mr(bar + 0x10, 2), 0);
	msix_entry(0, 0xfee00000, 0x4041, 1);              /* still masked */
	ck_assert_uint_eq(mr(bar + VIRTIO_PCI_MSIX_OFF + 8, 4), 0x4041);
	virtio_dev_config_changed(d);
	ck_assert_uint_eq(r.msis, 0);
	ck_assert(!r.level);                               /* no INTx with MSI-X */
	ck_assert_uint_eq(mr(bar + VIRTIO_PCI_PBA_OFF, 8), 1);   /* pending */
	mw(bar + VIRTIO_PCI_MSIX_OFF + 12, 4, 0);          /* unmask: delivered */
	ck_assert_uint_eq(r.msis, 1);
	ck_assert_uint_eq(r.msi_addr, 0xfee00000);
	ck_assert_uint_eq(r.msi_data, 0x4041);
	ck_assert_uint_eq(mr(bar + VIRTIO_PCI_PBA_OFF, 8), 0);
	virtio_dev_config_changed(d);
	ck_assert_uint_eq(r.msis, 2);
	/* Function mask holds it; clearing it delivers. */
	cw(cap + 2, 2, 0xc000);
	virtio_dev_config_changed(d);
	ck_assert_uint_eq(r.msis, 2);
	cw(cap + 2, 2, 0x8000);
	ck_assert_uint_eq(r.msis, 3);
	/* Hostile table accesses: bytes, beyond the table, PBA writes. */
	mw(bar + VIRTIO_PCI_MSIX_OFF, 1, 0xff);
	ck_assert_uint_eq(mr(bar + VIRTIO_PCI_MSIX_OFF, 4), 0xfee00000);
	ck_assert_uint_eq(mr(bar + VIRTIO_PCI_MSIX_OFF + 1, 1), 0);
	mw(bar + VIRTIO_PCI_MSIX_OFF + 16 * (NQ + 1), 4, 0x1234);
	ck_assert_uint_eq(mr(bar + VIRTIO_PCI_MSIX_OFF + 16 * (NQ + 1), 4), 0);
	mw(bar + VIRTIO_PCI_PBA_OFF, 8, ~0ULL);
	ck_assert_uint_eq(mr(bar + VIRTIO_PCI_PBA_OFF, 8), 0);
	mw(bar + VIRTIO_PCI_MSIX_OFF + 12, 4, 0xfffffffe); /* reserved bits */
	ck_assert_uint_eq(mr(bar + VIRTIO_PCI_MSIX_OFF + 12, 4), 0);
	mw(bar + VIRTIO_PCI_MSIX_OFF, 4, 0xfee00003);      /* bits 1:0 zero */
	ck_assert_uint_eq(mr(bar + VIRTIO_PCI_MSIX_OFF, 4), 0xfee00000);
	/* NO_VECTOR: no interrupt at all. */
	mw(bar + 0x10, 2, VIRTQ_NO_VECTOR);
	virtio_dev_config_changed(d);
	ck_assert_uint_eq(r.msis, 3);
	ck_assert(!r.level);
	/* MSI-X off again: INTx. */
	cw(cap + 2, 2, 0);
	virtio_dev_config_changed(d);
	ck_assert(r.level);
}
END_TEST

START_TEST(pci_cfg_access)
{
	unsigned cap = 0;

	for (unsigned off = cr(0x34, 1); off; off = cr(off + 1, 1))
		if (cr(off, 1) == 0x09 && cr(off + 3, 1) == VIRTIO_PCI_CAP_PCI_CFG)
			cap = off;
	ck_assert_uint_ne(cap, 0);
	cw(cap + 4, 1, 0);
	cw(cap + 8, 4, 0x12);                              /* num_queues */
	cw(cap + 12, 4, 2);
	ck_assert_uint_eq(cr(cap + 16, 4) & 0xffff, NQ);
	/* Works with memory decoding off: that is its purpose. */
	cw(0x04, 2, 0);
	ck_assert_uint_eq(cr(cap + 16, 2), NQ);
	cw(cap + 8, 4, 0x16);                              /* queue_select */
	cw(cap + 16, 4, 1);
	ck_assert_uint_eq(cr(cap + 16, 2), 1);
	/* Hostile: misaligned, bad length, other BAR, outside the BAR. */
	cw(cap + 8, 4, 0x15);
	ck_assert_uint_eq(cr(cap + 16, 4), 0);
	cw(cap + 8, 4, 0x12);
	cw(cap + 12, 4, 3);
	ck_assert_uint_eq(cr(cap + 16, 4), 0);
	cw(cap + 12, 4, 2);
	cw(cap + 4, 1, 2);
	ck_assert_uint_eq(cr(cap + 16, 4), 0);
	cw(cap + 4, 1, 0);
	cw(cap + 8, 4, 0xfffffffe);
	ck_assert_uint_eq(cr(cap + 16, 4), 0);
}
END_TEST

START_TEST(window_alloc)
{
	struct pci_window *x = pci_window_new(WIN_BASE, 0x10000);

	ck_assert_uint_eq(pci_window_alloc(x, 0x100), WIN_BASE);
	ck_assert_uint_eq(pci_window_alloc(x, 0x8000), WIN_BASE + 0x8000);
	ck_assert_uint_eq(pci_window_alloc(x, 0x8000), 0);        /* full */
	ck_assert_uint_eq(pci_window_alloc(x, 0x3000), 0);        /* not 2^n */
	ck_assert_int_eq(pci_window_alloc_slot(x), 1);
	ck_assert_int_eq(pci_window_alloc_slot(x), 2);
	ck_assert_int_eq(pci_window_add_bar(x, 0x3000, pci_window_io, x), -1);
	pci_window_free(x);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("virtio_pci");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, ids);
	tcase_add_test(tc, capability_chain);
	tcase_add_test(tc, bar_sizing_and_decode);
	tcase_add_test(tc, common_config);
	tcase_add_test(tc, notify);
	tcase_add_test(tc, isr_intx);
	tcase_add_test(tc, msix);
	tcase_add_test(tc, pci_cfg_access);
	tcase_add_test(tc, window_alloc);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
