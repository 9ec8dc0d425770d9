/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The monitor: hvmon's REPL. It runs on its own thread (main's), reads
 * commands from readline, a script or stdin, and drives the machine. */
#ifndef HVMON_MONITOR_H
#define HVMON_MONITOR_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "monitor/emu_fail.h"
#include "monitor/xfmt.h"
#include "board/machine.h"

#define MON_CONSOLE_KEEP 65536   /* bytes of guest console kept for `wait` */

/* Exit statuses (README, hvmon(1)). */
#define HVMON_EXIT_OK       0
#define HVMON_EXIT_INTERNAL 1
#define HVMON_EXIT_USAGE    2
#define HVMON_EXIT_ABNORMAL 3

struct monitor {
	struct machine *m;
	FILE *out;
	bool batch;          /* no prompt; failing commands end hvmon */
	bool readline;       /* interactive terminal: GNU readline */
	bool shared_stdout;  /* a stdio console shares stdout line by line */
	bool quit;
	bool in_command;         /* a command is executing: no prompt on screen */
	bool guest_ended_batch;  /* batch mode is ending because the guest did */
	bool batch_line_dropped; /* ... and a command after that was not run */
	int exit_status;
	int selected_cpu;
	struct symtab *syms;     /* NULL when the kernel gave none */
	struct mon_kernel *kern; /* ORC, BTF, selected frame (mon_frames.h); may be NULL */
	struct xfmt xf;          /* x and xp remember the last format, as gdb does */
	FILE *capture;           /* non-NULL: output and errors go here (gdb's monitor CMD) */
	struct gdb_stub *gdb;    /* the gdb server, or NULL */

	/* Guest console output seen so far, for `wait "TEXT"`: a window of
	 * the last MON_CONSOLE_KEEP bytes and a match mark (expect-style: a
	 * wait matches only output after the previous match). */
	pthread_mutex_t con_lock;
	pthread_cond_t con_cond;
	char con_buf[MON_CONSOLE_KEEP];
	uint64_t con_total;   /* bytes ever seen */
	uint64_t con_mark;    /* absolute offset where the next wait starts */

	struct emu_fail emu_fail[VM_MAX_VCPUS];   /* where each vCPU failed emulation */
};

struct monitor_options {
	bool batch;
	bool start_running;
	const char *script;      /* -x FILE, or NULL */
	const char *symbols;     /* --symbols System.map, or NULL */
	const char *gdb;         /* --gdb tcp:[HOST:]PORT|unix:PATH, or NULL */
};

struct symtab;
struct vcpu;
struct gdb_stub;

/* "name+0xoff" for addr, or "" when no symbol covers it. */
void mon_symbolize(struct monitor *mon, uint64_t addr, char *out, size_t outlen);
/* Print "vcpu=N rip=0x... <sym+off>: insn" for a parked vCPU. */
void mon_print_location(struct monitor *mon, struct vcpu *v);

/* The instruction at a vCPU's RIP: its linear address and CPU mode, the
 * bytes that could be read (got, 0 when RIP is not mapped), its length
 * (0 when it cannot be read or decoded) and its text. */
struct mon_insn {
	uint64_t rip;
	int bits;
	size_t got;
	int len;
	uint8_t code[15];   /* SDM vol. 2, 2.3.11: the longest x86 instruction */
	char text[128];
};
/* -1 when the vCPU's registers cannot be read. */
int mon_insn_at_rip(struct vcpu *v, struct mon_insn *in);
/* Evaluate an address expression (numbers, $registers of the selected
 * vCPU, symbols, + - * ...). 0, or -1 with the error printed. */
int mon_eval(struct monitor *mon, const char *text, uint64_t *out);

/* The selected vCPU, after checking the machine is paused; NULL (with the
 * error printed) when it is running. */
struct vcpu *mon_paused_vcpu(struct monitor *mon);

/* Run the monitor until quit (or, in batch mode, until the commands are
 * done and the guest has ended). Returns hvmon's exit status. */
int monitor_main(struct machine *m, const struct monitor_options *opt);

/* Output helpers: results to the monitor's output; an error is one line
 * "error: ..." (to stderr in batch mode). */
void mon_printf(struct monitor *mon, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int mon_error(struct monitor *mon, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Execute one command line. 0 on success, -1 when it failed (the error
 * has been printed). */
int mon_execute(struct monitor *mon, char *line);

/* Print the stop events the machine queued. */
void mon_show_events(struct monitor *mon);
/* Block until the machine stops by itself (breakpoint, fault, guest end),
 * Ctrl-C pauses it or timeout_s (> 0) passes, which pauses it too. The
 * events are left queued. True when Ctrl-C or the timeout ended the wait
 * (said in one line). */
bool mon_wait_until_stopped_quiet(struct monitor *mon, double timeout_s);

/* Consume a pending Ctrl-C typed at the terminal; true when there was one
 * (long-running commands poll it). */
bool mon_take_sigint(void);

/* Hand the terminal to something else (`console`) and take it back. */
void mon_readline_suspend(struct monitor *mon);
void mon_readline_resume(struct monitor *mon);

/* Forget them (a command that already reported the stop). */
void mon_drop_events(struct monitor *mon);

#endif
