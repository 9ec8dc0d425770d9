// SPDX-License-Identifier: GPL-3.0-or-later
/* virtio-pci: the function's configuration space (PCI Local Bus 3.0,
 * 6.1-6.2 type 0 header; virtio 1.2, 4.1.2 discovery and 4.1.4 capability
 * list), BAR placement and relocation, ioeventfds for the notify region,
 * and the transport's lifetime. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev/virtio/virtio_pci_impl.h"
#include "dev/virtio/virtio_trace.h"
#include "vmm/kvm_events.h"

/* Type 0 header offsets (6.1). */
#define CFG_COMMAND    0x04
#define CFG_REVISION   0x08
#define CFG_CLASS      0x09
#define CFG_HEADER     0x0e
#define CFG_BAR0       0x10
#define CFG_BAR1       0x14
#define CFG_SUBVENDOR  0x2c
#define CFG_CAP_PTR    0x34
#define CFG_INT_LINE   0x3c
#define CFG_CAPS_START 0x40
#define BAR_MEM64      0x4        /* 6.2.5.1: memory, type 10b (64-bit) */
#define INT_PIN_A      1

#define CAP_ID_VENDOR  0x09
#define CAP_ID_MSIX    0x11
#define VCAP_LEN       16         /* struct virtio_pci_cap (4.1.4) */
#define VCAP_EXT_LEN   20         /* + notify_off_multiplier / pci_cfg_data */
#define MSIX_CAP_LEN   12

uint32_t virtio_pci_class(uint32_t device_id)
{
	switch (device_id) {
	case 1: return 0x020000;   /* network controller, Ethernet */
	case 2: return 0x010000;   /* mass storage, SCSI (as QEMU) */
	case 3: return 0x078000;   /* communication controller, other */
	default: return 0xff0000;  /* 4 entropy and the rest: unclassified */
	}
}

static void put(uint8_t *c, unsigned off, uint32_t v, unsigned len)
{
	vpci_put_le(c + off, v, len);
}

/* Append a capability of len bytes and link it after *prev. */
static unsigned add_cap(struct virtio_pci *p, unsigned *next, unsigned *prev,
			uint8_t id, unsigned len)
{
	unsigned off = *next;

	p->conf[off] = id;
	p->conf[off + 2] = (uint8_t)len;     /* cap_len, vendor caps only */
	if (*prev)
		p->conf[*prev + 1] = (uint8_t)off;
	else
		p->conf[CFG_CAP_PTR] = (uint8_t)off;
	*prev = off;
	*next = (off + len + 3) & ~3u;       /* 6.7: dword aligned */
	return off;
}

static void add_vcap(struct virtio_pci *p, unsigned *next, unsigned *prev,
		     uint8_t type, uint32_t offset, uint32_t length)
{
	unsigned len = type == VIRTIO_PCI_CAP_NOTIFY_CFG ||
		       type == VIRTIO_PCI_CAP_PCI_CFG ? VCAP_EXT_LEN : VCAP_LEN;
	unsigned off = add_cap(p, next, prev, CAP_ID_VENDOR, len);

	p->conf[off + 3] = type;             /* cfg_type */
	p->conf[off + 4] = 0;                /* bar: BAR0/1 */
	put(p->conf, off + 8, offset, 4);
	put(p->conf, off + 12, length, 4);
	if (type == VIRTIO_PCI_CAP_NOTIFY_CFG)
		put(p->conf, off + 16, VIRTIO_PCI_NOTIFY_MULT, 4);
	if (type == VIRTIO_PCI_CAP_PCI_CFG)
		p->cfg_cap = off;
}

static void build_config(struct virtio_pci *p)
{
	uint8_t *c = p->conf;
	unsigned next = CFG_CAPS_START, prev = 0, off;

	/* 4.1.2.1: vendor 0x1af4, device 0x1040 + ID, revision >= 1. */
	put(c, 0x00, VIRTIO_PCI_VENDOR, 2);
	put(c, 0x02, VIRTIO_PCI_DEVICE_BASE + p->device_id, 2);
	c[CFG_REVISION] = VIRTIO_PCI_REVISION;
	put(c, CFG_CLASS, virtio_pci_class(p->device_id), 3);
	c[CFG_HEADER] = 0;                   /* type 0, single function */
	put(c, CFG_SUBVENDOR, VIRTIO_PCI_VENDOR, 2);
	put(c, CFG_SUBVENDOR + 2, VIRTIO_PCI_DEVICE_BASE + p->device_id, 2);
	c[CFG_INT_LINE + 1] = INT_PIN_A;

	add_vcap(p, &next, &prev, VIRTIO_PCI_CAP_COMMON_CFG,
		 VIRTIO_PCI_COMMON_OFF, VIRTIO_PCI_COMMON_LEN);
	add_vcap(p, &next, &prev, VIRTIO_PCI_CAP_NOTIFY_CFG,
		 VIRTIO_PCI_NOTIFY_OFF, (uint32_t)p->nq * VIRTIO_PCI_NOTIFY_MULT);
	add_vcap(p, &next, &prev, VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_PCI_ISR_OFF, 1);
	/* 4.1.4.6: present only for a device with a config space. */
	if (p->config_size)
		add_vcap(p, &next, &prev, VIRTIO_PCI_CAP_DEVICE_CFG,
			 VIRTIO_PCI_DEVICE_OFF, p->config_size);
	add_vcap(p, &next, &prev, VIRTIO_PCI_CAP_PCI_CFG, 0, 0);
	/* 6.8.2: table and PBA in BAR0 (BIR 0). */
	off = add_cap(p, &next, &prev, CAP_ID_MSIX, MSIX_CAP_LEN);
	c[off + 2] = 0;                      /* not a cap_len: Message Control */
	put(c, off + 4, VIRTIO_PCI_MSIX_OFF, 4);
	put(c, off + 8, VIRTIO_PCI_PBA_OFF, 4);
	p->msix_cap = off;
}

/* With p->lock held: decode where the BAR and the Memory Space bit say
 * (6.2.5.1), moving the ioeventfds along. */
static void remap_locked(struct virtio_pci *p)
{
	bool want = (p->command & PCI_CMD_MEMORY) && p->bar;
	bool now = pci_window_map_bar(p->cfg.win, p->win_handle, p->bar, want);

	if (now == p->decoding && (!now || p->decoded_at == p->bar))
		return;
	if (p->ioeventfds)
		for (uint16_t q = 0; q < p->nq; q++)
			kvm_events_ioeventfd(p->cfg.kev, p->decoded_at + VIRTIO_PCI_NOTIFY_OFF +
					     (uint64_t)q * VIRTIO_PCI_NOTIFY_MULT, 2,
					     p->kick[q].fd, false);
	p->ioeventfds = false;
	p->decoding = now;
	p->decoded_at = now ? p->bar : 0;
	if (!now || !kvm_events_have_ioeventfd(p->cfg.kev) || p->kick[0].fd < 0)
		return;
	p->ioeventfds = true;
	for (uint16_t q = 0; q < p->nq; q++)
		if (kvm_events_ioeventfd(p->cfg.kev, p->decoded_at + VIRTIO_PCI_NOTIFY_OFF +
					 (uint64_t)q * VIRTIO_PCI_NOTIFY_MULT, 2,
					 p->kick[q].fd, true) < 0)
			/* That queue's kicks exit to userspace: same result. */
			continue;
}

static uint32_t dword_locked(struct virtio_pci *p, unsigned reg)
{
	const uint8_t *c = p->conf;

	if (reg == CFG_COMMAND)
		return p->command |
		       (uint32_t)(PCI_STS_CAP_LIST | (p->intx_pending ? PCI_STS_INTX : 0)) << 16;
	if (reg == CFG_BAR0)
		return ((uint32_t)p->bar & ~(VIRTIO_PCI_BAR_SIZE - 1u)) | BAR_MEM64;
	if (reg == CFG_BAR1)
		return (uint32_t)(p->bar >> 32);
	if (reg == CFG_INT_LINE)
		return p->int_line | (uint32_t)c[CFG_INT_LINE + 1] << 8;
	if (reg == p->msix_cap)
		return (uint32_t)vpci_get_le(c + reg, 2) |
		       (uint32_t)(p->msix_ctrl | (p->nvec - 1)) << 16;
	if (reg == p->cfg_cap + 4)
		return p->cfgcap_bar;
	if (reg == p->cfg_cap + 8)
		return p->cfgcap_off;
	if (reg == p->cfg_cap + 12)
		return p->cfgcap_len;
	return (uint32_t)vpci_get_le(c + reg, 4);
}

/* 4.1.4.9: pci_cfg_data accesses cap.length bytes at cap.offset of the
 * BAR cap.bar names, for drivers without a BAR mapping. Hostile values
 * (another BAR, a length other than 1, 2 or 4, misaligned, outside the BAR)
 * reach nothing. */
static bool cfgcap_target(struct virtio_pci *p, uint32_t *off, unsigned *len)
{
	pthread_mutex_lock(&p->lock);
	*off = p->cfgcap_off;
	*len = p->cfgcap_len;
	bool ok = p->cfgcap_bar == 0 && (*len == 1 || *len == 2 || *len == 4) &&
		  *off % *len == 0 && *off < VIRTIO_PCI_BAR_SIZE;
	pthread_mutex_unlock(&p->lock);
	return ok;
}

static uint32_t config_read_raw(void *opaque, unsigned off, unsigned len)
{
	struct virtio_pci *p = opaque;
	unsigned reg = off & ~3u, shift = 8 * (off & 3);
	uint32_t v = 0;

	if (off >= PCI_CONFIG_SPACE_SIZE || len > 4)
		return 0;
	if (reg == p->cfg_cap + 16) {
		uint8_t buf[4] = { 0 };
		uint32_t boff;
		unsigned blen;

		if (cfgcap_target(p, &boff, &blen))
			virtio_pci_bar_io(p, boff, buf, blen, false);
		v = (uint32_t)vpci_get_le(buf, 4);
	} else {
		pthread_mutex_lock(&p->lock);
		v = dword_locked(p, reg);
		pthread_mutex_unlock(&p->lock);
	}
	v >>= shift;
	return len == 4 ? v : v & ((1u << (8 * len)) - 1);
}

static void config_write_raw(void *opaque, unsigned off, unsigned len,
			     uint32_t value)
{
	struct virtio_pci *p = opaque;
	unsigned reg = off & ~3u, shift = 8 * (off & 3);
	uint32_t mask = len >= 4 ? 0xffffffffu : ((1u << (8 * len)) - 1) << shift;
	uint32_t v;

	if (off >= PCI_CONFIG_SPACE_SIZE || len > 4 || len == 0)
		return;
	pthread_mutex_lock(&p->lock);
	v = (dword_locked(p, reg) & ~mask) | ((value << shift) & mask);
	if (reg == CFG_COMMAND && (mask & 0xffff)) {
		p->command = v & (PCI_CMD_MEMORY | PCI_CMD_MASTER | PCI_CMD_INTX_OFF);
		remap_locked(p);
		vpci_intx_update_locked(p);
	} else if (reg == CFG_BAR0) {
		/* 6.2.5.1: the size bits read as zero, so all-ones reads back
		 * as the size mask. */
		p->bar = (p->bar & ~0xffffffffULL) |
			 (v & ~(VIRTIO_PCI_BAR_SIZE - 1u) & 0xfffffff0u);
		remap_locked(p);
	} else if (reg == CFG_BAR1) {
		p->bar = (p->bar & 0xffffffffULL) | (uint64_t)v << 32;
		remap_locked(p);
	} else if (reg == CFG_INT_LINE) {
		p->int_line = (uint8_t)v;   /* scratch for the OS (6.2.4) */
	} else if (reg == p->msix_cap && (mask >> 16)) {
		p->msix_ctrl = (v >> 16) & (MSIX_CTRL_ENABLE | MSIX_CTRL_FMASK);
		vpci_intx_update_locked(p);
		vpci_msix_sync_locked(p);
	} else if (reg == p->cfg_cap + 4) {
		p->cfgcap_bar = (uint8_t)v;
	} else if (reg == p->cfg_cap + 8) {
		p->cfgcap_off = v;
	} else if (reg == p->cfg_cap + 12) {
		p->cfgcap_len = v;
	} else if (reg == p->cfg_cap + 16) {
		uint32_t boff;
		unsigned blen;
		uint8_t buf[4];

		pthread_mutex_unlock(&p->lock);
		vpci_put_le(buf, v, 4);
		if (cfgcap_target(p, &boff, &blen))
			virtio_pci_bar_io(p, boff, buf, blen, true);
		return;
	}
	pthread_mutex_unlock(&p->lock);
}

/* For `trace virtio`: the type 0 header fields a driver touches (PCI 3.0,
 * 6.1) and the MSI-X message control; other offsets print as numbers. */
static const char *config_name(const struct virtio_pci *p, unsigned off)
{
	switch (off) {
	case 0x00: return "vendor";
	case 0x02: return "device";
	case CFG_COMMAND: return "command";
	case 0x06: return "status";
	case CFG_BAR0: return "bar0";
	case CFG_BAR1: return "bar1";
	case 0x34: return "cap_ptr";
	case CFG_INT_LINE: return "int_line";
	}
	return off == p->msix_cap + 2 ? "msix_ctrl" : NULL;
}

static uint32_t config_read(void *opaque, unsigned off, unsigned len)
{
	uint32_t v = config_read_raw(opaque, off, len);

	if (virtio_tracing()) {
		struct virtio_pci *p = opaque;
		virtio_trace_access(virtio_dev_name(p->dev), "pci_cfg", config_name(p, off), off,
				    len, false, v);
	}
	return v;
}

static void config_write(void *opaque, unsigned off, unsigned len, uint32_t value)
{
	if (virtio_tracing()) {
		struct virtio_pci *p = opaque;
		virtio_trace_access(virtio_dev_name(p->dev), "pci_cfg", config_name(p, off), off,
				    len, true, value);
	}
	config_write_raw(opaque, off, len, value);
}

const struct pci_function_ops virtio_pci_function_ops = {
	.config_read = config_read,
	.config_write = config_write,
};

/* The device's config space, as much as the BAR's window shows. */
static uint32_t window_config_size(struct virtio_dev *d)
{
	uint32_t n = virtio_dev_config_size(d);

	return n < VIRTIO_PCI_DEVICE_MAX ? n : VIRTIO_PCI_DEVICE_MAX;
}

uint64_t virtio_pci_bar_addr(const struct virtio_pci *p)
{
	return p->assigned_bar;
}

/* ---- Inspector accessors (issue 4) ---- */
struct virtio_dev *virtio_pci_dev(const struct virtio_pci *p)
{
	return p->dev;
}

void virtio_pci_get_irq_info(struct virtio_pci *p, struct virtio_pci_irq_info *out)
{
	pthread_mutex_lock(&p->lock);
	*out = (struct virtio_pci_irq_info){
		.devfn = p->cfg.devfn,
		.intx_gsi = p->cfg.intx.gsi,
		.intx_level = p->intx_level,
		.msix_enabled = p->msix_ctrl & MSIX_CTRL_ENABLE,
		.msix_function_masked = p->msix_ctrl & MSIX_CTRL_FMASK,
		.nvec = p->nvec,
	};
	pthread_mutex_unlock(&p->lock);
}

int virtio_pci_vector_masked(struct virtio_pci *p, uint16_t v)
{
	int r;

	pthread_mutex_lock(&p->lock);
	if (v >= p->nvec)
		r = -1;
	else
		r = (p->msix_ctrl & MSIX_CTRL_FMASK) ||
		    (p->vec[v].ctrl & MSIX_ENTRY_MASKED);
	pthread_mutex_unlock(&p->lock);
	return r;
}

int virtio_pci_vector_entry_masked(struct virtio_pci *p, uint16_t v)
{
	int r;

	pthread_mutex_lock(&p->lock);
	r = v >= p->nvec ? -1 : !!(p->vec[v].ctrl & MSIX_ENTRY_MASKED);
	pthread_mutex_unlock(&p->lock);
	return r;
}
/* ---- end of inspector accessors ---- */

struct virtio_pci *virtio_pci_new(struct virtio_dev *dev,
				  const struct virtio_pci_config *cfg,
				  char *err, size_t errlen)
{
	struct virtio_pci *p = calloc(1, sizeof(*p));
	struct virtio_transport t = vpci_transport_ops;

	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&p->lock, NULL);
	p->dev = dev;
	p->cfg = *cfg;
	p->device_id = virtio_dev_device_id(dev);
	p->nq = (uint16_t)virtio_dev_reg_read(dev, VIRTIO_REG_NUM_QUEUES);
	p->config_size = window_config_size(dev);
	p->nvec = p->nq + 1u < VIRTIO_PCI_MAX_VECTORS ? p->nq + 1u : VIRTIO_PCI_MAX_VECTORS;
	p->int_line = (uint8_t)cfg->intx.gsi;
	p->win_handle = -1;
	for (unsigned q = 0; q < VIRTIO_DEV_MAX_QUEUES; q++)
		p->kick[q] = (struct virtio_kick){ .fd = -1 };
	for (unsigned v = 0; v < VIRTIO_PCI_MAX_VECTORS; v++)
		p->vec[v] = (struct vpci_vector){ .gsi = -1, .fd = -1 };
	build_config(p);
	p->assigned_bar = pci_window_alloc(cfg->win, VIRTIO_PCI_BAR_SIZE);
	p->win_handle = pci_window_add_bar(cfg->win, VIRTIO_PCI_BAR_SIZE,
					   virtio_pci_bar_io, p);
	if (!p->assigned_bar || p->win_handle < 0) {
		snprintf(err, errlen, "the PCI memory window is full");
		goto fail;
	}
	if (vpci_irq_init(p, err, errlen) < 0)
		goto fail;
	for (uint16_t q = 0; q < p->nq; q++)
		if (virtio_kick_open(&p->kick[q], dev, q, cfg->io) < 0) {
			snprintf(err, errlen, "cannot watch queue %u's notifications", q);
			goto fail;
		}
	/* As firmware leaves it: BAR assigned, memory decoding on. */
	pthread_mutex_lock(&p->lock);
	p->bar = p->assigned_bar;
	p->command = PCI_CMD_MEMORY;
	remap_locked(p);
	pthread_mutex_unlock(&p->lock);
	t.opaque = p;
	virtio_dev_set_transport(dev, &t);
	return p;
fail:
	virtio_pci_free(p);
	return NULL;
}

void virtio_pci_free(struct virtio_pci *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->command = 0;
	if (p->win_handle >= 0 && p->assigned_bar)
		remap_locked(p);   /* ioeventfds off */
	pthread_mutex_unlock(&p->lock);
	vpci_irq_fini(p);
	for (uint16_t q = 0; q < p->nq; q++)
		virtio_kick_close(&p->kick[q]);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
