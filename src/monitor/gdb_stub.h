/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hvmon's gdb server: a listening socket (tcp:[HOST:]PORT or unix:PATH)
 * and a thread that serves one gdb at a time while the monitor goes on.
 * The stub follows the machine's stops through vm->stop_notify_fd and
 * stop_seq, so the monitor keeps its own events; monitor commands from
 * gdb (qRcmd) and gdb's kill run on the monitor's thread, which polls
 * gdb_stub_request_fd. */
#ifndef HVMON_GDB_STUB_H
#define HVMON_GDB_STUB_H

#include <stddef.h>

#include "monitor/gdb_session.h"

struct monitor;
struct gdb_stub;

/* Listen on spec and start serving. NULL with one line in err when the
 * address is bad or cannot be bound. */
struct gdb_stub *gdb_stub_start(struct monitor *mon, const char *spec,
				enum gdb_arch_choice arch, char *err, size_t errlen);
/* Close the client and the socket, end the thread. NULL is fine. */
void gdb_stub_stop(struct gdb_stub *g);
/* "127.0.0.1:1234" or "/path/to/socket": where it listens. */
const char *gdb_stub_where(const struct gdb_stub *g);

/* The monitor thread's part: readable when gdb has asked for something
 * (-1 for NULL); gdb_stub_serve runs it with mon's output captured. */
int gdb_stub_request_fd(const struct gdb_stub *g);
void gdb_stub_serve(struct gdb_stub *g, struct monitor *mon);

/* For the VM target (stub thread): run a monitor command and wait for
 * its output; ask the monitor to quit; send a packet to the client. */
int gdb_stub_run_command(struct gdb_stub *g, const char *cmd, char **out);
void gdb_stub_request_quit(struct gdb_stub *g);
void gdb_stub_send(struct gdb_stub *g, const char *payload, size_t len);

/* Parse "tcp:[HOST:]PORT" / "unix:PATH"; 0, or -1 with err. Exposed for
 * the option parser and the unit tests. */
struct gdb_listen_addr {
	bool unix_socket;
	char host[64];   /* tcp: numeric IPv4 or "localhost" */
	unsigned port;
	char path[108];  /* unix */
};
int gdb_parse_listen(const char *spec, struct gdb_listen_addr *a, char *err, size_t errlen);

#endif
