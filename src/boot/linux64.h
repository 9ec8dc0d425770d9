/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Loading a bzImage through the 64-bit boot protocol (Linux
 * Documentation/arch/x86/boot.rst, "64-bit Boot Protocol"). */
#ifndef HVMON_LINUX64_H
#define HVMON_LINUX64_H

#include <stddef.h>
#include <stdint.h>

#include "boot/boot.h"
#include "boot/bzimage.h"

/* Load the protected-mode kernel of img (parsed into bz), the initrd and
 * the command line; write the zero page, the GDT and the identity page
 * tables; fill entry and the load fields of info. Returns 0, or -1 with
 * an error line. */
int linux64_load(const struct guest_mem *mem, const uint8_t *img,
		 const struct bzimage *bz, const struct boot_config *cfg,
		 struct boot_entry *entry, struct boot_info *info,
		 char *err, size_t errlen);

#endif
