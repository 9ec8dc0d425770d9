// SPDX-License-Identifier: GPL-3.0-or-later
/* Placeholder until the watchpoint implementation lands (this session's
 * watch branch replaces this file). */
#include "vmm/watchpoint.h"

#include <stdio.h>

int watch_add(struct vm *vm, uint64_t gpa, uint64_t len, enum watch_kind kind,
	      char *err, size_t errlen)
{
	(void)vm; (void)gpa; (void)len; (void)kind;
	snprintf(err, errlen, "watchpoints are not available yet");
	return -1;
}

bool watch_remove(struct vm *vm, uint64_t gpa, uint64_t len, enum watch_kind kind)
{
	(void)vm; (void)gpa; (void)len; (void)kind;
	return false;
}
