// SPDX-License-Identifier: GPL-3.0-or-later
/* Watchpoints from memory protection (docs/design.md 1, "Read-only memory
 * slots work here"): the RAM slot is split so that pages watched for writes
 * sit in a KVM_MEM_READONLY slot (a guest write exits as KVM_EXIT_MMIO,
 * decoded) and pages watched for reads sit in no slot at all (reads exit
 * too; KVM finishes the read with the data hvmon leaves in mmio.data).
 * hvmon completes each such access on the backing memory and stops the
 * machine when it touched watched bytes. Device DMA is checked where the
 * devices report it (guest_mem's dma_watch). Lock order: vm->ctl_lock
 * before s->lock, never the other way. */
#include "vmm/watchpoint.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm/kvm.h"
#include "vmm/vcpu.h"
#include "vmm/vcpu_exit.h"
#include "vmm/vcpu_mem.h"
#include "vmm/watch_set.h"

struct watch_state {
	pthread_mutex_t lock;
	struct watch_set set;
	/* The slots KVM has now, each with its slot id. */
	struct watch_slot *slot;
	uint32_t *slot_id;
	int nslots;
	bool *id_used;          /* max_slots entries */
	int max_slots;          /* KVM_CAP_NR_MEMSLOTS */
	/* A page mapped back while one instruction is fetched from it. */
	bool fetch_active;
	bool fetch_borrowed_step;   /* we set step_left; the user was not stepping */
	int fetch_vcpu;
	uint64_t fetch_page;
};

const char *watch_kind_name(int kind)
{
	switch (kind) {
	case WATCH_WRITE: return "write";
	case WATCH_READ: return "read";
	case WATCH_ACCESS: return "access";
	}
	return "?";
}

static int set_region(struct vm *vm, uint32_t id, const struct watch_slot *s, bool remove)
{
	struct kvm_userspace_memory_region kr = {
		.slot = id,
		.flags = !remove && s->readonly ? KVM_MEM_READONLY : 0,
		.guest_phys_addr = s->gpa,
		.memory_size = remove ? 0 : s->size,
		.userspace_addr = (uint64_t)(uintptr_t)s->hva,
	};
	return ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &kr) < 0 ? -errno : 0;
}

static bool same_slot(const struct watch_slot *a, const struct watch_slot *b)
{
	return a->gpa == b->gpa && a->size == b->size && a->readonly == b->readonly;
}

/* Make KVM's slots equal want[0..n): slots already right stay (so their
 * pages stay mapped), the others go, then the new ones come. */
static int set_slots(struct vm *vm, struct watch_state *s, const struct watch_slot *want, int n)
{
	/* Room for what KVM may hold afterwards: the new slots, and after a
	 * failure the old ones still in place. */
	size_t room = (size_t)n + (size_t)s->nslots + 1;
	struct watch_slot *slot = malloc(sizeof(*slot) * room);
	uint32_t *ids = malloc(sizeof(*ids) * room);
	/* Per old slot: KEEP, DROP (to go) or GONE (deleted from KVM). */
	enum { DROP, KEEP, GONE } *kept = calloc((size_t)(s->nslots ? s->nslots : 1), sizeof(*kept));
	if (!slot || !ids || !kept) {
		free(slot);
		free(ids);
		free(kept);
		return -ENOMEM;
	}
	int rc = 0;
	bool *placed = calloc((size_t)(n ? n : 1), sizeof(*placed));
	if (!placed)
		rc = -ENOMEM;
	/* Slots are sorted by address in both lists: one merge pass. */
	for (int i = 0, j = 0; !rc && i < n && j < s->nslots;) {
		if (same_slot(&want[i], &s->slot[j])) {
			kept[j] = KEEP;
			placed[i] = true;
			ids[i] = s->slot_id[j];
			i++, j++;
		} else if (want[i].gpa < s->slot[j].gpa) {
			i++;
		} else {
			j++;
		}
	}
	for (int j = 0; !rc && j < s->nslots; j++) {
		if (kept[j] == KEEP)
			continue;
		rc = set_region(vm, s->slot_id[j], &s->slot[j], true);
		if (!rc) {
			s->id_used[s->slot_id[j]] = false;
			kept[j] = GONE;
		}
	}
	int next = 0;
	for (int i = 0; !rc && i < n; i++) {
		if (placed[i])
			continue;
		while (next < s->max_slots && s->id_used[next])
			next++;
		if (next == s->max_slots) {
			rc = -ENOSPC;
			break;
		}
		rc = set_region(vm, (uint32_t)next, &want[i], false);
		if (!rc) {
			s->id_used[next] = true;
			ids[i] = (uint32_t)next;
			placed[i] = true;
		}
	}
	/* Whatever happened, s describes what KVM has now: the kept and the
	 * placed slots. */
	int m = 0;
	for (int i = 0; i < n && placed; i++) {
		if (!placed[i])
			continue;
		slot[m] = want[i];
		ids[m++] = ids[i];
	}
	for (int j = 0; rc && j < s->nslots; j++) {
		/* Old slots a failure left in place still count. */
		if (kept[j] == DROP) {
			slot[m] = s->slot[j];
			ids[m++] = s->slot_id[j];
		}
	}
	free(placed);
	free(kept);
	free(s->slot);
	free(s->slot_id);
	s->slot = slot;
	s->slot_id = ids;
	s->nslots = m;
	return rc;
}

/* Lay the RAM out for the current watches (with a fetch page kept
 * mapped, if any) and hand it to KVM. s->lock held. */
static int relayout(struct vm *vm, struct watch_state *s, char *err, size_t errlen)
{
	int max = 2 * s->set.nrun + 2 * vm->mem.nregions + 4;
	struct watch_slot *want = malloc(sizeof(*want) * (size_t)max);
	if (!want) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int n = ws_layout(&s->set, vm->mem.region, vm->mem.nregions,
			  s->fetch_active ? s->fetch_page : 0, s->fetch_active ? 1 : 0, want, max);
	int rc = 0;
	if (n < 0 || n > s->max_slots) {
		snprintf(err, errlen, "the watched pages need more memory slots than this KVM has (%d,"
			 " KVM_CAP_NR_MEMSLOTS): watch fewer separate ranges", s->max_slots);
		rc = -1;
	} else if ((rc = set_slots(vm, s, want, n)) < 0) {
		snprintf(err, errlen, "KVM_SET_USER_MEMORY_REGION: %s", strerror(-rc));
	}
	free(want);
	return rc < 0 ? -1 : 0;
}

/* Device writes into guest RAM (gmem_dma_watch), from the I/O thread. */
static bool dma_touches(void *opaque, uint64_t gpa, uint64_t len)
{
	struct vm *vm = opaque;
	struct watch_state *s = vm->watch;
	pthread_mutex_lock(&s->lock);
	bool hit = ws_dma_hit(&s->set, gpa, len) >= 0;
	pthread_mutex_unlock(&s->lock);
	return hit;
}

static void dma_hit(void *opaque, uint64_t gpa, uint64_t len, const char *who)
{
	struct vm *vm = opaque;
	struct watch_state *s = vm->watch;
	pthread_mutex_lock(&s->lock);
	int i = ws_dma_hit(&s->set, gpa, len);
	struct watch w = { 0 };
	if (i >= 0) {
		s->set.w[i].hits++;
		s->set.w[i].dma_hits++;
		w = s->set.w[i];
	}
	pthread_mutex_unlock(&s->lock);
	if (i < 0)
		return;   /* deleted meanwhile */
	struct vm_stop_event ev = {
		.vcpu = -1, .kind = STOP_WATCHPOINT, .watch_id = w.id, .watch_kind = w.kind,
		.watch_gpa = gpa, .watch_len = len > UINT32_MAX ? UINT32_MAX : (unsigned)len,
	};
	snprintf(ev.text, sizeof(ev.text), "watchpoint %d: %s", w.id, who);
	pthread_mutex_lock(&vm->ctl_lock);
	vcpu_request_stop_all_locked(vm);
	vm_post_event_locked(vm, &ev);
	pthread_mutex_unlock(&vm->ctl_lock);
}

static void update_dma_count(struct vm *vm, struct watch_state *s)
{
	int n = 0;
	for (int i = 0; i < s->set.n; i++)
		n += s->set.w[i].kind != WATCH_READ;
	__atomic_store_n(&vm->mem.dma_watch.active, n, __ATOMIC_RELEASE);
}

/* The state, made on first use with KVM's slots as vm_create left them
 * (region i in slot i). */
static struct watch_state *make_state(struct vm *vm, char *err, size_t errlen)
{
	if (vm->vm_fd < 0) {
		snprintf(err, errlen, "the machine is not created yet");
		return NULL;
	}
	if (!kvm_check_cap(vm->kvm_fd, KVM_CAP_READONLY_MEM)) {
		snprintf(err, errlen, "this KVM lacks KVM_CAP_READONLY_MEM, which watchpoints need");
		return NULL;
	}
	int max = kvm_check_cap(vm->kvm_fd, KVM_CAP_NR_MEMSLOTS);
	if (max <= vm->mem.nregions)
		max = 32;   /* KVM API 4.4: "assume 32 if unsupported" */
	struct watch_state *s = calloc(1, sizeof(*s));
	if (s) {
		s->max_slots = max;
		s->id_used = calloc((size_t)max, sizeof(bool));
		s->slot = calloc((size_t)vm->mem.nregions, sizeof(*s->slot));
		s->slot_id = calloc((size_t)vm->mem.nregions, sizeof(*s->slot_id));
	}
	if (!s || !s->id_used || !s->slot || !s->slot_id) {
		if (s) {
			free(s->id_used);
			free(s->slot);
			free(s->slot_id);
		}
		free(s);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&s->lock, NULL);
	for (int i = 0; i < vm->mem.nregions; i++) {
		const struct gmem_region *r = &vm->mem.region[i];
		s->slot[i] = (struct watch_slot){ .gpa = r->gpa, .size = r->size, .hva = r->hva };
		s->slot_id[i] = (uint32_t)i;
		s->id_used[i] = true;
	}
	s->nslots = vm->mem.nregions;
	vm->mem.dma_watch.touches = dma_touches;
	vm->mem.dma_watch.hit = dma_hit;
	vm->mem.dma_watch.opaque = vm;
	/* Published last: the vCPU and I/O threads read vm->watch unlocked. */
	__atomic_store_n(&vm->watch, s, __ATOMIC_RELEASE);
	return s;
}

/* Made once; the monitor and the gdb stub may both ask. */
static struct watch_state *state(struct vm *vm, char *err, size_t errlen)
{
	pthread_mutex_lock(&vm->ctl_lock);
	struct watch_state *s = vm->watch ? vm->watch : make_state(vm, err, errlen);
	pthread_mutex_unlock(&vm->ctl_lock);
	return s;
}

int watch_add_named(struct vm *vm, uint64_t gpa, uint64_t len, enum watch_kind kind,
		    const char *where, char *err, size_t errlen)
{
	const char *bad = ws_check_range(&vm->mem, gpa, len);
	if (bad) {
		snprintf(err, errlen, "0x%" PRIx64 " len %" PRIu64 ": %s", gpa, len, bad);
		return -1;
	}
	struct watch_state *s = state(vm, err, errlen);
	if (!s)
		return -1;
	pthread_mutex_lock(&s->lock);
	int dup = ws_find(&s->set, gpa, len, (int)kind);
	int dup_id = dup >= 0 ? s->set.w[dup].id : 0;
	pthread_mutex_unlock(&s->lock);
	if (dup >= 0) {
		snprintf(err, errlen, "watchpoint %d already watches 0x%" PRIx64 " len %" PRIu64
			 " for %s", dup_id, gpa, len, watch_kind_name((int)kind));
		return -1;
	}
	/* Numbered with the breakpoints, so `delete N` names either. */
	pthread_mutex_lock(&vm->ctl_lock);
	int id = ++vm->bps.next_id;
	pthread_mutex_unlock(&vm->ctl_lock);
	char name[32];
	if (!where) {
		snprintf(name, sizeof(name), "0x%" PRIx64, gpa);
		where = name;
	}
	pthread_mutex_lock(&s->lock);
	int rc = -1;
	int i = ws_add(&s->set, id, gpa, len, (int)kind, where);
	if (i < 0) {
		snprintf(err, errlen, "out of memory");
	} else if (relayout(vm, s, err, errlen) < 0) {
		ws_remove_at(&s->set, i);
		char ignored[160];
		relayout(vm, s, ignored, sizeof(ignored));
	} else {
		rc = id;
	}
	update_dma_count(vm, s);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

int watch_add(struct vm *vm, uint64_t gpa, uint64_t len, enum watch_kind kind,
	      char *err, size_t errlen)
{
	return watch_add_named(vm, gpa, len, kind, NULL, err, errlen);
}

/* Remove watch i and give its pages back to the normal slot where no
 * other watch needs them. s->lock held. */
static void remove_locked(struct vm *vm, struct watch_state *s, int i)
{
	ws_remove_at(&s->set, i);
	char err[160];
	/* Fewer protected pages never need more slots; an ioctl failure
	 * leaves a page protected, which costs exits but is never wrong. */
	relayout(vm, s, err, sizeof(err));
	update_dma_count(vm, s);
}

bool watch_remove(struct vm *vm, uint64_t gpa, uint64_t len, enum watch_kind kind)
{
	struct watch_state *s = vm->watch;
	if (!s)
		return false;
	pthread_mutex_lock(&s->lock);
	int i = ws_find(&s->set, gpa, len, (int)kind);
	if (i >= 0)
		remove_locked(vm, s, i);
	pthread_mutex_unlock(&s->lock);
	return i >= 0;
}

bool watch_delete_id(struct vm *vm, int id)
{
	struct watch_state *s = vm->watch;
	if (!s)
		return false;
	pthread_mutex_lock(&s->lock);
	int i = ws_find_id(&s->set, id);
	if (i >= 0)
		remove_locked(vm, s, i);
	pthread_mutex_unlock(&s->lock);
	return i >= 0;
}

void watch_delete_all(struct vm *vm)
{
	struct watch_state *s = vm->watch;
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	while (s->set.n)
		ws_remove_at(&s->set, s->set.n - 1);
	char err[160];
	relayout(vm, s, err, sizeof(err));
	update_dma_count(vm, s);
	pthread_mutex_unlock(&s->lock);
}

bool watch_with_rule(struct vm *vm, int id, void (*fn)(struct bp_rule_ref *r, void *arg),
		     void *arg)
{
	struct watch_state *s = __atomic_load_n(&vm->watch, __ATOMIC_ACQUIRE);
	if (!s)
		return false;
	pthread_mutex_lock(&s->lock);
	int i = ws_find_id(&s->set, id);
	if (i >= 0) {
		struct watch *w = &s->set.w[i];
		struct bp_rule_ref r = { w->cond, &w->hits, &w->ignore };
		fn(&r, arg);
	}
	pthread_mutex_unlock(&s->lock);
	return i >= 0;
}

int watch_snapshot(struct vm *vm, struct watch **out)
{
	struct watch_state *s = vm->watch;
	*out = NULL;
	if (!s)
		return 0;
	pthread_mutex_lock(&s->lock);
	int n = s->set.n;
	if (n) {
		*out = malloc(sizeof(**out) * (size_t)n);
		if (*out)
			memcpy(*out, s->set.w, sizeof(**out) * (size_t)n);
		else
			n = 0;
	}
	pthread_mutex_unlock(&s->lock);
	return n;
}

void watch_free(struct vm *vm)
{
	struct watch_state *s = vm->watch;
	if (!s)
		return;
	vm->mem.dma_watch.active = 0;
	vm->watch = NULL;
	ws_free(&s->set);
	free(s->slot);
	free(s->slot_id);
	free(s->id_used);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* The MMIO access in v->run, if it lies on a watched page, completed on
 * guest RAM: a write stored, a read answered in mmio.data. The index of
 * the watch it hit (with *w a copy and old[] the bytes before), -1 when it
 * hit none, -2 when the page is not watched. A hit counts as a stop unless
 * the instruction has stopped already (finishing it). */
static int complete_access(struct vcpu *v, struct watch *w, uint8_t old[8], bool stops)
{
	struct watch_state *s = __atomic_load_n(&v->vm->watch, __ATOMIC_ACQUIRE);
	struct kvm_run *run = v->run;
	uint64_t gpa = run->mmio.phys_addr;
	unsigned len = run->mmio.len;
	if (!s || len == 0 || len > sizeof(run->mmio.data))
		return -2;
	pthread_mutex_lock(&s->lock);
	/* KVM splits an access at page boundaries, so one page holds it;
	 * gmem_ptr still checks, the address being the guest's. */
	uint8_t *p = ws_run_at(&s->set, gpa) ? gmem_ptr(&v->vm->mem, gpa, len) : NULL;
	if (!p) {
		pthread_mutex_unlock(&s->lock);
		return -2;
	}
	memcpy(old, p, len);
	if (run->mmio.is_write)
		memcpy(p, run->mmio.data, len);
	else
		memcpy(run->mmio.data, p, len);
	int i = ws_access(&s->set, gpa, len, run->mmio.is_write);
	if (i >= 0) {
		/* One with a condition or an ignore count is counted by the
		 * monitor's decision (vmm/deferred_stop.h). */
		struct watch *hit = &s->set.w[i];
		hit->hits += stops && !bp_rule_checked(hit->cond, hit->ignore);
		*w = *hit;
	}
	pthread_mutex_unlock(&s->lock);
	return i;
}

/* Let KVM finish the instruction now (immediate_exit: KVM_RUN completes
 * the pending access and returns at once, KVM API 4.10), so the stop shows
 * the vCPU after it. Finishing can exit again (the write half of a
 * read-modify-write, the next fragment of an access across pages, a
 * string instruction's next element): each such access is served here as
 * it would be in the run loop. A few rounds at most: a long string
 * instruction stops part-way, with RCX saying how far, and its last
 * access is completed when the vCPU parks (vcpu.c). */
static void finish_instruction(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	for (int round = 0; round < 4; round++) {
		vcpu_set_immediate_exit(v, 1);
		if (ioctl(v->fd, KVM_RUN, 0) < 0)
			return;
		struct watch w;
		uint8_t old[8];
		if (run->exit_reason == KVM_EXIT_IO)
			vcpu_handle_pio(v);
		else if (run->exit_reason != KVM_EXIT_MMIO)
			return;
		else if (complete_access(v, &w, old, false) == -2 &&
			 run->mmio.len <= sizeof(run->mmio.data))
			bus_dispatch(&v->vm->mmio, run->mmio.phys_addr, run->mmio.data,
				     run->mmio.len, run->mmio.is_write);
	}
}

static uint64_t le_value(const uint8_t *b, unsigned len)
{
	uint64_t x = 0;
	for (unsigned i = len; i-- > 0;)
		x = x << 8 | b[i];
	return x;
}

bool watch_mmio_exit(struct vcpu *v, struct vm_stop_event *ev)
{
	struct watch w;
	uint8_t old[8];
	struct kvm_run *run = v->run;
	int i = complete_access(v, &w, old, true);
	if (i == -2)
		return false;
	if (i < 0)
		return true;
	uint64_t gpa = run->mmio.phys_addr;
	unsigned len = run->mmio.len;
	bool is_write = run->mmio.is_write;
	uint64_t now = le_value(run->mmio.data, len), before = le_value(old, len);
	/* The exit statistics and trace record this exit after us: give them
	 * it back as it was, not what finishing left in kvm_run. */
	__typeof__(run->mmio) exit_mmio = run->mmio;
	finish_instruction(v);
	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio = exit_mmio;
	ev->vcpu = v->id;
	ev->kind = STOP_WATCHPOINT;
	ev->watch_id = w.id;
	ev->watch_kind = w.kind;
	ev->watch_gpa = gpa;
	ev->watch_len = len;
	ev->undecided = bp_rule_checked(w.cond, w.ignore);
	vcpu_linear_rip(v, &ev->rip, &ev->cpu_bits);
	int n = snprintf(ev->text, sizeof(ev->text),
			 "vCPU %d: watchpoint %d (%s %s): %s %u byte%s at 0x%" PRIx64
			 " (page 0x%" PRIx64 "):", v->id, w.id, watch_kind_name(w.kind), w.where,
			 is_write ? "wrote" : "read", len, len == 1 ? "" : "s", gpa,
			 gpa & ~(WATCH_PAGE - 1));
	if (n > 0 && (size_t)n < sizeof(ev->text)) {
		if (is_write)
			snprintf(ev->text + n, sizeof(ev->text) - (size_t)n,
				 " old 0x%0*" PRIx64 " new 0x%0*" PRIx64, (int)(2 * len), before,
				 (int)(2 * len), now);
		else
			snprintf(ev->text + n, sizeof(ev->text) - (size_t)n, " value 0x%0*" PRIx64,
				 (int)(2 * len), now);
	}
	return true;
}

bool watch_fetch_fault(struct vcpu *v)
{
	struct vm *vm = v->vm;
	struct watch_state *s = __atomic_load_n(&vm->watch, __ATOMIC_ACQUIRE);
	uint64_t rip, gpa;
	int bits;
	if (!s || vcpu_linear_rip(v, &rip, &bits) < 0)
		return false;
	/* The instruction may start on the page before a watched one. */
	bool found = false;
	for (uint64_t at = rip; !found && at < rip + 16; at = (at | (WATCH_PAGE - 1)) + 1) {
		if (vcpu_translate(v, at, &gpa) < 0)
			break;
		pthread_mutex_lock(&s->lock);
		const struct watch_run *r = ws_run_at(&s->set, gpa);
		/* Already mapped back and still failing: not a fetch problem. */
		found = r && r->mode == WPAGE_ABSENT &&
			!(s->fetch_active && s->fetch_page == gpa / WATCH_PAGE);
		if (found) {
			char err[160];
			ws_count_page(&s->set, gpa);
			s->fetch_active = true;
			s->fetch_vcpu = v->id;
			s->fetch_page = gpa / WATCH_PAGE;
			if (relayout(vm, s, err, sizeof(err)) < 0) {
				s->fetch_active = false;
				relayout(vm, s, err, sizeof(err));
				found = false;
			}
		}
		pthread_mutex_unlock(&s->lock);
		if (found)
			break;
	}
	if (!found)
		return false;
	pthread_mutex_lock(&vm->ctl_lock);
	s->fetch_borrowed_step = v->step_left == 0;
	if (s->fetch_borrowed_step)
		v->step_left = 1;
	pthread_mutex_unlock(&vm->ctl_lock);
	return true;
}

/* s->lock held. */
static void reprotect_locked(struct vm *vm, struct watch_state *s)
{
	char err[160];
	s->fetch_active = false;
	relayout(vm, s, err, sizeof(err));
}

bool watch_fetch_step_done_locked(struct vcpu *v)
{
	struct watch_state *s = __atomic_load_n(&v->vm->watch, __ATOMIC_ACQUIRE);
	if (!s)
		return false;
	pthread_mutex_lock(&s->lock);
	bool mine = s->fetch_active && s->fetch_vcpu == v->id;
	bool borrowed = mine && s->fetch_borrowed_step;
	if (mine)
		reprotect_locked(v->vm, s);
	pthread_mutex_unlock(&s->lock);
	if (borrowed)
		v->step_left = 0;
	return borrowed;
}

void watch_note_parked_locked(struct vm *vm)
{
	struct watch_state *s = vm->watch;
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	if (s->fetch_active)
		reprotect_locked(vm, s);
	pthread_mutex_unlock(&s->lock);
}
