// SPDX-License-Identifier: GPL-3.0-or-later
/* Symbols from the kernel's own kallsyms tables, found by content: a
 * stripped vmlinux (what a bzImage carries) has no symbol table, but
 * CONFIG_KALLSYMS puts every symbol, compressed, into .rodata.
 *
 * The tables, as Linux scripts/kallsyms.c (write_src) emits them, each
 * label aligned to 8 bytes (".balign 8" on 64-bit):
 *   kallsyms_offsets        s32[num_syms]  (CONFIG_KALLSYMS_BASE_RELATIVE)
 *   kallsyms_relative_base  u64
 *   kallsyms_num_syms       u32 (padded to 8)
 *   kallsyms_names          per symbol: a length byte (two when its top
 *                           bit is set: low 7 bits, then bits 7..14), then
 *                           that many token indices
 *   kallsyms_markers        u32[(num_syms + 255) / 256]: offset into names
 *                           of every 256th symbol
 *   kallsyms_seqs_of_names  3 bytes per symbol; Linux 6.2, and backported
 *                           to Debian's 6.1 (6.1.0-56 has it)
 *   kallsyms_token_table    256 NUL-terminated tokens
 *   kallsyms_token_index    u16[256]: offset of each token in the table
 * A symbol's name is its tokens concatenated; the first character is its
 * nm type letter (kernel/kallsyms.c, kallsyms_expand_symbol). Addresses
 * follow kallsyms_sym_address: with CONFIG_KALLSYMS_ABSOLUTE_PERCPU a
 * non-negative offset is the address itself and a negative one means
 * relative_base - 1 - offset; without it, relative_base + (u32)offset.
 *
 * The search (the approach of tools like vmlinux-to-elf): every character
 * that occurs in some symbol is its own one-character token, so the tokens
 * for '0'..'9' read "0\0" "1\0" ... "9\0". Walking back 0x30 tokens from
 * there gives the table start, confirmed by kallsyms_token_index, which
 * must follow and list exactly those offsets. Then, scanning back for
 * kallsyms_num_syms: a candidate count N is accepted only if N names
 * decoded after it end where the markers begin (with or without
 * seqs_of_names between markers and token table) and every marker matches
 * the decoded offsets. Offsets and base sit just before it. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/le.h"
#include "monitor/sym_load.h"

#define KS_ALIGN 8
#define KS_TOKENS 256
/* Linux KSYM_NAME_LEN since 6.1; type letter plus name must fit. */
#define KS_NAME_MAX 512
/* Far above any kernel (Debian 6.1: 94266); bounds the work and memory a
 * hostile count can cause. */
#define KS_MAX_SYMS (1u << 24)
#define KS_SYMS_PER_MARKER 256
/* Candidate counts that pass the cheap checks get their names decoded; a
 * real kernel has one. The cap keeps a crafted image from making the
 * search quadratic. */
#define KS_MAX_DECODES 16

struct ks_image {
	const uint8_t *buf;
	size_t size;
	const char *token[KS_TOKENS];
	size_t token_len[KS_TOKENS];
	size_t token_table;     /* buffer offsets of the tables */
	size_t names, markers, num_syms_at, offsets;
	unsigned decodes;       /* candidates decoded so far */
	uint32_t num_syms;
	uint64_t relative_base;
};

static size_t align_up(size_t v)
{
	return (v + KS_ALIGN - 1) & ~(size_t)(KS_ALIGN - 1);
}

/* Parse 256 tokens at t and check that kallsyms_token_index follows with
 * their offsets. Fills img->token on success. */
static bool tokens_at(struct ks_image *img, size_t t)
{
	size_t pos = t;
	uint16_t offset[KS_TOKENS];

	for (int i = 0; i < KS_TOKENS; i++) {
		if (pos >= img->size || pos - t > UINT16_MAX)
			return false;
		const uint8_t *end = memchr(img->buf + pos, 0, img->size - pos);
		if (!end)
			return false;
		size_t len = (size_t)(end - (img->buf + pos));
		if (len == 0 || len > KS_NAME_MAX)
			return false;
		offset[i] = (uint16_t)(pos - t);
		img->token[i] = (const char *)img->buf + pos;
		img->token_len[i] = len;
		pos += len + 1;
	}
	size_t index = align_up(pos);
	if (index > img->size || img->size - index < 2 * KS_TOKENS)
		return false;
	for (int i = 0; i < KS_TOKENS; i++)
		if (get_le16(img->buf + index + 2 * i) != offset[i])
			return false;
	img->token_table = t;
	return true;
}

/* Given the position of token '0', walk back over tokens 0x2f..0x00 to the
 * start of the table; false when the bytes there cannot be tokens. */
static bool find_table_start(const struct ks_image *img, size_t zero_tok,
			     size_t *start)
{
	size_t pos = zero_tok;

	for (int i = 0; i < '0'; i++) {
		if (pos < 2 || img->buf[pos - 1] != 0)
			return false;
		size_t q = pos - 1;
		while (q > 0 && img->buf[q - 1] != 0 && pos - q <= KS_NAME_MAX)
			q--;
		if (q == pos - 1 || pos - q > KS_NAME_MAX)
			return false;
		pos = q;
	}
	*start = pos;
	return pos % KS_ALIGN == 0;
}

static bool find_token_table(struct ks_image *img)
{
	static const char digits[] = "0\0" "1\0" "2\0" "3\0" "4\0" "5\0" "6\0" "7\0" "8\0" "9";
	const size_t dlen = sizeof(digits);     /* through the last NUL */
	size_t from = 0, start;
	const uint8_t *hit;

	while (from < img->size &&
	       (hit = memmem(img->buf + from, img->size - from, digits, dlen))) {
		size_t at = (size_t)(hit - img->buf);
		if (find_table_start(img, at, &start) && tokens_at(img, start))
			return true;
		from = at + 1;
	}
	return false;
}

/* Expand the name at names offset *off (stopping at limit) into out as
 * "<type><name>\0", and advance *off. False when it is malformed. */
static bool expand_name(const struct ks_image *img, size_t *off, size_t limit,
			char out[KS_NAME_MAX + 1])
{
	size_t p = *off, n = 0;

	if (p >= limit)
		return false;
	size_t len = img->buf[p++];
	if (len & 0x80) {
		if (p >= limit)
			return false;
		len = (len & 0x7f) | (size_t)img->buf[p++] << 7;
	}
	if (len == 0 || len > limit - p)
		return false;
	for (size_t i = 0; i < len; i++) {
		uint8_t tok = img->buf[p + i];
		if (img->token_len[tok] > KS_NAME_MAX - n)
			return false;
		memcpy(out + n, img->token[tok], img->token_len[tok]);
		n += img->token_len[tok];
	}
	out[n] = '\0';
	/* A type letter and at least one name character. */
	if (n < 2 || !((out[0] >= 'a' && out[0] <= 'z') || (out[0] >= 'A' && out[0] <= 'Z')))
		return false;
	*off = p + len;
	return true;
}

/* Do num names at img->names, decoded, end where the markers start and
 * agree with every marker? */
static bool names_consistent(const struct ks_image *img, uint32_t num)
{
	char name[KS_NAME_MAX + 1];
	size_t off = img->names;

	for (uint32_t i = 0; i < num; i++) {
		if (i % KS_SYMS_PER_MARKER == 0 &&
		    get_le32(img->buf + img->markers + 4 * (i / KS_SYMS_PER_MARKER)) != off - img->names)
			return false;
		if (!expand_name(img, &off, img->markers, name))
			return false;
	}
	/* Only the zeros of .balign may follow: a nonzero byte would be a
	 * name that num does not count. */
	if (align_up(off) != img->markers)
		return false;
	for (; off < img->markers; off++)
		if (img->buf[off] != 0)
			return false;
	return true;
}

/* Is there a num_syms at a, followed by names, markers, optionally
 * seqs_of_names (with_seqs), ending at the token table? */
static bool num_syms_candidate(struct ks_image *img, size_t a, bool with_seqs)
{
	uint32_t num = get_le32(img->buf + a);
	size_t t = img->token_table;

	if (num == 0 || num > KS_MAX_SYMS || get_le32(img->buf + a + 4) != 0)
		return false;
	size_t nmarkers = (num + KS_SYMS_PER_MARKER - 1) / KS_SYMS_PER_MARKER;
	size_t tail = align_up(4 * nmarkers) + (with_seqs ? align_up(3 * (size_t)num) : 0);
	size_t names = a + KS_ALIGN;
	/* Each name takes at least a length byte and one token. */
	if (t - names < tail || t - names - tail < 2 * (size_t)num)
		return false;
	size_t markers = t - tail;
	if (get_le32(img->buf + markers) != 0)
		return false;
	for (size_t i = 1; i < nmarkers; i++)
		if (get_le32(img->buf + markers + 4 * i) <= get_le32(img->buf + markers + 4 * (i - 1)))
			return false;
	if (img->decodes++ == KS_MAX_DECODES)
		return false;
	img->names = names;
	img->markers = markers;
	return names_consistent(img, num);
}

static bool find_names(struct ks_image *img)
{
	for (size_t a = img->token_table; a >= KS_ALIGN;) {
		a -= KS_ALIGN;
		if (img->decodes > KS_MAX_DECODES)
			return false;
		if (num_syms_candidate(img, a, false) || num_syms_candidate(img, a, true)) {
			img->num_syms_at = a;
			img->num_syms = get_le32(img->buf + a);
			return true;
		}
	}
	return false;
}

/* relative_base precedes num_syms; the offsets precede it. */
static bool find_offsets(struct ks_image *img)
{
	size_t bytes = align_up(4 * (size_t)img->num_syms);

	if (img->num_syms_at < KS_ALIGN + bytes)
		return false;
	size_t base_at = img->num_syms_at - KS_ALIGN;
	img->relative_base = get_le64(img->buf + base_at);
	img->offsets = base_at - bytes;
	return img->relative_base != 0;
}

/* Absolute-percpu kernels store text as negative offsets; plain
 * base-relative ones never produce a negative (kernel < 2 GiB). */
static bool absolute_percpu(const struct ks_image *img)
{
	for (uint32_t i = 0; i < img->num_syms; i++)
		if ((int32_t)get_le32(img->buf + img->offsets + 4 * (size_t)i) < 0)
			return true;
	return false;
}

static uint64_t sym_address(const struct ks_image *img, uint32_t i, bool abs_percpu)
{
	int32_t off = (int32_t)get_le32(img->buf + img->offsets + 4 * (size_t)i);

	if (!abs_percpu)
		return img->relative_base + (uint32_t)off;
	if (off >= 0)
		return (uint64_t)off;
	return img->relative_base - 1 - (uint64_t)(int64_t)off;
}

/* scripts/kallsyms.c sorts by address: anything else is not a table. */
static bool addresses_sorted(const struct ks_image *img, bool abs_percpu)
{
	for (uint32_t i = 1; i < img->num_syms; i++)
		if (sym_address(img, i, abs_percpu) < sym_address(img, i - 1, abs_percpu))
			return false;
	return true;
}

int sym_load_kallsyms(struct symtab *st, const uint8_t *image, size_t size,
		      char *err, size_t errlen)
{
	struct ks_image img = { .buf = image, .size = size };
	char name[KS_NAME_MAX + 1];

	if (!find_token_table(&img)) {
		snprintf(err, errlen, "no kallsyms token table in the image "
			 "(not a decompressed kernel, or built without CONFIG_KALLSYMS)");
		return -1;
	}
	if (!find_names(&img)) {
		snprintf(err, errlen, "kallsyms token table at offset %#zx, but no "
			 "consistent names and markers before it", img.token_table);
		return -1;
	}
	bool abs_percpu = false;
	if (find_offsets(&img))
		abs_percpu = absolute_percpu(&img);
	if (img.relative_base == 0 || !addresses_sorted(&img, abs_percpu)) {
		snprintf(err, errlen, "kallsyms names at offset %#zx, but no sorted "
			 "base-relative address table before them", img.names);
		return -1;
	}
	size_t off = img.names;
	for (uint32_t i = 0; i < img.num_syms; i++) {
		/* names_consistent has decoded all of them once already. */
		if (!expand_name(&img, &off, img.markers, name) ||
		    symtab_add(st, sym_address(&img, i, abs_percpu), 0, name[0], name + 1)) {
			snprintf(err, errlen, "out of memory loading kallsyms");
			return -1;
		}
	}
	if (symtab_finish(st)) {
		snprintf(err, errlen, "out of memory sorting symbols");
		return -1;
	}
	symtab_set_source(st, "kallsyms");
	return (int)img.num_syms;
}
