// SPDX-License-Identifier: GPL-3.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/commands.h"

const struct mon_command mon_commands[] = {
	{ "run", "c cont continue", "", "let the guest run",
	  "Resumes every vCPU. Returns at once; use 'wait' to wait for output or a stop.",
	  cmd_run, false },
	{ "pause", "stop", "", "stop every vCPU and return when all are parked",
	  "Kicks each vCPU out of KVM_RUN and waits until it has parked; then 'regs'\n"
	  "and the other state commands may read it.", cmd_pause, false },
	{ "step", "si stepi", "[N]", "execute N instructions on the selected vCPU (default 1)",
	  "Single-steps with KVM_GUESTDBG_SINGLESTEP (and BLOCKIRQ where KVM offers it, so a\n"
	  "step does not land in an interrupt handler), then shows where the vCPU is.\n"
	  "Stepping off a breakpoint executes the original instruction.", cmd_step, false },
	{ "next", "n ni nexti", "", "step, but run over a call to the instruction after it",
	  "Over a call it runs until the call returns: to the next instruction with the\n"
	  "stack pointer back where it was (a recursive call passing the same address in\n"
	  "a deeper frame does not stop it), or to any other stop on the way.",
	  cmd_next, false },
	{ "until", "u", "ADDR|SYMBOL", "run until the guest reaches ADDR (a temporary breakpoint)",
	  NULL, cmd_until, false },
	{ "finish", NULL, "", "run until the selected frame's function returns",
	  "The return address and the caller's stack pointer come from the unwinder\n"
	  "(see bt): from anywhere in a function the ORC tables or the frame pointer\n"
	  "cover, and at a function's first instruction ([rsp]). It stops at the\n"
	  "return address once this call has returned (stack pointer back at the\n"
	  "caller's), so a recursive call passing the same place does not stop it.",
	  cmd_finish, false },
	{ "break", "b", "ADDR|SYMBOL[+OFF] [if EXPR]", "set a software breakpoint (int3)",
	  "hvmon keeps the replaced byte: the int3 is in guest memory only while the\n"
	  "guest runs, so memory reads never show it. When a breakpoint hits, every\n"
	  "vCPU is paused and the prompt says which stopped where.\n"
	  "With 'if EXPR' it stops only when EXPR (as print takes it: $registers,\n"
	  "symbols, C operators, casts) is nonzero on the vCPU that hit it; otherwise\n"
	  "the guest runs on silently. See condition and ignore.", cmd_break, false },
	{ "tbreak", NULL, "ADDR|SYMBOL[+OFF] [if EXPR]", "a breakpoint deleted by its first hit",
	  "As break, and deleted when the stop at it is shown (any other stop keeps\n"
	  "it, as in gdb).", cmd_tbreak, false },
	{ "hbreak", NULL, "ADDR|SYMBOL[+OFF] [if EXPR]", "hardware breakpoint in a debug register",
	  "An execution breakpoint in one of DR0-DR3 (KVM_GUESTDBG_USE_HW_BP), at most\n"
	  "four: guest memory stays untouched, so it works in ROM, in code not loaded\n"
	  "yet and in code the guest checksums. Resuming steps the instruction with\n"
	  "the breakpoint off, then re-arms it.", cmd_hbreak, false },
	{ "watch", NULL, "ADDR|SYMBOL [LEN] [phys|hw]", "stop after the guest writes memory",
	  "Any number, LEN up to 64 MiB (default 1): the watched pages leave the\n"
	  "guest's RAM slot and hvmon completes each access to them; one that\n"
	  "touched the watched bytes stops the machine after the instruction, with\n"
	  "the old and new value. Device writes (virtio DMA) stop it too. ADDR is\n"
	  "virtual (the selected vCPU's page tables, now) unless 'phys'. 'hw': a\n"
	  "debug-register data breakpoint instead (LEN 1, 2, 4 or 8, aligned).\n"
	  "'info break' shows each watchpoint's exits (its cost).", cmd_watch, false },
	{ "rwatch", NULL, "ADDR|SYMBOL [LEN] [phys]", "stop after the guest reads memory",
	  "As watch, for reads: the pages leave the guest entirely. Instructions\n"
	  "fetched from such a page run single-stepped with it mapped back.",
	  cmd_rwatch, false },
	{ "awatch", NULL, "ADDR|SYMBOL [LEN] [phys|hw]", "stop after the guest reads or writes memory",
	  "As watch and rwatch together; 'hw' is a read/write debug register.",
	  cmd_awatch, false },
	{ "delete", "d", "N|all", "delete a breakpoint, or all of them", NULL, cmd_delete, false },
	{ "x", NULL, "/FMT ADDR", "examine guest-virtual memory (through the vCPU's page tables)",
	  "FMT is /[count][format][size] as in gdb and QEMU: format x d u o t c s i,\n"
	  "size b h w g. x/16xg $rsp, x/4i $rip, x/s start_kernel+0x10, x/8bx 0x1000.\n"
	  "Format and size are remembered for the next x or xp.", cmd_x, true },
	{ "xp", NULL, "/FMT ADDR", "examine guest-physical memory", NULL, cmd_x, true },
	{ "translate", "tr", "ADDR", "walk the page tables for ADDR, level by level",
	  "Shows every paging-structure entry on the way (PML5E/PML4E/PDPTE/PDE/PTE),\n"
	  "its flags in words, the page size, and where the walk stops when an entry\n"
	  "is not present. 32-bit, PAE, 4- and 5-level paging.", cmd_translate, false },
	{ "disas", "disassemble", "[ADDR] [N]", "disassemble N instructions (default: 10 at $rip)",
	  NULL, cmd_disas, false },
	{ "sym", NULL, "ADDR|NAME", "symbol for an address, or address of a symbol", NULL, cmd_sym, false },
	{ "trace", NULL, "on [FILTER]|off|last [N]|virtio on [DEV]|virtio off",
	  "print exits (or virtio accesses) live, or the last N exits",
	  "trace on [FILTER]  print each exit as it happens; FILTER is io, mmio,\n"
	  "                   io:PORT[-LAST], mmio:ADDR[-LAST] or an exit reason (hlt,\n"
	  "                   debug, internal_error...); lines are dropped, and counted,\n"
	  "                   when the monitor cannot keep up\n"
	  "trace off          stop, print what is still queued, shown and dropped counts\n"
	  "trace last [N]     the last N exits (default 10, at most 256 per vCPU)\n"
	  "Lines: vcpu=0 t=+SECONDS rip=0x... IO out port=0x3f8 size=1 data=0x68 <sym>\n"
	  "rip is what KVM reports at the exit: where KVM emulates the instruction\n"
	  "(docs/design.md 1) an OUT or MMIO write has already moved it past the instruction.\n"
	  "trace virtio on [DEV]  every virtio register access (PCI configuration space,\n"
	  "                   the BAR's structures by field name, virtio-mmio registers by\n"
	  "                   name), every notification (with avail.idx), every used\n"
	  "                   buffer and whether an interrupt went out, status changes and\n"
	  "                   NEEDS_RESET, of every device or only DEV; trace virtio off\n"
	  "Lines: t=+SECONDS virtio dev=blk0 write common.device_status len=1 val=0xf",
	  cmd_trace, false },
	{ "cpu", NULL, "[N]", "select the vCPU that state commands act on",
	  "regs, x, translate, disas, step, next, finish, msr, fpu and info lapic act on\n"
	  "the selected vCPU, and read virtual memory through its page tables (CR3).\n"
	  "When a vCPU stops the machine (breakpoint, step, fault) it becomes the\n"
	  "selected one, as in gdb. 'step' moves only the selected vCPU; 'run' resumes\n"
	  "every vCPU.", cmd_cpu, false },
	{ "regs", NULL, "[NAME=VALUE ...]", "show the selected vCPU's registers, or change some",
	  "General registers, RIP, RFLAGS with its flags named, segment registers,\n"
	  "GDT/IDT, CR0/CR2/CR3/CR4/CR8, EFER, APIC base, DR0-DR7, pending events and\n"
	  "the CPU mode in words. 'regs rax=1 rip=count_loop' writes (values are\n"
	  "expressions); segment registers are read-only.", cmd_regs, false },
	{ "msr", NULL, "read IDX | write IDX VALUE", "read or write a model-specific register",
	  NULL, cmd_msr, false },
	{ "fpu", NULL, "", "x87, SSE and AVX state from XSAVE", NULL, cmd_fpu, false },
	{ "info", NULL, "[SUBJECT]", "show machine information (alone: the subjects)",
	  "info kvm     KVM API version, capabilities hvmon uses, exits by reason\n"
	  "info break   breakpoints: address, symbol, hits, condition, ignore count\n"
	  "info mem     RAM regions, MMIO regions and the e820 map\n"
	  "info io      port-I/O and MMIO ranges, accesses, unclaimed accesses\n"
	  "info post    port 0x80 POST codes: count and last value\n"
	  "info cpus    each vCPU: state (running, stopped, halted, waiting-for-SIPI), RIP\n"
	  "             with symbol, mode, why it last stopped, exits\n"
	  "info exits   exits per reason, port and MMIO address, with hvmon's time on them\n"
	  "info status  running, paused or ended, and why\n"
	  "info frame   the selected stack frame: CFA, the unwind rule, saved registers\n"
	  "info registers [REG...]  regs; with names, those registers of the selected frame\n"
	  "info virtio  each virtio device: transport, BDF/BAR or MMIO window, IRQ or MSI-X,\n"
	  "             backend (file, tap, pty) and its counters, status decoded, features\n"
	  "             by name, config generation, ISR, queue counts\n"
	  "info lapic [N]  the selected (or Nth) vCPU's local APIC: ID, TPR/PPR, SVR,\n"
	  "             ISR/IRR/TMR vectors, ICR, LVT timer (mode, counts, divide), LINT0/1\n"
	  "info ioapic  the IOAPIC's redirection table: per pin vector, delivery, destination,\n"
	  "             trigger, polarity, mask, remote IRR\n"
	  "info acpi    the ACPI and MP tables found in guest memory as a guest finds them:\n"
	  "             signature, address, length, checksum ok or BAD",
	  cmd_info, false },
	{ "acpi", NULL, "dump DIR", "write the guest's ACPI tables to DIR/NAME.dat",
	  "One file per table the guest's search finds (xsdt.dat, facp.dat, facs.dat,\n"
	  "dsdt.dat, apic.dat), as acpidump -b names them, read from guest memory now;\n"
	  "disassemble them with iasl -d (Debian's acpica-tools) or run the DSDT's AML\n"
	  "with acpiexec. The RSDP is listed by 'info acpi' but not written: it has no\n"
	  "table header, and iasl -d does not take it. DIR is created if missing.",
	  cmd_acpi, false },
	/* virtio inspector (cmd_virtio.c) */
	{ "vq", NULL, "DEV Q", "show virtqueue Q of virtio device DEV (blk0, net0, console0, rng0)",
	  "Size, ready, ring addresses, avail.idx and used.idx read from guest memory,\n"
	  "the device's last seen avail index, requests in flight, used_event and\n"
	  "avail_event when EVENT_IDX was negotiated, kicks and interrupts, then each\n"
	  "pending chain: its segments (addr/len/flags) and what the request is.",
	  cmd_vq, false },
	{ "diagnose", NULL, "[DEV]", "explain why a virtio device (or every one) is stuck",
	  "From the state hvmon tracks, one rule table (docs/monitor.md lists it): the\n"
	  "driver stopped before FEATURES_OK, FEATURES_OK refused and why (ahead of the\n"
	  "NEEDS_RESET it caused), buffers never notified (2.7.10.1, 2.7.13.4) or\n"
	  "notifications that reached no queue, avail.idx never moved, the interrupt\n"
	  "not taken (ISR, InterruptACK, MSI-X vector or entry masked) or suppressed by\n"
	  "the driver's own used_event / NO_INTERRUPT / packed event flags, used\n"
	  "entries the driver never processed (EVENT_IDX), kicks before DRIVER_OK.\n"
	  "Lines: 'DEV: problem=KIND: words' (root causes first, consequences say\n"
	  "so), 'DEV: warning=KIND: words', 'DEV: info: words', 'DEV: detail: ...',\n"
	  "'DEV: ok: no problem seen (status=...)'.",
	  cmd_diagnose, false },
	/* kernel stacks (cmd_bt.c) */
	{ "bt", "backtrace where", "[N] | pid PID [N]",
	  "the selected vCPU's call stack, or a sleeping task's (N frames, default 64)",
	  "One frame a line: '#N  RIP in SYMBOL+OFF sp=RSP'. Unwinds with the kernel\n"
	  "image's ORC tables (across interrupt and exception frames, whose registers\n"
	  "come from the pt_regs they saved), with the frame-pointer chain where ORC\n"
	  "has no entry, and where neither holds lists the text addresses found\n"
	  "further up the stack, marked '?' (guesses, as in the kernel's oops dumps).\n"
	  "The last line says where and why the unwind ended. 'bt pid PID' unwinds a\n"
	  "task that is switched out, from the frame switch_to left at its thread.sp\n"
	  "('bt N' counts frames, as in gdb).", cmd_bt, false },
	{ "frame", "f", "[N]", "select stack frame N (default: show the selected one)",
	  "x, print, regs-style $register reads and finish then act on that frame;\n"
	  "registers the unwind did not recover are refused. Resuming the guest\n"
	  "selects frame 0 again.", cmd_frame, false },
	{ "up", NULL, "[N]", "select the frame N callers up (default 1)", NULL, cmd_up, false },
	{ "down", NULL, "[N]", "select the frame N callees down (default 1)", NULL, cmd_down, false },
	/* kernel types and values (cmd_print.c) */
	{ "print", "p", "/FMT EXPR", "print a C expression typed by the kernel's BTF",
	  "C's operators on guest memory: casts to kernel types, * & . -> [], + - * / %,\n"
	  "comparisons, && ||\n"
	  "(pointer arithmetic by the pointed-to size), $registers (the selected\n"
	  "frame's), symbols. BTF types only per-CPU variables, so hvmon knows these\n"
	  "globals by name: init_task, prb, printk_rb_static, boot_params, jiffies,\n"
	  "jiffies_64, init_mm, modules, init_uts_ns, init_pid_ns, saved_command_line,\n"
	  "e820_table, nr_cpu_ids, max_pfn, system_state, oops_in_progress; any other\n"
	  "symbol is its address: p ((struct task_struct *)&sym)->comm. Structs print\n"
	  "member by member, char arrays as strings, pointers with their symbol,\n"
	  "untyped numbers in hex. FMT: x d u o t c (optional: p init_task.pid).",
	  cmd_print, true },
	{ "ptype", NULL, "TYPE|EXPR", "show a type's layout: members with offsets and sizes",
	  "ptype struct list_head, ptype init_task.tasks, ptype u64. Lines read\n"
	  "'/* OFFSET | SIZE */ DECLARATION' (bitfields OFFSET:BIT); anonymous\n"
	  "structs and unions are laid out inline.", cmd_ptype, false },
	{ "display", NULL, "/FMT [EXPR]", "print EXPR now and at every stop (no EXPR: all of them)",
	  NULL, cmd_display, true },
	{ "undisplay", NULL, "N|all", "stop displaying expression N", NULL, cmd_undisplay, false },
	{ "set", NULL, "var EXPR = VALUE | {TYPE} ADDR = VALUE", "write a typed value to guest memory",
	  "set var init_task.pid = 0 writes as many bytes as the object has; set {u32}\n"
	  "$rsp+8 = 7 writes a u32 at an address. Only integers, enums and pointers;\n"
	  "a value that does not fit is refused.", cmd_set, false },
	{ "dmesg", NULL, "[-n] [N]", "the kernel log from its printk ring buffer (the last N records)",
	  "Reads prb (Linux 5.10 and later) through the selected vCPU's page tables,\n"
	  "laid out by the kernel's BTF: works on a paused or dead guest whose console\n"
	  "never printed. Lines as the console prints them, '[SECONDS] text', each\n"
	  "with its '<level>' in front (-n: without).", cmd_dmesg, false },
	{ "ps", NULL, "", "the kernel's tasks: pid, cpu, state, task, stack, saved sp, comm",
	  "Walks init_task.tasks. ST is ps's letter (R S D T t X Z I), '+' when the\n"
	  "task is on a CPU; THREAD.SP is where a switched-out task's stack is, for\n"
	  "'bt pid PID'.", cmd_ps, false },
	{ "lsmod", NULL, "", "the loaded modules, with their text ranges; adds their symbols",
	  "Walks the kernel's modules list (struct module with core_layout: Linux 4.5 to\n"
	  "6.3, laid out by BTF): name, state, text range, core size. Each module's\n"
	  "own kallsyms (its symbol table) is added to hvmon's, once, so break, bt and\n"
	  "x name module functions after the load.", cmd_lsmod, false },
	{ "write", NULL, "/FMT ADDR VALUE...", "write raw values to guest-virtual memory",
	  "FMT is /[COUNT][x|d|u][b|h|w|g]: COUNT values (as many as given) of 1, 2, 4\n"
	  "or 8 bytes, little-endian: write/4xb $rsp 0xde 0xad 0xbe 0xef.",
	  cmd_write, true },
	{ "wait", NULL, "\"TEXT\" [SECONDS] | stop [SECONDS]",
	  "wait for text on the guest console, or for the guest to stop",
	  "wait \"TEXT\" [SECONDS]  waits until TEXT appears in console output after the\n"
	  "                        previous match (default 60 s); fails on timeout or when\n"
	  "                        the guest stops first.\n"
	  "wait stop [SECONDS]     waits until the guest stops (fault, guest end, pause)\n"
	  "                        and says why.", cmd_wait, false },
	{ "console", NULL, "[ttyS0|hvcN]", "attach this terminal to a guest console (Ctrl-] returns)",
	  "Keystrokes go to the guest's serial port (ttyS0, the default) or to the\n"
	  "virtio console hvcN (--hvc), and its output comes here; the console's pty\n"
	  "stays attached too. Ctrl-] comes back to the (hvmon) prompt.",
	  cmd_console, false },
	{ "nmi", NULL, "[N]", "inject an NMI into the selected vCPU (or vCPU N)",
	  "KVM_NMI, as if the LAPIC's LINT1 had fired. A running machine is paused\n"
	  "around the injection and runs on; a paused one takes it when it runs\n"
	  "('regs' shows it pending).", cmd_nmi, false },
	{ "sleep", NULL, "MILLISECONDS", "sleep (scripts)", NULL, cmd_sleep, false },
	{ "echo", NULL, "TEXT...", "print TEXT (scripts)", NULL, cmd_echo, false },
	{ "help", "?", "[COMMAND]", "list commands, or explain one", NULL, cmd_help, false },
	{ "quit", "q exit", "", "stop the guest and leave hvmon", NULL, cmd_quit, false },
	{ "gdbserver", NULL, "tcp:[HOST:]PORT|unix:PATH [auto|i386|x86-64] | stop",
	  "serve gdb's remote protocol (target remote) alongside this monitor",
	  "Listens on 127.0.0.1 unless HOST is given (or on the unix socket PATH) and\n"
	  "serves one gdb at a time; the monitor stays usable and both see every stop.\n"
	  "A client pauses a running guest when it attaches; 'detach' in gdb lets it\n"
	  "run on, 'kill' ends hvmon as 'quit' does, and a client that vanishes leaves\n"
	  "it stopped. gdb's 'monitor CMD' runs CMD here and shows its output there.\n"
	  "Breakpoints are hvmon's own (break), hbreak uses a debug register, watch,\n"
	  "rwatch and awatch are hvmon's watchpoints, translated when set.\n"
	  "The architecture gdb is told is fixed per connection: auto (the default)\n"
	  "takes the vCPU's mode when gdb connects, so i386 at a 32-bit PVH entry;\n"
	  "reconnect after the switch to 64-bit, or say x86-64 to have gdb treat the\n"
	  "machine as 64-bit from the start. 'maintenance packet Qqemu.PhyMemMode:1'\n"
	  "makes gdb's memory accesses guest-physical. Without arguments: where it\n"
	  "listens; 'gdbserver stop' closes it.", cmd_gdbserver, false },
	{ "skip", NULL, "", "move the selected vCPU's RIP past the instruction at it",
	  "Decodes the instruction at RIP for its length and sets RIP after it, without\n"
	  "running it; shows the new location. The way on after an emulation failure\n"
	  "(an instruction KVM cannot emulate, where 'run' and 'step' refuse to go).",
	  cmd_skip, false },
	{ "jump", NULL, "ADDR|SYMBOL", "set the selected vCPU's RIP to ADDR and run from there",
	  "As gdb's jump: nothing between RIP and ADDR runs. Also a way on after an\n"
	  "emulation failure.", cmd_jump, false },
	{ "condition", NULL, "N [EXPR]", "stop at breakpoint N only when EXPR is nonzero",
	  "As gdb's: EXPR is evaluated at each hit, as print evaluates it, on the vCPU\n"
	  "that hit (every vCPU is paused meanwhile); zero lets the guest run on\n"
	  "silently, and an error stops it with 'Error in testing condition for\n"
	  "breakpoint N:'. Without EXPR the breakpoint is unconditional again.\n"
	  "For breakpoints and watchpoints alike (a device's write into a watched\n"
	  "range, which no vCPU made, always stops).", cmd_condition, false },
	{ "ignore", NULL, "N COUNT", "let the next COUNT hits of breakpoint N pass",
	  "As gdb's: hits whose condition holds are counted; the next COUNT of them\n"
	  "do not stop. 'info break' shows what is left.", cmd_ignore, false },
	{ "advance", NULL, "ADDR|SYMBOL[+OFF]", "run until ADDR, or until the selected frame returns",
	  "As gdb's: temporary breakpoints at ADDR (in any frame) and at the selected\n"
	  "frame's return address (from the unwinder, as finish finds it; that frame's\n"
	  "return only), both gone at the stop.", cmd_advance, false },
};
const int mon_ncommands = (int)(sizeof(mon_commands) / sizeof(mon_commands[0]));

static bool alias_matches(const char *aliases, const char *name)
{
	size_t len = strlen(name);
	for (const char *p = aliases; p && *p;) {
		const char *end = strchr(p, ' ');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n == len && !strncmp(p, name, len))
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

const struct mon_command *mon_find_command(const char *name)
{
	for (int i = 0; i < mon_ncommands; i++)
		if (!strcmp(mon_commands[i].name, name) || alias_matches(mon_commands[i].aliases, name))
			return &mon_commands[i];
	return NULL;
}

/* One command's full help, as `help CMD` shows it; also what
 * `hvmon help` prints for every command (the man page is built from it). */
void mon_write_command_help(FILE *out, const struct mon_command *c)
{
	fprintf(out, "%s%s%s\n  %s\n", c->name, c->takes_format || !c->synopsis[0] ? "" : " ",
		c->synopsis, c->help);
	if (c->aliases)
		fprintf(out, "  aliases: %s\n", c->aliases);
	for (const char *p = c->details; p && *p;) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);
		fprintf(out, "  %.*s\n", n, p);
		p += n + (nl ? 1 : 0);
	}
}

int cmd_help(struct monitor *mon, int argc, char **argv)
{
	if (argc > 2)
		return mon_error(mon, "usage: help [COMMAND]");
	if (argc == 2) {
		const struct mon_command *c = mon_find_command(argv[1]);
		if (!c)
			return mon_error(mon, "unknown command '%s' (try 'help')", argv[1]);
		char *text = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&text, &len);
		if (!m)
			return mon_error(mon, "out of memory");
		mon_write_command_help(m, c);
		fclose(m);
		mon_printf(mon, "%s", text);
		free(text);
		return 0;
	}
	for (int i = 0; i < mon_ncommands; i++) {
		const struct mon_command *c = &mon_commands[i];
		char head[64];
		/* x/FMT: the format is glued to the command word. */
		snprintf(head, sizeof(head), "%s%s%s", c->name,
			 c->takes_format || !c->synopsis[0] ? "" : " ", c->synopsis);
		if (strlen(head) > 36)
			mon_printf(mon, "%s\n%-36s %s\n", head, "", c->help);
		else
			mon_printf(mon, "%-36s %s\n", head, c->help);
	}
	return 0;
}
