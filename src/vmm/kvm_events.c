// SPDX-License-Identifier: GPL-3.0-or-later
/* ioeventfds, irqfds and the GSI routing table (see kvm_events.h). */
#include "vmm/kvm_events.h"

#include <errno.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm/kvm.h"

#define IRQCHIP_GSIS   24   /* the IOAPIC's pins */
#define PIC_GSIS       16
#define MAX_ROUTES     1024
#define FIRST_MSI_GSI  IRQCHIP_GSIS

struct kvm_events {
	int vm_fd;
	bool ioeventfd, any_length, irqfd;
	pthread_mutex_t lock;
	int next_gsi;
	unsigned nr;
	struct kvm_irq_routing *table;   /* header + MAX_ROUTES entries */
};

static struct kvm_irq_routing_entry *route_slot(struct kvm_events *e)
{
	return &e->table->entries[e->nr++];
}

/* The routes KVM_CREATE_IRQCHIP installs (kernel's default x86 routing):
 * GSI n < 16 on PIC pin n % 8 (master below 8, slave above) and IOAPIC pin
 * n; GSIs 16-23 on IOAPIC pin n only. */
static void default_routes(struct kvm_events *e)
{
	for (unsigned gsi = 0; gsi < IRQCHIP_GSIS; gsi++) {
		struct kvm_irq_routing_entry *r;

		if (gsi < PIC_GSIS) {
			r = route_slot(e);
			r->gsi = gsi;
			r->type = KVM_IRQ_ROUTING_IRQCHIP;
			r->u.irqchip.irqchip = gsi < 8 ? KVM_IRQCHIP_PIC_MASTER :
							  KVM_IRQCHIP_PIC_SLAVE;
			r->u.irqchip.pin = gsi % 8;
		}
		r = route_slot(e);
		r->gsi = gsi;
		r->type = KVM_IRQ_ROUTING_IRQCHIP;
		r->u.irqchip.irqchip = KVM_IRQCHIP_IOAPIC;
		r->u.irqchip.pin = gsi;
	}
}

struct kvm_events *kvm_events_new(int kvm_fd, int vm_fd)
{
	struct kvm_events *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->table = calloc(1, sizeof(*e->table) +
			     MAX_ROUTES * sizeof(e->table->entries[0]));
	if (!e->table) {
		free(e);
		return NULL;
	}
	e->vm_fd = vm_fd;
	e->ioeventfd = kvm_check_cap(kvm_fd, KVM_CAP_IOEVENTFD) > 0;
	e->any_length = kvm_check_cap(kvm_fd, KVM_CAP_IOEVENTFD_ANY_LENGTH) > 0;
	e->irqfd = kvm_check_cap(kvm_fd, KVM_CAP_IRQFD) > 0 &&
		   kvm_check_cap(kvm_fd, KVM_CAP_IRQ_ROUTING) > 0;
	e->next_gsi = FIRST_MSI_GSI;
	pthread_mutex_init(&e->lock, NULL);
	default_routes(e);
	return e;
}

void kvm_events_free(struct kvm_events *e)
{
	if (!e)
		return;
	pthread_mutex_destroy(&e->lock);
	free(e->table);
	free(e);
}

bool kvm_events_have_ioeventfd(const struct kvm_events *e)
{
	return e && e->ioeventfd;
}

bool kvm_events_have_irqfd(const struct kvm_events *e)
{
	return e && e->irqfd;
}

int kvm_events_ioeventfd(struct kvm_events *e, uint64_t addr,
			 unsigned fallback_len, int fd, bool assign)
{
	struct kvm_ioeventfd io = {
		.addr = addr,
		.len = e->any_length ? 0 : fallback_len,
		.fd = fd,
		.flags = assign ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN,
	};

	if (!e->ioeventfd)
		return -ENOSYS;
	return ioctl(e->vm_fd, KVM_IOEVENTFD, &io) < 0 ? -errno : 0;
}

int kvm_events_ioeventfd_data(struct kvm_events *e, uint64_t addr, unsigned len,
			      uint64_t data, int fd, bool assign)
{
	struct kvm_ioeventfd io = {
		.datamatch = data,
		.addr = addr,
		.len = len,
		.fd = fd,
		.flags = KVM_IOEVENTFD_FLAG_DATAMATCH | (assign ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN),
	};

	if (!e->ioeventfd)
		return -ENOSYS;
	return ioctl(e->vm_fd, KVM_IOEVENTFD, &io) < 0 ? -errno : 0;
}

int kvm_events_msi_gsi(struct kvm_events *e)
{
	int gsi = -1;

	pthread_mutex_lock(&e->lock);
	if (e->nr < MAX_ROUTES && e->next_gsi < FIRST_MSI_GSI + MAX_ROUTES)
		gsi = e->next_gsi++;
	pthread_mutex_unlock(&e->lock);
	return gsi;
}

int kvm_events_msi_route(struct kvm_events *e, int gsi, uint64_t addr,
			 uint32_t data)
{
	struct kvm_irq_routing_entry *r = NULL;
	int rc;

	if (gsi < FIRST_MSI_GSI)
		return -EINVAL;
	pthread_mutex_lock(&e->lock);
	for (unsigned i = 0; i < e->nr && !r; i++)
		if (e->table->entries[i].gsi == (uint32_t)gsi)
			r = &e->table->entries[i];
	if (!r && e->nr >= MAX_ROUTES) {
		pthread_mutex_unlock(&e->lock);
		return -ENOSPC;
	}
	if (!r)
		r = route_slot(e);
	memset(r, 0, sizeof(*r));
	r->gsi = (uint32_t)gsi;
	r->type = KVM_IRQ_ROUTING_MSI;
	r->u.msi.address_lo = (uint32_t)addr;
	r->u.msi.address_hi = (uint32_t)(addr >> 32);
	r->u.msi.data = data;
	e->table->nr = e->nr;
	e->table->flags = 0;
	rc = ioctl(e->vm_fd, KVM_SET_GSI_ROUTING, e->table) < 0 ? -errno : 0;
	pthread_mutex_unlock(&e->lock);
	return rc;
}

int kvm_events_irqfd(struct kvm_events *e, int fd, int gsi, bool assign)
{
	struct kvm_irqfd irqfd = {
		.fd = (uint32_t)fd,
		.gsi = (uint32_t)gsi,
		.flags = assign ? 0 : KVM_IRQFD_FLAG_DEASSIGN,
	};

	if (!e->irqfd)
		return -ENOSYS;
	return ioctl(e->vm_fd, KVM_IRQFD, &irqfd) < 0 ? -errno : 0;
}

int kvm_events_signal_msi(struct kvm_events *e, uint64_t addr, uint32_t data)
{
	struct kvm_msi msi = {
		.address_lo = (uint32_t)addr,
		.address_hi = (uint32_t)(addr >> 32),
		.data = data,
	};

	return ioctl(e->vm_fd, KVM_SIGNAL_MSI, &msi) < 0 ? -errno : 0;
}
