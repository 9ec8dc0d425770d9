// SPDX-License-Identifier: GPL-3.0-or-later
/* libFuzzer target: the kernel's compressed kallsyms tables, searched for
 * and decoded inside an image (sym_load_kallsyms). Seeds: the fake kernels
 * tests/unit/test_kallsyms.c builds, good and damaged. */
#include <stdint.h>

#include "monitor/sym_load.h"
#include "monitor/symtab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct symtab *st = symtab_new();
	char err[512], text[128];

	if (!st)
		return 0;
	if (sym_load_kallsyms(st, data, size, err, sizeof(err)) > 0) {
		uint64_t addr;
		char type;
		if (symtab_at(st, 0, &addr, &type))
			symtab_format(st, addr + 1, text, sizeof(text));
	}
	symtab_free(st);
	return 0;
}
