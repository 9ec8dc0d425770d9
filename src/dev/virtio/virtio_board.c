// SPDX-License-Identifier: GPL-3.0-or-later
/* The machine's virtio devices (virtio_board.h): backends made here, each
 * put behind the board's transport. */
#include "dev/virtio/virtio_board.h"

#include <stdlib.h>
#include <string.h>

#include "dev/chardev.h"
#include "dev/pci_host.h"
#include "dev/tap.h"
#include "dev/virtio/virtio_blk.h"
#include "dev/virtio/virtio_console.h"
#include "dev/virtio/virtio_mmio.h"
#include "dev/virtio/virtio_net.h"
#include "dev/virtio/virtio_pci.h"
#include "dev/virtio/virtio_pci_window.h"
#include "dev/virtio/virtio_rng.h"
#include "vmm/kvm_events.h"
#include "vmm/vm.h"

/* INTx: pin A of slot s reaches GSI 10 or 11 (level, through the in-kernel
 * IOAPIC), alternating by slot as a PIIX-style PIRQ swizzle would. */
#define INTX_GSI(slot) (10u + (((unsigned)(slot) - 1u) & 1u))

/* virtio-mmio lines: ISA lines nothing else on this board uses: not 4
 * (COM1), 8 (RTC), 0-2 (PIT, cascade), 10/11 (PCI INTx). */
static const unsigned mmio_gsi[VIRTIO_MMIO_BOARD_MAX] = { 5, 6, 7, 9, 12, 13, 14, 15, 3 };

struct board_dev {
	char name[16];
	char label[96];
	void *backend;               /* the device model behind the transport */
	void (*free_backend)(void *backend);
	struct virtio_dev *dev;
	struct chardev *console;
	struct virtio_pci *pci;
	unsigned slot;
	struct virtio_mmio *mmio;
};

struct virtio_board {
	struct vm *vm;
	struct pci_host *host;
	struct iothread *io;
	enum virtio_transport_kind kind;
	bool packed;                 /* offer VIRTIO_F_RING_PACKED */
	struct pci_window *win;      /* PCI only */
	struct kvm_events *kev;
	int ndevs;
	struct board_dev dev[VIRTIO_BOARD_MAX_DEVICES];
};

unsigned virtio_pci_board_intx_gsi(unsigned slot)
{
	return slot >= PCI_WINDOW_FIRST_SLOT && slot < PCI_WINDOW_NR_SLOTS ? INTX_GSI(slot) : 0;
}

unsigned virtio_mmio_board_gsi(int n)
{
	return n >= 0 && n < VIRTIO_MMIO_BOARD_MAX ? mmio_gsi[n] : 0;
}

uint64_t virtio_mmio_board_addr(int n)
{
	return VIRTIO_MMIO_BOARD_BASE + (uint64_t)n * VIRTIO_MMIO_BOARD_STRIDE;
}

char *virtio_mmio_board_cmdline(const char *base, int n)
{
	size_t len = strlen(base) + 1 + (size_t)(n > 0 ? n : 0) * 48;
	char *s;

	if (n < 0 || n > VIRTIO_MMIO_BOARD_MAX || !(s = malloc(len)))
		return NULL;
	size_t used = (size_t)snprintf(s, len, "%s", base);
	for (int i = 0; i < n; i++)
		used += (size_t)snprintf(s + used, len - used,
					 " virtio_mmio.device=0x%x@0x%llx:%u",
					 VIRTIO_MMIO_SIZE,
					 (unsigned long long)virtio_mmio_board_addr(i),
					 virtio_mmio_board_gsi(i));
	return s;
}

static void board_signal_msi(void *opaque, uint64_t addr, uint32_t data)
{
	kvm_events_signal_msi(opaque, addr, data);
}

struct virtio_board *virtio_board_new(struct vm *vm, struct pci_host *host,
				      struct iothread *io,
				      enum virtio_transport_kind kind, bool packed,
				      char *err, size_t errlen)
{
	struct virtio_board *b = calloc(1, sizeof(*b));

	if (!b) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	*b = (struct virtio_board){ .vm = vm, .host = host, .io = io, .kind = kind,
				    .packed = packed };
	b->kev = kvm_events_new(vm->kvm_fd, vm->vm_fd);
	if (!b->kev) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (kind == VIRTIO_ON_MMIO)
		return b;
	b->win = pci_window_new(PCI_WINDOW_BASE, PCI_WINDOW_SIZE);
	if (!b->win) {
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
	virtio_board_free(b);
	return NULL;
}

void virtio_board_free(struct virtio_board *b)
{
	if (!b)
		return;
	for (int i = 0; i < b->ndevs; i++) {
		virtio_pci_free(b->dev[i].pci);
		virtio_mmio_free(b->dev[i].mmio);
		b->dev[i].free_backend(b->dev[i].backend);
	}
	kvm_events_free(b->kev);
	pci_window_free(b->win);
	free(b);
}

static int attach_pci(struct virtio_board *b, struct board_dev *d, char *err, size_t errlen)
{
	int slot = pci_window_alloc_slot(b->win);

	if (slot < 0) {
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
	d->slot = (unsigned)slot;
	d->pci = virtio_pci_new(d->dev, &cfg, err, errlen);
	if (!d->pci)
		return -1;
	if (pci_host_register(b->host, cfg.devfn, &virtio_pci_function_ops, d->pci) < 0) {
		snprintf(err, errlen, "PCI slot %d is taken", slot);
		return -1;
	}
	return 0;
}

static int attach_mmio(struct virtio_board *b, struct board_dev *d, char *err, size_t errlen)
{
	int n = b->ndevs;

	if (n >= VIRTIO_MMIO_BOARD_MAX) {
		snprintf(err, errlen, "at most %d virtio-mmio devices", VIRTIO_MMIO_BOARD_MAX);
		return -1;
	}
	struct virtio_mmio_config cfg = {
		.base = virtio_mmio_board_addr(n),
		.irq = vm_irq_line(b->vm, virtio_mmio_board_gsi(n)),
		.kev = b->kev,
		.io = b->io,
	};
	d->mmio = virtio_mmio_new(d->dev, &cfg, err, errlen);
	if (!d->mmio)
		return -1;
	if (bus_register(&b->vm->mmio, cfg.base, VIRTIO_MMIO_SIZE, virtio_mmio_io, d->mmio,
			 "virtio-mmio") < 0) {
		snprintf(err, errlen, "virtio-mmio window 0x%llx overlaps another device",
			 (unsigned long long)cfg.base);
		return -1;
	}
	return 0;
}

/* Put a core device behind the board's transport. The board owns backend
 * from here on, and frees it on failure too. */
static int board_attach(struct virtio_board *b, const char *label, struct virtio_dev *vdev,
			void *backend, void (*free_backend)(void *), char *err, size_t errlen)
{
	if (b->ndevs >= VIRTIO_BOARD_MAX_DEVICES) {
		snprintf(err, errlen, "at most %d virtio devices", VIRTIO_BOARD_MAX_DEVICES);
		free_backend(backend);
		return -1;
	}
	struct board_dev *d = &b->dev[b->ndevs];
	uint32_t id = virtio_dev_device_id(vdev);
	char kind[12];
	int index = 0;

	for (int j = 0; j < b->ndevs; j++)
		if (virtio_dev_device_id(b->dev[j].dev) == id)
			index++;
	*d = (struct board_dev){ .backend = backend, .free_backend = free_backend, .dev = vdev };
	snprintf(d->name, sizeof(d->name), "%s%d", virtio_kind_name(id, kind, sizeof(kind)), index);
	snprintf(d->label, sizeof(d->label), "%s", label);
	virtio_dev_set_name(vdev, d->name);
	if (b->packed)
		virtio_dev_offer(vdev, 1ULL << VIRTIO_F_RING_PACKED);
	int r = b->kind == VIRTIO_ON_PCI ? attach_pci(b, d, err, errlen)
					 : attach_mmio(b, d, err, errlen);
	if (r < 0) {
		virtio_pci_free(d->pci);
		virtio_mmio_free(d->mmio);
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

static void free_console(void *p)
{
	virtio_console_free(p);
}

static void free_net(void *p)
{
	virtio_net_free(p);
}

int virtio_board_add_rng(struct virtio_board *b, char *err, size_t errlen)
{
	struct virtio_rng *rng = virtio_rng_new(&b->vm->mem);

	if (!rng) {
		snprintf(err, errlen, "out of memory creating virtio-rng");
		return -1;
	}
	return board_attach(b, "virtio-rng", virtio_rng_dev(rng), rng, free_rng, err, errlen);
}

int virtio_board_add_blk(struct virtio_board *b, const char *path, bool readonly,
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
	char label[96];
	snprintf(label, sizeof(label), "virtio-blk (%.50s%s)", path, readonly ? ", ro" : "");
	return board_attach(b, label, vdev, blk, free_blk, err, errlen);
}

int virtio_board_add_console(struct virtio_board *b, struct chardev *cd,
			     char *err, size_t errlen)
{
	struct virtio_console *con = virtio_console_new(&b->vm->mem, cd, b->io, err, errlen);

	if (!con)
		return -1;
	char label[96];
	int hvc = 0;
	for (int i = 0; i < b->ndevs; i++)
		hvc += b->dev[i].console != NULL;
	snprintf(label, sizeof(label), "virtio-console (hvc%d on %.40s)", hvc, chardev_path(cd));
	int r = board_attach(b, label, virtio_console_dev(con), con, free_console, err, errlen);
	if (r == 0)
		b->dev[b->ndevs - 1].console = cd;
	return r;
}

int virtio_board_add_net(struct virtio_board *b, const char *ifname,
			 const uint8_t *mac, char *err, size_t errlen)
{
	struct tap tap;

	if (tap_open(&tap, ifname, VIRTIO_NET_HDR_LEN, err, errlen) < 0)
		return -1;
	struct virtio_net *net = virtio_net_new(&b->vm->mem, &tap, mac, b->io, err, errlen);
	if (!net)
		return -1;
	char label[96];
	snprintf(label, sizeof(label), "virtio-net (tap %s, mac %s)", virtio_net_ifname(net),
		 virtio_net_mac_text(net));
	return board_attach(b, label, virtio_net_dev(net), net, free_net, err, errlen);
}

/* ---- For the monitor ---- */

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

int virtio_board_count(const struct virtio_board *b)
{
	return b ? b->ndevs : 0;
}

int virtio_board_get(const struct virtio_board *b, int i, struct virtio_board_dev *out)
{
	if (!b || i < 0 || i >= b->ndevs)
		return -1;
	const struct board_dev *d = &b->dev[i];
	*out = (struct virtio_board_dev){ .label = d->label, .kind = b->kind, .dev = d->dev,
					  .pci = d->pci, .slot = d->slot, .mmio = d->mmio,
					  .console = d->console };
	snprintf(out->name, sizeof(out->name), "%s", d->name);
	return 0;
}

int virtio_board_find(const struct virtio_board *b, const char *name,
		      struct virtio_board_dev *out)
{
	for (int i = 0; i < virtio_board_count(b); i++)
		if (!strcmp(b->dev[i].name, name))
			return virtio_board_get(b, i, out);
	return -1;
}

void virtio_board_irq_view(const struct virtio_board_dev *d, struct virtio_irq_view *out)
{
	*out = (struct virtio_irq_view){ 0 };
	if (d->mmio) {
		out->gsi = virtio_mmio_gsi(d->mmio);
		out->level = virtio_mmio_irq_level(d->mmio);
		return;
	}
	struct virtio_pci_irq_info irq;
	virtio_pci_get_irq_info(d->pci, &irq);
	*out = (struct virtio_irq_view){ .msix = irq.msix_enabled,
					 .msix_function_masked = irq.msix_function_masked,
					 .nvec = irq.nvec, .gsi = irq.intx_gsi,
					 .level = irq.intx_level };
}

int virtio_board_vector_masked(const struct virtio_board_dev *d, uint16_t v)
{
	return d->pci ? virtio_pci_vector_masked(d->pci, v) : -1;
}

int virtio_board_vector_entry_masked(const struct virtio_board_dev *d, uint16_t v)
{
	return d->pci ? virtio_pci_vector_entry_masked(d->pci, v) : -1;
}

void virtio_board_print(const struct virtio_board *b, FILE *f)
{
	for (int i = 0; i < virtio_board_count(b); i++) {
		const struct board_dev *d = &b->dev[i];
		if (d->pci)
			fprintf(f, "hvmon: %s on PCI 00:%02x.0\n", d->label, d->slot);
		else
			fprintf(f, "hvmon: %s on MMIO 0x%llx irq %u\n", d->label,
				(unsigned long long)virtio_mmio_base(d->mmio),
				virtio_mmio_gsi(d->mmio));
	}
}
