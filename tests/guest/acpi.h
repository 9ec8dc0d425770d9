/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The test guest's ACPI reader (README.md, "ACPI"): the RSDP from the
 * loader or the BIOS-area scan, the XSDT, the MADT's processors, the
 * DSDT's virtio-mmio devices (LNRO0005 with Memory32Fixed and Interrupt in
 * _CRS) and the S5 power-off through the FADT's PM1a control block.
 * acpi.c only reads memory through acpi_phys, so the host's unit tests run
 * it over tables hvmon builds (tests/unit/test_guest_acpi.c). */
#ifndef HVMON_TESTGUEST_ACPI_H
#define HVMON_TESTGUEST_ACPI_H

#include <stdbool.h>
#include <stdint.h>

/* len bytes of physical memory at pa, or NULL when they cannot be read
 * (the guest: outside the identity map). */
const uint8_t *acpi_phys(uint64_t pa, uint64_t len);

/* Find the RSDP: at hint (start_info.rsdp_paddr or
 * boot_params.acpi_rsdp_addr) when that holds a valid one, else by the
 * scan of 0xe0000-0xfffff (ACPI 6.5 5.2.5.1). Returns its address, 0 when
 * there is none; the other functions use what it found. */
uint64_t acpi_init(uint64_t hint);

/* The APIC IDs of the MADT's enabled processors (Local APIC and Local
 * x2APIC entries), up to max of them; returns the count (0 without a
 * MADT). */
int acpi_cpu_apic_ids(uint32_t *ids, int max);

struct acpi_mmio_dev {
	uint64_t base;
	uint32_t size;
	uint32_t irq;
};

/* The DSDT's LNRO0005 devices whose _CRS holds a Memory32Fixed window and
 * an interrupt, up to max; returns the count. */
int acpi_mmio_devices(struct acpi_mmio_dev *out, int max);

/* The S5 write: the PM1a_CNT port and \_S5's SLP_TYPa. false when the
 * FADT or \_S5 is missing. */
bool acpi_s5(uint16_t *pm1a_cnt, uint16_t *slp_typ);

/* The FADT's SMI_CMD port and ACPI_ENABLE value, for a machine that starts
 * in legacy mode (SCI_EN clear); false when there is none (SMI_CMD 0: the
 * machine is always in ACPI mode, as hvmon's is). */
bool acpi_enable_cmd(uint16_t *smi_cmd, uint8_t *value);

#endif
