// SPDX-License-Identifier: GPL-3.0-or-later
/* Breakpoints: break, delete, info break (watchpoints and hbreak: cmd_watch.c). */
#include <limits.h>
#include <string.h>
#include <sys/ioctl.h>

#include "monitor/break_if.h"
#include "monitor/commands.h"
#include "monitor/cond_check.h"
#include "monitor/parse.h"
#include "vmm/kvm.h"
#include "vmm/vcpu.h"
#include "vmm/watchpoint.h"

/* Breakpoints are planted when the guest resumes; one added while it runs
 * is planted by pausing, adding and resuming. */
static bool pause_for_change(struct monitor *mon)
{
	return vcpu_pause_all(&mon->m->vm) > 0;
}

/* docs/design.md 1: under kvm_pvm an int3 executed in ring 3 goes to the
 * guest's IDT without an exit, so hvmon cannot catch it. Said when the
 * selected vCPU is in ring 3 (CPL = CS.RPL). */
static void warn_ring3(struct monitor *mon)
{
	struct kvm_sregs s;
	struct vcpu *v = mon->m->vm.vcpu[mon->selected_cpu];

	if (kvm_host_is_pvm() && ioctl(v->fd, KVM_GET_SREGS, &s) == 0 && (s.cs.selector & 3) == 3)
		mon_printf(mon, "note: vCPU %d is in ring 3, and on this host (kvm_pvm) an int3 in"
			   " ring 3 goes straight to the guest's IDT: hvmon sees this breakpoint"
			   " only where the guest runs it in ring 0\n", v->id);
}

int cmd_break(struct monitor *mon, int argc, char **argv)
{
	struct break_args ba;
	char err[160];
	if (break_if_parse(argc - 1, argv + 1, &ba, err, sizeof(err)) < 0)
		return mon_error(mon, "%s; usage: %s ADDR|SYMBOL[+OFF] [if EXPR]", err, argv[0]);
	struct vm *vm = &mon->m->vm;
	bool was_running = pause_for_change(mon);
	uint64_t addr;
	int rc = mon_eval(mon, ba.location, &addr);
	if (rc == 0)
		rc = mon_check_condition(mon, ba.cond);
	if (rc == 0) {
		pthread_mutex_lock(&vm->ctl_lock);
		int existing = 0;
		int id = bp_add(&vm->bps, addr, false, ba.location, &existing);
		struct bp_rule_ref r;
		/* Before the guest resumes: its first hit is already decided. */
		if (id > 0 && bp_rule(&vm->bps, id, &r))
			snprintf(r.cond, BP_COND_MAX, "%s", ba.cond);
		pthread_mutex_unlock(&vm->ctl_lock);
		char sym[160];
		mon_symbolize(mon, addr, sym, sizeof(sym));
		if (id > 0) {
			mon_printf(mon, "breakpoint %d at 0x%llx%s%s%s\n", id, (unsigned long long)addr,
				   sym[0] ? " <" : "", sym, sym[0] ? ">" : "");
			warn_ring3(mon);
		}
		else if (existing)
			rc = mon_error(mon, "breakpoint %d is already at 0x%llx", existing,
				       (unsigned long long)addr);
		else
			rc = mon_error(mon, "no free breakpoint slot (at most %d)", BP_MAX);
	}
	if (was_running)
		vcpu_resume_all(vm);
	return rc;
}

int cmd_delete(struct monitor *mon, int argc, char **argv)
{
	uint64_t id;
	if (argc != 2 || (strcmp(argv[1], "all") && !parse_u64(argv[1], &id)))
		return mon_error(mon, "usage: delete N|all");
	if (strcmp(argv[1], "all") && (id == 0 || id > INT_MAX))
		return mon_error(mon, "no breakpoint %s", argv[1]);
	struct vm *vm = &mon->m->vm;
	bool was_running = pause_for_change(mon);
	int rc = 0;
	pthread_mutex_lock(&vm->ctl_lock);
	if (!strcmp(argv[1], "all"))
		bp_delete_all(&vm->bps);
	else if (!bp_delete(&vm->bps, (int)id))
		rc = -1;
	pthread_mutex_unlock(&vm->ctl_lock);
	if (!strcmp(argv[1], "all"))
		watch_delete_all(vm);
	else if (rc < 0 && watch_delete_id(vm, (int)id))
		rc = 0;
	if (was_running)
		vcpu_resume_all(vm);
	if (rc < 0)
		return mon_error(mon, "no breakpoint %s", argv[1]);
	return 0;
}

int info_breakpoints(struct monitor *mon)
{
	struct vm *vm = &mon->m->vm;
	struct breakpoint list[BP_MAX];
	pthread_mutex_lock(&vm->ctl_lock);
	struct hw_breakpoint hw[HWBP_MAX];
	memcpy(list, vm->bps.bp, sizeof(list));
	memcpy(hw, vm->bps.hw, sizeof(hw));
	pthread_mutex_unlock(&vm->ctl_lock);
	int shown = 0;
	for (int i = 0; i < BP_MAX; i++) {
		const struct breakpoint *b = &list[i];
		if (!b->id)
			continue;
		char sym[160];
		mon_symbolize(mon, b->gva, sym, sizeof(sym));
		mon_printf(mon, "id=%d addr=0x%llx%s%s%s hits=%lu%s%s%s\n", b->id,
			   (unsigned long long)b->gva, sym[0] ? " <" : "", sym, sym[0] ? ">" : "",
			   b->hits, b->temporary ? " temporary" : "",
			   b->unplanted_why ? " not-planted: " : "",
			   b->unplanted_why ? b->unplanted_why : "");
		mon_print_bp_rule(mon, b->cond, b->hits, b->ignore);
		shown++;
	}
	for (int i = 0; i < HWBP_MAX; i++) {
		const struct hw_breakpoint *h = &hw[i];
		if (!h->id)
			continue;
		char sym[160];
		mon_symbolize(mon, h->addr, sym, sizeof(sym));
		mon_printf(mon, "id=%d addr=0x%llx%s%s%s hits=%lu %s len=%u\n", h->id,
			   (unsigned long long)h->addr, sym[0] ? " <" : "", sym, sym[0] ? ">" : "",
			   h->hits, h->kind == HWBP_EXEC ? "hardware" : h->kind == HWBP_WRITE ?
			   "watch-write" : "watch-rw", h->len);
		mon_print_bp_rule(mon, h->cond, h->hits, h->ignore);
		shown++;
	}
	shown += info_watchpoints(mon);
	if (!shown)
		mon_printf(mon, "no breakpoints\n");
	return 0;
}
