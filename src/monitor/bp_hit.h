/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The monitor's part of conditional breakpoints and ignore counts: the
 * hits the vCPUs left undecided (vmm/deferred_stop.h) are decided here,
 * the condition evaluated with the monitor's typed expressions on the vCPU
 * that hit (its registers, symbols, BTF casts), then bp_decide. */
#ifndef HVMON_BP_HIT_H
#define HVMON_BP_HIT_H

#include <stdbool.h>

#include "monitor/monitor.h"

/* Decide every undecided hit: the ones that stop are posted as the
 * machine's stop (shown like any other); when none stops, and nothing
 * else stopped the machine in that round, the guest runs on silently.
 * True when it was let run on (a caller waiting for a stop waits on);
 * false when there was nothing to decide or the machine stays stopped.
 * Every place that waits for the machine to stop calls it. */
bool mon_decide_hits(struct monitor *mon);
/* The same from a caller that holds the machine's ctl_lock: released while
 * deciding (a decision resumes vCPUs, which takes it), held again after. */
bool mon_decide_hits_locked(struct monitor *mon);
/* The same for a caller that stops the machine itself (pause): nothing
 * resumes. True when hits were pending and none stopped the machine, so
 * that, in effect, it was running until now. */
bool mon_settle_hits(struct monitor *mon);

#endif
