// SPDX-License-Identifier: GPL-3.0-or-later
/* libFuzzer target: a kernel image file, loaded the way hvmon loads one
 * (boot_load_image): bzImage setup header, payload detection and
 * decompression, the ELF inside or given directly, its PT_LOADs and PVH
 * note, placement in guest RAM and the boot tables. Seeds: the test guest's
 * images (scripts/fuzz-corpus.sh). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boot/boot.h"
#include "vmm/guest_mem.h"

/* Enough for the test guest (loaded at 16 MiB) and a small kernel. */
#define FUZZ_RAM (64ULL << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct guest_mem mem;
	static bool ready;
	struct boot_config cfg = { .kernel_path = "fuzz", .cmdline = "console=ttyS0" };
	struct boot_entry entry;
	struct boot_info info;
	char err[512];

	if (!ready) {
		if (gmem_init(&mem, FUZZ_RAM))
			abort();
		ready = true;
	}
	/* The loader owns a malloc'd copy, as it owns a file it read. */
	uint8_t *file = malloc(size ? size : 1);
	if (!file)
		return 0;
	memcpy(file, data, size);
	if (boot_load_image(&cfg, &mem, file, size, &entry, &info, err, sizeof(err)) == 0)
		boot_info_free(&info);
	return 0;
}
