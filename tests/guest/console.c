// SPDX-License-Identifier: GPL-3.0-or-later
/* The test guest's virtio-console driver (README.md, "Virtio"): one port,
 * receiveq 0 and transmitq 1 (virtio 1.2, 5.3.2), as Linux's hvc0 uses
 * it without VIRTIO_CONSOLE_F_MULTIPORT. */
#include "virtio.h"

#define CONSOLE_RX 0
#define CONSOLE_TX 1
#define CONSOLE_CFG_EMERG_WR 8       /* 5.3.4: le32 emerg_wr */
#define CONSOLE_RX_BYTES 64
/* Input comes from a person or a test typing at the pty: wait longer
 * than for a device answer (about 30 s here, 10 s on hardware KVM). */
#define CONSOLE_INPUT_POLLS (10 * USED_POLLS)

static const char hello[] = "hello from hvc\n";

/* One transmit buffer (5.3.6: device-readable), waited for. */
static bool console_send(struct vdev *d, const uint8_t *buf, uint32_t len)
{
	struct vq *q = &d->vq[CONSOLE_TX];
	uint32_t id, used;

	for (uint32_t i = 0; i < len; i++)
		q->buf[i] = buf[i];
	struct vbuf b = { (uintptr_t)q->buf, len, false };
	if (!vq_post(q, 0, &b, 1))
		return false;
	if (!vq_wait(d, q, &id, &used)) {
		vq_timeout(d, q);
		return false;
	}
	return true;
}

void console_use(struct vdev *d)
{
	struct vq *rx = &d->vq[CONSOLE_RX];
	uint32_t id, len;

	/* 5.3.6: emerg_wr works before (and without) the queues. */
	if (d->accepted & VIRTIO_CONSOLE_F_EMERG_WRITE) {
		for (const char *p = "emerg\n"; *p; p++)
			mmio_w32(d->device + CONSOLE_CFG_EMERG_WR, (uint8_t)*p);
		put_str("virtio-console: emerg_wr sent\n");
	}
	/* 5.3.6.1: receive buffers are device-writable; post one first so
	 * typed input has somewhere to go. */
	struct vbuf rb = { (uintptr_t)rx->buf, CONSOLE_RX_BYTES, true };
	if (!vq_post(rx, 0, &rb, 1))
		return;
	if (!console_send(d, (const uint8_t *)hello, sizeof(hello) - 1))
		return;
	put_str("virtio-console: sent ");
	put_dec(sizeof(hello) - 1);
	put_str(" bytes\n");
	put_str("virtio-console: waiting for input\n");
	if (!vq_wait_n(d, rx, &id, &len, CONSOLE_INPUT_POLLS)) {
		vq_timeout(d, rx);
		return;
	}
	if (id != 0 || len > CONSOLE_RX_BYTES) {
		put_str("virtio-console: error: used element id=");
		put_dec(id);
		put_str(" len=");
		put_dec(len);
		put_char('\n');
		return;
	}
	/* What was typed, without the line end, printable ASCII only. A
	 * static buffer: an initialized local would need memset. */
	static uint8_t echo[6 + CONSOLE_RX_BYTES + 1];
	uint32_t n = 0;
	for (const char *p = "echo: "; *p; p++)
		echo[n++] = (uint8_t)*p;
	put_str("virtio-console: got ");
	put_dec(len);
	put_str(" bytes ");
	for (uint32_t i = 0; i < len; i++) {
		uint8_t c = rx->buf[i];
		if (c == '\r' || c == '\n')
			continue;
		put_char(c >= 0x20 && c < 0x7f ? (char)c : '?');
		echo[n++] = c;
	}
	put_char('\n');
	echo[n++] = '\n';
	if (!console_send(d, echo, n))
		return;
	put_str("virtio-console: echoed\n");
	if (stop_at == STOP_NOISR)
		return;
	put_str("virtio-console: isr=0x");
	put_hex(d->t->isr(d), 1);
	put_char('\n');
}
