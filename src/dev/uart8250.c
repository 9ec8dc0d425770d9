/* SPDX-License-Identifier: GPL-3.0-or-later */
/* 16550A UART register model. Register semantics follow the National
 * Semiconductor PC16550D datasheet (June 1995): Table II (register summary),
 * Table IV (interrupt control functions, the IIR priority order), and the
 * MCR / LSR / MSR / FCR bit descriptions in section 8. */
#include "dev/uart8250.h"

#include <pthread.h>
#include <stdlib.h>

/* Register offsets (PC16550D Table II). Offsets 0 and 1 are the divisor
 * latch while LCR.DLAB is set. */
enum {
	REG_RBR_THR = 0, REG_IER = 1, REG_IIR_FCR = 2, REG_LCR = 3,
	REG_MCR = 4, REG_LSR = 5, REG_MSR = 6, REG_SCR = 7,
};

#define IER_RDI   0x01   /* received data available */
#define IER_THRI  0x02   /* transmitter holding register empty */
#define IER_RLSI  0x04   /* receiver line status */
#define IER_MSI   0x08   /* modem status */
#define IER_MASK  0x0f   /* bits 4-7 are always 0 on a 16550A */

/* IIR interrupt identification, highest priority first (Table IV). */
#define IIR_NONE     0x01
#define IIR_RLS      0x06
#define IIR_RDA      0x04
#define IIR_TIMEOUT  0x0c
#define IIR_THRE     0x02
#define IIR_MSR      0x00
#define IIR_FIFO_ON  0xc0   /* bits 6-7 set while FCR0 is set */

#define FCR_ENABLE    0x01
#define FCR_CLEAR_RX  0x02
#define FCR_CLEAR_TX  0x04
#define FCR_TRIGGER(v) (((v) >> 6) & 3)

#define LCR_DLAB  0x80

#define MCR_DTR   0x01
#define MCR_RTS   0x02
#define MCR_OUT1  0x04
#define MCR_OUT2  0x08
#define MCR_LOOP  0x10
#define MCR_MASK  0x1f   /* bits 5-7 are always 0 */

#define LSR_DR    0x01
#define LSR_OE    0x02
#define LSR_THRE  0x20
#define LSR_TEMT  0x40

#define MSR_DCTS  0x01
#define MSR_DDSR  0x02
#define MSR_TERI  0x04
#define MSR_DDCD  0x08
#define MSR_CTS   0x10
#define MSR_DSR   0x20
#define MSR_RI    0x40
#define MSR_DCD   0x80

#define HW_FIFO_SIZE 16
#define RX_CAPACITY (HW_FIFO_SIZE + UART8250_RX_BACKLOG)

struct uart8250 {
	pthread_mutex_t lock;
	struct irq_line irq;
	bool irq_level;           /* last level handed to irq */
	uart8250_tx_fn tx;
	void *tx_opaque;

	uint8_t ier, fcr, lcr, mcr, scr, dll, dlm;
	uint8_t msr_delta;        /* MSR bits 0-3, cleared by reading MSR */
	bool overrun;             /* LSR.OE, cleared by reading LSR */
	/* The THRE interrupt source (Table IV): set when THR becomes empty
	 * (always right after a write, since transmission is instant) and
	 * when IER.THRI is enabled; cleared by reading IIR while it reports
	 * THRE. */
	bool thre_pending;

	/* Receive queue: the first fifo_depth() bytes are what the chip's RX
	 * FIFO holds; the rest is the software backlog behind it. */
	uint8_t rx[RX_CAPACITY];
	size_t rx_head, rx_count;

	struct uart8250_stats stats;
};

static unsigned fifo_depth(const struct uart8250 *u)
{
	return (u->fcr & FCR_ENABLE) ? HW_FIFO_SIZE : 1;
}

static size_t rx_visible(const struct uart8250 *u)
{
	size_t depth = fifo_depth(u);

	return u->rx_count < depth ? u->rx_count : depth;
}

static unsigned rx_trigger_level(const struct uart8250 *u)
{
	/* FCR bits 6-7: 1, 4, 8 or 14 bytes (PC16550D, FCR description). */
	static const unsigned level[4] = { 1, 4, 8, 14 };

	return level[FCR_TRIGGER(u->fcr)];
}

/* false when the queue is full: the byte is lost and LSR.OE is set. */
static bool rx_push(struct uart8250 *u, uint8_t byte)
{
	if (u->rx_count == RX_CAPACITY) {
		u->overrun = true;
		u->stats.overruns++;
		return false;
	}
	u->rx[(u->rx_head + u->rx_count) % RX_CAPACITY] = byte;
	u->rx_count++;
	return true;
}

static uint8_t rx_pop(struct uart8250 *u)
{
	uint8_t byte = u->rx[u->rx_head];

	u->rx_head = (u->rx_head + 1) % RX_CAPACITY;
	u->rx_count--;
	return byte;
}

/* Clearing the RX FIFO drops what the chip holds; the backlog models bytes
 * still on the wire, which arrive afterwards. */
static void rx_clear_fifo(struct uart8250 *u)
{
	size_t n = rx_visible(u);

	u->rx_head = (u->rx_head + n) % RX_CAPACITY;
	u->rx_count -= n;
}

/* The modem status inputs. In loopback the outputs are wired back to them
 * (PC16550D, MCR bit 4: DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD); otherwise
 * report a connected line (DCD, DSR, CTS) so the guest's driver sends. */
static uint8_t modem_lines(const struct uart8250 *u)
{
	uint8_t m = u->mcr;

	if (!(m & MCR_LOOP))
		return MSR_DCD | MSR_DSR | MSR_CTS;
	return ((m & MCR_DTR) ? MSR_DSR : 0) | ((m & MCR_RTS) ? MSR_CTS : 0) |
	       ((m & MCR_OUT1) ? MSR_RI : 0) | ((m & MCR_OUT2) ? MSR_DCD : 0);
}

static void note_modem_change(struct uart8250 *u, uint8_t before, uint8_t after)
{
	uint8_t changed = before ^ after;

	if (changed & MSR_CTS)
		u->msr_delta |= MSR_DCTS;
	if (changed & MSR_DSR)
		u->msr_delta |= MSR_DDSR;
	if (changed & MSR_DCD)
		u->msr_delta |= MSR_DDCD;
	/* TERI flags only the trailing edge of RI (MSR bit 2). */
	if ((before & MSR_RI) && !(after & MSR_RI))
		u->msr_delta |= MSR_TERI;
}

/* Highest-priority pending interrupt, Table IV order. */
static uint8_t pending_interrupt(const struct uart8250 *u)
{
	size_t avail = rx_visible(u);

	if ((u->ier & IER_RLSI) && u->overrun)
		return IIR_RLS;
	if ((u->ier & IER_RDI) && avail) {
		/* A real chip raises the timeout indication after four idle
		 * character times below the trigger level; with no wire
		 * timing we raise it at once, and Linux treats both alike. */
		if (!(u->fcr & FCR_ENABLE) || avail >= rx_trigger_level(u))
			return IIR_RDA;
		return IIR_TIMEOUT;
	}
	if ((u->ier & IER_THRI) && u->thre_pending)
		return IIR_THRE;
	if ((u->ier & IER_MSI) && u->msr_delta)
		return IIR_MSR;
	return IIR_NONE;
}

/* On the PC, OUT2 gates the UART's INTR pin onto the IRQ line; loopback
 * forces the OUT pins inactive (PC16550D, MCR bit 4), closing that gate. */
static void update_irq(struct uart8250 *u)
{
	bool level = pending_interrupt(u) != IIR_NONE &&
		     (u->mcr & (MCR_OUT2 | MCR_LOOP)) == MCR_OUT2;

	if (level != u->irq_level) {
		u->irq_level = level;
		irq_line_set(&u->irq, level);
	}
}

static void transmit(struct uart8250 *u, uint8_t byte)
{
	if (u->mcr & MCR_LOOP) {
		rx_push(u, byte);
	} else {
		u->stats.tx_bytes++;
		if (u->tx)
			u->tx(u->tx_opaque, &byte, 1);
	}
	u->thre_pending = true;
}

static void write_fcr(struct uart8250 *u, uint8_t val)
{
	/* Changing FCR0 clears both FIFOs; the other bits only take effect
	 * while FCR0 is set (PC16550D, FCR bit 0). The TX FIFO is always
	 * empty here, so FCR_CLEAR_TX needs no action. */
	if ((val ^ u->fcr) & FCR_ENABLE)
		rx_clear_fifo(u);
	if (!(val & FCR_ENABLE)) {
		u->fcr = 0;
		return;
	}
	if (val & FCR_CLEAR_RX)
		rx_clear_fifo(u);
	u->fcr = val & ~(FCR_CLEAR_RX | FCR_CLEAR_TX);
}

static void write_reg(struct uart8250 *u, unsigned reg, uint8_t val)
{
	bool dlab = u->lcr & LCR_DLAB;

	switch (reg) {
	case REG_RBR_THR:
		if (dlab)
			u->dll = val;
		else
			transmit(u, val);
		break;
	case REG_IER:
		if (dlab) {
			u->dlm = val;
			break;
		}
		/* Enabling THRI while THR is empty raises THRE again; Linux's
		 * serial8250_do_startup tests exactly this (UART_BUG_THRE). */
		if (!(u->ier & IER_THRI) && (val & IER_THRI))
			u->thre_pending = true;
		u->ier = val & IER_MASK;
		break;
	case REG_IIR_FCR:
		write_fcr(u, val);
		break;
	case REG_LCR:
		u->lcr = val;
		break;
	case REG_MCR: {
		uint8_t before = modem_lines(u);

		u->mcr = val & MCR_MASK;
		note_modem_change(u, before, modem_lines(u));
		break;
	}
	case REG_SCR:
		u->scr = val;
		break;
	default:
		/* LSR and MSR writes are factory-test only; ignored. */
		break;
	}
}

static uint8_t read_reg(struct uart8250 *u, unsigned reg)
{
	bool dlab = u->lcr & LCR_DLAB;
	uint8_t val;

	switch (reg) {
	case REG_RBR_THR:
		if (dlab)
			return u->dll;
		return u->rx_count ? rx_pop(u) : 0;
	case REG_IER:
		return dlab ? u->dlm : u->ier;
	case REG_IIR_FCR:
		val = pending_interrupt(u);
		if (val == IIR_THRE)
			u->thre_pending = false;
		return val | ((u->fcr & FCR_ENABLE) ? IIR_FIFO_ON : 0);
	case REG_LCR:
		return u->lcr;
	case REG_MCR:
		return u->mcr;
	case REG_LSR:
		/* Transmission is instant: THR and the shift register are
		 * always empty. */
		val = LSR_THRE | LSR_TEMT;
		if (rx_visible(u))
			val |= LSR_DR;
		if (u->overrun)
			val |= LSR_OE;
		u->overrun = false;
		return val;
	case REG_MSR:
		val = modem_lines(u) | u->msr_delta;
		u->msr_delta = 0;
		return val;
	default:
		return u->scr;
	}
}

void uart8250_io(void *opaque, uint64_t offset, void *data, unsigned len,
		 bool is_write)
{
	struct uart8250 *u = opaque;
	uint8_t *bytes = data;

	pthread_mutex_lock(&u->lock);
	/* A wider access reaches consecutive 8-bit registers, as the ISA bus
	 * splits it; bytes past the last register float high. */
	for (unsigned i = 0; i < len; i++) {
		bool in_range = offset < UART8250_NR_PORTS &&
				i < UART8250_NR_PORTS - offset;

		if (is_write) {
			if (in_range)
				write_reg(u, (unsigned)offset + i, bytes[i]);
		} else {
			bytes[i] = in_range ? read_reg(u, (unsigned)offset + i)
					    : 0xff;
		}
	}
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
}

void uart8250_receive(struct uart8250 *u, const uint8_t *buf, size_t len)
{
	pthread_mutex_lock(&u->lock);
	/* In loopback the serial input is disconnected from the line
	 * (PC16550D, MCR bit 4), so the chip never sees these bytes. */
	if (!(u->mcr & MCR_LOOP)) {
		for (size_t i = 0; i < len; i++)
			if (rx_push(u, buf[i]))
				u->stats.rx_bytes++;
	}
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
}

void uart8250_get_stats(struct uart8250 *u, struct uart8250_stats *out)
{
	pthread_mutex_lock(&u->lock);
	*out = u->stats;
	pthread_mutex_unlock(&u->lock);
}

struct uart8250 *uart8250_new(const struct irq_line *irq, uart8250_tx_fn tx,
			      void *tx_opaque)
{
	struct uart8250 *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	pthread_mutex_init(&u->lock, NULL);
	if (irq)
		u->irq = *irq;
	u->tx = tx;
	u->tx_opaque = tx_opaque;
	/* At power-on THR is empty, so THRE is already pending for when
	 * the guest enables THRI. */
	u->thre_pending = true;
	return u;
}

void uart8250_free(struct uart8250 *u)
{
	if (!u)
		return;
	pthread_mutex_destroy(&u->lock);
	free(u);
}
