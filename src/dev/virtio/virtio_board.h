/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The machine's virtio devices (virtio 1.2): the backends the command line
 * asks for (--disk, --rng, --hvc, --net), each behind one transport, the
 * same for all of them:
 * - virtio-pci (4.1, the default): one function per device on bus 0 behind
 *   the host bridge, BARs in the PCI memory window, MSI-X through irqfds,
 *   INTx on GSI 10/11;
 * - virtio-mmio (4.2, --virtio mmio): device n in the 0x200-byte window at
 *   VIRTIO_MMIO_BOARD_BASE + n * 0x1000 on the n-th line of
 *   virtio_mmio_board_gsi. The layout is fixed so that the kernel command
 *   line (`virtio_mmio.device=0x200@0xd0000000:5`, Linux's
 *   VIRTIO_MMIO_CMDLINE_DEVICES) can be written before the devices exist.
 *
 * The monitor names devices by kind and order of creation: blk0, blk1,
 * rng0, console0, net0 (virtio_board_find). */
#ifndef HVMON_DEV_VIRTIO_VIRTIO_BOARD_H
#define HVMON_DEV_VIRTIO_VIRTIO_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct vm;
struct pci_host;
struct iothread;
struct chardev;
struct virtio_dev;
struct virtio_pci;
struct virtio_mmio;
struct virtio_board;

enum virtio_transport_kind { VIRTIO_ON_PCI, VIRTIO_ON_MMIO };

#define VIRTIO_MMIO_BOARD_BASE   0xd0000000ULL   /* above the PCI window */
#define VIRTIO_MMIO_BOARD_STRIDE 0x1000ULL
#define VIRTIO_MMIO_BOARD_MAX    9               /* free ISA lines */
#define VIRTIO_BOARD_MAX_DEVICES 16

/* The GSI INTA of PCI slot `slot` on bus 0 reaches (level; the firmware
 * tables' _PRT and MP entries); 0 for a slot outside 1-31. */
unsigned virtio_pci_board_intx_gsi(unsigned slot);
/* virtio-mmio device n's GSI (0 when n is out of range) and window. */
unsigned virtio_mmio_board_gsi(int n);
uint64_t virtio_mmio_board_addr(int n);
/* base + " virtio_mmio.device=0x200@0xd0000000:5" for devices 0 .. n-1,
 * malloc'd; NULL on allocation failure or n out of range. */
char *virtio_mmio_board_cmdline(const char *base, int n);

/* Before any vCPU runs; host is only used on PCI. packed: every device
 * offers VIRTIO_F_RING_PACKED (2.8) too. NULL with a reason in err. */
struct virtio_board *virtio_board_new(struct vm *vm, struct pci_host *host,
				      struct iothread *io,
				      enum virtio_transport_kind kind, bool packed,
				      char *err, size_t errlen);
/* After the vCPUs and the I/O thread have stopped, before the VM's fds
 * close. NULL is fine. */
void virtio_board_free(struct virtio_board *b);

/* Devices, each in the next slot or window. 0, or -1 with one line in
 * err (a file that cannot be opened, no slot left, ...). */
int virtio_board_add_rng(struct virtio_board *b, char *err, size_t errlen);
int virtio_board_add_blk(struct virtio_board *b, const char *path, bool readonly,
			 const char *id, char *err, size_t errlen);
/* hvc: the guest's hvcN on backend cd (which must outlive the board). */
int virtio_board_add_console(struct virtio_board *b, struct chardev *cd,
			     char *err, size_t errlen);
/* A virtio-net on the tap interface ifname (created if absent); mac NULL
 * picks one from ifname. */
int virtio_board_add_net(struct virtio_board *b, const char *ifname,
			 const uint8_t *mac, char *err, size_t errlen);

/* ---- For the monitor ---- */
struct virtio_board_dev {
	char name[16];               /* "blk0" */
	const char *label;           /* "virtio-blk (disk.img, ro)" */
	enum virtio_transport_kind kind;
	struct virtio_dev *dev;
	struct virtio_pci *pci;      /* VIRTIO_ON_PCI */
	unsigned slot;               /* PCI device number on bus 0 */
	struct virtio_mmio *mmio;    /* VIRTIO_ON_MMIO */
	struct chardev *console;     /* virtio-console: its backend */
};

/* Devices on the board (0 when b is NULL). */
int virtio_board_count(const struct virtio_board *b);
/* Device i (0 .. count-1): 0, or -1 when out of range. */
int virtio_board_get(const struct virtio_board *b, int i, struct virtio_board_dev *out);
/* By monitor name: 0, or -1 when there is none. */
int virtio_board_find(const struct virtio_board *b, const char *name,
		      struct virtio_board_dev *out);

/* How a device's interrupts reach the guest now. */
struct virtio_irq_view {
	bool msix;                   /* PCI with MSI-X enabled */
	bool msix_function_masked;
	unsigned nvec;
	unsigned gsi;                /* INTx or the MMIO line */
	bool level;                  /* that line asserted */
};
void virtio_board_irq_view(const struct virtio_board_dev *d, struct virtio_irq_view *out);
/* MSI-X vector v: 1 masked, 0 deliverable, -1 not in the table (or not
 * PCI). */
int virtio_board_vector_masked(const struct virtio_board_dev *d, uint16_t v);
/* Its table entry's own Mask bit (Vector Control, PCI 3.0 6.8.2.9): 1, 0,
 * -1 not in the table (or not PCI). */
int virtio_board_vector_entry_masked(const struct virtio_board_dev *d, uint16_t v);

/* The short name for a virtio device ID (5): "blk", "rng", ...; "devN"
 * for types hvmon does not name. Returns buf. */
const char *virtio_kind_name(uint32_t device_id, char *buf, size_t len);

/* One line per device: "hvmon: virtio-rng on PCI 00:01.0" or
 * "hvmon: virtio-rng on MMIO 0xd0000000 irq 5". */
void virtio_board_print(const struct virtio_board *b, FILE *f);

#endif
