/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading the kernel log out of guest memory: the lockless printk ring
 * buffer of Linux 5.10 and later (kernel/printk/printk_ringbuffer.h and
 * .c). A struct printk_ringbuffer holds a descriptor ring (descs[] with a
 * state and the text block's logical positions, infos[] with seq,
 * timestamp, level and length) and a text data ring whose blocks start
 * with the descriptor id. Offsets come from BTF (prb_layout_from_btf), so
 * nothing here assumes a kernel version's layout; every value read is
 * hostile and checked. */
#ifndef HVMON_PRINTK_RB_H
#define HVMON_PRINTK_RB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct btf;

/* Byte offsets (level: bit offset and width within printk_info). */
struct prb_layout {
	size_t desc_ring, count_bits, descs, infos, head_id, tail_id;
	size_t text_ring, size_bits, data;
	size_t desc_size, state_var, lpos_begin, lpos_next;
	size_t info_size, seq, ts_nsec, text_len, text_len_size;
	size_t level_bit;
	unsigned level_bits;
};

int prb_layout_from_btf(const struct btf *btf, struct prb_layout *l, char *err, size_t errlen);

struct prb_record {
	uint64_t seq, ts_nsec;
	int level;
	const char *text;       /* not NUL-terminated */
	size_t len;
};

typedef int (*prb_read_fn)(void *opaque, uint64_t addr, void *buf, size_t len);
typedef void (*prb_record_fn)(void *opaque, const struct prb_record *r);

/* Largest rings read (descriptor count, text bytes): far above Debian's
 * 2^18-byte default, bounding what a hostile size can make hvmon read. */
#define PRB_MAX_COUNT_BITS 22
#define PRB_MAX_SIZE_BITS 28

/* Call rec for every committed or finalized record of the ring buffer at
 * prb, oldest first. Returns the number of records, or -1 with one line in
 * err (unreadable, uninitialised or inconsistent ring). */
int prb_read(const struct prb_layout *l, uint64_t prb, prb_read_fn read, void *opaque,
	     prb_record_fn rec, void *rec_opaque, char *err, size_t errlen);

/* One record as the kernel's console prints it, line by line:
 * "[%5lu.%06lu] text"; with levels, each line starts "<level>". */
void prb_format(const struct prb_record *r, bool levels, void (*line)(void *, const char *),
		void *opaque);

#endif
