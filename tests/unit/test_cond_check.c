// SPDX-License-Identifier: GPL-3.0-or-later
/* A condition checked as it is set (monitor/cond_check.c): names, types
 * and syntax are judged, values are not. A monitor without a machine or
 * symbols is enough: the check reads neither. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/cond_check.h"
#include "unit.h"

static struct monitor mon;
static char *out;
static size_t outlen;

static int check(const char *cond)
{
	memset(&mon, 0, sizeof(mon));
	free(out);
	out = NULL;
	mon.out = open_memstream(&out, &outlen);
	ck_assert_ptr_nonnull(mon.out);
	int rc = mon_check_condition(&mon, cond);
	fclose(mon.out);
	return rc;
}

START_TEST(good_conditions_pass)
{
	ck_assert_int_eq(check(""), 0);
	ck_assert_int_eq(check("$rdi == 5"), 0);
	ck_assert_int_eq(check("($rax & 0xff) >= 2 && $rip != 0"), 0);
	ck_assert_str_eq(out, "");
	/* 0 in the stand-in registers: no verdict on the values. */
	ck_assert_int_eq(check("1 / $rdi"), 0);
}
END_TEST

START_TEST(bad_conditions_refused)
{
	ck_assert_int_eq(check("no_such_symbol == 1"), -1);
	ck_assert_str_eq(out, "error: unknown symbol no_such_symbol\n");
	ck_assert_int_eq(check("$rxx == 1"), -1);
	ck_assert_str_eq(out, "error: unknown register $rxx\n");
	ck_assert_int_eq(check("($rdi == 1"), -1);
	ck_assert_ptr_nonnull(strstr(out, "missing ')'"));
	ck_assert_int_eq(check("$rdi =="), -1);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cond_check");
	TCase *tc = tcase_create("check");
	tcase_add_test(tc, good_conditions_pass);
	tcase_add_test(tc, bad_conditions_refused);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
