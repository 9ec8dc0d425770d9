// SPDX-License-Identifier: GPL-3.0-or-later
/* btf_ptype KERNEL TYPE...: print `ptype TYPE` for each TYPE from the BTF
 * hvmon keeps of KERNEL (a bzImage, decompressed first, or a vmlinux), as
 * the monitor's ptype does, without booting it
 * (tests/integration/btf_debian.sh). */
#include <stdio.h>
#include <stdlib.h>

#include "boot/boot_file.h"
#include "boot/bzimage.h"
#include "boot/decompress.h"
#include "monitor/kimage.h"
#include "monitor/ktypes.h"

static int kernel_image(uint8_t *file, size_t len, uint8_t **img, size_t *img_len,
			char *err, size_t errlen)
{
	struct bzimage bz;

	if (!bzimage_probe(file, len)) {
		*img = file;
		*img_len = len;
		return 0;
	}
	if (bzimage_parse(file, len, &bz, err, errlen))
		return -1;
	const uint8_t *payload = file + bz.payload_offset;
	enum compression c = decompress_detect(payload, bz.payload_length);
	return decompress(c, payload, bz.payload_length, DECOMPRESS_MAX_OUT,
			  img, img_len, err, errlen);
}

int main(int argc, char **argv)
{
	char err[256];
	uint8_t *file, *img = NULL;
	size_t len, img_len;
	struct kimage k;
	struct btf *btf = NULL;
	int rc = 1;

	if (argc < 3) {
		fprintf(stderr, "usage: %s bzImage-or-vmlinux TYPE...\n", argv[0]);
		return 2;
	}
	if (boot_file_slurp(argv[1], DECOMPRESS_MAX_OUT, &file, &len, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", argv[1], err);
		return 1;
	}
	if (kernel_image(file, len, &img, &img_len, err, sizeof(err)) ||
	    kimage_load(&k, img, img_len, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", argv[1], err);
		goto out;
	}
	if (!k.btf || !(btf = ktypes_open(k.btf, k.btf_size, err, sizeof(err)))) {
		fprintf(stderr, "%s: %s\n", argv[1], k.btf ? err : "no .BTF");
		kimage_free(&k);
		goto out;
	}
	rc = 0;
	for (int i = 2; i < argc; i++) {
		struct ktype t;
		if (!ktypes_find(btf, argv[i], &t) || ktypes_ptype(btf, t, stdout) < 0) {
			fprintf(stderr, "%s: no type %s\n", argv[1], argv[i]);
			rc = 1;
		}
	}
	ktypes_close(btf);
	kimage_free(&k);
out:
	if (img != file)
		free(img);
	free(file);
	return rc;
}
