/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The kernel's types from its BTF (parsed by libbpf): finding a type by
 * its C name, naming a type as a C declaration, `ptype` layouts with
 * offsets and sizes, and printing a value of a type read from guest
 * memory, as gdb prints it (structs field by field, char arrays as
 * strings, pointers with their symbol). BTF: Documentation/bpf/btf.rst. */
#ifndef HVMON_KTYPES_H
#define HVMON_KTYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct btf;

/* Parse a .BTF blob: the BTF, or NULL with one line in err. */
struct btf *ktypes_open(const void *blob, size_t size, char *err, size_t errlen);
void ktypes_close(struct btf *btf);
/* Type id of btf; NULL for id 0 (void), a negative id or one out of range. */
const struct btf_type *ktypes_type(const struct btf *btf, int id);

/* A type as the evaluator handles it: a BTF type id (0 is void) with ptr
 * levels of pointer on top, so "struct boot_params *" needs no pointer
 * type in the BTF. BTF pointer types are always unwrapped into ptr. */
struct ktype {
	int id;
	int ptr;
};

/* The ktype of a BTF id (pointers unwrapped, typedefs kept). */
struct ktype ktypes_of(const struct btf *btf, int id);

/* Find a type by its C name: "struct list_head", "union X", "enum X",
 * a typedef ("u64"), or a base type ("unsigned long", "char", "_Bool"),
 * then any number of '*'. True and *t, or false. */
bool ktypes_find(const struct btf *btf, const char *name, struct ktype *t);

/* Skip typedefs, const, volatile, restrict and type tags. */
int ktypes_resolve(const struct btf *btf, int id);

/* Size in bytes of a type, or -1 (void, functions). */
long long ktypes_size(const struct btf *btf, struct ktype t);

/* The C declaration of t with declarator name (may be ""):
 * "struct list_head *next", "char comm[16]", "void (*fn)(int)". */
void ktypes_decl(const struct btf *btf, struct ktype t, const char *name, char *out, size_t len);

/* Member name of struct or union r (anonymous members searched too): its
 * bit offset, bitfield size (0: not a bitfield) and BTF type. */
struct btf_type;
bool ktypes_find_member(const struct btf *b, const struct btf_type *r, const char *name,
			uint32_t *bit, uint32_t *bits, int *type);

/* offsetof(type, path) in bits, path "a.b.c" through nested members: the
 * bit offset, the last member's bitfield size and its type. */
bool ktypes_offsetof(const struct btf *b, const char *type, const char *path, uint64_t *bit,
		     uint32_t *bits, struct ktype *mt);

/* ptype: the layout of id (typedefs expanded once), one member a line
 * with its offset and size, nested anonymous structs and unions inline.
 * 0, or -1 when id is not a type. */
int ktypes_ptype(const struct btf *btf, struct ktype t, FILE *out);

/* Guest memory and symbols for printing values. */
struct ktypes_io {
	int (*read)(void *opaque, uint64_t addr, void *buf, size_t len);  /* 0 or -1 */
	void (*symbolize)(void *opaque, uint64_t addr, char *out, size_t len);
	void *opaque;
};

/* Print the value of type t at guest address addr (or in the bytes of
 * val, when val is not NULL) in format fmt: 0 natural, or one of x d u o
 * t c as in gdb's print/FMT. Structs print one member a line, indented
 * by indent levels. Unreadable memory prints <unreadable at 0x...>. */
void ktypes_print_value(const struct btf *btf, struct ktype t, uint64_t addr, const void *val,
			char fmt, int indent, const struct ktypes_io *io, FILE *out);

#endif
