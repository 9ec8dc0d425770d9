// SPDX-License-Identifier: GPL-3.0-or-later
/* The per-vCPU exit recorder. It runs on the vCPU thread after every
 * exit, so it costs a few dozen plain stores: no lock, no locked
 * instruction, no system call (see exit_stats.h for how the monitor reads
 * it safely). */
#include "vmm/exit_stats.h"

#include <string.h>

#include "vmm/exit_trace.h"
#include "vmm/kvm.h"

#define SITES_LOG2 7
_Static_assert(EXIT_STATS_SITES == 1 << SITES_LOG2, "the site hash needs a power of two");
_Static_assert(sizeof(struct exit_record) == EXIT_RECORD_WORDS * sizeof(uint64_t),
	       "exit_record must be whole words: ring slots copy it word by word");

/* Record times of every vCPU count from the exit clock's epoch (the first
 * vCPU's start), so traces of several vCPUs line up. */
uint64_t exit_stats_epoch(void)
{
	return exit_clock_epoch_ns();
}

/* Single writer: a load and a store, not a locked read-modify-write. */
static inline void bump(atomic_ullong *c, uint64_t by)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + by,
			      memory_order_relaxed);
}

void exit_stats_init(struct exit_stats *s, int vcpu_id, size_t run_size, uint64_t epoch_ns)
{
	memset(s, 0, sizeof(*s));
	s->vcpu_id = vcpu_id;
	s->run_size = run_size;
	s->epoch_ns = epoch_ns;
}

/* s is zero already (struct vcpu is calloc'd): clearing it here would race
 * with a monitor reading it, so only the vCPU's own fields are set. */
void exit_stats_start(struct exit_stats *s, int vcpu_id, int vm_fd, struct kvm_run *run,
		      size_t run_size)
{
	exit_clock_start();
	s->vcpu_id = vcpu_id;
	s->run_size = run_size;
	s->epoch_ns = exit_clock_epoch();
	if (kvm_check_cap(vm_fd, KVM_CAP_SYNC_REGS) & KVM_SYNC_X86_REGS)
		run->kvm_valid_regs |= KVM_SYNC_X86_REGS;
}

/* Fibonacci hashing: ports and MMIO addresses cluster (0x3f8-0x3ff,
 * consecutive registers), the golden-ratio multiply spreads them. */
static unsigned site_hash(uint64_t key)
{
	return (unsigned)((key * 0x9e3779b97f4a7c15ULL) >> (64 - SITES_LOG2));
}

/* The slot of key, claiming a free one on first sight. A key that finds
 * neither within EXIT_STATS_PROBES slots goes to "other", and keeps going
 * there (slots are never freed), which bounds the cost of a full table. */
static struct exit_site *site_find(struct exit_site_table *t, uint64_t key)
{
	if (key == UINT64_MAX)
		return &t->other;
	uint64_t tag = key + 1;
	unsigned h = site_hash(key);
	for (unsigned i = 0; i < EXIT_STATS_PROBES; i++) {
		struct exit_site *e = &t->slot[(h + i) & (EXIT_STATS_SITES - 1)];
		uint64_t k = atomic_load_explicit(&e->key_plus1, memory_order_relaxed);
		if (k == tag)
			return e;
		if (k == 0) {
			/* Release: a reader that sees the key sees zeroed counters. */
			atomic_store_explicit(&e->key_plus1, tag, memory_order_release);
			return e;
		}
	}
	return &t->other;
}

/* The first size bytes at p (1, 2, 4 or 8 for port and MMIO data), as
 * memcpy into a zeroed word would give them, with constant-size copies
 * the compiler inlines: a variable-size memcpy was a libc call per exit. */
static uint64_t load_le(const uint8_t *p, unsigned size)
{
	uint8_t b1;
	uint16_t b2;
	uint32_t b4;
	uint64_t b8 = 0;
	switch (size) {
	case 1:
		memcpy(&b1, p, 1);
		return b1;
	case 2:
		memcpy(&b2, p, 2);
		return b2;
	case 4:
		memcpy(&b4, p, 4);
		return b4;
	case 8:
		memcpy(&b8, p, 8);
		return b8;
	}
	memcpy(&b8, p, size);   /* other lengths: MMIO can be 3 bytes long */
	return b8;
}

static struct exit_site *record_io(struct exit_stats *s, const struct kvm_run *run,
				   struct exit_record *r)
{
	unsigned size = run->io.size;
	r->addr = run->io.port;
	r->size = (uint8_t)size;
	r->count = run->io.count > UINT16_MAX ? UINT16_MAX : (uint16_t)run->io.count;
	if (run->io.direction == KVM_EXIT_IO_OUT)
		r->flags |= EXIT_REC_WRITE;
	/* The data lies inside the kvm_run mapping; check before reading. */
	if (size <= sizeof(r->data) && run->io.data_offset <= s->run_size &&
	    size <= s->run_size - run->io.data_offset)
		r->data = load_le((const uint8_t *)run + run->io.data_offset, size);
	return site_find(&s->io, r->addr);
}

static struct exit_site *record_mmio(struct exit_stats *s, const struct kvm_run *run,
				     struct exit_record *r)
{
	unsigned len = run->mmio.len;
	r->addr = run->mmio.phys_addr;
	r->size = (uint8_t)len;
	if (run->mmio.is_write)
		r->flags |= EXIT_REC_WRITE;
	if (len <= sizeof(r->data))
		r->data = load_le(run->mmio.data, len);
	return site_find(&s->mmio, r->addr);
}

static void ring_push(struct exit_stats *s, const struct exit_record *r)
{
	uint64_t n = atomic_load_explicit(&s->ring_head, memory_order_relaxed);
	struct exit_ring_slot *slot = &s->ring[n % EXIT_STATS_RING];
	uint64_t w[EXIT_RECORD_WORDS];
	memcpy(w, r, sizeof(w));
	atomic_store_explicit(&slot->seq, 2 * n + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	for (size_t i = 0; i < EXIT_RECORD_WORDS; i++)
		atomic_store_explicit(&slot->word[i], w[i], memory_order_relaxed);
	atomic_store_explicit(&slot->seq, 2 * n + 2, memory_order_release);
	atomic_store_explicit(&s->ring_head, n + 1, memory_order_release);
}

void exit_stats_record(struct exit_stats *s, const struct kvm_run *run, uint64_t exit_ns,
		       uint64_t handling_ns)
{
	struct exit_record r = { .t_ns = exit_ns - s->epoch_ns, .reason = run->exit_reason };
	if (run->kvm_valid_regs & KVM_SYNC_X86_REGS) {
		r.rip = run->s.regs.regs.rip;
		r.flags |= EXIT_REC_RIP_VALID;
	}
	bump(&s->exits, 1);
	bump(&s->ns, handling_ns);
	struct exit_counter *c = r.reason < EXIT_STATS_REASONS ? &s->reason[r.reason]
							       : &s->reason_other;
	bump(&c->count, 1);
	bump(&c->ns, handling_ns);

	struct exit_site *site = NULL;
	switch (r.reason) {
	case KVM_EXIT_IO:
		site = record_io(s, run, &r);
		break;
	case KVM_EXIT_MMIO:
		site = record_mmio(s, run, &r);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		r.addr = run->internal.suberror;
		break;
	case KVM_EXIT_SYSTEM_EVENT:
		r.addr = run->system_event.type;
		break;
	case KVM_EXIT_DEBUG:
		r.addr = run->debug.arch.exception;
		break;
	}
	if (site) {
		bump((r.flags & EXIT_REC_WRITE) ? &site->writes : &site->reads, 1);
		bump(&site->ns, handling_ns);
	}
	ring_push(s, &r);

	if (atomic_load_explicit(&exit_trace_active, memory_order_relaxed))
		exit_trace_offer(s->vcpu_id, &r);
}

int exit_stats_last(const struct exit_stats *cs, struct exit_record *out, int n)
{
	/* The atomics are only loaded; C11 atomic loads want non-const. */
	struct exit_stats *s = (struct exit_stats *)cs;
	if (n <= 0)
		return 0;
	uint64_t head = atomic_load_explicit(&s->ring_head, memory_order_acquire);
	uint64_t first = head > EXIT_STATS_RING ? head - EXIT_STATS_RING : 0;
	if (head - first > (uint64_t)n)
		first = head - (uint64_t)n;
	int got = 0;
	for (uint64_t i = first; i < head; i++) {
		struct exit_ring_slot *slot = &s->ring[i % EXIT_STATS_RING];
		uint64_t seq = atomic_load_explicit(&slot->seq, memory_order_acquire);
		if (seq != 2 * i + 2)
			continue;   /* already overwritten by a newer record */
		uint64_t w[EXIT_RECORD_WORDS];
		for (size_t j = 0; j < EXIT_RECORD_WORDS; j++)
			w[j] = atomic_load_explicit(&slot->word[j], memory_order_relaxed);
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&slot->seq, memory_order_relaxed) != seq)
			continue;   /* overwritten while we copied it */
		memcpy(&out[got], w, sizeof(w));
		out[got].t_ns = exit_clock_ns(out[got].t_ns);
		got++;
	}
	return got;
}

void exit_site_read(const struct exit_site *cs, struct exit_site_view *out)
{
	struct exit_site *site = (struct exit_site *)cs;
	uint64_t tag = atomic_load_explicit(&site->key_plus1, memory_order_acquire);
	out->key = tag ? tag - 1 : 0;
	out->reads = atomic_load_explicit(&site->reads, memory_order_relaxed);
	out->writes = atomic_load_explicit(&site->writes, memory_order_relaxed);
	out->ns = exit_clock_ns(atomic_load_explicit(&site->ns, memory_order_relaxed));
}

int exit_sites_read(const struct exit_site_table *t, struct exit_site_view *out)
{
	int n = 0;
	for (int i = 0; i < EXIT_STATS_SITES; i++) {
		struct exit_site *site = (struct exit_site *)&t->slot[i];
		if (atomic_load_explicit(&site->key_plus1, memory_order_acquire))
			exit_site_read(site, &out[n++]);
	}
	return n;
}
