/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A small AML byte-code emitter (ACPI 6.5, chapter 20 "ACPI Machine
 * Language Specification" and 6.4 "Resource Data Types"), enough for the
 * DSDT hvmon generates: scopes, devices, names, methods returning
 * constants, packages, strings, integers and resource templates.
 *
 * Objects with a PkgLength (20.2.4) are written as begin/end pairs: the
 * body is emitted first and aml_end() inserts the encoded length in front
 * of it, so nesting needs no size guessing. Every writer checks room in
 * the caller's buffer; running out sets `overflow` and drops the rest, so
 * callers check once at the end. */
#ifndef HVMON_BOOT_ACPI_AML_H
#define HVMON_BOOT_ACPI_AML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct aml {
	uint8_t *p;
	size_t len, cap;
	bool overflow;
};

void aml_init(struct aml *a, uint8_t *buf, size_t cap);
void aml_bytes(struct aml *a, const void *data, size_t n);
void aml_byte(struct aml *a, uint8_t b);

/* PkgLength framing: the returned mark goes to aml_end once the body is
 * written. */
size_t aml_begin(struct aml *a);
void aml_end(struct aml *a, size_t mark);
/* The PkgLength encoding of a body of n bytes (the length counts its own
 * bytes too); returns the bytes written to out[4], 0 if too long. */
size_t aml_pkglength(size_t body, uint8_t out[4]);

/* NameString (20.2.2): an optional leading '\', then NameSegs separated
 * by '.', each padded to 4 characters with '_'. */
void aml_namestring(struct aml *a, const char *path);
/* The smallest integer encoding: ZeroOp, OneOp, Byte/Word/DWord/QWord
 * prefix (20.2.3). */
void aml_integer(struct aml *a, uint64_t v);
void aml_dword(struct aml *a, uint32_t v);   /* always DWordConst */
void aml_string(struct aml *a, const char *s);
/* A 7-character PNP ID ("PNP0501") as a compressed EISA ID DWord (6.1.5,
 * _HID). */
uint32_t aml_eisaid_value(const char *id);
void aml_eisaid(struct aml *a, const char *id);

/* Name(path, <data the caller emits next>). */
void aml_name(struct aml *a, const char *path);
/* Scope(path) { ... }, Device(path) { ... }, Method(path, nargs) { ... }:
 * each returns the mark for aml_end. */
size_t aml_scope(struct aml *a, const char *path);
size_t aml_device(struct aml *a, const char *path);
size_t aml_method(struct aml *a, const char *path, unsigned nargs, bool serialized);
/* Return(<term the caller emits next>). */
void aml_return(struct aml *a);
/* Package(n) { ... }: returns the mark. */
size_t aml_package(struct aml *a, unsigned nelems);
/* Buffer() { ... } holding a resource template; aml_rt_end appends the End
 * Tag (6.4.2.9) and closes both the template and the buffer. */
size_t aml_rt_begin(struct aml *a);
void aml_rt_end(struct aml *a, size_t mark);

/* Resource descriptors (6.4), inside aml_rt_begin/aml_rt_end. */
void aml_rd_io(struct aml *a, uint16_t base, uint8_t len);            /* IO(Decode16) */
void aml_rd_irq_noflags(struct aml *a, unsigned irq);               /* IRQNoFlags */
void aml_rd_memory32_fixed(struct aml *a, uint32_t base, uint32_t len, bool rw);
/* Interrupt(ResourceConsumer, level/edge, ActiveHigh/Low, Exclusive) */
void aml_rd_interrupt(struct aml *a, uint32_t gsi, bool level, bool active_low);
/* WordBusNumber(ResourceProducer, MinFixed, MaxFixed, PosDecode) */
void aml_rd_word_bus(struct aml *a, uint16_t min, uint16_t max);
/* DWordMemory(ResourceProducer, PosDecode, MinFixed, MaxFixed,
 * NonCacheable, ReadWrite) */
void aml_rd_dword_memory(struct aml *a, uint32_t min, uint32_t max);

/* AML opcodes the generator and the tests name. */
enum {
	AML_ZERO = 0x00, AML_ONE = 0x01, AML_NAME = 0x08, AML_BYTE_PREFIX = 0x0a,
	AML_WORD_PREFIX = 0x0b, AML_DWORD_PREFIX = 0x0c, AML_STRING_PREFIX = 0x0d,
	AML_QWORD_PREFIX = 0x0e, AML_SCOPE = 0x10, AML_BUFFER = 0x11,
	AML_PACKAGE = 0x12, AML_METHOD = 0x14, AML_DUAL_NAME = 0x2e,
	AML_MULTI_NAME = 0x2f, AML_ROOT = 0x5c, AML_EXT_PREFIX = 0x5b,
	AML_EXT_DEVICE = 0x82, AML_RETURN = 0xa4, AML_ONES = 0xff,
};

#endif
