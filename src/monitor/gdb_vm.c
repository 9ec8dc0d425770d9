// SPDX-License-Identifier: GPL-3.0-or-later
/* gdb_target_ops over the VM (see gdb_vm.h). Runs on the stub's thread:
 * every change to the breakpoint table is made under ctl_lock, and vCPU
 * state is touched only while every vCPU is parked. */
#include "monitor/gdb_vm.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "monitor/gdb_stub.h"
#include "vmm/vcpu.h"
#include "vmm/vcpu_exit.h"
#include "vmm/vcpu_mem.h"
#include "vmm/watchpoint.h"

#define PAGE 4096ULL
#define GDB_STEP_TIMEOUT_MS 5000

void gdb_vm_init(struct gdb_vm *t, struct vm *vm, struct gdb_stub *stub)
{
	memset(t, 0, sizeof(*t));
	t->vm = vm;
	t->stub = stub;
}

static struct vcpu *cpu_of(struct gdb_vm *t, int cpu)
{
	return cpu >= 0 && cpu < t->vm->nvcpus ? t->vm->vcpu[cpu] : NULL;
}

static int vm_ncpus(void *opaque)
{
	return ((struct gdb_vm *)opaque)->vm->nvcpus;
}

static bool vm_running(void *opaque)
{
	return vm_is_running(((struct gdb_vm *)opaque)->vm);
}

static int vm_cpu_bits(void *opaque, int cpu)
{
	struct vcpu *v = cpu_of(opaque, cpu);
	struct kvm_sregs s;
	if (!v || ioctl(v->fd, KVM_GET_SREGS, &s) < 0)
		return -1;
	return vcpu_mode_bits(&s);
}

static int vm_get_state(void *opaque, int cpu, struct gdb_cpu_state *st)
{
	struct vcpu *v = cpu_of(opaque, cpu);
	if (!v || ioctl(v->fd, KVM_GET_REGS, &st->regs) < 0 ||
	    ioctl(v->fd, KVM_GET_SREGS, &st->sregs) < 0 || ioctl(v->fd, KVM_GET_FPU, &st->fpu) < 0)
		return -1;
	return 0;
}

/* Only what changed goes back: KVM_SET_SREGS also rewrites the pending
 * interrupt bitmap, which no register gdb shows should disturb. */
static int vm_set_state(void *opaque, int cpu, const struct gdb_cpu_state *st)
{
	struct vcpu *v = cpu_of(opaque, cpu);
	struct gdb_cpu_state now;
	if (!v || vm_get_state(opaque, cpu, &now) < 0)
		return -1;
	if (memcmp(&now.sregs, &st->sregs, sizeof(now.sregs)) &&
	    ioctl(v->fd, KVM_SET_SREGS, &st->sregs) < 0)
		return -1;
	if (memcmp(&now.regs, &st->regs, sizeof(now.regs)) && ioctl(v->fd, KVM_SET_REGS, &st->regs) < 0)
		return -1;
	if (memcmp(&now.fpu, &st->fpu, sizeof(now.fpu)) && ioctl(v->fd, KVM_SET_FPU, &st->fpu) < 0)
		return -1;
	return 0;
}

/* Page by page, through cpu's paging unless phys: bytes done before the
 * first page that is not guest RAM (or not mapped). */
static size_t vm_mem(struct gdb_vm *t, int cpu, bool phys, uint64_t addr, void *buf,
		     const void *src, size_t len)
{
	struct vcpu *v = cpu_of(t, cpu);
	size_t done = 0;
	if (!v)
		return 0;
	while (done < len) {
		uint64_t a = addr + done, gpa = a;
		size_t chunk = (size_t)(PAGE - (a & (PAGE - 1)));
		if (chunk > len - done)
			chunk = len - done;
		if (a < addr || (!phys && vcpu_translate(v, a, &gpa) < 0))
			break;
		int rc = src ? gmem_write(&t->vm->mem, gpa, (const uint8_t *)src + done, chunk)
			     : gmem_read(&t->vm->mem, gpa, (uint8_t *)buf + done, chunk);
		if (rc < 0)
			break;
		done += chunk;
	}
	return done;
}

static size_t vm_read_mem(void *opaque, int cpu, bool phys, uint64_t addr, void *buf, size_t len)
{
	return vm_mem(opaque, cpu, phys, addr, buf, NULL, len);
}

static size_t vm_write_mem(void *opaque, int cpu, bool phys, uint64_t addr, const void *buf,
			   size_t len)
{
	return vm_mem(opaque, cpu, phys, addr, NULL, buf, len);
}

static struct gdb_vm_bp *find_bp(struct gdb_vm *t, enum gdb_bp_type type, uint64_t addr,
				 uint64_t len)
{
	for (int i = 0; i < GDB_VM_BPS; i++) {
		struct gdb_vm_bp *b = &t->bp[i];
		if (b->used && b->type == type && b->addr == addr &&
		    (type <= GDB_BP_HW || b->len == len))
			return b;
	}
	return NULL;
}

static const enum watch_kind watch_kinds[] = {
	[GDB_BP_WRITE] = WATCH_WRITE, [GDB_BP_READ] = WATCH_READ, [GDB_BP_ACCESS] = WATCH_ACCESS,
};

static void unwatch(struct gdb_vm *t, struct gdb_vm_bp *b)
{
	for (int i = 0; i < b->npieces; i++)
		watch_remove(t->vm, b->gpa[i], b->plen[i], watch_kinds[b->type]);
	b->npieces = 0;
}

/* A watch on virtual [addr, addr + len): translated now through cpu's
 * paging (watch_add watches guest-physical pages), one watch per run of
 * physically contiguous pages. */
static int watch(struct gdb_vm *t, int cpu, struct gdb_vm_bp *b, char *err, size_t errlen)
{
	struct vcpu *v = cpu_of(t, cpu);
	uint64_t done = 0;
	b->npieces = 0;
	if (b->len > GDB_VM_WATCH_MAX) {
		snprintf(err, errlen, "watch: %llu bytes is more than the %llu MiB one watch covers",
			 (unsigned long long)b->len, GDB_VM_WATCH_MAX >> 20);
		return -1;
	}
	while (done < b->len) {
		uint64_t a = b->addr + done, gpa;
		uint64_t chunk = PAGE - (a & (PAGE - 1));
		if (chunk > b->len - done)
			chunk = b->len - done;
		if (!v || vcpu_translate(v, a, &gpa) < 0) {
			snprintf(err, errlen, "watch: 0x%llx is not mapped", (unsigned long long)a);
			goto undo;
		}
		int last = b->npieces - 1;
		if (last >= 0 && b->gpa[last] + b->plen[last] == gpa) {
			b->plen[last] += chunk;
		} else if (b->npieces == GDB_VM_WATCH_PIECES) {
			snprintf(err, errlen, "watch: the range maps to more than %d separate "
				 "physical runs", GDB_VM_WATCH_PIECES);
			goto undo;
		} else {
			b->gpa[b->npieces] = gpa;
			b->plen[b->npieces++] = chunk;
		}
		done += chunk;
	}
	for (int i = 0; i < b->npieces; i++) {
		if (watch_add(t->vm, b->gpa[i], b->plen[i], watch_kinds[b->type], err, errlen) < 0) {
			b->npieces = i;
			goto undo;
		}
	}
	return 0;
undo:
	unwatch(t, b);
	return -1;
}

static int vm_insert_bp(void *opaque, int cpu, enum gdb_bp_type type, uint64_t addr,
			uint64_t len, char *err, size_t errlen)
{
	struct gdb_vm *t = opaque;
	struct vm *vm = t->vm;
	if (find_bp(t, type, addr, len))
		return 0;   /* E.2: inserting twice is not an error */
	struct gdb_vm_bp *b = NULL;
	for (int i = 0; i < GDB_VM_BPS && !b; i++)
		if (!t->bp[i].used)
			b = &t->bp[i];
	if (!b) {
		snprintf(err, errlen, "gdb has %d breakpoints and watchpoints already", GDB_VM_BPS);
		return -1;
	}
	*b = (struct gdb_vm_bp){ .type = type, .addr = addr, .len = len };
	if (type == GDB_BP_SW || type == GDB_BP_HW) {
		int existing = 0;
		pthread_mutex_lock(&vm->ctl_lock);
		/* Z1 as the monitor's hbreak: an instruction breakpoint in a
		 * debug register. */
		b->id = type == GDB_BP_SW ? bp_add(&vm->bps, addr, false, "gdb", &existing)
					  : hwbp_add(&vm->bps, addr, HWBP_EXEC, 1, HWBP_MAX);
		pthread_mutex_unlock(&vm->ctl_lock);
		b->owned = b->id > 0;
		if (b->id < 0 && existing > 0) {
			b->id = existing;   /* the monitor's: shared, left to it */
		} else if (b->id < 0) {
			snprintf(err, errlen, type == GDB_BP_SW ? "no free breakpoint slot (at most %d)"
				 : "all %d debug registers are in use",
				 type == GDB_BP_SW ? BP_MAX : HWBP_MAX);
			return -1;
		}
	} else if (watch(t, cpu, b, err, errlen) < 0) {
		return -1;
	}
	b->used = true;
	return 0;
}

static void drop_bp(struct gdb_vm *t, struct gdb_vm_bp *b)
{
	if (b->type >= GDB_BP_WRITE) {
		unwatch(t, b);
	} else if (b->owned) {
		pthread_mutex_lock(&t->vm->ctl_lock);
		bp_delete(&t->vm->bps, b->id);
		pthread_mutex_unlock(&t->vm->ctl_lock);
	}
	b->used = false;
}

static int vm_remove_bp(void *opaque, int cpu, enum gdb_bp_type type, uint64_t addr, uint64_t len)
{
	struct gdb_vm *t = opaque;
	(void)cpu;
	struct gdb_vm_bp *b = find_bp(t, type, addr, len);
	if (!b)
		return -1;
	drop_bp(t, b);
	return 0;
}

static void vm_resume(void *opaque)
{
	struct gdb_vm *t = opaque;
	pthread_mutex_lock(&t->vm->ctl_lock);
	t->wait_seq = t->vm->stop_seq;
	pthread_mutex_unlock(&t->vm->ctl_lock);
	t->resume_refused = !vcpu_resume_all(t->vm);
}

/* A stop event in gdb's terms. gdb's own breakpoints and steps need no
 * words (gdb says where it stopped); anything else is told. */
static void stop_from_event(struct gdb_vm *t, const struct vm_stop_event *ev, enum vm_end end,
			    struct gdb_stop *st)
{
	*st = (struct gdb_stop){ .kind = GDB_STOP_TRAP, .cpu = ev->vcpu >= 0 ? ev->vcpu : 0,
				 .reason = -1 };
	bool quiet = false;
	switch (ev->kind) {
	case STOP_NONE:
	case STOP_STEP:
		quiet = true;
		break;
	case STOP_PAUSE:
		st->kind = GDB_STOP_INT;
		break;
	case STOP_BREAKPOINT:
		for (int i = 0; i < GDB_VM_BPS; i++) {
			struct gdb_vm_bp *b = &t->bp[i];
			if (b->used && b->type <= GDB_BP_HW && b->id == ev->bp_id) {
				st->reason = (int)b->type;
				quiet = true;
			}
		}
		break;
	case STOP_WATCHPOINT:
		for (int i = 0; i < GDB_VM_BPS; i++) {
			struct gdb_vm_bp *b = &t->bp[i];
			if (!b->used || b->type < GDB_BP_WRITE)
				continue;
			for (int p = 0; p < b->npieces; p++) {
				if (ev->watch_gpa >= b->gpa[p] && ev->watch_gpa - b->gpa[p] < b->plen[p]) {
					/* The address gdb set: it matches the stop
					 * to its watchpoint by it. */
					st->reason = (int)b->type;
					st->watch_addr = b->addr;
				}
			}
		}
		break;
	case STOP_FAULT:
		st->kind = GDB_STOP_FAULT;
		break;
	case STOP_GUEST_END:
		st->kind = end == VM_END_TRIPLE_FAULT ? GDB_STOP_KILLED : GDB_STOP_EXITED;
		break;
	}
	if (!quiet)
		snprintf(st->text, sizeof(st->text), "%s", ev->text);
}

static void vm_last_stop(void *opaque, struct gdb_stop *st)
{
	struct gdb_vm *t = opaque;
	pthread_mutex_lock(&t->vm->ctl_lock);
	struct vm_stop_event ev = t->vm->last_stop;
	enum vm_end end = t->vm->end;
	if (t->vm->stop_seq == 0)
		ev = (struct vm_stop_event){ .vcpu = 0, .kind = STOP_NONE };
	pthread_mutex_unlock(&t->vm->ctl_lock);
	stop_from_event(t, &ev, end, st);
}

static void vm_step(void *opaque, int cpu, struct gdb_stop *st)
{
	struct gdb_vm *t = opaque;
	switch (vcpu_step(t->vm, cpu, 1, GDB_STEP_TIMEOUT_MS)) {
	case STEP_DONE:
		*st = (struct gdb_stop){ .kind = GDB_STOP_TRAP, .cpu = cpu, .reason = -1 };
		return;
	case STEP_TIMEOUT:
		*st = (struct gdb_stop){ .kind = GDB_STOP_INT, .cpu = cpu, .reason = -1 };
		snprintf(st->text, sizeof(st->text), "the step did not complete within %d ms "
			 "(halted with interrupts off?); the guest is paused", GDB_STEP_TIMEOUT_MS);
		return;
	case STEP_NOT_STARTED:
		/* An AP the guest has not started has no instruction to run: the
		 * step ends where it began, and says why. */
		*st = (struct gdb_stop){ .kind = GDB_STOP_TRAP, .cpu = cpu, .reason = -1 };
		snprintf(st->text, sizeof(st->text), "vCPU %d is waiting for INIT/SIPI: "
			 "nothing to step", cpu);
		return;
	case STEP_ENDED:
	case STEP_STOPPED_OTHERWISE:
		vm_last_stop(opaque, st);
		return;
	}
}

bool gdb_vm_take_stop(struct gdb_vm *t, struct gdb_stop *st)
{
	struct vm *vm = t->vm;
	pthread_mutex_lock(&vm->ctl_lock);
	bool stopped = vm->stop_seq != t->wait_seq || t->resume_refused;
	pthread_mutex_unlock(&vm->ctl_lock);
	if (!stopped)
		return false;
	/* The vCPU that stopped has asked the others to stop; wait until
	 * they have, so registers and memory are readable. */
	vcpu_pause_all(vm);
	t->resume_refused = false;
	vm_last_stop(t, st);
	return true;
}

static void post_pause(struct vm *vm, const char *why)
{
	pthread_mutex_lock(&vm->ctl_lock);
	struct vm_stop_event ev = { .vcpu = 0, .kind = STOP_PAUSE };
	int bits;
	if (vm->nvcpus)
		vcpu_linear_rip(vm->vcpu[0], &ev.rip, &bits);
	snprintf(ev.text, sizeof(ev.text), "vCPU 0: paused by gdb (%s) at 0x%llx", why,
		 (unsigned long long)ev.rip);
	vm_post_event_locked(vm, &ev);
	pthread_mutex_unlock(&vm->ctl_lock);
}

void gdb_vm_interrupt(struct gdb_vm *t)
{
	if (vcpu_pause_all(t->vm) > 0)
		post_pause(t->vm, "Ctrl-C");
}

void gdb_vm_attach(struct gdb_vm *t)
{
	if (vcpu_pause_all(t->vm) > 0)
		post_pause(t->vm, "attached");
}

void gdb_vm_release(struct gdb_vm *t, bool vanished)
{
	if (vanished && vcpu_pause_all(t->vm) > 0)
		post_pause(t->vm, "client gone");
	for (int i = 0; i < GDB_VM_BPS; i++)
		if (t->bp[i].used)
			drop_bp(t, &t->bp[i]);
}

static void vm_detach(void *opaque)
{
	struct gdb_vm *t = opaque;
	for (int i = 0; i < GDB_VM_BPS; i++)
		if (t->bp[i].used)
			drop_bp(t, &t->bp[i]);
	vcpu_resume_all(t->vm);
}

static void vm_kill(void *opaque)
{
	gdb_stub_request_quit(((struct gdb_vm *)opaque)->stub);
}

static int vm_rcmd(void *opaque, const char *cmd, char **out)
{
	return gdb_stub_run_command(((struct gdb_vm *)opaque)->stub, cmd, out);
}

static void vm_send(void *opaque, const char *payload, size_t len)
{
	gdb_stub_send(((struct gdb_vm *)opaque)->stub, payload, len);
}

const struct gdb_target_ops gdb_vm_ops = {
	.ncpus = vm_ncpus,
	.running = vm_running,
	.cpu_bits = vm_cpu_bits,
	.get_state = vm_get_state,
	.set_state = vm_set_state,
	.read_mem = vm_read_mem,
	.write_mem = vm_write_mem,
	.insert_bp = vm_insert_bp,
	.remove_bp = vm_remove_bp,
	.resume = vm_resume,
	.step = vm_step,
	.last_stop = vm_last_stop,
	.detach = vm_detach,
	.kill = vm_kill,
	.rcmd = vm_rcmd,
	.send = vm_send,
};
