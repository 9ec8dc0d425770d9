/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Call-stack unwinding for `bt`, `finish`, `frame` and `info frame`. Pure
 * library: memory, text ranges and symbols come through callbacks, and
 * every word read from the stack is hostile input.
 *
 * Per frame, the caller's frame is found by, in order:
 *  1. the kernel's ORC table, as Linux's own unwinder does
 *     (arch/x86/kernel/unwind_orc.c, unwind_next_frame): CFA from SP, BP or
 *     an indirect base; CALL frames return to [CFA - 8], REGS frames hold a
 *     struct pt_regs at the CFA (all registers recovered), REGS_PARTIAL an
 *     iret frame; the end marker ends the stack, an undefined entry fails;
 *  2. where ORC does not cover the address: the frame-pointer chain
 *     ([bp] = caller's bp, [bp + 8] = return address), except at a
 *     function's first instruction, right after its `push %rbp`, at a
 *     `ret`, and in a function that does not start with `push %rbp` (a
 *     leaf gcc left without a frame), where bp is not this frame's;
 *  3. once neither holds, the rest of the stack is scanned for words that
 *     point into text; those frames are guesses (reliable = false, printed
 *     with '?' as the kernel's oops dumps mark them). */
#ifndef HVMON_UNWIND_H
#define HVMON_UNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "monitor/orc.h"

/* Registers in struct pt_regs order where it matters for REGS frames. */
enum uw_reg {
	UW_R15, UW_R14, UW_R13, UW_R12, UW_RBP, UW_RBX, UW_R11, UW_R10,
	UW_R9, UW_R8, UW_RAX, UW_RCX, UW_RDX, UW_RSI, UW_RDI,
	UW_RIP, UW_RFLAGS, UW_RSP, UW_NREGS,
};

/* The register's lower-case name ("rbp"), and its index by name or -1. */
const char *uw_reg_name(enum uw_reg r);
int uw_reg_by_name(const char *name);

struct uw_regs {
	uint64_t v[UW_NREGS];
	uint32_t known;         /* bit r set: v[r] is this frame's value */
};

enum uw_how { UW_HOW_CPU, UW_HOW_ORC, UW_HOW_FP, UW_HOW_SCAN };

struct uw_frame {
	struct uw_regs regs;    /* at this frame: RIP its pc, RSP its stack pointer */
	enum uw_how how;        /* how this frame was found from the one below */
	bool reliable;          /* false: a stack-scan guess */
	bool exact_ip;          /* ip is an interrupted instruction, not a return address */
	uint64_t pt_regs;       /* this frame's registers came from pt_regs here (0: not) */
	/* How the caller's frame came out of this one (filled when it did): */
	uint64_t cfa;           /* canonical frame address: caller's rsp after return; 0 unknown */
	uint64_t ret_at;        /* where the caller's rip was read; 0 unknown */
	uint64_t saved_at[UW_NREGS]; /* where each caller register was read; 0 not saved */
	char rule[64];          /* "ORC cfa=sp+16 ...", "frame pointer", ... */
};

struct uw_ctx {
	/* len bytes of guest-virtual memory at addr: 0, or -1 when unreadable. */
	int (*read)(void *opaque, uint64_t addr, void *buf, size_t len);
	/* Whether addr is code of the kernel (a return address may point there). */
	bool (*is_text)(void *opaque, uint64_t addr);
	/* addr's offset into the function containing it: true, or false when
	 * no symbol covers it. May be NULL. */
	bool (*func_offset)(void *opaque, uint64_t addr, uint64_t *off);
	/* "name+0xoff" or "" for messages; a return address (not exact) is
	 * named after the call before it (see uw_frame_symbol). May be NULL. */
	void (*symbolize)(void *opaque, uint64_t addr, bool exact, char *out, size_t len);
	void *opaque;
	const struct orc_table *orc;    /* NULL or empty: no ORC */
};

/* Most words a stack scan looks at (the kernel's 16 KiB THREAD_SIZE). */
#define UW_SCAN_WORDS 2048

/* Unwind from the registers in start into f[0..max-1]; f[0] is start
 * itself, its rip exact (a vCPU's) or a return address (a sleeping task's
 * saved frame). Returns the number of frames, and in why (always) where
 * and why the unwind ended: "end of stack: ...", "unwind failed: ...; the
 * rest is a stack scan", or "stopped after N frames". */
int unwind(const struct uw_ctx *c, const struct uw_regs *start, bool exact, struct uw_frame *f,
	   int max, char *why, size_t whylen);

#endif
