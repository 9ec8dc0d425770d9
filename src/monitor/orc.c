// SPDX-License-Identifier: GPL-3.0-or-later
/* ORC tables: decoding and lookup (see orc.h for the formats). */
#include <stdio.h>
#include <stdlib.h>

#include "common/le.h"
#include "monitor/orc.h"

enum orc_layout orc_layout_for_version(int major, int minor)
{
	if (major > 6 || (major == 6 && minor >= 4))
		return ORC_LAYOUT_64;
	if (major == 6 && minor == 3)
		return ORC_LAYOUT_63;
	return ORC_LAYOUT_5X;
}

void orc_decode(const uint8_t raw[ORC_ENTRY_SIZE], enum orc_layout layout,
		struct orc_entry *out)
{
	out->sp_offset = (int16_t)get_le16(raw);
	out->bp_offset = (int16_t)get_le16(raw + 2);
	out->sp_reg = raw[4] & 0xf;
	out->bp_reg = raw[4] >> 4;
	unsigned flags = raw[5];
	if (layout == ORC_LAYOUT_64) {
		static const enum orc_type t64[8] = {
			ORC_UNDEFINED, ORC_END, ORC_CALL, ORC_REGS, ORC_REGS_PARTIAL,
			ORC_UNDEFINED, ORC_UNDEFINED, ORC_UNDEFINED,
		};
		out->type = t64[flags & 7];
		out->signal = flags & 8;
		return;
	}
	/* Before 6.4, end-of-stack was its own bit and "undefined" was an
	 * entry whose sp_reg is ORC_REG_UNDEFINED (UNWIND_HINT_EMPTY sets
	 * both: end wins, as in the kernel's unwind_next_frame). */
	bool end = layout == ORC_LAYOUT_63 ? flags & 8 : flags & 4;
	static const enum orc_type t5x[4] = { ORC_CALL, ORC_REGS, ORC_REGS_PARTIAL, ORC_UNDEFINED };
	out->type = end ? ORC_END : out->sp_reg == ORC_REG_UNDEFINED ? ORC_UNDEFINED : t5x[flags & 3];
	/* 6.3's signal bit; earlier kernels treat every regs frame as one. */
	out->signal = layout == ORC_LAYOUT_63 ? (flags & 4) != 0 : out->type != ORC_CALL;
}

int orc_table_build(struct orc_table *t, const uint8_t *ip_sec, uint64_t ip_sec_addr,
		    const uint8_t *entries, size_t n, enum orc_layout layout,
		    char *err, size_t errlen)
{
	t->n = 0;
	t->ip = malloc(n ? n * sizeof(*t->ip) : 1);
	t->entry = malloc(n ? n * sizeof(*t->entry) : 1);
	if (!t->ip || !t->entry) {
		orc_table_free(t);
		snprintf(err, errlen, "out of memory for %zu ORC entries", n);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		int32_t rel = (int32_t)get_le32(ip_sec + 4 * i);
		t->ip[i] = ip_sec_addr + 4 * i + (uint64_t)(int64_t)rel;
		if (i > 0 && t->ip[i] < t->ip[i - 1]) {
			snprintf(err, errlen, ".orc_unwind_ip is not sorted at entry %zu", i);
			orc_table_free(t);
			return -1;
		}
		orc_decode(entries + ORC_ENTRY_SIZE * i, layout, &t->entry[i]);
	}
	t->n = n;
	return 0;
}

void orc_table_free(struct orc_table *t)
{
	free(t->ip);
	free(t->entry);
	t->ip = NULL;
	t->entry = NULL;
	t->n = 0;
}

const struct orc_entry *orc_find(const struct orc_table *t, uint64_t ip)
{
	if (!t || t->n == 0 || ip < t->ip[0])
		return NULL;
	size_t lo = 0, hi = t->n;       /* answer in [lo, hi) */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->ip[mid] <= ip)
			lo = mid;
		else
			hi = mid;
	}
	return &t->entry[lo];
}

static const char *reg_name(unsigned reg)
{
	static const char *const names[] = {
		"undef", "prevsp", "dx", "di", "bp", "sp", "r10", "r13", "bp(ind)", "sp(ind)",
	};
	return reg < sizeof(names) / sizeof(names[0]) ? names[reg] : "?";
}

void orc_entry_format(const struct orc_entry *e, char *out, size_t len)
{
	static const char *const types[] = { "undefined", "end", "call", "regs", "regs_partial" };
	if (e->type == ORC_UNDEFINED || e->type == ORC_END) {
		snprintf(out, len, "%s", types[e->type]);
		return;
	}
	char bp[32] = "bp unchanged";
	if (e->bp_reg != ORC_REG_UNDEFINED)
		snprintf(bp, sizeof(bp), "bp at %s%+d", reg_name(e->bp_reg), e->bp_offset);
	snprintf(out, len, "cfa=%s%+d %s %s%s", reg_name(e->sp_reg), e->sp_offset, bp,
		 types[e->type], e->signal ? " signal" : "");
}
