/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The bzImage parts of the test guest, laid out by bzimage.ld: the boot
 * sector and setup sector carrying the setup header (Linux
 * Documentation/arch/x86/boot.rst, "The Real-Mode Kernel Header"), then the
 * protected-mode code, linked to run at 0x100000, whose 64-bit entry is at
 * offset 0x200 as xloadflags XLF_KERNEL_64 promises. The payload (a
 * compressed copy of testguest.elf) comes from payload.S. */

#define LOADED_HIGH   0x01    /* loadflags bit 0: protected-mode code at 0x100000 */
#define XLF_KERNEL_64 0x0001  /* xloadflags bit 0: 64-bit entry at 0x200 */

	.section .setup, "ax"
	.code16
/* The boot sector holds nothing but the header's first fields: this image
 * is only ever started by a boot loader. */
	.org 0x1f1
	.byte __setup_sects     /* setup_sects: sectors after the boot sector */
	.word 0                 /* root_flags */
	.long __syssize         /* syssize: protected-mode part, 16-byte units */
	.word 0                 /* ram_size (obsolete) */
	.word 0xffff            /* vid_mode: "normal" */
	.word 0                 /* root_dev */
	.word 0xaa55            /* boot_flag */
	/* jump: a short jump whose displacement byte (0x201) also tells the
	 * loader where the header ends (boot.rst: header end = 0x202 + it). */
	.byte 0xeb, rm_entry - 1f
1:	.ascii "HdrS"           /* header */
	.word 0x020f            /* version: protocol 2.15 */
	.long 0                 /* realmode_swtch */
	.word 0                 /* start_sys_seg (obsolete) */
	.word kernel_version - 0x200  /* kernel_version: string at +0x200 */
	.byte 0                 /* type_of_loader: set by the loader */
	.byte LOADED_HIGH       /* loadflags */
	.word 0                 /* setup_move_size (obsolete) */
	.long 0x100000          /* code32_start */
	.long 0                 /* ramdisk_image: set by the loader */
	.long 0                 /* ramdisk_size: set by the loader */
	.long 0                 /* bootsect_kludge (obsolete) */
	.word 0                 /* heap_end_ptr: set by the loader */
	.byte 0                 /* ext_loader_ver */
	.byte 0                 /* ext_loader_type */
	.long 0                 /* cmd_line_ptr: set by the loader */
	.long 0x7fffffff        /* initrd_addr_max */
	.long 0x200000          /* kernel_alignment */
	.byte 0                 /* relocatable_kernel: load at 0x100000 */
	.byte 21                /* min_alignment: 2 MiB as a power of two */
	.word XLF_KERNEL_64     /* xloadflags */
	.long 2047              /* cmdline_size (NUL not counted) */
	.long 0                 /* hardware_subarch: default PC */
	.quad 0                 /* hardware_subarch_data */
	.long __payload_offset  /* payload_offset, from the protected-mode start */
	.long __payload_length  /* payload_length, size word included */
	.quad 0                 /* setup_data: set by the loader */
	.quad 0x100000          /* pref_address */
	.long __init_size       /* init_size: image and .bss from 0x100000 */
	.long 0                 /* handover_offset: no EFI handover */
	.long kernel_info - 0x100000  /* kernel_info_offset */

/* The 16-bit real-mode entry (loader jumps to setup segment + 0x20:0):
 * this guest supports only the 64-bit entry, so it stops here. */
rm_entry:
	cli
2:	hlt
	jmp 2b

kernel_version:
	.asciz "hvmon-testguest"

	.section .head.text, "ax"
	.code32
/* code32_start: the 32-bit boot protocol's entry. Not supported either; a
 * loader that uses it gets a halted vCPU rather than a wild jump. */
	.globl startup_32
startup_32:
	cli
3:	hlt
	jmp 3b

	.code64
	.org 0x200
/* The 64-bit boot protocol (boot.rst, "64-bit Boot Protocol"): long mode,
 * the loader's identity map covering the image (init_size), the zero page
 * and the command line, interrupts off, CS = 0x10, DS = 0x18, RSI = the
 * physical address of struct boot_params. The loader does not clear .bss,
 * and the stack is in it. */
	.globl startup_64
startup_64:
	cld
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	shrl $3, %ecx
	xorl %eax, %eax
	rep stosq
	movq $linux_stack_top, %rsp
	movq %rsi, %rdi
	call linux_main         /* does not return */

/* kernel_info (boot.rst, "The kernel_info"), which protocol 2.15 points to:
 * "LToP", its size, its total size, and setup_type_max. This guest reads
 * no setup_data, hence 0. */
	.section .rodata.kernel_info, "a"
	.balign 4
kernel_info:
	.ascii "LToP"
	.long kernel_info_end - kernel_info
	.long kernel_info_end - kernel_info
	.long 0
kernel_info_end:

	.section .bss.stack, "aw", @nobits
	.balign 16
	.skip 8192
linux_stack_top:

	.section .note.GNU-stack, "", @progbits
