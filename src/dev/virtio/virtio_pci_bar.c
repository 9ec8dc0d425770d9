// SPDX-License-Identifier: GPL-3.0-or-later
/* The virtio-pci BAR: common configuration (virtio 1.2, 4.1.4.3), ISR
 * (4.1.4.5), device configuration (4.1.4.6), notifications (4.1.4.4) and
 * the MSI-X table and PBA (PCI Local Bus 3.0, 6.8.2). Layout in
 * virtio_pci.h. Every access is the guest's: any offset, any width. */
#include <stdio.h>
#include <string.h>

#include "dev/virtio/virtio_pci_impl.h"
#include "dev/virtio/virtio_trace.h"

/* 4.1.4.3 struct virtio_pci_common_cfg. kind: a virtio_reg, or one of the
 * fields the transport answers itself. */
enum { F_REG, F_REG64, F_NOTIFY_OFF, F_ZERO };

struct common_field {
	uint8_t off, width, kind;
	enum virtio_reg reg;   /* F_REG64: the LO half; HI follows */
	const char *name;      /* the spec's field name, for traces */
};

static const struct common_field common_fields[] = {
	{ 0x00, 4, F_REG, VIRTIO_REG_DEVICE_FEATURE_SEL, "device_feature_select" },
	{ 0x04, 4, F_REG, VIRTIO_REG_DEVICE_FEATURE, "device_feature" },
	{ 0x08, 4, F_REG, VIRTIO_REG_DRIVER_FEATURE_SEL, "driver_feature_select" },
	{ 0x0c, 4, F_REG, VIRTIO_REG_DRIVER_FEATURE, "driver_feature" },
	{ 0x10, 2, F_REG, VIRTIO_REG_CONFIG_MSIX_VECTOR, "config_msix_vector" },
	{ 0x12, 2, F_REG, VIRTIO_REG_NUM_QUEUES, "num_queues" },
	{ 0x14, 1, F_REG, VIRTIO_REG_STATUS, "device_status" },
	{ 0x15, 1, F_REG, VIRTIO_REG_CONFIG_GENERATION, "config_generation" },
	{ 0x16, 2, F_REG, VIRTIO_REG_QUEUE_SEL, "queue_select" },
	{ 0x18, 2, F_REG, VIRTIO_REG_QUEUE_SIZE, "queue_size" },
	{ 0x1a, 2, F_REG, VIRTIO_REG_QUEUE_MSIX_VECTOR, "queue_msix_vector" },
	{ 0x1c, 2, F_REG, VIRTIO_REG_QUEUE_READY, "queue_enable" },
	{ 0x1e, 2, F_NOTIFY_OFF, 0, "queue_notify_off" },
	{ 0x20, 8, F_REG64, VIRTIO_REG_QUEUE_DESC_LO, "queue_desc" },
	{ 0x28, 8, F_REG64, VIRTIO_REG_QUEUE_DRIVER_LO, "queue_driver" },
	{ 0x30, 8, F_REG64, VIRTIO_REG_QUEUE_DEVICE_LO, "queue_device" },
	{ 0x38, 2, F_ZERO, 0, "queue_notify_data" },   /* no NOTIF_CONFIG_DATA */
	{ 0x3a, 2, F_ZERO, 0, "queue_reset" },         /* no VIRTIO_F_RING_RESET */
};

/* The field at off (a 64-bit field's high half too); NULL for holes. */
static const struct common_field *common_field_at(uint64_t off)
{
	for (size_t i = 0; i < sizeof(common_fields) / sizeof(common_fields[0]); i++) {
		const struct common_field *c = &common_fields[i];
		if (off >= c->off && off < (uint64_t)c->off + c->width)
			return c;
	}
	return NULL;
}

/* 4.1.5.1.2: a vector the table does not have maps to NO_VECTOR, which the
 * driver reads back to learn of the failure. */
static uint32_t clamp_vector(const struct virtio_pci *p, uint32_t v)
{
	return (v & 0xffff) < p->nvec ? (v & 0xffff) : VIRTQ_NO_VECTOR;
}

static void reg_write(struct virtio_pci *p, enum virtio_reg reg, uint32_t v)
{
	if (reg == VIRTIO_REG_CONFIG_MSIX_VECTOR ||
	    reg == VIRTIO_REG_QUEUE_MSIX_VECTOR)
		v = clamp_vector(p, v);
	virtio_dev_reg_write(p->dev, reg, v);
	if (reg == VIRTIO_REG_STATUS && v == 0)
		vpci_intx_isr_read(p);   /* reset cleared the ISR: line down */
}

static uint64_t common_read(struct virtio_pci *p, const struct common_field *f,
			    unsigned part, unsigned len)
{
	uint64_t v;

	switch (f->kind) {
	case F_REG:
		return virtio_dev_reg_read(p->dev, f->reg);
	case F_REG64:
		if (len == 8)
			return virtio_dev_reg_read(p->dev, f->reg) |
			       (uint64_t)virtio_dev_reg_read(p->dev, f->reg + 1) << 32;
		return virtio_dev_reg_read(p->dev, f->reg + part);
	case F_NOTIFY_OFF:
		/* 4.1.4.4: queue q notifies at cap.offset + q * multiplier. */
		v = virtio_dev_reg_read(p->dev, VIRTIO_REG_QUEUE_SEL);
		return v < p->nq ? v : 0;
	default:
		return 0;
	}
}

static void common_io(struct virtio_pci *p, uint64_t off, void *data,
		      unsigned len, bool is_write)
{
	const struct common_field *f = NULL;
	unsigned part = 0;

	/* 4.1.3.1: fields are accessed at their own width; 64-bit fields
	 * also as two 32-bit halves. Anything else: read 0, write nothing. */
	for (size_t i = 0; i < sizeof(common_fields) / sizeof(common_fields[0]); i++) {
		const struct common_field *c = &common_fields[i];

		if (off == c->off && len == c->width) {
			f = c;
		} else if (c->kind == F_REG64 && len == 4 &&
			   (off == c->off || off == c->off + 4u)) {
			f = c;
			part = off != c->off;
		}
	}
	if (!is_write) {
		vpci_put_le(data, f ? common_read(p, f, part, len) : 0, len);
		return;
	}
	if (!f || (f->kind != F_REG && f->kind != F_REG64))
		return;
	uint64_t v = vpci_get_le(data, len);
	if (f->kind == F_REG) {
		reg_write(p, f->reg, (uint32_t)v);
	} else if (len == 8) {
		reg_write(p, f->reg, (uint32_t)v);
		reg_write(p, f->reg + 1, (uint32_t)(v >> 32));
	} else {
		reg_write(p, f->reg + part, (uint32_t)v);
	}
}

/* A kick from a notify write that reached userspace, or a test: the same
 * path as the ioeventfd, so the device runs on the I/O thread. */
void vpci_kick(struct virtio_pci *p, uint16_t q)
{
	if (q < p->nq)
		virtio_kick_signal(&p->kick[q]);
}

static void bar_io(struct virtio_pci *p, uint64_t off, void *data, unsigned len,
		   bool is_write)
{
	if (off < VIRTIO_PCI_COMMON_LEN) {
		common_io(p, off, data, len, is_write);
	} else if (off == VIRTIO_PCI_ISR_OFF) {
		/* 4.1.4.5.1: reading the ISR resets it (and de-asserts INTx). */
		if (is_write)
			return;
		memset(data, 0, len);
		*(uint8_t *)data = virtio_dev_isr_read(p->dev, true);
		vpci_intx_isr_read(p);
	} else if (p->config_size && off >= VIRTIO_PCI_DEVICE_OFF &&
		   off < VIRTIO_PCI_DEVICE_OFF + VIRTIO_PCI_DEVICE_MAX) {
		/* The capability says config_size bytes (4.1.4.6); the core
		 * refuses, and counts, accesses beyond them. */
		uint32_t rel = (uint32_t)(off - VIRTIO_PCI_DEVICE_OFF);

		if (is_write)
			virtio_dev_config_write(p->dev, rel, data, len);
		else
			virtio_dev_config_read(p->dev, rel, data, len);
	} else if (off >= VIRTIO_PCI_NOTIFY_OFF && off < VIRTIO_PCI_MSIX_OFF) {
		uint64_t rel = off - VIRTIO_PCI_NOTIFY_OFF;
		bool in_area = rel < (uint64_t)p->nq * VIRTIO_PCI_NOTIFY_MULT;

		if (!is_write)
			memset(data, 0, len);
		/* The address names the queue (4.1.4.4); the data (its
		 * index, 4.1.5.2) is not trusted over it. */
		else if (in_area && rel % VIRTIO_PCI_NOTIFY_MULT == 0 && (len == 2 || len == 4))
			vpci_kick(p, (uint16_t)(rel / VIRTIO_PCI_NOTIFY_MULT));
		/* Anything else in the page is a notification to no queue:
		 * kept for diagnose, which says where the kicks went. */
		else
			virtio_dev_stray_notify(p->dev, in_area ? VIRTIO_STRAY_NOT_QUEUE_ADDR :
								  VIRTIO_STRAY_PAST_AREA,
						(uint32_t)vpci_get_le(data, len), (uint32_t)rel, len);
	} else if (off >= VIRTIO_PCI_MSIX_OFF &&
		   off < VIRTIO_PCI_MSIX_OFF + (uint64_t)p->nvec * MSIX_ENTRY_SIZE) {
		vpci_msix_io(p, off - VIRTIO_PCI_MSIX_OFF, data, len, is_write);
	} else if (off >= VIRTIO_PCI_PBA_OFF && off < VIRTIO_PCI_PBA_OFF + 8) {
		/* 6.8.2.10: the PBA is read-only. */
		if (!is_write)
			vpci_pba_read(p, off - VIRTIO_PCI_PBA_OFF, data, len);
	} else if (!is_write) {
		memset(data, 0, len);
	}
}

/* One trace line per BAR access: the structure it falls in (4.1.4) and,
 * in the common configuration, the field's name. */
static void trace_bar(const struct virtio_pci *p, uint64_t off, unsigned len, bool is_write,
		      uint64_t val)
{
	const char *dev = virtio_dev_name(p->dev);

	if (off < VIRTIO_PCI_COMMON_LEN) {
		const struct common_field *f = common_field_at(off);
		char name[40];
		/* A 64-bit field written as halves (4.1.3.1): which one. */
		if (f && f->width == 8 && len == 4)
			snprintf(name, sizeof(name), "%s.%s", f->name, off == f->off ? "lo" : "hi");
		else if (f)
			snprintf(name, sizeof(name), "%s", f->name);
		virtio_trace_access(dev, "common", f ? name : NULL, off, len, is_write, val);
	} else if (off == VIRTIO_PCI_ISR_OFF) {
		virtio_trace_access(dev, "isr", "isr", off, len, is_write, val);
	} else if (off >= VIRTIO_PCI_DEVICE_OFF && off < VIRTIO_PCI_NOTIFY_OFF) {
		virtio_trace_access(dev, "device", NULL, off - VIRTIO_PCI_DEVICE_OFF, len, is_write,
				    val);
	} else if (off >= VIRTIO_PCI_NOTIFY_OFF && off < VIRTIO_PCI_MSIX_OFF) {
		virtio_trace(dev, "%s notify q=%llu len=%u val=0x%llx", is_write ? "write" : "read",
			     (unsigned long long)((off - VIRTIO_PCI_NOTIFY_OFF) /
						  VIRTIO_PCI_NOTIFY_MULT), len,
			     (unsigned long long)val);
	} else if (off >= VIRTIO_PCI_MSIX_OFF && off < VIRTIO_PCI_PBA_OFF) {
		virtio_trace(dev, "%s msix[%llu]+0x%llx len=%u val=0x%llx",
			     is_write ? "write" : "read",
			     (unsigned long long)((off - VIRTIO_PCI_MSIX_OFF) / MSIX_ENTRY_SIZE),
			     (unsigned long long)((off - VIRTIO_PCI_MSIX_OFF) % MSIX_ENTRY_SIZE), len,
			     (unsigned long long)val);
	} else {
		virtio_trace_access(dev, "bar", NULL, off, len, is_write, val);
	}
}

bool vpci_defer(void *opaque, uint16_t q)
{
	struct virtio_pci *p = opaque;

	return q < p->nq && virtio_kick_defer(&p->kick[q]);
}

bool vpci_kick_pending(void *opaque, uint16_t q)
{
	struct virtio_pci *p = opaque;

	return q < p->nq && virtio_kick_pending(&p->kick[q]);
}

void virtio_pci_bar_io(void *opaque, uint64_t off, void *data, unsigned len,
		       bool is_write)
{
	struct virtio_pci *p = opaque;

	if (len == 0 || len > 8)
		return;
	/* A write is shown before what it causes, a read with its value. */
	if (is_write && virtio_tracing())
		trace_bar(p, off, len, true, vpci_get_le(data, len));
	bar_io(p, off, data, len, is_write);
	if (!is_write && virtio_tracing())
		trace_bar(p, off, len, false, vpci_get_le(data, len));
}
