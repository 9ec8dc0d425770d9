// SPDX-License-Identifier: GPL-3.0-or-later
#include <string.h>

#include "unit.h"
#include "vmm/breakpoint.h"
#include "vmm/vm.h"

START_TEST(software_table)
{
	static struct vm vm;   /* only its breakpoint table is used */
	struct bp_table *tp = &vm.bps, t;
	memset(&t, 0, sizeof(t));
	int existing = -1;
	int a = bp_add(&t, 0x1000, false, "a", &existing);
	int b = bp_add(&t, 0x2000, true, "b", &existing);
	ck_assert_int_eq(a, 1);
	ck_assert_int_eq(b, 2);
	ck_assert_int_eq(bp_add(&t, 0x1000, false, "again", &existing), -1);
	ck_assert_int_eq(existing, 1);
	ck_assert_ptr_nonnull(bp_find_gva(&t, 0x2000));
	/* Not planted: a trap there is not ours (no translation needed). */
	*tp = t;
	ck_assert_ptr_null(bp_planted_at(&vm, NULL, 0x1000));
	bp_delete_temporary(&t);
	ck_assert_ptr_null(bp_find_gva(&t, 0x2000));
	ck_assert(bp_delete(&t, a));
	ck_assert(!bp_delete(&t, a));
	ck_assert(!bp_delete(&t, 0));
	ck_assert(!bp_any(&t));
	for (int i = 0; i < BP_MAX; i++)
		ck_assert_int_gt(bp_add(&t, 0x10000 + (uint64_t)i, false, "n", NULL), 0);
	existing = -1;
	ck_assert_int_eq(bp_add(&t, 0x99999, false, "full", &existing), -1);
	ck_assert_int_eq(existing, 0);
}
END_TEST

START_TEST(hardware_table_and_dr7)
{
	struct bp_table t;
	memset(&t, 0, sizeof(t));
	unsigned gen = t.hw_generation;
	int x = hwbp_add(&t, 0xffffffff83079e46, HWBP_EXEC, 1, 4);
	int w = hwbp_add(&t, 0x1009000, HWBP_WRITE, 8, 4);
	int rw = hwbp_add(&t, 0x2000, HWBP_RW, 4, 4);
	ck_assert_int_gt(x, 0);
	ck_assert_uint_ne(t.hw_generation, gen);
	/* SDM vol. 3B 18.2.4: G0|G1|G2, R/W0=00 LEN0=00, R/W1=01 LEN1=10 (8),
	 * R/W2=11 LEN2=11 (4). */
	uint64_t want = 0x2 | 0x8 | 0x20 | (0x1ULL << 20) | (0x2ULL << 22) |
			(0x3ULL << 24) | (0x3ULL << 26);
	ck_assert_uint_eq(hwbp_dr7(&t), want);
	ck_assert_int_eq(hwbp_from_dr6(&t, 0x2)->id, w);
	ck_assert_int_eq(hwbp_from_dr6(&t, 0x4)->id, rw);
	ck_assert_ptr_null(hwbp_from_dr6(&t, 0x4000));   /* BS: a single-step */
	ck_assert_ptr_nonnull(hwbp_exec_at(&t, 0xffffffff83079e46));
	ck_assert_ptr_null(hwbp_exec_at(&t, 0x1009000));   /* a watchpoint, not code */
	/* The host offers fewer registers than the CPU has: respect that. */
	ck_assert_int_eq(hwbp_add(&t, 0x3000, HWBP_WRITE, 1, 3), -1);
	ck_assert_int_gt(hwbp_add(&t, 0x3000, HWBP_WRITE, 1, 4), 0);
	ck_assert_int_eq(hwbp_add(&t, 0x4000, HWBP_WRITE, 1, 4), -1);
	ck_assert(bp_delete(&t, w));
	ck_assert_ptr_null(hwbp_from_dr6(&t, 0x2));
	bp_delete_all(&t);
	ck_assert(!hwbp_any(&t));
	ck_assert_uint_eq(hwbp_dr7(&t), 0);
}
END_TEST

static Suite *breakpoint_suite(void)
{
	Suite *s = suite_create("breakpoint");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, software_table);
	tcase_add_test(tc, hardware_table_and_dr7);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(breakpoint_suite)
