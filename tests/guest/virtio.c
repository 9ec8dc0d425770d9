// SPDX-License-Identifier: GPL-3.0-or-later
/* The test guest's virtio driver (README.md, "Virtio"): PCI enumeration of
 * bus 0 through configuration mechanism #1, the virtio-pci modern transport
 * (virtio 1.2 section 4.1), the driver initialization sequence (3.1.1) and
 * one split virtqueue (2.7) per queue, polled with interrupts off. The
 * same driver runs over virtio-mmio version 2 (4.2), for windows the DSDT
 * names (LNRO0005, acpi.c) or the command line with
 * virtio_mmio.device=SIZE@ADDR:IRQ (Linux's format): the few
 * transport-specific steps are behind struct vtrans.
 *
 * Ring-0 code runs in KVM's instruction emulator on the project's machines
 * (docs/design.md 1, about 1.5 M instructions/s) and every config-space or
 * BAR access is an exit (about 10 us): the driver makes few of them, and
 * every loop that waits on the device is bounded.
 *
 * Device types are a table (drivers[] below): a type names its virtio
 * device ID, how many queues it sets up and what it does once DRIVER_OK is
 * set (blk.c, rng.c, console.c, net.c). */
#include "acpi.h"
#include "virtio.h"

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
#define VC_CONFIG_MSIX_VECTOR    0x10   /* le16 */
#define VC_NUM_QUEUES            0x12   /* le16, read-only */
#define VC_DEVICE_STATUS         0x14   /* u8 */
#define VC_CONFIG_GENERATION     0x15   /* u8, read-only */
#define VC_QUEUE_SELECT          0x16   /* le16 */
#define VC_QUEUE_SIZE            0x18   /* le16 */
#define VC_QUEUE_MSIX_VECTOR     0x1a   /* le16 */
#define VC_QUEUE_ENABLE          0x1c   /* le16 */
#define VC_QUEUE_NOTIFY_OFF      0x1e   /* le16, read-only */
#define VC_QUEUE_DESC            0x20   /* le64 */
#define VC_QUEUE_DRIVER          0x28   /* le64 */
#define VC_QUEUE_DEVICE          0x30   /* le64 */
#define VC_MIN_LEN               0x38   /* everything up to queue_device */

static uint8_t vq_pages[VQ_PAGES][VQ_PAGE] __attribute__((aligned(VQ_PAGE)));
static unsigned vq_pages_used;

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

enum stop_step stop_at;
/* virtioring=packed: accept VIRTIO_F_RING_PACKED where offered. */
static bool ring_packed;

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

/* Where the device is: "00:01.0" on PCI, "mmio@0xd0000000" on MMIO. */
void put_where(const struct vdev *d)
{
	if (d->fn) {
		put_bdf(d->fn->devfn);
		return;
	}
	put_str("mmio@0x");
	put_hex(d->mmio, 8);
}

static void vdev_error(struct vdev *d, const char *what)
{
	put_str("virtio: ");
	put_where(d);
	put_char(' ');
	put_str(d->drv->name);
	put_str(" error: ");
	put_str(what);
	put_char('\n');
}

static void vdev_error_status(struct vdev *d, const char *what, uint8_t status)
{
	put_str("virtio: ");
	put_where(d);
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

/* ---- MSI-X (PCI Local Bus 3.0, 6.8.2; virtio 1.2, 4.1.5.1.2) ----
 * virtiomsix=on|masked: enable MSI-X with a table entry for the
 * configuration (0) and each queue (q + 1), aimed at the boot CPU's LAPIC
 * (vectors 0x40 up, fixed, edge), entry mask bits set with "masked". Interrupts stay off (cli): a delivered MSI waits in the
 * LAPIC, a masked one in the device's pending bit array. */
#define PCI_CAP_ID_MSIX   0x11
#define MSIX_ENABLE       0x80000000u   /* Message Control bit 15, in the cap's dword */
#define MSI_ADDR_LAPIC    0xfee00000u

static enum { MSIX_OFF, MSIX_ON, MSIX_MASKED } msix_mode;

static bool vdev_msix(struct vdev *d)
{
	unsigned devfn = d->fn->devfn, ptr = pci_read8(devfn, PCI_CAP_PTR) & 0xfc;
	const char *err = NULL;

	for (unsigned n = 0; ptr >= 0x40 && n < PCI_MAX_CAPS; n++) {
		uint32_t head = pci_read32(devfn, ptr);
		if ((head & 0xff) != PCI_CAP_ID_MSIX) {
			ptr = (head >> 8) & 0xfc;
			continue;
		}
		unsigned entries = ((head >> 16) & 0x7ff) + 1, used = d->drv->nqueues + 1;
		uint32_t table = pci_read32(devfn, ptr + 4);
		uint64_t base = bar_address(d->fn, table & 7, &err);
		if (!base || entries < used) {
			vdev_error(d, err ? err : "too few MSI-X table entries");
			return false;
		}
		uintptr_t t = (uintptr_t)(base + (table & ~7u));
		for (unsigned e = 0; e < used; e++) {
			mmio_w32(t + 16 * e, MSI_ADDR_LAPIC);
			mmio_w32(t + 16 * e + 4, 0);
			mmio_w32(t + 16 * e + 8, 0x40 + e);
			mmio_w32(t + 16 * e + 12, msix_mode == MSIX_MASKED);
		}
		pci_write32(devfn, ptr, head | MSIX_ENABLE);
		d->msix = true;
		put_str("virtio: ");
		put_where(d);
		put_str(" msix entries=");
		put_dec(entries);
		put_str(msix_mode == MSIX_MASKED ? " masked\n" : " unmasked\n");
		return true;
	}
	vdev_error(d, "no MSI-X capability");
	return false;
}

/* virtio-pci: the common configuration structure (4.1.4.3). */
static uint8_t pci_get_status(struct vdev *d)
{
	return mmio_r8(d->common + VC_DEVICE_STATUS);
}

static void pci_set_status(struct vdev *d, uint8_t status)
{
	mmio_w8(d->common + VC_DEVICE_STATUS, status);
}

static uint32_t pci_get_features(struct vdev *d, uint32_t sel)
{
	mmio_w32(d->common + VC_DEVICE_FEATURE_SELECT, sel);
	return mmio_r32(d->common + VC_DEVICE_FEATURE);
}

static void pci_set_features(struct vdev *d, uint32_t sel, uint32_t val)
{
	mmio_w32(d->common + VC_DRIVER_FEATURE_SELECT, sel);
	mmio_w32(d->common + VC_DRIVER_FEATURE, val);
}

static uint16_t pci_num_queues(struct vdev *d)
{
	return mmio_r16(d->common + VC_NUM_QUEUES);
}

static uint16_t pci_queue_max(struct vdev *d, uint16_t index)
{
	uint16_t size;

	mmio_w16(d->common + VC_QUEUE_SELECT, index);
	size = mmio_r16(d->common + VC_QUEUE_SIZE);
	if (size && mmio_r16(d->common + VC_QUEUE_ENABLE))
		return 0xffff;
	return size;
}

/* 4.1.5.1.3, with the queue still selected. */
static void pci_queue_program(struct vdev *d, struct vq *q)
{
	/* 4.1.4.4: cap.offset + queue_notify_off * multiplier */
	q->notify = d->notify_base + (uintptr_t)mmio_r16(d->common + VC_QUEUE_NOTIFY_OFF) *
		d->notify_mult;
	mmio_w16(d->common + VC_QUEUE_SIZE, q->size);
	mmio_w64(d->common + VC_QUEUE_DESC, (uintptr_t)q->desc);
	mmio_w64(d->common + VC_QUEUE_DRIVER, (uintptr_t)q->avail);
	mmio_w64(d->common + VC_QUEUE_DEVICE, (uintptr_t)q->used);
	/* 4.1.5.1.2: vectors after the reset of 3.1.1 step 1, before the
	 * queue is enabled; config changes on vector 0. */
	if (d->msix) {
		mmio_w16(d->common + VC_CONFIG_MSIX_VECTOR, 0);
		mmio_w16(d->common + VC_QUEUE_MSIX_VECTOR, (uint16_t)(q->index + 1));
		if (mmio_r16(d->common + VC_QUEUE_MSIX_VECTOR) != q->index + 1)
			vdev_error(d, "queue MSI-X vector not taken");
	}
	mmio_w16(d->common + VC_QUEUE_ENABLE, 1);
}

static uint32_t pci_config_generation(struct vdev *d)
{
	return mmio_r8(d->common + VC_CONFIG_GENERATION);
}

/* 4.1.4.5: reading the ISR status clears it. */
static uint8_t pci_isr(struct vdev *d)
{
	return mmio_r8(d->isr);
}

static const struct vtrans pci_trans = {
	pci_get_status, pci_set_status, pci_get_features, pci_set_features,
	pci_num_queues, pci_queue_max, pci_queue_program, pci_config_generation,
	pci_isr,
};

/* ---- virtio-mmio transport (4.2) ----
 * Register layout 4.2.2; 4.2.2.2: 32-bit aligned accesses only, except
 * the device-specific configuration at 0x100. */
#define VM_MAGIC            0x000
#define VM_VERSION          0x004
#define VM_DEVICE_ID        0x008
#define VM_DEVICE_FEATURES  0x010
#define VM_DEVICE_FEAT_SEL  0x014
#define VM_DRIVER_FEATURES  0x020
#define VM_DRIVER_FEAT_SEL  0x024
#define VM_QUEUE_SEL        0x030
#define VM_QUEUE_NUM_MAX    0x034
#define VM_QUEUE_NUM        0x038
#define VM_QUEUE_READY      0x044
#define VM_QUEUE_NOTIFY     0x050
#define VM_INTERRUPT_STATUS 0x060
#define VM_INTERRUPT_ACK    0x064
#define VM_STATUS           0x070
#define VM_QUEUE_DESC       0x080   /* low, high at + 4 */
#define VM_QUEUE_DRIVER     0x090
#define VM_QUEUE_DEVICE     0x0a0
#define VM_CONFIG_GEN       0x0fc
#define VM_CONFIG           0x100
#define VM_MAGIC_VALUE      0x74726976u   /* "virt" */

static uint8_t vm_get_status(struct vdev *d)
{
	return (uint8_t)mmio_r32(d->mmio + VM_STATUS);
}

static void vm_set_status(struct vdev *d, uint8_t status)
{
	mmio_w32(d->mmio + VM_STATUS, status);
}

static uint32_t vm_get_features(struct vdev *d, uint32_t sel)
{
	mmio_w32(d->mmio + VM_DEVICE_FEAT_SEL, sel);
	return mmio_r32(d->mmio + VM_DEVICE_FEATURES);
}

static void vm_set_features(struct vdev *d, uint32_t sel, uint32_t val)
{
	mmio_w32(d->mmio + VM_DRIVER_FEAT_SEL, sel);
	mmio_w32(d->mmio + VM_DRIVER_FEATURES, val);
}

/* 4.2 has no queue count: QueueNumMax 0 says a queue is absent. */
static uint16_t vm_num_queues(struct vdev *d)
{
	(void)d;
	return 0xffff;
}

/* 4.2.3.2 steps 1-3: select, check QueueReady is 0, read QueueNumMax. */
static uint16_t vm_queue_max(struct vdev *d, uint16_t index)
{
	uint32_t max;

	mmio_w32(d->mmio + VM_QUEUE_SEL, index);
	if (mmio_r32(d->mmio + VM_QUEUE_READY))
		return 0xffff;
	max = mmio_r32(d->mmio + VM_QUEUE_NUM_MAX);
	return max > 0x8000 ? 0x8000 : (uint16_t)max;
}

/* 4.2.3.2 steps 4-8. */
static void vm_queue_program(struct vdev *d, struct vq *q)
{
	q->notify = d->mmio + VM_QUEUE_NOTIFY;
	q->notify32 = true;
	mmio_w32(d->mmio + VM_QUEUE_NUM, q->size);
	mmio_w64(d->mmio + VM_QUEUE_DESC, (uintptr_t)q->desc);
	mmio_w64(d->mmio + VM_QUEUE_DRIVER, (uintptr_t)q->avail);
	mmio_w64(d->mmio + VM_QUEUE_DEVICE, (uintptr_t)q->used);
	mmio_w32(d->mmio + VM_QUEUE_READY, 1);
}

static uint32_t vm_config_generation(struct vdev *d)
{
	return mmio_r32(d->mmio + VM_CONFIG_GEN);
}

/* 4.2.2: InterruptStatus does not clear on read; InterruptACK with the
 * bits handled does (4.2.3.4). */
static uint8_t vm_isr(struct vdev *d)
{
	uint32_t isr = mmio_r32(d->mmio + VM_INTERRUPT_STATUS);

	mmio_w32(d->mmio + VM_INTERRUPT_ACK, isr);
	return (uint8_t)isr;
}

static const struct vtrans mmio_trans = {
	vm_get_status, vm_set_status, vm_get_features, vm_set_features,
	vm_num_queues, vm_queue_max, vm_queue_program, vm_config_generation,
	vm_isr,
};

uint8_t vdev_status(struct vdev *d)
{
	return d->t->get_status(d);
}

void vdev_set_status(struct vdev *d, uint8_t status)
{
	d->t->set_status(d, status);
}

/* 3.1.1 step 8 fails: tell the device (FAILED, 2.1.2) and say why. */
static bool vdev_fail(struct vdev *d, const char *what)
{
	vdev_error_status(d, what, vdev_status(d));
	vdev_set_status(d, vdev_status(d) | VS_FAILED);
	return false;
}

/* Queue set-up (4.1.5.1.3, 4.2.3.2) on one page of .bss. */
static bool vq_setup(struct vdev *d, uint16_t index)
{
	struct vq *q = &d->vq[index];
	uint8_t *page;
	uint16_t size;

	size = d->t->queue_max(d, index);
	if (size == 0)
		return vdev_fail(d, "queue not available (queue_size 0)");
	if (size == 0xffff)
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
		/* 2.8.1: both wrap counters start at 1. The page is zero, as
		 * 2.8.13 wants the ring. */
		.packed = d->accepted & VIRTIO_F_RING_PACKED,
		.avail_wrap = true,
		.used_wrap = true,
	};
	if (d->drv->use == blk_use)
		q->size = hostile_queue_size(size);
	d->t->queue_program(d, q);
	return true;
}

/* The driver initialization sequence, 3.1.1, over 4.1.4.3's registers. */
bool vdev_init(struct vdev *d)
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
	d->features = d->t->get_features(d, 0);
	d->features |= (uint64_t)d->t->get_features(d, 1) << 32;
	if (!(d->features & VIRTIO_F_VERSION_1))
		return vdev_fail(d, "device does not offer VIRTIO_F_VERSION_1");
	/* The modern interface (6), plus what the type wants and the
	 * device offers. */
	accept = VIRTIO_F_VERSION_1 | (d->features & d->drv->want);
	if (d->drv->use == blk_use)
		accept |= (d->features & hostile_features()) | hostile_unoffered_features();
	if (ring_packed)
		accept |= d->features & VIRTIO_F_RING_PACKED;
	d->accepted = accept;
	d->t->set_features(d, 0, (uint32_t)accept);
	d->t->set_features(d, 1, (uint32_t)(accept >> 32));
	if (stop_at == STOP_FEATURES)
		return false;
	/* 5, 6. */
	vdev_set_status(d, VS_ACKNOWLEDGE | VS_DRIVER | VS_FEATURES_OK);
	if (!(d->drv->use == blk_use && hostile_skips_status_check()) &&
	    !(vdev_status(d) & VS_FEATURES_OK))
		return vdev_fail(d, "FEATURES_OK not kept");
	if (stop_at == STOP_FEATURES_OK)
		return false;
	/* 7. */
	if (d->drv->nqueues > sizeof(d->vq) / sizeof(d->vq[0]) ||
	    d->t->num_queues(d) < d->drv->nqueues)
		return vdev_fail(d, "too few queues");
	for (unsigned i = 0; i < d->drv->nqueues; i++)
		if (!vq_setup(d, (uint16_t)i))
			return false;
	if (stop_at == STOP_QUEUE)
		return false;
	if (d->drv->use == blk_use)
		hostile_before_driver_ok(d);
	/* 8. */
	vdev_set_status(d, VS_ACKNOWLEDGE | VS_DRIVER | VS_FEATURES_OK | VS_DRIVER_OK);
	put_str("virtio: ");
	put_where(d);
	put_char(' ');
	put_str(d->drv->name);
	put_str(" features=0x");
	put_hex(d->features, 1);
	put_str(" ok\n");
	return true;
}

/* 2.8.21.1: each descriptor with flags AVAIL = the wrap counter and USED
 * its inverse, the first one's flags last, after a barrier; then, unless
 * the Device Event Suppression structure says DISABLE, the notification. */
static bool vq_post_packed(struct vq *q, uint16_t id, const struct vbuf *b, unsigned n)
{
	volatile struct pvirtq_desc *ring = (volatile struct pvirtq_desc *)q->desc;
	uint16_t first = q->next_avail, first_flags = 0;

	for (unsigned i = 0; i < n; i++) {
		volatile struct pvirtq_desc *d = &ring[q->next_avail];
		uint16_t f = (q->avail_wrap ? VIRTQ_DESC_F_AVAIL : VIRTQ_DESC_F_USED) |
			     (b[i].write ? VIRTQ_DESC_F_WRITE : 0) |
			     (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0);
		d->addr = b[i].addr;
		d->len = b[i].len;
		d->id = id;
		if (i == 0)
			first_flags = f;
		else
			d->flags = f;
		if (++q->next_avail == q->size) {
			q->next_avail = 0;
			q->avail_wrap = !q->avail_wrap;
		}
	}
	q->sgs[id] = (uint8_t)n;
	compiler_barrier();
	ring[first].flags = first_flags;
	full_barrier();
	if (stop_at == STOP_NONOTIFY)
		return false;
	if ((q->used[1] & 3) != RING_EVENT_FLAGS_DISABLE)
		vq_notify(q);
	return true;
}

bool vq_post(struct vq *q, uint16_t id, const struct vbuf *b, unsigned n)
{
	if (q->packed)
		return vq_post_packed(q, id, b, n);
	for (unsigned i = 0; i < n; i++)
		q->desc[id + i] = (struct virtq_desc){
			.addr = b[i].addr, .len = b[i].len,
			.flags = (b[i].write ? VIRTQ_DESC_F_WRITE : 0) |
				 (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0),
			.next = (uint16_t)(id + i + 1),
		};
	return vq_kick(q, id);
}

/* Makes descriptor head available (2.7.13) and notifies the device
 * (4.1.5.2) unless it asked for no notifications (2.7.10). False, with
 * no notification, under virtiostop=nonotify: the caller must not wait. */
bool vq_kick(struct vq *q, uint16_t head)
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
		vq_notify(q);
	return true;
}

void vq_notify(struct vq *q)
{
	if (q->notify32)
		mmio_w32(q->notify, q->index);   /* 4.2.2 QueueNotify */
	else
		mmio_w16(q->notify, q->index);
}

/* Polls for the next used element (2.7.14); its length in *len and its
 * descriptor ID in *id. False after USED_POLLS polls or when the device
 * sets NEEDS_RESET. */
unsigned bench_requests;

/* 2.8.22: the descriptor at next_used is used when its USED flag matches
 * the wrap counter; then skip the buffer's list. */
static bool packed_used(struct vq *q)
{
	volatile struct pvirtq_desc *d = (volatile struct pvirtq_desc *)q->desc + q->next_used;

	return !!(d->flags & VIRTQ_DESC_F_USED) == q->used_wrap;
}

static void packed_take(struct vq *q, uint32_t *id, uint32_t *len)
{
	volatile struct pvirtq_desc *d = (volatile struct pvirtq_desc *)q->desc + q->next_used;

	compiler_barrier();
	*id = d->id;
	*len = d->len;
	q->next_used += *id < VQ_SIZE_MAX && q->sgs[*id] ? q->sgs[*id] : 1;
	if (q->next_used >= q->size) {
		q->next_used -= q->size;
		q->used_wrap = !q->used_wrap;
	}
}

bool vq_wait_n(struct vdev *d, struct vq *q, uint32_t *id, uint32_t *len, unsigned polls)
{
	const volatile uint32_t *elem;

	if (q->packed) {
		for (unsigned n = 0; !packed_used(q); n++)
			if (n == (bench_requests ? BENCH_POLLS : polls) ||
			    (!bench_requests && (vdev_status(d) & VS_NEEDS_RESET)))
				return false;
		packed_take(q, id, len);
		return true;
	}

	/* virtiobench=: poll the ring alone, so the only exits are the
	 * requests' own (bench/virtio_blk.sh counts them). */
	if (bench_requests) {
		for (unsigned n = 0; q->used[1] == q->used_seen; n++)
			if (n == BENCH_POLLS)
				return false;
	}
	for (unsigned n = 0; q->used[1] == q->used_seen; n++)
		if (n == polls || (vdev_status(d) & VS_NEEDS_RESET))
			return false;
	compiler_barrier();
	elem = (const volatile uint32_t *)&q->used[2] + 2 * (q->used_seen % q->size);
	*id = elem[0];
	*len = elem[1];
	q->used_seen++;
	return true;
}

void vq_timeout(struct vdev *d, struct vq *q)
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
/* Virtio device IDs (5): net 1 (transitional 0x1000), blk 2 (0x1001),
 * console 3 (0x1003), rng 4 (0x1005). */
static const struct vdrv drivers[] = {
	{ "blk", 2, 0x1001, 1, VIRTIO_BLK_F_FLUSH | VIRTIO_BLK_F_RO, blk_use },
	{ "rng", 4, 0x1005, 1, 0, rng_use },
	{ "console", 3, 0x1003, 2, VIRTIO_CONSOLE_F_EMERG_WRITE, console_use },
	{ "net", 1, 0x1000, 2,
	  VIRTIO_NET_F_CSUM | VIRTIO_NET_F_MAC | VIRTIO_NET_F_MRG_RXBUF | VIRTIO_NET_F_STATUS,
	  net_use },
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

/* ---- virtio-mmio discovery ----
 * virtio_mmio.device=<size>@<baseaddr>:<irq>[:<id>], as Linux parses it
 * (drivers/virtio/virtio_mmio.c, VIRTIO_MMIO_CMDLINE_DEVICES): size with
 * an optional K/M/G suffix, numbers in C notation (0x hex, else decimal).
 * Each window is probed (4.2.2: MagicValue, Version 2, DeviceID not 0). */
struct mmio_win {
	uintptr_t base;
	uint64_t size;
	uint32_t irq, id;
	bool claimed;
};

#define MMIO_MAX_WINS 16
static struct mmio_win mmio_wins[MMIO_MAX_WINS];
static unsigned mmio_nwins;

/* A number at w[*i]; false when there is no digit. */
static bool parse_num(const char *w, size_t len, size_t *i, uint64_t *out)
{
	unsigned base = 10;
	size_t start;

	*out = 0;
	if (*i + 1 < len && w[*i] == '0' && (w[*i + 1] == 'x' || w[*i + 1] == 'X')) {
		base = 16;
		*i += 2;
	}
	start = *i;
	for (; *i < len; (*i)++) {
		char c = w[*i];
		unsigned v;

		if (c >= '0' && c <= '9')
			v = (unsigned)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			v = (unsigned)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			v = (unsigned)(c - 'A' + 10);
		else
			break;
		*out = *out * base + v;
	}
	return *i > start;
}

static void mmio_add(uint64_t base, uint64_t size, uint64_t irq);

static void mmio_word(const char *w, size_t len)
{
	static const char key[] = "virtio_mmio.device=";
	size_t i = sizeof(key) - 1;
	uint64_t size, base, irq;

	if (len < i || !word_is(w, i, key))
		return;
	if (!parse_num(w, len, &i, &size))
		goto bad;
	if (i < len && (w[i] == 'K' || w[i] == 'k'))
		size <<= 10, i++;
	else if (i < len && (w[i] == 'M' || w[i] == 'm'))
		size <<= 20, i++;
	else if (i < len && (w[i] == 'G' || w[i] == 'g'))
		size <<= 30, i++;
	if (i >= len || w[i++] != '@' || !parse_num(w, len, &i, &base) ||
	    i >= len || w[i++] != ':' || !parse_num(w, len, &i, &irq))
		goto bad;
	/* An optional ":<id>" (the platform device ID) is ignored. */
	mmio_add(base, size, irq);
	return;
bad:
	put_str("virtio: error: bad ");
	for (size_t j = 0; j < len; j++)
		put_char(w[j]);
	put_char('\n');
}

/* A window from the DSDT or the command line: checked, probed (4.2.2) and
 * kept when it holds a version-2 device. A window already known (both
 * sources naming it) is not probed twice. */
static void mmio_add(uint64_t base, uint64_t size, uint64_t irq)
{
	struct mmio_win *m;

	for (unsigned i = 0; i < mmio_nwins; i++)
		if (mmio_wins[i].base == base)
			return;
	if (size < 0x100) {
		put_str("virtio: error: virtio-mmio window smaller than its 0x100 bytes of registers\n");
		return;
	}
	if (!idmapped(base, size)) {
		put_str("virtio: error: virtio-mmio window outside the identity map\n");
		return;
	}
	if (mmio_nwins == MMIO_MAX_WINS) {
		put_str("virtio: error: too many virtio-mmio windows\n");
		return;
	}
	m = &mmio_wins[mmio_nwins];
	*m = (struct mmio_win){ .base = (uintptr_t)base, .size = size, .irq = (uint32_t)irq };
	put_str("mmio: 0x");
	put_hex(base, 8);
	put_str(" size=0x");
	put_hex(size, 1);
	put_str(" irq=");
	put_dec(irq);
	if (mmio_r32(m->base + VM_MAGIC) != VM_MAGIC_VALUE) {
		put_str(" no virtio magic\n");
		return;
	}
	uint32_t version = mmio_r32(m->base + VM_VERSION);
	m->id = mmio_r32(m->base + VM_DEVICE_ID);
	put_str(" version=");
	put_dec(version);
	put_str(" device=");
	put_dec(m->id);
	put_char('\n');
	/* 4.2.3.1.1: a version this driver does not know, or device ID 0
	 * (a placeholder, 4.2.2), is not driven. */
	if (version != 2 || m->id == 0)
		return;
	mmio_nwins++;
}

static void mmio_scan(const char *cmd, size_t cmdlen)
{
	size_t i = 0;

	while (i < cmdlen) {
		size_t start;

		while (i < cmdlen && cmd[i] == ' ')
			i++;
		start = i;
		while (i < cmdlen && cmd[i] != ' ')
			i++;
		if (i > start)
			mmio_word(cmd + start, i - start);
	}
}

static struct mmio_win *find_mmio(const struct vdrv *drv)
{
	for (unsigned i = 0; i < mmio_nwins; i++)
		if (!mmio_wins[i].claimed && mmio_wins[i].id == drv->id)
			return &mmio_wins[i];
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
	if (d->fn) {
		nvdevs++;
		d->t = &pci_trans;
		pci_fns[d->fn - pci_fns].claimed = true;
		if (vdev_map(d) && (msix_mode == MSIX_OFF || vdev_msix(d)) && vdev_init(d) &&
		    stop_at != STOP_DRIVER_OK)
			drv->use(d);
		return;
	}
	struct mmio_win *m = find_mmio(drv);
	if (!m) {
		put_str("virtio: no ");
		put_str(drv->name);
		put_str(" device\n");
		return;
	}
	nvdevs++;
	m->claimed = true;
	d->t = &mmio_trans;
	d->mmio = m->base;
	d->device = m->base + VM_CONFIG;   /* 4.2.2: Config at 0x100 */
	if (vdev_init(d) && stop_at != STOP_DRIVER_OK)
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

void virtio_run(const char *cmd, size_t cmdlen, const char *list, size_t len,
		const char *stop, size_t stoplen)
{
	size_t i = 0;

	size_t hlen;
	const char *h = find_option(cmd, cmdlen, "virtiohostile=", &hlen);

	if (stop)
		stop_at = parse_stop(stop, stoplen);
	if (h)
		hostile_parse(h, hlen);
	const char *ring = find_option(cmd, cmdlen, "virtioring=", &hlen);
	if (ring && word_is(ring, hlen, "packed"))
		ring_packed = true;
	else if (ring && !word_is(ring, hlen, "split"))
		put_str("virtio: error: virtioring= takes split or packed\n");
	const char *mx = find_option(cmd, cmdlen, "virtiomsix=", &hlen);
	if (mx && word_is(mx, hlen, "on"))
		msix_mode = MSIX_ON;
	else if (mx && word_is(mx, hlen, "masked"))
		msix_mode = MSIX_MASKED;
	else if (mx)
		put_str("virtio: error: virtiomsix= takes on or masked\n");
	const char *b = find_option(cmd, cmdlen, "virtiobench=", &hlen);
	size_t bi = 0;
	uint64_t nreq;
	if (b && parse_num(b, hlen, &bi, &nreq))
		bench_requests = nreq > 1000000 ? 1000000 : (unsigned)nreq;
	blk_bench_options(cmd, cmdlen);
	net_bench_options(cmd, cmdlen);
	pci_scan();
	/* The DSDT's LNRO0005 devices first (what a stock kernel reads),
	 * then any virtio_mmio.device= words. */
	struct acpi_mmio_dev acpi_devs[MMIO_MAX_WINS];
	int nacpi = acpi_mmio_devices(acpi_devs, MMIO_MAX_WINS);
	for (int i = 0; i < nacpi; i++)
		mmio_add(acpi_devs[i].base, acpi_devs[i].size, acpi_devs[i].irq);
	mmio_scan(cmd, cmdlen);
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
