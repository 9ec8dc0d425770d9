/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Names of virtio feature bits, for the inspector's lines (`info virtio`,
 * `diagnose`). */
#ifndef HVMON_MONITOR_VIRTIO_NAMES_H
#define HVMON_MONITOR_VIRTIO_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* Virtio device IDs (5). */
#define VIRTIO_ID_NET     1
#define VIRTIO_ID_BLOCK   2
#define VIRTIO_ID_CONSOLE 3

/* "NAME NAME ..." for a feature word of device type device_id (6 for the
 * ring and transport bits, 5.x.3 for the type's own); unnamed bits as
 * BITn. */
void virtio_feature_names(uint32_t device_id, uint64_t f, char *buf, size_t len);

#endif
