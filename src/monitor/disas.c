// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/disas.h"

#include <capstone/capstone.h>
#include <stdio.h>

int disas_one(const uint8_t *code, size_t len, uint64_t addr, int bits,
	      char *out, size_t outlen)
{
	cs_mode mode = bits == 16 ? CS_MODE_16 : bits == 32 ? CS_MODE_32 : CS_MODE_64;
	csh h;
	if (cs_open(CS_ARCH_X86, mode, &h) != CS_ERR_OK)
		return 0;
	cs_insn *insn;
	int n = 0;
	if (cs_disasm(h, code, len, addr, 1, &insn) == 1) {
		snprintf(out, outlen, "%s%s%s", insn[0].mnemonic,
			 insn[0].op_str[0] ? " " : "", insn[0].op_str);
		n = insn[0].size;
		cs_free(insn, 1);
	}
	cs_close(&h);
	return n;
}
