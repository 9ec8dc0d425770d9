// SPDX-License-Identifier: GPL-3.0-or-later
/* The monitor's input loop. Interactive use goes through readline's
 * callback interface so stop events and other asynchronous messages can
 * be printed without mangling the line being typed; scripts and batch
 * input are read line by line. Either way the loop polls the machine's
 * event fd alongside its input. */
#include "monitor/monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <poll.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "boot/boot.h"
#include "dev/chardev.h"
#include "monitor/bp_hit.h"
#include "monitor/commands.h"
#include "monitor/complete.h"
#include "monitor/console_watch.h"
#include "monitor/disas.h"
#include "monitor/gdb_stub.h"
#include "monitor/mon_frames.h"
#include "monitor/mon_symbols.h"
#include "monitor/symtab.h"
#include "monitor/term_fg.h"
#include "vmm/deferred_stop.h"
#include "monitor/parse.h"
#include "vmm/deadline.h"
#include "dev/virtio/virtio_trace.h"
#include "vmm/exit_trace.h"
#include "vmm/vcpu.h"

#define MON_PROMPT "(hvmon) "
#define MON_HISTORY_FILE ".hvmon_history"
#define MON_HISTORY_MAX 1000

static struct monitor *rl_monitor;   /* readline's callbacks take no context */
static int sigint_pipe[2] = { -1, -1 };

/* Ctrl-C at the prompt pauses a running guest, as in gdb; the handler only
 * wakes the input loop (a write is async-signal-safe). */
static void mon_on_sigint(int sig)
{
	(void)sig;
	char c = 1;
	if (write(sigint_pipe[1], &c, 1) < 0) {
		/* The pipe is full: a wake-up is already pending. */
	}
}

static void mon_install_sigint(void)
{
	if (pipe2(sigint_pipe, O_NONBLOCK | O_CLOEXEC) < 0)
		return;
	struct sigaction sa = { .sa_handler = mon_on_sigint };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
}

/* Consume a pending Ctrl-C; true when there was one. */
bool mon_take_sigint(void)
{
	char buf[16];
	bool any = false;
	while (sigint_pipe[0] >= 0 && read(sigint_pipe[0], buf, sizeof(buf)) > 0)
		any = true;
	return any;
}

bool mon_wait_until_stopped_quiet(struct monitor *mon, double timeout_s)
{
	struct vm *vm = &mon->m->vm;
	struct timespec deadline = deadline_after(CLOCK_MONOTONIC, timeout_s);
	bool interrupted = false;
	for (;;) {
		struct timespec ts = deadline_after(CLOCK_REALTIME, 0.100);
		pthread_mutex_lock(&vm->ctl_lock);
		bool running = false;
		for (int i = 0; i < vm->nvcpus; i++)
			running |= vm->vcpu[i]->want_run;
		if (running)
			pthread_cond_timedwait(&vm->ctl_cond, &vm->ctl_lock, &ts);
		pthread_mutex_unlock(&vm->ctl_lock);
		/* A hit that does not stop (its condition false) runs on. */
		if (!running && !mon_decide_hits(mon))
			break;
		if (!running)
			continue;
		if (mon_take_sigint()) {
			mon_printf(mon, "^C\n");
			char *args[] = { "pause", NULL };
			cmd_pause(mon, 1, args);
			interrupted = true;
			break;
		}
		if (timeout_s > 0 && deadline_passed(CLOCK_MONOTONIC, &deadline)) {
			mon_printf(mon, "no stop within %g s: pausing\n", timeout_s);
			char *args[] = { "pause", NULL };
			cmd_pause(mon, 1, args);
			interrupted = true;
			break;
		}
	}
	vcpu_pause_all(vm);   /* returns once every vCPU has parked */
	return interrupted;
}

static void mon_handle_sigint(struct monitor *mon)
{
	mon_take_sigint();
	/* A hit being decided (bp_hit.h) is the guest running: pause it. */
	if (vm_is_running(&mon->m->vm) || vm_any_deferred(&mon->m->vm)) {
		rl_save_prompt();
		rl_clear_visible_line();
		char *args[] = { "pause", NULL };
		mon_printf(mon, "^C\n");
		cmd_pause(mon, 1, args);
		rl_restore_prompt();
	} else {
		mon_printf(mon, "^C\n");
		rl_replace_line("", 0);
	}
	rl_forced_update_display();
}

/* Monitor text on f; between the console's lines when they share the
 * terminal or file (chardev_share_stdout). */
static void mon_vprint(struct monitor *mon, FILE *f, const char *prefix, const char *fmt,
		       va_list ap, const char *suffix)
{
	if (mon->capture)
		f = mon->capture;
	if (!mon->shared_stdout || mon->capture) {
		fputs(prefix, f);
		vfprintf(f, fmt, ap);
		fputs(suffix, f);
		fflush(f);
		return;
	}
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (!m)
		return;
	fputs(prefix, m);
	vfprintf(m, fmt, ap);
	fputs(suffix, m);
	fclose(m);
	fflush(f);
	chardev_print_shared(mon->m->console, fileno(f), text, len);
	free(text);
}

void mon_printf(struct monitor *mon, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	mon_vprint(mon, mon->out, "", fmt, ap, "");
	va_end(ap);
}

int mon_error(struct monitor *mon, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	mon_vprint(mon, mon->batch ? stderr : mon->out, "error: ", fmt, ap, "\n");
	va_end(ap);
	return -1;
}

/* A fault's stop line with <symbol+off> after its rip=0x..., as every
 * other stop line has (the vmm layer that wrote the text has no symbols). */
static void mon_print_stop_text(struct monitor *mon, const struct vm_stop_event *ev)
{
	char sym[160];
	const char *at = strstr(ev->text, "rip=0x");

	mon_symbolize(mon, ev->rip, sym, sizeof(sym));
	if (ev->kind != STOP_FAULT || !at || !sym[0]) {
		mon_printf(mon, "%s\n", ev->text);
		return;
	}
	at += strlen("rip=0x");
	at += strspn(at, "0123456789abcdef");
	mon_printf(mon, "%.*s <%s>%s\n", (int)(at - ev->text), ev->text, sym, at);
}

static void mon_print_event(struct monitor *mon, const struct vm_stop_event *ev)
{
	if ((ev->kind == STOP_BREAKPOINT || ev->kind == STOP_STEP ||
	     ev->kind == STOP_WATCHPOINT) && ev->vcpu >= 0 && ev->vcpu < mon->m->vm.nvcpus) {
		if (ev->kind != STOP_STEP)
			mon_printf(mon, "%s\n", ev->text);
		mon_print_location(mon, mon->m->vm.vcpu[ev->vcpu]);
		if (ev->kind == STOP_BREAKPOINT)
			mon_tbreak_hit(mon, ev->bp_id);         /* cmd_tbreak.c */
		return;
	}
	mon_print_stop_text(mon, ev);
	emu_fail_note(mon, ev);
	if (ev->insn_len > 0) {
		char hex[3 * 16 + 1] = "";
		for (int i = 0; i < ev->insn_len; i++)
			snprintf(hex + 3 * i, sizeof(hex) - 3 * (size_t)i, "%02x ", ev->insn[i]);
		char text[128];
		if (disas_one(ev->insn, (size_t)ev->insn_len, ev->rip, ev->cpu_bits,
			      text, sizeof(text)) > 0)
			mon_printf(mon, "  bytes: %s\n  insn:  %s\n", hex, text);
		else
			mon_printf(mon, "  bytes: %s\n  insn:  (not decodable)\n", hex);
		mon_show_displays(mon);         /* a fault stop, the vCPU parked */
	}
	if (ev->kind == STOP_FAULT && ev->vcpu >= 0 && ev->vcpu < VM_MAX_VCPUS &&
	    mon->emu_fail[ev->vcpu].valid)
		mon_printf(mon, "  this vCPU cannot go on from here: 'skip' moves past the "
			   "instruction, 'jump ADDR' resumes elsewhere\n");
}

void mon_show_events(struct monitor *mon)
{
	uint64_t n;
	if (read(mon->m->vm.event_fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return;
	struct vm_stop_event ev;
	bool any = false, cleared = false;
	/* Inside a command the prompt is not on screen: print plainly. */
	bool redraw = mon->readline && !mon->in_command;
	/* The hits that stop join the queue; deciding may say why first. */
	if (vm_any_deferred(&mon->m->vm)) {
		if (redraw) {
			rl_save_prompt();
			rl_clear_visible_line();
			cleared = true;
		}
		mon_decide_hits(mon);
	}
	while (vm_take_event(&mon->m->vm, &ev)) {
		if (redraw && !cleared) {
			rl_save_prompt();
			rl_clear_visible_line();
			cleared = true;
		}
		/* As gdb switches to the thread that stopped: the vCPU whose
		 * breakpoint, step or fault stopped the machine becomes the
		 * selected one (the first such event; the others follow it). */
		if (!any && ev.vcpu >= 0 && ev.vcpu < mon->m->vm.nvcpus &&
		    ev.vcpu != mon->selected_cpu && ev.kind != STOP_PAUSE &&
		    ev.kind != STOP_GUEST_END) {
			mon->selected_cpu = ev.vcpu;
			mon_printf(mon, "[switching to vCPU %d]\n", ev.vcpu);
		}
		any = true;
		mon_print_event(mon, &ev);
	}
	if (cleared) {
		rl_restore_prompt();
		rl_forced_update_display();
	}
	/* Batch mode ends with the guest (reset, power-off, triple fault):
	 * at the next command that is not a wait (mon_execute_line), or at
	 * once when no command is on its way (mon_input_loop). */
	if (any && mon->batch && !mon->quit) {
		pthread_mutex_lock(&mon->m->vm.ctl_lock);
		bool ended = mon->m->vm.end != VM_END_NONE;
		pthread_mutex_unlock(&mon->m->vm.ctl_lock);
		if (ended)
			mon->guest_ended_batch = true;
	}
}

void mon_drop_events(struct monitor *mon)
{
	uint64_t n;
	struct vm_stop_event ev;
	if (read(mon->m->vm.event_fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return;
	while (vm_take_event(&mon->m->vm, &ev))
		;
}

int mon_execute(struct monitor *mon, char *line)
{
	char *argv[PARSE_MAX_ARGS];
	char err[128];
	int argc = parse_split(line, argv, PARSE_MAX_ARGS, err, sizeof(err));
	if (argc < 0)
		return mon_error(mon, "%s", err);
	if (argc == 0)
		return 0;
	/* "x/16xg": the format rides on the command word, as in gdb. */
	char name[32];
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(argv[0], "/"), argv[0]);
	const struct mon_command *c = mon_find_command(name);
	if (!c)
		return mon_error(mon, "unknown command '%s' (try 'help')", name);
	if (strchr(argv[0], '/') && !c->takes_format)
		return mon_error(mon, "'%s' takes no /FORMAT", c->name);
	return c->fn(mon, argc, argv);
}

/* `wait`, whose word starts LINE: what a script says next to `run` to
 * see the guest's last output, however soon the guest then ended. */
static bool mon_line_is_wait(const char *line)
{
	line += strspn(line, " \t");
	return !strncmp(line, "wait", 4) && (!line[4] || strchr(" \t\n", line[4]));
}

/* In batch mode a failing command ends hvmon with the usage status, and
 * so does the guest's end, before any command but a wait (which then
 * finds the text the guest printed before it ended, or reports the end). */
static void mon_execute_line(struct monitor *mon, char *line)
{
	if (mon->guest_ended_batch && !mon_line_is_wait(line)) {
		if (!line[strspn(line, " \t\n")])
			return;   /* a blank line is no command */
		mon->batch_line_dropped = true;
		mon->quit = true;
		return;
	}
	/* A command sees the machine running or stopped, not a hit still
	 * being decided (a pause typed then would be undone by the resume). */
	mon_decide_hits(mon);
	mon->in_command = true;
	int rc = mon_execute(mon, line);
	mon->in_command = false;
	if (rc < 0 && mon->batch) {
		mon->quit = true;
		mon->exit_status = HVMON_EXIT_USAGE;
	}
	mon_show_events(mon);
	mon_drain_trace(mon);
}

static int mon_run_script(struct monitor *mon, const char *path)
{
	FILE *f = fopen(path, "r");
	struct stat st;
	if (!f || fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "hvmon: cannot read script %s: %s\n", path,
			f ? "not a regular file" : strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	while (!mon->quit && getline(&line, &cap, f) >= 0)
		mon_execute_line(mon, line);
	/* Say so when the guest's end cut the script short. */
	if (mon->batch_line_dropped)
		fprintf(stderr, "hvmon: the guest has ended; batch mode exits, "
			"the rest of %s is not run\n", path);
	if (mon->guest_ended_batch)
		mon->quit = true;
	int failed = ferror(f);
	free(line);
	fclose(f);
	if (failed) {
		fprintf(stderr, "hvmon: error reading script %s\n", path);
		return -1;
	}
	return 0;
}

static void mon_rl_line(char *line)
{
	struct monitor *mon = rl_monitor;
	if (!line) {              /* Ctrl-D */
		/* As gdb: the prompt line reads "(hvmon) quit". Removing the
		 * handler here keeps readline from drawing a new prompt
		 * before the loop ends (its callback example does the same). */
		mon_printf(mon, "quit\n");
		rl_callback_handler_remove();
		mon->quit = true;
		return;
	}
	/* TAB completion leaves a trailing blank; history should not. */
	size_t n = strlen(line);
	while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		line[--n] = '\0';
	if (*line) {
		HIST_ENTRY *last = history_length ? history_get(history_base + history_length - 1) : NULL;
		if (!last || strcmp(last->line, line))
			add_history(line);
	}
	mon_execute_line(mon, line);
	free(line);
}

void mon_readline_suspend(struct monitor *mon)
{
	(void)mon;
	rl_callback_handler_remove();
}

void mon_readline_resume(struct monitor *mon)
{
	(void)mon;
	rl_callback_handler_install(MON_PROMPT, mon_rl_line);
}

static char *mon_history_path(void)
{
	const char *home = getenv("HOME");
	char *p = NULL;
	if (home && *home && asprintf(&p, "%s/%s", home, MON_HISTORY_FILE) < 0)
		p = NULL;
	return p;
}

/* Read commands from stdin without readline (pipes, batch input), one
 * complete line at a time, while still reacting to machine events. */
struct line_reader {
	char buf[4096];
	size_t len;
	bool eof;
	bool discarding;   /* inside an over-long line: drop up to its end */
};

static void mon_read_lines(struct monitor *mon, struct line_reader *lr)
{
	ssize_t n = read(0, lr->buf + lr->len, sizeof(lr->buf) - 1 - lr->len);
	if (n <= 0) {
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			return;
		lr->eof = true;
		if (lr->len) {           /* a last line without newline */
			lr->buf[lr->len] = '\0';
			lr->len = 0;
			mon_execute_line(mon, lr->buf);
		}
		return;
	}
	lr->len += (size_t)n;
	if (lr->discarding) {
		char *end = memchr(lr->buf, '\n', lr->len);
		if (!end) {
			lr->len = 0;
			return;
		}
		lr->discarding = false;
		lr->len -= (size_t)(end + 1 - lr->buf);
		memmove(lr->buf, end + 1, lr->len);
	}
	char *start = lr->buf, *nl;
	while (!mon->quit && (nl = memchr(start, '\n', lr->len - (size_t)(start - lr->buf)))) {
		*nl = '\0';
		mon_execute_line(mon, start);
		start = nl + 1;
	}
	lr->len -= (size_t)(start - lr->buf);
	memmove(lr->buf, start, lr->len);
	if (lr->len == sizeof(lr->buf) - 1) {
		mon_error(mon, "input line longer than %zu bytes, ignored", lr->len);
		lr->len = 0;
		lr->discarding = true;
		if (mon->batch) {
			mon->quit = true;
			mon->exit_status = HVMON_EXIT_USAGE;
		}
	}
}

/* Guest output of a stdio console, printed above the prompt line. Whole
 * lines go out at once; a partial line waits up to MON_PARTIAL_MS for its
 * end, so a line is not split around a redrawn prompt. */
#define MON_PARTIAL_MS 100

struct console_relay {
	int fd;
	char partial[1024];
	size_t len;
};

static void mon_print_above_prompt(struct monitor *mon, const char *buf, size_t n, bool end_line)
{
	rl_save_prompt();
	rl_clear_visible_line();
	fwrite(buf, 1, n, mon->out);
	if (end_line)
		fputc('\n', mon->out);
	fflush(mon->out);
	rl_restore_prompt();
	rl_forced_update_display();
}

static void mon_flush_console(struct monitor *mon, struct console_relay *cr);

static void mon_show_console(struct monitor *mon, struct console_relay *cr)
{
	ssize_t n = read(cr->fd, cr->partial + cr->len, sizeof(cr->partial) - cr->len);
	if (n <= 0)
		return;
	cr->len += (size_t)n;
	char *nl = memrchr(cr->partial, '\n', cr->len);
	if (nl) {
		size_t whole = (size_t)(nl - cr->partial) + 1;
		mon_print_above_prompt(mon, cr->partial, whole, false);
		memmove(cr->partial, nl + 1, cr->len - whole);
		cr->len -= whole;
	}
	if (cr->len == sizeof(cr->partial))
		mon_flush_console(mon, cr);
}

/* The rest of a line that did not end in time (a shell prompt, say). */
static void mon_flush_console(struct monitor *mon, struct console_relay *cr)
{
	if (cr->len)
		mon_print_above_prompt(mon, cr->partial, cr->len, true);
	cr->len = 0;
}

static void mon_input_loop(struct monitor *mon)
{
	struct line_reader lr = { .len = 0 };
	char *hist = NULL;
	int con_pipe[2] = { -1, -1 };
	struct console_relay relay = { .fd = -1 };
	struct term_fg fg = { .taken = false };
	if (mon->readline) {
		rl_monitor = mon;
		rl_readline_name = "hvmon";
		mon_complete_install(mon);
		/* Words end at blanks and expression operators; '$' starts a
		 * register name rather than ending a word. */
		rl_basic_word_break_characters = " \t\n\"=+-*/%&|^~<>()";
		hist = mon_history_path();
		stifle_history(MON_HISTORY_MAX);
		if (hist)
			read_history(hist);
		/* hvmon handles SIGINT itself (pause), readline must not. */
		rl_catch_signals = 0;
		mon_install_sigint();
		term_fg_take(&fg, 0);
		if (chardev_kind(mon->m->console) == CHARDEV_STDIO &&
		    pipe2(con_pipe, O_NONBLOCK | O_CLOEXEC) == 0) {
			chardev_redirect_output(mon->m->console, con_pipe[1]);
			relay.fd = con_pipe[0];
		}
		rl_callback_handler_install(MON_PROMPT, mon_rl_line);
	}
	while (!mon->quit && !lr.eof) {
		struct pollfd p[7] = {
			{ .fd = 0, .events = POLLIN },
			{ .fd = mon->m->vm.event_fd, .events = POLLIN },
			{ .fd = sigint_pipe[0], .events = POLLIN },
			{ .fd = con_pipe[0], .events = POLLIN },
			{ .fd = exit_trace_fd(), .events = POLLIN },
			{ .fd = virtio_trace_fd(), .events = POLLIN },
			{ .fd = gdb_stub_request_fd(mon->gdb), .events = POLLIN },
		};
		int rc = poll(p, 7, relay.len ? MON_PARTIAL_MS : -1);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (rc == 0)
			mon_flush_console(mon, &relay);
		if (p[1].revents & POLLIN)
			mon_show_events(mon);
		if (p[2].revents & POLLIN)
			mon_handle_sigint(mon);
		if (p[3].revents & POLLIN)
			mon_show_console(mon, &relay);
		if ((p[4].revents | p[5].revents) & POLLIN)
			mon_drain_trace(mon);
		if (p[6].revents & POLLIN) {
			gdb_stub_serve(mon->gdb, mon);
			mon_show_events(mon);
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (mon->readline)
				rl_callback_read_char();
			else
				mon_read_lines(mon, &lr);
		}
		if (mon->guest_ended_batch)
			mon->quit = true;
	}
	if (mon->readline) {
		rl_callback_handler_remove();
		if (hist)
			write_history(hist);
		free(hist);
		term_fg_restore(&fg);
	}
	if (con_pipe[0] >= 0) {
		chardev_redirect_output(mon->m->console, STDOUT_FILENO);
		close(con_pipe[0]);
		close(con_pipe[1]);
	}
}

/* Batch mode, after the last command: a running guest is waited for. */
static void mon_wait_for_guest(struct monitor *mon)
{
	struct vm *vm = &mon->m->vm;
	pthread_mutex_lock(&vm->ctl_lock);
	for (;;) {
		bool running = false;
		for (int i = 0; i < vm->nvcpus; i++)
			running |= vm->vcpu[i]->want_run;
		if (vm->end != VM_END_NONE)
			break;
		if (!running) {
			/* Unless a hit that does not stop lets it run on. */
			if (!mon_decide_hits_locked(mon))
				break;
			continue;
		}
		pthread_cond_wait(&vm->ctl_cond, &vm->ctl_lock);
	}
	pthread_mutex_unlock(&vm->ctl_lock);
	mon_show_events(mon);
}

static int mon_final_status(struct monitor *mon)
{
	if (mon->exit_status != HVMON_EXIT_OK || !mon->batch)
		return mon->exit_status;
	struct vm *vm = &mon->m->vm;
	pthread_mutex_lock(&vm->ctl_lock);
	bool abnormal = vm->faulted;
	pthread_mutex_unlock(&vm->ctl_lock);
	return abnormal ? HVMON_EXIT_ABNORMAL : HVMON_EXIT_OK;
}

int monitor_main(struct machine *m, const struct monitor_options *opt)
{
	struct monitor *mon = calloc(1, sizeof(*mon));
	if (!mon)
		return HVMON_EXIT_INTERNAL;
	mon->m = m;
	mon->out = stdout;
	mon->batch = opt->batch;
	mon->readline = !opt->batch && isatty(0) && isatty(1);
	/* Without a prompt, monitor output and a stdio console share stdout
	 * line by line (with one, mon_input_loop prints console lines above
	 * the prompt). */
	mon->shared_stdout = !mon->readline && chardev_kind(m->console) == CHARDEV_STDIO &&
			     chardev_share_stdout(m->console, true) == 0;
	console_watch_init(mon);
	mon->syms = mon_load_symbols(m, opt->symbols, stderr);
	mon->kern = mon_kernel_load(m, stderr);
	/* Symbols, ORC and BTF are copied out of the unpacked kernel image
	 * now; the image itself (63 MB for Debian's kernel) is not read again,
	 * so it does not stay resident for the VM's life. */
	boot_info_free(&m->boot);
	xfmt_init(&mon->xf);

	/* --symbols naming a file without symbols is bad input, as naming a
	 * missing one is (main checks that before the machine is made). */
	if (opt->symbols && !mon->syms) {
		mon->exit_status = HVMON_EXIT_USAGE;
		mon->quit = true;
	}
	if (opt->gdb && !mon->quit) {
		char err[256];
		mon->gdb = gdb_stub_start(mon, opt->gdb, GDB_ARCH_AUTO, err, sizeof(err));
		if (!mon->gdb) {
			fprintf(stderr, "hvmon: --gdb: %s\n", err);
			mon->quit = true;
			mon->exit_status = HVMON_EXIT_USAGE;
		} else {
			fprintf(stderr, "hvmon: gdb server on %s\n", gdb_stub_where(mon->gdb));
		}
	}
	if (!mon->quit) {
		if (opt->start_running)
			vcpu_resume_all(&m->vm);
		if (opt->script && mon_run_script(mon, opt->script) < 0)
			mon->exit_status = HVMON_EXIT_USAGE;
		else if (!mon->quit)
			mon_input_loop(mon);
	}
	if (mon->batch && mon->exit_status == HVMON_EXIT_OK && !mon->quit)
		mon_wait_for_guest(mon);

	gdb_stub_stop(mon->gdb);
	int status = mon_final_status(mon);
	if (mon->shared_stdout)
		chardev_share_stdout(m->console, false);
	console_watch_fini(mon);
	symtab_free(mon->syms);
	mon_kernel_free(mon->kern);
	free(mon);
	return status;
}
