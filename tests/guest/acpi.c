// SPDX-License-Identifier: GPL-3.0-or-later
/* Reading hvmon's ACPI tables the way a kernel does, with every length and
 * offset checked against what was mapped: a broken table ends the search,
 * never the guest. The AML walk knows the encodings hvmon emits (ACPI 6.5
 * chapter 20): Device (ExtOp 0x82) with a PkgLength, Name(_HID, "string")
 * and Name(_CRS, Buffer), and \_S5 as Name(_S5_, Package); anything else
 * is skipped. */
#include "acpi.h"

#include <stddef.h>

static uint64_t rsdp_pa;

static uint32_t le16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const uint8_t *p)
{
	return le16(p) | le16(p + 2) << 16;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static bool same(const uint8_t *p, const char *s, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (p[i] != (uint8_t)s[i])
			return false;
	return true;
}

static uint8_t sum(const uint8_t *p, uint64_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

static bool rsdp_at(uint64_t pa)
{
	const uint8_t *r = acpi_phys(pa, 36);

	return r && same(r, "RSD PTR ", 8) && sum(r, 20) == 0 &&
	       (r[15] < 2 || sum(r, 36) == 0);
}

uint64_t acpi_init(uint64_t hint)
{
	rsdp_pa = 0;
	if (hint && rsdp_at(hint))
		return rsdp_pa = hint;
	for (uint64_t pa = 0xe0000; pa < 0x100000; pa += 16)
		if (rsdp_at(pa))
			return rsdp_pa = pa;
	return 0;
}

/* A whole table with a good checksum, or NULL; *len its length. */
static const uint8_t *table_at(uint64_t pa, uint32_t *len)
{
	const uint8_t *h = pa ? acpi_phys(pa, 36) : NULL;

	if (!h || le32(h + 4) < 36 || le32(h + 4) > (1u << 20))
		return NULL;
	*len = le32(h + 4);
	h = acpi_phys(pa, *len);
	return h && sum(h, *len) == 0 ? h : NULL;
}

/* The table with signature sig listed in the XSDT (or the RSDT of an ACPI
 * 1.0 RSDP). */
static const uint8_t *find_table(const char *sig, uint32_t *len)
{
	const uint8_t *r = rsdp_pa ? acpi_phys(rsdp_pa, 36) : NULL;
	uint32_t rlen;

	if (!r)
		return NULL;
	bool x = r[15] >= 2 && le64(r + 24);
	const uint8_t *root = table_at(x ? le64(r + 24) : le32(r + 16), &rlen);
	unsigned esize = x ? 8 : 4;
	if (!root)
		return NULL;
	for (uint32_t o = 36; o + esize <= rlen; o += esize) {
		uint64_t pa = x ? le64(root + o) : le32(root + o);
		const uint8_t *t = table_at(pa, len);
		if (t && same(t, sig, 4))
			return t;
	}
	return NULL;
}

int acpi_cpu_apic_ids(uint32_t *ids, int max)
{
	uint32_t len;
	const uint8_t *m = find_table("APIC", &len);
	int n = 0;

	if (!m)
		return 0;
	/* 5.2.12: entries from offset 44, each type, length. */
	for (uint32_t o = 44; o + 2 <= len && n < max; o += m[o + 1]) {
		uint8_t type = m[o], elen = m[o + 1];
		if (elen < 2 || o + elen > len)
			break;
		if (type == 0 && elen >= 8 && (le32(m + o + 4) & 1))
			ids[n++] = m[o + 3];
		else if (type == 9 && elen >= 16 && (le32(m + o + 8) & 1))
			ids[n++] = le32(m + o + 4);
	}
	return n;
}

/* The DSDT through the FADT (X_DSDT when set, 5.2.9). */
static const uint8_t *dsdt(uint32_t *len)
{
	uint32_t flen;
	const uint8_t *f = find_table("FACP", &flen);

	if (!f || flen < 44)
		return NULL;
	uint64_t pa = flen >= 148 && le64(f + 140) ? le64(f + 140) : le32(f + 40);
	const uint8_t *d = table_at(pa, len);
	return d && same(d, "DSDT", 4) ? d : NULL;
}

/* PkgLength at p (20.2.4), at most end: the length and, in *n, its own
 * bytes; 0 when malformed. */
static uint32_t pkglength(const uint8_t *p, const uint8_t *end, unsigned *n)
{
	if (p >= end)
		return 0;
	*n = 1 + (p[0] >> 6);
	if (p + *n > end)
		return 0;
	if (*n == 1)
		return p[0] & 0x3f;
	uint32_t v = p[0] & 0x0f;
	for (unsigned i = 1; i < *n; i++)
		v |= (uint32_t)p[i] << (4 + 8 * (i - 1));
	return v;
}

/* An AML integer (20.2.3) at p: its value, and in *n its bytes; false
 * when p holds none. */
static bool integer(const uint8_t *p, const uint8_t *end, uint64_t *v, unsigned *n)
{
	static const unsigned size[] = { [0x0a] = 1, [0x0b] = 2, [0x0c] = 4, [0x0e] = 8 };

	if (p >= end)
		return false;
	if (p[0] == 0x00 || p[0] == 0x01) {
		*v = p[0];
		*n = 1;
		return true;
	}
	if (p[0] > 0x0e || !size[p[0]] || p + 1 + size[p[0]] > end)
		return false;
	*v = 0;
	for (unsigned i = 0; i < size[p[0]]; i++)
		*v |= (uint64_t)p[1 + i] << (8 * i);
	*n = 1 + size[p[0]];
	return true;
}

/* Name(seg, ...) directly at p: what follows the name, or NULL. */
static const uint8_t *name_of(const uint8_t *p, const uint8_t *end, const char *seg)
{
	if (p >= end || p[0] != 0x08)
		return NULL;
	p++;
	if (p < end && p[0] == 0x5c)
		p++;                                    /* Name(\_S5_, ...) */
	if (p + 4 > end || !same(p, seg, 4))
		return NULL;
	return p + 4;
}

/* Resource descriptors of a _CRS buffer (6.4): the first Memory32Fixed and
 * the first Extended Interrupt. */
static bool parse_crs(const uint8_t *p, const uint8_t *end, struct acpi_mmio_dev *d)
{
	bool mem = false, irq = false;

	while (p < end) {
		if (!(p[0] & 0x80)) {                   /* small item */
			if ((p[0] >> 3) == 0x0f)
				break;                  /* End Tag */
			p += 1 + (p[0] & 7);
			continue;
		}
		if (p + 3 > end)
			break;
		uint32_t len = le16(p + 1);
		if (p + 3 + len > end)
			break;
		if (p[0] == 0x86 && len >= 9) {
			d->base = le32(p + 4);
			d->size = le32(p + 8);
			mem = true;
		} else if (p[0] == 0x89 && len >= 6 && p[4] >= 1) {
			d->irq = le32(p + 5);
			irq = true;
		}
		p += 3 + len;
	}
	return mem && irq;
}

/* A Device body [p, end): LNRO0005 in _HID and the _CRS read into d. Nested
 * devices are passed over. */
static bool lnro_device(const uint8_t *p, const uint8_t *end, struct acpi_mmio_dev *d)
{
	bool hid = false, crs = false;

	while (p < end) {
		unsigned n;
		if (p + 1 < end && p[0] == 0x5b && p[1] == 0x82) {
			uint32_t l = pkglength(p + 2, end, &n);
			if (!l || l > (uint64_t)(end - p - 2))
				return false;
			p += 2 + l;
			continue;
		}
		const uint8_t *v = name_of(p, end, "_HID");
		if (v && v + 10 <= end && v[0] == 0x0d && same(v + 1, "LNRO0005", 9)) {
			hid = true;
			p = v + 10;
			continue;
		}
		v = name_of(p, end, "_CRS");
		if (v && v < end && v[0] == 0x11) {
			uint32_t l = pkglength(v + 1, end, &n);
			const uint8_t *bend = v + 1 + l;
			uint64_t bsize;
			unsigned in;
			if (l && bend <= end && integer(v + 1 + n, bend, &bsize, &in)) {
				crs = parse_crs(v + 1 + n + in, bend, d);
				p = bend;
				continue;
			}
		}
		p++;
	}
	return hid && crs;
}

int acpi_mmio_devices(struct acpi_mmio_dev *out, int max)
{
	uint32_t len;
	const uint8_t *t = dsdt(&len);
	int count = 0;

	if (!t)
		return 0;
	const uint8_t *end = t + len;
	for (const uint8_t *p = t + 36; p + 2 < end && count < max; p++) {
		unsigned n;
		if (p[0] != 0x5b || p[1] != 0x82)
			continue;
		uint32_t l = pkglength(p + 2, end, &n);
		if (!l || l > (uint64_t)(end - p - 2) || l < n + 4)
			continue;
		/* Body after the PkgLength and the device's NameSeg. */
		struct acpi_mmio_dev d = { 0 };
		if (lnro_device(p + 2 + n + 4, p + 2 + l, &d))
			out[count++] = d;
	}
	return count;
}

/* 5.2.9: SMI_CMD at 48 (32 bits, an I/O port), ACPI_ENABLE at 52. */
bool acpi_enable_cmd(uint16_t *smi_cmd, uint8_t *value)
{
	uint32_t flen;
	const uint8_t *f = find_table("FACP", &flen);

	if (!f || flen < 53 || !le32(f + 48) || le32(f + 48) > 0xffff || !f[52])
		return false;
	*smi_cmd = (uint16_t)le32(f + 48);
	*value = f[52];
	return true;
}

bool acpi_s5(uint16_t *pm1a_cnt, uint16_t *slp_typ)
{
	uint32_t flen, len;
	const uint8_t *f = find_table("FACP", &flen);
	const uint8_t *t = dsdt(&len);

	if (!f || !t || flen < 68)
		return false;
	/* X_PM1a_CNT_BLK when it is an I/O address, else PM1a_CNT_BLK. */
	uint64_t port = le32(f + 64);
	if (flen >= 184 && f[172] == 1 && le64(f + 176))
		port = le64(f + 176);
	if (!port || port > 0xffff)
		return false;
	const uint8_t *end = t + len;
	for (const uint8_t *p = t + 36; p < end; p++) {
		const uint8_t *v = name_of(p, end, "_S5_");
		unsigned n, in;
		uint64_t typ;
		if (!v || v >= end || v[0] != 0x12)
			continue;
		uint32_t l = pkglength(v + 1, end, &n);
		const uint8_t *pend = v + 1 + l;
		/* Package: PkgLength, NumElements, then SLP_TYPa first. */
		if (!l || pend > end || v + 2 + n > pend ||
		    !integer(v + 2 + n, pend, &typ, &in) || typ > 7)
			continue;
		*pm1a_cnt = (uint16_t)port;
		*slp_typ = (uint16_t)typ;
		return true;
	}
	return false;
}
