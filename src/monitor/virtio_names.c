// SPDX-License-Identifier: GPL-3.0-or-later
/* Names of virtio feature bits (virtio 1.2, 6 and 5.x.3). */
#include "monitor/virtio_names.h"

#include <stdbool.h>
#include <stdio.h>

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

void virtio_feature_names(uint32_t device_id, uint64_t f, char *buf, size_t len)
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
