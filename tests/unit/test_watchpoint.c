/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vmm/watchpoint.c against a KVM simulated here: this file's ioctl stands
 * in for the kernel's (the executable's definition wins over libc's for
 * every object linked in), keeping a memory-slot table with KVM's rules
 * (no overlap, a slot id used once, deletion of what exists), a small
 * KVM_CAP_NR_MEMSLOTS, and the registers of one vCPU. What it checks: the
 * slots KVM is given as watches come and go, the limit, an MMIO exit on a
 * watched page completed on guest RAM with the stop event, device writes,
 * the fetch step's mapping back, and the exit handlers' hooks. */
#include <errno.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "unit.h"
#include "vmm/vcpu.h"
#include "vmm/vcpu_exit.h"
#include "vmm/vm.h"
#include "vmm/watch_set.h"
#include "vmm/watchpoint.h"

#define VM_FD   1000
#define KVM_FD  1001
#define VCPU_FD 1002
#define NSLOTS  16
#define RAM     (32u << 20)

static struct kvm_userspace_memory_region slot[NSLOTS];
static bool slot_used[NSLOTS];
static uint64_t fake_rip;
static void *v_run;   /* the vCPU's kvm_run, which KVM_RUN writes */
static unsigned kvm_runs;

static int fake_set_region(const struct kvm_userspace_memory_region *r)
{
	if (r->slot >= NSLOTS) {
		errno = EINVAL;
		return -1;
	}
	if (r->memory_size == 0) {
		ck_assert_msg(slot_used[r->slot], "deleting slot %u, which does not exist", r->slot);
		slot_used[r->slot] = false;
		return 0;
	}
	ck_assert_msg(!slot_used[r->slot], "slot %u changed in place", r->slot);
	ck_assert_uint_eq(r->guest_phys_addr % 4096, 0);
	ck_assert_uint_eq(r->memory_size % 4096, 0);
	ck_assert_uint_eq(r->userspace_addr % 4096, 0);
	for (int i = 0; i < NSLOTS; i++) {
		if (!slot_used[i])
			continue;
		bool overlap = r->guest_phys_addr < slot[i].guest_phys_addr + slot[i].memory_size &&
			       slot[i].guest_phys_addr < r->guest_phys_addr + r->memory_size;
		if (overlap) {
			errno = EEXIST;
			return -1;
		}
	}
	slot[r->slot] = *r;
	slot_used[r->slot] = true;
	return 0;
}

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	va_start(ap, req);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	if (fd == KVM_FD && req == KVM_CHECK_EXTENSION) {
		long cap = (long)arg;
		return cap == KVM_CAP_READONLY_MEM ? 1 : cap == KVM_CAP_NR_MEMSLOTS ? NSLOTS : 0;
	}
	if (fd == VM_FD && req == KVM_SET_USER_MEMORY_REGION)
		return fake_set_region(arg);
	if (fd == VCPU_FD && req == KVM_RUN) {
		/* immediate_exit: the pending access completes, no new exit;
		 * KVM says so in exit_reason. */
		kvm_runs++;
		((struct kvm_run *)v_run)->exit_reason = KVM_EXIT_INTR;
		errno = EINTR;
		return -1;
	}
	if (fd == VCPU_FD && req == KVM_GET_REGS) {
		struct kvm_regs *r = arg;
		memset(r, 0, sizeof(*r));
		r->rip = fake_rip;
		return 0;
	}
	if (fd == VCPU_FD && req == KVM_GET_SREGS) {
		struct kvm_sregs *s = arg;
		memset(s, 0, sizeof(*s));
		s->cr0 = 1;
		s->efer = 1u << 10;
		s->cs.l = 1;
		return 0;
	}
	if (fd == VCPU_FD && req == KVM_TRANSLATE) {
		struct kvm_translation *t = arg;
		t->physical_address = t->linear_address;   /* identity */
		t->valid = 1;
		return 0;
	}
	return (int)syscall(SYS_ioctl, fd, req, arg);
}

static struct vm vm;
static struct vcpu *v;

static void setup(void)
{
	char err[128];
	memset(slot, 0, sizeof(slot));
	memset(slot_used, 0, sizeof(slot_used));
	ck_assert_int_eq(vm_init_memory(&vm, RAM, err, sizeof(err)), 0);
	vm.vm_fd = VM_FD;
	vm.kvm_fd = KVM_FD;
	/* vm_create's vm_map_ram: region i in slot i. */
	struct kvm_userspace_memory_region r0 = {
		.slot = 0, .guest_phys_addr = 0, .memory_size = RAM,
		.userspace_addr = (uint64_t)(uintptr_t)vm.mem.region[0].hva,
	};
	ck_assert_int_eq(fake_set_region(&r0), 0);
	v = calloc(1, sizeof(*v));
	v->vm = &vm;
	v->fd = VCPU_FD;
	v->run = calloc(1, 4096);
	v_run = v->run;
	vm.run_mmap_size = 4096;
	/* What vm_alloc_vcpus makes, without asking KVM for its limit. */
	vm.vcpu = calloc(1, sizeof(*vm.vcpu));
	vm.max_vcpus = 1;
	vm.ev_cap = VM_EVENT_QUEUE;
	vm.events = calloc(vm.ev_cap, sizeof(*vm.events));
	vm.vcpu[0] = v;
	vm.nvcpus = 1;
	kvm_runs = 0;
}

static void teardown(void)
{
	watch_free(&vm);
	gmem_free(&vm.mem);
	free(v->run);
	free(v);
	free(vm.vcpu);
	vm.vcpu = NULL;
	free(vm.events);
	vm.events = NULL;
}

/* The slot covering gpa: 'n' normal, 'r' read-only, '-' none. */
static char mapped(uint64_t gpa)
{
	for (int i = 0; i < NSLOTS; i++) {
		const struct kvm_userspace_memory_region *s = &slot[i];
		if (slot_used[i] && gpa >= s->guest_phys_addr && gpa - s->guest_phys_addr < s->memory_size) {
			/* Every slot maps the host memory guest_mem says. */
			ck_assert_ptr_eq((uint8_t *)(uintptr_t)s->userspace_addr +
					 (gpa - s->guest_phys_addr), gmem_ptr(&vm.mem, gpa, 1));
			return s->flags & KVM_MEM_READONLY ? 'r' : 'n';
		}
	}
	return '-';
}

static int slots_in_use(void)
{
	int n = 0;
	for (int i = 0; i < NSLOTS; i++)
		n += slot_used[i];
	return n;
}

START_TEST(slots_follow_the_watches)
{
	char err[200];
	int w = watch_add(&vm, 0x10008, 8, WATCH_WRITE, err, sizeof(err));
	ck_assert_int_gt(w, 0);
	ck_assert_int_eq(mapped(0xffff), 'n');
	ck_assert_int_eq(mapped(0x10000), 'r');
	ck_assert_int_eq(mapped(0x10fff), 'r');
	ck_assert_int_eq(mapped(0x11000), 'n');
	ck_assert_int_eq(mapped(RAM - 1), 'n');
	ck_assert_int_eq(slots_in_use(), 3);

	int r = watch_add(&vm, 0x20ffc, 8, WATCH_READ, err, sizeof(err));
	ck_assert_int_eq(r, w + 1);
	ck_assert_int_eq(mapped(0x20000), '-');
	ck_assert_int_eq(mapped(0x21fff), '-');
	ck_assert_int_eq(mapped(0x22000), 'n');
	ck_assert_int_eq(vm.mem.dma_watch.active, 1);   /* the read watch does not count */

	/* A duplicate is refused, by id. */
	ck_assert_int_eq(watch_add(&vm, 0x10008, 8, WATCH_WRITE, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "watchpoint 1 already watches 0x10008 len 8 for write");

	ck_assert(watch_remove(&vm, 0x10008, 8, WATCH_WRITE));
	ck_assert(!watch_remove(&vm, 0x10008, 8, WATCH_WRITE));
	ck_assert_int_eq(mapped(0x10000), 'n');
	ck_assert_int_eq(vm.mem.dma_watch.active, 0);
	ck_assert(watch_delete_id(&vm, r));
	ck_assert(!watch_delete_id(&vm, r));
	ck_assert_int_eq(mapped(0x20000), 'n');
	/* Back to RAM in slots with no watch: every page normal. */
	for (uint64_t a = 0; a < RAM; a += 0x100000)
		ck_assert_int_eq(mapped(a), 'n');
}
END_TEST

START_TEST(out_of_slots_is_refused_and_changes_nothing)
{
	char err[200];
	int added = 0;
	/* Separate pages: each costs two slots; 16 hold 7 of them. */
	for (int i = 0; i < 10; i++) {
		if (watch_add(&vm, 0x100000 + 0x10000 * (uint64_t)i, 1, WATCH_WRITE, err, sizeof(err)) > 0)
			added++;
		else
			break;
	}
	ck_assert_int_eq(added, 7);
	ck_assert_msg(strstr(err, "more memory slots than this KVM has (16"), "%s", err);
	ck_assert_int_eq(mapped(0x100000 + 0x10000 * 6), 'r');
	ck_assert_int_eq(mapped(0x100000 + 0x10000 * 7), 'n');
	struct watch *list;
	ck_assert_int_eq(watch_snapshot(&vm, &list), 7);
	free(list);
	watch_delete_all(&vm);
	ck_assert_int_eq(slots_in_use(), 1);
	ck_assert_int_eq(watch_snapshot(&vm, &list), 0);
}
END_TEST

START_TEST(bad_ranges_are_refused)
{
	char err[200];
	ck_assert_int_eq(watch_add(&vm, RAM - 4, 8, WATCH_WRITE, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "0x1fffffc len 8: not guest RAM");
	ck_assert_int_eq(watch_add(&vm, 0x1000, 0, WATCH_READ, err, sizeof(err)), -1);
	ck_assert_int_eq(watch_add(&vm, 0, WATCH_MAX_LEN + 1, WATCH_ACCESS, err, sizeof(err)), -1);
	ck_assert_int_eq(slots_in_use(), 1);
}
END_TEST

static void mmio(uint64_t gpa, unsigned len, bool is_write, uint64_t data)
{
	v->run->exit_reason = KVM_EXIT_MMIO;
	v->run->mmio.phys_addr = gpa;
	v->run->mmio.len = len;
	v->run->mmio.is_write = is_write;
	memset(v->run->mmio.data, 0, sizeof(v->run->mmio.data));
	memcpy(v->run->mmio.data, &data, len);
}

START_TEST(guest_accesses_are_completed_and_stop_on_the_bytes)
{
	char err[200];
	int id = watch_add_named(&vm, 0x10008, 8, WATCH_WRITE, "counter", err, sizeof(err));
	uint8_t *ram = gmem_ptr(&vm.mem, 0, RAM);
	ram[0x10008] = 5;
	fake_rip = 0x1004d1b;

	/* The rest of the page: written, no stop, an exit counted. */
	struct vm_stop_event ev = { .kind = STOP_NONE };
	mmio(0x10000, 4, true, 0xdeadbeef);
	ck_assert(watch_mmio_exit(v, &ev));
	ck_assert_int_eq(ev.kind, STOP_NONE);
	ck_assert_uint_eq(*(uint32_t *)(ram + 0x10000), 0xdeadbeef);
	ck_assert_uint_eq(kvm_runs, 0);

	/* The watched bytes: written, then the stop, after the instruction. */
	mmio(0x10008, 8, true, 6);
	ck_assert(watch_mmio_exit(v, &ev));
	ck_assert_int_eq(ev.kind, STOP_WATCHPOINT);
	ck_assert_int_eq(ev.watch_id, id);
	ck_assert_int_eq(ev.watch_kind, WATCH_WRITE);
	ck_assert_uint_eq(ev.watch_gpa, 0x10008);
	ck_assert_uint_eq(ev.watch_len, 8);
	ck_assert_uint_eq(ev.rip, 0x1004d1b);
	ck_assert_uint_eq(kvm_runs, 1);   /* KVM finished the instruction */
	/* kvm_run shows the exit itself again, for the statistics. */
	ck_assert_uint_eq(v->run->exit_reason, KVM_EXIT_MMIO);
	ck_assert_uint_eq(v->run->mmio.phys_addr, 0x10008);
	ck_assert_uint_eq(ram[0x10008], 6);
	ck_assert_str_eq(ev.text, "vCPU 0: watchpoint 1 (write counter): wrote 8 bytes at 0x10008"
			 " (page 0x10000): old 0x0000000000000005 new 0x0000000000000006");

	/* Not a watched page: the MMIO bus's. */
	mmio(0xd0000000, 4, false, 0);
	ck_assert(!watch_mmio_exit(v, &ev));

	/* A read watch: the read is answered from RAM. */
	struct vm_stop_event rev = { .kind = STOP_NONE };
	watch_add_named(&vm, 0x30000, 2, WATCH_READ, "input", err, sizeof(err));
	ram[0x30000] = 0x34;
	ram[0x30001] = 0x12;
	mmio(0x30000, 2, false, 0);
	ck_assert(watch_mmio_exit(v, &rev));
	ck_assert_uint_eq(v->run->mmio.data[0], 0x34);
	ck_assert_uint_eq(v->run->mmio.data[1], 0x12);
	ck_assert_str_eq(rev.text, "vCPU 0: watchpoint 2 (read input): read 2 bytes at 0x30000"
			 " (page 0x30000): value 0x1234");
	/* A write there is completed but is no read. */
	rev.kind = STOP_NONE;
	mmio(0x30000, 1, true, 0x99);
	ck_assert(watch_mmio_exit(v, &rev));
	ck_assert_int_eq(rev.kind, STOP_NONE);
	ck_assert_uint_eq(ram[0x30000], 0x99);

	struct watch *list;
	ck_assert_int_eq(watch_snapshot(&vm, &list), 2);
	ck_assert_uint_eq(list[0].exits, 2);
	ck_assert_uint_eq(list[0].hits, 1);
	ck_assert_uint_eq(list[1].exits, 2);
	ck_assert_uint_eq(list[1].hits, 1);
	free(list);
}
END_TEST

START_TEST(device_writes_stop_the_machine)
{
	char err[200];
	int id = watch_add_named(&vm, 0x3f000, 8, WATCH_WRITE, "buf", err, sizeof(err));
	const struct gmem_dma_watch *d = &vm.mem.dma_watch;
	ck_assert(gmem_dma_watched(&vm.mem));
	ck_assert(!d->touches(d->opaque, 0x3e000, 0x1000));
	ck_assert(d->touches(d->opaque, 0x3e000, 0x1001));
	v->want_run = true;
	d->hit(d->opaque, 0x3f000, 512, "blk0 queue 0 wrote 512 bytes at 0x3f000 (request: x)");
	ck_assert(!v->want_run);
	struct vm_stop_event ev;
	ck_assert(vm_take_event(&vm, &ev));
	ck_assert_int_eq(ev.kind, STOP_WATCHPOINT);
	ck_assert_int_eq(ev.vcpu, -1);
	ck_assert_int_eq(ev.watch_id, id);
	ck_assert_uint_eq(ev.watch_len, 512);
	ck_assert_str_eq(ev.text, "watchpoint 1: blk0 queue 0 wrote 512 bytes at 0x3f000 (request: x)");
	struct watch *list;
	watch_snapshot(&vm, &list);
	ck_assert_uint_eq(list[0].dma_hits, 1);
	free(list);
}
END_TEST

START_TEST(a_fetch_from_a_read_watched_page_is_stepped_with_it_mapped)
{
	char err[200];
	watch_add(&vm, 0x5000, 1, WATCH_READ, err, sizeof(err));
	ck_assert_int_eq(mapped(0x5000), '-');
	/* A fault elsewhere is not ours. */
	fake_rip = 0x7000;
	ck_assert(!watch_fetch_fault(v));
	fake_rip = 0x5010;
	ck_assert(watch_fetch_fault(v));
	ck_assert_int_eq(mapped(0x5000), 'n');
	ck_assert_uint_eq(v->step_left, 1);
	/* Failing again with the page mapped: a real fault, not a fetch. */
	ck_assert(!watch_fetch_fault(v));
	pthread_mutex_lock(&vm.ctl_lock);
	ck_assert(watch_fetch_step_done_locked(v));
	pthread_mutex_unlock(&vm.ctl_lock);
	ck_assert_uint_eq(v->step_left, 0);
	ck_assert_int_eq(mapped(0x5000), '-');
	/* Cut short (the machine paused): parking protects the page again. */
	ck_assert(watch_fetch_fault(v));
	ck_assert_int_eq(mapped(0x5000), 'n');
	pthread_mutex_lock(&vm.ctl_lock);
	watch_note_parked_locked(&vm);
	pthread_mutex_unlock(&vm.ctl_lock);
	ck_assert_int_eq(mapped(0x5000), '-');
	/* An instruction that starts on the page before runs into it. */
	fake_rip = 0x4ffe;
	ck_assert(watch_fetch_fault(v));
	ck_assert_int_eq(mapped(0x5000), 'n');
	struct watch *list;
	watch_snapshot(&vm, &list);
	ck_assert_uint_eq(list[0].exits, 3);
	free(list);
}
END_TEST

static unsigned bus_calls;

static void count_bus(void *opaque, uint64_t offset, void *data, unsigned len, bool is_write)
{
	(void)opaque, (void)offset, (void)data, (void)len, (void)is_write;
	bus_calls++;
}

/* The hooks in the exit handlers (vcpu_exit.c, vcpu_debug.c) route to the
 * watchpoints: a watched page is never the MMIO bus's, an emulation
 * failure there is a fetch to step, and the step's debug exit ends it. */
START_TEST(exit_handlers_route_to_the_watchpoints)
{
	char err[200];
	bus_calls = 0;
	ck_assert_int_eq(bus_register(&vm.mmio, 0x10000, 0x1000, count_bus, NULL, "dev"), 0);
	ck_assert_int_eq(bus_register(&vm.mmio, 0xd0000000, 0x1000, count_bus, NULL, "dev2"), 0);
	/* (A device over RAM cannot happen; it shows who takes the access.) */
	watch_add(&vm, 0x10000, 1, WATCH_WRITE, err, sizeof(err));
	struct vm_stop_event ev = { .kind = STOP_NONE };
	mmio(0x10004, 4, true, 7);
	vcpu_handle_exit(v, &ev);
	ck_assert_uint_eq(bus_calls, 0);
	ck_assert_uint_eq(*(uint32_t *)gmem_ptr(&vm.mem, 0x10004, 4), 7);
	mmio(0xd0000000, 4, true, 7);
	vcpu_handle_exit(v, &ev);
	ck_assert_uint_eq(bus_calls, 1);
	ck_assert_int_eq(ev.kind, STOP_NONE);

	watch_add(&vm, 0x5000, 1, WATCH_ACCESS, err, sizeof(err));
	fake_rip = 0x5000;
	v->run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	v->run->internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
	v->run->emulation_failure.ndata = 0;
	vcpu_handle_exit(v, &ev);
	ck_assert_int_eq(ev.kind, STOP_NONE);
	ck_assert_int_eq(mapped(0x5000), 'n');
	ck_assert_uint_eq(v->step_left, 1);
	v->want_run = true;
	v->run->exit_reason = KVM_EXIT_DEBUG;
	v->run->debug.arch.exception = 1;
	v->run->debug.arch.dr6 = 1u << 14;   /* BS: single step */
	vcpu_handle_exit(v, &ev);
	ck_assert_int_eq(ev.kind, STOP_NONE);
	ck_assert_uint_eq(v->step_left, 0);
	ck_assert(v->want_run);               /* it runs on */
	ck_assert_int_eq(mapped(0x5000), '-');
}
END_TEST

static Suite *watchpoint_suite(void)
{
	Suite *s = suite_create("watchpoint");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, slots_follow_the_watches);
	tcase_add_test(tc, out_of_slots_is_refused_and_changes_nothing);
	tcase_add_test(tc, bad_ranges_are_refused);
	tcase_add_test(tc, guest_accesses_are_completed_and_stop_on_the_bytes);
	tcase_add_test(tc, device_writes_stop_the_machine);
	tcase_add_test(tc, a_fetch_from_a_read_watched_page_is_stepped_with_it_mapped);
	tcase_add_test(tc, exit_handlers_route_to_the_watchpoints);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(watchpoint_suite)
