/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The AP start-up trampoline (smp.c). A SIPI starts an AP in real mode at
 * CS = vector << 8, IP = 0 (SDM vol. 3A 8.4.4.1, "Typical BSP
 * Initialization Sequence"; MP spec 1.4 B.4.2): smp.c copies the bytes
 * from smp_tramp_start to smp_tramp_end to SMP_TRAMP_ADDR, a page below
 * 1 MiB, and sends its page number as the vector. The code runs at that
 * copy, so every address in it is SMP_TRAMP_ADDR + (label - start). It
 * takes the AP the way pvh.S takes the BSP into long mode: its own GDT,
 * protected mode, PAE, the BSP's CR3, EFER.LME, paging, the 64-bit CS;
 * then the stack and C entry smp.c left in the data words at the end. */

#include "smp.h"

#define CR0_PE      0x00000001
#define CR0_PG      0x80000000
#define CR4_PAE     0x00000020
#define MSR_EFER    0xc0000080
#define EFER_LME    0x00000100

#define SEL_CODE32  0x08
#define SEL_CODE64  0x10
#define SEL_DATA    0x18

#define AT(label) (SMP_TRAMP_ADDR + ((label) - smp_tramp_start))

	.section .rodata.smp_tramp, "a"
	.globl smp_tramp_start, smp_tramp_end
	.globl smp_tramp_cr3, smp_tramp_stack, smp_tramp_entry
	.code16
smp_tramp_start:
	cli
	cld
	/* DS = CS = SMP_TRAMP_ADDR >> 4, so a DS offset is label - start. */
	movw %cs, %ax
	movw %ax, %ds
	lgdtl (tramp_gdt_desc - smp_tramp_start)
	movl %cr0, %eax
	orl $CR0_PE, %eax
	movl %eax, %cr0
	ljmpl $SEL_CODE32, $AT(tramp32)

	.code32
tramp32:
	movl $SEL_DATA, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl AT(smp_tramp_cr3), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_PE), %eax
	movl %eax, %cr0
	ljmp $SEL_CODE64, $AT(tramp64)

	.code64
tramp64:
	movl $SEL_DATA, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movq AT(smp_tramp_stack), %rsp
	movq AT(smp_tramp_entry), %rax
	call *%rax              /* smp_ap_entry: does not return */
1:	cli
	hlt
	jmp 1b

	.balign 8
/* Null, 32-bit code, 64-bit code (L=1), flat data: pvh.S's selectors. */
tramp_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff
	.quad 0x00af9a000000ffff
	.quad 0x00cf92000000ffff
tramp_gdt_desc:
	.word tramp_gdt_desc - tramp_gdt - 1
	.long AT(tramp_gdt)
	.balign 8
/* Filled in the copy by smp.c before each AP's SIPI. */
smp_tramp_cr3:
	.quad 0
smp_tramp_stack:
	.quad 0
smp_tramp_entry:
	.quad 0
smp_tramp_end:

	.section .note.GNU-stack, "", @progbits
