// SPDX-License-Identifier: GPL-3.0-or-later
/* btf_ptype KERNEL TYPE...: print `ptype TYPE` for each TYPE from the BTF
 * hvmon keeps of KERNEL (a bzImage, decompressed first, or a vmlinux), as
 * the monitor's ptype does, without booting it; the TYPE --prb prints the
 * printk ring-buffer layout dmesg takes from that BTF instead
 * (tests/integration/btf_debian.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/boot_file.h"
#include "boot/bzimage.h"
#include "boot/decompress.h"
#include "monitor/kimage.h"
#include "monitor/ktypes.h"
#include "monitor/printk_rb.h"
#include "kernel_image.h"

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
		struct prb_layout l;
		if (!strcmp(argv[i], "--prb")) {
			if (prb_layout_from_btf(btf, &l, err, sizeof(err)) < 0) {
				fprintf(stderr, "%s: %s\n", argv[1], err);
				rc = 1;
				continue;
			}
			printf("prb: desc_ring=%zu count_bits=%zu descs=%zu infos=%zu head_id=%zu "
			       "tail_id=%zu text_ring=%zu size_bits=%zu data=%zu desc_size=%zu "
			       "state_var=%zu begin=%zu next=%zu info_size=%zu seq=%zu ts_nsec=%zu "
			       "text_len=%zu/%zu level=%zu:%u\n", l.desc_ring, l.count_bits, l.descs,
			       l.infos, l.head_id, l.tail_id, l.text_ring, l.size_bits, l.data,
			       l.desc_size, l.state_var, l.lpos_begin, l.lpos_next, l.info_size, l.seq,
			       l.ts_nsec, l.text_len, l.text_len_size, l.level_bit, l.level_bits);
			continue;
		}
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
