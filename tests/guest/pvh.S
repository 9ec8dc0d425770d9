/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PVH entry of testguest.elf. The Xen PVH ABI (Xen docs/misc/pvh.pandoc)
 * starts the guest at the address in the ELF note XEN_ELFNOTE_PHYS32_ENTRY
 * in 32-bit protected mode: paging off, CS a flat 32-bit code segment,
 * DS/ES/SS flat, EBX the physical address of struct hvm_start_info, no
 * usable stack. This code maps the first 4 GiB, enters long mode and calls
 * pvh_main(start_info) (pvh.c). */

#define XEN_ELFNOTE_PHYS32_ENTRY 18  /* Xen public/elfnote.h */

#define CR0_PE      0x00000001
#define CR0_PG      0x80000000
#define CR4_PAE     0x00000020
#define MSR_EFER    0xc0000080
#define EFER_LME    0x00000100
#define PTE_P       0x001
#define PTE_RW      0x002
#define PTE_PS      0x080   /* guest.h has the same; it is C only */

/* Selectors in pvh_gdt: the Linux boot protocol's numbers, so both entries
 * run the C code with the same CS and DS. */
#define SEL_CODE64  0x10
#define SEL_DATA    0x18

/* An ELF note (System V gABI, "Note Section"): namesz, descsz, type, the
 * name "Xen\0" (4 bytes, already aligned), then the 4-byte entry address
 * (Xen public/elfnote.h: the PVH entry is a 32-bit physical address). */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4
	.long 4
	.long XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.long pvh_start

	.section .text.pvh, "ax"
	.code32
	.globl pvh_start
pvh_start:
	cli
	cld
	/* The page tables (pml4, pdpt, pd: main.c) live in .bss, which the
	 * ELF loader zero-fills (gABI: p_memsz beyond p_filesz "hold the
	 * value 0"); only the used entries are written. 2048 PDEs of 2 MiB
	 * cover 4 GiB; the four page directories are contiguous, so one loop
	 * fills them. */
	movl $pd, %edi
	movl $(PTE_PS | PTE_RW | PTE_P), %eax
	movl $2048, %ecx
1:	movl %eax, (%edi)
	addl $0x200000, %eax
	addl $8, %edi
	decl %ecx
	jnz 1b

	movl $pdpt, %edi
	movl $(pd + PTE_RW + PTE_P), %eax
	movl $4, %ecx
2:	movl %eax, (%edi)
	addl $4096, %eax
	addl $8, %edi
	decl %ecx
	jnz 2b
	movl $(pdpt + PTE_RW + PTE_P), pml4

	/* Long mode (Intel SDM vol. 3, "Initializing IA-32e Mode"): PAE,
	 * CR3, EFER.LME, then paging; the far jump loads the 64-bit CS. */
	lgdt pvh_gdt_desc
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_PE), %eax
	movl %eax, %cr0
	ljmp $SEL_CODE64, $pvh_start64

	.code64
pvh_start64:
	movl $SEL_DATA, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movq $pvh_stack_top, %rsp
	movl %ebx, %edi
	call pvh_main           /* does not return */

	.section .rodata.pvh, "a"
	.balign 8
/* Null, unused, 64-bit code (L=1, DPL 0), flat 4 GiB data. */
pvh_gdt:
	.quad 0
	.quad 0
	.quad 0x00af9a000000ffff
	.quad 0x00cf92000000ffff
pvh_gdt_desc:
	.word pvh_gdt_desc - pvh_gdt - 1
	.long pvh_gdt

	.section .bss.pvh, "aw", @nobits
	.balign 16
	.skip 8192
pvh_stack_top:

	.section .note.GNU-stack, "", @progbits
