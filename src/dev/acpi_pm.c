// SPDX-License-Identifier: GPL-3.0-or-later
#include "dev/acpi_pm.h"

#include <stdio.h>

void acpi_pm_init(struct acpi_pm *pm, const struct sysevent_sink *sink)
{
	pm->sink = sink ? *sink : (struct sysevent_sink){ 0 };
	atomic_init(&pm->sts, 0);
	atomic_init(&pm->en, 0);
	atomic_init(&pm->cnt, 0);
}

/* The value and byte mask a write puts into the 16-bit register at
 * register offset reg; false when the access does not touch it. */
static bool write_part(uint64_t offset, const uint8_t *b, unsigned len, unsigned reg,
		       uint16_t *val, uint16_t *mask)
{
	*val = *mask = 0;
	for (unsigned i = 0; i < len; i++) {
		uint64_t at = offset + i;
		if (at >= reg && at < reg + 2) {
			*val |= (uint16_t)(b[i] << (8 * (at - reg)));
			*mask |= (uint16_t)(0xff << (8 * (at - reg)));
		}
	}
	return *mask != 0;
}

static void write_cnt(struct acpi_pm *pm, uint16_t val, uint16_t mask)
{
	uint16_t old = atomic_load(&pm->cnt);
	uint16_t now = (uint16_t)((old & ~mask) | (val & mask));

	/* SLP_EN is write-only; SCI_EN is the hardware's to set. */
	atomic_store(&pm->cnt, (uint16_t)(now & ~(ACPI_PM1_SLP_EN | ACPI_PM1_SCI_EN)));
	if (!(now & ACPI_PM1_SLP_EN))
		return;
	unsigned typ = (now >> ACPI_PM1_SLP_TYP_SHIFT) & 7;
	if (typ != ACPI_PM_S5_SLP_TYP)
		return;
	char why[64];
	snprintf(why, sizeof(why), "ACPI S5 (PM1a_CNT SLP_TYP=%u SLP_EN)", typ);
	sysevent_raise(&pm->sink, SYSEVENT_POWEROFF, why);
}

void acpi_pm_io(void *opaque, uint64_t offset, void *data, unsigned len, bool is_write)
{
	struct acpi_pm *pm = opaque;
	uint8_t *b = data;

	if (!is_write) {
		uint16_t regs[3] = { atomic_load(&pm->sts), atomic_load(&pm->en),
				     (uint16_t)(atomic_load(&pm->cnt) | ACPI_PM1_SCI_EN) };
		for (unsigned i = 0; i < len; i++) {
			uint64_t at = offset + i;
			b[i] = at < ACPI_PM_NR_PORTS ? (uint8_t)(regs[at / 2] >> (8 * (at % 2)))
						     : 0xff;
		}
		return;
	}
	uint16_t val, mask;
	if (write_part(offset, b, len, 0, &val, &mask))
		atomic_fetch_and(&pm->sts, (uint16_t)~(val & mask));
	if (write_part(offset, b, len, 2, &val, &mask))
		atomic_store(&pm->en, (uint16_t)((atomic_load(&pm->en) & ~mask) | (val & mask)));
	if (write_part(offset, b, len, 4, &val, &mask))
		write_cnt(pm, val, mask);
}
