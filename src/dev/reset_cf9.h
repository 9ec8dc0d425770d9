/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The reset control register at port 0xcf9 (Intel ICH9 datasheet, section
 * 13.7.5 RST_CNT). A write with RST_CPU (bit 2) set resets the machine;
 * Linux's reboot=p does "outb(cf9 | 2); outb(cf9 | 6)".
 *
 * Port 0xcf9 lies inside the PCI configuration ports 0xcf8-0xcff, so it is
 * not registered on the bus by itself: pci_host (dev/pci_host.h) owns the
 * whole range and forwards single-byte accesses at 0xcf9 here. */
#ifndef HVMON_DEV_RESET_CF9_H
#define HVMON_DEV_RESET_CF9_H

#include <stdatomic.h>
#include <stdint.h>

#include "vmm/irq.h"

struct reset_cf9 {
	struct sysevent_sink sink;
	atomic_uchar value;   /* bits 1-3 of the last write */
};

/* sink is copied; it receives SYSEVENT_RESET. */
void reset_cf9_init(struct reset_cf9 *r, const struct sysevent_sink *sink);
uint8_t reset_cf9_read(struct reset_cf9 *r);
/* May call the sink (on the caller's thread, before returning). */
void reset_cf9_write(struct reset_cf9 *r, uint8_t value);

#endif
