// SPDX-License-Identifier: GPL-3.0-or-later
/* Watchpoints and hardware breakpoints: watch, rwatch, awatch (memory
 * protection by default, debug registers with 'hw'), hbreak, and their
 * lines in `info break`. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "monitor/break_if.h"
#include "monitor/commands.h"
#include "monitor/cond_check.h"
#include "boot/boot.h"
#include "monitor/parse.h"
#include "vmm/kvm.h"
#include "vmm/vcpu.h"
#include "vmm/vcpu_mem.h"
#include "vmm/watch_set.h"
#include "vmm/watchpoint.h"

/* Changes are made on a parked machine: pause, change, resume. */
static bool pause_for_change(struct monitor *mon)
{
	return vcpu_pause_all(&mon->m->vm) > 0;
}

/* docs/design.md 1: on kvm_pvm an execution breakpoint in DR0-DR3 fires
 * only for ring-0 code, and data breakpoints never fire. */
static void note_pvm_debug_registers(struct monitor *mon, enum hwbp_kind kind)
{
	if (!kvm_host_is_pvm())
		return;
	if (kind == HWBP_EXEC)
		mon_printf(mon, "note: on this host (kvm_pvm) a hardware breakpoint fires only"
			   " where the guest runs in ring 0\n");
	else
		mon_printf(mon, "note: on this host (kvm_pvm) debug-register data breakpoints"
			   " never fire; 'watch' without 'hw' works here\n");
}

/* One of DR0-DR3 (SDM vol. 3B 18.2). */
static int add_hw(struct monitor *mon, const char *where, enum hwbp_kind kind, unsigned len,
		  const char *cond)
{
	struct vm *vm = &mon->m->vm;
	bool was_running = pause_for_change(mon);
	uint64_t addr;
	int rc = mon_eval(mon, where, &addr);
	if (rc == 0)
		rc = mon_check_condition(mon, cond);
	/* SDM vol. 3B 18.2.5: a data breakpoint's address is aligned to its length. */
	if (rc == 0 && (addr & (len - 1)))
		rc = mon_error(mon, "watch: 0x%llx is not aligned to its length %u",
			       (unsigned long long)addr, len);
	if (rc == 0) {
		pthread_mutex_lock(&vm->ctl_lock);
		int id = hwbp_add(&vm->bps, addr, kind, len, HWBP_MAX);
		struct bp_rule_ref r;
		if (id > 0 && bp_rule(&vm->bps, id, &r))
			snprintf(r.cond, BP_COND_MAX, "%s", cond);
		pthread_mutex_unlock(&vm->ctl_lock);
		char sym[160];
		mon_symbolize(mon, addr, sym, sizeof(sym));
		if (id < 0) {
			rc = mon_error(mon, "all %d debug registers are in use", HWBP_MAX);
		} else {
			mon_printf(mon, "%s %d at 0x%llx%s%s%s\n", kind == HWBP_EXEC ?
				   "hardware breakpoint" : "hardware watchpoint", id,
				   (unsigned long long)addr, sym[0] ? " <" : "", sym, sym[0] ? ">" : "");
			note_pvm_debug_registers(mon, kind);
		}
	}
	if (was_running)
		vcpu_resume_all(vm);
	return rc;
}

int cmd_hbreak(struct monitor *mon, int argc, char **argv)
{
	struct break_args ba;
	char err[160];
	if (break_if_parse(argc - 1, argv + 1, &ba, err, sizeof(err)) < 0)
		return mon_error(mon, "%s; usage: hbreak ADDR|SYMBOL[+OFF] [if EXPR]", err);
	return add_hw(mon, ba.location, HWBP_EXEC, 1, ba.cond);
}

/* Where the loader put the kernel's [gva, gva + len), when a loaded
 * segment holds all of it: a kernel variable watched before the kernel
 * has built the page tables that map it (as breakpoints do). */
static bool image_gpa(const struct vm *vm, uint64_t gva, uint64_t len, uint64_t *gpa)
{
	for (int i = 0; i < vm->nimage_maps; i++) {
		const struct image_map *m = &vm->image_map[i];
		if (gva >= m->vaddr && gva - m->vaddr < m->size && len <= m->size - (gva - m->vaddr)) {
			*gpa = m->paddr + (gva - m->vaddr);
			return true;
		}
	}
	return false;
}

/* The guest-physical address of [gva, gva + len) through the selected
 * vCPU's page tables, which must map it contiguously; -1 (said) if not. */
static int translate_range(struct monitor *mon, const char *cmd, uint64_t gva, uint64_t len,
			   uint64_t *gpa)
{
	struct vm *vm = &mon->m->vm;
	struct vcpu *v = vm->vcpu[mon->selected_cpu];
	if ((vcpu_translate(v, gva, gpa) < 0 || !gmem_ptr(&vm->mem, *gpa, 1)) &&
	    image_gpa(vm, gva, len, gpa)) {
		mon_printf(mon, "note: 0x%" PRIx64 " is not mapped yet; watching where the kernel"
			   " image put it\n", gva);
		return 0;
	}
	if (vcpu_translate(v, gva, gpa) < 0)
		return mon_error(mon, "%s: 0x%" PRIx64 " is not mapped in vCPU %d's page tables"
				 " (add 'phys' for a guest-physical address)", cmd, gva, v->id);
	uint64_t page = WATCH_PAGE;
	for (uint64_t off = page - (gva & (page - 1)); off < len; off += page) {
		uint64_t at;
		if (vcpu_translate(v, gva + off, &at) < 0 || at != *gpa + off)
			return mon_error(mon, "%s: 0x%" PRIx64 " len %" PRIu64 " is not contiguous in"
					 " guest-physical memory (page at +0x%" PRIx64 "); watch the pieces",
					 cmd, gva, len, off);
	}
	return 0;
}

/* watch / rwatch / awatch ADDR [LEN] [phys|hw] */
static int watch_command(struct monitor *mon, int argc, char **argv, enum watch_kind kind)
{
	const char *cmd = argv[0];
	uint64_t len = 1;
	bool phys = false, hw = false;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "phys"))
			phys = true;
		else if (!strcmp(argv[i], "hw"))
			hw = true;
		else if (i != 2 || !parse_u64(argv[i], &len))
			return mon_error(mon, "usage: %s ADDR|SYMBOL [LEN] [phys|hw]", cmd);
	}
	if (argc < 2 || (phys && hw))
		return mon_error(mon, "usage: %s ADDR|SYMBOL [LEN] [phys|hw]", cmd);
	if (hw) {
		if (kind == WATCH_READ)
			return mon_error(mon, "rwatch: x86 debug registers cannot watch reads alone;"
					 " use rwatch without hw, or awatch ... hw");
		if (len != 1 && len != 2 && len != 4 && len != 8)
			return mon_error(mon, "%s: with hw, LEN must be 1, 2, 4 or 8", cmd);
		return add_hw(mon, argv[1], kind == WATCH_WRITE ? HWBP_WRITE : HWBP_RW, (unsigned)len,
			      "");
	}
	if (len == 0 || len > WATCH_MAX_LEN)
		return mon_error(mon, "%s: LEN must be 1 to %llu bytes", cmd,
				 (unsigned long long)WATCH_MAX_LEN);
	struct vm *vm = &mon->m->vm;
	bool was_running = pause_for_change(mon);
	uint64_t addr, gpa = 0;
	int rc = mon_eval(mon, argv[1], &addr);
	if (rc == 0 && phys)
		gpa = addr;
	else if (rc == 0)
		rc = translate_range(mon, cmd, addr, len, &gpa);
	if (rc == 0) {
		char err[200];
		int id = watch_add_named(vm, gpa, len, kind, argv[1], err, sizeof(err));
		if (id < 0) {
			rc = mon_error(mon, "%s: %s", cmd, err);
		} else {
			char sym[160];
			mon_symbolize(mon, addr, sym, sizeof(sym));
			uint64_t last = (gpa + len - 1) & ~(WATCH_PAGE - 1);
			mon_printf(mon, "watchpoint %d (%s) at 0x%" PRIx64 "%s%s%s len %" PRIu64
				   ": physical 0x%" PRIx64 ", page 0x%" PRIx64, id,
				   watch_kind_name(kind), addr, sym[0] ? " <" : "", sym,
				   sym[0] ? ">" : "", len, gpa, gpa & ~(WATCH_PAGE - 1));
			if (last != (gpa & ~(WATCH_PAGE - 1)))
				mon_printf(mon, " to 0x%" PRIx64, last);
			mon_printf(mon, "\n");
		}
	}
	if (was_running)
		vcpu_resume_all(vm);
	return rc;
}

int cmd_watch(struct monitor *mon, int argc, char **argv)
{
	return watch_command(mon, argc, argv, WATCH_WRITE);
}

int cmd_rwatch(struct monitor *mon, int argc, char **argv)
{
	return watch_command(mon, argc, argv, WATCH_READ);
}

int cmd_awatch(struct monitor *mon, int argc, char **argv)
{
	return watch_command(mon, argc, argv, WATCH_ACCESS);
}

int info_watchpoints(struct monitor *mon)
{
	struct watch *w;
	int n = watch_snapshot(&mon->m->vm, &w);
	static const char *const names[] = {
		[WATCH_WRITE] = "watch", [WATCH_READ] = "rwatch", [WATCH_ACCESS] = "awatch",
	};
	for (int i = 0; i < n; i++) {
		uint64_t first = w[i].gpa & ~(WATCH_PAGE - 1);
		uint64_t last = (w[i].gpa + w[i].len - 1) & ~(WATCH_PAGE - 1);
		mon_printf(mon, "id=%d %s %s phys=0x%" PRIx64 " len=%" PRIu64 " page=0x%" PRIx64,
			   w[i].id, names[w[i].kind], w[i].where, w[i].gpa, w[i].len, first);
		if (last != first)
			mon_printf(mon, "-0x%" PRIx64, last);
		mon_printf(mon, " hits=%lu exits=%lu dma-hits=%lu\n", w[i].hits, w[i].exits,
			   w[i].dma_hits);
		mon_print_bp_rule(mon, w[i].cond, w[i].hits, w[i].ignore);
	}
	free(w);
	return n;
}
