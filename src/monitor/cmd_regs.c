// SPDX-License-Identifier: GPL-3.0-or-later
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "monitor/commands.h"
#include "monitor/regs_format.h"
#include "vmm/vcpu.h"

int cmd_regs(struct monitor *mon, int argc, char **argv)
{
	if (argc > 1)
		return mon_error(mon, "'%s' takes no arguments", argv[0]);
	struct vm *vm = &mon->m->vm;
	/* DESIGN.md 5: the monitor never touches a running vCPU's state. */
	if (!vcpu_all_parked(vm) || vm_is_running(vm))
		return mon_error(mon, "the guest is running; 'pause' first");
	struct vcpu *v = vm->vcpu[mon->selected_cpu];
	struct kvm_regs r;
	struct kvm_sregs s;
	if (ioctl(v->fd, KVM_GET_REGS, &r) < 0 || ioctl(v->fd, KVM_GET_SREGS, &s) < 0)
		return mon_error(mon, "cannot read vCPU %d registers: %s", v->id, strerror(errno));
	char out[4096];
	regs_format_all(&r, &s, out, sizeof(out));
	mon_printf(mon, "vcpu=%d\n%s", v->id, out);
	return 0;
}
