// SPDX-License-Identifier: GPL-3.0-or-later
#include "boot/fw_walk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/fw_tables.h"
#include "common/le.h"

#define XSDT_MAX_ENTRIES 32

struct walk {
	fw_read_fn rd;
	void *ctx;
	struct fw_found *out;
	int n, max;
};

/* Sum len bytes at addr; -1 when unreadable. */
static int sum_at(struct walk *w, uint64_t addr, uint32_t len)
{
	uint8_t buf[4096];
	uint8_t s = 0;

	for (uint32_t done = 0; done < len;) {
		uint32_t n = len - done < sizeof(buf) ? len - done : (uint32_t)sizeof(buf);
		if (w->rd(w->ctx, addr + done, buf, n) < 0)
			return -1;
		s = (uint8_t)(s + fw_sum8(buf, n));
		done += n;
	}
	return s;
}

static struct fw_found *add(struct walk *w, const char *sig, uint64_t addr, uint32_t len,
			    bool acpi, bool has_sum)
{
	if (w->n >= w->max)
		return NULL;
	struct fw_found *f = &w->out[w->n++];
	int s = len && len <= FW_TABLE_MAX_LEN ? sum_at(w, addr, len) : -1;

	*f = (struct fw_found){ .addr = addr, .len = len, .acpi = acpi, .readable = s >= 0,
				.sum_ok = s == 0 || (s > 0 && !has_sum) };
	snprintf(f->sig, sizeof(f->sig), "%.4s", sig);
	for (int i = 0; i < 4; i++)
		if ((unsigned char)f->sig[i] < 0x20 || (unsigned char)f->sig[i] > 0x7e)
			f->sig[i] = '?';
	return f;
}

/* A table with a standard header at addr: its signature and length. */
static struct fw_found *add_sdt(struct walk *w, uint64_t addr)
{
	uint8_t h[8];

	if (!addr || w->rd(w->ctx, addr, h, sizeof(h)) < 0)
		return add(w, "????", addr, 0, true, true);
	return add(w, (const char *)h, addr, get_le32(h + 4), true, true);
}

/* 5.2.5.1: "RSD PTR " on a 16-byte boundary whose first 20 bytes sum to
 * 0. */
static uint64_t find_rsdp(struct walk *w)
{
	uint8_t b[20];

	for (uint64_t a = FW_AREA_START; a < FW_AREA_END; a += 16)
		if (w->rd(w->ctx, a, b, sizeof(b)) == 0 && !memcmp(b, "RSD PTR ", 8) &&
		    fw_sum8(b, 20) == 0)
			return a;
	return 0;
}

static void walk_acpi(struct walk *w)
{
	uint8_t rsdp[36], fadt[148], x[8];
	uint64_t at = find_rsdp(w);

	if (!at || w->rd(w->ctx, at, rsdp, sizeof(rsdp)) < 0)
		return;
	bool v2 = rsdp[15] >= 2;
	add(w, "RSDP", at, v2 ? 36 : 20, true, true);
	uint64_t root = v2 ? get_le64(rsdp + 24) : get_le32(rsdp + 16);
	struct fw_found *t = add_sdt(w, root);
	if (!t || !t->readable)
		return;
	unsigned esize = v2 ? 8 : 4;
	uint32_t nent = t->len > 36 ? (t->len - 36) / esize : 0;
	if (nent > XSDT_MAX_ENTRIES)
		nent = XSDT_MAX_ENTRIES;
	for (uint32_t i = 0; i < nent; i++) {
		if (w->rd(w->ctx, root + 36 + i * esize, x, esize) < 0)
			return;
		uint64_t a = esize == 8 ? get_le64(x) : get_le32(x);
		struct fw_found *e = add_sdt(w, a);
		if (!e || strcmp(e->sig, "FACP") || e->len < sizeof(fadt) ||
		    w->rd(w->ctx, a, fadt, sizeof(fadt)) < 0)
			continue;
		/* The 64-bit fields win when set (5.2.9, X_FIRMWARE_CTRL, X_DSDT). */
		uint64_t facs = get_le64(fadt + 132) ? get_le64(fadt + 132) : get_le32(fadt + 36);
		uint64_t dsdt = get_le64(fadt + 140) ? get_le64(fadt + 140) : get_le32(fadt + 40);
		if (facs && w->rd(w->ctx, facs, x, 8) == 0)
			add(w, "FACS", facs, get_le32(x + 4), true, false);
		add_sdt(w, dsdt);
	}
}

/* MP 1.4 4.1: "_MP_" on a 16-byte boundary in the BIOS ROM area, 16
 * bytes summing to 0, pointing at the "PCMP" table. */
static void walk_mp(struct walk *w)
{
	uint8_t f[16], h[8];

	for (uint64_t a = FW_MP_ADDR; a < FW_AREA_END; a += 16) {
		if (w->rd(w->ctx, a, f, sizeof(f)) < 0 || memcmp(f, "_MP_", 4) ||
		    fw_sum8(f, 16))
			continue;
		add(w, "_MP_", a, 16, false, true);
		uint64_t cfg = get_le32(f + 4);
		if (cfg && w->rd(w->ctx, cfg, h, sizeof(h)) == 0)
			add(w, (const char *)h, cfg, get_le16(h + 4), false, true);
		return;
	}
}

int fw_walk(fw_read_fn rd, void *ctx, struct fw_found *out, int max)
{
	struct walk w = { .rd = rd, .ctx = ctx, .out = out, .max = max };

	walk_acpi(&w);
	walk_mp(&w);
	return w.n;
}
