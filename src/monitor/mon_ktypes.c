// SPDX-License-Identifier: GPL-3.0-or-later
/* Typed values in the monitor (see mon_ktypes.h). */
#include <stdlib.h>

#include "monitor/mon_eval.h"
#include "monitor/mon_ktypes.h"
#include "monitor/symtab.h"
#include "vmm/vcpu.h"
#include "vmm/vcpu_mem.h"

#define PAGE 4096ULL

const struct btf *mon_btf(struct monitor *mon)
{
	struct mon_kernel *k = mon->kern;
	if (!k || !k->img.btf) {
		mon_error(mon, "the kernel image has no BTF type information (.BTF)");
		return NULL;
	}
	if (!k->btf && !k->btf_failed) {
		char err[160];
		k->btf = ktypes_open(k->img.btf, k->img.btf_size, err, sizeof(err));
		if (!k->btf) {
			k->btf_failed = true;
			mon_error(mon, "%s", err);
		}
	} else if (!k->btf) {
		mon_error(mon, "the kernel's .BTF did not parse");
	}
	return k->btf;
}

struct env_ctx {
	struct eval_ctx ec;     /* first: the register callbacks take it */
	struct vcpu *v;
};

static int env_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
	struct env_ctx *c = opaque;
	return vcpu_read_virt(c->v, addr, buf, len) == len ? 0 : -1;
}

static const char *env_sym_type(void *opaque, const char *name)
{
	(void)opaque;
	return kglobal_type(name);
}

static void env_symbolize(void *opaque, uint64_t addr, char *out, size_t len)
{
	struct env_ctx *c = opaque;
	mon_symbolize(c->ec.mon, addr, out, len);
}

/* One context per evaluation: the monitor runs commands one at a time. */
static struct env_ctx ctx;

int mon_texpr(struct monitor *mon, const char *text, struct tval *out, struct texpr_env *env)
{
	struct vcpu *v = mon_paused_vcpu(mon);
	if (!v)
		return -1;
	ctx = (struct env_ctx){ .ec = { .mon = mon }, .v = v };
	*env = (struct texpr_env){
		/* Without BTF, untyped expressions still work. */
		.btf = mon->kern && mon->kern->img.btf ? mon_btf(mon) : NULL,
		.reg = mon_eval_reg, .sym = mon_eval_sym, .sym_type = env_sym_type,
		.read = env_read, .opaque = &ctx,
	};
	char err[200];
	if (texpr_eval(text, env, out, err, sizeof(err)) < 0)
		return mon_eval_error(&ctx.ec, err);
	return 0;
}

void mon_print_tval(struct monitor *mon, const struct texpr_env *env, const struct tval *v,
		    char fmt)
{
	char sym[160] = "";
	if (v->t.id == TEXPR_UNTYPED) {
		/* Untyped values are mostly addresses: hex and a symbol. */
		if (fmt == 'd' || fmt == 'u') {
			mon_printf(mon, fmt == 'd' ? "%lld\n" : "%llu\n", (long long)v->v);
			return;
		}
		mon_symbolize(mon, v->v, sym, sizeof(sym));
		mon_printf(mon, "0x%llx%s%s%s\n", (unsigned long long)v->v, sym[0] ? " <" : "", sym,
			   sym[0] ? ">" : "");
		return;
	}
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f) {
		mon_error(mon, "out of memory");
		return;
	}
	struct ktypes_io io = { env->read, env_symbolize, env->opaque };
	if (v->lval)
		ktypes_print_value(env->btf, v->t, v->addr, NULL, fmt, 0, &io, f);
	else
		ktypes_print_value(env->btf, v->t, 0, &v->v, fmt, 0, &io, f);
	fclose(f);
	mon_printf(mon, "%s\n", text);
	free(text);
}

int mon_write_virt(struct monitor *mon, uint64_t addr, const void *buf, size_t len)
{
	struct vcpu *v = mon_paused_vcpu(mon);
	if (!v)
		return -1;
	/* Translate every page first: all or nothing. */
	for (uint64_t a = addr & ~(PAGE - 1); a < addr + len; a += PAGE) {
		uint64_t gpa;
		if (vcpu_translate(v, a < addr ? addr : a, &gpa) < 0)
			return mon_error(mon, "0x%llx is not mapped", (unsigned long long)(a < addr ? addr : a));
	}
	for (size_t done = 0; done < len;) {
		uint64_t gva = addr + done, gpa;
		size_t chunk = (size_t)(PAGE - (gva & (PAGE - 1)));
		if (chunk > len - done)
			chunk = len - done;
		if (vcpu_translate(v, gva, &gpa) < 0 ||
		    gmem_write(&mon->m->vm.mem, gpa, (const uint8_t *)buf + done, chunk) < 0)
			return mon_error(mon, "0x%llx is not guest RAM", (unsigned long long)gva);
		done += chunk;
	}
	return 0;
}

void mon_show_displays(struct monitor *mon)
{
	struct mon_kernel *k = mon->kern;
	if (!k)
		return;
	for (int i = 0; i < MON_MAX_DISPLAYS; i++) {
		if (!k->displays[i].expr)
			continue;
		struct tval v;
		struct texpr_env env;
		mon_printf(mon, "%d: %s = ", i + 1, k->displays[i].expr);
		if (mon_texpr(mon, k->displays[i].expr, &v, &env) == 0)
			mon_print_tval(mon, &env, &v, k->displays[i].fmt);
		else
			mon_printf(mon, "<error>\n");
	}
}
