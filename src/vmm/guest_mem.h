/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Guest physical memory: RAM regions mapped into the VM, and the only way
 * host code turns a guest-physical address into a host pointer. Every access
 * is bounds-checked: a guest-supplied address never reaches host memory
 * outside guest RAM. */
#ifndef HVMON_GUEST_MEM_H
#define HVMON_GUEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GMEM_MAX_REGIONS 2

/* Below 4 GiB, RAM stops at the start of the MMIO hole (LAPIC, IOAPIC,
 * PCI BARs, the KVM TSS); RAM beyond that continues at 4 GiB. */
#define GMEM_MMIO_HOLE_START 0xC0000000ULL
#define GMEM_4G              0x100000000ULL

struct gmem_region {
	uint64_t gpa;
	uint64_t size;
	uint8_t *hva;
};

/* Writes devices make into guest RAM (DMA) are checked against the
 * watchpoints (vmm/watchpoint.c sets this up). Devices call
 * gmem_dma_watched first: one relaxed load while nothing is watched. */
struct gmem_dma_watch {
	int active;                 /* watches that device writes can hit */
	/* Did a device write of [gpa, gpa + len) touch a watched range? */
	bool (*touches)(void *opaque, uint64_t gpa, uint64_t len);
	/* It did: report it (who says which device, queue and request) and
	 * stop the machine. */
	void (*hit)(void *opaque, uint64_t gpa, uint64_t len, const char *who);
	void *opaque;
};

struct guest_mem {
	uint64_t ram_size;          /* total RAM bytes, all regions */
	int nregions;
	struct gmem_region region[GMEM_MAX_REGIONS];
	void *mapping;              /* one anonymous mapping backs every region */
	size_t mapping_size;
	struct gmem_dma_watch dma_watch;
};

/* Allocate host memory for ram_size bytes laid out around the MMIO hole.
 * Returns 0, or -errno. */
int gmem_init(struct guest_mem *m, uint64_t ram_size);
void gmem_free(struct guest_mem *m);

/* Host pointer for [gpa, gpa+len) when the whole range lies in one RAM
 * region, else NULL. len 0 is treated as 1. */
void *gmem_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len);

/* Copy in or out; fail (-1) unless the whole range is RAM. Ranges may span
 * regions only where regions are contiguous. */
int gmem_read(const struct guest_mem *m, uint64_t gpa, void *buf, uint64_t len);
int gmem_write(const struct guest_mem *m, uint64_t gpa, const void *buf, uint64_t len);

/* Is any watch armed that device writes must be checked against? */
static inline bool gmem_dma_watched(const struct guest_mem *m)
{
	return __atomic_load_n(&m->dma_watch.active, __ATOMIC_ACQUIRE) > 0;
}

/* Highest guest-physical address below 4 GiB that is RAM, plus one. */
uint64_t gmem_low_end(const struct guest_mem *m);

#endif
