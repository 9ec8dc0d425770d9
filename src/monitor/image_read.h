/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading the kernel by its symbols before it maps itself: at the PVH
 * entry paging is off, and a virtual address such as start_kernel's
 * translates to nothing, but the loader knows where it put that byte (the
 * ELF's segments). `break` plants there already; x and disas read there. */
#ifndef HVMON_IMAGE_READ_H
#define HVMON_IMAGE_READ_H

#include <stddef.h>
#include <stdint.h>

#include "monitor/monitor.h"

/* Copy len bytes from guest-virtual addr through v's page tables; where
 * that stops (not mapped, or with paging off beyond RAM), go on from the kernel image's physical
 * placement of those addresses. Returns the bytes copied; *alias is set to
 * the physical address the image gave for the first such byte (0 when the
 * page tables gave everything). */
size_t image_read_virt(struct monitor *mon, struct vcpu *v, uint64_t addr, void *buf, size_t len,
		       uint64_t *alias);

#endif
