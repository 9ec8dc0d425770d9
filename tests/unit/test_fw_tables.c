// SPDX-License-Identifier: GPL-3.0-or-later
/* The AML emitter, the ACPI and MP tables, the walk that finds them and the
 * PM1a power-off register. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "boot/acpi_aml.h"
#include "boot/fw_dump.h"
#include "boot/fw_tables.h"
#include "boot/fw_walk.h"
#include "common/le.h"
#include "dev/acpi_pm.h"
#include "unit.h"
#include "board/machine.h"
#include "board/machine_firmware.h"

START_TEST(aml_pkglength_encoding)
{
	uint8_t b[4];

	/* 20.2.4: up to 63 in one byte, the length counting itself. */
	ck_assert_uint_eq(aml_pkglength(62, b), 1);
	ck_assert_uint_eq(b[0], 63);
	ck_assert_uint_eq(aml_pkglength(63, b), 2);
	ck_assert_uint_eq(b[0], 0x40 | (65 & 0xf));
	ck_assert_uint_eq(b[1], 65 >> 4);
	ck_assert_uint_eq(aml_pkglength(0xffd, b), 2);   /* 0xfff: the most in 2 */
	ck_assert_uint_eq(aml_pkglength(0xffe, b), 3);   /* 0x1001 */
	ck_assert_uint_eq(b[0], 0x80 | 0x1);
	ck_assert_uint_eq(b[1], 0x00);
	ck_assert_uint_eq(b[2], 0x01);
	ck_assert_uint_eq(aml_pkglength(1u << 28, b), 0);
}
END_TEST

START_TEST(aml_encodings)
{
	uint8_t buf[64];
	struct aml a;

	aml_init(&a, buf, sizeof(buf));
	aml_integer(&a, 0);
	aml_integer(&a, 1);
	aml_integer(&a, 0x0f);
	aml_integer(&a, 0x1234);
	aml_integer(&a, 0x0001ffff);
	const uint8_t want[] = { 0x00, 0x01, 0x0a, 0x0f, 0x0b, 0x34, 0x12,
				 0x0c, 0xff, 0xff, 0x01, 0x00 };
	ck_assert_uint_eq(a.len, sizeof(want));
	ck_assert_mem_eq(buf, want, sizeof(want));

	aml_init(&a, buf, sizeof(buf));
	aml_namestring(&a, "\\_SB.PCI0");
	const uint8_t name[] = { 0x5c, 0x2e, '_', 'S', 'B', '_', 'P', 'C', 'I', '0' };
	ck_assert_uint_eq(a.len, sizeof(name));
	ck_assert_mem_eq(buf, name, sizeof(name));
	/* The value iasl and acpiexec show for EisaId("PNP0501"). */
	ck_assert_uint_eq(aml_eisaid_value("PNP0501"), 0x0105d041);
	ck_assert_uint_eq(aml_eisaid_value("PNP0A03"), 0x030ad041);
}
END_TEST

START_TEST(aml_nesting_and_overflow)
{
	uint8_t buf[512];
	struct aml a;

	aml_init(&a, buf, sizeof(buf));
	size_t d = aml_device(&a, "VR00");
	aml_name(&a, "_CRS");
	size_t rt = aml_rt_begin(&a);
	aml_rd_memory32_fixed(&a, 0xd0000000, 0x200, true);
	aml_rd_interrupt(&a, 5, true, false);
	aml_rt_end(&a, rt);
	aml_end(&a, d);
	ck_assert(!a.overflow);
	/* ExtOp Device, PkgLength of everything after the opcode bytes. */
	ck_assert_uint_eq(buf[0], 0x5b);
	ck_assert_uint_eq(buf[1], 0x82);
	ck_assert_uint_eq(buf[2], a.len - 2);
	ck_assert_mem_eq(buf + 3, "VR00", 4);
	/* Name(_CRS, Buffer(PkgLength, BufferSize 0x17, 12 + 9 + 2 bytes)) */
	ck_assert_uint_eq(buf[7], 0x08);
	ck_assert_uint_eq(buf[12], 0x11);
	ck_assert_uint_eq(buf[14], 0x0a);
	ck_assert_uint_eq(buf[15], 23);
	ck_assert_uint_eq(buf[16], 0x86);
	ck_assert_uint_eq(get_le32(buf + 20), 0xd0000000);
	ck_assert_uint_eq(buf[28], 0x89);
	ck_assert_uint_eq(buf[31], 0x01);            /* consumer, level, high, exclusive */
	ck_assert_uint_eq(get_le32(buf + 33), 5);
	ck_assert_uint_eq(buf[37], 0x79);
	ck_assert_uint_eq(a.len, 39);

	aml_init(&a, buf, 8);
	aml_string(&a, "LNRO0005");              /* the prefix fits, the rest not */
	ck_assert(a.overflow);
	aml_byte(&a, 1);
	ck_assert_uint_eq(a.len, 1);
}
END_TEST

static int image_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	const struct fw_image *img = ctx;

	if (gpa < FW_AREA_START || gpa > FW_AREA_END || len > FW_AREA_END - gpa)
		return -1;
	memcpy(buf, img->area + (gpa - FW_AREA_START), len);
	return 0;
}

static const uint8_t *at(const struct fw_image *img, uint64_t gpa)
{
	return img->area + (gpa - FW_AREA_START);
}

static const struct fw_found *find(const struct fw_found *t, int n, const char *sig)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(t[i].sig, sig))
			return &t[i];
	ck_abort_msg("no %s table", sig);
	return NULL;
}

/* How many times needle occurs in the n bytes at p. */
static int count_mem(const uint8_t *p, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	int c = 0;

	for (size_t i = 0; i + k <= n; i++)
		c += !memcmp(p + i, needle, k);
	return c;
}

static void check_machine(int ncpus, bool mmio, int ndev)
{
	struct machine_config cfg = { .ncpus = ncpus, .virtio_mmio = mmio, .nrngs = ndev };
	struct fw_machine fm;
	struct fw_image *img = malloc(sizeof(*img));
	char err[200];

	machine_fw_describe(&cfg, &fm);
	ck_assert_int_eq(fw_tables_build(&fm, img, err, sizeof(err)), 0);

	struct fw_found t[FW_WALK_MAX];
	int n = fw_walk(image_read, img, t, FW_WALK_MAX);
	ck_assert_int_eq(n, 8);          /* RSDP XSDT FACP FACS DSDT APIC _MP_ PCMP */
	for (int i = 0; i < n; i++) {
		ck_assert_msg(t[i].readable && t[i].sum_ok, "%s checksum", t[i].sig);
		ck_assert_msg(t[i].addr >= FW_AREA_START && t[i].addr + t[i].len <= FW_AREA_END,
			      "%s inside the area", t[i].sig);
	}
	const uint8_t *rsdp = at(img, find(t, n, "RSDP")->addr);
	ck_assert_uint_eq(find(t, n, "RSDP")->addr, FW_RSDP_ADDR);
	ck_assert_uint_eq(rsdp[15], 2);
	ck_assert_uint_eq(fw_sum8(rsdp, 20), 0);
	ck_assert_uint_eq(fw_sum8(rsdp, 36), 0);
	ck_assert_uint_eq(get_le64(rsdp + 24), find(t, n, "XSDT")->addr);

	/* FADT fields (ACPI 6.5 table 5.9). */
	const uint8_t *fadt = at(img, find(t, n, "FACP")->addr);
	ck_assert_uint_eq(find(t, n, "FACP")->len, 276);
	ck_assert_uint_eq(fadt[8], 6);
	ck_assert_uint_eq(get_le16(fadt + 46), ACPI_SCI_GSI);
	ck_assert_uint_eq(get_le32(fadt + 56), ACPI_PM1_EVT_PORT);
	ck_assert_uint_eq(get_le32(fadt + 64), ACPI_PM1_CNT_PORT);
	ck_assert_uint_eq(fadt[88], 4);
	ck_assert_uint_eq(fadt[89], 2);
	ck_assert_uint_eq(get_le32(fadt + 112) & (1u << 20), 0);   /* not HW_REDUCED */
	ck_assert_uint_eq(get_le32(fadt + 112) & (1u << 10), 1u << 10);
	ck_assert_uint_eq(get_le64(fadt + 116 + 4), 0xcf9);
	ck_assert_uint_eq(fadt[128], 0x06);
	ck_assert_uint_eq(get_le64(fadt + 140), find(t, n, "DSDT")->addr);
	ck_assert_uint_eq(get_le64(fadt + 132), find(t, n, "FACS")->addr);
	ck_assert_uint_eq(find(t, n, "FACS")->addr % 64, 0);
	ck_assert_uint_eq(get_le64(fadt + 172 + 4), ACPI_PM1_CNT_PORT);
	ck_assert_uint_eq(fadt[172 + 1], 16);

	/* MADT: one enabled processor entry per vCPU with APIC ID = index. */
	const struct fw_found *mt = find(t, n, "APIC");
	const uint8_t *madt = at(img, mt->addr);
	int cpus = 0, ioapics = 0, nmis = 0;
	bool iso[16] = { false };
	for (uint32_t o = 44; o < mt->len; o += madt[o + 1]) {
		ck_assert_uint_ge(madt[o + 1], 2);
		switch (madt[o]) {
		case 0:
			ck_assert_uint_eq(madt[o + 3], cpus);
			ck_assert_uint_eq(get_le32(madt + o + 4), 1);
			cpus++;
			break;
		case 9:
			ck_assert_uint_eq(get_le32(madt + o + 4), cpus);
			cpus++;
			break;
		case 1:
			ck_assert_uint_eq(get_le32(madt + o + 4), FW_IOAPIC_ADDR);
			ioapics++;
			break;
		case 2:
			ck_assert_uint_eq(madt[o + 3], get_le32(madt + o + 4));
			/* PCI INTx (10, 11) level low, the rest level high. */
			ck_assert_uint_eq(get_le16(madt + o + 8),
					  madt[o + 3] == 10 || madt[o + 3] == 11 ? 0x000f : 0x000d);
			iso[madt[o + 3]] = true;
			break;
		case 4: case 0x0a:
			nmis++;
			break;
		default:
			ck_abort_msg("MADT entry type %u", madt[o]);
		}
	}
	ck_assert_int_eq(cpus, ncpus);
	ck_assert_int_eq(ioapics, 1);
	ck_assert_int_eq(nmis, ncpus > 255 ? 2 : 1);
	ck_assert(iso[9] && iso[10] && iso[11]);
	ck_assert(!iso[4]);              /* COM1 stays edge */
	for (int i = 0; i < fm.nmmio; i++)
		ck_assert(iso[fm.mmio[i].gsi]);

	/* DSDT: one LNRO0005 per virtio-mmio window, COM1, PCI0, \_S5. */
	const struct fw_found *dt = find(t, n, "DSDT");
	const uint8_t *dsdt = at(img, dt->addr);
	ck_assert_int_eq(count_mem(dsdt, dt->len, "LNRO0005"), mmio ? ndev : 0);
	ck_assert_int_eq(count_mem(dsdt, dt->len, "COM1"), 1);
	ck_assert_int_eq(count_mem(dsdt, dt->len, "PCI0"), 1);
	ck_assert_int_eq(count_mem(dsdt, dt->len, "_S5_"), 1);

	/* MP: floating pointer to the table, a processor entry per vCPU below
	 * APIC ID 255, the boot processor flagged. */
	const uint8_t *mpf = at(img, find(t, n, "_MP_")->addr);
	const struct fw_found *pc = find(t, n, "PCMP");
	ck_assert_uint_eq(get_le32(mpf + 4), pc->addr);
	ck_assert_uint_eq(mpf[9], 4);
	const uint8_t *mpc = at(img, pc->addr);
	int procs = 0, entries = 0;
	for (uint32_t o = 44; o < pc->len; entries++) {
		if (mpc[o] == 0) {
			ck_assert_uint_eq(mpc[o + 1], procs);
			ck_assert_uint_eq(mpc[o + 3], procs == 0 ? 3 : 1);
			procs++;
			o += 20;
		} else {
			ck_assert_uint_le(mpc[o], 4);
			/* An I/O interrupt from bus 0 (PCI): level, active low, as
			 * the MADT says of those lines. */
			if (mpc[o] == 3 && mpc[o + 4] == 0)
				ck_assert_uint_eq(get_le16(mpc + o + 2), 0x000f);
			o += 8;
		}
	}
	ck_assert_int_eq(procs, ncpus < 255 ? ncpus : 255);
	ck_assert_int_eq(get_le16(mpc + 34), entries);
	free(img);
}

START_TEST(tables_for_machines)
{
	static const int cpus[] = { 1, 2, 8, 64, 300 };

	for (unsigned i = 0; i < sizeof(cpus) / sizeof(cpus[0]); i++) {
		check_machine(cpus[i], false, 0);
		check_machine(cpus[i], false, 3);
		check_machine(cpus[i], true, 0);
		check_machine(cpus[i], true, 2);
		check_machine(cpus[i], true, 9);
	}
}
END_TEST

START_TEST(tables_refuse_out_of_range)
{
	struct fw_machine fm;
	struct fw_image *img = malloc(sizeof(*img));
	char err[200];
	struct machine_config cfg = { .ncpus = FW_MAX_CPUS + 1 };

	machine_fw_describe(&cfg, &fm);
	ck_assert_int_eq(fw_tables_build(&fm, img, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "the firmware tables describe 1 to 1024 vCPUs"));
	free(img);
}
END_TEST

/* The guest owns this memory: a walk over garbage neither crashes nor
 * follows lengths it cannot believe. */
START_TEST(walk_hostile_tables)
{
	struct machine_config cfg = { .ncpus = 2 };
	struct fw_machine fm;
	struct fw_image *img = malloc(sizeof(*img));
	char err[200];
	struct fw_found t[FW_WALK_MAX];

	machine_fw_describe(&cfg, &fm);
	ck_assert_int_eq(fw_tables_build(&fm, img, err, sizeof(err)), 0);
	uint8_t *rsdp = img->area;
	uint64_t xsdt = get_le64(rsdp + 24);
	uint8_t *x = img->area + (xsdt - FW_AREA_START);
	put_le32(x + 4, 0xffffffff);                 /* XSDT length absurd */
	int n = fw_walk(image_read, img, t, FW_WALK_MAX);
	ck_assert_int_ge(n, 2);
	ck_assert_str_eq(t[1].sig, "XSDT");
	ck_assert(!t[1].readable);
	put_le32(x + 4, 36 + 16);
	put_le64(x + 36, 0xfffffffff000ULL);         /* an entry outside RAM */
	n = fw_walk(image_read, img, t, FW_WALK_MAX);
	ck_assert_int_ge(n, 3);
	ck_assert(!t[2].readable);
	/* A table signature that would climb out of the dump directory. */
	put_le64(x + 36, get_le64(rsdp + 24));       /* the XSDT lists itself */
	memcpy(x, "../e", 4);
	x[9] = 0;
	x[9] = (uint8_t)-fw_sum8(x, 36 + 16);
	n = fw_walk(image_read, img, t, FW_WALK_MAX);
	char dir[] = "/tmp/hvmon-fwdump-XXXXXX", path[64];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(fw_dump(image_read, img, t, n, dir, err, sizeof(err)), 3);
	static const char *const files[] = { "___e.dat", "___e1.dat", "apic.dat" };
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		ck_assert_msg(unlink(path) == 0, "%s written", files[i]);
	}
	ck_assert_int_eq(rmdir(dir), 0);             /* nothing else, inside or out */
	memset(img->area, 0, FW_AREA_SIZE);
	ck_assert_int_eq(fw_walk(image_read, img, t, FW_WALK_MAX), 0);
	free(img);
}
END_TEST

static int poweroffs;
static void sink(void *opaque, enum sysevent ev, const char *why)
{
	(void)opaque;
	(void)why;
	poweroffs += ev == SYSEVENT_POWEROFF;
}

static void out16(struct acpi_pm *pm, unsigned off, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
	acpi_pm_io(pm, off, b, 2, true);
}

static uint16_t in16(struct acpi_pm *pm, unsigned off)
{
	uint8_t b[2];
	acpi_pm_io(pm, off, b, 2, false);
	return (uint16_t)(b[0] | b[1] << 8);
}

START_TEST(pm1_s5_powers_off)
{
	struct sysevent_sink s = { .raise = sink };
	struct acpi_pm pm;

	poweroffs = 0;
	acpi_pm_init(&pm, &s);
	ck_assert_uint_eq(in16(&pm, 4) & ACPI_PM1_SCI_EN, ACPI_PM1_SCI_EN);
	out16(&pm, 2, 0x0120);
	ck_assert_uint_eq(in16(&pm, 2), 0x0120);
	out16(&pm, 0, 0xffff);                    /* W1C of nothing set */
	ck_assert_uint_eq(in16(&pm, 0), 0);
	/* SLP_TYP 5 without SLP_EN, then an undeclared state with it: nothing. */
	out16(&pm, 4, 5 << 10);
	out16(&pm, 4, 1 << 10 | ACPI_PM1_SLP_EN);
	ck_assert_int_eq(poweroffs, 0);
	ck_assert_uint_eq(in16(&pm, 4) & ACPI_PM1_SLP_EN, 0);   /* write-only */
	/* Linux: SLP_TYP first, then SLP_EN in a second write; a single
	 * high-byte write does it too. */
	out16(&pm, 4, ACPI_PM_S5_SLP_TYP << 10);
	out16(&pm, 4, ACPI_PM_S5_SLP_TYP << 10 | ACPI_PM1_SLP_EN);
	ck_assert_int_eq(poweroffs, 1);
	uint8_t hi = (uint8_t)((ACPI_PM_S5_SLP_TYP << 10 | ACPI_PM1_SLP_EN) >> 8);
	acpi_pm_io(&pm, 5, &hi, 1, true);
	ck_assert_int_eq(poweroffs, 2);
	uint8_t b[4];
	acpi_pm_io(&pm, 4, b, 4, false);          /* past the block: 0xff */
	ck_assert_uint_eq(b[2], 0xff);
	ck_assert_uint_eq(b[3], 0xff);
}
END_TEST

START_TEST(acpi_off_word)
{
	ck_assert(machine_fw_acpi_off("console=ttyS0 acpi=off"));
	ck_assert(machine_fw_acpi_off("acpi=off nokaslr"));
	ck_assert(!machine_fw_acpi_off("acpi=offx"));
	ck_assert(!machine_fw_acpi_off("xacpi=off"));
	ck_assert(!machine_fw_acpi_off(""));
}
END_TEST

static Suite *fw_suite(void)
{
	Suite *s = suite_create("fw_tables");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, aml_pkglength_encoding);
	tcase_add_test(tc, aml_encodings);
	tcase_add_test(tc, aml_nesting_and_overflow);
	tcase_add_test(tc, tables_for_machines);
	tcase_add_test(tc, tables_refuse_out_of_range);
	tcase_add_test(tc, walk_hostile_tables);
	tcase_add_test(tc, pm1_s5_powers_off);
	tcase_add_test(tc, acpi_off_word);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(fw_suite)
