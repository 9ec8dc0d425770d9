// SPDX-License-Identifier: GPL-3.0-or-later
/* The printk ring buffer reader (see printk_rb.h). The rules quoted are
 * from kernel/printk/printk_ringbuffer.c (Linux 6.1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/ktypes.h"
#include "monitor/printk_rb.h"

/* state_var: the top two bits are the state, the rest the id
 * (DESC_SV_BITS, DESC_FLAGS_SHIFT). */
#define DESC_STATE_SHIFT 62
#define DESC_ID_MASK (~(3ULL << DESC_STATE_SHIFT))
enum { DESC_RESERVED, DESC_COMMITTED, DESC_FINALIZED, DESC_REUSABLE };

static bool off(const struct btf *b, const char *type, const char *path, size_t *out,
		uint32_t *bits, char *err, size_t errlen)
{
	uint64_t bit;
	uint32_t nbits;
	struct ktype t;
	if (!ktypes_offsetof(b, type, path, &bit, &nbits, &t)) {
		snprintf(err, errlen, "BTF has no %s.%s (not a printk ring-buffer kernel?)", type, path);
		return false;
	}
	if (bits)
		*bits = nbits;
	else if (nbits || bit % 8) {
		snprintf(err, errlen, "%s.%s is a bitfield", type, path);
		return false;
	}
	*out = bits ? (size_t)bit : (size_t)(bit / 8);
	return true;
}

int prb_layout_from_btf(const struct btf *b, struct prb_layout *l, char *err, size_t errlen)
{
	struct ktype t;
	uint32_t bits = 0;
	long long ds, is;
	const char *rb = "struct printk_ringbuffer";
	if (!off(b, rb, "desc_ring", &l->desc_ring, NULL, err, errlen) ||
	    !off(b, "struct prb_desc_ring", "count_bits", &l->count_bits, NULL, err, errlen) ||
	    !off(b, "struct prb_desc_ring", "descs", &l->descs, NULL, err, errlen) ||
	    !off(b, "struct prb_desc_ring", "infos", &l->infos, NULL, err, errlen) ||
	    !off(b, "struct prb_desc_ring", "head_id", &l->head_id, NULL, err, errlen) ||
	    !off(b, "struct prb_desc_ring", "tail_id", &l->tail_id, NULL, err, errlen) ||
	    !off(b, rb, "text_data_ring", &l->text_ring, NULL, err, errlen) ||
	    !off(b, "struct prb_data_ring", "size_bits", &l->size_bits, NULL, err, errlen) ||
	    !off(b, "struct prb_data_ring", "data", &l->data, NULL, err, errlen) ||
	    !off(b, "struct prb_desc", "state_var", &l->state_var, NULL, err, errlen) ||
	    !off(b, "struct prb_desc", "text_blk_lpos.begin", &l->lpos_begin, NULL, err, errlen) ||
	    !off(b, "struct prb_desc", "text_blk_lpos.next", &l->lpos_next, NULL, err, errlen) ||
	    !off(b, "struct printk_info", "seq", &l->seq, NULL, err, errlen) ||
	    !off(b, "struct printk_info", "ts_nsec", &l->ts_nsec, NULL, err, errlen) ||
	    !off(b, "struct printk_info", "text_len", &l->text_len, NULL, err, errlen) ||
	    !off(b, "struct printk_info", "level", &l->level_bit, &bits, err, errlen))
		return -1;
	l->level_bits = bits ? bits : 8;
	uint64_t bit;
	uint32_t nb;
	struct ktype tl;
	long long ls = -1;
	ds = is = -1;
	if (ktypes_offsetof(b, "struct printk_info", "text_len", &bit, &nb, &tl))
		ls = ktypes_size(b, tl);
	if (ktypes_find(b, "struct prb_desc", &t))
		ds = ktypes_size(b, t);
	if (ktypes_find(b, "struct printk_info", &t))
		is = ktypes_size(b, t);
	if (ds <= 0 || is <= 0 || ls <= 0 || ls > 8 || l->level_bits > 8 ||
	    l->level_bit / 8 + 2 > (size_t)is) {
		snprintf(err, errlen, "BTF's struct prb_desc or printk_info is not as expected");
		return -1;
	}
	l->text_len_size = (size_t)ls;
	if (l->state_var + 8 > (size_t)ds || l->lpos_begin + 8 > (size_t)ds ||
	    l->lpos_next + 8 > (size_t)ds || l->seq + 8 > (size_t)is || l->ts_nsec + 8 > (size_t)is ||
	    l->text_len + l->text_len_size > (size_t)is) {
		snprintf(err, errlen, "BTF places ring-buffer fields outside their structs");
		return -1;
	}
	l->desc_size = (size_t)ds;
	l->info_size = (size_t)is;
	return 0;
}

static uint64_t le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n && i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

int prb_read(const struct prb_layout *l, uint64_t prb, prb_read_fn read, void *opaque,
	     prb_record_fn rec, void *rec_opaque, char *err, size_t errlen)
{
	uint8_t w[8];
#define RD(addr, n, what) \
	(failed ? 0 : read(opaque, (addr), w, (n)) == 0 ? le(w, (n)) \
	 : (snprintf(err, errlen, "cannot read %s at 0x%llx", what, (unsigned long long)(addr)), \
	    failed = true, 0))
	bool failed = false;
	uint64_t dr = prb + l->desc_ring, tr = prb + l->text_ring;
	uint64_t count_bits = RD(dr + l->count_bits, 4, "desc_ring.count_bits");
	uint64_t descs = RD(dr + l->descs, 8, "desc_ring.descs");
	uint64_t infos = RD(dr + l->infos, 8, "desc_ring.infos");
	uint64_t head = RD(dr + l->head_id, 8, "desc_ring.head_id");
	uint64_t tail = RD(dr + l->tail_id, 8, "desc_ring.tail_id");
	uint64_t size_bits = RD(tr + l->size_bits, 4, "text_data_ring.size_bits");
	uint64_t data = RD(tr + l->data, 8, "text_data_ring.data");
	if (failed)
		return -1;
#undef RD
	if (count_bits == 0 || count_bits > PRB_MAX_COUNT_BITS || size_bits < 3 ||
	    size_bits > PRB_MAX_SIZE_BITS || !descs || !infos || !data) {
		snprintf(err, errlen, "the ring buffer is not initialised (count_bits=%llu "
			 "size_bits=%llu descs=0x%llx data=0x%llx)", (unsigned long long)count_bits,
			 (unsigned long long)size_bits, (unsigned long long)descs,
			 (unsigned long long)data);
		return -1;
	}
	uint64_t count = 1ULL << count_bits, size = 1ULL << size_bits;
	uint8_t *d = malloc(count * l->desc_size), *in = malloc(count * l->info_size);
	uint8_t *text = malloc(size);
	int n = -1;
	if (!d || !in || !text) {
		snprintf(err, errlen, "out of memory for a ring of %llu records",
			 (unsigned long long)count);
		goto out;
	}
	if (read(opaque, descs, d, count * l->desc_size) || read(opaque, infos, in, count * l->info_size) ||
	    read(opaque, data, text, size)) {
		snprintf(err, errlen, "cannot read the rings (descs 0x%llx, infos 0x%llx, data 0x%llx)",
			 (unsigned long long)descs, (unsigned long long)infos, (unsigned long long)data);
		goto out;
	}
	n = 0;
	/* Ids from the oldest (tail) to the newest (head); at most one lap. */
	uint64_t span = (head - tail) & DESC_ID_MASK;
	if (span >= count)
		span = count - 1;
	for (uint64_t i = 0; i <= span; i++) {
		uint64_t id = (head - span + i) & DESC_ID_MASK, idx = id & (count - 1);
		const uint8_t *desc = d + idx * l->desc_size, *info = in + idx * l->info_size;
		uint64_t sv = le(desc + l->state_var, 8);
		unsigned state = (unsigned)(sv >> DESC_STATE_SHIFT);
		if ((sv & DESC_ID_MASK) != id || (state != DESC_COMMITTED && state != DESC_FINALIZED))
			continue;
		uint64_t begin = le(desc + l->lpos_begin, 8), next = le(desc + l->lpos_next, 8);
		struct prb_record r = {
			.seq = le(info + l->seq, 8),
			.ts_nsec = le(info + l->ts_nsec, 8),
			.level = (int)((le(info + l->level_bit / 8, 2) >> (l->level_bit % 8)) &
				       ((1u << l->level_bits) - 1)),
			.text = "", .len = 0,
		};
		size_t text_len = (size_t)le(info + l->text_len, l->text_len_size);
		/* get_data(): a data-less block has begin == next with bit 0
		 * set; a regular block lies in one wrap, begin < next; a
		 * wrapping one starts again at the ring's start. Each block
		 * begins with the descriptor id (an unsigned long). */
		uint64_t at = 0, blk = 0;
		bool ok = true;
		if ((begin & 1) && begin == next)
			ok = false;
		else if (begin >> size_bits == next >> size_bits && begin < next) {
			at = begin & (size - 1);
			blk = next - begin;
		} else if ((begin + size) >> size_bits == next >> size_bits) {
			at = 0;
			blk = next & (size - 1);
		} else {
			ok = false;
		}
		if (ok && blk >= 8 && at + blk <= size && le(text + at, 8) == id) {
			r.text = (const char *)text + at + 8;
			r.len = text_len < blk - 8 ? text_len : (size_t)(blk - 8);
		}
		rec(rec_opaque, &r);
		n++;
	}
out:
	free(d);
	free(in);
	free(text);
	return n;
}

void prb_format(const struct prb_record *r, bool levels, void (*line)(void *, const char *),
		void *opaque)
{
	char buf[1100], prefix[48];
	unsigned long long sec = r->ts_nsec / 1000000000ULL, usec = r->ts_nsec % 1000000000ULL / 1000;
	int p = levels ? snprintf(prefix, sizeof(prefix), "<%d>", r->level) : 0;
	snprintf(prefix + p, sizeof(prefix) - (size_t)p, "[%5llu.%06llu] ", sec, usec);
	size_t i = 0;
	do {
		size_t n = 0;
		while (i + n < r->len && r->text[i + n] != '\n')
			n++;
		snprintf(buf, sizeof(buf), "%s%.*s", prefix, (int)(n < 1024 ? n : 1024), r->text + i);
		line(opaque, buf);
		i += n + 1;
	} while (i < r->len);
}
