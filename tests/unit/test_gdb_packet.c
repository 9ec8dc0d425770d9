// SPDX-License-Identifier: GPL-3.0-or-later
/* The gdb remote protocol's framing and request parser (gdb manual, E.1,
 * E.2): good packets, damaged ones, oversized ones, and garbage. */
#include <stdio.h>
#include <string.h>

#include "monitor/gdb_packet.h"
#include "monitor/gdb_request.h"
#include "unit.h"

/* Feed s; the last event other than NONE. */
static enum gdb_rx_event feed(struct gdb_rx *rx, const char *s, size_t n)
{
	enum gdb_rx_event last = GDB_RX_NONE;
	for (size_t i = 0; i < n; i++) {
		enum gdb_rx_event e = gdb_rx_byte(rx, (uint8_t)s[i]);
		if (e != GDB_RX_NONE)
			last = e;
	}
	return last;
}

static struct gdb_rx rx;

START_TEST(frames_roundtrip)
{
	char out[64];
	size_t n = gdb_frame("OK", 2, out);
	ck_assert_uint_eq(n, 6);
	ck_assert(!memcmp(out, "$OK#9a", 6));   /* 'O' + 'K' = 0x9a */
	gdb_rx_init(&rx);
	ck_assert_int_eq(feed(&rx, out, n), GDB_RX_PACKET);
	ck_assert_str_eq(rx.buf, "OK");
	ck_assert_uint_eq(rx.len, 2);
}
END_TEST

START_TEST(checksum_upper_and_lower_case)
{
	gdb_rx_init(&rx);
	ck_assert_int_eq(feed(&rx, "$g#67", 5), GDB_RX_PACKET);
	ck_assert_int_eq(feed(&rx, "$qC#B4", 6), GDB_RX_PACKET);
	ck_assert_str_eq(rx.buf, "qC");
}
END_TEST

START_TEST(bad_checksum_is_reported_and_next_packet_works)
{
	gdb_rx_init(&rx);
	ck_assert_int_eq(feed(&rx, "$g#00", 5), GDB_RX_BAD_CHECKSUM);
	ck_assert_int_eq(feed(&rx, "$g#zz", 5), GDB_RX_BAD_CHECKSUM);
	ck_assert_int_eq(feed(&rx, "$g#67", 5), GDB_RX_PACKET);
}
END_TEST

START_TEST(acks_interrupt_and_noise)
{
	gdb_rx_init(&rx);
	ck_assert_int_eq(gdb_rx_byte(&rx, '+'), GDB_RX_ACK);
	ck_assert_int_eq(gdb_rx_byte(&rx, '-'), GDB_RX_NACK);
	ck_assert_int_eq(gdb_rx_byte(&rx, 0x03), GDB_RX_INTERRUPT);
	ck_assert_int_eq(feed(&rx, "garbage\r\n#12", 12), GDB_RX_NONE);
	ck_assert_int_eq(feed(&rx, "$g#67", 5), GDB_RX_PACKET);
	/* 0x03 inside a packet is data, not an interrupt. */
	char p[8];
	char payload[] = { 'X', 0x03 };
	size_t n = gdb_frame(payload, 2, p);
	ck_assert_int_eq(feed(&rx, p, n), GDB_RX_PACKET);
	ck_assert_uint_eq(rx.len, 2);
}
END_TEST

START_TEST(restart_inside_packet)
{
	gdb_rx_init(&rx);
	ck_assert_int_eq(feed(&rx, "$m0,4$g#67", 10), GDB_RX_PACKET);
	ck_assert_str_eq(rx.buf, "g");
}
END_TEST

START_TEST(oversize_packet_is_dropped_and_reported)
{
	static char big[GDB_PACKET_MAX + 100];
	memset(big, 'a', sizeof(big));
	gdb_rx_init(&rx);
	gdb_rx_byte(&rx, '$');
	ck_assert_int_eq(feed(&rx, big, sizeof(big)), GDB_RX_NONE);
	ck_assert_int_eq(feed(&rx, "#00", 3), GDB_RX_OVERSIZE);
	ck_assert_int_eq(feed(&rx, "$g#67", 5), GDB_RX_PACKET);
	/* Exactly the limit is fine. */
	char *exact = malloc(GDB_PACKET_MAX + 8);
	size_t n = gdb_frame(big, GDB_PACKET_MAX, exact);
	ck_assert_int_eq(feed(&rx, exact, n), GDB_RX_PACKET);
	ck_assert_uint_eq(rx.len, GDB_PACKET_MAX);
	free(exact);
}
END_TEST

START_TEST(binary_escapes)
{
	struct gdb_reply r;
	gdb_reply_clear(&r);
	const uint8_t data[] = { '$', '#', '}', '*', 'a', 0 };
	gdb_reply_binary(&r, data, sizeof(data));
	ck_assert_uint_eq(r.len, 10);
	ck_assert(!memcmp(r.buf, "}\x04}\x03}]}\x0a" "a\0", 10));
	char copy[16];
	memcpy(copy, r.buf, r.len);
	ck_assert_uint_eq(gdb_unescape(copy, r.len), sizeof(data));
	ck_assert(!memcmp(copy, data, sizeof(data)));
	char lone[] = "ab}";
	ck_assert_uint_eq(gdb_unescape(lone, 3), (size_t)-1);
	ck_assert_uint_eq(gdb_binary_fit(data, sizeof(data), 3), 1);
}
END_TEST

START_TEST(reply_never_truncated)
{
	static struct gdb_reply r;
	static uint8_t bytes[GDB_REPLY_MAX];
	gdb_reply_clear(&r);
	gdb_reply_hex(&r, bytes, sizeof(bytes));
	ck_assert(r.overflow);
	ck_assert_uint_eq(r.len, 0);
	gdb_reply_error(&r, 0x16);
	ck_assert(!r.overflow);
	ck_assert_str_eq(r.buf, "E16");
}
END_TEST

START_TEST(hex_numbers)
{
	const char *s = "ffffffff81000000,10";
	const char *p = s;
	uint64_t v;
	ck_assert(gdb_parse_hex_u64(&p, s + strlen(s), &v));
	ck_assert_uint_eq(v, 0xffffffff81000000ULL);
	ck_assert_int_eq(*p, ',');
	const char *big = "10000000000000000";
	p = big;
	ck_assert(!gdb_parse_hex_u64(&p, big + strlen(big), &v));
	const char *zeros = "00000000000000000001";
	p = zeros;
	ck_assert(gdb_parse_hex_u64(&p, zeros + strlen(zeros), &v));
	ck_assert_uint_eq(v, 1);
	p = ",";
	ck_assert(!gdb_parse_hex_u64(&p, p + 1, &v));
}
END_TEST

static struct gdb_request q;

static enum gdb_req_kind parse(const char *text)
{
	static char buf[256];
	snprintf(buf, sizeof(buf), "%s", text);
	gdb_parse_request(buf, strlen(buf), &q);
	return q.kind;
}

START_TEST(requests)
{
	ck_assert_int_eq(parse("?"), GDB_REQ_HALT_REASON);
	ck_assert_int_eq(parse("g"), GDB_REQ_READ_REGS);
	ck_assert_int_eq(parse("p10"), GDB_REQ_READ_REG);
	ck_assert_uint_eq(q.regno, 16);
	ck_assert_int_eq(parse("P10=0011223344556677"), GDB_REQ_WRITE_REG);
	ck_assert_int_eq(parse("m1000,4"), GDB_REQ_READ_MEM);
	ck_assert_uint_eq(q.addr, 0x1000);
	ck_assert_uint_eq(q.len, 4);
	ck_assert_int_eq(parse("M1000,2:abcd"), GDB_REQ_WRITE_MEM);
	ck_assert_int_eq(parse("X1000,2:}\x03z"), GDB_REQ_WRITE_MEM_BIN);
	ck_assert_int_eq(q.data[0], '#');
	ck_assert_int_eq(parse("Z0,ffffffff83079e46,1"), GDB_REQ_INSERT_BP);
	ck_assert_uint_eq(q.addr, 0xffffffff83079e46ULL);
	ck_assert_int_eq(parse("z2,1000,8"), GDB_REQ_REMOVE_BP);
	ck_assert_uint_eq(q.type, 2);
	ck_assert_int_eq(parse("vCont;s:2;c"), GDB_REQ_RESUME);
	ck_assert_int_eq(q.nact, 2);
	ck_assert_int_eq(q.act[0].op, 's');
	ck_assert_int_eq(q.act[0].thread, 2);
	ck_assert_int_eq(q.act[1].thread, GDB_THREAD_ALL);
	ck_assert_int_eq(parse("vCont;C05:1"), GDB_REQ_RESUME);
	ck_assert_int_eq(q.act[0].op, 'c');
	ck_assert_int_eq(parse("vCont?"), GDB_REQ_VCONT_QUERY);
	ck_assert_int_eq(parse("Hg-1"), GDB_REQ_SET_THREAD);
	ck_assert_int_eq(q.thread, GDB_THREAD_ALL);
	ck_assert_int_eq(parse("Hc2"), GDB_REQ_SET_THREAD);
	ck_assert_int_eq(parse("T1"), GDB_REQ_THREAD_ALIVE);
	ck_assert_int_eq(parse("qSupported:multiprocess+;swbreak+"), GDB_REQ_SUPPORTED);
	ck_assert_str_eq(q.features, "multiprocess+;swbreak+");
	ck_assert_int_eq(parse("qXfer:features:read:target.xml:0,ffb"), GDB_REQ_XFER);
	ck_assert_str_eq(q.object, "features");
	ck_assert_str_eq(q.annex, "target.xml");
	ck_assert_uint_eq(q.length, 0xffb);
	ck_assert_int_eq(parse("qRcmd,72656773"), GDB_REQ_RCMD);
	ck_assert_int_eq(parse("Qqemu.PhyMemMode:1"), GDB_REQ_PHYS_MODE_SET);
	ck_assert(q.flag);
	ck_assert_int_eq(parse("qqemu.PhyMemMode"), GDB_REQ_PHYS_MODE_GET);
	ck_assert_int_eq(parse("QStartNoAckMode"), GDB_REQ_NO_ACK);
	ck_assert_int_eq(parse("vMustReplyEmpty"), GDB_REQ_UNKNOWN);
	ck_assert_int_eq(parse("qTStatus"), GDB_REQ_UNKNOWN);
	ck_assert_int_eq(parse("qXfer:features:write:target.xml:0:abc"), GDB_REQ_UNKNOWN);
}
END_TEST

START_TEST(malformed_requests)
{
	static const char *const bad[] = {
		"g1", "m", "m1000", "m1000,", "m,4", "mzz,4", "m1000,4x",
		"m10000000000000000,4", "M1000,2:abc", "M1000,2", "M1000,3:abcd",
		"X1000,2:a", "X1000,1:}", "Z", "Z5,1000,1", "Z0,1000", "Z0,1000,1;X", "p",
		"pzz", "P10", "P10=", "P10=abc", "c1000", "C", "Czz", "vCont;", "vCont;x",
		"vCont;s:", "vCont;c;c;c;c;c;c;c;c;c", "H", "Hx1", "Hg", "Hgz", "T", "Tq",
		"qXfer:features:read:target.xml:0", "qXfer:features:read", "qRcmd,123",
		"qThreadExtraInfo,", "Qqemu.PhyMemMode:2", "G123", "Hg100000000",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(parse(bad[i]) == GDB_REQ_MALFORMED, "'%s' accepted as %d", bad[i],
			      q.kind);
}
END_TEST

/* Random bytes through the framing and the parser: never a crash, and a
 * well-formed packet right after is still read. */
START_TEST(garbage_never_hurts)
{
	uint32_t seed = 12345;
	static char payload[GDB_PACKET_MAX + 1];
	for (int round = 0; round < 2000; round++) {
		size_t n = 0;
		seed = seed * 1103515245 + 12345;
		size_t len = (seed >> 8) % 200;
		for (; n < len; n++) {
			seed = seed * 1103515245 + 12345;
			uint8_t c = (uint8_t)(seed >> 16);
			/* Bias towards the protocol's own characters. */
			static const char alphabet[] = "$#}*+-0123456789abcdef,:;=mMXZzgGpPqQvcsCSHT?";
			if (c & 1)
				c = (uint8_t)alphabet[c % (sizeof(alphabet) - 1)];
			gdb_rx_byte(&rx, c);
			payload[n] = (char)c;
		}
		payload[n] = '\0';
		gdb_parse_request(payload, n, &q);
		ck_assert_int_le(q.nact, GDB_VCONT_MAX);
	}
	/* Whatever state the garbage left: a new '$' starts over. */
	ck_assert_int_eq(feed(&rx, "#00$g#67", 8), GDB_RX_PACKET);
	ck_assert_str_eq(rx.buf, "g");
}
END_TEST

static Suite *gdb_packet_suite(void)
{
	Suite *s = suite_create("gdb_packet");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, frames_roundtrip);
	tcase_add_test(tc, checksum_upper_and_lower_case);
	tcase_add_test(tc, bad_checksum_is_reported_and_next_packet_works);
	tcase_add_test(tc, acks_interrupt_and_noise);
	tcase_add_test(tc, restart_inside_packet);
	tcase_add_test(tc, oversize_packet_is_dropped_and_reported);
	tcase_add_test(tc, binary_escapes);
	tcase_add_test(tc, reply_never_truncated);
	tcase_add_test(tc, hex_numbers);
	tcase_add_test(tc, requests);
	tcase_add_test(tc, malformed_requests);
	tcase_add_test(tc, garbage_never_hurts);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(gdb_packet_suite)
