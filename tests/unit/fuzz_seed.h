/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests that build hostile inputs by hand (kallsyms tables,
 * expressions) also hand them to the fuzzers as seeds: with
 * HVMON_FUZZ_SEEDS=DIR set (scripts/fuzz-corpus.sh does), fuzz_seed writes
 * each input to a file of its own in DIR. Unset, it does nothing. */
#ifndef HVMON_TEST_FUZZ_SEED_H
#define HVMON_TEST_FUZZ_SEED_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void fuzz_seed(const void *p, size_t n)
{
	static unsigned seq;
	const char *dir = getenv("HVMON_FUZZ_SEEDS");
	char path[4096];

	if (!dir || !*dir)
		return;
	/* Check forks each test: the pid keeps their files apart. */
	snprintf(path, sizeof(path), "%s/unit-%d-%u", dir, (int)getpid(), seq++);
	FILE *f = fopen(path, "wb");
	if (!f)
		return;
	fwrite(p, 1, n, f);
	fclose(f);
}

#endif
