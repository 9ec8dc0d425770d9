// SPDX-License-Identifier: GPL-3.0-or-later
/* The typed expression evaluator (see texpr.h): recursive descent over C's
 * grammar for the operators it supports. */
#include <bpf/btf.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/texpr.h"

#define MAX_DEPTH 64
#define MAX_NAME 255

struct parser {
	const char *s;
	size_t pos;
	int depth;
	const struct texpr_env *env;
	char *err;
	size_t errlen;
};

static int fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static void skip_ws(struct parser *p)
{
	while (isspace((unsigned char)p->s[p->pos]))
		p->pos++;
}

static bool accept(struct parser *p, const char *tok)
{
	skip_ws(p);
	size_t n = strlen(tok);
	if (strncmp(p->s + p->pos, tok, n))
		return false;
	p->pos += n;
	return true;
}

static bool is_untyped(const struct tval *v)
{
	return v->t.id == TEXPR_UNTYPED;
}

static const struct btf_type *resolved(const struct texpr_env *env, const struct tval *v)
{
	if (!env->btf || is_untyped(v) || v->t.ptr)
		return NULL;
	int id = ktypes_resolve(env->btf, v->t.id);
	return ktypes_type(env->btf, id);
}

long long texpr_size(const struct texpr_env *env, const struct tval *v)
{
	if (is_untyped(v))
		return 8;
	return env->btf ? ktypes_size(env->btf, v->t) : -1;
}

static struct tval untyped(uint64_t v)
{
	struct tval r = { .t = { TEXPR_UNTYPED, 0 }, .v = v };
	return r;
}

int texpr_scalar(const struct texpr_env *env, const struct tval *v, uint64_t *out,
		 char *err, size_t errlen)
{
	if (!v->lval) {
		*out = v->v;
		return 0;
	}
	const struct btf_type *r = resolved(env, v);
	if (r && btf_is_array(r)) {
		*out = v->addr;         /* an array is its address */
		return 0;
	}
	long long size = texpr_size(env, v);
	bool is_signed = false;
	if (r && btf_is_int(r))
		is_signed = btf_int_encoding(r) & BTF_INT_SIGNED;
	else if (r && !btf_is_any_enum(r)) {
		snprintf(err, errlen, "a %s is not a number (use . or -> on it)",
			 btf_is_composite(r) ? "struct or union" : "value of this type");
		return -1;
	}
	if (size <= 0 || size > 8) {
		snprintf(err, errlen, "a %lld-byte value is not a number", size);
		return -1;
	}
	uint8_t b[8] = { 0 };
	if (env->read(env->opaque, v->addr, b, (size_t)size) != 0) {
		snprintf(err, errlen, "cannot read %lld bytes at 0x%llx", size,
			 (unsigned long long)v->addr);
		return -1;
	}
	uint64_t x = 0;
	for (int i = 0; i < size; i++)
		x |= (uint64_t)b[i] << (8 * i);
	if (is_signed && size < 8 && (x >> (8 * size - 1)) & 1)
		x |= ~0ULL << (8 * size);
	*out = x;
	return 0;
}

static int scalar(struct parser *p, const struct tval *v, uint64_t *out)
{
	return texpr_scalar(p->env, v, out, p->err, p->errlen);
}

bool texpr_type(const struct texpr_env *env, const char *text, struct ktype *t)
{
	return env->btf && ktypes_find(env->btf, text, t);
}

/* "(TYPE)" at the parser's position: a cast when the text between the
 * parentheses names a type. */
static bool try_cast(struct parser *p, struct ktype *t)
{
	size_t save = p->pos;
	skip_ws(p);
	if (p->s[p->pos] != '(')
		return false;
	const char *start = p->s + p->pos + 1;
	const char *close = strchr(start, ')');
	if (!close || close - start > MAX_NAME) {
		p->pos = save;
		return false;
	}
	char name[MAX_NAME + 1];
	memcpy(name, start, (size_t)(close - start));
	name[close - start] = '\0';
	/* A type name starts with a letter; "(foo)" may also be a
	 * parenthesised symbol, which a type name does not shadow unless
	 * it has a keyword or a '*'. */
	const char *n = name;
	while (isspace((unsigned char)*n))
		n++;
	bool keyword = !strncmp(n, "struct ", 7) || !strncmp(n, "union ", 6) ||
		       !strncmp(n, "enum ", 5) || !strncmp(n, "unsigned", 8) ||
		       !strncmp(n, "signed", 6) || strchr(n, '*');
	uint64_t dummy;
	if (!isalpha((unsigned char)*n) && *n != '_') {
		p->pos = save;
		return false;
	}
	if (!keyword && p->env->sym && p->env->sym(p->env->opaque, n, &dummy)) {
		p->pos = save;
		return false;
	}
	if (!texpr_type(p->env, name, t)) {
		p->pos = save;
		return false;
	}
	p->pos = (size_t)(close - p->s) + 1;
	return true;
}

static int unary(struct parser *p, struct tval *out);
static int binary(struct parser *p, int level, struct tval *out);

static int name_value(struct parser *p, const char *name, struct tval *out)
{
	uint64_t addr;
	const struct texpr_env *env = p->env;
	if (!env->sym || !env->sym(env->opaque, name, &addr))
		return fail(p, "unknown symbol %s", name);
	const char *type = env->sym_type ? env->sym_type(env->opaque, name) : NULL;
	struct ktype t;
	if (type && texpr_type(env, type, &t)) {
		*out = (struct tval){ .t = t, .lval = true, .addr = addr };
		return 0;
	}
	*out = untyped(addr);
	out->sym_addr = true;
	out->addr = addr;
	return 0;
}

static int primary(struct parser *p, struct tval *out)
{
	skip_ws(p);
	const char *s = p->s + p->pos;
	if (accept(p, "(")) {
		if (binary(p, 0, out) < 0)
			return -1;
		if (!accept(p, ")"))
			return fail(p, "missing ')' at column %zu", p->pos + 1);
		return 0;
	}
	if (isdigit((unsigned char)*s)) {
		char *end;
		unsigned long long v = strtoull(s, &end, 0);
		if (isalnum((unsigned char)*end) || *end == '_')
			return fail(p, "bad number at column %zu", p->pos + 1);
		p->pos += (size_t)(end - s);
		*out = untyped(v);
		return 0;
	}
	if (*s == '$') {
		size_t n = 1;
		while (isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == '.')
			n++;
		char name[MAX_NAME + 1];
		if (n == 1 || n > MAX_NAME)
			return fail(p, "bad register at column %zu", p->pos + 1);
		memcpy(name, s + 1, n - 1);
		name[n - 1] = '\0';
		uint64_t v;
		if (!p->env->reg || !p->env->reg(p->env->opaque, name, &v))
			return fail(p, "unknown register $%s", name);
		p->pos += n;
		*out = untyped(v);
		return 0;
	}
	if (isalpha((unsigned char)*s) || *s == '_') {
		/* Symbols may contain dots (get_partial_node.part.0): the
		 * longest dotted prefix that is a symbol, else up to the
		 * first dot; a dot after it is the member operator. */
		size_t n = 0, plain;
		while (isalnum((unsigned char)s[n]) || s[n] == '_')
			n++;
		plain = n;
		while (s[n] == '.' || isalnum((unsigned char)s[n]) || s[n] == '_')
			n++;
		char name[MAX_NAME + 1];
		uint64_t dummy;
		if (n > MAX_NAME)
			return fail(p, "name too long at column %zu", p->pos + 1);
		memcpy(name, s, n);
		name[n] = '\0';
		while (n > plain && !(p->env->sym && p->env->sym(p->env->opaque, name, &dummy))) {
			while (n > plain && name[n - 1] != '.')
				n--;
			if (n > plain)
				n--;            /* drop the dot too */
			name[n] = '\0';
		}
		p->pos += n;
		return name_value(p, name, out);
	}
	if (!*s)
		return fail(p, "expression ends too early");
	return fail(p, "unexpected '%c' at column %zu", *s, p->pos + 1);
}

static int member(struct parser *p, struct tval *v, bool arrow)
{
	skip_ws(p);
	const char *s = p->s + p->pos;
	size_t n = 0;
	while (isalnum((unsigned char)s[n]) || s[n] == '_')
		n++;
	if (n == 0 || n > MAX_NAME)
		return fail(p, "member name expected at column %zu", p->pos + 1);
	char name[MAX_NAME + 1];
	memcpy(name, s, n);
	name[n] = '\0';
	p->pos += n;
	struct tval obj = *v;
	if (arrow) {
		if (is_untyped(v) || v->t.ptr == 0)
			return fail(p, "-> %s: not a pointer to a struct (cast it: ((struct X *)ADDR)->%s)",
				    name, name);
		uint64_t a;
		if (scalar(p, v, &a) < 0)
			return -1;
		obj = (struct tval){ .t = { v->t.id, v->t.ptr - 1 }, .lval = true, .addr = a };
	}
	const struct btf_type *r = resolved(p->env, &obj);
	if (!r || !btf_is_composite(r) || !obj.lval)
		return fail(p, "%s%s: not a struct or union%s", arrow ? "->" : ".", name,
			    is_untyped(&obj) ? " (an untyped symbol: cast it to its type)" : "");
	uint32_t bit, bits;
	int type;
	if (!ktypes_find_member(p->env->btf, r, name, &bit, &bits, &type))
		return fail(p, "no member named %s", name);
	if (bits || bit % 8)
		return fail(p, "%s is a bitfield: print the whole struct to see it", name);
	*v = (struct tval){ .t = ktypes_of(p->env->btf, type), .lval = true, .addr = obj.addr + bit / 8 };
	return 0;
}

static int element_size(struct parser *p, struct ktype elem, long long *size)
{
	*size = p->env->btf ? ktypes_size(p->env->btf, elem) : -1;
	if (*size <= 0)
		return fail(p, "elements of this type have no size");
	return 0;
}

static int postfix(struct parser *p, struct tval *out)
{
	if (primary(p, out) < 0)
		return -1;
	for (;;) {
		if (accept(p, "->")) {
			if (member(p, out, true) < 0)
				return -1;
		} else if (accept(p, ".")) {
			if (member(p, out, false) < 0)
				return -1;
		} else if (accept(p, "[")) {
			struct tval idx;
			uint64_t i, base;
			if (binary(p, 0, &idx) < 0 || scalar(p, &idx, &i) < 0)
				return -1;
			if (!accept(p, "]"))
				return fail(p, "missing ']' at column %zu", p->pos + 1);
			const struct btf_type *r = resolved(p->env, out);
			struct ktype elem;
			if (r && btf_is_array(r) && out->lval) {
				elem = ktypes_of(p->env->btf, (int)btf_array(r)->type);
				base = out->addr;
			} else if (!is_untyped(out) && out->t.ptr) {
				elem = (struct ktype){ out->t.id, out->t.ptr - 1 };
				if (scalar(p, out, &base) < 0)
					return -1;
			} else {
				return fail(p, "[]: not an array or a pointer");
			}
			long long es;
			if (element_size(p, elem, &es) < 0)
				return -1;
			*out = (struct tval){ .t = elem, .lval = true, .addr = base + i * (uint64_t)es };
		} else {
			return 0;
		}
	}
}

static int unary(struct parser *p, struct tval *out)
{
	if (++p->depth > MAX_DEPTH)
		return fail(p, "expression nested too deeply");
	int rc = -1;
	struct ktype t;
	uint64_t v;
	if (accept(p, "*")) {
		if (unary(p, out) < 0)
			goto done;
		if (is_untyped(out) || out->t.ptr == 0) {
			rc = fail(p, "cannot dereference %s: cast it first, *(TYPE *)ADDR",
				  is_untyped(out) ? "an untyped value" : "a non-pointer");
			goto done;
		}
		if (out->t.ptr == 1 && out->t.id == 0) {
			rc = fail(p, "cannot dereference a void pointer");
			goto done;
		}
		if (scalar(p, out, &v) < 0)
			goto done;
		*out = (struct tval){ .t = { out->t.id, out->t.ptr - 1 }, .lval = true, .addr = v };
		rc = 0;
	} else if (accept(p, "&")) {
		if (unary(p, out) < 0)
			goto done;
		if (out->sym_addr) {
			*out = untyped(out->addr);
		} else if (!out->lval) {
			rc = fail(p, "& needs an object in memory");
			goto done;
		} else {
			*out = (struct tval){ .t = { out->t.id, out->t.ptr + 1 }, .v = out->addr };
		}
		rc = 0;
	} else if (accept(p, "-") || accept(p, "~") || (p->s[p->pos] == '!' && p->s[p->pos + 1] != '=' &&
								  accept(p, "!"))) {
		char op = p->s[p->pos - 1];
		if (unary(p, out) < 0 || scalar(p, out, &v) < 0)
			goto done;
		*out = untyped(op == '-' ? (uint64_t)0 - v : op == '~' ? ~v : !v);
		rc = 0;
	} else if (try_cast(p, &t)) {
		if (unary(p, out) < 0)
			goto done;
		struct tval typed = { .t = t };
		const struct btf_type *r = resolved(p->env, &typed);
		if (r && !(btf_is_int(r) || btf_is_any_enum(r))) {
			rc = fail(p, "cannot cast to a struct, union or array; use *(TYPE *)ADDR");
			goto done;
		}
		if (scalar(p, out, &v) < 0)
			goto done;
		long long size = texpr_size(p->env, &typed);
		if (size > 0 && size < 8)
			v &= (1ULL << (8 * size)) - 1;
		*out = (struct tval){ .t = t, .v = v };
		rc = 0;
	} else {
		rc = postfix(p, out);
	}
done:
	p->depth--;
	return rc;
}

/* Binary operators by level, lowest first: | ^ & (<< >>) (+ -) (* / %). */
static const char *const levels[][5] = {
	{ "||", NULL }, { "&&", NULL }, { "|", NULL }, { "^", NULL }, { "&", NULL },
	{ "==", "!=", NULL }, { "<=", ">=", "<", ">", NULL }, { "<<", ">>", NULL },
	{ "+", "-", NULL }, { "*", "/", "%", NULL },
};
#define NLEVELS ((int)(sizeof(levels) / sizeof(levels[0])))

static const char *operator_at(struct parser *p, int level)
{
	skip_ws(p);
	const char *s = p->s + p->pos;
	for (int i = 0; i < 5 && levels[level][i]; i++) {
		const char *op = levels[level][i];
		size_t n = strlen(op);
		if (strncmp(s, op, n))
			continue;
		/* '&' is not '&&', '|' not '||', '<' not '<<' or '<=', '-' not
		 * '->'; '<<' is not '<<=' (no assignments here). */
		if (n == 1 && (s[1] == s[0] || s[1] == '=' || (s[0] == '-' && s[1] == '>')))
			continue;
		if (n == 2 && op[0] == op[1] && (op[0] == '<' || op[0] == '>') && s[2] == '=')
			continue;
		return op;
	}
	return NULL;
}

static int arith(struct parser *p, const char *op, struct tval *l, const struct tval *r)
{
	uint64_t a, b;
	if (scalar(p, l, &a) < 0 || scalar(p, r, &b) < 0)
		return -1;
	bool lp = !is_untyped(l) && l->t.ptr, rp = !is_untyped(r) && r->t.ptr;
	if ((op[0] == '+' || op[0] == '-') && (lp || rp)) {
		struct tval ptr = lp ? *l : *r;
		struct ktype elem = { ptr.t.id, ptr.t.ptr - 1 };
		long long es = elem.ptr || elem.id ? ktypes_size(p->env->btf, elem) : 1;
		if (es <= 0)
			es = 1;
		if (lp && rp && op[0] == '-') {
			*l = untyped((a - b) / (uint64_t)es);
			return 0;
		}
		if (rp && op[0] == '-')
			return fail(p, "cannot subtract a pointer from a number");
		uint64_t base = lp ? a : b, n = lp ? b : a;
		*l = (struct tval){ .t = ptr.t, .v = op[0] == '+' ? base + n * (uint64_t)es
								: base - n * (uint64_t)es };
		return 0;
	}
	uint64_t v;
	/* Comparisons are unsigned, as the values are addresses and
	 * registers; the result is 0 or 1, as in C. */
	if (!strcmp(op, "||") || !strcmp(op, "&&") || !strcmp(op, "==") || !strcmp(op, "!=") ||
	    !strcmp(op, "<=") || !strcmp(op, ">=") || !strcmp(op, "<") || !strcmp(op, ">")) {
		v = !strcmp(op, "||") ? (a || b) : !strcmp(op, "&&") ? (a && b) :
		    !strcmp(op, "==") ? a == b : !strcmp(op, "!=") ? a != b :
		    !strcmp(op, "<=") ? a <= b : !strcmp(op, ">=") ? a >= b :
		    !strcmp(op, "<") ? a < b : a > b;
		*l = untyped(v);
		return 0;
	}
	switch (op[0]) {
	case '|': v = a | b; break;
	case '^': v = a ^ b; break;
	case '&': v = a & b; break;
	case '<': v = b >= 64 ? 0 : a << b; break;
	case '>': v = b >= 64 ? 0 : a >> b; break;
	case '+': v = a + b; break;
	case '-': v = a - b; break;
	case '*': v = a * b; break;
	default:
		if (b == 0)
			return fail(p, "division by zero");
		v = op[0] == '/' ? a / b : a % b;
	}
	*l = untyped(v);
	return 0;
}

static int binary(struct parser *p, int level, struct tval *out)
{
	if (level == NLEVELS)
		return unary(p, out);
	if (binary(p, level + 1, out) < 0)
		return -1;
	const char *op;
	while ((op = operator_at(p, level))) {
		p->pos += strlen(op);
		struct tval r;
		if (binary(p, level + 1, &r) < 0 || arith(p, op, out, &r) < 0)
			return -1;
	}
	return 0;
}

int texpr_eval(const char *text, const struct texpr_env *env, struct tval *out,
	       char *err, size_t errlen)
{
	struct parser p = { .s = text, .env = env, .err = err, .errlen = errlen };
	if (binary(&p, 0, out) < 0)
		return -1;
	skip_ws(&p);
	if (p.s[p.pos])
		return fail(&p, "unexpected '%c' at column %zu", p.s[p.pos], p.pos + 1);
	return 0;
}
