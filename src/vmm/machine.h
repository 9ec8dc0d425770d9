/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The whole PC-like machine hvmon builds: the VM, its legacy devices, the
 * guest console, the I/O thread and the loaded kernel. main() creates it;
 * the monitor drives it. */
#ifndef HVMON_MACHINE_H
#define HVMON_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "boot/boot.h"
#include "dev/post.h"
#include "vmm/vm.h"

struct chardev;
struct iothread;
struct uart8250;
struct cmos;
struct i8042;
struct pci_host;
struct virtio_pci_board;

#define MACHINE_MIN_RAM (16ULL << 20)   /* the boot tables and a kernel need this */
#define MACHINE_MAX_RAM (64ULL << 30)
#define MACHINE_MAX_DISKS 8

struct machine_config {
	uint64_t ram_size;
	int ncpus;
	const char *kernel;
	const char *initrd;
	const char *cmdline;
	enum boot_proto proto;
	const char *console;      /* chardev spec: pty, stdio, file:PATH */
	/* virtio (issue 4) */
	bool rng;                 /* --rng: a virtio-rng on PCI */
	int ndisks;               /* --disk FILE[,ro][,id=NAME], in order */
	struct machine_disk {
		const char *path;
		bool readonly;
		const char *id;
	} disk[MACHINE_MAX_DISKS];
};

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
	/* virtio (issue 4): NULL when no virtio-pci device was asked for */
	struct virtio_pci_board *virtio;
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
