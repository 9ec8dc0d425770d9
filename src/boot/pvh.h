/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Loading an ELF kernel through the PVH boot ABI (Xen
 * docs/misc/pvh.pandoc; hvm_start_info from
 * xen/include/public/arch-x86/hvm/start_info.h). */
#ifndef HVMON_PVH_H
#define HVMON_PVH_H

#include <stddef.h>
#include <stdint.h>

#include "boot/boot.h"
#include "boot/elf_kernel.h"

/* Linux copies the PVH command line into a COMMAND_LINE_SIZE (2048) buffer
 * and silently truncates a longer one; refuse it instead. */
#define PVH_CMDLINE_MAX 2047

/* Load the segments of elf (parsed into k, which must have a PVH entry),
 * the initrd as module 0 and the command line; write hvm_start_info, the
 * memory map and the GDT; fill entry and the load fields of info. Returns
 * 0, or -1 with an error line. */
int pvh_load(const struct guest_mem *mem, const uint8_t *elf,
	     const struct elf_kernel *k, const struct boot_config *cfg,
	     struct boot_entry *entry, struct boot_info *info,
	     char *err, size_t errlen);

#endif
