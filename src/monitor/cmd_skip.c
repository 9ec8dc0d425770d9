// SPDX-License-Identifier: GPL-3.0-or-later
/* `skip` and `jump ADDR`: move the selected vCPU's RIP, past the instruction
 * at it (decoded for its length) or to ADDR and running from there, as
 * gdb's jump does. The way on after an emulation failure (emu_fail.h). */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "monitor/commands.h"
#include "vmm/vcpu.h"
#include "vmm/vcpu_exit.h"

/* RIP = the linear address addr: outside long mode RIP is an offset from
 * CS.base. */
static int set_rip(struct monitor *mon, struct vcpu *v, uint64_t addr)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (ioctl(v->fd, KVM_GET_REGS, &r) < 0 || ioctl(v->fd, KVM_GET_SREGS, &s) < 0)
		return mon_error(mon, "cannot read vCPU %d registers: %s", v->id, strerror(errno));
	r.rip = vcpu_mode_bits(&s) == 64 ? addr : addr - s.cs.base;
	if (vcpu_mode_bits(&s) != 64 && r.rip > UINT32_MAX)
		return mon_error(mon, "0x%llx is outside the code segment",
				 (unsigned long long)addr);
	if (ioctl(v->fd, KVM_SET_REGS, &r) < 0)
		return mon_error(mon, "KVM_SET_REGS: %s", strerror(errno));
	return 0;
}

int cmd_skip(struct monitor *mon, int argc, char **argv)
{
	if (argc != 1)
		return mon_error(mon, "usage: skip");
	(void)argv;
	struct vcpu *v = mon_paused_vcpu(mon);
	if (!v)
		return -1;
	struct mon_insn in;
	if (mon_insn_at_rip(v, &in) < 0)
		return mon_error(mon, "cannot read vCPU %d registers", v->id);
	if (in.len <= 0)
		return mon_error(mon, "skip: cannot decode the instruction at 0x%llx%s; "
				 "use 'jump ADDR'", (unsigned long long)in.rip,
				 in.got ? "" : " (not mapped)");
	if (set_rip(mon, v, in.rip + (uint64_t)in.len) < 0)
		return -1;
	mon_printf(mon, "skipped %s (%d bytes)\n", in.text, in.len);
	mon_print_location(mon, v);
	return 0;
}

int cmd_jump(struct monitor *mon, int argc, char **argv)
{
	uint64_t addr;

	if (argc != 2)
		return mon_error(mon, "usage: jump ADDR|SYMBOL");
	struct vcpu *v = mon_paused_vcpu(mon);
	if (!v || mon_eval(mon, argv[1], &addr) < 0)
		return -1;
	if (set_rip(mon, v, addr) < 0)
		return -1;
	char sym[160];
	mon_symbolize(mon, addr, sym, sizeof(sym));
	mon_printf(mon, "continuing at 0x%llx%s%s%s\n", (unsigned long long)addr,
		   sym[0] ? " <" : "", sym, sym[0] ? ">" : "");
	char *run[] = { "run", NULL };
	return cmd_run(mon, 1, run);
}
