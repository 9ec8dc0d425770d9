/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Port 0x80, the POST diagnostic port: firmware and test guests write
 * progress codes there, and Linux writes it as an I/O delay. hvmon keeps
 * the last code and a count for the monitor. Register post_io on the
 * port-I/O bus at 0x80, length 1. */
#ifndef HVMON_DEV_POST_H
#define HVMON_DEV_POST_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct post_port {
	atomic_ulong writes;
	atomic_uchar last;
};

void post_init(struct post_port *p);

/* bus_io_fn; opaque is the struct post_port. A write stores its low byte
 * (the byte at 0x80) and counts once; a read returns the last code, as the
 * PC's port 0x80 latch does. */
void post_io(void *opaque, uint64_t offset, void *data, unsigned len,
	     bool is_write);

uint8_t post_last(struct post_port *p);
unsigned long post_writes(struct post_port *p);

#endif
