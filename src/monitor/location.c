// SPDX-License-Identifier: GPL-3.0-or-later
/* Where a vCPU is, in words: address, symbol, instruction. */
#include <stdio.h>

#include "monitor/disas.h"
#include "monitor/mon_ktypes.h"
#include "monitor/monitor.h"
#include "monitor/symtab.h"
#include "vmm/vcpu.h"
#include "vmm/vcpu_mem.h"

/* The kernel's virtual address for a physical address inside one of its
 * loaded segments: early boot code runs at physical addresses (PVH entry,
 * paging off) while the symbols name the virtual ones. */
static bool image_virtual(const struct monitor *mon, uint64_t addr, uint64_t *va)
{
	const struct boot_info *b = &mon->m->boot;
	for (int i = 0; i < b->nimage_maps; i++) {
		const struct image_map *m = &b->image_map[i];
		if (m->vaddr != m->paddr && addr >= m->paddr && addr - m->paddr < m->size) {
			*va = m->vaddr + (addr - m->paddr);
			return true;
		}
	}
	return false;
}

void mon_symbolize(struct monitor *mon, uint64_t addr, char *out, size_t outlen)
{
	out[0] = '\0';
	if (!mon->syms)
		return;
	uint64_t va;
	if (image_virtual(mon, addr, &va)) {
		char name[160];
		symtab_format(mon->syms, va, name, sizeof(name));
		if (name[0]) {
			snprintf(out, outlen, "%s (phys)", name);
			return;
		}
	}
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

int mon_insn_at_rip(struct vcpu *v, struct mon_insn *in)
{
	in->got = 0;
	in->len = 0;
	in->text[0] = 0;
	if (vcpu_linear_rip(v, &in->rip, &in->bits) < 0)
		return -1;
	in->got = vcpu_read_virt(v, in->rip, in->code, sizeof(in->code));
	if (in->got)
		in->len = disas_one(in->code, in->got, in->rip, in->bits, in->text, sizeof(in->text));
	return 0;
}

void mon_print_location(struct monitor *mon, struct vcpu *v)
{
	struct mon_insn in;
	if (mon_insn_at_rip(v, &in) < 0) {
		mon_printf(mon, "vcpu=%d rip=?\n", v->id);
		return;
	}
	char sym[160];
	mon_symbolize(mon, in.rip, sym, sizeof(sym));
	if (!in.got)
		snprintf(in.text, sizeof(in.text), "(not mapped)");
	else if (in.len <= 0)
		snprintf(in.text, sizeof(in.text), "(bad) %02x", in.code[0]);
	mon_printf(mon, "vcpu=%d rip=0x%llx%s%s%s: %s\n", v->id, (unsigned long long)in.rip,
		   sym[0] ? " <" : "", sym, sym[0] ? ">" : "", in.text);
	mon_show_displays(mon);
}
