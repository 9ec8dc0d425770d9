/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The bzImage setup header (Linux Documentation/arch/x86/boot.rst, "The
 * Real-Mode Kernel Header"), parsed from a byte buffer with every offset
 * checked against the buffer. */
#ifndef HVMON_BZIMAGE_H
#define HVMON_BZIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* File offsets of the header fields hvmon reads or writes (boot.rst,
 * "The Real-Mode Kernel Header"). The same offsets hold inside the zero
 * page, since the header is copied there at 0x1f1. */
#define BZ_SETUP_SECTS       0x1f1
#define BZ_SYSSIZE           0x1f4
#define BZ_BOOT_FLAG         0x1fe  /* 0xaa55 */
#define BZ_JUMP              0x200  /* byte 0x201: header end - 0x202 */
#define BZ_HEADER_MAGIC      0x202  /* "HdrS" */
#define BZ_VERSION           0x206
#define BZ_TYPE_OF_LOADER    0x210
#define BZ_LOADFLAGS         0x211
#define BZ_RAMDISK_IMAGE     0x218
#define BZ_RAMDISK_SIZE      0x21c
#define BZ_HEAP_END_PTR      0x224
#define BZ_CMD_LINE_PTR      0x228
#define BZ_INITRD_ADDR_MAX   0x22c
#define BZ_KERNEL_ALIGNMENT  0x230
#define BZ_RELOCATABLE       0x234
#define BZ_XLOADFLAGS        0x236
#define BZ_CMDLINE_SIZE      0x238
#define BZ_HARDWARE_SUBARCH  0x23c
#define BZ_PAYLOAD_OFFSET    0x248
#define BZ_PAYLOAD_LENGTH    0x24c
#define BZ_SETUP_DATA        0x250
#define BZ_PREF_ADDRESS      0x258
#define BZ_INIT_SIZE         0x260
/* struct boot_params places edd_mbr_sig_buffer here: the setup header
 * copied into the zero page can never reach past it. */
#define BZ_HEADER_LIMIT      0x290

#define BZ_LOADFLAG_LOADED_HIGH   0x01
#define BZ_LOADFLAG_CAN_USE_HEAP  0x80
#define BZ_XLF_KERNEL_64          0x0001

struct bzimage {
	uint16_t version;           /* 0x020f is protocol 2.15 */
	uint8_t loadflags;
	uint16_t xloadflags;        /* 0 before 2.12 */
	size_t setup_size;          /* boot sector + setup code, bytes */
	size_t header_end;          /* file offset one past the setup header */
	size_t pm_size;             /* protected-mode kernel bytes in the file */
	size_t payload_offset;      /* file offset of the compressed payload */
	size_t payload_length;
	uint64_t pref_address;
	uint32_t kernel_alignment;
	bool relocatable;
	uint32_t init_size;         /* memory the kernel needs from its load address */
	uint32_t cmdline_size;      /* longest command line, NUL not counted */
	uint32_t initrd_addr_max;   /* highest address the initrd may occupy */
};

/* True when the buffer carries the boot sector signature and "HdrS" (the
 * header may still be cut short: bzimage_parse checks). */
bool bzimage_probe(const uint8_t *img, size_t len);

/* Parse and validate the setup header of a whole bzImage file. Returns 0,
 * or -1 with one error line in err. Needs protocol 2.08+ (payload fields). */
int bzimage_parse(const uint8_t *img, size_t len, struct bzimage *bz,
		  char *err, size_t errlen);

#endif
