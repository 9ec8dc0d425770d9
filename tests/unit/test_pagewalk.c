// SPDX-License-Identifier: GPL-3.0-or-later
/* The page walker over synthetic page tables built in a buffer that stands
 * in for guest RAM. */
#include <stdio.h>
#include <string.h>

#include "monitor/pagewalk.h"
#include "unit.h"

#define RAM_SIZE 0x100000ULL
#define CR0_PG (1ULL << 31)
#define CR4_PSE (1ULL << 4)
#define CR4_PAE (1ULL << 5)
#define CR4_LA57 (1ULL << 12)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define EFER_NXE (1ULL << 11)
#define P 0x1ULL
#define RW 0x2ULL
#define US 0x4ULL
#define A 0x20ULL
#define D 0x40ULL
#define PS 0x80ULL
#define XD (1ULL << 63)
#define TABLE_FLAGS (P | RW | US | A)

static uint8_t ram[RAM_SIZE];
static uint64_t next_free;
static int reads;

static int ram_read(void *opaque, uint64_t gpa, void *buf, size_t len)
{
	(void)opaque;
	reads++;
	if (gpa >= RAM_SIZE || len > RAM_SIZE - gpa)
		return -1;
	memcpy(buf, ram + gpa, len);
	return 0;
}

static void set_le(uint64_t gpa, uint64_t v, unsigned size)
{
	for (unsigned i = 0; i < size; i++)
		ram[gpa + i] = (uint8_t)(v >> 8 * i);
}

static uint64_t get_le(uint64_t gpa, unsigned size)
{
	uint64_t v = 0;
	for (unsigned i = size; i-- > 0;)
		v = v << 8 | ram[gpa + i];
	return v;
}

static void set64(uint64_t gpa, uint64_t v)
{
	set_le(gpa, v, 8);
}

static uint64_t alloc_table(void)
{
	uint64_t a = next_free;
	next_free += 0x1000;
	ck_assert_uint_le(next_free, RAM_SIZE);
	memset(ram + a, 0, 0x1000);
	return a;
}

static void reset_ram(void)
{
	memset(ram, 0, sizeof(ram));
	next_free = 0x1000;
}

/* Map gva to frame in 8-byte-entry tables of 512 entries rooted at root,
 * indexing from bit top_shift down; the leaf sits at leaf_shift. */
static void map64(uint64_t root, unsigned top_shift, uint64_t gva, uint64_t frame,
		  unsigned leaf_shift, uint64_t leaf_flags)
{
	uint64_t table = root;
	for (unsigned shift = top_shift; shift > leaf_shift; shift -= 9) {
		uint64_t ea = table + (gva >> shift & 511) * 8;
		if (!(get_le(ea, 8) & P))
			set64(ea, alloc_table() | TABLE_FLAGS);
		table = get_le(ea, 8) & 0x000ffffffffff000ULL;
	}
	set64(table + (gva >> leaf_shift & 511) * 8, frame | leaf_flags);
}

static struct paging_state long_mode(uint64_t cr3, bool la57, bool nxe)
{
	struct paging_state ps = {
		.cr0 = CR0_PG | 1,
		.cr3 = cr3,
		.cr4 = CR4_PAE | (la57 ? CR4_LA57 : 0),
		.efer = EFER_LME | EFER_LMA | (nxe ? EFER_NXE : 0),
	};
	return ps;
}

static int walk(const struct paging_state *ps, uint64_t gva, struct walk_result *r)
{
	return pagewalk(ps, gva, ram_read, NULL, r);
}

/* A kernel-like layout: 4K at 0xffffffff81000000, 2M at 0xffffffff81200000,
 * 1G at 0x40000000. Returns CR3. */
static uint64_t build_4level(void)
{
	reset_ram();
	uint64_t pml4 = alloc_table();
	map64(pml4, 39, 0xffffffff81000000ULL, 0x1000000, 12, P | RW | A | D);
	map64(pml4, 39, 0xffffffff81200000ULL, 0x1200000, 21, P | RW | A | D | PS);
	map64(pml4, 39, 0x40000000ULL, 0x80000000ULL, 30, P | RW | US | PS);
	return pml4;
}

START_TEST(four_level_4k)
{
	struct paging_state ps = long_mode(build_4level(), false, true);
	struct walk_result r;
	ck_assert_int_eq(walk(&ps, 0xffffffff81000123ULL, &r), 0);
	ck_assert(r.ok);
	ck_assert_int_eq(r.mode, PAGING_4LEVEL);
	ck_assert_uint_eq(r.gpa, 0x1000123);
	ck_assert_uint_eq(r.page_size, 0x1000);
	ck_assert_int_eq(r.nlevels, 4);
	const char *names[] = { "PML4E", "PDPTE", "PDE", "PTE" };
	const unsigned idx[] = { 511, 510, 8, 0 };
	for (int i = 0; i < 4; i++) {
		ck_assert_str_eq(r.level[i].name, names[i]);
		ck_assert_uint_eq(r.level[i].index, idx[i]);
		ck_assert_uint_eq(r.level[i].entry_addr, r.level[i].table + idx[i] * 8);
		ck_assert_uint_eq(r.level[i].entry, get_le(r.level[i].entry_addr, 8));
		ck_assert(r.level[i].present);
		ck_assert(r.level[i].read_ok);
		ck_assert_int_eq(r.level[i].leaf, i == 3);
		if (i > 0)
			ck_assert_uint_eq(r.level[i].table, r.level[i - 1].next);
	}
	ck_assert_uint_eq(r.level[0].table, ps.cr3);
	ck_assert_uint_eq(r.level[3].page_size, 0x1000);
	ck_assert_uint_eq(r.level[3].next, 0x1000000);
	ck_assert(r.writable);
	ck_assert(!r.user);
	ck_assert(!r.nx);
	ck_assert_int_eq(r.fail_level, -1);

	/* PCID bits in CR3 (Table 4-13) do not move the root. */
	ps.cr3 |= 0x5;
	uint64_t gpa;
	ck_assert_int_eq(pagewalk_translate(&ps, 0xffffffff81000fffULL, ram_read, NULL, &gpa), 0);
	ck_assert_uint_eq(gpa, 0x1000fff);
}
END_TEST

START_TEST(four_level_2m_and_1g)
{
	struct paging_state ps = long_mode(build_4level(), false, true);
	struct walk_result r;
	ck_assert_int_eq(walk(&ps, 0xffffffff812abcdeULL, &r), 0);
	ck_assert_uint_eq(r.gpa, 0x12abcde);
	ck_assert_uint_eq(r.page_size, 0x200000);
	ck_assert_int_eq(r.nlevels, 3);
	ck_assert_str_eq(r.level[2].name, "PDE");
	ck_assert(r.level[2].leaf);

	ck_assert_int_eq(walk(&ps, 0x7654321ULL + 0x40000000ULL, &r), 0);
	ck_assert_uint_eq(r.gpa, 0x87654321ULL);
	ck_assert_uint_eq(r.page_size, 0x40000000);
	ck_assert_int_eq(r.nlevels, 2);
	ck_assert_str_eq(r.level[1].name, "PDPTE");
	ck_assert(r.writable && r.user && !r.nx);

	/* The PAT bit of a large page (bit 12) is not address. */
	set64(r.level[1].entry_addr, r.level[1].entry | 1ULL << 12);
	ck_assert_int_eq(walk(&ps, 0x40000000ULL, &r), 0);
	ck_assert_uint_eq(r.gpa, 0x80000000ULL);
}
END_TEST

START_TEST(five_level)
{
	reset_ram();
	uint64_t pml5 = alloc_table();
	const uint64_t gva = 0xff7edcba98765432ULL; /* canonical with 57 bits */
	map64(pml5, 48, gva, 0x3000000, 12, P | RW | US);
	struct paging_state ps = long_mode(pml5, true, false);
	struct walk_result r;
	ck_assert_int_eq(walk(&ps, gva, &r), 0);
	ck_assert_int_eq(r.mode, PAGING_5LEVEL);
	ck_assert_int_eq(r.nlevels, 5);
	ck_assert_str_eq(r.level[0].name, "PML5E");
	ck_assert_uint_eq(r.level[0].index, gva >> 48 & 511);
	ck_assert_str_eq(r.level[1].name, "PML4E");
	ck_assert_uint_eq(r.gpa, 0x3000432);
	ck_assert(r.user && r.writable);

	/* The same address is not canonical under 4-level paging, and a
	 * 48-bit-canonical one is not canonical under 5-level paging. */
	ps.cr4 &= ~CR4_LA57;
	ck_assert_int_eq(walk(&ps, gva, &r), -1);
	ck_assert_ptr_nonnull(strstr(r.error, "non-canonical address"));
	ps.cr4 |= CR4_LA57;
	ck_assert_int_eq(walk(&ps, 0x0100000000000000ULL, &r), -1);
	ck_assert_str_eq(r.error,
			 "non-canonical address 0x100000000000000 (bits 63:57 must equal bit 56)");
}
END_TEST

START_TEST(non_canonical)
{
	struct paging_state ps = long_mode(build_4level(), false, true);
	struct walk_result r;
	reads = 0;
	ck_assert_int_eq(walk(&ps, 0x0000800000000000ULL, &r), -1);
	ck_assert(!r.ok);
	ck_assert_int_eq(r.nlevels, 0);
	ck_assert_int_eq(r.fail_level, -1);
	ck_assert_int_eq(reads, 0);
	ck_assert_str_eq(r.error,
			 "non-canonical address 0x800000000000 (bits 63:48 must equal bit 47)");
	ck_assert_int_eq(walk(&ps, 0x7fffffffffffULL, &r), -1); /* canonical, unmapped */
	ck_assert_str_eq(r.error, "PML4E not present");
	ck_assert_int_eq(walk(&ps, 0xffff800000000000ULL, &r), -1);
	ck_assert_str_eq(r.error, "PML4E not present");
}
END_TEST

/* Clearing P at each level in turn fails the walk at exactly that level. */
START_TEST(not_present_each_level)
{
	struct paging_state ps = long_mode(build_4level(), false, true);
	const uint64_t gva = 0xffffffff81000000ULL;
	struct walk_result good, r;
	ck_assert_int_eq(walk(&ps, gva, &good), 0);
	for (int i = 0; i < good.nlevels; i++) {
		uint64_t ea = good.level[i].entry_addr;
		set64(ea, good.level[i].entry & ~P);
		ck_assert_int_eq(walk(&ps, gva, &r), -1);
		ck_assert_int_eq(r.fail_level, i);
		ck_assert_int_eq(r.nlevels, i + 1);
		ck_assert(!r.level[i].present);
		ck_assert(!r.writable && !r.user && !r.nx);
		char want[32];
		snprintf(want, sizeof(want), "%s not present", good.level[i].name);
		ck_assert_str_eq(r.error, want);
		ck_assert_int_eq(pagewalk_translate(&ps, gva, ram_read, NULL, &(uint64_t){ 0 }), -1);
		set64(ea, good.level[i].entry);
	}
	ck_assert_int_eq(walk(&ps, gva, &r), 0);
}
END_TEST

START_TEST(outside_ram)
{
	struct paging_state ps = long_mode(build_4level(), false, true);
	struct walk_result good, r;
	const uint64_t gva = 0xffffffff81000000ULL;
	ck_assert_int_eq(walk(&ps, gva, &good), 0);

	/* A PDPTE pointing far beyond RAM: the PDE read fails, reported. */
	set64(good.level[1].entry_addr, 0xdead000000ULL | TABLE_FLAGS);
	ck_assert_int_eq(walk(&ps, gva, &r), -1);
	ck_assert_int_eq(r.fail_level, 2);
	ck_assert(!r.level[2].read_ok);
	ck_assert_uint_eq(r.level[2].table, 0xdead000000ULL);
	ck_assert_str_eq(r.error, "PDE at 0xdead000040 is outside guest RAM");

	/* Address bits up to 51 are taken as address, not reserved. */
	set64(good.level[1].entry_addr, 0x000ff00000002000ULL | TABLE_FLAGS);
	ck_assert_int_eq(walk(&ps, gva, &r), -1);
	ck_assert_ptr_nonnull(strstr(r.error, "outside guest RAM"));

	/* CR3 itself outside RAM. */
	ps.cr3 = 0x40000000;
	ck_assert_int_eq(walk(&ps, gva, &r), -1);
	ck_assert_int_eq(r.fail_level, 0);
	ck_assert_str_eq(r.error, "PML4E at 0x40000ff8 is outside guest RAM");

	/* The last 8 bytes of RAM are still inside it. */
	ps.cr3 = RAM_SIZE - 0x1000;
	ck_assert_int_eq(walk(&ps, 0xfffffffffffff000ULL, &r), -1);
	ck_assert_str_eq(r.error, "PML4E not present");
}
END_TEST

START_TEST(reserved_bits)
{
	struct paging_state ps = long_mode(build_4level(), false, true);
	struct walk_result r, good2m, good1g;
	ck_assert_int_eq(walk(&ps, 0xffffffff81200000ULL, &good2m), 0);
	ck_assert_int_eq(walk(&ps, 0x40000000ULL, &good1g), 0);

	/* Bit 13 of a 2-MByte PDE (Table 4-18). */
	set64(good2m.level[2].entry_addr, good2m.level[2].entry | 1ULL << 13);
	ck_assert_int_eq(walk(&ps, 0xffffffff81200000ULL, &r), -1);
	ck_assert_int_eq(r.fail_level, 2);
	ck_assert_str_eq(r.error, "PDE reserved bits set (0x2000)");
	set64(good2m.level[2].entry_addr, good2m.level[2].entry);

	/* Bit 20 of a 1-GByte PDPTE (Table 4-16). */
	set64(good1g.level[1].entry_addr, good1g.level[1].entry | 1ULL << 20);
	ck_assert_int_eq(walk(&ps, 0x40000000ULL, &r), -1);
	ck_assert_str_eq(r.error, "PDPTE reserved bits set (0x100000)");
	set64(good1g.level[1].entry_addr, good1g.level[1].entry);

	/* PS in a PML4E is reserved (Table 4-15). */
	set64(good1g.level[0].entry_addr, good1g.level[0].entry | PS);
	ck_assert_int_eq(walk(&ps, 0x40000000ULL, &r), -1);
	ck_assert_str_eq(r.error, "PML4E reserved bits set (0x80)");
	set64(good1g.level[0].entry_addr, good1g.level[0].entry);

	/* XD without IA32_EFER.NXE is reserved. */
	set64(good1g.level[1].entry_addr, good1g.level[1].entry | XD);
	ps.efer &= ~EFER_NXE;
	ck_assert_int_eq(walk(&ps, 0x40000000ULL, &r), -1);
	ck_assert_str_eq(r.error, "PDPTE reserved bits set (0x8000000000000000)");
	/* ... and with it, means no-execute. */
	ps.efer |= EFER_NXE;
	ck_assert_int_eq(walk(&ps, 0x40000000ULL, &r), 0);
	ck_assert(r.nx);
}
END_TEST

START_TEST(permissions_accumulate)
{
	struct paging_state ps = long_mode(build_4level(), false, true);
	const uint64_t gva = 0x40000000ULL;
	struct walk_result good, r;
	ck_assert_int_eq(walk(&ps, gva, &good), 0);
	ck_assert(good.writable && good.user && !good.nx);

	/* Read-only at the upper level only. */
	set64(good.level[0].entry_addr, good.level[0].entry & ~RW);
	ck_assert_int_eq(walk(&ps, gva, &r), 0);
	ck_assert(!r.writable && r.user && !r.nx);
	set64(good.level[0].entry_addr, good.level[0].entry);

	/* Supervisor at the upper level only. */
	set64(good.level[0].entry_addr, good.level[0].entry & ~US);
	ck_assert_int_eq(walk(&ps, gva, &r), 0);
	ck_assert(r.writable && !r.user);
	set64(good.level[0].entry_addr, good.level[0].entry);

	/* XD at the upper level only, NXE on. */
	set64(good.level[0].entry_addr, good.level[0].entry | XD);
	ck_assert_int_eq(walk(&ps, gva, &r), 0);
	ck_assert(r.writable && r.user && r.nx);
}
END_TEST

START_TEST(self_referencing_table)
{
	reset_ram();
	uint64_t pml4 = alloc_table();
	set64(pml4, pml4 | TABLE_FLAGS); /* PML4[0] points at the PML4 */
	struct paging_state ps = long_mode(pml4, false, true);
	struct walk_result r;
	reads = 0;
	ck_assert_int_eq(walk(&ps, 0x123, &r), 0);
	ck_assert_int_eq(reads, 4);
	ck_assert_int_eq(r.nlevels, 4);
	for (int i = 0; i < 4; i++)
		ck_assert_uint_eq(r.level[i].table, pml4);
	ck_assert_uint_eq(r.gpa, pml4 + 0x123);

	/* The same under 5-level paging: five reads, then a page. */
	ps.cr4 |= CR4_LA57;
	reads = 0;
	ck_assert_int_eq(walk(&ps, 0, &r), 0);
	ck_assert_int_eq(reads, 5);
	ck_assert_uint_eq(r.gpa, pml4);
}
END_TEST

START_TEST(pae)
{
	reset_ram();
	uint64_t pd = alloc_table(), pt = alloc_table();
	const uint64_t pdpt = 0x7020; /* 32-byte aligned (Table 4-7) */
	/* gva 0xc0801234: PDPTE 3, PDE 4, PTE 1. */
	set64(pdpt + 3 * 8, pd | P);
	set64(pd + 4 * 8, pt | P | RW | US);
	set64(pt + 1 * 8, 0x5000 | P | US | XD);
	/* gva 0xc0a00000: PDE 5, a 2-MByte page. */
	set64(pd + 5 * 8, 0x600000 | P | RW | PS);
	struct paging_state ps = {
		.cr0 = CR0_PG | 1, .cr3 = pdpt | 0x18, .cr4 = CR4_PAE, .efer = EFER_NXE,
	};
	struct walk_result r;
	ck_assert_int_eq(walk(&ps, 0xc0801234ULL, &r), 0);
	ck_assert_int_eq(r.mode, PAGING_PAE);
	ck_assert_int_eq(r.nlevels, 3);
	ck_assert_str_eq(r.level[0].name, "PDPTE");
	ck_assert_uint_eq(r.level[0].table, pdpt);
	ck_assert_uint_eq(r.level[0].index, 3);
	ck_assert_uint_eq(r.level[2].index, 1);
	ck_assert_uint_eq(r.gpa, 0x5234);
	/* The PDPTE has no R/W or U/S (4.6.1), so it does not clear them. */
	ck_assert(!r.writable && r.user && r.nx);

	ck_assert_int_eq(walk(&ps, 0xc0a00042ULL, &r), 0);
	ck_assert_uint_eq(r.page_size, 0x200000);
	ck_assert_uint_eq(r.gpa, 0x600042);
	ck_assert(r.writable && !r.user && !r.nx);

	/* R/W in a PAE PDPTE is reserved (Table 4-8). */
	set64(pdpt + 3 * 8, pd | P | RW);
	ck_assert_int_eq(walk(&ps, 0xc0a00000ULL, &r), -1);
	ck_assert_int_eq(r.fail_level, 0);
	ck_assert_str_eq(r.error, "PDPTE reserved bits set (0x2)");
	set64(pdpt + 3 * 8, pd | P);

	/* XD without NXE is reserved in a PTE. */
	ps.efer = 0;
	ck_assert_int_eq(walk(&ps, 0xc0801234ULL, &r), -1);
	ck_assert_str_eq(r.error, "PTE reserved bits set (0x8000000000000000)");

	/* Linear addresses are 32 bits wide. */
	ck_assert_int_eq(walk(&ps, 0x100000000ULL, &r), -1);
	ck_assert_str_eq(r.error, "address 0x100000000 is wider than 32 bits (PAE paging)");
	ck_assert_int_eq(walk(&ps, 0x0, &r), -1);
	ck_assert_str_eq(r.error, "PDPTE not present");
}
END_TEST

START_TEST(paging_32bit)
{
	reset_ram();
	uint64_t pd = alloc_table(), pt = alloc_table();
	/* gva 0xc0001234: PDE 0x300, PTE 1, 4-byte entries. */
	set_le(pd + 0x300 * 4, pt | P | RW | US, 4);
	set_le(pt + 1 * 4, 0x9000 | P | RW, 4);
	/* gva 0xc0400000: PDE 0x301, a 4-MByte page at 0x800000. */
	set_le(pd + 0x301 * 4, 0x800000 | P | PS, 4);
	/* gva 0xc0800000: PDE 0x302, a 4-MByte page above 4 GiB (PSE-36). */
	set_le(pd + 0x302 * 4, 0x00c00000 | 1 << 13 | P | RW | PS, 4);
	struct paging_state ps = { .cr0 = CR0_PG | 1, .cr3 = pd, .cr4 = CR4_PSE };
	struct walk_result r;

	ck_assert_int_eq(walk(&ps, 0xc0001234ULL, &r), 0);
	ck_assert_int_eq(r.mode, PAGING_32BIT);
	ck_assert_int_eq(r.nlevels, 2);
	ck_assert_uint_eq(r.level[0].entry_size, 4);
	ck_assert_uint_eq(r.level[0].entry_addr, pd + 0x300 * 4);
	ck_assert_uint_eq(r.gpa, 0x9234);
	ck_assert(r.writable && !r.user && !r.nx);

	ck_assert_int_eq(walk(&ps, 0xc0654321ULL, &r), 0);
	ck_assert_uint_eq(r.page_size, 0x400000);
	ck_assert_uint_eq(r.gpa, 0xa54321);
	ck_assert_int_eq(r.nlevels, 1);
	ck_assert(!r.writable);

	ck_assert_int_eq(walk(&ps, 0xc0800010ULL, &r), 0);
	ck_assert_uint_eq(r.gpa, 0x100c00010ULL);

	/* Without CR4.PSE the same PDE references a page table at 0x800000,
	 * which is beyond this guest's RAM. */
	ps.cr4 = 0;
	ck_assert_int_eq(walk(&ps, 0xc0400000ULL, &r), -1);
	ck_assert_int_eq(r.fail_level, 1);
	ck_assert_str_eq(r.error, "PTE at 0x800000 is outside guest RAM");
	ps.cr4 = CR4_PSE;

	/* Bit 21 of a 4-MByte PDE is reserved (Table 4-4). */
	set_le(pd + 0x301 * 4, 0x800000 | 1 << 21 | P | PS, 4);
	ck_assert_int_eq(walk(&ps, 0xc0400000ULL, &r), -1);
	ck_assert_str_eq(r.error, "PDE reserved bits set (0x200000)");

	ck_assert_int_eq(walk(&ps, 0x1c0000000ULL, &r), -1);
	ck_assert_str_eq(r.error, "address 0x1c0000000 is wider than 32 bits (32-bit paging)");
}
END_TEST

START_TEST(paging_off)
{
	struct paging_state ps = { .cr0 = 1 };
	struct walk_result r;
	reads = 0;
	ck_assert_int_eq(walk(&ps, 0xfffff000ULL, &r), 0);
	ck_assert_int_eq(r.mode, PAGING_OFF);
	ck_assert_uint_eq(r.gpa, 0xfffff000ULL);
	ck_assert_int_eq(r.nlevels, 0);
	ck_assert_int_eq(reads, 0);
	ck_assert_int_eq(walk(&ps, 0x100000000ULL, &r), -1);
	char out[512];
	pagewalk_format(&r, out, sizeof(out));
	ck_assert_str_eq(out, "gva=0x100000000 mode=paging off\n"
			      "gva 0x100000000 does not translate: address 0x100000000 is wider "
			      "than 32 bits (paging off)\n"
			      "error=address 0x100000000 is wider than 32 bits (paging off)\n");
	ck_assert_int_eq(walk(&ps, 0x2000, &r), 0);
	pagewalk_format(&r, out, sizeof(out));
	ck_assert_str_eq(out, "gva=0x2000 mode=paging off\n"
			      "gva 0x2000 -> gpa 0x2000 (paging off: identity)\n"
			      "gpa=0x2000\n");
}
END_TEST

START_TEST(entry_flags)
{
	char s[80];
	pagewalk_entry_flags(0x63, ENTRY_TABLE, s, sizeof(s));
	ck_assert_str_eq(s, "P RW A"); /* bit 6 is ignored in a table entry */
	pagewalk_entry_flags(0x1e7 | 1ULL << 12 | XD, ENTRY_PAGE_LARGE, s, sizeof(s));
	ck_assert_str_eq(s, "P RW US A D PS G PAT XD");
	pagewalk_entry_flags(0x9f, ENTRY_PAGE_4K, s, sizeof(s));
	ck_assert_str_eq(s, "P RW US PWT PCD PAT");
	pagewalk_entry_flags(1ULL << 12 | 0x1, ENTRY_PAGE_4K, s, sizeof(s));
	ck_assert_str_eq(s, "P"); /* bit 12 of a PTE is address */
	pagewalk_entry_flags(0xfffffffffffffffeULL, ENTRY_PAGE_4K, s, sizeof(s));
	ck_assert_str_eq(s, "not present");
	pagewalk_entry_flags(0x7, ENTRY_TABLE, s, 5);
	ck_assert_str_eq(s, "P RW");
	pagewalk_entry_flags(0x7, ENTRY_TABLE, s, 0); /* writes nothing */
}
END_TEST

START_TEST(format_text)
{
	struct paging_state ps = long_mode(build_4level(), false, true);
	struct walk_result r;
	char out[1024];
	ck_assert_int_eq(walk(&ps, 0xffffffff81000010ULL, &r), 0);
	pagewalk_format(&r, out, sizeof(out));
	ck_assert_str_eq(out,
		"gva=0xffffffff81000010 mode=4-level\n"
		"PML4E[511] @0x0000000000001ff8 = 0x0000000000002027 [P RW US A] -> table 0x2000\n"
		"PDPTE[510] @0x0000000000002ff0 = 0x0000000000003027 [P RW US A] -> table 0x3000\n"
		"PDE[8] @0x0000000000003040 = 0x0000000000004027 [P RW US A] -> table 0x4000\n"
		"PTE[0] @0x0000000000004000 = 0x0000000001000063 [P RW A D] -> page 0x1000000 (4K)\n"
		"gva 0xffffffff81000010 -> gpa 0x1000010 (4K page, RW, supervisor, executable)\n"
		"page=4K writable=1 user=0 nx=0\n"
		"gpa=0x1000010\n");

	ck_assert_int_eq(walk(&ps, 0xffffffff81200000ULL, &r), 0);
	pagewalk_format(&r, out, sizeof(out));
	ck_assert_ptr_nonnull(strstr(out, "PDE[9] @0x0000000000003048 = 0x00000000012000e3 "
					  "[P RW A D PS] -> page 0x1200000 (2M)\n"));
	ck_assert_ptr_nonnull(strstr(out, "(2M page, RW, supervisor, executable)\n"));

	/* Failure: the failing entry has no arrow, the last line says why. */
	set64(r.level[2].entry_addr, 0);
	ck_assert_int_eq(walk(&ps, 0xffffffff81200000ULL, &r), -1);
	pagewalk_format(&r, out, sizeof(out));
	ck_assert_ptr_nonnull(strstr(out, "PDE[9] @0x0000000000003048 = 0x0000000000000000 "
					  "[not present]\n"
					  "gva 0xffffffff81200000 does not translate: PDE not present\n"
					  "error=PDE not present\n"));
	ck_assert_ptr_null(strstr(out, "gpa="));

	/* Outside RAM is shown, not read. */
	ps.cr3 = 0x200000;
	ck_assert_int_eq(walk(&ps, 0, &r), -1);
	pagewalk_format(&r, out, sizeof(out));
	ck_assert_ptr_nonnull(strstr(out, "PML4E[0] @0x0000000000200000 = ? (outside guest RAM)\n"));

	/* 32-bit entries print 8 digits; a short buffer stays terminated. */
	reset_ram();
	set_le(0x1000 + 4, 0x400000 | P | PS, 4);
	struct paging_state ps32 = { .cr0 = CR0_PG, .cr3 = 0x1000, .cr4 = CR4_PSE };
	ck_assert_int_eq(walk(&ps32, 0x400000, &r), 0);
	pagewalk_format(&r, out, sizeof(out));
	ck_assert_ptr_nonnull(strstr(out, "PDE[1] @0x0000000000001004 = 0x00400081 [P PS] -> "
					  "page 0x400000 (4M)\n"));
	pagewalk_format(&r, out, 20);
	ck_assert_uint_eq(strlen(out), 19);
}
END_TEST

static Suite *pagewalk_suite(void)
{
	Suite *s = suite_create("pagewalk");
	TCase *tc = tcase_create("walk");
	tcase_add_test(tc, four_level_4k);
	tcase_add_test(tc, four_level_2m_and_1g);
	tcase_add_test(tc, five_level);
	tcase_add_test(tc, non_canonical);
	tcase_add_test(tc, not_present_each_level);
	tcase_add_test(tc, outside_ram);
	tcase_add_test(tc, reserved_bits);
	tcase_add_test(tc, permissions_accumulate);
	tcase_add_test(tc, self_referencing_table);
	tcase_add_test(tc, pae);
	tcase_add_test(tc, paging_32bit);
	tcase_add_test(tc, paging_off);
	suite_add_tcase(s, tc);
	TCase *tf = tcase_create("format");
	tcase_add_test(tf, entry_flags);
	tcase_add_test(tf, format_text);
	suite_add_tcase(s, tf);
	return s;
}

UNIT_MAIN(pagewalk_suite)
