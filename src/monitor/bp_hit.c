// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/bp_hit.h"

#include <stdlib.h>
#include <string.h>

#include "monitor/mon_ktypes.h"
#include "vmm/bp_decide.h"
#include "vmm/deferred_stop.h"
#include "vmm/stop_rule.h"
#include "vmm/vcpu.h"

/* cond on the vCPU that hit (selected for the evaluation, as gdb
 * evaluates in the stopping thread's frame #0). An error is told as gdb
 * tells it, before the stop it causes. */
static enum bp_cond_value eval_condition(struct monitor *mon, const struct vm_stop_event *ev,
					 int id, const char *cond)
{
	if (!cond[0])
		return BP_COND_NONE;
	if (ev->vcpu < 0 || ev->vcpu >= mon->m->vm.nvcpus)
		return BP_COND_ERROR;
	int saved_cpu = mon->selected_cpu;
	FILE *saved_capture = mon->capture;
	char *msg = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&msg, &len);
	if (f)
		mon->capture = f;
	mon->selected_cpu = ev->vcpu;
	struct tval v;
	struct texpr_env env;
	uint64_t x = 0;
	char err[200];
	int rc = mon_texpr(mon, cond, &v, &env);
	if (rc == 0 && texpr_scalar(&env, &v, &x, err, sizeof(err)) < 0)
		rc = mon_error(mon, "%s", err);
	mon->selected_cpu = saved_cpu;
	mon->capture = saved_capture;
	if (f)
		fclose(f);
	if (rc < 0) {
		const char *why = msg ? msg : "";
		if (!strncmp(why, "error: ", 7))
			why += 7;
		mon_printf(mon, "Error in testing condition for breakpoint %d:\n%s", id, why);
	}
	free(msg);
	if (rc < 0)
		return BP_COND_ERROR;
	return x ? BP_COND_TRUE : BP_COND_FALSE;
}

static void copy_cond(struct bp_rule_ref *r, void *arg)
{
	memcpy(arg, r->cond, BP_COND_MAX);
}

struct decision {
	enum bp_cond_value value;
	bool stops;
};

static void apply(struct bp_rule_ref *r, void *arg)
{
	struct decision *d = arg;
	struct bp_counts c = { *r->hits, *r->ignore };
	d->stops = bp_decide(&c, d->value);
	*r->hits = c.hits;
	*r->ignore = c.ignore;
}

/* One hit: true when it stops the machine. */
static bool decide(struct monitor *mon, const struct vm_stop_event *ev)
{
	struct vm *vm = &mon->m->vm;
	int id = ev->kind == STOP_WATCHPOINT ? ev->watch_id : ev->bp_id;
	char cond[BP_COND_MAX];
	/* Deleted since it was hit: gdb does not stop for it either. */
	if (!vm_with_stop_rule(vm, id, copy_cond, cond))
		return false;
	struct decision d = { eval_condition(mon, ev, id, cond), false };
	vm_with_stop_rule(vm, id, apply, &d);
	return d.stops;
}

/* Decide every pending hit, posting those that stop: true when one did,
 * or something else stopped the machine in this round. */
static bool decide_all(struct monitor *mon)
{
	struct vm *vm = &mon->m->vm;
	/* Registers and memory are read on a parked machine only. */
	vcpu_pause_all(vm);
	bool stop = false;
	struct vm_stop_event ev;
	while (vm_take_deferred(vm, &ev)) {
		if (decide(mon, &ev)) {
			vm_post_deferred(vm, &ev);
			stop = true;
		}
	}
	return stop || vm_round_stopped(vm);
}

bool mon_decide_hits(struct monitor *mon)
{
	struct vm *vm = &mon->m->vm;
	if (!vm_any_deferred(vm))
		return false;
	if (decide_all(mon)) {
		vm_deferred_settled(vm);
		return false;
	}
	return vcpu_resume_all(vm);
}

bool mon_settle_hits(struct monitor *mon)
{
	struct vm *vm = &mon->m->vm;
	if (!vm_any_deferred(vm))
		return false;
	bool stopped = decide_all(mon);
	vm_deferred_settled(vm);
	return !stopped;
}

bool mon_decide_hits_locked(struct monitor *mon)
{
	struct vm *vm = &mon->m->vm;
	pthread_mutex_unlock(&vm->ctl_lock);
	bool resumed = mon_decide_hits(mon);
	pthread_mutex_lock(&vm->ctl_lock);
	return resumed;
}
