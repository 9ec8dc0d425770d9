/* SPDX-License-Identifier: GPL-3.0-or-later */
/* smp=on (smp.c): start every AP through the real-mode trampoline
 * (smp_trampoline.S). Shared by the C and the assembly. */
#ifndef HVMON_TESTGUEST_SMP_H
#define HVMON_TESTGUEST_SMP_H

/* Where the trampoline is copied: a free page below 1 MiB (hvmon's boot
 * structures sit at 0x1000-0x4fff and 0x9000-0xefff, docs/architecture.md),
 * page-aligned since the SIPI vector is its page number (0x08). */
#define SMP_TRAMP_ADDR 0x8000

#define SMP_MAX_CPUS 32      /* CPUs the guest starts; more are reported, not started */
#define SMP_STACK_SIZE 2048  /* each AP's stack */

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

/* The trampoline's bytes and the data words in it (smp_trampoline.S). */
extern const uint8_t smp_tramp_start[], smp_tramp_end[];
extern const uint8_t smp_tramp_cr3[], smp_tramp_stack[], smp_tramp_entry[];

/* Start every AP the MADT names, wait until each has reported,
 * release them into their loops and return (README.md, "SMP"). */
void smp_run(void);

/* The APs' loop body: a breakpoint here is hit by every AP, over and
 * over. Counts into ap_ticks[cpu]. */
void ap_tick(unsigned cpu);
extern volatile uint64_t ap_ticks[SMP_MAX_CPUS];
#endif

#endif
