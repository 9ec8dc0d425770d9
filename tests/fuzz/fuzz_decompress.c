// SPDX-License-Identifier: GPL-3.0-or-later
/* libFuzzer target: a compressed kernel payload (gzip, xz, zstd, lz4
 * legacy), detected by its magic as boot_load does; anything else goes
 * through COMP_NONE, the copy. Seeds: the test guest's payloads. */
#include <stdint.h>
#include <stdlib.h>

#include "boot/decompress.h"

/* A small cap keeps each run fast and exercises the bomb check. */
#define FUZZ_MAX_OUT (8u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum compression c = decompress_detect(data, size);
	uint8_t *out;
	size_t out_len;
	char err[256];

	if (!compression_supported(c))
		c = COMP_NONE;
	if (decompress(c, data, size, FUZZ_MAX_OUT, &out, &out_len, err, sizeof(err)) == 0)
		free(out);
	return 0;
}
