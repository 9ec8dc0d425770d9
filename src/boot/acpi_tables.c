// SPDX-License-Identifier: GPL-3.0-or-later
/* The ACPI tables (ACPI 6.5 chapter 5) and the layout of the firmware area
 * (fw_tables.h). The DSDT's AML is in acpi_dsdt.c, the MP tables in
 * mptable.c. */
#include "boot/fw_tables.h"

#include <stdio.h>
#include <string.h>

#include "common/le.h"

#define ACPI_OEM_ID       "HVMON "     /* 6 bytes */
#define ACPI_OEM_TABLE_ID "HVMONVM "   /* 8 bytes */
#define ACPI_CREATOR_ID   "HVMN"
#define ACPI_HDR          36

uint8_t fw_sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* 5.2.6: signature, length, revision, checksum (offset 9), OEM ID, OEM
 * table ID, OEM revision, creator ID and revision. */
void acpi_header(uint8_t *t, const char sig[4], uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	put_le32(t + 4, len);
	t[8] = rev;
	t[9] = 0;
	memcpy(t + 10, ACPI_OEM_ID, 6);
	memcpy(t + 16, ACPI_OEM_TABLE_ID, 8);
	put_le32(t + 24, 1);
	memcpy(t + 28, ACPI_CREATOR_ID, 4);
	put_le32(t + 32, 1);
	t[9] = (uint8_t)-fw_sum8(t, len);
}

/* The ISA lines hvmon drives level-triggered each need an override in the
 * MADT (ISA lines are edge, active high unless overridden, 5.2.12.5) so
 * the kernel's idea of them matches the DSDT's and the device's. The PCI
 * INTx lines are active low: that is what a _PRT entry naming a GSI
 * implies (6.2.13), and Linux refuses a PCI interrupt whose polarity
 * disagrees with the pin's. Polarity means nothing to KVM's IOAPIC (a
 * line at level 1 is asserted either way), so each line can be described
 * the way its consumer expects. A line of both kinds does not occur on
 * hvmon's board; the SCI's and virtio-mmio's setting would win. */
int fw_isa_line_flags(const struct fw_machine *m, uint16_t flags[16])
{
	int n = 0;

	for (unsigned g = 0; g < 16; g++)
		flags[g] = 0;
	for (unsigned s = 0; s < FW_PCI_SLOTS; s++)
		for (unsigned p = 0; p < 4; p++)
			if (m->pci_intx_gsi[s][p] && m->pci_intx_gsi[s][p] < 16)
				flags[m->pci_intx_gsi[s][p]] = FW_INTI_LOW_LEVEL;
	if (m->sci_gsi < 16)
		flags[m->sci_gsi] = FW_INTI_HIGH_LEVEL;
	for (int i = 0; i < m->nmmio; i++)
		if (m->mmio[i].gsi < 16)
			flags[m->mmio[i].gsi] = FW_INTI_HIGH_LEVEL;
	for (unsigned g = 0; g < 16; g++)
		n += flags[g] != 0;
	return n;
}

/* 5.2.12: one Processor Local APIC entry per vCPU (x2APIC for IDs the
 * 8-bit field cannot hold), the IOAPIC at GSI 0, the overrides, and LINT1
 * as NMI on every processor (what a PC wires). */
size_t acpi_build_madt(const struct fw_machine *m, uint8_t *out, size_t cap)
{
	size_t need = ACPI_HDR + 8 + (size_t)m->ncpus * 16 + 12 + 16 * 10 + 6 + 12;
	uint8_t *p = out + ACPI_HDR + 8;
	uint16_t flags[16];

	if (need > cap)
		return 0;
	memset(out, 0, need);
	put_le32(out + ACPI_HDR, FW_LAPIC_ADDR);
	put_le32(out + ACPI_HDR + 4, 1);          /* PCAT_COMPAT: 8259s present */
	for (int i = 0; i < m->ncpus; i++) {
		if (i < 255) {
			p[0] = 0;                      /* Processor Local APIC */
			p[1] = 8;
			p[2] = (uint8_t)i;             /* ACPI processor UID */
			p[3] = (uint8_t)i;             /* APIC ID */
			put_le32(p + 4, 1);            /* Enabled */
			p += 8;
		} else {
			p[0] = 9;                      /* Processor Local x2APIC */
			p[1] = 16;
			put_le32(p + 4, (uint32_t)i);
			put_le32(p + 8, 1);
			put_le32(p + 12, (uint32_t)i);
			p += 16;
		}
	}
	p[0] = 1;                                 /* I/O APIC */
	p[1] = 12;
	p[2] = 0;                                 /* its ID: KVM's reset value */
	put_le32(p + 4, FW_IOAPIC_ADDR);
	put_le32(p + 8, 0);                       /* GSI base */
	p += 12;
	fw_isa_line_flags(m, flags);
	for (unsigned g = 0; g < 16; g++) {
		if (!flags[g])
			continue;
		p[0] = 2;                              /* Interrupt Source Override */
		p[1] = 10;
		p[2] = 0;                              /* bus: ISA */
		p[3] = (uint8_t)g;
		put_le32(p + 4, g);                    /* identity: no remapping */
		put_le16(p + 8, flags[g]);
		p += 10;
	}
	p[0] = 4;                                 /* Local APIC NMI */
	p[1] = 6;
	p[2] = 0xff;                              /* all processors */
	put_le16(p + 3, FW_INTI_HIGH_EDGE);
	p[5] = 1;                                 /* LINT1 */
	p += 6;
	if (m->ncpus > 255) {
		p[0] = 0x0a;                           /* Local x2APIC NMI */
		p[1] = 12;
		put_le16(p + 2, FW_INTI_HIGH_EDGE);
		put_le32(p + 4, 0xffffffff);           /* all processors */
		p[8] = 1;
		p += 12;
	}
	size_t len = (size_t)(p - out);
	acpi_header(out, "APIC", (uint32_t)len, 5);
	return len;
}

/* Generic Address Structure (5.2.3.2) in system I/O space. */
static void gas_io(uint8_t *g, uint16_t port, unsigned bits, unsigned access)
{
	g[0] = 1;
	g[1] = (uint8_t)bits;
	g[2] = 0;
	g[3] = (uint8_t)access;
	put_le64(g + 4, port);
}

#define FADT_LEN 276
/* FADT flags (table 5.10): WBINVD, PROC_C1, PWR_BUTTON and SLP_BUTTON (no
 * fixed-feature buttons), RESET_REG_SUP. */
#define FADT_FLAGS (1u << 0 | 1u << 2 | 1u << 4 | 1u << 5 | 1u << 10)
/* IAPC_BOOT_ARCH (table 5.11): LEGACY_DEVICES, 8042, VGA Not Present. */
#define FADT_IAPC_BOOT_ARCH 0x0007

/* 5.2.9, revision 6 (ACPI 6.5). The power-management model is the PM1a
 * control block, not the hardware-reduced sleep control register: a
 * hardware-reduced FADT (HW_REDUCED_ACPI) tells Linux the machine has no
 * legacy PIC or PIT (x86's acpi_generic_reduced_hw_init drops both), and
 * hvmon's in-kernel irqchip has them and Linux's timer set-up uses the PIT.
 * So the classic model: PM1a event and control blocks in I/O space (the
 * ICH9's 0x600 layout), SMI_CMD 0 (always in ACPI mode, SCI_EN reads 1),
 * no PM timer, no GPE blocks, and the 0xcf9 reset register. */
static size_t build_fadt(const struct fw_machine *m, uint8_t *t, uint64_t facs,
			 uint64_t dsdt)
{
	memset(t, 0, FADT_LEN);
	/* FIRMWARE_CTRL stays 0: "if X_FIRMWARE_CTRL contains a non zero
	 * value then this field must be zero" (table 5.9). DSDT may repeat
	 * X_DSDT, for 32-bit readers. */
	put_le32(t + 40, (uint32_t)dsdt);
	put_le16(t + 46, (uint16_t)m->sci_gsi);      /* SCI_INT */
	put_le32(t + 56, m->pm1a_evt_port);          /* PM1a_EVT_BLK */
	put_le32(t + 64, m->pm1a_cnt_port);          /* PM1a_CNT_BLK */
	t[88] = 4;                                   /* PM1_EVT_LEN */
	t[89] = 2;                                   /* PM1_CNT_LEN */
	put_le16(t + 96, 101);                       /* P_LVL2_LAT: C2 unsupported */
	put_le16(t + 98, 1001);                      /* P_LVL3_LAT: C3 unsupported */
	t[108] = 0x32;                               /* CENTURY: CMOS register */
	put_le16(t + 109, FADT_IAPC_BOOT_ARCH);
	put_le32(t + 112, FADT_FLAGS);
	gas_io(t + 116, m->reset_port, 8, 1);        /* RESET_REG */
	t[128] = m->reset_value;
	t[131] = 5;                                  /* FADT minor version */
	put_le64(t + 132, facs);                     /* X_FIRMWARE_CTRL */
	put_le64(t + 140, dsdt);                     /* X_DSDT */
	gas_io(t + 148, m->pm1a_evt_port, 32, 0);    /* X_PM1a_EVT_BLK */
	gas_io(t + 172, m->pm1a_cnt_port, 16, 0);    /* X_PM1a_CNT_BLK */
	memcpy(t + 268, "HVMON   ", 8);              /* hypervisor vendor */
	acpi_header(t, "FACP", FADT_LEN, 6);
	return FADT_LEN;
}

/* 5.2.10: no checksum; version 2; no global lock users, no waking vector
 * (hvmon has no S3). */
#define FACS_LEN 64
static size_t build_facs(uint8_t *t)
{
	memset(t, 0, FACS_LEN);
	memcpy(t, "FACS", 4);
	put_le32(t + 4, FACS_LEN);
	t[32] = 2;
	return FACS_LEN;
}

static size_t build_xsdt(uint8_t *t, const uint64_t *entries, int n)
{
	size_t len = ACPI_HDR + 8 * (size_t)n;

	for (int i = 0; i < n; i++)
		put_le64(t + ACPI_HDR + 8 * i, entries[i]);
	acpi_header(t, "XSDT", (uint32_t)len, 1);
	return len;
}

/* 5.2.5.3: revision 2, the XSDT only (RsdtAddress 0); the first checksum
 * covers the ACPI 1.0 part (20 bytes), the extended one all 36. */
#define RSDP_LEN 36
static void build_rsdp(uint8_t *t, uint64_t xsdt)
{
	memset(t, 0, RSDP_LEN);
	memcpy(t, "RSD PTR ", 8);
	memcpy(t + 9, ACPI_OEM_ID, 6);
	t[15] = 2;
	put_le32(t + 20, RSDP_LEN);
	put_le64(t + 24, xsdt);
	t[8] = (uint8_t)-fw_sum8(t, 20);
	t[32] = (uint8_t)-fw_sum8(t, RSDP_LEN);
}

static void note(struct fw_image *img, const char *sig, uint64_t addr, size_t len)
{
	struct fw_table *t = &img->table[img->ntables++];

	snprintf(t->sig, sizeof(t->sig), "%s", sig);
	t->addr = addr;
	t->len = (uint32_t)len;
}

static size_t align(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

int fw_tables_build(const struct fw_machine *m, struct fw_image *img,
		    char *err, size_t errlen)
{
	const size_t acpi_end = FW_MP_ADDR - FW_AREA_START;
	uint8_t *area = img->area;
	size_t off = align(RSDP_LEN, 64), len;
	uint64_t facs, dsdt, madt, fadt, xsdt;

	if (m->ncpus < 1 || m->ncpus > FW_MAX_CPUS) {
		snprintf(err, errlen, "--cpus %d: the firmware tables describe 1 to %d vCPUs",
			 m->ncpus, FW_MAX_CPUS);
		return -1;
	}
	if (m->nmmio < 0 || m->nmmio > FW_MAX_MMIO) {
		snprintf(err, errlen, "firmware tables: %d virtio-mmio devices, at most %d",
			 m->nmmio, FW_MAX_MMIO);
		return -1;
	}
	memset(img, 0, sizeof(*img));
	facs = FW_AREA_START + off;
	off += build_facs(area + off);
	off = align(off, 16);
	dsdt = FW_AREA_START + off;
	if (!(len = acpi_build_dsdt(m, area + off, acpi_end - off)))
		goto full;
	off = align(off + len, 16);
	madt = FW_AREA_START + off;
	if (!(len = acpi_build_madt(m, area + off, acpi_end - off)))
		goto full;
	off = align(off + len, 16);
	if (acpi_end - off < FADT_LEN + 16 + ACPI_HDR + 16)
		goto full;
	fadt = FW_AREA_START + off;
	off = align(off + build_fadt(m, area + off, facs, dsdt), 16);
	xsdt = FW_AREA_START + off;
	const uint64_t entries[] = { fadt, madt };
	size_t xsdt_len = build_xsdt(area + off, entries, 2);
	build_rsdp(area, xsdt);

	note(img, "RSDP", FW_RSDP_ADDR, RSDP_LEN);
	note(img, "XSDT", xsdt, xsdt_len);
	note(img, "FACP", fadt, FADT_LEN);
	note(img, "FACS", facs, FACS_LEN);
	note(img, "DSDT", dsdt, get_le32(area + (dsdt - FW_AREA_START) + 4));
	note(img, "APIC", madt, get_le32(area + (madt - FW_AREA_START) + 4));

	off = FW_MP_ADDR - FW_AREA_START;
	if (!(len = mptable_build(m, FW_MP_ADDR, area + off, FW_AREA_SIZE - off)))
		goto full;
	note(img, "_MP_", FW_MP_ADDR, 16);
	note(img, "PCMP", FW_MP_ADDR + 16, len - 16);
	return 0;
full:
	snprintf(err, errlen, "firmware tables: %d vCPUs and %d virtio-mmio devices do not fit in 0x%llx-0x%llx",
		 m->ncpus, m->nmmio, FW_AREA_START, FW_AREA_END - 1);
	return -1;
}
