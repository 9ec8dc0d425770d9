// SPDX-License-Identifier: GPL-3.0-or-later
/* boot_entry_apply() against real KVM: both entry modes must be accepted
 * by KVM_SET_SREGS and run the first instruction (a hlt) at the entry
 * point. Skipped, saying so, where /dev/kvm cannot be opened. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "boot/boot.h"
#include "boot/boot_layout.h"
#include "boot/boot_tables.h"
#include "unit.h"

#define RAM (8ULL << 20)
#define ENTRY 0x100000ULL

static int kvm_fd = -1, vm_fd = -1, vcpu_fd = -1;
static struct kvm_run *run;
static size_t run_size;
static struct guest_mem mem;

static void give_cpuid(void)
{
	const unsigned n = 256;
	struct kvm_cpuid2 *cpuid = calloc(1, sizeof(*cpuid) + n * sizeof(cpuid->entries[0]));
	cpuid->nent = n;
	/* Long mode needs CPUID.80000001H:EDX.LM in the guest CPUID, or
	 * KVM refuses EFER.LME. */
	ck_assert_int_eq(ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid), 0);
	ck_assert_int_eq(ioctl(vcpu_fd, KVM_SET_CPUID2, cpuid), 0);
	free(cpuid);
}

/* A VM with RAM at 0, a vCPU, and a hlt at ENTRY. False: no KVM here. */
static bool make_vm(void)
{
	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0) {
		fprintf(stderr, "test_boot_entry: skipped: no /dev/kvm\n");
		return false;
	}
	vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	ck_assert_int_ge(vm_fd, 0);
	ck_assert_int_eq(gmem_init(&mem, RAM), 0);
	struct kvm_userspace_memory_region r = {
		.slot = 0, .guest_phys_addr = 0, .memory_size = RAM,
		.userspace_addr = (uintptr_t)mem.region[0].hva,
	};
	ck_assert_int_eq(ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &r), 0);
	vcpu_fd = ioctl(vm_fd, KVM_CREATE_VCPU, 0);
	ck_assert_int_ge(vcpu_fd, 0);
	run_size = (size_t)ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu_fd, 0);
	ck_assert_ptr_ne(run, MAP_FAILED);
	give_cpuid();
	const uint8_t hlt = 0xf4;
	ck_assert_int_eq(gmem_write(&mem, ENTRY, &hlt, 1), 0);
	return true;
}

static void teardown(void)
{
	if (run && run != MAP_FAILED)
		munmap(run, run_size);
	run = NULL;
	if (vcpu_fd >= 0)
		close(vcpu_fd);
	if (vm_fd >= 0)
		close(vm_fd);
	if (kvm_fd >= 0)
		close(kvm_fd);
	vcpu_fd = vm_fd = kvm_fd = -1;
	gmem_free(&mem);
}

static void run_to_hlt(void)
{
	struct kvm_regs regs;

	ck_assert_int_eq(ioctl(vcpu_fd, KVM_RUN, 0), 0);
	ck_assert_msg(run->exit_reason == KVM_EXIT_HLT, "exit reason %u", run->exit_reason);
	ck_assert_int_eq(ioctl(vcpu_fd, KVM_GET_REGS, &regs), 0);
	ck_assert_uint_eq(regs.rip, ENTRY + 1);
}

START_TEST(prot32_entry)
{
	struct boot_entry e = { .mode = BOOT_MODE_PROT32, .rip = ENTRY, .rbx = BOOT_PARAMS_ADDR };
	struct kvm_sregs s;
	struct kvm_regs regs;
	char err[128];

	if (!make_vm())
		return;
	ck_assert_int_eq(boot_write_gdt(&mem, &e, err, sizeof(err)), 0);
	ck_assert_int_eq(boot_entry_apply(vcpu_fd, &e), 0);
	ck_assert_int_eq(ioctl(vcpu_fd, KVM_GET_SREGS, &s), 0);
	/* pvh.pandoc: PE set, every other writable bit clear (ET reads 1). */
	ck_assert_uint_eq(s.cr0 & ~0x10ull, 1);
	ck_assert_uint_eq(s.cs.selector, BOOT_SEL_CODE32);
	ck_assert_uint_eq(s.cs.db, 1);
	ck_assert_uint_eq(s.ds.selector, BOOT_SEL_DATA);
	ck_assert_uint_eq(s.tr.limit, 0x67);
	ck_assert_int_eq(ioctl(vcpu_fd, KVM_GET_REGS, &regs), 0);
	ck_assert_uint_eq(regs.rbx, BOOT_PARAMS_ADDR);
	ck_assert_uint_eq(regs.rflags, 2);
	run_to_hlt();
}
END_TEST

START_TEST(long64_entry)
{
	struct boot_entry e = { .mode = BOOT_MODE_LONG64, .rip = ENTRY, .rsi = BOOT_PARAMS_ADDR };
	struct kvm_sregs s;
	struct kvm_regs regs;
	char err[128];

	if (!make_vm())
		return;
	ck_assert_int_eq(boot_write_gdt(&mem, &e, err, sizeof(err)), 0);
	ck_assert_int_eq(boot_write_identity_map(&mem, &e, err, sizeof(err)), 0);
	ck_assert_int_eq(boot_entry_apply(vcpu_fd, &e), 0);
	ck_assert_int_eq(ioctl(vcpu_fd, KVM_GET_SREGS, &s), 0);
	ck_assert_uint_eq(s.efer & 0x500, 0x500);       /* LME, LMA */
	ck_assert_uint_eq(s.cr0 & ~0x10ull, 0x80000001); /* PG, PE only */
	ck_assert_uint_eq(s.cs.l, 1);
	ck_assert_uint_eq(s.cs.selector, BOOT_SEL_CODE64);
	ck_assert_uint_eq(s.cr3, BOOT_PML4_ADDR);
	ck_assert_int_eq(ioctl(vcpu_fd, KVM_GET_REGS, &regs), 0);
	ck_assert_uint_eq(regs.rsi, BOOT_PARAMS_ADDR);
	run_to_hlt();
}
END_TEST

START_TEST(bad_fd)
{
	struct boot_entry e = { .mode = BOOT_MODE_PROT32 };
	ck_assert_int_lt(boot_entry_apply(-1, &e), 0);
}
END_TEST

static Suite *entry_suite(void)
{
	Suite *s = suite_create("boot_entry");
	TCase *tc = tcase_create("kvm");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, prot32_entry);
	tcase_add_test(tc, long64_entry);
	tcase_add_test(tc, bad_fd);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(entry_suite)
