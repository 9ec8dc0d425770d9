// SPDX-License-Identifier: GPL-3.0-or-later
/* The request dispatcher: gdb manual, E.2 "Packets", E.3 "Stop Reply
 * Packets", E.4 "General Query Packets". Threads are vCPUs: thread id N+1
 * is vCPU N (thread ids are positive; 0 and -1 mean any and all). */
#include "monitor/gdb_session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Error codes in Exx replies: gdb shows them, nothing more; errno values
 * as gdbserver uses. */
#define GDB_EPERM  0x01
#define GDB_ENOENT 0x02
#define GDB_EFAULT 0x0e
#define GDB_EBUSY  0x10
#define GDB_EINVAL 0x16

#define SIGINT_NR  2
#define SIGILL_NR  4
#define SIGTRAP_NR 5
#define SIGABRT_NR 6

void gdb_session_init(struct gdb_session *s, const struct gdb_target_ops *ops, void *target,
		      enum gdb_arch_choice arch)
{
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->target = target;
	s->arch_choice = arch;
}

static int ncpus(struct gdb_session *s)
{
	int n = s->ops->ncpus(s->target);
	return n > 0 ? n : 1;
}

/* Thread id -> vCPU; -1 when it names none. Any (0) and all (-1) mean
 * the current one. */
static int thread_cpu(struct gdb_session *s, long thread, int current)
{
	if (thread == GDB_THREAD_ANY || thread == GDB_THREAD_ALL)
		return current;
	return thread >= 1 && thread <= ncpus(s) ? (int)thread - 1 : -1;
}

/* The architecture gdb is told once per connection, from the selected
 * vCPU's mode at that moment (a PVH entry is 32-bit), unless the user
 * chose one: gdb cannot change architecture inside a connection. */
static enum gdb_arch session_arch(struct gdb_session *s)
{
	if (!s->arch_fixed) {
		if (s->arch_choice == GDB_ARCH_FORCE_I386)
			s->arch = GDB_ARCH_I386;
		else if (s->arch_choice == GDB_ARCH_FORCE_X86_64)
			s->arch = GDB_ARCH_X86_64;
		else
			s->arch = s->ops->cpu_bits(s->target, s->gcpu) == 64 ? GDB_ARCH_X86_64
									    : GDB_ARCH_I386;
		s->arch_fixed = true;
	}
	return s->arch;
}

/* Register and memory access needs a stopped machine. */
static bool busy(struct gdb_session *s, struct gdb_reply *r)
{
	if (!s->ops->running(s->target))
		return false;
	gdb_reply_error(r, GDB_EBUSY);
	return true;
}

static void read_regs(struct gdb_session *s, struct gdb_reply *r)
{
	struct gdb_cpu_state st;
	enum gdb_arch arch = session_arch(s);
	if (busy(s, r))
		return;
	if (s->ops->get_state(s->target, s->gcpu, &st) < 0) {
		gdb_reply_error(r, GDB_EFAULT);
		return;
	}
	uint8_t v[16];
	for (int i = 0; i < gdb_reg_count(arch); i++) {
		size_t n = gdb_reg_get(arch, &st, i, v);
		gdb_reply_hex(r, v, n);
	}
}

static void write_regs(struct gdb_session *s, const struct gdb_request *q, struct gdb_reply *r)
{
	struct gdb_cpu_state st;
	enum gdb_arch arch = session_arch(s);
	if (busy(s, r))
		return;
	if (q->data_len != 2 * gdb_regs_size(arch)) {
		gdb_reply_error(r, GDB_EINVAL);
		return;
	}
	if (s->ops->get_state(s->target, s->gcpu, &st) < 0) {
		gdb_reply_error(r, GDB_EFAULT);
		return;
	}
	const char *p = q->data;
	uint8_t v[16];
	for (int i = 0; i < gdb_reg_count(arch); i++) {
		size_t n = gdb_reg_desc(arch, i)->bits / 8;
		if (gdb_hex_decode(p, n, v) < 0 || gdb_reg_set(arch, &st, i, v) < 0) {
			gdb_reply_error(r, GDB_EINVAL);
			return;
		}
		p += 2 * n;
	}
	if (s->ops->set_state(s->target, s->gcpu, &st) < 0)
		gdb_reply_error(r, GDB_EFAULT);
	else
		gdb_reply_str(r, "OK");
}

static void read_reg(struct gdb_session *s, const struct gdb_request *q, struct gdb_reply *r)
{
	struct gdb_cpu_state st;
	enum gdb_arch arch = session_arch(s);
	uint8_t v[16];
	if (busy(s, r))
		return;
	if (!gdb_reg_desc(arch, (int)q->regno)) {
		gdb_reply_error(r, GDB_EINVAL);
		return;
	}
	if (s->ops->get_state(s->target, s->gcpu, &st) < 0) {
		gdb_reply_error(r, GDB_EFAULT);
		return;
	}
	gdb_reply_hex(r, v, gdb_reg_get(arch, &st, (int)q->regno, v));
}

static void write_reg(struct gdb_session *s, const struct gdb_request *q, struct gdb_reply *r)
{
	struct gdb_cpu_state st;
	enum gdb_arch arch = session_arch(s);
	const struct gdb_reg_desc *d = gdb_reg_desc(arch, (int)q->regno);
	uint8_t v[16];
	if (busy(s, r))
		return;
	if (!d || q->data_len != d->bits / 4 || gdb_hex_decode(q->data, d->bits / 8, v) < 0) {
		gdb_reply_error(r, GDB_EINVAL);
		return;
	}
	if (s->ops->get_state(s->target, s->gcpu, &st) < 0) {
		gdb_reply_error(r, GDB_EFAULT);
		return;
	}
	if (gdb_reg_set(arch, &st, (int)q->regno, v) < 0) {
		gdb_reply_error(r, GDB_EPERM);
		return;
	}
	if (s->ops->set_state(s->target, s->gcpu, &st) < 0)
		gdb_reply_error(r, GDB_EFAULT);
	else
		gdb_reply_str(r, "OK");
}

/* Largest m reply that fits the reply buffer (and gdb's PacketSize). */
#define MEM_READ_MAX (GDB_PACKET_MAX / 2)

static void read_mem(struct gdb_session *s, const struct gdb_request *q, struct gdb_reply *r)
{
	uint8_t *buf = s->mem;
	if (busy(s, r))
		return;
	size_t want = q->len < MEM_READ_MAX ? (size_t)q->len : MEM_READ_MAX;
	size_t got = want ? s->ops->read_mem(s->target, s->gcpu, s->phys_mem, q->addr, buf, want)
			  : 0;
	/* E.2: a reply may be shorter than asked; nothing readable is an error. */
	if (want && !got)
		gdb_reply_error(r, GDB_EFAULT);
	else
		gdb_reply_hex(r, buf, got);
}

static void write_mem(struct gdb_session *s, const struct gdb_request *q, struct gdb_reply *r)
{
	uint8_t *buf = s->mem;
	if (busy(s, r))
		return;
	const void *data = q->data;
	size_t n = (size_t)q->len;
	if (q->kind == GDB_REQ_WRITE_MEM) {
		if (gdb_hex_decode(q->data, n, buf) < 0) {
			gdb_reply_error(r, GDB_EINVAL);
			return;
		}
		data = buf;
	}
	if (n && s->ops->write_mem(s->target, s->gcpu, s->phys_mem, q->addr, data, n) != n)
		gdb_reply_error(r, GDB_EFAULT);
	else
		gdb_reply_str(r, "OK");
}

static void console_text(struct gdb_session *s, const char *text)
{
	/* E.3 "O XX...": output for gdb's console, hex-encoded, in chunks
	 * that fit a packet. */
	struct gdb_reply *o = &s->console;
	size_t len = strlen(text);
	for (size_t off = 0; off < len;) {
		size_t n = len - off < GDB_PACKET_MAX / 2 - 8 ? len - off : GDB_PACKET_MAX / 2 - 8;
		gdb_reply_clear(o);
		gdb_reply_str(o, "O");
		gdb_reply_hex(o, text + off, n);
		s->ops->send(s->target, o->buf, o->len);
		off += n;
	}
}

static void breakpoint(struct gdb_session *s, const struct gdb_request *q, struct gdb_reply *r)
{
	if (busy(s, r))
		return;
	/* Software breakpoints on x86 are one byte (kind 1); watchpoints
	 * cover len bytes, which must not be 0 or wrap. */
	uint64_t len = q->len;
	if ((q->type >= GDB_BP_WRITE && (len == 0 || q->addr + len < q->addr)) ||
	    (q->type < GDB_BP_WRITE && len > 16)) {
		gdb_reply_error(r, GDB_EINVAL);
		return;
	}
	if (q->kind == GDB_REQ_INSERT_BP) {
		char err[128] = "";
		if (s->ops->insert_bp(s->target, s->gcpu, (enum gdb_bp_type)q->type, q->addr, len,
				      err, sizeof(err)) < 0) {
			if (err[0]) {
				char line[160];
				snprintf(line, sizeof(line), "hvmon: %s\n", err);
				console_text(s, line);
			}
			gdb_reply_error(r, GDB_EINVAL);
			return;
		}
	} else if (s->ops->remove_bp(s->target, s->gcpu, (enum gdb_bp_type)q->type, q->addr,
				     len) < 0) {
		gdb_reply_error(r, GDB_ENOENT);
		return;
	}
	gdb_reply_str(r, "OK");
}

void gdb_session_stop_reply(struct gdb_session *s, const struct gdb_stop *st,
			    struct gdb_reply *r)
{
	static const char *const watch_names[] = {
		[GDB_BP_WRITE] = "watch", [GDB_BP_READ] = "rwatch", [GDB_BP_ACCESS] = "awatch",
	};
	gdb_reply_clear(r);
	if (st->text[0]) {
		char line[sizeof(st->text) + 16];
		snprintf(line, sizeof(line), "hvmon: %s\n", st->text);
		console_text(s, line);
	}
	switch (st->kind) {
	case GDB_STOP_EXITED:
		gdb_reply_str(r, "W00");
		return;
	case GDB_STOP_KILLED:
		gdb_reply_printf(r, "X%02x", SIGABRT_NR);
		return;
	default:
		break;
	}
	int sig = st->kind == GDB_STOP_INT ? SIGINT_NR : st->kind == GDB_STOP_FAULT ? SIGILL_NR
										      : SIGTRAP_NR;
	int cpu = st->cpu >= 0 && st->cpu < ncpus(s) ? st->cpu : 0;
	s->gcpu = s->ccpu = cpu;
	gdb_reply_printf(r, "T%02xthread:%x;", sig, cpu + 1);
	if (st->kind != GDB_STOP_TRAP)
		return;
	if (st->reason >= GDB_BP_WRITE && st->reason <= GDB_BP_ACCESS)
		gdb_reply_printf(r, "%s:%llx;", watch_names[st->reason],
				 (unsigned long long)st->watch_addr);
	else if (st->reason == GDB_BP_SW && s->swbreak)
		gdb_reply_str(r, "swbreak:;");
	else if (st->reason == GDB_BP_HW && s->hwbreak)
		gdb_reply_str(r, "hwbreak:;");
}

/* vCont and its short forms. All-stop: a step runs one vCPU while the
 * others stay stopped (as the monitor's step); otherwise everyone runs. */
static enum gdb_next resume(struct gdb_session *s, const struct gdb_request *q,
			    struct gdb_reply *r)
{
	if (busy(s, r))
		return GDB_NEXT_REPLY;
	for (int i = 0; i < q->nact; i++) {
		if (q->act[i].op != 's')
			continue;
		/* "s" and "vCont;s" without a thread step Hc's vCPU. */
		int cpu = thread_cpu(s, q->act[i].thread, s->ccpu);
		if (cpu < 0) {
			gdb_reply_error(r, GDB_EINVAL);
			return GDB_NEXT_REPLY;
		}
		struct gdb_stop st;
		s->ops->step(s->target, cpu, &st);
		gdb_session_stop_reply(s, &st, r);
		return GDB_NEXT_REPLY;
	}
	s->ops->resume(s->target);
	return GDB_NEXT_WAIT_STOP;
}

static void supported(struct gdb_session *s, const struct gdb_request *q, struct gdb_reply *r)
{
	/* The client's features, ';'-separated (E.4 qSupported). */
	const char *f = q->features;
	s->swbreak = strstr(f, "swbreak+") != NULL;
	s->hwbreak = strstr(f, "hwbreak+") != NULL;
	gdb_reply_printf(r, "PacketSize=%x;QStartNoAckMode+;qXfer:features:read+;"
			 "qXfer:threads:read+;vContSupported+", GDB_PACKET_MAX);
	if (s->swbreak)
		gdb_reply_str(r, ";swbreak+");
	if (s->hwbreak)
		gdb_reply_str(r, ";hwbreak+");
}

static void xfer_chunk(const char *doc, size_t len, const struct gdb_request *q,
		       struct gdb_reply *r)
{
	/* E.4 qXfer: 'm' more to come, 'l' last, data escaped as binary. */
	if (q->offset >= len) {
		gdb_reply_str(r, "l");
		return;
	}
	size_t avail = len - (size_t)q->offset;
	size_t want = q->length < avail ? (size_t)q->length : avail;
	size_t n = gdb_binary_fit(doc + q->offset, want, GDB_PACKET_MAX - 1);
	gdb_reply_str(r, n < avail ? "m" : "l");
	gdb_reply_binary(r, doc + q->offset, n);
}

static void xfer(struct gdb_session *s, const struct gdb_request *q, struct gdb_reply *r)
{
	if (!strcmp(q->object, "features")) {
		if (strcmp(q->annex, "target.xml")) {
			gdb_reply_error(r, GDB_ENOENT);
			return;
		}
		size_t len;
		const char *xml = gdb_target_xml(session_arch(s), &len);
		xfer_chunk(xml, len, q, r);
	} else if (!strcmp(q->object, "threads")) {
		char doc[64 + 64 * 64];
		size_t n = (size_t)snprintf(doc, sizeof(doc), "<?xml version=\"1.0\"?>\n<threads>\n");
		int cpus = ncpus(s);
		for (int i = 0; i < cpus && i < 64; i++)
			n += (size_t)snprintf(doc + n, sizeof(doc) - n,
					      "<thread id=\"%x\" name=\"vCPU %d\"/>\n", i + 1, i);
		n += (size_t)snprintf(doc + n, sizeof(doc) - n, "</threads>\n");
		xfer_chunk(doc, n, q, r);
	} else {
		gdb_reply_clear(r);   /* not offered: empty reply */
	}
}

static void rcmd(struct gdb_session *s, const struct gdb_request *q, struct gdb_reply *r)
{
	size_t n = q->data_len / 2;
	char *cmd = malloc(n + 1);
	if (!cmd) {
		gdb_reply_error(r, GDB_EFAULT);
		return;
	}
	if (gdb_hex_decode(q->data, n, (uint8_t *)cmd) < 0 || memchr(cmd, '\0', n)) {
		free(cmd);
		gdb_reply_error(r, GDB_EINVAL);
		return;
	}
	cmd[n] = '\0';
	char *out = NULL;
	int rc = s->ops->rcmd(s->target, cmd, &out);
	free(cmd);
	if (out)
		console_text(s, out);
	free(out);
	if (rc < 0)
		gdb_reply_error(r, GDB_EINVAL);
	else
		gdb_reply_str(r, "OK");
}

enum gdb_next gdb_session_handle(struct gdb_session *s, char *payload, size_t len,
				 struct gdb_reply *r)
{
	struct gdb_request *q = &s->req;
	gdb_parse_request(payload, len, q);
	gdb_reply_clear(r);
	switch (q->kind) {
	case GDB_REQ_UNKNOWN:
		break;   /* E.2: an empty reply means "not supported" */
	case GDB_REQ_MALFORMED:
		gdb_reply_error(r, GDB_EINVAL);
		break;
	case GDB_REQ_HALT_REASON: {
		struct gdb_stop st;
		s->ops->last_stop(s->target, &st);
		st.text[0] = '\0';   /* said when it happened */
		/* A paused machine is just stopped to a client that asks how:
		 * SIGINT is the answer to its own Ctrl-C only (gdbserver and
		 * QEMU answer an attach with SIGTRAP too). */
		if (st.kind == GDB_STOP_INT)
			st.kind = GDB_STOP_TRAP;
		gdb_session_stop_reply(s, &st, r);
		break;
	}
	case GDB_REQ_READ_REGS:
		read_regs(s, r);
		break;
	case GDB_REQ_WRITE_REGS:
		write_regs(s, q, r);
		break;
	case GDB_REQ_READ_REG:
		read_reg(s, q, r);
		break;
	case GDB_REQ_WRITE_REG:
		write_reg(s, q, r);
		break;
	case GDB_REQ_READ_MEM:
		read_mem(s, q, r);
		break;
	case GDB_REQ_WRITE_MEM:
	case GDB_REQ_WRITE_MEM_BIN:
		write_mem(s, q, r);
		break;
	case GDB_REQ_INSERT_BP:
	case GDB_REQ_REMOVE_BP:
		breakpoint(s, q, r);
		break;
	case GDB_REQ_RESUME:
		return resume(s, q, r);
	case GDB_REQ_VCONT_QUERY:
		gdb_reply_str(r, "vCont;c;C;s;S");
		break;
	case GDB_REQ_SET_THREAD: {
		int cpu = thread_cpu(s, q->thread, q->thread_op == 'g' ? s->gcpu : s->ccpu);
		if (cpu < 0) {
			gdb_reply_error(r, GDB_ENOENT);
			break;
		}
		if (q->thread_op == 'g')
			s->gcpu = cpu;
		else
			s->ccpu = cpu;
		gdb_reply_str(r, "OK");
		break;
	}
	case GDB_REQ_THREAD_ALIVE:
		if (q->thread >= 1 && q->thread <= ncpus(s))
			gdb_reply_str(r, "OK");
		else
			gdb_reply_error(r, GDB_ENOENT);
		break;
	case GDB_REQ_DETACH:
		s->ops->detach(s->target);
		gdb_reply_str(r, "OK");
		return GDB_NEXT_REPLY_CLOSE;
	case GDB_REQ_KILL:
		s->ops->kill(s->target);
		return GDB_NEXT_CLOSE;
	case GDB_REQ_SUPPORTED:
		supported(s, q, r);
		break;
	case GDB_REQ_NO_ACK:
		/* E.11: acknowledgements stop after this packet's "OK". */
		s->no_ack = true;
		gdb_reply_str(r, "OK");
		break;
	case GDB_REQ_XFER:
		xfer(s, q, r);
		break;
	case GDB_REQ_THREAD_FIRST:
		s->thread_iter = 0;
		/* fall through */
	case GDB_REQ_THREAD_NEXT:
		if (s->thread_iter >= ncpus(s)) {
			gdb_reply_str(r, "l");
			break;
		}
		gdb_reply_str(r, "m");
		for (int i = s->thread_iter; i < ncpus(s); i++)
			gdb_reply_printf(r, "%s%x", i > s->thread_iter ? "," : "", i + 1);
		s->thread_iter = ncpus(s);
		break;
	case GDB_REQ_CURRENT_THREAD:
		gdb_reply_printf(r, "QC%x", s->gcpu + 1);
		break;
	case GDB_REQ_THREAD_EXTRA: {
		int cpu = thread_cpu(s, q->thread, s->gcpu);
		char name[32];
		if (cpu < 0) {
			gdb_reply_error(r, GDB_ENOENT);
			break;
		}
		snprintf(name, sizeof(name), "vCPU %d", cpu);
		gdb_reply_hex(r, name, strlen(name));
		break;
	}
	case GDB_REQ_RCMD:
		rcmd(s, q, r);
		break;
	case GDB_REQ_ATTACHED:
		/* "1": we attached to a machine that was already there, so
		 * gdb's quit detaches rather than kills. */
		gdb_reply_str(r, "1");
		break;
	case GDB_REQ_PHYS_MODE_SET:
		s->phys_mem = q->flag;
		gdb_reply_str(r, "OK");
		break;
	case GDB_REQ_PHYS_MODE_GET:
		gdb_reply_str(r, s->phys_mem ? "1" : "0");
		break;
	}
	if (r->overflow)
		gdb_reply_error(r, GDB_EINVAL);
	return GDB_NEXT_REPLY;
}
