/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The transport-independent virtio device: lifetime, reset, the device
 * status state machine (virtio 1.2, 2.1 and 3.1), feature negotiation
 * (2.2) and the register file both transports map onto. */
#include "dev/virtio/virtio_dev.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev/virtio/virtio_dev_impl.h"
#include "dev/virtio/virtio_trace.h"

struct virtio_dev *virtio_dev_new(const struct virtio_dev_ops *ops,
				  void *opaque, const struct guest_mem *mem)
{
	uint16_t qmax = ops->max_queue_size;

	if (ops->num_queues == 0 || ops->num_queues > VIRTIO_DEV_MAX_QUEUES ||
	    qmax == 0 || (qmax & (qmax - 1)) || qmax > VIRTQ_MAX_SIZE ||
	    !ops->config_read || !ops->queue_notified)
		return NULL;
	struct virtio_dev *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->queue = calloc(ops->num_queues, sizeof(*d->queue));
	if (!d->queue) {
		free(d);
		return NULL;
	}
	pthread_mutex_init(&d->lock, NULL);
	d->ops = *ops;
	d->opaque = opaque;
	d->mem = mem;
	snprintf(d->name, sizeof(d->name), "%s", ops->name ? ops->name : "virtio");
	d->device_features = ops->features | VIRTIO_DEV_CORE_FEATURES;
	d->config_msix_vector = VIRTQ_NO_VECTOR;
	for (uint16_t q = 0; q < ops->num_queues; q++)
		virtq_reset(&d->queue[q].vq, qmax);
	return d;
}

void virtio_dev_free(struct virtio_dev *d)
{
	if (!d)
		return;
	pthread_mutex_destroy(&d->lock);
	free(d->queue);
	free(d);
}

void virtio_dev_set_transport(struct virtio_dev *d,
			      const struct virtio_transport *t)
{
	d->transport = *t;
}

void virtio_dev_offer(struct virtio_dev *d, uint64_t features)
{
	d->device_features |= features;
}

uint32_t virtio_dev_device_id(const struct virtio_dev *d)
{
	return d->ops.device_id;
}

uint32_t virtio_dev_config_size(const struct virtio_dev *d)
{
	return d->ops.config_size;
}

const char *virtio_status_text(uint8_t status, char *buf, size_t len)
{
	static const struct { uint8_t bit; const char *name; } bits[] = {
		{ VIRTIO_STATUS_ACKNOWLEDGE, "ACKNOWLEDGE" }, { VIRTIO_STATUS_DRIVER, "DRIVER" },
		{ VIRTIO_STATUS_FEATURES_OK, "FEATURES_OK" }, { VIRTIO_STATUS_DRIVER_OK, "DRIVER_OK" },
		{ VIRTIO_STATUS_NEEDS_RESET, "NEEDS_RESET" }, { VIRTIO_STATUS_FAILED, "FAILED" },
	};
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]) && used < len; i++)
		if (status & bits[i].bit) {
			int w = snprintf(buf + used, len - used, "%s%s", used ? " " : "", bits[i].name);
			used += w > 0 ? (size_t)w : 0;
		}
	return buf;
}

void virtio_dev_set_name(struct virtio_dev *d, const char *name)
{
	snprintf(d->name, sizeof(d->name), "%s", name);
}

const char *virtio_dev_name(const struct virtio_dev *d)
{
	return d->name;
}

/* 2.4.1: "A device MUST reinitialize device status to 0 after receiving a
 * reset." Everything the driver set goes back to its initial value; the
 * config generation keeps counting so a driver never sees an old value
 * again. */
static void reset_locked(struct virtio_dev *d)
{
	d->status = 0;
	d->isr = 0;
	d->driver_features = 0;
	d->device_feature_sel = 0;
	d->driver_feature_sel = 0;
	d->config_msix_vector = VIRTQ_NO_VECTOR;
	d->queue_sel = 0;
	d->broken[0] = '\0';
	d->hist.resets++;
	d->hist.irqs_since_isr_read = 0;
	d->hist.features_refused = false;
	d->hist.stray_notifies_since_reset = 0;
	for (uint16_t q = 0; q < d->ops.num_queues; q++) {
		virtq_reset(&d->queue[q].vq, d->ops.max_queue_size);
		memset(&d->queue[q].hist, 0, sizeof(d->queue[q].hist));
	}
	if (d->ops.reset)
		d->ops.reset(d->opaque);
}

/* 2.2.1: "The driver MUST NOT accept a feature which the device did not
 * offer"; 2.2.2: otherwise the device "MUST fail to set the FEATURES_OK
 * device status bit when the driver writes it". A driver without
 * VIRTIO_F_VERSION_1 is a legacy driver (6.2, "Device Requirements:
 * Reserved Feature Bits": the device "MAY fail to operate further if
 * VIRTIO_F_VERSION_1 is not accepted"; 6.1 has the driver's side, "A
 * driver MUST accept VIRTIO_F_VERSION_1 if it is offered"), which this
 * non-transitional device refuses. */
static bool features_acceptable(struct virtio_dev *d)
{
	uint64_t extra = d->driver_features & ~d->device_features;
	char *why = d->hist.features_refusal;
	size_t len = sizeof(d->hist.features_refusal);

	d->hist.refused_features = d->device_features & ~d->driver_features;
	if (extra) {
		snprintf(why, len, "driver accepted features the device does not offer: 0x%" PRIx64 " (2.2.1)",
			 extra);
		return false;
	}
	if (!(d->driver_features & (1ULL << VIRTIO_F_VERSION_1))) {
		snprintf(why, len, "driver did not accept VIRTIO_F_VERSION_1: legacy drivers are not supported (6.1, 6.2)");
		return false;
	}
	const char *rule = d->ops.check_features ?
		d->ops.check_features(d->opaque, d->driver_features) : NULL;
	if (rule) {
		snprintf(why, len, "%s", rule);
		return false;
	}
	return true;
}

/* A status write other than 0. Returns true when it set DRIVER_OK. */
static bool write_status_locked(struct virtio_dev *d, uint8_t value)
{
	/* 2.1.1: "The driver MUST NOT clear a device status bit": bits once
	 * set stay set until a reset. NEEDS_RESET is the device's to set. */
	uint8_t set = value & ~d->status & ~VIRTIO_STATUS_NEEDS_RESET;
	uint8_t next = d->status | set;

	/* 3.1.1 step 6: the driver re-reads status to learn whether
	 * FEATURES_OK stuck. */
	if ((set & VIRTIO_STATUS_FEATURES_OK) && !features_acceptable(d)) {
		next &= ~VIRTIO_STATUS_FEATURES_OK;
		d->hist.features_refused = true;
	} else if (set & VIRTIO_STATUS_FEATURES_OK) {
		d->hist.features_refused = false;
	}
	d->status = next;
	d->hist.status_ever |= next;
	/* 3.1.1: DRIVER_OK (step 8) only after FEATURES_OK (step 5). */
	if ((set & VIRTIO_STATUS_DRIVER_OK) && !(next & VIRTIO_STATUS_FEATURES_OK)) {
		d->status &= ~VIRTIO_STATUS_DRIVER_OK;
		virtio_dev_broken_locked(d, "driver set DRIVER_OK without FEATURES_OK (3.1.1)");
		return false;
	}
	return set & VIRTIO_STATUS_DRIVER_OK;
}

/* 32-bit window sel of a 64-bit feature word (4.1.4.3, 4.2.2). */
static uint32_t feature_window(uint64_t features, uint32_t sel)
{
	return sel < 2 ? (uint32_t)(features >> (32 * sel)) : 0;
}

static struct virtio_queue *selected_queue(struct virtio_dev *d)
{
	return d->queue_sel < d->ops.num_queues ? &d->queue[d->queue_sel] : NULL;
}

static void enable_queue_locked(struct virtio_dev *d, struct virtio_queue *vq)
{
	char err[VIRTQ_ERR_LEN];
	char why[VIRTIO_WHY_LEN];
	unsigned q = (unsigned)(vq - d->queue);

	/* 3.1.1: queues are set up (step 7) after FEATURES_OK (step 5),
	 * which fixes the ring format (event index, indirect tables). */
	if (!(d->status & VIRTIO_STATUS_FEATURES_OK)) {
		snprintf(why, sizeof(why), "queue %u enabled before FEATURES_OK (3.1.1)", q);
		virtio_dev_broken_locked(d, why);
		return;
	}
	if (virtq_enable(&vq->vq, d->mem, d->ops.max_queue_size,
			 d->driver_features, err, sizeof(err)) < 0) {
		snprintf(why, sizeof(why), "queue %u: %s", q, err);
		virtio_dev_broken_locked(d, why);
		return;
	}
	vq->hist.enabled = true;
}

static uint32_t queue_reg_read(struct virtio_dev *d, enum virtio_reg reg)
{
	struct virtio_queue *vq = selected_queue(d);

	if (!vq)
		return 0;
	switch (reg) {
	case VIRTIO_REG_QUEUE_SIZE:       return vq->vq.size;
	case VIRTIO_REG_QUEUE_SIZE_MAX:   return d->ops.max_queue_size;
	case VIRTIO_REG_QUEUE_MSIX_VECTOR: return vq->vq.msix_vector;
	case VIRTIO_REG_QUEUE_READY:      return vq->vq.ready;
	case VIRTIO_REG_QUEUE_DESC_LO:    return (uint32_t)vq->vq.desc_gpa;
	case VIRTIO_REG_QUEUE_DESC_HI:    return (uint32_t)(vq->vq.desc_gpa >> 32);
	case VIRTIO_REG_QUEUE_DRIVER_LO:  return (uint32_t)vq->vq.avail_gpa;
	case VIRTIO_REG_QUEUE_DRIVER_HI:  return (uint32_t)(vq->vq.avail_gpa >> 32);
	case VIRTIO_REG_QUEUE_DEVICE_LO:  return (uint32_t)vq->vq.used_gpa;
	case VIRTIO_REG_QUEUE_DEVICE_HI:  return (uint32_t)(vq->vq.used_gpa >> 32);
	default:                          return 0;
	}
}

static void set_half(uint64_t *v, bool high, uint32_t value)
{
	if (high)
		*v = (*v & 0xffffffffULL) | ((uint64_t)value << 32);
	else
		*v = (*v & ~0xffffffffULL) | value;
}

static void queue_reg_write(struct virtio_dev *d, enum virtio_reg reg,
			    uint32_t value)
{
	struct virtio_queue *vq = selected_queue(d);

	if (!vq)
		return;
	if (reg == VIRTIO_REG_QUEUE_READY) {
		/* MMIO (4.2.2) stops a queue by writing 0; virtio-pci
		 * forbids it (4.1.4.3.2) and gets the same treatment. */
		if (value && !vq->vq.ready)
			enable_queue_locked(d, vq);
		else if (!value && vq->vq.ready)
			virtq_reset(&vq->vq, d->ops.max_queue_size);
		return;
	}
	/* The device already uses an enabled queue's configuration: the
	 * driver configures "before enabling the virtqueue" (4.1.4.3.2). The
	 * vector stays writable (4.1.5.1.2 remaps it any time). */
	if (reg == VIRTIO_REG_QUEUE_MSIX_VECTOR) {
		vq->vq.msix_vector = (uint16_t)value;
		return;
	}
	if (vq->vq.ready)
		return;
	switch (reg) {
	/* A size past 16 bits is no queue size: 0, which enabling refuses. */
	case VIRTIO_REG_QUEUE_SIZE:      vq->vq.size = value > 0xffff ? 0 : (uint16_t)value; break;
	case VIRTIO_REG_QUEUE_DESC_LO:   set_half(&vq->vq.desc_gpa, false, value); break;
	case VIRTIO_REG_QUEUE_DESC_HI:   set_half(&vq->vq.desc_gpa, true, value); break;
	case VIRTIO_REG_QUEUE_DRIVER_LO: set_half(&vq->vq.avail_gpa, false, value); break;
	case VIRTIO_REG_QUEUE_DRIVER_HI: set_half(&vq->vq.avail_gpa, true, value); break;
	case VIRTIO_REG_QUEUE_DEVICE_LO: set_half(&vq->vq.used_gpa, false, value); break;
	case VIRTIO_REG_QUEUE_DEVICE_HI: set_half(&vq->vq.used_gpa, true, value); break;
	default: break;
	}
}

uint32_t virtio_dev_reg_read(struct virtio_dev *d, enum virtio_reg reg)
{
	uint32_t v;

	pthread_mutex_lock(&d->lock);
	switch (reg) {
	case VIRTIO_REG_DEVICE_FEATURE_SEL: v = d->device_feature_sel; break;
	case VIRTIO_REG_DEVICE_FEATURE:
		v = feature_window(d->device_features, d->device_feature_sel);
		break;
	case VIRTIO_REG_DRIVER_FEATURE_SEL: v = d->driver_feature_sel; break;
	case VIRTIO_REG_DRIVER_FEATURE:
		v = feature_window(d->driver_features, d->driver_feature_sel);
		break;
	case VIRTIO_REG_CONFIG_MSIX_VECTOR: v = d->config_msix_vector; break;
	case VIRTIO_REG_NUM_QUEUES:         v = d->ops.num_queues; break;
	case VIRTIO_REG_STATUS:             v = d->status; break;
	case VIRTIO_REG_CONFIG_GENERATION:  v = d->config_generation; break;
	case VIRTIO_REG_QUEUE_SEL:          v = d->queue_sel; break;
	default:                            v = queue_reg_read(d, reg); break;
	}
	pthread_mutex_unlock(&d->lock);
	return v;
}

void virtio_dev_reg_write(struct virtio_dev *d, enum virtio_reg reg,
			  uint32_t value)
{
	bool driver_ok = false;
	uint64_t ready[VIRTIO_DEV_MAX_QUEUES / 64] = { 0 };

	pthread_mutex_lock(&d->lock);
	switch (reg) {
	case VIRTIO_REG_DEVICE_FEATURE_SEL: d->device_feature_sel = value; break;
	case VIRTIO_REG_DRIVER_FEATURE_SEL: d->driver_feature_sel = value; break;
	case VIRTIO_REG_DRIVER_FEATURE:
		/* 3.1.1 steps 4-5: features are fixed once FEATURES_OK is
		 * set; later writes are ignored. */
		if (d->driver_feature_sel < 2 &&
		    !(d->status & VIRTIO_STATUS_FEATURES_OK)) {
			uint64_t f = d->driver_features;
			set_half(&f, d->driver_feature_sel == 1, value);
			d->driver_features = f;
		}
		break;
	case VIRTIO_REG_CONFIG_MSIX_VECTOR: d->config_msix_vector = (uint16_t)value; break;
	case VIRTIO_REG_STATUS:
		/* 2.1: "writing 0 into this field resets the device". */
		if ((uint8_t)value == 0)
			reset_locked(d);
		else
			driver_ok = write_status_locked(d, (uint8_t)value);
		if (virtio_tracing()) {
			char names[96];
			virtio_trace(d->name, "status=0x%02x [%s]%s%s", d->status,
				     virtio_status_text(d->status, names, sizeof(names)),
				     (uint8_t)value == 0 ? " (reset)" : "",
				     (value & VIRTIO_STATUS_FEATURES_OK) &&
				     !(d->status & VIRTIO_STATUS_FEATURES_OK) ?
				     " (FEATURES_OK refused)" : "");
		}
		break;
	case VIRTIO_REG_QUEUE_SEL: d->queue_sel = value; break;
	case VIRTIO_REG_DEVICE_FEATURE:
	case VIRTIO_REG_NUM_QUEUES:
	case VIRTIO_REG_CONFIG_GENERATION:
	case VIRTIO_REG_QUEUE_SIZE_MAX:
		break;
	default:
		queue_reg_write(d, reg, value);
		break;
	}
	/* Only queues holding buffers now: a buffer the driver adds later
	 * comes with a notification of its own. Serving an empty queue later
	 * raced that buffer: the I/O thread could take it before handling its
	 * notify, and the trace showed it used before the notify line. */
	if (driver_ok)
		for (uint16_t q = 0; q < d->ops.num_queues; q++) {
			struct virtio_queue *vq = &d->queue[q];
			if (!vq->vq.ready)
				continue;
			if (virtq_has_avail(&vq->vq))
				ready[q / 64] |= 1ULL << (q % 64);
			if (d->transport.kick_pending &&
			    d->transport.kick_pending(d->transport.opaque, q))
				vq->hist.kick_before_driver_ok = true;
			/* For diagnose: what this release serves. */
			vq->hist.waiting_at_driver_ok =
				(uint16_t)(virtq_avail_idx(&vq->vq) - vq->vq.last_avail_idx);
		}
	pthread_mutex_unlock(&d->lock);
	/* 2.1.2: nothing is consumed before DRIVER_OK. Buffers the driver
	 * made available (and kicked) earlier are processed now, on the
	 * transport's device thread where it has one. */
	for (uint16_t q = 0; q < d->ops.num_queues; q++) {
		if (!(ready[q / 64] & (1ULL << (q % 64))))
			continue;
		if (!virtio_dev_defer_queue(d, q))
			d->ops.queue_notified(d->opaque, q);
	}
}

void virtio_dev_backend_info(struct virtio_dev *d, char *buf, size_t len)
{
	if (len)
		buf[0] = '\0';
	if (d->ops.backend_info && len)
		d->ops.backend_info(d->opaque, buf, len);
}

uint64_t virtio_dev_features(struct virtio_dev *d)
{
	uint64_t f;

	pthread_mutex_lock(&d->lock);
	f = (d->status & VIRTIO_STATUS_FEATURES_OK) ? d->driver_features : 0;
	pthread_mutex_unlock(&d->lock);
	return f;
}
