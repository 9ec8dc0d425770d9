// SPDX-License-Identifier: GPL-3.0-or-later
/* The condition is evaluated on a stand-in machine: every register 0,
 * memory reading as zeros, the real symbols and types. What those values
 * cannot change (names, types, syntax) is judged; a division by zero
 * there says nothing about the hit, where the registers differ. */
#include "monitor/cond_check.h"

#include <string.h>

#include "monitor/mon_eval.h"
#include "monitor/mon_frames.h"

static bool zero_reg(void *opaque, const char *name, uint64_t *val)
{
	static const struct reg_file zero;
	(void)opaque;
	return reg_get(&zero, name, val);
}

static const char *global_type(void *opaque, const char *name)
{
	(void)opaque;
	return kglobal_type(name);
}

static int zero_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
	(void)opaque;
	(void)addr;
	memset(buf, 0, len);
	return 0;
}

int mon_check_condition(struct monitor *mon, const char *cond)
{
	if (!cond[0])
		return 0;
	struct eval_ctx c = { .mon = mon };
	struct texpr_env env = {
		.btf = mon->kern && mon->kern->img.btf ? mon_btf(mon) : NULL,
		.reg = zero_reg, .sym = mon_eval_sym, .sym_type = global_type,
		.read = zero_read, .opaque = &c,
	};
	struct tval v;
	uint64_t x;
	char err[200];
	if (texpr_eval(cond, &env, &v, err, sizeof(err)) == 0 &&
	    texpr_scalar(&env, &v, &x, err, sizeof(err)) == 0)
		return 0;
	if (!strcmp(err, "division by zero"))
		return 0;
	return mon_error(mon, "%s", err);
}
