// SPDX-License-Identifier: GPL-3.0-or-later
/* virtiobench= (README.md, "Benchmark"): the blk driver's request loop
 * for bench/virtio_blk.sh, in ring 0 or, with virtiobenchring=3, in ring
 * 3, where the project's KVM runs guest code natively (docs/design.md 1):
 * there only the notification is the VMM's, not every instruction of the
 * driver. The loop makes N reads of one kind (virtiobenchio=), one at a
 * time, polling the used ring alone (no status or ISR read), and prints
 * nothing while it runs: ring 3 has no port access, so its outcome is
 * kept in memory and printed by ring 0 once ring3_call has returned. */
#include "virtio.h"

#define BLK_SECTOR      512
#define BENCH_MAX_BYTES 65536

/* The kinds of read, their size and how the next sector is chosen. */
static const struct bench_kind {
	const char *name;
	uint32_t bytes;
	bool random;
} kinds[] = {
	{ "seq4k", 4096, false },    /* the default: the old virtiobench= */
	{ "rand4k", 4096, true },
	{ "seq64k", 65536, false },
};

static const struct bench_kind *kind = &kinds[0];
unsigned bench_ring;            /* virtiobenchring=: 0 or 3 */

/* One buffer for every kind, page-aligned, one descriptor (hvmon's and
 * QEMU's size_max are both larger). */
static uint8_t bench_data[BENCH_MAX_BYTES] __attribute__((aligned(VQ_PAGE)));

/* What the loop did, for ring 0 to print: requests completed, and for
 * the one that failed its status byte (-1: no answer; -3: a used element
 * that does not belong to it), the used element's id and length. */
static struct vdev *bench_dev;
static uint64_t bench_sectors;
static unsigned bench_done;
static int bench_status;
static uint32_t bench_id, bench_len;

/* How many times vq_wait_n's BENCH_POLLS polls are tried before a request
 * counts as unanswered: 100,000,000 polls are a fraction of a second in
 * native ring 3, too short a bound for a busy host's I/O thread. */
#define BENCH_WAITS 50

void blk_bench_options(const char *cmd, size_t cmdlen)
{
	size_t len;
	const char *w = find_option(cmd, cmdlen, "virtiobenchio=", &len);

	if (w) {
		const struct bench_kind *k = NULL;

		for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
			if (word_is(w, len, kinds[i].name))
				k = &kinds[i];
		if (k)
			kind = k;
		else
			put_str("virtio: error: virtiobenchio= takes seq4k, rand4k or seq64k\n");
	}
	w = find_option(cmd, cmdlen, "virtiobenchring=", &len);
	if (w && word_is(w, len, "3"))
		bench_ring = 3;
	else if (w && !word_is(w, len, "0"))
		put_str("virtio: error: virtiobenchring= takes 0 or 3\n");
}

/* xorshift64 (Marsaglia 2003): a fixed seed, so every VMM reads the same
 * sequence of blocks. */
static uint64_t rand_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* One read (5.2.6, the layout of blk_request): header, data, status. */
static int bench_read(struct vq *q, uint64_t sector, uint32_t bytes)
{
	struct {
		uint32_t type, reserved;
		uint64_t sector;
	} *h = (void *)q->buf;
	volatile uint8_t *status = q->buf + sizeof(*h);
	struct vbuf b[3] = {
		{ (uintptr_t)h, sizeof(*h), false },
		{ (uintptr_t)bench_data, bytes, true },
		{ (uintptr_t)status, 1, true },
	};
	unsigned w;

	h->type = VIRTIO_BLK_T_IN;
	h->reserved = 0;
	h->sector = sector;
	*status = 0xff;
	vq_post(q, 0, b, 3);
	for (w = 0; w < BENCH_WAITS && !vq_wait_n(bench_dev, q, &bench_id, &bench_len, BENCH_POLLS); w++)
		;
	if (w == BENCH_WAITS)
		return -1;
	/* 2.7.8: used len counts the bytes written, data then status. */
	if (bench_id != 0 || bench_len < 1 || bench_len > bytes + 1)
		return -3;
	return *status;
}

/* The loop, in whichever ring: sequential kinds walk the disk and wrap,
 * rand4k picks 4 KiB-aligned blocks. */
static void bench_loop(void)
{
	struct vq *q = &bench_dev->vq[0];
	uint32_t per = kind->bytes / BLK_SECTOR;
	uint64_t blocks = bench_sectors / per, seed = 0x9e3779b97f4a7c15ULL;

	for (bench_done = 0; bench_done < bench_requests; bench_done++) {
		uint64_t blk = kind->random ? rand_next(&seed) % blocks : bench_done % blocks;

		bench_status = bench_read(q, blk * per, kind->bytes);
		if (bench_status != 0)
			return;
	}
}

static __attribute__((noreturn)) void bench_loop_ring3(void)
{
	bench_loop();
	ring3_return();
}

void blk_bench(struct vdev *d, uint64_t sectors)
{
	extern char _end[];

	if (sectors < kind->bytes / BLK_SECTOR) {
		put_str("virtio-blk: error: bench needs a disk of at least ");
		put_dec(kind->bytes);
		put_str(" bytes\n");
		return;
	}
	bench_dev = d;
	bench_sectors = sectors;
	if (bench_ring == 3) {
		/* Ring 3 touches the image (code, the rings, the buffers, the
		 * driver's tables: all between guest_main's page and _end)
		 * and the notification register. */
		ring3_allow((uintptr_t)guest_main, (uintptr_t)_end - (uintptr_t)guest_main);
		ring3_allow(d->vq[0].notify, 4);
		ring3_call(bench_loop_ring3);
	} else {
		bench_loop();
	}
	if (bench_status != 0) {
		put_str("virtio-blk: error: bench read ");
		put_dec(bench_done);
		if (bench_status == -1) {
			put_str(": no answer\n");
		} else if (bench_status == -3) {
			put_str(": used element id=");
			put_dec(bench_id);
			put_str(" len=");
			put_dec(bench_len);
			put_char('\n');
		} else {
			put_str(" status=");
			put_dec((uint64_t)bench_status);
			put_char('\n');
		}
		return;
	}
	put_str("virtio-blk: bench ");
	put_dec(bench_requests);
	put_str(" reads of ");
	put_dec(kind->bytes);
	put_str(" bytes ok");
	if (kind != &kinds[0] || bench_ring) {
		put_str(" (");
		put_str(kind->name);
		put_str(", ring ");
		put_dec(bench_ring);
		put_char(')');
	}
	put_char('\n');
}
