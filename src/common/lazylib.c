// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/lazylib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

/* One loader at a time: dlopen is thread-safe, but the table is filled
 * once and published through state. */
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

static int load_locked(struct lazylib *lib)
{
	/* RTLD_LOCAL: nothing else resolves against it; RTLD_NOW: a
	 * library missing a symbol fails here, not at a later call. */
	void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		snprintf(lib->why, sizeof(lib->why), "%s", e ? e : "not found");
		return -1;
	}
	for (const struct lazylib_sym *s = lib->syms; s->name; s++) {
		void *p = dlsym(h, s->name);
		if (!p) {
			snprintf(lib->why, sizeof(lib->why), "%s has no %s", lib->soname, s->name);
			dlclose(h);
			return -1;
		}
		*s->addr = p;
	}
	/* Never closed: the pointers stay valid for the process's life. */
	return 1;
}

bool lazylib_load(struct lazylib *lib, const char *purpose, char *err, size_t errlen)
{
	int st = atomic_load_explicit(&lib->state, memory_order_acquire);
	if (st == 0) {
		pthread_mutex_lock(&load_lock);
		st = atomic_load_explicit(&lib->state, memory_order_relaxed);
		if (st == 0) {
			st = load_locked(lib);
			atomic_store_explicit(&lib->state, st, memory_order_release);
		}
		pthread_mutex_unlock(&load_lock);
	}
	if (st > 0)
		return true;
	if (err && errlen)
		snprintf(err, errlen, "%s needs %s (Debian package %s): %s", purpose, lib->soname,
			 lib->package, lib->why);
	return false;
}
