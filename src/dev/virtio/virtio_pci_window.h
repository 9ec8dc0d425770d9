/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The PCI memory window: the part of the MMIO hole below 4 GiB that the
 * host bridge forwards to PCI memory BARs, and the bookkeeping that lets a
 * guest move a BAR after vCPUs run.
 *
 * The MMIO bus table is fixed once vCPUs start (vmm/bus.h), so the window
 * is registered on vm->mmio once, as one range, with pci_window_io; each
 * access is looked up among the BARs currently decoded (PCI Local Bus 3.0,
 * 6.2.5.1: a BAR decodes when its address is programmed and the function's
 * Memory Space bit is set). Nothing decoding: reads all-ones, writes
 * dropped, as a master abort (3.7.3.3 in PCI 3.0).
 *
 * The window also hands out hvmon's initial placement: device numbers on
 * bus 0 (slot 1 upward; 0 is the host bridge) and naturally aligned BAR
 * addresses (6.2.5.1: a BAR's size is a power of 2 and its address a
 * multiple of it). */
#ifndef HVMON_DEV_VIRTIO_VIRTIO_PCI_WINDOW_H
#define HVMON_DEV_VIRTIO_VIRTIO_PCI_WINDOW_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/bus.h"
#include "vmm/guest_mem.h"

/* 256 MiB from the start of the hole; virtio-mmio and the APICs live above. */
#define PCI_WINDOW_BASE GMEM_MMIO_HOLE_START
#define PCI_WINDOW_SIZE 0x10000000ULL
#define PCI_WINDOW_MAX_BARS 32
#define PCI_WINDOW_FIRST_SLOT 1
#define PCI_WINDOW_NR_SLOTS 32

struct pci_window;

struct pci_window *pci_window_new(uint64_t base, uint64_t size);
void pci_window_free(struct pci_window *w);
uint64_t pci_window_base(const struct pci_window *w);
uint64_t pci_window_size(const struct pci_window *w);

/* Next free device number on bus 0, or -1. */
int pci_window_alloc_slot(struct pci_window *w);
/* A naturally aligned range of size bytes (a power of 2 >= 16) inside the
 * window; 0 when exhausted. */
uint64_t pci_window_alloc(struct pci_window *w, uint64_t size);

/* A BAR that will decode through the window; fn gets offsets relative to
 * the BAR's current base. Handle >= 0, or -1 when the table is full or
 * size is not a power of 2. Starts not decoding. */
int pci_window_add_bar(struct pci_window *w, uint64_t size, bus_io_fn fn,
		       void *opaque);
/* The BAR now decodes at base (decode true) or not at all. A base outside
 * the window, or not aligned, never decodes: false is returned then, true
 * when the BAR decodes. */
bool pci_window_map_bar(struct pci_window *w, int handle, uint64_t base,
			bool decode);

/* bus_io_fn for the whole window; opaque is the struct pci_window. */
void pci_window_io(void *opaque, uint64_t offset, void *data, unsigned len,
		   bool is_write);

#endif
