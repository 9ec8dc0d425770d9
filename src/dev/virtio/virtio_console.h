/* SPDX-License-Identifier: GPL-3.0-or-later */
/* virtio console (virtio 1.2, 5.3): device ID 3, one port (no
 * VIRTIO_CONSOLE_F_MULTIPORT), so two queues: receiveq (0) and transmitq
 * (1). The guest's hvcN. Its backend is a chardev (a pty by default, like
 * the serial console): what the guest transmits is written there, what is
 * typed there goes into the receiveq buffers the driver posts.
 *
 * VIRTIO_CONSOLE_F_EMERG_WRITE is offered: a write to emerg_wr (config
 * offset 8) prints one character before any queue is set up (5.3.6).
 *
 * Input arrives on the I/O thread (the backend's input fd) and waits in a
 * FIFO of VIRTIO_CONSOLE_RX_FIFO bytes until the driver posts receive
 * buffers; bytes that do not fit are dropped and counted, like a UART's
 * overrun. Output never blocks (chardev_write). */
#ifndef HVMON_DEV_VIRTIO_VIRTIO_CONSOLE_H
#define HVMON_DEV_VIRTIO_VIRTIO_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#include "dev/virtio/virtio_dev.h"

#define VIRTIO_ID_CONSOLE 3

/* 5.3.3 feature bits. */
#define VIRTIO_CONSOLE_F_SIZE        0
#define VIRTIO_CONSOLE_F_MULTIPORT   1
#define VIRTIO_CONSOLE_F_EMERG_WRITE 2

/* 5.3.4 struct virtio_console_config. */
#define VIRTIO_CONSOLE_CFG_COLS        0
#define VIRTIO_CONSOLE_CFG_ROWS        2
#define VIRTIO_CONSOLE_CFG_MAX_PORTS   4
#define VIRTIO_CONSOLE_CFG_EMERG_WR    8
#define VIRTIO_CONSOLE_CONFIG_SIZE     12

#define VIRTIO_CONSOLE_RX_QUEUE 0
#define VIRTIO_CONSOLE_TX_QUEUE 1
#define VIRTIO_CONSOLE_QUEUE_SIZE 128
#define VIRTIO_CONSOLE_RX_FIFO  (64u * 1024)

struct chardev;
struct iothread;
struct virtio_console;

/* cd: the backend (it must outlive the device); io: where its input is
 * read (NULL: input only through virtio_console_input). NULL with a reason
 * in err. */
struct virtio_console *virtio_console_new(const struct guest_mem *mem, struct chardev *cd,
					  struct iothread *io, char *err, size_t errlen);
/* After the vCPUs and the I/O thread have stopped. */
void virtio_console_free(struct virtio_console *c);
struct virtio_dev *virtio_console_dev(struct virtio_console *c);

/* Bytes towards the guest, as if typed on the backend (the backend's input
 * sink; also for tests). */
void virtio_console_input(void *opaque, const uint8_t *buf, size_t len);

#endif
