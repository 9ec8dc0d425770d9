// SPDX-License-Identifier: GPL-3.0-or-later
/* gdb_fake_server PORT [32]: hvmon's gdb protocol code (framing, parser,
 * dispatcher, target description) served on 127.0.0.1:PORT (0: any free
 * port; the first line printed is "listening PORT") over the
 * pretend machine of tests/unit/gdb_fake_target.h, so the integration
 * test can hold Debian's real gdb against it where /dev/kvm is absent.
 * Serves clients one after another until one sends k. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../unit/gdb_fake_target.h"
#include "monitor/gdb_packet.h"
#include "monitor/gdb_session.h"

static struct fake_target fake;
static struct gdb_session sess;
static struct gdb_rx rx;
static struct gdb_reply reply;
static int conn = -1;

static void put(const char *payload, size_t len)
{
	static char frame[GDB_REPLY_MAX + 8];
	size_t n = gdb_frame(payload, len, frame);
	if (send(conn, frame, n, MSG_NOSIGNAL) != (ssize_t)n)
		conn = -1;
}

/* The fake's console output goes straight out, before the reply. */
static void fake_send_now(void *t, const char *payload, size_t len)
{
	(void)t;
	put(payload, len);
}

static struct gdb_target_ops fake_ops_live;

static void serve(void)
{
	bool waiting = false;
	gdb_rx_init(&rx);
	gdb_session_init(&sess, &fake_ops_live, &fake, GDB_ARCH_AUTO);
	while (conn >= 0) {
		char buf[4096];
		ssize_t n = recv(conn, buf, sizeof(buf), 0);
		if (n <= 0)
			return;
		for (ssize_t i = 0; i < n && conn >= 0; i++) {
			switch (gdb_rx_byte(&rx, (uint8_t)buf[i])) {
			case GDB_RX_PACKET:
				if (!sess.no_ack && send(conn, "+", 1, MSG_NOSIGNAL) != 1)
					return;
				switch (gdb_session_handle(&sess, rx.buf, rx.len, &reply)) {
				case GDB_NEXT_WAIT_STOP:
					waiting = fake.running;
					if (waiting) {
						/* For the test: gdb now waits in continue. */
						printf("waiting for a stop\n");
						fflush(stdout);
					} else {
						gdb_session_stop_reply(&sess, &fake.last, &reply);
						put(reply.buf, reply.len);
					}
					break;
				case GDB_NEXT_REPLY:
					put(reply.buf, reply.len);
					break;
				case GDB_NEXT_REPLY_CLOSE:
					put(reply.buf, reply.len);
					return;
				case GDB_NEXT_CLOSE:
					return;
				}
				break;
			case GDB_RX_INTERRUPT:
				if (waiting) {
					waiting = false;
					fake.running = false;
					fake.last = (struct gdb_stop){ .kind = GDB_STOP_INT, .reason = -1 };
					gdb_session_stop_reply(&sess, &fake.last, &reply);
					put(reply.buf, reply.len);
				}
				break;
			case GDB_RX_BAD_CHECKSUM:
				if (!sess.no_ack && send(conn, "-", 1, MSG_NOSIGNAL) != 1)
					return;
				break;
			case GDB_RX_OVERSIZE:
				if (!sess.no_ack && send(conn, "+", 1, MSG_NOSIGNAL) != 1)
					return;
				gdb_reply_error(&reply, 0x16);
				put(reply.buf, reply.len);
				break;
			default:
				break;
			}
		}
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: gdb_fake_server PORT [32]\n");
		return 2;
	}
	fake_ops_live = fake_ops;
	fake_ops_live.send = fake_send_now;
	fake_init(&fake, argc > 2 && !strcmp(argv[2], "32") ? 32 : 64);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1])) };
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, 1) < 0) {
		perror("gdb_fake_server: bind");
		return 1;
	}
	socklen_t sl = sizeof(sin);
	getsockname(fd, (struct sockaddr *)&sin, &sl);
	printf("listening %u\n", ntohs(sin.sin_port));
	fflush(stdout);
	while (!fake.killed) {
		conn = accept(fd, NULL, NULL);
		if (conn < 0)
			return 1;
		serve();
		if (conn >= 0)
			close(conn);
		fake.running = false;   /* a vanished client leaves it stopped */
		printf("client gone%s\n", fake.detached ? " (detached)" : "");
		fflush(stdout);
		fake.detached = false;
	}
	printf("killed\n");
	return 0;
}
