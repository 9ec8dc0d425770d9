/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A 16550A UART (the PC's COM ports). Register it on the port-I/O bus as 8
 * ports (COM1: base 0x3f8, length 8, IRQ 4); wire its irq_line to the
 * interrupt controller and its tx callback to a chardev.
 *
 * Transmission is instant: a THR write hands the byte to tx at once. Input
 * arrives through uart8250_receive into a 16-byte FIFO backed by a software
 * buffer, so pasted text is not lost while the guest is slow to drain it.
 *
 * Threads: uart8250_io runs on vCPU threads, uart8250_receive on the I/O
 * thread; one mutex serialises both. The irq callback and the tx callback
 * are called with that mutex held, so neither may call back into this UART
 * (a tx callback that writes to a chardev, and chardev taps that only
 * record output, are fine). */
#ifndef HVMON_DEV_UART8250_H
#define HVMON_DEV_UART8250_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/irq.h"

#define UART8250_NR_PORTS 8
/* Bytes held for the guest beyond the 16-byte hardware FIFO. */
#define UART8250_RX_BACKLOG 4096

typedef void (*uart8250_tx_fn)(void *opaque, const uint8_t *buf, size_t len);

struct uart8250;

struct uart8250_stats {
	unsigned long tx_bytes;   /* bytes the guest transmitted */
	unsigned long rx_bytes;   /* bytes accepted from the backend */
	unsigned long overruns;   /* bytes lost because the buffer was full */
};

/* irq is copied. tx may be NULL (output discarded). NULL on allocation
 * failure. */
struct uart8250 *uart8250_new(const struct irq_line *irq, uart8250_tx_fn tx,
			      void *tx_opaque);
void uart8250_free(struct uart8250 *u);

/* bus_io_fn for the 8 ports; opaque is the struct uart8250. */
void uart8250_io(void *opaque, uint64_t offset, void *data, unsigned len,
		 bool is_write);

/* Bytes from the backend towards the guest (any thread). */
void uart8250_receive(struct uart8250 *u, const uint8_t *buf, size_t len);

void uart8250_get_stats(struct uart8250 *u, struct uart8250_stats *out);

#endif
