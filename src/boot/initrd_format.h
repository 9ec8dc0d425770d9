/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What an initrd is, judged as Linux's initramfs unpacker judges it
 * (init/initramfs.c unpack_to_rootfs, lib/decompress.c): NUL padding is
 * skipped, then a newc cpio archive ("070701", or "070702" with checksums)
 * or a compressed one by its magic. Anything else the kernel does not
 * unpack (it then treats the initrd as an old-style ramdisk image, or
 * drops it): hvmon warns, naming what it found, and boots on. */
#ifndef HVMON_INITRD_FORMAT_H
#define HVMON_INITRD_FORMAT_H

#include <stddef.h>
#include <stdint.h>

enum initrd_format {
	INITRD_CPIO_NEWC,    /* 070701 / 070702 */
	INITRD_CPIO_ODC,     /* 070707: cpio's old portable format */
	INITRD_GZIP,
	INITRD_BZIP2,
	INITRD_LZMA,
	INITRD_XZ,
	INITRD_LZO,
	INITRD_LZ4_LEGACY,
	INITRD_LZ4_FRAME,
	INITRD_ZSTD,
	INITRD_EMPTY,        /* nothing, or only NUL padding */
	INITRD_UNKNOWN,
};

/* The format of buf[0..len), after any NUL padding. */
enum initrd_format initrd_format_detect(const uint8_t *buf, size_t len);

/* "cpio (newc)", "gzip", "lz4 (frame)", ... "unknown". */
const char *initrd_format_name(enum initrd_format f);

/* Why Linux would not unpack it, as one line into buf (len bytes), or
 * "" when it would. Returns buf. */
char *initrd_format_warning(enum initrd_format f, const uint8_t *buf, size_t len,
			    char *out, size_t outlen);

#endif
