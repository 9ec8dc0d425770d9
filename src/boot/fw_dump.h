/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Writing the ACPI tables fw_walk found into a directory, one file per
 * table named after its signature in lower case (dsdt.dat, facp.dat,
 * apic.dat, ...), the names acpidump -b uses and iasl -d / acpiexec read;
 * a signature character other than a letter, digit or '_' becomes '_' (the
 * signature is the guest's: "../x" must not leave the directory).
 * A second table with the same signature gets a number (ssdt1.dat). */
#ifndef HVMON_BOOT_FW_DUMP_H
#define HVMON_BOOT_FW_DUMP_H

#include <stddef.h>

#include "boot/fw_walk.h"

/* The count of files written, or -1 with one line in err (the directory
 * cannot be created or written, a table cannot be read). MP tables, the
 * RSDP (no table header: iasl -d does not take it) and unreadable entries
 * are skipped. */
int fw_dump(fw_read_fn rd, void *ctx, const struct fw_found *t, int n, const char *dir,
	    char *err, size_t errlen);

#endif
