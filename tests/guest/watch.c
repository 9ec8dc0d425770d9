// SPDX-License-Identifier: GPL-3.0-or-later
/* watchloop= (README.md, "Watchpoints"): a loop for the watchpoint tests
 * that touches memory the same way every round, forever: it writes
 * wp_counter (through wp_tick, a function for hbreak), reads wp_input,
 * writes every byte of wp_page but one, writes 8 bytes (~round) across the
 * page boundary in wp_span and runs wp_code, alone in its page (an
 * instruction fetch from a read-watched page). No I/O in the loop, so every
 * exit it causes is a watchpoint's. */
#include "guest.h"

#define WP_PAGE 4096

volatile uint64_t wp_counter;
/* Alone at the start of its page: a read watch there costs only its reads. */
volatile uint64_t wp_input __attribute__((aligned(WP_PAGE))) = 0x1234;
volatile uint64_t wp_sum;
volatile uint8_t wp_page[WP_PAGE] __attribute__((aligned(WP_PAGE)));
volatile uint8_t wp_span[2 * WP_PAGE] __attribute__((aligned(WP_PAGE)));

typedef uint64_t u64_any __attribute__((aligned(1), may_alias));

/* The one byte of wp_page the loop never writes. */
#define WP_QUIET 0x80

__attribute__((noinline)) void wp_tick(uint64_t round)
{
	wp_counter = round + 1;
}

/* wp_code(x) = 3x + 1, alone in its page (aligned, and padded to the
 * end), so a read watch on that page slows only this fetch. */
uint64_t wp_code(uint64_t x);
__asm__(".pushsection .text.wp_code, \"ax\", @progbits\n"
	".balign 4096\n"
	".globl wp_code\n"
	".type wp_code, @function\n"
	"wp_code:\n"
	"	lea 1(%rdi,%rdi,2), %rax\n"
	"	ret\n"
	".size wp_code, . - wp_code\n"
	".balign 4096\n"
	".popsection");

__attribute__((noreturn)) void watch_loop(void)
{
	put_str("watchloop: running\n");
	for (uint64_t round = 0;; round++) {
		wp_tick(round);
		wp_sum += wp_input;
		for (unsigned i = 0; i < WP_PAGE; i++)
			if (i != WP_QUIET)
				wp_page[i] = (uint8_t)round;
		/* 4 bytes below the boundary and 4 above it. */
		*(volatile u64_any *)(wp_span + WP_PAGE - 4) = ~round;
		wp_sum += wp_code(round);
	}
}
