/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The ACPI fixed-hardware power-management registers the FADT points at
 * (ACPI 6.5 4.8.3): the PM1a event block (PM1_STS, PM1_EN) and the PM1a
 * control block (PM1_CNT), in I/O space at ACPI_PM_BASE:
 *
 *   +0  PM1_STS  16 bits, write 1 to clear (nothing here ever sets a bit)
 *   +2  PM1_EN   16 bits, read/write, no effect
 *   +4  PM1_CNT  16 bits: SCI_EN (bit 0) reads 1, the machine is always in
 *                ACPI mode (the FADT's SMI_CMD is 0); SLP_TYP bits 10-12;
 *                SLP_EN (bit 13, write-only) starts the sleep state in
 *                SLP_TYP (4.8.3.2.1)
 *
 * The only sleep state offered is S5 (the DSDT's \_S5 names
 * ACPI_PM_S5_SLP_TYP): writing SLP_EN with that SLP_TYP powers the machine off.
 * Any other SLP_TYP is a state the DSDT never offered and is ignored.
 *
 * Register acpi_pm_io on the port-I/O bus at ACPI_PM_BASE, length
 * ACPI_PM_NR_PORTS. Accesses of 1, 2 or 4 bytes at any offset work byte
 * by byte; bytes past the block read 0xff. Safe from any vCPU thread. */
#ifndef HVMON_DEV_ACPI_PM_H
#define HVMON_DEV_ACPI_PM_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/irq.h"

#define ACPI_PM_BASE      0x600
#define ACPI_PM1_EVT_PORT ACPI_PM_BASE
#define ACPI_PM1_CNT_PORT (ACPI_PM_BASE + 4)
#define ACPI_PM_NR_PORTS  6
/* The SCI's line: never raised (no fixed or general-purpose events), but
 * the FADT must name one (ISA IRQ 9, as on PCs). */
#define ACPI_SCI_GSI      9

#define ACPI_PM1_SCI_EN   0x0001
#define ACPI_PM1_SLP_TYP_SHIFT 10
#define ACPI_PM1_SLP_EN   0x2000
/* The SLP_TYP this device takes as power-off; the DSDT's \_S5 names it
 * (board/machine_firmware.c passes it to the table generator). */
#define ACPI_PM_S5_SLP_TYP 5

struct acpi_pm {
	struct sysevent_sink sink;
	atomic_ushort sts, en, cnt;
};

/* sink is copied; it receives SYSEVENT_POWEROFF. */
void acpi_pm_init(struct acpi_pm *pm, const struct sysevent_sink *sink);

/* bus_io_fn; opaque is the struct acpi_pm. May call the sink on the
 * caller's thread. */
void acpi_pm_io(void *opaque, uint64_t offset, void *data, unsigned len, bool is_write);

#endif
