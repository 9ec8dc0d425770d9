/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PCI configuration mechanism #1 (PCI Local Bus spec 3.0, 3.2.2.3.2) and
 * the host bridge function at 00:00.0. */
#include "dev/pci_host.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dev/reset_cf9.h"

/* CONFIG_ADDRESS layout (3.2.2.3.2, figure 3-2): bit 31 enable, 30-24
 * reserved, 23-16 bus, 15-11 device, 10-8 function, 7-2 register, 1-0
 * always 0. Reserved bits read back as 0. */
#define CFG_ENABLE    0x80000000u
#define CFG_WRITABLE  0x80fffffcu
#define CFG_BUS(a)    (((a) >> 16) & 0xff)
#define CFG_DEVFN(a)  (((a) >> 8) & 0xff)
#define CFG_REG(a)    ((a) & 0xfc)

#define PORT_CONFIG_ADDRESS 0   /* 0xcf8 */
#define PORT_RESET_CONTROL  1   /* 0xcf9 */
#define PORT_CONFIG_DATA    4   /* 0xcfc */
#define CONFIG_DATA_LANES   4

#define NR_DEVFN 256

/* Host bridge identity: Intel 82441FX (i440FX PMC), the bridge Linux has
 * met on every QEMU PC; class 06/00/00 (PCI spec 3.0 appendix D: bridge
 * device, host bridge), header type 0. It has no BARs, interrupt pin or
 * capabilities, so nothing in its header is writable. */
#define HB_VENDOR    0x8086
#define HB_DEVICE    0x1237
#define HB_REVISION  0x02
#define HB_CLASS     0x060000
#define HB_COMMAND   0x0006   /* memory space and bus master enabled */

struct pci_slot {
	const struct pci_function_ops *ops;
	void *opaque;
};

struct pci_host {
	pthread_mutex_t lock;
	uint32_t config_address;
	struct pci_slot slot[NR_DEVFN];     /* bus 0 */
	uint8_t bridge_config[PCI_CONFIG_SPACE_SIZE];
	struct reset_cf9 reset;
};

static uint32_t bridge_read(void *opaque, unsigned offset, unsigned len)
{
	const struct pci_host *h = opaque;
	uint32_t v = 0;

	for (unsigned i = 0; i < len; i++)
		v |= (uint32_t)h->bridge_config[offset + i] << (8 * i);
	return v;
}

static void bridge_write(void *opaque, unsigned offset, unsigned len,
			 uint32_t value)
{
	(void)opaque;
	(void)offset;
	(void)len;
	(void)value;
}

static const struct pci_function_ops bridge_ops = {
	.config_read = bridge_read,
	.config_write = bridge_write,
};

static void put_le(uint8_t *p, uint32_t v, unsigned len)
{
	for (unsigned i = 0; i < len; i++)
		p[i] = v >> (8 * i);
}

static void bridge_init(struct pci_host *h)
{
	uint8_t *c = h->bridge_config;

	put_le(c + 0x00, HB_VENDOR, 2);
	put_le(c + 0x02, HB_DEVICE, 2);
	put_le(c + 0x04, HB_COMMAND, 2);
	c[0x08] = HB_REVISION;
	put_le(c + 0x09, HB_CLASS, 3);
	h->slot[0] = (struct pci_slot){ &bridge_ops, h };
}

/* A config cycle on CONFIG_DATA byte lanes [lane, lane + n), n <= 4 - lane.
 * Reads start as all-ones: that is what a cycle nobody claims returns
 * (3.2.2.3.2: disabled mechanism, another bus, or an empty devfn). */
static void config_cycle(struct pci_host *h, unsigned lane, uint8_t *bytes,
			 unsigned n, bool is_write)
{
	uint32_t addr = h->config_address;
	const struct pci_slot *s;
	unsigned reg;

	if (!(addr & CFG_ENABLE) || CFG_BUS(addr) != 0)
		return;
	s = &h->slot[CFG_DEVFN(addr)];
	if (!s->ops)
		return;
	reg = CFG_REG(addr) + lane;
	/* Functions get 1, 2 or 4 bytes; a 3-byte lane group is split. */
	if (n == 3) {
		config_cycle(h, lane, bytes, 2, is_write);
		config_cycle(h, lane + 2, bytes + 2, 1, is_write);
		return;
	}
	if (is_write) {
		uint32_t v = 0;

		for (unsigned i = 0; i < n; i++)
			v |= (uint32_t)bytes[i] << (8 * i);
		s->ops->config_write(s->opaque, reg, n, v);
	} else {
		put_le(bytes, s->ops->config_read(s->opaque, reg, n), n);
	}
}

void pci_host_io(void *opaque, uint64_t offset, void *data, unsigned len,
		 bool is_write)
{
	struct pci_host *h = opaque;
	uint8_t *bytes = data;

	if (!is_write)
		memset(bytes, 0xff, len);
	/* 0xcf9 is its own byte register and needs no config-cycle lock. */
	if (offset == PORT_RESET_CONTROL && len == 1) {
		if (is_write)
			reset_cf9_write(&h->reset, bytes[0]);
		else
			bytes[0] = reset_cf9_read(&h->reset);
		return;
	}
	pthread_mutex_lock(&h->lock);
	if (offset == PORT_CONFIG_ADDRESS && len == 4) {
		/* Only a full dword access is CONFIG_ADDRESS (3.2.2.3.2). */
		if (is_write)
			h->config_address =
				(bytes[0] | bytes[1] << 8 | bytes[2] << 16 |
				 (uint32_t)bytes[3] << 24) & CFG_WRITABLE;
		else
			put_le(bytes, h->config_address, 4);
	} else if (offset >= PORT_CONFIG_DATA && offset < PCI_HOST_NR_PORTS) {
		unsigned lane = offset - PORT_CONFIG_DATA;
		unsigned n = len < CONFIG_DATA_LANES - lane ?
			     len : CONFIG_DATA_LANES - lane;

		/* Bytes past 0xcff are outside the range: left all-ones. */
		if (n)
			config_cycle(h, lane, bytes, n, is_write);
	}
	pthread_mutex_unlock(&h->lock);
}

int pci_host_register(struct pci_host *h, unsigned devfn,
		      const struct pci_function_ops *ops, void *opaque)
{
	int ret = -1;

	if (devfn >= NR_DEVFN || !ops || !ops->config_read ||
	    !ops->config_write)
		return -1;
	pthread_mutex_lock(&h->lock);
	if (!h->slot[devfn].ops) {
		h->slot[devfn] = (struct pci_slot){ ops, opaque };
		ret = 0;
	}
	pthread_mutex_unlock(&h->lock);
	return ret;
}

struct pci_host *pci_host_new(const struct sysevent_sink *reset)
{
	struct pci_host *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	pthread_mutex_init(&h->lock, NULL);
	reset_cf9_init(&h->reset, reset);
	bridge_init(h);
	return h;
}

void pci_host_free(struct pci_host *h)
{
	if (!h)
		return;
	pthread_mutex_destroy(&h->lock);
	free(h);
}
