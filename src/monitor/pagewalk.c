// SPDX-License-Identifier: GPL-3.0-or-later
/* Page-table walk per Intel SDM vol. 3A, chapter 4. Table numbers are those
 * of the SDM revisions that describe 5-level paging (PML5E is Table 4-14). */
#include "monitor/pagewalk.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define CR0_PG (1ULL << 31)
#define CR4_PSE (1ULL << 4)
#define CR4_PAE (1ULL << 5)
#define CR4_LA57 (1ULL << 12)
#define EFER_LME (1ULL << 8)
#define EFER_NXE (1ULL << 11)

#define PTE_P (1ULL << 0)
#define PTE_RW (1ULL << 1)
#define PTE_US (1ULL << 2)
#define PTE_PS (1ULL << 7)
#define PTE_XD (1ULL << 63)

#define SIZE_4K (1ULL << 12)
#define SIZE_2M (1ULL << 21)
#define SIZE_4M (1ULL << 22)
#define SIZE_1G (1ULL << 30)

/* Bits hi:lo set. */
#define BITS(hi, lo) ((~0ULL >> (63 - (hi))) & ~((1ULL << (lo)) - 1))

/* The physical-address field of a 64-bit entry, bits 51:12. The guest's
 * MAXPHYADDR (SDM vol. 3A, 4.1.4) is not known here, so bits 51:M are taken
 * as address rather than checked as reserved: such an entry points outside
 * guest RAM, and the read of the next level reports that. */
#define ADDR_MASK_64 BITS(51, 12)

/* How one level of a paging mode is laid out and checked. */
struct level_rule {
	const char *name;
	unsigned shift;		/* lowest linear-address bit indexing this level */
	unsigned index_bits;
	uint64_t rsvd;		/* must-be-zero bits of any entry here */
	uint64_t large_size;	/* page mapped when PS = 1, or 0: PS is not a size bit */
	uint64_t large_rsvd;	/* further must-be-zero bits when PS = 1 */
	bool sets_rights;	/* R/W, U/S and XD exist in this entry */
	bool is_pte;		/* the last level: always maps a 4-KByte page */
};

/* 32-bit paging, SDM vol. 3A, 4.3: 4-byte entries. A 4-MByte PDE (Table 4-4)
 * holds address bits 39:32 in bits 20:13 (PSE-36) and reserves bit 21. */
static const struct level_rule rules_32bit[] = {
	{ "PDE", 22, 10, 0, SIZE_4M, 1ULL << 21, true, false },
	{ "PTE", 12, 10, 0, 0, 0, true, true },
};

/* PAE paging, SDM vol. 3A, 4.4. A PDPTE (Table 4-8) reserves bits 2:1, 8:5
 * and 63:M and carries no access rights (4.6.1). PDEs and PTEs (Tables 4-9
 * to 4-11) reserve bits 62:M; a 2-MByte PDE also bits 20:13. */
static const struct level_rule rules_pae[] = {
	{ "PDPTE", 30, 2, BITS(2, 1) | BITS(8, 5) | BITS(63, 52), 0, 0, false, false },
	{ "PDE", 21, 9, BITS(62, 52), SIZE_2M, BITS(20, 13), true, false },
	{ "PTE", 12, 9, BITS(62, 52), 0, 0, true, true },
};

/* 4-level and 5-level paging, SDM vol. 3A, 4.5: PML5Es and PML4Es reserve
 * bit 7 (Tables 4-14, 4-15); a 1-GByte PDPTE reserves bits 29:13 (Table
 * 4-16), a 2-MByte PDE bits 20:13 (Table 4-18). Bits 62:52 are ignored or a
 * protection key. 4-level paging starts at the PML4E. */
static const struct level_rule rules_long[] = {
	{ "PML5E", 48, 9, PTE_PS, 0, 0, true, false },
	{ "PML4E", 39, 9, PTE_PS, 0, 0, true, false },
	{ "PDPTE", 30, 9, 0, SIZE_1G, BITS(29, 13), true, false },
	{ "PDE", 21, 9, 0, SIZE_2M, BITS(20, 13), true, false },
	{ "PTE", 12, 9, 0, 0, 0, true, true },
};

enum paging_mode pagewalk_mode(const struct paging_state *ps)
{
	if (!(ps->cr0 & CR0_PG))
		return PAGING_OFF;
	if (!(ps->cr4 & CR4_PAE))
		return PAGING_32BIT;
	if (!(ps->efer & EFER_LME))
		return PAGING_PAE;
	return ps->cr4 & CR4_LA57 ? PAGING_5LEVEL : PAGING_4LEVEL;
}

const char *pagewalk_mode_name(enum paging_mode mode)
{
	switch (mode) {
	case PAGING_OFF:
		return "paging off";
	case PAGING_32BIT:
		return "32-bit";
	case PAGING_PAE:
		return "PAE";
	case PAGING_4LEVEL:
		return "4-level";
	case PAGING_5LEVEL:
		return "5-level";
	}
	return "unknown";
}

static int fail(struct walk_result *r, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct walk_result *r, int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
	r->fail_level = level;
	r->ok = false;
	/* A failed walk grants nothing. */
	r->writable = r->user = r->nx = false;
	return -1;
}

/* Linear addresses outside IA-32e mode are 32 bits wide (SDM vol. 3A, 4.1);
 * in IA-32e mode they must be canonical: bits 63:48 (63:57 with 5-level
 * paging) copy bit 47 (56) (SDM vol. 1, 3.3.7.1; vol. 3A, 4.5). */
static int check_address_width(struct walk_result *r)
{
	unsigned top;
	switch (r->mode) {
	case PAGING_4LEVEL:
		top = 47;
		break;
	case PAGING_5LEVEL:
		top = 56;
		break;
	default:
		if (r->gva >> 32)
			return fail(r, -1, "address 0x%llx is wider than 32 bits (%s%s)",
				    (unsigned long long)r->gva, pagewalk_mode_name(r->mode),
				    r->mode == PAGING_OFF ? "" : " paging");
		return 0;
	}
	uint64_t upper = r->gva >> top;
	if (upper != 0 && upper != (~0ULL >> top))
		return fail(r, -1, "non-canonical address 0x%llx (bits 63:%u must equal bit %u)",
			    (unsigned long long)r->gva, top + 1, top);
	return 0;
}

/* Where the first table sits: Tables 4-3 (32-bit), 4-7 (PAE: a 32-byte
 * aligned PDPT), 4-12 and 4-13 (4/5-level; PCID bits 11:0 ignored). */
static uint64_t root_table(const struct paging_state *ps, enum paging_mode mode)
{
	switch (mode) {
	case PAGING_32BIT:
		return ps->cr3 & BITS(31, 12);
	case PAGING_PAE:
		return ps->cr3 & BITS(31, 5);
	default:
		return ps->cr3 & ADDR_MASK_64;
	}
}

/* The first level a mode walks; every mode ends with the PTE, which always
 * maps a page, so the walk ends on a leaf or a failure. */
static const struct level_rule *first_rule(enum paging_mode mode)
{
	switch (mode) {
	case PAGING_32BIT:
		return rules_32bit;
	case PAGING_PAE:
		return rules_pae;
	case PAGING_4LEVEL:
		return rules_long + 1;
	default:
		return rules_long;
	}
}

/* Paging structures are little-endian; false when outside guest RAM. */
static bool read_entry(phys_read_fn read, void *opaque, uint64_t gpa, unsigned size,
		       uint64_t *val)
{
	uint8_t raw[8];
	if (read(opaque, gpa, raw, size) != 0)
		return false;
	*val = 0;
	for (unsigned i = size; i-- > 0;)
		*val = *val << 8 | raw[i];
	return true;
}

/* Physical address of the page a PS = 1 entry maps. */
static uint64_t large_frame(enum paging_mode mode, uint64_t e, uint64_t size)
{
	if (mode == PAGING_32BIT)
		return (e & BITS(31, 22)) | (e >> 13 & 0xff) << 32;
	return e & ADDR_MASK_64 & ~(size - 1);
}

static uint64_t table_frame(enum paging_mode mode, uint64_t e)
{
	return mode == PAGING_32BIT ? e & BITS(31, 12) : e & ADDR_MASK_64;
}

/* One entry: fills lv, updates the rights; 0 to go on, -1 on failure. */
static int visit_level(const struct paging_state *ps, const struct level_rule *rule,
		       uint64_t table, phys_read_fn read, void *opaque, struct walk_result *r)
{
	int idx = r->nlevels++;
	struct walk_level *lv = &r->level[idx];
	bool nxe = ps->efer & EFER_NXE;

	lv->name = rule->name;
	lv->table = table;
	lv->index = (unsigned)(r->gva >> rule->shift & ((1ULL << rule->index_bits) - 1));
	lv->entry_size = r->mode == PAGING_32BIT ? 4 : 8;
	lv->entry_addr = table + (uint64_t)lv->index * lv->entry_size;
	lv->read_ok = read_entry(read, opaque, lv->entry_addr, lv->entry_size, &lv->entry);
	if (!lv->read_ok)
		return fail(r, idx, "%s at 0x%llx is outside guest RAM", rule->name,
			    (unsigned long long)lv->entry_addr);
	uint64_t e = lv->entry;
	lv->present = e & PTE_P;
	/* P = 0 ends the walk with a page fault, whatever the other bits
	 * hold (4.7). */
	if (!lv->present)
		return fail(r, idx, "%s not present", rule->name);

	/* PS selects a page only where the level allows one; 32-bit paging
	 * needs CR4.PSE for it (4.3), PAE and 4/5-level ignore CR4.PSE. */
	bool large = rule->large_size && (e & PTE_PS) &&
		     (r->mode != PAGING_32BIT || (ps->cr4 & CR4_PSE));
	lv->leaf = rule->is_pte || large;
	uint64_t rsvd = rule->rsvd | (large ? rule->large_rsvd : 0);
	/* XD is reserved unless IA32_EFER.NXE = 1 (Tables 4-9 to 4-20). */
	if (r->mode != PAGING_32BIT && rule->sets_rights && !nxe)
		rsvd |= PTE_XD;
	if (e & rsvd)
		return fail(r, idx, "%s reserved bits set (0x%llx)", rule->name,
			    (unsigned long long)(e & rsvd));

	/* Access rights combine over every level (4.6.1). */
	if (rule->sets_rights) {
		r->writable = r->writable && (e & PTE_RW);
		r->user = r->user && (e & PTE_US);
		r->nx = r->nx || (nxe && (e & PTE_XD));
	}
	if (large) {
		lv->page_size = rule->large_size;
		lv->next = large_frame(r->mode, e, lv->page_size);
	} else {
		lv->page_size = lv->leaf ? SIZE_4K : 0;
		lv->next = table_frame(r->mode, e);
	}
	return 0;
}

int pagewalk(const struct paging_state *ps, uint64_t gva, phys_read_fn read, void *opaque,
	     struct walk_result *r)
{
	memset(r, 0, sizeof(*r));
	r->mode = pagewalk_mode(ps);
	r->gva = gva;
	r->fail_level = -1;
	r->writable = true;
	r->user = true;
	if (check_address_width(r))
		return -1;
	if (r->mode == PAGING_OFF) {
		r->ok = true;
		r->gpa = gva;
		return 0;
	}

	/* PAE: the CPU walks from the four PDPTE registers it loaded with CR3
	 * (4.4.1); reading the PDPT from memory shows the same unless the
	 * guest rewrote it without reloading CR3. */
	uint64_t table = root_table(ps, r->mode);
	/* A fixed number of levels: a table that points at itself (or a
	 * cycle) can be followed, never looped on. */
	for (const struct level_rule *rule = first_rule(r->mode);; rule++) {
		if (visit_level(ps, rule, table, read, opaque, r))
			return -1;
		const struct walk_level *lv = &r->level[r->nlevels - 1];
		if (lv->leaf) {
			r->ok = true;
			r->page_size = lv->page_size;
			r->gpa = lv->next | (gva & (lv->page_size - 1));
			return 0;
		}
		table = lv->next;
	}
}

int pagewalk_translate(const struct paging_state *ps, uint64_t gva, phys_read_fn read,
		       void *opaque, uint64_t *gpa)
{
	struct walk_result r;
	if (pagewalk(ps, gva, read, opaque, &r))
		return -1;
	*gpa = r.gpa;
	return 0;
}

/* Bounded appending to the caller's buffer; output past the end is dropped
 * and the buffer stays NUL-terminated. */
struct text {
	char *buf;
	size_t len, used;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct text *t, const char *fmt, ...)
{
	if (t->used + 1 >= t->len)
		return;
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(t->buf + t->used, t->len - t->used, fmt, ap);
	va_end(ap);
	if (w > 0)
		t->used = (size_t)w < t->len - t->used ? t->used + (size_t)w : t->len - 1;
}

void pagewalk_entry_flags(uint64_t e, enum pagewalk_entry_kind kind, char *out, size_t len)
{
	struct text t = { out, len, 0 };
	if (len)
		out[0] = '\0';
	if (!(e & PTE_P)) {
		put(&t, "not present");
		return;
	}
	bool page = kind != ENTRY_TABLE;
	/* Bit 7 is PAT in a PTE and PS elsewhere; a large page keeps PAT in
	 * bit 12 (Tables 4-4, 4-9, 4-16, 4-18 against 4-6, 4-11, 4-20). D and G
	 * exist only where the entry maps a page. */
	uint64_t pat_bit = kind == ENTRY_PAGE_4K ? 1ULL << 7 : kind == ENTRY_PAGE_LARGE ? 1ULL << 12 : 0;
	const struct {
		uint64_t bit;
		const char *name;
	} flags[] = {
		{ PTE_P, "P" },
		{ PTE_RW, "RW" },
		{ PTE_US, "US" },
		{ 1ULL << 3, "PWT" },
		{ 1ULL << 4, "PCD" },
		{ 1ULL << 5, "A" },
		{ page ? 1ULL << 6 : 0, "D" },
		{ kind == ENTRY_PAGE_4K ? 0 : PTE_PS, "PS" },
		{ page ? 1ULL << 8 : 0, "G" },
		{ pat_bit, "PAT" },
		{ PTE_XD, "XD" },
	};
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (e & flags[i].bit)
			put(&t, "%s%s", t.used ? " " : "", flags[i].name);
}

static const char *size_name(uint64_t size)
{
	switch (size) {
	case SIZE_4K:
		return "4K";
	case SIZE_2M:
		return "2M";
	case SIZE_4M:
		return "4M";
	default:
		return "1G";
	}
}

/* One line per entry; a failing entry gets no arrow, since the walk did
 * not follow it. */
static void format_level(const struct walk_level *lv, bool failed, struct text *t)
{
	put(t, "%s[%u] @0x%016llx = ", lv->name, lv->index, (unsigned long long)lv->entry_addr);
	if (!lv->read_ok) {
		put(t, "? (outside guest RAM)\n");
		return;
	}
	char flags[64];
	enum pagewalk_entry_kind kind = !lv->leaf ? ENTRY_TABLE :
					lv->page_size == SIZE_4K ? ENTRY_PAGE_4K : ENTRY_PAGE_LARGE;
	pagewalk_entry_flags(lv->entry, kind, flags, sizeof(flags));
	put(t, "0x%0*llx [%s]", (int)lv->entry_size * 2, (unsigned long long)lv->entry, flags);
	if (!failed && lv->leaf)
		put(t, " -> page 0x%llx (%s)", (unsigned long long)lv->next, size_name(lv->page_size));
	else if (!failed)
		put(t, " -> table 0x%llx", (unsigned long long)lv->next);
	put(t, "\n");
}

void pagewalk_format(const struct walk_result *r, char *out, size_t len)
{
	struct text t = { out, len, 0 };
	if (len)
		out[0] = '\0';
	put(&t, "gva=0x%llx mode=%s\n", (unsigned long long)r->gva, pagewalk_mode_name(r->mode));
	for (int i = 0; i < r->nlevels; i++)
		format_level(&r->level[i], i == r->fail_level, &t);
	if (!r->ok) {
		put(&t, "gva 0x%llx does not translate: %s\n", (unsigned long long)r->gva, r->error);
		put(&t, "error=%s\n", r->error);
		return;
	}
	if (r->mode == PAGING_OFF) {
		put(&t, "gva 0x%llx -> gpa 0x%llx (paging off: identity)\n",
		    (unsigned long long)r->gva, (unsigned long long)r->gpa);
	} else {
		put(&t, "gva 0x%llx -> gpa 0x%llx (%s page, %s, %s, %s)\n",
		    (unsigned long long)r->gva, (unsigned long long)r->gpa, size_name(r->page_size),
		    r->writable ? "RW" : "read-only", r->user ? "user" : "supervisor",
		    r->nx ? "no-execute" : "executable");
		put(&t, "page=%s writable=%d user=%d nx=%d\n", size_name(r->page_size),
		    r->writable, r->user, r->nx);
	}
	put(&t, "gpa=0x%llx\n", (unsigned long long)r->gpa);
}
