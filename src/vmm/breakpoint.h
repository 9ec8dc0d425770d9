/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Software breakpoints. hvmon owns the bytes it replaces with int3: the
 * breakpoints are planted only while the guest runs and lifted as soon as
 * every vCPU has parked, so the monitor (and `x`) never sees a stray 0xcc.
 * Addresses are guest-virtual; each is translated through the boot vCPU's
 * page tables when planted. All functions expect vm->ctl_lock held. */
#ifndef HVMON_BREAKPOINT_H
#define HVMON_BREAKPOINT_H

#include <stdbool.h>
#include <stdint.h>

struct vm;
struct vcpu;

#define BP_MAX 64
#define BP_INT3 0xcc

struct breakpoint {
	int id;                 /* user-visible number; 0 = free slot */
	uint64_t gva;
	bool temporary;         /* deleted when hit or when the guest stops (next/until) */
	unsigned long hits;
	char where[96];         /* "start_kernel" or "0x..." as the user gave it */
	/* While planted: */
	bool planted;
	uint64_t gpa;
	uint8_t saved;
	const char *unplanted_why;  /* set when the last planting failed */
};

struct bp_table {
	struct breakpoint bp[BP_MAX];
	int next_id;
	bool planted;           /* the set is currently in guest memory */
};

/* Add a breakpoint; returns its id, or -1 (table full, or one exists at
 * gva: then *existing is its id). */
int bp_add(struct bp_table *t, uint64_t gva, bool temporary, const char *where, int *existing);
/* Delete by id; false when no such breakpoint. */
bool bp_delete(struct bp_table *t, int id);
void bp_delete_all(struct bp_table *t);
void bp_delete_temporary(struct bp_table *t);
struct breakpoint *bp_find_gva(struct bp_table *t, uint64_t gva);
bool bp_any(const struct bp_table *t);

/* Write int3 over every breakpoint (translating with vcpu v). A breakpoint
 * whose address does not translate, or lies outside RAM, stays unplanted
 * with unplanted_why saying so (`info break` shows it). */
void bp_plant_all(struct vm *vm, struct vcpu *v);
/* Restore every original byte. */
void bp_lift_all(struct vm *vm);

/* Is gva (a linear address where a vCPU trapped) one of ours, planted? */
struct breakpoint *bp_planted_at(struct bp_table *t, uint64_t gva);

#endif
