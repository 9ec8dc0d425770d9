// SPDX-License-Identifier: GPL-3.0-or-later
/* Kernel types from BTF (see ktypes.h). libbpf parses and validates the
 * blob (btf__new); this file only walks what it gives. */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/lazylib.h"
#include "common/le.h"
#include "monitor/ktypes.h"

/* libbpf (and the libelf and zlib it needs) is loaded by the first
 * ktypes_open (common/lazylib.h): only a kernel with BTF needs it. Every
 * other call here takes a struct btf that ktypes_open made, so the table
 * is filled by then. */
static struct {
	__typeof__(libbpf_set_print) *set_print;
	__typeof__(btf__new) *new_;
	__typeof__(btf__free) *free;
	__typeof__(btf__type_by_id) *type_by_id;
	__typeof__(btf__name_by_offset) *name_by_offset;
	__typeof__(btf__resolve_size) *resolve_size;
	__typeof__(btf__find_by_name_kind) *find_by_name_kind;
} bpf;
static const struct lazylib_sym bpf_syms[] = {
	{ "libbpf_set_print", (void **)&bpf.set_print },
	{ "btf__new", (void **)&bpf.new_ },
	{ "btf__free", (void **)&bpf.free },
	{ "btf__type_by_id", (void **)&bpf.type_by_id },
	{ "btf__name_by_offset", (void **)&bpf.name_by_offset },
	{ "btf__resolve_size", (void **)&bpf.resolve_size },
	{ "btf__find_by_name_kind", (void **)&bpf.find_by_name_kind },
	{ NULL, NULL },
};
static struct lazylib bpf_lib = LAZYLIB("libbpf.so." LAZYLIB_STR(LIBBPF_MAJOR_VERSION),
					"libbpf" LAZYLIB_STR(LIBBPF_MAJOR_VERSION), bpf_syms);

/* Chains of typedefs and qualifiers longer than this are taken as loops. */
#define MAX_CHAIN 32
/* Most bytes print reads for one value (task_struct is about 10 KB). */
#define MAX_VALUE (1u << 20)
#define MAX_ELEMS 200
#define MAX_STRING 200

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

struct btf *ktypes_open(const void *blob, size_t size, char *err, size_t errlen)
{
	if (!lazylib_load(&bpf_lib, "the kernel's types (BTF)", err, errlen))
		return NULL;
	bpf.set_print(quiet);
	struct btf *btf = size <= UINT32_MAX ? bpf.new_(blob, (uint32_t)size) : NULL;
	if (!btf)
		snprintf(err, errlen, "the kernel's .BTF does not parse (%s)", strerror(errno));
	return btf;
}

void ktypes_close(struct btf *btf)
{
	if (btf)   /* else libbpf may not be loaded */
		bpf.free(btf);
}

static const struct btf_type *type_of(const struct btf *b, int id)
{
	return id > 0 ? bpf.type_by_id(b, (uint32_t)id) : NULL;
}

const struct btf_type *ktypes_type(const struct btf *btf, int id)
{
	return type_of(btf, id);
}

static const char *name_of(const struct btf *b, uint32_t off)
{
	const char *n = bpf.name_by_offset(b, off);
	return n ? n : "";
}

int ktypes_resolve(const struct btf *b, int id)
{
	for (int i = 0; i < MAX_CHAIN; i++) {
		const struct btf_type *t = type_of(b, id);
		if (!t || !(btf_is_typedef(t) || btf_is_mod(t)))
			return id;
		id = (int)t->type;
	}
	return 0;
}

struct ktype ktypes_of(const struct btf *b, int id)
{
	struct ktype k = { id, 0 };
	for (int i = 0; i < MAX_CHAIN; i++) {
		const struct btf_type *t = type_of(b, ktypes_resolve(b, k.id));
		if (!t || !btf_is_ptr(t))
			return k;
		k.ptr++;
		k.id = (int)t->type;
	}
	return k;
}

long long ktypes_size(const struct btf *b, struct ktype t)
{
	if (t.ptr)
		return 8;
	if (t.id == 0)
		return -1;
	__s64 s = bpf.resolve_size(b, (uint32_t)t.id);
	return s < 0 ? -1 : s;
}

/* GCC's names for C's integer types, as BTF (from DWARF) spells them. */
static bool int_name(const char *words, char *out, size_t len)
{
	int u = 0, s = 0, l = 0, sh = 0, ch = 0, in = 0, n = 0;
	char buf[160];
	if (strlen(words) >= sizeof(buf))
		return false;
	strcpy(buf, words);
	for (char *save, *w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save), n++) {
		if (!strcmp(w, "unsigned"))
			u++;
		else if (!strcmp(w, "signed"))
			s++;
		else if (!strcmp(w, "long"))
			l++;
		else if (!strcmp(w, "short"))
			sh++;
		else if (!strcmp(w, "char"))
			ch++;
		else if (!strcmp(w, "int"))
			in++;
		else
			return false;
	}
	if (n == 0 || u + s > 1 || in > 1 || (ch && (l || sh || in)) || (sh && l) || l > 2 || ch > 1)
		return false;
	const char *sign = u ? "unsigned " : "";
	if (ch)
		snprintf(out, len, "%schar", u ? "unsigned " : s ? "signed " : "");
	else if (sh)
		snprintf(out, len, "short %sint", sign);
	else if (l == 2)
		snprintf(out, len, "long long %sint", sign);
	else if (l == 1)
		snprintf(out, len, "long %sint", sign);
	else
		snprintf(out, len, "%sint", sign);
	return true;
}

static int find_kind(const struct btf *b, const char *name, int kind)
{
	int id = bpf.find_by_name_kind(b, name, (uint32_t)kind);
	return id > 0 ? id : -1;
}

bool ktypes_find(const struct btf *b, const char *text, struct ktype *t)
{
	char name[160];
	size_t n = strlen(text);
	while (n && isspace((unsigned char)text[n - 1]))
		n--;
	int ptr = 0;
	while (n && (text[n - 1] == '*' || isspace((unsigned char)text[n - 1]))) {
		ptr += text[n - 1] == '*';
		n--;
	}
	while (n && isspace((unsigned char)*text)) {
		text++;
		n--;
	}
	if (n == 0 || n >= sizeof(name))
		return false;
	memcpy(name, text, n);
	name[n] = '\0';
	int id = -1;
	static const struct { const char *kw; int kind; } tagged[] = {
		{ "struct ", BTF_KIND_STRUCT }, { "union ", BTF_KIND_UNION }, { "enum ", BTF_KIND_ENUM },
	};
	for (size_t i = 0; i < sizeof(tagged) / sizeof(tagged[0]) && id < 0; i++) {
		size_t kl = strlen(tagged[i].kw);
		if (strncmp(name, tagged[i].kw, kl))
			continue;
		const char *tag = name + kl;
		while (isspace((unsigned char)*tag))
			tag++;
		id = find_kind(b, tag, tagged[i].kind);
		if (id < 0 && tagged[i].kind == BTF_KIND_ENUM)
			id = find_kind(b, tag, BTF_KIND_ENUM64);
		if (id < 0)
			return false;
	}
	char canon[64];
	if (id < 0 && !strcmp(name, "void"))
		id = 0;
	if (id < 0 && int_name(name, canon, sizeof(canon)))
		id = find_kind(b, canon, BTF_KIND_INT);
	if (id < 0)
		id = find_kind(b, name, BTF_KIND_TYPEDEF);
	if (id < 0)
		id = find_kind(b, name, BTF_KIND_INT);
	if (id < 0)
		id = find_kind(b, name, BTF_KIND_FLOAT);
	if (id < 0)
		return false;
	*t = ktypes_of(b, id);
	t->ptr += ptr;
	return true;
}

/* The declaration of id around the declarator inner. */
static void decl(const struct btf *b, int id, const char *inner, char *out, size_t len, int depth)
{
	const struct btf_type *t = type_of(b, id);
	const char *sp = inner[0] ? " " : "";
	char in2[512];
	if (depth > MAX_CHAIN) {
		snprintf(out, len, "?%s%s", sp, inner);
		return;
	}
	if (!t) {
		snprintf(out, len, "void%s%s", sp, inner);
		return;
	}
	bool wrap = inner[0] == '*';
	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
		snprintf(in2, sizeof(in2), "*%s", inner);
		decl(b, (int)t->type, in2, out, len, depth + 1);
		return;
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE: {
		const struct btf_type *u = type_of(b, (int)t->type);
		bool base = !u || !(btf_is_ptr(u) || btf_is_array(u) || btf_is_func_proto(u));
		char sub[512];
		decl(b, (int)t->type, inner, sub, sizeof(sub), depth + 1);
		snprintf(out, len, "%s%s", base ? (btf_is_const(t) ? "const " : "volatile ") : "", sub);
		return;
	}
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		decl(b, (int)t->type, inner, out, len, depth + 1);
		return;
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = btf_array(t);
		snprintf(in2, sizeof(in2), wrap ? "(%s)[%u]" : "%s[%u]", inner, a->nelems);
		decl(b, (int)a->type, in2, out, len, depth + 1);
		return;
	}
	case BTF_KIND_FUNC_PROTO: {
		char params[400] = "";
		size_t used = 0;
		const struct btf_param *p = btf_params(t);
		for (int i = 0; i < btf_vlen(t) && used < sizeof(params); i++) {
			char one[160];
			if (p[i].type == 0)
				snprintf(one, sizeof(one), "...");
			else
				decl(b, (int)p[i].type, "", one, sizeof(one), depth + 1);
			used += (size_t)snprintf(params + used, sizeof(params) - used, "%s%s",
						 i ? ", " : "", one);
		}
		snprintf(in2, sizeof(in2), wrap ? "(%s)(%s)" : "%s(%s)", inner,
			 btf_vlen(t) ? params : "void");
		decl(b, (int)t->type, in2, out, len, depth + 1);
		return;
	}
	case BTF_KIND_FUNC:
		decl(b, (int)t->type, name_of(b, t->name_off), out, len, depth + 1);
		return;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64: {
		const char *kw = btf_is_struct(t) ? "struct" : btf_is_union(t) ? "union" : "enum";
		const char *n = name_of(b, t->name_off);
		snprintf(out, len, "%s %s%s%s", kw, n[0] ? n : "{...}", sp, inner);
		return;
	}
	case BTF_KIND_FWD:
		snprintf(out, len, "%s %s%s%s", btf_kflag(t) ? "union" : "struct",
			 name_of(b, t->name_off), sp, inner);
		return;
	default:
		snprintf(out, len, "%s%s%s", name_of(b, t->name_off), sp, inner);
		return;
	}
}

void ktypes_decl(const struct btf *b, struct ktype t, const char *name, char *out, size_t len)
{
	char inner[256];
	snprintf(inner, sizeof(inner), "%.*s%s", t.ptr < 16 ? t.ptr : 16, "****************", name);
	decl(b, t.id, inner, out, len, 0);
}

static void members(const struct btf *b, const struct btf_type *t, uint64_t base, int depth,
		    FILE *out)
{
	const struct btf_member *m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++) {
		uint32_t bit = btf_member_bit_offset(t, (uint32_t)i);
		uint32_t bits = btf_member_bitfield_size(t, (uint32_t)i);
		uint64_t off = base + bit / 8;
		struct ktype mt = ktypes_of(b, (int)m[i].type);
		long long size = ktypes_size(b, mt);
		const char *name = name_of(b, m[i].name_off);
		const struct btf_type *r = type_of(b, ktypes_resolve(b, (int)m[i].type));
		if (bits)
			fprintf(out, "/* %5llu:%-2u| %5lld */", (unsigned long long)off, bit % 8, size);
		else
			fprintf(out, "/* %8llu | %5lld */", (unsigned long long)off, size);
		fprintf(out, "%*s", 4 * depth, "");
		if (!mt.ptr && !name[0] && r && btf_is_composite(r)) {
			/* An anonymous struct or union: its members inline. */
			fprintf(out, "%s {\n", btf_is_struct(r) ? "struct" : "union");
			members(b, r, base + bit / 8, depth + 1, out);
			fprintf(out, "%20s%*s};\n", "", 4 * depth, "");
			continue;
		}
		char d[512];
		ktypes_decl(b, mt, name, d, sizeof(d));
		if (bits)
			fprintf(out, "%s : %u;\n", d, bits);
		else
			fprintf(out, "%s;\n", d);
	}
}

int ktypes_ptype(const struct btf *b, struct ktype t, FILE *out)
{
	const struct btf_type *r = type_of(b, ktypes_resolve(b, t.id));
	char d[512];
	if (r && btf_is_composite(r)) {
		const char *n = name_of(b, r->name_off);
		fprintf(out, "/* offset |  size */  type = %s %s {\n", btf_is_struct(r) ? "struct" : "union",
			n[0] ? n : "{...}");
		members(b, r, 0, 1, out);
		fprintf(out, "%20s} %.*s/* %u bytes */\n", "", t.ptr < 16 ? t.ptr : 16,
			"****************", r->size);
		return 0;
	}
	if (r && btf_is_any_enum(r) && !t.ptr) {
		fprintf(out, "type = enum %s {\n", name_of(b, r->name_off));
		for (int i = 0; i < btf_vlen(r); i++) {
			if (btf_is_enum(r))
				fprintf(out, "    %s = %d,\n", name_of(b, btf_enum(r)[i].name_off),
					btf_enum(r)[i].val);
			else
				fprintf(out, "    %s = %llu,\n", name_of(b, btf_enum64(r)[i].name_off),
					(unsigned long long)btf_enum64_value(&btf_enum64(r)[i]));
		}
		fprintf(out, "} /* %u bytes */\n", r->size);
		return 0;
	}
	if (t.id && !r)
		return -1;
	ktypes_decl(b, t, "", d, sizeof(d));
	long long size = ktypes_size(b, t);
	if (size >= 0)
		fprintf(out, "type = %s /* %lld bytes */\n", d, size);
	else
		fprintf(out, "type = %s\n", d);
	return 0;
}

/* Find member name in struct/union r (anonymous members searched too). */
static bool find_member(const struct btf *b, const struct btf_type *r, const char *name,
			uint32_t *bit, uint32_t *bits, int *type, int depth)
{
	const struct btf_member *m = btf_members(r);
	for (int i = 0; i < btf_vlen(r) && depth < MAX_CHAIN; i++) {
		const char *mn = bpf.name_by_offset(b, m[i].name_off);
		uint32_t off = btf_member_bit_offset(r, (uint32_t)i);
		if (mn && !strcmp(mn, name)) {
			*bit = off;
			*bits = btf_member_bitfield_size(r, (uint32_t)i);
			*type = (int)m[i].type;
			return true;
		}
		if (mn && mn[0])
			continue;
		int sub = ktypes_resolve(b, (int)m[i].type);
		const struct btf_type *st = sub > 0 ? bpf.type_by_id(b, (uint32_t)sub) : NULL;
		if (st && btf_is_composite(st) &&
		    find_member(b, st, name, bit, bits, type, depth + 1)) {
			*bit += off;
			return true;
		}
	}
	return false;
}

bool ktypes_find_member(const struct btf *b, const struct btf_type *r, const char *name,
			uint32_t *bit, uint32_t *bits, int *type)
{
	return find_member(b, r, name, bit, bits, type, 0);
}

bool ktypes_offsetof(const struct btf *b, const char *type, const char *path, uint64_t *bit,
		     uint32_t *bits, struct ktype *mt)
{
	struct ktype t;
	char part[128];
	if (!ktypes_find(b, type, &t) || t.ptr)
		return false;
	*bit = 0;
	*bits = 0;
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, ".");
		const struct btf_type *r = type_of(b, ktypes_resolve(b, t.id));
		uint32_t off;
		int id;
		if (n == 0 || n >= sizeof(part) || t.ptr || !r || !btf_is_composite(r))
			return false;
		memcpy(part, p, n);
		part[n] = '\0';
		if (!find_member(b, r, part, &off, bits, &id, 0))
			return false;
		*bit += off;
		t = ktypes_of(b, id);
		p += n + (p[n] == '.');
	}
	*mt = t;
	return true;
}

/* Value printing. */

struct pv {
	const struct btf *b;
	const struct ktypes_io *io;
	FILE *out;
	char fmt;
};

static uint64_t load(const uint8_t *p, size_t size)
{
	uint64_t v = 0;
	for (size_t i = 0; i < size && i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void print_int(struct pv *c, uint64_t v, unsigned bits, bool is_signed, bool is_char,
		      bool is_bool)
{
	if (bits < 64)
		v &= (1ULL << bits) - 1;
	int64_t sv = bits < 64 && is_signed && (v >> (bits - 1)) & 1 ? (int64_t)(v | ~((1ULL << bits) - 1))
								   : (int64_t)v;
	switch (c->fmt) {
	case 'x':
		fprintf(c->out, "0x%llx", (unsigned long long)v);
		return;
	case 'o':
		fprintf(c->out, "0%llo", (unsigned long long)v);
		return;
	case 't':
		for (int i = 63; i >= 0; i--)
			if ((v >> i) & 1 || i == 0) {
				for (; i >= 0; i--)
					fputc('0' + (int)((v >> i) & 1), c->out);
				break;
			}
		return;
	case 'd':
		fprintf(c->out, "%lld", (long long)sv);
		return;
	case 'u':
		fprintf(c->out, "%llu", (unsigned long long)v);
		return;
	case 'c':
		is_char = true;
		break;
	default:
		break;
	}
	if (is_bool && v <= 1) {
		fprintf(c->out, "%s", v ? "true" : "false");
		return;
	}
	if (is_signed)
		fprintf(c->out, "%lld", (long long)sv);
	else
		fprintf(c->out, "%llu", (unsigned long long)v);
	if (is_char) {
		unsigned char ch = (unsigned char)v;
		if (isprint(ch) && ch != '\'' && ch != '\\')
			fprintf(c->out, " '%c'", ch);
		else
			fprintf(c->out, " '\\%03o'", ch);
	}
}

static void print_string(struct pv *c, const uint8_t *s, size_t n, bool more)
{
	fputc('"', c->out);
	size_t i = 0;
	for (; i < n && s[i]; i++) {
		if (s[i] == '"' || s[i] == '\\')
			fprintf(c->out, "\\%c", s[i]);
		else if (isprint(s[i]))
			fputc(s[i], c->out);
		else
			fprintf(c->out, "\\%03o", s[i]);
	}
	fputc('"', c->out);
	if (i == n && more)
		fprintf(c->out, "...");
}

static bool is_char_type(const struct btf *b, int id)
{
	const struct btf_type *r = type_of(b, ktypes_resolve(b, id));
	return r && btf_is_int(r) && r->size == 1 &&
	       ((btf_int_encoding(r) & BTF_INT_CHAR) || strstr(name_of(b, r->name_off), "char"));
}

static void value(struct pv *c, struct ktype t, const uint8_t *buf, size_t size, int indent,
		  int depth);

static void print_pointer(struct pv *c, struct ktype t, uint64_t v)
{
	fprintf(c->out, "0x%llx", (unsigned long long)v);
	char sym[160] = "";
	if (c->io->symbolize && v)
		c->io->symbolize(c->io->opaque, v, sym, sizeof(sym));
	if (sym[0])
		fprintf(c->out, " <%s>", sym);
	if (c->fmt == 0 && t.ptr == 1 && v && is_char_type(c->b, t.id)) {
		uint8_t s[MAX_STRING];
		size_t n = 0;
		while (n < sizeof(s) && c->io->read(c->io->opaque, v + n, s + n, 1) == 0 && s[n])
			n++;
		fputc(' ', c->out);
		print_string(c, s, n, n == sizeof(s));
	}
}

static void print_members(struct pv *c, const struct btf_type *r, const uint8_t *buf, size_t size,
			  int indent, int depth)
{
	const struct btf_member *m = btf_members(r);
	fprintf(c->out, "{\n");
	for (int i = 0; i < btf_vlen(r); i++) {
		uint32_t bit = btf_member_bit_offset(r, (uint32_t)i);
		uint32_t bits = btf_member_bitfield_size(r, (uint32_t)i);
		const char *name = name_of(c->b, m[i].name_off);
		struct ktype mt = ktypes_of(c->b, (int)m[i].type);
		fprintf(c->out, "%*s", 2 * (indent + 1), "");
		if (name[0])
			fprintf(c->out, "%s = ", name);
		if (bits) {
			uint8_t w[16] = { 0 };
			size_t at = bit / 8, n = (bit % 8 + bits + 7) / 8;
			if (at < size)
				memcpy(w, buf + at, n <= size - at ? n : size - at);
			uint64_t v = load(w, 8) >> (bit % 8);
			if (bit % 8 + bits > 64)
				v |= (uint64_t)w[8] << (64 - bit % 8);
			const struct btf_type *it = type_of(c->b, ktypes_resolve(c->b, mt.id));
			bool sgn = it && btf_is_int(it) && (btf_int_encoding(it) & BTF_INT_SIGNED);
			print_int(c, v, bits, sgn, false, false);
		} else {
			long long ms = ktypes_size(c->b, mt);
			size_t at = bit / 8;
			if (ms < 0 || at > size || (size_t)ms > size - at)
				fprintf(c->out, "<outside the value>");
			else
				value(c, mt, buf + at, (size_t)ms, indent + 1, depth + 1);
		}
		fprintf(c->out, ",\n");
	}
	fprintf(c->out, "%*s}", 2 * indent, "");
}

static void value(struct pv *c, struct ktype t, const uint8_t *buf, size_t size, int indent,
		  int depth)
{
	if (depth > MAX_CHAIN) {
		fprintf(c->out, "{...}");
		return;
	}
	if (t.ptr) {
		print_pointer(c, t, load(buf, size));
		return;
	}
	const struct btf_type *r = type_of(c->b, ktypes_resolve(c->b, t.id));
	if (!r) {
		fprintf(c->out, "<void>");
		return;
	}
	switch (btf_kind(r)) {
	case BTF_KIND_INT: {
		uint8_t enc = btf_int_encoding(r);
		print_int(c, load(buf, size), size * 8 < 64 ? (unsigned)size * 8 : 64,
			  enc & BTF_INT_SIGNED, is_char_type(c->b, t.id), enc & BTF_INT_BOOL);
		return;
	}
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64: {
		uint64_t v = load(buf, size);
		if (c->fmt == 0)
			for (int i = 0; i < btf_vlen(r); i++) {
				uint64_t ev = btf_is_enum(r) ? (uint64_t)(int64_t)btf_enum(r)[i].val
							     : btf_enum64_value(&btf_enum64(r)[i]);
				uint32_t no = btf_is_enum(r) ? btf_enum(r)[i].name_off
							     : btf_enum64(r)[i].name_off;
				if ((size < 8 ? ev & ((1ULL << (8 * size)) - 1) : ev) == v) {
					fprintf(c->out, "%s", name_of(c->b, no));
					return;
				}
			}
		print_int(c, v, (unsigned)size * 8, false, false, false);
		return;
	}
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = btf_array(r);
		struct ktype et = ktypes_of(c->b, (int)a->type);
		long long es = ktypes_size(c->b, et);
		if (es <= 0) {
			fprintf(c->out, "{}");
			return;
		}
		if (c->fmt == 0 && !et.ptr && is_char_type(c->b, et.id)) {
			print_string(c, buf, size, false);
			return;
		}
		fprintf(c->out, "{");
		uint32_t n = a->nelems;
		for (uint32_t i = 0; i < n && i < MAX_ELEMS && (i + 1) * (uint64_t)es <= size; i++) {
			fprintf(c->out, "%s", i ? ", " : "");
			value(c, et, buf + i * es, (size_t)es, indent, depth + 1);
		}
		fprintf(c->out, "%s}", n > MAX_ELEMS ? ", ..." : "");
		return;
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		print_members(c, r, buf, size, indent, depth);
		return;
	case BTF_KIND_FLOAT:
		if (size == 8) {
			double d;
			memcpy(&d, buf, 8);
			fprintf(c->out, "%g", d);
		} else if (size == 4) {
			float f;
			memcpy(&f, buf, 4);
			fprintf(c->out, "%g", (double)f);
		} else {
			fprintf(c->out, "<%zu-byte float>", size);
		}
		return;
	default:
		fprintf(c->out, "<%s>", btf_is_fwd(r) ? "incomplete type" : "no value");
		return;
	}
}

void ktypes_print_value(const struct btf *b, struct ktype t, uint64_t addr, const void *val,
			char fmt, int indent, const struct ktypes_io *io, FILE *out)
{
	struct pv c = { b, io, out, fmt };
	long long size = ktypes_size(b, t);
	if (size < 0) {
		fprintf(out, "<type without a size>");
		return;
	}
	if (size > MAX_VALUE) {
		fprintf(out, "<%lld bytes: too large to print>", size);
		return;
	}
	if (val) {
		value(&c, t, val, (size_t)size, indent, 0);
		return;
	}
	uint8_t *buf = malloc(size ? (size_t)size : 1);
	if (!buf) {
		fprintf(out, "<out of memory>");
		return;
	}
	if (io->read(io->opaque, addr, buf, (size_t)size) == 0)
		value(&c, t, buf, (size_t)size, indent, 0);
	else
		fprintf(out, "<unreadable at 0x%llx>", (unsigned long long)addr);
	free(buf);
}
