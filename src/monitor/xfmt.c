// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/xfmt.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

void xfmt_init(struct xfmt *f)
{
	f->count = 1;
	f->format = 'x';
	f->size = 4;
}

static int parse_error(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int parse_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static unsigned size_of_letter(char c)
{
	switch (c) {
	case 'b':
		return 1;
	case 'h':
		return 2;
	case 'w':
		return 4;
	case 'g':
		return 8;
	}
	return 0;
}

int xfmt_parse(const char *spec, struct xfmt *f, char *err, size_t errlen)
{
	const char *p = spec[0] == '/' ? spec + 1 : spec;
	struct xfmt n = *f;
	n.count = 1;
	if (*p >= '0' && *p <= '9') {
		const char *digits = p;
		unsigned long count = 0;
		for (; *p >= '0' && *p <= '9'; p++)
			if (count <= XFMT_MAX_COUNT)
				count = count * 10 + (unsigned long)(*p - '0');
		if (count == 0)
			return parse_error(err, errlen, "count must be at least 1");
		if (count > XFMT_MAX_COUNT)
			return parse_error(err, errlen, "count %.*s is over the limit of %d units",
					   (int)(p - digits), digits, XFMT_MAX_COUNT);
		n.count = (unsigned)count;
	}
	bool size_given = false;
	for (; *p; p++) {
		if (strchr("xduotcsi", *p)) {
			n.format = *p;
		} else if (size_of_letter(*p)) {
			n.size = size_of_letter(*p);
			size_given = true;
		} else if (*p >= '0' && *p <= '9') {
			return parse_error(err, errlen,
					   "the count goes before the letters (\"/16x\", not \"/x16\")");
		} else if (*p > ' ' && *p < 0x7f) {
			return parse_error(err, errlen, "unknown format letter '%c'", *p);
		} else {
			return parse_error(err, errlen, "unknown format letter '\\x%02x'",
					   (unsigned char)*p);
		}
	}
	/* As in gdb: characters and strings are bytes unless told otherwise. */
	if ((n.format == 'c' || n.format == 's') && !size_given)
		n.size = 1;
	if (n.format == 's' && n.size != 1)
		return parse_error(err, errlen, "strings are bytes: format 's' takes no size but b");
	*f = n;
	return 0;
}

size_t xfmt_span(const struct xfmt *f)
{
	switch (f->format) {
	case 's':
		return (size_t)f->count * XFMT_STRING_MAX;
	case 'i':
		return (size_t)f->count * XFMT_INSN_MAX;
	default:
		return (size_t)f->count * f->size;
	}
}

/* Bounded appending; a write that does not fit marks the text truncated. */
struct text {
	char *buf;
	size_t len, used;
	bool truncated;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct text *t, const char *fmt, ...)
{
	if (t->truncated || t->len == 0) {
		t->truncated = true;
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(t->buf + t->used, t->len - t->used, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= t->len - t->used) {
		t->truncated = true;
		t->used = t->len - 1;
		return;
	}
	t->used += (size_t)w;
}

/* A byte as it would be written inside C quotes. */
static void put_escaped(struct text *t, uint8_t c, char quote)
{
	static const char plain[] = "\a\b\f\n\r\t\v";
	static const char named[] = "abfnrtv";
	const char *e = c ? strchr(plain, c) : NULL;
	if (e)
		put(t, "\\%c", named[e - plain]);
	else if (c == '\\' || c == (uint8_t)quote)
		put(t, "\\%c", c);
	else if (c >= 0x20 && c < 0x7f)
		put(t, "%c", c);
	else
		put(t, "\\%03o", c);
}

static uint64_t load_le(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;
	for (unsigned i = size; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static int64_t sign_extend(uint64_t v, unsigned size)
{
	unsigned shift = 64 - 8 * size;
	return (int64_t)(v << shift) >> shift;
}

static void put_unit(struct text *t, char format, uint64_t v, unsigned size)
{
	switch (format) {
	case 'x':
		put(t, "0x%0*llx", (int)size * 2, (unsigned long long)v);
		break;
	case 'd':
		put(t, "%lld", (long long)sign_extend(v, size));
		break;
	case 'u':
		put(t, "%llu", (unsigned long long)v);
		break;
	case 'o':
		put(t, v ? "0%llo" : "0", (unsigned long long)v);
		break;
	case 't':
		for (unsigned bit = size * 8; bit-- > 0;)
			put(t, "%c", (char)('0' + (v >> bit & 1)));
		break;
	case 'c':
		put(t, "%lld '", (long long)sign_extend(v, size));
		put_escaped(t, (uint8_t)v, '\'');
		put(t, "'");
		break;
	}
}

int xfmt_format_units(const struct xfmt *f, uint64_t addr, const uint8_t *buf, size_t len,
		      char *out, size_t outlen)
{
	struct text t = { out, outlen, 0, false };
	if (outlen)
		out[0] = '\0';
	bool size_ok = f->size == 1 || f->size == 2 || f->size == 4 || f->size == 8;
	if (!f->format || !strchr("xduotc", f->format) || !size_ok)
		return -1;
	/* Units per line as gdb prints them. */
	size_t per_line = f->size <= 2 ? 8 : 16 / f->size;
	size_t units = len / f->size < f->count ? len / f->size : f->count;
	for (size_t i = 0; i < units; i++) {
		if (i % per_line == 0)
			put(&t, "%s0x%016llx:", i ? "\n" : "",
			    (unsigned long long)(addr + i * f->size));
		put(&t, " ");
		put_unit(&t, f->format, load_le(buf + i * f->size, f->size), f->size);
	}
	if (units)
		put(&t, "\n");
	return t.truncated ? -1 : (int)(units * f->size);
}

int xfmt_format_strings(const struct xfmt *f, uint64_t addr, const uint8_t *buf, size_t len,
			char *out, size_t outlen)
{
	struct text t = { out, outlen, 0, false };
	if (outlen)
		out[0] = '\0';
	size_t pos = 0;
	for (unsigned i = 0; i < f->count && pos < len; i++) {
		size_t avail = len - pos < XFMT_STRING_MAX ? len - pos : XFMT_STRING_MAX;
		const uint8_t *nul = memchr(buf + pos, 0, avail);
		size_t n = nul ? (size_t)(nul - (buf + pos)) : avail;
		put(&t, "0x%016llx: \"", (unsigned long long)(addr + pos));
		for (size_t k = 0; k < n; k++)
			put_escaped(&t, buf[pos + k], '"');
		put(&t, nul ? "\"\n" : "\"...\n");
		pos += nul ? n + 1 : n;
	}
	return t.truncated ? -1 : (int)pos;
}
