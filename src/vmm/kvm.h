/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The /dev/kvm system fd and the capabilities hvmon cares about. KVM is
 * detected by opening /dev/kvm and asking its API version, never by CPUID
 * (nested and software hypervisors hide VMX/SVM but serve /dev/kvm). */
#ifndef HVMON_KVM_H
#define HVMON_KVM_H

#include <stdbool.h>
#include <stdio.h>

struct kvm_cap_info {
	const char *name;
	int cap;          /* KVM_CAP_* */
	const char *why;  /* what hvmon uses it for */
};

extern const struct kvm_cap_info kvm_caps_of_interest[];
extern const int kvm_ncaps_of_interest;

/* Open /dev/kvm and check the API version. Returns the fd, or -1 with one
 * line in err. */
int kvm_open(char *err, size_t errlen);

/* KVM_CHECK_EXTENSION on a system or VM fd: the value, 0 when absent. */
int kvm_check_cap(int fd, int cap);

/* Is /dev/kvm served by kvm_pvm, the software hypervisor that emulates
 * guest ring-0 code (docs/design.md 1)? There a ring-3 int3 goes straight
 * to the guest's IDT, never to the VMM. */
bool kvm_host_is_pvm(void);

/* `hvmon probe`: the API version and every capability of interest, one
 * per line as "NAME=VALUE". Returns 0, or 1 when /dev/kvm is unusable. */
int kvm_probe_print(FILE *out);

#endif
