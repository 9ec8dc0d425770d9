/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Port 0xcf9 reset control (Intel ICH9 datasheet, 13.7.5 RST_CNT: bit 1
 * SYS_RST selects a hard reset, bit 2 RST_CPU starts the reset, bit 3
 * FULL_RST also cycles power; bits 0 and 4-7 are reserved). hvmon has one
 * kind of reset, so the kind only shows in the reason given. */
#include "dev/reset_cf9.h"

#define CF9_SYS_RST  0x02
#define CF9_RST_CPU  0x04
#define CF9_FULL_RST 0x08
#define CF9_MASK     (CF9_SYS_RST | CF9_RST_CPU | CF9_FULL_RST)

void reset_cf9_init(struct reset_cf9 *r, const struct sysevent_sink *sink)
{
	r->sink = sink ? *sink : (struct sysevent_sink){ 0 };
	atomic_init(&r->value, 0);
}

uint8_t reset_cf9_read(struct reset_cf9 *r)
{
	return atomic_load(&r->value);
}

void reset_cf9_write(struct reset_cf9 *r, uint8_t value)
{
	atomic_store(&r->value, value & CF9_MASK);
	if (!(value & CF9_RST_CPU))
		return;
	sysevent_raise(&r->sink, SYSEVENT_RESET,
		       (value & CF9_FULL_RST) ? "port 0xcf9 full reset"
					      : "port 0xcf9 CPU reset");
}
