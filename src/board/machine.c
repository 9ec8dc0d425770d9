// SPDX-License-Identifier: GPL-3.0-or-later
/* Assembling the machine: a PC-like board with the legacy devices Linux
 * probes early (COM1, CMOS/RTC, the i8042 for reset, PCI configuration
 * mechanism #1 and its 0xcf9 reset register, port 0x80), guest RAM, the
 * kernel loaded by src/boot, and the threads that run it all. */
#include "board/machine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "dev/acpi_pm.h"
#include "dev/chardev.h"
#include "dev/cmos.h"
#include "dev/i8042.h"
#include "dev/pci_host.h"
#include "dev/post.h"
#include "dev/uart8250.h"
#include "dev/virtio/virtio_board.h"
#include "vmm/iothread.h"
#include "board/machine_firmware.h"
#include "boot/fw_tables.h"
#include "vmm/vcpu.h"

/* Standard PC I/O addresses and ISA IRQs. */
#define COM1_PORT      MACHINE_COM1_PORT
#define COM1_IRQ       MACHINE_COM1_IRQ
#define CMOS_PORT      0x70
#define I8042_DATA     0x60
#define I8042_CMD      0x64
#define POST_PORT      0x80
#define PCI_CONF_PORT  0xcf8
#define PCI_CONF_LEN   8

static void com1_tx(void *opaque, const uint8_t *buf, size_t len)
{
	chardev_write(opaque, buf, len);
}

static void console_to_com1(void *opaque, const uint8_t *buf, size_t len)
{
	uart8250_receive(opaque, buf, len);
}

static void console_input_ready(void *opaque, int fd, uint32_t events)
{
	(void)events;
	struct machine *m = opaque;
	chardev_handle_input(m->console);
	/* After EOF or a hard error the backend gives up its input fd; stop
	 * polling it, or a closed fd would stay readable forever. */
	if (chardev_input_fd(m->console) < 0)
		iothread_del_fd(m->io, fd);
}

/* The virtio devices, each kind in command-line order. The board failing
 * is the host's (memory, KVM); a device failing is about the user's input
 * (a disk that cannot be opened, a tap that cannot be created, too many
 * devices). */
/* Say what a chardev that failed to open was for ("serial console: cannot
 * create /x/y: ..."), as the kernel and initrd errors name theirs. */
static void chardev_err_for(char *err, size_t errlen, const char *what)
{
	char why[512];

	snprintf(why, sizeof(why), "%s", err);
	snprintf(err, errlen, "%s: %s", what, why);
}

static enum machine_error machine_virtio(struct machine *m, char *err, size_t errlen)
{
	const struct machine_config *c = &m->cfg;

	m->virtio = virtio_board_new(&m->vm, m->pci, m->io,
				     c->virtio_mmio ? VIRTIO_ON_MMIO : VIRTIO_ON_PCI,
				     c->virtio_packed, err, errlen);
	if (!m->virtio)
		return MACHINE_HOST_ERROR;
	for (int i = 0; i < c->ndisks; i++)
		if (virtio_board_add_blk(m->virtio, c->disk[i].path, c->disk[i].readonly,
					 c->disk[i].id, err, errlen) < 0)
			return MACHINE_BAD_INPUT;
	for (int i = 0; i < c->nnets; i++)
		if (virtio_board_add_net(m->virtio, c->net[i].ifname,
					 c->net[i].has_mac ? c->net[i].mac : NULL, err, errlen) < 0)
			return MACHINE_BAD_INPUT;
	for (int i = 0; i < c->nhvcs; i++) {
		m->hvc[i] = chardev_open(c->hvc[i], err, errlen);
		if (!m->hvc[i]) {
			char what[48];
			snprintf(what, sizeof(what), "virtio console %d (--hvc)", i);
			chardev_err_for(err, errlen, what);
			return MACHINE_BAD_INPUT;
		}
		if (virtio_board_add_console(m->virtio, m->hvc[i], err, errlen) < 0)
			return MACHINE_BAD_INPUT;
	}
	for (int i = 0; i < c->nrngs; i++)
		if (virtio_board_add_rng(m->virtio, err, errlen) < 0)
			return MACHINE_BAD_INPUT;
	return MACHINE_OK;
}

static enum machine_error machine_devices(struct machine *m, char *err, size_t errlen)
{
	struct vm *vm = &m->vm;
	struct irq_line com1_irq = vm_irq_line(vm, COM1_IRQ);
	struct sysevent_sink reset = vm_sysevent_sink(vm);
	uint64_t high = vm->mem.ram_size - gmem_low_end(&vm->mem);

	m->com1 = uart8250_new(&com1_irq, com1_tx, m->console);
	m->cmos = cmos_new(gmem_low_end(&vm->mem), high);
	m->i8042 = i8042_new(&reset);
	m->pci = pci_host_new(&reset);
	post_init(&m->post);
	acpi_pm_init(&m->pm, &reset);
	if (!m->com1 || !m->cmos || !m->i8042 || !m->pci) {
		snprintf(err, errlen, "out of memory creating devices");
		return MACHINE_HOST_ERROR;
	}
	int rc = 0;
	rc |= bus_register(&vm->pio, COM1_PORT, UART8250_NR_PORTS, uart8250_io, m->com1, "com1");
	rc |= bus_register(&vm->pio, CMOS_PORT, CMOS_NR_PORTS, cmos_io, m->cmos, "cmos");
	rc |= bus_register(&vm->pio, I8042_DATA, 1, i8042_data_io, m->i8042, "i8042-data");
	rc |= bus_register(&vm->pio, I8042_CMD, 1, i8042_command_io, m->i8042, "i8042-cmd");
	rc |= bus_register(&vm->pio, POST_PORT, 1, post_io, &m->post, "post");
	rc |= bus_register(&vm->pio, PCI_CONF_PORT, PCI_CONF_LEN, pci_host_io, m->pci, "pci-conf");
	rc |= bus_register(&vm->pio, ACPI_PM_BASE, ACPI_PM_NR_PORTS, acpi_pm_io, &m->pm, "acpi-pm");
	if (rc) {
		snprintf(err, errlen, "internal error: overlapping device ranges");
		return MACHINE_HOST_ERROR;
	}
	if (machine_virtio_count(&m->cfg)) {
		enum machine_error e = machine_virtio(m, err, errlen);
		if (e != MACHINE_OK)
			return e;
	}
	chardev_set_input_sink(m->console, console_to_com1, m->com1);
	/* With a stdio console, stdin belongs to the monitor. */
	int in = chardev_kind(m->console) == CHARDEV_STDIO ? -1 : chardev_input_fd(m->console);
	if (in >= 0 && iothread_add_fd(m->io, in, EPOLLIN, console_input_ready, m) < 0) {
		snprintf(err, errlen, "cannot watch the console input");
		return MACHINE_HOST_ERROR;
	}
	return MACHINE_OK;
}

enum machine_error machine_create(struct machine *m, const struct machine_config *cfg,
				  char *err, size_t errlen)
{
	memset(m, 0, sizeof(*m));
	m->cfg = *cfg;
	if (vm_init_memory(&m->vm, cfg->ram_size, err, errlen) < 0)
		goto host_error;
	struct boot_config bc = {
		.kernel_path = cfg->kernel,
		.initrd_path = cfg->initrd,
		.cmdline = cfg->cmdline,
		.proto = cfg->proto,
	};
	/* The loaders pass the RSDP's fixed address on; the tables behind it
	 * are written once the vCPU count has passed KVM's own limit. */
	bc.rsdp_addr = FW_RSDP_ADDR;
	/* virtio-mmio (4.2) has no enumeration: a kernel finds the windows in
	 * the DSDT (LNRO0005 devices). Only a kernel told acpi=off does not
	 * read it; for that one (built with VIRTIO_MMIO_CMDLINE_DEVICES) the
	 * windows go on its command line as virtio_mmio.device=SIZE@ADDR:IRQ
	 * words. Never both: a kernel reading both would register every
	 * device twice. The loader checks the result against cmdline_size. */
	int nmmio = cfg->virtio_mmio ? machine_virtio_count(cfg) : 0;
	if (nmmio && machine_fw_acpi_off(cfg->cmdline)) {
		m->mmio_cmdline = virtio_mmio_board_cmdline(cfg->cmdline ? cfg->cmdline : "", nmmio);
		if (!m->mmio_cmdline) {
			snprintf(err, errlen, "too many virtio-mmio devices (at most %d)",
				 VIRTIO_MMIO_BOARD_MAX);
			goto bad_input;
		}
		bc.cmdline = m->mmio_cmdline;
	}
	if (boot_load(&bc, &m->vm.mem, &m->entry, &m->boot, err, errlen) < 0) {
		machine_destroy(m);
		return MACHINE_BAD_INPUT;
	}
	if (vm_create(&m->vm, err, errlen) < 0)
		goto host_error;
	m->vm.image_map = m->boot.image_map;
	m->vm.nimage_maps = m->boot.nimage_maps;
	/* More vCPUs than KVM takes is the user's mistake, said in one line. */
	if (vm_alloc_vcpus(&m->vm, cfg->ncpus, err, errlen) < 0)
		goto bad_input;
	/* The ACPI and MP tables, for that many vCPUs. */
	if (machine_fw_install(cfg, &m->vm.mem, err, errlen) < 0)
		goto bad_input;
	for (int i = 0; i < cfg->ncpus; i++)
		if (vcpu_create(&m->vm, i, err, errlen) < 0)
			goto host_error;
	int rc = boot_entry_apply(m->vm.vcpu[0]->fd, &m->entry);
	if (rc < 0) {
		snprintf(err, errlen, "cannot set the boot vCPU's registers: %s", strerror(-rc));
		goto host_error;
	}

	m->console = chardev_open(cfg->console, err, errlen);
	if (!m->console) {
		chardev_err_for(err, errlen, "serial console (--console)");
		goto bad_input;
	}
	m->io = iothread_new();
	if (!m->io) {
		snprintf(err, errlen, "cannot create the I/O thread's epoll set");
		goto host_error;
	}
	enum machine_error me = machine_devices(m, err, errlen);
	if (me != MACHINE_OK) {
		machine_destroy(m);
		return me;
	}
	if (iothread_start(m->io) < 0) {
		snprintf(err, errlen, "cannot start the I/O thread");
		goto host_error;
	}
	for (int i = 0; i < m->vm.nvcpus; i++) {
		if (vcpu_start_thread(m->vm.vcpu[i]) < 0) {
			snprintf(err, errlen, "cannot start vCPU %d's thread", i);
			goto host_error;
		}
	}
	return MACHINE_OK;

bad_input:
	machine_destroy(m);
	return MACHINE_BAD_INPUT;
host_error:
	machine_destroy(m);
	return MACHINE_HOST_ERROR;
}

void machine_destroy(struct machine *m)
{
	vcpu_stop_threads(&m->vm);
	/* virtio (issue 4): no thread may run a device while it goes, and its
	 * ioeventfds/irqfds go before the VM's fds close. */
	if (m->io)
		iothread_stop(m->io);
	virtio_board_free(m->virtio);
	m->virtio = NULL;
	if (m->io)
		iothread_free(m->io);
	m->io = NULL;
	vm_destroy(&m->vm);
	uart8250_free(m->com1);
	cmos_free(m->cmos);
	i8042_free(m->i8042);
	pci_host_free(m->pci);
	if (m->console)
		chardev_close(m->console);
	for (int i = 0; i < MACHINE_MAX_HVCS; i++)
		if (m->hvc[i])
			chardev_close(m->hvc[i]);
	boot_info_free(&m->boot);
	free(m->mmio_cmdline);
	memset(m, 0, sizeof(*m));
}
