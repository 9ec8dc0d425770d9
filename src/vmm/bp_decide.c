// SPDX-License-Identifier: GPL-3.0-or-later
#include "vmm/bp_decide.h"

bool bp_decide(struct bp_counts *c, enum bp_cond_value cond)
{
	if (cond == BP_COND_FALSE)
		return false;
	/* gdb counts an ignored hit too: its condition held. */
	c->hits++;
	if (c->ignore > 0) {
		c->ignore--;
		return false;
	}
	return true;
}
