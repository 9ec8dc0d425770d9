// SPDX-License-Identifier: GPL-3.0-or-later
/* Recognising an initrd's format (initrd_format.h). */
#include "boot/initrd_format.h"

#include <stdio.h>
#include <string.h>

struct magic {
	enum initrd_format f;
	const char *bytes;
	size_t len;
};

/* init/initramfs.c (cpio headers) and lib/decompress.c's compressed_formats
 * table; the lz4 frame magic (lz4 frame format spec, 0x184D2204 little-
 * endian) is listed so it can be named: the kernel reads only the legacy
 * frame. */
static const struct magic magics[] = {
	{ INITRD_CPIO_NEWC,  "070701", 6 },
	{ INITRD_CPIO_NEWC,  "070702", 6 },
	{ INITRD_CPIO_ODC,   "070707", 6 },
	{ INITRD_GZIP,       "\x1f\x8b", 2 },
	{ INITRD_GZIP,       "\x1f\x9e", 2 },   /* old gzip, as the kernel lists */
	{ INITRD_BZIP2,      "BZh", 3 },
	{ INITRD_LZMA,       "\x5d\x00", 2 },
	{ INITRD_XZ,         "\xfd" "7zXZ\0", 6 },
	{ INITRD_LZO,        "\x89LZO", 4 },
	{ INITRD_LZ4_LEGACY, "\x02\x21\x4c\x18", 4 },
	{ INITRD_LZ4_FRAME,  "\x04\x22\x4d\x18", 4 },
	{ INITRD_ZSTD,       "\x28\xb5\x2f\xfd", 4 },
};

enum initrd_format initrd_format_detect(const uint8_t *buf, size_t len)
{
	size_t i = 0;

	/* unpack_to_rootfs skips NUL bytes between (and before) archives. */
	while (i < len && buf[i] == 0)
		i++;
	if (i == len)
		return INITRD_EMPTY;
	for (size_t m = 0; m < sizeof(magics) / sizeof(magics[0]); m++)
		if (len - i >= magics[m].len && !memcmp(buf + i, magics[m].bytes, magics[m].len))
			return magics[m].f;
	return INITRD_UNKNOWN;
}

const char *initrd_format_name(enum initrd_format f)
{
	switch (f) {
	case INITRD_CPIO_NEWC:  return "cpio (newc)";
	case INITRD_CPIO_ODC:   return "cpio (odc)";
	case INITRD_GZIP:       return "gzip";
	case INITRD_BZIP2:      return "bzip2";
	case INITRD_LZMA:       return "lzma";
	case INITRD_XZ:         return "xz";
	case INITRD_LZO:        return "lzo";
	case INITRD_LZ4_LEGACY: return "lz4";
	case INITRD_LZ4_FRAME:  return "lz4 (frame)";
	case INITRD_ZSTD:       return "zstd";
	case INITRD_EMPTY:      return "empty";
	case INITRD_UNKNOWN:    break;
	}
	return "unknown";
}

char *initrd_format_warning(enum initrd_format f, const uint8_t *buf, size_t len,
			    char *out, size_t outlen)
{
	size_t i = 0;

	while (i < len && buf[i] == 0)
		i++;
	switch (f) {
	case INITRD_CPIO_ODC:
		snprintf(out, outlen, "the initrd is an old-format (odc) cpio archive; "
			 "Linux unpacks only newc (cpio -H newc)");
		break;
	case INITRD_LZ4_FRAME:
		snprintf(out, outlen, "the initrd is lz4 in the frame format; "
			 "Linux reads only the legacy format (lz4 -l)");
		break;
	case INITRD_EMPTY:
		snprintf(out, outlen, "the initrd is empty (%zu bytes, all zero)", len);
		break;
	case INITRD_UNKNOWN: {
		char hex[3 * 8 + 1] = "";
		size_t used = 0;
		for (size_t k = 0; k < 8 && i + k < len; k++)
			used += (size_t)snprintf(hex + used, sizeof(hex) - used, "%s%02x",
						 k ? " " : "", buf[i + k]);
		snprintf(out, outlen, "the initrd is neither a cpio archive nor compressed in a "
			 "format Linux unpacks (gzip, bzip2, lzma, xz, lzo, lz4, zstd): it starts "
			 "%s at offset %zu", hex, i);
		break;
	}
	default:
		if (outlen)
			out[0] = '\0';
		break;
	}
	return out;
}
