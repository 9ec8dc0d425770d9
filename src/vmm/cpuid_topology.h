/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The CPUID leaves that tell a guest who it is and how many CPUs share
 * its package, rewritten per vCPU so they agree with the firmware tables
 * (vCPU i has APIC ID i; one package, one thread per core, ncpus cores). */
#ifndef HVMON_CPUID_TOPOLOGY_H
#define HVMON_CPUID_TOPOLOGY_H

#include <linux/kvm.h>

/* Bits an APIC ID needs to number n CPUs: ceil(log2(n)), 0 for n = 1. */
unsigned cpuid_id_bits(unsigned n);

/* Rewrite the topology fields of the nent entries at e (a copy of
 * KVM_GET_SUPPORTED_CPUID) for the vCPU with this APIC ID out of ncpus:
 * leaf 1 (initial APIC ID, logical count, HTT), leaf 4 (cores per package,
 * CPUs sharing each cache), leaves 0xB and 0x1F (levels and x2APIC ID),
 * and AMD's 0x80000008 ECX (core count) and 0x8000001E (extended APIC ID). */
void cpuid_set_topology(struct kvm_cpuid_entry2 *e, unsigned nent, unsigned apic_id,
			unsigned ncpus);

#endif
