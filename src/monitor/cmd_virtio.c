// SPDX-License-Identifier: GPL-3.0-or-later
/* The virtio inspector (issue 4): `info virtio`, `vq DEV Q` and
 * `diagnose [DEV]`. Everything here reads state the devices already keep
 * (virtio_dev_get_state, virtio_dev_get_queue, the history in
 * struct virtio_dev_history) plus the rings in guest RAM; nothing changes
 * the device or the guest. Output is name=value, one fact (or one device
 * or queue summary) per line, so tests and scripts can grep it. */
#include <endian.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dev/virtio/virtio_board.h"
#include "dev/virtio/virtio_dev.h"
#include "dev/virtio/virtio_mmio.h"
#include "dev/virtio/virtio_pci.h"
#include "monitor/commands.h"
#include "monitor/parse.h"
#include "vmm/machine.h"

/* Pending chains and segments shown per `vq`, so a flooded ring cannot
 * bury the prompt. */
#define VQ_SHOW_CHAINS 16
#define VQ_SHOW_SEGS   16

/* Virtio device IDs (5). */
#define VIRTIO_ID_NET     1
#define VIRTIO_ID_BLOCK   2
#define VIRTIO_ID_CONSOLE 3

struct bit_name {
	unsigned bit;
	const char *name;
};

/* 6, Reserved Feature Bits (24 to 41), transport and ring features. */
static const struct bit_name generic_bits[] = {
	{ 24, "NOTIFY_ON_EMPTY" }, { 27, "ANY_LAYOUT" }, { 28, "INDIRECT_DESC" },
	{ 29, "EVENT_IDX" }, { 32, "VERSION_1" }, { 33, "ACCESS_PLATFORM" },
	{ 34, "RING_PACKED" }, { 35, "IN_ORDER" }, { 36, "ORDER_PLATFORM" },
	{ 37, "SR_IOV" }, { 38, "NOTIFICATION_DATA" }, { 39, "NOTIF_CONFIG_DATA" },
	{ 40, "RING_RESET" }, { 0, NULL },
};

/* 5.1.3 Network device feature bits. */
static const struct bit_name net_bits[] = {
	{ 0, "CSUM" }, { 1, "GUEST_CSUM" }, { 2, "CTRL_GUEST_OFFLOADS" }, { 3, "MTU" },
	{ 5, "MAC" }, { 7, "GUEST_TSO4" }, { 8, "GUEST_TSO6" }, { 9, "GUEST_ECN" },
	{ 10, "GUEST_UFO" }, { 11, "HOST_TSO4" }, { 12, "HOST_TSO6" }, { 13, "HOST_ECN" },
	{ 14, "HOST_UFO" }, { 15, "MRG_RXBUF" }, { 16, "STATUS" }, { 17, "CTRL_VQ" },
	{ 18, "CTRL_RX" }, { 19, "CTRL_VLAN" }, { 21, "GUEST_ANNOUNCE" }, { 22, "MQ" },
	{ 23, "CTRL_MAC_ADDR" }, { 0, NULL },
};

/* 5.2.3 Block device feature bits. */
static const struct bit_name blk_bits[] = {
	{ 1, "SIZE_MAX" }, { 2, "SEG_MAX" }, { 4, "GEOMETRY" }, { 5, "RO" },
	{ 6, "BLK_SIZE" }, { 9, "FLUSH" }, { 10, "TOPOLOGY" }, { 11, "CONFIG_WCE" },
	{ 12, "MQ" }, { 13, "DISCARD" }, { 14, "WRITE_ZEROES" }, { 15, "LIFETIME" },
	{ 16, "SECURE_ERASE" }, { 0, NULL },
};

/* 5.3.3 Console device feature bits. */
static const struct bit_name console_bits[] = {
	{ 0, "SIZE" }, { 1, "MULTIPORT" }, { 2, "EMERG_WRITE" }, { 0, NULL },
};

static const char *lookup_bit(const struct bit_name *t, unsigned bit)
{
	for (; t && t->name; t++)
		if (t->bit == bit)
			return t->name;
	return NULL;
}

static const struct bit_name *type_bits(uint32_t device_id)
{
	switch (device_id) {
	case VIRTIO_ID_NET:     return net_bits;
	case VIRTIO_ID_BLOCK:   return blk_bits;
	case VIRTIO_ID_CONSOLE: return console_bits;
	default:                return NULL;   /* rng (5.4.3): none */
	}
}

/* "[NAME NAME ...]" for a feature word; unnamed bits as BITn. */
static void feature_names(uint32_t device_id, uint64_t f, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned bit = 0; bit < 64 && used < len; bit++) {
		if (!(f & (1ULL << bit)))
			continue;
		/* 6: bits 0-23 and 50-127 are device-type specific. */
		const char *n = bit >= 24 && bit <= 41 ? lookup_bit(generic_bits, bit) :
							 lookup_bit(type_bits(device_id), bit);
		int w = n ? snprintf(buf + used, len - used, "%s%s", used ? " " : "", n)
			  : snprintf(buf + used, len - used, "%sBIT%u", used ? " " : "", bit);
		used += w > 0 ? (size_t)w : 0;
	}
}


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
	feature_names(s.device_id, s.device_features, names, sizeof(names));
	mon_printf(mon, "%s.device_features=0x%" PRIx64 " [%s]\n", n, s.device_features, names);
	feature_names(s.device_id, s.driver_features, names, sizeof(names));
	mon_printf(mon, "%s.driver_features=0x%" PRIx64 " [%s]\n", n, s.driver_features, names);
	mon_printf(mon, "%s.config_generation=%u\n", n, s.config_generation);
	vector_text(s.config_msix_vector, vec, sizeof(vec));
	mon_printf(mon, "%s.isr=0x%02x isr_reads=%" PRIu64 " irqs_since_isr_read=%" PRIu64
		   " config_irqs=%" PRIu64 " config_vector=%s intx_asserted=%d\n", n, s.isr,
		   s.hist.isr_reads, s.hist.irqs_since_isr_read, s.hist.config_irqs, vec,
		   irq.level);
	mon_printf(mon, "%s.resets=%u\n", n, s.hist.resets);
	if (s.status & VIRTIO_STATUS_NEEDS_RESET)
		mon_printf(mon, "%s.broken=%s\n", n, s.broken);
	for (uint16_t q = 0; q < s.num_queues; q++) {
		struct virtq vq;
		struct virtio_queue_history h;
		uint16_t avail;
		if (virtio_dev_get_queue(bd->dev, q, &vq, &h, &avail) < 0)
			continue;
		vector_text(vq.msix_vector, vec, sizeof(vec));
		mon_printf(mon, "%s.q%u size=%u ready=%d notifies=%" PRIu64 " interrupts=%" PRIu64
			   " suppressed=%" PRIu64 " vector=%s\n", n, q, vq.size, vq.ready,
			   vq.stats.kicks, vq.stats.irqs_sent,
			   vq.stats.irqs_suppressed, vec);
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
	char vec[8];

	if (argc != 3)
		return mon_error(mon, "usage: vq DEV Q (devices: 'info virtio')");
	if (find_dev(mon, argv[1], &bd) < 0)
		return -1;
	if (!parse_u64(argv[2], &q) || q > UINT16_MAX ||
	    virtio_dev_get_queue(bd.dev, (uint16_t)q, &vq, &h, &avail) < 0)
		return mon_error(mon, "%s has no queue '%s'", bd.name, argv[2]);

	mon_printf(mon, "dev=%s q=%u\n", bd.name, (unsigned)q);
	mon_printf(mon, "size=%u\nready=%d\n", vq.size, vq.ready);
	vector_text(vq.msix_vector, vec, sizeof(vec));
	if (vq.ready && vq.packed) {
		show_packed(mon, &vq);
		mon_printf(mon, "vector=%s\n", vec);
	} else {
		/* 2.7: Descriptor Area, Driver Area (avail), Device Area (used). */
		mon_printf(mon, "format=split\n");
		mon_printf(mon, "desc=0x%" PRIx64 "\navail=0x%" PRIx64 "\nused=0x%" PRIx64 "\n",
			   vq.desc_gpa, vq.avail_gpa, vq.used_gpa);
		mon_printf(mon, "vector=%s\n", vec);
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
	mon_printf(mon, "history enabled=%d notified=%d avail_moved=%d used_published=%d\n",
		   h.enabled, h.notified, h.avail_moved, h.used_published);
	if (vq.ready)
		show_pending(mon, bd.dev, (uint16_t)q, vq.last_avail_idx, avail);
	return 0;
}

/* ---- diagnose [DEV] ---- */

/* One device's findings: lines "NAME: problem=KIND: words" or one
 * "NAME: ok: no problem seen ...". Returns the number of problems. */
static int diagnose_one(struct monitor *mon, const struct virtio_board_dev *bd)
{
	struct virtio_dev_state s;
	struct virtio_irq_view irq;
	char st[600], names[512];
	const char *n = bd->name;
	int problems = 0;

	virtio_dev_get_state(bd->dev, &s);
	virtio_board_irq_view(bd, &irq);
	virtio_status_text(s.status, names, sizeof(names));
	snprintf(st, sizeof(st), "status=0x%02x [%s]", s.status, names);

	/* 2.5 and 4.1.4.6 / 4.2.2: the driver reached past the device's
	 * configuration space, or wrote a field it may only read. */
	if (s.hist.bad_config_writes || s.hist.bad_config_reads) {
		bool in_range = s.hist.last_bad_config_off < virtio_dev_config_size(bd->dev) &&
				s.hist.last_bad_config_len <= virtio_dev_config_size(bd->dev) -
								s.hist.last_bad_config_off;
		mon_printf(mon, "%s: problem=config-access-ignored: the driver made %" PRIu64
			   " config write(s) and %" PRIu64 " config read(s) the device ignored; the"
			   " last, a %u-byte %s at offset 0x%x, %s the %u-byte device configuration"
			   " (2.5)\n", n, s.hist.bad_config_writes, s.hist.bad_config_reads,
			   s.hist.last_bad_config_len, s.hist.last_bad_config_write ? "write" : "read",
			   s.hist.last_bad_config_off,
			   in_range ? "is to a read-only field of" : "falls outside",
			   virtio_dev_config_size(bd->dev));
		problems++;
	}
	/* 2.1.2: the device sets DEVICE_NEEDS_RESET when it cannot go on. */
	if (s.status & VIRTIO_STATUS_NEEDS_RESET) {
		mon_printf(mon, "%s: problem=needs-reset: the device is marked NEEDS_RESET (2.1.2): %s;"
			   " it ignores the driver until a reset (%s)\n", n, s.broken, st);
		problems++;
	}
	/* 3.1.1 step 8 failure path: the driver gave up. */
	if (s.status & VIRTIO_STATUS_FAILED) {
		mon_printf(mon, "%s: problem=failed: the driver set FAILED, it gave up on the device%s%s (%s)\n",
			   n, s.hist.features_refusal[0] ? "; last FEATURES_OK refusal: " : "",
			   s.hist.features_refusal, st);
		problems++;
	}
	if (s.status & (VIRTIO_STATUS_NEEDS_RESET | VIRTIO_STATUS_FAILED))
		return problems;

	if (s.status == 0) {
		if (s.hist.status_ever == 0)
			mon_printf(mon, "%s: problem=untouched: the driver never wrote the status byte"
				   " (no ACKNOWLEDGE, 3.1.1 step 2): not probed (%s)\n", n, st);
		else
			mon_printf(mon, "%s: problem=reset-idle: the driver reset the device (%u resets)"
				   " and did not start it again (%s)\n", n, s.hist.resets, st);
		return 1;
	}
	if (!(s.status & VIRTIO_STATUS_FEATURES_OK)) {
		if (s.hist.features_refusal[0] && (s.hist.status_ever & VIRTIO_STATUS_DRIVER)) {
			/* 2.2.2 / 3.1.1 step 6: FEATURES_OK did not stick. */
			mon_printf(mon, "%s: problem=features-refused: the device refused FEATURES_OK: %s (%s)\n",
				   n, s.hist.features_refusal, st);
			feature_names(s.device_id, s.driver_features, names, sizeof(names));
			mon_printf(mon, "%s: detail: driver features written=0x%" PRIx64 " [%s]\n",
				   n, s.driver_features, names);
			return 1;
		}
		/* 3.1.1 steps 2-5 not finished. */
		mon_printf(mon, "%s: problem=stopped-before-features-ok: the driver stopped before"
			   " FEATURES_OK (3.1.1 step 5) (%s)\n", n, st);
		feature_names(s.device_id, s.driver_features, names, sizeof(names));
		mon_printf(mon, "%s: detail: driver features written=0x%" PRIx64 " [%s]\n",
			   n, s.driver_features, names);
		uint64_t refused = s.device_features & ~s.driver_features;
		feature_names(s.device_id, refused, names, sizeof(names));
		mon_printf(mon, "%s: detail: offered but not accepted=0x%" PRIx64 " [%s]\n",
			   n, refused, names);
		return 1;
	}
	if (!(s.status & VIRTIO_STATUS_DRIVER_OK)) {
		mon_printf(mon, "%s: problem=stopped-before-driver-ok: FEATURES_OK was accepted but the"
			   " driver never set DRIVER_OK (3.1.1 step 8); queues do not run (%s)\n", n, st);
		problems++;
	}

	for (uint16_t q = 0; q < s.num_queues; q++) {
		struct virtq vq;
		struct virtio_queue_history h;
		uint16_t avail;
		if (virtio_dev_get_queue(bd->dev, q, &vq, &h, &avail) < 0 || !vq.ready)
			continue;
		uint16_t pending = (uint16_t)(avail - vq.last_avail_idx);
		uint16_t in_flight = (uint16_t)(vq.last_avail_idx - vq.used_idx);
		if (!h.notified && pending) {
			/* 2.7.13.3 / 2.7.10: the driver must notify unless the
			 * device suppressed notifications. */
			if (vq.packed)
				mon_printf(mon, "%s: problem=never-notified: queue %u is enabled and the"
					   " driver made %u buffer(s) available (packed ring, device at"
					   " descriptor %u) but never notified the device (2.8.21.2)%s\n",
					   n, q, pending, vq.avail_pos,
					   vq.notify_suppressed ? "; the device had suppressed notifications" : "");
			else
				mon_printf(mon, "%s: problem=never-notified: queue %u is enabled and the"
					   " driver posted %u buffer(s) (avail.idx=%u, device last saw %u)"
					   " but never notified the device (2.7.13.3)%s\n", n, q, pending,
					   avail, vq.last_avail_idx,
					   vq.notify_suppressed ? "; the device had suppressed notifications" : "");
			problems++;
		} else if (!h.notified) {
			mon_printf(mon, "%s: info: queue %u enabled, never notified, nothing posted"
				   " (avail.idx=%u)\n", n, q, avail);
		} else if (!h.avail_moved) {
			if (vq.packed)
				mon_printf(mon, "%s: problem=avail-not-moved: queue %u was notified %" PRIu64
					   " time(s) but no descriptor became available at descriptor %u:"
					   " the driver kicked before making it available (2.8.21.1) or"
					   " wrote another ring (descriptor ring at 0x%" PRIx64 ")\n", n, q,
					   vq.stats.kicks, vq.avail_pos, vq.desc_gpa);
			else
				mon_printf(mon, "%s: problem=avail-not-moved: queue %u was notified %" PRIu64
					   " time(s) but avail.idx never moved (still %u): the driver kicked"
					   " before publishing (2.7.13.2) or wrote another ring (driver area"
					   " at 0x%" PRIx64 ")\n", n, q, vq.stats.kicks, avail, vq.avail_gpa);
			problems++;
		} else if (pending && (s.status & VIRTIO_STATUS_DRIVER_OK)) {
			mon_printf(mon, "%s: info: queue %u has %u buffer(s) the device has not taken yet"
				   " (avail.idx=%u, last seen %u)\n", n, q, pending, avail,
				   vq.last_avail_idx);
		}
		if (in_flight)
			mon_printf(mon, "%s: info: queue %u: %u request(s) taken by the device and not"
				   " yet completed\n", n, q, in_flight);
		if (!h.used_published)
			continue;
		/* A used buffer notification (2.7.7) that the driver did not
		 * take: INTx needs the ISR read (4.1.4.5.1), virtio-mmio an
		 * InterruptACK (4.2.2), MSI-X an unmasked vector (4.1.5.1.2;
		 * PCI 3.0 6.8.2.9). */
		if (!irq.msix) {
			if (s.hist.irqs_since_isr_read && bd->mmio) {
				mon_printf(mon, "%s: problem=interrupt-not-acked: queue %u published used"
					   " entries (used.idx=%u) and %" PRIu64 " interrupt(s) were sent on"
					   " gsi %u, but the driver has not written InterruptACK since"
					   " (InterruptStatus=0x%02x, line %s): the interrupt was not"
					   " acknowledged (4.2.2)\n", n, q, vq.used_idx,
					   s.hist.irqs_since_isr_read, irq.gsi, s.isr,
					   irq.level ? "still asserted" : "low");
				problems++;
			} else if (s.hist.irqs_since_isr_read) {
				mon_printf(mon, "%s: problem=isr-not-read: queue %u published used entries"
					   " (used.idx=%u) and %" PRIu64 " interrupt(s) were sent on INTx"
					   " gsi %u, but the driver has not read the ISR since (isr=0x%02x,"
					   " isr_reads=%" PRIu64 "): the interrupt was not acknowledged"
					   " (4.1.4.5.1)\n", n, q, vq.used_idx,
					   s.hist.irqs_since_isr_read, irq.gsi, s.isr, s.hist.isr_reads);
				problems++;
			}
		} else if (vq.msix_vector == VIRTQ_NO_VECTOR) {
			mon_printf(mon, "%s: problem=no-vector: queue %u published used entries but has"
				   " no MSI-X vector (VIRTIO_MSI_NO_VECTOR, 4.1.5.1.2): its interrupts go"
				   " nowhere\n", n, q);
			problems++;
		} else if (virtio_board_vector_masked(bd, vq.msix_vector) == 1) {
			mon_printf(mon, "%s: problem=vector-masked: queue %u published used entries but"
				   " MSI-X vector %u is masked%s: the interrupt stays pending (PCI 3.0"
				   " 6.8.2.9)\n", n, q, vq.msix_vector,
				   irq.msix_function_masked ? " (function mask)" : "");
			problems++;
		}
	}
	if (!problems)
		mon_printf(mon, "%s: ok: no problem seen (%s)\n", n, st);
	return problems;
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
