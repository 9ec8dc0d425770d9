// SPDX-License-Identifier: GPL-3.0-or-later
/* The ORC tables and the unwinder on synthetic tables and stacks: an ORC
 * stack through call frames of every CFA kind and an interrupt's pt_regs
 * to the end marker; a frame-pointer chain (no ORC) from a function's first
 * instruction and from just after its push %rbp; a stack scan where ORC has
 * no entry; and hostile stacks (a frame that does not move up, memory that
 * cannot be read). The real kernel's table is checked by
 * tests/integration/orc_vs_systemmap.sh. */
#include <string.h>

#include "common/le.h"
#include "monitor/orc.h"
#include "monitor/unwind.h"
#include "unit.h"

#define T 0xffffffff81000000ULL         /* text, 0x1000 bytes */
#define S 0xffffc90000010000ULL         /* stack, STACK_WORDS words */
#define IPSEC 0xffffffff82000000ULL     /* where .orc_unwind_ip lies */
#define STACK_WORDS 128

static uint64_t stack[STACK_WORDS];
static uint8_t text[0x1000];

static void put(uint64_t addr, uint64_t val)
{
	ck_assert(addr >= S && addr < S + 8 * STACK_WORDS && !(addr & 7));
	stack[(addr - S) / 8] = val;
}

static int mem_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
	(void)opaque;
	if (addr >= S && addr - S <= sizeof(stack) && len <= sizeof(stack) - (addr - S)) {
		memcpy(buf, (uint8_t *)stack + (addr - S), len);
		return 0;
	}
	if (addr >= T && addr - T <= sizeof(text) && len <= sizeof(text) - (addr - T)) {
		memcpy(buf, text + (addr - T), len);
		return 0;
	}
	return -1;
}

static bool is_text(void *opaque, uint64_t addr)
{
	(void)opaque;
	return addr >= T && addr < T + sizeof(text);
}

/* Functions start every 0x100 bytes. */
static bool func_offset(void *opaque, uint64_t addr, uint64_t *off)
{
	(void)opaque;
	if (!is_text(NULL, addr))
		return false;
	*off = (addr - T) & 0xff;
	return true;
}

/* One entry in the 6.1 (5.x) layout: type CALL 0, REGS 1, REGS_PARTIAL 2. */
struct raw { uint64_t ip; int sp_reg, sp_off, bp_reg, bp_off, type, end; };

static struct orc_table table;

static void build(const struct raw *r, size_t n)
{
	static uint8_t ipsec[4 * 32], ent[ORC_ENTRY_SIZE * 32];
	char err[128];
	ck_assert_uint_le(n, 32);
	for (size_t i = 0; i < n; i++) {
		put_le32(ipsec + 4 * i, (uint32_t)(int32_t)(int64_t)(r[i].ip - (IPSEC + 4 * i)));
		uint8_t *e = ent + ORC_ENTRY_SIZE * i;
		put_le16(e, (uint16_t)(int16_t)r[i].sp_off);
		put_le16(e + 2, (uint16_t)(int16_t)r[i].bp_off);
		e[4] = (uint8_t)(r[i].sp_reg | r[i].bp_reg << 4);
		e[5] = (uint8_t)(r[i].type | r[i].end << 2);
	}
	ck_assert_int_eq(orc_table_build(&table, ipsec, IPSEC, ent, n, ORC_LAYOUT_5X,
					 err, sizeof(err)), 0);
}

enum { U = ORC_REG_UNDEFINED, PSP = ORC_REG_PREV_SP, BP = ORC_REG_BP, SP = ORC_REG_SP };

static const struct raw kernel_like[] = {
	{ T + 0x000, U, 0, U, 0, 0, 0 },        /* gap: undefined */
	{ T + 0x100, SP, 8, U, 0, 0, 0 },       /* f_a entry */
	{ T + 0x104, SP, 24, PSP, -16, 0, 0 },  /* f_a body: push rbp; sub $8 */
	{ T + 0x200, SP, 8, U, 0, 0, 0 },       /* f_b */
	{ T + 0x201, SP, 16, PSP, -16, 0, 0 },
	{ T + 0x204, BP, 16, PSP, -16, 0, 0 },  /* after mov %rsp,%rbp */
	{ T + 0x300, SP, 8, U, 0, 0, 0 },       /* f_c */
	{ T + 0x301, SP, 40, U, 0, 0, 0 },
	{ T + 0x400, SP, 0, U, 0, 1, 0 },       /* h: pt_regs at rsp */
	{ T + 0x500, SP, 8, U, 0, 0, 0 },       /* g */
	{ T + 0x508, SP, 16, U, 0, 0, 0 },
	{ T + 0x600, U, 0, U, 0, 0, 1 },        /* e: end of stack */
	{ T + 0x700, U, 0, U, 0, 0, 0 },        /* undefined */
	{ T + 0x800, SP, 0, U, 0, 0, 0 },       /* bad: CFA = rsp */
	{ T + 0x900, U, 0, U, 0, 2, 0 },        /* text end */
};

static struct uw_ctx ctx(bool with_orc)
{
	struct uw_ctx c = {
		.read = mem_read, .is_text = is_text, .func_offset = func_offset,
		.orc = with_orc ? &table : NULL,
	};
	return c;
}

static struct uw_regs at(uint64_t ip, uint64_t sp, uint64_t bp)
{
	struct uw_regs r = { .known = (1u << UW_NREGS) - 1 };
	r.v[UW_RIP] = ip;
	r.v[UW_RSP] = sp;
	r.v[UW_RBP] = bp;
	return r;
}

static void setup(void)
{
	memset(stack, 0, sizeof(stack));
	memset(text, 0x90, sizeof(text));
	for (int f = 0; f < 0x10; f++)
		text[f * 0x100] = 0x55;         /* push %rbp */
	build(kernel_like, sizeof(kernel_like) / sizeof(kernel_like[0]));
}

static void teardown(void)
{
	orc_table_free(&table);
}

START_TEST(decode_layouts)
{
	struct orc_entry e;
	/* sp+16, bp at prevsp-16, REGS_PARTIAL */
	const uint8_t v5x[6] = { 16, 0, 0xf0, 0xff, SP | PSP << 4, 2 };
	orc_decode(v5x, ORC_LAYOUT_5X, &e);
	ck_assert_int_eq(e.sp_offset, 16);
	ck_assert_int_eq(e.bp_offset, -16);
	ck_assert_int_eq(e.sp_reg, SP);
	ck_assert_int_eq(e.bp_reg, PSP);
	ck_assert_int_eq(e.type, ORC_REGS_PARTIAL);
	ck_assert(e.signal);
	const uint8_t end5x[6] = { 0, 0, 0, 0, 0, 4 };
	orc_decode(end5x, ORC_LAYOUT_5X, &e);
	ck_assert_int_eq(e.type, ORC_END);
	const uint8_t undef5x[6] = { 0, 0, 0, 0, 0, 0 };
	orc_decode(undef5x, ORC_LAYOUT_5X, &e);
	ck_assert_int_eq(e.type, ORC_UNDEFINED);
	/* 6.3: signal bit 2, end bit 3. */
	const uint8_t call63[6] = { 8, 0, 0, 0, SP, 4 };
	orc_decode(call63, ORC_LAYOUT_63, &e);
	ck_assert_int_eq(e.type, ORC_CALL);
	ck_assert(e.signal);
	const uint8_t end63[6] = { 0, 0, 0, 0, 0, 8 };
	orc_decode(end63, ORC_LAYOUT_63, &e);
	ck_assert_int_eq(e.type, ORC_END);
	/* 6.4: type:3 (UNDEFINED 0, END 1, CALL 2, REGS 3, PARTIAL 4), signal. */
	const uint8_t regs64[6] = { 0, 0, 0, 0, SP, 3 | 8 };
	orc_decode(regs64, ORC_LAYOUT_64, &e);
	ck_assert_int_eq(e.type, ORC_REGS);
	ck_assert(e.signal);
	const uint8_t end64[6] = { 0, 0, 0, 0, 0, 1 };
	orc_decode(end64, ORC_LAYOUT_64, &e);
	ck_assert_int_eq(e.type, ORC_END);
	ck_assert_int_eq(orc_layout_for_version(6, 1), ORC_LAYOUT_5X);
	ck_assert_int_eq(orc_layout_for_version(6, 3), ORC_LAYOUT_63);
	ck_assert_int_eq(orc_layout_for_version(6, 8), ORC_LAYOUT_64);
	ck_assert_int_eq(orc_layout_for_version(5, 10), ORC_LAYOUT_5X);
}
END_TEST

START_TEST(lookup)
{
	ck_assert_uint_eq(table.n, sizeof(kernel_like) / sizeof(kernel_like[0]));
	ck_assert_uint_eq(table.ip[5], T + 0x204);      /* relative offsets resolved */
	ck_assert_ptr_null(orc_find(&table, T - 1));
	ck_assert_ptr_eq(orc_find(&table, T), &table.entry[0]);
	ck_assert_ptr_eq(orc_find(&table, T + 0x103), &table.entry[1]);
	ck_assert_ptr_eq(orc_find(&table, T + 0x104), &table.entry[2]);
	ck_assert_ptr_eq(orc_find(&table, T + 0x1ff), &table.entry[2]);
	ck_assert_ptr_eq(orc_find(&table, ~0ULL), &table.entry[table.n - 1]);
	char s[64];
	orc_entry_format(&table.entry[2], s, sizeof(s));
	ck_assert_str_eq(s, "cfa=sp+24 bp at prevsp-16 call");
	ck_assert_ptr_null(orc_find(NULL, T));
}
END_TEST

START_TEST(unsorted_rejected)
{
	uint8_t ipsec[8], ent[12] = { 0 };
	char err[128];
	struct orc_table t;
	put_le32(ipsec, 0x100);
	put_le32(ipsec + 4, 0x10);      /* IPSEC + 4 + 0x10 < IPSEC + 0x100 */
	ck_assert_int_eq(orc_table_build(&t, ipsec, IPSEC, ent, 2, ORC_LAYOUT_5X, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not sorted"));
}
END_TEST

/* Through call frames whose CFA is sp-based and bp-based, an interrupt's
 * pt_regs, to the end marker. */
START_TEST(orc_through_interrupt)
{
	put(S + 0x108, S + 0x130);      /* f_a saved f_b's rbp */
	put(S + 0x110, T + 0x210);      /* f_a returns into f_b */
	put(S + 0x130, S + 0x1f0);      /* f_b's saved rbp */
	put(S + 0x138, T + 0x320);      /* f_b returns into f_c */
	put(S + 0x160, T + 0x420);      /* f_c returns into h */
	uint64_t regs = S + 0x168;      /* h: pt_regs of the interrupted g */
	put(regs + 8 * 4, S + 0x2f0);   /* bp */
	put(regs + 8 * 5, 0xb0b);       /* bx */
	put(regs + 8 * 16, T + 0x50a);  /* ip */
	put(regs + 8 * 17, 0x10);       /* cs */
	put(regs + 8 * 18, 0x246);      /* flags */
	put(regs + 8 * 19, S + 0x300);  /* sp */
	put(S + 0x308, T + 0x610);      /* g returns into e */
	struct uw_frame f[16];
	char why[256];
	struct uw_ctx c = ctx(true);
	struct uw_regs start = at(T + 0x110, S + 0x100, S + 0x130);
	int n = unwind(&c, &start, true, f, 16, why, sizeof(why));
	ck_assert_msg(n == 6, "%d frames: %s", n, why);
	const uint64_t ip[] = { T + 0x110, T + 0x210, T + 0x320, T + 0x420, T + 0x50a, T + 0x610 };
	const uint64_t sp[] = { S + 0x100, S + 0x118, S + 0x140, S + 0x168, S + 0x300, S + 0x310 };
	for (int i = 0; i < n; i++) {
		ck_assert_uint_eq(f[i].regs.v[UW_RIP], ip[i]);
		ck_assert_uint_eq(f[i].regs.v[UW_RSP], sp[i]);
		ck_assert(f[i].reliable);
	}
	ck_assert_uint_eq(f[0].cfa, S + 0x118);
	ck_assert_uint_eq(f[0].saved_at[UW_RBP], S + 0x108);
	ck_assert_uint_eq(f[1].regs.v[UW_RBP], S + 0x130);
	ck_assert_uint_eq(f[1].cfa, S + 0x140);         /* rbp + 16 */
	ck_assert_uint_eq(f[2].regs.v[UW_RBP], S + 0x1f0);
	ck_assert(!(f[2].regs.known & (1u << UW_RBX)));  /* ORC does not track rbx */
	ck_assert_uint_eq(f[4].pt_regs, regs);
	ck_assert(f[4].exact_ip);
	ck_assert(f[4].regs.known & (1u << UW_RBX));
	ck_assert_uint_eq(f[4].regs.v[UW_RBX], 0xb0b);
	ck_assert_uint_eq(f[4].regs.v[UW_RFLAGS], 0x246);
	ck_assert_uint_eq(f[4].regs.v[UW_RBP], S + 0x2f0);
	ck_assert_ptr_nonnull(strstr(why, "end of stack: ORC marks"));
	/* A limit stops it early and says so. */
	n = unwind(&c, &start, true, f, 3, why, sizeof(why));
	ck_assert_int_eq(n, 3);
	ck_assert_str_eq(why, "stopped after 3 frames");
}
END_TEST

/* A sleeping task starts at a return address: its entry is the one
 * before it (the call), not the one at it. */
START_TEST(start_at_return_address)
{
	put(S + 0x108, T + 0x610);
	struct uw_frame f[8];
	char why[256];
	struct uw_ctx c = ctx(true);
	struct uw_regs start = at(T + 0x600, S + 0x100, 0);
	int n = unwind(&c, &start, true, f, 8, why, sizeof(why));
	ck_assert_msg(n == 1 && strstr(why, "end of stack"), "%d: %s", n, why);
	n = unwind(&c, &start, false, f, 8, why, sizeof(why));
	ck_assert_msg(n == 2, "%d: %s", n, why);
	ck_assert_uint_eq(f[0].cfa, S + 0x110);         /* g's rule: sp+16 */
	ck_assert_uint_eq(f[1].regs.v[UW_RIP], T + 0x610);
}
END_TEST

/* An interrupt from user mode ends the kernel stack. */
START_TEST(orc_user_regs_end)
{
	put(S + 0x108, T + 0x420);      /* f_c-like frame: sp+8 at entry of f_c */
	uint64_t regs = S + 0x110;
	put(regs + 8 * 16, 0x401000);   /* user rip */
	put(regs + 8 * 17, 0x33);
	put(regs + 8 * 19, 0x7ffe0000);
	struct uw_frame f[8];
	char why[256];
	struct uw_ctx c = ctx(true);
	struct uw_regs start = at(T + 0x300, S + 0x108, 0);
	int n = unwind(&c, &start, true, f, 8, why, sizeof(why));
	ck_assert_msg(n == 2, "%d: %s", n, why);
	ck_assert_ptr_nonnull(strstr(why, "user mode"));
}
END_TEST

/* No ORC: the frame-pointer chain, from a function's first instruction
 * and from after its push %rbp, to a zero frame pointer. */
START_TEST(frame_pointers)
{
	put(S + 0x100, T + 0x210);      /* leaf's return address into mid */
	put(S + 0x120, S + 0x140);      /* mid's frame: saved rbp, return */
	put(S + 0x128, T + 0x110);
	put(S + 0x140, 0);              /* main's frame: outermost */
	put(S + 0x148, T + 0x010);
	struct uw_frame f[8];
	char why[256];
	struct uw_ctx c = ctx(false);
	struct uw_regs start = at(T + 0x300, S + 0x100, S + 0x120);
	int n = unwind(&c, &start, true, f, 8, why, sizeof(why));
	ck_assert_msg(n == 4, "%d: %s", n, why);
	const uint64_t ip[] = { T + 0x300, T + 0x210, T + 0x110, T + 0x010 };
	for (int i = 0; i < n; i++) {
		ck_assert_uint_eq(f[i].regs.v[UW_RIP], ip[i]);
		ck_assert(f[i].reliable);
	}
	ck_assert_uint_eq(f[0].cfa, S + 0x108);
	ck_assert_uint_eq(f[1].cfa, S + 0x130);
	ck_assert_uint_eq(f[2].regs.v[UW_RSP], S + 0x130);
	ck_assert_ptr_nonnull(strstr(why, "frame pointer is 0"));

	/* After push %rbp: the saved rbp is at rsp, the return at rsp + 8. */
	put(S + 0xf8, S + 0x120);
	put(S + 0x100, T + 0x210);
	start = at(T + 0x301, S + 0xf8, 0xdead);
	n = unwind(&c, &start, true, f, 8, why, sizeof(why));
	ck_assert_msg(n == 4, "%d: %s", n, why);
	ck_assert_uint_eq(f[1].regs.v[UW_RIP], T + 0x210);
	ck_assert_uint_eq(f[1].regs.v[UW_RBP], S + 0x120);
	ck_assert_uint_eq(f[0].saved_at[UW_RBP], S + 0xf8);
}
END_TEST

/* No ORC, in a function without push %rbp (a frameless leaf): rbp is the
 * caller's, the return address at rsp. */
START_TEST(frameless_leaf)
{
	text[0xa00] = 0x85;             /* test %edi,%edi, no push */
	put(S + 0x100, T + 0x210);
	put(S + 0x120, 0);
	put(S + 0x128, T + 0x110);
	struct uw_frame f[8];
	char why[256];
	struct uw_ctx c = ctx(false);
	struct uw_regs start = at(T + 0xa10, S + 0x100, S + 0x120);
	int n = unwind(&c, &start, true, f, 8, why, sizeof(why));
	ck_assert_msg(n == 3, "%d: %s", n, why);
	ck_assert_uint_eq(f[1].regs.v[UW_RIP], T + 0x210);
	ck_assert_uint_eq(f[1].regs.v[UW_RBP], S + 0x120);
	ck_assert_uint_eq(f[2].regs.v[UW_RIP], T + 0x110);
	ck_assert_ptr_nonnull(strstr(f[0].rule, "no push"));
	/* A return address just past the end of text (a call that does not
	 * return, last in its section) still counts. */
	put(S + 0x128, T + sizeof(text));
	n = unwind(&c, &start, true, f, 8, why, sizeof(why));
	ck_assert_msg(n == 3 && f[2].reliable, "%d: %s", n, why);
}
END_TEST

/* Undefined ORC: the rest is a scan, every frame a guess. */
START_TEST(scan_after_undefined)
{
	put(S + 0x108, 0x1234);
	put(S + 0x110, T + 0x220);
	put(S + 0x118, S + 0x200);      /* a stack address, not text */
	put(S + 0x120, T + 0x330);
	struct uw_frame f[8];
	char why[256];
	struct uw_ctx c = ctx(true);
	struct uw_regs start = at(T + 0x710, S + 0x100, 0);
	int n = unwind(&c, &start, true, f, 8, why, sizeof(why));
	ck_assert_msg(n == 3, "%d: %s", n, why);
	ck_assert(!f[1].reliable && !f[2].reliable);
	ck_assert_uint_eq(f[1].regs.v[UW_RIP], T + 0x220);
	ck_assert_uint_eq(f[1].regs.v[UW_RSP], S + 0x118);
	ck_assert_uint_eq(f[2].regs.v[UW_RIP], T + 0x330);
	ck_assert_ptr_nonnull(strstr(why, "no unwind information"));
	ck_assert_ptr_nonnull(strstr(why, "marked ?"));
}
END_TEST

START_TEST(hostile_stacks)
{
	struct uw_frame f[8];
	char why[256];
	struct uw_ctx c = ctx(true);
	/* CFA = rsp: the caller would not be above. */
	put(S + 0xf8, T + 0x110);
	struct uw_regs start = at(T + 0x800, S + 0x100, 0);
	int n = unwind(&c, &start, true, f, 8, why, sizeof(why));
	ck_assert_ptr_nonnull(strstr(why, "wrong direction"));
	ck_assert_int_ge(n, 1);
	/* The stack pointer in unmapped memory. */
	start = at(T + 0x110, 0x1000, 0);
	n = unwind(&c, &start, true, f, 8, why, sizeof(why));
	ck_assert_int_eq(n, 1);
	ck_assert_ptr_nonnull(strstr(why, "cannot read"));
	/* A frame-pointer loop (rbp pointing at itself) ends, failing. */
	c = ctx(false);
	put(S + 0x120, S + 0x120);
	put(S + 0x128, T + 0x210);
	start = at(T + 0x310, S + 0x100, S + 0x120);
	n = unwind(&c, &start, true, f, 8, why, sizeof(why));
	ck_assert_ptr_nonnull(strstr(why, "not on the stack"));
	/* A return address outside text. */
	put(S + 0x128, 0x5555);
	n = unwind(&c, &start, true, f, 8, why, sizeof(why));
	ck_assert_ptr_nonnull(strstr(why, "not in kernel text"));
	/* Frame pointer unknown and no ORC. */
	start.known &= ~(1u << UW_RBP);
	n = unwind(&c, &start, true, f, 8, why, sizeof(why));
	ck_assert_ptr_nonnull(strstr(why, "no frame pointer"));
}
END_TEST

START_TEST(reg_names)
{
	ck_assert_str_eq(uw_reg_name(UW_RBP), "rbp");
	ck_assert_int_eq(uw_reg_by_name("RSP"), UW_RSP);
	ck_assert_int_eq(uw_reg_by_name("eax"), -1);
}
END_TEST

static Suite *unwind_suite(void)
{
	Suite *s = suite_create("unwind");
	TCase *tc = tcase_create("orc");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, decode_layouts);
	tcase_add_test(tc, lookup);
	tcase_add_test(tc, unsorted_rejected);
	suite_add_tcase(s, tc);
	tc = tcase_create("unwind");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, orc_through_interrupt);
	tcase_add_test(tc, orc_user_regs_end);
	tcase_add_test(tc, start_at_return_address);
	tcase_add_test(tc, frame_pointers);
	tcase_add_test(tc, frameless_leaf);
	tcase_add_test(tc, scan_after_undefined);
	tcase_add_test(tc, hostile_stacks);
	tcase_add_test(tc, reg_names);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(unwind_suite)
