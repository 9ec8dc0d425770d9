/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The machine's virtio-pci devices: the PCI memory window (registered once
 * on the VM's MMIO bus), the KVM ioeventfd/irqfd helper, device numbers on
 * bus 0 and INTx lines, and each device with its transport. The machine
 * creates it only when a virtio-pci device is asked for. */
#ifndef HVMON_DEV_VIRTIO_VIRTIO_PCI_BOARD_H
#define HVMON_DEV_VIRTIO_VIRTIO_PCI_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct vm;
struct pci_host;
struct iothread;
struct virtio_pci_board;

/* Before any vCPU runs. NULL with a reason in err. */
struct virtio_pci_board *virtio_pci_board_new(struct vm *vm,
					      struct pci_host *host,
					      struct iothread *io,
					      char *err, size_t errlen);
/* After the vCPUs and the I/O thread have stopped, before the VM's fds
 * close. */
void virtio_pci_board_free(struct virtio_pci_board *b);

/* A virtio-rng (5.4) in the next free slot. 0, or -1 with err. */
int virtio_pci_board_add_rng(struct virtio_pci_board *b, char *err,
			     size_t errlen);

/* A virtio-blk (5.2) over the raw file path, in the next free slot. 0, or
 * -1 with one line in err (the file cannot be opened, is locked, ...). */
int virtio_pci_board_add_blk(struct virtio_pci_board *b, const char *path, bool readonly,
			     const char *id, char *err, size_t errlen);

/* ---- Inspector accessors (issue 4) ---- */
struct virtio_pci;
struct virtio_dev;

/* One device as the monitor names it: kind + index among devices of that
 * kind, in slot order ("blk0", "blk1", "rng0"; "net0", "console0"). */
struct virtio_pci_board_dev {
	char name[16];
	const char *label;           /* "virtio-blk (disk.img, ro)" */
	unsigned slot;               /* bus 0, function 0 */
	struct virtio_pci *pci;
	struct virtio_dev *dev;
};

/* Devices on the board (0 when b is NULL). */
int virtio_pci_board_count(const struct virtio_pci_board *b);
/* Device i (0 .. count-1): 0, or -1 when out of range. */
int virtio_pci_board_get(const struct virtio_pci_board *b, int i,
			 struct virtio_pci_board_dev *out);
/* The short name for a virtio device ID (5): "blk", "rng", ...; "devN"
 * for types hvmon does not name. Returns buf. */
const char *virtio_kind_name(uint32_t device_id, char *buf, size_t len);
/* ---- end of inspector accessors ---- */

/* One line per device: "hvmon: virtio-rng on PCI 00:01.0". */
void virtio_pci_board_print(const struct virtio_pci_board *b, FILE *f);

#endif
