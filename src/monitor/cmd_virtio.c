// SPDX-License-Identifier: GPL-3.0-or-later
/* The virtio inspector (issue 4): `info virtio`, `vq DEV Q` and
 * `diagnose [DEV]`. Everything here reads state the devices already keep
 * (virtio_dev_get_state, virtio_dev_get_queue, the history in
 * struct virtio_dev_history) plus the rings in guest RAM; nothing changes
 * the device or the guest. `diagnose` evaluates the rule table of
 * diagnose_rules.c over diag_snapshot's copy of the device. Output is
 * name=value, one fact (or one device or queue summary) per line, so tests
 * and scripts can grep it. */
#include <endian.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dev/virtio/virtio_board.h"
#include "dev/virtio/virtio_dev.h"
#include "dev/virtio/virtio_mmio.h"
#include "dev/virtio/virtio_pci.h"
#include "monitor/commands.h"
#include "monitor/diagnose_rules.h"
#include "monitor/parse.h"
#include "monitor/virtio_names.h"
#include "board/machine.h"

/* Pending chains and segments shown per `vq`, so a flooded ring cannot
 * bury the prompt. */
#define VQ_SHOW_CHAINS 16
#define VQ_SHOW_SEGS   16

/* A little-endian u16 of a ring in guest RAM; false when not RAM. */
static bool ring_u16(struct monitor *mon, uint64_t gpa, uint16_t *out)
{
	uint16_t v;

	if (gmem_read(&mon->m->vm.mem, gpa, &v, sizeof(v)) < 0)
		return false;
	*out = le16toh(v);
	return true;
}

static void vector_text(uint16_t v, char *buf, size_t len)
{
	if (v == VIRTQ_NO_VECTOR)
		snprintf(buf, len, "none");
	else
		snprintf(buf, len, "%u", v);
}

static const char *stray_why(enum virtio_stray why)
{
	switch (why) {
	case VIRTIO_STRAY_NO_QUEUE:       return "no-such-queue";
	case VIRTIO_STRAY_PAST_AREA:      return "past-notify-area";
	case VIRTIO_STRAY_NOT_QUEUE_ADDR: return "not-a-queue-address";
	default:                          return "?";
	}
}

/* " entry_masked=E function_masked=F" for a queue's MSI-X vector (PCI
 * 3.0 6.8.2.9: the entry's Vector Control mask and the function mask
 * both hold a message back); "" without MSI-X or without a vector. */
static void vector_masks(const struct virtio_board_dev *bd, const struct virtio_irq_view *irq,
			 uint16_t v, char *buf, size_t len)
{
	int entry = virtio_board_vector_entry_masked(bd, v);

	buf[0] = '\0';
	if (irq->msix && entry >= 0)
		snprintf(buf, len, " entry_masked=%d function_masked=%d", entry,
			 irq->msix_function_masked);
}

/* Find a device by name ("blk0"); prints the error itself. */
static int find_dev(struct monitor *mon, const char *name, struct virtio_board_dev *out)
{
	if (virtio_board_find(mon->m->virtio, name, out) == 0)
		return 0;
	if (!virtio_board_count(mon->m->virtio))
		return mon_error(mon, "no virtio devices (--disk, --net, --hvc, --rng)");
	return mon_error(mon, "no virtio device '%s' (see 'info virtio')", name);
}

/* ---- info virtio ---- */

/* One device: where it is, then its state, then its queues. */
static void info_one(struct monitor *mon, const struct virtio_board_dev *bd)
{
	struct virtio_dev_state s;
	struct virtio_irq_view irq;
	char names[512], vec[8], backend[320];
	const char *n = bd->name;

	virtio_board_irq_view(bd, &irq);
	if (bd->pci)
		mon_printf(mon, "dev=%s transport=pci bdf=00:%02x.0 bar=0x%" PRIx64 " irq=%s%u%s\n",
			   n, bd->slot, virtio_pci_bar_addr(bd->pci),
			   irq.msix ? "msix vectors=" : "intx:gsi", irq.msix ? irq.nvec : irq.gsi,
			   irq.msix_function_masked ? " function_masked=1" : "");
	else  /* 4.2: a window and one level line, no vectors */
		mon_printf(mon, "dev=%s transport=mmio addr=0x%" PRIx64 " size=0x%x irq=gsi%u"
			   " ioeventfd=%d\n", n, virtio_mmio_base(bd->mmio), VIRTIO_MMIO_SIZE,
			   irq.gsi, virtio_mmio_have_ioeventfds(bd->mmio));
	virtio_dev_get_state(bd->dev, &s);
	mon_printf(mon, "%s.type=%s device_id=%u\n", n, s.name ? s.name : "?", s.device_id);
	mon_printf(mon, "%s.label=%s\n", n, bd->label);
	virtio_dev_backend_info(bd->dev, backend, sizeof(backend));
	if (backend[0])
		mon_printf(mon, "%s.backend %s\n", n, backend);
	virtio_status_text(s.status, names, sizeof(names));
	mon_printf(mon, "%s.status=0x%02x [%s]\n", n, s.status, names);
	virtio_feature_names(s.device_id, s.device_features, names, sizeof(names));
	mon_printf(mon, "%s.device_features=0x%" PRIx64 " [%s]\n", n, s.device_features, names);
	virtio_feature_names(s.device_id, s.driver_features, names, sizeof(names));
	mon_printf(mon, "%s.driver_features=0x%" PRIx64 " [%s]\n", n, s.driver_features, names);
	mon_printf(mon, "%s.config_generation=%u\n", n, s.config_generation);
	vector_text(s.config_msix_vector, vec, sizeof(vec));
	mon_printf(mon, "%s.isr=0x%02x isr_reads=%" PRIu64 " irqs_since_isr_read=%" PRIu64
		   " config_irqs=%" PRIu64 " config_vector=%s intx_asserted=%d\n", n, s.isr,
		   s.hist.isr_reads, s.hist.irqs_since_isr_read, s.hist.config_irqs, vec,
		   irq.level);
	mon_printf(mon, "%s.resets=%u\n", n, s.hist.resets);
	/* Notifications that reached no queue (4.1.4.4, 4.2.2), the last as
	 * the driver wrote it. */
	if (s.hist.stray_notifies)
		mon_printf(mon, "%s.stray_notifies=%" PRIu64 " since_reset=%" PRIu64
			   " last_value=0x%x last_offset=0x%x last_width=%u last_why=%s\n", n,
			   s.hist.stray_notifies, s.hist.stray_notifies_since_reset,
			   s.hist.last_stray.value, s.hist.last_stray.offset, s.hist.last_stray.width,
			   stray_why(s.hist.last_stray.why));
	else
		mon_printf(mon, "%s.stray_notifies=0\n", n);
	if (s.status & VIRTIO_STATUS_NEEDS_RESET)
		mon_printf(mon, "%s.broken=%s\n", n, s.broken);
	for (uint16_t q = 0; q < s.num_queues; q++) {
		struct virtq vq;
		struct virtio_queue_history h;
		uint16_t avail;
		if (virtio_dev_get_queue(bd->dev, q, &vq, &h, &avail) < 0)
			continue;
		vector_text(vq.msix_vector, vec, sizeof(vec));
		char masks[64];
		vector_masks(bd, &irq, vq.msix_vector, masks, sizeof(masks));
		mon_printf(mon, "%s.q%u size=%u ready=%d notifies=%" PRIu64 " interrupts=%" PRIu64
			   " suppressed=%" PRIu64 " vector=%s%s early_notifies=%" PRIu64 "\n", n, q,
			   vq.size, vq.ready, vq.stats.kicks, vq.stats.irqs_sent,
			   vq.stats.irqs_suppressed, vec, masks, h.early_kicks);
	}
}

/* `info virtio` (cmd_info.c dispatches here). */
int info_virtio(struct monitor *mon)
{
	struct virtio_board *b = mon->m->virtio;
	int n = virtio_board_count(b);

	mon_printf(mon, "virtio.devices=%d\n", n);
	for (int i = 0; i < n; i++) {
		struct virtio_board_dev bd;
		if (virtio_board_get(b, i, &bd) == 0)
			info_one(mon, &bd);
	}
	return 0;
}

/* ---- vq DEV Q ---- */

static void show_pending(struct monitor *mon, struct virtio_dev *dev, uint16_t q,
			 uint16_t from, uint16_t to)
{
	struct virtq_chain *c = malloc(sizeof(*c));   /* ~25 KiB: not on the stack */
	char desc[160];
	unsigned shown = 0;

	if (!c) {
		mon_error(mon, "out of memory");
		return;
	}
	for (uint16_t pos = from; pos != to && shown < VQ_SHOW_CHAINS; pos++, shown++) {
		int r = virtio_dev_describe_pending(dev, q, pos, c, desc, sizeof(desc));
		if (r < 0) {
			mon_printf(mon, "pending pos=%u error=%s\n", pos, c->error);
			continue;
		}
		if (r == 0) {   /* consumed meanwhile, or the queue was reset */
			mon_printf(mon, "pending pos=%u gone\n", pos);
			continue;
		}
		mon_printf(mon, "pending pos=%u head=%u segs=%u indirect=%d readable=%" PRIu64
			   " writable=%" PRIu64 " request=\"%s\"\n", pos, c->head, c->nsegs,
			   c->indirect, c->readable, c->writable, desc);
		for (unsigned i = 0; i < c->nsegs && i < VQ_SHOW_SEGS; i++)
			mon_printf(mon, "pending pos=%u seg=%u addr=0x%" PRIx64 " len=%u flags=%s\n",
				   pos, i, c->seg[i].gpa, c->seg[i].len,
				   c->seg[i].device_writable ? "WRITE" : "READ");
		if (c->nsegs > VQ_SHOW_SEGS)
			mon_printf(mon, "pending pos=%u more_segs=%u\n", pos,
				   c->nsegs - VQ_SHOW_SEGS);
	}
	if ((uint16_t)(to - from) > shown)
		mon_printf(mon, "pending more=%u\n", (unsigned)(uint16_t)(to - from) - shown);
	free(c);
}

static const char *event_flags_text(uint16_t f)
{
	switch (f & 3) {
	case VIRTQ_EVENT_ENABLE:  return "enable";
	case VIRTQ_EVENT_DISABLE: return "disable";
	case VIRTQ_EVENT_DESC:    return "desc";
	default:                  return "reserved";
	}
}

/* 2.8: the ring, both positions with their wrap counters, and the two
 * event suppression structures (2.8.10) as they are in guest RAM now. */
static void show_packed(struct monitor *mon, const struct virtq *vq)
{
	uint16_t desc, flags;

	mon_printf(mon, "format=packed\n");
	mon_printf(mon, "desc_ring=0x%" PRIx64 "\ndriver_event=0x%" PRIx64 "\ndevice_event=0x%" PRIx64 "\n",
		   vq->desc_gpa, vq->avail_gpa, vq->used_gpa);
	mon_printf(mon, "device.next_avail=%u avail_wrap=%d\n", vq->avail_pos, vq->avail_wrap);
	mon_printf(mon, "device.next_used=%u used_wrap=%d\n", vq->used_pos, vq->used_wrap);
	if (ring_u16(mon, vq->avail_gpa, &desc) && ring_u16(mon, vq->avail_gpa + 2, &flags))
		mon_printf(mon, "driver_event.flags=%s off=%u wrap=%u\n", event_flags_text(flags),
			   desc & 0x7fff, desc >> 15);
	if (ring_u16(mon, vq->used_gpa, &desc) && ring_u16(mon, vq->used_gpa + 2, &flags))
		mon_printf(mon, "device_event.flags=%s\n", event_flags_text(flags));
	/* The descriptor at the device's read position: what it waits on. */
	uint16_t f;
	if (ring_u16(mon, vq->desc_gpa + 16ULL * vq->avail_pos + 14, &f))
		mon_printf(mon, "desc[%u].flags=0x%04x avail=%d used=%d\n", vq->avail_pos, f,
			   !!(f & VIRTQ_DESC_F_AVAIL), !!(f & VIRTQ_DESC_F_USED));
}

int cmd_vq(struct monitor *mon, int argc, char **argv)
{
	struct virtio_board_dev bd;
	struct virtq vq;
	struct virtio_queue_history h;
	uint16_t avail;
	uint64_t q;
	char vec[8], masks[64];
	struct virtio_irq_view irq;

	if (argc != 3)
		return mon_error(mon, "usage: vq DEV Q (devices: 'info virtio')");
	if (find_dev(mon, argv[1], &bd) < 0)
		return -1;
	if (!parse_u64(argv[2], &q) || q > UINT16_MAX ||
	    virtio_dev_get_queue(bd.dev, (uint16_t)q, &vq, &h, &avail) < 0)
		return mon_error(mon, "%s has no queue '%s'", bd.name, argv[2]);

	virtio_board_irq_view(&bd, &irq);
	mon_printf(mon, "dev=%s q=%u\n", bd.name, (unsigned)q);
	mon_printf(mon, "size=%u\nready=%d\n", vq.size, vq.ready);
	vector_text(vq.msix_vector, vec, sizeof(vec));
	vector_masks(&bd, &irq, vq.msix_vector, masks, sizeof(masks));
	if (vq.ready && vq.packed) {
		show_packed(mon, &vq);
		mon_printf(mon, "vector=%s%s\n", vec, masks);
	} else {
		/* 2.7: Descriptor Area, Driver Area (avail), Device Area (used). */
		mon_printf(mon, "format=split\n");
		mon_printf(mon, "desc=0x%" PRIx64 "\navail=0x%" PRIx64 "\nused=0x%" PRIx64 "\n",
			   vq.desc_gpa, vq.avail_gpa, vq.used_gpa);
		mon_printf(mon, "vector=%s%s\n", vec, masks);
	}
	if (vq.ready && !vq.packed) {
		uint16_t v;
		/* 2.7.6 struct virtq_avail, 2.7.8 struct virtq_used. */
		if (ring_u16(mon, vq.avail_gpa, &v))
			mon_printf(mon, "avail.flags=0x%x\n", v);
		mon_printf(mon, "avail.idx=%u\n", avail);
		if (ring_u16(mon, vq.used_gpa, &v))
			mon_printf(mon, "used.flags=0x%x\n", v);
		if (ring_u16(mon, vq.used_gpa + 2, &v))
			mon_printf(mon, "used.idx=%u\n", v);
	}
	mon_printf(mon, "device.used_idx=%u\n", vq.used_idx);
	mon_printf(mon, "last_avail_idx=%u\n", vq.last_avail_idx);
	mon_printf(mon, "in_flight=%u\n", (unsigned)(uint16_t)(vq.last_avail_idx - vq.used_idx));
	mon_printf(mon, "pending=%u\n",
		   vq.ready ? (unsigned)(uint16_t)(avail - vq.last_avail_idx) : 0u);
	mon_printf(mon, "event_idx=%d indirect=%d\n", vq.event_idx, vq.indirect);
	if (vq.ready && vq.event_idx && !vq.packed) {
		uint16_t v;
		/* 2.7.7.2 used_event ends the avail ring; 2.7.10.2
		 * avail_event ends the used ring. */
		if (ring_u16(mon, vq.avail_gpa + 4 + 2 * (uint64_t)vq.size, &v))
			mon_printf(mon, "used_event=%u\n", v);
		if (ring_u16(mon, vq.used_gpa + 4 + 8 * (uint64_t)vq.size, &v))
			mon_printf(mon, "avail_event=%u\n", v);
	}
	mon_printf(mon, "kicks=%" PRIu64 " empty_kicks=%" PRIu64 "\n", vq.stats.kicks,
		   h.empty_kicks);
	mon_printf(mon, "pops=%" PRIu64 " pushes=%" PRIu64 "\n", vq.stats.pops, vq.stats.pushes);
	mon_printf(mon, "interrupts=%" PRIu64 " suppressed=%" PRIu64 "\n",
		   vq.stats.irqs_sent, vq.stats.irqs_suppressed);
	/* The last interrupt decision (2.7.7.2, 2.8.10) and the driver's
	 * field it read: what `diagnose` reasons from. */
	if (vq.last_irq.made && vq.packed)
		mon_printf(mon, "last_interrupt_decision used.idx=%u %s driver_event.flags=%s"
			   " off=%u wrap=%u\n", vq.last_irq.used_idx,
			   vq.last_irq.sent ? "sent" : "suppressed", event_flags_text(vq.last_irq.field),
			   vq.last_irq.event & 0x7fff, vq.last_irq.event >> 15);
	else if (vq.last_irq.made)
		mon_printf(mon, "last_interrupt_decision used.idx=%u %s %s=%u\n",
			   vq.last_irq.used_idx, vq.last_irq.sent ? "sent" : "suppressed",
			   vq.event_idx ? "used_event" : "avail.flags", vq.last_irq.field);
	if (vq.irq_ever_sent)
		mon_printf(mon, "last_interrupt_sent used.idx=%u\n", vq.irq_used_idx);
	mon_printf(mon, "early_notifies=%" PRIu64 " waiting_at_driver_ok=%u\n", h.early_kicks,
		   h.waiting_at_driver_ok);
	mon_printf(mon, "history enabled=%d notified=%d avail_moved=%d used_published=%d\n",
		   h.enabled, h.notified, h.avail_moved, h.used_published);
	if (vq.ready)
		show_pending(mon, bd.dev, (uint16_t)q, vq.last_avail_idx, avail);
	return 0;
}

/* ---- diagnose [DEV] ---- */

static void emit_line(void *ctx, const char *line)
{
	mon_printf(ctx, "%s\n", line);
}

/* One device's findings (diagnose_rules.c). */
static void diagnose_one(struct monitor *mon, const struct virtio_board_dev *bd)
{
	struct diag_device d;

	if (diag_snapshot(&d, bd, &mon->m->vm.mem) < 0) {
		mon_error(mon, "out of memory");
		return;
	}
	diag_evaluate(&d, emit_line, mon);
	diag_device_free(&d);
}

int cmd_diagnose(struct monitor *mon, int argc, char **argv)
{
	struct virtio_board *b = mon->m->virtio;
	struct virtio_board_dev bd;

	if (argc > 2)
		return mon_error(mon, "usage: diagnose [DEV]");
	if (argc == 2) {
		if (find_dev(mon, argv[1], &bd) < 0)
			return -1;
		diagnose_one(mon, &bd);
		return 0;
	}
	int n = virtio_board_count(b);
	if (!n)
		mon_printf(mon, "diagnose: no virtio devices\n");
	for (int i = 0; i < n; i++)
		if (virtio_board_get(b, i, &bd) == 0)
			diagnose_one(mon, &bd);
	return 0;
}
