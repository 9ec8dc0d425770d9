/* SPDX-License-Identifier: GPL-3.0-or-later */
/* After an emulation failure (docs/design.md 1: an instruction KVM's
 * emulator cannot run) the vCPU cannot go on: KVM_RUN would stop on the same
 * instruction again. The monitor remembers where each vCPU failed, refuses
 * run and step there with a line saying so and what to do instead (`skip`
 * the instruction, `jump ADDR`, or inspect), and lets them go once RIP or
 * the instruction's bytes have changed. */
#ifndef HVMON_MONITOR_EMU_FAIL_H
#define HVMON_MONITOR_EMU_FAIL_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/vm.h"

struct monitor;
struct vcpu;

struct emu_fail {
	bool valid;
	uint64_t rip;          /* linear, as the stop event gives it */
	int insn_len;          /* bytes KVM fetched (0: none given) */
	uint8_t insn[16];
};

/* Remember an emulation-failure stop event (others are ignored). */
void emu_fail_note(struct monitor *mon, const struct vm_stop_event *ev);
/* True, after one error line, when v is still at its failed instruction:
 * what (run, step ...) cannot go on. */
bool emu_fail_stuck(struct monitor *mon, struct vcpu *v, const char *what);
/* Any paused vCPU stuck so (for run, which resumes every vCPU). */
bool emu_fail_any_stuck(struct monitor *mon, const char *what);

#endif
