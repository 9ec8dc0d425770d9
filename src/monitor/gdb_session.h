/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One gdb connection's protocol state and the dispatcher that answers its
 * requests. The machine is reached only through struct gdb_target_ops, so
 * the dispatcher runs against a fake target in the unit tests and the fuzz
 * target, and against the VM in the stub (gdb_vm.c). */
#ifndef HVMON_GDB_SESSION_H
#define HVMON_GDB_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "monitor/gdb_packet.h"
#include "monitor/gdb_regs.h"
#include "monitor/gdb_request.h"

/* Why the machine stopped, in gdb's terms (E.3 "Stop Reply Packets"). */
enum gdb_stop_kind {
	GDB_STOP_TRAP,     /* breakpoint, step, watchpoint: SIGTRAP */
	GDB_STOP_INT,      /* paused (Ctrl-C, the monitor): SIGINT */
	GDB_STOP_FAULT,    /* emulation failure, internal error: SIGILL */
	GDB_STOP_EXITED,   /* the guest powered off or reset: W00 */
	GDB_STOP_KILLED,   /* the guest triple-faulted: X06 (SIGABRT) */
};

/* The breakpoint kinds of Z/z (E.2). */
enum gdb_bp_type { GDB_BP_SW, GDB_BP_HW, GDB_BP_WRITE, GDB_BP_READ, GDB_BP_ACCESS };

struct gdb_stop {
	enum gdb_stop_kind kind;
	int cpu;
	/* Stop reason for T packets: GDB_BP_SW/HW (breakpoint), WRITE/READ/
	 * ACCESS (watchpoint at watch_addr), or -1 for none. */
	int reason;
	uint64_t watch_addr;
	char text[600];    /* what happened (a stop event's text), sent to gdb's console; may be "" */
};

struct gdb_target_ops {
	int (*ncpus)(void *t);
	bool (*running)(void *t);
	/* 16, 32 or 64: the vCPU's mode now; -1 when unreadable. */
	int (*cpu_bits)(void *t, int cpu);
	int (*get_state)(void *t, int cpu, struct gdb_cpu_state *st);
	int (*set_state)(void *t, int cpu, const struct gdb_cpu_state *st);
	/* Bytes copied before the first address that is not readable
	 * (writable); phys: guest-physical instead of through cpu's paging. */
	size_t (*read_mem)(void *t, int cpu, bool phys, uint64_t addr, void *buf, size_t len);
	size_t (*write_mem)(void *t, int cpu, bool phys, uint64_t addr, const void *buf, size_t len);
	/* 0 done, -1 failed (err says why, for gdb's console). */
	int (*insert_bp)(void *t, int cpu, enum gdb_bp_type type, uint64_t addr, uint64_t len,
			 char *err, size_t errlen);
	int (*remove_bp)(void *t, int cpu, enum gdb_bp_type type, uint64_t addr, uint64_t len);
	/* Let every vCPU run; the stop comes later (gdb_session_stopped). */
	void (*resume)(void *t);
	/* Single-step cpu (the others stay stopped) and say how it stopped. */
	void (*step)(void *t, int cpu, struct gdb_stop *stop);
	/* How the machine stopped last (for '?'). */
	void (*last_stop)(void *t, struct gdb_stop *stop);
	/* Forget gdb's breakpoints and let the guest run on. */
	void (*detach)(void *t);
	/* End hvmon, as the monitor's quit. */
	void (*kill)(void *t);
	/* Run a monitor command; its output (malloc'd) in *out. 0, or -1
	 * with *out saying why. */
	int (*rcmd)(void *t, const char *cmd, char **out);
	/* Send one packet now, before the reply (console output, O packets). */
	void (*send)(void *t, const char *payload, size_t len);
};

enum gdb_arch_choice { GDB_ARCH_AUTO, GDB_ARCH_FORCE_I386, GDB_ARCH_FORCE_X86_64 };

struct gdb_session {
	const struct gdb_target_ops *ops;
	void *target;
	enum gdb_arch_choice arch_choice;
	bool arch_fixed;        /* gdb has been told the architecture */
	enum gdb_arch arch;
	bool no_ack;
	bool swbreak, hwbreak;  /* the client understands these stop reasons */
	bool phys_mem;          /* Qqemu.PhyMemMode:1 */
	int gcpu, ccpu;         /* Hg and Hc: vCPU for registers/memory, for steps */
	int thread_iter;        /* qsThreadInfo position */
	struct gdb_request req; /* the request being handled */
	uint8_t mem[GDB_PACKET_MAX];  /* m and M data */
	struct gdb_reply console;     /* O packets */
};

/* What the caller does after gdb_session_handle. */
enum gdb_next {
	GDB_NEXT_REPLY,       /* send the reply */
	GDB_NEXT_WAIT_STOP,   /* the guest runs: no reply until it stops */
	GDB_NEXT_REPLY_CLOSE, /* send the reply, then end the connection (D) */
	GDB_NEXT_CLOSE,       /* end the connection without a reply (k) */
};

void gdb_session_init(struct gdb_session *s, const struct gdb_target_ops *ops, void *target,
		      enum gdb_arch_choice arch);
/* Answer one packet payload (len bytes, NUL-ended, modified in place). */
enum gdb_next gdb_session_handle(struct gdb_session *s, char *payload, size_t len,
				 struct gdb_reply *reply);
/* The stop reply for stop (after GDB_NEXT_WAIT_STOP, or for '?'); it also
 * makes the stopped vCPU the selected one, as gdb expects. */
void gdb_session_stop_reply(struct gdb_session *s, const struct gdb_stop *stop,
			    struct gdb_reply *reply);

#endif
