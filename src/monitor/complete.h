/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TAB completion at the (hvmon) prompt (GNU readline's
 * rl_attempted_completion_function). */
#ifndef HVMON_MONITOR_COMPLETE_H
#define HVMON_MONITOR_COMPLETE_H

#include "monitor/monitor.h"

/* Complete for mon from now on. */
void mon_complete_install(struct monitor *mon);

#endif
