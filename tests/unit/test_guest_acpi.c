// SPDX-License-Identifier: GPL-3.0-or-later
/* The test guest's ACPI reader (tests/guest/acpi.c, freestanding) run on
 * the host over the tables hvmon builds, and over damaged copies of them. */
#include <stdlib.h>
#include <string.h>

#include "../guest/acpi.c"
#include "boot/fw_tables.h"
#include "unit.h"
#include "board/machine.h"
#include "board/machine_firmware.h"
#include "dev/acpi_pm.h"

static struct fw_image *img;

/* Each mapping is a copy of exactly the bytes asked for, so an ASan build
 * catches any read past what acpi.c checked. Freed at the next build. */
static void *copies[4096];
static int ncopies;

const uint8_t *acpi_phys(uint64_t pa, uint64_t len)
{
	if (pa < FW_AREA_START || pa > FW_AREA_END || len > FW_AREA_END - pa ||
	    ncopies == (int)(sizeof(copies) / sizeof(copies[0])))
		return NULL;
	uint8_t *c = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(c);
	memcpy(c, img->area + (pa - FW_AREA_START), len);
	copies[ncopies++] = c;
	return c;
}

static void free_copies(void)
{
	while (ncopies)
		free(copies[--ncopies]);
}

static void build(int ncpus, bool mmio, int ndev)
{
	struct machine_config cfg = { .ncpus = ncpus, .virtio_mmio = mmio, .nrngs = ndev };
	struct fw_machine fm;
	char err[200];

	free_copies();
	if (!img)
		img = malloc(sizeof(*img));
	machine_fw_describe(&cfg, &fm);
	ck_assert_int_eq(fw_tables_build(&fm, img, err, sizeof(err)), 0);
}

START_TEST(reads_hvmon_tables)
{
	static const uint32_t gsi[] = { 5, 6, 7, 9, 12, 13, 14, 15, 3 };
	uint32_t ids[400];
	struct acpi_mmio_dev d[16];
	uint16_t port, typ;

	build(4, true, 9);
	ck_assert_uint_eq(acpi_init(0), 0xe0000);           /* the BIOS-area scan */
	ck_assert_uint_eq(acpi_init(0xe0000), 0xe0000);     /* the loader's hint */
	ck_assert_uint_eq(acpi_init(0xe0010), 0xe0000);     /* a bad hint: scan */
	ck_assert_int_eq(acpi_cpu_apic_ids(ids, 400), 4);
	for (uint32_t i = 0; i < 4; i++)
		ck_assert_uint_eq(ids[i], i);
	ck_assert_int_eq(acpi_cpu_apic_ids(ids, 2), 2);
	ck_assert_int_eq(acpi_mmio_devices(d, 16), 9);
	for (int i = 0; i < 9; i++) {
		ck_assert_uint_eq(d[i].base, 0xd0000000u + 0x1000u * (unsigned)i);
		ck_assert_uint_eq(d[i].size, 0x200);
		ck_assert_uint_eq(d[i].irq, gsi[i]);
	}
	ck_assert(acpi_s5(&port, &typ));
	ck_assert_uint_eq(port, 0x604);
	ck_assert_uint_eq(typ, ACPI_PM_S5_SLP_TYP);

	build(300, false, 2);
	acpi_init(0);
	ck_assert_int_eq(acpi_cpu_apic_ids(ids, 400), 300);
	ck_assert_uint_eq(ids[299], 299);
	ck_assert_int_eq(acpi_mmio_devices(d, 16), 0);
}
END_TEST

/* Damage to the body of table sig, its checksum made good again so the
 * reader walks the garbage instead of refusing the table. */
static void damage(const char *sig, int bytes)
{
	for (int i = 0; i < img->ntables; i++) {
		if (strcmp(img->table[i].sig, sig))
			continue;
		uint8_t *t = img->area + (img->table[i].addr - FW_AREA_START);
		uint32_t len = img->table[i].len;
		for (int k = 0; k < bytes; k++)
			t[36 + (uint32_t)rand() % (len - 36)] = (uint8_t)rand();
		t[9] = 0;
		t[9] = (uint8_t)-fw_sum8(t, len);
	}
}

/* Random damage to the DSDT and MADT: whatever is found, nothing is read
 * outside the tables (ASan builds check the reads), and the walk ends. */
START_TEST(survives_damaged_tables)
{
	struct acpi_mmio_dev d[16];
	uint32_t ids[64];
	uint16_t port, typ;

	srand(8);
	for (int round = 0; round < 2000; round++) {
		build(2, true, 3);
		damage("DSDT", 1 + rand() % 8);
		damage("APIC", rand() % 3);
		acpi_init(0);
		ck_assert_int_le(acpi_mmio_devices(d, 16), 16);
		ck_assert_int_le(acpi_cpu_apic_ids(ids, 64), 64);
		(void)acpi_s5(&port, &typ);
	}
	free_copies();
	memset(img->area, 0, FW_AREA_SIZE);
	ck_assert_uint_eq(acpi_init(0), 0);
	ck_assert_int_eq(acpi_cpu_apic_ids(ids, 64), 0);
	ck_assert(!acpi_s5(&port, &typ));
}
END_TEST

static Suite *guest_acpi_suite(void)
{
	Suite *s = suite_create("guest_acpi");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, reads_hvmon_tables);
	tcase_add_test(tc, survives_damaged_tables);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(guest_acpi_suite)
