/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The monitor's command table (modelled on QEMU's HMP table: name,
 * aliases, argument synopsis, help), and the handlers it points at. */
#ifndef HVMON_COMMANDS_H
#define HVMON_COMMANDS_H

#include "monitor/monitor.h"

typedef int (*mon_cmd_fn)(struct monitor *mon, int argc, char **argv);

struct mon_command {
	const char *name;
	const char *aliases;   /* space-separated, or NULL */
	const char *synopsis;  /* arguments, for help */
	const char *help;      /* one line */
	const char *details;   /* `help CMD`: more lines, or NULL */
	mon_cmd_fn fn;
	bool takes_format;     /* accepts CMD/FMT (x, xp) */
};

extern const struct mon_command mon_commands[];
extern const int mon_ncommands;

/* Full help for one command: synopsis, summary, aliases, details. */
void mon_write_command_help(FILE *out, const struct mon_command *c);

/* Find a command by name or alias; NULL when unknown. */
const struct mon_command *mon_find_command(const char *name);

/* Handlers, one file per family. */
int cmd_run(struct monitor *mon, int argc, char **argv);
int cmd_pause(struct monitor *mon, int argc, char **argv);
int cmd_quit(struct monitor *mon, int argc, char **argv);
int cmd_help(struct monitor *mon, int argc, char **argv);
int cmd_regs(struct monitor *mon, int argc, char **argv);
int cmd_info(struct monitor *mon, int argc, char **argv);
int cmd_wait(struct monitor *mon, int argc, char **argv);
int cmd_sleep(struct monitor *mon, int argc, char **argv);
int cmd_echo(struct monitor *mon, int argc, char **argv);
int cmd_step(struct monitor *mon, int argc, char **argv);
int cmd_next(struct monitor *mon, int argc, char **argv);
int cmd_until(struct monitor *mon, int argc, char **argv);
int cmd_finish(struct monitor *mon, int argc, char **argv);
int cmd_cpu(struct monitor *mon, int argc, char **argv);
int cmd_break(struct monitor *mon, int argc, char **argv);
int cmd_hbreak(struct monitor *mon, int argc, char **argv);
int cmd_watch(struct monitor *mon, int argc, char **argv);
int cmd_rwatch(struct monitor *mon, int argc, char **argv);
int cmd_awatch(struct monitor *mon, int argc, char **argv);
int cmd_delete(struct monitor *mon, int argc, char **argv);
int cmd_x(struct monitor *mon, int argc, char **argv);
int cmd_translate(struct monitor *mon, int argc, char **argv);
int cmd_disas(struct monitor *mon, int argc, char **argv);
int cmd_sym(struct monitor *mon, int argc, char **argv);
int cmd_trace(struct monitor *mon, int argc, char **argv);
int cmd_msr(struct monitor *mon, int argc, char **argv);
int cmd_fpu(struct monitor *mon, int argc, char **argv);
int cmd_console(struct monitor *mon, int argc, char **argv);
int cmd_skip(struct monitor *mon, int argc, char **argv);
int cmd_jump(struct monitor *mon, int argc, char **argv);
/* virtio inspector (cmd_virtio.c, issue 4) */
int cmd_vq(struct monitor *mon, int argc, char **argv);
int cmd_diagnose(struct monitor *mon, int argc, char **argv);
/* gdb remote serial protocol server (cmd_gdb.c, issue 9) */
int cmd_gdbserver(struct monitor *mon, int argc, char **argv);
/* kernel stacks (cmd_bt.c, issue 11) */
int cmd_bt(struct monitor *mon, int argc, char **argv);
int cmd_frame(struct monitor *mon, int argc, char **argv);
int cmd_up(struct monitor *mon, int argc, char **argv);
int cmd_down(struct monitor *mon, int argc, char **argv);
/* kernel types and values (cmd_print.c, issue 11) */
int cmd_print(struct monitor *mon, int argc, char **argv);
int cmd_ptype(struct monitor *mon, int argc, char **argv);
int cmd_display(struct monitor *mon, int argc, char **argv);
int cmd_undisplay(struct monitor *mon, int argc, char **argv);
int cmd_set(struct monitor *mon, int argc, char **argv);
int cmd_write(struct monitor *mon, int argc, char **argv);
/* the kernel from its memory (cmd_kernel.c, issue 11) */
int cmd_dmesg(struct monitor *mon, int argc, char **argv);
int cmd_ps(struct monitor *mon, int argc, char **argv);
int cmd_lsmod(struct monitor *mon, int argc, char **argv);    /* cmd_lsmod.c */
int cmd_tbreak(struct monitor *mon, int argc, char **argv);   /* cmd_tbreak.c */
/* conditions, ignore counts (cmd_condition.c) and advance (cmd_advance.c), issue 11 */
int cmd_condition(struct monitor *mon, int argc, char **argv);
int cmd_ignore(struct monitor *mon, int argc, char **argv);
int cmd_advance(struct monitor *mon, int argc, char **argv);
/* info break's lines for a breakpoint's condition, hits and ignore count. */
void mon_print_bp_rule(struct monitor *mon, const char *cond, unsigned long hits,
		       unsigned long ignore);
/* firmware tables (cmd_acpi.c, issue 8) */
int cmd_acpi(struct monitor *mon, int argc, char **argv);

/* `info SUBJECT`'s subjects, for the command and for TAB completion;
 * the last has a NULL name. */
struct mon_info_subject {
	const char *name;
	int (*fn)(struct monitor *mon);
};
extern const struct mon_info_subject mon_info_subjects[];

/* `info` subjects implemented next to their commands. */
int info_breakpoints(struct monitor *mon);
/* The watchpoints' lines of info break (cmd_watch.c); how many. */
int info_watchpoints(struct monitor *mon);
int info_mem(struct monitor *mon);
int info_exits(struct monitor *mon);
int info_virtio(struct monitor *mon);   /* cmd_virtio.c */
/* vCPUs and interrupt controllers (cmd_cpus.c, issue 8) */
int info_cpus(struct monitor *mon);
int info_lapic(struct monitor *mon);           /* the selected vCPU's */
int info_lapic_of(struct monitor *mon, const char *cpu);
int info_ioapic(struct monitor *mon);
int cmd_nmi(struct monitor *mon, int argc, char **argv);
int info_frame(struct monitor *mon);    /* cmd_bt.c */
int info_register_names(struct monitor *mon, int n, char **names);     /* cmd_inforeg.c */
int info_acpi(struct monitor *mon);     /* cmd_acpi.c */

/* Print the live-trace lines the vCPUs queued (cmd_trace.c); the input
 * loop calls it when exit_trace_fd() is readable. */
void mon_drain_trace(struct monitor *mon);

#endif
