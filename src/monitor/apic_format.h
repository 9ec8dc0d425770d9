/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The local APIC and IOAPIC state KVM hands out (KVM_GET_LAPIC,
 * KVM_GET_IRQCHIP), decoded into words, one key=value line per register:
 * what `info lapic` and `info ioapic` print. Pure functions of the state,
 * so they are tested on synthetic registers. */
#ifndef HVMON_APIC_FORMAT_H
#define HVMON_APIC_FORMAT_H

#include <linux/kvm.h>
#include <stdio.h>

/* A local APIC's registers (the 1 KiB page KVM_GET_LAPIC returns, laid
 * out as the xAPIC MMIO page, SDM vol. 3A 11.4.1 table 11-1). */
void lapic_format(FILE *f, const struct kvm_lapic_state *s);

/* The IOAPIC (82093AA datasheet 3.2): ID, base, and every redirection
 * table entry. */
void ioapic_format(FILE *f, const struct kvm_ioapic_state *s);

/* The vectors whose bits are set in the 256-bit register starting at
 * offset off of the LAPIC page (ISR, TMR, IRR: eight 32-bit words 16
 * bytes apart), as "0x31 0x40", or "none". */
void lapic_vector_list(const struct kvm_lapic_state *s, unsigned off, char *out, size_t outlen);

#endif
