// SPDX-License-Identifier: GPL-3.0-or-later
/* The exit path's clock (see exit_clock.h). */
#include "vmm/exit_clock.h"

#include <cpuid.h>
#include <pthread.h>

atomic_bool exit_clock_is_tsc;
static uint64_t epoch_ticks, epoch_ns;   /* written once, under start_once */
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
	epoch_ns = exit_clock_mono_ns();
	epoch_ticks = tsc ? __rdtsc() : epoch_ns;
	atomic_store_explicit(&exit_clock_is_tsc, tsc, memory_order_release);
}

void exit_clock_start(void)
{
	pthread_once(&start_once, start);
}

/* The pthread_once in exit_clock_start orders these for the threads that
 * called it; the monitor reads them only after a vCPU has started. */
uint64_t exit_clock_epoch(void)
{
	return epoch_ticks;
}

uint64_t exit_clock_epoch_ns(void)
{
	return epoch_ns;
}

uint64_t exit_clock_ns(uint64_t ticks)
{
	if (!atomic_load_explicit(&exit_clock_is_tsc, memory_order_acquire))
		return ticks;
	/* The rate over everything since the epoch: after a millisecond
	 * the two readings' few tens of ns of skew are below 1e-4. */
	uint64_t ns = exit_clock_mono_ns(), now = __rdtsc();
	uint64_t dt = now - epoch_ticks, dns = ns - epoch_ns;
	if (dt == 0)
		return 0;
	return (uint64_t)((unsigned __int128)ticks * dns / dt);
}
