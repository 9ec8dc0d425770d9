// SPDX-License-Identifier: GPL-3.0-or-later
/* The DSDT's AML (ACPI 6.5 5.2.11.1), written from the machine
 * description: under \_SB, COM1 (PNP0501), the PCI host bridge (PNP0A03)
 * with its windows and _PRT, and one LNRO0005 device per virtio-mmio
 * window (the ID Linux's virtio_mmio driver matches); at the root \_S5, the
 * SLP_TYP values for soft-off (7.4.2). */
#include <stdio.h>

#include "boot/acpi_aml.h"
#include "boot/fw_tables.h"

/* _STA 0x0f: present, enabled, shown in the UI, functioning (6.3.7). */
static void sta_present(struct aml *a)
{
	size_t m = aml_method(a, "_STA", 0, false);
	aml_return(a);
	aml_integer(a, 0x0f);
	aml_end(a, m);
}

static void com1(struct aml *a, const struct fw_machine *fm)
{
	size_t dev = aml_device(a, "COM1");
	aml_name(a, "_HID");
	aml_eisaid(a, "PNP0501");
	aml_name(a, "_UID");
	aml_integer(a, 1);
	sta_present(a);
	aml_name(a, "_CRS");
	size_t rt = aml_rt_begin(a);
	aml_rd_io(a, fm->com1_port, 8);
	aml_rd_irq_noflags(a, fm->com1_irq);
	aml_rt_end(a, rt);
	aml_end(a, dev);
}

/* _PRT (6.2.13): one entry per wired slot and pin, {address 0xSSSSFFFF
 * (any function of slot S), pin 0-3 = INTA-INTD, source 0 (a GSI, no link
 * device), the GSI}. */
static void pci_prt(struct aml *a, const struct fw_machine *fm)
{
	unsigned n = 0;

	for (unsigned s = 0; s < FW_PCI_SLOTS; s++)
		for (unsigned p = 0; p < 4; p++)
			n += fm->pci_intx_gsi[s][p] != 0;
	aml_name(a, "_PRT");
	size_t pkg = aml_package(a, n);
	for (unsigned s = 0; s < FW_PCI_SLOTS; s++)
		for (unsigned p = 0; p < 4; p++) {
			if (!fm->pci_intx_gsi[s][p])
				continue;
			size_t e = aml_package(a, 4);
			aml_integer(a, (uint64_t)s << 16 | 0xffff);
			aml_integer(a, p);
			aml_integer(a, 0);
			aml_integer(a, fm->pci_intx_gsi[s][p]);
			aml_end(a, e);
		}
	aml_end(a, pkg);
}

/* The host bridge: bus 0, the configuration ports it decodes, and the
 * memory window its BARs live in (no I/O window: hvmon's PCI devices have
 * memory BARs only). */
static void pci_root(struct aml *a, const struct fw_machine *fm)
{
	size_t dev = aml_device(a, "PCI0");
	aml_name(a, "_HID");
	aml_eisaid(a, "PNP0A03");
	aml_name(a, "_ADR");
	aml_integer(a, 0);
	aml_name(a, "_UID");
	aml_integer(a, 0);
	sta_present(a);
	aml_name(a, "_CRS");
	size_t rt = aml_rt_begin(a);
	aml_rd_word_bus(a, 0, 0);
	aml_rd_io(a, 0xcf8, 8);
	aml_rd_dword_memory(a, fm->pci_mem_base, fm->pci_mem_base + fm->pci_mem_size - 1);
	aml_rt_end(a, rt);
	pci_prt(a, fm);
	aml_end(a, dev);
}

/* virtio-mmio (virtio 1.2 4.2): the window and its level interrupt, the
 * shape QEMU's microvm and the kernel's virtio_mmio ACPI probe agree on. */
static void virtio_mmio(struct aml *a, int i, const struct fw_mmio_dev *d)
{
	char name[5];

	snprintf(name, sizeof(name), "VR%02X", (unsigned)i & 0xff);
	size_t dev = aml_device(a, name);
	aml_name(a, "_HID");
	aml_string(a, "LNRO0005");
	aml_name(a, "_UID");
	aml_integer(a, (uint64_t)i);
	sta_present(a);
	aml_name(a, "_CRS");
	size_t rt = aml_rt_begin(a);
	aml_rd_memory32_fixed(a, (uint32_t)d->addr, d->size, true);
	aml_rd_interrupt(a, d->gsi, true, false);
	aml_rt_end(a, rt);
	aml_end(a, dev);
}

size_t acpi_build_dsdt(const struct fw_machine *m, uint8_t *out, size_t cap)
{
	struct aml a;

	if (cap < 36)
		return 0;
	aml_init(&a, out + 36, cap - 36);
	size_t sb = aml_scope(&a, "\\_SB");
	com1(&a, m);
	pci_root(&a, m);
	for (int i = 0; i < m->nmmio; i++)
		virtio_mmio(&a, i, &m->mmio[i]);
	aml_end(&a, sb);
	/* \_S5: SLP_TYPa, SLP_TYPb, two reserved (7.4.2). */
	aml_name(&a, "\\_S5");
	size_t s5 = aml_package(&a, 4);
	aml_integer(&a, m->s5_slp_typ);
	aml_integer(&a, m->s5_slp_typ);
	aml_integer(&a, 0);
	aml_integer(&a, 0);
	aml_end(&a, s5);
	if (a.overflow)
		return 0;
	/* Revision 2: integers are 64 bits (5.2.11.1). */
	acpi_header(out, "DSDT", (uint32_t)(36 + a.len), 2);
	return 36 + a.len;
}
