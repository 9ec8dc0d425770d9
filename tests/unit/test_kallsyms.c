// SPDX-License-Identifier: GPL-3.0-or-later
/* The kallsyms loader against a fake kernel built here: the tables laid
 * out as Linux 6.1's scripts/kallsyms.c writes them (see sym_kallsyms.c),
 * between unrelated bytes, then damaged in the ways a hostile image could
 * be. The real Debian kernel is checked by
 * tests/integration/kallsyms_vs_systemmap.sh. */
#include <stdio.h>
#include <string.h>

#include "common/le.h"
#include "fuzz_seed.h"
#include "monitor/sym_load.h"
#include "unit.h"

#define BASE 0xffffffff81000000ULL
#define NSYMS 300               /* two markers */
#define LONG_NAME_LEN 200       /* needs the two-byte length */

struct fake {
	uint8_t buf[32768];
	size_t size;
	size_t offsets, relative_base, num_syms, names, markers, token_table,
	       token_index;
	char sym_name[NSYMS][LONG_NAME_LEN + 2];
	uint64_t sym_addr[NSYMS];
};

static struct fake fk;
static struct symtab *st;
static char err[256];

/* Tokens for the codes no symbol character uses; the rest are one
 * character each, as scripts/kallsyms.c leaves them. */
static const char *const multi_token[] = { "start_", "kernel", "sym_", "_data" };
#define MULTI_BASE 0x80

static const char *token(int c, char one[2])
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
		one[0] = (char)c;
		one[1] = '\0';
		return one;
	}
	if (c >= MULTI_BASE && c < MULTI_BASE + 4)
		return multi_token[c - MULTI_BASE];
	return "zq";                    /* never referenced */
}

static void put(const void *p, size_t n)
{
	ck_assert_uint_le(fk.size + n, sizeof(fk.buf));
	memcpy(fk.buf + fk.size, p, n);
	fk.size += n;
}

static void align8(void)
{
	static const uint8_t zero[8];

	put(zero, (8 - fk.size % 8) % 8);
}

/* Greedy compression, multi-character tokens first. */
static void put_name(const char *s)
{
	uint8_t code[LONG_NAME_LEN + 2];
	size_t n = 0;

	while (*s) {
		int c = (uint8_t)*s;
		size_t adv = 1;
		for (int m = 0; m < 4; m++) {
			size_t l = strlen(multi_token[m]);
			if (strncmp(s, multi_token[m], l) == 0) {
				c = MULTI_BASE + m;
				adv = l;
				break;
			}
		}
		code[n++] = (uint8_t)c;
		s += adv;
	}
	/* Linux 6.1 "big" symbols: low 7 bits with the top bit set, then the
	 * rest of the length. */
	uint8_t len[2] = { (uint8_t)n, 0 };
	if (n > 0x7f) {
		len[0] = (uint8_t)(0x80 | (n & 0x7f));
		len[1] = (uint8_t)(n >> 7);
	}
	put(len, n > 0x7f ? 2 : 1);
	put(code, n);
}

static void make_symbols(void)
{
	for (int i = 0; i < NSYMS; i++) {
		fk.sym_addr[i] = BASE + 0x10 * (uint64_t)i;
		snprintf(fk.sym_name[i], sizeof(fk.sym_name[i]), "tsym_%d", i);
	}
	snprintf(fk.sym_name[0], sizeof(fk.sym_name[0]), "Afixed_percpu_data");
	fk.sym_addr[0] = 0;
	snprintf(fk.sym_name[1], sizeof(fk.sym_name[1]), "Agdt_page");
	fk.sym_addr[1] = 0xb000;
	snprintf(fk.sym_name[2], sizeof(fk.sym_name[2]), "Tstartup_64");
	snprintf(fk.sym_name[257], sizeof(fk.sym_name[257]), "Tstart_kernel");
	snprintf(fk.sym_name[100], sizeof(fk.sym_name[100]), "Dinit_data");
	memset(fk.sym_name[200], 'x', LONG_NAME_LEN + 1);
	fk.sym_name[200][0] = 't';
	fk.sym_name[200][LONG_NAME_LEN + 1] = '\0';
}

/* Build the fake image. abs_percpu: the first two symbols are per-CPU
 * (absolute) and text offsets are negative; otherwise every symbol is
 * base + offset. seqs: kallsyms_seqs_of_names sits before the tokens. */
static void build(bool abs_percpu, bool seqs)
{
	uint8_t b[8];

	memset(&fk, 0, sizeof(fk));
	make_symbols();
	if (!abs_percpu)
		for (int i = 0; i < 2; i++)
			fk.sym_addr[i] = BASE - 0x100 + (uint64_t)i;
	memset(fk.buf, 0x5a, 44);       /* unrelated bytes before */
	fk.size = 44;
	align8();
	fk.offsets = fk.size;
	for (int i = 0; i < NSYMS; i++) {
		uint64_t a = fk.sym_addr[i];
		int64_t off = !abs_percpu ? (int64_t)(a - (BASE - 0x100))
			    : a < BASE ? (int64_t)a : -1 - (int64_t)(a - BASE);
		put_le32(b, (uint32_t)off);
		put(b, 4);
	}
	align8();
	fk.relative_base = fk.size;
	put_le64(b, abs_percpu ? BASE : BASE - 0x100);
	put(b, 8);
	fk.num_syms = fk.size;
	put_le32(b, NSYMS);
	put(b, 4);
	align8();
	fk.names = fk.size;
	uint32_t marker[(NSYMS + 255) / 256];
	for (int i = 0; i < NSYMS; i++) {
		if (i % 256 == 0)
			marker[i / 256] = (uint32_t)(fk.size - fk.names);
		put_name(fk.sym_name[i]);
	}
	align8();
	fk.markers = fk.size;
	for (size_t i = 0; i < sizeof(marker) / sizeof(marker[0]); i++) {
		put_le32(b, marker[i]);
		put(b, 4);
	}
	align8();
	if (seqs) {
		for (int i = 0; i < NSYMS; i++) {
			uint8_t seq[3] = { 0, (uint8_t)(i >> 8), (uint8_t)i };
			put(seq, 3);
		}
		align8();
	}
	fk.token_table = fk.size;
	uint16_t index[256];
	char one[2];
	for (int c = 0; c < 256; c++) {
		const char *t = token(c, one);
		index[c] = (uint16_t)(fk.size - fk.token_table);
		put(t, strlen(t) + 1);
	}
	align8();
	fk.token_index = fk.size;
	for (int c = 0; c < 256; c++) {
		put_le16(b, index[c]);
		put(b, 2);
	}
	memset(b, 0xa5, sizeof(b));     /* unrelated bytes after */
	put(b, 8);
}

static void setup(void)
{
	st = symtab_new();
	ck_assert_ptr_nonnull(st);
}

static void teardown(void)
{
	symtab_free(st);
}

static int load(size_t size)
{
	fuzz_seed(fk.buf, size);
	return sym_load_kallsyms(st, fk.buf, size, err, sizeof(err));
}

static void check_all_symbols(void)
{
	ck_assert_str_eq(symtab_source(st), "kallsyms");
	ck_assert_uint_eq(symtab_count(st), NSYMS);
	for (int i = 0; i < NSYMS; i++) {
		uint64_t a = 0;
		ck_assert_msg(symtab_lookup_name(st, fk.sym_name[i] + 1, &a), "%s", fk.sym_name[i]);
		ck_assert_uint_eq(a, fk.sym_addr[i]);
	}
	uint64_t a;
	char t;
	ck_assert_str_eq(symtab_at(st, 0, &a, &t), "fixed_percpu_data");
	ck_assert_int_eq(t, 'A');
	ck_assert_str_eq(symtab_at(st, 100, &a, &t), "init_data");
	ck_assert_int_eq(t, 'D');
	ck_assert_uint_eq(strlen(symtab_at(st, 200, &a, &t)), LONG_NAME_LEN);
}

START_TEST(linux_6_1_layout)
{
	build(true, false);
	ck_assert_msg(load(fk.size) == NSYMS, "%s", err);
	check_all_symbols();
	uint64_t a = 0;
	ck_assert(symtab_lookup_name(st, "startup_64", &a));
	ck_assert_uint_eq(a, BASE + 0x20);
	ck_assert(symtab_lookup_name(st, "start_kernel", &a));
	ck_assert_uint_eq(a, BASE + 0x10 * 257);
}
END_TEST

START_TEST(with_seqs_of_names)
{
	build(true, true);
	ck_assert_msg(load(fk.size) == NSYMS, "%s", err);
	check_all_symbols();
}
END_TEST

START_TEST(plain_base_relative)
{
	build(false, false);
	ck_assert_msg(load(fk.size) == NSYMS, "%s", err);
	check_all_symbols();
}
END_TEST

/* Any cut before the end of kallsyms_token_index is refused cleanly. */
START_TEST(truncated)
{
	build(true, true);
	for (size_t len = 0; len < fk.size; len++) {
		int n = load(len);
		if (len < fk.token_index + 512)
			ck_assert_msg(n == -1, "len %zu: %d", len, n);
		else
			ck_assert_int_eq(n, NSYMS);
		if (n == -1)
			ck_assert_uint_eq(symtab_count(st), 0);
		symtab_free(st);
		st = symtab_new();
	}
}
END_TEST

START_TEST(token_index_out_of_range)
{
	build(true, false);
	put_le16(fk.buf + fk.token_index + 2 * 'q', 0xffff);
	ck_assert_int_eq(load(fk.size), -1);
	ck_assert_ptr_nonnull(strstr(err, "no kallsyms token table"));
	ck_assert_uint_eq(symtab_count(st), 0);
}
END_TEST

START_TEST(num_syms_wrong)
{
	static const uint32_t bad[] = { 0xffffffff, 1u << 30, NSYMS + 1, NSYMS - 1, 0 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		build(true, false);
		put_le32(fk.buf + fk.num_syms, bad[i]);
		ck_assert_int_eq(load(fk.size), -1);
		ck_assert_ptr_nonnull(strstr(err, "no consistent names"));
		ck_assert_uint_eq(symtab_count(st), 0);
	}
}
END_TEST

START_TEST(name_runs_past_markers)
{
	build(true, false);
	/* The last name is "tsym_299", five codes ('t', "sym_", '2', '9', '9')
	 * after its length byte. */
	size_t last = fk.markers;
	while (fk.buf[last - 1] == 0)
		last--;
	fk.buf[last - 6] = 0x7f;
	ck_assert_int_eq(load(fk.size), -1);
	ck_assert_uint_eq(symtab_count(st), 0);
}
END_TEST

START_TEST(marker_wrong)
{
	build(true, false);
	put_le32(fk.buf + fk.markers + 4, get_le32(fk.buf + fk.markers + 4) + 1);
	ck_assert_int_eq(load(fk.size), -1);
}
END_TEST

START_TEST(addresses_unsorted)
{
	build(true, false);
	uint32_t a = get_le32(fk.buf + fk.offsets + 4 * 10);
	put_le32(fk.buf + fk.offsets + 4 * 10, get_le32(fk.buf + fk.offsets + 4 * 11));
	put_le32(fk.buf + fk.offsets + 4 * 11, a);
	ck_assert_int_eq(load(fk.size), -1);
	ck_assert_ptr_nonnull(strstr(err, "sorted"));
}
END_TEST

START_TEST(no_room_for_offsets)
{
	build(true, false);
	ck_assert_int_eq(sym_load_kallsyms(st, fk.buf + fk.relative_base,
					   fk.size - fk.relative_base, err, sizeof(err)), -1);
	ck_assert_uint_eq(symtab_count(st), 0);
}
END_TEST

START_TEST(nothing_there)
{
	static const uint8_t zero[4096];

	ck_assert_int_eq(sym_load_kallsyms(st, zero, sizeof(zero), err, sizeof(err)), -1);
	ck_assert_int_eq(sym_load_kallsyms(st, zero, 0, err, sizeof(err)), -1);
	ck_assert_uint_eq(symtab_count(st), 0);
}
END_TEST

/* Random damage anywhere: each load fails or succeeds, never reads out
 * of bounds (run under make asan to make that visible). */
START_TEST(random_damage)
{
	uint32_t seed = 12345;

	for (int round = 0; round < 300; round++) {
		build(true, round % 2);
		for (int k = 0; k < 1 + round % 4; k++) {
			seed = seed * 1103515245 + 12345;
			size_t at = fk.offsets + (seed >> 8) % (fk.size - fk.offsets);
			seed = seed * 1103515245 + 12345;
			fk.buf[at] = (uint8_t)(seed >> 16);
		}
		int n = load(fk.size);
		ck_assert(n == -1 || n == NSYMS);
		symtab_free(st);
		st = symtab_new();
	}
}
END_TEST

static Suite *kallsyms_suite(void)
{
	Suite *s = suite_create("kallsyms");
	TCase *tc = tcase_create("decode");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, linux_6_1_layout);
	tcase_add_test(tc, with_seqs_of_names);
	tcase_add_test(tc, plain_base_relative);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, truncated);
	tcase_add_test(tc, token_index_out_of_range);
	tcase_add_test(tc, num_syms_wrong);
	tcase_add_test(tc, name_runs_past_markers);
	tcase_add_test(tc, marker_wrong);
	tcase_add_test(tc, addresses_unsorted);
	tcase_add_test(tc, no_room_for_offsets);
	tcase_add_test(tc, nothing_there);
	tcase_add_test(tc, random_damage);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(kallsyms_suite)
