// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/disas.h"

#include <capstone/capstone.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

#include "common/lazylib.h"

/* Capstone is loaded at the first disassembly (common/lazylib.h): its
 * relocated tables are megabytes of resident memory that a run which
 * never disassembles should not pay for. */
static struct {
	__typeof__(cs_open) *open;
	__typeof__(cs_disasm) *disasm;
	__typeof__(cs_free) *free;
	__typeof__(cs_close) *close;
} cs;
static const struct lazylib_sym cs_syms[] = {
	{ "cs_open", (void **)&cs.open },
	{ "cs_disasm", (void **)&cs.disasm },
	{ "cs_free", (void **)&cs.free },
	{ "cs_close", (void **)&cs.close },
	{ NULL, NULL },
};
static struct lazylib cs_lib = LAZYLIB("libcapstone.so." LAZYLIB_STR(CS_API_MAJOR),
				       "libcapstone" LAZYLIB_STR(CS_API_MAJOR), cs_syms);

int disas_one(const uint8_t *code, size_t len, uint64_t addr, int bits,
	      char *out, size_t outlen)
{
	static atomic_bool told;
	char why[320];
	if (!lazylib_load(&cs_lib, "disassembly", why, sizeof(why))) {
		/* One line, the first time: every later instruction is
		 * undecodable for the same reason. */
		if (!atomic_exchange(&told, true))
			fprintf(stderr, "hvmon: %s\n", why);
		return 0;
	}
	cs_mode mode = bits == 16 ? CS_MODE_16 : bits == 32 ? CS_MODE_32 : CS_MODE_64;
	csh h;
	if (cs.open(CS_ARCH_X86, mode, &h) != CS_ERR_OK)
		return 0;
	cs_insn *insn;
	int n = 0;
	if (cs.disasm(h, code, len, addr, 1, &insn) == 1) {
		snprintf(out, outlen, "%s%s%s", insn[0].mnemonic,
			 insn[0].op_str[0] ? " " : "", insn[0].op_str);
		n = insn[0].size;
		cs.free(insn, 1);
	}
	cs.close(&h);
	return n;
}
