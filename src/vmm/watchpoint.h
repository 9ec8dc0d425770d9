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

struct vcpu;
struct vm_stop_event;
struct watch;
struct bp_rule_ref;

/* Same as watch_add, with where saying how the user named it ("counter",
 * "0x1000") for the stop line and `info break`. */
int watch_add_named(struct vm *vm, uint64_t gpa, uint64_t len, enum watch_kind kind,
		    const char *where, char *err, size_t errlen);
/* Delete by id (the machine paused); false when no watchpoint has it. */
bool watch_delete_id(struct vm *vm, int id);
void watch_delete_all(struct vm *vm);
/* Run fn on watchpoint id's condition and counters with the watch lock
 * held; false when no watchpoint has id. */
bool watch_with_rule(struct vm *vm, int id, void (*fn)(struct bp_rule_ref *r, void *arg),
		     void *arg);
/* A copy of every watchpoint for listing: the count, and *out (free it). */
int watch_snapshot(struct vm *vm, struct watch **out);
void watch_free(struct vm *vm);
/* "write", "read" or "access". */
const char *watch_kind_name(int kind);

/* vCPU thread, KVM_EXIT_MMIO: an access to a watched page is completed on
 * guest RAM here, and ev filled when it touched watched bytes. false when
 * the address is no watched page (the MMIO bus takes it). */
bool watch_mmio_exit(struct vcpu *v, struct vm_stop_event *ev);
/* vCPU thread, emulation failure: an instruction fetched from a page in no
 * slot (read-watched) cannot run as MMIO; map the page back for one
 * single-step and return true. */
bool watch_fetch_fault(struct vcpu *v);
/* ctl_lock held, single-step exit: true when it ended such a fetch step and
 * the vCPU runs on (the page is protected again). */
bool watch_fetch_step_done_locked(struct vcpu *v);
/* ctl_lock held, the whole machine parked: protect a page a cut-short
 * fetch step left mapped. */
void watch_note_parked_locked(struct vm *vm);

#endif
