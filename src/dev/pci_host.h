/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PCI host bridge: configuration mechanism #1 (PCI Local Bus spec 3.0,
 * section 3.2.2.3.2) for bus 0, with an i440FX-style host bridge at 00:00.0.
 *
 * Register pci_host_io on the port-I/O bus once, at 0xcf8, length 8. It
 * decodes the whole range:
 *   0xcf8, 32-bit access only   CONFIG_ADDRESS
 *   0xcfc-0xcff, 1/2/4 bytes    CONFIG_DATA, byte lanes 0-3
 *   0xcf9, 8-bit access only    reset control (dev/reset_cf9.h)
 * Any other access in the range reaches nothing: reads return all-ones,
 * writes are dropped (the spec's "normal I/O transaction" to CONFIG_ADDRESS
 * with nobody else decoding it).
 *
 * Functions plug in with pci_host_register before any vCPU runs. Their
 * callbacks run on vCPU threads with the host's lock held, one at a time,
 * and must not call back into the pci_host. */
#ifndef HVMON_DEV_PCI_HOST_H
#define HVMON_DEV_PCI_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/irq.h"

#define PCI_HOST_NR_PORTS 8
#define PCI_DEVFN(dev, fn) ((((dev) & 0x1f) << 3) | ((fn) & 0x07))
#define PCI_CONFIG_SPACE_SIZE 256

/* One function's configuration space. offset < 256, len is 1, 2 or 4 and
 * the access never crosses a dword (offset % 4 + len <= 4). Reads return
 * the value in the low len * 8 bits; writes to read-only fields must be
 * ignored by the function. */
struct pci_function_ops {
	uint32_t (*config_read)(void *opaque, unsigned offset, unsigned len);
	void (*config_write)(void *opaque, unsigned offset, unsigned len,
			     uint32_t value);
};

struct pci_host;

/* reset receives SYSEVENT_RESET from port 0xcf9 (copied). NULL on
 * allocation failure. */
struct pci_host *pci_host_new(const struct sysevent_sink *reset);
void pci_host_free(struct pci_host *h);

/* Put a function at bus 0, devfn (PCI_DEVFN(dev, fn)). ops is not copied and
 * must outlive the host. 0, or -1 when devfn is out of range or taken
 * (00:00.0 is the host bridge). A multi-function device sets bit 7 of the
 * header type in its function 0. */
int pci_host_register(struct pci_host *h, unsigned devfn,
		      const struct pci_function_ops *ops, void *opaque);

/* bus_io_fn for ports 0xcf8-0xcff; opaque is the struct pci_host. */
void pci_host_io(void *opaque, uint64_t offset, void *data, unsigned len,
		 bool is_write);

#endif
