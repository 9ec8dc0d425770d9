// SPDX-License-Identifier: GPL-3.0-or-later
/* The capstone glue: one instruction at a time, in the vCPU's mode. */
#include <string.h>

#include "monitor/disas.h"
#include "unit.h"

START_TEST(decodes_in_each_mode)
{
	char out[128];
	/* 48 89 e5: mov rbp, rsp in 64-bit mode; the REX prefix is "dec eax"
	 * to a 32-bit CPU, which is exactly why the mode matters. */
	static const uint8_t mov[] = { 0x48, 0x89, 0xe5 };
	ck_assert_int_eq(disas_one(mov, sizeof(mov), 0xffffffff81000000, 64, out, sizeof(out)), 3);
	ck_assert_str_eq(out, "mov rbp, rsp");
	ck_assert_int_eq(disas_one(mov, sizeof(mov), 0x1000000, 32, out, sizeof(out)), 1);
	ck_assert_str_eq(out, "dec eax");
	/* b8 imm: mov eax, imm32 in 32-bit mode, mov ax, imm16 in 16-bit mode. */
	static const uint8_t movimm[] = { 0xb8, 0x34, 0x12, 0x00, 0x00 };
	ck_assert_int_eq(disas_one(movimm, sizeof(movimm), 0, 32, out, sizeof(out)), 5);
	ck_assert_str_eq(out, "mov eax, 0x1234");
	ck_assert_int_eq(disas_one(movimm, sizeof(movimm), 0, 16, out, sizeof(out)), 3);
	ck_assert_str_eq(out, "mov ax, 0x1234");
}
END_TEST

START_TEST(relative_targets_use_the_address)
{
	char out[128];
	/* e8 rel32 = +0x10: the target depends on where the call sits. */
	static const uint8_t call[] = { 0xe8, 0x10, 0x00, 0x00, 0x00 };
	ck_assert_int_eq(disas_one(call, sizeof(call), 0x1000, 64, out, sizeof(out)), 5);
	ck_assert_str_eq(out, "call 0x1015");
}
END_TEST

START_TEST(bad_and_short_input)
{
	char out[128] = "unchanged";
	static const uint8_t ud[] = { 0x0f, 0xff };   /* not an instruction capstone knows */
	static const uint8_t cut[] = { 0xe8, 0x10 };  /* a call missing its last bytes */
	ck_assert_int_eq(disas_one(cut, sizeof(cut), 0, 64, out, sizeof(out)), 0);
	ck_assert_int_eq(disas_one(cut, 0, 0, 64, out, sizeof(out)), 0);
	int n = disas_one(ud, sizeof(ud), 0, 64, out, sizeof(out));
	ck_assert(n == 0 || n == 2);
	/* A tiny output buffer truncates, never overflows. */
	char small[6];
	memset(small, 'x', sizeof(small));
	static const uint8_t mov[] = { 0x48, 0x89, 0xe5 };
	ck_assert_int_eq(disas_one(mov, sizeof(mov), 0, 64, small, 4), 3);
	ck_assert_str_eq(small, "mov");
	ck_assert_int_eq(small[5], 'x');
}
END_TEST

static Suite *disas_suite(void)
{
	Suite *s = suite_create("disas");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, decodes_in_each_mode);
	tcase_add_test(tc, relative_targets_use_the_address);
	tcase_add_test(tc, bad_and_short_input);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(disas_suite)
