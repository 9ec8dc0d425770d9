// SPDX-License-Identifier: GPL-3.0-or-later
/* libFuzzer target: the monitor's expression language (expr_eval), with
 * registers read from a register file (reg_get, as `$rip` does) and a small
 * symbol table. Seeds: the expressions of tests/unit/test_expr.c. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/expr.h"
#include "monitor/reg_access.h"
#include "monitor/symtab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool reg(void *opaque, const char *name, uint64_t *val)
{
	return reg_get(opaque, name, val);
}

static bool sym(void *opaque, const char *name, uint64_t *val)
{
	(void)opaque;
	static const struct { const char *name; uint64_t val; } syms[] = {
		{ "start_kernel", 0xffffffff83079e46ULL }, { "foo.cold", 0x100 }, { "_x1", 1 },
	};
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++)
		if (!strcmp(name, syms[i].name)) {
			*val = syms[i].val;
			return true;
		}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct reg_file rf = { .regs = { .rip = 0xffffffff81000850ULL, .rsp = 0x8000 } };
	struct expr_env env = { reg, sym, &rf };
	char err[256];
	uint64_t v;

	/* The monitor hands expr_eval a NUL-terminated word. */
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	expr_eval(text, &env, &v, err, sizeof(err));
	free(text);
	return 0;
}
