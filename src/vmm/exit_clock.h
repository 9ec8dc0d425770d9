/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The clock of the exit path: two readings per exit (KVM_RUN's return and
 * the end of the exit's handling). Where the TSC is invariant (CPUID
 * 0x80000007 EDX bit 8, Intel SDM vol. 3B 18.17.1; AMD APM vol. 3, CPUID
 * Fn8000_0007) a reading is one rdtsc, about half the cost of a vDSO
 * clock_gettime (kvm-clock here: 18 ns against 38 ns), and ticks become
 * nanoseconds only when someone reads them, scaled by CLOCK_MONOTONIC
 * over the time since the epoch. Elsewhere a tick is a CLOCK_MONOTONIC
 * nanosecond. Either way tick 0 is the epoch, exit_clock_epoch_ns() in
 * CLOCK_MONOTONIC. */
#ifndef HVMON_EXIT_CLOCK_H
#define HVMON_EXIT_CLOCK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <x86intrin.h>

/* CLOCK_MONOTONIC in nanoseconds: a vDSO call, tens of ns. */
static inline uint64_t exit_clock_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

extern atomic_bool exit_clock_is_tsc;   /* set once, by exit_clock_start */

/* Pick the clock and set the epoch; the first call does it, every later
 * one (each vCPU thread calls it) waits for that and returns. Until then
 * ticks are CLOCK_MONOTONIC nanoseconds (the unit tests' clock). */
void exit_clock_start(void);

/* Now, in ticks since the epoch's start of counting (not yet relative to
 * the epoch: subtract exit_clock_epoch()). */
static inline uint64_t exit_clock_now(void)
{
	if (atomic_load_explicit(&exit_clock_is_tsc, memory_order_relaxed))
		return __rdtsc();
	return exit_clock_mono_ns();
}

/* The epoch in ticks (what exit_clock_now read at exit_clock_start), and
 * in CLOCK_MONOTONIC nanoseconds; 0 before exit_clock_start. */
uint64_t exit_clock_epoch(void);
uint64_t exit_clock_epoch_ns(void);

/* A number of ticks (a duration, or a time since the epoch) in ns. */
uint64_t exit_clock_ns(uint64_t ticks);

#endif
