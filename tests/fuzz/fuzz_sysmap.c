// SPDX-License-Identifier: GPL-3.0-or-later
/* libFuzzer target: a System.map (or /proc/kallsyms) text, parsed into a
 * symbol table, then looked up by address and name as the monitor does.
 * Seeds: `nm -n` of the test guest, the unit tests' lines, Debian's stub. */
#include <stdint.h>
#include <stdio.h>

#include "monitor/sym_load.h"
#include "monitor/symtab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct symtab *st = symtab_new();
	char err[512], text[128];
	size_t bad;

	if (!st)
		return 0;
	if (sym_parse_system_map(st, "fuzz", (const char *)data, size, &bad, err, sizeof(err)) > 0) {
		uint64_t addr, a2, off;
		char type;
		const char *name = symtab_at(st, symtab_count(st) / 2, &addr, &type);
		if (name) {
			symtab_lookup_name(st, name, &a2);
			symtab_lookup_addr(st, addr + 1, &off);
			symtab_format(st, addr + 3, text, sizeof(text));
			size_t iter = 0;
			while (symtab_complete(st, "s", &iter) && iter < 8)
				;
		}
		symtab_format(st, 0, text, sizeof(text));
		symtab_format(st, UINT64_MAX, text, sizeof(text));
	}
	symtab_free(st);
	return 0;
}
