/* SPDX-License-Identifier: GPL-3.0-or-later */
/* virtio-blk over a raw image (virtio 1.2, section 5.2): `--disk
 * FILE[,ro][,id=NAME]`.
 *
 * Life cycle, for the machine:
 *   b = virtio_blk_new(path, ro, id, err, sizeof(err));     // opens FILE
 *   d = virtio_blk_realize(b, &vm->mem);                     // the core device
 *   virtio_blk_set_iothread(b, io);                          // optional
 *   ... hand d to a transport (virtio_dev_set_transport) ...
 *   virtio_blk_free(b);      // after vCPUs and the I/O thread stopped;
 *                            // frees d too
 * A machine that builds its virtio_dev itself uses virtio_blk_get_ops
 * (opaque = b) and virtio_blk_attach instead of virtio_blk_realize.
 *
 * Requests are served synchronously (preadv/pwritev straight into the
 * guest's buffers, fdatasync for FLUSH before the status says OK). With an
 * I/O thread set, a notification that arrives on any other thread (a vCPU's
 * register write, the DRIVER_OK write) is handed to the I/O thread through
 * an eventfd, so vCPU threads never wait for the disk; one that arrives on
 * the I/O thread (ioeventfd) is served there directly. Without one, every
 * notification is served on the thread that delivered it (unit tests). */
#ifndef HVMON_DEV_VIRTIO_VIRTIO_BLK_H
#define HVMON_DEV_VIRTIO_VIRTIO_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dev/virtio/virtio_dev.h"
#include "vmm/guest_mem.h"
#include "vmm/iothread.h"

/* 5.2.3 feature bits. */
#define VIRTIO_BLK_F_SIZE_MAX     1
#define VIRTIO_BLK_F_SEG_MAX      2
#define VIRTIO_BLK_F_RO           5
#define VIRTIO_BLK_F_BLK_SIZE     6
#define VIRTIO_BLK_F_FLUSH        9
#define VIRTIO_BLK_F_DISCARD      13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

/* 5.2.6 request types and statuses. */
#define VIRTIO_BLK_T_IN           0
#define VIRTIO_BLK_T_OUT          1
#define VIRTIO_BLK_T_FLUSH        4
#define VIRTIO_BLK_T_GET_ID       8
#define VIRTIO_BLK_T_DISCARD      11
#define VIRTIO_BLK_T_WRITE_ZEROES 13

#define VIRTIO_BLK_S_OK     0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2

/* 5.2.6: flags of a discard / write-zeroes segment. */
#define VIRTIO_BLK_WZ_F_UNMAP 1u

#define VIRTIO_BLK_ID_BYTES 20     /* GET_ID: NUL-padded, no NUL at 20 */

/* What this device offers (5.2.4 config values). */
#define VIRTIO_BLK_QUEUE_SIZE     256
#define VIRTIO_BLK_SEG_MAX        (VIRTIO_BLK_QUEUE_SIZE - 2)  /* + header, status */
#define VIRTIO_BLK_SIZE_MAX       (1u << 20)     /* bytes per data segment */
#define VIRTIO_BLK_MAX_DATA       ((uint64_t)VIRTIO_BLK_SEG_MAX * VIRTIO_BLK_SIZE_MAX)
#define VIRTIO_BLK_MAX_DISCARD_SECTORS  (1u << 22)   /* 2 GiB a segment */
#define VIRTIO_BLK_MAX_DISCARD_SEG      32
#define VIRTIO_BLK_DISCARD_ALIGNMENT    8            /* sectors: 4 KiB */
#define VIRTIO_BLK_MAX_WZ_SECTORS       (1u << 22)
#define VIRTIO_BLK_MAX_WZ_SEG           32

/* 5.2.4: struct virtio_blk_config through unused1; later fields belong to
 * features not offered. Offsets of the fields we fill. */
#define VIRTIO_BLK_CFG_CAPACITY        0
#define VIRTIO_BLK_CFG_SIZE_MAX        8
#define VIRTIO_BLK_CFG_SEG_MAX         12
#define VIRTIO_BLK_CFG_BLK_SIZE        20
#define VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS 36
#define VIRTIO_BLK_CFG_MAX_DISCARD_SEG     40
#define VIRTIO_BLK_CFG_DISCARD_ALIGNMENT   44
#define VIRTIO_BLK_CFG_MAX_WZ_SECTORS      48
#define VIRTIO_BLK_CFG_MAX_WZ_SEG          52
#define VIRTIO_BLK_CFG_WZ_MAY_UNMAP        56
#define VIRTIO_BLK_CONFIG_SIZE             60

struct virtio_blk;

/* Open path as a raw image (see blk_backend_open: O_RDWR, or O_RDONLY
 * when readonly; O_CLOEXEC; locked; sizes that are not a multiple of 512
 * are refused). id: the GET_ID string, at most 20 printable ASCII
 * characters; NULL or "" answers GET_ID with 20 NUL bytes. NULL with a
 * one-line reason in err. */
struct virtio_blk *virtio_blk_new(const char *path, bool readonly,
				  const char *id, char *err, size_t errlen);

/* The core device over guest RAM mem (which must outlive it), owned by b.
 * NULL on allocation failure. Call once. */
struct virtio_dev *virtio_blk_realize(struct virtio_blk *b,
				      const struct guest_mem *mem);

/* The pieces virtio_blk_realize uses: ops for virtio_dev_new (opaque is
 * b), then attach the device made from them (b does not own it then). */
void virtio_blk_get_ops(const struct virtio_blk *b, struct virtio_dev_ops *ops);
void virtio_blk_attach(struct virtio_blk *b, struct virtio_dev *d);

/* Serve requests on t from now on (see above). 0 or -errno. */
int virtio_blk_set_iothread(struct virtio_blk *b, struct iothread *t);

/* Capacity in 512-byte sectors (5.2.4 capacity). */
uint64_t virtio_blk_capacity(const struct virtio_blk *b);

void virtio_blk_free(struct virtio_blk *b);

#endif
