// SPDX-License-Identifier: GPL-3.0-or-later
/* Execution control and scripting: run, pause, wait, sleep, echo, quit. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "monitor/bp_hit.h"
#include "monitor/commands.h"
#include "monitor/console_watch.h"
#include "monitor/parse.h"
#include "vmm/deadline.h"
#include "vmm/vcpu.h"

#define WAIT_DEFAULT_SECONDS 60.0

static int no_args(struct monitor *mon, int argc, char **argv)
{
	if (argc > 1)
		return mon_error(mon, "'%s' takes no arguments", argv[0]);
	return 0;
}

int cmd_run(struct monitor *mon, int argc, char **argv)
{
	if (no_args(mon, argc, argv))
		return -1;
	struct vm *vm = &mon->m->vm;
	if (vm_is_running(vm)) {
		mon_printf(mon, "already running\n");
		return 0;
	}
	if (emu_fail_any_stuck(mon, "run"))
		return -1;
	if (!vcpu_resume_all(vm)) {
		pthread_mutex_lock(&vm->ctl_lock);
		enum vm_end end = vm->end;
		pthread_mutex_unlock(&vm->ctl_lock);
		return mon_error(mon, "the guest has ended (%s); nothing to run", vm_end_name(end));
	}
	return 0;
}

int cmd_pause(struct monitor *mon, int argc, char **argv)
{
	if (no_args(mon, argc, argv))
		return -1;
	struct vm *vm = &mon->m->vm;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int were_running = vcpu_pause_all(vm);
	/* A vCPU whose hit awaits its condition (bp_hit.h) stopped by
	 * itself, just before: the pause wins over the resume it may get. */
	if (mon_settle_hits(mon))
		were_running++;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (were_running == 0) {
		mon_printf(mon, "already paused\n");
		return 0;
	}
	vm_note_user_pause(vm);   /* `wait stop` now reports this pause */
	/* How long the kick took to park every vCPU: the latency a user
	 * feels, and what the tests hold to docs/design.md's promise. */
	double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	uint64_t rip;
	int bits;
	char sym[160];
	if (vcpu_linear_rip(vm->vcpu[mon->selected_cpu], &rip, &bits) == 0) {
		mon_symbolize(mon, rip, sym, sizeof(sym));
		mon_printf(mon, "paused: vcpu=%d rip=0x%llx%s%s%s parked_ms=%.3f\n",
			   mon->selected_cpu, (unsigned long long)rip, sym[0] ? " <" : "", sym,
			   sym[0] ? ">" : "", ms);
	} else {
		mon_printf(mon, "paused: parked_ms=%.3f\n", ms);
	}
	return 0;
}

int cmd_quit(struct monitor *mon, int argc, char **argv)
{
	if (no_args(mon, argc, argv))
		return -1;
	mon->quit = true;
	return 0;
}

static int wait_stop(struct monitor *mon, double timeout)
{
	struct vm *vm = &mon->m->vm;
	struct timespec deadline = deadline_after(CLOCK_REALTIME, timeout);
	pthread_mutex_lock(&vm->ctl_lock);
	int rc = 0;
	for (;;) {
		/* Until every vCPU has parked, not only been told to: one whose
		 * KVM_RUN came back with a breakpoint of its own after the stop
		 * request posts that event before it parks. */
		bool running = false;
		for (int i = 0; i < vm->nvcpus; i++)
			running |= vm->vcpu[i]->want_run || vm->vcpu[i]->state == VCPU_RUNNING;
		if (!running) {
			/* A hit that does not stop (its condition false) runs on. */
			if (!mon_decide_hits_locked(mon))
				break;
			continue;
		}
		if (pthread_cond_timedwait(&vm->ctl_cond, &vm->ctl_lock, &deadline) == ETIMEDOUT) {
			rc = -1;
			break;
		}
	}
	struct vm_stop_event last = vm->last_stop;
	bool ever = vm->stop_seq > 0;
	pthread_mutex_unlock(&vm->ctl_lock);
	if (rc < 0)
		return mon_error(mon, "wait stop: the guest is still running after %g s", timeout);
	mon_show_events(mon);
	static const char *const kinds[] = {
		[STOP_NONE] = "none", [STOP_PAUSE] = "pause", [STOP_STEP] = "step",
		[STOP_BREAKPOINT] = "breakpoint", [STOP_FAULT] = "fault",
		[STOP_GUEST_END] = "guest-end", [STOP_WATCHPOINT] = "watchpoint",
	};
	/* A guest's end or a device's write stopped no vCPU at an instruction. */
	if (ever && (last.kind == STOP_GUEST_END || last.vcpu < 0))
		mon_printf(mon, "stopped: reason=%s\n", kinds[last.kind]);
	else if (ever)
		mon_printf(mon, "stopped: reason=%s rip=0x%llx\n", kinds[last.kind],
			   (unsigned long long)last.rip);
	else
		mon_printf(mon, "stopped: reason=pause\n");
	return 0;
}

int cmd_wait(struct monitor *mon, int argc, char **argv)
{
	if (argc < 2 || argc > 3)
		return mon_error(mon, "usage: wait \"TEXT\" [SECONDS] | wait stop [SECONDS]");
	double timeout = WAIT_DEFAULT_SECONDS;
	if (argc == 3 && !parse_seconds(argv[2], &timeout))
		return mon_error(mon, "wait: bad timeout '%s' (seconds up to a year, e.g. 30 or 0.5)",
				 argv[2]);
	if (!strcmp(argv[1], "stop"))
		return wait_stop(mon, timeout);
	if (!argv[1][0])
		return mon_error(mon, "wait: empty text");
	switch (console_watch_wait(mon, argv[1], timeout)) {
	case WAIT_FOUND:
		mon_printf(mon, "found: \"%s\"\n", argv[1]);
		return 0;
	case WAIT_TIMEOUT:
		return mon_error(mon, "wait: \"%s\" did not appear within %g s", argv[1], timeout);
	case WAIT_GUEST_STOPPED:
		mon_show_events(mon);
		return mon_error(mon, "wait: the guest is not running (stopped, ended or never "
				 "started) and \"%s\" has not appeared", argv[1]);
	}
	return -1;
}

int cmd_sleep(struct monitor *mon, int argc, char **argv)
{
	uint64_t ms;
	if (argc != 2 || !parse_u64(argv[1], &ms) || ms > 3600ULL * 1000)
		return mon_error(mon, "usage: sleep MILLISECONDS (at most one hour)");
	/* The guest runs on meanwhile, so a hit waiting for its condition
	 * (bp_hit.h) is decided as it comes, not after the sleep. The
	 * stops themselves are shown once the command is done. */
	struct timespec deadline = deadline_after(CLOCK_MONOTONIC, (double)ms / 1000.0);
	while (!deadline_passed(CLOCK_MONOTONIC, &deadline)) {
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		long long left = (long long)(deadline.tv_sec - now.tv_sec) * 1000 +
				 (deadline.tv_nsec - now.tv_nsec) / 1000000 + 1;
		struct pollfd p = { .fd = mon->m->vm.event_fd, .events = POLLIN };
		uint64_t n;
		if (poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left) > 0 &&
		    read(mon->m->vm.event_fd, &n, sizeof(n)) == (ssize_t)sizeof(n))
			mon_decide_hits(mon);
	}
	return 0;
}

int cmd_echo(struct monitor *mon, int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		mon_printf(mon, "%s%s", i > 1 ? " " : "", argv[i]);
	mon_printf(mon, "\n");
	return 0;
}
