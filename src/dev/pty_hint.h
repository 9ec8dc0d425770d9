/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command the banner suggests for attaching to a console pty: the first
 * terminal program found on PATH (screen, picocom, minicom, tio), else
 * `cat` to read it; the monitor's `console` command works everywhere. */
#ifndef HVMON_DEV_PTY_HINT_H
#define HVMON_DEV_PTY_HINT_H

#include <stddef.h>

/* "screen /dev/pts/3", "minicom -D /dev/pts/3", ... into buf (len bytes);
 * path is the pty, search the PATH-style list to look in (NULL: $PATH).
 * Returns buf. */
char *pty_attach_hint(const char *path, const char *search, char *buf, size_t len);

#endif
