/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Decoding one GDB remote packet into a request (gdb manual, E.2 "Packets"
 * and E.4 "General Query Packets"). A pure function over the payload: it
 * checks every number and length, and says GDB_REQ_MALFORMED rather than
 * guess, so the dispatcher acts only on well-formed requests. */
#ifndef HVMON_GDB_REQUEST_H
#define HVMON_GDB_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum gdb_req_kind {
	GDB_REQ_UNKNOWN,        /* not one we implement: empty reply (E.2) */
	GDB_REQ_MALFORMED,      /* one we implement, badly formed: error reply */
	GDB_REQ_HALT_REASON,    /* ? */
	GDB_REQ_READ_REGS,      /* g */
	GDB_REQ_WRITE_REGS,     /* G XX... */
	GDB_REQ_READ_REG,       /* p n */
	GDB_REQ_WRITE_REG,      /* P n=r... */
	GDB_REQ_READ_MEM,       /* m addr,length */
	GDB_REQ_WRITE_MEM,      /* M addr,length:XX... */
	GDB_REQ_WRITE_MEM_BIN,  /* X addr,length:binary */
	GDB_REQ_INSERT_BP,      /* Z type,addr,kind */
	GDB_REQ_REMOVE_BP,      /* z type,addr,kind */
	GDB_REQ_RESUME,         /* c, s, C sig, S sig, vCont;... */
	GDB_REQ_VCONT_QUERY,    /* vCont? */
	GDB_REQ_SET_THREAD,     /* Hg id, Hc id */
	GDB_REQ_THREAD_ALIVE,   /* T id */
	GDB_REQ_DETACH,         /* D */
	GDB_REQ_KILL,           /* k */
	GDB_REQ_SUPPORTED,      /* qSupported[:features] */
	GDB_REQ_NO_ACK,         /* QStartNoAckMode */
	GDB_REQ_XFER,           /* qXfer:object:read:annex:offset,length */
	GDB_REQ_THREAD_FIRST,   /* qfThreadInfo */
	GDB_REQ_THREAD_NEXT,    /* qsThreadInfo */
	GDB_REQ_CURRENT_THREAD, /* qC */
	GDB_REQ_THREAD_EXTRA,   /* qThreadExtraInfo,id */
	GDB_REQ_RCMD,           /* qRcmd,hex command */
	GDB_REQ_ATTACHED,       /* qAttached */
	GDB_REQ_PHYS_MODE_SET,  /* Qqemu.PhyMemMode:0|1 (QEMU's extension) */
	GDB_REQ_PHYS_MODE_GET,  /* qqemu.PhyMemMode */
};

#define GDB_THREAD_ANY 0    /* "0": any thread */
#define GDB_THREAD_ALL (-1) /* "-1": all threads */
#define GDB_VCONT_MAX 8

/* One resume action: 'c' or 's', on thread (or GDB_THREAD_ALL). */
struct gdb_action {
	char op;
	long thread;
};

struct gdb_request {
	enum gdb_req_kind kind;
	uint64_t addr, len;      /* m M X; Z z (len = kind) */
	unsigned type;           /* Z z: 0 sw, 1 hw, 2 write, 3 read, 4 access */
	unsigned regno;          /* p P */
	const char *data;        /* G P M: hex digits; X: raw bytes; qRcmd: hex */
	size_t data_len;         /* G P M qRcmd: hex digits; X: bytes */
	char thread_op;          /* H: 'g' or 'c' */
	long thread;             /* H T qThreadExtraInfo */
	struct gdb_action act[GDB_VCONT_MAX];
	int nact;                /* RESUME */
	char object[32];         /* qXfer: "features", "threads" */
	char annex[64];          /* qXfer: "target.xml" */
	uint64_t offset, length; /* qXfer */
	bool flag;               /* PHYS_MODE_SET */
	const char *features;    /* qSupported: the client's list, or "" */
};

/* Decode payload (len bytes, NUL-ended; X data is unescaped in place). */
void gdb_parse_request(char *payload, size_t len, struct gdb_request *req);

#endif
