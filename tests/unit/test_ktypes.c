// SPDX-License-Identifier: GPL-3.0-or-later
/* BTF types and the typed evaluator on a small BTF blob built here with
 * libbpf's btf__add_* (a list_head, a task-like struct with a char array,
 * bitfields, an anonymous union, an enum and a self pointer), and a guest
 * memory image holding one such task. */
#include <bpf/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/le.h"
#include "monitor/ktypes.h"
#include "monitor/texpr.h"
#include "unit.h"

#define TASK 0x1000ULL          /* the "init_task" object */
#define PARENT 0x1100ULL        /* its parent */
#define TASK_SIZE 72

static struct btf *built, *btf;
static uint8_t mem[0x200];      /* guest memory at TASK */
static char out[8192];

static int mem_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
	(void)opaque;
	if (addr < TASK || addr - TASK > sizeof(mem) || len > sizeof(mem) - (addr - TASK))
		return -1;
	memcpy(buf, mem + (addr - TASK), len);
	return 0;
}

static void symbolize(void *opaque, uint64_t addr, char *o, size_t len)
{
	(void)opaque;
	if (addr >= TASK && addr < TASK + TASK_SIZE)
		snprintf(o, len, addr == TASK ? "init_task" : "init_task+0x%llx",
			 (unsigned long long)(addr - TASK));
	else
		o[0] = '\0';
}

static bool sym(void *opaque, const char *name, uint64_t *val)
{
	(void)opaque;
	if (!strcmp(name, "init_task") || !strcmp(name, "fn.part.0")) {
		*val = name[0] == 'i' ? TASK : 0xffffffff81000000ULL;
		return true;
	}
	return false;
}

static const char *sym_type(void *opaque, const char *name)
{
	(void)opaque;
	return strcmp(name, "init_task") ? NULL : "struct task";
}

static bool reg(void *opaque, const char *name, uint64_t *val)
{
	(void)opaque;
	if (strcmp(name, "rsi"))
		return false;
	*val = TASK;
	return true;
}

static struct texpr_env env;
static const struct ktypes_io io = { mem_read, symbolize, NULL };

static void setup(void)
{
	built = btf__new_empty();
	ck_assert_ptr_nonnull(built);
	int ulong = btf__add_int(built, "long unsigned int", 8, 0);
	int chr = btf__add_int(built, "char", 1, BTF_INT_SIGNED | BTF_INT_CHAR);
	int sint = btf__add_int(built, "int", 4, BTF_INT_SIGNED);
	int uint = btf__add_int(built, "unsigned int", 4, 0);
	btf__add_int(built, "unsigned char", 1, BTF_INT_CHAR);
	int lh = (int)btf__type_cnt(built) + 1;         /* after its pointer */
	int lhp = btf__add_ptr(built, lh);
	ck_assert_int_eq(btf__add_struct(built, "list_head", 16), lh);
	btf__add_field(built, "next", lhp, 0, 0);
	btf__add_field(built, "prev", lhp, 64, 0);
	int comm = btf__add_array(built, uint, chr, 16);
	int st = btf__add_enum(built, "state", 4);
	btf__add_enum_value(built, "RUNNING", 0);
	btf__add_enum_value(built, "SLEEPING", 1);
	int un = btf__add_union(built, NULL, 8);
	btf__add_field(built, "a", ulong, 0, 0);
	btf__add_field(built, "b", sint, 0, 0);
	int task = (int)btf__type_cnt(built) + 1;
	int taskp = btf__add_ptr(built, task);
	ck_assert_int_eq(btf__add_struct(built, "task", TASK_SIZE), task);
	btf__add_field(built, "pid", sint, 0, 0);
	btf__add_field(built, "comm", comm, 32, 0);
	btf__add_field(built, "tasks", lh, 192, 0);
	btf__add_field(built, "flags", uint, 320, 3);
	btf__add_field(built, "state", uint, 323, 5);
	btf__add_field(built, NULL, un, 384, 0);
	btf__add_field(built, "parent", taskp, 448, 0);
	btf__add_field(built, "st", st, 512, 0);
	btf__add_typedef(built, "u64", ulong);
	uint32_t size;
	const void *raw = btf__raw_data(built, &size);
	char err[128];
	btf = ktypes_open(raw, size, err, sizeof(err));
	ck_assert_msg(btf != NULL, "%s", err);

	memset(mem, 0, sizeof(mem));
	put_le32(mem, 0);                                       /* pid 0 */
	memcpy(mem + 4, "swapper/0", 10);
	put_le64(mem + 24, TASK + 24);                          /* empty list: self */
	put_le64(mem + 32, TASK + 24);
	mem[40] = 5 | 17 << 3;                                  /* flags 5, state 17 */
	put_le64(mem + 48, 0xfffffffffffffffeULL);              /* a; b = -2 */
	put_le64(mem + 56, PARENT);
	put_le32(mem + 64, 1);                                  /* SLEEPING */
	put_le32(mem + (PARENT - TASK), 7);                     /* parent's pid */
	memcpy(mem + (PARENT - TASK) + 4, "kthreadd", 9);
	put_le32(mem + (PARENT - TASK) + 64, 5);                /* no such enum value */
	env = (struct texpr_env){ .btf = btf, .reg = reg, .sym = sym, .sym_type = sym_type,
				  .read = mem_read };
}

static void teardown(void)
{
	ktypes_close(btf);
	btf__free(built);
}

/* print: the value of text in format fmt, into out. */
static void print(const char *text, char fmt)
{
	struct tval v;
	char err[160];
	int rc = texpr_eval(text, &env, &v, err, sizeof(err));
	ck_assert_msg(rc == 0, "%s: %s", text, err);
	FILE *f = fmemopen(out, sizeof(out), "w");
	if (v.t.id == TEXPR_UNTYPED)
		fprintf(f, "0x%llx", (unsigned long long)v.v);
	else if (v.lval)
		ktypes_print_value(btf, v.t, v.addr, NULL, fmt, 0, &io, f);
	else
		ktypes_print_value(btf, v.t, 0, &v.v, fmt, 0, &io, f);
	fclose(f);
}

static void fails(const char *text, const char *why)
{
	struct tval v;
	char err[160];
	ck_assert_msg(texpr_eval(text, &env, &v, err, sizeof(err)) == -1, "%s: no error", text);
	ck_assert_msg(strstr(err, why), "%s: '%s', wanted '%s'", text, err, why);
}

START_TEST(find_types)
{
	struct ktype t;
	ck_assert(ktypes_find(btf, "struct list_head", &t) && t.ptr == 0);
	ck_assert_int_eq(ktypes_size(btf, t), 16);
	ck_assert(ktypes_find(btf, "unsigned long", &t));
	ck_assert_int_eq(ktypes_size(btf, t), 8);
	ck_assert(ktypes_find(btf, "u64", &t));
	ck_assert(ktypes_find(btf, "struct task **", &t) && t.ptr == 2);
	ck_assert(ktypes_find(btf, "enum state", &t));
	ck_assert(!ktypes_find(btf, "struct nosuch", &t));
	ck_assert(!ktypes_find(btf, "unsigned float", &t));
	char d[128];
	ck_assert(ktypes_find(btf, "struct task *", &t));
	ktypes_decl(btf, t, "p", d, sizeof(d));
	ck_assert_str_eq(d, "struct task *p");
}
END_TEST

START_TEST(ptype_layout)
{
	struct ktype t;
	ck_assert(ktypes_find(btf, "struct list_head", &t));
	FILE *f = fmemopen(out, sizeof(out), "w");
	ck_assert_int_eq(ktypes_ptype(btf, t, f), 0);
	fclose(f);
	ck_assert_msg(strstr(out, "type = struct list_head {\n"), "%s", out);
	ck_assert_msg(strstr(out, "/*        0 |     8 */    struct list_head *next;\n"), "%s", out);
	ck_assert_msg(strstr(out, "/*        8 |     8 */    struct list_head *prev;\n"), "%s", out);
	ck_assert_msg(strstr(out, "} /* 16 bytes */"), "%s", out);
	ck_assert(ktypes_find(btf, "struct task", &t));
	f = fmemopen(out, sizeof(out), "w");
	ktypes_ptype(btf, t, f);
	fclose(f);
	ck_assert_msg(strstr(out, "/*        4 |    16 */    char comm[16];\n"), "%s", out);
	ck_assert_msg(strstr(out, "/*    40:3 |     4 */    unsigned int state : 5;\n"), "%s", out);
	ck_assert_msg(strstr(out, "/*       48 |     8 */    union {\n"), "%s", out);
	ck_assert_msg(strstr(out, "/*       48 |     4 */        int b;\n"), "%s", out);
	ck_assert(ktypes_find(btf, "enum state", &t));
	f = fmemopen(out, sizeof(out), "w");
	ktypes_ptype(btf, t, f);
	fclose(f);
	ck_assert_msg(strstr(out, "    SLEEPING = 1,\n"), "%s", out);
}
END_TEST

START_TEST(members_and_casts)
{
	print("init_task.comm", 0);
	ck_assert_str_eq(out, "\"swapper/0\"");
	print("((struct task *)&init_task)->comm", 0);
	ck_assert_str_eq(out, "\"swapper/0\"");
	print("((struct task *)$rsi)->parent->comm", 0);
	ck_assert_str_eq(out, "\"kthreadd\"");
	print("init_task.parent->pid", 0);
	ck_assert_str_eq(out, "7");
	print("(*init_task.parent).pid", 0);
	ck_assert_str_eq(out, "7");
	print("init_task.comm[1]", 0);
	ck_assert_str_eq(out, "119 'w'");
	print("init_task.tasks.next", 0);
	ck_assert_str_eq(out, "0x1018 <init_task+0x18>");
	print("&init_task.tasks", 0);
	ck_assert_str_eq(out, "0x1018 <init_task+0x18>");
	print("init_task.b", 0);                /* through the anonymous union */
	ck_assert_str_eq(out, "-2");
	print("init_task.a", 'x');
	ck_assert_str_eq(out, "0xfffffffffffffffe");
	print("init_task.st", 0);
	ck_assert_str_eq(out, "SLEEPING");
	print("init_task.parent->st", 0);
	ck_assert_str_eq(out, "5");
	print("(unsigned char)0x1ff", 0);
	ck_assert_str_eq(out, "255 '\\377'");
	print("(struct task *)0x1000 + 2", 0);  /* scaled by the size */
	ck_assert_str_eq(out, "0x1090");
	print("&init_task", 0);                 /* typed: a pointer */
	ck_assert_str_eq(out, "0x1000 <init_task>");
	print("fn.part.0 + 1", 0);              /* a dotted symbol, untyped */
	ck_assert_str_eq(out, "0xffffffff81000001");
	print("init_task.pid + 3 * 2", 0);
	ck_assert_str_eq(out, "0x6");
	print("init_task.parent->pid == 7 && init_task.pid != 7", 0);
	ck_assert_str_eq(out, "0x1");
	print("1 << 3 <= 8 || 0", 0);
	ck_assert_str_eq(out, "0x1");
	print("!init_task.pid + (2 > 3) + (3 >= 3) * 2 + (1 < 0)", 0);
	ck_assert_str_eq(out, "0x3");
	print("(1 | 6) ^ 2 & 3 >> 1", 0);        /* 7 ^ (2 & 1) */
	ck_assert_str_eq(out, "0x7");
}
END_TEST

START_TEST(whole_struct)
{
	print("*init_task.parent", 0);
	ck_assert_msg(strstr(out, "  pid = 7,\n"), "%s", out);
	print("init_task", 0);
	ck_assert_msg(strstr(out, "  comm = \"swapper/0\",\n"), "%s", out);
	ck_assert_msg(strstr(out, "  flags = 5,\n  state = 17,\n"), "%s", out);
	ck_assert_msg(strstr(out, "  tasks = {\n    next = 0x1018 <init_task+0x18>,\n"), "%s", out);
	ck_assert_msg(strstr(out, "  parent = 0x1100,\n"), "%s", out);
	ck_assert_msg(strstr(out, "    b = -2,\n"), "%s", out);
	print("init_task.comm", 'x');
	ck_assert_msg(!strncmp(out, "{0x73, 0x77, 0x61", 17), "%s", out);
}
END_TEST

START_TEST(errors)
{
	fails("*0x1000", "cast it first");
	fails("init_task.nosuch", "no member named nosuch");
	fails("init_task.flags", "bitfield");
	fails("init_task->pid", "not a pointer");
	fails("fn.part.0.x", "untyped symbol");
	fails("init_task + ", "ends too early");
	fails("(struct task)1", "cannot cast to a struct");
	fails("nosuch", "unknown symbol nosuch");
	fails("$rzz", "unknown register $rzz");
	fails("init_task.pid / 0", "division by zero");
	fails("init_task.parent->parent->pid + 1", "cannot read");
	fails("(init_task.pid", "missing ')'");
	fails("init_task.pid <<= 1", "unexpected '<'");
	char deep[400];
	memset(deep, '*', 300);
	strcpy(deep + 300, "init_task");
	fails(deep, "nested too deeply");
	/* A corrupt blob is refused by libbpf, not crashed on. */
	uint8_t junk[64] = { 0x9f, 0xeb, 1, 0, 24, 0, 0, 0, 0xff, 0xff };
	char err[128];
	ck_assert_ptr_null(ktypes_open(junk, sizeof(junk), err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "does not parse"));
}
END_TEST

static Suite *ktypes_suite(void)
{
	Suite *s = suite_create("ktypes");
	TCase *tc = tcase_create("btf");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, find_types);
	tcase_add_test(tc, ptype_layout);
	tcase_add_test(tc, members_and_casts);
	tcase_add_test(tc, whole_struct);
	tcase_add_test(tc, errors);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(ktypes_suite)
