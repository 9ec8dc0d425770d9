/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The bzImage payload: testguest.elf compressed (PAYLOAD, a file name),
 * followed by the kernel build's trailer, the uncompressed size as a
 * little-endian u32 (Linux arch/x86/boot/compressed/Makefile appends it;
 * decompressors and loaders read it to size their buffer). The size is
 * measured by including the ELF (ELF) in a section the link discards. */

	.section .discard.elf, "a"
elf_start:
	.incbin ELF
elf_end:

	.section .payload, "a"
	.globl payload_start, payload_end
payload_start:
	.incbin PAYLOAD
	.long elf_end - elf_start
payload_end:

	.section .note.GNU-stack, "", @progbits
