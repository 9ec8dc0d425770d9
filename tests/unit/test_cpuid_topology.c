// SPDX-License-Identifier: GPL-3.0-or-later
/* CPUID topology per vCPU (vmm/cpuid_topology.c) on a synthetic table. */
#include <string.h>

#include "unit.h"
#include "vmm/cpuid_topology.h"

enum { L1, L4_L1D, L4_L3, L4_END, LB0, LB1, LB2, L1F0, L1F1, A08, A1E, NENT };

/* What KVM_GET_SUPPORTED_CPUID might give: host-like values to be
 * overwritten, and bits that must survive. */
static void table(struct kvm_cpuid_entry2 *e)
{
	memset(e, 0, NENT * sizeof(*e));
	e[L1] = (struct kvm_cpuid_entry2){ .function = 1, .ebx = 0xaa10beef, .edx = 0x0789abcd };
	/* Leaf 4: type 1 (data) level 1 = 0x21; type 3 (unified) level 3 = 0x63. */
	e[L4_L1D] = (struct kvm_cpuid_entry2){ .function = 4, .index = 0, .eax = 0xfc004121 };
	e[L4_L3] = (struct kvm_cpuid_entry2){ .function = 4, .index = 1, .eax = 0xfc03c163 };
	e[L4_END] = (struct kvm_cpuid_entry2){ .function = 4, .index = 2, .eax = 0 };
	for (unsigned i = 0; i < 3; i++)
		e[LB0 + i] = (struct kvm_cpuid_entry2){ .function = 0xb, .index = i, .eax = 9,
							  .ebx = 99, .ecx = 0x1234, .edx = 77 };
	for (unsigned i = 0; i < 2; i++)
		e[L1F0 + i] = (struct kvm_cpuid_entry2){ .function = 0x1f, .index = i, .edx = 77 };
	e[A08] = (struct kvm_cpuid_entry2){ .function = 0x80000008, .ecx = 0x0003f0ff };
	e[A1E] = (struct kvm_cpuid_entry2){ .function = 0x8000001e, .eax = 55, .ebx = 0x0105 };
}

START_TEST(id_bits)
{
	ck_assert_uint_eq(cpuid_id_bits(1), 0);
	ck_assert_uint_eq(cpuid_id_bits(2), 1);
	ck_assert_uint_eq(cpuid_id_bits(3), 2);
	ck_assert_uint_eq(cpuid_id_bits(4), 2);
	ck_assert_uint_eq(cpuid_id_bits(5), 3);
	ck_assert_uint_eq(cpuid_id_bits(64), 6);
	ck_assert_uint_eq(cpuid_id_bits(65), 7);
}
END_TEST

/* Four vCPUs, the third (APIC ID 2): every leaf names APIC ID 2 and a
 * package of four cores, one thread each. */
START_TEST(four_vcpus)
{
	struct kvm_cpuid_entry2 e[NENT];
	table(e);
	cpuid_set_topology(e, NENT, 2, 4);
	ck_assert_uint_eq(e[L1].ebx >> 24, 2);
	ck_assert_uint_eq((e[L1].ebx >> 16) & 0xff, 4);
	ck_assert_uint_eq(e[L1].ebx & 0xffff, 0xbeef);      /* brand, CLFLUSH kept */
	ck_assert(e[L1].edx & (1u << 28));                  /* HTT */
	ck_assert_uint_eq(e[L1].edx & ~(1u << 28), 0x0789abcd);
	ck_assert_uint_eq(e[L4_L1D].eax >> 26, 3);          /* 4 cores */
	ck_assert_uint_eq((e[L4_L1D].eax >> 14) & 0xfff, 0);  /* L1 per core */
	ck_assert_uint_eq(e[L4_L1D].eax & 0x3fff, 0x0121);
	ck_assert_uint_eq(e[L4_L3].eax >> 26, 3);
	ck_assert_uint_eq((e[L4_L3].eax >> 14) & 0xfff, 3);   /* L3 shared by 4 */
	ck_assert_uint_eq(e[L4_END].eax, 0);
	/* 0BH: SMT level (shift 0, 1 thread), core level (shift 2, 4), end. */
	ck_assert_uint_eq(e[LB0].eax, 0);
	ck_assert_uint_eq(e[LB0].ebx, 1);
	ck_assert_uint_eq(e[LB0].ecx, 0x100);
	ck_assert_uint_eq(e[LB1].eax, 2);
	ck_assert_uint_eq(e[LB1].ebx, 4);
	ck_assert_uint_eq(e[LB1].ecx, 0x201);
	ck_assert_uint_eq(e[LB2].ebx, 0);
	ck_assert_uint_eq(e[LB2].ecx, 0x002);
	for (int i = LB0; i <= L1F1; i++)
		ck_assert_uint_eq(e[i].edx, 2);               /* x2APIC ID */
	ck_assert_uint_eq(e[L1F1].ecx, 0x201);
	ck_assert_uint_eq(e[A08].ecx & 0xff, 3);
	ck_assert_uint_eq((e[A08].ecx >> 12) & 0xf, 2);
	ck_assert_uint_eq(e[A08].ecx & 0xffff0000u, 0x00030000);
	ck_assert_uint_eq(e[A1E].eax, 2);
	ck_assert_uint_eq(e[A1E].ebx & 0xffff, 2);
}
END_TEST

/* One vCPU: no HTT, one logical CPU, nothing shared. */
START_TEST(one_vcpu)
{
	struct kvm_cpuid_entry2 e[NENT];
	table(e);
	e[L1].edx |= 1u << 28;
	cpuid_set_topology(e, NENT, 0, 1);
	ck_assert_uint_eq(e[L1].ebx >> 16, 1);
	ck_assert(!(e[L1].edx & (1u << 28)));
	ck_assert_uint_eq(e[L4_L3].eax >> 14, 0);
	ck_assert_uint_eq(e[LB1].eax, 0);
	ck_assert_uint_eq(e[LB1].ebx, 1);
	ck_assert_uint_eq(e[A08].ecx & 0xf0ff, 0);
}
END_TEST

/* Six vCPUs: IDs 0-5 need 3 bits, so the package addresses 8. */
START_TEST(six_vcpus_round_up)
{
	struct kvm_cpuid_entry2 e[NENT];
	table(e);
	cpuid_set_topology(e, NENT, 5, 6);
	ck_assert_uint_eq(e[L1].ebx >> 24, 5);
	ck_assert_uint_eq((e[L1].ebx >> 16) & 0xff, 8);
	ck_assert_uint_eq(e[L4_L1D].eax >> 26, 7);
	ck_assert_uint_eq(e[LB1].eax, 3);
	ck_assert_uint_eq(e[LB1].ebx, 6);
	ck_assert_uint_eq(e[A08].ecx & 0xff, 5);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cpuid_topology");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, id_bits);
	tcase_add_test(tc, four_vcpus);
	tcase_add_test(tc, one_vcpu);
	tcase_add_test(tc, six_vcpus_round_up);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
