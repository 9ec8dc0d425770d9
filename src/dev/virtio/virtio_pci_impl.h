/* SPDX-License-Identifier: GPL-3.0-or-later */
/* virtio-pci internals shared by virtio_pci.c (configuration space,
 * lifetime), virtio_pci_bar.c (the BAR's registers) and virtio_pci_irq.c
 * (MSI-X and INTx). Not for other users.
 *
 * Locking: p->lock guards everything below that can change. It is taken
 * inside the device mutex (virtio_dev calls queue_interrupt with it held),
 * so nothing may call a virtio_dev function while holding p->lock. */
#ifndef HVMON_DEV_VIRTIO_VIRTIO_PCI_IMPL_H
#define HVMON_DEV_VIRTIO_VIRTIO_PCI_IMPL_H

#include <pthread.h>

#include "dev/virtio/virtio_kick.h"
#include "dev/virtio/virtio_pci.h"

/* PCI Local Bus 3.0, 6.2.2 Command and 6.2.3 Status. */
#define PCI_CMD_MEMORY     0x0002
#define PCI_CMD_MASTER     0x0004
#define PCI_CMD_INTX_OFF   0x0400
#define PCI_STS_INTX       0x0008
#define PCI_STS_CAP_LIST   0x0010

/* 6.8.2.3 MSI-X Message Control; 6.8.2.9 Vector Control. */
#define MSIX_CTRL_ENABLE   0x8000
#define MSIX_CTRL_FMASK    0x4000
#define MSIX_ENTRY_MASKED  0x0001
#define MSIX_ENTRY_SIZE    16

struct vpci_vector {
	uint32_t addr_lo, addr_hi, data, ctrl;   /* the table entry */
	int gsi;          /* MSI route, -1 without irqfds */
	int fd;           /* irqfd bound to gsi, -1 without */
	bool routed;      /* route holds (r_addr, r_data) */
	uint64_t r_addr;
	uint32_t r_data;
};

struct virtio_pci {
	struct virtio_dev *dev;
	struct virtio_pci_config cfg;
	uint32_t device_id;
	uint32_t config_size;
	uint16_t nq;
	int win_handle;
	uint64_t assigned_bar;

	pthread_mutex_t lock;
	uint8_t conf[PCI_CONFIG_SPACE_SIZE];   /* the read-only image */
	uint16_t command;
	uint64_t bar;                 /* the BAR register's address bits */
	bool decoding;
	uint64_t decoded_at;          /* valid when decoding */
	bool ioeventfds;              /* registered at decoded_at */
	uint8_t int_line;
	bool intx_pending;            /* PCI status bit 3 */
	bool intx_level;              /* what the line was last set to */

	unsigned msix_cap, cfg_cap;   /* capability offsets */
	uint16_t msix_ctrl;
	unsigned nvec;
	struct vpci_vector vec[VIRTIO_PCI_MAX_VECTORS];
	uint64_t pba;                 /* one bit a vector */

	/* VIRTIO_PCI_CAP_PCI_CFG window (4.1.4.9). */
	uint8_t cfgcap_bar;
	uint32_t cfgcap_off, cfgcap_len;

	struct virtio_kick kick[VIRTIO_DEV_MAX_QUEUES];
};

/* virtio_pci_irq.c */
int vpci_irq_init(struct virtio_pci *p, char *err, size_t errlen);
void vpci_irq_fini(struct virtio_pci *p);
extern const struct virtio_transport vpci_transport_ops;
/* With p->lock held: put the INTx line where pending/disable/MSI-X say. */
void vpci_intx_update_locked(struct virtio_pci *p);
/* The ISR was read (and cleared): lower INTx unless the ISR refilled. */
void vpci_intx_isr_read(struct virtio_pci *p);
/* With p->lock held: routes for live vectors, pending ones delivered. */
void vpci_msix_sync_locked(struct virtio_pci *p);
void vpci_msix_io(struct virtio_pci *p, uint64_t off, void *data,
		  unsigned len, bool is_write);
void vpci_pba_read(struct virtio_pci *p, uint64_t off, void *data,
		   unsigned len);

/* virtio_pci_bar.c */
void vpci_kick(struct virtio_pci *p, uint16_t q);
/* virtio_transport.defer: queue q served on the I/O thread's next round. */
bool vpci_defer(void *opaque, uint16_t q);
bool vpci_kick_pending(void *opaque, uint16_t q);

static inline uint64_t vpci_get_le(const void *data, unsigned len)
{
	const uint8_t *b = data;
	uint64_t v = 0;

	for (unsigned i = 0; i < len && i < 8; i++)
		v |= (uint64_t)b[i] << (8 * i);
	return v;
}

static inline void vpci_put_le(void *data, uint64_t v, unsigned len)
{
	uint8_t *b = data;

	for (unsigned i = 0; i < len && i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

#endif
