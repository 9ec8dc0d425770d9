/* SPDX-License-Identifier: GPL-3.0-or-later */
/* virtio over PCI, modern interface only (virtio 1.2, section 4.1).
 *
 * One PCI function per virtio device: vendor 0x1af4, device 0x1040 + the
 * virtio device ID, revision 1 (4.1.2), a type 0 header whose capability
 * list holds the virtio structure capabilities (4.1.4) and an MSI-X
 * capability (4.1.5; PCI Local Bus 3.0, 6.8.2), and one 64-bit memory BAR
 * (BAR0/1) carrying every structure:
 *
 *   0x0000  common configuration (4.1.4.3), 0x3c bytes
 *   0x1000  ISR status, 1 byte, read-to-clear (4.1.4.5)
 *   0x2000  device-specific configuration (4.1.4.6), if the device has one
 *   0x3000  notifications (4.1.4.4): queue q at 0x3000 + 4 q
 *           (queue_notify_off = q, notify_off_multiplier = 4)
 *   0x4000  MSI-X table (PCI 3.0, 6.8.2.6), 16 bytes a vector
 *   0x5000  MSI-X pending bit array (6.8.2.7)
 *   size    0x8000
 *
 * Kicks: each queue's notify address has an ioeventfd (no datamatch), read
 * on the I/O thread, which calls virtio_dev_queue_notify; a notify write
 * that still exits to userspace signals the same eventfd. Interrupts:
 * MSI-X vectors through irqfds bound to MSI routes when the host has
 * them, else through cfg.msi_send; with MSI-X disabled, INTx (pin A) on
 * cfg.intx, lowered by the ISR read.
 *
 * Lifetime: create before vCPUs run, register on the PCI host with
 * virtio_pci_function_ops, free after the vCPUs and the I/O thread have
 * stopped. */
#ifndef HVMON_DEV_VIRTIO_VIRTIO_PCI_H
#define HVMON_DEV_VIRTIO_VIRTIO_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dev/pci_host.h"
#include "dev/virtio/virtio_dev.h"
#include "dev/virtio/virtio_pci_window.h"
#include "vmm/irq.h"

#define VIRTIO_PCI_VENDOR       0x1af4
#define VIRTIO_PCI_DEVICE_BASE  0x1040   /* + virtio device ID (4.1.2.1) */
#define VIRTIO_PCI_REVISION     1

#define VIRTIO_PCI_BAR_SIZE     0x8000
#define VIRTIO_PCI_COMMON_OFF   0x0000
#define VIRTIO_PCI_COMMON_LEN   0x3c
#define VIRTIO_PCI_ISR_OFF      0x1000
#define VIRTIO_PCI_DEVICE_OFF   0x2000
#define VIRTIO_PCI_DEVICE_MAX   0x1000
#define VIRTIO_PCI_NOTIFY_OFF   0x3000
#define VIRTIO_PCI_NOTIFY_MULT  4
#define VIRTIO_PCI_MSIX_OFF     0x4000
#define VIRTIO_PCI_PBA_OFF      0x5000
#define VIRTIO_PCI_MAX_VECTORS  64   /* queues beyond share by driver choice */

/* Virtio structure capability types (4.1.4). */
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG    3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4
#define VIRTIO_PCI_CAP_PCI_CFG    5

struct kvm_events;
struct iothread;

struct virtio_pci_config {
	struct pci_window *win;      /* where the BAR decodes */
	unsigned devfn;              /* for messages and the swizzle */
	struct irq_line intx;        /* INTA#; intx.gsi goes in Interrupt Line */
	struct kvm_events *kev;      /* NULL: no ioeventfds, no irqfds */
	struct iothread *io;         /* NULL: kicks run on the writing thread */
	/* MSI delivery when a vector has no irqfd (NULL: dropped). */
	void (*msi_send)(void *opaque, uint64_t addr, uint32_t data);
	void *msi_opaque;
};

struct virtio_pci;

/* dev must outlive the transport; the transport installs itself with
 * virtio_dev_set_transport. NULL with a reason in err. */
struct virtio_pci *virtio_pci_new(struct virtio_dev *dev,
				  const struct virtio_pci_config *cfg,
				  char *err, size_t errlen);
void virtio_pci_free(struct virtio_pci *p);

/* For pci_host_register(host, devfn, &virtio_pci_function_ops, p). */
extern const struct pci_function_ops virtio_pci_function_ops;

/* The BAR's address as hvmon assigned it. */
uint64_t virtio_pci_bar_addr(const struct virtio_pci *p);

/* The BAR's register file (what the window calls); offset relative to the
 * BAR. Exposed for tests. */
void virtio_pci_bar_io(void *opaque, uint64_t offset, void *data,
		       unsigned len, bool is_write);

/* ---- Inspector accessors (issue 4, `info virtio`, `diagnose`) ---- */

/* Interrupt routing as the driver left it (4.1.5: MSI-X or INTx). */
struct virtio_pci_irq_info {
	unsigned devfn;              /* PCI_DEVFN(slot, function) on bus 0 */
	unsigned intx_gsi;           /* INTA#'s GSI */
	bool intx_level;             /* INTx line currently asserted */
	bool msix_enabled;           /* MSI-X Enable (PCI 3.0, 6.8.2.3) */
	bool msix_function_masked;   /* Function Mask (6.8.2.3) */
	unsigned nvec;               /* table entries */
};

/* The virtio device behind the transport. */
struct virtio_dev *virtio_pci_dev(const struct virtio_pci *p);
/* A consistent snapshot (takes the transport lock). */
void virtio_pci_get_irq_info(struct virtio_pci *p, struct virtio_pci_irq_info *out);
/* MSI-X vector v: 1 when it cannot deliver (function mask or its entry's
 * Mask bit, 6.8.2.9), 0 when it can, -1 when v is not in the table. */
int virtio_pci_vector_masked(struct virtio_pci *p, uint16_t v);
/* The Mask bit of table entry v alone (Vector Control, PCI 3.0 6.8.2.9):
 * 1 or 0; -1 when v is not in the table. */
int virtio_pci_vector_entry_masked(struct virtio_pci *p, uint16_t v);
/* ---- end of inspector accessors ---- */

/* PCI class code (base class, sub-class, prog-if) for a virtio device type. */
uint32_t virtio_pci_class(uint32_t device_id);

#endif
