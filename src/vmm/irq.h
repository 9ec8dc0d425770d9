/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How a device raises an interrupt without knowing about KVM: the VM hands
 * it an irq_line (in production KVM_IRQ_LINE on the in-kernel irqchip; in
 * unit tests a recorder). */
#ifndef HVMON_IRQ_H
#define HVMON_IRQ_H

#include <stdbool.h>

struct irq_line {
	void (*set_level)(void *opaque, unsigned gsi, bool level);
	void *opaque;
	unsigned gsi;
};

static inline void irq_line_set(const struct irq_line *l, bool level)
{
	if (l && l->set_level)
		l->set_level(l->opaque, l->gsi, level);
}

/* Machine-wide events a device can request: the guest asked to reset
 * (i8042 0xfe, port 0xcf9) or to power off. */
enum sysevent { SYSEVENT_RESET, SYSEVENT_POWEROFF };

struct sysevent_sink {
	void (*raise)(void *opaque, enum sysevent ev, const char *why);
	void *opaque;
};

static inline void sysevent_raise(const struct sysevent_sink *s,
				  enum sysevent ev, const char *why)
{
	if (s && s->raise)
		s->raise(s->opaque, ev, why);
}

#endif
