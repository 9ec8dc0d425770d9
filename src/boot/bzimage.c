// SPDX-License-Identifier: GPL-3.0-or-later
#include "boot/bzimage.h"

#include <string.h>

#include "boot/boot_error.h"
#include "common/le.h"

/* Protocol 2.08 brought payload_offset/payload_length, which hvmon needs
 * to find (and decompress) the kernel proper. */
#define BZ_MIN_VERSION 0x0208

bool bzimage_probe(const uint8_t *img, size_t len)
{
	/* The signatures alone: a file cut inside the header is a truncated
	 * bzImage, which bzimage_parse says, not an unknown format. */
	return len >= BZ_HEADER_MAGIC + 4 && get_le16(img + BZ_BOOT_FLAG) == 0xaa55 &&
	       memcmp(img + BZ_HEADER_MAGIC, "HdrS", 4) == 0;
}

int bzimage_parse(const uint8_t *img, size_t len, struct bzimage *bz,
		  char *err, size_t errlen)
{
	memset(bz, 0, sizeof(*bz));
	if (!bzimage_probe(img, len))
		return boot_fail(err, errlen,
				 "not a bzImage (no 0xAA55 boot flag and \"HdrS\" header)");
	if (len < BZ_HEADER_LIMIT)
		return boot_fail(err, errlen,
				 "truncated bzImage: %zu bytes, the setup header alone takes %d",
				 len, BZ_HEADER_LIMIT);

	bz->version = get_le16(img + BZ_VERSION);
	if (bz->version < BZ_MIN_VERSION)
		return boot_fail(err, errlen,
				 "boot protocol %u.%02u too old (hvmon needs 2.08 or later)",
				 bz->version >> 8, bz->version & 0xff);

	/* boot.rst: "If this field is 0, the real value is 4." */
	unsigned sects = img[BZ_SETUP_SECTS] ? img[BZ_SETUP_SECTS] : 4;
	bz->setup_size = (size_t)(sects + 1) * 512;
	uint64_t sys_bytes = (uint64_t)get_le32(img + BZ_SYSSIZE) * 16;
	if (bz->setup_size > len || sys_bytes > len - bz->setup_size)
		return boot_fail(err, errlen,
				 "truncated bzImage: %zu bytes, header declares %zu setup + %llu kernel bytes",
				 len, bz->setup_size, (unsigned long long)sys_bytes);
	bz->pm_size = len - bz->setup_size;

	/* boot.rst: the header ends at 0x0202 + the byte at 0x0201. */
	bz->header_end = 0x202 + (size_t)img[BZ_JUMP + 1];
	if (bz->header_end > BZ_HEADER_LIMIT)
		bz->header_end = BZ_HEADER_LIMIT;

	bz->loadflags = img[BZ_LOADFLAGS];
	if (!(bz->loadflags & BZ_LOADFLAG_LOADED_HIGH))
		return boot_fail(err, errlen,
				 "zImage (loaded at 0x10000) is not supported, only bzImage");
	bz->initrd_addr_max = get_le32(img + BZ_INITRD_ADDR_MAX);
	bz->kernel_alignment = get_le32(img + BZ_KERNEL_ALIGNMENT);
	bz->relocatable = img[BZ_RELOCATABLE] != 0;
	bz->cmdline_size = get_le32(img + BZ_CMDLINE_SIZE);

	/* Fields from 2.10 and 2.12 (boot.rst "Details of Header Fields"). */
	if (bz->version >= 0x020a) {
		bz->pref_address = get_le64(img + BZ_PREF_ADDRESS);
		bz->init_size = get_le32(img + BZ_INIT_SIZE);
	} else {
		bz->pref_address = 0x100000;
		bz->init_size = 0;
	}
	if (bz->version >= 0x020c)
		bz->xloadflags = get_le16(img + BZ_XLOADFLAGS);

	if (bz->relocatable &&
	    (bz->kernel_alignment == 0 ||
	     (bz->kernel_alignment & (bz->kernel_alignment - 1)) ||
	     bz->kernel_alignment > 0x40000000))
		return boot_fail(err, errlen,
				 "bad kernel_alignment 0x%x (must be a power of two up to 1 GiB)",
				 bz->kernel_alignment);

	/* payload_offset is relative to the protected-mode code. */
	uint32_t poff = get_le32(img + BZ_PAYLOAD_OFFSET);
	uint32_t plen = get_le32(img + BZ_PAYLOAD_LENGTH);
	if (poff > bz->pm_size || plen > bz->pm_size - poff)
		return boot_fail(err, errlen,
				 "payload (offset 0x%x, length 0x%x) lies outside the %zu-byte kernel",
				 poff, plen, bz->pm_size);
	bz->payload_offset = bz->setup_size + poff;
	bz->payload_length = plen;
	return 0;
}
