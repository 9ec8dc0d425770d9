// SPDX-License-Identifier: GPL-3.0-or-later
/* The gdb request dispatcher against a pretend machine (gdb_fake_target.h):
 * what each packet answers, the register layout the target description
 * announces, threads, breakpoints, resumes, and hostile requests. */
#include <stdio.h>
#include <string.h>

#include "gdb_fake_target.h"
#include "monitor/gdb_session.h"
#include "unit.h"

static struct fake_target fake;
static struct gdb_session sess;
static struct gdb_reply reply;
static enum gdb_next next;

static const char *ask(const char *packet)
{
	static char buf[GDB_REPLY_MAX + 2];
	snprintf(buf, sizeof(buf), "%s", packet);
	next = gdb_session_handle(&sess, buf, strlen(buf), &reply);
	return reply.buf;
}

static void setup64(void)
{
	fake_init(&fake, 64);
	gdb_session_init(&sess, &fake_ops, &fake, GDB_ARCH_AUTO);
}

static void setup32(void)
{
	fake_init(&fake, 32);
	gdb_session_init(&sess, &fake_ops, &fake, GDB_ARCH_AUTO);
}

START_TEST(supported_and_no_ack)
{
	setup64();
	const char *r = ask("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386");
	ck_assert_ptr_nonnull(strstr(r, "PacketSize=4000"));
	ck_assert_ptr_nonnull(strstr(r, "qXfer:features:read+"));
	ck_assert_ptr_nonnull(strstr(r, "QStartNoAckMode+"));
	ck_assert_ptr_nonnull(strstr(r, "swbreak+"));
	ck_assert_str_eq(ask("QStartNoAckMode"), "OK");
	ck_assert(sess.no_ack);
	ck_assert_str_eq(ask("vMustReplyEmpty"), "");
	ck_assert_str_eq(ask("qTStatus"), "");
	ck_assert_str_eq(ask("qAttached"), "1");
}
END_TEST

/* Read the whole target description the way gdb does, in chunks. */
static void read_xml(char *out, size_t cap, unsigned chunk)
{
	size_t off = 0;
	for (;;) {
		char pkt[96];
		snprintf(pkt, sizeof(pkt), "qXfer:features:read:target.xml:%zx,%x", off, chunk);
		ask(pkt);
		ck_assert(reply.buf[0] == 'm' || reply.buf[0] == 'l');
		size_t n = gdb_unescape(reply.buf + 1, reply.len - 1);
		ck_assert_uint_lt(off + n, cap);
		memcpy(out + off, reply.buf + 1, n);
		off += n;
		if (reply.buf[0] == 'l')
			break;
	}
	out[off] = '\0';
}

START_TEST(target_description_follows_mode)
{
	static char xml[20000];
	setup64();
	read_xml(xml, sizeof(xml), 0x100);
	ck_assert_ptr_nonnull(strstr(xml, "<architecture>i386:x86-64</architecture>"));
	ck_assert_ptr_nonnull(strstr(xml, "org.gnu.gdb.i386.core"));
	ck_assert_ptr_nonnull(strstr(xml, "org.gnu.gdb.i386.segments"));
	ck_assert_ptr_nonnull(strstr(xml, "<reg name=\"fs_base\""));
	ck_assert_ptr_nonnull(strstr(xml, "<reg name=\"cr3\""));
	ck_assert_ptr_nonnull(strstr(xml, "<reg name=\"efer\""));
	ck_assert_ptr_nonnull(strstr(xml, "</target>"));
	/* The mode is taken once: a later switch does not change it. */
	fake.bits = 32;
	read_xml(xml, sizeof(xml), 0x1000);
	ck_assert_ptr_nonnull(strstr(xml, "i386:x86-64"));

	setup32();
	read_xml(xml, sizeof(xml), 0x7f);
	ck_assert_ptr_nonnull(strstr(xml, "<architecture>i386</architecture>"));
	ck_assert_ptr_nonnull(strstr(xml, "<reg name=\"eip\""));
	ck_assert_ptr_null(strstr(xml, "rip"));

	gdb_session_init(&sess, &fake_ops, &fake, GDB_ARCH_FORCE_X86_64);
	read_xml(xml, sizeof(xml), 0x1000);
	ck_assert_ptr_nonnull(strstr(xml, "i386:x86-64"));
	ck_assert_str_eq(ask("qXfer:features:read:other.xml:0,100"), "E02");
	ck_assert_str_eq(ask("qXfer:features:read:target.xml:100000,100"), "l");
}
END_TEST

START_TEST(registers_64)
{
	setup64();
	ask("g");
	ck_assert_uint_eq(reply.len, 2 * gdb_regs_size(GDB_ARCH_X86_64));
	/* rax first, little-endian; rip is register 16 */
	ck_assert(!strncmp(reply.buf, "1111111111111111", 16));
	ck_assert_str_eq(ask("p10"), "0001400000000000");
	ck_assert_str_eq(ask("P0=efbeadde00000000"), "OK");
	ck_assert_uint_eq(fake.cpu[0].regs.rax, 0xdeadbeef);
	/* cr3 is register 61, efer 64 */
	ck_assert_str_eq(ask("p3d"), "0010000000000000");
	ck_assert_str_eq(ask("p40"), "0005000000000000");
	ck_assert_str_eq(ask("P3d=0020000000000000"), "OK");
	ck_assert_uint_eq(fake.cpu[0].sregs.cr3, 0x2000);
	/* selectors are read-only, but writing the same value is fine */
	ck_assert_str_eq(ask("P12=10000000"), "OK");
	ck_assert_str_eq(ask("P12=18000000"), "E01");
	ck_assert_str_eq(ask("p41"), "E16");
	ck_assert_str_eq(ask("P0=00"), "E16");
	/* G with the g reply written back changes nothing; a short one is refused */
	ask("g");
	static char g[GDB_REPLY_MAX + 2];
	snprintf(g, sizeof(g), "G%s", reply.buf);
	struct gdb_cpu_state before = fake.cpu[0];
	ck_assert_str_eq(ask(g), "OK");
	ck_assert(!memcmp(&before.regs, &fake.cpu[0].regs, sizeof(before.regs)));
	ck_assert_str_eq(ask("G00"), "E16");
}
END_TEST

START_TEST(registers_32)
{
	setup32();
	ask("g");
	ck_assert_uint_eq(reply.len, 2 * gdb_regs_size(GDB_ARCH_I386));
	ck_assert(!strncmp(reply.buf, "11111111", 8));
	/* eip is register 8, 32 bits */
	ck_assert_str_eq(ask("p8"), "00014000");
	ck_assert_str_eq(ask("P8=00104000"), "OK");
	ck_assert_uint_eq(fake.cpu[0].regs.rip, 0x401000);
}
END_TEST

START_TEST(memory)
{
	setup64();
	fake.mem[0x10] = 0xab;
	ck_assert_str_eq(ask("m400010,2"), "ab90");
	ck_assert_str_eq(ask("M400020,2:cafe"), "OK");
	ck_assert_int_eq(fake.mem[0x21], 0xfe);
	ck_assert_str_eq(ask("X400030,3:}\x03}]a"), "OK");
	ck_assert_int_eq(fake.mem[0x30], '#');
	ck_assert_int_eq(fake.mem[0x31], '}');
	ck_assert_int_eq(fake.mem[0x32], 'a');
	ck_assert_str_eq(ask("X400030,0:"), "OK");
	ck_assert_str_eq(ask("m0,4"), "E0e");
	/* a read running off the end is cut short, not refused */
	ck_assert_str_eq(ask("m40fffe,4"), "9090");
	/* physical mode, as QEMU's Qqemu.PhyMemMode */
	ck_assert_str_eq(ask("qqemu.PhyMemMode"), "0");
	ck_assert_str_eq(ask("Qqemu.PhyMemMode:1"), "OK");
	ck_assert_str_eq(ask("m10,1"), "ab");
	ck_assert_str_eq(ask("qqemu.PhyMemMode"), "1");
	ck_assert_str_eq(ask("Qqemu.PhyMemMode:0"), "OK");
	ck_assert_str_eq(ask("m10,1"), "E0e");
	/* huge lengths are capped to what fits a packet */
	ask("m400000,ffffffff");
	ck_assert_uint_eq(reply.len, GDB_PACKET_MAX);
	ck_assert_str_eq(ask("M400000,ffffffffffffffff:00"), "E16");
}
END_TEST

START_TEST(threads)
{
	setup64();
	ck_assert_str_eq(ask("qfThreadInfo"), "m1,2");
	ck_assert_str_eq(ask("qsThreadInfo"), "l");
	ck_assert_str_eq(ask("qC"), "QC1");
	ck_assert_str_eq(ask("Hg2"), "OK");
	ck_assert_str_eq(ask("qC"), "QC2");
	ck_assert(!strncmp(ask("g"), "2222222222222222", 16));
	ck_assert_str_eq(ask("Hg3"), "E02");
	ck_assert_str_eq(ask("Hg0"), "OK");
	ck_assert_str_eq(ask("T2"), "OK");
	ck_assert_str_eq(ask("T3"), "E02");
	/* "vCPU 1" in hex */
	ck_assert_str_eq(ask("qThreadExtraInfo,2"), "764350552031");
	ask("qXfer:threads:read::0,1000");
	ck_assert_ptr_nonnull(strstr(reply.buf, "<thread id=\"2\" name=\"vCPU 1\"/>"));
}
END_TEST

START_TEST(breakpoints_and_resume)
{
	setup64();
	ask("qSupported:swbreak+;hwbreak+");
	ck_assert_str_eq(ask("Z0,400200,1"), "OK");
	ck_assert_str_eq(ask("Z1,400300,1"), "OK");
	ck_assert_str_eq(ask("Z2,400400,8"), "OK");
	ck_assert_str_eq(ask("Z2,400400,0"), "E16");
	ck_assert_str_eq(ask("Z0,400200,100"), "E16");
	ck_assert_str_eq(ask("Z2,ffffffffffffffff,2"), "E16");
	ck_assert_str_eq(ask("vCont?"), "vCont;c;C;s;S");
	/* a step replies at once */
	ck_assert_str_eq(ask("vCont;s:1"), "T05thread:1;");
	ck_assert_uint_eq(fake.cpu[0].regs.rip, FAKE_VBASE + 0x101);
	/* continue: no reply until the stop */
	ask("c");
	ck_assert_int_eq(next, GDB_NEXT_WAIT_STOP);
	ck_assert(!fake.running);
	gdb_session_stop_reply(&sess, &fake.last, &reply);
	ck_assert_str_eq(reply.buf, "T05thread:1;swbreak:;");
	ck_assert_str_eq(ask("vCont;c"), "");
	gdb_session_stop_reply(&sess, &fake.last, &reply);
	ck_assert_str_eq(reply.buf, "T05thread:1;hwbreak:;");
	ck_assert_str_eq(ask("z0,400200,1"), "OK");
	ck_assert_str_eq(ask("z0,400200,1"), "E02");
	/* memory and registers wait while the guest runs */
	ask("c");
	ck_assert(fake.running);
	ck_assert_str_eq(ask("g"), "E10");
	ck_assert_str_eq(ask("m400000,1"), "E10");
	struct gdb_stop wst = { .kind = GDB_STOP_TRAP, .cpu = 1, .reason = GDB_BP_WRITE,
				.watch_addr = 0x400400 };
	gdb_session_stop_reply(&sess, &wst, &reply);
	ck_assert_str_eq(reply.buf, "T05thread:2;watch:400400;");
	ck_assert_str_eq(ask("qC"), "QC2");
	struct gdb_stop intr = { .kind = GDB_STOP_INT, .cpu = 0, .reason = -1 };
	snprintf(intr.text, sizeof(intr.text), "paused");
	fake.sent_len = 0;
	gdb_session_stop_reply(&sess, &intr, &reply);
	ck_assert_str_eq(reply.buf, "T02thread:1;");
	ck_assert_str_eq(fake.sent, "O68766d6f6e3a207061757365640a|");   /* "hvmon: paused\n" */
	/* asked afterwards how it stopped: just stopped, not interrupted */
	fake.last = intr;
	ck_assert_str_eq(ask("?"), "T05thread:1;");
	struct gdb_stop end = { .kind = GDB_STOP_EXITED };
	gdb_session_stop_reply(&sess, &end, &reply);
	ck_assert_str_eq(reply.buf, "W00");
}
END_TEST

START_TEST(monitor_detach_kill)
{
	setup64();
	fake.sent_len = 0;
	/* "info exits" */
	ck_assert_str_eq(ask("qRcmd,696e666f206578697473"), "OK");
	ck_assert_str_eq(fake.last_rcmd, "info exits");
	ck_assert_ptr_nonnull(strstr(fake.sent, "O66616b65"));   /* "fake..." */
	ck_assert_str_eq(ask("qRcmd,6661696c"), "E16");   /* "fail" */
	ck_assert_str_eq(ask("qRcmd,00"), "E16");          /* a NUL inside */
	ck_assert_str_eq(ask("qRcmd,zz"), "E16");
	ask("D");
	ck_assert_int_eq(next, GDB_NEXT_REPLY_CLOSE);
	ck_assert_str_eq(reply.buf, "OK");
	ck_assert(fake.detached);
	fake.running = false;
	ask("k");
	ck_assert_int_eq(next, GDB_NEXT_CLOSE);
	ck_assert(fake.killed);
}
END_TEST

/* Random packets through the dispatcher: it must answer every one (an
 * empty reply, an error or data) and never overflow its reply. */
START_TEST(garbage_requests)
{
	static const char *const seeds[] = {
		"m", "M", "X", "g", "G", "p", "P", "Z", "z", "H", "T", "vCont;", "qXfer:features:read:",
		"qRcmd,", "qThreadExtraInfo,", "qSupported:", "Qqemu.PhyMemMode:", "c", "s", "?",
	};
	static char pkt[512];
	uint32_t seed = 99;
	setup64();
	for (int round = 0; round < 5000; round++) {
		seed = seed * 1103515245 + 12345;
		const char *head = seeds[(seed >> 16) % (sizeof(seeds) / sizeof(seeds[0]))];
		size_t n = (size_t)snprintf(pkt, sizeof(pkt), "%s", head);
		size_t extra = (seed >> 4) % 40;
		for (size_t i = 0; i < extra; i++) {
			seed = seed * 1103515245 + 12345;
			static const char alphabet[] = "0123456789abcdefABCDEF,:;=-}$#*xyz\x03";
			pkt[n++] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		pkt[n] = '\0';
		next = gdb_session_handle(&sess, pkt, n, &reply);
		ck_assert(!reply.overflow);
		ck_assert_uint_lt(reply.len, sizeof(reply.buf));
		fake.running = false;   /* whatever a resume started */
		fake.killed = fake.detached = false;
	}
}
END_TEST

static Suite *gdb_session_suite(void)
{
	Suite *s = suite_create("gdb_session");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, supported_and_no_ack);
	tcase_add_test(tc, target_description_follows_mode);
	tcase_add_test(tc, registers_64);
	tcase_add_test(tc, registers_32);
	tcase_add_test(tc, memory);
	tcase_add_test(tc, threads);
	tcase_add_test(tc, breakpoints_and_resume);
	tcase_add_test(tc, monitor_detach_kill);
	tcase_add_test(tc, garbage_requests);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(gdb_session_suite)
