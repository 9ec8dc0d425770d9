/* SPDX-License-Identifier: GPL-3.0-or-later */
/* virtio network device (virtio 1.2, 5.1) over a Linux tap: `--net
 * tap=IFNAME[,mac=MAC]`. Device ID 1, one queue pair: receiveq1 (0) and
 * transmitq1 (1); no control queue, no multiqueue.
 *
 * Every frame carries the 12-byte struct virtio_net_hdr (5.1.6: with
 * VIRTIO_F_VERSION_1 num_buffers is always there), and the tap speaks the
 * same header (IFF_VNET_HDR), so frames go through unchanged:
 * - transmit: the driver's readable buffers are one writev to the tap;
 * - receive: one read from the tap, copied into one receive buffer, or
 *   with VIRTIO_F_MRG_RXBUF spread over several, num_buffers saying how
 *   many (5.1.6.4). With no buffer posted the frame waits, and the tap is
 *   not read, until the driver posts some.
 * Offloads are offered only where the tap takes them: the guest-receive
 * ones (GUEST_CSUM, GUEST_TSO4/6, GUEST_ECN) need TUNSETOFFLOAD, which is
 * set to what the driver accepted; the transmit ones (CSUM, HOST_TSO4/6,
 * HOST_ECN) the tap always takes. All work runs on the I/O thread. */
#ifndef HVMON_DEV_VIRTIO_VIRTIO_NET_H
#define HVMON_DEV_VIRTIO_VIRTIO_NET_H

#include <stddef.h>
#include <stdint.h>

#include "dev/virtio/virtio_dev.h"

#define VIRTIO_ID_NET 1

/* 5.1.3 feature bits. */
#define VIRTIO_NET_F_CSUM        0
#define VIRTIO_NET_F_GUEST_CSUM  1
#define VIRTIO_NET_F_MAC         5
#define VIRTIO_NET_F_GUEST_TSO4  7
#define VIRTIO_NET_F_GUEST_TSO6  8
#define VIRTIO_NET_F_GUEST_ECN   9
#define VIRTIO_NET_F_GUEST_UFO   10
#define VIRTIO_NET_F_HOST_TSO4   11
#define VIRTIO_NET_F_HOST_TSO6   12
#define VIRTIO_NET_F_HOST_ECN    13
#define VIRTIO_NET_F_HOST_UFO    14
#define VIRTIO_NET_F_MRG_RXBUF   15
#define VIRTIO_NET_F_STATUS      16

/* 5.1.4 struct virtio_net_config: mac[6], le16 status. */
#define VIRTIO_NET_CFG_MAC       0
#define VIRTIO_NET_CFG_STATUS    6
#define VIRTIO_NET_CONFIG_SIZE   8
#define VIRTIO_NET_S_LINK_UP     1

/* 5.1.6 struct virtio_net_hdr. */
#define VIRTIO_NET_HDR_LEN             12
#define VIRTIO_NET_HDR_F_NEEDS_CSUM    1
#define VIRTIO_NET_HDR_F_DATA_VALID    2
#define VIRTIO_NET_HDR_GSO_NONE        0
#define VIRTIO_NET_HDR_GSO_TCPV4       1
#define VIRTIO_NET_HDR_GSO_UDP         3
#define VIRTIO_NET_HDR_GSO_TCPV6       4
#define VIRTIO_NET_HDR_GSO_ECN         0x80

#define VIRTIO_NET_RX_QUEUE   0
#define VIRTIO_NET_TX_QUEUE   1
#define VIRTIO_NET_QUEUE_SIZE 256
/* A frame from the tap: the header and up to 64 KiB of GSO payload plus
 * the link-layer header. */
#define VIRTIO_NET_MAX_FRAME  (VIRTIO_NET_HDR_LEN + 65536 + 64)

struct iothread;
struct tap;
struct virtio_net;

/* A device over tap (opened with tap_open and VIRTIO_NET_HDR_LEN; the
 * device owns it from here, and closes it on failure too; any fd that
 * reads and writes whole frames with the header in front will do). mac
 * NULL: 52:54:00 plus three bytes from the tap's name. io: the I/O thread
 * that reads the tap (NULL: only virtio_net_poll_tap does). NULL with one
 * line in err. */
struct virtio_net *virtio_net_new(const struct guest_mem *mem, struct tap *tap,
				  const uint8_t *mac, struct iothread *io, char *err,
				  size_t errlen);
/* After the vCPUs and the I/O thread have stopped. */
void virtio_net_free(struct virtio_net *n);
struct virtio_dev *virtio_net_dev(struct virtio_net *n);
const char *virtio_net_ifname(const struct virtio_net *n);
const char *virtio_net_mac_text(const struct virtio_net *n);   /* "52:54:00:12:34:56" */

/* Read what the tap has queued now (what the I/O thread does when the tap
 * is readable; for tests without one). */
void virtio_net_poll_tap(struct virtio_net *n);

/* "aa:bb:cc:dd:ee:ff" into mac: 0, or -1 when text is not one. */
int virtio_net_parse_mac(const char *text, uint8_t mac[6]);

#endif
