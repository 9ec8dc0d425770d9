// SPDX-License-Identifier: GPL-3.0-or-later
/* Unwinding the selected vCPU's stack for the monitor (see mon_frames.h). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include "monitor/mon_frames.h"
#include "monitor/symtab.h"
#include "vmm/vcpu.h"
#include "vmm/vcpu_mem.h"

struct mon_kernel *mon_kernel_load(const struct machine *m, FILE *msg)
{
	if (!m->boot.elf)
		return NULL;
	struct mon_kernel *k = calloc(1, sizeof(*k));
	char err[256];
	if (!k)
		return NULL;
	if (kimage_load(&k->img, m->boot.elf, m->boot.elf_size, err, sizeof(err)) < 0) {
		fprintf(msg, "hvmon: kernel image: %s (no ORC, no BTF)\n", err);
		free(k);
		return NULL;
	}
	if (k->img.orc_error[0])
		fprintf(msg, "hvmon: kernel image: %s: bt uses frame pointers\n", k->img.orc_error);
	return k;
}

void mon_kernel_free(struct mon_kernel *k)
{
	if (!k)
		return;
	kimage_free(&k->img);
	ktypes_close(k->btf);
	for (int i = 0; i < MON_MAX_DISPLAYS; i++)
		free(k->displays[i].expr);
	free(k);
}

struct uw_env {
	struct monitor *mon;
	struct vcpu *v;
};

static int env_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
	struct uw_env *e = opaque;
	return vcpu_read_virt(e->v, addr, buf, len) == len ? 0 : -1;
}

/* Text: the image's text sections, or, for an image without them, any
 * address a text symbol names. */
static bool env_is_text(void *opaque, uint64_t addr)
{
	struct uw_env *e = opaque;
	struct mon_kernel *k = e->mon->kern;
	if (k && k->img.text_end)
		return kimage_is_text(&k->img, addr);
	uint64_t off, a;
	char type;
	const char *name = e->mon->syms ? symtab_lookup_addr(e->mon->syms, addr, &off) : NULL;
	if (!name)
		return false;
	for (size_t i = 0; symtab_at(e->mon->syms, i, &a, &type); i++)
		if (a == addr - off)
			return type == 't' || type == 'T';
	return false;
}

static bool env_func_offset(void *opaque, uint64_t addr, uint64_t *off)
{
	struct uw_env *e = opaque;
	return e->mon->syms && symtab_lookup_addr(e->mon->syms, addr, off);
}

/* A return address may lie just past the end of its function (a call
 * that does not return, last in it): it is named after addr - 1, the call
 * instruction, as gdb and the kernel's %pB do, with the offset of addr. */
static void frame_symbol(struct monitor *mon, uint64_t addr, bool exact, char *out, size_t len)
{
	uint64_t off;
	const char *name = !exact && mon->syms ? symtab_lookup_addr(mon->syms, addr - 1, &off) : NULL;
	if (name)
		snprintf(out, len, "%s+0x%llx", name, (unsigned long long)off + 1);
	else
		mon_symbolize(mon, addr, out, len);
}

static void env_symbolize(void *opaque, uint64_t addr, bool exact, char *out, size_t len)
{
	struct uw_env *e = opaque;
	frame_symbol(e->mon, addr, exact, out, len);
}

static int mon_unwind_from(struct monitor *mon, struct vcpu *v, const struct uw_regs *start,
			   bool exact, struct uw_frame *f, int max, char *why, size_t whylen)
{
	struct uw_env env = { mon, v };
	struct uw_ctx c = {
		.read = env_read, .is_text = env_is_text, .func_offset = env_func_offset,
		.symbolize = env_symbolize, .opaque = &env,
		.orc = mon->kern ? &mon->kern->img.orc : NULL,
	};
	return unwind(&c, start, exact, f, max, why, whylen);
}

int mon_unwind(struct monitor *mon, struct vcpu *v, struct uw_frame *f, int max,
	       char *why, size_t whylen)
{
	struct kvm_regs r;
	if (ioctl(v->fd, KVM_GET_REGS, &r) < 0)
		return mon_error(mon, "cannot read the vCPU's registers");
	uint64_t rip;
	int bits;
	if (vcpu_linear_rip(v, &rip, &bits) < 0 || bits != 64)
		return mon_error(mon, "the unwinder (bt, finish, frame, advance) reads 64-bit code only; this vCPU is in %d-bit mode", bits);
	struct uw_regs start = { .known = (1u << UW_NREGS) - 1 };
	uint64_t vals[UW_NREGS] = {
		[UW_R15] = r.r15, [UW_R14] = r.r14, [UW_R13] = r.r13, [UW_R12] = r.r12,
		[UW_RBP] = r.rbp, [UW_RBX] = r.rbx, [UW_R11] = r.r11, [UW_R10] = r.r10,
		[UW_R9] = r.r9, [UW_R8] = r.r8, [UW_RAX] = r.rax, [UW_RCX] = r.rcx,
		[UW_RDX] = r.rdx, [UW_RSI] = r.rsi, [UW_RDI] = r.rdi, [UW_RIP] = r.rip,
		[UW_RFLAGS] = r.rflags, [UW_RSP] = r.rsp,
	};
	for (int i = 0; i < UW_NREGS; i++)
		start.v[i] = vals[i];
	return mon_unwind_from(mon, v, &start, true, f, max, why, whylen);
}

int mon_unwind_task(struct monitor *mon, struct vcpu *v, const struct uw_regs *start,
		    struct uw_frame *f, int max, char *why, size_t whylen)
{
	return mon_unwind_from(mon, v, start, false, f, max, why, whylen);
}

int mon_selected_frame(struct monitor *mon, struct vcpu *v)
{
	struct mon_kernel *k = mon->kern;
	struct kvm_regs r;
	if (!k || k->sel_frame == 0 || k->sel_cpu != v->id || ioctl(v->fd, KVM_GET_REGS, &r) < 0 ||
	    r.rip != k->sel_rip || r.rsp != k->sel_rsp)
		return 0;
	return k->sel_frame;
}

bool mon_frame_regs(struct monitor *mon, struct vcpu *v, struct uw_regs *regs, int *frame)
{
	int n = mon_selected_frame(mon, v);
	if (n == 0)
		return false;
	static struct uw_frame f[MON_MAX_FRAMES];
	char why[256];
	int got = mon_unwind(mon, v, f, n + 1, why, sizeof(why));
	if (got <= n)
		return false;
	*regs = f[n].regs;
	*frame = n;
	return true;
}

void mon_print_frame(struct monitor *mon, int n, const struct uw_frame *f)
{
	char sym[160];
	uint64_t ip = f->regs.v[UW_RIP];
	frame_symbol(mon, ip, f->exact_ip, sym, sizeof(sym));
	mon_printf(mon, "#%-2d %s0x%016llx in %s sp=0x%llx", n, f->reliable ? "" : "? ",
		   (unsigned long long)ip, sym[0] ? sym : "??", (unsigned long long)f->regs.v[UW_RSP]);
	if (f->pt_regs)
		mon_printf(mon, " (registers from pt_regs at 0x%llx)", (unsigned long long)f->pt_regs);
	mon_printf(mon, "\n");
}
