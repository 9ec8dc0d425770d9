/* SPDX-License-Identifier: GPL-3.0-or-later */
/* virtio over MMIO, version 2 (virtio 1.2, section 4.2): one register
 * window per device, found by the driver from the kernel command line
 * (`virtio_mmio.device=SIZE@ADDR:IRQ`, Linux's VIRTIO_MMIO_CMDLINE_DEVICES)
 * rather than by enumeration.
 *
 * Register layout (4.2.2), 32-bit accesses only (4.2.2.2: "The driver MUST
 * only use 32 bit wide and aligned reads and writes to access the control
 * registers"); anything else reads 0 and writes nothing:
 *
 *   0x000 MagicValue 0x74726976 ("virt")   0x004 Version (2)
 *   0x008 DeviceID   0x00c VendorID        0x010 DeviceFeatures
 *   0x014 DeviceFeaturesSel                0x020 DriverFeatures
 *   0x024 DriverFeaturesSel                0x030 QueueSel
 *   0x034 QueueNumMax  0x038 QueueNum      0x044 QueueReady
 *   0x050 QueueNotify  0x060 InterruptStatus  0x064 InterruptACK
 *   0x070 Status
 *   0x080/0x084 QueueDescLow/High   0x090/0x094 QueueDriverLow/High
 *   0x0a0/0x0a4 QueueDeviceLow/High 0x0ac SHMSel  0x0b0-0x0bc SHMLen/Base
 *   0x0c0 QueueReset  0x0fc ConfigGeneration  0x100 Config (any width)
 *
 * Kicks: one KVM ioeventfd per queue on QueueNotify, 4 bytes, with
 * datamatch = the queue index (an eventfd carries no value), read on the
 * I/O thread; a QueueNotify write that still exits (no ioeventfds, or an
 * index no queue has) is handled on the vCPU thread. Interrupts: one
 * level line (cfg.irq), asserted while InterruptStatus is not 0, lowered
 * by the InterruptACK that makes it 0 (4.2.2: InterruptStatus/ACK).
 *
 * Lifetime: create before vCPUs run, register virtio_mmio_io on the MMIO
 * bus at cfg.base, free after the vCPUs and the I/O thread have stopped
 * and before the VM fd closes. */
#ifndef HVMON_DEV_VIRTIO_VIRTIO_MMIO_H
#define HVMON_DEV_VIRTIO_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dev/virtio/virtio_dev.h"
#include "vmm/irq.h"

#define VIRTIO_MMIO_MAGIC      0x74726976u   /* "virt", little-endian */
#define VIRTIO_MMIO_VERSION    2             /* 4.2.2: non-legacy */
#define VIRTIO_MMIO_VENDOR     0x554d4551u   /* "QEMU", as every VMM uses */
#define VIRTIO_MMIO_SIZE       0x200         /* registers + 256 bytes config */

/* 4.2.2 register offsets. */
#define VIRTIO_MMIO_MAGIC_VALUE         0x000
#define VIRTIO_MMIO_VERSION_REG         0x004
#define VIRTIO_MMIO_DEVICE_ID           0x008
#define VIRTIO_MMIO_VENDOR_ID           0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES     0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES     0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL           0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX       0x034
#define VIRTIO_MMIO_QUEUE_NUM           0x038
#define VIRTIO_MMIO_QUEUE_READY         0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY        0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS    0x060
#define VIRTIO_MMIO_INTERRUPT_ACK       0x064
#define VIRTIO_MMIO_STATUS              0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW      0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH     0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW    0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH   0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW    0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH   0x0a4
#define VIRTIO_MMIO_SHM_SEL             0x0ac
#define VIRTIO_MMIO_SHM_LEN_LOW         0x0b0
#define VIRTIO_MMIO_SHM_LEN_HIGH        0x0b4
#define VIRTIO_MMIO_SHM_BASE_LOW        0x0b8
#define VIRTIO_MMIO_SHM_BASE_HIGH       0x0bc
#define VIRTIO_MMIO_QUEUE_RESET         0x0c0
#define VIRTIO_MMIO_CONFIG_GENERATION   0x0fc
#define VIRTIO_MMIO_CONFIG              0x100

struct iothread;
struct kvm_events;

struct virtio_mmio_config {
	uint64_t base;               /* guest-physical window base */
	struct irq_line irq;         /* the device's level interrupt line */
	struct kvm_events *kev;      /* for ioeventfds; NULL: none */
	struct iothread *io;         /* NULL: kicks run on the writing thread */
};

struct virtio_mmio;

/* dev must outlive the transport; the transport installs itself with
 * virtio_dev_set_transport. NULL with a reason in err. */
struct virtio_mmio *virtio_mmio_new(struct virtio_dev *dev,
				    const struct virtio_mmio_config *cfg,
				    char *err, size_t errlen);
void virtio_mmio_free(struct virtio_mmio *m);

/* The window's register file (a bus_io_fn); offset relative to base. */
void virtio_mmio_io(void *opaque, uint64_t offset, void *data, unsigned len,
		    bool is_write);

/* Inspector accessors. */
struct virtio_dev *virtio_mmio_dev(const struct virtio_mmio *m);
uint64_t virtio_mmio_base(const struct virtio_mmio *m);
unsigned virtio_mmio_gsi(const struct virtio_mmio *m);
bool virtio_mmio_irq_level(struct virtio_mmio *m);   /* line asserted now */
bool virtio_mmio_have_ioeventfds(const struct virtio_mmio *m);

#endif
