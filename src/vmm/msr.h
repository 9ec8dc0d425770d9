/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The MSR values a freshly reset x86 CPU presents to Linux. */
#ifndef HVMON_MSR_H
#define HVMON_MSR_H

/* Set the boot MSRs on vcpu_fd, skipping any KVM does not list in
 * KVM_GET_MSR_INDEX_LIST (kvm_fd). 0 or -errno. */
int msr_set_boot_values(int kvm_fd, int vcpu_fd);

#endif
