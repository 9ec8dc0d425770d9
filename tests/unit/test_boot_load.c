// SPDX-License-Identifier: GPL-3.0-or-later
/* boot_load() end to end into a real guest_mem: protocol choice, the zero
 * page, hvm_start_info, the tables, the initrd, and the refusals. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "boot/boot.h"
#include "boot/boot_layout.h"
#include "test_boot_images.h"
#include "unit.h"

#define RAM (64ULL << 20)

static struct guest_mem mem;
static struct boot_entry entry;
static struct boot_info info;
static struct boot_config cfg;
static char dir[] = "/tmp/hvmon-boot-XXXXXX";
static char kpath[64], ipath[64];
static char err[512];

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(kpath, sizeof(kpath), "%s/kernel", dir);
	snprintf(ipath, sizeof(ipath), "%s/initrd", dir);
	ck_assert_int_eq(gmem_init(&mem, RAM), 0);
	cfg = (struct boot_config){ .kernel_path = kpath, .cmdline = "console=ttyS0",
				    .proto = BOOT_AUTO };
	err[0] = 0;
}

static void teardown(void)
{
	boot_info_free(&info);
	gmem_free(&mem);
	unlink(kpath);
	unlink(ipath);
	rmdir(dir);
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
}

static void write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
	fclose(f);
}

/* An initrd of n bytes, byte i = i * 7. */
static void write_initrd(size_t n)
{
	uint8_t *b = malloc(n);
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 7);
	write_file(ipath, b, n);
	free(b);
	cfg.initrd_path = ipath;
}

static size_t gzip_buf(const void *in, size_t n, uint8_t *out, size_t cap)
{
	z_stream zs = { 0 };
	ck_assert_int_eq(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)n;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
	size_t len = zs.total_out;
	deflateEnd(&zs);
	uint32_t size = (uint32_t)n;       /* the kernel's size trailer */
	memcpy(out + len, &size, 4);
	return len + 4;
}

/* A bzImage whose gzip payload is the given bytes; kept for inspection. */
static uint8_t *bz;
static size_t bz_len;

static void write_bzimage_of(const void *payload, size_t n)
{
	uint8_t packed[8192];
	size_t plen = gzip_buf(payload, n, packed, sizeof(packed) - 4);
	free(bz);
	bz = test_build_bzimage(packed, plen, &bz_len);
	write_file(kpath, bz, bz_len);
}

static void write_bzimage_pvh(void)
{
	uint8_t elf[TEST_ELF_SIZE];
	write_bzimage_of(elf, test_build_elf(elf, true, NOTE_SEGMENT));
}

static void write_bzimage_plain(void)
{
	static const char not_elf[] = "a compressed kernel that is not an ELF";
	write_bzimage_of(not_elf, sizeof(not_elf));
}

static int load(void)
{
	boot_info_free(&info);
	return boot_load(&cfg, &mem, &entry, &info, err, sizeof(err));
}

static uint8_t *ram(uint64_t gpa, uint64_t len)
{
	uint8_t *p = gmem_ptr(&mem, gpa, len);
	ck_assert_ptr_nonnull(p);
	return p;
}

static uint64_t rd64(uint64_t gpa) { uint64_t v; memcpy(&v, ram(gpa, 8), 8); return v; }
static uint32_t rd32(uint64_t gpa) { uint32_t v; memcpy(&v, ram(gpa, 4), 4); return v; }

static void check_initrd(size_t n, uint64_t floor, uint64_t ceiling)
{
	ck_assert_uint_eq(info.initrd_size, n);
	ck_assert_uint_eq(info.initrd_addr % 4096, 0);
	ck_assert_uint_ge(info.initrd_addr, floor);
	ck_assert_uint_le(info.initrd_addr + n, ceiling);
	/* As high as possible: less than a page of slack at the top. */
	ck_assert_uint_lt(ceiling - (info.initrd_addr + n), 4096);
	const uint8_t *p = ram(info.initrd_addr, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(p[i], (uint8_t)(i * 7));
}

static void check_gdt(void)
{
	ck_assert_uint_eq(entry.gdt_base, BOOT_GDT_ADDR);
	ck_assert_uint_eq(entry.gdt_limit, BOOT_GDT_ENTRIES * 8 - 1);
	ck_assert_uint_eq(rd64(BOOT_GDT_ADDR), 0);
	ck_assert_uint_eq(rd64(BOOT_GDT_ADDR + BOOT_SEL_CODE32), 0x00cf9b000000ffffULL);
	ck_assert_uint_eq(rd64(BOOT_GDT_ADDR + BOOT_SEL_CODE64), 0x00af9b000000ffffULL);
	ck_assert_uint_eq(rd64(BOOT_GDT_ADDR + BOOT_SEL_DATA), 0x00cf93000000ffffULL);
}

START_TEST(linux64_bzimage)
{
	const char *cmd = "console=ttyS0 earlyprintk=serial";
	write_bzimage_plain();
	write_initrd(10000);
	cfg.cmdline = cmd;
	cfg.rsdp_addr = 0xe0000;
	ck_assert_msg(load() == 0, "%s", err);
	ck_assert_int_eq(info.proto, BOOT_LINUX64);
	ck_assert_str_eq(info.compression, "gzip");
	ck_assert_ptr_null(info.elf);
	ck_assert_uint_eq(info.protocol_version, 0x020f);

	/* boot.rst "64-bit Boot Protocol": entry at load address + 0x200. */
	ck_assert_int_eq(entry.mode, BOOT_MODE_LONG64);
	ck_assert_uint_eq(entry.rip, TEST_BZ_PREF + 0x200);
	ck_assert_uint_eq(entry.rsi, BOOT_PARAMS_ADDR);
	ck_assert_uint_eq(entry.cr3, BOOT_PML4_ADDR);
	ck_assert_uint_eq(info.kernel_start, TEST_BZ_PREF);
	ck_assert_uint_eq(info.kernel_end, TEST_BZ_PREF + TEST_BZ_INIT_SIZE);
	ck_assert(memcmp(ram(TEST_BZ_PREF, bz_len - TEST_BZ_SETUP), bz + TEST_BZ_SETUP,
			 bz_len - TEST_BZ_SETUP) == 0);

	/* The zero page. */
	const uint64_t zp = BOOT_PARAMS_ADDR;
	uint8_t *z = ram(zp, 4096);
	ck_assert(memcmp(z + 0x202, "HdrS", 4) == 0);
	ck_assert_uint_eq(z[BZ_TYPE_OF_LOADER], 0xff);
	ck_assert_uint_eq(z[BZ_LOADFLAGS] & 0x81, 0x81);
	ck_assert_uint_eq(rd32(zp + BZ_CMD_LINE_PTR), BOOT_CMDLINE_ADDR);
	ck_assert_str_eq((char *)ram(BOOT_CMDLINE_ADDR, strlen(cmd) + 1), cmd);
	ck_assert_uint_eq(rd64(zp + BZ_SETUP_DATA), 0);
	ck_assert_uint_eq(rd64(zp + 0x070), 0xe0000);    /* acpi_rsdp_addr (2.14+) */
	ck_assert_uint_eq(z[0x1e8], 4);            /* e820_entries */
	ck_assert_int_eq(info.e820_entries, 4);
	ck_assert_uint_eq(rd64(zp + 0x2d0), 0);     /* entry 0: RAM at 0 */
	ck_assert_uint_eq(rd64(zp + 0x2d0 + 8), 0x9fc00);
	ck_assert_uint_eq(rd32(zp + 0x2d0 + 16), 1);
	ck_assert_uint_eq(rd64(zp + 0x2d0 + 3 * 20), 0x100000);
	ck_assert_uint_eq(rd64(zp + 0x2d0 + 3 * 20 + 8), RAM - 0x100000);
	ck_assert_uint_eq(rd32(zp + 0x2d0 + 4 * 20), 0);   /* nothing more */
	ck_assert_uint_eq(rd32(zp + BZ_RAMDISK_IMAGE), info.initrd_addr);
	ck_assert_uint_eq(rd32(zp + BZ_RAMDISK_SIZE), 10000);
	check_initrd(10000, info.kernel_end, RAM);
	/* Bytes i * 7 are no format the kernel unpacks: loaded, with a warning. */
	ck_assert_str_eq(info.initrd_format, "unknown");
	ck_assert_ptr_nonnull(strstr(info.initrd_warning, "neither a cpio archive nor compressed"));
	ck_assert_msg(strstr(info.initrd_warning, "07 0e 15 1c"), "%s", info.initrd_warning);

	/* Identity map of 4 GiB with 2 MiB pages. */
	ck_assert_uint_eq(rd64(BOOT_PML4_ADDR), BOOT_PDPT_ADDR | 3);
	for (int g = 0; g < 4; g++)
		ck_assert_uint_eq(rd64(BOOT_PDPT_ADDR + 8 * g), (BOOT_PD_ADDR + 4096 * g) | 3);
	ck_assert_uint_eq(rd64(BOOT_PD_ADDR), 0x83);
	ck_assert_uint_eq(rd64(BOOT_PD_ADDR + 8 * 8), (8 << 21) | 0x83);
	ck_assert_uint_eq(rd64(BOOT_PD_ADDR + 4 * 4096 - 8), 0xffe00000 | 0x83);
	check_gdt();
}
END_TEST

START_TEST(bzimage_with_pvh_payload_boots_pvh)
{
	write_bzimage_pvh();
	write_initrd(5000);
	ck_assert_msg(load() == 0, "%s", err);
	ck_assert_int_eq(info.proto, BOOT_PVH);
	ck_assert_str_eq(info.compression, "gzip");
	ck_assert_ptr_nonnull(info.elf);
	ck_assert_uint_eq(info.elf_size, TEST_ELF_SIZE);
	ck_assert_uint_eq(info.protocol_version, 0x020f);
	ck_assert_int_eq(entry.mode, BOOT_MODE_PROT32);
	ck_assert_uint_eq(entry.rip, TEST_ELF_ENTRY);
	ck_assert_uint_eq(entry.rbx, BOOT_PARAMS_ADDR);
	ck_assert_uint_eq(info.kernel_start, TEST_ELF_LOAD_PADDR);
	ck_assert_uint_eq(info.kernel_end, TEST_ELF_LOAD_PADDR + 4096);

	/* The segment: file bytes, then zero fill. */
	const uint8_t *seg = ram(TEST_ELF_LOAD_PADDR, 4096);
	ck_assert_uint_eq(seg[0], 0xf4);
	ck_assert_uint_eq(seg[255], 0xf4);
	ck_assert_uint_eq(seg[256], 0);
	ck_assert_uint_eq(seg[4095], 0);

	/* hvm_start_info. */
	const uint64_t si = BOOT_PARAMS_ADDR;
	ck_assert_uint_eq(rd32(si), 0x336ec578);
	ck_assert_uint_eq(rd32(si + 4), 1);
	ck_assert_uint_eq(rd32(si + 12), 1);                 /* nr_modules */
	uint64_t mods = rd64(si + 16);
	ck_assert_uint_eq(rd64(mods), info.initrd_addr);
	ck_assert_uint_eq(rd64(mods + 8), 5000);
	ck_assert_str_eq((char *)ram(rd64(si + 24), 14), "console=ttyS0");
	ck_assert_uint_eq(rd64(si + 32), 0);                 /* rsdp: none given */
	uint64_t mm = rd64(si + 40);
	ck_assert_uint_eq(rd32(si + 48), 4);
	ck_assert_uint_eq(rd64(mm + 3 * 24), 0x100000);
	ck_assert_uint_eq(rd64(mm + 3 * 24 + 8), RAM - 0x100000);
	ck_assert_uint_eq(rd32(mm + 3 * 24 + 16), 1);
	ck_assert_uint_eq(rd32(mm + 24 + 16), 2);
	check_initrd(5000, info.kernel_end, RAM);
	check_gdt();
}
END_TEST

START_TEST(bzimage_forced_linux64_keeps_elf)
{
	write_bzimage_pvh();
	cfg.proto = BOOT_LINUX64;
	ck_assert_msg(load() == 0, "%s", err);
	ck_assert_int_eq(info.proto, BOOT_LINUX64);
	ck_assert_ptr_nonnull(info.elf);
	ck_assert_int_eq(entry.mode, BOOT_MODE_LONG64);
}
END_TEST

START_TEST(elf_file_boots_pvh)
{
	uint8_t elf[TEST_ELF_SIZE];
	cfg.rsdp_addr = 0xe0000;
	for (int is64 = 0; is64 < 2; is64++) {
		write_file(kpath, elf, test_build_elf(elf, is64, NOTE_SEGMENT));
		ck_assert_msg(load() == 0, "%s", err);
		ck_assert_int_eq(info.proto, BOOT_PVH);
		ck_assert_str_eq(info.compression, "none");
		ck_assert_uint_eq(info.elf_size, TEST_ELF_SIZE);
		ck_assert_uint_eq(entry.rip, TEST_ELF_ENTRY);
		ck_assert_uint_eq(rd32(BOOT_PARAMS_ADDR + 12), 0);   /* no modules */
		ck_assert_uint_eq(rd64(BOOT_PARAMS_ADDR + 32), 0xe0000);  /* rsdp_paddr */
	}
}
END_TEST

START_TEST(elf_refuses_linux64)
{
	uint8_t elf[TEST_ELF_SIZE];
	write_file(kpath, elf, test_build_elf(elf, true, NOTE_SEGMENT));
	cfg.proto = BOOT_LINUX64;
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, "only through PVH"));
	ck_assert_ptr_null(info.elf);
}
END_TEST

START_TEST(elf_without_note)
{
	uint8_t elf[TEST_ELF_SIZE];
	write_file(kpath, elf, test_build_elf(elf, true, NOTE_NONE));
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, "no PVH entry note"));
}
END_TEST

START_TEST(pvh_requested_without_note)
{
	write_bzimage_plain();
	cfg.proto = BOOT_PVH;
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, "decompressed payload"));
	uint8_t elf[TEST_ELF_SIZE];
	write_bzimage_of(elf, test_build_elf(elf, true, NOTE_NONE));
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, "no PVH entry note"));
}
END_TEST

START_TEST(bzip2_payload)
{
	static const uint8_t bz2[64] = "BZh91AY&SY";
	free(bz);
	bz = test_build_bzimage(bz2, sizeof(bz2), &bz_len);
	write_file(kpath, bz, bz_len);
	ck_assert_msg(load() == 0, "%s", err);   /* auto: the kernel unpacks itself */
	ck_assert_int_eq(info.proto, BOOT_LINUX64);
	ck_assert_str_eq(info.compression, "bzip2");
	cfg.proto = BOOT_PVH;
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, "bzip2"));
}
END_TEST

START_TEST(corrupt_payload)
{
	write_bzimage_plain();
	bz[TEST_BZ_SETUP + TEST_BZ_PAYLOAD_OFF + 12] ^= 0xff;
	write_file(kpath, bz, bz_len);
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, "gzip"));
}
END_TEST

START_TEST(missing_xlf_kernel_64)
{
	write_bzimage_plain();
	test_put16(bz + BZ_XLOADFLAGS, 0);
	write_file(kpath, bz, bz_len);
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, "XLF_KERNEL_64"));
}
END_TEST

START_TEST(cmdline_length)
{
	char line[TEST_BZ_CMDLINE_MAX + 2];
	memset(line, 'x', sizeof(line));
	line[TEST_BZ_CMDLINE_MAX] = 0;
	cfg.cmdline = line;
	write_bzimage_plain();
	ck_assert_msg(load() == 0, "%s", err);      /* exactly cmdline_size */
	line[TEST_BZ_CMDLINE_MAX] = 'x';
	line[TEST_BZ_CMDLINE_MAX + 1] = 0;
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, "command line too long"));
}
END_TEST

START_TEST(pvh_cmdline_cap)
{
	char line[2049];
	memset(line, 'y', sizeof(line));
	line[2048] = 0;
	cfg.cmdline = line;
	write_bzimage_pvh();
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, "command line too long"));
	line[2047] = 0;
	ck_assert_msg(load() == 0, "%s", err);
}
END_TEST

START_TEST(initrd_too_large)
{
	write_bzimage_plain();
	/* The kernel takes 16-20 MiB of the 64; 45 MiB cannot fit above it. */
	write_initrd(45 << 20);
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, "too large"));
}
END_TEST

START_TEST(initrd_below_initrd_addr_max)
{
	write_bzimage_plain();
	test_put32(bz + BZ_INITRD_ADDR_MAX, 0x2ffffff);   /* 48 MiB - 1 */
	write_file(kpath, bz, bz_len);
	write_initrd(8192 + 100);
	ck_assert_msg(load() == 0, "%s", err);
	check_initrd(8192 + 100, info.kernel_end, 0x3000000);
}
END_TEST

START_TEST(initrd_missing)
{
	write_bzimage_plain();
	cfg.initrd_path = "/nonexistent/initrd";
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/initrd"));
}
END_TEST

START_TEST(kernel_does_not_fit)
{
	write_bzimage_plain();
	test_put32(bz + BZ_INIT_SIZE, 0x7000000);   /* 112 MiB */
	write_file(kpath, bz, bz_len);
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, "does not fit"));
}
END_TEST

START_TEST(segment_beyond_ram)
{
	uint8_t elf[TEST_ELF_SIZE];
	size_t n = test_build_elf(elf, true, NOTE_SEGMENT);
	Elf64_Phdr *ph = (Elf64_Phdr *)(elf + sizeof(Elf64_Ehdr));
	ph[0].p_paddr = RAM - 100;
	write_file(kpath, elf, n);
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, "outside guest RAM"));
	ph[0].p_paddr = 0x1000;      /* over the boot tables */
	write_file(kpath, elf, n);
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, "outside guest RAM"));
}
END_TEST

START_TEST(entry_outside_segments)
{
	uint8_t elf[TEST_ELF_SIZE];
	size_t n = test_build_elf(elf, true, NOTE_SEGMENT);
	uint64_t far = 0x3000000;
	memcpy(elf + TEST_ELF_NOTE_OFF + 16, &far, 8);
	write_file(kpath, elf, n);
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, "not inside any loaded segment"));
}
END_TEST

START_TEST(bad_kernel_files)
{
	write_file(kpath, "hello, world", 12);
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, "neither a bzImage nor an ELF"));
	write_file(kpath, "", 0);
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, "empty"));
	cfg.kernel_path = dir;
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	cfg.kernel_path = "/nonexistent/vmlinuz";
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, "No such file"));
	/* A bzImage cut short. */
	write_bzimage_plain();
	write_file(kpath, bz, bz_len - 32);
	cfg.kernel_path = kpath;
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, "truncated"));
}
END_TEST

START_TEST(proto_names)
{
	ck_assert_str_eq(boot_proto_name(BOOT_AUTO), "auto");
	ck_assert_str_eq(boot_proto_name(BOOT_PVH), "pvh");
	ck_assert_str_eq(boot_proto_name(BOOT_LINUX64), "linux64");
}
END_TEST

/* Debian's kernel (docs/design.md section 2), when the guest kit has fetched
 * it: an XZ payload whose vmlinux has the PVH entry 0x01000850. Override
 * the path with HVMON_TEST_VMLINUZ. */
START_TEST(debian_kernel)
{
	const char *path = getenv("HVMON_TEST_VMLINUZ");
	if (!path)
		path = "build/guest/vmlinuz";
	if (access(path, R_OK) != 0) {
		fprintf(stderr, "debian_kernel: %s absent, not checked\n", path);
		return;
	}
	gmem_free(&mem);
	ck_assert_int_eq(gmem_init(&mem, 256ULL << 20), 0);
	cfg.kernel_path = path;
	ck_assert_msg(load() == 0, "%s", err);
	ck_assert_int_eq(info.proto, BOOT_PVH);
	ck_assert_str_eq(info.compression, "xz");
	ck_assert_uint_eq(entry.rip, 0x01000850);
	ck_assert_uint_gt(info.elf_size, 20 << 20);
	ck_assert_uint_eq(info.kernel_start, 0x1000000);
	ck_assert_uint_eq(info.protocol_version, 0x020f);
	cfg.proto = BOOT_LINUX64;
	ck_assert_msg(load() == 0, "%s", err);
	ck_assert_uint_eq(info.protocol_version, 0x020f);
	ck_assert_uint_eq(entry.rip, 0x1000200);
}
END_TEST

static Suite *load_suite(void)
{
	Suite *s = suite_create("boot_load");
	TCase *tc = tcase_create("load");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, linux64_bzimage);
	tcase_add_test(tc, bzimage_with_pvh_payload_boots_pvh);
	tcase_add_test(tc, bzimage_forced_linux64_keeps_elf);
	tcase_add_test(tc, elf_file_boots_pvh);
	tcase_add_test(tc, elf_refuses_linux64);
	tcase_add_test(tc, elf_without_note);
	tcase_add_test(tc, pvh_requested_without_note);
	tcase_add_test(tc, bzip2_payload);
	tcase_add_test(tc, corrupt_payload);
	tcase_add_test(tc, missing_xlf_kernel_64);
	tcase_add_test(tc, cmdline_length);
	tcase_add_test(tc, pvh_cmdline_cap);
	tcase_add_test(tc, initrd_too_large);
	tcase_add_test(tc, initrd_below_initrd_addr_max);
	tcase_add_test(tc, initrd_missing);
	tcase_add_test(tc, kernel_does_not_fit);
	tcase_add_test(tc, segment_beyond_ram);
	tcase_add_test(tc, entry_outside_segments);
	tcase_add_test(tc, bad_kernel_files);
	tcase_add_test(tc, proto_names);
	tcase_add_test(tc, debian_kernel);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(load_suite)
