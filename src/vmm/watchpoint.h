/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Watchpoints from memory protection (no debug registers): the pages a
 * watch covers leave the guest's normal RAM slot, so KVM reports the
 * guest's accesses to them as MMIO exits; hvmon completes each access on
 * the backing memory and stops the machine when it touched watched bytes.
 * Any number, any length. Device DMA (virtio) is checked too. */
#ifndef HVMON_WATCHPOINT_H
#define HVMON_WATCHPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;

enum watch_kind {
	WATCH_WRITE,    /* watch, gdb Z2 */
	WATCH_READ,     /* rwatch, gdb Z3 */
	WATCH_ACCESS,   /* awatch, gdb Z4 */
};

/* Watch guest-physical [gpa, gpa + len) for kind. Returns the new
 * watchpoint's id (numbered with the breakpoints), or -1 with one line in
 * err. The machine must be paused. */
int watch_add(struct vm *vm, uint64_t gpa, uint64_t len, enum watch_kind kind,
	      char *err, size_t errlen);
/* Delete the watchpoint of that kind set at exactly [gpa, gpa + len);
 * false when there is none. The machine must be paused. */
bool watch_remove(struct vm *vm, uint64_t gpa, uint64_t len, enum watch_kind kind);

#endif
