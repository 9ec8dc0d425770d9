// SPDX-License-Identifier: GPL-3.0-or-later
/* Which terminal program to suggest for a console pty (pty_hint.h). */
#include "dev/pty_hint.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* An executable NAME in one of search's ':'-separated directories. */
static bool on_path(const char *name, const char *search)
{
	char dir[4096];

	for (const char *p = search; *p;) {
		size_t n = strcspn(p, ":");
		char file[4096 + 64];

		snprintf(dir, sizeof(dir), "%.*s", (int)n, p);
		snprintf(file, sizeof(file), "%s/%s", n ? dir : ".", name);
		if (access(file, X_OK) == 0)
			return true;
		p += n;
		if (*p == ':')
			p++;
	}
	return false;
}

char *pty_attach_hint(const char *path, const char *search, char *buf, size_t len)
{
	/* In order of how often they are installed; the format puts the
	 * pty where each program wants it. */
	static const struct { const char *prog, *fmt; } progs[] = {
		{ "screen", "screen %s" },
		{ "picocom", "picocom %s" },
		{ "minicom", "minicom -D %s" },
		{ "tio", "tio %s" },
	};

	if (!search)
		search = getenv("PATH");
	if (!search)
		search = "/usr/bin:/bin";
	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++)
		if (on_path(progs[i].prog, search)) {
			snprintf(buf, len, progs[i].fmt, path);
			return buf;
		}
	snprintf(buf, len, "cat %s to read it, or 'console' at the prompt", path);
	return buf;
}
