/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A KVM virtual machine: its fds, guest RAM, buses, vCPUs and the
 * run/pause control shared by the vCPU threads and the monitor. */
#ifndef HVMON_VM_H
#define HVMON_VM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/breakpoint.h"
#include "vmm/bus.h"
#include "vmm/guest_mem.h"
#include "vmm/irq.h"

/* hvmon's own ceiling on -c; KVM's (KVM_CAP_MAX_VCPUS) is checked too,
 * and the lower of the two wins (vm_max_vcpus). 4096 is as high as
 * Linux's KVM goes (KVM_MAX_VCPUS with CONFIG_KVM_MAX_NR_VCPUS). */
#define VM_MAX_VCPUS 4096
#define HVMON_STR_(x) #x
#define HVMON_STR(x) HVMON_STR_(x)

struct vcpu;
struct image_map;

/* Why the machine is no longer running guest code on its own. */
enum vm_end {
	VM_END_NONE,
	VM_END_RESET,        /* guest asked for a reset: i8042, 0xcf9, SYSTEM_EVENT */
	VM_END_POWEROFF,     /* guest powered off */
	VM_END_TRIPLE_FAULT, /* KVM_EXIT_SHUTDOWN */
};

/* Kinds of stop a vCPU reports to the monitor. */
enum vcpu_stop_kind {
	STOP_NONE,
	STOP_PAUSE,      /* the monitor asked */
	STOP_STEP,       /* a single-step finished */
	STOP_BREAKPOINT,
	STOP_FAULT,      /* emulation failure, internal error, unhandled exit */
	STOP_GUEST_END,  /* reset, power-off or triple fault */
	STOP_WATCHPOINT, /* a watched range was accessed (vmm/watchpoint.h) */
};

struct vm_stop_event {
	int vcpu;
	enum vcpu_stop_kind kind;
	uint64_t rip;
	int cpu_bits;         /* 16, 32 or 64: the mode the vCPU was in */
	int bp_id;            /* STOP_BREAKPOINT: which one */
	bool bp_temporary;
	/* A hit on a breakpoint or watchpoint with a condition or an ignore
	 * count: the vCPU defers it to the monitor (vmm/deferred_stop.h)
	 * instead of posting it. */
	bool undecided;
	/* STOP_WATCHPOINT: which one, the access (guest-physical) and its kind
	 * (enum watch_kind); the access is complete when the stop is posted. */
	int watch_id;
	int watch_kind;
	uint64_t watch_gpa;
	unsigned watch_len;
	uint8_t insn[16];     /* instruction bytes, for emulation failures */
	int insn_len;
	char text[600];       /* what happened, ready to print, may be multi-line */
};

/* At least this many stop events are kept; vm_alloc_vcpus grows the
 * ring to hold one per vCPU and more, since in one all-stop round every
 * vCPU may post one (two breakpoints hit together) and none may be lost. */
#define VM_EVENT_QUEUE 16

struct vm {
	int kvm_fd;
	int vm_fd;
	int run_mmap_size;
	struct guest_mem mem;
	struct bus pio;
	struct bus mmio;
	int nvcpus;
	struct vcpu **vcpu;        /* vm_alloc_vcpus: room for max_vcpus */
	int max_vcpus;
	struct kvm_cpuid2 *cpuid;
	uint32_t guest_debug_blockirq;  /* KVM_GUESTDBG_BLOCKIRQ when offered */

	/* Run control: every field below is guarded by ctl_lock. */
	pthread_mutex_t ctl_lock;
	pthread_cond_t ctl_cond;
	bool quitting;
	enum vm_end end;
	char end_why[128];
	bool faulted;              /* latest stop was abnormal */
	uint64_t stop_seq;         /* increments at every stop event */
	bool round_reported;       /* last_stop holds this round's first event */
	struct vm_stop_event *events;
	unsigned ev_cap;           /* ring size, a power of 2: VM_EVENT_QUEUE + 2 per vCPU or more */
	unsigned ev_head, ev_tail; /* ring of events not yet shown */
	int event_fd;              /* eventfd: readable when events are queued */
	/* eventfd written at every stop_seq change, for an observer other
	 * than the monitor (the gdb stub), which must not take its events;
	 * -1 when none. */
	int stop_notify_fd;
	struct vm_stop_event last_stop;
	struct bp_table bps;
	/* The kernel image's virtual-to-physical placement (boot_info), for
	 * breakpoints set before the kernel's page tables exist. */
	const struct image_map *image_map;
	int nimage_maps;
	/* Memory-protection watchpoints (vmm/watchpoint.c), made by the
	 * first watch; its own lock. */
	struct watch_state *watch;
};

/* First step: guest RAM (laid out around the MMIO hole) and the control
 * state, before any KVM call, so a kernel can be loaded and rejected
 * without touching /dev/kvm. -1 and one line in err on failure. */
int vm_init_memory(struct vm *vm, uint64_t ram_size, char *err, size_t errlen);
/* Second step: KVM fds, RAM slots, in-kernel irqchip and PIT, TSS and
 * identity-map pages. -1 and one line in err on failure. */
int vm_create(struct vm *vm, char *err, size_t errlen);
void vm_destroy(struct vm *vm);

/* How many vCPUs this KVM takes: KVM_CAP_MAX_VCPUS, or KVM_CAP_NR_VCPUS
 * (the recommended count) on kernels without it, or 4 when neither
 * answers (KVM API 4.1), capped at VM_MAX_VCPUS. vm_create first. */
int vm_max_vcpus(const struct vm *vm);
/* Room for n vCPUs and their stop events. -1 and one line in err when n
 * is more than vm_max_vcpus or memory runs out. */
int vm_alloc_vcpus(struct vm *vm, int n, char *err, size_t errlen);

/* An irq_line that drives GSI gsi of the in-kernel irqchip. */
struct irq_line vm_irq_line(struct vm *vm, unsigned gsi);
/* A sysevent_sink that ends the VM (reset / power-off). */
struct sysevent_sink vm_sysevent_sink(struct vm *vm);

/* Record that the guest ended, stop every vCPU and tell the monitor.
 * Safe from any thread. */
void vm_guest_end(struct vm *vm, enum vm_end end, const char *why);
const char *vm_end_name(enum vm_end end);

/* Queue a stop event for the monitor (called with ctl_lock held). */
void vm_post_event_locked(struct vm *vm, const struct vm_stop_event *ev);
/* Count a stop (stop_seq) and wake the stop_notify_fd observer
 * (ctl_lock held). */
void vm_count_stop_locked(struct vm *vm);
/* Take the oldest queued event; false when none. */
bool vm_take_event(struct vm *vm, struct vm_stop_event *ev);

#endif
