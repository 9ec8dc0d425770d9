// SPDX-License-Identifier: GPL-3.0-or-later
/* The exit recorder and the live trace, fed synthetic kvm_run structures:
 * counts per reason, port and MMIO address, the "other" overflow bucket,
 * the ring of last exits, filters, the line format and the queue. */
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "vmm/exit_stats.h"
#include "vmm/exit_trace.h"

#define RUN_SIZE  8192
#define PIO_DATA  4096   /* where KVM puts port data: one page into kvm_run */

static struct kvm_run *run;
static struct exit_stats *st;

static void setup(void)
{
	run = aligned_alloc(4096, RUN_SIZE);
	memset(run, 0, RUN_SIZE);
	run->kvm_valid_regs = KVM_SYNC_X86_REGS;
	st = malloc(sizeof(*st));
	exit_stats_init(st, 0, RUN_SIZE, 1000);
}

static void teardown(void)
{
	exit_trace_off();
	struct exit_trace_item items[64];
	while (exit_trace_take(items, 64) > 0)
		;
	free(run);
	free(st);
}

static void io_exit(uint16_t port, bool out, uint8_t value, uint64_t rip)
{
	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = out ? KVM_EXIT_IO_OUT : KVM_EXIT_IO_IN;
	run->io.size = 1;
	run->io.port = port;
	run->io.count = 1;
	run->io.data_offset = PIO_DATA;
	((uint8_t *)run)[PIO_DATA] = value;
	run->s.regs.regs.rip = rip;
}

static void mmio_exit(uint64_t addr, bool write, uint32_t value)
{
	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = addr;
	run->mmio.len = 4;
	run->mmio.is_write = write;
	memcpy(run->mmio.data, &value, 4);
}

static uint64_t load(atomic_ullong *c)
{
	return atomic_load(c);
}

static struct exit_site_view find_site(struct exit_site_table *t, uint64_t key)
{
	struct exit_site_view v[EXIT_STATS_SITES], none = { .key = UINT64_MAX };
	int n = exit_sites_read(t, v);
	for (int i = 0; i < n; i++)
		if (v[i].key == key)
			return v[i];
	return none;
}

START_TEST(counts_per_reason_port_and_address)
{
	for (int i = 0; i < 3; i++) {
		io_exit(0x3f8, true, 'a', 0x100017d);
		exit_stats_record(st, run, 2000, 100);
	}
	for (int i = 0; i < 2; i++) {
		io_exit(0x3fd, false, 0x60, 0x1000172);
		exit_stats_record(st, run, 3000, 10);
	}
	mmio_exit(0xfee000b0, true, 0);
	exit_stats_record(st, run, 4000, 1000);
	run->exit_reason = KVM_EXIT_HLT;
	exit_stats_record(st, run, 5000, 7);

	ck_assert_uint_eq(load(&st->exits), 7);
	ck_assert_uint_eq(load(&st->ns), 3 * 100 + 2 * 10 + 1000 + 7);
	ck_assert_uint_eq(load(&st->reason[KVM_EXIT_IO].count), 5);
	ck_assert_uint_eq(load(&st->reason[KVM_EXIT_IO].ns), 320);
	ck_assert_uint_eq(load(&st->reason[KVM_EXIT_MMIO].count), 1);
	ck_assert_uint_eq(load(&st->reason[KVM_EXIT_HLT].count), 1);
	ck_assert_uint_eq(load(&st->reason_other.count), 0);

	struct exit_site_view thr = find_site(&st->io, 0x3f8), lsr = find_site(&st->io, 0x3fd);
	ck_assert_uint_eq(thr.writes, 3);
	ck_assert_uint_eq(thr.reads, 0);
	ck_assert_uint_eq(thr.ns, 300);
	ck_assert_uint_eq(lsr.reads, 2);
	ck_assert_uint_eq(lsr.writes, 0);
	struct exit_site_view eoi = find_site(&st->mmio, 0xfee000b0);
	ck_assert_uint_eq(eoi.writes, 1);
	ck_assert_uint_eq(eoi.ns, 1000);
}
END_TEST

START_TEST(unknown_reason_counts_as_other)
{
	run->exit_reason = EXIT_STATS_REASONS + 3;
	exit_stats_record(st, run, 2000, 5);
	ck_assert_uint_eq(load(&st->reason_other.count), 1);
	ck_assert_uint_eq(load(&st->exits), 1);
}
END_TEST

START_TEST(full_site_table_overflows_into_other)
{
	const int ports = 3 * EXIT_STATS_SITES;
	for (int p = 0; p < ports; p++) {
		io_exit((uint16_t)p, true, 0, 0);
		exit_stats_record(st, run, 2000, 1);
	}
	/* An early port kept its slot and still counts there. */
	io_exit(0, true, 0, 0);
	exit_stats_record(st, run, 2000, 1);
	ck_assert_uint_eq(find_site(&st->io, 0).writes, 2);

	struct exit_site_view v[EXIT_STATS_SITES], other;
	int n = exit_sites_read(&st->io, v);
	ck_assert_int_le(n, EXIT_STATS_SITES);
	uint64_t in_slots = 0;
	for (int i = 0; i < n; i++)
		in_slots += v[i].reads + v[i].writes;
	exit_site_read(&st->io.other, &other);
	ck_assert_uint_gt(other.writes, 0);
	ck_assert_uint_eq(in_slots + other.writes, (uint64_t)ports + 1);
}
END_TEST

START_TEST(ring_keeps_the_last_exits_oldest_first)
{
	struct exit_record out[EXIT_STATS_RING];
	ck_assert_int_eq(exit_stats_last(st, out, 5), 0);
	const int total = EXIT_STATS_RING + 44;
	for (int i = 0; i < total; i++) {
		io_exit(0x3f8, true, (uint8_t)i, 0x1000 + (uint64_t)i);
		exit_stats_record(st, run, 1000 + (uint64_t)i, 1);
	}
	ck_assert_int_eq(exit_stats_last(st, out, EXIT_STATS_RING), EXIT_STATS_RING);
	ck_assert_uint_eq(out[0].t_ns, 44);   /* the 44 oldest were overwritten */
	ck_assert_uint_eq(out[0].rip, 0x1000 + 44);
	ck_assert_uint_eq(out[EXIT_STATS_RING - 1].t_ns, (uint64_t)total - 1);

	ck_assert_int_eq(exit_stats_last(st, out, 3), 3);
	ck_assert_uint_eq(out[0].t_ns, (uint64_t)total - 3);
	ck_assert_uint_eq(out[2].t_ns, (uint64_t)total - 1);
	ck_assert_uint_eq(out[2].data, (uint8_t)(total - 1));
	ck_assert_uint_eq(out[2].addr, 0x3f8);
	ck_assert_uint_eq(out[2].flags, EXIT_REC_WRITE | EXIT_REC_RIP_VALID);
	ck_assert_int_eq(exit_stats_last(st, out, 0), 0);
}
END_TEST

START_TEST(io_data_outside_the_mapping_is_not_read)
{
	io_exit(0x80, true, 0x55, 0);
	run->io.data_offset = RUN_SIZE;
	exit_stats_record(st, run, 2000, 1);
	struct exit_record r;
	ck_assert_int_eq(exit_stats_last(st, &r, 1), 1);
	ck_assert_uint_eq(r.data, 0);
	ck_assert_uint_eq(find_site(&st->io, 0x80).writes, 1);
}
END_TEST

START_TEST(filters_parse_and_match)
{
	struct exit_filter f;
	struct exit_record thr = { .reason = KVM_EXIT_IO, .addr = 0x3f8 };
	struct exit_record lsr = { .reason = KVM_EXIT_IO, .addr = 0x3fd };
	struct exit_record eoi = { .reason = KVM_EXIT_MMIO, .addr = 0xfee000b0 };
	struct exit_record hlt = { .reason = KVM_EXIT_HLT };

	ck_assert(exit_filter_parse(NULL, &f) && exit_filter_match(&f, &hlt));
	ck_assert(exit_filter_parse("io", &f));
	ck_assert(exit_filter_match(&f, &thr) && !exit_filter_match(&f, &eoi));
	ck_assert(exit_filter_parse("MMIO", &f));
	ck_assert(exit_filter_match(&f, &eoi) && !exit_filter_match(&f, &thr));
	ck_assert(exit_filter_parse("io:0x3f8", &f));
	ck_assert(exit_filter_match(&f, &thr) && !exit_filter_match(&f, &lsr));
	ck_assert(exit_filter_parse("io:0x3f8-0x3ff", &f));
	ck_assert(exit_filter_match(&f, &thr) && exit_filter_match(&f, &lsr));
	ck_assert(exit_filter_parse("mmio:0xfee00000-0xfee00fff", &f));
	ck_assert(exit_filter_match(&f, &eoi));
	ck_assert(exit_filter_parse("mmio:0xfee00000", &f));
	ck_assert(!exit_filter_match(&f, &eoi));
	ck_assert(exit_filter_parse("hlt", &f));
	ck_assert(exit_filter_match(&f, &hlt) && !exit_filter_match(&f, &thr));
	ck_assert(exit_filter_parse("internal_error", &f));
	ck_assert_uint_eq(f.lo, KVM_EXIT_INTERNAL_ERROR);

	const char *bad[] = { "bogus", "io:", "io:0x10000", "io:-1", "io: 5", "io:0x3f8x",
			      "io:0x3ff-0x3f8", "io:1-", "mmio:", "?" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!exit_filter_parse(bad[i], &f), "accepted '%s'", bad[i]);
}
END_TEST

START_TEST(filters_format_as_they_parse)
{
	const char *texts[] = { "all", "io", "mmio", "io:0x3f8", "io:0x3f8-0x3ff",
				"mmio:0xfee000b0", "hlt", "internal_error" };
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct exit_filter f;
		char buf[64];
		ck_assert(exit_filter_parse(texts[i], &f));
		exit_filter_format(&f, buf, sizeof(buf));
		ck_assert_str_eq(buf, texts[i]);
	}
}
END_TEST

START_TEST(records_format_as_one_line)
{
	char buf[160];
	struct exit_record r = { .t_ns = 12345678912ULL, .rip = 0x10006ec, .addr = 0x3f8,
				 .data = 0x68, .reason = KVM_EXIT_IO, .count = 1, .size = 1,
				 .flags = EXIT_REC_WRITE | EXIT_REC_RIP_VALID };
	exit_record_format(&r, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "vcpu=0 t=+12.345678 rip=0x10006ec IO out port=0x3f8 size=1 data=0x68");

	r.flags = 0;
	r.count = 4;
	exit_record_format(&r, 1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "vcpu=1 t=+12.345678 rip=? IO in port=0x3f8 size=1 data=0x68 count=4");

	struct exit_record m = { .t_ns = 5000, .rip = 0x1000, .addr = 0xfee000b0, .data = 0,
				 .reason = KVM_EXIT_MMIO, .size = 4,
				 .flags = EXIT_REC_WRITE | EXIT_REC_RIP_VALID };
	exit_record_format(&m, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "vcpu=0 t=+0.000005 rip=0x1000 MMIO write addr=0xfee000b0 size=4 data=0x0");

	struct exit_record e = { .rip = 0x2000, .addr = 1, .reason = KVM_EXIT_INTERNAL_ERROR,
				 .flags = EXIT_REC_RIP_VALID };
	exit_record_format(&e, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "vcpu=0 t=+0.000000 rip=0x2000 INTERNAL_ERROR suberror=1");

	struct exit_record h = { .reason = KVM_EXIT_HLT };
	exit_record_format(&h, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "vcpu=0 t=+0.000000 rip=? HLT");

	/* A short buffer is cut, never overrun. */
	char small[12];
	exit_record_format(&r, 0, small, sizeof(small));
	ck_assert_str_eq(small, "vcpu=0 t=+1");
}
END_TEST

static bool fd_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, 0) == 1;
}

START_TEST(live_trace_queues_what_the_filter_passes)
{
	struct exit_filter f;
	struct exit_trace_item items[8];
	uint64_t taken, dropped;
	int fd = exit_trace_fd();
	ck_assert_int_ge(fd, 0);

	/* Off: nothing is queued. */
	io_exit(0x3f8, true, 'x', 0);
	exit_stats_record(st, run, 2000, 1);
	ck_assert_int_eq(exit_trace_take(items, 8), 0);

	ck_assert(exit_filter_parse("io:0x3f8", &f));
	exit_trace_on(&f);
	ck_assert(!fd_readable(fd));
	io_exit(0x3fd, false, 0x60, 0);
	exit_stats_record(st, run, 2000, 1);
	ck_assert(!fd_readable(fd));
	io_exit(0x3f8, true, 'h', 0x100017d);
	exit_stats_record(st, run, 2100, 1);
	ck_assert(fd_readable(fd));
	io_exit(0x3f8, true, 'i', 0x100017d);
	exit_stats_record(st, run, 2200, 1);

	ck_assert_int_eq(exit_trace_take(items, 8), 2);
	ck_assert(!fd_readable(fd));
	ck_assert_uint_eq(items[0].r.data, 'h');
	ck_assert_uint_eq(items[1].r.data, 'i');
	ck_assert_uint_eq(items[1].r.rip, 0x100017d);
	exit_trace_counts(&taken, &dropped);
	ck_assert_uint_eq(taken, 2);
	ck_assert_uint_eq(dropped, 0);

	ck_assert(exit_trace_filter(&f));
	ck_assert_uint_eq(f.lo, 0x3f8);
	exit_trace_off();
	ck_assert(!exit_trace_filter(&f));
	exit_stats_record(st, run, 2300, 1);
	ck_assert_int_eq(exit_trace_take(items, 8), 0);
}
END_TEST

START_TEST(full_queue_drops_and_counts)
{
	struct exit_filter f;
	struct exit_trace_item items[64];
	uint64_t taken, dropped;
	ck_assert(exit_filter_parse(NULL, &f));
	exit_trace_on(&f);
	run->exit_reason = KVM_EXIT_HLT;
	for (int i = 0; i < EXIT_TRACE_QUEUE + 5; i++)
		exit_stats_record(st, run, 2000 + (uint64_t)i, 1);
	int n, total = 0;
	while ((n = exit_trace_take(items, 64)) > 0) {
		ck_assert_uint_eq(items[0].r.t_ns, 1000 + (uint64_t)total);   /* oldest first */
		total += n;
	}
	ck_assert_int_eq(total, EXIT_TRACE_QUEUE);
	exit_trace_counts(&taken, &dropped);
	ck_assert_uint_eq(taken, EXIT_TRACE_QUEUE);
	ck_assert_uint_eq(dropped, 5);
}
END_TEST

static Suite *exit_stats_suite(void)
{
	Suite *s = suite_create("exit_stats");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, counts_per_reason_port_and_address);
	tcase_add_test(tc, unknown_reason_counts_as_other);
	tcase_add_test(tc, full_site_table_overflows_into_other);
	tcase_add_test(tc, ring_keeps_the_last_exits_oldest_first);
	tcase_add_test(tc, io_data_outside_the_mapping_is_not_read);
	tcase_add_test(tc, filters_parse_and_match);
	tcase_add_test(tc, filters_format_as_they_parse);
	tcase_add_test(tc, records_format_as_one_line);
	tcase_add_test(tc, live_trace_queues_what_the_filter_passes);
	tcase_add_test(tc, full_queue_drops_and_counts);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(exit_stats_suite)
