/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Handling one KVM_RUN exit on the vCPU thread. */
#ifndef HVMON_VCPU_EXIT_H
#define HVMON_VCPU_EXIT_H

#include "vmm/vcpu.h"

/* Service the exit in v->run. Leaves ev->kind STOP_NONE when the vCPU
 * should simply re-enter the guest; otherwise fills ev and the caller
 * stops the machine. */
void vcpu_handle_exit(struct vcpu *v, struct vm_stop_event *ev);

/* The port I/O exit in v->run, to the port bus (watchpoint.c finishes an
 * instruction that may do both). */
void vcpu_handle_pio(struct vcpu *v);

/* CPU mode of a vCPU from its sregs: 16, 32 or 64 (code size). */
int vcpu_mode_bits(const struct kvm_sregs *s);

#endif
