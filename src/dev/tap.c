// SPDX-License-Identifier: GPL-3.0-or-later
/* A Linux tap interface for virtio-net (tap.h). */
#include "dev/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

_Static_assert(TAP_OFFLOAD_CSUM == TUN_F_CSUM && TAP_OFFLOAD_TSO4 == TUN_F_TSO4 &&
	       TAP_OFFLOAD_TSO6 == TUN_F_TSO6 && TAP_OFFLOAD_TSO_ECN == TUN_F_TSO_ECN,
	       "TAP_OFFLOAD_* are TUN_F_*");

/* The offloads the tap takes, tried the way the kernel requires them: TSO
 * only with checksum offload (tun_set_offload), ECN only with TSO. */
static unsigned probe_offloads(int fd)
{
	static const unsigned tries[] = {
		TUN_F_CSUM, TUN_F_CSUM | TUN_F_TSO4, TUN_F_CSUM | TUN_F_TSO6,
		TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO_ECN,
	};
	unsigned ok = 0;

	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++)
		if (ioctl(fd, TUNSETOFFLOAD, (unsigned long)tries[i]) == 0)
			ok |= tries[i];
	/* Nothing offloaded until the guest says what it takes. */
	ioctl(fd, TUNSETOFFLOAD, 0UL);
	return ok;
}

int tap_open(struct tap *t, const char *ifname, unsigned hdr_len, char *err, size_t errlen)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	int sz = (int)hdr_len;

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	if (!*ifname || strlen(ifname) >= IFNAMSIZ) {
		snprintf(err, errlen, "tap name '%s' must be 1 to %d characters", ifname,
			 IFNAMSIZ - 1);
		return -1;
	}
	t->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (t->fd < 0) {
		snprintf(err, errlen, "cannot open /dev/net/tun: %s", strerror(errno));
		return -1;
	}
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (ioctl(t->fd, TUNSETIFF, &ifr) < 0) {
		int e = errno;
		snprintf(err, errlen, "cannot attach to tap %s: %s%s", ifname, strerror(e),
			 e == EPERM ? " (creating a tap needs CAP_NET_ADMIN)" :
			 e == EBUSY ? " (in use, or a tun device of that name)" : "");
		goto fail;
	}
	if (ioctl(t->fd, TUNSETVNETHDRSZ, &sz) < 0) {
		snprintf(err, errlen, "tap %s: cannot set the vnet header size: %s", ifname,
			 strerror(errno));
		goto fail;
	}
	snprintf(t->ifname, sizeof(t->ifname), "%s", ifr.ifr_name);
	t->offloads = probe_offloads(t->fd);
	return 0;
fail:
	close(t->fd);
	t->fd = -1;
	return -1;
}

void tap_close(struct tap *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

int tap_set_offloads(struct tap *t, unsigned flags)
{
	return ioctl(t->fd, TUNSETOFFLOAD, (unsigned long)flags) < 0 ? -errno : 0;
}
