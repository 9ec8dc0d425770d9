// SPDX-License-Identifier: GPL-3.0-or-later
/* The gdb server's socket and thread (gdb_stub.c) without KVM: a machine
 * with guest RAM but no vCPU, a client on a real socket, and this test
 * playing the monitor thread (serving gdb's monitor commands and kill).
 * What KVM would answer is covered by the integration tests. */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include "monitor/gdb_packet.h"
#include "monitor/gdb_stub.h"
#include "monitor/monitor.h"
#include "unit.h"
#include "vmm/breakpoint.h"

static struct machine machine;
static struct monitor mon;

static struct gdb_stub *start(const char *spec)
{
	char err[256];
	memset(&machine, 0, sizeof(machine));
	ck_assert_int_eq(vm_init_memory(&machine.vm, 16 << 20, err, sizeof(err)), 0);
	memset(&mon, 0, sizeof(mon));
	mon.m = &machine;
	mon.out = stdout;
	struct gdb_stub *g = gdb_stub_start(&mon, spec, GDB_ARCH_AUTO, err, sizeof(err));
	ck_assert_msg(g != NULL, "%s", err);
	return g;
}

static void finish(struct gdb_stub *g)
{
	gdb_stub_stop(g);
	gmem_free(&machine.vm.mem);
}

static int connect_tcp(struct gdb_stub *g)
{
	const char *where = gdb_stub_where(g);
	const char *colon = strrchr(where, ':');
	ck_assert_ptr_nonnull(colon);
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(colon + 1)) };
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	return fd;
}

static void put(int fd, const char *payload)
{
	char frame[GDB_REPLY_MAX + 8];
	size_t n = gdb_frame(payload, strlen(payload), frame);
	ck_assert_int_eq(send(fd, frame, n, MSG_NOSIGNAL), (ssize_t)n);
}

/* Everything up to and including the next packet's checksum. */
static const char *get(int fd)
{
	static char buf[GDB_REPLY_MAX + 16];
	size_t n = 0;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ck_assert_int_eq(poll(&p, 1, 5000), 1);
		ssize_t r = recv(fd, buf + n, 1, 0);
		ck_assert_int_eq(r, 1);
		n++;
		buf[n] = '\0';
		char *hash = strchr(buf, '#');
		if (hash && strlen(hash) == 3)
			return buf;
		ck_assert_uint_lt(n, sizeof(buf) - 1);
	}
}

/* The next reply is payload (after a '+' unless no-ack). */
static void expect(int fd, bool ack, const char *payload)
{
	char want[512];
	want[0] = '+';
	gdb_frame(payload, strlen(payload), want + ack);
	want[ack + strlen(payload) + 4] = '\0';
	ck_assert_str_eq(get(fd), want);
}

/* Play the monitor thread once gdb has asked for something. */
static void serve_monitor(struct gdb_stub *g)
{
	struct pollfd p = { .fd = gdb_stub_request_fd(g), .events = POLLIN };
	ck_assert_int_eq(poll(&p, 1, 5000), 1);
	gdb_stub_serve(g, &mon);
}

START_TEST(serves_packets_without_vcpus)
{
	struct gdb_stub *g = start("tcp:127.0.0.1:0");
	ck_assert_ptr_nonnull(strstr(gdb_stub_where(g), "127.0.0.1:"));
	int fd = connect_tcp(g);
	put(fd, "qSupported:swbreak+");
	ck_assert_ptr_nonnull(strstr(get(fd), "+$PacketSize=4000;"));
	put(fd, "?");
	expect(fd, true, "T05thread:1;");
	/* no vCPU to read: an error, and the connection stays */
	put(fd, "g");
	expect(fd, true, "E0e");
	put(fd, "QStartNoAckMode");
	expect(fd, true, "OK");
	put(fd, "m1000");
	expect(fd, false, "E16");
	ck_assert_int_eq(send(fd, "$g#00", 5, 0), 5);   /* no NAK in no-ack mode */
	put(fd, "vMustReplyEmpty");
	expect(fd, false, "");
	/* oversized */
	static char big[GDB_PACKET_MAX + 64];
	memset(big, 'q', sizeof(big));
	big[0] = '$';
	memcpy(big + sizeof(big) - 3, "#00", 3);
	ck_assert_int_eq(send(fd, big, sizeof(big), 0), (ssize_t)sizeof(big));
	expect(fd, false, "E16");
	close(fd);
	finish(g);
}
END_TEST

START_TEST(monitor_commands_run_on_the_monitor_thread)
{
	struct gdb_stub *g = start("tcp:0");
	int fd = connect_tcp(g);
	put(fd, "QStartNoAckMode");
	expect(fd, true, "OK");
	static char pkt[GDB_REPLY_MAX + 8] = "qRcmd,";
	struct gdb_reply hex;
	gdb_reply_clear(&hex);
	gdb_reply_hex(&hex, "echo hello gdb", 14);
	strcat(pkt, hex.buf);
	put(fd, pkt);
	serve_monitor(g);
	/* "hello gdb\n" as an O packet, then OK */
	expect(fd, false, "O68656c6c6f206764620a");
	expect(fd, false, "OK");
	/* a failing command: its error line, then an error reply */
	gdb_reply_clear(&hex);
	gdb_reply_hex(&hex, "nosuch", 6);
	snprintf(pkt, sizeof(pkt), "qRcmd,%.60s", hex.buf);
	put(fd, pkt);
	serve_monitor(g);
	ck_assert_ptr_nonnull(strstr(get(fd), "$O6572726f723a20"));   /* "error: " */
	expect(fd, false, "E16");
	ck_assert(!mon.quit);
	/* kill: no reply, the monitor is asked to quit */
	put(fd, "k");
	serve_monitor(g);
	ck_assert(mon.quit);
	char c;
	ck_assert_int_eq(recv(fd, &c, 1, 0), 0);   /* the stub closed it */
	close(fd);
	finish(g);
}
END_TEST

START_TEST(a_vanished_client_leaves_it_ready)
{
	struct gdb_stub *g = start("tcp:127.0.0.1:0");
	int fd = connect_tcp(g);
	ck_assert_int_eq(send(fd, "$qSupp", 6, 0), 6);   /* half a packet, then gone */
	close(fd);
	fd = connect_tcp(g);
	put(fd, "qC");
	expect(fd, true, "QC1");
	put(fd, "D");
	expect(fd, true, "OK");
	char c;
	ck_assert_int_eq(recv(fd, &c, 1, 0), 0);   /* detach ends the connection */
	close(fd);
	fd = connect_tcp(g);
	put(fd, "qC");
	expect(fd, true, "QC1");
	close(fd);
	finish(g);
}
END_TEST

/* gdb's breakpoints are hvmon's: in the VM's table while set, gone with
 * z0 or with the client. */
START_TEST(breakpoints_are_hvmons)
{
	struct gdb_stub *g = start("tcp:127.0.0.1:0");
	struct vm *vm = &machine.vm;
	int fd = connect_tcp(g);
	put(fd, "Z0,1000000,1");
	expect(fd, true, "OK");
	put(fd, "Z0,1000000,1");   /* twice is fine (E.2) */
	expect(fd, true, "OK");
	put(fd, "Z1,1000010,1");
	expect(fd, true, "OK");
	pthread_mutex_lock(&vm->ctl_lock);
	struct breakpoint *b = bp_find_gva(&vm->bps, 0x1000000);
	ck_assert_ptr_nonnull(b);
	ck_assert_str_eq(b->where, "gdb");
	ck_assert_ptr_nonnull(hwbp_exec_at(&vm->bps, 0x1000010));
	pthread_mutex_unlock(&vm->ctl_lock);
	put(fd, "z0,1000000,1");
	expect(fd, true, "OK");
	put(fd, "z0,1000000,1");
	expect(fd, true, "E02");
	pthread_mutex_lock(&vm->ctl_lock);
	ck_assert_ptr_null(bp_find_gva(&vm->bps, 0x1000000));
	pthread_mutex_unlock(&vm->ctl_lock);
	/* a watch needs a vCPU to translate the address: refused, saying why */
	put(fd, "Z2,1000020,8");
	ck_assert_ptr_nonnull(strstr(get(fd), "6e6f74206d6170706564"));   /* "not mapped" */
	expect(fd, false, "E16");
	/* so is one too long to translate page by page in reasonable time */
	put(fd, "Z2,1000020,ffffffffffff");
	ck_assert_ptr_nonnull(strstr(get(fd), "6d6f7265207468616e"));   /* "more than" */
	expect(fd, false, "E16");
	/* a monitor breakpoint at the same place is shared, not taken over */
	pthread_mutex_lock(&vm->ctl_lock);
	int mine = bp_add(&vm->bps, 0x1000030, false, "monitor", NULL);
	pthread_mutex_unlock(&vm->ctl_lock);
	put(fd, "Z0,1000030,1");
	expect(fd, true, "OK");
	put(fd, "z0,1000030,1");
	expect(fd, true, "OK");
	pthread_mutex_lock(&vm->ctl_lock);
	ck_assert_ptr_nonnull(bp_find_gva(&vm->bps, 0x1000030));
	pthread_mutex_unlock(&vm->ctl_lock);
	ck_assert_int_gt(mine, 0);
	/* the client goes: its breakpoints go with it */
	put(fd, "Z0,1000040,1");
	expect(fd, true, "OK");
	close(fd);
	fd = connect_tcp(g);   /* served once the old one is cleaned up */
	put(fd, "qC");
	expect(fd, true, "QC1");
	pthread_mutex_lock(&vm->ctl_lock);
	ck_assert_ptr_null(bp_find_gva(&vm->bps, 0x1000040));
	ck_assert(!hwbp_any(&vm->bps));
	ck_assert_ptr_nonnull(bp_find_gva(&vm->bps, 0x1000030));
	pthread_mutex_unlock(&vm->ctl_lock);
	close(fd);
	finish(g);
}
END_TEST

START_TEST(unix_socket)
{
	char path[64];
	snprintf(path, sizeof(path), "/tmp/hvmon-gdb-test-%d.sock", (int)getpid());
	char spec[80];
	snprintf(spec, sizeof(spec), "unix:%s", path);
	struct gdb_stub *g = start(spec);
	ck_assert_str_eq(gdb_stub_where(g), path);
	struct sockaddr_un su = { .sun_family = AF_UNIX };
	snprintf(su.sun_path, sizeof(su.sun_path), "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&su, sizeof(su)), 0);
	put(fd, "qAttached");
	expect(fd, true, "1");
	close(fd);
	finish(g);
	ck_assert_int_ne(access(path, F_OK), 0);   /* removed */
}
END_TEST

START_TEST(listen_addresses)
{
	struct gdb_listen_addr a;
	char err[256];
	ck_assert_int_eq(gdb_parse_listen("tcp:1234", &a, err, sizeof(err)), 0);
	ck_assert_str_eq(a.host, "127.0.0.1");
	ck_assert_uint_eq(a.port, 1234);
	ck_assert_int_eq(gdb_parse_listen("tcp:0.0.0.0:99", &a, err, sizeof(err)), 0);
	ck_assert_str_eq(a.host, "0.0.0.0");
	ck_assert_int_eq(gdb_parse_listen("tcp:localhost:5", &a, err, sizeof(err)), 0);
	ck_assert_str_eq(a.host, "127.0.0.1");
	ck_assert_int_eq(gdb_parse_listen("unix:/tmp/x", &a, err, sizeof(err)), 0);
	ck_assert(a.unix_socket);
	static const char *const bad[] = {
		"1234", "tcp:", "tcp:65536", "tcp:abc", "tcp::1", "tcp:example.org:1", "udp:1",
		"unix:", "tcp:1.2.3.4.5:1", "tcp:-1",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ck_assert_msg(gdb_parse_listen(bad[i], &a, err, sizeof(err)) < 0, "%s accepted", bad[i]);
		ck_assert(err[0]);
	}
	char err2[256];
	struct gdb_stub *g = start("tcp:127.0.0.1:0");
	char spec[64];
	snprintf(spec, sizeof(spec), "tcp:%s", gdb_stub_where(g));
	/* the port is taken: a clear error */
	struct gdb_stub *g2 = gdb_stub_start(&mon, spec, GDB_ARCH_AUTO, err2, sizeof(err2));
	ck_assert_ptr_null(g2);
	ck_assert_ptr_nonnull(strstr(err2, "cannot listen on"));
	finish(g);
}
END_TEST

static Suite *gdb_stub_suite(void)
{
	Suite *s = suite_create("gdb_stub");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, serves_packets_without_vcpus);
	tcase_add_test(tc, monitor_commands_run_on_the_monitor_thread);
	tcase_add_test(tc, a_vanished_client_leaves_it_ready);
	tcase_add_test(tc, breakpoints_are_hvmons);
	tcase_add_test(tc, unix_socket);
	tcase_add_test(tc, listen_addresses);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(gdb_stub_suite)
