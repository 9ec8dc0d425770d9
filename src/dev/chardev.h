/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A character backend for a guest console: a pty that screen or picocom
 * attach to, hvmon's own stdio, or a file. Output never blocks a vCPU: when
 * nobody drains a pty, bytes are dropped (and counted). Taps see every
 * output byte (the monitor's `wait "TEXT"` and `console` use them). */
#ifndef HVMON_CHARDEV_H
#define HVMON_CHARDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum chardev_kind { CHARDEV_PTY, CHARDEV_STDIO, CHARDEV_FILE };

typedef void (*chardev_data_fn)(void *opaque, const uint8_t *buf, size_t len);

struct chardev;

/* spec: "pty", "stdio", or "file:PATH". NULL and one line in err on failure. */
struct chardev *chardev_open(const char *spec, char *err, size_t errlen);
void chardev_close(struct chardev *cd);

enum chardev_kind chardev_kind(const struct chardev *cd);
/* The pty slave path ("/dev/pts/3"), the file path, or "stdio". */
const char *chardev_path(const struct chardev *cd);

/* Write all of buf to fd, going on after EINTR, until the fd would block
 * or fails; the bytes not written (0: all). For console output, where the
 * guest must not wait for a human: a pty nobody reads says EAGAIN. */
size_t chardev_write_fd(int fd, const void *buf, size_t len);

/* Guest output. Thread-safe. */
void chardev_write(struct chardev *cd, const void *buf, size_t len);
unsigned long chardev_dropped(const struct chardev *cd);
/* A stdio console sharing the terminal with an interactive prompt sends
 * its output through fd instead (the monitor prints it around the prompt);
 * STDOUT_FILENO puts it back. The caller owns fd. */
void chardev_redirect_output(struct chardev *cd, int fd);

/* A stdio console that shares stdout with monitor output printed without
 * a prompt (batch mode, or stdin not a terminal): lines must not mix. With
 * sharing on, the console writes whole lines at once and holds a partial
 * one until its end comes or it is CHARDEV_PARTIAL_MS old (a thread of
 * the chardev's writes it then: a shell prompt); chardev_print_shared
 * puts monitor text between console lines, ending such a flushed partial
 * line first. Turning sharing off writes what is held. */
#define CHARDEV_PARTIAL_MS 100
int chardev_share_stdout(struct chardev *cd, bool on);
void chardev_print_shared(struct chardev *cd, int fd, const char *text, size_t len);

/* Observers of guest output (at most CHARDEV_MAX_TAPS). Thread-safe;
 * a tap is called on the writer's thread, with no chardev lock held. */
#define CHARDEV_MAX_TAPS 4
int chardev_add_tap(struct chardev *cd, chardev_data_fn fn, void *opaque);
void chardev_remove_tap(struct chardev *cd, chardev_data_fn fn, void *opaque);

/* Input towards the guest: the fd the I/O thread polls (-1 when the
 * backend has no input, e.g. file), and where the bytes go. */
int chardev_input_fd(const struct chardev *cd);
void chardev_set_input_sink(struct chardev *cd, chardev_data_fn fn, void *opaque);
/* Called by the I/O thread when chardev_input_fd is readable. */
void chardev_handle_input(struct chardev *cd);
/* Feed bytes to the guest as if typed on the backend (monitor `console`). */
void chardev_inject_input(struct chardev *cd, const uint8_t *buf, size_t len);

#endif
