/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The whole PC-like machine hvmon builds: the VM, its legacy devices, the
 * guest console, the I/O thread and the loaded kernel. main() creates it;
 * the monitor drives it. */
#ifndef HVMON_MACHINE_H
#define HVMON_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "boot/boot.h"
#include "dev/acpi_pm.h"
#include "dev/post.h"
#include "vmm/vm.h"

struct chardev;
struct iothread;
struct uart8250;
struct cmos;
struct i8042;
struct pci_host;
struct virtio_board;

#define MACHINE_MIN_RAM (16ULL << 20)   /* the boot tables and a kernel need this */
#define MACHINE_MAX_RAM (64ULL << 30)
#define MACHINE_MAX_DISKS 8
#define MACHINE_MAX_NETS  4
#define MACHINE_MAX_HVCS  4
#define MACHINE_MAX_RNGS  4

struct machine_config {
	uint64_t ram_size;
	int ncpus;
	const char *kernel;
	const char *initrd;
	const char *cmdline;
	enum boot_proto proto;
	const char *console;      /* chardev spec: pty, stdio, file:PATH */
	/* virtio: every device kind is repeatable; devices are created in
	 * the order disks, nets, consoles, rngs */
	bool virtio_mmio;         /* --virtio mmio: devices on virtio-mmio (4.2) */
	bool virtio_packed;       /* --virtio ...,packed: offer packed rings (2.8) */
	int ndisks;               /* --disk FILE[,ro][,id=NAME] */
	struct machine_disk {
		const char *path;
		bool readonly;
		const char *id;
	} disk[MACHINE_MAX_DISKS];
	int nnets;                /* --net tap=IFNAME[,mac=MAC] */
	struct machine_net {
		const char *ifname;
		bool has_mac;
		uint8_t mac[6];
	} net[MACHINE_MAX_NETS];
	int nhvcs;                /* --hvc pty|file:PATH */
	const char *hvc[MACHINE_MAX_HVCS];
	int nrngs;                /* --rng */
};

/* Virtio devices cfg asks for. */
static inline int machine_virtio_count(const struct machine_config *cfg)
{
	return cfg->ndisks + cfg->nnets + cfg->nhvcs + cfg->nrngs;
}

struct machine {
	struct vm vm;
	struct machine_config cfg;
	struct boot_info boot;
	struct boot_entry entry;
	struct iothread *io;
	struct chardev *console;
	struct uart8250 *com1;
	struct cmos *cmos;
	struct i8042 *i8042;
	struct pci_host *pci;
	struct post_port post;
	struct acpi_pm pm;        /* PM1a blocks: ACPI S5 power-off */
	/* virtio devices, on PCI or MMIO (NULL when none was asked for) */
	struct virtio_board *virtio;
	struct chardev *hvc[MACHINE_MAX_HVCS];   /* backends of the consoles */
	/* --virtio mmio with acpi=off: the command line the kernel got, with
	 * virtio_mmio.device= words (NULL otherwise) */
	char *mmio_cmdline;
};

enum machine_error {
	MACHINE_OK,
	MACHINE_BAD_INPUT,   /* the kernel, initrd or options are unusable */
	MACHINE_HOST_ERROR,  /* KVM or the host refused something */
};

/* Build the machine and load the kernel; vCPU threads start parked. On
 * failure, one line in err. */
enum machine_error machine_create(struct machine *m, const struct machine_config *cfg,
		   char *err, size_t errlen);
void machine_destroy(struct machine *m);

#endif
