/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the firmware tables describe: a plain description of the machine
 * (no KVM, no devices), so the tables are a pure function of it and unit
 * tests and tests/tools/acpi_tables can build them for any vCPU count.
 * board/machine_firmware.c fills it from the machine's configuration. */
#ifndef HVMON_BOOT_FW_MACHINE_H
#define HVMON_BOOT_FW_MACHINE_H

#include <stdint.h>

/* x2APIC entries (MADT type 9) take APIC IDs past 254; KVM allows at most
 * 1024 vCPUs (KVM_MAX_VCPUS on x86). */
#define FW_MAX_CPUS 1024
#define FW_MAX_MMIO 16
#define FW_PCI_SLOTS 32
#define FW_IOAPIC_ADDR 0xfec00000u
#define FW_IOAPIC_PINS 24     /* KVM's in-kernel IOAPIC */
#define FW_LAPIC_ADDR  0xfee00000u

struct fw_mmio_dev {
	uint64_t addr;
	uint32_t size;
	unsigned gsi;            /* level, active high */
};

struct fw_machine {
	int ncpus;               /* vCPU i has APIC ID i */
	uint16_t com1_port;
	unsigned com1_irq;       /* edge, active high (ISA) */
	/* PCI host bridge on bus 0: its memory window, and the GSI each
	 * slot's INTA-INTD reaches (level, active high), for _PRT and the
	 * MP table; 0 = not wired. */
	uint32_t pci_mem_base, pci_mem_size;
	uint8_t pci_intx_gsi[FW_PCI_SLOTS][4];
	/* The ACPI PM1a event (4 bytes) and control (2 bytes) blocks and the
	 * SCI line (dev/acpi_pm.h). */
	uint16_t pm1a_evt_port, pm1a_cnt_port;
	unsigned sci_gsi;
	uint8_t s5_slp_typ;      /* \_S5's SLP_TYP: the value the PM1a device powers off on */
	uint16_t reset_port;     /* FADT RESET_REG: a byte written there resets */
	uint8_t reset_value;
	int nmmio;               /* virtio-mmio devices */
	struct fw_mmio_dev mmio[FW_MAX_MMIO];
};

#endif
