// SPDX-License-Identifier: GPL-3.0-or-later
/* The vCPUs and their interrupt controllers: `info cpus`, `info lapic`,
 * `info ioapic`, `nmi`. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "monitor/apic_format.h"
#include "monitor/commands.h"
#include "monitor/parse.h"
#include "monitor/regs_format.h"
#include "vmm/vcpu.h"

/* What a parked vCPU is doing, from KVM_GET_MP_STATE (KVM API 4.38): an
 * AP the guest has not started yet waits for INIT and SIPI. */
static const char *mp_state_name(struct vcpu *v)
{
	struct kvm_mp_state mp;
	if (ioctl(v->fd, KVM_GET_MP_STATE, &mp) < 0)
		return "stopped";
	switch (mp.mp_state) {
	case KVM_MP_STATE_HALTED:
		return "halted";
	case KVM_MP_STATE_UNINITIALIZED:
	case KVM_MP_STATE_INIT_RECEIVED:
		return "waiting-for-SIPI";
	default:
		return "stopped";
	}
}

/* Why a parked vCPU stopped in the latest round (ctl_lock held). */
static void stop_reason(struct vm *vm, struct vcpu *v, char *out, size_t outlen)
{
	switch (v->stop_kind) {
	case STOP_NONE:
		if (vm->last_stop.vcpu >= 0 && vm->last_stop.vcpu != v->id)
			snprintf(out, outlen, "all-stop(vcpu%d)", vm->last_stop.vcpu);
		else
			snprintf(out, outlen, "none");
		break;
	case STOP_PAUSE:
		snprintf(out, outlen, "pause");
		break;
	case STOP_STEP:
		snprintf(out, outlen, "step");
		break;
	case STOP_BREAKPOINT:
		snprintf(out, outlen, "breakpoint%d", v->stop_bp_id);
		break;
	case STOP_FAULT:
		snprintf(out, outlen, "fault");
		break;
	case STOP_GUEST_END:
		snprintf(out, outlen, "guest-end");
		break;
	case STOP_WATCHPOINT:
		snprintf(out, outlen, "watchpoint");
		break;
	}
}

int info_cpus(struct monitor *mon)
{
	struct vm *vm = &mon->m->vm;
	/* Only the monitor starts vCPUs: a machine found stopped here stays
	 * stopped while this runs. A running one (even with some vCPUs
	 * parked for a moment, stepping off breakpoints) is not asked. */
	bool machine_running = vm_is_running(vm) || !vcpu_all_parked(vm);
	for (int i = 0; i < vm->nvcpus; i++) {
		struct vcpu *v = vm->vcpu[i];
		char why[48];
		pthread_mutex_lock(&vm->ctl_lock);
		bool running = machine_running;
		stop_reason(vm, v, why, sizeof(why));
		pthread_mutex_unlock(&vm->ctl_lock);
		char where[512] = "";
		const char *state = "running";
		struct kvm_sregs s;
		uint64_t rip;
		int bits;
		/* docs/design.md 5: only a parked vCPU is asked anything. */
		if (!running && vcpu_linear_rip(v, &rip, &bits) == 0 &&
		    ioctl(v->fd, KVM_GET_SREGS, &s) == 0) {
			char sym[160], mode[80];
			state = mp_state_name(v);
			mon_symbolize(mon, rip, sym, sizeof(sym));
			regs_describe_mode(&s, mode, sizeof(mode));
			snprintf(where, sizeof(where), " rip=0x%llx%s%s%s mode=\"%s\" why=%s",
				 (unsigned long long)rip, sym[0] ? " <" : "", sym, sym[0] ? ">" : "",
				 mode, why);
		} else if (!running) {
			state = "stopped";
		}
		mon_printf(mon, "%scpu=%d state=%s%s exits=%llu\n", i == mon->selected_cpu ? "*" : " ",
			   i, state, where, (unsigned long long)atomic_load(&v->stats.exits));
	}
	return 0;
}

/* Print text built by a formatter on a memory stream. */
static int print_formatted(struct monitor *mon, void (*fmt)(FILE *, const void *), const void *arg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return mon_error(mon, "out of memory");
	fmt(f, arg);
	fclose(f);
	mon_printf(mon, "%s", text);
	free(text);
	return 0;
}

static void lapic_fmt(FILE *f, const void *s)
{
	lapic_format(f, s);
}

static void ioapic_fmt(FILE *f, const void *s)
{
	ioapic_format(f, s);
}

/* vCPU argv (a number below nvcpus), or the selected one when absent;
 * -1 with the error printed. */
static int cpu_arg(struct monitor *mon, const char *arg, const char *cmd)
{
	if (!arg)
		return mon->selected_cpu;
	uint64_t n;
	if (!parse_u64(arg, &n) || n >= (uint64_t)mon->m->vm.nvcpus)
		return mon_error(mon, "%s: no vCPU '%s' (0 to %d)", cmd, arg, mon->m->vm.nvcpus - 1);
	return (int)n;
}

int info_lapic_of(struct monitor *mon, const char *arg)
{
	int cpu = cpu_arg(mon, arg, "info lapic");
	if (cpu < 0 || !mon_paused_vcpu(mon))
		return -1;
	struct vcpu *v = mon->m->vm.vcpu[cpu];
	struct kvm_lapic_state s;
	if (ioctl(v->fd, KVM_GET_LAPIC, &s) < 0)
		return mon_error(mon, "KVM_GET_LAPIC on vCPU %d: %s", cpu, strerror(errno));
	mon_printf(mon, "cpu=%d\n", cpu);
	return print_formatted(mon, lapic_fmt, &s);
}

int info_lapic(struct monitor *mon)
{
	return info_lapic_of(mon, NULL);
}

/* The IOAPIC is the VM's, not a vCPU's: KVM_GET_IRQCHIP answers while
 * the guest runs (KVM API 4.27). */
int info_ioapic(struct monitor *mon)
{
	struct kvm_irqchip chip = { .chip_id = KVM_IRQCHIP_IOAPIC };
	if (ioctl(mon->m->vm.vm_fd, KVM_GET_IRQCHIP, &chip) < 0)
		return mon_error(mon, "KVM_GET_IRQCHIP: %s", strerror(errno));
	return print_formatted(mon, ioapic_fmt, &chip.chip.ioapic);
}

/* KVM_NMI (KVM API 4.65) queues an NMI on a vCPU, as its LAPIC's LINT1
 * would; it is a vCPU ioctl, which waits for a running vCPU to leave
 * KVM_RUN, so a running machine is paused around it (quietly: no stop
 * is reported) and resumed. */
int cmd_nmi(struct monitor *mon, int argc, char **argv)
{
	if (argc > 2)
		return mon_error(mon, "usage: nmi [N]");
	int cpu = cpu_arg(mon, argc == 2 ? argv[1] : NULL, "nmi");
	if (cpu < 0)
		return -1;
	struct vm *vm = &mon->m->vm;
	bool was_running = vcpu_pause_all(vm) > 0;
	int rc = ioctl(vm->vcpu[cpu]->fd, KVM_NMI, 0);
	int err = errno;
	if (was_running)
		vcpu_resume_all(vm);
	if (rc < 0)
		return mon_error(mon, "KVM_NMI on vCPU %d: %s", cpu, strerror(err));
	mon_printf(mon, "nmi: queued on vCPU %d%s\n", cpu, was_running ? "" : " (delivered when it runs)");
	return 0;
}
