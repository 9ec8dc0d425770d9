// SPDX-License-Identifier: GPL-3.0-or-later
#include "vmm/stop_rule.h"

#include "vmm/vm.h"
#include "vmm/watchpoint.h"

bool vm_with_stop_rule(struct vm *vm, int id, void (*fn)(struct bp_rule_ref *r, void *arg),
		       void *arg)
{
	struct bp_rule_ref r;
	pthread_mutex_lock(&vm->ctl_lock);
	bool found = bp_rule(&vm->bps, id, &r);
	if (found)
		fn(&r, arg);
	pthread_mutex_unlock(&vm->ctl_lock);
	return found || watch_with_rule(vm, id, fn, arg);
}
