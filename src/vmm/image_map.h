/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where the kernel image's segments sit: the kernel's virtual addresses
 * for each (ELF p_vaddr) and the guest-physical place the loader put it
 * (p_paddr). The loaders fill it (boot/); the debugger uses it to reach
 * kernel text and data before the kernel has turned paging on. */
#ifndef HVMON_VMM_IMAGE_MAP_H
#define HVMON_VMM_IMAGE_MAP_H

#include <stdint.h>

struct image_map {
	uint64_t vaddr, paddr, size;
};

#endif
