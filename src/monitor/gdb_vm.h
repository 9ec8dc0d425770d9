/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The gdb session's target: hvmon's VM. Registers and memory of parked
 * vCPUs, Z0 through hvmon's own breakpoints, Z1 through the debug
 * registers, Z2-Z4 through the memory-protection watchpoints, steps and
 * resumes through the same run control the monitor uses. */
#ifndef HVMON_GDB_VM_H
#define HVMON_GDB_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "monitor/gdb_session.h"

struct vm;
struct gdb_stub;

#define GDB_VM_BPS 128          /* gdb's breakpoints and watchpoints at once */
#define GDB_VM_WATCH_PIECES 16  /* physically separate runs under one watch */
#define GDB_VM_WATCH_MAX (64ULL << 20)  /* bytes one watch may cover: each page is translated */

struct gdb_vm_bp {
	bool used;
	enum gdb_bp_type type;
	uint64_t addr, len;        /* as gdb gave them */
	int id;                    /* Z0/Z1: hvmon's breakpoint id */
	bool owned;                /* Z0: we added it (not the monitor) */
	int npieces;               /* Z2-Z4: the guest-physical runs watched */
	uint64_t gpa[GDB_VM_WATCH_PIECES], plen[GDB_VM_WATCH_PIECES];
};

struct gdb_vm {
	struct vm *vm;
	struct gdb_stub *stub;
	uint64_t wait_seq;         /* stop_seq when gdb let the guest run */
	bool resume_refused;       /* the guest had ended: report it at once */
	struct gdb_vm_bp bp[GDB_VM_BPS];
};

extern const struct gdb_target_ops gdb_vm_ops;

void gdb_vm_init(struct gdb_vm *t, struct vm *vm, struct gdb_stub *stub);
/* A client connected: a running machine is paused (gdb expects a stopped
 * target) and the monitor is told. */
void gdb_vm_attach(struct gdb_vm *t);
/* After a resume: has the machine stopped since? Then it is parked and
 * *st says how. */
bool gdb_vm_take_stop(struct gdb_vm *t, struct gdb_stop *st);
/* Ctrl-C from gdb: pause a running machine (the stop follows through
 * gdb_vm_take_stop). */
void gdb_vm_interrupt(struct gdb_vm *t);
/* The client is gone: gdb's breakpoints and watchpoints go, and when it
 * vanished (no detach, no kill) the machine stays (or is put) stopped;
 * after a detach it runs on. */
void gdb_vm_release(struct gdb_vm *t, bool vanished);

#endif
