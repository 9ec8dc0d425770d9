// SPDX-License-Identifier: GPL-3.0-or-later
/* The machine's virtio-pci devices (virtio_pci_board.h). */
#include "dev/virtio/virtio_pci_board.h"

#include <stdlib.h>

#include "dev/pci_host.h"
#include "dev/virtio/virtio_pci.h"
#include "dev/virtio/virtio_pci_window.h"
#include "dev/virtio/virtio_rng.h"
#include "vmm/kvm_events.h"
#include "vmm/vm.h"

#define BOARD_MAX_DEVICES 16
/* INTx: pin A of slot s reaches GSI 10 or 11 (level, through the in-kernel
 * IOAPIC), alternating by slot as a PIIX-style PIRQ swizzle would. */
#define INTX_GSI(slot) (10u + (((unsigned)(slot) - 1u) & 1u))

struct board_dev {
	const char *name;
	unsigned slot;
	struct virtio_rng *rng;      /* the backend (one kind so far) */
	struct virtio_pci *pci;
};

struct virtio_pci_board {
	struct vm *vm;
	struct pci_host *host;
	struct iothread *io;
	struct pci_window *win;
	struct kvm_events *kev;
	int ndevs;
	struct board_dev dev[BOARD_MAX_DEVICES];
};

static void board_signal_msi(void *opaque, uint64_t addr, uint32_t data)
{
	kvm_events_signal_msi(opaque, addr, data);
}

struct virtio_pci_board *virtio_pci_board_new(struct vm *vm,
					      struct pci_host *host,
					      struct iothread *io,
					      char *err, size_t errlen)
{
	struct virtio_pci_board *b = calloc(1, sizeof(*b));

	if (!b) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	b->vm = vm;
	b->host = host;
	b->io = io;
	b->win = pci_window_new(PCI_WINDOW_BASE, PCI_WINDOW_SIZE);
	b->kev = kvm_events_new(vm->kvm_fd, vm->vm_fd);
	if (!b->win || !b->kev) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (bus_register(&vm->mmio, PCI_WINDOW_BASE, PCI_WINDOW_SIZE,
			 pci_window_io, b->win, "pci-window") < 0) {
		snprintf(err, errlen, "the PCI memory window overlaps another device");
		goto fail;
	}
	return b;
fail:
	virtio_pci_board_free(b);
	return NULL;
}

void virtio_pci_board_free(struct virtio_pci_board *b)
{
	if (!b)
		return;
	for (int i = 0; i < b->ndevs; i++) {
		virtio_pci_free(b->dev[i].pci);
		virtio_rng_free(b->dev[i].rng);
	}
	kvm_events_free(b->kev);
	pci_window_free(b->win);
	free(b);
}

int virtio_pci_board_add_rng(struct virtio_pci_board *b, char *err,
			     size_t errlen)
{
	struct board_dev *d = &b->dev[b->ndevs];
	int slot;

	if (b->ndevs >= BOARD_MAX_DEVICES ||
	    (slot = pci_window_alloc_slot(b->win)) < 0) {
		snprintf(err, errlen, "no free PCI slot for another virtio device");
		return -1;
	}
	struct virtio_pci_config cfg = {
		.win = b->win,
		.devfn = PCI_DEVFN(slot, 0),
		.intx = vm_irq_line(b->vm, INTX_GSI(slot)),
		.kev = b->kev,
		.io = b->io,
		.msi_send = board_signal_msi,
		.msi_opaque = b->kev,
	};
	*d = (struct board_dev){ .name = "virtio-rng", .slot = (unsigned)slot };
	d->rng = virtio_rng_new(&b->vm->mem);
	if (!d->rng) {
		snprintf(err, errlen, "out of memory creating virtio-rng");
		return -1;
	}
	d->pci = virtio_pci_new(virtio_rng_dev(d->rng), &cfg, err, errlen);
	if (!d->pci || pci_host_register(b->host, cfg.devfn,
					 &virtio_pci_function_ops, d->pci) < 0) {
		if (d->pci)
			snprintf(err, errlen, "PCI slot %d is taken", slot);
		virtio_pci_free(d->pci);
		virtio_rng_free(d->rng);
		return -1;
	}
	b->ndevs++;
	return 0;
}

void virtio_pci_board_print(const struct virtio_pci_board *b, FILE *f)
{
	for (int i = 0; b && i < b->ndevs; i++)
		fprintf(f, "hvmon: %s on PCI 00:%02x.0\n", b->dev[i].name,
			b->dev[i].slot);
}
