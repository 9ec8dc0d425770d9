/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The firmware tables of the machine a configuration describes: the
 * description (boot/fw_machine.h) taken from the same board rules the
 * devices are placed by, and the tables written into guest RAM. Needs no
 * KVM: tests/tools/acpi_tables uses the same description. */
#ifndef HVMON_VMM_MACHINE_FIRMWARE_H
#define HVMON_VMM_MACHINE_FIRMWARE_H

#include <stdbool.h>
#include <stddef.h>

#include "boot/fw_machine.h"
#include "vmm/guest_mem.h"

struct machine_config;

/* COM1 as machine.c wires it. */
#define MACHINE_COM1_PORT 0x3f8
#define MACHINE_COM1_IRQ  4

/* Whether cmdline has the word acpi=off (the kernel reads no ACPI). */
bool machine_fw_acpi_off(const char *cmdline);

void machine_fw_describe(const struct machine_config *cfg, struct fw_machine *out);

/* Build the tables for cfg and write them into mem's firmware area, the
 * RSDP at FW_RSDP_ADDR. 0, or -1 with one line in err. */
int machine_fw_install(const struct machine_config *cfg, const struct guest_mem *mem,
		       char *err, size_t errlen);

#endif
