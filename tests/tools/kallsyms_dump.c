// SPDX-License-Identifier: GPL-3.0-or-later
/* kallsyms_dump KERNEL: decode the kallsyms tables of KERNEL (a bzImage,
 * whose payload is decompressed first, or a vmlinux) and print them in
 * System.map format, in address order, so that they can be compared with
 * the real System.map (tests/integration/kallsyms_vs_systemmap.sh). The
 * decoding time goes to stderr. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "boot/boot_file.h"
#include "boot/bzimage.h"
#include "boot/decompress.h"
#include "monitor/sym_load.h"
#include "kernel_image.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Decode and print; 0, or 1 with the error on stderr. */
static int dump(const char *path, const uint8_t *img, size_t img_len)
{
	char err[256];
	struct symtab *st = symtab_new();

	if (!st) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	double t0 = now();
	int n = sym_load_kallsyms(st, img, img_len, err, sizeof(err));
	double t1 = now();
	if (n < 0) {
		fprintf(stderr, "%s: %s\n", path, err);
		symtab_free(st);
		return 1;
	}
	fprintf(stderr, "kallsyms: %d symbols decoded in %.3f s\n", n, t1 - t0);
	uint64_t addr;
	char type;
	const char *name;
	for (size_t i = 0; (name = symtab_at(st, i, &addr, &type)); i++)
		printf("%016" PRIx64 " %c %s\n", addr, type, name);
	symtab_free(st);
	return 0;
}

int main(int argc, char **argv)
{
	char err[256];
	uint8_t *file, *img = NULL;
	size_t len, img_len;
	int rc = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: %s bzImage-or-vmlinux\n", argv[0]);
		return 2;
	}
	if (boot_file_slurp(argv[1], DECOMPRESS_MAX_OUT, &file, &len, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", argv[1], err);
		return 1;
	}
	if (kernel_image(file, len, &img, &img_len, err, sizeof(err)))
		fprintf(stderr, "%s: %s\n", argv[1], err);
	else
		rc = dump(argv[1], img, img_len);
	if (img != file)
		free(img);
	free(file);
	return rc;
}
