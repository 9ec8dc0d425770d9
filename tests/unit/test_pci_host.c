/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PCI configuration mechanism #1, the host bridge, function plug-in, and
 * the machine's other reset and diagnostic ports (0xcf9, the i8042 and
 * port 0x80). */
#include <stdint.h>
#include <string.h>

#include "dev/i8042.h"
#include "dev/pci_host.h"
#include "dev/post.h"
#include "unit.h"

/* Port offsets within the 0xcf8-0xcff range. */
#define ADDR 0
#define CF9  1
#define DATA 4

struct resets {
	unsigned count;
	enum sysevent last;
	const char *why;
};

static struct resets resets;
static struct pci_host *h;

static void record_reset(void *opaque, enum sysevent ev, const char *why)
{
	struct resets *r = opaque;

	r->count++;
	r->last = ev;
	r->why = why;
}

static const struct sysevent_sink reset_sink = { record_reset, &resets };

static void setup(void)
{
	memset(&resets, 0, sizeof(resets));
	h = pci_host_new(&reset_sink);
	ck_assert_ptr_nonnull(h);
}

static void teardown(void)
{
	pci_host_free(h);
}

static uint64_t io_read(uint64_t off, unsigned len)
{
	uint8_t b[8] = { 0 };
	uint64_t v = 0;

	pci_host_io(h, off, b, len, false);
	for (unsigned i = 0; i < len; i++)
		v |= (uint64_t)b[i] << (8 * i);
	return v;
}

static void io_write(uint64_t off, unsigned len, uint64_t v)
{
	uint8_t b[8];

	for (unsigned i = 0; i < len; i++)
		b[i] = v >> (8 * i);
	pci_host_io(h, off, b, len, true);
}

static void select_cfg(unsigned bus, unsigned devfn, unsigned reg)
{
	io_write(ADDR, 4, 0x80000000u | bus << 16 | devfn << 8 | reg);
}

START_TEST(bridge_id_every_width_and_lane)
{
	select_cfg(0, 0, 0x00);
	ck_assert_uint_eq(io_read(DATA, 4), 0x12378086);
	ck_assert_uint_eq(io_read(DATA + 0, 2), 0x8086);
	ck_assert_uint_eq(io_read(DATA + 1, 2), 0x3780);
	ck_assert_uint_eq(io_read(DATA + 2, 2), 0x1237);
	ck_assert_uint_eq(io_read(DATA + 0, 1), 0x86);
	ck_assert_uint_eq(io_read(DATA + 1, 1), 0x80);
	ck_assert_uint_eq(io_read(DATA + 2, 1), 0x37);
	ck_assert_uint_eq(io_read(DATA + 3, 1), 0x12);
	ck_assert_uint_eq(io_read(DATA + 0, 3), 0x378086);
	/* Lanes past 0xcff are outside the device: all-ones. */
	ck_assert_uint_eq(io_read(DATA + 3, 2), 0xff12);
	ck_assert_uint_eq(io_read(DATA + 1, 4), 0xff123780);
	ck_assert_uint_eq(io_read(DATA, 8), 0xffffffff12378086ull);

	select_cfg(0, 0, 0x08);   /* revision, class 06/00/00 */
	ck_assert_uint_eq(io_read(DATA, 4), 0x06000002);
	select_cfg(0, 0, 0x0c);   /* header type 0, single function */
	ck_assert_uint_eq(io_read(DATA + 2, 1), 0x00);
}
END_TEST

START_TEST(bridge_is_read_only)
{
	select_cfg(0, 0, 0x00);
	io_write(DATA, 4, 0xffffffff);
	ck_assert_uint_eq(io_read(DATA, 4), 0x12378086);
	select_cfg(0, 0, 0x10);   /* BAR0: sizing finds no BAR */
	io_write(DATA, 4, 0xffffffff);
	ck_assert_uint_eq(io_read(DATA, 4), 0);
}
END_TEST

START_TEST(absent_and_disabled_read_all_ones)
{
	select_cfg(0, PCI_DEVFN(1, 0), 0x00);
	ck_assert_uint_eq(io_read(DATA, 4), 0xffffffff);
	ck_assert_uint_eq(io_read(DATA + 2, 2), 0xffff);
	select_cfg(0, PCI_DEVFN(0, 1), 0x00);
	ck_assert_uint_eq(io_read(DATA, 4), 0xffffffff);
	select_cfg(1, 0, 0x00);   /* no bus 1 */
	ck_assert_uint_eq(io_read(DATA, 4), 0xffffffff);
	io_write(ADDR, 4, 0x00000000);   /* enable bit clear */
	ck_assert_uint_eq(io_read(DATA, 4), 0xffffffff);
	io_write(DATA, 4, 0);            /* dropped, no crash */
}
END_TEST

START_TEST(config_address_register)
{
	io_write(ADDR, 4, 0xffffffff);
	ck_assert_uint_eq(io_read(ADDR, 4), 0x80fffffc);
	/* Only dword accesses are CONFIG_ADDRESS (PCI 3.0, 3.2.2.3.2). */
	io_write(ADDR, 2, 0);
	ck_assert_uint_eq(io_read(ADDR, 4), 0x80fffffc);
	ck_assert_uint_eq(io_read(ADDR, 1), 0xff);
	ck_assert_uint_eq(io_read(ADDR + 2, 2), 0xffff);
	ck_assert_uint_eq(io_read(ADDR + 1, 4), 0xffffffff);
	/* Far out of range: all-ones, no crash. */
	ck_assert_uint_eq(io_read(UINT64_MAX, 8), UINT64_MAX);
	io_write(UINT64_MAX - 3, 8, 0);
	io_write(DATA, 0, 0);
}
END_TEST

/* A function that records what reaches it. */
struct fake_fn {
	uint8_t cfg[PCI_CONFIG_SPACE_SIZE];
	unsigned last_off, last_len, writes;
};

static uint32_t fake_read(void *opaque, unsigned off, unsigned len)
{
	struct fake_fn *f = opaque;
	uint32_t v = 0;

	ck_assert_uint_le(off % 4 + len, 4);
	for (unsigned i = 0; i < len; i++)
		v |= (uint32_t)f->cfg[off + i] << (8 * i);
	return v;
}

static void fake_write(void *opaque, unsigned off, unsigned len, uint32_t v)
{
	struct fake_fn *f = opaque;

	ck_assert(len == 1 || len == 2 || len == 4);
	ck_assert_uint_le(off % 4 + len, 4);
	f->last_off = off;
	f->last_len = len;
	f->writes++;
	for (unsigned i = 0; i < len; i++)
		f->cfg[off + i] = v >> (8 * i);
}

static const struct pci_function_ops fake_ops = { fake_read, fake_write };

START_TEST(registered_function)
{
	static struct fake_fn f;
	unsigned devfn = PCI_DEVFN(3, 0);

	memset(&f, 0, sizeof(f));
	f.cfg[0] = 0xf4;
	f.cfg[1] = 0x1a;
	ck_assert_int_eq(pci_host_register(h, devfn, &fake_ops, &f), 0);
	ck_assert_int_eq(pci_host_register(h, devfn, &fake_ops, &f), -1);
	ck_assert_int_eq(pci_host_register(h, 0, &fake_ops, &f), -1);
	ck_assert_int_eq(pci_host_register(h, 256, &fake_ops, &f), -1);

	select_cfg(0, devfn, 0x00);
	ck_assert_uint_eq(io_read(DATA, 2), 0x1af4);
	select_cfg(0, devfn, 0x10);
	io_write(DATA, 4, 0xfebf0000);
	ck_assert_uint_eq(f.last_off, 0x10);
	ck_assert_uint_eq(f.last_len, 4);
	io_write(DATA + 2, 1, 0x55);
	ck_assert_uint_eq(f.last_off, 0x12);
	ck_assert_uint_eq(f.last_len, 1);
	ck_assert_uint_eq(io_read(DATA, 4), 0xfe550000);
	/* A 3-byte access reaches the function as 2 + 1 bytes. */
	f.writes = 0;
	io_write(DATA + 1, 3, 0x332211);
	ck_assert_uint_eq(f.writes, 2);
	ck_assert_uint_eq(io_read(DATA, 4), 0x33221100);
	/* A dword at lane 2 is clipped to the two lanes that exist. */
	io_write(DATA + 2, 4, 0xaaaabbbb);
	ck_assert_uint_eq(f.last_off, 0x12);
	ck_assert_uint_eq(f.last_len, 2);
	/* Register 0xfc: the last dword of config space. */
	select_cfg(0, devfn, 0xfc);
	io_write(DATA + 3, 1, 0x77);
	ck_assert_uint_eq(f.cfg[0xff], 0x77);
}
END_TEST

START_TEST(reset_control_cf9)
{
	io_write(CF9, 1, 0x02);   /* Linux reboot=p: SYS_RST first ... */
	ck_assert_uint_eq(resets.count, 0);
	ck_assert_uint_eq(io_read(CF9, 1), 0x02);
	io_write(CF9, 1, 0x06);   /* ... then RST_CPU */
	ck_assert_uint_eq(resets.count, 1);
	ck_assert_int_eq(resets.last, SYSEVENT_RESET);
	io_write(CF9, 1, 0x0e);
	ck_assert_uint_eq(resets.count, 2);
	ck_assert_str_eq(resets.why, "port 0xcf9 full reset");
	ck_assert_uint_eq(io_read(CF9, 1), 0x0e);
	io_write(CF9, 1, 0xf1);   /* reserved bits are not kept */
	ck_assert_uint_eq(io_read(CF9, 1), 0x00);
	/* Only a byte access is the reset register. */
	io_write(CF9, 2, 0x0606);
	ck_assert_uint_eq(resets.count, 2);
}
END_TEST

/* i8042 */

static struct i8042 *kbc;

static uint8_t kbc_status(void)
{
	uint8_t v;

	i8042_command_io(kbc, 0, &v, 1, false);
	return v;
}

static void kbc_cmd(uint8_t cmd)
{
	i8042_command_io(kbc, 0, &cmd, 1, true);
}

static uint8_t kbc_read(void)
{
	uint8_t v;

	i8042_data_io(kbc, 0, &v, 1, false);
	return v;
}

static void kbc_write(uint8_t v)
{
	i8042_data_io(kbc, 0, &v, 1, true);
}

static void kbc_setup(void)
{
	memset(&resets, 0, sizeof(resets));
	kbc = i8042_new(&reset_sink);
	ck_assert_ptr_nonnull(kbc);
}

static void kbc_teardown(void)
{
	i8042_free(kbc);
}

START_TEST(i8042_linux_probe)
{
	/* Nothing to read, input buffer empty, system flag set. */
	ck_assert_uint_eq(kbc_status() & 0x07, 0x04);
	kbc_cmd(0xaa);
	ck_assert_uint_eq(kbc_status() & 0x01, 0x01);
	ck_assert_uint_eq(kbc_read(), 0x55);
	ck_assert_uint_eq(kbc_status() & 0x01, 0x00);
	kbc_cmd(0x20);
	ck_assert_uint_eq(kbc_read(), 0x45);
	kbc_cmd(0x60);
	kbc_write(0x74);
	kbc_cmd(0xa7);          /* aux off: CTR bit 5 */
	kbc_cmd(0xae);          /* kbd on: clears CTR bit 4 */
	kbc_cmd(0x20);
	ck_assert_uint_eq(kbc_read(), 0x64);
	kbc_cmd(0xa8);
	kbc_cmd(0xad);
	kbc_cmd(0x20);
	ck_assert_uint_eq(kbc_read(), 0x54);
	kbc_cmd(0xd3);          /* aux loopback */
	kbc_write(0x5a);
	ck_assert_uint_eq(kbc_status() & 0x21, 0x21);
	ck_assert_uint_eq(kbc_read(), 0x5a);
	kbc_cmd(0xa9);
	ck_assert_uint_eq(kbc_read(), 0x00);
	kbc_write(0xf2);        /* to the absent keyboard: no answer */
	ck_assert_uint_eq(kbc_status() & 0x01, 0x00);
	ck_assert_uint_eq(resets.count, 0);
}
END_TEST

START_TEST(i8042_reset)
{
	kbc_cmd(0xfe);
	ck_assert_uint_eq(resets.count, 1);
	ck_assert_int_eq(resets.last, SYSEVENT_RESET);
	kbc_cmd(0xd1);
	kbc_write(0x03);        /* reset line high: nothing */
	ck_assert_uint_eq(resets.count, 1);
	kbc_cmd(0xd1);
	kbc_write(0x02);        /* bit 0 low: reset */
	ck_assert_uint_eq(resets.count, 2);
	kbc_cmd(0xd0);
	ck_assert_uint_eq(kbc_read(), 0x03);
	kbc_cmd(0xff);          /* odd pulse command: no reset */
	ck_assert_uint_eq(resets.count, 2);

	/* Wide and out-of-range accesses touch only the one register. */
	uint8_t b[8];
	memset(b, 0, sizeof(b));
	i8042_data_io(kbc, 0, b, 8, false);
	for (int i = 1; i < 8; i++)
		ck_assert_uint_eq(b[i], 0xff);
	i8042_command_io(kbc, 5, b, 4, false);
	ck_assert_uint_eq(b[0], 0xff);
	memset(b, 0xfe, sizeof(b));
	i8042_command_io(kbc, 1, b, 8, true);
	ck_assert_uint_eq(resets.count, 2);
}
END_TEST

START_TEST(post_port)
{
	struct post_port p;
	uint8_t v = 0x42, w[4] = { 0x99, 1, 2, 3 };

	post_init(&p);
	post_io(&p, 0, &v, 1, true);
	post_io(&p, 0, w, 4, true);
	ck_assert_uint_eq(post_last(&p), 0x99);
	ck_assert_uint_eq(post_writes(&p), 2);
	post_io(&p, 3, &v, 1, true);   /* not port 0x80 */
	ck_assert_uint_eq(post_writes(&p), 2);
	post_io(&p, 0, w, 4, false);
	ck_assert_uint_eq(w[0], 0x99);
	ck_assert_uint_eq(w[3], 0xff);
}
END_TEST

static Suite *pci_host_suite(void)
{
	Suite *s = suite_create("pci_host");
	TCase *tc = tcase_create("config");
	TCase *kb = tcase_create("i8042");
	TCase *pp = tcase_create("post");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, bridge_id_every_width_and_lane);
	tcase_add_test(tc, bridge_is_read_only);
	tcase_add_test(tc, absent_and_disabled_read_all_ones);
	tcase_add_test(tc, config_address_register);
	tcase_add_test(tc, registered_function);
	tcase_add_test(tc, reset_control_cf9);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(kb, kbc_setup, kbc_teardown);
	tcase_add_test(kb, i8042_linux_probe);
	tcase_add_test(kb, i8042_reset);
	suite_add_tcase(s, kb);

	tcase_add_test(pp, post_port);
	suite_add_tcase(s, pp);
	return s;
}

UNIT_MAIN(pci_host_suite)
