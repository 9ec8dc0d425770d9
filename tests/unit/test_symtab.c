// SPDX-License-Identifier: GPL-3.0-or-later
/* The symbol table (lookups both ways, the tie rules of symtab.h,
 * completion, formatting) and its ELF and System.map loaders, fed both
 * well-formed and hostile input. The ELF files are built here in memory
 * (host byte order: the tests run on little-endian x86 hosts). */
#include <elf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "monitor/sym_load.h"
#include "unit.h"

static struct symtab *st;
static char err[256];

static void setup(void)
{
	st = symtab_new();
	ck_assert_ptr_nonnull(st);
	err[0] = '\0';
}

static void teardown(void)
{
	symtab_free(st);
}

static uint64_t addr_of(const char *name)
{
	uint64_t a = 0;

	ck_assert_msg(symtab_lookup_name(st, name, &a), "%s not found", name);
	return a;
}

static const char *name_at(uint64_t addr, uint64_t *off)
{
	return symtab_lookup_addr(st, addr, off);
}

/* ---- the table ---- */

START_TEST(lookup_both_ways)
{
	ck_assert_int_eq(symtab_add(st, 0x2000, 0x10, 'T', "second"), 0);
	ck_assert_int_eq(symtab_add(st, 0x1000, 0x100, 'T', "first"), 0);
	ck_assert_int_eq(symtab_add(st, 0x3000, 0, 't', "third"), 0);
	ck_assert_int_eq(symtab_finish(st), 0);
	ck_assert_uint_eq(symtab_count(st), 3);
	ck_assert_uint_eq(addr_of("first"), 0x1000);
	ck_assert_uint_eq(addr_of("third"), 0x3000);
	uint64_t a;
	ck_assert(!symtab_lookup_name(st, "fourth", &a));
	ck_assert(!symtab_lookup_name(st, "firs", &a));

	uint64_t off = 99;
	ck_assert_str_eq(name_at(0x1000, &off), "first");
	ck_assert_uint_eq(off, 0);
	ck_assert_str_eq(name_at(0x10ff, &off), "first");
	ck_assert_uint_eq(off, 0xff);
	/* Past a known size: nothing, even though no symbol intervenes. */
	ck_assert_ptr_null(name_at(0x1100, &off));
	ck_assert_ptr_null(name_at(0xfff, &off));
	ck_assert_str_eq(name_at(0x200f, &off), "second");
	ck_assert_ptr_null(name_at(0x2010, &off));
	/* Unknown size: up to SYMTAB_MAX_GAP past the symbol. */
	ck_assert_str_eq(name_at(0x3000 + SYMTAB_MAX_GAP - 1, &off), "third");
	ck_assert_uint_eq(off, SYMTAB_MAX_GAP - 1);
	ck_assert_ptr_null(name_at(0x3000 + SYMTAB_MAX_GAP, &off));
	ck_assert_ptr_null(name_at(UINT64_MAX, NULL));
}
END_TEST

START_TEST(unknown_size_ends_at_next_symbol)
{
	symtab_add(st, 0x1000, 0, 't', "a");
	symtab_add(st, 0x1800, 0, 't', "b");
	symtab_finish(st);
	uint64_t off;
	ck_assert_str_eq(name_at(0x17ff, &off), "a");
	ck_assert_str_eq(name_at(0x1800, &off), "b");
	ck_assert_uint_eq(off, 0);
}
END_TEST

START_TEST(percpu_offsets_name_no_address)
{
	symtab_add(st, 0, 0, 'D', "__per_cpu_start");
	symtab_add(st, 0, 0, 'D', "fixed_percpu_data");
	symtab_add(st, 0x1000, 0, 'D', "cpu_debug_store");
	symtab_add(st, 0x35000, 0, 'D', "__per_cpu_end");
	symtab_add(st, 0x1000000, 0, 'T', "startup_64");
	symtab_finish(st);
	ck_assert_ptr_null(name_at(0x1000, NULL));
	ck_assert_ptr_null(name_at(0x7000, NULL));
	/* Within SYMTAB_MAX_GAP of __per_cpu_end, still not its name. */
	ck_assert_ptr_null(name_at(0x35010, NULL));
	ck_assert_uint_eq(addr_of("cpu_debug_store"), 0x1000);
	ck_assert_str_eq(name_at(0x1000004, NULL), "startup_64");
}
END_TEST

START_TEST(low_symbols_without_percpu_are_addresses)
{
	/* A 32-bit or UP kernel, or a firmware ELF, really has code there. */
	symtab_add(st, 0x1000, 0, 'T', "entry");
	symtab_add(st, 0x100, 0, 'D', "__per_cpu_start");
	symtab_add(st, 0x2000, 0, 'D', "__per_cpu_end");
	symtab_finish(st);
	ck_assert_str_eq(name_at(0x1004, NULL), "entry");
}
END_TEST

START_TEST(aliases_prefer_text_then_global_then_name)
{
	symtab_add(st, 0x1000, 0, 'D', "data_alias");
	symtab_add(st, 0x1000, 0, 't', "local_text");
	symtab_add(st, 0x1000, 0, 'T', "zz_global_text");
	symtab_add(st, 0x1000, 0, 'T', "startup_64");
	symtab_add(st, 0x2000, 0, 'd', "local_data");
	symtab_add(st, 0x2000, 0, 'D', "global_data");
	symtab_finish(st);
	ck_assert_str_eq(name_at(0x1004, NULL), "startup_64");
	ck_assert_str_eq(name_at(0x2000, NULL), "global_data");
	/* Every alias still resolves by name. */
	ck_assert_uint_eq(addr_of("data_alias"), 0x1000);
	ck_assert_uint_eq(addr_of("local_text"), 0x1000);
}
END_TEST

START_TEST(duplicate_names_prefer_global_then_lowest)
{
	symtab_add(st, 0x3000, 0, 't', "dup");
	symtab_add(st, 0x2000, 0, 't', "dup");
	symtab_add(st, 0x5000, 0, 't', "twice");
	symtab_add(st, 0x4000, 0, 'T', "twice");
	symtab_add(st, 0x1000, 0, 't', "twice");
	symtab_finish(st);
	ck_assert_uint_eq(addr_of("dup"), 0x2000);
	ck_assert_uint_eq(addr_of("twice"), 0x4000);
}
END_TEST

START_TEST(unfinished_table_finds_nothing)
{
	uint64_t a;
	size_t it = 0;

	symtab_add(st, 0x1000, 0, 'T', "f");
	ck_assert(!symtab_lookup_name(st, "f", &a));
	ck_assert_ptr_null(name_at(0x1000, NULL));
	ck_assert_ptr_null(symtab_complete(st, "", &it));
	ck_assert_ptr_null(symtab_at(st, 0, NULL, NULL));
	symtab_finish(st);
	symtab_add(st, 0x2000, 0, 'T', "g");       /* unfinishes it again */
	ck_assert(!symtab_lookup_name(st, "f", &a));
	symtab_finish(st);
	ck_assert_uint_eq(addr_of("g"), 0x2000);
	ck_assert_int_eq(symtab_add(st, 0x3000, 0, 'T', ""), -1);
}
END_TEST

START_TEST(format_name_offset)
{
	char out[64];

	symtab_add(st, 0xffffffff81000000ULL, 0, 'T', "startup_64");
	symtab_finish(st);
	symtab_format(st, 0xffffffff81000000ULL, out, sizeof(out));
	ck_assert_str_eq(out, "startup_64");
	symtab_format(st, 0xffffffff81000850ULL, out, sizeof(out));
	ck_assert_str_eq(out, "startup_64+0x850");
	symtab_format(st, 0x1000, out, sizeof(out));
	ck_assert_str_eq(out, "");
	symtab_format(st, 0xffffffff81000850ULL, out, 8);
	ck_assert_str_eq(out, "startup");
	symtab_format(st, 0xffffffff81000850ULL, out, 0);       /* no write */
}
END_TEST

START_TEST(complete_distinct_names_with_prefix)
{
	const char *names[] = { "start_kernel", "startup_64", "start_kernel",
				"stop", "sta", "st", "zzz" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		symtab_add(st, 0x1000 + i, 0, 't', names[i]);
	symtab_finish(st);

	size_t it = 0;
	ck_assert_str_eq(symtab_complete(st, "sta", &it), "sta");
	ck_assert_str_eq(symtab_complete(st, "sta", &it), "start_kernel");
	ck_assert_str_eq(symtab_complete(st, "sta", &it), "startup_64");
	ck_assert_ptr_null(symtab_complete(st, "sta", &it));
	ck_assert_ptr_null(symtab_complete(st, "sta", &it));
	it = 0;
	ck_assert_ptr_null(symtab_complete(st, "nothing", &it));
	it = 0;
	size_t n = 0;
	while (symtab_complete(st, "", &it))
		n++;
	ck_assert_uint_eq(n, 6);
}
END_TEST

START_TEST(listing_in_address_order)
{
	symtab_add(st, 0x30, 0, 'T', "c");
	symtab_add(st, 0x10, 0, 'D', "a");
	symtab_add(st, 0x20, 0, 'b', "b");
	symtab_finish(st);
	uint64_t a;
	char t;
	ck_assert_str_eq(symtab_at(st, 0, &a, &t), "a");
	ck_assert_uint_eq(a, 0x10);
	ck_assert_int_eq(t, 'D');
	ck_assert_str_eq(symtab_at(st, 2, &a, &t), "c");
	ck_assert_ptr_null(symtab_at(st, 3, &a, &t));
}
END_TEST

/* A kernel-sized table: building and 200k lookups stay far inside the
 * test timeout only if both are O(log n). */
START_TEST(hundred_thousand_symbols)
{
	char name[32];
	const size_t n = 100000;

	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "sym_%zu", (i * 7919) % n);
		ck_assert_int_eq(symtab_add(st, 0xffffffff81000000ULL + 16 * ((i * 7919) % n),
					    16, 't', name), 0);
	}
	ck_assert_int_eq(symtab_finish(st), 0);
	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "sym_%zu", i);
		ck_assert_uint_eq(addr_of(name), 0xffffffff81000000ULL + 16 * i);
		ck_assert_str_eq(name_at(0xffffffff81000000ULL + 16 * i + 3, NULL), name);
	}
}
END_TEST

/* ---- ELF ---- */

enum { SEC_NULL, SEC_TEXT, SEC_DATA, SEC_BSS, SEC_SYMTAB, SEC_STRTAB, SEC_NUM };
#define ELF_STRTAB_OFF 0x100
#define ELF_SYMTAB_OFF 0x200
#define ELF_SHDR_OFF 0x400
#define ELF_SIZE (ELF_SHDR_OFF + SEC_NUM * sizeof(Elf64_Shdr))

static const char elf_strings[] =
	"\0main\0helper\0data_var\0bss_var\0abs_sym\0undef\0zero\0sect\0weak_fn\0";

static uint32_t str_off(const char *name)
{
	for (size_t i = 1; i < sizeof(elf_strings); i += strlen(elf_strings + i) + 1)
		if (strcmp(elf_strings + i, name) == 0)
			return (uint32_t)i;
	ck_abort_msg("no string %s", name);
	return 0;
}

struct test_sym {
	const char *name;
	unsigned bind, type;
	uint16_t shndx;
	uint64_t value, size;
};

static const struct test_sym elf_syms[] = {
	{ "main", STB_GLOBAL, STT_FUNC, SEC_TEXT, 0x401000, 0x20 },
	{ "helper", STB_LOCAL, STT_FUNC, SEC_TEXT, 0x401020, 0x10 },
	{ "data_var", STB_GLOBAL, STT_OBJECT, SEC_DATA, 0x402000, 8 },
	{ "bss_var", STB_LOCAL, STT_OBJECT, SEC_BSS, 0x403000, 4 },
	{ "abs_sym", STB_GLOBAL, STT_NOTYPE, SHN_ABS, 0x1234, 0 },
	{ "weak_fn", STB_WEAK, STT_FUNC, SEC_TEXT, 0x401040, 0 },
	{ "undef", STB_GLOBAL, STT_FUNC, SHN_UNDEF, 0x401050, 0 },   /* skipped */
	{ "zero", STB_GLOBAL, STT_FUNC, SEC_TEXT, 0, 0 },            /* skipped */
	{ "sect", STB_LOCAL, STT_SECTION, SEC_TEXT, 0x401000, 0 },   /* skipped */
};
#define ELF_NSYMS (1 + sizeof(elf_syms) / sizeof(elf_syms[0]))

/* One builder per class: the <elf.h> structures differ in layout. */
#define DEFINE_BUILD_ELF(bits, class)                                          \
	static size_t build_elf##bits(uint8_t *buf)                            \
	{                                                                      \
		memset(buf, 0, ELF_SIZE);                                      \
		Elf##bits##_Ehdr eh = {                                        \
			.e_type = ET_EXEC, .e_machine = EM_X86_64,             \
			.e_version = EV_CURRENT, .e_shoff = ELF_SHDR_OFF,      \
			.e_ehsize = sizeof(eh),                                \
			.e_shentsize = sizeof(Elf##bits##_Shdr),               \
			.e_shnum = SEC_NUM,                                    \
		};                                                             \
		memcpy(eh.e_ident, ELFMAG, SELFMAG);                           \
		eh.e_ident[EI_CLASS] = class;                                  \
		eh.e_ident[EI_DATA] = ELFDATA2LSB;                             \
		eh.e_ident[EI_VERSION] = EV_CURRENT;                           \
		memcpy(buf, &eh, sizeof(eh));                                  \
		memcpy(buf + ELF_STRTAB_OFF, elf_strings, sizeof(elf_strings)); \
		for (size_t i = 1; i < ELF_NSYMS; i++) {                       \
			const struct test_sym *t = &elf_syms[i - 1];           \
			Elf##bits##_Sym s = {                                  \
				.st_name = str_off(t->name),                   \
				.st_info = ELF64_ST_INFO(t->bind, t->type),    \
				.st_shndx = t->shndx,                          \
				.st_value = t->value, .st_size = t->size,      \
			};                                                     \
			memcpy(buf + ELF_SYMTAB_OFF + i * sizeof(s), &s, sizeof(s)); \
		}                                                              \
		Elf##bits##_Shdr sh[SEC_NUM] = {                               \
			[SEC_TEXT] = { .sh_type = SHT_PROGBITS,                \
				       .sh_flags = SHF_ALLOC | SHF_EXECINSTR }, \
			[SEC_DATA] = { .sh_type = SHT_PROGBITS,                \
				       .sh_flags = SHF_ALLOC | SHF_WRITE },    \
			[SEC_BSS] = { .sh_type = SHT_NOBITS,                   \
				      .sh_flags = SHF_ALLOC | SHF_WRITE },     \
			[SEC_SYMTAB] = { .sh_type = SHT_SYMTAB,                \
					 .sh_offset = ELF_SYMTAB_OFF,          \
					 .sh_size = ELF_NSYMS * sizeof(Elf##bits##_Sym), \
					 .sh_link = SEC_STRTAB,                \
					 .sh_entsize = sizeof(Elf##bits##_Sym) }, \
			[SEC_STRTAB] = { .sh_type = SHT_STRTAB,                \
					 .sh_offset = ELF_STRTAB_OFF,          \
					 .sh_size = sizeof(elf_strings) },     \
		};                                                             \
		memcpy(buf + ELF_SHDR_OFF, sh, sizeof(sh));                    \
		return ELF_SHDR_OFF + sizeof(sh);                              \
	}
DEFINE_BUILD_ELF(32, ELFCLASS32)
DEFINE_BUILD_ELF(64, ELFCLASS64)

static void check_elf_symbols(void)
{
	uint64_t a;
	char t;

	ck_assert_uint_eq(symtab_count(st), 6);
	ck_assert_str_eq(symtab_source(st), "elf");
	ck_assert_uint_eq(addr_of("main"), 0x401000);
	ck_assert(!symtab_lookup_name(st, "undef", &a));
	ck_assert(!symtab_lookup_name(st, "zero", &a));
	ck_assert(!symtab_lookup_name(st, "sect", &a));
	/* Sizes come from the file: helper ends at 0x401030. */
	ck_assert_str_eq(name_at(0x40102f, NULL), "helper");
	ck_assert_ptr_null(name_at(0x401030, NULL));
	/* nm letters, in address order: abs_sym main helper weak_fn data bss */
	const char want[] = "ATtWDb";
	for (size_t i = 0; i < 6; i++) {
		ck_assert_ptr_nonnull(symtab_at(st, i, &a, &t));
		ck_assert_int_eq(t, want[i]);
	}
}

START_TEST(elf64_symbols)
{
	_Alignas(8) uint8_t buf[ELF_SIZE];
	size_t n = build_elf64(buf);

	ck_assert_int_eq(sym_load_elf(st, buf, n, err, sizeof(err)), 6);
	check_elf_symbols();
}
END_TEST

START_TEST(elf32_symbols)
{
	_Alignas(8) uint8_t buf[ELF_SIZE];
	size_t n = build_elf32(buf);

	ck_assert_int_eq(sym_load_elf(st, buf, n, err, sizeof(err)), 6);
	check_elf_symbols();
}
END_TEST

/* Every prefix of the file is refused (the section headers are last) and
 * leaves the table empty. */
START_TEST(elf_truncated)
{
	_Alignas(8) uint8_t buf[ELF_SIZE];
	size_t n = build_elf64(buf);

	for (size_t len = 0; len < n; len++) {
		ck_assert_int_eq(sym_load_elf(st, buf, len, err, sizeof(err)), -1);
		ck_assert_uint_eq(symtab_count(st), 0);
	}
}
END_TEST

static Elf64_Shdr *shdr(uint8_t *buf, int i)
{
	return (Elf64_Shdr *)(buf + ELF_SHDR_OFF) + i;
}

START_TEST(elf_hostile_headers)
{
	_Alignas(8) uint8_t buf[ELF_SIZE];
	size_t n;

	n = build_elf64(buf);
	buf[EI_DATA] = ELFDATA2MSB;
	ck_assert_int_eq(sym_load_elf(st, buf, n, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "little-endian"));

	n = build_elf64(buf);
	((Elf64_Ehdr *)buf)->e_shoff = UINT64_MAX - 8;
	ck_assert_int_eq(sym_load_elf(st, buf, n, err, sizeof(err)), -1);

	n = build_elf64(buf);
	((Elf64_Ehdr *)buf)->e_shentsize = 8;
	ck_assert_int_eq(sym_load_elf(st, buf, n, err, sizeof(err)), -1);

	n = build_elf64(buf);
	shdr(buf, SEC_SYMTAB)->sh_link = 200;
	ck_assert_int_eq(sym_load_elf(st, buf, n, err, sizeof(err)), -1);

	n = build_elf64(buf);
	shdr(buf, SEC_SYMTAB)->sh_link = SEC_TEXT;      /* not a string table */
	ck_assert_int_eq(sym_load_elf(st, buf, n, err, sizeof(err)), -1);

	n = build_elf64(buf);
	shdr(buf, SEC_SYMTAB)->sh_size = UINT64_MAX;
	ck_assert_int_eq(sym_load_elf(st, buf, n, err, sizeof(err)), -1);

	n = build_elf64(buf);
	shdr(buf, SEC_STRTAB)->sh_offset = UINT64_MAX - 4;
	ck_assert_int_eq(sym_load_elf(st, buf, n, err, sizeof(err)), -1);

	n = build_elf64(buf);
	shdr(buf, SEC_SYMTAB)->sh_type = SHT_PROGBITS;
	ck_assert_int_eq(sym_load_elf(st, buf, n, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "no symbol table"));
	ck_assert_uint_eq(symtab_count(st), 0);
}
END_TEST

/* Bad symbols are skipped, the rest still load. */
START_TEST(elf_hostile_symbols)
{
	_Alignas(8) uint8_t buf[ELF_SIZE];
	size_t n = build_elf64(buf);
	Elf64_Sym *syms = (Elf64_Sym *)(buf + ELF_SYMTAB_OFF);

	syms[1].st_name = 0xffffffff;                   /* main: name outside */
	syms[2].st_shndx = 0xff00 - 1;                  /* helper: no such section */
	/* The string table loses its last NUL: "weak_fn" is unterminated. */
	shdr(buf, SEC_STRTAB)->sh_size = sizeof(elf_strings) - 2;
	int got = sym_load_elf(st, buf, n, err, sizeof(err));
	ck_assert_int_eq(got, 4);
	uint64_t a;
	ck_assert(!symtab_lookup_name(st, "main", &a));
	ck_assert(!symtab_lookup_name(st, "weak_fn", &a));
	char t;
	ck_assert_str_eq(symtab_at(st, 1, &a, &t), "helper");
	ck_assert_int_eq(t, '?');
}
END_TEST

START_TEST(elf_dynsym_fallback)
{
	_Alignas(8) uint8_t buf[ELF_SIZE];
	size_t n = build_elf64(buf);

	shdr(buf, SEC_SYMTAB)->sh_type = SHT_DYNSYM;
	ck_assert_int_eq(sym_load_elf(st, buf, n, err, sizeof(err)), 6);
}
END_TEST

/* ---- System.map ---- */

static char map_dir[64];
static char map_path[128];

static void write_map(const char *file, const char *text, size_t len)
{
	snprintf(map_dir, sizeof(map_dir), "/tmp/test_symtab.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(map_dir));
	snprintf(map_path, sizeof(map_path), "%s/%s", map_dir, file);
	FILE *f = fopen(map_path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	fclose(f);
}

static void remove_map(void)
{
	unlink(map_path);
	rmdir(map_dir);
}

START_TEST(system_map_lines)
{
	static const char text[] =
		"0000000000000000 D __per_cpu_start\n"
		"ffffffff81000000 T _text\n"
		"ffffffff81000000 T startup_64\n"
		"ffffffff81000850 t pvh_start_xen\r\n"
		"\n"
		"ffffffff83079e46 T start_kernel\n"
		"not a line\n"
		"ffffffff8100000 X\n"
		"fffffffff81000000 T seventeen_digits\n"
		"ffffffff81000000 T two words\n"
		"ffffffff81000000 1 digit_type\n"
		"ffffffff81000000  T double_space\n"
		"ffffffff81001000 t module_sym\t[virtio]\n"
		"ffffffff82000000 D last_line_unterminated";
	size_t bad = 0;

	write_map("System.map", text, sizeof(text) - 1);
	int n = sym_load_system_map(st, map_path, &bad, err, sizeof(err));
	remove_map();
	ck_assert_msg(n == 6, "%d: %s", n, err);
	ck_assert_uint_eq(bad, 7);
	ck_assert_str_eq(symtab_source(st), "System.map");
	ck_assert_uint_eq(addr_of("start_kernel"), 0xffffffff83079e46ULL);
	ck_assert_uint_eq(addr_of("pvh_start_xen"), 0xffffffff81000850ULL);
	ck_assert_uint_eq(addr_of("last_line_unterminated"), 0xffffffff82000000ULL);
	/* startup_64, not the linker-script marker _text at its address. */
	ck_assert_str_eq(name_at(0xffffffff81000010ULL, NULL), "startup_64");
}
END_TEST

START_TEST(system_map_debian_stub)
{
	static const char stub[] = "ffffffffffffffff B The real System.map is in "
				   "the linux-image-<version>-dbg package\n";

	ck_assert_uint_eq(sizeof(stub) - 1, 83);
	write_map("System.map-6.1.0-56-amd64", stub, sizeof(stub) - 1);
	int n = sym_load_system_map(st, map_path, NULL, err, sizeof(err));
	remove_map();
	ck_assert_int_eq(n, -1);
	ck_assert_msg(strstr(err, "placeholder") &&
		      strstr(err, "/usr/lib/debug/boot/System.map-6.1.0-56-amd64") &&
		      strstr(err, "linux-image-6.1.0-56-amd64-dbg"), "%s", err);
	ck_assert_uint_eq(symtab_count(st), 0);
}
END_TEST

START_TEST(system_map_without_symbols)
{
	static const char text[] = "garbage\n\x01\x02\x03\nffffffff81000000 T\n";
	size_t bad = 0;

	write_map("System.map", text, sizeof(text) - 1);
	ck_assert_int_eq(sym_load_system_map(st, map_path, &bad, err, sizeof(err)), -1);
	remove_map();
	ck_assert_uint_eq(bad, 3);
	ck_assert_ptr_nonnull(strstr(err, "no symbol lines"));
	ck_assert_int_eq(sym_load_system_map(st, "/nonexistent/System.map", NULL,
					     err, sizeof(err)), -1);
	/* An empty file says so. */
	write_map("System.map", "", 0);
	ck_assert_int_eq(sym_load_system_map(st, map_path, &bad, err, sizeof(err)), -1);
	remove_map();
	ck_assert_ptr_nonnull(strstr(err, " is empty"));
}
END_TEST

START_TEST(system_map_long_name_refused)
{
	char text[700];
	int len = snprintf(text, sizeof(text), "ffffffff81000000 T %0600d\n"
			   "ffffffff81000010 T ok\n", 0);
	size_t bad = 0;

	write_map("System.map", text, (size_t)len);
	ck_assert_int_eq(sym_load_system_map(st, map_path, &bad, err, sizeof(err)), 1);
	remove_map();
	ck_assert_uint_eq(bad, 1);
}
END_TEST

static Suite *symtab_suite(void)
{
	Suite *s = suite_create("symtab");
	TCase *tc = tcase_create("table");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, lookup_both_ways);
	tcase_add_test(tc, unknown_size_ends_at_next_symbol);
	tcase_add_test(tc, percpu_offsets_name_no_address);
	tcase_add_test(tc, low_symbols_without_percpu_are_addresses);
	tcase_add_test(tc, aliases_prefer_text_then_global_then_name);
	tcase_add_test(tc, duplicate_names_prefer_global_then_lowest);
	tcase_add_test(tc, unfinished_table_finds_nothing);
	tcase_add_test(tc, format_name_offset);
	tcase_add_test(tc, complete_distinct_names_with_prefix);
	tcase_add_test(tc, listing_in_address_order);
	tcase_add_test(tc, hundred_thousand_symbols);
	suite_add_tcase(s, tc);

	tc = tcase_create("elf");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, elf64_symbols);
	tcase_add_test(tc, elf32_symbols);
	tcase_add_test(tc, elf_truncated);
	tcase_add_test(tc, elf_hostile_headers);
	tcase_add_test(tc, elf_hostile_symbols);
	tcase_add_test(tc, elf_dynsym_fallback);
	suite_add_tcase(s, tc);

	tc = tcase_create("system_map");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, system_map_lines);
	tcase_add_test(tc, system_map_debian_stub);
	tcase_add_test(tc, system_map_without_symbols);
	tcase_add_test(tc, system_map_long_name_refused);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(symtab_suite)
