// SPDX-License-Identifier: GPL-3.0-or-later
#include <string.h>

#include "monitor/xfmt.h"
#include "unit.h"

static struct xfmt parsed(const char *spec)
{
	struct xfmt f;
	char err[128] = "";
	xfmt_init(&f);
	ck_assert_msg(xfmt_parse(spec, &f, err, sizeof(err)) == 0, "%s: %s", spec, err);
	return f;
}

static void parse_fails(const char *spec, const char *want)
{
	struct xfmt f, before;
	char err[128] = "";
	xfmt_init(&f);
	f.format = 'd';
	before = f;
	ck_assert_int_eq(xfmt_parse(spec, &f, err, sizeof(err)), -1);
	ck_assert_str_eq(err, want);
	ck_assert_mem_eq(&f, &before, sizeof(f));
}

START_TEST(parse_letters)
{
	struct xfmt f = parsed("/16xg");
	ck_assert_uint_eq(f.count, 16);
	ck_assert_int_eq(f.format, 'x');
	ck_assert_uint_eq(f.size, 8);
	f = parsed("/16gx"); /* letters in any order */
	ck_assert_uint_eq(f.count, 16);
	ck_assert_int_eq(f.format, 'x');
	ck_assert_uint_eq(f.size, 8);
	f = parsed("/4i");
	ck_assert_uint_eq(f.count, 4);
	ck_assert_int_eq(f.format, 'i');
	ck_assert_uint_eq(f.size, 4);
	f = parsed("/3dw");
	ck_assert_uint_eq(f.count, 3);
	ck_assert_int_eq(f.format, 'd');
	ck_assert_uint_eq(f.size, 4);
	f = parsed("/10c");
	ck_assert_uint_eq(f.count, 10);
	ck_assert_int_eq(f.format, 'c');
	ck_assert_uint_eq(f.size, 1);
	f = parsed("/s");
	ck_assert_int_eq(f.format, 's');
	ck_assert_uint_eq(f.size, 1);
	f = parsed("/x");
	ck_assert_uint_eq(f.count, 1);
	ck_assert_uint_eq(f.size, 4);
	f = parsed("");
	ck_assert_uint_eq(f.count, 1);
	ck_assert_int_eq(f.format, 'x');
	ck_assert_uint_eq(f.size, 4);
	f = parsed("2bt"); /* the slash is optional */
	ck_assert_uint_eq(f.count, 2);
	ck_assert_int_eq(f.format, 't');
	ck_assert_uint_eq(f.size, 1);
	f = parsed("/4096uh");
	ck_assert_uint_eq(f.count, 4096);
	ck_assert_int_eq(f.format, 'u');
	ck_assert_uint_eq(f.size, 2);
	f = parsed("/ch");
	ck_assert_uint_eq(f.size, 2);
}
END_TEST

/* Format and size carry over between commands; the count does not. */
START_TEST(parse_remembers)
{
	struct xfmt f;
	char err[64];
	xfmt_init(&f);
	ck_assert_int_eq(xfmt_parse("/8xb", &f, err, sizeof(err)), 0);
	ck_assert_int_eq(xfmt_parse("/d", &f, err, sizeof(err)), 0);
	ck_assert_uint_eq(f.count, 1);
	ck_assert_int_eq(f.format, 'd');
	ck_assert_uint_eq(f.size, 1);
	ck_assert_int_eq(xfmt_parse("/g", &f, err, sizeof(err)), 0);
	ck_assert_int_eq(f.format, 'd');
	ck_assert_uint_eq(f.size, 8);
	ck_assert_int_eq(xfmt_parse("/2", &f, err, sizeof(err)), 0);
	ck_assert_uint_eq(f.count, 2);
	ck_assert_int_eq(f.format, 'd');
	ck_assert_uint_eq(f.size, 8);
	ck_assert_int_eq(xfmt_parse("/s", &f, err, sizeof(err)), 0);
	ck_assert_int_eq(xfmt_parse("/x", &f, err, sizeof(err)), 0);
	ck_assert_uint_eq(f.size, 1); /* as gdb: after x/s, units are bytes */
	ck_assert_int_eq(xfmt_parse("/xdu", &f, err, sizeof(err)), 0);
	ck_assert_int_eq(f.format, 'u'); /* the last letter wins */
}
END_TEST

START_TEST(parse_errors)
{
	parse_fails("/q", "unknown format letter 'q'");
	parse_fails("/16xq", "unknown format letter 'q'");
	parse_fails("/a", "unknown format letter 'a'");
	parse_fails("/-1x", "unknown format letter '-'");
	parse_fails("/x\t", "unknown format letter '\\x09'");
	parse_fails("/0x", "count must be at least 1");
	parse_fails("/4097x", "count 4097 is over the limit of 4096 units");
	parse_fails("/99999999999999999999999x",
		    "count 99999999999999999999999 is over the limit of 4096 units");
	parse_fails("/x16", "the count goes before the letters (\"/16x\", not \"/x16\")");
	parse_fails("/sw", "strings are bytes: format 's' takes no size but b");
}
END_TEST

START_TEST(span)
{
	ck_assert_uint_eq(xfmt_span(&(struct xfmt){ 16, 'x', 8 }), 128);
	ck_assert_uint_eq(xfmt_span(&(struct xfmt){ 2, 's', 1 }), 2 * XFMT_STRING_MAX);
	ck_assert_uint_eq(xfmt_span(&(struct xfmt){ 4, 'i', 4 }), 4 * XFMT_INSN_MAX);
}
END_TEST

static const uint8_t mem[32] = {
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 'H', 'i', '\n', 0, 0x7f, 0x80, 0x10, 0x32,
};

static const char *fmt_units(const char *spec, size_t len, int want_ret)
{
	static char out[4096];
	struct xfmt f = parsed(spec);
	ck_assert_int_eq(xfmt_format_units(&f, 0xffffffff81000000ULL, mem, len, out, sizeof(out)),
			 want_ret);
	return out;
}

START_TEST(format_hex)
{
	ck_assert_str_eq(fmt_units("/2xg", 32, 16),
			 "0xffffffff81000000: 0x0000000000000001 0xffffffffffffffff\n");
	ck_assert_str_eq(fmt_units("/5xw", 32, 20),
			 "0xffffffff81000000: 0x00000001 0x00000000 0xffffffff 0xffffffff\n"
			 "0xffffffff81000010: 0x000a6948\n");
	ck_assert_str_eq(fmt_units("/9xb", 32, 9),
			 "0xffffffff81000000: 0x01 0x00 0x00 0x00 0x00 0x00 0x00 0x00\n"
			 "0xffffffff81000008: 0xff\n");
	ck_assert_str_eq(fmt_units("/3xg", 32, 24),
			 "0xffffffff81000000: 0x0000000000000001 0xffffffffffffffff\n"
			 "0xffffffff81000010: 0x3210807f000a6948\n");
	/* 16 half-words: 8 a line. */
	const char *h = fmt_units("/16xh", 32, 32);
	ck_assert_ptr_nonnull(strstr(h, "\n0xffffffff81000010: 0x6948 "));
	/* A short buffer shows only whole units it holds. */
	ck_assert_str_eq(fmt_units("/4xw", 6, 4), "0xffffffff81000000: 0x00000001\n");
	ck_assert_str_eq(fmt_units("/4xw", 0, 0), "");
}
END_TEST

START_TEST(format_numbers)
{
	ck_assert_str_eq(fmt_units("/3dw", 32, 12), "0xffffffff81000000: 1 0 -1\n");
	ck_assert_str_eq(fmt_units("/2dg", 32, 16), "0xffffffff81000000: 1 -1\n");
	ck_assert_str_eq(fmt_units("/3uw", 32, 12), "0xffffffff81000000: 1 0 4294967295\n");
	ck_assert_str_eq(fmt_units("/2ug", 32, 16),
			 "0xffffffff81000000: 1 18446744073709551615\n");
	ck_assert_str_eq(fmt_units("/3ob", 32, 3), "0xffffffff81000000: 01 0 0\n");
	ck_assert_str_eq(fmt_units("/1oh", 32, 2), "0xffffffff81000000: 01\n");
	ck_assert_str_eq(fmt_units("/2tb", 32, 2), "0xffffffff81000000: 00000001 00000000\n");
	ck_assert_str_eq(fmt_units("/1th", 32, 2), "0xffffffff81000000: 0000000000000001\n");
}
END_TEST

static const char *fmt_chars(size_t off, unsigned count)
{
	static char out[512];
	struct xfmt f = { count, 'c', 1 };
	ck_assert_int_eq(xfmt_format_units(&f, 0x1000, mem + off, sizeof(mem) - off, out,
					   sizeof(out)), (int)count);
	return out;
}

START_TEST(format_chars)
{
	ck_assert_str_eq(fmt_chars(16, 8), "0x0000000000001000: 72 'H' 105 'i' 10 '\\n' 0 '\\000' "
					   "127 '\\177' -128 '\\200' 16 '\\020' 50 '2'\n");
	static const uint8_t quote[] = { '\'', '\\', '"' };
	char out[128];
	struct xfmt f = { 3, 'c', 1 };
	ck_assert_int_eq(xfmt_format_units(&f, 0, quote, 3, out, sizeof(out)), 3);
	ck_assert_str_eq(out, "0x0000000000000000: 39 '\\'' 92 '\\\\' 34 '\"'\n");
}
END_TEST

START_TEST(format_rejects)
{
	char out[64];
	struct xfmt s = { 1, 's', 1 }, i = { 1, 'i', 4 }, bad = { 1, 'x', 3 };
	ck_assert_int_eq(xfmt_format_units(&s, 0, mem, 32, out, sizeof(out)), -1);
	ck_assert_int_eq(xfmt_format_units(&i, 0, mem, 32, out, sizeof(out)), -1);
	ck_assert_int_eq(xfmt_format_units(&bad, 0, mem, 32, out, sizeof(out)), -1);
	/* Output that does not fit: -1, and what fits is terminated. */
	struct xfmt g = { 4, 'x', 8 };
	ck_assert_int_eq(xfmt_format_units(&g, 0, mem, 32, out, 30), -1);
	ck_assert_uint_eq(strlen(out), 29);
	ck_assert_int_eq(xfmt_format_units(&g, 0, mem, 32, out, 0), -1);
}
END_TEST

START_TEST(format_strings)
{
	static const uint8_t text[] = "hello\0tab\there \"q\" \\\0\x01\xff";
	char out[512];
	struct xfmt f = parsed("/3s");
	int used = xfmt_format_strings(&f, 0x2000, text, sizeof(text) - 1, out, sizeof(out));
	ck_assert_str_eq(out, "0x0000000000002000: \"hello\"\n"
			      "0x0000000000002006: \"tab\\there \\\"q\\\" \\\\\"\n"
			      "0x0000000000002015: \"\\001\\377\"...\n");
	ck_assert_int_eq(used, (int)sizeof(text) - 1);

	/* Fewer strings asked: the next one starts where this stopped. */
	f.count = 1;
	ck_assert_int_eq(xfmt_format_strings(&f, 0x2000, text, sizeof(text), out, sizeof(out)), 6);

	/* A string longer than the limit is cut there. */
	static uint8_t big[XFMT_STRING_MAX + 10];
	memset(big, 'a', sizeof(big));
	big[sizeof(big) - 1] = 0;
	f.count = 2;
	ck_assert_int_eq(xfmt_format_strings(&f, 0, big, sizeof(big), out, sizeof(out)),
			 (int)sizeof(big));
	ck_assert_ptr_nonnull(strstr(out, "aaaa\"...\n0x0000000000000100: \"aaaaaaaaa\"\n"));

	/* Output too small. */
	ck_assert_int_eq(xfmt_format_strings(&f, 0, big, sizeof(big), out, 40), -1);
	ck_assert_uint_eq(strlen(out), 39);
	/* Nothing to show. */
	ck_assert_int_eq(xfmt_format_strings(&f, 0, big, 0, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "");
}
END_TEST

static Suite *xfmt_suite(void)
{
	Suite *s = suite_create("xfmt");
	TCase *tp = tcase_create("parse");
	tcase_add_test(tp, parse_letters);
	tcase_add_test(tp, parse_remembers);
	tcase_add_test(tp, parse_errors);
	tcase_add_test(tp, span);
	suite_add_tcase(s, tp);
	TCase *tf = tcase_create("format");
	tcase_add_test(tf, format_hex);
	tcase_add_test(tf, format_numbers);
	tcase_add_test(tf, format_chars);
	tcase_add_test(tf, format_rejects);
	tcase_add_test(tf, format_strings);
	suite_add_tcase(s, tf);
	return s;
}

UNIT_MAIN(xfmt_suite)
