/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The port-I/O and MMIO buses. Devices register address ranges before any
 * vCPU runs; after that the table is read-only, so dispatch takes no lock.
 * Each device serialises its own state. */
#ifndef HVMON_BUS_H
#define HVMON_BUS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* offset is relative to the registered base. data holds len bytes
 * (1, 2, 4 or 8), little-endian: filled by the device on a read, supplied
 * by the guest on a write. */
typedef void (*bus_io_fn)(void *opaque, uint64_t offset, void *data,
			  unsigned len, bool is_write);

struct bus_range {
	uint64_t base;
	uint64_t len;
	bus_io_fn fn;
	void *opaque;
	const char *name;
	atomic_ulong accesses;
};

#define BUS_MAX_RANGES 64

struct bus {
	const char *name;              /* "pio" or "mmio" */
	int nranges;
	struct bus_range range[BUS_MAX_RANGES]; /* sorted by base */
	atomic_ulong unclaimed;        /* accesses nobody claimed */
	atomic_ullong last_unclaimed;  /* address of the latest one */
};

void bus_init(struct bus *b, const char *name);

/* 0 on success; -1 when the range overlaps another or the table is full. */
int bus_register(struct bus *b, uint64_t base, uint64_t len, bus_io_fn fn,
		 void *opaque, const char *name);

/* Dispatch one access. Unclaimed reads return all-ones (as an ISA bus with
 * nothing driving it would) and are counted; unclaimed writes are dropped
 * and counted. Returns true when a device claimed it. */
bool bus_dispatch(struct bus *b, uint64_t addr, void *data, unsigned len,
		  bool is_write);

const struct bus_range *bus_find(const struct bus *b, uint64_t addr);

#endif
