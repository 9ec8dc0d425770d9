// SPDX-License-Identifier: GPL-3.0-or-later
#include <stdio.h>
#include <string.h>

#include "fuzz_seed.h"
#include "monitor/expr.h"
#include "unit.h"

struct name_value {
	const char *name;
	uint64_t value;
};

static const struct name_value regs[] = {
	{ "rax", 0x10 }, { "rsp", 0xffffc90000003f00ULL }, { "rip", 0xffffffff81000850ULL },
	{ "cr3", 0x100a123 }, { "cs.base", 0x1000 }, { "r15", 7 }, { NULL, 0 },
};
static const struct name_value syms[] = {
	{ "start_kernel", 0xffffffff83079e46ULL }, { "foo.cold", 0x100 }, { "_x1", 1 },
	{ NULL, 0 },
};

static bool lookup(const struct name_value *t, const char *name, uint64_t *val)
{
	for (; t->name; t++) {
		if (strcmp(t->name, name) == 0) {
			*val = t->value;
			return true;
		}
	}
	return false;
}

static bool reg_cb(void *opaque, const char *name, uint64_t *val)
{
	ck_assert_ptr_eq(opaque, regs);
	return lookup(regs, name, val);
}

static bool sym_cb(void *opaque, const char *name, uint64_t *val)
{
	(void)opaque;
	return lookup(syms, name, val);
}

static const struct expr_env env = { reg_cb, sym_cb, (void *)regs };

static uint64_t eval(const char *text)
{
	uint64_t v = 0xdeadbeef;
	char err[128] = "";
	fuzz_seed(text, strlen(text));
	ck_assert_msg(expr_eval(text, &env, &v, err, sizeof(err)) == 0, "%s: %s", text, err);
	return v;
}

static void eval_fails(const char *text, const char *want)
{
	uint64_t v = 42;
	char err[128] = "";
	fuzz_seed(text, strlen(text));
	ck_assert_msg(expr_eval(text, &env, &v, err, sizeof(err)) == -1, "%s evaluated", text);
	ck_assert_str_eq(err, want);
	ck_assert_uint_eq(v, 42);
}

START_TEST(numbers)
{
	ck_assert_uint_eq(eval("0"), 0);
	ck_assert_uint_eq(eval("1234"), 1234);
	ck_assert_uint_eq(eval("0x1000850"), 0x1000850);
	ck_assert_uint_eq(eval("0XFFFFFFFFFFFFFFFF"), UINT64_MAX);
	ck_assert_uint_eq(eval("  42  "), 42);
	ck_assert_uint_eq(eval("0b101"), 5);
	ck_assert_uint_eq(eval("017"), 15); /* as parse_u64: the monitor reads numbers one way */
}
END_TEST

START_TEST(precedence)
{
	ck_assert_uint_eq(eval("1+2*3"), 7);
	ck_assert_uint_eq(eval("(1+2)*3"), 9);
	ck_assert_uint_eq(eval("10-4-3"), 3);  /* left to right */
	ck_assert_uint_eq(eval("100/10/5"), 2);
	ck_assert_uint_eq(eval("17 % 5 * 2"), 4);
	ck_assert_uint_eq(eval("1 << 4 + 1"), 32); /* + binds tighter than << */
	ck_assert_uint_eq(eval("0x100 >> 4 >> 1"), 8);
	ck_assert_uint_eq(eval("6 & 3 ^ 1 | 8"), 11); /* ((6&3)^1)|8 */
	ck_assert_uint_eq(eval("1 | 2 ^ 3 & 1"), 3);  /* 1|(2^(3&1)) */
	ck_assert_uint_eq(eval("~0 & 0xfff"), 0xfff);
	ck_assert_uint_eq(eval("-1"), UINT64_MAX);
	ck_assert_uint_eq(eval("- -5"), 5);
	ck_assert_uint_eq(eval("-2*3"), (uint64_t)-6);
	ck_assert_uint_eq(eval("~(1<<12)+1"), ~(1ULL << 12) + 1);
	ck_assert_uint_eq(eval("((((7))))"), 7);
}
END_TEST

START_TEST(wraparound)
{
	ck_assert_uint_eq(eval("0xffffffffffffffff + 2"), 1);
	ck_assert_uint_eq(eval("0 - 1"), UINT64_MAX);
	ck_assert_uint_eq(eval("0x8000000000000000 * 2"), 0);
	ck_assert_uint_eq(eval("1 << 63"), 1ULL << 63);
	ck_assert_uint_eq(eval("1 << 64"), 0);
	ck_assert_uint_eq(eval("-1 >> 100"), 0);
	ck_assert_uint_eq(eval("-1 >> 60"), 0xf); /* logical shift */
	ck_assert_uint_eq(eval("-1 / 2"), UINT64_MAX / 2); /* unsigned division */
}
END_TEST

START_TEST(registers_and_symbols)
{
	ck_assert_uint_eq(eval("$rax"), 0x10);
	ck_assert_uint_eq(eval("$rsp+8"), 0xffffc90000003f08ULL);
	ck_assert_uint_eq(eval("$cr3 & ~0xfff"), 0x100a000);
	ck_assert_uint_eq(eval("$cs.base + 0x7c00"), 0x8c00);
	ck_assert_uint_eq(eval("$r15*2"), 14);
	ck_assert_uint_eq(eval("start_kernel+0x10"), 0xffffffff83079e56ULL);
	ck_assert_uint_eq(eval("foo.cold"), 0x100);
	ck_assert_uint_eq(eval("_x1+$rax"), 0x11);
	ck_assert_uint_eq(eval("$rip-start_kernel+start_kernel"), 0xffffffff81000850ULL);
}
END_TEST

START_TEST(errors)
{
	eval_fails("$rxx", "unknown register $rxx");
	eval_fails("1 + $rxx * 2", "unknown register $rxx");
	eval_fails("foo", "unknown symbol foo");
	eval_fails("(1+2))", "unexpected ')' at column 6");
	eval_fails("(1 + 2)) + 3", "unexpected ')' at column 8");
	eval_fails(")", "unexpected ')' at column 1");
	eval_fails("1 +", "unexpected end of expression");
	eval_fails("", "empty expression");
	eval_fails("   ", "empty expression");
	eval_fails("(1+2", "missing ')' for the '(' at column 1");
	eval_fails("(1 2)", "unexpected '2' at column 4");
	eval_fails("1 2", "unexpected '2' at column 3");
	eval_fails("1 < 2", "unexpected '<' at column 3");
	eval_fails("1 @ 2", "unexpected '@' at column 3");
	eval_fails("1 +\x01", "unexpected byte 0x01 at column 4");
	eval_fails("8 / 0", "division by zero at column 3");
	eval_fails("8 % (1-1)", "division by zero at column 3");
	eval_fails("0x", "bad number '0x' at column 1");
	eval_fails("12ab", "bad number '12ab' at column 1");
	eval_fails("0x10000000000000000", "bad number '0x10000000000000000' at column 1");
	eval_fails("$", "register name expected after '$' at column 1");
	eval_fails("1+$ rax", "register name expected after '$' at column 3");
	eval_fails("*(1)", "unexpected '*' at column 1");
}
END_TEST

START_TEST(no_callbacks)
{
	uint64_t v;
	char err[64];
	const struct expr_env empty = { NULL, NULL, NULL };
	ck_assert_int_eq(expr_eval("$rax", &empty, &v, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "unknown register $rax");
	ck_assert_int_eq(expr_eval("main", NULL, &v, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "unknown symbol main");
	ck_assert_int_eq(expr_eval("2*3", NULL, &v, err, sizeof(err)), 0);
	ck_assert_uint_eq(v, 6);
}
END_TEST

START_TEST(limits)
{
	char text[512];
	/* 64 levels of parentheses are fine, 65 are not. */
	memset(text, '(', 64);
	text[64] = '1';
	memset(text + 65, ')', 64);
	text[129] = '\0';
	ck_assert_uint_eq(eval(text), 1);
	memset(text, '(', 65);
	text[65] = '1';
	memset(text + 66, ')', 65);
	text[131] = '\0';
	eval_fails(text, "expression nested deeper than 64 at column 65");
	memset(text, '-', 200);
	text[200] = '1';
	text[201] = '\0';
	eval_fails(text, "expression nested deeper than 64 at column 65");

	/* Long chains of binary operators are not nesting. */
	char *p = text;
	for (int i = 0; i < 100; i++)
		p += sprintf(p, "1+");
	sprintf(p, "0");
	ck_assert_uint_eq(eval(text), 100);

	char name[EXPR_MAX_NAME + 3];
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	eval_fails(name, "name longer than 255 bytes at column 1");
	/* The error message is cut to the caller's buffer. */
	uint64_t v;
	char small[8];
	ck_assert_int_eq(expr_eval("foo", &env, &v, small, sizeof(small)), -1);
	ck_assert_str_eq(small, "unknown");
}
END_TEST

static Suite *expr_suite(void)
{
	Suite *s = suite_create("expr");
	TCase *tc = tcase_create("eval");
	tcase_add_test(tc, numbers);
	tcase_add_test(tc, precedence);
	tcase_add_test(tc, wraparound);
	tcase_add_test(tc, registers_and_symbols);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, no_callbacks);
	tcase_add_test(tc, limits);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(expr_suite)
