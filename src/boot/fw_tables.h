/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The firmware tables hvmon gives a guest: ACPI (RSDP, XSDT, FADT, FACS,
 * MADT, DSDT) and the Intel MP tables, built from a struct fw_machine into
 * an image of the BIOS area [FW_AREA_START, FW_AREA_END), which the e820
 * map reserves:
 *
 *   0xe0000  RSDP (ACPI 6.5 5.2.5: the legacy scan looks in 0xe0000-0xfffff
 *            on 16-byte boundaries), then FACS (64-byte aligned), DSDT,
 *            MADT, FADT, XSDT, each 16-byte aligned
 *   0xf0000  MP floating pointer (MP 1.4 4.1: searched in 0xf0000-0xfffff),
 *            then the MP configuration table
 *
 * The loaders also hand the RSDP's address over directly (PVH
 * start_info.rsdp_paddr, boot_params.acpi_rsdp_addr). */
#ifndef HVMON_BOOT_FW_TABLES_H
#define HVMON_BOOT_FW_TABLES_H

#include <stddef.h>
#include <stdint.h>

#include "boot/fw_machine.h"

#define FW_AREA_START 0xe0000ULL
#define FW_AREA_END   0x100000ULL
#define FW_AREA_SIZE  (FW_AREA_END - FW_AREA_START)
#define FW_RSDP_ADDR  0xe0000ULL
#define FW_MP_ADDR    0xf0000ULL
#define FW_MAX_TABLES 8   /* RSDP XSDT FACP FACS DSDT APIC _MP_ PCMP */

struct fw_table {
	char sig[5];             /* "DSDT", ...; the RSDP as "RSDP" */
	uint64_t addr;
	uint32_t len;
};

struct fw_image {
	uint8_t area[FW_AREA_SIZE];   /* guest-physical FW_AREA_START onward */
	int ntables;
	struct fw_table table[FW_MAX_TABLES];
};

/* Build every table. 0, or -1 with one line in err (too many vCPUs or
 * devices for the area). */
int fw_tables_build(const struct fw_machine *m, struct fw_image *img,
		    char *err, size_t errlen);

/* The ACPI 8-bit checksum: the sum of all bytes is 0 when it holds. */
uint8_t fw_sum8(const uint8_t *p, size_t n);

/* Each part, written to out (room for cap bytes): the length written, 0
 * when it does not fit. mptable_build needs the guest-physical address
 * out will have, for the floating pointer's link to the table after it. */
size_t acpi_build_dsdt(const struct fw_machine *m, uint8_t *out, size_t cap);
size_t acpi_build_madt(const struct fw_machine *m, uint8_t *out, size_t cap);
size_t mptable_build(const struct fw_machine *m, uint64_t addr, uint8_t *out, size_t cap);

/* Interrupt flags, the same encoding in the MADT (5.2.12.5, table 5.50)
 * and the MP table (MP 1.4 table 4-10): polarity in bits 0-1 (01 high,
 * 11 low), trigger mode in bits 2-3 (01 edge, 11 level). */
#define FW_INTI_HIGH_EDGE  0x0005
#define FW_INTI_HIGH_LEVEL 0x000d
#define FW_INTI_LOW_LEVEL  0x000f

/* The ISA lines (GSI < 16) that are not plain ISA (edge, active high):
 * flags[g] for each, 0 for the others; returns how many. The SCI and the
 * virtio-mmio lines are level, active high; the PCI INTx lines level,
 * active low. */
int fw_isa_line_flags(const struct fw_machine *m, uint16_t flags[16]);

/* Fill in a 36-byte ACPI table header (5.2.6) and set the checksum over
 * len bytes, once the whole table is in place. */
void acpi_header(uint8_t *t, const char sig[4], uint32_t len, uint8_t rev);

#endif
