/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Console backends: pty, stdio, file. Guest output must never block a
 * vCPU, so the pty master is non-blocking and a full pty drops bytes. */
#include "dev/chardev.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define INPUT_CHUNK 1024

struct chardev_tap {
	chardev_data_fn fn;
	void *opaque;
};

struct chardev {
	enum chardev_kind kind;
	char path[PATH_MAX];
	int out_fd;
	atomic_int in_fd; /* -1: no input (file, or after EOF) */
	int slave_fd;     /* pty: our own slave fd, kept open; else -1 */
	atomic_ulong dropped;

	/* lock serialises writes to out_fd and guards the taps and the
	 * sink. Taps are called outside it; taps_running counts
	 * writers inside tap calls so remove_tap can wait them out. */
	pthread_mutex_t lock;
	pthread_cond_t taps_idle;
	unsigned taps_running;
	struct chardev_tap taps[CHARDEV_MAX_TAPS];
	int ntaps;
	chardev_data_fn sink;
	void *sink_opaque;

	/* chardev_share_stdout, guarded by lock: a partial line held back
	 * (since part_ns), and whether the fd ends mid-line because one was
	 * flushed. */
	bool share;
	uint8_t part[1024];
	size_t part_len;
	uint64_t part_ns;
	bool mid_line;
	pthread_t flusher;           /* while share: writes stale partials */
	pthread_cond_t part_cond;    /* a partial line is held, or share ends */
};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Open a pty pair. We open the slave once ourselves and keep it: the line
 * stays in raw mode across clients, and the master does not see a hangup
 * (EIO) while no client is attached. */
static int open_pty(struct chardev *cd, char *err, size_t errlen)
{
	struct termios tio;
	int master;

	master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (master < 0) {
		set_err(err, errlen, "posix_openpt: %s", strerror(errno));
		return -1;
	}
	if (grantpt(master) || unlockpt(master) ||
	    ptsname_r(master, cd->path, sizeof(cd->path))) {
		set_err(err, errlen, "pty setup: %s", strerror(errno));
		close(master);
		return -1;
	}
	cd->slave_fd = open(cd->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (cd->slave_fd < 0) {
		set_err(err, errlen, "%s: %s", cd->path, strerror(errno));
		close(master);
		return -1;
	}
	if (tcgetattr(cd->slave_fd, &tio) == 0) {
		cfmakeraw(&tio);
		tcsetattr(cd->slave_fd, TCSANOW, &tio);
	}
	cd->out_fd = master;
	atomic_store(&cd->in_fd, master);
	return 0;
}

static int open_file(struct chardev *cd, const char *path, char *err,
		     size_t errlen)
{
	if (!*path) {
		set_err(err, errlen, "file: needs a path (file:PATH)");
		return -1;
	}
	if (strlen(path) >= sizeof(cd->path)) {
		set_err(err, errlen, "file: path too long");
		return -1;
	}
	cd->out_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (cd->out_fd < 0) {
		set_err(err, errlen, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	strcpy(cd->path, path);
	return 0;
}

struct chardev *chardev_open(const char *spec, char *err, size_t errlen)
{
	struct chardev *cd;
	int rc;

	if (!spec) {
		set_err(err, errlen, "no chardev given");
		return NULL;
	}
	cd = calloc(1, sizeof(*cd));
	if (!cd) {
		set_err(err, errlen, "out of memory");
		return NULL;
	}
	cd->out_fd = cd->slave_fd = -1;
	atomic_init(&cd->in_fd, -1);
	if (strcmp(spec, "pty") == 0) {
		cd->kind = CHARDEV_PTY;
		rc = open_pty(cd, err, errlen);
	} else if (strcmp(spec, "stdio") == 0) {
		/* Whether stdin is actually polled is the caller's choice:
		 * the monitor may own the terminal. */
		cd->kind = CHARDEV_STDIO;
		strcpy(cd->path, "stdio");
		cd->out_fd = STDOUT_FILENO;
		atomic_store(&cd->in_fd, STDIN_FILENO);
		rc = 0;
	} else if (strncmp(spec, "file:", 5) == 0) {
		cd->kind = CHARDEV_FILE;
		rc = open_file(cd, spec + 5, err, errlen);
	} else {
		set_err(err, errlen,
			"unknown chardev '%s' (want pty, stdio or file:PATH)",
			spec);
		rc = -1;
	}
	if (rc) {
		free(cd);
		return NULL;
	}
	pthread_mutex_init(&cd->lock, NULL);
	pthread_cond_init(&cd->taps_idle, NULL);
	/* CLOCK_MONOTONIC, as part_ns. */
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&cd->part_cond, &ca);
	pthread_condattr_destroy(&ca);
	return cd;
}

void chardev_close(struct chardev *cd)
{
	if (!cd)
		return;
	chardev_share_stdout(cd, false);
	if (cd->kind != CHARDEV_STDIO)
		close(cd->out_fd);
	if (cd->slave_fd >= 0)
		close(cd->slave_fd);
	pthread_cond_destroy(&cd->taps_idle);
	pthread_cond_destroy(&cd->part_cond);
	pthread_mutex_destroy(&cd->lock);
	free(cd);
}

void chardev_redirect_output(struct chardev *cd, int fd)
{
	pthread_mutex_lock(&cd->lock);
	cd->out_fd = fd;
	pthread_mutex_unlock(&cd->lock);
}

enum chardev_kind chardev_kind(const struct chardev *cd)
{
	return cd->kind;
}

const char *chardev_path(const struct chardev *cd)
{
	return cd->path;
}

size_t chardev_write_fd(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		p += n;
		len -= (size_t)n;
	}
	return len;
}

/* What cannot be written is dropped and counted. */
static void write_out(struct chardev *cd, const uint8_t *buf, size_t len)
{
	size_t left = chardev_write_fd(cd->out_fd, buf, len);

	if (left)
		atomic_fetch_add(&cd->dropped, left);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void write_part_locked(struct chardev *cd)
{
	write_out(cd, cd->part, cd->part_len);
	cd->mid_line = cd->part_len && cd->part[cd->part_len - 1] != '\n';
	cd->part_len = 0;
}

/* Whole lines out, the rest held (chardev_share_stdout). lock held. */
static void write_shared_locked(struct chardev *cd, const uint8_t *buf, size_t len)
{
	const uint8_t *nl = memrchr(buf, '\n', len);

	if (nl) {
		size_t whole = (size_t)(nl - buf) + 1;
		if (cd->part_len)
			write_out(cd, cd->part, cd->part_len);
		cd->part_len = 0;
		write_out(cd, buf, whole);
		cd->mid_line = false;
		buf += whole;
		len -= whole;
	}
	while (len) {
		size_t room = sizeof(cd->part) - cd->part_len;
		size_t n = len < room ? len : room;
		if (!cd->part_len) {
			cd->part_ns = now_ns();
			pthread_cond_signal(&cd->part_cond);
		}
		memcpy(cd->part + cd->part_len, buf, n);
		cd->part_len += n;
		buf += n;
		len -= n;
		if (cd->part_len == sizeof(cd->part))
			write_part_locked(cd);
	}
}

/* Writes a held partial line once it is CHARDEV_PARTIAL_MS old. */
static void *flusher_main(void *opaque)
{
	struct chardev *cd = opaque;

	pthread_mutex_lock(&cd->lock);
	while (cd->share) {
		if (!cd->part_len) {
			pthread_cond_wait(&cd->part_cond, &cd->lock);
			continue;
		}
		uint64_t due = cd->part_ns + CHARDEV_PARTIAL_MS * 1000000ull, now = now_ns();
		if (now >= due) {
			write_part_locked(cd);
			continue;
		}
		struct timespec ts = { .tv_sec = (time_t)(due / 1000000000u),
				       .tv_nsec = (long)(due % 1000000000u) };
		pthread_cond_timedwait(&cd->part_cond, &cd->lock, &ts);
	}
	pthread_mutex_unlock(&cd->lock);
	return NULL;
}

int chardev_share_stdout(struct chardev *cd, bool on)
{
	if (cd->kind != CHARDEV_STDIO || on == cd->share)
		return 0;
	pthread_mutex_lock(&cd->lock);
	cd->share = on;
	if (!on && cd->part_len)
		write_part_locked(cd);
	pthread_cond_broadcast(&cd->part_cond);
	pthread_mutex_unlock(&cd->lock);
	if (!on)
		return pthread_join(cd->flusher, NULL) ? -1 : 0;
	if (pthread_create(&cd->flusher, NULL, flusher_main, cd) == 0)
		return 0;
	pthread_mutex_lock(&cd->lock);
	cd->share = false;
	pthread_mutex_unlock(&cd->lock);
	return -1;
}

void chardev_print_shared(struct chardev *cd, int fd, const char *text, size_t len)
{
	pthread_mutex_lock(&cd->lock);
	/* The console's own line is ended, where it is (monitor errors go to
	 * stderr, the console to stdout: often the same terminal or file). */
	if (cd->mid_line && write(cd->out_fd, "\n", 1) == 1)
		cd->mid_line = false;
	chardev_write_fd(fd, text, len);
	pthread_mutex_unlock(&cd->lock);
}

void chardev_write(struct chardev *cd, const void *buf, size_t len)
{
	struct chardev_tap taps[CHARDEV_MAX_TAPS];
	int ntaps;

	if (!len)
		return;
	pthread_mutex_lock(&cd->lock);
	if (cd->share)
		write_shared_locked(cd, buf, len);
	else
		write_out(cd, buf, len);
	ntaps = cd->ntaps;
	memcpy(taps, cd->taps, sizeof(taps[0]) * (size_t)ntaps);
	if (ntaps)
		cd->taps_running++;
	pthread_mutex_unlock(&cd->lock);

	if (!ntaps)
		return;
	for (int i = 0; i < ntaps; i++)
		taps[i].fn(taps[i].opaque, buf, len);
	pthread_mutex_lock(&cd->lock);
	if (--cd->taps_running == 0)
		pthread_cond_broadcast(&cd->taps_idle);
	pthread_mutex_unlock(&cd->lock);
}

unsigned long chardev_dropped(const struct chardev *cd)
{
	return atomic_load(&cd->dropped);
}

int chardev_add_tap(struct chardev *cd, chardev_data_fn fn, void *opaque)
{
	int rc = -1;

	if (!fn)
		return -1;
	pthread_mutex_lock(&cd->lock);
	if (cd->ntaps < CHARDEV_MAX_TAPS) {
		cd->taps[cd->ntaps++] = (struct chardev_tap){ fn, opaque };
		rc = 0;
	}
	pthread_mutex_unlock(&cd->lock);
	return rc;
}

/* On return no writer is still calling the removed tap, so its opaque may
 * be freed. Must not be called from inside a tap (it would wait on itself). */
void chardev_remove_tap(struct chardev *cd, chardev_data_fn fn, void *opaque)
{
	pthread_mutex_lock(&cd->lock);
	for (int i = 0; i < cd->ntaps; i++) {
		if (cd->taps[i].fn == fn && cd->taps[i].opaque == opaque) {
			memmove(&cd->taps[i], &cd->taps[i + 1],
				sizeof(cd->taps[0]) * (size_t)(cd->ntaps - i - 1));
			cd->ntaps--;
			break;
		}
	}
	while (cd->taps_running)
		pthread_cond_wait(&cd->taps_idle, &cd->lock);
	pthread_mutex_unlock(&cd->lock);
}

int chardev_input_fd(const struct chardev *cd)
{
	return atomic_load(&cd->in_fd);
}

void chardev_set_input_sink(struct chardev *cd, chardev_data_fn fn,
			    void *opaque)
{
	pthread_mutex_lock(&cd->lock);
	cd->sink = fn;
	cd->sink_opaque = opaque;
	pthread_mutex_unlock(&cd->lock);
}

void chardev_inject_input(struct chardev *cd, const uint8_t *buf, size_t len)
{
	chardev_data_fn sink;
	void *opaque;

	pthread_mutex_lock(&cd->lock);
	sink = cd->sink;
	opaque = cd->sink_opaque;
	pthread_mutex_unlock(&cd->lock);
	if (sink && len)
		sink(opaque, buf, len);
}

/* One read per call: the I/O thread's poll is level-triggered and calls
 * again while more is pending. On end of file or a hard error the input
 * is closed for good and chardev_input_fd returns -1 from then on, so the
 * caller can stop polling a descriptor that would stay readable forever.
 * (A pty master never reaches that: we hold its slave open.) */
void chardev_handle_input(struct chardev *cd)
{
	uint8_t buf[INPUT_CHUNK];
	int fd = chardev_input_fd(cd);
	ssize_t n;

	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf));
	if (n > 0) {
		chardev_inject_input(cd, buf, (size_t)n);
		return;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	atomic_store(&cd->in_fd, -1);
}
