// SPDX-License-Identifier: GPL-3.0-or-later
/* boot_load(): read the kernel, decide the protocol, hand over to the
 * linux64 or PVH loader. */
#include "boot/boot.h"

#include <stdlib.h>
#include <string.h>

#include "boot/boot_error.h"
#include "boot/boot_file.h"
#include "boot/bzimage.h"
#include "boot/decompress.h"
#include "boot/elf_kernel.h"
#include "boot/initrd_format.h"
#include "boot/linux64.h"
#include "boot/pvh.h"

/* Kernel files and decompressed kernels share one bound. */
#define KERNEL_FILE_MAX DECOMPRESS_MAX_OUT

const char *boot_proto_name(enum boot_proto p)
{
	switch (p) {
	case BOOT_AUTO:    return "auto";
	case BOOT_PVH:     return "pvh";
	case BOOT_LINUX64: return "linux64";
	}
	return "unknown";
}

void boot_info_free(struct boot_info *info)
{
	free(info->elf);
	info->elf = NULL;
	info->elf_size = 0;
}

/* A plain ELF file: PVH is the only way in. */
static int boot_elf_file(const struct boot_config *cfg, const struct guest_mem *mem,
			 struct boot_entry *entry, struct boot_info *info,
			 char *err, size_t errlen)
{
	struct elf_kernel k;
	char why[256];

	if (cfg->proto == BOOT_LINUX64)
		return boot_fail(err, errlen,
				 "%s: an ELF kernel boots only through PVH; --boot linux64 needs a bzImage",
				 cfg->kernel_path);
	if (elf_kernel_parse(info->elf, info->elf_size, &k, why, sizeof(why)) < 0)
		return boot_fail(err, errlen, "%s: %s", cfg->kernel_path, why);
	if (!k.has_pvh_entry)
		return boot_fail(err, errlen,
				 "%s: ELF kernel has no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)",
				 cfg->kernel_path);
	info->proto = BOOT_PVH;
	return pvh_load(mem, info->elf, &k, cfg, entry, info, err, errlen);
}

/* A bzImage: when its payload unpacks to an ELF with a PVH note, boot that
 * ELF through PVH (unless linux64 was asked for): the host decompresses in
 * a fraction of a second what the kernel's own decompressor would do in
 * ring 0. The unpacked ELF is kept either way, for the kernel's symbols. */
static int boot_bzimage_file(const struct boot_config *cfg, const struct guest_mem *mem,
			     const uint8_t *img, size_t len,
			     struct boot_entry *entry, struct boot_info *info,
			     char *err, size_t errlen)
{
	struct bzimage bz;
	struct elf_kernel k = { 0 };
	char why[256];

	if (bzimage_parse(img, len, &bz, why, sizeof(why)) < 0)
		return boot_fail(err, errlen, "%s: %s", cfg->kernel_path, why);
	info->protocol_version = bz.version;
	const uint8_t *payload = img + bz.payload_offset;
	enum compression c = decompress_detect(payload, bz.payload_length);
	info->compression = compression_name(c);

	if (compression_supported(c)) {
		if (decompress(c, payload, bz.payload_length, DECOMPRESS_MAX_OUT,
			       &info->elf, &info->elf_size, why, sizeof(why)) < 0)
			return boot_fail(err, errlen, "%s: payload: %s", cfg->kernel_path, why);
		if (elf_kernel_parse(info->elf, info->elf_size, &k, why, sizeof(why)) < 0) {
			if (cfg->proto == BOOT_PVH)
				return boot_fail(err, errlen, "%s: decompressed payload: %s",
						 cfg->kernel_path, why);
			boot_info_free(info);
		}
	} else if (cfg->proto == BOOT_PVH) {
		return boot_fail(err, errlen,
				 "%s: cannot unpack the %s payload for PVH (hvmon handles gzip, xz, zstd, lz4)",
				 cfg->kernel_path, info->compression);
	}

	if (cfg->proto != BOOT_LINUX64 && k.has_pvh_entry) {
		info->proto = BOOT_PVH;
		return pvh_load(mem, info->elf, &k, cfg, entry, info, err, errlen);
	}
	if (cfg->proto == BOOT_PVH)
		return boot_fail(err, errlen,
				 "%s: the decompressed kernel has no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)",
				 cfg->kernel_path);
	info->proto = BOOT_LINUX64;
	return linux64_load(mem, img, &bz, cfg, entry, info, err, errlen);
}

/* Name the initrd's format as loaded, and warn about one the kernel would
 * not unpack (initrd_format.h). */
static void check_initrd(const struct guest_mem *mem, struct boot_info *info)
{
	const uint8_t *p = gmem_ptr(mem, info->initrd_addr, info->initrd_size);

	if (!p)
		return;
	enum initrd_format f = initrd_format_detect(p, info->initrd_size);
	info->initrd_format = initrd_format_name(f);
	initrd_format_warning(f, p, info->initrd_size, info->initrd_warning,
			      sizeof(info->initrd_warning));
}

int boot_load(const struct boot_config *cfg, const struct guest_mem *mem,
	      struct boot_entry *entry, struct boot_info *info,
	      char *err, size_t errlen)
{
	uint8_t *file;
	size_t len;

	memset(entry, 0, sizeof(*entry));
	memset(info, 0, sizeof(*info));
	info->compression = "none";
	if (boot_file_slurp(cfg->kernel_path, KERNEL_FILE_MAX, &file, &len, err, errlen) < 0)
		return -1;
	return boot_load_image(cfg, mem, file, len, entry, info, err, errlen);
}

int boot_load_image(const struct boot_config *cfg, const struct guest_mem *mem,
		    uint8_t *file, size_t len, struct boot_entry *entry,
		    struct boot_info *info, char *err, size_t errlen)
{
	int rc;

	memset(entry, 0, sizeof(*entry));
	memset(info, 0, sizeof(*info));
	info->compression = "none";
	if (elf_probe(file, len)) {
		info->elf = file;       /* the file is the ELF; the info owns it */
		info->elf_size = len;
		rc = boot_elf_file(cfg, mem, entry, info, err, errlen);
	} else if (bzimage_probe(file, len)) {
		rc = boot_bzimage_file(cfg, mem, file, len, entry, info, err, errlen);
		free(file);
	} else {
		free(file);
		rc = boot_fail(err, errlen, "%s: neither a bzImage nor an ELF kernel",
			       cfg->kernel_path);
	}
	if (rc < 0)
		boot_info_free(info);
	else if (info->initrd_size)
		check_initrd(mem, info);
	return rc;
}
