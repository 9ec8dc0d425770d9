/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where the monitor's expressions get registers and symbols from, shared
 * by the address expressions (mon_eval) and the typed ones (print). */
#ifndef HVMON_MON_EVAL_H
#define HVMON_MON_EVAL_H

#include "monitor/mon_frames.h"
#include "monitor/reg_access.h"

struct eval_ctx {
	struct monitor *mon;
	struct reg_file rf;
	bool have_regs;
	bool regs_unavailable;   /* asked for a register while running */
	/* A frame above #0 is selected (frame, up): its registers instead. */
	bool in_frame;
	int frame;
	struct uw_regs frame_regs;
	const char *not_saved;   /* a register that frame did not recover */
};

/* Callbacks for expr_env and texpr_env; opaque is a struct eval_ctx with
 * mon set and the rest zero. */
bool mon_eval_reg(void *opaque, const char *name, uint64_t *val);
bool mon_eval_sym(void *opaque, const char *name, uint64_t *val);

/* Print why an evaluation failed (err, or what the context knows better):
 * returns -1. */
int mon_eval_error(struct eval_ctx *c, const char *err);

#endif
