// SPDX-License-Identifier: GPL-3.0-or-later
/* The kernel read from its memory: dmesg (the printk ring buffer) and ps
 * (the task list from init_task.tasks), laid out by the image's BTF and
 * read through the selected vCPU's page tables. */
#include <stdlib.h>
#include <string.h>

#include "monitor/commands.h"
#include "monitor/ktypes.h"
#include "monitor/mon_frames.h"
#include "monitor/mon_ktypes.h"
#include "monitor/parse.h"
#include "monitor/printk_rb.h"
#include "monitor/symtab.h"
#include "vmm/vcpu.h"
#include "vmm/vcpu_mem.h"

/* Most tasks ps walks: a corrupt list must not loop forever. */
#define PS_MAX_TASKS 100000

static int vread(void *opaque, uint64_t addr, void *buf, size_t len)
{
	return vcpu_read_virt(opaque, addr, buf, len) == len ? 0 : -1;
}

struct dmesg_ctx {
	struct monitor *mon;
	uint64_t skip;          /* records before the last N */
	uint64_t seen;
	bool levels;
};

static void dmesg_line(void *opaque, const char *s)
{
	struct dmesg_ctx *c = opaque;
	mon_printf(c->mon, "%s\n", s);
}

static void count_record(void *opaque, const struct prb_record *r)
{
	(void)r;
	((struct dmesg_ctx *)opaque)->seen++;
}

static void print_record(void *opaque, const struct prb_record *r)
{
	struct dmesg_ctx *c = opaque;
	if (c->seen++ >= c->skip)
		prb_format(r, c->levels, dmesg_line, c);
}

int cmd_dmesg(struct monitor *mon, int argc, char **argv)
{
	struct dmesg_ctx c = { .mon = mon, .levels = true };
	uint64_t last = 0;
	int i = 1;
	if (i < argc && !strcmp(argv[i], "-n")) {
		c.levels = false;
		i++;
	}
	if (argc > i + 1 || (i < argc && (!parse_u64(argv[i], &last) || last == 0)))
		return mon_error(mon, "usage: dmesg [-n] [N] (the last N records; -n: no <level>)");
	struct vcpu *v = mon_paused_vcpu(mon);
	const struct btf *btf = v ? mon_btf(mon) : NULL;
	if (!btf)
		return -1;
	uint64_t prb_sym, prb;
	if (!mon->syms || !symtab_lookup_name(mon->syms, "prb", &prb_sym))
		return mon_error(mon, "no symbol prb: this kernel has no printk ring buffer "
				 "(Linux before 5.10 keeps a plain log_buf, which hvmon does not read)");
	if (vread(v, prb_sym, &prb, sizeof(prb)) < 0)
		return mon_error(mon, "cannot read prb at 0x%llx (not mapped yet?)",
				 (unsigned long long)prb_sym);
	struct prb_layout l;
	char err[200];
	if (prb_layout_from_btf(btf, &l, err, sizeof(err)) < 0)
		return mon_error(mon, "%s", err);
	int n = prb_read(&l, prb, vread, v, count_record, &c, err, sizeof(err));
	if (n < 0)
		return mon_error(mon, "prb at 0x%llx: %s", (unsigned long long)prb, err);
	c.skip = last && c.seen > last ? c.seen - last : 0;
	c.seen = 0;
	n = prb_read(&l, prb, vread, v, print_record, &c, err, sizeof(err));
	if (n < 0)
		return mon_error(mon, "prb at 0x%llx: %s", (unsigned long long)prb, err);
	if (n == 0)
		mon_printf(mon, "(the log is empty)\n");
	return 0;
}

/* Where ps finds a task's fields (byte offsets from BTF). */
struct task_layout {
	size_t pid, comm, state, cpu, stack, tasks, thread_sp, on_cpu;
};

static bool field(const struct btf *b, const char *path, const char *alt, size_t *out)
{
	uint64_t bit;
	uint32_t bits;
	struct ktype t;
	if (!ktypes_offsetof(b, "struct task_struct", path, &bit, &bits, &t) &&
	    (!alt || !ktypes_offsetof(b, "struct task_struct", alt, &bit, &bits, &t)))
		return false;
	*out = (size_t)(bit / 8);
	return !bits;
}

static int task_layout(struct monitor *mon, const struct btf *b, struct task_layout *l)
{
	if (!field(b, "pid", NULL, &l->pid) || !field(b, "comm", NULL, &l->comm) ||
	    !field(b, "__state", "state", &l->state) ||
	    !field(b, "thread_info.cpu", "cpu", &l->cpu) || !field(b, "stack", NULL, &l->stack) ||
	    !field(b, "tasks", NULL, &l->tasks) || !field(b, "thread.sp", NULL, &l->thread_sp) ||
	    !field(b, "on_cpu", NULL, &l->on_cpu))
		return mon_error(mon, "BTF's struct task_struct lacks a field ps reads");
	return 0;
}

/* ps's letters for task states (include/linux/sched.h, TASK_REPORT). */
static char state_letter(uint32_t s)
{
	static const struct { uint32_t bit; char c; } st[] = {
		{ 0x0001, 'S' }, { 0x0002, 'D' }, { 0x0004, 'T' }, { 0x0008, 't' },
		{ 0x0010, 'X' }, { 0x0020, 'Z' }, { 0x0080, 'I' },
	};
	if (s == 0)
		return 'R';
	if ((s & 0x0402) == 0x0402)     /* TASK_IDLE */
		return 'I';
	for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++)
		if (s & st[i].bit)
			return st[i].c;
	return '?';
}

struct task_info {
	uint64_t addr;
	int32_t pid;
	char comm[17];
	uint32_t state, cpu, on_cpu;
	uint64_t stack, sp;
};

static int read_task(struct vcpu *v, const struct task_layout *l, uint64_t t, struct task_info *ti)
{
	memset(ti, 0, sizeof(*ti));
	ti->addr = t;
	if (vread(v, t + l->pid, &ti->pid, 4) || vread(v, t + l->comm, ti->comm, 16) ||
	    vread(v, t + l->state, &ti->state, 4) || vread(v, t + l->cpu, &ti->cpu, 4) ||
	    vread(v, t + l->on_cpu, &ti->on_cpu, 4) || vread(v, t + l->stack, &ti->stack, 8) ||
	    vread(v, t + l->thread_sp, &ti->sp, 8))
		return -1;
	ti->comm[16] = '\0';
	for (char *p = ti->comm; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			*p = '?';
	return 0;
}

/* Walk init_task.tasks; fn is called for each task until it returns
 * nonzero (then that is returned). 0 at the end, -1 on error (printed). */
static int for_each_task(struct monitor *mon, struct vcpu *v, const struct task_layout *l,
			 int (*fn)(struct monitor *, const struct task_info *, void *), void *opaque)
{
	uint64_t init;
	if (!mon->syms || !symtab_lookup_name(mon->syms, "init_task", &init))
		return mon_error(mon, "no symbol init_task");
	uint64_t t = init;
	for (int n = 0; n < PS_MAX_TASKS; n++) {
		struct task_info ti;
		if (read_task(v, l, t, &ti) < 0)
			return mon_error(mon, "cannot read the task at 0x%llx", (unsigned long long)t);
		int rc = fn(mon, &ti, opaque);
		if (rc)
			return rc;
		uint64_t next;
		if (vread(v, t + l->tasks, &next, 8) < 0)
			return mon_error(mon, "cannot read tasks.next of 0x%llx", (unsigned long long)t);
		if (next == 0)
			return mon_error(mon, "task 0x%llx: tasks.next is NULL (the list is not "
					 "initialised yet?)", (unsigned long long)t);
		t = next - l->tasks;
		if (t == init)
			return 0;
	}
	return mon_error(mon, "more than %d tasks: the list loops", PS_MAX_TASKS);
}

static int ps_line(struct monitor *mon, const struct task_info *ti, void *opaque)
{
	(void)opaque;
	mon_printf(mon, "%7d %4u %c%s 0x%016llx 0x%016llx 0x%016llx %s\n", ti->pid, ti->cpu,
		   state_letter(ti->state), ti->on_cpu ? "+" : " ", (unsigned long long)ti->addr,
		   (unsigned long long)ti->stack, (unsigned long long)ti->sp, ti->comm);
	return 0;
}

int cmd_ps(struct monitor *mon, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return mon_error(mon, "usage: ps");
	struct vcpu *v = mon_paused_vcpu(mon);
	const struct btf *btf = v ? mon_btf(mon) : NULL;
	struct task_layout l;
	if (!btf || task_layout(mon, btf, &l) < 0)
		return -1;
	mon_printf(mon, "%7s %4s %-2s %-18s %-18s %-18s %s\n", "PID", "CPU", "ST", "TASK", "STACK",
		   "THREAD.SP", "COMM");
	return for_each_task(mon, v, &l, ps_line, NULL) < 0 ? -1 : 0;
}

struct find_pid {
	int32_t pid;
	struct task_info ti;
	bool found;
};

static int match_pid(struct monitor *mon, const struct task_info *ti, void *opaque)
{
	(void)mon;
	struct find_pid *f = opaque;
	if (ti->pid != f->pid)
		return 0;
	f->ti = *ti;
	f->found = true;
	return 1;
}

int mon_task_regs(struct monitor *mon, struct vcpu *v, int32_t pid, struct uw_regs *start)
{
	const struct btf *btf = mon_btf(mon);
	struct task_layout l;
	if (!btf || task_layout(mon, btf, &l) < 0)
		return -1;
	struct find_pid f = { .pid = pid };
	if (for_each_task(mon, v, &l, match_pid, &f) < 0)
		return -1;
	if (!f.found)
		return mon_error(mon, "no task with pid %d", pid);
	if (f.ti.on_cpu || f.ti.sp == 0)
		return mon_error(mon, "task %d (%s) is %s: select its vCPU with 'cpu N' and use bt",
				 pid, f.ti.comm, f.ti.on_cpu ? "running" : "not switched out yet (no saved stack)");
	/* switch_to left a struct inactive_task_frame at thread.sp
	 * (arch/x86/include/asm/switch_to.h): r15 r14 r13 r12 bx bp ret_addr;
	 * the kernel's own unwinder starts above it, at ret_addr. */
	uint64_t fr[7];
	if (vread(v, f.ti.sp, fr, sizeof(fr)) < 0)
		return mon_error(mon, "cannot read task %d's saved frame at 0x%llx", pid,
				 (unsigned long long)f.ti.sp);
	memset(start, 0, sizeof(*start));
	start->v[UW_R15] = fr[0];
	start->v[UW_R14] = fr[1];
	start->v[UW_R13] = fr[2];
	start->v[UW_R12] = fr[3];
	start->v[UW_RBX] = fr[4];
	start->v[UW_RBP] = fr[5];
	start->v[UW_RIP] = fr[6];
	start->v[UW_RSP] = f.ti.sp + sizeof(fr);
	start->known = 1u << UW_R15 | 1u << UW_R14 | 1u << UW_R13 | 1u << UW_R12 | 1u << UW_RBX |
		       1u << UW_RBP | 1u << UW_RIP | 1u << UW_RSP;
	return 0;
}
