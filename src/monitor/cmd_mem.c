// SPDX-License-Identifier: GPL-3.0-or-later
/* Looking at guest memory: x, xp, translate, disas, sym, info mem. */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "boot/e820.h"
#include "monitor/commands.h"
#include "monitor/disas.h"
#include "monitor/image_read.h"
#include "monitor/pagewalk.h"
#include "monitor/symtab.h"
#include "vmm/vcpu.h"
#include "vmm/vcpu_mem.h"

#define DISAS_DEFAULT 10

static int read_phys(void *opaque, uint64_t gpa, void *buf, size_t len)
{
	return gmem_read(opaque, gpa, buf, len);
}

/* Copy guest memory, virtual (through the selected vCPU) or physical.
 * Returns how many bytes could be read. */
static size_t mon_read(struct monitor *mon, struct vcpu *v, bool physical, uint64_t addr,
		       uint8_t *buf, size_t len)
{
	if (!physical) {
		uint64_t alias;
		size_t got = image_read_virt(mon, v, addr, buf, len, &alias);
		if (alias)
			mon_printf(mon, "(0x%llx is not mapped yet: read where the kernel image was "
				   "loaded, 0x%llx)\n", (unsigned long long)addr, (unsigned long long)alias);
		return got;
	}
	size_t done = 0;
	/* Byte-exact: stop where RAM stops. */
	while (done < len && gmem_read(&mon->m->vm.mem, addr + done, buf + done, 1) == 0)
		done++;
	return done;
}

static void print_disassembly(struct monitor *mon, uint64_t addr, const uint8_t *buf,
			      size_t len, unsigned count, int bits)
{
	size_t off = 0;
	for (unsigned i = 0; i < count && off < len; i++) {
		char text[128], sym[160];
		int n = disas_one(buf + off, len - off, addr + off, bits, text, sizeof(text));
		mon_symbolize(mon, addr + off, sym, sizeof(sym));
		if (n <= 0) {
			mon_printf(mon, "0x%016llx%s%s%s: (bad) %02x\n",
				   (unsigned long long)(addr + off), sym[0] ? " <" : "", sym,
				   sym[0] ? ">" : "", buf[off]);
			n = 1;
		} else {
			char hex[3 * 15 + 1] = "";
			for (int b = 0; b < n; b++)
				snprintf(hex + 3 * b, sizeof(hex) - 3 * (size_t)b, "%02x ", buf[off + (size_t)b]);
			mon_printf(mon, "0x%016llx%s%s%s: %-30s %s\n", (unsigned long long)(addr + off),
				   sym[0] ? " <" : "", sym, sym[0] ? ">" : "", hex, text);
		}
		off += (size_t)n;
	}
}

static int cpu_bits(struct vcpu *v)
{
	uint64_t rip;
	int bits = 64;
	vcpu_linear_rip(v, &rip, &bits);
	return bits;
}

/* x/FMT ADDR (virtual) and xp/FMT ADDR (physical), QEMU's and gdb's syntax. */
int cmd_x(struct monitor *mon, int argc, char **argv)
{
	bool physical = !strncmp(argv[0], "xp", 2);
	const char *slash = strchr(argv[0], '/');
	/* gdb also takes "x /4i $rip", the format as a word of its own. */
	if (!slash && argc == 3 && argv[1][0] == '/') {
		slash = argv[1];
		argv[1] = argv[2];
		argc = 2;
	}
	if (argc != 2)
		return mon_error(mon, "usage: %s/FMT ADDR (e.g. x/16xg $rsp, x/4i $rip, xp/s 0x20000)",
				 physical ? "xp" : "x");
	struct xfmt f = mon->xf;
	char err[128];
	if (slash && xfmt_parse(slash, &f, err, sizeof(err)) < 0)
		return mon_error(mon, "%s", err);
	struct vcpu *v = mon_paused_vcpu(mon);
	uint64_t addr;
	if (!v || mon_eval(mon, argv[1], &addr) < 0)
		return -1;
	mon->xf = f;
	size_t span = xfmt_span(&f);
	uint8_t *buf = malloc(span);
	size_t outlen = 64 + span * 40;
	char *out = malloc(outlen);
	int rc = 0;
	if (!buf || !out) {
		rc = mon_error(mon, "out of memory");
		goto done;
	}
	size_t got = mon_read(mon, v, physical, addr, buf, span);
	if (f.format == 'i') {
		/* Code above 4 GiB is 64-bit whatever mode the vCPU is in now
		 * (a kernel symbol read before the kernel enters long mode). */
		print_disassembly(mon, addr, buf, got, f.count, addr > UINT32_MAX ? 64 : cpu_bits(v));
	} else if (f.format == 's') {
		if (got && xfmt_format_strings(&f, addr, buf, got, out, outlen) >= 0)
			mon_printf(mon, "%s", out);
	} else if (got >= f.size) {
		if (xfmt_format_units(&f, addr, buf, got, out, outlen) >= 0)
			mon_printf(mon, "%s", out);
	}
	/* Strings and instructions read ahead; only a short unit read is an error. */
	if (got == 0 || (f.format != 's' && f.format != 'i' && got < (size_t)f.count * f.size))
		rc = mon_error(mon, "cannot read 0x%llx: %s", (unsigned long long)(addr + got),
			       physical ? "not guest RAM" : "not mapped, or not guest RAM");
done:
	free(buf);
	free(out);
	return rc;
}

int cmd_disas(struct monitor *mon, int argc, char **argv)
{
	if (argc > 3)
		return mon_error(mon, "usage: disas [ADDR] [N]");
	struct vcpu *v = mon_paused_vcpu(mon);
	if (!v)
		return -1;
	uint64_t addr, n = DISAS_DEFAULT;
	int bits = 64;
	if (vcpu_linear_rip(v, &addr, &bits) < 0)
		return mon_error(mon, "cannot read the vCPU's registers");
	if (argc >= 2 && mon_eval(mon, argv[1], &addr) < 0)
		return -1;
	if (argc == 3 && (mon_eval(mon, argv[2], &n) < 0 || n == 0 || n > XFMT_MAX_COUNT))
		return mon_error(mon, "disas: N must be 1 to %d", XFMT_MAX_COUNT);
	size_t len = (size_t)n * XFMT_INSN_MAX;
	uint8_t *buf = malloc(len);
	if (!buf)
		return mon_error(mon, "out of memory");
	if (addr > UINT32_MAX)
		bits = 64;      /* as for x/i */
	size_t got = mon_read(mon, v, false, addr, buf, len);
	if (got)
		print_disassembly(mon, addr, buf, got, (unsigned)n, bits);
	free(buf);
	if (!got)
		return mon_error(mon, "cannot read 0x%llx: not mapped, or not guest RAM",
				 (unsigned long long)addr);
	return 0;
}

int cmd_translate(struct monitor *mon, int argc, char **argv)
{
	if (argc != 2)
		return mon_error(mon, "usage: translate ADDR");
	struct vcpu *v = mon_paused_vcpu(mon);
	uint64_t addr;
	if (!v || mon_eval(mon, argv[1], &addr) < 0)
		return -1;
	struct kvm_sregs s;
	if (ioctl(v->fd, KVM_GET_SREGS, &s) < 0)
		return mon_error(mon, "cannot read the vCPU's control registers");
	struct paging_state ps = { .cr0 = s.cr0, .cr3 = s.cr3, .cr4 = s.cr4, .efer = s.efer };
	struct walk_result r;
	/* A walk that stops at a non-present entry is an answer, not an
	 * error: the output says where and why. */
	pagewalk(&ps, addr, read_phys, &mon->m->vm.mem, &r);
	char out[2048];
	pagewalk_format(&r, out, sizeof(out));
	mon_printf(mon, "paging=%s cr3=0x%llx\n%s", pagewalk_mode_name(pagewalk_mode(&ps)),
		   (unsigned long long)s.cr3, out);
	return 0;
}

int cmd_sym(struct monitor *mon, int argc, char **argv)
{
	if (argc != 2)
		return mon_error(mon, "usage: sym ADDR|NAME");
	if (!mon->syms)
		return mon_error(mon, "no kernel symbols loaded (see --symbols)");
	uint64_t addr;
	if (symtab_lookup_name(mon->syms, argv[1], &addr)) {
		mon_printf(mon, "%s=0x%llx\n", argv[1], (unsigned long long)addr);
		return 0;
	}
	if (mon_eval(mon, argv[1], &addr) < 0)
		return -1;
	char sym[160];
	mon_symbolize(mon, addr, sym, sizeof(sym));
	if (!sym[0])
		return mon_error(mon, "no symbol covers 0x%llx", (unsigned long long)addr);
	mon_printf(mon, "0x%llx=%s\n", (unsigned long long)addr, sym);
	return 0;
}

int info_mem(struct monitor *mon)
{
	struct vm *vm = &mon->m->vm;
	for (int i = 0; i < vm->mem.nregions; i++) {
		const struct gmem_region *r = &vm->mem.region[i];
		mon_printf(mon, "ram 0x%016llx-0x%016llx %llu MiB\n", (unsigned long long)r->gpa,
			   (unsigned long long)(r->gpa + r->size - 1),
			   (unsigned long long)(r->size >> 20));
	}
	/* The in-kernel irqchip's MMIO windows (SDM vol. 3A 11.4.1; the
	 * IOAPIC's customary base), then devices on hvmon's MMIO bus. */
	mon_printf(mon, "mmio 0x00000000fec00000-0x00000000fec00fff ioapic (in KVM)\n");
	mon_printf(mon, "mmio 0x00000000fee00000-0x00000000fee00fff lapic (in KVM)\n");
	for (int i = 0; i < vm->mmio.nranges; i++) {
		const struct bus_range *r = &vm->mmio.range[i];
		mon_printf(mon, "mmio 0x%016llx-0x%016llx %s\n", (unsigned long long)r->base,
			   (unsigned long long)(r->base + r->len - 1), r->name);
	}
	struct e820_entry map[E820_MAX_ENTRIES];
	int n = e820_build(&vm->mem, map, E820_MAX_ENTRIES);
	static const char *const types[] = { "?", "usable", "reserved", "acpi", "nvs", "unusable" };
	for (int i = 0; i < n; i++)
		mon_printf(mon, "e820[%d] 0x%016llx-0x%016llx %s\n", i, (unsigned long long)map[i].addr,
			   (unsigned long long)(map[i].addr + map[i].size - 1),
			   map[i].type < 6 ? types[map[i].type] : "?");
	return 0;
}
