/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The PC's CMOS RAM and real-time clock (an MC146818). Register it on the
 * port-I/O bus at 0x70, length 2: offset 0 is the index port (bit 7 is the
 * NMI mask, ignored: hvmon has no NMI source), offset 1 the data port.
 *
 * The clock reads the host's UTC time. No RTC interrupt (IRQ 8: periodic,
 * alarm or update-ended) is generated yet. */
#ifndef HVMON_DEV_CMOS_H
#define HVMON_DEV_CMOS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define CMOS_NR_PORTS 2

struct cmos;

/* low_ram_end: end of the RAM that starts at address 0 (below the 32-bit
 * PCI hole); high_ram_size: RAM mapped from 4 GiB up. The BIOS memory-size
 * bytes are filled from them. NULL on allocation failure. */
struct cmos *cmos_new(uint64_t low_ram_end, uint64_t high_ram_size);
void cmos_free(struct cmos *c);
/* The clock the RTC follows: UTC now. NULL restores the default, the
 * host's CLOCK_REALTIME; a test gives its own to reach the 244 us UIP
 * window or a date boundary exactly. */
void cmos_set_clock(struct cmos *c, void (*now)(struct timespec *));

/* bus_io_fn for ports 0x70-0x71; opaque is the struct cmos. */
void cmos_io(void *opaque, uint64_t offset, void *data, unsigned len,
	     bool is_write);

#endif
