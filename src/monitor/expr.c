// SPDX-License-Identifier: GPL-3.0-or-later
/* Recursive descent over C's binary-operator precedence levels. */
#include "monitor/expr.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "monitor/parse.h"

struct parser {
	const char *text;
	const char *p;
	const struct expr_env *env;
	int depth;
	char *err;
	size_t errlen;
};

static int fail(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ps->err, ps->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int column(const struct parser *ps, const char *at)
{
	return (int)(at - ps->text) + 1;
}

static void skip_blanks(struct parser *ps)
{
	while (isspace((unsigned char)*ps->p))
		ps->p++;
}

/* "unexpected 'c' at column n", or the end of input said as such. */
static int unexpected(struct parser *ps)
{
	unsigned char c = (unsigned char)*ps->p;
	if (!c)
		return fail(ps, "unexpected end of expression");
	if (isprint(c))
		return fail(ps, "unexpected '%c' at column %d", c, column(ps, ps->p));
	return fail(ps, "unexpected byte 0x%02x at column %d", c, column(ps, ps->p));
}

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.';
}

/* Copy the run of name characters at ps->p into name; -1 if too long. */
static int take_name(struct parser *ps, char *name)
{
	const char *start = ps->p;
	while (is_name_char(*ps->p))
		ps->p++;
	size_t n = (size_t)(ps->p - start);
	if (n > EXPR_MAX_NAME)
		return fail(ps, "name longer than %d bytes at column %d", EXPR_MAX_NAME,
			    column(ps, start));
	memcpy(name, start, n);
	name[n] = '\0';
	return 0;
}

/* Parentheses and unary operators nest by recursion: bound it so that a
 * long "((((..." cannot exhaust the stack. */
static int enter(struct parser *ps)
{
	if (++ps->depth > EXPR_MAX_DEPTH)
		return fail(ps, "expression nested deeper than %d at column %d", EXPR_MAX_DEPTH,
			    column(ps, ps->p));
	return 0;
}

static int parse_binary(struct parser *ps, int level, uint64_t *out);

static int parse_operand(struct parser *ps, uint64_t *out)
{
	char name[EXPR_MAX_NAME + 1];
	const char *start = ps->p;
	const struct expr_env *env = ps->env;
	char c = *ps->p;

	if (isdigit((unsigned char)c)) {
		if (take_name(ps, name))
			return -1;
		if (!parse_u64(name, out))
			return fail(ps, "bad number '%s' at column %d", name, column(ps, start));
		return 0;
	}
	if (c == '$') {
		ps->p++;
		if (!is_name_char(*ps->p))
			return fail(ps, "register name expected after '$' at column %d",
				    column(ps, start));
		if (take_name(ps, name))
			return -1;
		if (!env || !env->reg || !env->reg(env->opaque, name, out))
			return fail(ps, "unknown register $%s", name);
		return 0;
	}
	if (isalpha((unsigned char)c) || c == '_' || c == '.') {
		if (take_name(ps, name))
			return -1;
		if (!env || !env->sym || !env->sym(env->opaque, name, out))
			return fail(ps, "unknown symbol %s", name);
		return 0;
	}
	if (c == '(') {
		if (enter(ps))
			return -1;
		ps->p++;
		if (parse_binary(ps, 0, out))
			return -1;
		skip_blanks(ps);
		if (*ps->p == ')') {
			ps->p++;
			ps->depth--;
			return 0;
		}
		if (!*ps->p)
			return fail(ps, "missing ')' for the '(' at column %d", column(ps, start));
	}
	return unexpected(ps);
}

static int parse_unary(struct parser *ps, uint64_t *out)
{
	skip_blanks(ps);
	char op = *ps->p;
	if (op != '-' && op != '~')
		return parse_operand(ps, out);
	if (enter(ps))
		return -1;
	ps->p++;
	if (parse_unary(ps, out))
		return -1;
	ps->depth--;
	*out = op == '-' ? -*out : ~*out;
	return 0;
}

/* Binary operators by precedence level, loosest first (C's order). */
static const char *const levels[] = { "|", "^", "&", "<< >>", "+ -", "* / %" };
#define NLEVELS (int)(sizeof(levels) / sizeof(levels[0]))

/* The operator of this level at p, or NULL; *len gets its length. */
static const char *match_operator(const char *p, int level, size_t *len)
{
	if (p[0] == '<' || p[0] == '>') {
		*len = 2;
		return level == 3 && p[1] == p[0] ? p : NULL;
	}
	*len = 1;
	return p[0] && strchr(levels[level], p[0]) ? p : NULL;
}

static int apply(struct parser *ps, const char *op, uint64_t a, uint64_t b, uint64_t *out)
{
	switch (op[0]) {
	case '|':
		*out = a | b;
		break;
	case '^':
		*out = a ^ b;
		break;
	case '&':
		*out = a & b;
		break;
	case '<':
		*out = b >= 64 ? 0 : a << b;
		break;
	case '>':
		*out = b >= 64 ? 0 : a >> b;
		break;
	case '+':
		*out = a + b;
		break;
	case '-':
		*out = a - b;
		break;
	case '*':
		*out = a * b;
		break;
	default: /* '/' and '%' */
		if (b == 0)
			return fail(ps, "division by zero at column %d", column(ps, op));
		*out = op[0] == '/' ? a / b : a % b;
		break;
	}
	return 0;
}

static int parse_binary(struct parser *ps, int level, uint64_t *out)
{
	if (level == NLEVELS)
		return parse_unary(ps, out);
	if (parse_binary(ps, level + 1, out))
		return -1;
	for (;;) {
		skip_blanks(ps);
		size_t len;
		const char *op = match_operator(ps->p, level, &len);
		if (!op)
			return 0;
		ps->p += len;
		uint64_t rhs;
		if (parse_binary(ps, level + 1, &rhs) || apply(ps, op, *out, rhs, out))
			return -1;
	}
}

int expr_eval(const char *text, const struct expr_env *env, uint64_t *out, char *err,
	      size_t errlen)
{
	struct parser ps = { .text = text, .p = text, .env = env, .err = err, .errlen = errlen };
	skip_blanks(&ps);
	if (!*ps.p)
		return fail(&ps, "empty expression");
	uint64_t v;
	if (parse_binary(&ps, 0, &v))
		return -1;
	skip_blanks(&ps);
	if (*ps.p)
		return unexpected(&ps);
	*out = v;
	return 0;
}
