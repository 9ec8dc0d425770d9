/* SPDX-License-Identifier: GPL-3.0-or-later */
/* KVM's eventfd paths for devices (KVM API 4.59 KVM_IOEVENTFD, 4.75
 * KVM_IRQFD, 4.52 KVM_SET_GSI_ROUTING, 4.71 KVM_SIGNAL_MSI):
 * - an ioeventfd turns a guest write to an address into an eventfd signal
 *   inside the kernel (no exit to userspace), read by the I/O thread;
 * - an MSI route gives a GSI an MSI address/data pair, and an irqfd bound
 *   to that GSI lets any thread raise the MSI with one eventfd write.
 *
 * KVM_SET_GSI_ROUTING replaces the whole table, including the default
 * irqchip routes that KVM_CREATE_IRQCHIP installed for GSIs 0-23; so the
 * table kept here starts with the same defaults (PIC pins for GSIs 0-15,
 * IOAPIC pin = GSI for 0-23) and adds MSI routes from GSI 24 up.
 *
 * Thread-safe: one mutex guards the table. */
#ifndef HVMON_VMM_KVM_EVENTS_H
#define HVMON_VMM_KVM_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

struct kvm_events;

/* vm_fd: a VM with an in-kernel irqchip; kvm_fd to check capabilities.
 * NULL on allocation failure. */
struct kvm_events *kvm_events_new(int kvm_fd, int vm_fd);
void kvm_events_free(struct kvm_events *e);

/* The host offers KVM_CAP_IOEVENTFD / both IRQFD and IRQ_ROUTING. */
bool kvm_events_have_ioeventfd(const struct kvm_events *e);
bool kvm_events_have_irqfd(const struct kvm_events *e);

/* Signal fd on guest writes to [addr, addr + len) in MMIO space, any data
 * (no datamatch). len 0 matches writes of any length when the host has
 * KVM_CAP_IOEVENTFD_ANY_LENGTH; otherwise 0 is replaced by fallback_len.
 * assign false removes the same registration. 0 or -errno. */
int kvm_events_ioeventfd(struct kvm_events *e, uint64_t addr,
			 unsigned fallback_len, int fd, bool assign);

/* Signal fd on guest writes of exactly len bytes of value data to addr
 * (KVM_IOEVENTFD_FLAG_DATAMATCH: one register, one eventfd per value).
 * assign false removes it. 0 or -errno. */
int kvm_events_ioeventfd_data(struct kvm_events *e, uint64_t addr, unsigned len,
			      uint64_t data, int fd, bool assign);

/* A new GSI for an MSI route (no route yet: raising it does nothing).
 * -1 when the table is full. */
int kvm_events_msi_gsi(struct kvm_events *e);
/* Point gsi at an MSI address/data pair and commit the table. 0 or
 * -errno. */
int kvm_events_msi_route(struct kvm_events *e, int gsi, uint64_t addr,
			 uint32_t data);
/* Bind (assign) or unbind an eventfd to gsi. 0 or -errno. */
int kvm_events_irqfd(struct kvm_events *e, int fd, int gsi, bool assign);
/* One MSI now, without a route (the fallback without irqfds). */
int kvm_events_signal_msi(struct kvm_events *e, uint64_t addr, uint32_t data);

#endif
