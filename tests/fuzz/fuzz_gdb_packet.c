// SPDX-License-Identifier: GPL-3.0-or-later
/* libFuzzer target: bytes from a gdb client, through the framing
 * (gdb_packet.c), the request parser (gdb_request.c) and the dispatcher
 * (gdb_session.c) against the pretend machine the unit tests use, so
 * every reply path runs. The first byte picks the vCPU mode (bit 0:
 * i386 or x86-64), the architecture choice (bits 1-2) and the input's
 * form (bit 3): the client's byte stream, or newline-separated payloads
 * handed to the dispatcher directly, past the checksums random bytes
 * rarely get right. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* asprintf in the pretend machine, whatever the build's flags */
#endif
#include <stddef.h>
#include <stdint.h>

#include "../unit/gdb_fake_target.h"
#include "monitor/gdb_packet.h"
#include "monitor/gdb_session.h"

static struct fake_target fake;
static struct gdb_session sess;
static struct gdb_rx rx;
static struct gdb_reply reply;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	fake_init(&fake, data[0] & 1 ? 32 : 64);
	gdb_session_init(&sess, &fake_ops, &fake, (enum gdb_arch_choice)(data[0] >> 1 & 3) % 3);
	gdb_rx_init(&rx);
	if (data[0] & 8) {
		static char payload[GDB_PACKET_MAX + 1];
		size_t n = 0;
		for (size_t i = 1; i <= size; i++) {
			if (i == size || data[i] == '\n' || n == GDB_PACKET_MAX) {
				payload[n] = '\0';
				gdb_session_handle(&sess, payload, n, &reply);
				if (reply.overflow || reply.len >= sizeof(reply.buf))
					__builtin_trap();
				fake.running = false;
				fake.sent_len = 0;
				n = 0;
			} else {
				payload[n++] = (char)data[i];
			}
		}
		return 0;
	}
	for (size_t i = 1; i < size; i++) {
		switch (gdb_rx_byte(&rx, data[i])) {
		case GDB_RX_PACKET:
			gdb_session_handle(&sess, rx.buf, rx.len, &reply);
			if (reply.overflow || reply.len >= sizeof(reply.buf))
				__builtin_trap();
			break;
		case GDB_RX_INTERRUPT:
			if (fake.running) {
				fake.running = false;
				fake.last = (struct gdb_stop){ .kind = GDB_STOP_INT, .reason = -1 };
				gdb_session_stop_reply(&sess, &fake.last, &reply);
			}
			break;
		default:
			break;
		}
		fake.sent_len = 0;
	}
	return 0;
}
