// SPDX-License-Identifier: GPL-3.0-or-later
#include "vmm/vcpu_exit.h"

#include "vmm/vcpu_debug.h"
#include "vmm/watchpoint.h"

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

static const char *const exit_names[] = {
	[KVM_EXIT_UNKNOWN] = "UNKNOWN",
	[KVM_EXIT_EXCEPTION] = "EXCEPTION",
	[KVM_EXIT_IO] = "IO",
	[KVM_EXIT_HYPERCALL] = "HYPERCALL",
	[KVM_EXIT_DEBUG] = "DEBUG",
	[KVM_EXIT_HLT] = "HLT",
	[KVM_EXIT_MMIO] = "MMIO",
	[KVM_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN",
	[KVM_EXIT_SHUTDOWN] = "SHUTDOWN",
	[KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
	[KVM_EXIT_INTR] = "INTR",
	[KVM_EXIT_SET_TPR] = "SET_TPR",
	[KVM_EXIT_TPR_ACCESS] = "TPR_ACCESS",
	[KVM_EXIT_NMI] = "NMI",
	[KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
	[KVM_EXIT_OSI] = "OSI",
	[KVM_EXIT_PAPR_HCALL] = "PAPR_HCALL",
	[KVM_EXIT_WATCHDOG] = "WATCHDOG",
	[KVM_EXIT_EPR] = "EPR",
	[KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT",
	[KVM_EXIT_IOAPIC_EOI] = "IOAPIC_EOI",
	[KVM_EXIT_HYPERV] = "HYPERV",
	[KVM_EXIT_X86_RDMSR] = "X86_RDMSR",
	[KVM_EXIT_X86_WRMSR] = "X86_WRMSR",
	[KVM_EXIT_DIRTY_RING_FULL] = "DIRTY_RING_FULL",
	[KVM_EXIT_AP_RESET_HOLD] = "AP_RESET_HOLD",
	[KVM_EXIT_X86_BUS_LOCK] = "X86_BUS_LOCK",
	[KVM_EXIT_XEN] = "XEN",
	[KVM_EXIT_RISCV_SBI] = "RISCV_SBI",
	[KVM_EXIT_NOTIFY] = "NOTIFY",
};

const char *vcpu_exit_reason_name(unsigned reason)
{
	if (reason < sizeof(exit_names) / sizeof(exit_names[0]) && exit_names[reason])
		return exit_names[reason];
	return "?";
}

int vcpu_mode_bits(const struct kvm_sregs *s)
{
	if (!(s->cr0 & 1))
		return 16;
	if ((s->efer & (1u << 10)) && s->cs.l)   /* EFER.LMA and a 64-bit CS */
		return 64;
	return s->cs.db ? 32 : 16;
}

void vcpu_handle_pio(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	unsigned size = run->io.size;
	uint64_t bytes = (uint64_t)size * run->io.count;
	/* The data area lies inside the kvm_run mapping; check before use. */
	if ((size != 1 && size != 2 && size != 4) ||
	    run->io.data_offset > (uint64_t)v->vm->run_mmap_size ||
	    bytes > (uint64_t)v->vm->run_mmap_size - run->io.data_offset)
		return;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	bool is_write = run->io.direction == KVM_EXIT_IO_OUT;
	for (uint32_t i = 0; i < run->io.count; i++)
		bus_dispatch(&v->vm->pio, run->io.port, data + i * size, size, is_write);
}

static void vcpu_handle_mmio(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	unsigned len = run->mmio.len;
	if (len == 0 || len > sizeof(run->mmio.data))
		return;
	bus_dispatch(&v->vm->mmio, run->mmio.phys_addr, run->mmio.data, len,
		     run->mmio.is_write);
}

/* Fill ev with where the vCPU is: RIP and mode. */
static void vcpu_locate(struct vcpu *v, struct vm_stop_event *ev)
{
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	ev->cpu_bits = 64;
	if (ioctl(v->fd, KVM_GET_REGS, &regs) == 0)
		ev->rip = regs.rip;
	if (ioctl(v->fd, KVM_GET_SREGS, &sregs) == 0) {
		ev->cpu_bits = vcpu_mode_bits(&sregs);
		/* Outside long mode the CPU fetches from CS.base + RIP. */
		if (ev->cpu_bits != 64)
			ev->rip += sregs.cs.base;
	}
}

static void vcpu_internal_error(struct vcpu *v, struct vm_stop_event *ev)
{
	struct kvm_run *run = v->run;
	ev->kind = STOP_FAULT;
	vcpu_locate(v, ev);
	if (run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION) {
		/* KVM API, KVM_EXIT_INTERNAL_ERROR: with the INSTRUCTION_BYTES
		 * flag, insn_size and insn_bytes hold what the emulator fetched. */
		if (run->emulation_failure.ndata >= 3 &&
		    (run->emulation_failure.flags & KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES)) {
			unsigned n = run->emulation_failure.insn_size;
			if (n > sizeof(run->emulation_failure.insn_bytes))
				n = sizeof(run->emulation_failure.insn_bytes);
			memcpy(ev->insn, run->emulation_failure.insn_bytes, n);
			ev->insn_len = (int)n;
		}
		snprintf(ev->text, sizeof(ev->text),
			 "vCPU %d stopped: emulation failure at rip=0x%llx (%d-bit)",
			 v->id, (unsigned long long)ev->rip, ev->cpu_bits);
		return;
	}
	int n = snprintf(ev->text, sizeof(ev->text),
			 "vCPU %d stopped: KVM internal error, suberror %u, at rip=0x%llx; data:",
			 v->id, run->internal.suberror, (unsigned long long)ev->rip);
	for (unsigned i = 0; i < run->internal.ndata && i < 16 && n > 0 &&
	     (size_t)n < sizeof(ev->text); i++)
		n += snprintf(ev->text + n, sizeof(ev->text) - (size_t)n, " 0x%llx",
			      (unsigned long long)run->internal.data[i]);
}

static void vcpu_system_event(struct vcpu *v, struct vm_stop_event *ev)
{
	switch (v->run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		vm_guest_end(v->vm, VM_END_POWEROFF, "KVM_SYSTEM_EVENT_SHUTDOWN");
		break;
	case KVM_SYSTEM_EVENT_RESET:
		vm_guest_end(v->vm, VM_END_RESET, "KVM_SYSTEM_EVENT_RESET");
		break;
	default:
		ev->kind = STOP_FAULT;
		vcpu_locate(v, ev);
		snprintf(ev->text, sizeof(ev->text), "vCPU %d stopped: system event %u",
			 v->id, v->run->system_event.type);
	}
}

void vcpu_handle_exit(struct vcpu *v, struct vm_stop_event *ev)
{
	struct kvm_run *run = v->run;
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		vcpu_handle_pio(v);
		return;
	case KVM_EXIT_MMIO:
		/* A watched page is RAM to hvmon: never the devices' bus. */
		if (!watch_mmio_exit(v, ev))
			vcpu_handle_mmio(v);
		return;
	case KVM_EXIT_INTR:
	case KVM_EXIT_IRQ_WINDOW_OPEN:
		return;
	case KVM_EXIT_SHUTDOWN: {
		/* SDM vol. 3A 6.15: a fault while delivering a double fault.
		 * Which vCPU matters with several; its registers do not survive
		 * on every host (AMD's VMCB is undefined after a shutdown, so
		 * KVM re-initialises it), so none are quoted. */
		char why[48];
		snprintf(why, sizeof(why), "KVM_EXIT_SHUTDOWN on vCPU %d", v->id);
		vm_guest_end(v->vm, VM_END_TRIPLE_FAULT, why);
		return;
	}
	case KVM_EXIT_SYSTEM_EVENT:
		vcpu_system_event(v, ev);
		return;
	case KVM_EXIT_INTERNAL_ERROR: {
		/* An instruction fetched from a read-watched page (not in any
		 * slot) cannot be emulated: hvmon steps it with the page back. */
		if (watch_fetch_fault(v))
			return;
		struct vm_stop_event fault = { .vcpu = v->id, .kind = STOP_NONE };
		vcpu_internal_error(v, &fault);
		bool emulation = run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION;
		if (!emulation || !vcpu_int3_emulation_failure(v, &fault, ev))
			*ev = fault;
		return;
	}
	case KVM_EXIT_DEBUG:
		vcpu_debug_exit(v, ev);
		return;
	case KVM_EXIT_HLT:
		/* Only without an in-kernel LAPIC; ours halts inside KVM. */
		ev->kind = STOP_FAULT;
		vcpu_locate(v, ev);
		snprintf(ev->text, sizeof(ev->text), "vCPU %d stopped: halted at rip=0x%llx",
			 v->id, (unsigned long long)ev->rip);
		return;
	case KVM_EXIT_FAIL_ENTRY:
		ev->kind = STOP_FAULT;
		vcpu_locate(v, ev);
		snprintf(ev->text, sizeof(ev->text),
			 "vCPU %d stopped: VM entry failed, hardware reason 0x%llx, at rip=0x%llx",
			 v->id, (unsigned long long)run->fail_entry.hardware_entry_failure_reason,
			 (unsigned long long)ev->rip);
		return;
	default:
		ev->kind = STOP_FAULT;
		vcpu_locate(v, ev);
		snprintf(ev->text, sizeof(ev->text),
			 "vCPU %d stopped: unhandled exit %u (%s) at rip=0x%llx", v->id,
			 run->exit_reason, vcpu_exit_reason_name(run->exit_reason),
			 (unsigned long long)ev->rip);
	}
}
