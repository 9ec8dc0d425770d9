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
	{ "finish", NULL, "", "at a function's first instruction, run until it returns",
	  "hvmon has no unwind information, so finish works only where the return\n"
	  "address is known: at a function's first instruction, at [rsp]. It stops\n"
	  "there once this call has returned (stack pointer above its frame).",
	  cmd_finish, false },
	{ "break", "b", "ADDR|SYMBOL[+OFF]", "set a software breakpoint (int3)",
	  "hvmon keeps the replaced byte: the int3 is in guest memory only while the\n"
	  "guest runs, so memory reads never show it. When a breakpoint hits, every\n"
	  "vCPU is paused and the prompt says which stopped where.", cmd_break, false },
	{ "hbreak", NULL, "ADDR|SYMBOL[+OFF]", "hardware breakpoint in a debug register",
	  "Needs KVM_CAP_GUEST_DEBUG_HW_BPS (see 'info kvm'); hosts whose KVM emulates\n"
	  "guest kernel code offer none, and hvmon says so.", cmd_hbreak, false },
	{ "watch", NULL, "ADDR [LEN] [w|rw]", "stop when the guest writes (or accesses) memory",
	  "A data breakpoint in a debug register: LEN 1, 2, 4 or 8 bytes, aligned;\n"
	  "w (default) for writes, rw for reads or writes (x86 cannot watch reads\n"
	  "alone). Reports after the accessing instruction. Needs\n"
	  "KVM_CAP_GUEST_DEBUG_HW_BPS.", cmd_watch, false },
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
	{ "cpu", NULL, "[N]", "select the vCPU that state commands act on", NULL, cmd_cpu, false },
	{ "regs", NULL, "[NAME=VALUE ...]", "show the selected vCPU's registers, or change some",
	  "General registers, RIP, RFLAGS with its flags named, segment registers,\n"
	  "GDT/IDT, CR0/CR2/CR3/CR4/CR8, EFER, APIC base, DR0-DR7, pending events and\n"
	  "the CPU mode in words. 'regs rax=1 rip=count_loop' writes (values are\n"
	  "expressions); segment registers are read-only.", cmd_regs, false },
	{ "msr", NULL, "read IDX | write IDX VALUE", "read or write a model-specific register",
	  NULL, cmd_msr, false },
	{ "fpu", NULL, "", "x87, SSE and AVX state from XSAVE", NULL, cmd_fpu, false },
	{ "info", NULL, "SUBJECT", "show machine information",
	  "info kvm     KVM API version, capabilities hvmon uses, exits by reason\n"
	  "info break   breakpoints: address, symbol, hits\n"
	  "info mem     RAM regions, MMIO regions and the e820 map\n"
	  "info io      port-I/O and MMIO ranges, accesses, unclaimed accesses\n"
	  "info post    port 0x80 POST codes: count and last value\n"
	  "info cpus    each vCPU: running or paused, exits\n"
	  "info exits   exits per reason, port and MMIO address, with hvmon's time on them\n"
	  "info status  running, paused or ended, and why\n"
	  "info virtio  each virtio device: transport, BDF/BAR or MMIO window, IRQ or MSI-X,\n"
	  "             backend (file, tap, pty) and its counters, status decoded, features\n"
	  "             by name, config generation, ISR, queue counts\n"
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
	  "From the state hvmon tracks: the driver stopped before FEATURES_OK (and the\n"
	  "features it did not accept), FEATURES_OK refused and why, a queue with\n"
	  "buffers but never notified, notified but avail.idx never moved, used entries\n"
	  "published but the interrupt not taken (ISR not read with INTx, InterruptACK\n"
	  "not written on virtio-mmio, MSI-X vector masked or missing), NEEDS_RESET and\n"
	  "its reason. Lines: 'DEV: problem=KIND:\n"
	  "words', 'DEV: info: words', or 'DEV: ok: no problem seen (status=...)'.",
	  cmd_diagnose, false },
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
	{ "sleep", NULL, "MILLISECONDS", "sleep (scripts)", NULL, cmd_sleep, false },
	{ "echo", NULL, "TEXT...", "print TEXT (scripts)", NULL, cmd_echo, false },
	{ "help", "?", "[COMMAND]", "list commands, or explain one", NULL, cmd_help, false },
	{ "quit", "q exit", "", "stop the guest and leave hvmon", NULL, cmd_quit, false },
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
