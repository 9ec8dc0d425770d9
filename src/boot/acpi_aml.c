// SPDX-License-Identifier: GPL-3.0-or-later
#include "boot/acpi_aml.h"

#include <string.h>

void aml_init(struct aml *a, uint8_t *buf, size_t cap)
{
	*a = (struct aml){ .p = buf, .cap = cap };
}

/* Make room for n bytes at offset at (moving what follows); false when the
 * buffer is full, which sticks. */
static bool aml_insert(struct aml *a, size_t at, const void *data, size_t n)
{
	if (a->overflow || n > a->cap - a->len) {
		a->overflow = true;
		return false;
	}
	memmove(a->p + at + n, a->p + at, a->len - at);
	memcpy(a->p + at, data, n);
	a->len += n;
	return true;
}

void aml_bytes(struct aml *a, const void *data, size_t n)
{
	aml_insert(a, a->len, data, n);
}

void aml_byte(struct aml *a, uint8_t b)
{
	aml_bytes(a, &b, 1);
}

static void aml_le(struct aml *a, uint64_t v, unsigned n)
{
	uint8_t b[8];

	for (unsigned i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	aml_bytes(a, b, n);
}

size_t aml_begin(struct aml *a)
{
	return a->len;
}

/* 20.2.4: one byte holds lengths up to 63 in bits 0-5; longer ones put the
 * count of following bytes in bits 6-7, the low nibble in bits 0-3 and
 * the rest in the following bytes. The length includes these bytes. */
size_t aml_pkglength(size_t body, uint8_t out[4])
{
	if (body + 1 <= 63) {
		out[0] = (uint8_t)(body + 1);
		return 1;
	}
	for (size_t n = 2; n <= 4; n++) {
		size_t total = body + n;
		if (total >= (size_t)1 << (4 + 8 * (n - 1)))
			continue;
		out[0] = (uint8_t)((n - 1) << 6 | (total & 0xf));
		for (size_t i = 1; i < n; i++)
			out[i] = (uint8_t)(total >> (4 + 8 * (i - 1)));
		return n;
	}
	return 0;
}

void aml_end(struct aml *a, size_t mark)
{
	uint8_t enc[4];
	size_t n;

	if (a->overflow)
		return;
	n = aml_pkglength(a->len - mark, enc);
	if (!n) {
		a->overflow = true;
		return;
	}
	aml_insert(a, mark, enc, n);
}

static void aml_nameseg(struct aml *a, const char *seg, size_t n)
{
	char s[4] = { '_', '_', '_', '_' };

	memcpy(s, seg, n < 4 ? n : 4);
	aml_bytes(a, s, 4);
}

void aml_namestring(struct aml *a, const char *path)
{
	const char *segs[16];
	size_t lens[16];
	unsigned nseg = 0;

	if (*path == '\\') {
		aml_byte(a, AML_ROOT);
		path++;
	}
	while (*path && nseg < 16) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		segs[nseg] = path;
		lens[nseg++] = n;
		path += n + (dot ? 1 : 0);
	}
	if (nseg == 0) {
		aml_byte(a, 0);      /* NullName */
		return;
	}
	if (nseg == 2)
		aml_byte(a, AML_DUAL_NAME);
	else if (nseg > 2) {
		aml_byte(a, AML_MULTI_NAME);
		aml_byte(a, (uint8_t)nseg);
	}
	for (unsigned i = 0; i < nseg; i++)
		aml_nameseg(a, segs[i], lens[i]);
}

void aml_integer(struct aml *a, uint64_t v)
{
	if (v == 0)
		aml_byte(a, AML_ZERO);
	else if (v == 1)
		aml_byte(a, AML_ONE);
	else if (v <= 0xff) {
		aml_byte(a, AML_BYTE_PREFIX);
		aml_le(a, v, 1);
	} else if (v <= 0xffff) {
		aml_byte(a, AML_WORD_PREFIX);
		aml_le(a, v, 2);
	} else if (v <= 0xffffffff) {
		aml_byte(a, AML_DWORD_PREFIX);
		aml_le(a, v, 4);
	} else {
		aml_byte(a, AML_QWORD_PREFIX);
		aml_le(a, v, 8);
	}
}

void aml_dword(struct aml *a, uint32_t v)
{
	aml_byte(a, AML_DWORD_PREFIX);
	aml_le(a, v, 4);
}

void aml_string(struct aml *a, const char *s)
{
	aml_byte(a, AML_STRING_PREFIX);
	aml_bytes(a, s, strlen(s) + 1);
}

/* 6.1.5: three letters of five bits each ('A' = 1) in the first 15 bits
 * after a zero bit, then four hex digits, stored big-endian in a DWord that
 * AML reads little-endian. */
uint32_t aml_eisaid_value(const char *id)
{
	uint32_t v = ((uint32_t)(id[0] - '@') & 0x1f) << 26 |
		     ((uint32_t)(id[1] - '@') & 0x1f) << 21 |
		     ((uint32_t)(id[2] - '@') & 0x1f) << 16;

	for (int i = 3; i < 7; i++) {
		char c = id[i];
		uint32_t d = c >= '0' && c <= '9' ? (uint32_t)(c - '0')
						  : (uint32_t)((c | 0x20) - 'a' + 10);
		v |= (d & 0xf) << (4 * (6 - i));
	}
	return __builtin_bswap32(v);
}

void aml_eisaid(struct aml *a, const char *id)
{
	aml_dword(a, aml_eisaid_value(id));
}

void aml_name(struct aml *a, const char *path)
{
	aml_byte(a, AML_NAME);
	aml_namestring(a, path);
}

size_t aml_scope(struct aml *a, const char *path)
{
	aml_byte(a, AML_SCOPE);
	size_t mark = aml_begin(a);
	aml_namestring(a, path);
	return mark;
}

size_t aml_device(struct aml *a, const char *path)
{
	aml_byte(a, AML_EXT_PREFIX);
	aml_byte(a, AML_EXT_DEVICE);
	size_t mark = aml_begin(a);
	aml_namestring(a, path);
	return mark;
}

/* 20.2.5.2 MethodFlags: bits 0-2 ArgCount, bit 3 SerializeFlag. */
size_t aml_method(struct aml *a, const char *path, unsigned nargs, bool serialized)
{
	aml_byte(a, AML_METHOD);
	size_t mark = aml_begin(a);
	aml_namestring(a, path);
	aml_byte(a, (uint8_t)((nargs & 7) | (serialized ? 8 : 0)));
	return mark;
}

void aml_return(struct aml *a)
{
	aml_byte(a, AML_RETURN);
}

size_t aml_package(struct aml *a, unsigned nelems)
{
	aml_byte(a, AML_PACKAGE);
	size_t mark = aml_begin(a);
	aml_byte(a, (uint8_t)nelems);
	return mark;
}

size_t aml_rt_begin(struct aml *a)
{
	aml_byte(a, AML_BUFFER);
	return aml_begin(a);
}

/* 20.2.5.4 DefBuffer: BufferOp PkgLength BufferSize ByteList; the size is
 * only known now, so it goes in front of the descriptors before the
 * PkgLength does. End Tag checksum 0: "treated as if the checksum
 * operation yielded zero" (6.4.2.9). */
void aml_rt_end(struct aml *a, size_t mark)
{
	uint8_t size[16];
	struct aml s;

	aml_byte(a, 0x79);
	aml_byte(a, 0x00);
	if (a->overflow)
		return;
	aml_init(&s, size, sizeof(size));
	aml_integer(&s, a->len - mark);
	aml_insert(a, mark, size, s.len);
	aml_end(a, mark);
}

void aml_rd_io(struct aml *a, uint16_t base, uint8_t len)
{
	/* 6.4.2.5: small item 0x47, Decode16, min = max = base, alignment 1. */
	aml_byte(a, 0x47);
	aml_byte(a, 0x01);
	aml_le(a, base, 2);
	aml_le(a, base, 2);
	aml_byte(a, 0x01);
	aml_byte(a, len);
}

void aml_rd_irq_noflags(struct aml *a, unsigned irq)
{
	/* 6.4.2.1: small item 0x22, a 16-bit mask of ISA IRQs. */
	aml_byte(a, 0x22);
	aml_le(a, 1u << (irq & 15), 2);
}

void aml_rd_memory32_fixed(struct aml *a, uint32_t base, uint32_t len, bool rw)
{
	/* 6.4.3.4: large item 0x86, 9 bytes of data. */
	aml_byte(a, 0x86);
	aml_le(a, 9, 2);
	aml_byte(a, rw ? 1 : 0);
	aml_le(a, base, 4);
	aml_le(a, len, 4);
}

void aml_rd_interrupt(struct aml *a, uint32_t gsi, bool level, bool active_low)
{
	/* 6.4.3.6: large item 0x89; flags bit 0 consumer, bit 1 edge,
	 * bit 2 active low, bit 3 shared (clear: exclusive). */
	aml_byte(a, 0x89);
	aml_le(a, 6, 2);
	aml_byte(a, (uint8_t)(0x01 | (level ? 0 : 0x02) | (active_low ? 0x04 : 0)));
	aml_byte(a, 1);
	aml_le(a, gsi, 4);
}

/* 6.4.3.5.1 general flags: bit 0 consumer, bit 1 subtractive decode, bit 2
 * MinFixed, bit 3 MaxFixed. A producer with fixed bounds, positive decode. */
#define AS_PRODUCER_FIXED 0x0c

void aml_rd_word_bus(struct aml *a, uint16_t min, uint16_t max)
{
	/* 6.4.3.5.3: large item 0x88, 13 bytes, resource type 2 (bus). */
	aml_byte(a, 0x88);
	aml_le(a, 13, 2);
	aml_byte(a, 2);
	aml_byte(a, AS_PRODUCER_FIXED);
	aml_byte(a, 0);
	aml_le(a, 0, 2);                      /* granularity */
	aml_le(a, min, 2);
	aml_le(a, max, 2);
	aml_le(a, 0, 2);                      /* translation */
	aml_le(a, (uint32_t)max - min + 1, 2);
}

void aml_rd_dword_memory(struct aml *a, uint32_t min, uint32_t max)
{
	/* 6.4.3.5.2: large item 0x87, 23 bytes, resource type 0 (memory);
	 * type-specific flags bit 0 read-write, bits 1-2 0 non-cacheable. */
	aml_byte(a, 0x87);
	aml_le(a, 23, 2);
	aml_byte(a, 0);
	aml_byte(a, AS_PRODUCER_FIXED);
	aml_byte(a, 0x01);
	aml_le(a, 0, 4);                      /* granularity */
	aml_le(a, min, 4);
	aml_le(a, max, 4);
	aml_le(a, 0, 4);                      /* translation */
	aml_le(a, (uint64_t)max - min + 1, 4);
}
