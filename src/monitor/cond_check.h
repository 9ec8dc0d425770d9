/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A breakpoint's condition checked as it is set, as gdb parses it then: a
 * name that is no symbol or register, a type error or bad syntax is
 * refused at once instead of stopping the guest at the first hit. */
#ifndef HVMON_COND_CHECK_H
#define HVMON_COND_CHECK_H

#include "monitor/monitor.h"

/* 0 when cond ("" included) could be evaluated at a hit, or -1 with the
 * error printed. */
int mon_check_condition(struct monitor *mon, const char *cond);

#endif
