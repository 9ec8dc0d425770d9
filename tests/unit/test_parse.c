// SPDX-License-Identifier: GPL-3.0-or-later
#include <string.h>

#include "monitor/commands.h"
#include "monitor/parse.h"
#include "unit.h"

static int split(const char *in, char **argv, char *buf, size_t buflen)
{
	char err[64];
	snprintf(buf, buflen, "%s", in);
	return parse_split(buf, argv, 8, err, sizeof(err));
}

START_TEST(split_words_and_quotes)
{
	char buf[128], *argv[8];
	ck_assert_int_eq(split("  wait \"Linux version 6.1\"  30 ", argv, buf, sizeof(buf)), 3);
	ck_assert_str_eq(argv[0], "wait");
	ck_assert_str_eq(argv[1], "Linux version 6.1");
	ck_assert_str_eq(argv[2], "30");
	/* Backslash escapes only inside quotes. */
	ck_assert_int_eq(split("echo a\\b \"x\\\"y\\\\\"", argv, buf, sizeof(buf)), 3);
	ck_assert_str_eq(argv[1], "a\\b");
	ck_assert_str_eq(argv[2], "x\"y\\");
	ck_assert_int_eq(split("", argv, buf, sizeof(buf)), 0);
	ck_assert_int_eq(split("   # only a comment", argv, buf, sizeof(buf)), 0);
	ck_assert_int_eq(split("regs # comment", argv, buf, sizeof(buf)), 1);
	ck_assert_int_eq(split("echo \"\"", argv, buf, sizeof(buf)), 2);
	ck_assert_str_eq(argv[1], "");
}
END_TEST

START_TEST(split_rejects_bad_input)
{
	char buf[128], *argv[8];
	ck_assert_int_eq(split("wait \"unterminated", argv, buf, sizeof(buf)), -1);
	ck_assert_int_eq(split("a b c d e f g h i", argv, buf, sizeof(buf)), -1);
}
END_TEST

START_TEST(numbers)
{
	uint64_t v;
	ck_assert(parse_u64("0", &v) && v == 0);
	ck_assert(parse_u64("1234", &v) && v == 1234);
	ck_assert(parse_u64("0x1000850", &v) && v == 0x1000850);
	ck_assert(parse_u64("0xffffffffffffffff", &v) && v == UINT64_MAX);
	ck_assert(parse_u64("0b101", &v) && v == 5);
	ck_assert(parse_u64("017", &v) && v == 15);
	ck_assert(!parse_u64("0x10000000000000000", &v));
	ck_assert(!parse_u64("-1", &v));
	ck_assert(!parse_u64("12abc", &v));
	ck_assert(!parse_u64("0x", &v));
	ck_assert(!parse_u64("", &v));
	ck_assert(!parse_u64(" 1", &v));
	ck_assert(!parse_u64("08", &v));
}
END_TEST

START_TEST(sizes)
{
	uint64_t v;
	ck_assert(parse_size("256M", &v) && v == 256ULL << 20);
	ck_assert(parse_size("1g", &v) && v == 1ULL << 30);
	ck_assert(parse_size("4GiB", &v) && v == 4ULL << 30);
	ck_assert(parse_size("512KB", &v) && v == 512ULL << 10);
	ck_assert(parse_size("65536", &v) && v == 65536);
	ck_assert(!parse_size("M", &v));
	ck_assert(!parse_size("12X", &v));
	ck_assert(!parse_size("-1G", &v));
	ck_assert(!parse_size("99999999999T", &v));
	ck_assert(!parse_size("1Gx", &v));
}
END_TEST

START_TEST(seconds)
{
	double s;
	ck_assert(parse_seconds("30", &s) && s == 30.0);
	ck_assert(parse_seconds("0.5", &s) && s == 0.5);
	ck_assert(parse_seconds("250ms", &s) && s == 0.25);
	ck_assert(parse_seconds("2s", &s) && s == 2.0);
	ck_assert(!parse_seconds("-1", &s));
	ck_assert(!parse_seconds("soon", &s));
	ck_assert(!parse_seconds("inf", &s));
	ck_assert(!parse_seconds("1h", &s));
}
END_TEST

START_TEST(command_lookup)
{
	ck_assert_ptr_nonnull(mon_find_command("run"));
	ck_assert_ptr_eq(mon_find_command("c"), mon_find_command("run"));
	ck_assert_ptr_eq(mon_find_command("cont"), mon_find_command("run"));
	ck_assert_ptr_eq(mon_find_command("stop"), mon_find_command("pause"));
	ck_assert_ptr_nonnull(mon_find_command("regs"));
	ck_assert_ptr_nonnull(mon_find_command("quit"));
	ck_assert_ptr_null(mon_find_command("co"));
	ck_assert_ptr_null(mon_find_command(""));
	ck_assert_ptr_null(mon_find_command("frobnicate"));
	for (int i = 0; i < mon_ncommands; i++) {
		ck_assert_ptr_nonnull(mon_commands[i].help);
		ck_assert_ptr_nonnull(mon_commands[i].fn);
	}
}
END_TEST

static Suite *parse_suite(void)
{
	Suite *s = suite_create("parse");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, split_words_and_quotes);
	tcase_add_test(tc, split_rejects_bad_input);
	tcase_add_test(tc, numbers);
	tcase_add_test(tc, sizes);
	tcase_add_test(tc, seconds);
	tcase_add_test(tc, command_lookup);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(parse_suite)
