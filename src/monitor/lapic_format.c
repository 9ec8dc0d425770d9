// SPDX-License-Identifier: GPL-3.0-or-later
/* `info lapic`: a local APIC's registers in words. Offsets, fields and
 * encodings from the SDM vol. 3A, chapter 11 ("Advanced Programmable
 * Interrupt Controller"), table 11-1 and figures 11-7 (ESR), 11-8 (LVT),
 * 11-10 (divide configuration), 11-12 (ICR), 11-23 (SVR). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "monitor/apic_format.h"

#define APIC_ID      0x20
#define APIC_LVR     0x30
#define APIC_TPR     0x80
#define APIC_APR     0x90
#define APIC_PPR     0xa0
#define APIC_LDR     0xd0
#define APIC_DFR     0xe0
#define APIC_SVR     0xf0
#define APIC_ISR     0x100
#define APIC_TMR     0x180
#define APIC_IRR     0x200
#define APIC_ESR     0x280
#define APIC_ICR_LO  0x300
#define APIC_ICR_HI  0x310
#define APIC_LVTT    0x320
#define APIC_LVTTHMR 0x330
#define APIC_LVTPC   0x340
#define APIC_LVT0    0x350
#define APIC_LVT1    0x360
#define APIC_LVTERR  0x370
#define APIC_TMICT   0x380
#define APIC_TMCCT   0x390
#define APIC_TDCR    0x3e0

#define LVT_MASKED      (1u << 16)
#define LVT_LEVEL       (1u << 15)
#define LVT_REMOTE_IRR  (1u << 14)
#define LVT_ACTIVE_LOW  (1u << 13)
#define LVT_PENDING     (1u << 12)   /* delivery status: send pending */

static uint32_t reg(const struct kvm_lapic_state *s, unsigned off)
{
	uint32_t v;
	memcpy(&v, &s->regs[off], sizeof(v));
	return v;
}

void lapic_vector_list(const struct kvm_lapic_state *s, unsigned off, char *out, size_t outlen)
{
	size_t n = 0;
	out[0] = '\0';
	for (unsigned vec = 0; vec < 256; vec++) {
		if (!(reg(s, off + (vec / 32) * 16) & (1u << (vec % 32))))
			continue;
		int w = snprintf(out + n, outlen - n, "%s0x%02x", n ? " " : "", vec);
		if (w < 0 || (size_t)w >= outlen - n)
			break;
		n += (size_t)w;
	}
	if (!n)
		snprintf(out, outlen, "none");
}

/* Delivery modes, bits 10:8 of an LVT entry or the ICR (figure 11-8). */
static const char *delivery_name(uint32_t v)
{
	static const char *const names[8] = {
		"fixed", "lowest-priority", "SMI", "reserved3", "NMI", "INIT", "start-up", "ExtINT",
	};
	return names[(v >> 8) & 7];
}

static const char *yes(bool b)
{
	return b ? "yes" : "no";
}

/* LINT0, LINT1: all the LVT fields. */
static void lint_line(FILE *f, const char *name, uint32_t v)
{
	fprintf(f, "%s: vector=0x%02x delivery=%s masked=%s trigger=%s polarity=%s "
		   "remote_irr=%u pending=%s\n", name, v & 0xff, delivery_name(v),
		yes(v & LVT_MASKED), v & LVT_LEVEL ? "level" : "edge",
		v & LVT_ACTIVE_LOW ? "low" : "high", !!(v & LVT_REMOTE_IRR),
		yes(v & LVT_PENDING));
}

/* Divide configuration (figure 11-10): bits 3, 1, 0 form a 3-bit value;
 * 111 is divide by 1, otherwise divide by 2 << value. */
static unsigned timer_divide(uint32_t tdcr)
{
	unsigned v = ((tdcr & 8) >> 1) | (tdcr & 3);
	return v == 7 ? 1 : 2u << v;
}

void lapic_format(FILE *f, const struct kvm_lapic_state *s)
{
	uint32_t lvr = reg(s, APIC_LVR), svr = reg(s, APIC_SVR);
	fprintf(f, "apic_id=%u version=0x%02x max_lvt=%u\n", reg(s, APIC_ID) >> 24, lvr & 0xff,
		(lvr >> 16) & 0xff);
	fprintf(f, "tpr=0x%02x ppr=0x%02x apr=0x%02x ldr=0x%08x dfr=0x%08x\n",
		reg(s, APIC_TPR) & 0xff, reg(s, APIC_PPR) & 0xff, reg(s, APIC_APR) & 0xff,
		reg(s, APIC_LDR), reg(s, APIC_DFR));
	fprintf(f, "svr=0x%08x spurious_vector=0x%02x software_enabled=%s eoi_suppression=%s\n",
		svr, svr & 0xff, yes(svr & (1u << 8)), yes(svr & (1u << 12)));
	char list[256 * 5 + 8];
	static const struct { const char *name; unsigned off; } sets[] = {
		{ "isr", APIC_ISR }, { "irr", APIC_IRR }, { "tmr", APIC_TMR },
	};
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		lapic_vector_list(s, sets[i].off, list, sizeof(list));
		fprintf(f, "%s: %s\n", sets[i].name, list);
	}
	uint32_t esr = reg(s, APIC_ESR);
	fprintf(f, "esr=0x%08x%s%s%s%s%s%s%s\n", esr,
		esr & (1u << 2) ? " send-accept" : "", esr & (1u << 3) ? " receive-accept" : "",
		esr & (1u << 4) ? " redirectable-ipi" : "", esr & (1u << 5) ? " send-illegal-vector" : "",
		esr & (1u << 6) ? " receive-illegal-vector" : "",
		esr & (1u << 7) ? " illegal-register" : "", esr & 3 ? " checksum" : "");
	uint32_t icr = reg(s, APIC_ICR_LO), icr_hi = reg(s, APIC_ICR_HI);
	static const char *const shorthand[4] = { "none", "self", "all", "all-but-self" };
	fprintf(f, "icr=0x%08x%08x vector=0x%02x delivery=%s dest_mode=%s dest=0x%02x "
		   "shorthand=%s pending=%s\n", icr_hi, icr, icr & 0xff, delivery_name(icr),
		icr & (1u << 11) ? "logical" : "physical", icr_hi >> 24, shorthand[(icr >> 18) & 3],
		yes(icr & LVT_PENDING));
	uint32_t lvtt = reg(s, APIC_LVTT);
	static const char *const timer_modes[4] = { "one-shot", "periodic", "tsc-deadline", "reserved" };
	fprintf(f, "timer: vector=0x%02x mode=%s masked=%s initial=%u current=%u divide=%u\n",
		lvtt & 0xff, timer_modes[(lvtt >> 17) & 3], yes(lvtt & LVT_MASKED),
		reg(s, APIC_TMICT), reg(s, APIC_TMCCT), timer_divide(reg(s, APIC_TDCR)));
	lint_line(f, "lint0", reg(s, APIC_LVT0));
	lint_line(f, "lint1", reg(s, APIC_LVT1));
	uint32_t err = reg(s, APIC_LVTERR), thm = reg(s, APIC_LVTTHMR), pc = reg(s, APIC_LVTPC);
	fprintf(f, "error: vector=0x%02x masked=%s\n", err & 0xff, yes(err & LVT_MASKED));
	fprintf(f, "thermal: vector=0x%02x delivery=%s masked=%s\n", thm & 0xff, delivery_name(thm),
		yes(thm & LVT_MASKED));
	fprintf(f, "perfmon: vector=0x%02x delivery=%s masked=%s\n", pc & 0xff, delivery_name(pc),
		yes(pc & LVT_MASKED));
}
