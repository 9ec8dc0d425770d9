// SPDX-License-Identifier: GPL-3.0-or-later
/* The machine's virtio-pci devices (virtio_pci_board.h). */
#include "dev/virtio/virtio_pci_board.h"

#include <stdlib.h>
#include <stdio.h>

#include "dev/pci_host.h"
#include "dev/virtio/virtio_pci.h"
#include "dev/virtio/virtio_pci_window.h"
#include "dev/virtio/virtio_blk.h"
#include "dev/virtio/virtio_rng.h"
#include "vmm/kvm_events.h"
#include "vmm/vm.h"

#define BOARD_MAX_DEVICES 16
/* INTx: pin A of slot s reaches GSI 10 or 11 (level, through the in-kernel
 * IOAPIC), alternating by slot as a PIIX-style PIRQ swizzle would. */
#define INTX_GSI(slot) (10u + (((unsigned)(slot) - 1u) & 1u))

struct board_dev {
	char label[64];              /* "virtio-rng", "virtio-blk (disk.img, ro)" */
	unsigned slot;
	void *backend;               /* the device model behind the transport */
	void (*free_backend)(void *backend);
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
		b->dev[i].free_backend(b->dev[i].backend);
	}
	kvm_events_free(b->kev);
	pci_window_free(b->win);
	free(b);
}

/* Put a core device behind a virtio-pci function in the next free slot.
 * The board owns backend from here on, and frees it on failure too. */
static int board_attach(struct virtio_pci_board *b, const char *label, struct virtio_dev *vdev,
			void *backend, void (*free_backend)(void *), char *err, size_t errlen)
{
	struct board_dev *d = &b->dev[b->ndevs];
	int slot;

	if (b->ndevs >= BOARD_MAX_DEVICES ||
	    (slot = pci_window_alloc_slot(b->win)) < 0) {
		snprintf(err, errlen, "no free PCI slot for another virtio device");
		free_backend(backend);
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
	*d = (struct board_dev){ .slot = (unsigned)slot, .backend = backend,
				 .free_backend = free_backend };
	snprintf(d->label, sizeof(d->label), "%s", label);
	d->pci = virtio_pci_new(vdev, &cfg, err, errlen);
	if (!d->pci || pci_host_register(b->host, cfg.devfn,
					 &virtio_pci_function_ops, d->pci) < 0) {
		if (d->pci)
			snprintf(err, errlen, "PCI slot %d is taken", slot);
		virtio_pci_free(d->pci);
		free_backend(backend);
		return -1;
	}
	b->ndevs++;
	return 0;
}

static void free_rng(void *p)
{
	virtio_rng_free(p);
}

static void free_blk(void *p)
{
	virtio_blk_free(p);
}

int virtio_pci_board_add_rng(struct virtio_pci_board *b, char *err,
			     size_t errlen)
{
	struct virtio_rng *rng = virtio_rng_new(&b->vm->mem);
	if (!rng) {
		snprintf(err, errlen, "out of memory creating virtio-rng");
		return -1;
	}
	return board_attach(b, "virtio-rng", virtio_rng_dev(rng), rng, free_rng, err, errlen);
}

int virtio_pci_board_add_blk(struct virtio_pci_board *b, const char *path, bool readonly,
			     const char *id, char *err, size_t errlen)
{
	struct virtio_blk *blk = virtio_blk_new(path, readonly, id, err, errlen);
	if (!blk)
		return -1;
	struct virtio_dev *vdev = virtio_blk_realize(blk, &b->vm->mem);
	if (!vdev || virtio_blk_set_iothread(blk, b->io) < 0) {
		snprintf(err, errlen, "cannot set up virtio-blk for %s", path);
		virtio_blk_free(blk);
		return -1;
	}
	char label[64];
	snprintf(label, sizeof(label), "virtio-blk (%.40s%s)", path, readonly ? ", ro" : "");
	return board_attach(b, label, vdev, blk, free_blk, err, errlen);
}

void virtio_pci_board_print(const struct virtio_pci_board *b, FILE *f)
{
	for (int i = 0; b && i < b->ndevs; i++)
		fprintf(f, "hvmon: %s on PCI 00:%02x.0\n", b->dev[i].label,
			b->dev[i].slot);
}

/* ---- Inspector accessors (issue 4) ---- */
const char *virtio_kind_name(uint32_t device_id, char *buf, size_t len)
{
	/* Device IDs: virtio 1.2 section 5. */
	switch (device_id) {
	case 1: snprintf(buf, len, "net"); break;
	case 2: snprintf(buf, len, "blk"); break;
	case 3: snprintf(buf, len, "console"); break;
	case 4: snprintf(buf, len, "rng"); break;
	default: snprintf(buf, len, "dev%u", (unsigned)device_id); break;
	}
	return buf;
}

int virtio_pci_board_count(const struct virtio_pci_board *b)
{
	return b ? b->ndevs : 0;
}

int virtio_pci_board_get(const struct virtio_pci_board *b, int i,
			 struct virtio_pci_board_dev *out)
{
	char kind[12];
	int index = 0;

	if (!b || i < 0 || i >= b->ndevs)
		return -1;
	struct virtio_dev *dev = virtio_pci_dev(b->dev[i].pci);
	uint32_t id = virtio_dev_device_id(dev);
	for (int j = 0; j < i; j++)
		if (virtio_dev_device_id(virtio_pci_dev(b->dev[j].pci)) == id)
			index++;
	*out = (struct virtio_pci_board_dev){ .label = b->dev[i].label, .slot = b->dev[i].slot,
					      .pci = b->dev[i].pci, .dev = dev };
	snprintf(out->name, sizeof(out->name), "%s%d",
		 virtio_kind_name(id, kind, sizeof(kind)), index);
	return 0;
}
/* ---- end of inspector accessors ---- */
