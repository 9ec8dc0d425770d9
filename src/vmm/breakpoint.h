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
/* Longest condition (`break ... if EXPR`, `condition N EXPR`), NUL included. */
#define BP_COND_MAX 256

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
	/* Set by the monitor (condition, ignore): a hit on a breakpoint with
	 * either is not a stop until the monitor decides (vmm/bp_decide.h,
	 * vm_defer_stop_locked); hits then counts what gdb counts. */
	char cond[BP_COND_MAX];
	unsigned long ignore;
};

/* Hardware breakpoints and watchpoints live in the debug registers
 * (SDM vol. 3B 18.2): DR0-DR3 hold addresses, DR7 says what each watches. */
#define HWBP_MAX 4

enum hwbp_kind {
	HWBP_EXEC = 0,    /* DR7 R/W bits 00: instruction fetch */
	HWBP_WRITE = 1,   /* 01: data writes */
	HWBP_RW = 3,      /* 11: data reads or writes */
};

struct hw_breakpoint {
	int id;                 /* 0 = free; numbered with the software ones */
	uint64_t addr;
	enum hwbp_kind kind;
	unsigned len;           /* 1, 2, 4 or 8 bytes; 1 for HWBP_EXEC */
	unsigned long hits;
	char cond[BP_COND_MAX];  /* as struct breakpoint's */
	unsigned long ignore;
};

struct bp_table {
	struct breakpoint bp[BP_MAX];
	struct hw_breakpoint hw[HWBP_MAX];
	unsigned hw_generation; /* bumped at every change, so vCPUs reload DR7 */
	int next_id;
	bool planted;           /* the set is currently in guest memory */
};

/* Add a breakpoint; returns its id, or -1 (table full, or one exists at
 * gva: then *existing is its id). */
int bp_add(struct bp_table *t, uint64_t gva, bool temporary, const char *where, int *existing);
/* Add a hardware breakpoint or watchpoint in one of the first max debug
 * registers; returns its id, or -1 when all are taken. */
int hwbp_add(struct bp_table *t, uint64_t addr, enum hwbp_kind kind, unsigned len, int max);
/* The one whose DR6 bit (B0-B3) is set, or NULL. */
struct hw_breakpoint *hwbp_from_dr6(struct bp_table *t, uint64_t dr6);
/* An instruction breakpoint at gva, or NULL. */
struct hw_breakpoint *hwbp_exec_at(struct bp_table *t, uint64_t gva);
bool hwbp_any(const struct bp_table *t);
/* DR7 enabling every hardware breakpoint in t as its kind and length say. */
uint64_t hwbp_dr7(const struct bp_table *t);

/* The condition and counters of breakpoint id, software or hardware. */
struct bp_rule_ref {
	char *cond;             /* BP_COND_MAX bytes; "" when none */
	unsigned long *hits;
	unsigned long *ignore;
};
/* False when there is no breakpoint id. */
bool bp_rule(struct bp_table *t, int id, struct bp_rule_ref *r);
/* Does a hit on it wait for the monitor's decision (a condition or an
 * ignore count)? */
bool bp_rule_checked(const char *cond, unsigned long ignore);

/* Delete by id (software or hardware); false when no such breakpoint. */
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

/* Is linear address la, where vCPU v trapped, one of ours, planted? One
 * set at la, or one planted at the guest-physical byte la maps to through
 * v's paging now: a kernel symbol (virtual) hit while its code runs at its
 * physical address before paging is on, or a physical address set before
 * paging and hit through the kernel's mapping. */
struct breakpoint *bp_planted_at(struct vm *vm, struct vcpu *v, uint64_t la);
/* Is the instruction vCPU v is at (linear la) under a breakpoint, set
 * there or reaching the same guest-physical byte? For stepping off. */
struct breakpoint *bp_at(struct vm *vm, struct vcpu *v, uint64_t la);

#endif
