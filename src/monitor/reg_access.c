// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/reg_access.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

enum reg_kind { R64, R32, SEL, SEGBASE, SEGLIMIT, TABBASE, TABLIMIT };

struct reg_desc {
	const char *name;
	enum reg_kind kind;
	bool in_sregs;
	size_t off;   /* of the u64 (R64/R32), kvm_segment or kvm_dtable */
};

#define GPR(n, f) { n, R64, false, offsetof(struct kvm_regs, f) }
#define GPR32(n, f) { n, R32, false, offsetof(struct kvm_regs, f) }
#define SR(n, f) { n, R64, true, offsetof(struct kvm_sregs, f) }
#define SEG(n, f) { n, SEL, true, offsetof(struct kvm_sregs, f) }, \
	{ n ".base", SEGBASE, true, offsetof(struct kvm_sregs, f) }, \
	{ n ".limit", SEGLIMIT, true, offsetof(struct kvm_sregs, f) }

static const struct reg_desc regs[] = {
	GPR("rax", rax), GPR("rbx", rbx), GPR("rcx", rcx), GPR("rdx", rdx),
	GPR("rsi", rsi), GPR("rdi", rdi), GPR("rbp", rbp), GPR("rsp", rsp),
	GPR("r8", r8), GPR("r9", r9), GPR("r10", r10), GPR("r11", r11),
	GPR("r12", r12), GPR("r13", r13), GPR("r14", r14), GPR("r15", r15),
	GPR("rip", rip), GPR("rflags", rflags),
	GPR32("eax", rax), GPR32("ebx", rbx), GPR32("ecx", rcx), GPR32("edx", rdx),
	GPR32("esi", rsi), GPR32("edi", rdi), GPR32("ebp", rbp), GPR32("esp", rsp),
	GPR32("eip", rip), GPR32("eflags", rflags),
	SR("cr0", cr0), SR("cr2", cr2), SR("cr3", cr3), SR("cr4", cr4), SR("cr8", cr8),
	SR("efer", efer), SR("apic_base", apic_base),
	SEG("cs", cs), SEG("ds", ds), SEG("es", es), SEG("fs", fs), SEG("gs", gs),
	SEG("ss", ss), SEG("tr", tr), SEG("ldt", ldt),
	{ "gdt.base", TABBASE, true, offsetof(struct kvm_sregs, gdt) },
	{ "gdt.limit", TABLIMIT, true, offsetof(struct kvm_sregs, gdt) },
	{ "idt.base", TABBASE, true, offsetof(struct kvm_sregs, idt) },
	{ "idt.limit", TABLIMIT, true, offsetof(struct kvm_sregs, idt) },
};
#define NREGS (sizeof(regs) / sizeof(regs[0]))

static const struct reg_desc *reg_find(const char *name)
{
	for (size_t i = 0; i < NREGS; i++)
		if (!strcasecmp(regs[i].name, name))
			return &regs[i];
	return NULL;
}

static void *reg_base(const struct reg_file *rf, const struct reg_desc *d)
{
	const char *base = d->in_sregs ? (const char *)&rf->sregs : (const char *)&rf->regs;
	return (void *)(base + d->off);
}

bool reg_get(const struct reg_file *rf, const char *name, uint64_t *val)
{
	const struct reg_desc *d = reg_find(name);
	if (!d)
		return false;
	void *p = reg_base(rf, d);
	switch (d->kind) {
	case R64: *val = *(uint64_t *)p; break;
	case R32: *val = *(uint64_t *)p & 0xffffffffu; break;
	case SEL: *val = ((struct kvm_segment *)p)->selector; break;
	case SEGBASE: *val = ((struct kvm_segment *)p)->base; break;
	case SEGLIMIT: *val = ((struct kvm_segment *)p)->limit; break;
	case TABBASE: *val = ((struct kvm_dtable *)p)->base; break;
	case TABLIMIT: *val = ((struct kvm_dtable *)p)->limit; break;
	}
	return true;
}

enum reg_set_result reg_set(struct reg_file *rf, const char *name, uint64_t val)
{
	const struct reg_desc *d = reg_find(name);
	if (!d)
		return REG_UNKNOWN;
	void *p = reg_base(rf, d);
	switch (d->kind) {
	case R64: *(uint64_t *)p = val; break;
	/* SDM vol. 1, 3.4.1.1: a 32-bit result zero-extends into the 64-bit register. */
	case R32:
		if (val > 0xffffffffu)
			return REG_TOO_WIDE;
		*(uint64_t *)p = val;
		break;
	/* Segment selectors, bases and limits come with hidden descriptor
	 * state; changing one piece alone would be a lie, so they are read-only. */
	case SEL: case SEGBASE: case SEGLIMIT:
		return REG_READ_ONLY;
	case TABBASE: ((struct kvm_dtable *)p)->base = val; break;
	case TABLIMIT:
		if (val > 0xffff)
			return REG_TOO_WIDE;
		((struct kvm_dtable *)p)->limit = (uint16_t)val;
		break;
	}
	if (d->in_sregs)
		rf->sregs_dirty = true;
	else
		rf->regs_dirty = true;
	return REG_SET_OK;
}

const char *reg_complete(const char *prefix, int *iter)
{
	size_t len = strlen(prefix);
	while (*iter < (int)NREGS) {
		const char *n = regs[(*iter)++].name;
		if (!strncasecmp(n, prefix, len))
			return n;
	}
	return NULL;
}
