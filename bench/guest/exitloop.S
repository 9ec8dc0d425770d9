/* SPDX-License-Identifier: GPL-3.0-or-later */
/* exitloop.elf: the benchmarks' guest. Entered through PVH (Xen
 * docs/misc/pvh.pandoc: 32-bit protected mode, paging off, EBX = struct
 * hvm_start_info), it reads two numbers from its command line, "io=N" and
 * "mmio=M", makes N port writes to 0x80 and M 32-bit MMIO writes to
 * BENCH_MMIO_ADDR, each one a userspace exit in every VMM measured, and
 * then ends the machine with a triple fault. With io=0 mmio=0 it is the
 * smallest guest a VMM can start and end: the start-up benchmark. All in
 * ring 0 and in registers, so the guest's own emulated instructions (about
 * 1.5 M/s on kvm_pvm, docs/design.md 1) are three per exit. */

#define XEN_ELFNOTE_PHYS32_ENTRY 18     /* Xen public/elfnote.h */
#define START_INFO_CMDLINE       24     /* hvm_start_info.cmdline_paddr (start_info.h) */
#define BENCH_MMIO_ADDR          0xc0000000  /* below the PCI/MMIO windows of hvmon,
					       unassigned in QEMU's microvm */

	.section .note.Xen, "a", @note
	.balign 4
	.long 4, 4, XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.long pvh_start

	.text
	.code32
	.globl pvh_start
pvh_start:
	cli
	movl $0x100000, %esp                 /* PVH gives no stack: below the image */
	movl START_INFO_CMDLINE(%ebx), %esi  /* the command line; 0 when none */
	xorl %ebp, %ebp                      /* N (io=) */
	xorl %edi, %edi                      /* M (mmio=) */
	testl %esi, %esi
	jz run

	/* Scan words: "io=" sets EBP, "mmio=" sets EDI, others are skipped. */
next_word:
	movb (%esi), %al
	testb %al, %al
	jz run
	cmpb $' ', %al
	jne 1f
	incl %esi
	jmp next_word
1:	cmpl $0x6f696d6d, (%esi)             /* "mmio", little-endian */
	jne 2f
	cmpb $'=', 4(%esi)
	jne skip_word
	addl $5, %esi
	call parse_dec
	movl %eax, %edi
	jmp next_word
2:	cmpw $0x6f69, (%esi)                 /* "io" */
	jne skip_word
	cmpb $'=', 2(%esi)
	jne skip_word
	addl $3, %esi
	call parse_dec
	movl %eax, %ebp
	jmp next_word
skip_word:
	movb (%esi), %al
	testb %al, %al
	jz run
	cmpb $' ', %al
	je next_word
	incl %esi
	jmp skip_word

/* parse_dec: the decimal number at ESI into EAX, ESI past it. */
parse_dec:
	xorl %eax, %eax
3:	movzbl (%esi), %ecx
	subl $'0', %ecx
	cmpl $9, %ecx
	ja 4f
	imull $10, %eax
	addl %ecx, %eax
	incl %esi
	jmp 3b
4:	ret

run:
	movl $BENCH_MMIO_ADDR, %edx
	testl %ebp, %ebp
	jz 6f
5:	outb %al, $0x80
	decl %ebp
	jnz 5b
6:	testl %edi, %edi
	jz end
7:	movl %eax, (%edx)
	decl %edi
	jnz 7b

	/* A zero-limit IDT: ud2's #UD cannot be delivered, nor the #GP and #DF
	 * that follow, which is a triple fault (SDM vol. 3A 6.15, "Interrupt 8").
	 * Every VMM ends the machine there (QEMU with -no-reboot). */
end:	lidt null_idt
	ud2

	.balign 8
null_idt:
	.word 0
	.long 0
