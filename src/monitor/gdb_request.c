// SPDX-License-Identifier: GPL-3.0-or-later
/* Packet payload -> request (gdb manual, E.2 and E.4). */
#include "monitor/gdb_request.h"

#include <string.h>

#include "monitor/gdb_packet.h"

struct cursor {
	const char *p, *end;
};

static bool eat(struct cursor *c, char ch)
{
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return true;
	}
	return false;
}

static bool hex_num(struct cursor *c, uint64_t *v)
{
	return gdb_parse_hex_u64(&c->p, c->end, v);
}

static bool at_end(const struct cursor *c)
{
	return c->p == c->end;
}

/* Thread ids (E.2 "thread-id"): hex, "0" any, "-1" all. Ours are small
 * positive numbers; anything larger is refused here. */
static bool thread_id(struct cursor *c, long *t)
{
	if (c->p + 1 < c->end && c->p[0] == '-' && c->p[1] == '1') {
		c->p += 2;
		*t = GDB_THREAD_ALL;
		return true;
	}
	uint64_t v;
	if (!hex_num(c, &v) || v > 0x7fffffff)
		return false;
	*t = (long)v;
	return true;
}

static bool starts(const char *p, size_t len, const char *word)
{
	size_t n = strlen(word);
	return len >= n && !memcmp(p, word, n);
}

/* m addr,length / M addr,length:XX... / X addr,length:bin */
static void parse_mem(struct cursor *c, struct gdb_request *r, char *payload, size_t len)
{
	enum gdb_req_kind k = r->kind;
	r->kind = GDB_REQ_MALFORMED;
	if (!hex_num(c, &r->addr) || !eat(c, ',') || !hex_num(c, &r->len))
		return;
	if (k == GDB_REQ_READ_MEM) {
		if (at_end(c))
			r->kind = k;
		return;
	}
	if (!eat(c, ':'))
		return;
	size_t off = (size_t)(c->p - payload);
	r->data = c->p;
	if (k == GDB_REQ_WRITE_MEM) {
		r->data_len = len - off;
		if (r->data_len != 2 * r->len)
			return;
	} else {
		size_t n = gdb_unescape(payload + off, len - off);
		if (n == (size_t)-1 || n != r->len)
			return;
		r->data_len = n;
	}
	r->kind = k;
}

/* vCont[;action[:thread-id]]... (E.2): c, s, and C/S with a signal, which
 * a virtual machine has nowhere to deliver and treats as c/s. */
static void parse_vcont(struct cursor *c, struct gdb_request *r)
{
	r->kind = GDB_REQ_MALFORMED;
	r->nact = 0;
	while (eat(c, ';')) {
		if (r->nact == GDB_VCONT_MAX || at_end(c))
			return;
		char op = *c->p++;
		uint64_t sig;
		if (op == 'C' || op == 'S') {
			if (!hex_num(c, &sig) || sig > 0xff)
				return;
			op = op == 'C' ? 'c' : 's';
		} else if (op != 'c' && op != 's') {
			return;
		}
		long t = GDB_THREAD_ALL;
		if (eat(c, ':') && !thread_id(c, &t))
			return;
		r->act[r->nact++] = (struct gdb_action){ .op = op, .thread = t };
	}
	if (at_end(c) && r->nact)
		r->kind = GDB_REQ_RESUME;
}

/* qXfer:object:read:annex:offset,length */
static void parse_xfer(struct cursor *c, struct gdb_request *r)
{
	r->kind = GDB_REQ_MALFORMED;
	const char *f[3];
	size_t n[3];
	for (int i = 0; i < 3; i++) {
		f[i] = c->p;
		const char *colon = memchr(c->p, ':', (size_t)(c->end - c->p));
		if (!colon)
			return;
		n[i] = (size_t)(colon - c->p);
		c->p = colon + 1;
	}
	if (n[0] >= sizeof(r->object) || n[2] >= sizeof(r->annex))
		return;
	if (n[1] != 4 || memcmp(f[1], "read", 4)) {
		r->kind = GDB_REQ_UNKNOWN;   /* qXfer writes: not offered */
		return;
	}
	memcpy(r->object, f[0], n[0]);
	r->object[n[0]] = '\0';
	memcpy(r->annex, f[2], n[2]);
	r->annex[n[2]] = '\0';
	if (!hex_num(c, &r->offset) || !eat(c, ',') || !hex_num(c, &r->length) || !at_end(c))
		return;
	r->kind = GDB_REQ_XFER;
}

static void parse_query(char *payload, size_t len, struct gdb_request *r)
{
	struct cursor c = { payload, payload + len };
	if (starts(payload, len, "qSupported")) {
		r->kind = GDB_REQ_SUPPORTED;
		r->features = len > 11 && payload[10] == ':' ? payload + 11 : "";
	} else if (starts(payload, len, "qXfer:")) {
		c.p += 6;
		parse_xfer(&c, r);
	} else if (len == 12 && starts(payload, len, "qfThreadInfo")) {
		r->kind = GDB_REQ_THREAD_FIRST;
	} else if (len == 12 && starts(payload, len, "qsThreadInfo")) {
		r->kind = GDB_REQ_THREAD_NEXT;
	} else if (len == 2 && payload[1] == 'C') {
		r->kind = GDB_REQ_CURRENT_THREAD;
	} else if (starts(payload, len, "qThreadExtraInfo,")) {
		c.p += 17;
		r->kind = thread_id(&c, &r->thread) && at_end(&c) ? GDB_REQ_THREAD_EXTRA
								  : GDB_REQ_MALFORMED;
	} else if (starts(payload, len, "qRcmd,")) {
		r->data = payload + 6;
		r->data_len = len - 6;
		r->kind = r->data_len % 2 == 0 ? GDB_REQ_RCMD : GDB_REQ_MALFORMED;
	} else if (starts(payload, len, "qAttached")) {
		r->kind = GDB_REQ_ATTACHED;
	} else if (len == 16 && starts(payload, len, "qqemu.PhyMemMode")) {
		r->kind = GDB_REQ_PHYS_MODE_GET;
	}
}

void gdb_parse_request(char *payload, size_t len, struct gdb_request *r)
{
	memset(r, 0, sizeof(*r));
	r->kind = GDB_REQ_UNKNOWN;
	if (len == 0)
		return;
	struct cursor c = { payload + 1, payload + len };
	uint64_t v;
	switch (payload[0]) {
	case '?':
		r->kind = len == 1 ? GDB_REQ_HALT_REASON : GDB_REQ_MALFORMED;
		return;
	case 'g':
		r->kind = len == 1 ? GDB_REQ_READ_REGS : GDB_REQ_MALFORMED;
		return;
	case 'G':
		r->kind = (len - 1) % 2 == 0 ? GDB_REQ_WRITE_REGS : GDB_REQ_MALFORMED;
		r->data = payload + 1;
		r->data_len = len - 1;
		return;
	case 'p':
		r->kind = hex_num(&c, &v) && v < 4096 && at_end(&c) ? GDB_REQ_READ_REG
								    : GDB_REQ_MALFORMED;
		r->regno = (unsigned)v;
		return;
	case 'P':
		r->kind = GDB_REQ_MALFORMED;
		if (!hex_num(&c, &v) || v >= 4096 || !eat(&c, '='))
			return;
		r->regno = (unsigned)v;
		r->data = c.p;
		r->data_len = (size_t)(c.end - c.p);
		if (r->data_len && r->data_len % 2 == 0)
			r->kind = GDB_REQ_WRITE_REG;
		return;
	case 'm':
		r->kind = GDB_REQ_READ_MEM;
		parse_mem(&c, r, payload, len);
		return;
	case 'M':
		r->kind = GDB_REQ_WRITE_MEM;
		parse_mem(&c, r, payload, len);
		return;
	case 'X':
		r->kind = GDB_REQ_WRITE_MEM_BIN;
		parse_mem(&c, r, payload, len);
		return;
	case 'Z':
	case 'z':
		/* Z type,addr,kind[;cond...]: conditions are not offered
		 * (no ConditionalBreakpoints in qSupported), so none may come. */
		r->kind = GDB_REQ_MALFORMED;
		if (!hex_num(&c, &v) || v > 4 || !eat(&c, ',') || !hex_num(&c, &r->addr) ||
		    !eat(&c, ',') || !hex_num(&c, &r->len) || !at_end(&c))
			return;
		r->type = (unsigned)v;
		r->kind = payload[0] == 'Z' ? GDB_REQ_INSERT_BP : GDB_REQ_REMOVE_BP;
		return;
	case 'c':
	case 's':
		/* An address to resume at is deprecated (E.2) and not taken. */
		if (len != 1) {
			r->kind = GDB_REQ_MALFORMED;
			return;
		}
		r->kind = GDB_REQ_RESUME;
		r->act[0] = (struct gdb_action){ .op = payload[0], .thread = GDB_THREAD_ALL };
		r->nact = 1;
		return;
	case 'C':
	case 'S':
		r->kind = GDB_REQ_MALFORMED;
		if (!hex_num(&c, &v) || v > 0xff || !at_end(&c))
			return;
		r->kind = GDB_REQ_RESUME;
		r->act[0] = (struct gdb_action){ .op = payload[0] == 'C' ? 'c' : 's',
						 .thread = GDB_THREAD_ALL };
		r->nact = 1;
		return;
	case 'v':
		if (len == 6 && starts(payload, len, "vCont?"))
			r->kind = GDB_REQ_VCONT_QUERY;
		else if (starts(payload, len, "vCont;")) {
			c.p = payload + 5;
			parse_vcont(&c, r);
		}
		return;   /* vMustReplyEmpty and the rest: unknown, empty reply */
	case 'H':
		r->kind = GDB_REQ_MALFORMED;
		if (len < 3 || (payload[1] != 'g' && payload[1] != 'c'))
			return;
		r->thread_op = payload[1];
		c.p = payload + 2;
		if (thread_id(&c, &r->thread) && at_end(&c))
			r->kind = GDB_REQ_SET_THREAD;
		return;
	case 'T':
		r->kind = thread_id(&c, &r->thread) && at_end(&c) ? GDB_REQ_THREAD_ALIVE
								   : GDB_REQ_MALFORMED;
		return;
	case 'D':
		/* "D" or "D;pid" (multiprocess, not offered but harmless). */
		r->kind = GDB_REQ_DETACH;
		return;
	case 'k':
		r->kind = GDB_REQ_KILL;
		return;
	case 'q':
		parse_query(payload, len, r);
		return;
	case 'Q':
		if (len == 15 && starts(payload, len, "QStartNoAckMode"))
			r->kind = GDB_REQ_NO_ACK;
		else if (starts(payload, len, "Qqemu.PhyMemMode:")) {
			r->kind = GDB_REQ_MALFORMED;
			if (len == 18 && (payload[17] == '0' || payload[17] == '1')) {
				r->kind = GDB_REQ_PHYS_MODE_SET;
				r->flag = payload[17] == '1';
			}
		}
		return;
	default:
		return;
	}
}
