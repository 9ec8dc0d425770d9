/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A Linux tap interface (Documentation/networking/tuntap.rst) for a
 * virtio-net backend: IFF_TAP | IFF_NO_PI | IFF_VNET_HDR, so every frame
 * read or written carries a struct virtio_net_hdr in front (the kernel's
 * virtio_net_hdr_to_skb / from_skb), of the length set with
 * TUNSETVNETHDRSZ. Which offloads the tap may hand us (TUNSETOFFLOAD:
 * partial checksums, TSO) is probed once and set to what the guest
 * negotiated. */
#ifndef HVMON_DEV_TAP_H
#define HVMON_DEV_TAP_H

#include <stdbool.h>
#include <stddef.h>

/* TUNSETOFFLOAD flags (linux/if_tun.h), spelled out so callers need not
 * include it. */
#define TAP_OFFLOAD_CSUM    0x01
#define TAP_OFFLOAD_TSO4    0x02
#define TAP_OFFLOAD_TSO6    0x04
#define TAP_OFFLOAD_TSO_ECN 0x08

struct tap {
	int fd;                      /* non-blocking, close-on-exec */
	char ifname[16];             /* IFNAMSIZ */
	unsigned offloads;           /* TAP_OFFLOAD_* the tap accepts */
};

/* Attach to the tap ifname, creating it when absent (CAP_NET_ADMIN), with
 * vnet headers of hdr_len bytes. 0, or -1 with one line in err. */
int tap_open(struct tap *t, const char *ifname, unsigned hdr_len, char *err, size_t errlen);
void tap_close(struct tap *t);
/* TUNSETOFFLOAD: which offloaded frames the tap may pass us. 0 or -errno. */
int tap_set_offloads(struct tap *t, unsigned flags);

#endif
