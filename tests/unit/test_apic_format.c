// SPDX-License-Identifier: GPL-3.0-or-later
/* The LAPIC and IOAPIC decoders (monitor/apic_format.h) on synthetic
 * register state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "monitor/apic_format.h"

static void set(struct kvm_lapic_state *s, unsigned off, uint32_t v)
{
	memcpy(&s->regs[off], &v, sizeof(v));
}

static char *lapic_text(const struct kvm_lapic_state *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	lapic_format(f, s);
	fclose(f);
	return text;
}

#define HAS(text, want) ck_assert_msg(strstr(text, want), "missing '%s' in:\n%s", want, text)

START_TEST(vector_lists)
{
	struct kvm_lapic_state s;
	memset(&s, 0, sizeof(s));
	char out[64];
	lapic_vector_list(&s, 0x100, out, sizeof(out));
	ck_assert_str_eq(out, "none");
	set(&s, 0x100 + 1 * 16, 1u << (0x31 - 32));   /* ISR bit 0x31 */
	set(&s, 0x100 + 7 * 16, 1u << 31);            /* 0xff */
	set(&s, 0x100, 1u << 2);                       /* 0x02 */
	lapic_vector_list(&s, 0x100, out, sizeof(out));
	ck_assert_str_eq(out, "0x02 0x31 0xff");
	/* Every bit: the list stops at the buffer's end, terminated. */
	for (unsigned i = 0; i < 8; i++)
		set(&s, 0x200 + i * 16, 0xffffffffu);
	lapic_vector_list(&s, 0x200, out, sizeof(out));
	ck_assert_uint_lt(strlen(out), sizeof(out));
	ck_assert(!strncmp(out, "0x00 0x01 0x02", 14));
}
END_TEST

START_TEST(lapic_fields)
{
	struct kvm_lapic_state s;
	memset(&s, 0, sizeof(s));
	set(&s, 0x20, 3u << 24);            /* ID 3 */
	set(&s, 0x30, 0x00050014);          /* version 0x14, max LVT 5 */
	set(&s, 0x80, 0x20);                /* TPR */
	set(&s, 0xa0, 0x20);                /* PPR */
	set(&s, 0xf0, 0x1ff);               /* SVR: enabled, spurious 0xff */
	set(&s, 0x100 + 1 * 16, 1u << 8);   /* ISR 0x28 */
	set(&s, 0x200 + 1 * 16, 1u << 17);  /* IRR 0x31 */
	set(&s, 0x280, 1u << 7);            /* ESR: illegal register address */
	set(&s, 0x300, 0x00004608);         /* ICR: SIPI vector 8, assert */
	set(&s, 0x310, 0x02000000);         /* to APIC 2 */
	set(&s, 0x320, 0x000200ec);         /* timer: periodic, vector 0xec */
	set(&s, 0x380, 100000);
	set(&s, 0x390, 4242);
	set(&s, 0x3e0, 0x3);                /* divide by 16 */
	set(&s, 0x350, 0x00000700);         /* LINT0 ExtINT */
	set(&s, 0x360, 0x0001a400);         /* LINT1 NMI, level, active low, masked */
	set(&s, 0x370, 0x000100fe);         /* error: masked, 0xfe */
	char *t = lapic_text(&s);
	HAS(t, "apic_id=3 version=0x14 max_lvt=5\n");
	HAS(t, "tpr=0x20 ppr=0x20 apr=0x00");
	HAS(t, "spurious_vector=0xff software_enabled=yes eoi_suppression=no\n");
	HAS(t, "isr: 0x28\n");
	HAS(t, "irr: 0x31\n");
	HAS(t, "tmr: none\n");
	HAS(t, "esr=0x00000080 illegal-register\n");
	HAS(t, "icr=0x0200000000004608 vector=0x08 delivery=start-up dest_mode=physical dest=0x02 "
	       "shorthand=none pending=no\n");
	HAS(t, "timer: vector=0xec mode=periodic masked=no initial=100000 current=4242 divide=16\n");
	HAS(t, "lint0: vector=0x00 delivery=ExtINT masked=no trigger=edge polarity=high");
	HAS(t, "lint1: vector=0x00 delivery=NMI masked=yes trigger=level polarity=low");
	HAS(t, "error: vector=0xfe masked=yes\n");
	free(t);
	/* Divide values (SDM figure 11-10): 1011 = 1, 0000 = 2, 1010 = 128. */
	set(&s, 0x3e0, 0xb);
	t = lapic_text(&s);
	HAS(t, "divide=1\n");
	free(t);
	set(&s, 0x3e0, 0x0);
	t = lapic_text(&s);
	HAS(t, "divide=2\n");
	free(t);
	set(&s, 0x3e0, 0xa);
	set(&s, 0x320, 0x00040000);          /* TSC-deadline */
	set(&s, 0xf0, 0x0ff);                /* software-disabled */
	t = lapic_text(&s);
	HAS(t, "divide=128\n");
	HAS(t, "mode=tsc-deadline");
	HAS(t, "software_enabled=no");
	free(t);
}
END_TEST

START_TEST(ioapic_table)
{
	struct kvm_ioapic_state s;
	memset(&s, 0, sizeof(s));
	s.id = 1;
	s.base_address = 0xfec00000;
	s.irr = 0x10;
	for (int i = 0; i < KVM_IOAPIC_NUM_PINS; i++)
		s.redirtbl[i].bits = 1ull << 16;   /* masked, as after reset */
	/* Pin 4: vector 0x24, lowest priority, logical, level, low, remote IRR, dest 0x0f. */
	s.redirtbl[4].bits = 0x24 | 1ull << 8 | 1ull << 11 | 1ull << 13 | 1ull << 14 |
			     1ull << 15 | 0x0full << 56;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	ioapic_format(f, &s);
	fclose(f);
	HAS(text, "ioapic id=1 base=0xfec00000 irr=0x00000010 pins=24\n");
	HAS(text, "pin=0 vector=0x00 delivery=fixed dest_mode=physical dest=0x00 trigger=edge "
		  "polarity=high masked=yes remote_irr=0 pending=no\n");
	HAS(text, "pin=4 vector=0x24 delivery=lowest-priority dest_mode=logical dest=0x0f "
		  "trigger=level polarity=low masked=no remote_irr=1 pending=no\n");
	HAS(text, "pin=23 ");
	free(text);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("apic_format");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, vector_lists);
	tcase_add_test(tc, lapic_fields);
	tcase_add_test(tc, ioapic_table);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
