// SPDX-License-Identifier: GPL-3.0-or-later
/* virtio-mmio version 2 (virtio 1.2, section 4.2; virtio_mmio.h): the
 * register window mapped onto the transport-independent core, QueueNotify
 * through per-queue datamatch ioeventfds, and the level interrupt line
 * driven by InterruptStatus / InterruptACK. */
#include "dev/virtio/virtio_mmio.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/le.h"
#include "dev/virtio/virtio_kick.h"
#include "dev/virtio/virtio_trace.h"
#include "vmm/kvm_events.h"

struct virtio_mmio {
	struct virtio_dev *dev;
	struct virtio_mmio_config cfg;
	uint32_t device_id;
	uint16_t nq;
	/* Guards the line state. Taken inside the device mutex (the
	 * transport callbacks run with it held), so nothing may call a
	 * virtio_dev function while holding it. */
	pthread_mutex_t lock;
	bool level;
	struct virtio_kick kick[VIRTIO_DEV_MAX_QUEUES];
};

static void set_level(struct virtio_mmio *m, bool level)
{
	pthread_mutex_lock(&m->lock);
	if (m->level != level) {
		m->level = level;
		irq_line_set(&m->cfg.irq, level);
	}
	pthread_mutex_unlock(&m->lock);
}

/* Device callbacks, device mutex held (virtio_dev.h): the ISR byte already
 * has its new bit, so InterruptStatus is not 0 now. */
static bool queue_irq(void *opaque, uint16_t q, uint16_t vector)
{
	(void)q;
	(void)vector;   /* 4.2: no vectors, one line */
	set_level(opaque, true);
	return true;
}

static void config_irq(void *opaque, uint16_t vector)
{
	(void)vector;
	set_level(opaque, true);
}

/* 4.2.2 InterruptACK: clear the bits, then lower the line if nothing is
 * left. An interrupt raised between the two sets a bit again, so the line
 * is raised again right after (a short glitch, never a lost interrupt). */
static void interrupt_ack(struct virtio_mmio *m, uint32_t bits)
{
	virtio_dev_isr_ack(m->dev, (uint8_t)bits);
	if (virtio_dev_isr_peek(m->dev))
		return;
	set_level(m, false);
	if (virtio_dev_isr_peek(m->dev))
		set_level(m, true);
}

/* A QueueNotify write that reached userspace (4.2.2: the value is the
 * queue index; one no queue has is ignored). */
static void notify(struct virtio_mmio *m, uint32_t q)
{
	if (q < m->nq)
		virtio_kick_signal(&m->kick[q]);
	else
		virtio_dev_stray_notify(m->dev, VIRTIO_STRAY_NO_QUEUE, q, VIRTIO_MMIO_QUEUE_NOTIFY, 4);
}

static uint32_t reg_read(struct virtio_mmio *m, uint64_t off)
{
	struct virtio_dev *d = m->dev;

	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:      return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION_REG:      return VIRTIO_MMIO_VERSION;
	case VIRTIO_MMIO_DEVICE_ID:        return m->device_id;
	case VIRTIO_MMIO_VENDOR_ID:        return VIRTIO_MMIO_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return virtio_dev_reg_read(d, VIRTIO_REG_DEVICE_FEATURE);
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return virtio_dev_reg_read(d, VIRTIO_REG_QUEUE_SIZE_MAX);
	case VIRTIO_MMIO_QUEUE_READY:
		return virtio_dev_reg_read(d, VIRTIO_REG_QUEUE_READY);
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		/* 4.2.2: reading does not clear; InterruptACK does. */
		return virtio_dev_isr_read(d, false);
	case VIRTIO_MMIO_STATUS:
		return virtio_dev_reg_read(d, VIRTIO_REG_STATUS);
	case VIRTIO_MMIO_SHM_LEN_LOW: case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW: case VIRTIO_MMIO_SHM_BASE_HIGH:
		/* 4.2.2: a region that does not exist has length -1. */
		return 0xffffffffu;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return virtio_dev_reg_read(d, VIRTIO_REG_CONFIG_GENERATION);
	default:
		/* Write-only registers, QueueReset (VIRTIO_F_RING_RESET is
		 * not offered) and holes read 0. */
		return 0;
	}
}

static void reg_write(struct virtio_mmio *m, uint64_t off, uint32_t v)
{
	struct virtio_dev *d = m->dev;

	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		virtio_dev_reg_write(d, VIRTIO_REG_DEVICE_FEATURE_SEL, v); break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		virtio_dev_reg_write(d, VIRTIO_REG_DRIVER_FEATURE, v); break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		virtio_dev_reg_write(d, VIRTIO_REG_DRIVER_FEATURE_SEL, v); break;
	case VIRTIO_MMIO_QUEUE_SEL:
		virtio_dev_reg_write(d, VIRTIO_REG_QUEUE_SEL, v); break;
	case VIRTIO_MMIO_QUEUE_NUM:
		virtio_dev_reg_write(d, VIRTIO_REG_QUEUE_SIZE, v); break;
	case VIRTIO_MMIO_QUEUE_READY:
		virtio_dev_reg_write(d, VIRTIO_REG_QUEUE_READY, v); break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		notify(m, v); break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		interrupt_ack(m, v); break;
	case VIRTIO_MMIO_STATUS:
		virtio_dev_reg_write(d, VIRTIO_REG_STATUS, v);
		/* 4.2.2.1: writing 0 resets the device, ISR included; the
		 * status is the low byte, as the core reads it. */
		if ((uint8_t)v == 0)
			interrupt_ack(m, 0);
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
		virtio_dev_reg_write(d, VIRTIO_REG_QUEUE_DESC_LO, v); break;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		virtio_dev_reg_write(d, VIRTIO_REG_QUEUE_DESC_HI, v); break;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
		virtio_dev_reg_write(d, VIRTIO_REG_QUEUE_DRIVER_LO, v); break;
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		virtio_dev_reg_write(d, VIRTIO_REG_QUEUE_DRIVER_HI, v); break;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
		virtio_dev_reg_write(d, VIRTIO_REG_QUEUE_DEVICE_LO, v); break;
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		virtio_dev_reg_write(d, VIRTIO_REG_QUEUE_DEVICE_HI, v); break;
	default:
		/* Read-only registers, holes, and SHMSel: no shared memory
		 * regions exist, so every selection reads length -1. */
		break;
	}
}

static void mmio_io(struct virtio_mmio *m, uint64_t offset, void *data, unsigned len,
		    bool is_write)
{
	if (!is_write)
		memset(data, 0, len);
	if (len == 0 || offset >= VIRTIO_MMIO_SIZE || len > VIRTIO_MMIO_SIZE - offset)
		return;
	if (offset >= VIRTIO_MMIO_CONFIG) {
		/* 4.2.2.2: the device-specific configuration space takes any
		 * width the device type allows; the core bounds it. */
		uint32_t coff = (uint32_t)(offset - VIRTIO_MMIO_CONFIG);

		if (len > 8)
			return;
		if (is_write)
			virtio_dev_config_write(m->dev, coff, data, len);
		else
			virtio_dev_config_read(m->dev, coff, data, len);
		return;
	}
	/* 4.2.2.2: control registers are 32-bit and aligned; a driver that
	 * breaks this reaches nothing. */
	if (len != 4 || offset % 4)
		return;
	if (is_write)
		reg_write(m, offset, get_le32(data));
	else
		put_le32(data, reg_read(m, offset));
}

/* 4.2.2's register names, for `trace virtio`. */
static const char *reg_name(uint64_t off)
{
	static const struct { uint16_t off; const char *name; } names[] = {
		{ VIRTIO_MMIO_MAGIC_VALUE, "MagicValue" }, { VIRTIO_MMIO_VERSION_REG, "Version" },
		{ VIRTIO_MMIO_DEVICE_ID, "DeviceID" }, { VIRTIO_MMIO_VENDOR_ID, "VendorID" },
		{ VIRTIO_MMIO_DEVICE_FEATURES, "DeviceFeatures" },
		{ VIRTIO_MMIO_DEVICE_FEATURES_SEL, "DeviceFeaturesSel" },
		{ VIRTIO_MMIO_DRIVER_FEATURES, "DriverFeatures" },
		{ VIRTIO_MMIO_DRIVER_FEATURES_SEL, "DriverFeaturesSel" },
		{ VIRTIO_MMIO_QUEUE_SEL, "QueueSel" }, { VIRTIO_MMIO_QUEUE_NUM_MAX, "QueueNumMax" },
		{ VIRTIO_MMIO_QUEUE_NUM, "QueueNum" }, { VIRTIO_MMIO_QUEUE_READY, "QueueReady" },
		{ VIRTIO_MMIO_QUEUE_NOTIFY, "QueueNotify" },
		{ VIRTIO_MMIO_INTERRUPT_STATUS, "InterruptStatus" },
		{ VIRTIO_MMIO_INTERRUPT_ACK, "InterruptACK" }, { VIRTIO_MMIO_STATUS, "Status" },
		{ VIRTIO_MMIO_QUEUE_DESC_LOW, "QueueDescLow" },
		{ VIRTIO_MMIO_QUEUE_DESC_HIGH, "QueueDescHigh" },
		{ VIRTIO_MMIO_QUEUE_DRIVER_LOW, "QueueDriverLow" },
		{ VIRTIO_MMIO_QUEUE_DRIVER_HIGH, "QueueDriverHigh" },
		{ VIRTIO_MMIO_QUEUE_DEVICE_LOW, "QueueDeviceLow" },
		{ VIRTIO_MMIO_QUEUE_DEVICE_HIGH, "QueueDeviceHigh" },
		{ VIRTIO_MMIO_SHM_SEL, "SHMSel" }, { VIRTIO_MMIO_SHM_LEN_LOW, "SHMLenLow" },
		{ VIRTIO_MMIO_SHM_LEN_HIGH, "SHMLenHigh" }, { VIRTIO_MMIO_SHM_BASE_LOW, "SHMBaseLow" },
		{ VIRTIO_MMIO_SHM_BASE_HIGH, "SHMBaseHigh" }, { VIRTIO_MMIO_QUEUE_RESET, "QueueReset" },
		{ VIRTIO_MMIO_CONFIG_GENERATION, "ConfigGeneration" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].off == off)
			return names[i].name;
	return NULL;
}

static void trace_access(struct virtio_mmio *m, uint64_t offset, const void *data,
			 unsigned len, bool is_write)
{
	uint64_t val = 0;

	memcpy(&val, data, len < 8 ? len : 8);
	if (offset >= VIRTIO_MMIO_CONFIG)
		virtio_trace_access(virtio_dev_name(m->dev), "config", NULL,
				    offset - VIRTIO_MMIO_CONFIG, len, is_write, val);
	else
		virtio_trace_access(virtio_dev_name(m->dev), "mmio", reg_name(offset), offset, len,
				    is_write, val);
}

void virtio_mmio_io(void *opaque, uint64_t offset, void *data, unsigned len,
		    bool is_write)
{
	struct virtio_mmio *m = opaque;
	/* A write is shown before what it causes, a read with its value. */
	if (is_write && virtio_tracing())
		trace_access(m, offset, data, len, true);
	mmio_io(m, offset, data, len, is_write);
	if (!is_write && virtio_tracing())
		trace_access(m, offset, data, len, false);
}

/* KVM API 4.59: a 4-byte write of exactly q to QueueNotify signals the
 * queue's eventfd in the kernel. */
static int ioeventfd(struct virtio_mmio *m, uint16_t q, bool assign)
{
	return kvm_events_ioeventfd_data(m->cfg.kev, m->cfg.base + VIRTIO_MMIO_QUEUE_NOTIFY, 4, q,
					 m->kick[q].fd, assign);
}

static bool defer(void *opaque, uint16_t q)
{
	struct virtio_mmio *m = opaque;

	return q < m->nq && virtio_kick_defer(&m->kick[q]);
}

static bool kick_pending(void *opaque, uint16_t q)
{
	struct virtio_mmio *m = opaque;

	return q < m->nq && virtio_kick_pending(&m->kick[q]);
}

static const struct virtio_transport vmmio_transport_ops = {
	.queue_interrupt = queue_irq,
	.config_interrupt = config_irq,
	.defer = defer,
	.kick_pending = kick_pending,
};

struct virtio_mmio *virtio_mmio_new(struct virtio_dev *dev,
				    const struct virtio_mmio_config *cfg,
				    char *err, size_t errlen)
{
	struct virtio_mmio *m = calloc(1, sizeof(*m));
	struct virtio_transport t = vmmio_transport_ops;

	if (!m) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&m->lock, NULL);
	m->dev = dev;
	m->cfg = *cfg;
	m->device_id = virtio_dev_device_id(dev);
	m->nq = (uint16_t)virtio_dev_reg_read(dev, VIRTIO_REG_NUM_QUEUES);
	for (unsigned q = 0; q < VIRTIO_DEV_MAX_QUEUES; q++)
		m->kick[q] = (struct virtio_kick){ .fd = -1 };
	for (uint16_t q = 0; q < m->nq; q++) {
		if (virtio_kick_open(&m->kick[q], dev, q, cfg->io) < 0) {
			snprintf(err, errlen, "cannot watch queue %u's notifications", q);
			goto fail;
		}
		/* Without KVM ioeventfds the write exits and notify() signals
		 * the same eventfd. */
		if (m->kick[q].fd >= 0 && cfg->kev && ioeventfd(m, q, true) == 0)
			m->kick[q].registered = true;
	}
	t.opaque = m;
	virtio_dev_set_transport(dev, &t);
	return m;
fail:
	virtio_mmio_free(m);
	return NULL;
}

void virtio_mmio_free(struct virtio_mmio *m)
{
	if (!m)
		return;
	for (uint16_t q = 0; q < m->nq; q++) {
		if (m->kick[q].registered)
			ioeventfd(m, q, false);
		virtio_kick_close(&m->kick[q]);
	}
	pthread_mutex_destroy(&m->lock);
	free(m);
}

struct virtio_dev *virtio_mmio_dev(const struct virtio_mmio *m)
{
	return m->dev;
}

uint64_t virtio_mmio_base(const struct virtio_mmio *m)
{
	return m->cfg.base;
}

unsigned virtio_mmio_gsi(const struct virtio_mmio *m)
{
	return m->cfg.irq.gsi;
}

bool virtio_mmio_irq_level(struct virtio_mmio *m)
{
	bool l;

	pthread_mutex_lock(&m->lock);
	l = m->level;
	pthread_mutex_unlock(&m->lock);
	return l;
}

bool virtio_mmio_have_ioeventfds(const struct virtio_mmio *m)
{
	return m->nq && m->kick[0].registered;
}
