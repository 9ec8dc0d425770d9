// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/regs_format.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct bit_name {
	int bit;
	const char *name;
};

/* SDM vol. 1, 3.4.3 (EFLAGS). */
static const struct bit_name rflags_bits[] = {
	{ 0, "CF" }, { 2, "PF" }, { 4, "AF" }, { 6, "ZF" }, { 7, "SF" }, { 8, "TF" },
	{ 9, "IF" }, { 10, "DF" }, { 11, "OF" }, { 14, "NT" }, { 16, "RF" }, { 17, "VM" },
	{ 18, "AC" }, { 19, "VIF" }, { 20, "VIP" }, { 21, "ID" }, { -1, NULL },
};
/* SDM vol. 3A, 2.5 (control registers). */
static const struct bit_name cr0_bits[] = {
	{ 0, "PE" }, { 1, "MP" }, { 2, "EM" }, { 3, "TS" }, { 4, "ET" }, { 5, "NE" },
	{ 16, "WP" }, { 18, "AM" }, { 29, "NW" }, { 30, "CD" }, { 31, "PG" }, { -1, NULL },
};
static const struct bit_name cr4_bits[] = {
	{ 0, "VME" }, { 1, "PVI" }, { 2, "TSD" }, { 3, "DE" }, { 4, "PSE" }, { 5, "PAE" },
	{ 6, "MCE" }, { 7, "PGE" }, { 8, "PCE" }, { 9, "OSFXSR" }, { 10, "OSXMMEXCPT" },
	{ 11, "UMIP" }, { 12, "LA57" }, { 13, "VMXE" }, { 14, "SMXE" }, { 16, "FSGSBASE" },
	{ 17, "PCIDE" }, { 18, "OSXSAVE" }, { 20, "SMEP" }, { 21, "SMAP" }, { 22, "PKE" },
	{ 23, "CET" }, { 24, "PKS" }, { -1, NULL },
};
/* SDM vol. 3A, 2.2.1 (IA32_EFER). */
static const struct bit_name efer_bits[] = {
	{ 0, "SCE" }, { 8, "LME" }, { 10, "LMA" }, { 11, "NXE" }, { 12, "SVME" },
	{ 13, "LMSLE" }, { 14, "FFXSR" }, { 15, "TCE" }, { -1, NULL },
};

void regs_format_bits(enum reg_bits_kind kind, uint64_t value, char *out, size_t outlen)
{
	const struct bit_name *t = kind == BITS_RFLAGS ? rflags_bits :
				   kind == BITS_CR0 ? cr0_bits :
				   kind == BITS_CR4 ? cr4_bits : efer_bits;
	size_t n = 0;
	out[0] = '\0';
	for (; t->name; t++) {
		if (!(value & (1ULL << t->bit)))
			continue;
		int w = snprintf(out + n, outlen - n, "%s%s", n ? " " : "", t->name);
		if (w < 0 || (size_t)w >= outlen - n)
			return;
		n += (size_t)w;
	}
	if (kind == BITS_RFLAGS && (value >> 12 & 3))
		snprintf(out + n, outlen - n, "%sIOPL=%u", n ? " " : "", (unsigned)(value >> 12 & 3));
}

void regs_describe_mode(const struct kvm_sregs *s, char *out, size_t outlen)
{
	bool pe = s->cr0 & 1, pg = s->cr0 >> 31 & 1;
	bool pae = s->cr4 >> 5 & 1, la57 = s->cr4 >> 12 & 1;
	bool lma = s->efer >> 10 & 1;
	if (!pe) {
		snprintf(out, outlen, "real mode");
	} else if (lma && s->cs.l) {
		snprintf(out, outlen, "64-bit long mode, %d-level paging", la57 ? 5 : 4);
	} else if (lma) {
		snprintf(out, outlen, "compatibility mode (%d-bit code in long mode)",
			 s->cs.db ? 32 : 16);
	} else {
		const char *paging = !pg ? "paging off" : pae ? "PAE paging" : "32-bit paging";
		snprintf(out, outlen, "%d-bit protected mode, %s", s->cs.db ? 32 : 16, paging);
	}
}

void regs_format_segment(const char *name, const struct kvm_segment *seg,
			 char *out, size_t outlen)
{
	snprintf(out, outlen,
		 "%s=0x%04x base=0x%016llx limit=0x%08x type=0x%x s=%u dpl=%u p=%u l=%u db=%u g=%u%s",
		 name, seg->selector, (unsigned long long)seg->base, seg->limit, seg->type,
		 seg->s, seg->dpl, seg->present, seg->l, seg->db, seg->g,
		 seg->unusable ? " unusable" : "");
}

#define APPEND(...) do { \
	int w_ = snprintf(out + n, outlen > n ? outlen - n : 0, __VA_ARGS__); \
	if (w_ > 0) n += (size_t)w_; \
} while (0)

void regs_format_all(const struct kvm_regs *r, const struct kvm_sregs *s,
		     char *out, size_t outlen)
{
	size_t n = 0;
	char bits[160], seg[160], mode[80];
	APPEND("rax=0x%016llx rbx=0x%016llx rcx=0x%016llx rdx=0x%016llx\n",
	       r->rax, r->rbx, r->rcx, r->rdx);
	APPEND("rsi=0x%016llx rdi=0x%016llx rbp=0x%016llx rsp=0x%016llx\n",
	       r->rsi, r->rdi, r->rbp, r->rsp);
	APPEND("r8=0x%016llx r9=0x%016llx r10=0x%016llx r11=0x%016llx\n",
	       r->r8, r->r9, r->r10, r->r11);
	APPEND("r12=0x%016llx r13=0x%016llx r14=0x%016llx r15=0x%016llx\n",
	       r->r12, r->r13, r->r14, r->r15);
	regs_format_bits(BITS_RFLAGS, r->rflags, bits, sizeof(bits));
	APPEND("rip=0x%016llx rflags=0x%08llx [%s]\n", r->rip, r->rflags, bits);
	const struct { const char *name; const struct kvm_segment *seg; } segs[] = {
		{ "cs", &s->cs }, { "ss", &s->ss }, { "ds", &s->ds }, { "es", &s->es },
		{ "fs", &s->fs }, { "gs", &s->gs }, { "tr", &s->tr }, { "ldt", &s->ldt },
	};
	for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
		regs_format_segment(segs[i].name, segs[i].seg, seg, sizeof(seg));
		APPEND("%s\n", seg);
	}
	APPEND("gdt=0x%016llx/0x%x idt=0x%016llx/0x%x\n", s->gdt.base, s->gdt.limit,
	       s->idt.base, s->idt.limit);
	regs_format_bits(BITS_CR0, s->cr0, bits, sizeof(bits));
	APPEND("cr0=0x%08llx [%s]\n", s->cr0, bits);
	APPEND("cr2=0x%016llx cr3=0x%016llx cr8=0x%llx\n", s->cr2, s->cr3, s->cr8);
	regs_format_bits(BITS_CR4, s->cr4, bits, sizeof(bits));
	APPEND("cr4=0x%08llx [%s]\n", s->cr4, bits);
	regs_format_bits(BITS_EFER, s->efer, bits, sizeof(bits));
	APPEND("efer=0x%08llx [%s]\n", s->efer, bits);
	APPEND("apic_base=0x%llx\n", s->apic_base);
	regs_describe_mode(s, mode, sizeof(mode));
	APPEND("mode=%s\n", mode);
}
