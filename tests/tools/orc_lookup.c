// SPDX-License-Identifier: GPL-3.0-or-later
/* orc_lookup KERNEL: load what the debugger keeps of KERNEL (a bzImage,
 * decompressed first, or a vmlinux: see src/monitor/kimage.h), print a
 * summary line to stderr, then for every hex address read on stdin print
 * "ADDRESS RULE", the ORC entry covering it ("none" when there is none),
 * so that tests/integration/orc_vs_systemmap.sh can check the table
 * against the real System.map. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "boot/boot_file.h"
#include "boot/bzimage.h"
#include "boot/decompress.h"
#include "monitor/kimage.h"
#include "kernel_image.h"

static void lookups(const struct kimage *k)
{
	char line[64];
	while (fgets(line, sizeof(line), stdin)) {
		uint64_t addr = strtoull(line, NULL, 16);
		const struct orc_entry *e = orc_find(&k->orc, addr);
		char rule[64] = "none";
		if (e)
			orc_entry_format(e, rule, sizeof(rule));
		printf("%016" PRIx64 " %s\n", addr, rule);
	}
}

int main(int argc, char **argv)
{
	char err[256];
	uint8_t *file, *img = NULL;
	size_t len, img_len;
	struct kimage k;
	int rc = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: %s bzImage-or-vmlinux\n", argv[0]);
		return 2;
	}
	if (boot_file_slurp(argv[1], DECOMPRESS_MAX_OUT, &file, &len, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", argv[1], err);
		return 1;
	}
	if (kernel_image(file, len, &img, &img_len, err, sizeof(err)) ||
	    kimage_load(&k, img, img_len, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", argv[1], err);
	} else {
		fprintf(stderr, "Linux %d.%d text=0x%" PRIx64 "-0x%" PRIx64 " init=0x%" PRIx64
			"-0x%" PRIx64 " orc=%zu btf=%zu\n", k.version_major, k.version_minor,
			k.text_start, k.text_end, k.init_start, k.init_end, k.orc.n, k.btf_size);
		lookups(&k);
		kimage_free(&k);
		rc = 0;
	}
	if (img != file)
		free(img);
	free(file);
	return rc;
}
