/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A minimal 8042 keyboard controller with nothing plugged into it. It
 * exists so the guest can reset the machine (command 0xfe, or an output
 * port write with bit 0 clear, as Linux's reboot=k does) and so Linux's
 * i8042 probe gets prompt answers instead of timing out on an empty bus.
 *
 * Register two ports on the port-I/O bus, each length 1: i8042_data_io at
 * 0x60 and i8042_command_io at 0x64 (0x61-0x63 belong to other devices).
 * No IRQ 1/12 is raised: controller commands are polled, and with no
 * keyboard or mouse attached there is no device data to signal. */
#ifndef HVMON_DEV_I8042_H
#define HVMON_DEV_I8042_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/irq.h"

struct i8042;

/* reset is copied; it receives SYSEVENT_RESET. NULL on allocation
 * failure. */
struct i8042 *i8042_new(const struct sysevent_sink *reset);
void i8042_free(struct i8042 *k);

/* bus_io_fn for port 0x60 (data); opaque is the struct i8042. */
void i8042_data_io(void *opaque, uint64_t offset, void *data, unsigned len,
		   bool is_write);
/* bus_io_fn for port 0x64 (status on read, command on write). */
void i8042_command_io(void *opaque, uint64_t offset, void *data, unsigned len,
		      bool is_write);

#endif
