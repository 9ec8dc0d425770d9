// SPDX-License-Identifier: GPL-3.0-or-later
/* Guest memory bounds, the bus, the register formatter and the I/O
 * thread's deferred calls: the pieces of the VMM that need no /dev/kvm. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "monitor/regs_format.h"
#include "unit.h"
#include "vmm/bus.h"
#include "vmm/guest_mem.h"
#include "vmm/iothread.h"

START_TEST(gmem_small_ram_is_one_region)
{
	struct guest_mem m;
	ck_assert_int_eq(gmem_init(&m, 64 << 20), 0);
	ck_assert_int_eq(m.nregions, 1);
	ck_assert_uint_eq(gmem_low_end(&m), 64 << 20);
	ck_assert_ptr_nonnull(gmem_ptr(&m, 0, 64 << 20));
	ck_assert_ptr_null(gmem_ptr(&m, 1, 64 << 20));
	ck_assert_ptr_null(gmem_ptr(&m, (64 << 20) - 4, 8));
	ck_assert_ptr_null(gmem_ptr(&m, UINT64_MAX, 2));
	ck_assert_ptr_null(gmem_ptr(&m, 16, UINT64_MAX));
	uint32_t v = 0xdeadbeef, r = 0;
	ck_assert_int_eq(gmem_write(&m, 0x1000, &v, 4), 0);
	ck_assert_int_eq(gmem_read(&m, 0x1000, &r, 4), 0);
	ck_assert_uint_eq(r, v);
	ck_assert_int_eq(gmem_read(&m, (64 << 20) - 2, &r, 4), -1);
	gmem_free(&m);
}
END_TEST

START_TEST(gmem_large_ram_skips_the_hole)
{
	struct guest_mem m;
	ck_assert_int_eq(gmem_init(&m, 4ULL << 30), 0);
	ck_assert_int_eq(m.nregions, 2);
	ck_assert_uint_eq(gmem_low_end(&m), GMEM_MMIO_HOLE_START);
	ck_assert_uint_eq(m.region[1].gpa, GMEM_4G);
	ck_assert_uint_eq(m.region[1].size, (4ULL << 30) - GMEM_MMIO_HOLE_START);
	ck_assert_ptr_null(gmem_ptr(&m, GMEM_MMIO_HOLE_START, 1));
	ck_assert_ptr_null(gmem_ptr(&m, 0xfee00000, 4));
	ck_assert_ptr_nonnull(gmem_ptr(&m, GMEM_4G, 4096));
	uint8_t buf[16];
	/* A copy running off low RAM into the hole fails as a whole. */
	ck_assert_int_eq(gmem_read(&m, GMEM_MMIO_HOLE_START - 8, buf, 16), -1);
	ck_assert_int_eq(gmem_read(&m, GMEM_4G + m.region[1].size - 8, buf, 16), -1);
	gmem_free(&m);
}
END_TEST

struct recorder {
	uint64_t offset;
	unsigned len;
	bool is_write;
	int calls;
};

static void record_io(void *opaque, uint64_t offset, void *data, unsigned len, bool is_write)
{
	struct recorder *r = opaque;
	r->offset = offset;
	r->len = len;
	r->is_write = is_write;
	r->calls++;
	if (!is_write)
		memset(data, 0x5a, len);
}

START_TEST(bus_dispatch_and_overlap)
{
	struct bus b;
	struct recorder a = { 0 }, c = { 0 };
	bus_init(&b, "pio");
	ck_assert_int_eq(bus_register(&b, 0x3f8, 8, record_io, &a, "com1"), 0);
	ck_assert_int_eq(bus_register(&b, 0x70, 2, record_io, &c, "cmos"), 0);
	ck_assert_int_eq(bus_register(&b, 0x3fc, 8, record_io, &c, "overlap"), -1);
	ck_assert_int_eq(bus_register(&b, 0x3f0, 9, record_io, &c, "overlap"), -1);
	ck_assert_int_eq(bus_register(&b, 0x10, 0, record_io, &c, "empty"), -1);
	ck_assert_int_eq(bus_register(&b, UINT64_MAX, 2, record_io, &c, "wraps"), -1);
	ck_assert_int_eq(b.range[0].base, 0x70);   /* kept sorted */

	uint8_t data[4] = { 0 };
	ck_assert(bus_dispatch(&b, 0x3fd, data, 1, false));
	ck_assert_int_eq(a.offset, 5);
	ck_assert_int_eq(data[0], 0x5a);
	ck_assert(bus_dispatch(&b, 0x71, data, 1, true));
	ck_assert_int_eq(c.offset, 1);
	ck_assert(c.is_write);

	ck_assert(!bus_dispatch(&b, 0x400, data, 4, false));
	ck_assert_int_eq(data[0], 0xff);
	ck_assert_int_eq(data[3], 0xff);
	ck_assert_uint_eq(atomic_load(&b.unclaimed), 1);
	ck_assert_uint_eq(atomic_load(&b.last_unclaimed), 0x400);
	ck_assert_ptr_null(bus_find(&b, 0x3f7));
	ck_assert_ptr_null(bus_find(&b, 0x400));
	ck_assert_ptr_nonnull(bus_find(&b, 0x3ff));
}
END_TEST

START_TEST(flag_names)
{
	char out[128];
	regs_format_bits(BITS_RFLAGS, 0x246, out, sizeof(out));
	ck_assert_str_eq(out, "PF ZF IF");
	regs_format_bits(BITS_RFLAGS, 0x3002, out, sizeof(out));
	ck_assert_str_eq(out, "IOPL=3");
	regs_format_bits(BITS_CR0, 0x80050033, out, sizeof(out));
	ck_assert_str_eq(out, "PE MP ET NE WP AM PG");
	regs_format_bits(BITS_EFER, 0xd01, out, sizeof(out));
	ck_assert_str_eq(out, "SCE LME LMA NXE");
	regs_format_bits(BITS_CR4, 0, out, sizeof(out));
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(mode_words)
{
	struct kvm_sregs s;
	char out[96];
	memset(&s, 0, sizeof(s));
	regs_describe_mode(&s, out, sizeof(out));
	ck_assert_str_eq(out, "real mode");
	s.cr0 = 1;
	s.cs.db = 1;
	regs_describe_mode(&s, out, sizeof(out));
	ck_assert_str_eq(out, "32-bit protected mode, paging off");
	s.cr0 |= 1u << 31;
	s.cr4 = 1 << 5;
	regs_describe_mode(&s, out, sizeof(out));
	ck_assert_str_eq(out, "32-bit protected mode, PAE paging");
	s.efer = 0x500;
	s.cs.db = 0;
	s.cs.l = 1;
	regs_describe_mode(&s, out, sizeof(out));
	ck_assert_str_eq(out, "64-bit long mode, 4-level paging");
	s.cr4 |= 1 << 12;
	regs_describe_mode(&s, out, sizeof(out));
	ck_assert_str_eq(out, "64-bit long mode, 5-level paging");
	s.cs.l = 0;
	s.cs.db = 1;
	regs_describe_mode(&s, out, sizeof(out));
	ck_assert_str_eq(out, "compatibility mode (32-bit code in long mode)");
}
END_TEST

START_TEST(register_dump_is_parseable)
{
	struct kvm_regs r;
	struct kvm_sregs s;
	memset(&r, 0, sizeof(r));
	memset(&s, 0, sizeof(s));
	r.rip = 0x1000850;
	r.rflags = 2;
	r.rbx = 0x2000;
	char out[4096];
	regs_format_all(&r, &s, out, sizeof(out));
	ck_assert_ptr_nonnull(strstr(out, "rip=0x0000000001000850"));
	ck_assert_ptr_nonnull(strstr(out, "rbx=0x0000000000002000"));
	ck_assert_ptr_nonnull(strstr(out, "\nmode=real mode\n"));
	ck_assert_ptr_nonnull(strstr(out, "\ncs=0x0000 "));
	/* A short buffer truncates, never overflows. */
	char small[40];
	memset(small, 'x', sizeof(small));
	regs_format_all(&r, &s, small, 32);
	ck_assert_int_eq(small[39], 'x');
	ck_assert_int_eq(strlen(small), 31);
}
END_TEST

struct deferred_probe {
	pthread_t ran_on;
	atomic_int runs;
};

static void deferred_fn(void *opaque)
{
	struct deferred_probe *pr = opaque;

	pr->ran_on = pthread_self();
	atomic_fetch_add(&pr->runs, 1);
}

/* Holds the I/O thread inside a deferred call until released. */
struct loop_holder {
	sem_t entered, release;
};

static void hold_loop(void *opaque)
{
	struct loop_holder *h = opaque;

	sem_post(&h->entered);
	sem_wait(&h->release);
}

/* iothread_defer: the call runs on the I/O thread, once however often it
 * was asked before it ran; before the thread starts the caller is told
 * to do the work itself. */
START_TEST(iothread_defer_runs_there_once)
{
	struct iothread *t = iothread_new();
	struct deferred_probe pr = { .runs = 0 };
	struct loop_holder h;

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(sem_init(&h.entered, 0, 0), 0);
	ck_assert_int_eq(sem_init(&h.release, 0, 0), 0);
	ck_assert_int_eq(iothread_defer(t, deferred_fn, &pr), -EAGAIN);
	ck_assert_int_eq(iothread_start(t), 0);
	/* Hold the loop busy so the two requests meet in the queue. */
	ck_assert_int_eq(iothread_defer(t, hold_loop, &h), 0);
	sem_wait(&h.entered);
	ck_assert_int_eq(iothread_defer(t, deferred_fn, &pr), 0);
	ck_assert_int_eq(iothread_defer(t, deferred_fn, &pr), 0);
	sem_post(&h.release);
	for (int i = 0; i < 2000 && atomic_load(&pr.runs) == 0; i++)
		usleep(1000);
	usleep(20000);   /* time for a wrong second run to show */
	ck_assert_int_eq(atomic_load(&pr.runs), 1);
	ck_assert(!pthread_equal(pr.ran_on, pthread_self()));
	iothread_free(t);
	sem_destroy(&h.entered);
	sem_destroy(&h.release);
}
END_TEST

static Suite *vmm_core_suite(void)
{
	Suite *s = suite_create("vmm_core");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, gmem_small_ram_is_one_region);
	tcase_add_test(tc, gmem_large_ram_skips_the_hole);
	tcase_add_test(tc, bus_dispatch_and_overlap);
	tcase_add_test(tc, flag_names);
	tcase_add_test(tc, mode_words);
	tcase_add_test(tc, register_dump_is_parseable);
	tcase_add_test(tc, iothread_defer_runs_there_once);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(vmm_core_suite)
