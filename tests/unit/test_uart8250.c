/* SPDX-License-Identifier: GPL-3.0-or-later */
/* 16550A register behaviour as Linux's 8250 driver relies on it. */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "dev/uart8250.h"
#include "unit.h"

enum { RBR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5,
       MSR = 6, SCR = 7 };

struct recorder {
	bool level;
	unsigned changes;
	uint8_t tx[64];
	size_t ntx;
};

static struct recorder rec;
static struct uart8250 *u;

static void record_irq(void *opaque, unsigned gsi, bool level)
{
	struct recorder *r = opaque;

	ck_assert_uint_eq(gsi, 4);
	r->level = level;
	r->changes++;
}

static void record_tx(void *opaque, const uint8_t *buf, size_t len)
{
	struct recorder *r = opaque;

	for (size_t i = 0; i < len && r->ntx < sizeof(r->tx); i++)
		r->tx[r->ntx++] = buf[i];
}

static void setup(void)
{
	struct irq_line irq = { record_irq, &rec, 4 };

	memset(&rec, 0, sizeof(rec));
	u = uart8250_new(&irq, record_tx, &rec);
	ck_assert_ptr_nonnull(u);
}

static void teardown(void)
{
	uart8250_free(u);
}

static uint8_t rd(unsigned reg)
{
	uint8_t v = 0;

	uart8250_io(u, reg, &v, 1, false);
	return v;
}

static void wr(unsigned reg, uint8_t v)
{
	uart8250_io(u, reg, &v, 1, true);
}

static void rx(const char *s)
{
	uart8250_receive(u, (const uint8_t *)s, strlen(s));
}

START_TEST(scratch_and_ier_mask)
{
	wr(SCR, 0x5a);
	ck_assert_uint_eq(rd(SCR), 0x5a);
	wr(SCR, 0xa5);
	ck_assert_uint_eq(rd(SCR), 0xa5);
	/* Linux autoconfig: IER bits 4-7 read 0 on a 16550A. */
	wr(IER, 0xff);
	ck_assert_uint_eq(rd(IER), 0x0f);
	wr(IER, 0);
	ck_assert_uint_eq(rd(IER), 0);
}
END_TEST

START_TEST(divisor_latch)
{
	wr(IER, 0x05);
	wr(LCR, 0x83);          /* DLAB, 8N1 */
	wr(RBR, 0x01);          /* DLL: 115200 baud */
	wr(IER, 0x02);          /* DLM */
	ck_assert_uint_eq(rd(RBR), 0x01);
	ck_assert_uint_eq(rd(IER), 0x02);
	ck_assert_uint_eq(rd(LCR), 0x83);
	ck_assert_uint_eq(rec.ntx, 0);   /* DLL write did not transmit */
	wr(LCR, 0x03);
	ck_assert_uint_eq(rd(IER), 0x05);
	wr(LCR, 0x83);
	ck_assert_uint_eq(rd(RBR), 0x01);
	ck_assert_uint_eq(rd(IER), 0x02);
}
END_TEST

START_TEST(linux_autoconfig_probe)
{
	/* serial8250 autoconfig: loopback with RTS and OUT2 must show CTS and
	 * DCD (MSR & 0xf0 == 0x90). */
	uint8_t save = rd(MCR);

	wr(MCR, 0x10 | 0x0a);
	ck_assert_uint_eq(rd(MSR) & 0xf0, 0x90);
	wr(MCR, save);
	/* Out of loopback: a connected line (DCD, DSR, CTS). */
	ck_assert_uint_eq(rd(MSR) & 0xf0, 0xb0);
	/* FIFO probe: IIR bits 6-7 are 3 with FCR0 set, 0 without. */
	wr(FCR, 0x01);
	ck_assert_uint_eq(rd(IIR) >> 6, 3);
	wr(FCR, 0x00);
	ck_assert_uint_eq(rd(IIR) >> 6, 0);
	/* Bits 4-5 never set: not a 16750 or an EFR part. */
	wr(FCR, 0x21);
	ck_assert_uint_eq(rd(IIR) & 0x30, 0);
}
END_TEST

START_TEST(loopback_data)
{
	wr(MCR, 0x10);
	wr(RBR, 'A');
	ck_assert_uint_eq(rec.ntx, 0);
	ck_assert_uint_eq(rd(LSR) & 0x61, 0x61);   /* DR, THRE, TEMT */
	ck_assert_uint_eq(rd(RBR), 'A');
	ck_assert_uint_eq(rd(LSR) & 0x01, 0);
	/* The line is disconnected in loopback: backend bytes are lost. */
	rx("x");
	ck_assert_uint_eq(rd(LSR) & 0x01, 0);
	/* Loopback outputs mirror into MSR: DTR->DSR, OUT1->RI. */
	wr(MCR, 0x10 | 0x01 | 0x04);
	ck_assert_uint_eq(rd(MSR) & 0xf0, 0x60);
}
END_TEST

START_TEST(transmit_is_instant)
{
	wr(RBR, 'h');
	wr(RBR, 'i');
	ck_assert_uint_eq(rec.ntx, 2);
	ck_assert_mem_eq(rec.tx, "hi", 2);
	ck_assert_uint_eq(rd(LSR) & 0x60, 0x60);
	struct uart8250_stats st;
	uart8250_get_stats(u, &st);
	ck_assert_uint_eq(st.tx_bytes, 2);
}
END_TEST

START_TEST(thre_interrupt_semantics)
{
	wr(MCR, 0x08);                 /* OUT2 */
	ck_assert(!rec.level);
	wr(IER, 0x02);                 /* THRI with THR empty: fires */
	ck_assert(rec.level);
	ck_assert_uint_eq(rd(IIR), 0x02);
	/* Reading IIR while it reports THRE clears it. */
	ck_assert(!rec.level);
	ck_assert_uint_eq(rd(IIR), 0x01);
	/* Re-enabling THRI raises it again (Linux's UART_BUG_THRE test). */
	wr(IER, 0x00);
	wr(IER, 0x02);
	ck_assert(rec.level);
	ck_assert_uint_eq(rd(IIR), 0x02);
	ck_assert_uint_eq(rd(IIR), 0x01);
	/* Rewriting IER with THRI already set is no new edge. */
	wr(IER, 0x02);
	ck_assert_uint_eq(rd(IIR), 0x01);
	/* A THR write empties at once and raises THRE again. */
	wr(RBR, 'x');
	ck_assert(rec.level);
	ck_assert_uint_eq(rd(IIR), 0x02);
	ck_assert(!rec.level);
}
END_TEST

START_TEST(iir_priorities)
{
	/* Modem status delta: leave loopback (lines change). */
	wr(MCR, 0x10);
	wr(MCR, 0x08);
	/* Receive more than the whole buffer: overrun. */
	for (unsigned i = 0; i < 16 + UART8250_RX_BACKLOG + 1; i++)
		uart8250_receive(u, (const uint8_t *)"z", 1);
	wr(IER, 0x0f);
	ck_assert(rec.level);
	ck_assert_uint_eq(rd(IIR), 0x06);          /* line status first */
	ck_assert_uint_eq(rd(LSR) & 0x03, 0x03);   /* OE and DR */
	ck_assert_uint_eq(rd(LSR) & 0x02, 0);      /* OE read-to-clear */
	ck_assert_uint_eq(rd(IIR), 0x04);          /* then RX data */
	while (rd(LSR) & 0x01)
		rd(RBR);
	ck_assert_uint_eq(rd(IIR), 0x02);          /* then THRE */
	ck_assert_uint_eq(rd(IIR), 0x00);          /* then modem status */
	ck_assert_uint_eq(rd(MSR) & 0x0f, 0x0b);   /* DCTS, DDSR, DDCD */
	ck_assert_uint_eq(rd(IIR), 0x01);
	ck_assert(!rec.level);
}
END_TEST

START_TEST(rx_fifo_and_trigger)
{
	wr(MCR, 0x08);
	wr(FCR, 0x81);          /* FIFO on, trigger 8 */
	wr(IER, 0x01);
	ck_assert(!rec.level);
	ck_assert_uint_eq(rd(IIR), 0xc1);
	rx("abc");
	ck_assert(rec.level);
	ck_assert_uint_eq(rd(IIR), 0xcc);   /* below trigger: timeout */
	ck_assert_uint_eq(rd(LSR) & 0x01, 0x01);
	rx("defgh");
	ck_assert_uint_eq(rd(IIR), 0xc4);   /* at trigger: data available */
	for (const char *p = "abcdefgh"; *p; p++)
		ck_assert_uint_eq(rd(RBR), (uint8_t)*p);
	ck_assert_uint_eq(rd(LSR) & 0x01, 0);
	ck_assert_uint_eq(rd(IIR), 0xc1);
	ck_assert(!rec.level);
}
END_TEST

START_TEST(rx_backlog_and_fifo_clear)
{
	char in[41];

	for (int i = 0; i < 40; i++)
		in[i] = (char)('A' + i);
	in[40] = 0;
	wr(FCR, 0x01);
	rx(in);
	/* FCR bit 1 drops what the 16-byte FIFO holds; the rest follows. */
	wr(FCR, 0x03);
	ck_assert_uint_eq(rd(FCR) & 0xc0, 0xc0);
	for (int i = 16; i < 40; i++)
		ck_assert_uint_eq(rd(RBR), (uint8_t)in[i]);
	ck_assert_uint_eq(rd(LSR) & 0x01, 0);
	/* Without the FIFO the chip holds one byte; the backlog keeps the
	 * rest in order. */
	wr(FCR, 0x00);
	rx("xyz");
	ck_assert_uint_eq(rd(RBR), 'x');
	ck_assert_uint_eq(rd(RBR), 'y');
	ck_assert_uint_eq(rd(RBR), 'z');
	ck_assert_uint_eq(rd(RBR), 0);    /* empty RBR: no crash, no data */
}
END_TEST

START_TEST(overrun_counted)
{
	static uint8_t big[16 + UART8250_RX_BACKLOG + 10];
	struct uart8250_stats st;

	memset(big, 'q', sizeof(big));
	uart8250_receive(u, big, sizeof(big));
	uart8250_get_stats(u, &st);
	ck_assert_uint_eq(st.overruns, 10);
	ck_assert_uint_eq(st.rx_bytes, 16 + UART8250_RX_BACKLOG);
	ck_assert_uint_eq(rd(LSR) & 0x02, 0x02);
	ck_assert_uint_eq(rd(LSR) & 0x02, 0);
	/* Nothing kept was corrupted: every byte still there. */
	unsigned n = 0;
	while (rd(LSR) & 0x01) {
		ck_assert_uint_eq(rd(RBR), 'q');
		n++;
	}
	ck_assert_uint_eq(n, 16 + UART8250_RX_BACKLOG);
}
END_TEST

START_TEST(irq_gated_by_out2)
{
	wr(IER, 0x02);          /* THRE pending */
	ck_assert(!rec.level);  /* OUT2 low: line stays low */
	wr(MCR, 0x08);
	ck_assert(rec.level);
	wr(MCR, 0x18);          /* loopback forces OUT2 inactive */
	ck_assert(!rec.level);
	wr(MCR, 0x08);
	ck_assert(rec.level);
	wr(MCR, 0x00);
	ck_assert(!rec.level);
	ck_assert_uint_eq(rd(IIR), 0x02);   /* still pending inside the chip */
}
END_TEST

START_TEST(hostile_accesses)
{
	uint8_t buf[8];

	/* A word write at 0 reaches THR then IER, as the ISA bus splits it. */
	uint8_t w[2] = { 'w', 0x0f };
	uart8250_io(u, 0, w, 2, true);
	ck_assert_uint_eq(rec.ntx, 1);
	ck_assert_uint_eq(rd(IER), 0x0f);
	/* Reads past register 7 float high. */
	memset(buf, 0, sizeof(buf));
	wr(SCR, 0x33);
	uart8250_io(u, 6, buf, 8, false);
	ck_assert_uint_eq(buf[1], 0x33);
	for (int i = 2; i < 8; i++)
		ck_assert_uint_eq(buf[i], 0xff);
	uart8250_io(u, 100, buf, 4, false);
	ck_assert_uint_eq(buf[0], 0xff);
	uart8250_io(u, UINT64_MAX, buf, 8, false);
	ck_assert_uint_eq(buf[7], 0xff);
	uart8250_io(u, UINT64_MAX - 1, buf, 8, true);
	uart8250_io(u, 3, buf, 0, true);
	uart8250_receive(u, NULL, 0);
	ck_assert_uint_eq(rd(SCR), 0x33);
}
END_TEST

/* The I/O thread receives while a vCPU drains: every byte arrives once,
 * in order. Build with -fsanitize=thread to check the locking. */
#define STREAM_LEN 3000

static void *receiver(void *arg)
{
	(void)arg;
	for (unsigned i = 0; i < STREAM_LEN; i += 30) {
		uint8_t chunk[30];

		for (unsigned j = 0; j < 30; j++)
			chunk[j] = (uint8_t)((i + j) * 7);
		uart8250_receive(u, chunk, sizeof(chunk));
	}
	return NULL;
}

START_TEST(concurrent_receive_and_drain)
{
	pthread_t t;
	unsigned got = 0;

	wr(FCR, 0x01);
	wr(IER, 0x01);
	wr(MCR, 0x08);
	ck_assert_int_eq(pthread_create(&t, NULL, receiver, NULL), 0);
	while (got < STREAM_LEN) {
		if (rd(LSR) & 0x01)
			ck_assert_uint_eq(rd(RBR), (uint8_t)(got++ * 7));
	}
	pthread_join(t, NULL);
	struct uart8250_stats st;
	uart8250_get_stats(u, &st);
	ck_assert_uint_eq(st.rx_bytes, STREAM_LEN);
	ck_assert_uint_eq(st.overruns, 0);
	ck_assert(!rec.level);
}
END_TEST

static Suite *uart8250_suite(void)
{
	Suite *s = suite_create("uart8250");
	TCase *tc = tcase_create("registers");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, scratch_and_ier_mask);
	tcase_add_test(tc, divisor_latch);
	tcase_add_test(tc, linux_autoconfig_probe);
	tcase_add_test(tc, loopback_data);
	tcase_add_test(tc, transmit_is_instant);
	tcase_add_test(tc, thre_interrupt_semantics);
	tcase_add_test(tc, iir_priorities);
	tcase_add_test(tc, rx_fifo_and_trigger);
	tcase_add_test(tc, rx_backlog_and_fifo_clear);
	tcase_add_test(tc, overrun_counted);
	tcase_add_test(tc, irq_gated_by_out2);
	tcase_add_test(tc, hostile_accesses);
	tcase_add_test(tc, concurrent_receive_and_drain);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(uart8250_suite)
