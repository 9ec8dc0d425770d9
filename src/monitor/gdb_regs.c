// SPDX-License-Identifier: GPL-3.0-or-later
/* gdb's x86 register numbering over KVM's register structures. */
#include "monitor/gdb_regs.h"

#include <string.h>

#define R(n, b, t, g, f) { n, b, t, g, GDB_FEAT_##f }

/* The rows both layouts share, in the same place after eflags: the
 * selectors, the x87 stack and control words, xmm0-7. */
#define SELECTORS_X87_XMM0_7 \
	R("cs", 32, "int32", NULL, CORE), R("ss", 32, "int32", NULL, CORE), \
	R("ds", 32, "int32", NULL, CORE), R("es", 32, "int32", NULL, CORE), \
	R("fs", 32, "int32", NULL, CORE), R("gs", 32, "int32", NULL, CORE), \
	R("st0", 80, "i387_ext", NULL, CORE), R("st1", 80, "i387_ext", NULL, CORE), \
	R("st2", 80, "i387_ext", NULL, CORE), R("st3", 80, "i387_ext", NULL, CORE), \
	R("st4", 80, "i387_ext", NULL, CORE), R("st5", 80, "i387_ext", NULL, CORE), \
	R("st6", 80, "i387_ext", NULL, CORE), R("st7", 80, "i387_ext", NULL, CORE), \
	R("fctrl", 32, "int", "float", CORE), R("fstat", 32, "int", "float", CORE), \
	R("ftag", 32, "int", "float", CORE), R("fiseg", 32, "int", "float", CORE), \
	R("fioff", 32, "int", "float", CORE), R("foseg", 32, "int", "float", CORE), \
	R("fooff", 32, "int", "float", CORE), R("fop", 32, "int", "float", CORE), \
	R("xmm0", 128, "vec128", NULL, SSE), R("xmm1", 128, "vec128", NULL, SSE), \
	R("xmm2", 128, "vec128", NULL, SSE), R("xmm3", 128, "vec128", NULL, SSE), \
	R("xmm4", 128, "vec128", NULL, SSE), R("xmm5", 128, "vec128", NULL, SSE), \
	R("xmm6", 128, "vec128", NULL, SSE), R("xmm7", 128, "vec128", NULL, SSE)

/* The control registers only hvmon's target description names. */
#define CONTROL_REGS \
	R("cr0", 64, "int64", NULL, SYSTEM), R("cr2", 64, "int64", NULL, SYSTEM), \
	R("cr3", 64, "int64", NULL, SYSTEM), R("cr4", 64, "int64", NULL, SYSTEM), \
	R("cr8", 64, "int64", NULL, SYSTEM), R("efer", 64, "int64", NULL, SYSTEM)

/* gdb's amd64 order: the general registers as gdb numbers them (rax rbx
 * rcx rdx rsi rdi rbp rsp r8-r15), rip, eflags, the selectors, the x87
 * stack and control words, xmm0-15, mxcsr; then fs_base/gs_base; then the
 * control registers only hvmon's description names. */
static const struct gdb_reg_desc regs64[] = {
	R("rax", 64, "int64", NULL, CORE), R("rbx", 64, "int64", NULL, CORE),
	R("rcx", 64, "int64", NULL, CORE), R("rdx", 64, "int64", NULL, CORE),
	R("rsi", 64, "int64", NULL, CORE), R("rdi", 64, "int64", NULL, CORE),
	R("rbp", 64, "data_ptr", NULL, CORE), R("rsp", 64, "data_ptr", NULL, CORE),
	R("r8", 64, "int64", NULL, CORE), R("r9", 64, "int64", NULL, CORE),
	R("r10", 64, "int64", NULL, CORE), R("r11", 64, "int64", NULL, CORE),
	R("r12", 64, "int64", NULL, CORE), R("r13", 64, "int64", NULL, CORE),
	R("r14", 64, "int64", NULL, CORE), R("r15", 64, "int64", NULL, CORE),
	R("rip", 64, "code_ptr", NULL, CORE), R("eflags", 32, "i386_eflags", NULL, CORE),
	SELECTORS_X87_XMM0_7,
	R("xmm8", 128, "vec128", NULL, SSE), R("xmm9", 128, "vec128", NULL, SSE),
	R("xmm10", 128, "vec128", NULL, SSE), R("xmm11", 128, "vec128", NULL, SSE),
	R("xmm12", 128, "vec128", NULL, SSE), R("xmm13", 128, "vec128", NULL, SSE),
	R("xmm14", 128, "vec128", NULL, SSE), R("xmm15", 128, "vec128", NULL, SSE),
	R("mxcsr", 32, "i386_mxcsr", "vector", SSE),
	R("fs_base", 64, "int64", NULL, SEGMENTS), R("gs_base", 64, "int64", NULL, SEGMENTS),
	CONTROL_REGS,
};

/* gdb's i386 order: eax ecx edx ebx esp ebp esi edi (the hardware's
 * encoding order, unlike amd64's), eip, eflags, selectors, x87, xmm0-7. */
static const struct gdb_reg_desc regs32[] = {
	R("eax", 32, "int32", NULL, CORE), R("ecx", 32, "int32", NULL, CORE),
	R("edx", 32, "int32", NULL, CORE), R("ebx", 32, "int32", NULL, CORE),
	R("esp", 32, "data_ptr", NULL, CORE), R("ebp", 32, "data_ptr", NULL, CORE),
	R("esi", 32, "int32", NULL, CORE), R("edi", 32, "int32", NULL, CORE),
	R("eip", 32, "code_ptr", NULL, CORE), R("eflags", 32, "i386_eflags", NULL, CORE),
	SELECTORS_X87_XMM0_7,
	R("mxcsr", 32, "i386_mxcsr", "vector", SSE),
	/* Not in org.gnu.gdb.i386.segments: gdb 13's generic i386 numbers
	 * that feature's registers past its register count and aborts
	 * (tdesc_use_registers assertion); as hvmon's own they work. */
	R("fs_base", 32, "int", NULL, SYSTEM), R("gs_base", 32, "int", NULL, SYSTEM),
	CONTROL_REGS,
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct gdb_reg_desc *table(enum gdb_arch arch, int *n)
{
	*n = arch == GDB_ARCH_X86_64 ? COUNT(regs64) : COUNT(regs32);
	return arch == GDB_ARCH_X86_64 ? regs64 : regs32;
}

int gdb_reg_count(enum gdb_arch arch)
{
	int n;
	table(arch, &n);
	return n;
}

const struct gdb_reg_desc *gdb_reg_desc(enum gdb_arch arch, int n)
{
	int count;
	const struct gdb_reg_desc *t = table(arch, &count);
	return n >= 0 && n < count ? &t[n] : NULL;
}

size_t gdb_regs_size(enum gdb_arch arch)
{
	int count;
	const struct gdb_reg_desc *t = table(arch, &count);
	size_t s = 0;
	for (int i = 0; i < count; i++)
		s += t[i].bits / 8;
	return s;
}

const char *gdb_arch_name(enum gdb_arch arch)
{
	return arch == GDB_ARCH_X86_64 ? "i386:x86-64" : "i386";
}

/* Where a register lives, by kind. */
enum slot_kind { SLOT_U64, SLOT_SELECTOR, SLOT_EFLAGS, SLOT_ST, SLOT_FPU_WORD, SLOT_XMM,
		 SLOT_MXCSR, SLOT_NONE };

struct slot {
	enum slot_kind kind;
	__u64 *u64;             /* SLOT_U64 (KVM's type) */
	uint16_t *selector;     /* SLOT_SELECTOR */
	uint8_t *bytes;         /* SLOT_ST, SLOT_XMM */
	int word;               /* SLOT_FPU_WORD: 0 fctrl ... 7 fop */
};

static __u64 *gpr64(struct kvm_regs *r, int i)
{
	__u64 *g[] = { &r->rax, &r->rbx, &r->rcx, &r->rdx, &r->rsi, &r->rdi, &r->rbp, &r->rsp,
			  &r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15 };
	return g[i];
}

static __u64 *gpr32(struct kvm_regs *r, int i)
{
	__u64 *g[] = { &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp, &r->rsi, &r->rdi };
	return g[i];
}

static struct slot locate(enum gdb_arch arch, struct gdb_cpu_state *st, int n)
{
	struct slot s = { .kind = SLOT_NONE };
	struct kvm_sregs *sr = &st->sregs;
	uint16_t *sel[] = { &sr->cs.selector, &sr->ss.selector, &sr->ds.selector,
			    &sr->es.selector, &sr->fs.selector, &sr->gs.selector };
	__u64 *sys[] = { &sr->cr0, &sr->cr2, &sr->cr3, &sr->cr4, &sr->cr8, &sr->efer };
	int ngpr = arch == GDB_ARCH_X86_64 ? 16 : 8;
	int nxmm = arch == GDB_ARCH_X86_64 ? 16 : 8;
	int base = 0;
	if (n < ngpr) {
		s.kind = SLOT_U64;
		s.u64 = arch == GDB_ARCH_X86_64 ? gpr64(&st->regs, n) : gpr32(&st->regs, n);
		return s;
	}
	base = ngpr;
	if (n == base) {
		s.kind = SLOT_U64;
		s.u64 = &st->regs.rip;
		return s;
	}
	if (n == base + 1) {
		s.kind = SLOT_EFLAGS;
		s.u64 = &st->regs.rflags;
		return s;
	}
	base += 2;
	if (n < base + 6) {
		s.kind = SLOT_SELECTOR;
		s.selector = sel[n - base];
		return s;
	}
	base += 6;
	if (n < base + 8) {
		s.kind = SLOT_ST;
		s.bytes = st->fpu.fpr[n - base];
		return s;
	}
	base += 8;
	if (n < base + 8) {
		s.kind = SLOT_FPU_WORD;
		s.word = n - base;
		return s;
	}
	base += 8;
	if (n < base + nxmm) {
		s.kind = SLOT_XMM;
		s.bytes = st->fpu.xmm[n - base];
		return s;
	}
	base += nxmm;
	if (n == base) {
		s.kind = SLOT_MXCSR;
		return s;
	}
	base++;
	if (n < base + 2) {
		s.kind = SLOT_U64;
		s.u64 = n == base ? &sr->fs.base : &sr->gs.base;
		return s;
	}
	base += 2;
	if (n < base + 6) {
		s.kind = SLOT_U64;
		s.u64 = sys[n - base];
	}
	return s;
}

/* KVM keeps FXSAVE's abridged tag (one bit per physical register: not
 * empty); gdb shows the full x87 tag word, two bits per register (SDM vol.
 * 1, 8.1.7): 00 valid, 01 zero, 10 special, 11 empty. fpr[i] is ST(i);
 * physical register p is ST((p - TOP) mod 8). */
static uint16_t full_tag(const struct kvm_fpu *f)
{
	unsigned top = (f->fsw >> 11) & 7;
	uint16_t tag = 0;
	for (unsigned p = 0; p < 8; p++) {
		unsigned t = 3;
		if (f->ftwx & (1u << p)) {
			const uint8_t *v = f->fpr[(p - top) & 7];
			uint16_t exp = (uint16_t)((v[9] & 0x7f) << 8 | v[8]);
			bool integer_bit = v[7] & 0x80;
			bool mant_zero = true;
			for (int i = 0; i < 8; i++)
				mant_zero &= v[i] == 0;
			if (exp == 0 && mant_zero)
				t = 1;
			else if (exp == 0x7fff || exp == 0 || !integer_bit)
				t = 2;
			else
				t = 0;
		}
		tag |= (uint16_t)(t << (2 * p));
	}
	return tag;
}

static uint8_t abridged_tag(uint16_t full)
{
	uint8_t t = 0;
	for (unsigned p = 0; p < 8; p++)
		if (((full >> (2 * p)) & 3) != 3)
			t |= (uint8_t)(1u << p);
	return t;
}

static void put_le(uint8_t *out, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *in, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)in[i] << (8 * i);
	return v;
}

static uint32_t fpu_word(const struct kvm_fpu *f, int w)
{
	switch (w) {
	case 0: return f->fcw;
	case 1: return f->fsw;
	case 2: return full_tag(f);
	case 4: return (uint32_t)f->last_ip;
	case 6: return (uint32_t)f->last_dp;
	case 7: return f->last_opcode;
	default: return 0;   /* fiseg, foseg: not in KVM's FXSAVE image */
	}
}

static void set_fpu_word(struct kvm_fpu *f, int w, uint32_t v)
{
	switch (w) {
	case 0: f->fcw = (uint16_t)v; break;
	case 1: f->fsw = (uint16_t)v; break;
	case 2: f->ftwx = abridged_tag((uint16_t)v); break;
	case 4: f->last_ip = v; break;
	case 6: f->last_dp = v; break;
	case 7: f->last_opcode = (uint16_t)v; break;
	default: break;
	}
}

size_t gdb_reg_get(enum gdb_arch arch, const struct gdb_cpu_state *st, int n, uint8_t *out)
{
	const struct gdb_reg_desc *d = gdb_reg_desc(arch, n);
	if (!d)
		return 0;
	/* locate() hands out pointers into st; reading through them is all
	 * this function does. */
	struct slot s = locate(arch, (struct gdb_cpu_state *)st, n);
	size_t bytes = d->bits / 8;
	switch (s.kind) {
	case SLOT_U64:
	case SLOT_EFLAGS:
		put_le(out, *s.u64, bytes);
		break;
	case SLOT_SELECTOR:
		put_le(out, *s.selector, bytes);
		break;
	case SLOT_ST:
	case SLOT_XMM:
		memcpy(out, s.bytes, bytes);
		break;
	case SLOT_FPU_WORD:
		put_le(out, fpu_word(&st->fpu, s.word), bytes);
		break;
	case SLOT_MXCSR:
		put_le(out, st->fpu.mxcsr, bytes);
		break;
	case SLOT_NONE:
		return 0;
	}
	return bytes;
}

int gdb_reg_set(enum gdb_arch arch, struct gdb_cpu_state *st, int n, const uint8_t *in)
{
	const struct gdb_reg_desc *d = gdb_reg_desc(arch, n);
	if (!d)
		return -1;
	struct slot s = locate(arch, st, n);
	size_t bytes = d->bits / 8;
	uint64_t v = bytes <= 8 ? get_le(in, bytes) : 0;
	switch (s.kind) {
	case SLOT_U64:
		/* A 32-bit view writes the low half and leaves the rest. */
		*s.u64 = bytes == 8 ? v : (*s.u64 & ~0xffffffffULL) | v;
		break;
	case SLOT_EFLAGS:
		*s.u64 = (*s.u64 & ~0xffffffffULL) | v;
		break;
	case SLOT_SELECTOR:
		if (v != *s.selector)
			return -1;
		break;
	case SLOT_ST:
	case SLOT_XMM:
		memcpy(s.bytes, in, bytes);
		break;
	case SLOT_FPU_WORD:
		/* An unchanged tag word must not lose precision through the
		 * abridged form: only a change is converted. */
		if (fpu_word(&st->fpu, s.word) != (uint32_t)v)
			set_fpu_word(&st->fpu, s.word, (uint32_t)v);
		break;
	case SLOT_MXCSR:
		st->fpu.mxcsr = (uint32_t)v;
		break;
	case SLOT_NONE:
		return -1;
	}
	return 0;
}
