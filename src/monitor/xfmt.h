/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The `x/FMT` memory-examine syntax of gdb and QEMU's monitor: parsing
 * "/[count][format letters][size letters]" and printing memory in it. */
#ifndef HVMON_XFMT_H
#define HVMON_XFMT_H

#include <stddef.h>
#include <stdint.h>

/* At most this many units per command, so that one typo cannot ask for
 * gigabytes of output. */
#define XFMT_MAX_COUNT 4096
/* At most this many bytes of one string are shown (then "..."). */
#define XFMT_STRING_MAX 256
/* Longest x86 instruction (SDM vol. 2, 2.3.11): what `i` may need a unit. */
#define XFMT_INSN_MAX 15

struct xfmt {
	unsigned count;	/* units to show */
	char format;	/* x hex, d signed, u unsigned, o octal, t binary, c char,
			 * s string, i instruction (the caller disassembles) */
	unsigned size;	/* bytes per unit: 1 (b), 2 (h), 4 (w), 8 (g) */
};

/* gdb's starting point: count 1, format x, size w. */
void xfmt_init(struct xfmt *f);

/* Apply spec ("/16xg", "/s", "3dw", "" ...; the '/' is optional) to *f. The
 * count starts again at 1 unless given; format and size keep their previous
 * values unless given, which is how gdb remembers them, so keep one struct
 * per monitor. c and s without a size letter mean bytes. Returns 0, or -1
 * with one line in err and *f unchanged. */
int xfmt_parse(const char *spec, struct xfmt *f, char *err, size_t errlen);

/* The most guest memory f can cover: count * size; for s count *
 * XFMT_STRING_MAX, for i count * XFMT_INSN_MAX. */
size_t xfmt_span(const struct xfmt *f);

/* Print buf (guest memory at addr, len bytes) as f's units, gdb's layout:
 * each line starts "0x<16 hex digits>:" and holds 8 units of size b or h,
 * 4 of w, 2 of g. x pads to the size (0x0000000000000001 for g), t to the
 * size in bits, o has a leading 0, c is "72 'H'". Shows min(count, len /
 * size) units. Returns the bytes shown, or -1 when f's format is s or i or
 * out was too small (out is still terminated). */
int xfmt_format_units(const struct xfmt *f, uint64_t addr, const uint8_t *buf, size_t len,
		      char *out, size_t outlen);

/* Print up to f->count C strings starting at buf, one per line:
 * 0x...: "text\n" with C escapes; a string longer than XFMT_STRING_MAX or
 * cut by the end of buf ends in "...". Returns the bytes consumed (the next
 * string's offset), or -1 when out was too small. */
int xfmt_format_strings(const struct xfmt *f, uint64_t addr, const uint8_t *buf, size_t len,
			char *out, size_t outlen);

#endif
