// SPDX-License-Identifier: GPL-3.0-or-later
/* `info registers REG...`: named registers, as gdb prints them, of the
 * selected frame (frame 0: the vCPU's). Without names, info registers is
 * regs (cmd_info.c). */
#include "monitor/commands.h"
#include "monitor/mon_eval.h"

int info_register_names(struct monitor *mon, int n, char **names)
{
	if (!mon_paused_vcpu(mon))
		return -1;
	struct eval_ctx c = { .mon = mon };
	for (int i = 0; i < n; i++) {
		const char *name = names[i][0] == '$' ? names[i] + 1 : names[i];
		uint64_t v;
		if (!mon_eval_reg(&c, name, &v)) {
			char err[96];
			snprintf(err, sizeof(err), "unknown register %s", name);
			return mon_eval_error(&c, err);
		}
		char sym[160];
		mon_symbolize(mon, v, sym, sizeof(sym));
		mon_printf(mon, "%-14s 0x%-18llx %s%s%s\n", name, (unsigned long long)v,
			   sym[0] ? "<" : "", sym, sym[0] ? ">" : "");
	}
	return 0;
}
