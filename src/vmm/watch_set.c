// SPDX-License-Identifier: GPL-3.0-or-later
#include "vmm/watch_set.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/watchpoint.h"

enum watch_page_mode watch_kind_mode(int kind)
{
	return kind == WATCH_WRITE ? WPAGE_READONLY : WPAGE_ABSENT;
}

void ws_free(struct watch_set *ws)
{
	free(ws->w);
	free(ws->run);
	memset(ws, 0, sizeof(*ws));
}

/* Page-number boundaries where a watch's protection starts or ends. */
struct edge {
	uint64_t page;
	int readonly;   /* +1 / -1 */
	int absent;
};

static int edge_cmp(const void *a, const void *b)
{
	const struct edge *x = a, *y = b;
	return x->page < y->page ? -1 : x->page > y->page;
}

/* Sweep the watches' page intervals in order: where any watch needs the
 * page gone it is absent, else where any needs it read-only it is. Runs
 * of one mode that touch are merged, so a KVM slot covers each. */
static int ws_rebuild(struct watch_set *ws)
{
	free(ws->run);
	ws->run = NULL;
	ws->nrun = 0;
	if (!ws->n)
		return 0;
	struct edge *e = malloc(sizeof(*e) * 2 * (size_t)ws->n);
	struct watch_run *run = malloc(sizeof(*run) * 2 * (size_t)ws->n);
	if (!e || !run) {
		free(e);
		free(run);
		return -1;
	}
	for (int i = 0; i < ws->n; i++) {
		const struct watch *w = &ws->w[i];
		bool ro = watch_kind_mode(w->kind) == WPAGE_READONLY;
		e[2 * i] = (struct edge){ w->gpa / WATCH_PAGE, ro ? 1 : 0, ro ? 0 : 1 };
		e[2 * i + 1] = (struct edge){ (w->gpa + w->len - 1) / WATCH_PAGE + 1,
					      ro ? -1 : 0, ro ? 0 : -1 };
	}
	qsort(e, 2 * (size_t)ws->n, sizeof(*e), edge_cmp);
	int ro = 0, ab = 0, nrun = 0;
	for (int i = 0; i < 2 * ws->n; i++) {
		ro += e[i].readonly;
		ab += e[i].absent;
		if (i + 1 < 2 * ws->n && e[i + 1].page == e[i].page)
			continue;   /* apply every edge at this page first */
		if (i + 1 == 2 * ws->n || (!ro && !ab))
			continue;
		enum watch_page_mode mode = ab ? WPAGE_ABSENT : WPAGE_READONLY;
		uint64_t first = e[i].page, count = e[i + 1].page - e[i].page;
		if (nrun && run[nrun - 1].mode == mode &&
		    run[nrun - 1].first + run[nrun - 1].count == first)
			run[nrun - 1].count += count;
		else
			run[nrun++] = (struct watch_run){ first, count, mode };
	}
	free(e);
	ws->run = run;
	ws->nrun = nrun;
	return 0;
}

int ws_add(struct watch_set *ws, int id, uint64_t gpa, uint64_t len, int kind, const char *where)
{
	if (ws->n == ws->cap) {
		int cap = ws->cap ? 2 * ws->cap : 16;
		struct watch *w = realloc(ws->w, sizeof(*w) * (size_t)cap);
		if (!w)
			return -1;
		ws->w = w;
		ws->cap = cap;
	}
	struct watch *w = &ws->w[ws->n++];
	*w = (struct watch){ .id = id, .gpa = gpa, .len = len, .kind = kind };
	snprintf(w->where, sizeof(w->where), "%s", where ? where : "");
	if (ws_rebuild(ws) < 0) {
		ws->n--;
		ws_rebuild(ws);
		return -1;
	}
	return ws->n - 1;
}

void ws_remove_at(struct watch_set *ws, int i)
{
	if (i < 0 || i >= ws->n)
		return;
	memmove(&ws->w[i], &ws->w[i + 1], sizeof(ws->w[0]) * (size_t)(ws->n - i - 1));
	ws->n--;
	/* Fewer watches need no more memory than before; on the impossible
	 * failure the runs are simply gone (the pages read normal). */
	ws_rebuild(ws);
}

int ws_find_id(const struct watch_set *ws, int id)
{
	for (int i = 0; i < ws->n; i++)
		if (ws->w[i].id == id)
			return i;
	return -1;
}

int ws_find(const struct watch_set *ws, uint64_t gpa, uint64_t len, int kind)
{
	for (int i = 0; i < ws->n; i++)
		if (ws->w[i].gpa == gpa && ws->w[i].len == len && ws->w[i].kind == kind)
			return i;
	return -1;
}

const char *ws_check_range(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	if (len == 0)
		return "the length is 0";
	if (len > WATCH_MAX_LEN)
		return "longer than 64 MiB";
	/* Pages are slotted region by region: the range must be RAM, in one
	 * region (gmem_ptr checks without overflow). */
	if (!gmem_ptr(m, gpa, len))
		return "not guest RAM";
	return NULL;
}

const struct watch_run *ws_run_at(const struct watch_set *ws, uint64_t gpa)
{
	uint64_t page = gpa / WATCH_PAGE;
	int lo = 0, hi = ws->nrun;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		const struct watch_run *r = &ws->run[mid];
		if (page < r->first)
			hi = mid;
		else if (page - r->first >= r->count)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

/* Append a slot for [gpa, end) of region r; false when out would overflow. */
static bool put_slot(struct watch_slot *out, int *n, int max, const struct gmem_region *r,
		     uint64_t gpa, uint64_t end, bool readonly)
{
	if (end <= gpa)
		return true;
	if (*n == max)
		return false;
	out[(*n)++] = (struct watch_slot){ .gpa = gpa, .size = end - gpa,
					   .hva = r->hva + (gpa - r->gpa), .readonly = readonly };
	return true;
}

int ws_layout(const struct watch_set *ws, const struct gmem_region *regions, int nregions,
	      uint64_t keep_first, uint64_t keep_count, struct watch_slot *out, int max)
{
	int n = 0;
	uint64_t keep_lo = keep_first * WATCH_PAGE, keep_hi = (keep_first + keep_count) * WATCH_PAGE;
	for (int i = 0; i < nregions; i++) {
		const struct gmem_region *r = &regions[i];
		uint64_t end = r->gpa + r->size;
		uint64_t at = r->gpa;            /* start of the pending normal slot */
		for (int k = 0; k < ws->nrun; k++) {
			uint64_t lo = ws->run[k].first * WATCH_PAGE;
			uint64_t hi = lo + ws->run[k].count * WATCH_PAGE;
			if (hi <= r->gpa || lo >= end)
				continue;
			if (lo < r->gpa)
				lo = r->gpa;
			if (hi > end)
				hi = end;
			/* The protected piece, minus the pages kept normal. */
			uint64_t piece[2][2] = { { lo, hi }, { 0, 0 } };
			if (keep_count && keep_lo < hi && keep_hi > lo) {
				piece[0][1] = keep_lo > lo ? keep_lo : lo;
				piece[1][0] = keep_hi < hi ? keep_hi : hi;
				piece[1][1] = hi;
			}
			for (int p = 0; p < 2; p++) {
				if (piece[p][1] <= piece[p][0])
					continue;
				if (ws->run[k].mode == WPAGE_READONLY) {
					if (!put_slot(out, &n, max, r, at, piece[p][0], false) ||
					    !put_slot(out, &n, max, r, piece[p][0], piece[p][1], true))
						return -1;
				} else if (!put_slot(out, &n, max, r, at, piece[p][0], false)) {
					return -1;
				}
				at = piece[p][1];
			}
		}
		if (!put_slot(out, &n, max, r, at, end, false))
			return -1;
	}
	return n;
}

int ws_access(struct watch_set *ws, uint64_t gpa, unsigned len, bool is_write)
{
	uint64_t page = gpa / WATCH_PAGE;
	int hit = -1;
	for (int i = 0; i < ws->n; i++) {
		struct watch *w = &ws->w[i];
		uint64_t first = w->gpa / WATCH_PAGE, last = (w->gpa + w->len - 1) / WATCH_PAGE;
		if (page < first || page > last)
			continue;
		w->exits++;
		bool kind_ok = w->kind == WATCH_ACCESS || (w->kind == WATCH_WRITE) == is_write;
		if (hit < 0 && kind_ok && gpa < w->gpa + w->len && w->gpa < gpa + len)
			hit = i;
	}
	return hit;
}

void ws_count_page(struct watch_set *ws, uint64_t gpa)
{
	uint64_t page = gpa / WATCH_PAGE;
	for (int i = 0; i < ws->n; i++) {
		struct watch *w = &ws->w[i];
		if (page >= w->gpa / WATCH_PAGE && page <= (w->gpa + w->len - 1) / WATCH_PAGE)
			w->exits++;
	}
}

int ws_dma_hit(const struct watch_set *ws, uint64_t gpa, uint64_t len)
{
	for (int i = 0; i < ws->n; i++) {
		const struct watch *w = &ws->w[i];
		if (w->kind != WATCH_READ && gpa < w->gpa + w->len && w->gpa < gpa + len)
			return i;
	}
	return -1;
}
