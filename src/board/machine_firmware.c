// SPDX-License-Identifier: GPL-3.0-or-later
#include "board/machine_firmware.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/fw_tables.h"
#include "dev/acpi_pm.h"
#include "dev/virtio/virtio_board.h"
#include "dev/virtio/virtio_mmio.h"
#include "dev/virtio/virtio_pci_window.h"
#include "board/machine.h"

/* Port 0xcf9 with SYS_RST | RST_CPU (dev/reset_cf9.h): the FADT's reset
 * register, so an ACPI reset is the reset hvmon already has. */
#define FW_RESET_PORT  0xcf9
#define FW_RESET_VALUE 0x06

bool machine_fw_acpi_off(const char *cmdline)
{
	static const char word[] = "acpi=off";

	for (const char *p = cmdline; p && (p = strstr(p, word)); p += sizeof(word) - 1)
		if ((p == cmdline || p[-1] == ' ') && (p[sizeof(word) - 1] == '\0' ||
						       p[sizeof(word) - 1] == ' '))
			return true;
	return false;
}

void machine_fw_describe(const struct machine_config *cfg, struct fw_machine *out)
{
	memset(out, 0, sizeof(*out));
	out->ncpus = cfg->ncpus;
	out->com1_port = MACHINE_COM1_PORT;
	out->com1_irq = MACHINE_COM1_IRQ;
	out->pci_mem_base = (uint32_t)PCI_WINDOW_BASE;
	out->pci_mem_size = (uint32_t)PCI_WINDOW_SIZE;
	/* Every slot's INTA is wired by the board, device or not, as on a
	 * real board; virtio-pci functions use INTA only. */
	for (unsigned s = 0; s < FW_PCI_SLOTS; s++)
		out->pci_intx_gsi[s][0] = (uint8_t)virtio_pci_board_intx_gsi(s);
	out->pm1a_evt_port = ACPI_PM1_EVT_PORT;
	out->pm1a_cnt_port = ACPI_PM1_CNT_PORT;
	out->sci_gsi = ACPI_SCI_GSI;
	out->s5_slp_typ = ACPI_PM_S5_SLP_TYP;
	out->reset_port = FW_RESET_PORT;
	out->reset_value = FW_RESET_VALUE;
	if (!cfg->virtio_mmio)
		return;
	/* The windows the board gives devices 0 .. n-1 (virtio_board.h). */
	int n = machine_virtio_count(cfg);
	for (int i = 0; i < n && i < VIRTIO_MMIO_BOARD_MAX && i < FW_MAX_MMIO; i++)
		out->mmio[out->nmmio++] = (struct fw_mmio_dev){
			.addr = virtio_mmio_board_addr(i),
			.size = VIRTIO_MMIO_SIZE,
			.gsi = virtio_mmio_board_gsi(i),
		};
}

int machine_fw_install(const struct machine_config *cfg, const struct guest_mem *mem,
		       char *err, size_t errlen)
{
	struct fw_machine fm;
	struct fw_image *img = malloc(sizeof(*img));

	if (!img) {
		snprintf(err, errlen, "out of memory building the firmware tables");
		return -1;
	}
	machine_fw_describe(cfg, &fm);
	int rc = fw_tables_build(&fm, img, err, errlen);
	if (rc == 0 && gmem_write(mem, FW_AREA_START, img->area, FW_AREA_SIZE) < 0) {
		snprintf(err, errlen, "guest RAM too small for the firmware tables at 0x%llx",
			 FW_AREA_START);
		rc = -1;
	}
	free(img);
	return rc;
}
