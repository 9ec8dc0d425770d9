/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The monitor's view of guest console output, for `wait "TEXT"`. */
#ifndef HVMON_CONSOLE_WATCH_H
#define HVMON_CONSOLE_WATCH_H

#include "monitor/monitor.h"

void console_watch_init(struct monitor *mon);
void console_watch_fini(struct monitor *mon);

enum console_wait_result { WAIT_FOUND, WAIT_TIMEOUT, WAIT_GUEST_STOPPED };

/* Wait until text appears in console output after the previous match, or
 * the timeout passes, or the guest stops running. */
enum console_wait_result console_watch_wait(struct monitor *mon, const char *text,
					    double timeout_s);

#endif
