/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Per-vCPU exit statistics and the ring of the last exits, recorded by
 * the vCPU thread after it has handled each KVM_RUN exit.
 *
 * Everything here is written only by the owning vCPU thread and read by
 * the monitor while the guest may be running, so the hot path takes no
 * lock and uses no locked instruction: counters are relaxed atomics that
 * only their writer modifies (load + store, not fetch_add), table slots
 * are published with a release store of their key, and ring slots carry
 * a per-slot sequence number (a seqlock) so a reader can tell a record it
 * copied whole from one that was overwritten under it. */
#ifndef HVMON_EXIT_STATS_H
#define HVMON_EXIT_STATS_H

#include <linux/kvm.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/exit_clock.h"

#define EXIT_STATS_REASONS 64    /* KVM_EXIT_* values counted one by one */
#define EXIT_STATS_SITES   128   /* ports (or MMIO addresses) tracked one by one */
#define EXIT_STATS_PROBES  16    /* slots tried before a site counts as "other" */
#define EXIT_STATS_RING    256   /* last exits kept per vCPU */

/* One exit as the ring and the live trace keep it. Times are the exit
 * clock's ticks (exit_clock.h) in the ring and the trace's queue, and
 * nanoseconds in every copy they hand out (exit_stats_last,
 * exit_trace_take). */
struct exit_record {
	uint64_t t_ns;     /* since the epoch given to exit_stats_init */
	uint64_t rip;      /* as KVM reports it at the exit */
	uint64_t addr;     /* IO: port; MMIO: address; INTERNAL_ERROR: suberror;
			    * SYSTEM_EVENT: type; DEBUG: exception; else 0 */
	uint64_t data;     /* IO / MMIO: the first element, little-endian */
	uint32_t reason;   /* KVM_EXIT_* */
	uint16_t count;    /* IO: elements of a string instruction */
	uint8_t size;      /* IO / MMIO: bytes per element */
	uint8_t flags;     /* EXIT_REC_* */
};

#define EXIT_REC_WRITE     0x01   /* out / MMIO write */
#define EXIT_REC_RIP_VALID 0x02   /* rip came from KVM_SYNC_X86_REGS */

#define EXIT_RECORD_WORDS (sizeof(struct exit_record) / sizeof(uint64_t))

/* Counts and handling time of one exit reason. Every ns field of the
 * stats counts exit clock ticks: exit_clock_ns() turns them into ns
 * (exit_site_read does it for sites). */
struct exit_counter {
	atomic_ullong count;
	atomic_ullong ns;
};

/* One port or MMIO address. key_plus1 is 0 while the slot is free; it is
 * written once, after which only the counters change. */
struct exit_site {
	atomic_ullong key_plus1;
	atomic_ullong reads;
	atomic_ullong writes;
	atomic_ullong ns;
};

struct exit_site_table {
	struct exit_site slot[EXIT_STATS_SITES];
	struct exit_site other;   /* sites that found no free slot */
};

struct exit_ring_slot {
	atomic_ullong seq;   /* 2n+1 while record n is written, 2n+2 once it is whole */
	atomic_ullong word[EXIT_RECORD_WORDS];
};

struct exit_stats {
	int vcpu_id;
	size_t run_size;      /* bytes of the kvm_run mapping (bounds io.data_offset) */
	uint64_t epoch_ns;    /* exit clock tick that record times count from */
	atomic_ullong exits;
	atomic_ullong ns;
	struct exit_counter reason[EXIT_STATS_REASONS];
	struct exit_counter reason_other;
	struct exit_site_table io;
	struct exit_site_table mmio;
	atomic_ullong ring_head;   /* records ever written */
	struct exit_ring_slot ring[EXIT_STATS_RING];
};

/* CLOCK_MONOTONIC in nanoseconds, for traces that line up with exits. */
static inline uint64_t exit_stats_now(void)
{
	return exit_clock_mono_ns();
}

/* Zero s for vCPU vcpu_id; record times count from epoch_ns. */
void exit_stats_init(struct exit_stats *s, int vcpu_id, size_t run_size, uint64_t epoch_ns);

/* Called once by the vCPU thread before its first KVM_RUN: exit_stats_init
 * with the process-wide epoch (the first vCPU's start, exit_clock_start),
 * and ask KVM to copy
 * the general registers into run->s.regs at every exit, where the host
 * offers KVM_CAP_SYNC_REGS, so the ring has each exit's RIP without an
 * ioctl. Only kvm_valid_regs is set: with kvm_dirty_regs clear KVM copies
 * registers out and never back in (KVM API 6.74), so KVM_SET_REGS from
 * the monitor is unaffected. */
void exit_stats_start(struct exit_stats *s, int vcpu_id, int vm_fd, struct kvm_run *run,
		      size_t run_size);

/* The process-wide epoch exit_stats_start set, in CLOCK_MONOTONIC ns (0
 * before any vCPU ran): other traces count from it too, so their times
 * line up with exits. */
uint64_t exit_stats_epoch(void);

/* Record the exit in run, after it was handled: exit_ns is when KVM_RUN
 * returned (exit_clock_now), handling_ns the ticks hvmon then spent on it.
 * Offers the record to the live trace when one is on. */
void exit_stats_record(struct exit_stats *s, const struct kvm_run *run, uint64_t exit_ns,
		       uint64_t handling_ns);

/* Copy up to n of the last records, oldest first, times in ns; returns
 * how many. Records overwritten while being copied are left out. */
int exit_stats_last(const struct exit_stats *s, struct exit_record *out, int n);

/* A consistent-enough reading of one table slot: key and counts, ns in
 * nanoseconds. */
struct exit_site_view {
	uint64_t key;
	uint64_t reads, writes, ns;
};

/* The used slots of t, in no particular order; returns how many (at most
 * EXIT_STATS_SITES). The "other" bucket is read with exit_site_read. */
int exit_sites_read(const struct exit_site_table *t, struct exit_site_view *out);
void exit_site_read(const struct exit_site *site, struct exit_site_view *out);

#endif
