// SPDX-License-Identifier: GPL-3.0-or-later
/* vCPU state: regs (read and write), msr, fpu. */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "monitor/commands.h"
#include "monitor/mon_frames.h"
#include "monitor/reg_access.h"
#include "monitor/regs_format.h"
#include "vmm/vcpu.h"

static void print_debug_and_events(struct monitor *mon, struct vcpu *v)
{
	struct kvm_debugregs d;
	if (ioctl(v->fd, KVM_GET_DEBUGREGS, &d) == 0)
		mon_printf(mon, "dr0=0x%llx dr1=0x%llx dr2=0x%llx dr3=0x%llx dr6=0x%llx dr7=0x%llx\n",
			   d.db[0], d.db[1], d.db[2], d.db[3], d.dr6, d.dr7);
	struct kvm_vcpu_events e;
	if (ioctl(v->fd, KVM_GET_VCPU_EVENTS, &e) < 0)
		return;
	/* What KVM will deliver on the next entry (KVM API, KVM_GET_VCPU_EVENTS). */
	char exc[48] = "none", irq[32] = "none";
	if (e.exception.injected || e.exception.pending)
		snprintf(exc, sizeof(exc), "%u%s%s", e.exception.nr,
			 e.exception.pending ? "(pending)" : "(injected)",
			 e.exception.has_error_code ? "+errcode" : "");
	if (e.interrupt.injected)
		snprintf(irq, sizeof(irq), "%u", e.interrupt.nr);
	mon_printf(mon, "events: exception=%s interrupt=%s nmi=%s%s shadow=%u\n", exc, irq,
		   e.nmi.injected ? "injected" : e.nmi.pending ? "pending" : "none",
		   e.nmi.masked ? "(masked)" : "", e.interrupt.shadow);
}

static int regs_write(struct monitor *mon, struct vcpu *v, int argc, char **argv)
{
	struct reg_file rf = { .regs_dirty = false };
	if (ioctl(v->fd, KVM_GET_REGS, &rf.regs) < 0 || ioctl(v->fd, KVM_GET_SREGS, &rf.sregs) < 0)
		return mon_error(mon, "cannot read vCPU %d registers: %s", v->id, strerror(errno));
	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq || eq == argv[i])
			return mon_error(mon, "usage: regs [NAME=VALUE ...] (e.g. regs rax=1 rip=start_kernel)");
		*eq = '\0';
		uint64_t val, old;
		if (!reg_get(&rf, argv[i], &old))
			return mon_error(mon, "unknown register '%s'", argv[i]);
		if (mon_eval(mon, eq + 1, &val) < 0)
			return -1;
		enum reg_set_result r = reg_set(&rf, argv[i], val);
		if (r == REG_READ_ONLY)
			return mon_error(mon, "register '%s' is read-only here (segment state)", argv[i]);
		if (r == REG_TOO_WIDE)
			return mon_error(mon, "0x%llx does not fit in %s", (unsigned long long)val,
					 argv[i]);
	}
	/* Only after every assignment parsed, and all or nothing: the
	 * special registers (which KVM may refuse) go first, and are put
	 * back if the general ones then fail. */
	struct kvm_sregs old_sregs;
	if (ioctl(v->fd, KVM_GET_SREGS, &old_sregs) < 0)
		return mon_error(mon, "cannot read vCPU %d registers: %s", v->id, strerror(errno));
	if (rf.sregs_dirty && ioctl(v->fd, KVM_SET_SREGS, &rf.sregs) < 0)
		return mon_error(mon, "KVM refused the new control/segment state: %s", strerror(errno));
	if (rf.regs_dirty && ioctl(v->fd, KVM_SET_REGS, &rf.regs) < 0) {
		int e = errno;
		if (rf.sregs_dirty)
			ioctl(v->fd, KVM_SET_SREGS, &old_sregs);
		return mon_error(mon, "KVM_SET_REGS: %s", strerror(e));
	}
	/* What KVM holds now (it may have adjusted a value, such as a
	 * reserved RFLAGS bit). */
	if (ioctl(v->fd, KVM_GET_REGS, &rf.regs) < 0 || ioctl(v->fd, KVM_GET_SREGS, &rf.sregs) < 0)
		return mon_error(mon, "cannot read vCPU %d registers back: %s", v->id, strerror(errno));
	for (int i = 1; i < argc; i++) {
		uint64_t val;
		reg_get(&rf, argv[i], &val);
		mon_printf(mon, "%s=0x%llx\n", argv[i], (unsigned long long)val);
	}
	return 0;
}

int cmd_regs(struct monitor *mon, int argc, char **argv)
{
	struct vcpu *v = mon_paused_vcpu(mon);
	if (!v)
		return -1;
	if (argc > 1)
		return regs_write(mon, v, argc, argv);
	if (mon_print_frame_regs(mon, v))       /* a frame above #0 is selected (cmd_bt.c) */
		return 0;
	struct kvm_regs r;
	struct kvm_sregs s;
	if (ioctl(v->fd, KVM_GET_REGS, &r) < 0 || ioctl(v->fd, KVM_GET_SREGS, &s) < 0)
		return mon_error(mon, "cannot read vCPU %d registers: %s", v->id, strerror(errno));
	char out[4096];
	regs_format_all(&r, &s, out, sizeof(out));
	mon_printf(mon, "vcpu=%d\n%s", v->id, out);
	print_debug_and_events(mon, v);
	return 0;
}

int cmd_msr(struct monitor *mon, int argc, char **argv)
{
	bool write = argc == 4 && !strcmp(argv[1], "write");
	if (!(argc == 3 && !strcmp(argv[1], "read")) && !write)
		return mon_error(mon, "usage: msr read IDX | msr write IDX VALUE");
	struct vcpu *v = mon_paused_vcpu(mon);
	uint64_t idx, val = 0;
	if (!v || mon_eval(mon, argv[2], &idx) < 0 || (write && mon_eval(mon, argv[3], &val) < 0))
		return -1;
	if (idx > 0xffffffffu)
		return mon_error(mon, "MSR index 0x%llx is wider than 32 bits", (unsigned long long)idx);
	/* struct kvm_msrs ends in a flexible array: room for one entry. */
	union {
		struct kvm_msrs h;
		uint8_t bytes[sizeof(struct kvm_msrs) + sizeof(struct kvm_msr_entry)];
	} m;
	memset(&m, 0, sizeof(m));
	m.h.nmsrs = 1;
	m.h.entries[0].index = (uint32_t)idx;
	m.h.entries[0].data = val;
	int n = ioctl(v->fd, write ? KVM_SET_MSRS : KVM_GET_MSRS, &m);
	if (n != 1)
		return mon_error(mon, "KVM refused to %s MSR 0x%llx", write ? "write" : "read",
				 (unsigned long long)idx);
	/* After a write, what the MSR reads now: some (the TSC) move on,
	 * some keep only their writable bits. */
	if (write && ioctl(v->fd, KVM_GET_MSRS, &m) != 1)
		return mon_error(mon, "MSR 0x%llx was written but does not read back",
				 (unsigned long long)idx);
	mon_printf(mon, "msr[0x%llx]=0x%llx\n", (unsigned long long)idx,
		   (unsigned long long)m.h.entries[0].data);
	return 0;
}

/* The legacy region of the XSAVE area (SDM vol. 1, 10.5.1 and 13.4.1) and
 * the AVX upper halves at their standard-format offset (13.4.3 via CPUID
 * leaf 0DH: YMM_Hi128 at 576). */
#define XS_FCW 0
#define XS_FSW 2
#define XS_FTW 4
#define XS_MXCSR 24
#define XS_ST0 32
#define XS_XMM0 160
#define XS_XSTATE_BV 512
#define XS_YMMH0 576
#define XCR0_AVX (1u << 2)

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void hex_bytes(const uint8_t *p, int n, char *out, size_t len)
{
	size_t o = 0;
	o += (size_t)snprintf(out, len, "0x");
	for (int i = n - 1; i >= 0 && o + 2 < len; i--)
		o += (size_t)snprintf(out + o, len - o, "%02x", p[i]);
}

int cmd_fpu(struct monitor *mon, int argc, char **argv)
{
	if (argc != 1)
		return mon_error(mon, "'%s' takes no arguments", argv[0]);
	struct vcpu *v = mon_paused_vcpu(mon);
	if (!v)
		return -1;
	struct kvm_xsave xs;
	if (ioctl(v->fd, KVM_GET_XSAVE, &xs) < 0)
		return mon_error(mon, "KVM_GET_XSAVE: %s", strerror(errno));
	const uint8_t *a = (const uint8_t *)xs.region;
	uint64_t xcr0 = 1;
	struct kvm_xcrs xcrs;
	if (ioctl(v->fd, KVM_GET_XCRS, &xcrs) == 0)
		for (uint32_t i = 0; i < xcrs.nr_xcrs; i++)
			if (xcrs.xcrs[i].xcr == 0)
				xcr0 = xcrs.xcrs[i].value;
	mon_printf(mon, "fcw=0x%04llx fsw=0x%04llx ftw=0x%02llx mxcsr=0x%08llx xcr0=0x%llx xstate_bv=0x%llx\n",
		   (unsigned long long)le(a + XS_FCW, 2), (unsigned long long)le(a + XS_FSW, 2),
		   (unsigned long long)le(a + XS_FTW, 1), (unsigned long long)le(a + XS_MXCSR, 4),
		   (unsigned long long)xcr0, (unsigned long long)le(a + XS_XSTATE_BV, 8));
	char h[80];
	for (int i = 0; i < 8; i++) {
		hex_bytes(a + XS_ST0 + 16 * i, 10, h, sizeof(h));
		mon_printf(mon, "st%d=%s%s", i, h, i % 4 == 3 ? "\n" : " ");
	}
	for (int i = 0; i < 16; i++) {
		hex_bytes(a + XS_XMM0 + 16 * i, 16, h, sizeof(h));
		mon_printf(mon, "xmm%d=%s%s", i, h, i % 2 ? "\n" : " ");
	}
	if (xcr0 & XCR0_AVX)
		for (int i = 0; i < 16; i++) {
			hex_bytes(a + XS_YMMH0 + 16 * i, 16, h, sizeof(h));
			mon_printf(mon, "ymm%d.hi=%s%s", i, h, i % 2 ? "\n" : " ");
		}
	return 0;
}
