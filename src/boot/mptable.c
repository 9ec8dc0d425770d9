// SPDX-License-Identifier: GPL-3.0-or-later
/* The Intel MultiProcessor Specification 1.4 tables (chapter 4), for
 * kernels that do not read ACPI (Linux with acpi=off): the floating
 * pointer structure and, right after it, the configuration table with one
 * processor entry per vCPU, bus 0 PCI and bus 1 ISA, the IOAPIC, every
 * interrupt the machine wires and the local APIC's LINT0/LINT1. */
#include <string.h>

#include "boot/fw_tables.h"
#include "common/le.h"

#define MP_FLOAT_LEN   16
#define MP_HEADER_LEN  44
#define MP_PCI_BUS     0
#define MP_ISA_BUS     1
#define MP_IOAPIC_ID   0      /* as in the MADT */
/* Interrupt entry flags (table 4-10): 0 conforms to the bus (ISA: edge,
 * active high); the others as in the MADT (fw_tables.h). */
#define MP_CONFORMS    0x0000

enum { MP_INT = 0, MP_NMI = 1, MP_EXTINT = 3 };

static uint8_t *intr_entry(uint8_t *p, uint8_t entry_type, uint8_t kind, uint16_t flags,
			   uint8_t bus, uint8_t irq, uint8_t dst, uint8_t pin)
{
	p[0] = entry_type;         /* 3: I/O interrupt, 4: local interrupt */
	p[1] = kind;
	put_le16(p + 2, flags);
	p[4] = bus;
	p[5] = irq;
	p[6] = dst;
	p[7] = pin;
	return p + 8;
}

size_t mptable_build(const struct fw_machine *m, uint64_t addr, uint8_t *out, size_t cap)
{
	/* APIC IDs are 8 bits here and 0xff means "all": the MP table lists
	 * the vCPUs below 255 (the MADT's x2APIC entries have the rest). */
	int ncpus = m->ncpus < 255 ? m->ncpus : 255;
	size_t need = MP_FLOAT_LEN + MP_HEADER_LEN + 20 * (size_t)ncpus + 2 * 8 + 8 +
		      8 * (16 + FW_PCI_SLOTS * 4) + 2 * 8;
	uint16_t flags[16];
	uint8_t *cfg = out + MP_FLOAT_LEN;
	uint8_t *p = cfg + MP_HEADER_LEN;
	unsigned count = 0;

	if (need > cap)
		return 0;
	memset(out, 0, need);
	fw_isa_line_flags(m, flags);

	for (int i = 0; i < ncpus; i++, count++) {
		p[0] = 0;                            /* processor (4.3.1) */
		p[1] = (uint8_t)i;                   /* local APIC ID */
		p[2] = 0x14;                         /* local APIC version (KVM's) */
		p[3] = (uint8_t)(0x01 | (i == 0 ? 0x02 : 0)); /* EN, BP */
		put_le32(p + 4, 0x600);              /* family 6 */
		put_le32(p + 8, 0x201);              /* FPU, APIC on chip */
		p += 20;
	}
	p[0] = 1;                                    /* buses (4.3.2) */
	p[1] = MP_PCI_BUS;
	memcpy(p + 2, "PCI   ", 6);
	p[8] = 1;
	p[9] = MP_ISA_BUS;
	memcpy(p + 10, "ISA   ", 6);
	p += 16;
	count += 2;
	p[0] = 2;                                    /* I/O APIC (4.3.3) */
	p[1] = MP_IOAPIC_ID;
	p[2] = 0x11;                                 /* version (KVM's) */
	p[3] = 1;                                    /* EN */
	put_le32(p + 4, FW_IOAPIC_ADDR);
	p += 8;
	count++;
	/* ISA IRQ n on pin n (hvmon's irqchip routes GSI n to pin n), except 2,
	 * the cascade. */
	for (unsigned irq = 0; irq < 16; irq++) {
		if (irq == 2)
			continue;
		p = intr_entry(p, 3, MP_INT, flags[irq] ? flags[irq] : MP_CONFORMS,
			       MP_ISA_BUS, (uint8_t)irq, MP_IOAPIC_ID, (uint8_t)irq);
		count++;
	}
	/* PCI: source IRQ = slot << 2 | pin (4.3.4, "PCI bus"). */
	for (unsigned s = 0; s < FW_PCI_SLOTS; s++)
		for (unsigned pin = 0; pin < 4; pin++) {
			unsigned gsi = m->pci_intx_gsi[s][pin];
			if (!gsi || gsi >= FW_IOAPIC_PINS)
				continue;
			p = intr_entry(p, 3, MP_INT, FW_INTI_LOW_LEVEL, MP_PCI_BUS,
				       (uint8_t)(s << 2 | pin), MP_IOAPIC_ID, (uint8_t)gsi);
			count++;
		}
	/* LINT0 ExtINT, LINT1 NMI on every local APIC (4.3.5). */
	p = intr_entry(p, 4, MP_EXTINT, MP_CONFORMS, MP_ISA_BUS, 0, 0xff, 0);
	p = intr_entry(p, 4, MP_NMI, MP_CONFORMS, MP_ISA_BUS, 0, 0xff, 1);
	count += 2;

	size_t cfg_len = (size_t)(p - cfg);
	memcpy(cfg, "PCMP", 4);
	put_le16(cfg + 4, (uint16_t)cfg_len);
	cfg[6] = 4;                                  /* spec revision 1.4 */
	memcpy(cfg + 8, "HVMON   ", 8);
	memcpy(cfg + 16, "HVMONVM     ", 12);
	put_le16(cfg + 34, (uint16_t)count);
	put_le32(cfg + 36, FW_LAPIC_ADDR);
	cfg[7] = (uint8_t)-fw_sum8(cfg, cfg_len);

	/* The floating pointer (4.1): length in 16-byte units, feature bytes
	 * 0 (a configuration table is present; no IMCR, virtual wire). */
	memcpy(out, "_MP_", 4);
	put_le32(out + 4, (uint32_t)(addr + MP_FLOAT_LEN));
	out[8] = 1;
	out[9] = 4;
	out[10] = (uint8_t)-fw_sum8(out, MP_FLOAT_LEN);
	return MP_FLOAT_LEN + cfg_len;
}
