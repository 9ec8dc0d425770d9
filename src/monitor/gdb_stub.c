// SPDX-License-Identifier: GPL-3.0-or-later
/* The gdb server's socket and thread (see gdb_stub.h). */
#include "monitor/gdb_stub.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "monitor/gdb_vm.h"
#include "monitor/monitor.h"
#include "monitor/parse.h"
#include "vmm/deadline.h"
#include "vmm/vcpu.h"

/* How long a monitor command from gdb may wait for the monitor thread,
 * which may be busy with a command of its own (`wait`, a long `step`). */
#define GDB_RCMD_TIMEOUT_S 30.0

struct gdb_stub {
	struct vm *vm;
	struct gdb_listen_addr addr;
	char where[160];
	int listen_fd;
	int wake_fd;        /* eventfd: stop the thread */
	int stop_fd;        /* eventfd: vm->stop_notify_fd */
	int request_fd;     /* eventfd: the monitor thread has work */
	pthread_t thread;
	enum gdb_arch_choice arch;

	int conn;           /* the client, or -1 (stub thread only) */
	bool conn_dead;     /* a send failed */
	struct gdb_rx rx;
	struct gdb_reply reply;
	char frame[GDB_REPLY_MAX + 8];
	size_t last_len;    /* the last framed reply, for a '-' */
	char last[GDB_REPLY_MAX + 8];
	struct gdb_session session;
	struct gdb_vm target;

	/* Between the stub thread and the monitor thread. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stopping;
	bool quit_requested;
	char *cmd;          /* a command waiting for the monitor */
	char *cmd_out;      /* its output, when done */
	int cmd_rc;
	bool cmd_done;
};

int gdb_parse_listen(const char *spec, struct gdb_listen_addr *a, char *err, size_t errlen)
{
	memset(a, 0, sizeof(*a));
	if (!strncmp(spec, "unix:", 5)) {
		const char *path = spec + 5;
		if (!*path || strlen(path) >= sizeof(a->path)) {
			snprintf(err, errlen, "bad unix socket path '%s' (1 to %zu characters)", path,
				 sizeof(a->path) - 1);
			return -1;
		}
		a->unix_socket = true;
		snprintf(a->path, sizeof(a->path), "%s", path);
		return 0;
	}
	if (strncmp(spec, "tcp:", 4)) {
		snprintf(err, errlen, "bad gdb address '%s' (tcp:[HOST:]PORT or unix:PATH)", spec);
		return -1;
	}
	const char *rest = spec + 4, *colon = strrchr(rest, ':');
	const char *port = colon ? colon + 1 : rest;
	snprintf(a->host, sizeof(a->host), "127.0.0.1");
	if (colon) {
		size_t n = (size_t)(colon - rest);
		if (n == 0 || n >= sizeof(a->host)) {
			snprintf(err, errlen, "bad host in '%s'", spec);
			return -1;
		}
		snprintf(a->host, sizeof(a->host), "%.*s", (int)n, rest);
		if (!strcmp(a->host, "localhost"))
			snprintf(a->host, sizeof(a->host), "127.0.0.1");
		struct in_addr ia;
		if (inet_pton(AF_INET, a->host, &ia) != 1) {
			snprintf(err, errlen, "bad host '%s' in '%s' (a numeric IPv4 address or "
				 "localhost)", a->host, spec);
			return -1;
		}
	}
	uint64_t p;
	if (!parse_u64(port, &p) || p > 65535) {
		snprintf(err, errlen, "bad port '%s' in '%s' (0 to 65535)", port, spec);
		return -1;
	}
	a->port = (unsigned)p;
	return 0;
}

static int listen_on(struct gdb_stub *g, char *err, size_t errlen)
{
	struct gdb_listen_addr *a = &g->addr;
	int fd;
	if (a->unix_socket) {
		struct sockaddr_un su = { .sun_family = AF_UNIX };
		snprintf(su.sun_path, sizeof(su.sun_path), "%s", a->path);
		/* A socket file left by an earlier run is replaced; any other
		 * file is not ours to remove. */
		struct stat st;
		if (lstat(a->path, &st) == 0 && S_ISSOCK(st.st_mode))
			unlink(a->path);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&su, sizeof(su)) < 0)
			goto fail;
		snprintf(g->where, sizeof(g->where), "%s", a->path);
	} else {
		struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)a->port) };
		inet_pton(AF_INET, a->host, &sin.sin_addr);
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		int one = 1;
		if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
		    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
			goto fail;
		socklen_t sl = sizeof(sin);
		getsockname(fd, (struct sockaddr *)&sin, &sl);
		snprintf(g->where, sizeof(g->where), "%s:%u", a->host, ntohs(sin.sin_port));
	}
	if (listen(fd, 1) < 0)
		goto fail;
	g->listen_fd = fd;
	return 0;
fail:
	if (a->unix_socket)
		snprintf(err, errlen, "cannot listen on %s: %s", a->path, strerror(errno));
	else
		snprintf(err, errlen, "cannot listen on %s:%u: %s", a->host, a->port, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Everything, or mark the connection dead (the peer vanished). */
static void send_all(struct gdb_stub *g, const char *buf, size_t len)
{
	while (len && !g->conn_dead) {
		ssize_t n = send(g->conn, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			g->conn_dead = true;
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

void gdb_stub_send(struct gdb_stub *g, const char *payload, size_t len)
{
	if (len > GDB_REPLY_MAX)
		return;
	size_t n = gdb_frame(payload, len, g->frame);
	memcpy(g->last, g->frame, n);
	g->last_len = n;
	send_all(g, g->frame, n);
}

static void drain(int fd)
{
	uint64_t v;
	if (read(fd, &v, sizeof(v)) < 0) {
		/* EAGAIN: nothing was pending. */
	}
}

static bool stopping(struct gdb_stub *g)
{
	pthread_mutex_lock(&g->lock);
	bool s = g->stopping;
	pthread_mutex_unlock(&g->lock);
	return s;
}

/* One client, until it leaves, dies, or the stub is stopped. */
static void serve_client(struct gdb_stub *g)
{
	bool waiting = false;   /* the guest runs for gdb: a stop reply is owed */
	bool parted = false;    /* gdb detached or killed: it did not vanish */
	gdb_rx_init(&g->rx);
	g->conn_dead = false;
	g->last_len = 0;
	gdb_vm_init(&g->target, g->vm, g);
	gdb_session_init(&g->session, &gdb_vm_ops, &g->target, g->arch);
	gdb_vm_attach(&g->target);
	while (!g->conn_dead && !stopping(g)) {
		struct pollfd p[3] = {
			{ .fd = g->conn, .events = POLLIN },
			{ .fd = g->wake_fd, .events = POLLIN },
			{ .fd = g->stop_fd, .events = POLLIN },
		};
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[2].revents & POLLIN) {
			drain(g->stop_fd);
			struct gdb_stop st;
			if (waiting && gdb_vm_take_stop(&g->target, &st)) {
				waiting = false;
				gdb_session_stop_reply(&g->session, &st, &g->reply);
				gdb_stub_send(g, g->reply.buf, g->reply.len);
			}
		}
		if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		char buf[4096];
		ssize_t n = recv(g->conn, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;   /* the client vanished */
		for (ssize_t i = 0; i < n && !g->conn_dead; i++) {
			switch (gdb_rx_byte(&g->rx, (uint8_t)buf[i])) {
			case GDB_RX_NONE:
			case GDB_RX_ACK:
				break;
			case GDB_RX_NACK:
				if (!g->session.no_ack && g->last_len)
					send_all(g, g->last, g->last_len);
				break;
			case GDB_RX_BAD_CHECKSUM:
				if (!g->session.no_ack)
					send_all(g, "-", 1);
				break;
			case GDB_RX_OVERSIZE:
				if (!g->session.no_ack)
					send_all(g, "+", 1);
				gdb_reply_error(&g->reply, 0x16);
				gdb_stub_send(g, g->reply.buf, g->reply.len);
				break;
			case GDB_RX_INTERRUPT:
				if (waiting)
					gdb_vm_interrupt(&g->target);
				break;
			case GDB_RX_PACKET: {
				if (!g->session.no_ack)
					send_all(g, "+", 1);
				enum gdb_next next = gdb_session_handle(&g->session, g->rx.buf, g->rx.len,
									&g->reply);
				if (next == GDB_NEXT_WAIT_STOP) {
					waiting = true;
					struct gdb_stop st;
					/* A stop may have come before we looked. */
					if (gdb_vm_take_stop(&g->target, &st)) {
						waiting = false;
						gdb_session_stop_reply(&g->session, &st, &g->reply);
						gdb_stub_send(g, g->reply.buf, g->reply.len);
					}
					break;
				}
				if (next != GDB_NEXT_CLOSE)
					gdb_stub_send(g, g->reply.buf, g->reply.len);
				if (next != GDB_NEXT_REPLY) {
					g->conn_dead = true;
					parted = true;
				}
				break;
			}
			}
		}
	}
	gdb_vm_release(&g->target, !parted);
}

static void *stub_thread(void *arg)
{
	struct gdb_stub *g = arg;
	while (!stopping(g)) {
		struct pollfd p[2] = {
			{ .fd = g->listen_fd, .events = POLLIN },
			{ .fd = g->wake_fd, .events = POLLIN },
		};
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (!(p[0].revents & POLLIN))
			continue;
		int c = accept4(g->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0)
			continue;
		int one = 1;
		if (!g->addr.unix_socket)
			setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		g->conn = c;
		serve_client(g);
		close(c);
		g->conn = -1;
	}
	return NULL;
}

struct gdb_stub *gdb_stub_start(struct monitor *mon, const char *spec,
				enum gdb_arch_choice arch, char *err, size_t errlen)
{
	struct gdb_stub *g = calloc(1, sizeof(*g));
	if (!g) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	g->vm = &mon->m->vm;
	g->arch = arch;
	g->conn = g->listen_fd = -1;
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->cond, NULL);
	g->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	g->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	g->request_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (g->wake_fd < 0 || g->stop_fd < 0 || g->request_fd < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		goto fail;
	}
	if (gdb_parse_listen(spec, &g->addr, err, errlen) < 0 || listen_on(g, err, errlen) < 0)
		goto fail;
	pthread_mutex_lock(&g->vm->ctl_lock);
	g->vm->stop_notify_fd = g->stop_fd;
	pthread_mutex_unlock(&g->vm->ctl_lock);
	if (pthread_create(&g->thread, NULL, stub_thread, g)) {
		snprintf(err, errlen, "cannot start the gdb server's thread");
		pthread_mutex_lock(&g->vm->ctl_lock);
		g->vm->stop_notify_fd = -1;
		pthread_mutex_unlock(&g->vm->ctl_lock);
		goto fail;
	}
	pthread_setname_np(g->thread, "hvmon-gdb");
	return g;
fail:
	if (g->listen_fd >= 0)
		close(g->listen_fd);
	for (int *fd = &g->wake_fd; fd <= &g->request_fd; fd++)
		if (*fd >= 0)
			close(*fd);
	free(g);
	return NULL;
}

void gdb_stub_stop(struct gdb_stub *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	g->stopping = true;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
	uint64_t one = 1;
	if (write(g->wake_fd, &one, sizeof(one)) < 0) {
		/* Cannot fail for an eventfd far from its limit. */
	}
	pthread_join(g->thread, NULL);
	pthread_mutex_lock(&g->vm->ctl_lock);
	g->vm->stop_notify_fd = -1;
	pthread_mutex_unlock(&g->vm->ctl_lock);
	close(g->listen_fd);
	if (g->addr.unix_socket)
		unlink(g->addr.path);
	close(g->wake_fd);
	close(g->stop_fd);
	close(g->request_fd);
	free(g->cmd);
	free(g->cmd_out);
	free(g);
}

const char *gdb_stub_where(const struct gdb_stub *g)
{
	return g->where;
}

int gdb_stub_request_fd(const struct gdb_stub *g)
{
	return g ? g->request_fd : -1;
}

static void wake_monitor(struct gdb_stub *g)
{
	uint64_t one = 1;
	if (write(g->request_fd, &one, sizeof(one)) < 0) {
		/* Counter full: the monitor has a wake-up pending. */
	}
}

int gdb_stub_run_command(struct gdb_stub *g, const char *cmd, char **out)
{
	*out = NULL;
	pthread_mutex_lock(&g->lock);
	free(g->cmd);
	free(g->cmd_out);
	g->cmd_out = NULL;
	g->cmd = strdup(cmd);
	g->cmd_done = false;
	pthread_mutex_unlock(&g->lock);
	if (!g->cmd)
		return -1;
	wake_monitor(g);
	struct timespec deadline = deadline_after(CLOCK_REALTIME, GDB_RCMD_TIMEOUT_S);
	int rc = -1;
	pthread_mutex_lock(&g->lock);
	while (!g->cmd_done && !g->stopping &&
	       pthread_cond_timedwait(&g->cond, &g->lock, &deadline) != ETIMEDOUT)
		;
	if (g->cmd_done) {
		*out = g->cmd_out;
		g->cmd_out = NULL;
		rc = g->cmd_rc;
	} else {
		/* Withdrawn: the monitor will not run it late. */
		free(g->cmd);
		g->cmd = NULL;
		if (asprintf(out, "hvmon: the monitor is busy (%g s); command not run\n",
			     GDB_RCMD_TIMEOUT_S) < 0)
			*out = NULL;
	}
	pthread_mutex_unlock(&g->lock);
	return rc;
}

void gdb_stub_request_quit(struct gdb_stub *g)
{
	pthread_mutex_lock(&g->lock);
	g->quit_requested = true;
	pthread_mutex_unlock(&g->lock);
	wake_monitor(g);
}

void gdb_stub_serve(struct gdb_stub *g, struct monitor *mon)
{
	drain(g->request_fd);
	pthread_mutex_lock(&g->lock);
	char *cmd = g->cmd;
	g->cmd = NULL;
	if (g->quit_requested)
		mon->quit = true;
	pthread_mutex_unlock(&g->lock);
	if (!cmd)
		return;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc = -1;
	if (f) {
		/* The command runs as if typed, its output and errors going to
		 * gdb instead of the terminal. */
		mon->capture = f;
		mon->in_command = true;
		rc = mon_execute(mon, cmd);
		mon->in_command = false;
		mon->capture = NULL;
		fclose(f);
	}
	free(cmd);
	pthread_mutex_lock(&g->lock);
	g->cmd_out = text;
	g->cmd_rc = rc < 0 ? -1 : 0;
	g->cmd_done = true;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}
