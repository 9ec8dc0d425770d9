// SPDX-License-Identifier: GPL-3.0-or-later
/* Instruction-level execution control: step, next, until, finish, cpu. */
#include <string.h>
#include <sys/ioctl.h>

#include "monitor/commands.h"
#include "monitor/mon_frames.h"
#include "monitor/parse.h"
#include "monitor/run_to.h"
#include "monitor/symtab.h"
#include "vmm/vcpu.h"

#define STEP_MAX 10000000UL

/* Budget for a step: generous, since a step can sit in a halt with
 * interrupts off; the machine is paused when it runs out. */
static unsigned step_timeout_ms(unsigned long n)
{
	unsigned long ms = 5000 + n;
	return ms > 600000 ? 600000 : (unsigned)ms;
}

/* Steps go in chunks so that Ctrl-C can stop a long `step N` between them. */
#define STEP_CHUNK 1000UL

static int do_step(struct monitor *mon, unsigned long n)
{
	struct vcpu *v = mon_paused_vcpu(mon);
	if (!v || emu_fail_stuck(mon, v, "step"))
		return -1;
	enum step_result r = STEP_DONE;
	unsigned long done = 0, chunk = 0;
	while (done < n && r == STEP_DONE) {
		chunk = n - done < STEP_CHUNK ? n - done : STEP_CHUNK;
		r = vcpu_step(&mon->m->vm, v->id, chunk, step_timeout_ms(chunk));
		done += chunk;
		if (r == STEP_DONE && done < n && mon_take_sigint()) {
			mon_drop_events(mon);
			mon_printf(mon, "^C after %lu steps\n", done);
			break;
		}
	}
	switch (r) {
	case STEP_DONE:
		/* The step's own stop event would repeat what we print now. */
		mon_drop_events(mon);
		mon_print_location(mon, v);
		return 0;
	case STEP_ENDED:
		mon_show_events(mon);
		return mon_error(mon, "the guest has ended; nothing to step");
	case STEP_STOPPED_OTHERWISE:
		mon_show_events(mon);
		return 0;
	case STEP_NOT_STARTED:
		return mon_error(mon, "vCPU %d is waiting for INIT/SIPI (not started by the guest "
				 "yet): nothing to step", v->id);
	case STEP_TIMEOUT:
		mon_print_location(mon, v);
		return mon_error(mon, "step: %lu instructions did not complete within %u ms (halted "
				 "with interrupts off?); the guest is paused after at most %lu",
				 chunk, step_timeout_ms(chunk), done);
	}
	return -1;
}

int cmd_step(struct monitor *mon, int argc, char **argv)
{
	uint64_t n = 1;
	if (argc > 2 || (argc == 2 && (!parse_u64(argv[1], &n) || n == 0 || n > STEP_MAX)))
		return mon_error(mon, "usage: step [N] (1 to %lu instructions)", STEP_MAX);
	return do_step(mon, (unsigned long)n);
}

/* How long next, until, finish and advance wait in a script (batch mode, -x). */
#define RUN_TO_SCRIPT_SECONDS 600.0

/* As gdb does, wait until the machine stops (run_to.h). */
int mon_run_to(struct monitor *mon, const struct run_target *t, int n, const char *why)
{
	struct vm *vm = &mon->m->vm;
	char sym[160];
	if (emu_fail_any_stuck(mon, why))
		return -1;
	mon_symbolize(mon, t[0].addr, sym, sizeof(sym));
	mon_printf(mon, "running to 0x%llx%s%s%s\n", (unsigned long long)t[0].addr,
		   sym[0] ? " <" : "", sym, sym[0] ? ">" : "");
	for (int i = 1; i < n; i++) {
		mon_symbolize(mon, t[i].addr, sym, sizeof(sym));
		mon_printf(mon, "  or to 0x%llx%s%s%s\n", (unsigned long long)t[i].addr,
			   sym[0] ? " <" : "", sym, sym[0] ? ">" : "");
	}
	for (;;) {
		/* Temporary breakpoints go at every full stop: add them anew. */
		pthread_mutex_lock(&vm->ctl_lock);
		int failed = 0;
		for (int i = 0; i < n; i++) {
			int existing = 0;
			if (bp_add(&vm->bps, t[i].addr, true, why, &existing) < 0 && !existing)
				failed++;
		}
		if (failed)
			bp_delete_temporary(&vm->bps);
		pthread_mutex_unlock(&vm->ctl_lock);
		if (failed)
			return mon_error(mon, "%s: no free breakpoint slot", why);
		if (!vcpu_resume_all(vm))
			return mon_error(mon, "the guest has ended; nothing to run");
		/* A script must not hang on a place never reached; at the
		 * prompt, Ctrl-C ends the wait. */
		bool interrupted = mon_wait_until_stopped_quiet(mon, mon->readline ? 0 :
									RUN_TO_SCRIPT_SECONDS);
		pthread_mutex_lock(&vm->ctl_lock);
		struct vm_stop_event last = vm->last_stop;
		pthread_mutex_unlock(&vm->ctl_lock);
		struct kvm_regs r;
		bool deeper = false;
		for (int i = 0; i < n && !interrupted && last.kind == STOP_BREAKPOINT; i++)
			deeper |= t[i].min_rsp && last.rip == t[i].addr &&
				  ioctl(vm->vcpu[last.vcpu]->fd, KVM_GET_REGS, &r) == 0 &&
				  r.rsp < t[i].min_rsp;
		if (deeper) {
			mon_drop_events(mon);
			continue;
		}
		mon_show_events(mon);
		if (interrupted && !mon->readline)
			return mon_error(mon, "%s: 0x%llx not reached within %g s", why,
					 (unsigned long long)t[0].addr, RUN_TO_SCRIPT_SECONDS);
		return 0;
	}
}

static int run_to(struct monitor *mon, uint64_t addr, const char *why, uint64_t min_rsp)
{
	struct run_target t = { addr, min_rsp };
	return mon_run_to(mon, &t, 1, why);
}

int cmd_next(struct monitor *mon, int argc, char **argv)
{
	if (argc != 1)
		return mon_error(mon, "usage: %s", argv[0]);
	struct vcpu *v = mon_paused_vcpu(mon);
	if (!v)
		return -1;
	struct mon_insn in;
	if (mon_insn_at_rip(v, &in) < 0)
		return mon_error(mon, "cannot read the vCPU's registers");
	/* Only a call has a "rest of the line" to run to; anything else is
	 * one step. */
	struct kvm_regs r;
	/* After the call returns, RSP is back where it is now. */
	if (in.len > 0 && !strncmp(in.text, "call", 4) && ioctl(v->fd, KVM_GET_REGS, &r) == 0)
		return run_to(mon, in.rip + (uint64_t)in.len, "next", r.rsp);
	return do_step(mon, 1);
}

int cmd_until(struct monitor *mon, int argc, char **argv)
{
	if (argc != 2)
		return mon_error(mon, "usage: until ADDR|SYMBOL");
	uint64_t addr;
	if (!mon_paused_vcpu(mon) || mon_eval(mon, argv[1], &addr) < 0)
		return -1;
	return run_to(mon, addr, "until", 0);
}

/* Run until the selected frame returns: its caller's pc and rsp come from
 * the unwinder (ORC, frame pointers, or [rsp] at a function's first
 * instruction). An unwind that is only a guess (a stack scan) is refused
 * rather than run to a wrong address. */
int cmd_finish(struct monitor *mon, int argc, char **argv)
{
	if (argc != 1)
		return mon_error(mon, "usage: %s", argv[0]);
	struct vcpu *v = mon_paused_vcpu(mon);
	if (!v)
		return -1;
	/* The selected frame's caller, from the unwinder: its pc is where the
	 * function returns to, its rsp where the stack is once it has. */
	static struct uw_frame f[MON_MAX_FRAMES];
	char why[320];
	int sel = mon_selected_frame(mon, v);
	int n = mon_unwind(mon, v, f, sel + 2, why, sizeof(why));
	if (n < 0)
		return -1;
	if (n < sel + 2 || !f[sel + 1].reliable)
		return mon_error(mon, "finish: the return address of frame #%d is not known (%s); "
				 "use 'until ADDR'", sel, why);
	return run_to(mon, f[sel + 1].regs.v[UW_RIP], "finish", f[sel + 1].regs.v[UW_RSP]);
}

int cmd_cpu(struct monitor *mon, int argc, char **argv)
{
	uint64_t n;
	if (argc == 1) {
		mon_printf(mon, "cpu=%d\n", mon->selected_cpu);
		return 0;
	}
	if (argc != 2 || !parse_u64(argv[1], &n))
		return mon_error(mon, "usage: cpu [N]");
	if (n >= (uint64_t)mon->m->vm.nvcpus)
		return mon_error(mon, "no vCPU %llu (this guest has %d)", (unsigned long long)n,
				 mon->m->vm.nvcpus);
	mon->selected_cpu = (int)n;
	mon_printf(mon, "cpu=%d\n", mon->selected_cpu);
	return 0;
}
