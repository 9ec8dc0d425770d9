/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A pretend machine behind struct gdb_target_ops, for the gdb session's
 * unit tests, the fuzz target and the protocol test tool: two vCPUs,
 * 64 KiB of memory that reads through a "page table" at FAKE_VBASE (and
 * physically from 0), NOPs for code, breakpoints kept in a list. A resume
 * runs to the next breakpoint above rip (or keeps running until an
 * interrupt when there is none); a step advances rip by one NOP. */
#ifndef HVMON_GDB_FAKE_TARGET_H
#define HVMON_GDB_FAKE_TARGET_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/gdb_session.h"

#define FAKE_CPUS 2
#define FAKE_MEM 65536
#define FAKE_VBASE 0x400000ULL
#define FAKE_BPS 16

struct fake_target {
	int bits;                      /* what cpu_bits says */
	bool running;
	bool killed, detached;
	struct gdb_cpu_state cpu[FAKE_CPUS];
	uint8_t mem[FAKE_MEM];
	struct { bool used; int type; uint64_t addr, len; } bp[FAKE_BPS];
	struct gdb_stop last;
	char sent[4096];               /* packets sent before a reply, '|'-separated */
	size_t sent_len;
	char last_rcmd[256];
};

static void fake_init(struct fake_target *f, int bits)
{
	memset(f, 0, sizeof(*f));
	f->bits = bits;
	memset(f->mem, 0x90, sizeof(f->mem));
	for (int i = 0; i < FAKE_CPUS; i++) {
		f->cpu[i].regs.rip = FAKE_VBASE + 0x100;
		f->cpu[i].regs.rsp = FAKE_VBASE + 0x8000;
		f->cpu[i].regs.rax = 0x1111111111111111ULL * (uint64_t)(i + 1);
		f->cpu[i].regs.rflags = 0x2;
		f->cpu[i].sregs.cs.selector = 0x10;
		f->cpu[i].sregs.cr0 = 0x80000011;
		f->cpu[i].sregs.cr3 = 0x1000;
		f->cpu[i].sregs.efer = 0x500;
		f->cpu[i].fpu.fcw = 0x37f;
		f->cpu[i].fpu.mxcsr = 0x1f80;
	}
	f->last = (struct gdb_stop){ .kind = GDB_STOP_TRAP, .reason = -1 };
}

static int fake_ncpus(void *t) { (void)t; return FAKE_CPUS; }
static bool fake_running(void *t) { return ((struct fake_target *)t)->running; }
static int fake_bits(void *t, int cpu) { (void)cpu; return ((struct fake_target *)t)->bits; }

static int fake_get(void *t, int cpu, struct gdb_cpu_state *st)
{
	struct fake_target *f = t;
	if (cpu < 0 || cpu >= FAKE_CPUS)
		return -1;
	*st = f->cpu[cpu];
	return 0;
}

static int fake_set(void *t, int cpu, const struct gdb_cpu_state *st)
{
	struct fake_target *f = t;
	if (cpu < 0 || cpu >= FAKE_CPUS)
		return -1;
	f->cpu[cpu] = *st;
	return 0;
}

static size_t fake_span(uint64_t addr, bool phys, size_t len, uint64_t *off)
{
	uint64_t base = phys ? 0 : FAKE_VBASE;
	if (addr < base || addr - base >= FAKE_MEM)
		return 0;
	*off = addr - base;
	return len < FAKE_MEM - *off ? len : (size_t)(FAKE_MEM - *off);
}

static size_t fake_read(void *t, int cpu, bool phys, uint64_t addr, void *buf, size_t len)
{
	uint64_t off = 0;
	(void)cpu;
	size_t n = fake_span(addr, phys, len, &off);
	memcpy(buf, ((struct fake_target *)t)->mem + off, n);
	return n;
}

static size_t fake_write(void *t, int cpu, bool phys, uint64_t addr, const void *buf, size_t len)
{
	uint64_t off = 0;
	(void)cpu;
	size_t n = fake_span(addr, phys, len, &off);
	memcpy(((struct fake_target *)t)->mem + off, buf, n);
	return n;
}

static int fake_insert(void *t, int cpu, enum gdb_bp_type type, uint64_t addr, uint64_t len,
		       char *err, size_t errlen)
{
	struct fake_target *f = t;
	(void)cpu;
	for (int i = 0; i < FAKE_BPS; i++) {
		if (!f->bp[i].used) {
			f->bp[i].used = true;
			f->bp[i].type = (int)type;
			f->bp[i].addr = addr;
			f->bp[i].len = len;
			return 0;
		}
	}
	snprintf(err, errlen, "fake: full");
	return -1;
}

static int fake_remove(void *t, int cpu, enum gdb_bp_type type, uint64_t addr, uint64_t len)
{
	struct fake_target *f = t;
	(void)cpu;
	(void)len;
	for (int i = 0; i < FAKE_BPS; i++) {
		if (f->bp[i].used && f->bp[i].type == (int)type && f->bp[i].addr == addr) {
			f->bp[i].used = false;
			return 0;
		}
	}
	return -1;
}

/* Where a resume of vCPU 0 stops: the nearest execution breakpoint above
 * rip; false when there is none (it runs until interrupted). */
static bool fake_run_to_bp(struct fake_target *f)
{
	uint64_t rip = f->cpu[0].regs.rip, best = 0;
	int type = -1;
	for (int i = 0; i < FAKE_BPS; i++) {
		if (f->bp[i].used && f->bp[i].type <= GDB_BP_HW && f->bp[i].addr > rip &&
		    (type < 0 || f->bp[i].addr < best)) {
			best = f->bp[i].addr;
			type = f->bp[i].type;
		}
	}
	if (type < 0)
		return false;
	f->cpu[0].regs.rip = best;
	f->running = false;
	f->last = (struct gdb_stop){ .kind = GDB_STOP_TRAP, .cpu = 0, .reason = type };
	return true;
}

static void fake_resume(void *t)
{
	struct fake_target *f = t;
	f->running = true;
	fake_run_to_bp(f);
}

static void fake_step(void *t, int cpu, struct gdb_stop *st)
{
	struct fake_target *f = t;
	f->cpu[cpu].regs.rip += 1;   /* over one NOP */
	f->last = (struct gdb_stop){ .kind = GDB_STOP_TRAP, .cpu = cpu, .reason = -1 };
	*st = f->last;
}

static void fake_last(void *t, struct gdb_stop *st)
{
	*st = ((struct fake_target *)t)->last;
}

static void fake_detach(void *t)
{
	struct fake_target *f = t;
	f->detached = true;
	memset(f->bp, 0, sizeof(f->bp));
	f->running = true;
}

static void fake_kill(void *t)
{
	((struct fake_target *)t)->killed = true;
}

static int fake_rcmd(void *t, const char *cmd, char **out)
{
	struct fake_target *f = t;
	snprintf(f->last_rcmd, sizeof(f->last_rcmd), "%s", cmd);
	if (!strcmp(cmd, "fail")) {
		*out = strdup("error: fake failure\n");
		return -1;
	}
	if (asprintf(out, "fake monitor ran: %s\n", cmd) < 0)
		*out = NULL;
	return 0;
}

static void fake_send(void *t, const char *payload, size_t len)
{
	struct fake_target *f = t;
	if (f->sent_len + len + 2 < sizeof(f->sent)) {
		memcpy(f->sent + f->sent_len, payload, len);
		f->sent_len += len;
		f->sent[f->sent_len++] = '|';
		f->sent[f->sent_len] = '\0';
	}
}

static const struct gdb_target_ops fake_ops = {
	.ncpus = fake_ncpus, .running = fake_running, .cpu_bits = fake_bits,
	.get_state = fake_get, .set_state = fake_set, .read_mem = fake_read,
	.write_mem = fake_write, .insert_bp = fake_insert, .remove_bp = fake_remove,
	.resume = fake_resume, .step = fake_step, .last_stop = fake_last,
	.detach = fake_detach, .kill = fake_kill, .rcmd = fake_rcmd, .send = fake_send,
};

#endif
