// SPDX-License-Identifier: GPL-3.0-or-later
/* The test guest's virtio driver (README.md, "Virtio"): PCI enumeration of
 * bus 0 through configuration mechanism #1, the virtio-pci modern transport
 * (virtio 1.2 section 4.1), the driver initialization sequence (3.1.1) and
 * one split virtqueue (2.7) per queue, polled with interrupts off.
 *
 * Ring-0 code runs in KVM's instruction emulator on the project's machines
 * (docs/design.md 1, about 1.5 M instructions/s) and every config-space or
 * BAR access is an exit (about 10 us): the driver makes few of them, and
 * every loop that waits on the device is bounded.
 *
 * Device types are a table (drivers[] below): a type names its virtio
 * device ID, how many queues it sets up and what it does once DRIVER_OK is
 * set. blk (device ID 2) and rng (4) are there; adding console (3) is one
 * entry and one "use" function. */
#include "guest.h"

/* ---- PCI configuration mechanism #1 (PCI Local Bus 3.0, 3.2.2.3.2) ----
 * CONFIG_ADDRESS at 0xcf8 (32-bit accesses only): bit 31 enable, 23-16
 * bus, 15-11 device, 10-8 function, 7-2 register; CONFIG_DATA at 0xcfc. */
#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA    0xcfc
#define PCI_CONFIG_ENABLE  0x80000000u

/* Type 0 configuration header (PCI 3.0, 6.1), as dword offsets. */
#define PCI_ID          0x00    /* vendor 15-0, device 31-16 */
#define PCI_CMD_STATUS  0x04    /* command 15-0, status 31-16 */
#define PCI_CMD_MEMORY  0x0002  /* memory space enable */
#define PCI_CMD_MASTER  0x0004  /* bus master enable: the device may DMA */
#define PCI_STATUS_CAPS 0x0010  /* capabilities list present (6.7) */
#define PCI_CLASS_REV   0x08    /* revision 7-0, class code 31-8 */
#define PCI_HEADER      0x0c    /* header type in 23-16 */
#define PCI_HEADER_MULTI 0x80   /* multi-function device (in function 0) */
#define PCI_BAR0        0x10    /* six BARs, 4 bytes apart */
#define PCI_SUBSYSTEM   0x2c    /* subsystem vendor 15-0, subsystem ID 31-16 */
#define PCI_CAP_PTR     0x34    /* first capability, bits 7-0 */

#define PCI_BAR_IO      0x1     /* bit 0: I/O space BAR */
#define PCI_BAR_TYPE    0x6     /* bits 2-1: 00 32-bit, 10 64-bit */
#define PCI_BAR_64      0x4
#define PCI_BAR_MASK    (~(uint64_t)0xf)

/* Where this driver places a memory BAR the VMM left at 0 (or above the
 * guest's 4 GiB identity map): below the IOAPIC/LAPIC area. */
#define MMIO_WINDOW_START 0xc0000000ULL
#define MMIO_WINDOW_END   0xfec00000ULL

#define PCI_VENDOR_VIRTIO 0x1af4
/* 4.1.2.1: modern device IDs are 0x1040 + the virtio device ID;
 * transitional devices use 0x1000-0x103f and carry the virtio device ID
 * in the subsystem device ID. */
#define PCI_DEVICE_VIRTIO_MODERN 0x1040

/* Capabilities (PCI 3.0, 6.7): ID 0x09 is vendor-specific. */
#define PCI_CAP_ID_VNDR 0x09
#define PCI_MAX_CAPS    48      /* (256 - 64) / 4: ends a looping list */

/* struct virtio_pci_cap (4.1.4): cap_vndr, cap_next, cap_len, cfg_type,
 * then bar, id, padding[2], offset (le32), length (le32); the notify
 * capability (4.1.4.4) adds notify_off_multiplier (le32) at 16. */
#define VIRTIO_PCI_CAP_COMMON 1
#define VIRTIO_PCI_CAP_NOTIFY 2
#define VIRTIO_PCI_CAP_ISR    3
#define VIRTIO_PCI_CAP_DEVICE 4
#define VIRTIO_PCI_CAP_MAX    VIRTIO_PCI_CAP_DEVICE
#define VIRTIO_PCI_CAP_NOTIFY_LEN 20

/* struct virtio_pci_common_cfg (4.1.4.3), byte offsets. */
#define VC_DEVICE_FEATURE_SELECT 0x00   /* le32 */
#define VC_DEVICE_FEATURE        0x04   /* le32, read-only */
#define VC_DRIVER_FEATURE_SELECT 0x08   /* le32 */
#define VC_DRIVER_FEATURE        0x0c   /* le32 */
#define VC_NUM_QUEUES            0x12   /* le16, read-only */
#define VC_DEVICE_STATUS         0x14   /* u8 */
#define VC_CONFIG_GENERATION     0x15   /* u8, read-only */
#define VC_QUEUE_SELECT          0x16   /* le16 */
#define VC_QUEUE_SIZE            0x18   /* le16 */
#define VC_QUEUE_ENABLE          0x1c   /* le16 */
#define VC_QUEUE_NOTIFY_OFF      0x1e   /* le16, read-only */
#define VC_QUEUE_DESC            0x20   /* le64 */
#define VC_QUEUE_DRIVER          0x28   /* le64 */
#define VC_QUEUE_DEVICE          0x30   /* le64 */
#define VC_MIN_LEN               0x38   /* everything up to queue_device */

/* Device status bits (2.1). */
#define VS_ACKNOWLEDGE 0x01
#define VS_DRIVER      0x02
#define VS_DRIVER_OK   0x04
#define VS_FEATURES_OK 0x08
#define VS_NEEDS_RESET 0x40
#define VS_FAILED      0x80

#define VIRTIO_F_VERSION_1 (1ULL << 32)   /* 6: the modern interface */

/* Split virtqueue (2.7). */
#define VIRTQ_DESC_F_NEXT  1      /* 2.7.5: the chain continues at next */
#define VIRTQ_DESC_F_WRITE 2      /* 2.7.5: device writes this buffer */
#define VIRTQ_USED_F_NO_NOTIFY 1  /* 2.7.10 */

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* The queue size this driver uses at most (the device may offer more;
 * 4.1.5.1.3 lets the driver write a smaller power of 2). */
#define VQ_SIZE_MAX 8

/* Each queue gets one 4 KiB page of .bss: the descriptor table at 0
 * (16-byte aligned, 16 * 8 bytes), the available ring at 0x80 (2-byte
 * aligned, 6 + 2 * 8), the used ring at 0x100 (4-byte aligned, 6 + 8 * 8),
 * and request buffers from 0x200 (2.7, alignment table). */
#define VQ_PAGE       4096
#define VQ_AVAIL_OFF  0x80
#define VQ_USED_OFF   0x100
#define VQ_BUF_OFF    0x200
#define VQ_PAGES      4

/* Bounded waits (interrupts stay off: the driver polls). Each poll of
 * the used ring also reads device_status, an MMIO exit: that paces the
 * wait in real time on any host (about 15 us a poll here, a few us on
 * hardware KVM, so 200,000 polls are about 3 s and 1 s) and notices a
 * device that sets NEEDS_RESET (2.1.1) instead of answering. */
#define RESET_POLLS 1000
#define USED_POLLS  200000

static uint8_t vq_pages[VQ_PAGES][VQ_PAGE] __attribute__((aligned(VQ_PAGE)));
static unsigned vq_pages_used;

/* virtiostop=<step> (README.md, "Stuck probes"): where every device's
 * probe stops, so the monitor can inspect it frozen there. The first six
 * are the steps of 3.1.1; STOP_NONOTIFY posts a request without the
 * notification (4.1.5.2), STOP_NOISR completes requests without reading
 * the ISR (4.1.4.5). After the whole virtio= list the guest prints
 * "virtio: stopped after <step>" and halts instead of the exit action. */
enum stop_step {
	STOP_NONE,
	STOP_ACK,          /* 3.1.1 step 2: ACKNOWLEDGE set */
	STOP_DRIVER,       /* step 3: DRIVER set */
	STOP_FEATURES,     /* step 4: driver features written, no FEATURES_OK */
	STOP_FEATURES_OK,  /* steps 5, 6: FEATURES_OK set and read back */
	STOP_QUEUE,        /* step 7: queues set up and enabled, no DRIVER_OK */
	STOP_DRIVER_OK,    /* step 8: DRIVER_OK set, no request */
	STOP_NONOTIFY,     /* one request made available, never notified */
	STOP_NOISR,        /* requests completed, ISR never read */
};

static const char *const stop_names[] = {
	[STOP_ACK] = "ack",
	[STOP_DRIVER] = "driver",
	[STOP_FEATURES] = "features",
	[STOP_FEATURES_OK] = "features_ok",
	[STOP_QUEUE] = "queue",
	[STOP_DRIVER_OK] = "driver_ok",
	[STOP_NONOTIFY] = "nonotify",
	[STOP_NOISR] = "noisr",
};

static enum stop_step stop_at;

/* ---- register access ---- */

static uint32_t pci_read32(unsigned devfn, unsigned off)
{
	outl(PCI_CONFIG_ADDRESS, PCI_CONFIG_ENABLE | devfn << 8 | (off & 0xfc));
	return inl(PCI_CONFIG_DATA);
}

static void pci_write32(unsigned devfn, unsigned off, uint32_t val)
{
	outl(PCI_CONFIG_ADDRESS, PCI_CONFIG_ENABLE | devfn << 8 | (off & 0xfc));
	outl(PCI_CONFIG_DATA, val);
}

/* One byte of configuration space, read as its whole dword. */
static uint8_t pci_read8(unsigned devfn, unsigned off)
{
	return (uint8_t)(pci_read32(devfn, off) >> (8 * (off & 3)));
}

/* MMIO: one plain mov each, of the register's own width. */
static uint8_t mmio_r8(uintptr_t a)
{
	return *(volatile uint8_t *)a;
}

static uint16_t mmio_r16(uintptr_t a)
{
	return *(volatile uint16_t *)a;
}

static uint32_t mmio_r32(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}

static void mmio_w8(uintptr_t a, uint8_t v)
{
	*(volatile uint8_t *)a = v;
}

static void mmio_w16(uintptr_t a, uint16_t v)
{
	*(volatile uint16_t *)a = v;
}

static void mmio_w32(uintptr_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

/* 64-bit common-config fields written as two 32-bit halves, low first
 * (4.1.3.1: the driver may access 64-bit fields as two 32-bit accesses). */
static void mmio_w64(uintptr_t a, uint64_t v)
{
	mmio_w32(a, (uint32_t)v);
	mmio_w32(a + 4, (uint32_t)(v >> 32));
}

static inline void compiler_barrier(void)
{
	__asm__ volatile("" : : : "memory");
}

/* A full barrier (store-load ordering): a locked add, which KVM's
 * emulator handles (no mfence needed). */
static inline void full_barrier(void)
{
	__asm__ volatile("lock; addl $0, (%%rsp)" : : : "memory", "cc");
}

static void put_bdf(unsigned devfn)
{
	put_str("00:");
	put_hex(devfn >> 3, 2);
	put_char('.');
	put_hex(devfn & 7, 1);
}

/* ---- PCI enumeration ---- */

struct pci_fn {
	uint8_t devfn;
	uint8_t header;       /* header type, without the multi-function bit */
	uint16_t vendor, device;
	uint16_t subsys;      /* subsystem ID */
	bool claimed;         /* driven by a virtio= entry already */
};

#define PCI_MAX_FNS 64
static struct pci_fn pci_fns[PCI_MAX_FNS];
static unsigned pci_nfns;

static void pci_add(unsigned devfn, uint32_t id)
{
	uint32_t class = pci_read32(devfn, PCI_CLASS_REV) >> 8;
	uint8_t header = (uint8_t)(pci_read32(devfn, PCI_HEADER) >> 16);

	put_str("pci: ");
	put_bdf(devfn);
	put_str(" vendor=0x");
	put_hex(id & 0xffff, 4);
	put_str(" device=0x");
	put_hex(id >> 16, 4);
	put_str(" class=0x");
	put_hex(class, 6);
	put_char('\n');
	if (pci_nfns == PCI_MAX_FNS)
		return;
	pci_fns[pci_nfns++] = (struct pci_fn){
		.devfn = (uint8_t)devfn,
		.header = header & 0x7f,
		.vendor = (uint16_t)id,
		.device = (uint16_t)(id >> 16),
		.subsys = (uint16_t)(pci_read32(devfn, PCI_SUBSYSTEM) >> 16),
	};
}

/* Bus 0, every device; functions 1-7 only where function 0 says it is a
 * multi-function device. A vendor ID of 0xffff is an empty slot (the
 * master-abort value, PCI 3.0 6.2.1). */
static void pci_scan(void)
{
	for (unsigned dev = 0; dev < 32; dev++) {
		uint32_t id = pci_read32(dev << 3, PCI_ID);
		unsigned nfn = 1;

		if ((id & 0xffff) == 0xffff)
			continue;
		if (pci_read32(dev << 3, PCI_HEADER) >> 16 & PCI_HEADER_MULTI)
			nfn = 8;
		pci_add(dev << 3, id);
		for (unsigned fn = 1; fn < nfn; fn++) {
			id = pci_read32(dev << 3 | fn, PCI_ID);
			if ((id & 0xffff) != 0xffff)
				pci_add(dev << 3 | fn, id);
		}
	}
}

/* ---- BARs ---- */

struct bar {
	uint64_t base;
	uint64_t size;        /* 0 when not sized */
	bool io, is64;
};

static unsigned nr_bars(const struct pci_fn *f)
{
	return f->header == 0 ? 6 : f->header == 1 ? 2 : 0;
}

/* The BAR's current base (and, with size, its size: all-ones written and
 * read back with decoding off, then the value restored; PCI 3.0 6.2.5.1). */
static void bar_read(unsigned devfn, unsigned i, struct bar *b, bool size)
{
	unsigned off = PCI_BAR0 + 4 * i;
	uint32_t lo = pci_read32(devfn, off), hi = 0;
	uint32_t cmd;
	uint64_t mask;

	b->io = lo & PCI_BAR_IO;
	b->is64 = !b->io && (lo & PCI_BAR_TYPE) == PCI_BAR_64 && i < 5;
	if (b->is64)
		hi = pci_read32(devfn, off + 4);
	b->base = b->io ? lo & ~3u : ((uint64_t)hi << 32 | lo) & PCI_BAR_MASK;
	b->size = 0;
	if (!size || b->io)
		return;
	cmd = pci_read32(devfn, PCI_CMD_STATUS) & 0xffff;
	pci_write32(devfn, PCI_CMD_STATUS, cmd & ~PCI_CMD_MEMORY);
	pci_write32(devfn, off, 0xffffffff);
	mask = pci_read32(devfn, off);
	pci_write32(devfn, off, lo);
	if (b->is64) {
		pci_write32(devfn, off + 4, 0xffffffff);
		mask |= (uint64_t)pci_read32(devfn, off + 4) << 32;
		pci_write32(devfn, off + 4, hi);
	} else {
		mask |= 0xffffffff00000000ULL;
	}
	pci_write32(devfn, PCI_CMD_STATUS, cmd);
	mask &= PCI_BAR_MASK;
	b->size = mask ? ~mask + 1 : 0;
}

static uint64_t mmio_next = MMIO_WINDOW_START;

/* A free, naturally aligned range of size bytes in the window: not
 * overlapping any memory BAR another function (or this one) decodes
 * now. 0 when the window is full. */
static uint64_t bar_alloc(uint64_t size)
{
	uint64_t base = (mmio_next + size - 1) & ~(size - 1);
	bool moved = true;

	for (unsigned round = 0; moved && round < 64; round++) {
		moved = false;
		for (unsigned f = 0; f < pci_nfns; f++) {
			for (unsigned i = 0; i < nr_bars(&pci_fns[f]); i++) {
				struct bar o;

				bar_read(pci_fns[f].devfn, i, &o, false);
				if (o.is64)
					i++;
				if (o.io || !o.base)
					continue;
				bar_read(pci_fns[f].devfn, o.is64 ? i - 1 : i, &o, true);
				if (o.base < base + size && base < o.base + o.size) {
					base = (o.base + o.size + size - 1) & ~(size - 1);
					moved = true;
				}
			}
		}
	}
	if (moved || base + size > MMIO_WINDOW_END || base + size < base)
		return 0;
	mmio_next = base + size;
	return base;
}

/* The physical address of memory BAR i, assigned here when the VMM left
 * it at 0 or put it above the identity map. 0 and *err on failure. */
static uint64_t bar_address(const struct pci_fn *f, unsigned i, const char **err)
{
	struct bar b;
	unsigned off = PCI_BAR0 + 4 * i;

	bar_read(f->devfn, i, &b, false);
	if (b.io) {
		*err = "capability names an I/O BAR";
		return 0;
	}
	if (b.base && idmapped(b.base, 1))
		return b.base;
	bar_read(f->devfn, i, &b, true);
	if (!b.size) {
		*err = "BAR does not decode";
		return 0;
	}
	b.base = bar_alloc(b.size);
	if (!b.base) {
		*err = "no room for the BAR below 4 GiB";
		return 0;
	}
	pci_write32(f->devfn, off, (uint32_t)b.base);
	if (b.is64)
		pci_write32(f->devfn, off + 4, 0);
	return b.base;
}

/* ---- virtio-pci transport (4.1) ---- */

struct vdev;

struct vdrv {
	const char *name;
	uint16_t id;              /* virtio device ID (5) */
	uint16_t transitional;    /* its transitional PCI device ID (4.1.2.1) */
	unsigned nqueues;         /* queues 0 .. nqueues - 1 are set up */
	uint64_t want;            /* features accepted when offered, besides VERSION_1 */
	void (*use)(struct vdev *d);
};

struct vq {
	uint16_t index, size;
	uint16_t avail_idx;       /* next free avail ring slot (free-running) */
	uint16_t used_seen;       /* used->idx last consumed */
	struct virtq_desc *desc;
	volatile uint16_t *avail; /* flags, idx, ring[size], used_event */
	volatile uint16_t *used;  /* flags, idx, then {le32 id, le32 len}[] */
	uint8_t *buf;
	uintptr_t notify;
};

struct vdev {
	const struct vdrv *drv;
	const struct pci_fn *fn;
	uintptr_t common, notify_base, isr, device;
	uint32_t notify_mult;
	uint64_t features;        /* offered by the device */
	uint64_t accepted;        /* written to driver_feature */
	struct vq vq[2];
};

static void vdev_error(struct vdev *d, const char *what)
{
	put_str("virtio: ");
	put_bdf(d->fn->devfn);
	put_char(' ');
	put_str(d->drv->name);
	put_str(" error: ");
	put_str(what);
	put_char('\n');
}

static void vdev_error_status(struct vdev *d, const char *what, uint8_t status)
{
	put_str("virtio: ");
	put_bdf(d->fn->devfn);
	put_char(' ');
	put_str(d->drv->name);
	put_str(" error: ");
	put_str(what);
	put_str(" (status=0x");
	put_hex(status, 2);
	put_str(")\n");
}

/* Walks the capability list (PCI 3.0 6.7) for the first instance of each
 * virtio structure (4.1.4: "the driver SHOULD use the first instance"),
 * maps the BARs they name and turns on memory decoding and bus mastering.
 * False (after an error line) when one of common, notify or ISR is
 * missing. */
static bool vdev_map(struct vdev *d)
{
	unsigned devfn = d->fn->devfn;
	uintptr_t *where[VIRTIO_PCI_CAP_MAX + 1] = {
		[VIRTIO_PCI_CAP_COMMON] = &d->common,
		[VIRTIO_PCI_CAP_NOTIFY] = &d->notify_base,
		[VIRTIO_PCI_CAP_ISR] = &d->isr,
		[VIRTIO_PCI_CAP_DEVICE] = &d->device,
	};
	const char *err = NULL;
	uint32_t cmd;
	unsigned ptr;

	if (!(pci_read32(devfn, PCI_CMD_STATUS) >> 16 & PCI_STATUS_CAPS)) {
		vdev_error(d, "no capability list");
		return false;
	}
	ptr = pci_read8(devfn, PCI_CAP_PTR) & 0xfc;
	for (unsigned n = 0; ptr >= 0x40 && n < PCI_MAX_CAPS; n++) {
		uint32_t head = pci_read32(devfn, ptr);
		uint8_t type = (uint8_t)(head >> 24), len = (uint8_t)(head >> 16);
		unsigned next = (head >> 8) & 0xfc;
		uint32_t barw, off;
		uint64_t base;

		if ((head & 0xff) != PCI_CAP_ID_VNDR || type < VIRTIO_PCI_CAP_COMMON ||
		    type > VIRTIO_PCI_CAP_MAX || *where[type] || len < 16)
			goto next;
		barw = pci_read32(devfn, ptr + 4);
		if ((barw & 0xff) > 5)   /* 4.1.4.1: reserved BAR, ignore */
			goto next;
		if (type == VIRTIO_PCI_CAP_NOTIFY && len < VIRTIO_PCI_CAP_NOTIFY_LEN)
			goto next;
		off = pci_read32(devfn, ptr + 8);
		if (type == VIRTIO_PCI_CAP_COMMON && pci_read32(devfn, ptr + 12) < VC_MIN_LEN) {
			vdev_error(d, "common configuration too short");
			return false;
		}
		base = bar_address(d->fn, barw & 0xff, &err);
		if (!base) {
			vdev_error(d, err);
			return false;
		}
		*where[type] = (uintptr_t)(base + off);
		if (type == VIRTIO_PCI_CAP_NOTIFY)
			d->notify_mult = pci_read32(devfn, ptr + 16);
next:
		ptr = next;
	}
	if (!d->common || !d->notify_base || !d->isr) {
		vdev_error(d, !d->common ? "no common configuration capability" :
			   !d->notify_base ? "no notification capability" :
			   "no ISR capability");
		return false;
	}
	cmd = pci_read32(devfn, PCI_CMD_STATUS) & 0xffff;
	pci_write32(devfn, PCI_CMD_STATUS, cmd | PCI_CMD_MEMORY | PCI_CMD_MASTER);
	return true;
}

static uint8_t vdev_status(struct vdev *d)
{
	return mmio_r8(d->common + VC_DEVICE_STATUS);
}

static void vdev_set_status(struct vdev *d, uint8_t status)
{
	mmio_w8(d->common + VC_DEVICE_STATUS, status);
}

/* 3.1.1 step 8 fails: tell the device (FAILED, 2.1.2) and say why. */
static bool vdev_fail(struct vdev *d, const char *what)
{
	vdev_error_status(d, what, vdev_status(d));
	vdev_set_status(d, vdev_status(d) | VS_FAILED);
	return false;
}

/* Queue set-up (4.1.5.1.3) on one page of .bss. */
static bool vq_setup(struct vdev *d, uint16_t index)
{
	struct vq *q = &d->vq[index];
	uint8_t *page;
	uint16_t size;

	mmio_w16(d->common + VC_QUEUE_SELECT, index);
	size = mmio_r16(d->common + VC_QUEUE_SIZE);
	if (size == 0)
		return vdev_fail(d, "queue not available (queue_size 0)");
	if (mmio_r16(d->common + VC_QUEUE_ENABLE))
		return vdev_fail(d, "queue enabled before set-up");
	if (vq_pages_used == VQ_PAGES)
		return vdev_fail(d, "out of queue pages");
	page = vq_pages[vq_pages_used++];
	if (size > VQ_SIZE_MAX)
		size = VQ_SIZE_MAX;
	*q = (struct vq){
		.index = index,
		.size = size,
		.desc = (struct virtq_desc *)page,
		.avail = (volatile uint16_t *)(page + VQ_AVAIL_OFF),
		.used = (volatile uint16_t *)(page + VQ_USED_OFF),
		.buf = page + VQ_BUF_OFF,
		/* 4.1.4.4: cap.offset + queue_notify_off * multiplier */
		.notify = d->notify_base + (uintptr_t)mmio_r16(d->common + VC_QUEUE_NOTIFY_OFF) *
			d->notify_mult,
	};
	mmio_w16(d->common + VC_QUEUE_SIZE, size);
	mmio_w64(d->common + VC_QUEUE_DESC, (uintptr_t)q->desc);
	mmio_w64(d->common + VC_QUEUE_DRIVER, (uintptr_t)q->avail);
	mmio_w64(d->common + VC_QUEUE_DEVICE, (uintptr_t)q->used);
	mmio_w16(d->common + VC_QUEUE_ENABLE, 1);
	return true;
}

/* The driver initialization sequence, 3.1.1, over 4.1.4.3's registers. */
static bool vdev_init(struct vdev *d)
{
	uint64_t accept;
	unsigned n;

	/* 1. Reset; 4.1.4.3.2: wait until device_status reads back 0. */
	vdev_set_status(d, 0);
	for (n = 0; n < RESET_POLLS && vdev_status(d) != 0; n++)
		;
	if (n == RESET_POLLS) {
		vdev_error_status(d, "reset did not complete", vdev_status(d));
		return false;
	}
	/* 2, 3. */
	vdev_set_status(d, VS_ACKNOWLEDGE);
	if (stop_at == STOP_ACK)
		return false;
	vdev_set_status(d, VS_ACKNOWLEDGE | VS_DRIVER);
	if (stop_at == STOP_DRIVER)
		return false;
	/* 4. Device features, both halves. */
	mmio_w32(d->common + VC_DEVICE_FEATURE_SELECT, 0);
	d->features = mmio_r32(d->common + VC_DEVICE_FEATURE);
	mmio_w32(d->common + VC_DEVICE_FEATURE_SELECT, 1);
	d->features |= (uint64_t)mmio_r32(d->common + VC_DEVICE_FEATURE) << 32;
	if (!(d->features & VIRTIO_F_VERSION_1))
		return vdev_fail(d, "device does not offer VIRTIO_F_VERSION_1");
	/* The modern interface (6), plus what the type wants and the
	 * device offers. */
	accept = VIRTIO_F_VERSION_1 | (d->features & d->drv->want);
	d->accepted = accept;
	mmio_w32(d->common + VC_DRIVER_FEATURE_SELECT, 0);
	mmio_w32(d->common + VC_DRIVER_FEATURE, (uint32_t)accept);
	mmio_w32(d->common + VC_DRIVER_FEATURE_SELECT, 1);
	mmio_w32(d->common + VC_DRIVER_FEATURE, (uint32_t)(accept >> 32));
	if (stop_at == STOP_FEATURES)
		return false;
	/* 5, 6. */
	vdev_set_status(d, VS_ACKNOWLEDGE | VS_DRIVER | VS_FEATURES_OK);
	if (!(vdev_status(d) & VS_FEATURES_OK))
		return vdev_fail(d, "FEATURES_OK not kept");
	if (stop_at == STOP_FEATURES_OK)
		return false;
	/* 7. */
	if (d->drv->nqueues > sizeof(d->vq) / sizeof(d->vq[0]) ||
	    mmio_r16(d->common + VC_NUM_QUEUES) < d->drv->nqueues)
		return vdev_fail(d, "too few queues");
	for (unsigned i = 0; i < d->drv->nqueues; i++)
		if (!vq_setup(d, (uint16_t)i))
			return false;
	if (stop_at == STOP_QUEUE)
		return false;
	/* 8. */
	vdev_set_status(d, VS_ACKNOWLEDGE | VS_DRIVER | VS_FEATURES_OK | VS_DRIVER_OK);
	put_str("virtio: ");
	put_bdf(d->fn->devfn);
	put_char(' ');
	put_str(d->drv->name);
	put_str(" features=0x");
	put_hex(d->features, 1);
	put_str(" ok\n");
	return true;
}

/* Makes descriptor head available (2.7.13) and notifies the device
 * (4.1.5.2) unless it asked for no notifications (2.7.10). False, with
 * no notification, under virtiostop=nonotify: the caller must not wait. */
static bool vq_kick(struct vq *q, uint16_t head)
{
	q->avail[2 + q->avail_idx % q->size] = head;
	/* 2.7.13.3: the ring entry before the index (x86 keeps stores in
	 * order; the compiler must too). */
	compiler_barrier();
	q->avail[1] = ++q->avail_idx;
	/* 2.7.13.4: the index store before reading used->flags. */
	full_barrier();
	if (stop_at == STOP_NONOTIFY)
		return false;
	if (!(q->used[0] & VIRTQ_USED_F_NO_NOTIFY))
		mmio_w16(q->notify, q->index);
	return true;
}

/* Polls for the next used element (2.7.14); its length in *len and its
 * descriptor ID in *id. False after USED_POLLS polls or when the device
 * sets NEEDS_RESET. */
static bool vq_wait(struct vdev *d, struct vq *q, uint32_t *id, uint32_t *len)
{
	const volatile uint32_t *elem;

	for (unsigned n = 0; q->used[1] == q->used_seen; n++)
		if (n == USED_POLLS || (vdev_status(d) & VS_NEEDS_RESET))
			return false;
	compiler_barrier();
	elem = (const volatile uint32_t *)&q->used[2] + 2 * (q->used_seen % q->size);
	*id = elem[0];
	*len = elem[1];
	q->used_seen++;
	return true;
}

static void vq_timeout(struct vdev *d, struct vq *q)
{
	put_str("virtio-");
	put_str(d->drv->name);
	if (vdev_status(d) & VS_NEEDS_RESET) {
		put_str(": error: device needs reset, used.idx=");
		put_dec(q->used[1]);
		put_str(" status=0x");
		put_hex(vdev_status(d), 2);
		put_char('\n');
		return;
	}
	put_str(": timeout: used.idx=");
	put_dec(q->used[1]);
	put_str(" after ");
	put_dec(USED_POLLS);
	put_str(" polls, status=0x");
	put_hex(vdev_status(d), 2);
	put_char('\n');
}

/* ---- devices ---- */

/* virtio-rng (5.4): one device-writable buffer on the requestq; the
 * device fills it with entropy. */
#define RNG_BYTES 16

static void rng_use(struct vdev *d)
{
	struct vq *q = &d->vq[0];
	uint32_t id, len;

	for (unsigned i = 0; i < RNG_BYTES; i++)
		q->buf[i] = 0;
	q->desc[0] = (struct virtq_desc){
		.addr = (uintptr_t)q->buf,
		.len = RNG_BYTES,
		.flags = VIRTQ_DESC_F_WRITE,
	};
	if (!vq_kick(q, 0))
		return;
	if (!vq_wait(d, q, &id, &len)) {
		vq_timeout(d, q);
		return;
	}
	if (id != 0 || len > RNG_BYTES) {
		put_str("virtio-rng: error: used element id=");
		put_dec(id);
		put_str(" len=");
		put_dec(len);
		put_char('\n');
		return;
	}
	put_str("virtio-rng: got ");
	put_dec(len);
	put_str(" bytes ");
	for (uint32_t i = 0; i < len; i++)
		put_hex(q->buf[i], 2);
	put_char('\n');
	if (stop_at == STOP_NOISR)
		return;
	/* 4.1.4.5: reading the ISR status clears it; bit 0 is the queue
	 * interrupt (set since MSI-X is not enabled). */
	put_str("virtio-rng: isr=0x");
	put_hex(mmio_r8(d->isr), 1);
	put_char('\n');
}

/* virtio-blk (5.2): one requestq (5.2.2). Feature bits (5.2.3) this
 * driver looks at; it accepts FLUSH and RO when offered. */
#define VIRTIO_BLK_F_RO    (1ULL << 5)
#define VIRTIO_BLK_F_FLUSH (1ULL << 9)

/* struct virtio_blk_config (5.2.4): le64 capacity at 0, in 512-byte
 * sectors whatever blk_size says. */
#define VIRTIO_BLK_CFG_CAPACITY 0

/* Request types and status values (5.2.6). */
#define VIRTIO_BLK_T_IN     0
#define VIRTIO_BLK_T_OUT    1
#define VIRTIO_BLK_T_FLUSH  4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_ID_BYTES 20
#define BLK_SECTOR          512

#define BLK_READ_SECTORS    8   /* sectors 0-7, one 4 KiB request */
#define BLK_WRITE_SECTOR    1
/* The byte at offset i of the sector written: 0xa5 ^ (i & 0xff). */
#define BLK_PATTERN(i)      ((uint8_t)(0xa5 ^ ((i) & 0xff)))

/* 5.2.6: the request header, device-readable. */
struct virtio_blk_req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

/* The data buffer of the 4 KiB read (the queue page has only 3.5 KiB of
 * buffer room); also the source of the one-sector write. */
static uint8_t blk_data[BLK_READ_SECTORS * BLK_SECTOR] __attribute__((aligned(VQ_PAGE)));

/* One request (5.2.6), as Linux lays it out: descriptor 0 the 16-byte
 * header (device-readable), descriptor 1 the data (device-writable for
 * IN and GET_ID, readable for OUT; none when len is 0), the last one the
 * status byte (device-writable). Header at buf + 0, status at buf + 16.
 * Returns the status byte, or -1 (after a line saying why) when the
 * device did not answer, and -2 under virtiostop=nonotify (posted, not
 * notified: the device is left with it). */
static int blk_request(struct vdev *d, uint32_t type, uint64_t sector,
		       uint8_t *data, uint32_t len, bool device_writes)
{
	struct vq *q = &d->vq[0];
	struct virtio_blk_req_hdr *h = (struct virtio_blk_req_hdr *)q->buf;
	volatile uint8_t *status = q->buf + sizeof(*h);
	uint16_t n = 0;
	uint32_t id, used;

	*h = (struct virtio_blk_req_hdr){ .type = type, .sector = sector };
	*status = 0xff;   /* no valid status: tells a missed write apart */
	q->desc[n++] = (struct virtq_desc){
		.addr = (uintptr_t)h, .len = sizeof(*h), .flags = VIRTQ_DESC_F_NEXT, .next = 1,
	};
	if (len)
		q->desc[n++] = (struct virtq_desc){
			.addr = (uintptr_t)data, .len = len,
			.flags = VIRTQ_DESC_F_NEXT | (device_writes ? VIRTQ_DESC_F_WRITE : 0),
			.next = 2,
		};
	q->desc[n] = (struct virtq_desc){
		.addr = (uintptr_t)status, .len = 1, .flags = VIRTQ_DESC_F_WRITE,
	};
	if (!vq_kick(q, 0))
		return -2;
	if (!vq_wait(d, q, &id, &used)) {
		vq_timeout(d, q);
		return -1;
	}
	/* 2.7.8: used len counts the bytes written, data then status. */
	if (id != 0 || used < 1 || used > (device_writes ? len : 0) + 1) {
		put_str("virtio-blk: error: used element id=");
		put_dec(id);
		put_str(" len=");
		put_dec(used);
		put_char('\n');
		return -1;
	}
	return *status;
}

static void blk_status_line(const char *what, int status)
{
	put_str("virtio-blk: ");
	put_str(what);
	put_str(" status=");
	put_dec((uint64_t)status);
	put_char('\n');
}

static void blk_error_status(const char *what, int status)
{
	put_str("virtio-blk: error: ");
	put_str(what);
	put_str(" status=");
	put_dec((uint64_t)status);
	put_char('\n');
}

/* Capacity (5.2.4), both halves of one config generation (2.5.1 /
 * 4.1.4.3: read config_generation before and after, retry on change). */
static uint64_t blk_capacity(struct vdev *d)
{
	uint64_t cap = 0;

	for (unsigned tries = 0; tries < 4; tries++) {
		uint8_t gen = mmio_r8(d->common + VC_CONFIG_GENERATION);

		cap = mmio_r32(d->device + VIRTIO_BLK_CFG_CAPACITY);
		cap |= (uint64_t)mmio_r32(d->device + VIRTIO_BLK_CFG_CAPACITY + 4) << 32;
		if (mmio_r8(d->common + VC_CONFIG_GENERATION) == gen)
			break;
	}
	return cap;
}

static void blk_use(struct vdev *d)
{
	bool ro = d->accepted & VIRTIO_BLK_F_RO, flush = d->accepted & VIRTIO_BLK_F_FLUSH;
	uint32_t sum = 0;
	int st;

	if (!d->device) {
		put_str("virtio-blk: error: no device configuration capability\n");
		return;
	}
	put_str("virtio-blk: capacity=");
	put_dec(blk_capacity(d));
	put_str(" sectors ro=");
	put_dec(ro);
	put_str(" flush=");
	put_dec(flush);
	put_char('\n');

	/* IN: sectors 0-7, summed as the initrd is (README.md). */
	st = blk_request(d, VIRTIO_BLK_T_IN, 0, blk_data, sizeof(blk_data), true);
	if (st < 0)
		return;
	if (st) {
		blk_error_status("read sector 0", st);
	} else {
		for (unsigned i = 0; i < sizeof(blk_data); i += 4)
			sum += *(const uint32_t *)(blk_data + i);
		put_str("virtio-blk: read sector 0 sum=0x");
		put_hex(sum, 8);
		put_char('\n');
	}

	/* GET_ID: 20 bytes, NUL-padded ASCII (5.2.6). */
	for (unsigned i = 0; i <= VIRTIO_BLK_ID_BYTES; i++)
		blk_data[i] = 0;
	st = blk_request(d, VIRTIO_BLK_T_GET_ID, 0, blk_data, VIRTIO_BLK_ID_BYTES, true);
	if (st < 0)
		return;
	if (st) {
		blk_error_status("get-id", st);
	} else {
		put_str("virtio-blk: id=");
		for (unsigned i = 0; i < VIRTIO_BLK_ID_BYTES && blk_data[i]; i++)
			put_char(blk_data[i] >= 0x20 && blk_data[i] < 0x7f ?
				 (char)blk_data[i] : '?');
		put_char('\n');
	}

	/* OUT: sector 1 gets the pattern; on a read-only disk too, where
	 * the device must answer IOERR and write nothing (5.2.6.2). */
	for (unsigned i = 0; i < BLK_SECTOR; i++)
		blk_data[i] = BLK_PATTERN(i);
	st = blk_request(d, VIRTIO_BLK_T_OUT, BLK_WRITE_SECTOR, blk_data, BLK_SECTOR, false);
	if (st < 0)
		return;
	blk_status_line("write sector 1", st);
	if (flush && !ro) {
		st = blk_request(d, VIRTIO_BLK_T_FLUSH, 0, NULL, 0, false);
		if (st < 0)
			return;
		blk_status_line("flush", st);
	}
	if (stop_at == STOP_NOISR)
		return;
	/* 4.1.4.5, as for rng. */
	put_str("virtio-blk: isr=0x");
	put_hex(mmio_r8(d->isr), 1);
	put_char('\n');
}

/* Virtio device IDs (5): net 1 (transitional 0x1000), blk 2 (0x1001),
 * console 3 (0x1003), rng 4 (0x1005). */
static const struct vdrv drivers[] = {
	{ "blk", 2, 0x1001, 1, VIRTIO_BLK_F_FLUSH | VIRTIO_BLK_F_RO, blk_use },
	{ "rng", 4, 0x1005, 1, 0, rng_use },
};

/* The first unclaimed function that is a virtio device of type drv. */
static struct pci_fn *find_device(const struct vdrv *drv)
{
	for (unsigned i = 0; i < pci_nfns; i++) {
		struct pci_fn *f = &pci_fns[i];

		if (f->claimed || f->vendor != PCI_VENDOR_VIRTIO)
			continue;
		if (f->device == PCI_DEVICE_VIRTIO_MODERN + drv->id ||
		    (f->device == drv->transitional && f->subsys == drv->id))
			return f;
	}
	return NULL;
}

/* One per device driven, in .bss (zero at boot; no memset needed). */
#define MAX_VDEVS 8
static struct vdev vdevs[MAX_VDEVS];
static unsigned nvdevs;

static void drive(const char *name, size_t len)
{
	const struct vdrv *drv = NULL;
	struct vdev *d;

	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
		if (word_is(name, len, drivers[i].name))
			drv = &drivers[i];
	if (!drv) {
		put_str("virtio: error: unknown device type '");
		for (size_t i = 0; i < len; i++)
			put_char(name[i]);
		put_str("'\n");
		return;
	}
	if (nvdevs == MAX_VDEVS) {
		put_str("virtio: error: too many devices\n");
		return;
	}
	d = &vdevs[nvdevs];
	d->drv = drv;
	d->fn = find_device(drv);
	if (!d->fn) {
		put_str("virtio: no ");
		put_str(drv->name);
		put_str(" device\n");
		return;
	}
	nvdevs++;
	pci_fns[d->fn - pci_fns].claimed = true;
	if (vdev_map(d) && vdev_init(d) && stop_at != STOP_DRIVER_OK)
		drv->use(d);
}

/* virtiostop=<step>: its enum value, STOP_NONE (after an error line) for
 * a word not in stop_names[]. */
static enum stop_step parse_stop(const char *w, size_t len)
{
	for (unsigned i = 0; i < sizeof(stop_names) / sizeof(stop_names[0]); i++)
		if (stop_names[i] && word_is(w, len, stop_names[i]))
			return (enum stop_step)i;
	put_str("virtio: error: unknown virtiostop=");
	for (size_t i = 0; i < len; i++)
		put_char(w[i]);
	put_char('\n');
	return STOP_NONE;
}

void virtio_run(const char *list, size_t len, const char *stop, size_t stoplen)
{
	size_t i = 0;

	if (stop)
		stop_at = parse_stop(stop, stoplen);
	pci_scan();
	while (i < len) {
		size_t start = i;

		while (i < len && list[i] != ',')
			i++;
		if (i > start)
			drive(list + start, i - start);
		i++;
	}
	if (stop_at == STOP_NONE)
		return;
	/* Every device stays as it is: no exit action, no interrupts. */
	put_str("virtio: stopped after ");
	put_str(stop_names[stop_at]);
	put_char('\n');
	for (;;)
		__asm__ volatile("cli; hlt");
}
