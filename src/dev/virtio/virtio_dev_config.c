/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The virtio device's configuration space and generation counter (virtio
 * 1.2, 2.5), the ISR byte (4.1.4.5), DEVICE_NEEDS_RESET (2.1.2) and the
 * inspector's view of the device. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dev/virtio/virtio_dev.h"
#include "dev/virtio/virtio_dev_impl.h"
#include "dev/virtio/virtio_trace.h"

/* Configuration fields are at most 64 bits wide (2.5). */
#define CONFIG_MAX_ACCESS 8

static void config_interrupt_locked(struct virtio_dev *d)
{
	/* 4.1.4.5: ISR bit 1 is "Device Configuration Interrupt". */
	d->isr |= VIRTIO_ISR_CONFIG;
	d->hist.config_irqs++;
	if (virtio_tracing())
		virtio_trace(d->name, "config interrupt");
	if (d->transport.config_interrupt)
		d->transport.config_interrupt(d->transport.opaque,
					      d->config_msix_vector);
}

void virtio_dev_broken_locked(struct virtio_dev *d, const char *why)
{
	if (d->status & VIRTIO_STATUS_NEEDS_RESET)
		return;
	snprintf(d->broken, sizeof(d->broken), "%s", why);
	snprintf(d->hist.last_broken, sizeof(d->hist.last_broken), "%s", why);
	d->status |= VIRTIO_STATUS_NEEDS_RESET;
	d->hist.status_ever |= d->status;
	if (virtio_tracing())
		virtio_trace(d->name, "NEEDS_RESET: %s", why);
	/* 2.1.2: "If DRIVER_OK is set, after it sets DEVICE_NEEDS_RESET, the
	 * device MUST send a device configuration change notification to the
	 * driver." */
	if (d->status & VIRTIO_STATUS_DRIVER_OK)
		config_interrupt_locked(d);
}

void virtio_dev_mark_broken(struct virtio_dev *d, const char *fmt, ...)
{
	char why[VIRTIO_WHY_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&d->lock);
	virtio_dev_broken_locked(d, why);
	pthread_mutex_unlock(&d->lock);
}

static bool config_range_ok(const struct virtio_dev *d, uint32_t offset,
			    uint32_t len)
{
	return len > 0 && len <= CONFIG_MAX_ACCESS &&
	       offset <= d->ops.config_size && len <= d->ops.config_size - offset;
}

/* An access the configuration space does not take: counted for the
 * inspector (`diagnose`), then ignored. */
static void note_bad_config(struct virtio_dev *d, uint32_t offset, uint32_t len, bool write)
{
	pthread_mutex_lock(&d->lock);
	if (write)
		d->hist.bad_config_writes++;
	else
		d->hist.bad_config_reads++;
	d->hist.last_bad_config_off = offset;
	d->hist.last_bad_config_len = len;
	d->hist.last_bad_config_write = write;
	if (virtio_tracing())
		virtio_trace(d->name, "config %s at +0x%x len %u ignored (%s)",
			     write ? "write" : "read", offset, len,
			     config_range_ok(d, offset, len) ? "read-only" : "out of range");
	pthread_mutex_unlock(&d->lock);
}

int virtio_dev_config_read(struct virtio_dev *d, uint32_t offset, void *data,
			   uint32_t len)
{
	if (len > CONFIG_MAX_ACCESS) {
		note_bad_config(d, offset, len, false);
		return -1;
	}
	memset(data, 0, len);
	if (!config_range_ok(d, offset, len)) {
		note_bad_config(d, offset, len, false);
		return -1;
	}
	pthread_mutex_lock(&d->lock);
	d->ops.config_read(d->opaque, offset, data, len);
	pthread_mutex_unlock(&d->lock);
	return 0;
}

int virtio_dev_config_write(struct virtio_dev *d, uint32_t offset,
			    const void *data, uint32_t len)
{
	if (!config_range_ok(d, offset, len) || !d->ops.config_write) {
		note_bad_config(d, offset, len, true);
		return -1;
	}
	pthread_mutex_lock(&d->lock);
	/* 2.5: the generation counts the device's changes; a field the
	 * driver writes (emerg_wr) is no change it has to re-read for. A
	 * device whose write changes what reads return calls
	 * virtio_dev_config_changed. */
	d->ops.config_write(d->opaque, offset, data, len);
	pthread_mutex_unlock(&d->lock);
	return 0;
}

void virtio_dev_config_changed(struct virtio_dev *d)
{
	pthread_mutex_lock(&d->lock);
	/* 4.1.4.3.1: the device "MUST present a changed config_generation
	 * after the driver has read a device-specific configuration value
	 * which has changed". 2.1.2 forbids notifications before DRIVER_OK;
	 * the driver reads the space during initialization anyway. */
	d->config_generation++;
	if (d->status & VIRTIO_STATUS_DRIVER_OK)
		config_interrupt_locked(d);
	pthread_mutex_unlock(&d->lock);
}

uint8_t virtio_dev_isr_read(struct virtio_dev *d, bool clear)
{
	uint8_t v;

	pthread_mutex_lock(&d->lock);
	v = d->isr;
	d->hist.isr_reads++;
	if (clear) {
		d->isr = 0;
		d->hist.irqs_since_isr_read = 0;
	}
	pthread_mutex_unlock(&d->lock);
	return v;
}

uint8_t virtio_dev_isr_peek(struct virtio_dev *d)
{
	pthread_mutex_lock(&d->lock);
	uint8_t v = d->isr;
	pthread_mutex_unlock(&d->lock);
	return v;
}

void virtio_dev_isr_ack(struct virtio_dev *d, uint8_t bits)
{
	pthread_mutex_lock(&d->lock);
	d->isr &= ~bits;
	if (bits & VIRTIO_ISR_QUEUE)
		d->hist.irqs_since_isr_read = 0;
	pthread_mutex_unlock(&d->lock);
}

void virtio_dev_get_state(struct virtio_dev *d, struct virtio_dev_state *out)
{
	pthread_mutex_lock(&d->lock);
	*out = (struct virtio_dev_state){
		.name = d->ops.name,
		.device_id = d->ops.device_id,
		.status = d->status,
		.isr = d->isr,
		.device_features = d->device_features,
		.driver_features = d->driver_features,
		.config_generation = d->config_generation,
		.config_msix_vector = d->config_msix_vector,
		.num_queues = d->ops.num_queues,
		.hist = d->hist,
	};
	memcpy(out->broken, d->broken, sizeof(out->broken));
	pthread_mutex_unlock(&d->lock);
}
