// SPDX-License-Identifier: GPL-3.0-or-later
/* lsmod: the kernel's loaded modules, from the `modules` list, laid out by
 * BTF (struct module of Linux 4.5 to 6.3: core_layout; 6.4 replaced it
 * with mem[], which is refused), and each module's own kallsyms (its
 * Elf64_Sym table, strtab and typetab) added to the symbol table, so that
 * breakpoints and backtraces name module functions. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/commands.h"
#include "monitor/ktypes.h"
#include "monitor/mon_frames.h"
#include "monitor/mon_ktypes.h"
#include "monitor/symtab.h"
#include "vmm/vcpu.h"
#include "vmm/vcpu_mem.h"

#define MAX_MODULES 10000
#define MAX_MOD_SYMS (1u << 20)
#define MOD_NAME_MAX 512

struct mod_layout {
	size_t list, name, name_len, state, base, size, text_size, kallsyms;
	size_t ks_symtab, ks_num, ks_strtab, ks_typetab;
};

static bool off(const struct btf *b, const char *type, const char *path, size_t *out)
{
	uint64_t bit;
	uint32_t bits;
	struct ktype t;
	if (!ktypes_offsetof(b, type, path, &bit, &bits, &t) || bits || bit % 8)
		return false;
	*out = (size_t)(bit / 8);
	return true;
}

static int mod_layout(struct monitor *mon, const struct btf *b, struct mod_layout *l)
{
	const char *m = "struct module", *k = "struct mod_kallsyms";
	if (!off(b, m, "core_layout.base", &l->base))
		return mon_error(mon, "this kernel's struct module has no core_layout (Linux 6.4 "
				 "and later keep mem[]), which lsmod does not read");
	if (!off(b, m, "list", &l->list) || !off(b, m, "name", &l->name) ||
	    !off(b, m, "state", &l->state) || !off(b, m, "core_layout.size", &l->size) ||
	    !off(b, m, "core_layout.text_size", &l->text_size) ||
	    !off(b, m, "kallsyms", &l->kallsyms) || !off(b, k, "symtab", &l->ks_symtab) ||
	    !off(b, k, "num_symtab", &l->ks_num) || !off(b, k, "strtab", &l->ks_strtab) ||
	    !off(b, k, "typetab", &l->ks_typetab))
		return mon_error(mon, "BTF's struct module lacks a field lsmod reads");
	l->name_len = 56;       /* MODULE_NAME_LEN; checked against BTF below */
	uint64_t bit;
	uint32_t bits;
	struct ktype t;
	if (ktypes_offsetof(b, m, "name", &bit, &bits, &t)) {
		long long s = ktypes_size(b, t);
		if (s > 0 && s < MOD_NAME_MAX)
			l->name_len = (size_t)s;
	}
	return 0;
}

static int rd(struct vcpu *v, uint64_t addr, void *buf, size_t len)
{
	return vcpu_read_virt(v, addr, buf, len) == len ? 0 : -1;
}

/* Add module mod's own symbols to the table; the number added, or -1. */
static int add_symbols(struct monitor *mon, struct vcpu *v, const struct mod_layout *l,
		       uint64_t mod)
{
	uint64_t ks, symtab, strtab, typetab;
	uint32_t num;
	if (rd(v, mod + l->kallsyms, &ks, 8) || !ks || rd(v, ks + l->ks_symtab, &symtab, 8) ||
	    rd(v, ks + l->ks_num, &num, 4) || rd(v, ks + l->ks_strtab, &strtab, 8) ||
	    rd(v, ks + l->ks_typetab, &typetab, 8) || num > MAX_MOD_SYMS)
		return -1;
	int added = 0;
	for (uint32_t i = 1; i < num; i++) {       /* entry 0 is the null symbol */
		Elf64_Sym s;
		char name[MOD_NAME_MAX], type = 't';
		if (rd(v, symtab + (uint64_t)i * sizeof(s), &s, sizeof(s)) < 0)
			return added ? added : -1;
		if (!s.st_value || rd(v, typetab + i, &type, 1) < 0)
			continue;
		size_t n = 0;
		while (n < sizeof(name) - 1 && rd(v, strtab + s.st_name + n, &name[n], 1) == 0 && name[n])
			n++;
		name[n] = '\0';
		if (n == 0 || n == sizeof(name) - 1)
			continue;
		if (symtab_add(mon->syms, s.st_value, s.st_size, type, name) == 0)
			added++;
	}
	return added;
}

static const char *state_name(uint32_t s)
{
	static const char *const names[] = { "live", "coming", "going", "unformed" };
	return s < 4 ? names[s] : "?";
}

int cmd_lsmod(struct monitor *mon, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return mon_error(mon, "usage: lsmod");
	struct vcpu *v = mon_paused_vcpu(mon);
	const struct btf *b = v ? mon_btf(mon) : NULL;
	struct mod_layout l = { 0 };
	uint64_t head, next;
	if (!b || mod_layout(mon, b, &l) < 0)
		return -1;
	if (!mon->syms || !symtab_lookup_name(mon->syms, "modules", &head))
		return mon_error(mon, "no symbol modules");
	if (rd(v, head, &next, 8) < 0)
		return mon_error(mon, "cannot read the modules list at 0x%llx", (unsigned long long)head);
	struct mon_kernel *k = mon->kern;
	int n = 0, total = 0;
	for (; next != head && n < MAX_MODULES; n++) {
		uint64_t mod = next - l.list, base;
		uint32_t size, text, state;
		char name[MOD_NAME_MAX] = "";
		if (!next || rd(v, mod + l.name, name, l.name_len) || rd(v, mod + l.state, &state, 4) ||
		    rd(v, mod + l.base, &base, 8) || rd(v, mod + l.size, &size, 4) ||
		    rd(v, mod + l.text_size, &text, 4) || rd(v, next, &next, 8))
			return mon_error(mon, "cannot read the module at 0x%llx", (unsigned long long)mod);
		name[l.name_len - 1] = '\0';
		bool known = false;
		for (int i = 0; i < k->nmods && !known; i++)
			known = k->mod_base[i] == base;
		int added = 0;
		if (!known && k->nmods < MON_MAX_MODULES) {
			added = add_symbols(mon, v, &l, mod);
			if (added >= 0)
				k->mod_base[k->nmods++] = base;
			total += added > 0 ? added : 0;
		}
		mon_printf(mon, "%-24s %-8s text 0x%llx-0x%llx core %u bytes%s\n", name,
			   state_name(state), (unsigned long long)base,
			   (unsigned long long)(base + text), size,
			   known ? "" : added < 0 ? " (its symbols are not readable)" : "");
	}
	if (n == MAX_MODULES)
		return mon_error(mon, "more than %d modules: the list loops", MAX_MODULES);
	if (n == 0)
		mon_printf(mon, "(no modules loaded)\n");
	if (total > 0) {
		if (symtab_finish(mon->syms) < 0)
			return mon_error(mon, "out of memory adding module symbols");
		mon_printf(mon, "%d module symbols added\n", total);
	}
	return 0;
}
