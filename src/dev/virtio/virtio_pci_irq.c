// SPDX-License-Identifier: GPL-3.0-or-later
/* virtio-pci interrupts: MSI-X (virtio 1.2, 4.1.5; PCI Local Bus 3.0,
 * 6.8.2) through irqfds bound to KVM MSI routes, and INTx (4.1.4.5: the
 * ISR's queue/config bits explain a level interrupt; reading clears it). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "dev/virtio/virtio_pci_impl.h"
#include "vmm/kvm_events.h"

static bool msix_on(const struct virtio_pci *p)
{
	return p->msix_ctrl & MSIX_CTRL_ENABLE;
}

/* 6.8.2.9: a vector may send only when MSI-X is enabled, the function is
 * not masked and the entry is not masked. */
static bool vector_live(const struct virtio_pci *p, unsigned v)
{
	return msix_on(p) && !(p->msix_ctrl & MSIX_CTRL_FMASK) &&
	       !(p->vec[v].ctrl & MSIX_ENTRY_MASKED);
}

static uint64_t vector_addr(const struct vpci_vector *e)
{
	return (uint64_t)e->addr_hi << 32 | e->addr_lo;
}

/* Bring a live vector's KVM route up to the table entry. */
static void route_locked(struct virtio_pci *p, unsigned v)
{
	struct vpci_vector *e = &p->vec[v];
	uint64_t addr = vector_addr(e);

	if (e->fd < 0 || (e->routed && e->r_addr == addr && e->r_data == e->data))
		return;
	if (kvm_events_msi_route(p->cfg.kev, e->gsi, addr, e->data) == 0) {
		e->routed = true;
		e->r_addr = addr;
		e->r_data = e->data;
	} else {
		e->routed = false;
	}
}

static void fire_locked(struct virtio_pci *p, unsigned v)
{
	struct vpci_vector *e = &p->vec[v];
	uint64_t one = 1;

	route_locked(p, v);
	if (e->fd >= 0 && e->routed) {
		if (write(e->fd, &one, sizeof(one)) < 0) {
			/* Only an overflowing counter fails; the guest
			 * already has an interrupt pending then. */
		}
	} else if (p->cfg.msi_send) {
		p->cfg.msi_send(p->cfg.msi_opaque, vector_addr(e), e->data);
	}
}

/* 6.8.2.7: a masked vector's message is held in the PBA until unmasked. */
static void msix_notify_locked(struct virtio_pci *p, uint16_t v)
{
	if (v == VIRTQ_NO_VECTOR || v >= p->nvec)
		return;   /* 4.1.5.1.2: no vector, no interrupt */
	if (!vector_live(p, v)) {
		p->pba |= 1ULL << v;
		return;
	}
	fire_locked(p, v);
}

void vpci_msix_sync_locked(struct virtio_pci *p)
{
	for (unsigned v = 0; v < p->nvec; v++) {
		if (!vector_live(p, v))
			continue;
		route_locked(p, v);
		if (p->pba & (1ULL << v)) {
			p->pba &= ~(1ULL << v);
			fire_locked(p, v);
		}
	}
}

void vpci_intx_update_locked(struct virtio_pci *p)
{
	/* 6.8.2: a function with MSI-X enabled must not use INTx; 6.2.2:
	 * Interrupt Disable stops the pin, not the status bit. */
	bool level = p->intx_pending && !msix_on(p) &&
		     !(p->command & PCI_CMD_INTX_OFF);

	if (level != p->intx_level) {
		p->intx_level = level;
		irq_line_set(&p->cfg.intx, level);
	}
}

/* Through the vector with MSI-X enabled, else INTx: true for INTx. */
static bool raise_locked(struct virtio_pci *p, uint16_t vector)
{
	if (msix_on(p)) {
		msix_notify_locked(p, vector);
		return false;
	}
	p->intx_pending = true;
	vpci_intx_update_locked(p);
	return true;
}

/* Device callbacks: the device mutex is held (virtio_dev.h). */
static bool queue_irq(void *opaque, uint16_t q, uint16_t vector)
{
	struct virtio_pci *p = opaque;

	(void)q;
	pthread_mutex_lock(&p->lock);
	bool intx = raise_locked(p, vector);
	pthread_mutex_unlock(&p->lock);
	return intx;
}

static void config_irq(void *opaque, uint16_t vector)
{
	queue_irq(opaque, 0, vector);
}

const struct virtio_transport vpci_transport_ops = {
	.queue_interrupt = queue_irq,
	.config_interrupt = config_irq,
	.defer = vpci_defer,
	.kick_pending = vpci_kick_pending,
};

void vpci_intx_isr_read(struct virtio_pci *p)
{
	pthread_mutex_lock(&p->lock);
	p->intx_pending = false;
	vpci_intx_update_locked(p);
	pthread_mutex_unlock(&p->lock);
	/* An interrupt raised between the read and the lowering set a new
	 * ISR bit; keep the line up for it. */
	if (virtio_dev_isr_peek(p->dev)) {
		pthread_mutex_lock(&p->lock);
		if (!msix_on(p)) {
			p->intx_pending = true;
			vpci_intx_update_locked(p);
		}
		pthread_mutex_unlock(&p->lock);
	}
}

/* The table (6.8.2.6-6.8.2.9): DWORD or aligned QWORD accesses; anything
 * else reads zero and writes nothing (6.8.2.6 leaves it undefined). */
void vpci_msix_io(struct virtio_pci *p, uint64_t off, void *data,
		  unsigned len, bool is_write)
{
	unsigned v = off / MSIX_ENTRY_SIZE, field = off % MSIX_ENTRY_SIZE;

	if (!is_write)
		memset(data, 0, len);
	if (v >= p->nvec || (len != 4 && len != 8) || off % len)
		return;
	pthread_mutex_lock(&p->lock);
	for (unsigned i = 0; i < len / 4; i++, field += 4) {
		struct vpci_vector *e = &p->vec[v];
		uint32_t *reg = field == 0 ? &e->addr_lo : field == 4 ? &e->addr_hi :
				field == 8 ? &e->data : &e->ctrl;

		if (!is_write) {
			vpci_put_le((uint8_t *)data + 4 * i, *reg, 4);
			continue;
		}
		uint32_t val = (uint32_t)vpci_get_le((uint8_t *)data + 4 * i, 4);
		if (field == 0)
			val &= ~3u;          /* 6.8.2.6: bits 1:0 are zero */
		else if (field == 12)
			val &= MSIX_ENTRY_MASKED;  /* the rest is reserved */
		*reg = val;
	}
	if (is_write)
		vpci_msix_sync_locked(p);
	pthread_mutex_unlock(&p->lock);
}

void vpci_pba_read(struct virtio_pci *p, uint64_t off, void *data,
		   unsigned len)
{
	uint64_t pba;

	pthread_mutex_lock(&p->lock);
	pba = p->pba;
	pthread_mutex_unlock(&p->lock);
	memset(data, 0, len);
	if (off < 8)
		vpci_put_le(data, pba >> (8 * off), len < 8 - off ? len : 8 - off);
}

int vpci_irq_init(struct virtio_pci *p, char *err, size_t errlen)
{
	bool irqfd = kvm_events_have_irqfd(p->cfg.kev);

	for (unsigned v = 0; v < p->nvec; v++) {
		struct vpci_vector *e = &p->vec[v];

		*e = (struct vpci_vector){ .ctrl = MSIX_ENTRY_MASKED, .gsi = -1,
					   .fd = -1 };
		if (!irqfd)
			continue;
		e->gsi = kvm_events_msi_gsi(p->cfg.kev);
		e->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (e->gsi < 0 || e->fd < 0 ||
		    kvm_events_irqfd(p->cfg.kev, e->fd, e->gsi, true) < 0) {
			snprintf(err, errlen, "cannot bind an irqfd for MSI-X vector %u: %s",
				 v, e->gsi < 0 ? "no free GSI" : strerror(errno));
			return -1;
		}
	}
	return 0;
}

void vpci_irq_fini(struct virtio_pci *p)
{
	for (unsigned v = 0; v < p->nvec; v++) {
		struct vpci_vector *e = &p->vec[v];

		if (e->fd >= 0) {
			kvm_events_irqfd(p->cfg.kev, e->fd, e->gsi, false);
			close(e->fd);
			e->fd = -1;
		}
	}
}
