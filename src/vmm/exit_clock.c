// SPDX-License-Identifier: GPL-3.0-or-later
/* The exit path's clock (see exit_clock.h). */
#include "vmm/exit_clock.h"

#include <cpuid.h>
#include <pthread.h>

atomic_bool exit_clock_is_tsc;
/* Written once, under start_once; atomic because the I/O thread may read
 * the epoch (virtio traces) before any vCPU has started. */
static atomic_ullong epoch_ticks, epoch_ns;
static pthread_once_t start_once = PTHREAD_ONCE_INIT;

/* CPUID 0x80000007 EDX bit 8: the TSC runs at a constant rate in every
 * P-, C- and T-state, so ticks measure time. */
static bool tsc_invariant(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(0x80000000, &a, &b, &c, &d) || a < 0x80000007)
		return false;
	__get_cpuid(0x80000007, &a, &b, &c, &d);
	return d & (1u << 8);
}

static void start(void)
{
	bool tsc = tsc_invariant();
	/* Taken together: the pair anchors the conversion to nanoseconds. */
	uint64_t ns = exit_clock_mono_ns();
	atomic_store_explicit(&epoch_ticks, tsc ? __rdtsc() : ns, memory_order_relaxed);
	atomic_store_explicit(&epoch_ns, ns, memory_order_relaxed);
	atomic_store_explicit(&exit_clock_is_tsc, tsc, memory_order_release);
}

void exit_clock_start(void)
{
	pthread_once(&start_once, start);
}

uint64_t exit_clock_epoch(void)
{
	return atomic_load_explicit(&epoch_ticks, memory_order_relaxed);
}

uint64_t exit_clock_epoch_ns(void)
{
	return atomic_load_explicit(&epoch_ns, memory_order_relaxed);
}

uint64_t exit_clock_ns(uint64_t ticks)
{
	if (!atomic_load_explicit(&exit_clock_is_tsc, memory_order_acquire))
		return ticks;
	/* The rate over everything since the epoch: after a millisecond
	 * the two readings' few tens of ns of skew are below 1e-4. */
	uint64_t ns = exit_clock_mono_ns(), now = __rdtsc();
	/* Acquire above: is_tsc was stored after the epoch. */
	uint64_t dt = now - exit_clock_epoch(), dns = ns - exit_clock_epoch_ns();
	if (dt == 0)
		return 0;
	return (uint64_t)((unsigned __int128)ticks * dns / dt);
}
