// SPDX-License-Identifier: GPL-3.0-or-later
/* Where a vCPU is, in words: address, symbol, instruction. */
#include <stdio.h>

#include "monitor/disas.h"
#include "monitor/monitor.h"
#include "monitor/symtab.h"
#include "vmm/vcpu.h"
#include "vmm/vcpu_mem.h"

#define INSN_MAX 15   /* SDM vol. 2, 2.3.11: the longest x86 instruction */

void mon_symbolize(struct monitor *mon, uint64_t addr, char *out, size_t outlen)
{
	out[0] = '\0';
	if (mon->syms)
		symtab_format(mon->syms, addr, out, outlen);
}

struct vcpu *mon_paused_vcpu(struct monitor *mon)
{
	struct vm *vm = &mon->m->vm;
	/* docs/design.md 5: the monitor never touches a running vCPU's state. */
	if (vm_is_running(vm) || !vcpu_all_parked(vm)) {
		mon_error(mon, "the guest is running; 'pause' first");
		return NULL;
	}
	return vm->vcpu[mon->selected_cpu];
}

void mon_print_location(struct monitor *mon, struct vcpu *v)
{
	uint64_t rip;
	int bits;
	if (vcpu_linear_rip(v, &rip, &bits) < 0) {
		mon_printf(mon, "vcpu=%d rip=?\n", v->id);
		return;
	}
	char sym[160], text[128] = "(not mapped)";
	mon_symbolize(mon, rip, sym, sizeof(sym));
	uint8_t code[INSN_MAX];
	size_t n = vcpu_read_virt(v, rip, code, sizeof(code));
	if (n > 0 && !disas_one(code, n, rip, bits, text, sizeof(text)))
		snprintf(text, sizeof(text), "(bad) %02x", code[0]);
	mon_printf(mon, "vcpu=%d rip=0x%llx%s%s%s: %s\n", v->id, (unsigned long long)rip,
		   sym[0] ? " <" : "", sym, sym[0] ? ">" : "", text);
}
