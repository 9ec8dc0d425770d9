/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Detecting and undoing the compression of a bzImage payload. The kernel
 * build appends the uncompressed size (4 bytes, little-endian) after the
 * compressed stream (scripts/Makefile.lib, size_append), so every decoder
 * here stops at the end of its stream and ignores what follows. */
#ifndef HVMON_DECOMPRESS_H
#define HVMON_DECOMPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum compression {
	COMP_NONE,      /* payload is already an ELF */
	COMP_GZIP,
	COMP_XZ,
	COMP_ZSTD,
	COMP_LZ4,       /* lz4 legacy frame ("lz4 -l"), as the kernel uses */
	COMP_BZIP2,     /* recognised, not supported */
	COMP_LZMA,      /* recognised, not supported */
	COMP_LZO,       /* recognised, not supported */
	COMP_UNKNOWN,
};

/* Bound on any decompressed kernel: far above a real vmlinux (Debian's is
 * 66 MB), low enough that a decompression bomb cannot exhaust the host. */
#define DECOMPRESS_MAX_OUT (512ULL << 20)

enum compression decompress_detect(const uint8_t *buf, size_t len);
const char *compression_name(enum compression c);
bool compression_supported(enum compression c);

/* Decompress in[0..in_len) in format c into a new malloc'd buffer (*out,
 * *out_len), producing at most max_out bytes. COMP_NONE copies. Returns 0,
 * or -1 with one error line in err. */
int decompress(enum compression c, const uint8_t *in, size_t in_len,
	       size_t max_out, uint8_t **out, size_t *out_len,
	       char *err, size_t errlen);

#endif
