/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The machine's virtio-pci devices: the PCI memory window (registered once
 * on the VM's MMIO bus), the KVM ioeventfd/irqfd helper, device numbers on
 * bus 0 and INTx lines, and each device with its transport. The machine
 * creates it only when a virtio-pci device is asked for. */
#ifndef HVMON_DEV_VIRTIO_VIRTIO_PCI_BOARD_H
#define HVMON_DEV_VIRTIO_VIRTIO_PCI_BOARD_H

#include <stdbool.h>
#include <stddef.h>
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

/* One line per device: "hvmon: virtio-rng on PCI 00:01.0". */
void virtio_pci_board_print(const struct virtio_pci_board *b, FILE *f);

#endif
