/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The fixed tables both loaders write into low guest RAM at the places
 * boot_layout.h names: the GDT, the identity page tables, the command
 * line. */
#ifndef HVMON_BOOT_TABLES_H
#define HVMON_BOOT_TABLES_H

#include <stddef.h>

#include "boot/boot.h"

/* Write the GDT and record its base and limit in entry. Returns 0, or -1
 * with an error line. */
int boot_write_gdt(const struct guest_mem *mem, struct boot_entry *entry,
		   char *err, size_t errlen);

/* Write page tables identity-mapping the first 4 GiB with 2 MiB pages and
 * record the PML4 address in entry->cr3. Returns 0, or -1. */
int boot_write_identity_map(const struct guest_mem *mem, struct boot_entry *entry,
			    char *err, size_t errlen);

/* Write cmdline with its NUL at BOOT_CMDLINE_ADDR, refusing one longer
 * than max_len characters (the NUL not counted). Returns 0, or -1. */
int boot_write_cmdline(const struct guest_mem *mem, const char *cmdline,
		       size_t max_len, char *err, size_t errlen);

#endif
