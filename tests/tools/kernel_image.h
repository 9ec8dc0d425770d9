/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The tools' one way to a kernel image: the vmlinux inside a bzImage
 * (decompressed), or the file itself when it is not one. */
#ifndef HVMON_TOOLS_KERNEL_IMAGE_H
#define HVMON_TOOLS_KERNEL_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "boot/bzimage.h"
#include "boot/decompress.h"

static inline int kernel_image(uint8_t *file, size_t len, uint8_t **img, size_t *img_len,
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

#endif
