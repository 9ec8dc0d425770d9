// SPDX-License-Identifier: GPL-3.0-or-later
/* Breakpoints and watchpoints: break, hbreak, watch, delete, info break. */
#include <string.h>

#include "monitor/commands.h"
#include "monitor/parse.h"
#include "vmm/kvm.h"
#include "vmm/vcpu.h"

/* Breakpoints are planted when the guest resumes; one added while it runs
 * is planted by pausing, adding and resuming. */
static bool pause_for_change(struct monitor *mon)
{
	return vcpu_pause_all(&mon->m->vm) > 0;
}

int cmd_break(struct monitor *mon, int argc, char **argv)
{
	if (argc != 2)
		return mon_error(mon, "usage: break ADDR|SYMBOL[+OFF]");
	struct vm *vm = &mon->m->vm;
	bool was_running = pause_for_change(mon);
	uint64_t addr;
	int rc = mon_eval(mon, argv[1], &addr);
	if (rc == 0) {
		pthread_mutex_lock(&vm->ctl_lock);
		int existing = 0;
		int id = bp_add(&vm->bps, addr, false, argv[1], &existing);
		pthread_mutex_unlock(&vm->ctl_lock);
		char sym[160];
		mon_symbolize(mon, addr, sym, sizeof(sym));
		if (id > 0)
			mon_printf(mon, "breakpoint %d at 0x%llx%s%s%s\n", id, (unsigned long long)addr,
				   sym[0] ? " <" : "", sym, sym[0] ? ">" : "");
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

/* Hardware breakpoints and watchpoints need the debug registers, which
 * KVM lends the VMM only where KVM_CAP_GUEST_DEBUG_HW_BPS is non-zero. */
int cmd_hbreak(struct monitor *mon, int argc, char **argv)
{
	(void)argc;
	int n = kvm_check_cap(mon->m->vm.kvm_fd, KVM_CAP_GUEST_DEBUG_HW_BPS);
	if (n == 0)
		return mon_error(mon, "%s: this KVM offers no hardware breakpoints "
				 "(KVM_CAP_GUEST_DEBUG_HW_BPS=0); use 'break'", argv[0]);
	return mon_error(mon, "%s: hardware breakpoints (%d debug registers offered) are not "
			 "implemented in hvmon yet; use 'break'", argv[0], n);
}

int cmd_delete(struct monitor *mon, int argc, char **argv)
{
	uint64_t id;
	if (argc != 2 || (strcmp(argv[1], "all") && !parse_u64(argv[1], &id)))
		return mon_error(mon, "usage: delete N|all");
	struct vm *vm = &mon->m->vm;
	bool was_running = pause_for_change(mon);
	int rc = 0;
	pthread_mutex_lock(&vm->ctl_lock);
	if (!strcmp(argv[1], "all"))
		bp_delete_all(&vm->bps);
	else if (!bp_delete(&vm->bps, (int)id))
		rc = -1;
	pthread_mutex_unlock(&vm->ctl_lock);
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
	memcpy(list, vm->bps.bp, sizeof(list));
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
		shown++;
	}
	if (!shown)
		mon_printf(mon, "no breakpoints\n");
	return 0;
}
