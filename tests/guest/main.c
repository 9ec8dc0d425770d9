// SPDX-License-Identifier: GPL-3.0-or-later
/* The shared 64-bit part of the hvmon test guest: report what the loader
 * handed over (command line, memory map, initrd) on COM1, then end the
 * machine the way the command line asks. The output format is described
 * in README.md; the integration tests parse it. Ring-0 guest code runs in
 * KVM's instruction emulator on the project's machines (docs/design.md 1), so
 * everything here is a short straight loop. */
#include <stdbool.h>
#include <stddef.h>

#include "guest.h"
#include "smp.h"

/* The 8250 UART at the PC's COM1 base. Transmitting needs no set-up: a
 * virtual UART takes bytes at any divisor, and polling the Line Status
 * Register's THRE bit (bit 5) before each byte keeps a real one happy. */
#define COM1_BASE  0x3f8
#define UART_LSR   (COM1_BASE + 5)
#define LSR_THRE   0x20

/* PCI-era Reset Control Register: writing SYS_RST (bit 1) with RST_CPU
 * (bit 2) asks for a full reset; Linux's reboot=pci does the same. */
#define RST_CNT_PORT   0xcf9
#define RST_CNT_RESET  0x06
/* The 8042 keyboard controller's command 0xfe pulses the CPU reset line
 * (Linux reboot=kbd). */
#define I8042_CMD_PORT 0x64
#define I8042_PULSE_RESET 0xfe

volatile uint64_t guest_counter;

/* The identity map (guest.h): filled by pvh.S or linux64.c, both of which
 * run before anything else here. */
uint64_t pml4[512] __attribute__((aligned(4096)));
uint64_t pdpt[512] __attribute__((aligned(4096)));
uint64_t pd[4][512] __attribute__((aligned(4096)));

/* Loads that may be unaligned (the e820 entries are 20 bytes apart) and may
 * alias anything. */
typedef uint64_t u64_any __attribute__((aligned(1), may_alias));
typedef uint32_t u32_any __attribute__((aligned(1), may_alias));

void put_char(char c)
{
	while (!(inb(UART_LSR) & LSR_THRE))
		;
	outb(COM1_BASE, (uint8_t)c);
}

void put_str(const char *s)
{
	while (*s)
		put_char(*s++);
}

/* Lower-case hex without leading zeros, at least min_digits digits. */
void put_hex(uint64_t v, int min_digits)
{
	char buf[16];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	} while (v || n < min_digits);
	while (n)
		put_char(buf[--n]);
}

void put_dec(uint64_t v)
{
	char buf[20];
	int n = 0;

	do {
		buf[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		put_char(buf[--n]);
}

/* Increments guest_counter n times, one memory update per iteration, so a
 * debugger can break on it, step it, or watch the counter move. */
__attribute__((noinline)) void count_loop(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		guest_counter++;
}

/* count_calls(n) calls count_step(i) for i = 0 .. n-1: a function entered
 * once per iteration with the iteration in its first argument ($rdi, the
 * SysV ABI), for conditional breakpoints, ignore counts and advance
 * (tests/integration/break_conditions.sh); guest_step_sum adds up i + 1
 * for each call (1 after the first, 6 after the third). */
volatile uint64_t guest_step_sum;

__attribute__((noinline)) void count_step(unsigned int i)
{
	guest_step_sum += i + 1;
}

__attribute__((noinline)) void count_calls(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		count_step(i);
}

/* The initrd checksum, defined for the tests to reproduce on the host:
 * the image is read as consecutive little-endian 32-bit words, the last
 * partial word (size % 4 bytes) zero-padded at its high end, and the words
 * are added modulo 2^32. One add per 4 bytes keeps it cheap under the
 * emulator. */
static uint32_t initrd_sum(const uint8_t *p, uint64_t size)
{
	const u32_any *w = (const u32_any *)p;
	uint64_t words = size / 4;
	uint32_t sum = 0, tail = 0;

	for (uint64_t i = 0; i < words; i++)
		sum += w[i];
	for (uint64_t i = 0; i < size % 4; i++)
		tail |= (uint32_t)p[words * 4 + i] << (8 * i);
	return sum + tail;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* The value of the last whitespace-separated word of the command line that
 * starts with key (such as "exit="; later words override earlier ones, as
 * on Linux); its length goes to *len. NULL when there is none. */
const char *find_option(const char *cmd, size_t cmdlen, const char *key, size_t *len)
{
	size_t keylen = 0;
	const char *found = NULL;
	size_t i = 0;

	while (key[keylen])
		keylen++;
	while (i < cmdlen) {
		size_t start, k;

		while (i < cmdlen && is_space(cmd[i]))
			i++;
		start = i;
		while (i < cmdlen && !is_space(cmd[i]))
			i++;
		for (k = 0; k < keylen && start + k < i; k++)
			if (cmd[start + k] != key[k])
				break;
		if (k == keylen) {
			found = cmd + start + k;
			*len = i - start - k;
		}
	}
	return found;
}

bool word_is(const char *w, size_t len, const char *s)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != w[i])
			return false;
	return s[i] == '\0';
}

/* Raising an exception with a zero-limit IDT: the CPU cannot read the
 * vector's gate, which gives #GP, then #DF, then a triple fault (Intel SDM
 * vol. 3, "Interrupt 8 - Double Fault Exception"): a shutdown, which a VMM
 * sees as KVM_EXIT_SHUTDOWN. */
static void load_empty_idt(void)
{
	static const struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} idtr = { 0, 0 };

	__asm__ volatile("lidt %0" : : "m"(idtr));
}

static __attribute__((noreturn)) void halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* Ends the machine as exit= asks; see README.md for the methods. Only the
 * requested method is tried, so a test learns which one the VMM lacks. */
static __attribute__((noreturn)) void machine_exit(const char *how, size_t len)
{
	if (!how || word_is(how, len, "cf9")) {
		outb(RST_CNT_PORT, RST_CNT_RESET);
	} else if (word_is(how, len, "i8042")) {
		outb(I8042_CMD_PORT, I8042_PULSE_RESET);
	} else if (word_is(how, len, "triple")) {
		load_empty_idt();
		/* A divide error, which KVM's emulator raises itself (an
		 * instruction it cannot emulate would stop KVM_RUN instead). */
		__asm__ volatile("xorl %%ecx, %%ecx; divl %%ecx"
				 : : : "eax", "ecx", "edx");
	} else if (word_is(how, len, "int3")) {
		/* With no usable IDT: a #BP and then a triple fault on a real
		 * host; on the project's emulated ring 0, an emulation
		 * failure that stops KVM_RUN (docs/design.md 1). */
		load_empty_idt();
		__asm__ volatile("int3");
	} else if (word_is(how, len, "emufail")) {
		/* popcnt, which the project's emulated ring 0 cannot run: an
		 * emulation failure the monitor can skip (docs/design.md 1);
		 * a real CPU runs it. Either way the guest goes on after. */
		__asm__ volatile("popcnt %%rax, %%rax" : : : "rax", "cc");
		put_str("hvmon-testguest: past the popcnt\n");
		halt_forever();
	} else if (word_is(how, len, "acpi")) {
		acpi_poweroff();
	} else if (word_is(how, len, "hlt")) {
		halt_forever();
	} else if (word_is(how, len, "ring3loop")) {
		put_str("hvmon-testguest: entering ring 3\n");
		enter_ring3();
	} else {
		put_str("hvmon-testguest: error: unknown exit=");
		for (size_t i = 0; i < len; i++)
			put_char(how[i]);
		put_str(", halting\n");
		halt_forever();
	}
	put_str("hvmon-testguest: exit did not end the machine, halting\n");
	halt_forever();
}

void guest_main(const struct boot_info *bi)
{
	const char *cmd = "";
	size_t cmdlen = 0, exitlen = 0;
	const char *exit_how, *virtio, *vstop;
	size_t virtiolen = 0, vstoplen = 0;

	put_str("hvmon-testguest: boot=");
	put_str(bi->protocol);
	put_char('\n');
	if (bi->error) {
		put_str("hvmon-testguest: error: ");
		put_str(bi->error);
		put_char('\n');
	}

	if (bi->cmdline && idmapped(bi->cmdline, CMDLINE_MAX + 1))
		cmd = (const char *)(uintptr_t)bi->cmdline;
	else if (bi->cmdline)
		put_str("hvmon-testguest: error: command line above 4 GiB\n");
	while (cmdlen < CMDLINE_MAX && cmd[cmdlen])
		cmdlen++;
	put_str("cmdline: ");
	for (size_t i = 0; i < cmdlen; i++)
		put_char(cmd[i]);
	put_char('\n');

	put_str("e820: ");
	put_dec(bi->map_entries);
	put_str(" entries\n");
	if (idmapped(bi->map, (uint64_t)bi->map_entries * bi->map_stride)) {
		for (uint32_t i = 0; i < bi->map_entries; i++) {
			const uint8_t *e = (const uint8_t *)(uintptr_t)
				(bi->map + (uint64_t)i * bi->map_stride);

			put_str("e820[");
			put_dec(i);
			put_str("]: addr=0x");
			put_hex(*(const u64_any *)e, 1);
			put_str(" size=0x");
			put_hex(*(const u64_any *)(e + 8), 1);
			put_str(" type=");
			put_dec(*(const u32_any *)(e + 16));
			put_char('\n');
		}
	} else {
		put_str("hvmon-testguest: error: memory map above 4 GiB\n");
	}

	if (!bi->have_initrd) {
		put_str("initrd: none\n");
	} else if (!idmapped(bi->initrd_addr, bi->initrd_size)) {
		put_str("hvmon-testguest: error: initrd above 4 GiB\n");
	} else {
		put_str("initrd: addr=0x");
		put_hex(bi->initrd_addr, 1);
		put_str(" size=");
		put_dec(bi->initrd_size);
		put_str(" sum=0x");
		put_hex(initrd_sum((const uint8_t *)(uintptr_t)bi->initrd_addr,
				   bi->initrd_size), 8);
		put_char('\n');
	}

	acpi_report(bi->rsdp);
	count_loop(5);
	count_calls(6);
	put_str("hvmon-testguest: done\n");
	/* smp=on: start the APs (smp.c) before anything else runs. */
	if (find_option(cmd, cmdlen, "smp=on", &exitlen))
		smp_run();
	/* virtio=: drive virtio devices (virtio.c), then end as exit= says. */
	virtio = find_option(cmd, cmdlen, "virtio=", &virtiolen);
	vstop = find_option(cmd, cmdlen, "virtiostop=", &vstoplen);
	if (virtio)
		virtio_run(cmd, cmdlen, virtio, virtiolen, vstop, vstoplen);
	size_t watchlen;
	if (find_option(cmd, cmdlen, "watchloop=", &watchlen))
		watch_loop();
	exit_how = find_option(cmd, cmdlen, "exit=", &exitlen);
	machine_exit(exit_how, exitlen);
}
