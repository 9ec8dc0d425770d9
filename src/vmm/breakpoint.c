// SPDX-License-Identifier: GPL-3.0-or-later
#include "vmm/breakpoint.h"

#include <stdio.h>
#include <string.h>

#include "vmm/image_map.h"
#include "vmm/vcpu.h"
#include "vmm/vcpu_mem.h"

int bp_add(struct bp_table *t, uint64_t gva, bool temporary, const char *where, int *existing)
{
	struct breakpoint *dup = bp_find_gva(t, gva);
	if (dup) {
		if (existing)
			*existing = dup->id;
		return -1;
	}
	for (int i = 0; i < BP_MAX; i++) {
		struct breakpoint *b = &t->bp[i];
		if (b->id)
			continue;
		memset(b, 0, sizeof(*b));
		b->id = ++t->next_id;
		b->gva = gva;
		b->temporary = temporary;
		snprintf(b->where, sizeof(b->where), "%s", where);
		return b->id;
	}
	if (existing)
		*existing = 0;
	return -1;
}

bool bp_rule(struct bp_table *t, int id, struct bp_rule_ref *r)
{
	for (int i = 0; i < BP_MAX && id; i++) {
		struct breakpoint *b = &t->bp[i];
		if (b->id == id) {
			*r = (struct bp_rule_ref){ b->cond, &b->hits, &b->ignore };
			return true;
		}
	}
	for (int i = 0; i < HWBP_MAX && id; i++) {
		struct hw_breakpoint *h = &t->hw[i];
		if (h->id == id) {
			*r = (struct bp_rule_ref){ h->cond, &h->hits, &h->ignore };
			return true;
		}
	}
	return false;
}

bool bp_rule_checked(const char *cond, unsigned long ignore)
{
	return cond[0] || ignore;
}

bool bp_delete(struct bp_table *t, int id)
{
	for (int i = 0; i < BP_MAX; i++) {
		if (t->bp[i].id == id && id) {
			t->bp[i].id = 0;
			return true;
		}
	}
	for (int i = 0; i < HWBP_MAX; i++) {
		if (t->hw[i].id == id && id) {
			t->hw[i].id = 0;
			t->hw_generation++;
			return true;
		}
	}
	return false;
}

void bp_delete_all(struct bp_table *t)
{
	for (int i = 0; i < BP_MAX; i++)
		t->bp[i].id = 0;
	for (int i = 0; i < HWBP_MAX; i++)
		t->hw[i].id = 0;
	t->hw_generation++;
}

int hwbp_add(struct bp_table *t, uint64_t addr, enum hwbp_kind kind, unsigned len, int max)
{
	for (int i = 0; i < HWBP_MAX && i < max; i++) {
		if (t->hw[i].id)
			continue;
		t->hw[i] = (struct hw_breakpoint){ .id = ++t->next_id, .addr = addr,
						   .kind = kind, .len = len };
		t->hw_generation++;
		return t->hw[i].id;
	}
	return -1;
}

struct hw_breakpoint *hwbp_from_dr6(struct bp_table *t, uint64_t dr6)
{
	for (int i = 0; i < HWBP_MAX; i++)
		if (t->hw[i].id && (dr6 & (1u << i)))
			return &t->hw[i];
	return NULL;
}

struct hw_breakpoint *hwbp_exec_at(struct bp_table *t, uint64_t gva)
{
	for (int i = 0; i < HWBP_MAX; i++)
		if (t->hw[i].id && t->hw[i].kind == HWBP_EXEC && t->hw[i].addr == gva)
			return &t->hw[i];
	return NULL;
}

bool hwbp_any(const struct bp_table *t)
{
	for (int i = 0; i < HWBP_MAX; i++)
		if (t->hw[i].id)
			return true;
	return false;
}

void bp_delete_temporary(struct bp_table *t)
{
	for (int i = 0; i < BP_MAX; i++)
		if (t->bp[i].temporary)
			t->bp[i].id = 0;
}

struct breakpoint *bp_find_gva(struct bp_table *t, uint64_t gva)
{
	for (int i = 0; i < BP_MAX; i++)
		if (t->bp[i].id && t->bp[i].gva == gva)
			return &t->bp[i];
	return NULL;
}

bool bp_any(const struct bp_table *t)
{
	for (int i = 0; i < BP_MAX; i++)
		if (t->bp[i].id)
			return true;
	return false;
}

/* Where the loader put the kernel byte that virtual address gva names, if
 * gva lies in a loaded segment. */
static bool bp_image_gpa(const struct vm *vm, uint64_t gva, uint64_t *gpa)
{
	for (int i = 0; i < vm->nimage_maps; i++) {
		const struct image_map *m = &vm->image_map[i];
		if (gva >= m->vaddr && gva - m->vaddr < m->size) {
			*gpa = m->paddr + (gva - m->vaddr);
			return true;
		}
	}
	return false;
}

/* The guest-physical byte b's address names now: through v's page
 * tables, or before the kernel has built them (a breakpoint on
 * start_kernel set at the PVH entry) through the ELF's own placement of
 * its segments. False when neither gives RAM. */
static bool bp_resolve(struct vm *vm, struct vcpu *v, const struct breakpoint *b, uint64_t *gpa)
{
	if (vcpu_translate(v, b->gva, gpa) == 0 && gmem_ptr(&vm->mem, *gpa, 1))
		return true;
	return bp_image_gpa(vm, b->gva, gpa) && gmem_ptr(&vm->mem, *gpa, 1);
}

void bp_plant_all(struct vm *vm, struct vcpu *v)
{
	struct bp_table *t = &vm->bps;
	/* Planting twice would save our own int3 as the guest's byte. */
	if (t->planted)
		return;
	for (int i = 0; i < BP_MAX; i++) {
		struct breakpoint *b = &t->bp[i];
		b->planted = false;
		b->unplanted_why = NULL;
		if (!b->id)
			continue;
		uint64_t gpa;
		if (!bp_resolve(vm, v, b, &gpa)) {
			b->unplanted_why = "address not mapped to guest RAM";
			continue;
		}
		uint8_t *p = gmem_ptr(&vm->mem, gpa, 1);
		/* Two breakpoints can alias one physical byte through different
		 * mappings: plant it once, so lifting restores the original. */
		bool shared = false;
		for (int j = 0; j < i; j++)
			shared |= t->bp[j].id && t->bp[j].planted && t->bp[j].gpa == gpa;
		b->gpa = gpa;
		if (!shared) {
			b->saved = *p;
			*p = BP_INT3;
		}
		b->planted = !shared;
	}
	t->planted = true;
}

void bp_lift_all(struct vm *vm)
{
	struct bp_table *t = &vm->bps;
	if (!t->planted)
		return;
	/* Reverse order, so aliases planted later are undone first. */
	for (int i = BP_MAX - 1; i >= 0; i--) {
		struct breakpoint *b = &t->bp[i];
		if (!b->planted)
			continue;
		uint8_t *p = gmem_ptr(&vm->mem, b->gpa, 1);
		if (p && *p == BP_INT3)
			*p = b->saved;
		b->planted = false;
	}
	t->planted = false;
}

struct breakpoint *bp_planted_at(struct vm *vm, struct vcpu *v, uint64_t la)
{
	struct bp_table *t = &vm->bps;
	uint64_t gpa;

	if (!t->planted)
		return NULL;
	struct breakpoint *b = bp_find_gva(t, la);
	/* One that failed to plant has no int3 there: a trap at its address
	 * is the guest's own. */
	if (b && !b->unplanted_why)
		return b;
	if (vcpu_translate(v, la, &gpa) < 0)
		return NULL;
	for (int i = 0; i < BP_MAX; i++)
		if (t->bp[i].id && !t->bp[i].unplanted_why && t->bp[i].gpa == gpa)
			return &t->bp[i];
	return NULL;
}

struct breakpoint *bp_at(struct vm *vm, struct vcpu *v, uint64_t la)
{
	struct bp_table *t = &vm->bps;
	uint64_t here, there;

	struct breakpoint *b = bp_find_gva(t, la);
	if (b || vcpu_translate(v, la, &here) < 0)
		return b;
	for (int i = 0; i < BP_MAX; i++)
		if (t->bp[i].id && bp_resolve(vm, v, &t->bp[i], &there) && there == here)
			return &t->bp[i];
	return NULL;
}

/* DR7 (SDM vol. 3B 18.2.4): per slot i a global-enable bit G(i) at 2i+1,
 * R/W(i) at 16+4i and LEN(i) at 18+4i (00 = 1 byte, 01 = 2, 11 = 4,
 * 10 = 8). Instruction breakpoints must use R/W 00 and LEN 00. */
uint64_t hwbp_dr7(const struct bp_table *t)
{
	uint64_t dr7 = 0;
	for (int i = 0; i < HWBP_MAX; i++) {
		const struct hw_breakpoint *h = &t->hw[i];
		if (!h->id)
			continue;
		unsigned len = h->len == 2 ? 1 : h->len == 4 ? 3 : h->len == 8 ? 2 : 0;
		dr7 |= 2ULL << (2 * i);
		dr7 |= (uint64_t)h->kind << (16 + 4 * i);
		dr7 |= (uint64_t)(h->kind == HWBP_EXEC ? 0 : len) << (18 + 4 * i);
	}
	return dr7;
}
