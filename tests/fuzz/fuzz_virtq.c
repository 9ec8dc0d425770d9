// SPDX-License-Identifier: GPL-3.0-or-later
/* libFuzzer target: the virtqueue rings a guest writes, split (2.7) and
 * packed (2.8), read by the device's ring code over guest memory the
 * fuzzer fills. Input: 4 control bytes, then the first FUZZ_WINDOW bytes
 * of guest RAM (descriptor table or ring, driver and device areas, and
 * buffers all live there).
 *   byte 0: bit 0 packed, bit 1 EVENT_IDX, bit 2 INDIRECT_DESC,
 *           bit 3 suppress notifications first
 *   byte 1: queue size (split: 1 << (b % 9); packed: b + 1)
 *   byte 2: how many chains to take (at most 64)
 *   byte 3: bytes "written" into each chain's writable part
 * The device pops, reads and writes each chain as a backend would, gives
 * some back (unpop), pushes the rest and asks whether to interrupt. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dev/virtio/virtq.h"
#include "vmm/guest_mem.h"

#define FUZZ_RAM    (1ULL << 20)
#define FUZZ_WINDOW 0x10000      /* guest RAM the input covers */
#define RING_DESC   0x0000       /* 16 bytes x 256 entries at most */
#define RING_DRIVER 0x1000
#define RING_DEVICE 0x2000
#define MAX_SIZE    256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct guest_mem mem;
	static struct virtq_chain *chain;
	static struct virtq_used_elem done[64];
	struct virtq vq;
	char err[128];
	uint8_t buf[256];

	if (!chain) {
		chain = malloc(sizeof(*chain));
		if (!chain || gmem_init(&mem, FUZZ_RAM))
			abort();
	}
	if (size < 4)
		return 0;
	uint8_t *ram = gmem_ptr(&mem, 0, FUZZ_WINDOW);
	size_t n = size - 4 < FUZZ_WINDOW ? size - 4 : FUZZ_WINDOW;
	memset(ram, 0, FUZZ_WINDOW);
	memcpy(ram, data + 4, n);

	bool packed = data[0] & 1;
	uint64_t features = (packed ? 1ULL << VIRTIO_F_RING_PACKED : 0) |
			    (data[0] & 2 ? 1ULL << VIRTIO_F_EVENT_IDX : 0) |
			    (data[0] & 4 ? 1ULL << VIRTIO_F_INDIRECT_DESC : 0);
	virtq_reset(&vq, MAX_SIZE);
	vq.size = packed ? (uint16_t)(data[1] + 1) : (uint16_t)(1u << (data[1] % 9));
	vq.desc_gpa = RING_DESC;
	vq.avail_gpa = RING_DRIVER;
	vq.used_gpa = RING_DEVICE;
	if (virtq_enable(&vq, &mem, MAX_SIZE, features, err, sizeof(err)) < 0)
		return 0;
	if (data[0] & 8)
		virtq_set_notify_suppression(&vq, true);
	virtq_has_avail(&vq);
	virtq_avail_idx(&vq);
	virtq_peek(&vq, vq.last_avail_idx, chain);

	unsigned want = data[2] % 65, got = 0;
	while (got < want && virtq_pop(&vq, chain) == 1) {
		/* A backend reads the request and writes its answer. */
		virtq_chain_copy(chain, false, 0, buf, sizeof(buf), false);
		memset(buf, 0x5a, sizeof(buf));
		virtq_chain_copy(chain, true, 0, buf, data[3], true);
		done[got++] = virtq_used_of(chain, data[3]);
	}
	/* Give the last one back and take it again (a device short of
	 * space), then publish everything. */
	if (got) {
		virtq_unpop(&vq, &done[got - 1], 1);
		if (virtq_pop(&vq, chain) == 1)
			done[got - 1] = virtq_used_of(chain, data[3]);
		else
			got--;
	}
	if (got > 1) {
		virtq_push(&vq, chain, data[3]);
		virtq_push_many(&vq, done, got - 1);
	} else if (got) {
		virtq_push_many(&vq, done, got);
	}
	virtq_need_interrupt(&vq);
	virtq_set_notify_suppression(&vq, false);
	return 0;
}
