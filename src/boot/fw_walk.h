/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Finding the firmware tables the way a guest does, through a reader of
 * guest-physical memory: the RSDP by the legacy scan of the BIOS area
 * (ACPI 6.5 5.2.5.1), the XSDT's entries, the FADT's DSDT and FACS, and the
 * MP floating pointer and configuration table (MP 1.4 4.1). Everything
 * read is the guest's and may be garbage: lengths and entry counts are
 * bounded, a table that cannot be read is reported, never followed. */
#ifndef HVMON_BOOT_FW_WALK_H
#define HVMON_BOOT_FW_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Copy len bytes at gpa into buf: 0, or -1 if that is not RAM. */
typedef int (*fw_read_fn)(void *ctx, uint64_t gpa, void *buf, size_t len);

#define FW_WALK_MAX 24
#define FW_TABLE_MAX_LEN (1u << 20)   /* larger lengths are not believed */

struct fw_found {
	char sig[5];          /* "RSDP", "XSDT", "FACP", ..., "_MP_", "PCMP" */
	uint64_t addr;
	uint32_t len;
	bool acpi;            /* an ACPI table (acpi dump writes these) */
	bool readable;        /* len bytes at addr are RAM and len is sane */
	bool sum_ok;          /* its checksum holds (FACS has none: true) */
};

/* Up to max tables, in the order found; returns the count (0: no RSDP and
 * no MP floating pointer). */
int fw_walk(fw_read_fn rd, void *ctx, struct fw_found *out, int max);

#endif
