// SPDX-License-Identifier: GPL-3.0-or-later
/* Build the firmware tables hvmon would give a machine, without KVM, and
 * dump the ACPI ones as NAME.dat for iasl -d and acpiexec
 * (tests/integration/acpi_tables.sh):
 *
 *   acpi_tables [-c NCPUS] [--mmio] [-d NDEVICES] OUTDIR
 *
 * NDEVICES virtio devices (their kind does not change the tables) on PCI,
 * or on virtio-mmio with --mmio. Prints one line per table found by the
 * same walk the monitor's `info acpi` uses: SIG ADDR LEN sum=ok|BAD. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/fw_dump.h"
#include "boot/fw_tables.h"
#include "boot/fw_walk.h"
#include "board/machine.h"
#include "board/machine_firmware.h"

static int image_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	const struct fw_image *img = ctx;

	if (gpa < FW_AREA_START || gpa > FW_AREA_END || len > FW_AREA_END - gpa)
		return -1;
	memcpy(buf, img->area + (gpa - FW_AREA_START), len);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: acpi_tables [-c NCPUS] [--mmio] [-d NDEVICES] OUTDIR\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct machine_config cfg = { .ncpus = 1 };
	const char *dir = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-c") && i + 1 < argc)
			cfg.ncpus = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-d") && i + 1 < argc)
			cfg.nrngs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--mmio"))
			cfg.virtio_mmio = true;
		else if (argv[i][0] != '-' && !dir)
			dir = argv[i];
		else
			usage();
	}
	if (!dir)
		usage();

	struct fw_machine fm;
	struct fw_image *img = malloc(sizeof(*img));
	char err[256];
	if (!img)
		return 1;
	machine_fw_describe(&cfg, &fm);
	if (fw_tables_build(&fm, img, err, sizeof(err)) < 0) {
		fprintf(stderr, "acpi_tables: %s\n", err);
		return 1;
	}
	struct fw_found t[FW_WALK_MAX];
	int n = fw_walk(image_read, img, t, FW_WALK_MAX);
	for (int i = 0; i < n; i++)
		printf("%s 0x%llx %u sum=%s\n", t[i].sig, (unsigned long long)t[i].addr, t[i].len,
		       t[i].sum_ok ? "ok" : "BAD");
	if (fw_dump(image_read, img, t, n, dir, err, sizeof(err)) < 0) {
		fprintf(stderr, "acpi_tables: %s\n", err);
		return 1;
	}
	free(img);
	return 0;
}
