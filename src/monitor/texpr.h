/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Typed expressions for print, ptype, display and set var: C's operators
 * on guest memory, typed by the kernel's BTF (ktypes.h). A separate
 * evaluator from expr.c's address arithmetic, which stays untyped.
 *
 * Operands: numbers, $registers, symbols (a symbol with a known type is
 * an object of that type; any other is its address, untyped), and casts
 * to C types "(struct task_struct *)", "(unsigned long)". Operators, with
 * C's precedence: postfix . -> [], unary * & - ~ ! and casts, * / %, + -
 * (pointer arithmetic scales by the pointed-to size), << >>, < <= > >=
 * (unsigned), == !=, &, ^, |, &&, || (both sides evaluated). */
#ifndef HVMON_TEXPR_H
#define HVMON_TEXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "monitor/ktypes.h"

/* The type of a value without a BTF type: a 64-bit unsigned integer. */
#define TEXPR_UNTYPED (-1)

struct tval {
	struct ktype t;         /* t.id == TEXPR_UNTYPED: a plain 64-bit number */
	bool lval;              /* an object in guest memory at addr */
	uint64_t addr;
	uint64_t v;             /* a scalar's value when !lval */
	bool sym_addr;          /* an untyped symbol: v is its address, & gives it too */
};

struct texpr_env {
	const struct btf *btf;  /* NULL: only untyped values */
	bool (*reg)(void *opaque, const char *name, uint64_t *val);
	bool (*sym)(void *opaque, const char *name, uint64_t *val);
	/* The C type of a well-known global ("struct task_struct"), or NULL. */
	const char *(*sym_type)(void *opaque, const char *name);
	int (*read)(void *opaque, uint64_t addr, void *buf, size_t len);  /* 0 or -1 */
	void *opaque;
};

/* Evaluate all of text. 0, or -1 with one line in err. */
int texpr_eval(const char *text, const struct texpr_env *env, struct tval *out,
	       char *err, size_t errlen);

/* The value of a scalar (integer, enum, pointer, untyped; an array gives
 * its address), reading guest memory for an lvalue. 0, or -1 with err. */
int texpr_scalar(const struct texpr_env *env, const struct tval *v, uint64_t *out,
		 char *err, size_t errlen);

/* Size of v's type in bytes (8 when untyped), or -1. */
long long texpr_size(const struct texpr_env *env, const struct tval *v);

/* Parse a C type name for a cast or ptype ("struct list_head *"). */
bool texpr_type(const struct texpr_env *env, const char *text, struct ktype *t);

#endif
