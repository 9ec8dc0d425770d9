// SPDX-License-Identifier: GPL-3.0-or-later
/* The unwinder (see unwind.h for its rules). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "monitor/unwind.h"

#define BIT(r) (1u << (r))
/* struct pt_regs (arch/x86/include/asm/ptrace.h): 15 registers in enum
 * uw_reg order, orig_ax, then the iret frame ip, cs, flags, sp, ss. */
#define PT_ORIG_AX 15
#define PT_WORDS 21
#define IRET_FRAME_OFFSET (16 * 8)     /* offsetof(struct pt_regs, ip) */
/* A kernel address (canonical upper half); below it, user space. */
#define KERNEL_HALF 0xffff800000000000ULL

static const char *const reg_names[UW_NREGS] = {
	"r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8",
	"rax", "rcx", "rdx", "rsi", "rdi", "rip", "rflags", "rsp",
};

const char *uw_reg_name(enum uw_reg r)
{
	return (unsigned)r < UW_NREGS ? reg_names[r] : "?";
}

int uw_reg_by_name(const char *name)
{
	for (int r = 0; r < UW_NREGS; r++)
		if (!strcasecmp(name, reg_names[r]))
			return r;
	return -1;
}

enum step { STEP_OK, STEP_END, STEP_FAIL };

static void sym(const struct uw_ctx *c, uint64_t addr, bool exact, char *out, size_t len)
{
	char s[96] = "";
	if (c->symbolize)
		c->symbolize(c->opaque, addr, exact, s, sizeof(s));
	if (s[0])
		snprintf(out, len, "0x%llx <%s>", (unsigned long long)addr, s);
	else
		snprintf(out, len, "0x%llx", (unsigned long long)addr);
}

static bool read_word(const struct uw_ctx *c, uint64_t addr, uint64_t *val)
{
	return c->read(c->opaque, addr, val, sizeof(*val)) == 0;
}

static bool reg_known(const struct uw_frame *f, enum uw_reg r, uint64_t *val)
{
	if (!(f->regs.known & BIT(r)))
		return false;
	*val = f->regs.v[r];
	return true;
}

static void set_reg(struct uw_frame *f, enum uw_reg r, uint64_t v)
{
	f->regs.v[r] = v;
	f->regs.known |= BIT(r);
}

#define FAIL(...) do { snprintf(why, whylen, __VA_ARGS__); return STEP_FAIL; } while (0)

/* The CFA of an ORC entry's rule. */
static enum step orc_cfa(const struct uw_ctx *c, struct uw_frame *cur, const struct orc_entry *e,
			 uint64_t *cfa, char *why, size_t whylen)
{
	static const enum uw_reg base_of[] = {
		[ORC_REG_DX] = UW_RDX, [ORC_REG_DI] = UW_RDI, [ORC_REG_BP] = UW_RBP,
		[ORC_REG_SP] = UW_RSP, [ORC_REG_R10] = UW_R10, [ORC_REG_R13] = UW_R13,
		[ORC_REG_BP_INDIRECT] = UW_RBP, [ORC_REG_SP_INDIRECT] = UW_RSP,
	};
	if (e->sp_reg == ORC_REG_UNDEFINED || e->sp_reg == ORC_REG_PREV_SP ||
	    e->sp_reg > ORC_REG_SP_INDIRECT)
		FAIL("ORC entry with CFA base register %u", e->sp_reg);
	enum uw_reg base = base_of[e->sp_reg];
	uint64_t v;
	if (!reg_known(cur, base, &v))
		FAIL("the CFA is based on %s, which this frame does not recover", uw_reg_name(base));
	if (e->sp_reg == ORC_REG_SP_INDIRECT) {
		if (!read_word(c, v, &v))
			FAIL("cannot read the stack at 0x%llx", (unsigned long long)v);
		*cfa = v + (uint64_t)(int64_t)e->sp_offset;
	} else if (e->sp_reg == ORC_REG_BP_INDIRECT) {
		uint64_t at = v + (uint64_t)(int64_t)e->sp_offset;
		if (!read_word(c, at, cfa))
			FAIL("cannot read the stack at 0x%llx", (unsigned long long)at);
	} else {
		*cfa = v + (uint64_t)(int64_t)e->sp_offset;
	}
	return STEP_OK;
}

static enum step orc_step(const struct uw_ctx *c, struct uw_frame *cur, struct uw_frame *next,
			  const struct orc_entry *e, char *why, size_t whylen)
{
	char where[128];
	sym(c, cur->regs.v[UW_RIP], cur->exact_ip, where, sizeof(where));
	if (e->type == ORC_END) {
		snprintf(why, whylen, "end of stack: ORC marks %s as the outermost frame", where);
		return STEP_END;
	}
	if (e->type == ORC_UNDEFINED)
		FAIL("ORC has no unwind information for %s", where);
	uint64_t cfa, bp;
	enum step s = orc_cfa(c, cur, e, &cfa, why, whylen);
	if (s != STEP_OK)
		return s;
	cur->cfa = cfa;
	orc_entry_format(e, cur->rule + 4, sizeof(cur->rule) - 4);
	memcpy(cur->rule, "ORC ", 4);
	next->how = UW_HOW_ORC;
	if (e->type == ORC_CALL) {
		uint64_t ip;
		if (!read_word(c, cfa - 8, &ip))
			FAIL("cannot read the return address at 0x%llx", (unsigned long long)(cfa - 8));
		set_reg(next, UW_RIP, ip);
		set_reg(next, UW_RSP, cfa);
		cur->ret_at = cfa - 8;
		cur->saved_at[UW_RIP] = cfa - 8;
		next->exact_ip = e->signal;
	} else {
		/* REGS: the whole pt_regs at the CFA; REGS_PARTIAL: only its
		 * iret frame, the CFA pointing at pt_regs.ip. */
		bool full = e->type == ORC_REGS;
		uint64_t regs = full ? cfa : cfa - IRET_FRAME_OFFSET;
		uint64_t w[PT_WORDS];
		unsigned first = full ? 0 : IRET_FRAME_OFFSET / 8;
		if (c->read(c->opaque, regs + 8 * first, w + first, 8 * (PT_WORDS - first)) != 0)
			FAIL("cannot read the registers saved at 0x%llx", (unsigned long long)regs);
		for (unsigned r = first; r < PT_ORIG_AX; r++) {
			set_reg(next, (enum uw_reg)r, w[r]);
			cur->saved_at[r] = regs + 8 * r;
		}
		set_reg(next, UW_RIP, w[16]);
		set_reg(next, UW_RFLAGS, w[18]);
		set_reg(next, UW_RSP, w[19]);
		cur->ret_at = regs + 8 * 16;
		cur->saved_at[UW_RIP] = regs + 8 * 16;
		cur->saved_at[UW_RFLAGS] = regs + 8 * 18;
		cur->saved_at[UW_RSP] = regs + 8 * 19;
		next->pt_regs = regs;
		next->exact_ip = true;
		if ((w[17] & 3) == 3 || w[16] < KERNEL_HALF) {
			snprintf(why, whylen, "end of stack: registers at 0x%llx were saved on entry "
				 "from user mode (rip=0x%llx)", (unsigned long long)regs,
				 (unsigned long long)w[16]);
			return STEP_END;
		}
	}
	switch (e->bp_reg) {
	case ORC_REG_UNDEFINED:         /* unchanged, unless pt_regs gave it */
		if (!(next->regs.known & BIT(UW_RBP)) && reg_known(cur, UW_RBP, &bp))
			set_reg(next, UW_RBP, bp);
		break;
	case ORC_REG_PREV_SP:
		if (!read_word(c, cfa + (uint64_t)(int64_t)e->bp_offset, &bp))
			FAIL("cannot read the saved rbp at 0x%llx",
			     (unsigned long long)(cfa + (uint64_t)(int64_t)e->bp_offset));
		set_reg(next, UW_RBP, bp);
		cur->saved_at[UW_RBP] = cfa + (uint64_t)(int64_t)e->bp_offset;
		break;
	case ORC_REG_BP: {
		uint64_t at;
		if (!reg_known(cur, UW_RBP, &at))
			FAIL("rbp is saved relative to rbp, which this frame does not recover");
		at += (uint64_t)(int64_t)e->bp_offset;
		if (!read_word(c, at, &bp))
			FAIL("cannot read the saved rbp at 0x%llx", (unsigned long long)at);
		set_reg(next, UW_RBP, bp);
		cur->saved_at[UW_RBP] = at;
		break;
	}
	default:
		FAIL("ORC entry with rbp base register %u", e->bp_reg);
	}
	/* A call frame's caller is always further up the same stack; a
	 * pt_regs frame may switch stacks (IRQ stack to task stack). */
	if (e->type == ORC_CALL && next->regs.v[UW_RSP] <= cur->regs.v[UW_RSP])
		FAIL("stack going in the wrong direction at %s", where);
	return STEP_OK;
}

/* The frame-pointer rule, for code ORC does not cover. */
static enum step fp_step(const struct uw_ctx *c, struct uw_frame *cur, struct uw_frame *next,
			 char *why, size_t whylen)
{
	uint64_t ip = cur->regs.v[UW_RIP], sp = 0, bp = 0, off = 1;
	bool have_sp = reg_known(cur, UW_RSP, &sp), have_bp = reg_known(cur, UW_RBP, &bp);
	uint8_t insn = 0, first = 0;
	/* Where bp may not be this function's yet (or any more): only an
	 * exact ip can stand at such an instruction. */
	if (cur->exact_ip && have_sp && c->func_offset && c->func_offset(c->opaque, ip, &off)) {
		bool ok_insn = c->read(c->opaque, ip, &insn, 1) == 0;
		bool pushes_bp = c->read(c->opaque, ip - off, &first, 1) == 0 && first == 0x55;
		uint64_t ret_at = 0;
		if (off == 0 || (ok_insn && insn == 0xc3)) {            /* entry, ret */
			ret_at = sp;
			snprintf(cur->rule, sizeof(cur->rule), "%s: return address at rsp",
				 off == 0 ? "function entry" : "ret");
		} else if (!pushes_bp) {
			/* A function that keeps no frame pointer (gcc omits it
			 * in leaves whatever the flags say): rbp is still the
			 * caller's, and the return address is taken to be at
			 * rsp, as gdb's prologue analysis assumes too. */
			ret_at = sp;
			snprintf(cur->rule, sizeof(cur->rule),
				 "no push %%rbp in this function: return address at rsp");
		} else if (off == 1) {                                  /* after push %rbp */
			ret_at = sp + 8;
			cur->saved_at[UW_RBP] = sp;
			snprintf(cur->rule, sizeof(cur->rule), "after push %%rbp: return address at rsp+8");
		}
		if (ret_at) {
			uint64_t ret;
			if (!read_word(c, ret_at, &ret))
				FAIL("cannot read the return address at 0x%llx",
				     (unsigned long long)ret_at);
			if (cur->saved_at[UW_RBP] && !read_word(c, sp, &bp))
				FAIL("cannot read the saved rbp at 0x%llx", (unsigned long long)sp);
			if (have_bp || cur->saved_at[UW_RBP])
				set_reg(next, UW_RBP, bp);
			set_reg(next, UW_RIP, ret);
			set_reg(next, UW_RSP, ret_at + 8);
			cur->cfa = ret_at + 8;
			cur->ret_at = ret_at;
			cur->saved_at[UW_RIP] = ret_at;
			next->how = UW_HOW_FP;
			return STEP_OK;
		}
	}
	if (!have_bp)
		FAIL("no ORC entry and no frame pointer for this frame");
	if (bp == 0) {
		snprintf(why, whylen, "end of stack: the frame pointer is 0 (outermost frame)");
		return STEP_END;
	}
	if ((bp & 7) || (have_sp && bp < sp))
		FAIL("frame pointer 0x%llx is not on the stack above rsp", (unsigned long long)bp);
	uint64_t saved[2];
	if (c->read(c->opaque, bp, saved, sizeof(saved)) != 0)
		FAIL("cannot read the frame at rbp=0x%llx", (unsigned long long)bp);
	set_reg(next, UW_RBP, saved[0]);
	set_reg(next, UW_RIP, saved[1]);
	set_reg(next, UW_RSP, bp + 16);
	cur->cfa = bp + 16;
	cur->ret_at = bp + 8;
	cur->saved_at[UW_RIP] = bp + 8;
	cur->saved_at[UW_RBP] = bp;
	snprintf(cur->rule, sizeof(cur->rule), "frame pointer: cfa=rbp+16, rbp at rbp");
	next->how = UW_HOW_FP;
	return STEP_OK;
}

static enum step step(const struct uw_ctx *c, struct uw_frame *cur, struct uw_frame *next,
		      char *why, size_t whylen)
{
	uint64_t ip = cur->regs.v[UW_RIP];
	/* A return address may sit past the last instruction of a function
	 * whose last act was a call that never returns: look up ip - 1. */
	const struct orc_entry *e = orc_find(c->orc, cur->exact_ip ? ip : ip - 1);
	memset(next, 0, sizeof(*next));
	next->reliable = true;
	enum step s = e ? orc_step(c, cur, next, e, why, whylen) : fp_step(c, cur, next, why, whylen);
	if (s != STEP_OK)
		return s;
	uint64_t nip = next->regs.v[UW_RIP];
	/* A call that never returns may be the last instruction of its
	 * section: then only the call itself lies in text. */
	if (!c->is_text(c->opaque, nip) && !c->is_text(c->opaque, nip - 1)) {
		if (nip == 0) {
			snprintf(why, whylen, "end of stack: return address 0");
			return STEP_END;
		}
		FAIL("return address 0x%llx (read at 0x%llx) is not in kernel text",
		     (unsigned long long)nip, (unsigned long long)cur->ret_at);
	}
	return STEP_OK;
}

/* The stack scan: text addresses among the words from addr up. */
static int scan(const struct uw_ctx *c, uint64_t addr, struct uw_frame *f, int n, int max)
{
	for (int i = 0; i < UW_SCAN_WORDS && n < max; i++, addr += 8) {
		uint64_t w;
		if (!read_word(c, addr, &w))
			break;
		if (!c->is_text(c->opaque, w))
			continue;
		memset(&f[n], 0, sizeof(f[n]));
		set_reg(&f[n], UW_RIP, w);
		set_reg(&f[n], UW_RSP, addr + 8);
		f[n].how = UW_HOW_SCAN;
		f[n].reliable = false;
		n++;
	}
	return n;
}

int unwind(const struct uw_ctx *c, const struct uw_regs *start, bool exact, struct uw_frame *f,
	   int max, char *why, size_t whylen)
{
	if (max <= 0) {
		snprintf(why, whylen, "no frames asked for");
		return 0;
	}
	memset(&f[0], 0, sizeof(f[0]));
	f[0].regs = *start;
	f[0].how = UW_HOW_CPU;
	f[0].reliable = true;
	f[0].exact_ip = exact;
	int n = 1;
	while (n < max) {
		char reason[200];
		enum step s = step(c, &f[n - 1], &f[n], reason, sizeof(reason));
		if (s == STEP_OK) {
			n++;
			continue;
		}
		if (s == STEP_END) {
			snprintf(why, whylen, "%s", reason);
			return n;
		}
		uint64_t from = f[n - 1].regs.v[UW_RSP];
		int before = n;
		n = scan(c, from, f, n, max);
		snprintf(why, whylen, "unwind failed: %s; %s", reason,
			 n > before ? "frames marked ? are text addresses found on the stack"
				    : "no text addresses above it on the stack");
		return n;
	}
	snprintf(why, whylen, "stopped after %d frames", max);
	return n;
}
