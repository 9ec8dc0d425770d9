// SPDX-License-Identifier: GPL-3.0-or-later
/* virtiohostile=<kind> (README.md, "Hostile requests"): the blk driver
 * breaks one rule of virtio 1.2 on purpose, as a buggy or malicious driver
 * would, and reports what the device did. A device must not touch memory
 * outside guest RAM or crash its VMM: it marks itself DEVICE_NEEDS_RESET
 * (2.1.2) or ignores the access, and stays usable after a reset. */
#include "virtio.h"

#define VIRTIO_F_INDIRECT_DESC (1ULL << 28)
#define VIRTQ_DESC_F_INDIRECT 4
#define HOSTILE_BAD_QSIZE 1000          /* > any maximum, not a power of 2 */
#define HOSTILE_OOB_ADDR 0x100000000000ULL   /* 16 TiB: no guest has RAM there */
#define HOSTILE_CFG_BEYOND 0x80         /* past blk's 60 bytes, inside both windows */
#define VIRTIO_F_EVENT_IDX (1ULL << 29)
#define HOSTILE_UNOFFERED 1ULL          /* blk offers no bit 0 (5.2.3) */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1    /* 2.7.6 */
#define RING_EVENT_FLAGS_DESC 2         /* 2.8.10 */
#define HOSTILE_USED_EVENT 100          /* far past the one request */
#define HOSTILE_PACKED_EVENT_OFF 5      /* a descriptor past the one request's three */
#define HOSTILE_NO_QUEUE 7              /* blk has queue 0 only */
#define HOSTILE_PAST_NOTIFY 0x40        /* past blk's one notify address */
#define HOSTILE_SHORT_POLLS 2000        /* waiting for an answer that cannot come */

enum hostile hostile;

static const char *const names[] = {
	[HOSTILE_OOB] = "oob", [HOSTILE_LOOP] = "loop", [HOSTILE_AVAILIDX] = "availidx",
	[HOSTILE_ORDER] = "order", [HOSTILE_INDIRECT] = "indirect", [HOSTILE_QSIZE] = "qsize",
	[HOSTILE_CFGWRITE] = "cfgwrite", [HOSTILE_RESET] = "reset",
	[HOSTILE_USEDEVENT] = "usedevent", [HOSTILE_NOINTERRUPT] = "nointerrupt",
	[HOSTILE_NOCONSUME] = "noconsume", [HOSTILE_REFUSED] = "refused",
	[HOSTILE_NOWHERE] = "nowhere", [HOSTILE_EARLYKICK] = "earlykick",
	[HOSTILE_UNNOTIFIED] = "unnotified",
};

void hostile_parse(const char *w, size_t len)
{
	for (unsigned i = 1; i < sizeof(names) / sizeof(names[0]); i++)
		if (word_is(w, len, names[i])) {
			hostile = (enum hostile)i;
			return;
		}
	put_str("virtio: error: unknown virtiohostile=");
	for (size_t i = 0; i < len; i++)
		put_char(w[i]);
	put_char('\n');
}

uint16_t hostile_queue_size(uint16_t size)
{
	return hostile == HOSTILE_QSIZE ? HOSTILE_BAD_QSIZE : size;
}

uint64_t hostile_features(void)
{
	switch (hostile) {
	case HOSTILE_INDIRECT:  return VIRTIO_F_INDIRECT_DESC;
	case HOSTILE_USEDEVENT:
	case HOSTILE_NOCONSUME: return VIRTIO_F_EVENT_IDX;
	default:                return 0;
	}
}

uint64_t hostile_unoffered_features(void)
{
	return hostile == HOSTILE_REFUSED ? HOSTILE_UNOFFERED : 0;
}

bool hostile_skips_status_check(void)
{
	return hostile == HOSTILE_REFUSED;
}

/* A request's status byte, or what went wrong instead (blk_request). */
static void put_status(int st)
{
	if (st == -1)
		put_str("none (no answer)");
	else if (st == -2)
		put_str("none (not notified)");
	else
		put_dec((uint64_t)st);
}

static void say(const char *what)
{
	put_str("virtio-blk: hostile ");
	put_str(names[hostile]);
	put_str(": ");
	put_str(what);
}

/* The request was posted: wait for the device's verdict. */
static void verdict(struct vdev *d, struct vq *q)
{
	uint32_t id, len;

	if (vq_wait(d, q, &id, &len)) {
		say("answered status=");
		put_dec(q->buf[16]);
		put_str(" len=");
		put_dec(len);
		put_char('\n');
		return;
	}
	say(vdev_status(d) & VS_NEEDS_RESET ? "device needs reset status=0x" :
					       "no answer, status=0x");
	put_hex(vdev_status(d), 2);
	put_char('\n');
}

/* A 4 KiB read of sector 0 with header at buf, status at buf + 16. */
static void read_header(struct vq *q)
{
	for (unsigned i = 0; i < 16; i++)
		q->buf[i] = 0;
	q->buf[16] = 0xff;
}

static void post_bad(struct vdev *d)
{
	struct vq *q = &d->vq[0];
	uintptr_t hdr = (uintptr_t)q->buf, status = hdr + 16;

	read_header(q);
	/* Buffers any ring format can carry go through vq_post; the rest are
	 * split-ring shapes, written by hand. */
	if (hostile == HOSTILE_OOB || hostile == HOSTILE_RESET) {
		struct vbuf b[3] = { { hdr, 16, false }, { HOSTILE_OOB_ADDR, 4096, true },
				     { status, 1, true } };
		vq_post(q, 0, b, 3);
		return;
	}
	if (hostile == HOSTILE_ORDER) {
		struct vbuf b[2] = { { status, 1, true }, { hdr, 16, false } };
		vq_post(q, 0, b, 2);
		return;
	}
	switch (hostile) {
	case HOSTILE_LOOP:
		q->desc[0] = (struct virtq_desc){ hdr, 16, VIRTQ_DESC_F_NEXT, 1 };
		q->desc[1] = (struct virtq_desc){ hdr, 16, VIRTQ_DESC_F_NEXT, 0 };
		break;
	case HOSTILE_INDIRECT:
		/* 2.7.5.3: the table length must be a multiple of 16. */
		q->desc[0] = (struct virtq_desc){ hdr + 0x100, 20, VIRTQ_DESC_F_INDIRECT, 0 };
		break;
	default:
		q->desc[0] = (struct virtq_desc){ hdr, 16, VIRTQ_DESC_F_NEXT, 1 };
		q->desc[1] = (struct virtq_desc){ status, 1, VIRTQ_DESC_F_WRITE, 0 };
		break;
	}
	if (hostile != HOSTILE_AVAILIDX) {
		vq_kick(q, 0);
		return;
	}
	/* 2.7.6.1: idx runs ahead by more than the ring holds. */
	q->avail[2 + q->avail_idx % q->size] = 0;
	q->avail_idx += 100;
	q->avail[1] = q->avail_idx;
	vq_notify(q);
}

/* ---- stuck probes for diagnose ---- */

/* A 512-byte read of sector 0 (header, data, status; 5.2.6). */
static void read_request(struct vq *q, struct vbuf b[3])
{
	uintptr_t hdr = (uintptr_t)q->buf;

	read_header(q);
	b[0] = (struct vbuf){ hdr, 16, false };
	b[1] = (struct vbuf){ hdr + 0x200, 512, true };
	b[2] = (struct vbuf){ hdr + 16, 1, true };
}

/* Make the request available without the notification: vq_post's own
 * virtiostop=nonotify path. */
static void post_quiet(struct vq *q)
{
	struct vbuf b[3];
	enum stop_step saved = stop_at;

	read_request(q, b);
	stop_at = STOP_NONOTIFY;
	vq_post(q, 0, b, 3);
	stop_at = saved;
}

static void post_and_notify(struct vq *q)
{
	struct vbuf b[3];

	read_request(q, b);
	vq_post(q, 0, b, 3);
}

void hostile_before_driver_ok(struct vdev *d)
{
	/* 3.1.1: the driver uses the device only after DRIVER_OK. */
	if (hostile == HOSTILE_EARLYKICK)
		post_and_notify(&d->vq[0]);
	else if (hostile == HOSTILE_UNNOTIFIED)
		post_quiet(&d->vq[0]);
}

/* The driver's interrupt suppression, set before the request: 2.7.7.2
 * used_event and avail.flags, 2.8.10 the Driver Event Suppression
 * structure (desc word, then flags). */
static void suppress_interrupts(struct vq *q)
{
	if (hostile == HOSTILE_USEDEVENT) {
		if (q->packed) {
			q->avail[0] = HOSTILE_PACKED_EVENT_OFF | 0x8000;   /* wrap 1 */
			q->avail[1] = RING_EVENT_FLAGS_DESC;
		} else {
			q->avail[2 + q->size] = HOSTILE_USED_EVENT;
		}
	} else if (hostile == HOSTILE_NOINTERRUPT) {
		if (q->packed)
			q->avail[1] = RING_EVENT_FLAGS_DISABLE;
		else
			q->avail[0] = VIRTQ_AVAIL_F_NO_INTERRUPT;
	} else if (hostile == HOSTILE_NOCONSUME && q->packed) {
		/* Interrupt at the first used descriptor, as a driver asks
		 * when it has consumed nothing yet. */
		q->avail[0] = 0x8000;
		q->avail[1] = RING_EVENT_FLAGS_DESC;
	}
	full_barrier();
}

/* The interrupt handler's acknowledgement (the ISR read, 4.1.4.5.1, or
 * InterruptACK, 4.2.2), once the device has raised it: the used entry can
 * be seen a moment before the device's interrupt decision. The ISR, or 0
 * when none came. */
static uint8_t take_interrupt(struct vdev *d)
{
	uint8_t isr = 0;

	for (unsigned n = 0; n < USED_POLLS && !isr; n++)
		isr = d->t->isr(d);
	return isr;
}

/* The stuck-probe kinds after DRIVER_OK; false for the other kinds. */
static bool stuck_blk(struct vdev *d)
{
	struct vq *q = &d->vq[0];
	uint32_t id, len;

	switch (hostile) {
	case HOSTILE_USEDEVENT:
	case HOSTILE_NOINTERRUPT:
	case HOSTILE_NOCONSUME:
		suppress_interrupts(q);
		post_and_notify(q);
		/* Polled, so the test knows the device answered; the driver's
		 * used_event is not moved, so the device sees no progress. */
		if (!vq_wait(d, q, &id, &len)) {
			say("no answer, status=0x");
		} else {
			/* noconsume: the interrupt handler runs (ISR read,
			 * InterruptACK) and never gets to the used ring. */
			say(hostile == HOSTILE_NOCONSUME && take_interrupt(d) ?
			    "interrupt acknowledged, used ring not processed, status=0x" :
			    "answered, waiting for an interrupt, status=0x");
		}
		break;
	case HOSTILE_REFUSED:
		say("went on without re-reading status, status=0x");
		break;
	case HOSTILE_NOWHERE:
		post_quiet(q);
		if (d->mmio)
			mmio_w32(q->notify, HOSTILE_NO_QUEUE);   /* 4.2.2 QueueNotify */
		else
			mmio_w16(d->notify_base + HOSTILE_PAST_NOTIFY, 0);
		say(vq_wait_n(d, q, &id, &len, HOSTILE_SHORT_POLLS) ? "error: answered, status=0x" :
								      "no answer, status=0x");
		break;
	case HOSTILE_EARLYKICK:
	case HOSTILE_UNNOTIFIED:
		/* Posted before DRIVER_OK; hvmon serves it at DRIVER_OK. */
		say(vq_wait(d, q, &id, &len) ? "answered" : "no answer");
		put_str(", isr=0x");
		put_hex(take_interrupt(d), 1);
		put_str(" status=0x");
		break;
	default:
		return false;
	}
	put_hex(vdev_status(d), 2);
	put_char('\n');
	return true;
}

void hostile_blk(struct vdev *d)
{
	struct vq *q = &d->vq[0];

	if (stuck_blk(d))
		return;

	if (hostile == HOSTILE_QSIZE) {
		/* The queue was programmed with the bad size at set-up. */
		say("queue_size written as 1000, status=0x");
		put_hex(vdev_status(d), 2);
		put_char('\n');
		return;
	}
	if (hostile == HOSTILE_CFGWRITE) {
		/* 5.2.4: capacity is read-only; 0x80 is past the structure. */
		uint32_t cap = mmio_r32(d->device);
		mmio_w32(d->device, 0xdeadbeef);
		mmio_w32(d->device + HOSTILE_CFG_BEYOND, 0x12345678);
		say(mmio_r32(d->device) == cap ? "capacity unchanged" : "error: capacity changed");
		put_str(", read status=");
		read_header(q);
		put_status(blk_request(d, VIRTIO_BLK_T_IN, 0, q->buf + 0x200, 512, true));
		put_char('\n');
		return;
	}
	if (q->packed && hostile != HOSTILE_OOB && hostile != HOSTILE_RESET &&
	    hostile != HOSTILE_ORDER) {
		say("split rings only\n");
		return;
	}
	post_bad(d);
	verdict(d, q);
	if (hostile != HOSTILE_RESET)
		return;
	/* 2.1.2: after NEEDS_RESET the driver resets the device and starts
	 * again; the device must work as new. */
	if (!vdev_init(d))
		return;
	say("re-initialized, read status=");
	put_status(blk_request(d, VIRTIO_BLK_T_IN, 0, q->buf + 0x200, 512, true));
	/* 4.1.4.5 / 4.2.2: take the interrupt, as a driver would. */
	put_str(" isr=0x");
	put_hex(d->t->isr(d), 1);
	put_char('\n');
}
