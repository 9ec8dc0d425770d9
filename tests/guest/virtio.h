/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The test guest's virtio driver (README.md, "Virtio"), shared by the
 * transports and the initialization sequence (virtio.c) and the device
 * drivers (blk.c, rng.c, console.c, net.c) and the hostile requests
 * (hostile.c). */
#ifndef HVMON_TESTGUEST_VIRTIO_H
#define HVMON_TESTGUEST_VIRTIO_H

#include "guest.h"

/* Device status bits (2.1). */
#define VS_ACKNOWLEDGE 0x01
#define VS_DRIVER      0x02
#define VS_DRIVER_OK   0x04
#define VS_FEATURES_OK 0x08
#define VS_NEEDS_RESET 0x40
#define VS_FAILED      0x80

#define VIRTIO_F_VERSION_1 (1ULL << 32)   /* 6: the modern interface */

/* Split virtqueue (2.7). */
#define VIRTQ_DESC_F_NEXT  1      /* 2.7.5: the chain continues at next */
#define VIRTQ_DESC_F_WRITE 2      /* 2.7.5: device writes this buffer */
#define VIRTQ_USED_F_NO_NOTIFY 1  /* 2.7.10 */

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* The queue size this driver uses at most (the device may offer more;
 * 4.1.5.1.3 lets the driver write a smaller power of 2). */
#define VQ_SIZE_MAX 8

/* Each queue gets one 4 KiB page of .bss: the descriptor table at 0
 * (16-byte aligned, 16 * 8 bytes), the available ring at 0x80 (2-byte
 * aligned, 6 + 2 * 8), the used ring at 0x100 (4-byte aligned, 6 + 8 * 8),
 * and request buffers from 0x200 (2.7, alignment table). */
#define VQ_PAGE       4096
#define VQ_AVAIL_OFF  0x80
#define VQ_USED_OFF   0x100
#define VQ_BUF_OFF    0x200
#define VQ_PAGES      12     /* enough for blk, rng, console and net */

/* Bounded waits (interrupts stay off: the driver polls). Each poll of
 * the used ring also reads device_status, an MMIO exit: that paces the
 * wait in real time on any host (about 15 us a poll here, a few us on
 * hardware KVM, so 200,000 polls are about 3 s and 1 s) and notices a
 * device that sets NEEDS_RESET (2.1.1) instead of answering. */
#define RESET_POLLS 1000
#define USED_POLLS  200000


/* virtiostop=<step> (README.md, "Stuck probes"): where every device's
 * probe stops, so the monitor can inspect it frozen there. The first six
 * are the steps of 3.1.1; STOP_NONOTIFY posts a request without the
 * notification (4.1.5.2), STOP_NOISR completes requests without reading
 * the ISR (4.1.4.5). After the whole virtio= list the guest prints
 * "virtio: stopped after <step>" and halts instead of the exit action. */
enum stop_step {
	STOP_NONE,
	STOP_ACK,          /* 3.1.1 step 2: ACKNOWLEDGE set */
	STOP_DRIVER,       /* step 3: DRIVER set */
	STOP_FEATURES,     /* step 4: driver features written, no FEATURES_OK */
	STOP_FEATURES_OK,  /* steps 5, 6: FEATURES_OK set and read back */
	STOP_QUEUE,        /* step 7: queues set up and enabled, no DRIVER_OK */
	STOP_DRIVER_OK,    /* step 8: DRIVER_OK set, no request */
	STOP_NONOTIFY,     /* one request made available, never notified */
	STOP_NOISR,        /* requests completed, ISR never read */
};
extern enum stop_step stop_at;

/* MMIO: one plain mov each, of the register's own width. */
static inline uint8_t mmio_r8(uintptr_t a)
{
	return *(volatile uint8_t *)a;
}

static inline uint16_t mmio_r16(uintptr_t a)
{
	return *(volatile uint16_t *)a;
}

static inline uint32_t mmio_r32(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}

static inline void mmio_w8(uintptr_t a, uint8_t v)
{
	*(volatile uint8_t *)a = v;
}

static inline void mmio_w16(uintptr_t a, uint16_t v)
{
	*(volatile uint16_t *)a = v;
}

static inline void mmio_w32(uintptr_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

/* 64-bit fields written as two 32-bit halves, low first (4.1.3.1: the
 * driver may access 64-bit common-config fields so; 4.2.2: virtio-mmio
 * has only 32-bit registers, the ring addresses in LOW/HIGH pairs). */
static inline void mmio_w64(uintptr_t a, uint64_t v)
{
	mmio_w32(a, (uint32_t)v);
	mmio_w32(a + 4, (uint32_t)(v >> 32));
}

static inline void compiler_barrier(void)
{
	__asm__ volatile("" : : : "memory");
}

/* A full barrier (store-load ordering): a locked add, which KVM's
 * emulator handles (no mfence needed). */
static inline void full_barrier(void)
{
	__asm__ volatile("lock; addl $0, (%%rsp)" : : : "memory", "cc");
}

struct vdev;

struct vdrv {
	const char *name;
	uint16_t id;              /* virtio device ID (5) */
	uint16_t transitional;    /* its transitional PCI device ID (4.1.2.1) */
	unsigned nqueues;         /* queues 0 .. nqueues - 1 are set up */
	uint64_t want;            /* features accepted when offered, besides VERSION_1 */
	void (*use)(struct vdev *d);
};

/* A packed ring descriptor (2.8.13) and its flags (2.8.1); the event
 * suppression structures (2.8.14) are two le16: desc, flags. */
struct pvirtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t id;
	uint16_t flags;
};
#define VIRTQ_DESC_F_AVAIL (1u << 7)
#define VIRTQ_DESC_F_USED  (1u << 15)
#define RING_EVENT_FLAGS_DISABLE 1
#define VIRTIO_F_RING_PACKED (1ULL << 34)

struct vq {
	uint16_t index, size;
	bool notify32;            /* virtio-mmio QueueNotify: 32-bit write */
	bool packed;              /* VIRTIO_F_RING_PACKED negotiated (2.8) */
	/* Split (2.7). */
	uint16_t avail_idx;       /* next free avail ring slot (free-running) */
	uint16_t used_seen;       /* used->idx last consumed */
	struct virtq_desc *desc;
	volatile uint16_t *avail; /* flags, idx, ring[size], used_event */
	volatile uint16_t *used;  /* flags, idx, then {le32 id, le32 len}[] */
	/* Packed (2.8): positions and wrap counters (2.8.1), the list length
	 * of each buffer ID to skip (2.8.6); the ring at desc, the Driver and
	 * Device Event Suppression structures at avail and used. */
	uint16_t next_avail, next_used;
	bool avail_wrap, used_wrap;
	uint8_t sgs[VQ_SIZE_MAX];
	uint8_t *buf;
	uintptr_t notify;
};

/* One element of a buffer for vq_post. */
struct vbuf {
	uint64_t addr;
	uint32_t len;
	bool write;               /* device-writable */
}; 

struct vtrans;

struct vdev {
	const struct vdrv *drv;
	const struct vtrans *t;
	const struct pci_fn *fn;  /* virtio-pci; NULL on virtio-mmio */
	uintptr_t mmio;           /* virtio-mmio window base */
	uintptr_t common, notify_base, isr, device;
	uint32_t notify_mult;
	uint64_t features;        /* offered by the device */
	uint64_t accepted;        /* written to driver_feature */
	bool msix;                /* virtiomsix=: MSI-X enabled, queue q on vector q + 1 */
	struct vq vq[2];
};

/* What differs between the transports. queue_max selects queue index
 * and returns its maximum size (0: unavailable), 0xffff when the queue is
 * already enabled; queue_program writes the chosen size and the ring
 * addresses of q, enables it and sets q's notification address. */
struct vtrans {
	uint8_t (*get_status)(struct vdev *d);
	void (*set_status)(struct vdev *d, uint8_t status);
	uint32_t (*get_features)(struct vdev *d, uint32_t sel);
	void (*set_features)(struct vdev *d, uint32_t sel, uint32_t val);
	uint16_t (*num_queues)(struct vdev *d);
	uint16_t (*queue_max)(struct vdev *d, uint16_t index);
	void (*queue_program)(struct vdev *d, struct vq *q);
	uint32_t (*config_generation)(struct vdev *d);
	uint8_t (*isr)(struct vdev *d);
};

/* virtio.c */
/* The driver initialization sequence (3.1.1) up to DRIVER_OK. */
bool vdev_init(struct vdev *d);
uint8_t vdev_status(struct vdev *d);
void vdev_set_status(struct vdev *d, uint8_t status);
/* Where the device is: "00:01.0" on PCI, "mmio@0xd0000000" on MMIO. */
void put_where(const struct vdev *d);
/* Make a buffer of n elements available under id (split: chained from
 * descriptor id, 2.7.13; packed: at the ring's next free descriptors, ID
 * id, 2.8.21) and notify the device (4.1.5.2) unless it asked for no
 * notifications (2.7.10, 2.8.10). False, with no notification, under
 * virtiostop=nonotify: the caller must not wait. */
bool vq_post(struct vq *q, uint16_t id, const struct vbuf *b, unsigned n);
/* Split rings only: make the chain already written at descriptor head
 * available and notify (hostile.c builds its own chains). */
bool vq_kick(struct vq *q, uint16_t head);
/* The available buffer notification alone (4.1.5.2, 4.2.2 QueueNotify). */
void vq_notify(struct vq *q);
/* Polls for the next used element (2.7.14); its length in *len and its
 * descriptor ID in *id. False after polls polls or when the device sets
 * NEEDS_RESET. */
bool vq_wait_n(struct vdev *d, struct vq *q, uint32_t *id, uint32_t *len, unsigned polls);
static inline bool vq_wait(struct vdev *d, struct vq *q, uint32_t *id, uint32_t *len)
{
	return vq_wait_n(d, q, id, len, USED_POLLS);
}
/* The line for a vq_wait that failed: a timeout or NEEDS_RESET. */
void vq_timeout(struct vdev *d, struct vq *q);

/* One virtio-blk request as Linux lays it out (blk.c): the status byte,
 * -1 when the device did not answer, -2 under virtiostop=nonotify. */
int blk_request(struct vdev *d, uint32_t type, uint64_t sector, uint8_t *data, uint32_t len,
		bool device_writes);
#define VIRTIO_BLK_T_IN 0

/* The device drivers: what each does after DRIVER_OK. */
void blk_use(struct vdev *d);
void rng_use(struct vdev *d);
void console_use(struct vdev *d);
void net_use(struct vdev *d);

/* virtiobench=N (README.md, "Benchmark"): blk makes N 4 KiB reads and
 * nothing else; waits poll the used ring only (at most BENCH_POLLS). */
#define BENCH_POLLS 100000000u
extern unsigned bench_requests;
/* blk_bench.c: virtiobenchio= and virtiobenchring= from the command
 * line; the N reads on a disk of that many sectors, in ring 0 or 3, and
 * the line that says how they went. */
void blk_bench_options(const char *cmd, size_t cmdlen);
void blk_bench(struct vdev *d, uint64_t sectors);
extern unsigned bench_ring;   /* virtiobenchring=: 0 or 3 */
/* net_bench.c: virtionetbench=ping|udp; whether net runs the benchmark
 * (with virtiobench=N); the loop, given the MACs and net.c's nrx receive
 * buffers of 2048 bytes, posted under their index as ID. */
void net_bench_options(const char *cmd, size_t cmdlen);
bool net_bench_wanted(void);
void net_bench(struct vdev *d, const uint8_t *mac, const uint8_t *peer_mac,
	       uint8_t (*rx)[2048], unsigned nrx);

/* virtiohostile=<kind> (hostile.c, README.md "Hostile requests"): the
 * blk driver breaks one rule of the spec on purpose instead of its usual
 * requests. */
enum hostile {
	HOSTILE_NONE,
	HOSTILE_OOB,       /* a data buffer outside guest RAM (2.7.5) */
	HOSTILE_LOOP,      /* a descriptor chain that loops (2.7.5.2) */
	HOSTILE_AVAILIDX,  /* avail->idx far ahead of the ring (2.7.6.1) */
	HOSTILE_ORDER,     /* a readable descriptor after a writable one (2.7.4.2) */
	HOSTILE_INDIRECT,  /* an indirect table of a bad length (2.7.5.3) */
	HOSTILE_QSIZE,     /* queue_size above the maximum, not a power of 2 (2.7) */
	HOSTILE_CFGWRITE,  /* config writes: read-only field, out of range (2.5) */
	HOSTILE_RESET,     /* HOSTILE_OOB, then reset and start again (2.1.2) */
	/* Stuck probes for diagnose (hostile.c, README.md "Hostile requests"). */
	HOSTILE_USEDEVENT,    /* EVENT_IDX: used_event ahead, no interrupt (2.7.7.2, 2.8.10) */
	HOSTILE_NOINTERRUPT,  /* VIRTQ_AVAIL_F_NO_INTERRUPT / packed DISABLE (2.7.7.2, 2.8.10) */
	HOSTILE_NOCONSUME,    /* EVENT_IDX: interrupt taken, used ring never processed */
	HOSTILE_REFUSED,      /* an unoffered bit, FEATURES_OK not re-read (3.1.1 step 6) */
	HOSTILE_NOWHERE,      /* the notification goes to no queue (4.1.4.4, 4.2.2) */
	HOSTILE_EARLYKICK,    /* request and notification before DRIVER_OK (3.1.1) */
	HOSTILE_UNNOTIFIED,   /* request before DRIVER_OK, never notified */
};
extern enum hostile hostile;
/* Parse virtiohostile=<kind>; an unknown kind prints an error line. */
void hostile_parse(const char *w, size_t len);
/* The queue size to program: size, or the bad one for HOSTILE_QSIZE. */
uint16_t hostile_queue_size(uint16_t size);
/* Features to accept besides the driver's own (INDIRECT_DESC for
 * HOSTILE_INDIRECT). */
uint64_t hostile_features(void);
/* Features to accept though the device does not offer them (bit 0 for
 * HOSTILE_REFUSED, 2.2.1). */
uint64_t hostile_unoffered_features(void);
/* blk after DRIVER_OK under virtiohostile=: the bad request and what the
 * device made of it. */
void hostile_blk(struct vdev *d);
/* blk between queue set-up and DRIVER_OK (3.1.1 steps 7, 8): the kinds
 * that act there. */
void hostile_before_driver_ok(struct vdev *d);
/* The driver does not re-read status after FEATURES_OK (3.1.1 step 6). */
bool hostile_skips_status_check(void);

/* Feature bits the drivers[] table accepts: 5.2.3 (blk), 5.3.3
 * (console), 5.1.3 (net). */
#define VIRTIO_BLK_F_RO    (1ULL << 5)
#define VIRTIO_BLK_F_FLUSH (1ULL << 9)
#define VIRTIO_CONSOLE_F_EMERG_WRITE (1ULL << 2)
#define VIRTIO_NET_F_CSUM      (1ULL << 0)
#define VIRTIO_NET_F_MAC       (1ULL << 5)
#define VIRTIO_NET_F_MRG_RXBUF (1ULL << 15)
#define VIRTIO_NET_F_STATUS    (1ULL << 16)

#endif
