// SPDX-License-Identifier: GPL-3.0-or-later
/* Typed commands: print, ptype, display, undisplay, set var, write. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/commands.h"
#include "monitor/mon_frames.h"
#include "monitor/mon_ktypes.h"

/* The words after the command as one expression (the line was split at
 * spaces, which C expressions may contain). NULL when there are none. */
static char *joined(int argc, char **argv, int from)
{
	size_t len = 1;
	for (int i = from; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if (from >= argc)
		return NULL;
	char *s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (int i = from; i < argc; i++) {
		strcat(s, argv[i]);
		if (i + 1 < argc)
			strcat(s, " ");
	}
	return s;
}

/* The print format after '/' in argv[0] ("p/x"): 0 for none, or -1. */
static int print_format(struct monitor *mon, const char *cmd)
{
	const char *slash = strchr(cmd, '/');
	if (!slash)
		return 0;
	if (slash[1] && !slash[2] && strchr("xduotc", slash[1]))
		return slash[1];
	mon_error(mon, "bad format '%s': one of /x /d /u /o /t /c", slash);
	return -1;
}

int cmd_print(struct monitor *mon, int argc, char **argv)
{
	int fmt = print_format(mon, argv[0]);
	char *text = joined(argc, argv, 1);
	if (fmt < 0 || !text) {
		free(text);
		return fmt < 0 ? -1 : mon_error(mon, "usage: print[/FMT] EXPR (e.g. p init_task.comm)");
	}
	struct tval v;
	struct texpr_env env;
	int rc = mon_texpr(mon, text, &v, &env);
	if (rc == 0) {
		mon_printf(mon, "%s = ", text);
		mon_print_tval(mon, &env, &v, (char)fmt);
	}
	free(text);
	return rc;
}

int cmd_ptype(struct monitor *mon, int argc, char **argv)
{
	char *text = joined(argc, argv, 1);
	if (!text)
		return mon_error(mon, "usage: ptype TYPE|EXPR (e.g. ptype struct list_head)");
	const struct btf *btf = mon_btf(mon);
	struct ktype t;
	int rc = -1;
	if (!btf)
		goto done;
	if (!ktypes_find(btf, text, &t)) {
		struct tval v;
		struct texpr_env env;
		if (mon_texpr(mon, text, &v, &env) < 0)
			goto done;
		if (v.t.id == TEXPR_UNTYPED) {
			rc = mon_error(mon, "%s has no type (an untyped symbol or number; cast it)", text);
			goto done;
		}
		t = v.t;
	}
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (!f) {
		rc = mon_error(mon, "out of memory");
		goto done;
	}
	rc = ktypes_ptype(btf, t, f);
	fclose(f);
	if (rc == 0)
		mon_printf(mon, "%s", out);
	else
		mon_error(mon, "%s is not a type", text);
	free(out);
done:
	free(text);
	return rc;
}

int cmd_display(struct monitor *mon, int argc, char **argv)
{
	struct mon_kernel *k = mon->kern;
	if (!k)
		return mon_error(mon, "display needs the kernel image (none was loaded)");
	int fmt = print_format(mon, argv[0]);
	if (fmt < 0)
		return -1;
	char *text = joined(argc, argv, 1);
	if (!text) {
		mon_show_displays(mon);
		return 0;
	}
	int slot = -1;
	for (int i = 0; i < MON_MAX_DISPLAYS && slot < 0; i++)
		if (!k->displays[i].expr)
			slot = i;
	if (slot < 0) {
		free(text);
		return mon_error(mon, "%d displays already; undisplay one", MON_MAX_DISPLAYS);
	}
	/* Check it evaluates now, as gdb does, and show it once. */
	struct tval v;
	struct texpr_env env;
	if (mon_texpr(mon, text, &v, &env) < 0) {
		free(text);
		return -1;
	}
	k->displays[slot] = (struct mon_display){ text, (char)fmt };
	mon_printf(mon, "%d: %s = ", slot + 1, text);
	mon_print_tval(mon, &env, &v, (char)fmt);
	return 0;
}

int cmd_undisplay(struct monitor *mon, int argc, char **argv)
{
	struct mon_kernel *k = mon->kern;
	char *end;
	long n = argc == 2 ? strtol(argv[1], &end, 10) : 0;
	if (argc != 2 || (strcmp(argv[1], "all") && (*end || n < 1 || n > MON_MAX_DISPLAYS)))
		return mon_error(mon, "usage: undisplay N|all (N from 1 to %d)", MON_MAX_DISPLAYS);
	for (int i = 0; k && i < MON_MAX_DISPLAYS; i++)
		if (!strcmp(argv[1], "all") || i == n - 1) {
			if (!k->displays[i].expr && i == n - 1)
				return mon_error(mon, "no display %ld", n);
			free(k->displays[i].expr);
			k->displays[i].expr = NULL;
		}
	return 0;
}

/* The '=' of an assignment: not part of ==, !=, <= or >=. */
static char *assignment(char *s)
{
	for (char *p = s; (p = strchr(p, '=')); p++) {
		bool before = p > s && strchr("=!<>", p[-1]);
		if (!before && p[1] != '=')
			return p;
		if (p[1] == '=')
			p++;
	}
	return NULL;
}

/* Store value into the object lhs (an integer, enum or pointer). */
static int store(struct monitor *mon, const struct texpr_env *env, const struct tval *lhs,
		 uint64_t value)
{
	if (!lhs->lval || lhs->t.id == TEXPR_UNTYPED)
		return mon_error(mon, "the left side is not a typed object in memory (cast it: "
				 "set {TYPE} ADDR = VALUE)");
	long long size = texpr_size(env, lhs);
	uint64_t check;
	char err[160];
	/* Only scalars: texpr_scalar refuses structs and arrays. */
	if (texpr_scalar(env, lhs, &check, err, sizeof(err)) < 0 || size <= 0 || size > 8)
		return mon_error(mon, "cannot assign to this object: %s", err[0] ? err : "no size");
	uint64_t top = size < 8 ? value >> (8 * size) : 0;
	uint64_t sign = size < 8 ? ~0ULL >> (8 * size) : 0;
	if (top && top != sign)
		return mon_error(mon, "0x%llx does not fit in %lld bytes", (unsigned long long)value, size);
	uint8_t b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(value >> (8 * i));
	return mon_write_virt(mon, lhs->addr, b, (size_t)size);
}

int cmd_set(struct monitor *mon, int argc, char **argv)
{
	char *text = joined(argc, argv, 1);
	char *eq = text ? assignment(text) : NULL;
	bool var = text && !strncmp(text, "var ", 4);
	if (!eq || (!var && text[0] != '{')) {
		free(text);
		return mon_error(mon, "usage: set var EXPR = VALUE | set {TYPE} ADDR = VALUE");
	}
	*eq = '\0';
	struct tval lhs, rhs;
	struct texpr_env env;
	uint64_t value;
	char err[160];
	int rc = -1;
	if (mon_texpr(mon, eq + 1, &rhs, &env) < 0)
		goto done;
	if (texpr_scalar(&env, &rhs, &value, err, sizeof(err)) < 0) {
		mon_error(mon, "%s", err);
		goto done;
	}
	if (var) {
		if (mon_texpr(mon, text + 4, &lhs, &env) < 0)
			goto done;
	} else {
		char *close = strchr(text, '}');
		struct ktype t;
		const struct btf *btf = mon_btf(mon);
		if (!close || !btf) {
			if (!close)
				mon_error(mon, "missing '}' after the type");
			goto done;
		}
		*close = '\0';
		if (!ktypes_find(btf, text + 1, &t)) {
			mon_error(mon, "unknown type '%s'", text + 1);
			goto done;
		}
		struct tval addr;
		uint64_t a;
		if (mon_texpr(mon, close + 1, &addr, &env) < 0)
			goto done;
		if (texpr_scalar(&env, &addr, &a, err, sizeof(err)) < 0) {
			mon_error(mon, "%s", err);
			goto done;
		}
		lhs = (struct tval){ .t = t, .lval = true, .addr = a };
	}
	rc = store(mon, &env, &lhs, value);
done:
	free(text);
	return rc;
}

int cmd_write(struct monitor *mon, int argc, char **argv)
{
	const char *slash = strchr(argv[0], '/');
	unsigned long count = 0;
	unsigned size = 1;
	if (slash) {
		char *end;
		count = strtoul(slash + 1, &end, 10);
		for (; *end; end++) {
			const char *sizes = "bhwg", *at = strchr(sizes, *end);
			if (at && *end)
				size = 1u << (at - sizes);
			else if (!strchr("xdu", *end))
				return mon_error(mon, "bad format '%s': /[COUNT][x|d|u][b|h|w|g]", slash);
		}
	}
	if (argc < 3 || (count && count != (unsigned long)(argc - 2)))
		return mon_error(mon, "usage: write/[COUNT][SIZE] ADDR VALUE... (COUNT values of SIZE "
				 "b, h, w or g bytes, e.g. write/4xb $rsp 1 2 3 4)");
	uint64_t addr;
	if (mon_eval(mon, argv[1], &addr) < 0)
		return -1;
	size_t n = (size_t)(argc - 2);
	uint8_t *buf = malloc(n * size);
	if (!buf)
		return mon_error(mon, "out of memory");
	for (size_t i = 0; i < n; i++) {
		uint64_t v;
		if (mon_eval(mon, argv[2 + i], &v) < 0) {
			free(buf);
			return -1;
		}
		if (size < 8 && v >> (8 * size) && v >> (8 * size) != ~0ULL >> (8 * size)) {
			free(buf);
			return mon_error(mon, "%s does not fit in %u bytes", argv[2 + i], size);
		}
		for (unsigned j = 0; j < size; j++)
			buf[i * size + j] = (uint8_t)(v >> (8 * j));
	}
	int rc = mon_write_virt(mon, addr, buf, n * size);
	free(buf);
	if (rc == 0)
		mon_printf(mon, "wrote %zu bytes at 0x%llx\n", n * size, (unsigned long long)addr);
	return rc;
}
