/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A struct vm with up to FAKE_VM_CPUS vCPUs and no KVM behind it, for the
 * unit tests of the run-control bookkeeping (vmm/vm.c, deferred_stop.c):
 * real guest memory and event ring, static vCPUs with a kvm_run each, all
 * asked to run, none with a thread. With no /dev/kvm open, vm_max_vcpus
 * falls back to 4 (KVM API 4.1). */
#ifndef HVMON_TEST_FAKE_VM_H
#define HVMON_TEST_FAKE_VM_H

#include <string.h>

#include "unit.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"

#define FAKE_VM_CPUS 4

static struct vm vm;
static struct vcpu cpus[FAKE_VM_CPUS];
static struct kvm_run runs[FAKE_VM_CPUS];

static void fake_vm_setup(int n)
{
	char err[128];
	ck_assert_int_le(n, FAKE_VM_CPUS);
	ck_assert_int_eq(vm_init_memory(&vm, 2 << 20, err, sizeof(err)), 0);
	vm.kvm_fd = -1;
	vm.event_fd = -1;
	ck_assert_int_eq(vm_alloc_vcpus(&vm, n, err, sizeof(err)), 0);
	memset(cpus, 0, sizeof(cpus));
	for (int i = 0; i < n; i++) {
		cpus[i].id = i;
		cpus[i].vm = &vm;
		cpus[i].run = &runs[i];
		cpus[i].want_run = true;
		vm.vcpu[i] = &cpus[i];
	}
	vm.nvcpus = n;
}

static void fake_vm_teardown(void)
{
	vm.nvcpus = 0;   /* the vcpus are static, not vcpu_create's */
	vm_destroy(&vm);
}

#endif
