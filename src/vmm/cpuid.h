/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The guest's CPUID table, built from what KVM supports. */
#ifndef HVMON_CPUID_H
#define HVMON_CPUID_H

#include <stddef.h>

struct kvm_cpuid2;

/* KVM_GET_SUPPORTED_CPUID, growing the buffer until it fits. NULL and one
 * line in err on failure; the caller frees. */
struct kvm_cpuid2 *cpuid_supported(int kvm_fd, char *err, size_t errlen);

/* Apply the per-vCPU fixups (APIC ID and topology for ncpus vCPUs,
 * cpuid_topology.h; the hypervisor bit) and KVM_SET_CPUID2 on vcpu_fd.
 * 0 or -errno. */
int cpuid_apply(int vcpu_fd, const struct kvm_cpuid2 *supported, unsigned apic_id,
		unsigned ncpus);

#endif
