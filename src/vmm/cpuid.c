// SPDX-License-Identifier: GPL-3.0-or-later
#include "vmm/cpuid.h"
#include "vmm/cpuid_topology.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#define CPUID_HYPERVISOR_BIT (1u << 31)   /* leaf 1 ECX: running under a hypervisor */

static size_t cpuid_bytes(unsigned nent)
{
	return sizeof(struct kvm_cpuid2) + nent * sizeof(struct kvm_cpuid_entry2);
}

struct kvm_cpuid2 *cpuid_supported(int kvm_fd, char *err, size_t errlen)
{
	for (unsigned nent = 64; nent <= 4096; nent *= 2) {
		struct kvm_cpuid2 *c = calloc(1, cpuid_bytes(nent));
		if (!c)
			break;
		c->nent = nent;
		if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
			return c;
		int e = errno;
		free(c);
		if (e != E2BIG) {
			snprintf(err, errlen, "KVM_GET_SUPPORTED_CPUID: %s", strerror(e));
			return NULL;
		}
	}
	snprintf(err, errlen, "KVM_GET_SUPPORTED_CPUID: table too large");
	return NULL;
}

int cpuid_apply(int vcpu_fd, const struct kvm_cpuid2 *supported, unsigned apic_id,
		unsigned ncpus)
{
	size_t bytes = cpuid_bytes(supported->nent);
	struct kvm_cpuid2 *c = malloc(bytes);
	if (!c)
		return -ENOMEM;
	memcpy(c, supported, bytes);
	cpuid_set_topology(c->entries, c->nent, apic_id, ncpus);
	for (unsigned i = 0; i < c->nent; i++)
		if (c->entries[i].function == 1)
			c->entries[i].ecx |= CPUID_HYPERVISOR_BIT;
	int rc = ioctl(vcpu_fd, KVM_SET_CPUID2, c) < 0 ? -errno : 0;
	free(c);
	return rc;
}
