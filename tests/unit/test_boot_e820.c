// SPDX-License-Identifier: GPL-3.0-or-later
/* The guest memory map built from guest_mem's region table. */
#include "boot/e820.h"
#include "unit.h"

static void expect(const struct e820_entry *e, uint64_t addr, uint64_t size, uint32_t type)
{
	ck_assert_uint_eq(e->addr, addr);
	ck_assert_uint_eq(e->size, size);
	ck_assert_uint_eq(e->type, type);
}

START_TEST(small_ram)
{
	struct guest_mem m = { .ram_size = 64 << 20, .nregions = 1,
			       .region = { { .gpa = 0, .size = 64 << 20 } } };
	struct e820_entry map[E820_MAX_ENTRIES];
	int n = e820_build(&m, map, E820_MAX_ENTRIES);
	ck_assert_int_eq(n, 4);
	expect(&map[0], 0, 0x9fc00, E820_TYPE_RAM);
	expect(&map[1], 0x9fc00, 0x400, E820_TYPE_RESERVED);
	expect(&map[2], 0xe0000, 0x20000, E820_TYPE_RESERVED);
	expect(&map[3], 0x100000, (64 << 20) - 0x100000, E820_TYPE_RAM);
}
END_TEST

START_TEST(ram_spanning_the_hole)
{
	/* 4 GiB of RAM: 3 GiB below the MMIO hole, 1 GiB from 4 GiB up. */
	struct guest_mem m = { .ram_size = 4ULL << 30, .nregions = 2,
			       .region = { { .gpa = 0, .size = GMEM_MMIO_HOLE_START },
					   { .gpa = GMEM_4G, .size = 1ULL << 30 } } };
	struct e820_entry map[E820_MAX_ENTRIES];
	int n = e820_build(&m, map, E820_MAX_ENTRIES);
	ck_assert_int_eq(n, 5);
	expect(&map[3], 0x100000, GMEM_MMIO_HOLE_START - 0x100000, E820_TYPE_RAM);
	expect(&map[4], GMEM_4G, 1ULL << 30, E820_TYPE_RAM);
	for (int i = 1; i < n; i++)
		ck_assert_uint_ge(map[i].addr, map[i - 1].addr + map[i - 1].size);
}
END_TEST

START_TEST(tiny_ram_below_ebda)
{
	struct guest_mem m = { .ram_size = 0x80000, .nregions = 1,
			       .region = { { .gpa = 0, .size = 0x80000 } } };
	struct e820_entry map[E820_MAX_ENTRIES];
	int n = e820_build(&m, map, E820_MAX_ENTRIES);
	ck_assert_int_eq(n, 3);
	expect(&map[0], 0, 0x80000, E820_TYPE_RAM);
	expect(&map[1], 0x9fc00, 0x400, E820_TYPE_RESERVED);
}
END_TEST

START_TEST(too_small_array)
{
	struct guest_mem m = { .ram_size = 64 << 20, .nregions = 1,
			       .region = { { .gpa = 0, .size = 64 << 20 } } };
	struct e820_entry map[3];
	ck_assert_int_eq(e820_build(&m, map, 3), -1);
}
END_TEST

static Suite *e820_suite(void)
{
	Suite *s = suite_create("boot_e820");
	TCase *tc = tcase_create("build");
	tcase_add_test(tc, small_ram);
	tcase_add_test(tc, ram_spanning_the_hole);
	tcase_add_test(tc, tiny_ram_below_ebda);
	tcase_add_test(tc, too_small_array);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(e820_suite)
