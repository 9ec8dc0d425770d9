/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared libraries loaded on first use (dlopen), not at start-up: a tiny
 * guest needs no disassembler and no decompressor, and loading them costs
 * start-up time and resident memory (relocated data) in every run. Each
 * user keeps a table of function pointers that lazylib_load fills. */
#ifndef HVMON_LAZYLIB_H
#define HVMON_LAZYLIB_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#define LAZYLIB_STR_(x) #x
#define LAZYLIB_STR(x) LAZYLIB_STR_(x)

struct lazylib_sym {
	const char *name;
	void **addr;   /* where the function's address goes */
};

struct lazylib {
	const char *soname;    /* as Debian installs it: "liblzma.so.5" */
	const char *package;   /* the Debian package that ships it */
	const struct lazylib_sym *syms;   /* ends with a NULL name */
	atomic_int state;      /* 0 not tried, 1 loaded, -1 failed (why) */
	char why[240];
};

#define LAZYLIB(so, pkg, table) { .soname = (so), .package = (pkg), .syms = (table) }

/* Load lib and resolve every symbol of its table the first time; later
 * calls answer from the first outcome. Thread-safe. True when loaded;
 * else false, and err gets one line naming what needed it (purpose), the
 * library, its package and the loader's reason. */
bool lazylib_load(struct lazylib *lib, const char *purpose, char *err, size_t errlen);

#endif
