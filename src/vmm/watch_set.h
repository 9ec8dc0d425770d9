/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The bookkeeping behind memory-protection watchpoints, free of KVM so the
 * unit tests can drive it: the list of watched guest-physical ranges, the
 * page runs they protect (merged, the strictest protection winning where
 * ranges share a page), the memory slots that layout asks of KVM, and the
 * check of one access against the watches. Not thread-safe: the caller
 * (vmm/watchpoint.c) holds its lock. */
#ifndef HVMON_WATCH_SET_H
#define HVMON_WATCH_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/breakpoint.h"
#include "vmm/guest_mem.h"

#define WATCH_PAGE      ((uint64_t)4096)
#define WATCH_MAX_LEN   ((uint64_t)64 << 20)   /* one watch covers at most 64 MiB */

/* How a page is mapped into the guest. */
enum watch_page_mode {
	WPAGE_NORMAL,    /* plain RAM slot: no exits */
	WPAGE_READONLY,  /* KVM_MEM_READONLY slot: writes exit */
	WPAGE_ABSENT,    /* no slot: reads and writes exit */
};

struct watch {
	int id;
	uint64_t gpa;
	uint64_t len;
	int kind;               /* enum watch_kind (vmm/watchpoint.h) */
	unsigned long hits;     /* stops (gdb's hit count with a condition) */
	unsigned long exits;    /* guest accesses to its pages hvmon completed */
	unsigned long dma_hits; /* device writes that touched it */
	char where[96];         /* as the user gave it ("counter", "0x1000") */
	/* As a breakpoint's (breakpoint.h): a vCPU's hit on a watch with
	 * either is decided by the monitor; a device's write always stops. */
	char cond[BP_COND_MAX];
	unsigned long ignore;
};

/* Pages [first, first + count) (page numbers) mapped as mode. */
struct watch_run {
	uint64_t first;
	uint64_t count;
	enum watch_page_mode mode;
};

struct watch_set {
	struct watch *w;
	int n, cap;
	struct watch_run *run;  /* sorted, disjoint, never adjacent with one mode */
	int nrun;
};

/* One memory slot: [gpa, gpa + size) backed by hva. */
struct watch_slot {
	uint64_t gpa;
	uint64_t size;
	uint8_t *hva;
	bool readonly;
};

/* What a watch of kind costs its pages: writes-only watches need only
 * read-only pages; reads need the page gone from the guest. */
enum watch_page_mode watch_kind_mode(int kind);

void ws_free(struct watch_set *ws);
/* Append a watch and rebuild the runs; its index, or -1 when out of
 * memory. The caller has checked the range (ws_check_range). */
int ws_add(struct watch_set *ws, int id, uint64_t gpa, uint64_t len, int kind, const char *where);
/* Remove the watch at index i and rebuild the runs. */
void ws_remove_at(struct watch_set *ws, int i);
/* Index of the watch with that id / exactly that range and kind, or -1. */
int ws_find_id(const struct watch_set *ws, int id);
int ws_find(const struct watch_set *ws, uint64_t gpa, uint64_t len, int kind);
/* NULL when [gpa, gpa + len) may be watched in m, else why not. */
const char *ws_check_range(const struct guest_mem *m, uint64_t gpa, uint64_t len);

/* The run holding guest-physical gpa, or NULL (binary search). */
const struct watch_run *ws_run_at(const struct watch_set *ws, uint64_t gpa);

/* Lay the RAM regions out as slots with the runs protected, except pages
 * [keep_first, keep_first + keep_count), which stay normal (an instruction
 * being fetched from a read-watched page). Returns the number of slots, or
 * -1 when more than max would be needed. */
int ws_layout(const struct watch_set *ws, const struct gmem_region *regions, int nregions,
	      uint64_t keep_first, uint64_t keep_count, struct watch_slot *out, int max);

/* One guest access of len bytes at gpa that hvmon completes: every watch
 * with a page under it counts an exit; the result is the index of the
 * first watch whose bytes it touched with a matching kind, or -1. */
int ws_access(struct watch_set *ws, uint64_t gpa, unsigned len, bool is_write);
/* Count an exit on gpa's page that was no data access (an instruction
 * fetched from it, stepped) for every watch with that page. */
void ws_count_page(struct watch_set *ws, uint64_t gpa);
/* A device wrote [gpa, gpa + len): the first watch for writes (or any
 * access) whose bytes it touched, or -1. */
int ws_dma_hit(const struct watch_set *ws, uint64_t gpa, uint64_t len);

#endif
