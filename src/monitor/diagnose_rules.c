// SPDX-License-Identifier: GPL-3.0-or-later
/* The rules `diagnose` applies (diagnose_rules.h), one table row each, and
 * the evaluation that orders what they find. A rule's condition and its
 * message read the same snapshot, so a line never contradicts the counters
 * and indices `vq` shows at that moment. */
#include "monitor/diagnose_rules.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/virtio_names.h"

#define LINE_MAX_LEN 1024

/* Where a rule writes: the first line carries the level, the kind and, for
 * a finding another one explains, the consequence note; later lines are
 * details. */
struct diag_out {
	const struct diag_device *d;
	const char *kind;
	enum diag_level level;
	const char *because;          /* the explaining kind, or NULL */
	bool first_done;
	diag_emit_fn *emit;
	void *ctx;
};

static void vline(struct diag_out *o, bool detail, const char *fmt, va_list ap)
{
	char body[LINE_MAX_LEN], line[LINE_MAX_LEN + 128];

	vsnprintf(body, sizeof(body), fmt, ap);
	if (detail)
		snprintf(line, sizeof(line), "%s: detail: %s", o->d->name, body);
	else if (o->level == DIAG_INFO)
		snprintf(line, sizeof(line), "%s: info: %s", o->d->name, body);
	else
		snprintf(line, sizeof(line), "%s: %s=%s: %s%s%s%s", o->d->name,
			 o->level == DIAG_PROBLEM ? "problem" : "warning", o->kind, body,
			 o->because ? " (a consequence of " : "", o->because ? o->because : "",
			 o->because ? ")" : "");
	o->emit(o->ctx, line);
}

__attribute__((format(printf, 2, 3)))
static void say(struct diag_out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(o, o->first_done, fmt, ap);
	va_end(ap);
	o->first_done = true;
}

/* ---- what the rules compute from the snapshot ---- */

static const char *status_text(const struct diag_device *d, char *buf, size_t len)
{
	char names[96];

	snprintf(buf, len, "status=0x%02x [%s]", d->s.status,
		 virtio_status_text(d->s.status, names, sizeof(names)));
	return buf;
}

static bool st(const struct diag_device *d, uint8_t bits)
{
	return d->s.status & bits;
}

/* Queues are examined once the features are fixed and while the device
 * still serves the driver (not NEEDS_RESET, not FAILED). */
static bool queues_examined(const struct diag_device *d)
{
	return st(d, VIRTIO_STATUS_FEATURES_OK) &&
	       !st(d, VIRTIO_STATUS_NEEDS_RESET | VIRTIO_STATUS_FAILED);
}

static bool ready_queue(const struct diag_device *d, const struct diag_queue *q)
{
	return queues_examined(d) && q->vq.ready;
}

static uint16_t pending(const struct diag_queue *q)
{
	return q->vq.ready ? (uint16_t)(q->avail_idx - q->vq.last_avail_idx) : 0;
}

static uint16_t in_flight(const struct diag_queue *q)
{
	return (uint16_t)(q->vq.last_avail_idx - q->vq.used_idx);
}

/* With EVENT_IDX the driver's event field is its progress mark: split
 * used_event (2.7.7.2), packed the Driver Event Suppression desc word with
 * flags DESC (2.8.10). Where it stands against the device's used position:
 * current (equal), behind by n entries (split) or descriptors (packed), or
 * ahead (asking for an interrupt past what the device published). */
enum mark { MARK_NONE, MARK_CURRENT, MARK_BEHIND, MARK_AHEAD };

static enum mark driver_mark(const struct diag_queue *q, unsigned *n)
{
	const struct virtq *vq = &q->vq;

	*n = 0;
	if (!vq->ready || !vq->event_idx)
		return MARK_NONE;
	if (!vq->packed) {
		if (!q->have_used_event)
			return MARK_NONE;
		uint16_t d = (uint16_t)(vq->used_idx - q->used_event);
		if (d == 0)
			return MARK_CURRENT;
		*n = d < 0x8000 ? d : (uint16_t)-d;
		return d < 0x8000 ? MARK_BEHIND : MARK_AHEAD;
	}
	if (!q->have_driver_event || (q->driver_event_flags & 3) != VIRTQ_EVENT_DESC)
		return MARK_NONE;
	uint16_t off = q->driver_event_off_wrap & 0x7fff;
	bool wrap = q->driver_event_off_wrap >> 15;
	/* In this lap when the wrap counters agree (an offset past the
	 * device's is ahead), else the previous lap (more than a ring's
	 * length back is the next lap: ahead). */
	uint32_t d = wrap == vq->used_wrap ?
		     (off <= vq->used_pos ? (uint32_t)(vq->used_pos - off) : UINT32_MAX) :
		     (uint32_t)vq->used_pos + vq->size - off;
	if (d == 0)
		return MARK_CURRENT;
	if (d <= vq->size) {
		*n = d;
		return MARK_BEHIND;
	}
	return MARK_AHEAD;
}

/* Used entries published since the last interrupt that was sent. */
static bool published_since_interrupt(const struct diag_queue *q)
{
	return q->h.used_published && (!q->vq.irq_ever_sent || q->vq.irq_used_idx != q->vq.used_idx);
}

static const char *event_flags_name(uint16_t f)
{
	switch (f & 3) {
	case VIRTQ_EVENT_ENABLE:  return "enable";
	case VIRTQ_EVENT_DISABLE: return "disable";
	case VIRTQ_EVENT_DESC:    return "desc";
	default:                  return "reserved";
	}
}

/* ---- the rules: a condition and a message each ---- */

static bool c_config(const struct diag_device *d, const struct diag_queue *q)
{
	(void)q;
	return d->s.hist.bad_config_writes || d->s.hist.bad_config_reads;
}

static void m_config(const struct diag_device *d, const struct diag_queue *q, struct diag_out *o)
{
	const struct virtio_dev_history *h = &d->s.hist;
	bool in_range = h->last_bad_config_off < d->config_size &&
			h->last_bad_config_len <= d->config_size - h->last_bad_config_off;

	(void)q;
	say(o, "the driver made %" PRIu64 " config write(s) and %" PRIu64 " config read(s) the"
	    " device ignored; the last, a %u-byte %s at offset 0x%x, %s the %u-byte device"
	    " configuration (2.5)", h->bad_config_writes, h->bad_config_reads,
	    h->last_bad_config_len, h->last_bad_config_write ? "write" : "read",
	    h->last_bad_config_off, in_range ? "is to a read-only field of" : "falls outside",
	    d->config_size);
}

static bool c_refused(const struct diag_device *d, const struct diag_queue *q)
{
	(void)q;
	return d->s.status && d->s.hist.features_refused && !st(d, VIRTIO_STATUS_FEATURES_OK);
}

static void m_refused(const struct diag_device *d, const struct diag_queue *q, struct diag_out *o)
{
	char stx[128], names[512];

	(void)q;
	/* 3.1.1 step 6: the driver re-reads status to see FEATURES_OK stuck;
	 * one that set more bits went on without looking. */
	say(o, "the device refused FEATURES_OK: %s%s (%s)", d->s.hist.features_refusal,
	    st(d, VIRTIO_STATUS_NEEDS_RESET) || (d->s.hist.status_ever & VIRTIO_STATUS_DRIVER_OK) ?
	    "; the driver went on without re-reading status (3.1.1 step 6)" : "",
	    status_text(d, stx, sizeof(stx)));
	virtio_feature_names(d->s.device_id, d->s.driver_features, names, sizeof(names));
	say(o, "driver features written=0x%" PRIx64 " [%s]", d->s.driver_features, names);
}

static bool c_needs_reset(const struct diag_device *d, const struct diag_queue *q)
{
	(void)q;
	return st(d, VIRTIO_STATUS_NEEDS_RESET);
}

static void m_needs_reset(const struct diag_device *d, const struct diag_queue *q,
			  struct diag_out *o)
{
	char stx[128];

	(void)q;
	say(o, "the device is marked NEEDS_RESET (2.1.2): %s; it ignores the driver until a"
	    " reset (%s)", d->s.broken, status_text(d, stx, sizeof(stx)));
}

static bool c_failed(const struct diag_device *d, const struct diag_queue *q)
{
	(void)q;
	return st(d, VIRTIO_STATUS_FAILED);
}

static void m_failed(const struct diag_device *d, const struct diag_queue *q, struct diag_out *o)
{
	char stx[128];

	(void)q;
	say(o, "the driver set FAILED, it gave up on the device%s%s (%s)",
	    d->s.hist.features_refusal[0] ? "; last FEATURES_OK refusal: " : "",
	    d->s.hist.features_refusal, status_text(d, stx, sizeof(stx)));
}

static bool c_untouched(const struct diag_device *d, const struct diag_queue *q)
{
	(void)q;
	return d->s.status == 0 && d->s.hist.status_ever == 0;
}

static void m_untouched(const struct diag_device *d, const struct diag_queue *q,
			struct diag_out *o)
{
	char stx[128];

	(void)q;
	say(o, "the driver never wrote the status byte (no ACKNOWLEDGE, 3.1.1 step 2): not"
	    " probed (%s)", status_text(d, stx, sizeof(stx)));
}

static bool c_reset_idle(const struct diag_device *d, const struct diag_queue *q)
{
	(void)q;
	return d->s.status == 0 && d->s.hist.status_ever != 0;
}

static void m_reset_idle(const struct diag_device *d, const struct diag_queue *q,
			 struct diag_out *o)
{
	char stx[128];

	(void)q;
	say(o, "the driver reset the device (%u resets) and did not start it again (%s)",
	    d->s.hist.resets, status_text(d, stx, sizeof(stx)));
}

static bool c_before_features_ok(const struct diag_device *d, const struct diag_queue *q)
{
	(void)q;
	return d->s.status && !d->s.hist.features_refused &&
	       !st(d, VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_NEEDS_RESET | VIRTIO_STATUS_FAILED);
}

static void m_before_features_ok(const struct diag_device *d, const struct diag_queue *q,
				 struct diag_out *o)
{
	char stx[128], names[512];
	uint64_t refused = d->s.device_features & ~d->s.driver_features;

	(void)q;
	say(o, "the driver stopped before FEATURES_OK (3.1.1 step 5) (%s)",
	    status_text(d, stx, sizeof(stx)));
	virtio_feature_names(d->s.device_id, d->s.driver_features, names, sizeof(names));
	say(o, "driver features written=0x%" PRIx64 " [%s]", d->s.driver_features, names);
	virtio_feature_names(d->s.device_id, refused, names, sizeof(names));
	say(o, "offered but not accepted=0x%" PRIx64 " [%s]", refused, names);
}

static bool c_before_driver_ok(const struct diag_device *d, const struct diag_queue *q)
{
	(void)q;
	return queues_examined(d) && !st(d, VIRTIO_STATUS_DRIVER_OK);
}

static void m_before_driver_ok(const struct diag_device *d, const struct diag_queue *q,
			       struct diag_out *o)
{
	char stx[128];

	(void)q;
	say(o, "FEATURES_OK was accepted but the driver never set DRIVER_OK (3.1.1 step 8);"
	    " queues do not run (%s)", status_text(d, stx, sizeof(stx)));
}

static bool c_nowhere(const struct diag_device *d, const struct diag_queue *q)
{
	(void)q;
	return d->s.hist.stray_notifies_since_reset > 0;
}

static void m_nowhere(const struct diag_device *d, const struct diag_queue *q, struct diag_out *o)
{
	const struct virtio_stray_notify *l = &d->s.hist.last_stray;
	char where[200];

	(void)q;
	if (l->why == VIRTIO_STRAY_NO_QUEUE)
		snprintf(where, sizeof(where), "QueueNotify=%u names no queue (the device has %u)"
			 " (4.2.2)", l->value, d->nq);
	else
		snprintf(where, sizeof(where), "a %u-byte write of 0x%x at notify offset 0x%x, %s"
			 " (queue q's address is offset 4*q for q < %u, 16 or 32 bits wide,"
			 " 4.1.4.4)", l->width, l->value, l->offset,
			 l->why == VIRTIO_STRAY_PAST_AREA ? "is past the notification area" :
							    "is not a queue's notify address", d->nq);
	say(o, "the driver made %" PRIu64 " notification(s) that reached no queue since the last"
	    " reset; the last, %s", d->s.hist.stray_notifies_since_reset, where);
}

static bool c_early_kick(const struct diag_device *d, const struct diag_queue *q)
{
	return !st(d, VIRTIO_STATUS_NEEDS_RESET | VIRTIO_STATUS_FAILED) && q->h.early_kicks;
}

static void m_early_kick(const struct diag_device *d, const struct diag_queue *q,
			 struct diag_out *o)
{
	(void)d;
	say(o, "queue %u was notified %" PRIu64 " time(s) before %s: the driver must not notify"
	    " before setting DRIVER_OK (3.1.1); hvmon looks at every ready queue at DRIVER_OK, as"
	    " QEMU does, but a device that does not would leave this driver waiting", q->index,
	    q->h.early_kicks, q->h.early_kick_not_ready ? "the queue was enabled (queue_enable)" :
							   "DRIVER_OK");
}

static bool c_never_notified(const struct diag_device *d, const struct diag_queue *q)
{
	return ready_queue(d, q) && !q->h.notified && pending(q);
}

static void m_never_notified(const struct diag_device *d, const struct diag_queue *q,
			     struct diag_out *o)
{
	const char *supp = q->vq.notify_suppressed ? "; the device had suppressed notifications" : "";

	(void)d;
	/* 2.7.10.1: the driver must notify unless the device suppressed
	 * notifications; 2.7.13.4 is the act (packed: 2.8.10, 2.8.21.3). */
	if (q->vq.packed)
		say(o, "queue %u is enabled and the driver made %u buffer(s) available (packed"
		    " ring, device at descriptor %u) but never notified the device (2.8.10, 2.8.21.3)%s",
		    q->index, pending(q), q->vq.avail_pos, supp);
	else
		say(o, "queue %u is enabled and the driver posted %u buffer(s) (avail.idx=%u, device"
		    " last saw %u) but never notified the device (2.7.10.1, 2.7.13.4)%s", q->index,
		    pending(q), q->avail_idx, q->vq.last_avail_idx, supp);
}

static bool c_taken_unnotified(const struct diag_device *d, const struct diag_queue *q)
{
	return ready_queue(d, q) && !q->h.notified && q->h.avail_moved && !pending(q);
}

static void m_taken_unnotified(const struct diag_device *d, const struct diag_queue *q,
			       struct diag_out *o)
{
	(void)d;
	if (q->h.waiting_at_driver_ok)
		say(o, "queue %u: %u buffer(s) taken without a notification (served at DRIVER_OK;"
		    " avail.idx=%u, device last saw %u): a device that does not look at its rings at"
		    " DRIVER_OK would not have served them (2.7.10.1)", q->index,
		    q->h.waiting_at_driver_ok, q->avail_idx, q->vq.last_avail_idx);
	else
		say(o, "queue %u: buffers taken without a notification (avail.idx=%u, device last"
		    " saw %u)", q->index, q->avail_idx, q->vq.last_avail_idx);
}

static bool c_idle(const struct diag_device *d, const struct diag_queue *q)
{
	return ready_queue(d, q) && !q->h.notified && !q->h.avail_moved && !pending(q);
}

static void m_idle(const struct diag_device *d, const struct diag_queue *q, struct diag_out *o)
{
	(void)d;
	say(o, "queue %u enabled, never notified, nothing posted (avail.idx=%u)", q->index,
	    q->avail_idx);
}

static bool c_avail_not_moved(const struct diag_device *d, const struct diag_queue *q)
{
	return ready_queue(d, q) && q->h.notified && !q->h.avail_moved;
}

static void m_avail_not_moved(const struct diag_device *d, const struct diag_queue *q,
			      struct diag_out *o)
{
	(void)d;
	if (q->vq.packed)
		say(o, "queue %u was notified %" PRIu64 " time(s) but no descriptor became available"
		    " at descriptor %u: the driver kicked before making it available (2.8.21.1) or"
		    " wrote another ring (descriptor ring at 0x%" PRIx64 ")", q->index,
		    q->vq.stats.kicks, q->vq.avail_pos, q->vq.desc_gpa);
	else
		say(o, "queue %u was notified %" PRIu64 " time(s) but avail.idx never moved (still"
		    " %u): the driver kicked before publishing (2.7.13.2) or wrote another ring"
		    " (driver area at 0x%" PRIx64 ")", q->index, q->vq.stats.kicks, q->avail_idx,
		    q->vq.avail_gpa);
}

static bool c_not_taken(const struct diag_device *d, const struct diag_queue *q)
{
	return ready_queue(d, q) && q->h.notified && q->h.avail_moved && pending(q) &&
	       st(d, VIRTIO_STATUS_DRIVER_OK);
}

static void m_not_taken(const struct diag_device *d, const struct diag_queue *q,
			struct diag_out *o)
{
	(void)d;
	say(o, "queue %u has %u buffer(s) the device has not taken yet (avail.idx=%u, last seen"
	    " %u)", q->index, pending(q), q->avail_idx, q->vq.last_avail_idx);
}

static bool c_in_flight(const struct diag_device *d, const struct diag_queue *q)
{
	return ready_queue(d, q) && in_flight(q);
}

static void m_in_flight(const struct diag_device *d, const struct diag_queue *q,
			struct diag_out *o)
{
	(void)d;
	say(o, "queue %u: %u request(s) taken by the device and not yet completed", q->index,
	    in_flight(q));
}

static bool c_not_acked(const struct diag_device *d, const struct diag_queue *q)
{
	return ready_queue(d, q) && q->h.used_published && !d->irq.msix && d->mmio &&
	       d->s.hist.irqs_since_isr_read;
}

static void m_not_acked(const struct diag_device *d, const struct diag_queue *q,
			struct diag_out *o)
{
	say(o, "queue %u published used entries (used.idx=%u) and %" PRIu64 " interrupt(s) were"
	    " sent on gsi %u, but the driver has not written InterruptACK since"
	    " (InterruptStatus=0x%02x, line %s): the interrupt was not acknowledged (4.2.2)",
	    q->index, q->vq.used_idx, d->s.hist.irqs_since_isr_read, d->irq.gsi, d->s.isr,
	    d->irq.level ? "still asserted" : "low");
}

static bool c_isr_not_read(const struct diag_device *d, const struct diag_queue *q)
{
	return ready_queue(d, q) && q->h.used_published && !d->irq.msix && !d->mmio &&
	       d->s.hist.irqs_since_isr_read;
}

static void m_isr_not_read(const struct diag_device *d, const struct diag_queue *q,
			   struct diag_out *o)
{
	say(o, "queue %u published used entries (used.idx=%u) and %" PRIu64 " interrupt(s) were"
	    " sent on INTx gsi %u, but the driver has not read the ISR since (isr=0x%02x,"
	    " isr_reads=%" PRIu64 "): the interrupt was not acknowledged (4.1.4.5.1)", q->index,
	    q->vq.used_idx, d->s.hist.irqs_since_isr_read, d->irq.gsi, d->s.isr,
	    d->s.hist.isr_reads);
}

static bool c_no_vector(const struct diag_device *d, const struct diag_queue *q)
{
	return ready_queue(d, q) && q->h.used_published && d->irq.msix &&
	       q->vq.msix_vector == VIRTQ_NO_VECTOR;
}

static void m_no_vector(const struct diag_device *d, const struct diag_queue *q,
			struct diag_out *o)
{
	(void)d;
	say(o, "queue %u published used entries but has no MSI-X vector (VIRTIO_MSI_NO_VECTOR,"
	    " 4.1.5.1.2): its interrupts go nowhere", q->index);
}

static bool c_vector_masked(const struct diag_device *d, const struct diag_queue *q)
{
	return ready_queue(d, q) && q->h.used_published && d->irq.msix &&
	       q->vq.msix_vector != VIRTQ_NO_VECTOR && q->vector_masked == 1;
}

static void m_vector_masked(const struct diag_device *d, const struct diag_queue *q,
			    struct diag_out *o)
{
	bool fn = d->irq.msix_function_masked, entry = q->vector_entry_masked == 1;

	say(o, "queue %u published used entries but MSI-X vector %u is masked%s: the interrupt"
	    " stays pending (PCI 3.0 6.8.2.9)", q->index, q->vq.msix_vector,
	    fn && entry ? " (function mask and the entry's Vector Control mask)" :
	    fn ? " (function mask)" : " (the entry's Vector Control mask)");
}

/* With EVENT_IDX, the driver's mark suppresses: ahead of what the device
 * published, or behind it with no interrupt ever sent (behind after an
 * interrupt is not-consumed: the driver's progress, not its request). */
static bool mark_suppresses(const struct diag_queue *q)
{
	unsigned n;
	enum mark m = driver_mark(q, &n);

	return m == MARK_AHEAD || (m == MARK_BEHIND && !q->vq.irq_ever_sent);
}

/* The driver's own suppression field, as it is now, still suppresses an
 * interrupt for what the device published since the last one. */
static bool c_suppressed(const struct diag_device *d, const struct diag_queue *q)
{
	const struct virtq *vq = &q->vq;

	if (!ready_queue(d, q) || !st(d, VIRTIO_STATUS_DRIVER_OK) || !vq->last_irq.made ||
	    vq->last_irq.sent || !published_since_interrupt(q))
		return false;
	if (vq->packed) {
		if (!q->have_driver_event)
			return false;
		uint16_t f = q->driver_event_flags & 3;
		return f == VIRTQ_EVENT_DISABLE || (f == VIRTQ_EVENT_DESC && mark_suppresses(q));
	}
	if (vq->event_idx)
		return mark_suppresses(q);
	return q->have_avail_flags && (q->avail_flags & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

static void last_irq_text(const struct diag_queue *q, char *buf, size_t len)
{
	if (q->vq.irq_ever_sent)
		snprintf(buf, len, "the last interrupt went at used.idx=%u", q->vq.irq_used_idx);
	else
		snprintf(buf, len, "no interrupt was sent since the queue was enabled");
}

static void m_suppressed(const struct diag_device *d, const struct diag_queue *q,
			 struct diag_out *o)
{
	const struct virtq *vq = &q->vq;
	const struct virtq_irq_decision *l = &vq->last_irq;
	char last[80];

	(void)d;
	last_irq_text(q, last, sizeof(last));
	if (vq->packed && (l->field & 3) == VIRTQ_EVENT_DESC)
		say(o, "queue %u: the driver event suppression flags=desc off=%u wrap=%u suppressed"
		    " the used buffer notification for used.idx=%u: it asks for one only once the"
		    " device marks that descriptor used, and the device's next used descriptor is %u"
		    " wrap=%d (2.8.10); %s", q->index, l->event & 0x7fff, l->event >> 15, l->used_idx,
		    vq->used_pos, vq->used_wrap, last);
	else if (vq->packed)
		say(o, "queue %u: the driver event suppression flags=%s suppressed the used buffer"
		    " notification for used.idx=%u (2.8.10); %s", q->index,
		    event_flags_name(l->field), l->used_idx, last);
	else if (vq->event_idx)
		say(o, "queue %u: used_event=%u suppressed the used buffer notification for"
		    " used.idx=%u: the driver asked for one only once the device writes used entry"
		    " %u (EVENT_IDX, 2.7.7.2); %s", q->index, l->field, l->used_idx, l->field, last);
	else
		say(o, "queue %u: avail.flags=0x%x (VIRTQ_AVAIL_F_NO_INTERRUPT) suppressed the used"
		    " buffer notification for used.idx=%u (2.7.7.2); %s; without EVENT_IDX the device"
		    " cannot tell whether the driver polls the used ring instead", q->index, l->field,
		    l->used_idx, last);
}

static bool c_not_consumed(const struct diag_device *d, const struct diag_queue *q)
{
	unsigned n;

	return ready_queue(d, q) && q->h.used_published && q->vq.irq_ever_sent &&
	       driver_mark(q, &n) == MARK_BEHIND;
}

static void m_not_consumed(const struct diag_device *d, const struct diag_queue *q,
			   struct diag_out *o)
{
	const struct virtq *vq = &q->vq;
	unsigned n;

	(void)d;
	driver_mark(q, &n);
	if (vq->packed)
		say(o, "queue %u: the driver event suppression off=%u wrap=%u (flags=desc, its"
		    " progress mark) is %u descriptor(s) behind the device's next used descriptor %u"
		    " wrap=%d, and an interrupt went at used.idx=%u: the driver did not process the"
		    " used descriptors after the interrupt (2.8.10)", q->index,
		    q->driver_event_off_wrap & 0x7fff, q->driver_event_off_wrap >> 15, n,
		    vq->used_pos, vq->used_wrap, vq->irq_used_idx);
	else
		say(o, "queue %u: used_event=%u (the driver's progress mark with EVENT_IDX) is %u"
		    " entr%s behind used.idx=%u, and an interrupt went at used.idx=%u: the driver did"
		    " not process the used ring after the interrupt (2.7.7.2, 2.7.14)", q->index,
		    q->used_event, n, n == 1 ? "y" : "ies", vq->used_idx, vq->irq_used_idx);
}

static bool c_unknown_progress(const struct diag_device *d, const struct diag_queue *q)
{
	return ready_queue(d, q) && q->h.used_published && !q->vq.event_idx &&
	       q->vq.last_irq.made && q->vq.last_irq.sent;
}

static void m_unknown_progress(const struct diag_device *d, const struct diag_queue *q,
			       struct diag_out *o)
{
	(void)d;
	say(o, "queue %u: used.idx=%u and an interrupt was sent; without EVENT_IDX the driver"
	    " reports no progress (no used_event, 2.7.7.2), so the device cannot tell whether it"
	    " processed them", q->index, q->vq.used_idx);
}

/* ---- the table ---- */

struct diag_rule {
	const char *kind;
	enum diag_level level;
	bool per_queue;
	bool root;               /* false: it can be the consequence of another */
	const char *spec;
	const char *explains;    /* kinds it explains, space-separated */
	const char *saw;         /* docs: what hvmon saw */
	const char *check;       /* docs: what a driver developer should check */
	bool (*cond)(const struct diag_device *d, const struct diag_queue *q);
	void (*msg)(const struct diag_device *d, const struct diag_queue *q, struct diag_out *o);
};

static const struct diag_rule rules[] = {
	{ "config-access-ignored", DIAG_PROBLEM, false, true, "2.5", NULL,
	  "config space reads or writes the device ignored: outside its configuration, or a write to a read-only field",
	  "the device type's config layout (5.x.4) and which fields are writable",
	  c_config, m_config },
	{ "features-refused", DIAG_PROBLEM, false, true, "2.2.2, 3.1.1 step 6",
	  "needs-reset failed",
	  "the device refused FEATURES_OK since the last reset, and why (unoffered bits, no VERSION_1, a dependency of 5.1.3.1 broken)",
	  "accept only offered bits; re-read status after setting FEATURES_OK and stop if it did not stick",
	  c_refused, m_refused },
	{ "needs-reset", DIAG_PROBLEM, false, false, "2.1.2", NULL,
	  "the device set NEEDS_RESET, with the rule the driver broke",
	  "the rule named in the reason; then reset the device and start again",
	  c_needs_reset, m_needs_reset },
	{ "failed", DIAG_PROBLEM, false, false, "3.1.1", NULL,
	  "the driver set FAILED, with the last FEATURES_OK refusal if any",
	  "why the driver gave up (its own log)",
	  c_failed, m_failed },
	{ "untouched", DIAG_PROBLEM, false, true, "3.1.1 step 2", NULL,
	  "the status byte was never written: not probed",
	  "that the driver matched the device (PCI IDs 4.1.2, virtio-mmio DeviceID 4.2.2, ACPI or cmdline)",
	  c_untouched, m_untouched },
	{ "reset-idle", DIAG_PROBLEM, false, true, "2.4", NULL,
	  "reset and not started again",
	  "the driver's error path after its reset",
	  c_reset_idle, m_reset_idle },
	{ "stopped-before-features-ok", DIAG_PROBLEM, false, true, "3.1.1 step 5", NULL,
	  "the driver stopped in 3.1.1 steps 2-5; the features written, and those offered but not accepted",
	  "the feature negotiation: what the driver wanted that was not offered",
	  c_before_features_ok, m_before_features_ok },
	{ "stopped-before-driver-ok", DIAG_PROBLEM, false, true, "3.1.1 step 8", NULL,
	  "FEATURES_OK accepted, DRIVER_OK never set",
	  "queue set-up (step 7) and what the driver does before DRIVER_OK",
	  c_before_driver_ok, m_before_driver_ok },
	{ "notify-to-nowhere", DIAG_PROBLEM, false, true, "4.1.4.4, 4.2.2", "never-notified",
	  "notifications that reached no queue since the last reset: a queue index the device lacks, an offset past the notify area, or no queue's address; the last with its value, offset and width",
	  "the notify address: notify_off_multiplier times queue_notify_off (pci), the queue index written to QueueNotify (mmio)",
	  c_nowhere, m_nowhere },
	{ "early-kick", DIAG_WARNING, true, true, "3.1.1", NULL,
	  "a queue notified before it was enabled or before DRIVER_OK; served at DRIVER_OK, so nothing hung here",
	  "set DRIVER_OK before the first notification; a VMM that does not look at its rings at DRIVER_OK hangs this driver",
	  c_early_kick, m_early_kick },
	{ "never-notified", DIAG_PROBLEM, true, false, "2.7.10.1, 2.7.13.4, 2.8.10, 2.8.21.3", NULL,
	  "buffers made available on an enabled queue, no notification",
	  "the notify write after publishing avail.idx (split) or the descriptor flags (packed), unless the device suppressed notifications",
	  c_never_notified, m_never_notified },
	{ "taken-unnotified", DIAG_INFO, true, true, "2.7.10.1", NULL,
	  "buffers the device took without a notification (made available before DRIVER_OK, served at DRIVER_OK)",
	  "notify after making buffers available, even before DRIVER_OK",
	  c_taken_unnotified, m_taken_unnotified },
	{ "idle", DIAG_INFO, true, true, "2.7.13", NULL,
	  "a queue enabled and never notified, nothing made available",
	  "nothing, unless the driver believes it posted a request",
	  c_idle, m_idle },
	{ "avail-not-moved", DIAG_PROBLEM, true, true, "2.7.13.2, 2.8.21.1", NULL,
	  "notified, but no buffer ever became available (kicked before publishing, or the wrong ring)",
	  "the order: ring entry, then avail.idx (split) or flags (packed), then the notification; the ring addresses",
	  c_avail_not_moved, m_avail_not_moved },
	{ "not-taken-yet", DIAG_INFO, true, true, "2.7.13", NULL,
	  "buffers the device has not taken yet",
	  "nothing yet: the device is working on the queue",
	  c_not_taken, m_not_taken },
	{ "in-flight", DIAG_INFO, true, true, "2.7.14", NULL,
	  "requests taken by the device and not yet completed",
	  "the backend (a slow disk or tap)",
	  c_in_flight, m_in_flight },
	{ "isr-not-read", DIAG_PROBLEM, true, true, "4.1.4.5.1", "not-consumed unknown-progress",
	  "INTx: used entries and interrupts, the ISR not read since",
	  "the interrupt handler: read the ISR, which also lowers the line",
	  c_isr_not_read, m_isr_not_read },
	{ "interrupt-not-acked", DIAG_PROBLEM, true, true, "4.2.2", "not-consumed unknown-progress",
	  "virtio-mmio: used entries and interrupts, no InterruptACK since",
	  "the interrupt handler: write InterruptStatus's bits to InterruptACK",
	  c_not_acked, m_not_acked },
	{ "no-vector", DIAG_PROBLEM, true, true, "4.1.5.1.2", "not-consumed unknown-progress",
	  "MSI-X: the queue has no vector",
	  "queue_msix_vector written, and read back (the device may refuse it)",
	  c_no_vector, m_no_vector },
	{ "vector-masked", DIAG_PROBLEM, true, true, "PCI 3.0 6.8.2.9", "not-consumed unknown-progress",
	  "MSI-X: the queue's vector masked, by the function mask or the entry's Vector Control bit",
	  "unmask the table entry (Vector Control bit 0) and the function (Message Control bit 14)",
	  c_vector_masked, m_vector_masked },
	{ "interrupt-suppressed", DIAG_PROBLEM, true, true, "2.7.7.2, 2.8.10", NULL,
	  "used entries published without an interrupt since the last one, and the driver's own field still suppresses it: used_event ahead of used.idx (EVENT_IDX), VIRTQ_AVAIL_F_NO_INTERRUPT (without), the packed driver event suppression (DISABLE, or DESC ahead); the value and the used index it suppressed",
	  "re-enable interrupts before waiting: used_event = the next used index to process (EVENT_IDX), avail.flags = 0 (without), the packed flags ENABLE or DESC at the next descriptor; then re-check the used ring",
	  c_suppressed, m_suppressed },
	{ "not-consumed", DIAG_PROBLEM, true, false, "2.7.7.2, 2.7.14, 2.8.10", NULL,
	  "EVENT_IDX: an interrupt was sent and the driver's progress mark (used_event, or the packed driver event DESC word) stays behind the used index",
	  "the interrupt handler's used ring loop, and that it advances used_event as it consumes",
	  c_not_consumed, m_not_consumed },
	{ "unknown-progress", DIAG_INFO, true, false, "2.7.7.2", NULL,
	  "without EVENT_IDX: used entries and an interrupt sent; whether the driver processed them cannot be seen from the device",
	  "the driver's own used index against used.idx in `vq` (negotiate EVENT_IDX and hvmon can tell)",
	  c_unknown_progress, m_unknown_progress },
};

#define NRULES (sizeof(rules) / sizeof(rules[0]))

/* ---- evaluation ---- */

struct finding {
	const struct diag_rule *r;
	const struct diag_queue *q;    /* NULL: device-wide */
	const char *because;           /* explaining kind, or NULL */
};

static bool word_in(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p && (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

/* f is explained by g: g names f's kind, and g is device-wide or about
 * the same queue. */
static bool explains(const struct finding *g, const struct finding *f)
{
	return g != f && g->r->explains && word_in(g->r->explains, f->r->kind) &&
	       (!g->q || g->q == f->q);
}

static void emit_finding(const struct diag_device *d, const struct finding *f, diag_emit_fn *emit,
			 void *ctx)
{
	struct diag_out o = { d, f->r->kind, f->r->level, f->because, false, emit, ctx };

	f->r->msg(d, f->q, &o);
}

int diag_evaluate(const struct diag_device *d, diag_emit_fn *emit, void *ctx)
{
	size_t max = NRULES * (d->nq + 1), n = 0;
	struct finding *f = calloc(max, sizeof(*f));
	int problems = 0;

	if (!f) {
		char line[128];
		snprintf(line, sizeof(line), "%s: error: out of memory", d->name);
		emit(ctx, line);
		return 0;
	}
	for (size_t i = 0; i < NRULES; i++) {
		if (!rules[i].per_queue) {
			if (rules[i].cond(d, NULL))
				f[n++] = (struct finding){ &rules[i], NULL, NULL };
			continue;
		}
		for (unsigned q = 0; q < d->nq; q++)
			if (rules[i].cond(d, &d->q[q]))
				f[n++] = (struct finding){ &rules[i], &d->q[q], NULL };
	}
	/* Who explains whom: only a rule that can be a consequence is
	 * explained, by the first finding that names it. */
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n && !f[i].r->root && !f[i].because; j++)
			if (explains(&f[j], &f[i]))
				f[i].because = f[j].r->kind;
	/* Root causes and unexplained findings first, in table order, then
	 * the consequences; an info finding something explains says nothing
	 * new and is left out. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++) {
			if (!!f[i].because != pass || (pass && f[i].r->level == DIAG_INFO))
				continue;
			emit_finding(d, &f[i], emit, ctx);
			problems += f[i].r->level == DIAG_PROBLEM;
		}
	free(f);
	if (!problems) {
		char line[256], stx[128];
		snprintf(line, sizeof(line), "%s: ok: no problem seen (%s)", d->name,
			 status_text(d, stx, sizeof(stx)));
		emit(ctx, line);
	}
	return problems;
}

void diag_print_table(FILE *out)
{
	static const char *const level[] = { "problem", "warning", "info" };

	fprintf(out, "| kind | level | spec | role | explains | what hvmon saw | what to check |\n");
	fprintf(out, "|---|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < NRULES; i++) {
		const struct diag_rule *r = &rules[i];
		char ex[200] = "";
		size_t used = 0;
		const char *p = r->explains;

		/* Each explained kind in backquotes. */
		while (p && *p && used < sizeof(ex)) {
			size_t w = strcspn(p, " ");
			int k = snprintf(ex + used, sizeof(ex) - used, "%s`%.*s`", used ? ", " : "",
					 (int)w, p);
			used += k > 0 ? (size_t)k : 0;
			p += w;
			p += strspn(p, " ");
		}
		fprintf(out, "| `%s` | %s | %s | %s%s | %s | %s | %s |\n", r->kind, level[r->level],
			r->spec, r->root ? "root cause" : "root cause or consequence",
			r->per_queue ? ", per queue" : "", ex[0] ? ex : "", r->saw, r->check);
	}
}
