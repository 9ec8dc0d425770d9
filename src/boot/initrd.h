/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Placing the initrd in guest RAM: page-aligned, as high as the kernel's
 * limit allows (so it stays clear of the kernel's own working memory,
 * which grows upwards from the load address). */
#ifndef HVMON_INITRD_H
#define HVMON_INITRD_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/guest_mem.h"

/* Read the file at path into guest RAM inside [floor, ceiling), as high as
 * possible on a 4 KiB boundary. Returns 0 with *addr and *size set, or -1
 * with an error line. */
int initrd_load(const struct guest_mem *mem, const char *path,
		uint64_t floor, uint64_t ceiling,
		uint64_t *addr, uint64_t *size, char *err, size_t errlen);

#endif
