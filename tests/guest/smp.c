// SPDX-License-Identifier: GPL-3.0-or-later
/* smp=on: bring up the application processors the way an OS does (SDM
 * vol. 3A 8.4.4.1 "Typical BSP Initialization Sequence", MP spec 1.4
 * appendix B.4): software-enable the BSP's local APIC, then for each AP
 * INIT, 10 ms, SIPI, 200 us, SIPI through the ICR; the AP comes up in real
 * mode at the trampoline (smp_trampoline.S), reaches long mode on its own
 * stack and lands in smp_ap_entry, which reports on COM1 under a spinlock
 * and then runs ap_loop for ever. */
#include <stdbool.h>

#include "acpi.h"
#include "guest.h"
#include "smp.h"

/* Local APIC registers, xAPIC MMIO at the architectural base (SDM vol. 3A
 * 11.4.1, table 11-1). */
#define LAPIC_BASE   0xfee00000UL
#define LAPIC_ID     0x20
#define LAPIC_SVR    0xf0
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define SVR_ENABLE   0x100
#define SVR_SPURIOUS 0xff
#define ICR_INIT     0x00000500   /* delivery mode 101 */
#define ICR_STARTUP  0x00000600   /* delivery mode 110 */
#define ICR_ASSERT   0x00004000   /* level: assert */
#define ICR_PENDING  0x00001000   /* delivery status: send pending */

/* The PIT's channel 2, gated through port 0x61, as a delay that does not
 * depend on the CPU's speed (8254 datasheet, mode 0: OUT goes high when the
 * count runs out; port 0x61 bit 0 is the gate, bit 5 reads OUT2). */
#define PIT_HZ       1193182u
#define PIT_CH2      0x42
#define PIT_CMD      0x43
#define PIT_CH2_MODE0 0xb0   /* channel 2, lobyte/hibyte, mode 0, binary */
#define PORT_61      0x61
#define P61_GATE2    0x01
#define P61_SPEAKER  0x02
#define P61_OUT2     0x20

volatile uint64_t ap_ticks[SMP_MAX_CPUS];

static uint8_t ap_stacks[SMP_MAX_CPUS][SMP_STACK_SIZE] __attribute__((aligned(16)));
static volatile unsigned ap_started;   /* last index that reached C */
static volatile unsigned ap_online;    /* APs that have reported */
static volatile unsigned ap_go;        /* releases the APs into ap_tick */
static volatile uint32_t print_lock;

static uint32_t lapic_read(unsigned reg)
{
	return *(volatile uint32_t *)(LAPIC_BASE + reg);
}

static void lapic_write(unsigned reg, uint32_t v)
{
	*(volatile uint32_t *)(LAPIC_BASE + reg) = v;
}

static void lock(void)
{
	uint32_t one = 1;
	for (;;) {
		__asm__ volatile("xchgl %0, %1" : "+r"(one), "+m"(print_lock) : : "memory");
		if (!one)
			return;
		while (print_lock)
			__asm__ volatile("pause");
		one = 1;
	}
}

static void unlock(void)
{
	__asm__ volatile("" : : : "memory");
	print_lock = 0;
}

/* Wait us microseconds (at most 54,000: one 16-bit PIT count). A machine
 * without a PIT (QEMU's microvm unless pit=on) reads port 0x61 as all
 * ones; there each microsecond is one write to port 0x80, the ISA-era
 * delay port (about 1 us on hardware, longer as a VM exit). */
static void delay_us(uint32_t us)
{
	if (inb(PORT_61) == 0xff) {
		for (uint32_t i = 0; i < us; i++)
			outb(0x80, 0);
		return;
	}
	uint32_t count = (uint32_t)((uint64_t)us * PIT_HZ / 1000000u);
	if (count == 0)
		count = 1;
	if (count > 0xffff)
		count = 0xffff;
	outb(PORT_61, (uint8_t)((inb(PORT_61) & ~P61_SPEAKER) | P61_GATE2));
	outb(PIT_CMD, PIT_CH2_MODE0);
	outb(PIT_CH2, (uint8_t)count);
	outb(PIT_CH2, (uint8_t)(count >> 8));
	/* Bounded: a machine without a PIT must not hang the guest. */
	for (uint32_t i = 0; i < 10000000u && !(inb(PORT_61) & P61_OUT2); i++)
		;
}

static void send_ipi(uint32_t apic_id, uint32_t icr)
{
	lapic_write(LAPIC_ICR_HI, apic_id << 24);
	lapic_write(LAPIC_ICR_LO, icr);
	for (int i = 0; i < 1000 && (lapic_read(LAPIC_ICR_LO) & ICR_PENDING); i++)
		delay_us(10);
}

/* Not static, not inlined: the debugger tests break here. */
__attribute__((noinline)) void ap_tick(unsigned cpu)
{
	ap_ticks[cpu]++;
}

static __attribute__((noreturn)) void ap_loop(unsigned cpu)
{
	for (;;) {
		while (!ap_go)
			__asm__ volatile("pause");
		ap_tick(cpu);
	}
}

/* The trampoline's call lands here, on the AP's own stack. */
__attribute__((noreturn)) void smp_ap_entry(void)
{
	/* Its index from the stack it runs on (each AP gets its own), so an
	 * AP that comes up late still names itself, not the one being started. */
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	unsigned me = (unsigned)((sp - (uintptr_t)ap_stacks) / SMP_STACK_SIZE);
	uint32_t id = lapic_read(LAPIC_ID) >> 24;
	ap_started = me;
	lock();
	put_str("smp: cpu ");
	put_dec(me);
	put_str(" apic_id=");
	put_dec(id);
	put_str(" up\n");
	unlock();
	__atomic_add_fetch(&ap_online, 1, __ATOMIC_SEQ_CST);
	ap_loop(me);
}

/* INIT, SIPI, SIPI; true once the AP has reached C (at most ~1 s). */
static bool start_ap(unsigned index, uint32_t apic_id)
{
	uint8_t *tramp = (uint8_t *)SMP_TRAMP_ADDR;
	uint64_t stack = (uint64_t)(uintptr_t)&ap_stacks[index][SMP_STACK_SIZE];
	*(volatile uint64_t *)(tramp + (smp_tramp_stack - smp_tramp_start)) = stack;
	send_ipi(apic_id, ICR_INIT | ICR_ASSERT);
	delay_us(10000);
	for (int i = 0; i < 2; i++) {
		send_ipi(apic_id, ICR_STARTUP | ICR_ASSERT | (SMP_TRAMP_ADDR >> 12));
		delay_us(200);
		if (ap_started == index)
			return true;
	}
	for (int i = 0; i < 1000; i++) {
		if (ap_started == index)
			return true;
		delay_us(1000);
	}
	return false;
}

void smp_run(void)
{
	/* Every CPU the firmware describes: the MADT's enabled processors
	 * (acpi.c; guest_main has already found the RSDP). */
	uint32_t ids[SMP_MAX_CPUS + 1];
	int n = acpi_cpu_apic_ids(ids, SMP_MAX_CPUS + 1);
	if (n > SMP_MAX_CPUS) {
		put_str("smp: error: more than 32 CPUs; starting 32\n");
		n = SMP_MAX_CPUS;
	}
	uint32_t self = lapic_read(LAPIC_ID) >> 24;
	put_str("smp: bsp apic_id=");
	put_dec(self);
	put_str(" cpus=");
	put_dec((uint64_t)n);
	put_char('\n');

	/* The trampoline, with this CPU's page tables and the C entry. */
	uint8_t *tramp = (uint8_t *)SMP_TRAMP_ADDR;
	for (size_t i = 0; i < (size_t)(smp_tramp_end - smp_tramp_start); i++)
		tramp[i] = smp_tramp_start[i];
	uint64_t cr3;
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	*(volatile uint64_t *)(tramp + (smp_tramp_cr3 - smp_tramp_start)) = cr3;
	*(volatile uint64_t *)(tramp + (smp_tramp_entry - smp_tramp_start)) =
		(uint64_t)(uintptr_t)smp_ap_entry;

	/* No IPI leaves a LAPIC that is software-disabled (SVR bit 8). */
	lapic_write(LAPIC_SVR, lapic_read(LAPIC_SVR) | SVR_ENABLE | SVR_SPURIOUS);

	unsigned index = 1, want = 0;
	ap_started = 0;
	for (int i = 0; i < n; i++) {
		if (ids[i] == self)
			continue;
		want++;
		if (!start_ap(index, ids[i])) {
			lock();
			put_str("smp: error: apic_id=");
			put_dec(ids[i]);
			put_str(" did not start\n");
			unlock();
		}
		index++;
	}
	/* Each AP reports after it has started; wait for the last lines. */
	for (int i = 0; i < 1000 && ap_online < want; i++)
		delay_us(1000);
	lock();
	put_str("smp: ");
	put_dec(ap_online + 1);
	put_str(" cpus online\n");
	unlock();
	ap_go = 1;
}
