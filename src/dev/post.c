/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Port 0x80 POST code latch. Lock-free: one byte and one counter, written
 * by vCPU threads and read by the monitor. */
#include "dev/post.h"

#include <string.h>

void post_init(struct post_port *p)
{
	atomic_init(&p->writes, 0);
	atomic_init(&p->last, 0);
}

void post_io(void *opaque, uint64_t offset, void *data, unsigned len,
	     bool is_write)
{
	struct post_port *p = opaque;
	uint8_t *bytes = data;

	if (!len)
		return;
	if (!is_write) {
		/* Only the byte at 0x80 is decoded; the rest float high. */
		memset(bytes, 0xff, len);
		if (offset == 0)
			bytes[0] = atomic_load(&p->last);
		return;
	}
	if (offset != 0)
		return;
	atomic_store(&p->last, bytes[0]);
	atomic_fetch_add(&p->writes, 1);
}

uint8_t post_last(struct post_port *p)
{
	return atomic_load(&p->last);
}

unsigned long post_writes(struct post_port *p)
{
	return atomic_load(&p->writes);
}
