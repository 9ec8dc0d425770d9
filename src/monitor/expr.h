/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Address expressions the monitor accepts wherever it takes an address or a
 * number: "$rsp+8", "start_kernel+0x10", "($cr3 & ~0xfff) | 0x1ff8". */
#ifndef HVMON_EXPR_H
#define HVMON_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where names get their values. Either callback may be NULL (then every
 * such name is unknown). Names are passed without the '$'. */
struct expr_env {
	bool (*reg)(void *opaque, const char *name, uint64_t *val);
	bool (*sym)(void *opaque, const char *name, uint64_t *val);
	void *opaque;
};

/* At most this deep in parentheses and unary operators. */
#define EXPR_MAX_DEPTH 64
/* Longest register or symbol name, in bytes. */
#define EXPR_MAX_NAME 255

/* Evaluate text, all of it, to *out. Operands: numbers as parse_u64 takes
 * them (decimal, 0x hex, 0b binary, 0o or leading-0 octal), $register
 * (letters, digits, '_' and '.', as in $cs.base), symbols (a letter, '_'
 * or '.' then letters, digits, '_' and '.'). Operators with C's precedence
 * and associativity: unary - ~; * / %; + -; << >>; &; ^; |; and
 * parentheses. Arithmetic is unsigned 64-bit and wraps; a shift by 64 or
 * more gives 0. Returns 0, or -1 with one line in err, such as
 * "unknown register $rxx", "unknown symbol foo", "unexpected ')' at
 * column 7", "division by zero at column 3". */
int expr_eval(const char *text, const struct expr_env *env, uint64_t *out, char *err,
	      size_t errlen);

#endif
