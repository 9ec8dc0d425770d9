#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# netns-tap.sh NS: in the existing network namespace NS, bring lo up and
# make the tap hvt0 at 10.0.2.2/24 for a guest's virtio-net (--net
# tap=hvt0), with no IPv6 chatter (router solicitations, MLD) on the link,
# so that after an exchange nothing more reaches the guest. (/proc/sys
# directly: sysctl is procps, not on every machine.) Used by the virtio-net
# tests (tests/integration/lib.sh, netns_with_tap) and bench/virtio_net.sh.
set -e
[ $# -eq 1 ] || { echo "usage: $0 NS" >&2; exit 2; }
ip netns exec "$1" ip link set lo up
ip netns exec "$1" sh -c 'echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6 &&
	echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6'
ip netns exec "$1" ip tuntap add dev hvt0 mode tap
ip netns exec "$1" ip addr add 10.0.2.2/24 dev hvt0
ip netns exec "$1" ip link set hvt0 up
