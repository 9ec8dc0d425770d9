// SPDX-License-Identifier: GPL-3.0-or-later
/* The guest's side of acpi.c: physical memory through the identity map,
 * the report on COM1 and the S5 write. */
#include "acpi.h"
#include "guest.h"

const uint8_t *acpi_phys(uint64_t pa, uint64_t len)
{
	return idmapped(pa, len) ? (const uint8_t *)(uintptr_t)pa : (const uint8_t *)0;
}

static inline void outw(uint16_t port, uint16_t val)
{
	__asm__ volatile("outw %0, %1" : : "a"(val), "Nd"(port));
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t val;

	__asm__ volatile("inw %1, %0" : "=a"(val) : "Nd"(port));
	return val;
}

void acpi_report(uint64_t rsdp)
{
	uint32_t ids[16];
	struct acpi_mmio_dev d[16];
	uint64_t at = acpi_init(rsdp);

	if (!at) {
		put_str("acpi: no RSDP\n");
		return;
	}
	put_str("acpi: rsdp=0x");
	put_hex(at, 1);
	put_str(at == rsdp ? " (from the loader)\n" : " (BIOS-area scan)\n");
	int n = acpi_cpu_apic_ids(ids, 16);
	put_str("acpi: cpus=");
	put_dec((uint64_t)n);
	put_str(" apic ids");
	for (int i = 0; i < n; i++) {
		put_char(' ');
		put_dec(ids[i]);
	}
	put_char('\n');
	n = acpi_mmio_devices(d, 16);
	for (int i = 0; i < n; i++) {
		put_str("acpi: LNRO0005 0x");
		put_hex(d[i].base, 8);
		put_str(" size=0x");
		put_hex(d[i].size, 1);
		put_str(" irq=");
		put_dec(d[i].irq);
		put_char('\n');
	}
}

/* 4.8.3.2.1 / 7.4.2: SLP_TYP from \_S5 into PM1a_CNT bits 10-12, then
 * SLP_EN (bit 13) in a second write, keeping the register's other bits,
 * as Linux's acpi_hw_legacy_sleep does. A machine still in legacy mode
 * (SCI_EN clear; firmware with SMM, such as QEMU's q35) is first switched
 * to ACPI mode by writing ACPI_ENABLE to SMI_CMD (16.3.1), as an OS does
 * at start; hvmon's machine is always in ACPI mode. */
void acpi_poweroff(void)
{
	uint16_t port, typ, smi;
	uint8_t enable;

	if (!acpi_s5(&port, &typ)) {
		put_str("hvmon-testguest: error: no FADT PM1a_CNT or \\_S5, cannot power off\n");
		return;
	}
	put_str("hvmon-testguest: ACPI S5 power-off: PM1a_CNT=0x");
	put_hex(port, 1);
	put_str(" SLP_TYP=");
	put_dec(typ);
	put_char('\n');
	if (!(inw(port) & 1) && acpi_enable_cmd(&smi, &enable)) {
		outb(smi, enable);
		for (int i = 0; i < 100000 && !(inw(port) & 1); i++)
			;
	}
	uint16_t v = (uint16_t)((inw(port) & ~(7u << 10 | 1u << 13)) | typ << 10);
	outw(port, v);
	outw(port, (uint16_t)(v | 1u << 13));
}
