/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where the loaders put their fixed boot tables in guest RAM. This is the
 * one place the layout is decided; every table sits in conventional memory
 * below the EBDA (0x9fc00, reserved in the e820 map), none overlaps another,
 * and the first page (real-mode IVT and BIOS data area) is left alone.
 *
 *   0x01000  GDT (BOOT_GDT_ENTRIES descriptors, shared by both protocols)
 *   0x02000  linux64: struct boot_params ("zero page", 4 KiB)
 *            PVH:     struct hvm_start_info
 *   0x03000  PVH: hvm_modlist_entry array (the initrd as module 0)
 *   0x04000  PVH: hvm_memmap_table_entry array
 *   0x09000  linux64: PML4
 *   0x0a000  linux64: PDPT
 *   0x0b000  linux64: 4 page directories of 2 MiB pages (0x0b000-0x0efff),
 *            identity-mapping the first 4 GiB
 *   0x20000  kernel command line, at most BOOT_CMDLINE_SLOT bytes
 *   0xe0000  ACPI and MP tables up to 1 MiB (fw_tables.h), reserved
 *   0x100000 and up: kernel image, then the initrd as high as it can go.
 */
#ifndef HVMON_BOOT_LAYOUT_H
#define HVMON_BOOT_LAYOUT_H

#define BOOT_GDT_ADDR         0x1000ULL
#define BOOT_PARAMS_ADDR      0x2000ULL   /* zero page or hvm_start_info */
#define BOOT_PVH_MODLIST_ADDR 0x3000ULL
#define BOOT_PVH_MEMMAP_ADDR  0x4000ULL
#define BOOT_PML4_ADDR        0x9000ULL
#define BOOT_PDPT_ADDR        0xa000ULL
#define BOOT_PD_ADDR          0xb000ULL   /* BOOT_PD_COUNT pages */
#define BOOT_PD_COUNT         4
#define BOOT_CMDLINE_ADDR     0x20000ULL
#define BOOT_CMDLINE_SLOT     0x10000ULL  /* bytes, including the NUL */

/* Conventional memory ends where the EBDA begins; the BIOS area above it is
 * reserved in the e820 map (see e820.c). */
#define BOOT_EBDA_START       0x9fc00ULL
#define BOOT_EBDA_END         0xa0000ULL  /* VGA window follows */
#define BOOT_BIOS_START       0xe0000ULL  /* firmware tables, boot/fw_tables.h */
#define BOOT_HIGH_MEM_START   0x100000ULL /* kernels load at or above 1 MiB */

/* GDT selectors. boot.rst "64-bit Boot Protocol" requires __BOOT_CS = 0x10
 * (64-bit code) and __BOOT_DS = 0x18 (flat data); PVH leaves selectors
 * unspecified, so its 32-bit code segment takes the free slot 0x08. */
#define BOOT_SEL_CODE32       0x08
#define BOOT_SEL_CODE64       0x10
#define BOOT_SEL_DATA         0x18
#define BOOT_GDT_ENTRIES      4

/* Segment types (Intel SDM vol. 3, "Code- and Data-Segment Descriptor
 * Types"), the same in the GDT and in the hidden segment state KVM is
 * given, with the accessed bit set so the CPU never writes the GDT. */
#define BOOT_SEG_TYPE_CODE    0xb   /* execute/read, accessed */
#define BOOT_SEG_TYPE_DATA    0x3   /* read/write, accessed */

#endif
