/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A virtio device, independent of its transport (virtio 1.2, sections 2
 * and 3): the device status byte and its rules, feature negotiation over
 * 32-bit windows, per-queue configuration, the configuration space with its
 * generation counter, the ISR byte, the DEVICE_NEEDS_RESET state with its
 * reason, and the history the inspector's `diagnose` explains hangs from.
 *
 * Three parties meet here:
 * - A transport (virtio-pci 4.1, virtio-mmio 4.2) maps its registers onto
 *   virtio_dev_reg_read/write, config space accesses onto
 *   virtio_dev_config_read/write, its ISR onto virtio_dev_isr_read/ack and
 *   queue notifications onto virtio_dev_queue_notify. It raises interrupts
 *   through struct virtio_transport.
 * - A device backend (blk, net, console, rng) describes itself with struct
 *   virtio_dev_ops and moves requests with virtio_dev_pop, virtio_dev_push
 *   and virtio_dev_notify_used.
 * - The monitor reads state with virtio_dev_get_state, virtio_dev_get_queue
 *   and virtio_dev_describe_pending.
 *
 * Locking: one mutex per device. Every function below takes it, except
 * virtio_dev_new/free/set_transport (before any vCPU runs, or after all
 * have stopped) and virtio_dev_device_id (constant). Register and config
 * accesses come from vCPU threads; notifications, pops and pushes from the
 * I/O thread. Callbacks:
 * - config_read, config_write, reset, describe_request (device ops) and
 *   queue_interrupt, config_interrupt (transport) run WITH the mutex held:
 *   they must not call any virtio_dev function. Raising an interrupt
 *   (KVM_IRQ_LINE, an irqfd write) is fine.
 * - queue_notified runs WITHOUT the mutex, on the thread that delivered the
 *   notification (I/O thread for ioeventfd, a vCPU thread for a register
 *   write or for the DRIVER_OK write that releases early kicks). It may
 *   pop and push, but long work belongs on the I/O thread.
 * A chain popped before a reset can still be written by a backend that was
 * processing it (its buffers are guest RAM, so this is safe for the host);
 * its push is dropped (virtq epoch). */
#ifndef HVMON_DEV_VIRTIO_VIRTIO_DEV_H
#define HVMON_DEV_VIRTIO_VIRTIO_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dev/virtio/virtq.h"
#include "vmm/guest_mem.h"

/* Device status bits (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER      2
#define VIRTIO_STATUS_DRIVER_OK   4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED      128

/* 6: a non-legacy device offers it; a driver that does not accept it is a
 * legacy driver, which this device refuses. */
#define VIRTIO_F_VERSION_1 32

/* Feature bits every device offers: the ring features virtq implements. */
#define VIRTIO_DEV_CORE_FEATURES                                        \
	((1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_F_INDIRECT_DESC) | \
	 (1ULL << VIRTIO_F_EVENT_IDX))

/* ISR status bits (4.1.4.5; MMIO InterruptStatus, 4.2.2). */
#define VIRTIO_ISR_QUEUE  1
#define VIRTIO_ISR_CONFIG 2

#define VIRTIO_DEV_MAX_QUEUES 256
#define VIRTIO_WHY_LEN (VIRTQ_ERR_LEN + 32)   /* room for "queue N: " + a ring error */

/* The transport-independent registers. The 64-bit ring addresses are two
 * 32-bit halves, as both transports expose them. Reads of write-only and
 * writes to read-only registers are ignored (read 0). Queue registers act
 * on the queue QUEUE_SEL selects; an out-of-range selection reads 0 and
 * ignores writes (4.1.4.3: queue_size 0 means "unavailable"). */
enum virtio_reg {
	VIRTIO_REG_DEVICE_FEATURE_SEL,
	VIRTIO_REG_DEVICE_FEATURE,       /* read-only window */
	VIRTIO_REG_DRIVER_FEATURE_SEL,
	VIRTIO_REG_DRIVER_FEATURE,
	VIRTIO_REG_CONFIG_MSIX_VECTOR,
	VIRTIO_REG_NUM_QUEUES,           /* read-only */
	VIRTIO_REG_STATUS,
	VIRTIO_REG_CONFIG_GENERATION,    /* read-only */
	VIRTIO_REG_QUEUE_SEL,
	VIRTIO_REG_QUEUE_SIZE,
	VIRTIO_REG_QUEUE_SIZE_MAX,       /* read-only (MMIO QueueNumMax) */
	VIRTIO_REG_QUEUE_MSIX_VECTOR,
	VIRTIO_REG_QUEUE_READY,
	VIRTIO_REG_QUEUE_DESC_LO,
	VIRTIO_REG_QUEUE_DESC_HI,
	VIRTIO_REG_QUEUE_DRIVER_LO,
	VIRTIO_REG_QUEUE_DRIVER_HI,
	VIRTIO_REG_QUEUE_DEVICE_LO,
	VIRTIO_REG_QUEUE_DEVICE_HI,
};

struct virtio_dev;

/* A device backend. Copied by virtio_dev_new except opaque-owned state. */
struct virtio_dev_ops {
	const char *name;            /* "virtio-blk", for messages */
	uint32_t device_id;          /* 5: 1 net, 2 block, 3 console, 4 entropy */
	uint16_t num_queues;         /* 1 .. VIRTIO_DEV_MAX_QUEUES */
	uint16_t max_queue_size;     /* a power of 2, <= VIRTQ_MAX_SIZE */
	uint64_t features;           /* device-type bits; the core adds
					VIRTIO_DEV_CORE_FEATURES */
	uint32_t config_size;        /* bytes of device-specific config */
	/* [offset, offset + len) lies inside config_size. */
	void (*config_read)(void *opaque, uint32_t offset, void *data,
			    uint32_t len);
	/* NULL: the config space is read-only. */
	void (*config_write)(void *opaque, uint32_t offset, const void *data,
			     uint32_t len);
	/* The driver notified queue q (see the locking rules above). */
	void (*queue_notified)(void *opaque, uint16_t q);
	/* The driver reset the device (2.4): drop every request. May be
	 * NULL. */
	void (*reset)(void *opaque);
	/* For the inspector: one line about a pending request
	 * ("blk read sector 2048 len 4096"). May be NULL. */
	void (*describe_request)(void *opaque, uint16_t q,
				 const struct virtq_chain *c, char *buf,
				 size_t len);
	/* Device-type rules for the features the driver accepted (such as
	 * 5.1.3.1's dependencies), checked at FEATURES_OK: NULL when they
	 * hold, else why FEATURES_OK is refused. Device mutex held. May be
	 * NULL. */
	const char *(*check_features)(void *opaque, uint64_t accepted);
	/* For the inspector: the backend in one line of name=value words
	 * ("tap=hvtap0 rx_packets=3"). Called without the device mutex. May
	 * be NULL. */
	void (*backend_info)(void *opaque, char *buf, size_t len);
};

/* A transport's interrupt paths; vector is the MSI-X vector the driver
 * chose (VIRTQ_NO_VECTOR when none). Called with the device mutex held.
 * queue_interrupt returns whether it went through the line, whose driver
 * reads the ISR to learn why (4.1.4.5.1: the queue bit is set only with
 * MSI-X disabled), rather than through a vector: the transport decides
 * both at once, so a driver enabling MSI-X meanwhile cannot split them.
 * defer (may be NULL) has queue q served on a later round of the thread
 * the transport's kicks run on, which then calls virtio_dev_queue_release;
 * false when it cannot (no such thread, too many waiting). Called without
 * the mutex, through virtio_dev_defer_queue. kick_pending (may be NULL):
 * a notification of queue q was signalled and has not reached
 * virtio_dev_queue_notify yet (an ioeventfd the I/O thread has not read);
 * called with the mutex held when DRIVER_OK is written, so a kick the
 * driver made before DRIVER_OK counts as early however late its thread
 * delivers it. */
struct virtio_transport {
	bool (*queue_interrupt)(void *opaque, uint16_t q, uint16_t vector);
	void (*config_interrupt)(void *opaque, uint16_t vector);
	bool (*defer)(void *opaque, uint16_t q);
	void *opaque;
	bool (*kick_pending)(void *opaque, uint16_t q);
};

/* What `diagnose` reasons from. Per queue, since the last reset. */
struct virtio_queue_history {
	bool enabled;          /* the driver set queue_ready */
	bool notified;         /* at least one available buffer notification */
	bool avail_moved;      /* avail->idx ever ran ahead of the device */
	bool used_published;   /* the device published at least one element */
	uint64_t empty_kicks;  /* notifications that found nothing new */
	/* Notifications before the queue was ready or before DRIVER_OK, which
	 * 3.1.1 forbids. hvmon serves such a queue at DRIVER_OK; another
	 * device may not. */
	uint64_t early_kicks;
	bool early_kick_not_ready;   /* the last one: queue not ready (else
					ready, DRIVER_OK not set) */
	uint16_t waiting_at_driver_ok;  /* chains available when DRIVER_OK
					   released the queue */
	bool kick_before_driver_ok;  /* a kick signalled before DRIVER_OK was
					still on its way then */
};

/* Why an available buffer notification named no queue. */
enum virtio_stray {
	VIRTIO_STRAY_NO_QUEUE = 1,  /* a queue index the device does not have
				       (virtio-mmio QueueNotify, 4.2.2) */
	VIRTIO_STRAY_PAST_AREA,     /* past the notification structure's
				       queue addresses (virtio-pci, 4.1.4.4) */
	VIRTIO_STRAY_NOT_QUEUE_ADDR,  /* inside it, but not a queue's address
					 or not 16/32 bits wide (4.1.4.4) */
};

/* One notification that went nowhere, as the driver wrote it. */
struct virtio_stray_notify {
	enum virtio_stray why;
	uint32_t value;    /* the value written */
	uint32_t offset;   /* in the notification structure (pci), or the
			      register offset (mmio QueueNotify, 0x50) */
	uint8_t width;     /* bytes written */
};

/* Device-wide; lifetime unless said otherwise. */
struct virtio_dev_history {
	uint8_t status_ever;        /* OR of every status value held */
	uint32_t resets;
	uint64_t refused_features;  /* offered & ~accepted at the last
				       FEATURES_OK write */
	bool features_refused;      /* FEATURES_OK refused since the last
				       reset (features_refusal says why) */
	char features_refusal[VIRTIO_WHY_LEN];  /* why FEATURES_OK was last
						   refused; "" if never */
	char last_broken[VIRTIO_WHY_LEN];       /* last NEEDS_RESET reason */
	uint64_t isr_reads;
	uint64_t irqs_since_isr_read;  /* queue interrupts sent since the ISR
					  was last read or acknowledged */
	uint64_t config_irqs;
	/* Config space accesses the device ignored (2.5: outside the
	 * device's configuration, or a write to a read-only one), and the
	 * last of them. */
	uint64_t bad_config_reads, bad_config_writes;
	uint32_t last_bad_config_off, last_bad_config_len;
	bool last_bad_config_write;
	/* Notifications that named no queue: in all, since the last reset,
	 * and the last one. */
	uint64_t stray_notifies, stray_notifies_since_reset;
	struct virtio_stray_notify last_stray;
};

struct virtio_dev_state {
	const char *name;
	uint32_t device_id;
	uint8_t status;
	uint8_t isr;
	uint64_t device_features;
	uint64_t driver_features;
	uint32_t config_generation;
	uint16_t config_msix_vector;
	uint16_t num_queues;
	char broken[VIRTIO_WHY_LEN];   /* "" unless NEEDS_RESET */
	struct virtio_dev_history hist;
};

/* ops is copied; opaque goes to every op; mem is the guest's RAM and must
 * outlive the device. NULL when ops is out of range or on allocation
 * failure. */
struct virtio_dev *virtio_dev_new(const struct virtio_dev_ops *ops,
				  void *opaque, const struct guest_mem *mem);
void virtio_dev_free(struct virtio_dev *d);
void virtio_dev_set_transport(struct virtio_dev *d,
			      const struct virtio_transport *t);
/* Offer more feature bits (VIRTIO_F_RING_PACKED where the machine wants
 * it), before any driver runs. */
void virtio_dev_offer(struct virtio_dev *d, uint64_t features);
uint32_t virtio_dev_device_id(const struct virtio_dev *d);
/* Bytes of device-specific configuration (ops.config_size). */
uint32_t virtio_dev_config_size(const struct virtio_dev *d);
/* "ACKNOWLEDGE DRIVER FEATURES_OK" for a status byte (2.1), in the
 * order a driver sets the bits; "" for 0. Returns buf. */
const char *virtio_status_text(uint8_t status, char *buf, size_t len);

/* The name traces and messages use ("blk0"); the type name until set. */
void virtio_dev_set_name(struct virtio_dev *d, const char *name);
const char *virtio_dev_name(const struct virtio_dev *d);

/* Transport side: registers. */
uint32_t virtio_dev_reg_read(struct virtio_dev *d, enum virtio_reg reg);
void virtio_dev_reg_write(struct virtio_dev *d, enum virtio_reg reg,
			  uint32_t value);

/* Transport side: device-specific configuration, 1 to 8 bytes. 0, or -1
 * when the access falls outside the config space (reads give zeros,
 * writes are dropped) or the space is read-only. */
int virtio_dev_config_read(struct virtio_dev *d, uint32_t offset, void *data,
			   uint32_t len);
int virtio_dev_config_write(struct virtio_dev *d, uint32_t offset,
			    const void *data, uint32_t len);

/* Transport side: the ISR byte. virtio-pci reads it with clear (4.1.4.5.1:
 * reading resets it); virtio-mmio reads without and acknowledges bits
 * (InterruptACK, 4.2.2). */
uint8_t virtio_dev_isr_read(struct virtio_dev *d, bool clear);
/* The ISR byte as it is, not counted as a driver's read (the transport's
 * own look, for its interrupt line). */
uint8_t virtio_dev_isr_peek(struct virtio_dev *d);
void virtio_dev_isr_ack(struct virtio_dev *d, uint8_t bits);

/* Transport side: the driver notified queue q. Counted always; passed to
 * the backend only when the queue is ready, DRIVER_OK is set and the device
 * does not need a reset (2.1.2). Kicks before DRIVER_OK are not lost: the
 * DRIVER_OK write notifies every ready queue. */
void virtio_dev_queue_notify(struct virtio_dev *d, uint16_t q);

/* For a notification that waited in an eventfd: whether one sent now
 * would be early (3.1.1: before DRIVER_OK, or to a queue not ready), asked
 * before the eventfd is read, so of a kick sent before the question. Its
 * answer goes to virtio_dev_queue_notify_seen once the eventfd is read:
 * by then the vCPU may have set DRIVER_OK, and the kick would look timely. */
struct virtio_kick_view {
	bool early, not_ready;
};
struct virtio_kick_view virtio_dev_queue_kick_view(struct virtio_dev *d, uint16_t q);
void virtio_dev_queue_notify_seen(struct virtio_dev *d, uint16_t q, struct virtio_kick_view seen);

/* Transport side: a notification that names no queue (enum
 * virtio_stray); counted, kept, traced, otherwise ignored. */
void virtio_dev_stray_notify(struct virtio_dev *d, enum virtio_stray why,
			     uint32_t value, uint32_t offset, unsigned width);

/* Transport side: give queue q to the backend, as a notification would,
 * without counting one (the buffers made available before DRIVER_OK,
 * 2.1.2). Only while the queue is ready and the device live. */
void virtio_dev_queue_release(struct virtio_dev *d, uint16_t q);

/* Serve queue q again on the I/O thread's next round, after the other
 * devices (transport defer): for the buffers DRIVER_OK releases, and for a
 * backend that served VIRTIO_BURST chains. false when nothing will come
 * back: the caller goes on itself. */
bool virtio_dev_defer_queue(struct virtio_dev *d, uint16_t q);

/* Backend side. pop: 1 chain, 0 nothing (or not DRIVER_OK, or
 * NEEDS_RESET), -1 the driver broke a ring rule: the device is now
 * NEEDS_RESET with the reason. */
int virtio_dev_pop(struct virtio_dev *d, uint16_t q, struct virtq_chain *c);
/* virtq_push_many on queue q. */
int virtio_dev_push_many(struct virtio_dev *d, uint16_t q, const struct virtq_used_elem *e,
			 unsigned n);
/* virtq_unpop on queue q. */
void virtio_dev_unpop(struct virtio_dev *d, uint16_t q, const struct virtq_used_elem *e,
		      uint16_t n);
/* 0, or -1 when the element was dropped (see virtq_push). */
int virtio_dev_push(struct virtio_dev *d, uint16_t q,
		    const struct virtq_chain *c, uint32_t len);
/* After pushes: raise a queue interrupt unless the driver suppressed it
 * (2.7.7). true when one was sent. */
bool virtio_dev_notify_used(struct virtio_dev *d, uint16_t q);
/* virtq_set_notify_suppression on queue q; re-enabling says "more" only
 * while the device is live. */
bool virtio_dev_suppress_notify(struct virtio_dev *d, uint16_t q,
				bool suppress);
/* Chains the driver has made available on q that the device has not
 * taken (0 when the queue is not ready or the device not live). */
uint16_t virtio_dev_pending(struct virtio_dev *d, uint16_t q);
/* Chains a backend serves per round before it lets the I/O thread go
 * round (the rest with virtio_dev_defer_queue): one busy ring must
 * not starve the other devices, and one interrupt decision never spans
 * more than 2^16 used entries. */
#define VIRTIO_BURST 256
/* The features both sides agreed on (0 before FEATURES_OK). */
uint64_t virtio_dev_features(struct virtio_dev *d);
/* The backend changed its config space: new generation and a config
 * interrupt once DRIVER_OK is set (2.5, 4.1.4.3.1). */
void virtio_dev_config_changed(struct virtio_dev *d);
/* Enter DEVICE_NEEDS_RESET with a reason and notify the driver (2.1.2).
 * The first reason is kept until the driver resets the device. */
__attribute__((format(printf, 2, 3)))
void virtio_dev_mark_broken(struct virtio_dev *d, const char *fmt, ...);

/* Inspector side: ops.backend_info's line ("" when it has none). */
void virtio_dev_backend_info(struct virtio_dev *d, char *buf, size_t len);
/* Inspector side: consistent copies. get_queue: -1 when q is out of
 * range; avail_idx is the driver's avail->idx now (0 when not ready). */
void virtio_dev_get_state(struct virtio_dev *d, struct virtio_dev_state *out);
int virtio_dev_get_queue(struct virtio_dev *d, uint16_t q, struct virtq *vq,
			 struct virtio_queue_history *hist,
			 uint16_t *avail_idx);
/* Decode the pending chain at avail position pos (virtq_peek) and let the
 * backend describe it into desc ("" when it has no describe_request). As
 * virtq_peek; -1 also when q is out of range. */
int virtio_dev_describe_pending(struct virtio_dev *d, uint16_t q,
				uint16_t pos, struct virtq_chain *c,
				char *desc, size_t desclen);

/* The device has written len bytes into c's device-writable buffers (the
 * used length it reports, 2.7.8): tell the watchpoints, which stop the
 * machine when that touched a watched range (virtio_dev_dma.c). Cheap while
 * nothing is watched. virtio_dev_push calls it; a device that pushes with
 * virtio_dev_push_many calls it for each chain it filled. */
void virtio_dev_wrote(struct virtio_dev *d, uint16_t q, const struct virtq_chain *c,
		      uint64_t len);

#endif
