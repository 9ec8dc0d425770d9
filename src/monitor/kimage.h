/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the debugger keeps from the kernel image once it has booted it:
 * the text range, the ORC unwind tables and the BTF type blob, copied out
 * of the ELF's sections so that the (63 MB) image itself can be freed.
 * Every part is optional: a test guest has text and nothing else. */
#ifndef HVMON_KIMAGE_H
#define HVMON_KIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "monitor/orc.h"

struct kimage {
	uint64_t text_start, text_end;  /* .text, [start, end); 0, 0 when unknown */
	uint64_t init_start, init_end;  /* .init.text (start_kernel is there) */
	struct orc_table orc;           /* n == 0 without ORC */
	uint8_t *btf;                   /* .BTF, or NULL */
	size_t btf_size;
	int version_major, version_minor; /* from "Linux version X.Y"; 0 when not Linux */
	char orc_error[128];            /* why ORC tables present in the image were not kept */
};

/* Fill k from a little-endian ELF64 image (stripped or not). Returns 0 --
 * parts missing from the image are left empty, and ORC tables that do not
 * hold together are left out with the reason in orc_error -- or -1 with
 * one line in err when the image is malformed or memory runs out. */
int kimage_load(struct kimage *k, const uint8_t *elf, size_t size, char *err, size_t errlen);
void kimage_free(struct kimage *k);

/* Whether addr lies in the image's text (.text or .init.text). */
bool kimage_is_text(const struct kimage *k, uint64_t addr);

#endif
