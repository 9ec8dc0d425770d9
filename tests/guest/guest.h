/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hvmon test guest: what the two boot entries (PVH and the Linux 64-bit
 * boot protocol) hand to the shared 64-bit code. */
#ifndef HVMON_TESTGUEST_H
#define HVMON_TESTGUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Both entries identity-map the first 4 GiB with 2 MiB pages; nothing the
 * guest reads may lie above this. */
#define IDMAP_END 0x100000000ULL

/* Longest command line printed: boot.rst's cmdline_size that this image
 * advertises (2047 bytes, NUL not counted). PVH states no limit; the same
 * cap applies there. */
#define CMDLINE_MAX 2047

struct boot_info {
	const char *protocol;   /* "pvh" or "linux64" */
	const char *error;      /* a broken boot structure, or NULL */
	uint64_t cmdline;       /* physical address of a NUL-terminated string, 0 = none */
	/* The memory map: entries of map_stride bytes, each starting with
	 * addr u64, size u64, type u32. That prefix is common to the e820
	 * entry of boot_params (20 bytes) and hvm_memmap_table_entry (24). */
	uint64_t map;
	uint32_t map_entries;
	uint32_t map_stride;
	int have_initrd;
	uint64_t initrd_addr;
	uint64_t initrd_size;
	uint64_t rsdp;          /* the loader's ACPI RSDP address, 0 = none */
};

/* True when [addr, addr + len) lies inside the identity map. */
static inline int idmapped(uint64_t addr, uint64_t len)
{
	return addr <= IDMAP_END && len <= IDMAP_END - addr;
}

/* The shared C entry: prints the report on COM1, then ends the machine as
 * the command line's exit= option says. */
__attribute__((noreturn)) void guest_main(const struct boot_info *bi);

/* Called from the assembly entries. */
__attribute__((noreturn)) void pvh_main(uint32_t start_info);
__attribute__((noreturn)) void linux_main(uint64_t boot_params);

/* The identity map both entries build and load into CR3 (README.md,
 * "Page tables"): pml4[0] -> pdpt, pdpt[0..3] -> pd[0..3], 2048 2 MiB
 * pages. Global, so a debugger test can compare `sym pml4` with CR3. */
#define PTE_P   0x001
#define PTE_RW  0x002
#define PTE_US  0x004   /* user (ring 3) access allowed */
#define PTE_PS  0x080   /* 2 MiB page in a page-directory entry */
extern uint64_t pml4[512];
extern uint64_t pdpt[512];
extern uint64_t pd[4][512];

/* Stable symbols for the debugger tests (see README.md). */
extern volatile uint64_t guest_counter;
void count_loop(unsigned int n);

/* exit=ring3loop (ring3.c): loads a GDT with user segments and a TSS, lets
 * ring 3 at user_loop's pages and iretq's to user_loop, which increments
 * user_counter forever. */
__attribute__((noreturn)) void enter_ring3(void);
__attribute__((noreturn)) void user_loop(void);
extern volatile uint64_t user_counter;

/* ring3_call (ring3.c): runs fn in ring 3 on the user stack and returns
 * once fn has executed `int $RING3_RETURN_VECTOR` (fn itself must never
 * return). The caller lets ring 3 at every page fn touches first, with
 * ring3_allow (U/S on the 2 MiB pages of [addr, addr + len), CR3
 * reloaded). */
#define RING3_RETURN_VECTOR 0x80
void ring3_call(void (*fn)(void));
void ring3_allow(uint64_t addr, uint64_t len);
static inline __attribute__((noreturn)) void ring3_return(void)
{
	__asm__ volatile("int %0" : : "i"(RING3_RETURN_VECTOR) : "memory");
	__builtin_unreachable();
}

/* watchloop= (watch.c): the watchpoint tests' endless loop. */
__attribute__((noreturn)) void watch_loop(void);

/* Port I/O. */
static inline void outb(uint16_t port, uint8_t val)
{
	__asm__ volatile("outb %0, %1" : : "a"(val), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t val;

	__asm__ volatile("inb %1, %0" : "=a"(val) : "Nd"(port));
	return val;
}

static inline void outl(uint16_t port, uint32_t val)
{
	__asm__ volatile("outl %0, %1" : : "a"(val), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t val;

	__asm__ volatile("inl %1, %0" : "=a"(val) : "Nd"(port));
	return val;
}

/* COM1 output (main.c). put_hex: lower case, no leading zeros, at least
 * min_digits digits. */
void put_char(char c);
void put_str(const char *s);
void put_hex(uint64_t v, int min_digits);
void put_dec(uint64_t v);

/* The value of the last command-line word that starts with key ("exit=");
 * its length in *len. NULL when there is none (main.c). */
const char *find_option(const char *cmd, size_t cmdlen, const char *key, size_t *len);

/* True when the len bytes at w spell the NUL-terminated string s. */
bool word_is(const char *w, size_t len, const char *s);

/* ACPI (acpi_guest.c): acpi_report finds the RSDP (rsdp from the loader,
 * else the BIOS-area scan) and prints the tables, processors and
 * virtio-mmio devices found (README.md, "ACPI"); acpi_poweroff writes the
 * FADT's S5 sleep value and returns only when that did not end the
 * machine. */
void acpi_report(uint64_t rsdp);
void acpi_poweroff(void);

/* virtio=<list> (virtio.c): enumerates PCI bus 0 and the virtio-mmio
 * windows the DSDT names (LNRO0005) and those named by
 * virtio_mmio.device=SIZE@ADDR:IRQ words of the command
 * line (cmd, cmdlen), and drives the virtio devices named in the
 * comma-separated list (README.md, "Virtio"): PCI ones first.
 * Returns; the caller then ends the machine. With virtiostop=<step>
 * (stop, stoplen; NULL for none) every probe stops at that step and the
 * guest halts here instead of returning (README.md, "Stuck probes"). */
void virtio_run(const char *cmd, size_t cmdlen, const char *list, size_t len,
		const char *stop, size_t stoplen);

#endif
