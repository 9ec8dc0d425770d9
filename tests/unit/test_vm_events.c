// SPDX-License-Identifier: GPL-3.0-or-later
/* The vCPU table and the stop-event ring for N vCPUs (vmm/vm.c), without
 * KVM: with no /dev/kvm open, vm_max_vcpus falls back to 4 (KVM API 4.1,
 * the recommended count when KVM_CAP_NR_VCPUS does not answer). */
#include <string.h>
#include <unistd.h>

#include "fake_vm.h"
#include "unit.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"

START_TEST(count_checked_against_kvm)
{
	char err[128];
	ck_assert_int_eq(vm_init_memory(&vm, 2 << 20, err, sizeof(err)), 0);
	vm.kvm_fd = -1;
	ck_assert_int_eq(vm_max_vcpus(&vm), 4);
	ck_assert_int_eq(vm_alloc_vcpus(&vm, 5, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "--cpus 5: this KVM runs 1 to 4 vCPUs");
	ck_assert_int_eq(vm_alloc_vcpus(&vm, 0, err, sizeof(err)), -1);
	ck_assert_int_eq(vm_alloc_vcpus(&vm, 4, err, sizeof(err)), 0);
	ck_assert_int_eq(vm.max_vcpus, 4);
	ck_assert_uint_ge(vm.ev_cap, VM_EVENT_QUEUE + 8);
	ck_assert_uint_eq(vm.ev_cap & (vm.ev_cap - 1), 0);
	vm_destroy(&vm);
}
END_TEST

/* One all-stop round where every vCPU posts a breakpoint: all four come
 * out in order, the first is the round's cause, each vCPU keeps its own. */
START_TEST(every_event_of_a_round_kept)
{
	fake_vm_setup(4);
	pthread_mutex_lock(&vm.ctl_lock);
	for (int round = 0; round < 3; round++) {
		vm.round_reported = false;
		for (int i = 3; i >= 0; i--) {
			struct vm_stop_event ev = { .vcpu = i, .kind = STOP_BREAKPOINT,
						    .bp_id = 10 + i, .rip = (uint64_t)round };
			vm_post_event_locked(&vm, &ev);
		}
	}
	pthread_mutex_unlock(&vm.ctl_lock);
	ck_assert_int_eq(vm.last_stop.vcpu, 3);   /* the last round's first */
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(cpus[i].stop_kind, STOP_BREAKPOINT);
		ck_assert_int_eq(cpus[i].stop_bp_id, 10 + i);
	}
	/* 12 events fit in a ring of 16 + 2 per vCPU: none dropped. */
	struct vm_stop_event ev;
	for (int round = 0; round < 3; round++) {
		for (int i = 3; i >= 0; i--) {
			ck_assert(vm_take_event(&vm, &ev));
			ck_assert_int_eq(ev.vcpu, i);
			ck_assert_uint_eq(ev.rip, (uint64_t)round);
		}
	}
	ck_assert(!vm_take_event(&vm, &ev));
	fake_vm_teardown();
}
END_TEST

/* A guest end outranks the round's earlier events as its cause. */
START_TEST(guest_end_is_the_cause)
{
	fake_vm_setup(2);
	pthread_mutex_lock(&vm.ctl_lock);
	vm.round_reported = false;
	struct vm_stop_event bp = { .vcpu = 1, .kind = STOP_BREAKPOINT };
	struct vm_stop_event end = { .vcpu = -1, .kind = STOP_GUEST_END };
	vm_post_event_locked(&vm, &bp);
	vm_post_event_locked(&vm, &end);
	pthread_mutex_unlock(&vm.ctl_lock);
	ck_assert_int_eq(vm.last_stop.kind, STOP_GUEST_END);
	ck_assert_int_eq(cpus[1].stop_kind, STOP_BREAKPOINT);
	fake_vm_teardown();
}
END_TEST

/* Two vCPUs step off breakpoints while a third waits: the first to finish
 * parks, the last releases everyone (vcpu_step_off_done_locked). */
START_TEST(step_off_waits_for_the_last)
{
	fake_vm_setup(3);
	pthread_mutex_lock(&vm.ctl_lock);
	cpus[0].resume_after_step = cpus[2].resume_after_step = true;
	cpus[1].want_run = false;              /* parked, not stepping */
	vcpu_step_off_done_locked(&cpus[2]);
	ck_assert(!cpus[2].want_run);          /* parks: vCPU 0 still stepping */
	ck_assert(!cpus[1].want_run);
	ck_assert(cpus[0].want_run);
	ck_assert(!vm.bps.planted);
	vcpu_step_off_done_locked(&cpus[0]);
	for (int i = 0; i < 3; i++) {
		ck_assert(cpus[i].want_run);       /* the last one released all */
		ck_assert(!cpus[i].resume_after_step);
	}
	ck_assert(vm.bps.planted);
	pthread_mutex_unlock(&vm.ctl_lock);
	fake_vm_teardown();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("vm_events");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, count_checked_against_kvm);
	tcase_add_test(tc, every_event_of_a_round_kept);
	tcase_add_test(tc, guest_end_is_the_cause);
	tcase_add_test(tc, step_off_waits_for_the_last);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
