// SPDX-License-Identifier: GPL-3.0-or-later
/* Conditional breakpoints and ignore counts: gdb's stop decision
 * (vmm/bp_decide.c), the `break LOCATION if EXPR` split
 * (monitor/break_if.c), the rules kept with a breakpoint, and the vmm's
 * deferred hits (vmm/deferred_stop.c) on a machine without KVM. */
#include <stdio.h>
#include <string.h>

#include "monitor/break_if.h"
#include "fake_vm.h"
#include "unit.h"
#include "vmm/bp_decide.h"
#include "vmm/deferred_stop.h"
#include "vmm/vcpu.h"

/* gdb: a false condition neither stops nor counts. */
START_TEST(false_condition_runs_on_uncounted)
{
	struct bp_counts c = { .hits = 2, .ignore = 1 };
	ck_assert(!bp_decide(&c, BP_COND_FALSE));
	ck_assert_uint_eq(c.hits, 2);
	ck_assert_uint_eq(c.ignore, 1);
}
END_TEST

START_TEST(true_or_no_condition_stops_and_counts)
{
	struct bp_counts c = { 0, 0 };
	ck_assert(bp_decide(&c, BP_COND_NONE));
	ck_assert(bp_decide(&c, BP_COND_TRUE));
	ck_assert_uint_eq(c.hits, 2);
}
END_TEST

/* `ignore 1 3`: hits 1-3 pass (counted, as gdb counts them), the 4th stops. */
START_TEST(ignore_three_stops_on_the_fourth)
{
	struct bp_counts c = { .hits = 0, .ignore = 3 };
	for (int i = 1; i <= 3; i++) {
		ck_assert(!bp_decide(&c, BP_COND_NONE));
		ck_assert_uint_eq(c.hits, (unsigned long)i);
		ck_assert_uint_eq(c.ignore, 3ul - (unsigned long)i);
	}
	ck_assert(bp_decide(&c, BP_COND_NONE));
	ck_assert_uint_eq(c.hits, 4);
	ck_assert_uint_eq(c.ignore, 0);
}
END_TEST

/* The ignore count is used up by hits whose condition held only:
 * `break f if $rdi >= 1` with `ignore 1 2` over $rdi = 0, 1, 2, 3 stops at 3. */
START_TEST(ignore_counted_after_the_condition)
{
	struct bp_counts c = { .hits = 0, .ignore = 2 };
	bool stops[4];
	for (unsigned rdi = 0; rdi < 4; rdi++)
		stops[rdi] = bp_decide(&c, rdi >= 1 ? BP_COND_TRUE : BP_COND_FALSE);
	ck_assert(!stops[0] && !stops[1] && !stops[2] && stops[3]);
	ck_assert_uint_eq(c.hits, 3);
}
END_TEST

/* An error counts as true (gdb prints it and stops), ignore counts still
 * apply to it. */
START_TEST(error_is_a_true_condition)
{
	struct bp_counts c = { .hits = 0, .ignore = 1 };
	ck_assert(!bp_decide(&c, BP_COND_ERROR));
	ck_assert(bp_decide(&c, BP_COND_ERROR));
	ck_assert_uint_eq(c.hits, 2);
}
END_TEST

/* parse_split's words for a line (the command word dropped). */
static int words(char *line, char **w)
{
	int n = 0;
	for (char *t = strtok(line, " "); t && n < 16; t = strtok(NULL, " "))
		w[n++] = t;
	return n;
}

START_TEST(parse_location_and_condition)
{
	char line[] = "count_step if $rdi == 5";
	char *w[16];
	struct break_args ba;
	char err[128];
	int n = words(line, w);
	ck_assert_int_eq(break_if_parse(n, w, &ba, err, sizeof(err)), 0);
	ck_assert_str_eq(ba.location, "count_step");
	ck_assert_str_eq(ba.cond, "$rdi == 5");

	char plain[] = "start_kernel+0x10";
	n = words(plain, w);
	ck_assert_int_eq(break_if_parse(n, w, &ba, err, sizeof(err)), 0);
	ck_assert_str_eq(ba.location, "start_kernel+0x10");
	ck_assert_str_eq(ba.cond, "");
}
END_TEST

/* "if" inside a name never splits: ifup, notify, ifup+4; a condition
 * may name such symbols too. */
START_TEST(parse_if_inside_names)
{
	char *w[16];
	struct break_args ba;
	char err[128];
	char a[] = "ifup";
	int n = words(a, w);
	ck_assert_int_eq(break_if_parse(n, w, &ba, err, sizeof(err)), 0);
	ck_assert_str_eq(ba.location, "ifup");
	ck_assert_str_eq(ba.cond, "");

	char b[] = "ifup if ifindex == notify";
	n = words(b, w);
	ck_assert_int_eq(break_if_parse(n, w, &ba, err, sizeof(err)), 0);
	ck_assert_str_eq(ba.location, "ifup");
	ck_assert_str_eq(ba.cond, "ifindex == notify");

	/* A second word that merely starts with "if" is no keyword. */
	char c[] = "ifup ifdown";
	n = words(c, w);
	ck_assert_int_eq(break_if_parse(n, w, &ba, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "one location, then optionally 'if EXPR' (got 'ifdown')");
}
END_TEST

/* gdb also takes `break f if(x)`. */
START_TEST(parse_if_parenthesis)
{
	char *w[16];
	struct break_args ba;
	char err[128];
	char a[] = "f if($rdi==5)";
	int n = words(a, w);
	ck_assert_int_eq(break_if_parse(n, w, &ba, err, sizeof(err)), 0);
	ck_assert_str_eq(ba.cond, "($rdi==5)");
	ck_assert_str_eq(w[1], "if($rdi==5)");   /* the words are left as they were */
	char b[] = "f if($rdi ==5) && $rsi";
	n = words(b, w);
	ck_assert_int_eq(break_if_parse(n, w, &ba, err, sizeof(err)), 0);
	ck_assert_str_eq(ba.cond, "($rdi ==5) && $rsi");
}
END_TEST

START_TEST(parse_errors)
{
	char *w[16];
	struct break_args ba;
	char err[128];
	ck_assert_int_eq(break_if_parse(0, w, &ba, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "a location comes first");
	char a[] = "if $rdi";
	int n = words(a, w);
	ck_assert_int_eq(break_if_parse(n, w, &ba, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "a location comes first");
	char b[] = "f if";
	n = words(b, w);
	ck_assert_int_eq(break_if_parse(n, w, &ba, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "'if' needs a condition");
	char c[] = "f 4";
	n = words(c, w);
	ck_assert_int_eq(break_if_parse(n, w, &ba, err, sizeof(err)), -1);
	/* Longer than BP_COND_MAX - 1 bytes: refused, never cut. */
	static char big[BP_COND_MAX + 8];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	char *l[] = { "f", "if", big };
	ck_assert_int_eq(break_if_parse(3, l, &ba, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "the condition is longer than 255 bytes");
	big[BP_COND_MAX - 1] = '\0';   /* exactly 255: fits */
	ck_assert_int_eq(break_if_parse(3, l, &ba, err, sizeof(err)), 0);
	ck_assert_uint_eq(strlen(ba.cond), BP_COND_MAX - 1);
}
END_TEST

START_TEST(join_words)
{
	char out[16];
	char *w[] = { "$rdi", "==", "5" };
	ck_assert(break_if_join(3, w, out, sizeof(out)));
	ck_assert_str_eq(out, "$rdi == 5");
	ck_assert(!break_if_join(3, w, out, 9));    /* 9 bytes and the NUL */
	ck_assert(break_if_join(3, w, out, 10));
	ck_assert(break_if_join(0, w, out, sizeof(out)));
	ck_assert_str_eq(out, "");
}
END_TEST

/* The rule lives with the breakpoint, software or hardware, and a
 * breakpoint with either part is decided by the monitor. */
START_TEST(rules_by_id)
{
	struct bp_table t;
	memset(&t, 0, sizeof(t));
	int sw = bp_add(&t, 0x1000, false, "a", NULL);
	int hw = hwbp_add(&t, 0x2000, HWBP_EXEC, 1, 4);
	struct bp_rule_ref r;
	ck_assert(bp_rule(&t, sw, &r));
	ck_assert_str_eq(r.cond, "");
	ck_assert(!bp_rule_checked(r.cond, *r.ignore));
	snprintf(r.cond, BP_COND_MAX, "$rdi == 5");
	ck_assert(bp_rule_checked(t.bp[0].cond, t.bp[0].ignore));
	ck_assert(bp_rule(&t, hw, &r));
	*r.ignore = 3;
	ck_assert_uint_eq(t.hw[0].ignore, 3);
	ck_assert(bp_rule_checked(t.hw[0].cond, t.hw[0].ignore));
	ck_assert(!bp_rule(&t, 0, &r));
	ck_assert(!bp_rule(&t, 99, &r));
	/* A new breakpoint in a freed slot starts without the old rule. */
	ck_assert(bp_delete(&t, sw));
	int again = bp_add(&t, 0x1000, false, "a", NULL);
	ck_assert(bp_rule(&t, again, &r));
	ck_assert_str_eq(r.cond, "");
	ck_assert_uint_eq(*r.ignore, 0);
}
END_TEST

/* A deferred hit stops every vCPU but posts nothing and counts no stop;
 * the vmm's temporary breakpoints (finish's) survive the park it causes,
 * since the decision may be to run on. */
START_TEST(deferred_hit_is_no_stop_yet)
{
	fake_vm_setup(3);
	pthread_mutex_lock(&vm.ctl_lock);
	int temp = bp_add(&vm.bps, 0x3000, true, "finish", NULL);
	uint64_t seq = vm.stop_seq;
	cpus[1].want_run = false;
	struct vm_stop_event ev = { .vcpu = 1, .kind = STOP_BREAKPOINT, .bp_id = 7, .rip = 0x1000 };
	vm_defer_stop_locked(&cpus[1], &ev);
	for (int i = 0; i < 3; i++)
		ck_assert(!cpus[i].want_run);
	ck_assert_uint_eq(vm.stop_seq, seq);
	ck_assert(!vm.round_reported);
	vm_note_parked_locked(&vm);
	ck_assert(bp_find_gva(&vm.bps, 0x3000));
	pthread_mutex_unlock(&vm.ctl_lock);
	struct vm_stop_event got;
	ck_assert(!vm_take_event(&vm, &got));   /* nothing queued for the monitor */
	ck_assert(vm_any_deferred(&vm));
	ck_assert(!vm_round_stopped(&vm));
	ck_assert(vm_take_deferred(&vm, &got));
	ck_assert_int_eq(got.bp_id, 7);
	ck_assert_int_eq(got.vcpu, 1);
	ck_assert(!vm_take_deferred(&vm, &got));
	ck_assert(!vm_any_deferred(&vm));
	(void)temp;
	fake_vm_teardown();
}
END_TEST

/* Decided to stop: it is the round's stop, as an ordinary hit would be,
 * and the temporaries go as at any stop. */
START_TEST(deferred_hit_posted)
{
	fake_vm_setup(2);
	pthread_mutex_lock(&vm.ctl_lock);
	bp_add(&vm.bps, 0x3000, true, "finish", NULL);
	uint64_t seq = vm.stop_seq;
	cpus[0].want_run = false;
	struct vm_stop_event ev = { .vcpu = 0, .kind = STOP_BREAKPOINT, .bp_id = 4, .rip = 0x1000 };
	vm_defer_stop_locked(&cpus[0], &ev);
	pthread_mutex_unlock(&vm.ctl_lock);
	struct vm_stop_event got;
	ck_assert(vm_take_deferred(&vm, &got));
	vm_post_deferred(&vm, &got);
	vm_deferred_settled(&vm);
	ck_assert_uint_eq(vm.stop_seq, seq + 1);
	ck_assert_int_eq(vm.last_stop.bp_id, 4);
	ck_assert_int_eq(cpus[0].stop_kind, STOP_BREAKPOINT);
	ck_assert(vm_round_stopped(&vm));
	ck_assert(vm_take_event(&vm, &got));
	ck_assert_int_eq(got.bp_id, 4);
	ck_assert(!bp_find_gva(&vm.bps, 0x3000));
	fake_vm_teardown();
}
END_TEST

/* Another vCPU's own stop in the same round keeps the machine stopped,
 * whatever the deferred hit says (vm_round_stopped). */
START_TEST(other_stop_in_the_round_wins)
{
	fake_vm_setup(2);
	pthread_mutex_lock(&vm.ctl_lock);
	cpus[0].want_run = false;
	struct vm_stop_event ev = { .vcpu = 0, .kind = STOP_BREAKPOINT, .bp_id = 4 };
	vm_defer_stop_locked(&cpus[0], &ev);
	struct vm_stop_event other = { .vcpu = 1, .kind = STOP_BREAKPOINT, .bp_id = 5 };
	vm_post_event_locked(&vm, &other);
	pthread_mutex_unlock(&vm.ctl_lock);
	ck_assert(vm_round_stopped(&vm));
	ck_assert_int_eq(vm.last_stop.bp_id, 5);
	fake_vm_teardown();
}
END_TEST

/* The vCPU thread's one way out for a stop event: an undecided one is
 * deferred, any other posted; a deferred one is posted as decided. */
START_TEST(post_or_defer)
{
	fake_vm_setup(2);
	pthread_mutex_lock(&vm.ctl_lock);
	uint64_t seq = vm.stop_seq;
	struct vm_stop_event watch = { .vcpu = 1, .kind = STOP_WATCHPOINT, .watch_id = 3,
				       .undecided = true };
	vm_post_or_defer_locked(&cpus[1], &watch);
	ck_assert(cpus[1].deferred);
	ck_assert_uint_eq(vm.stop_seq, seq);
	struct vm_stop_event plain = { .vcpu = 0, .kind = STOP_BREAKPOINT, .bp_id = 2 };
	vm_post_or_defer_locked(&cpus[0], &plain);
	ck_assert(!cpus[0].deferred);
	ck_assert_uint_eq(vm.stop_seq, seq + 1);
	pthread_mutex_unlock(&vm.ctl_lock);
	struct vm_stop_event got;
	ck_assert(vm_take_event(&vm, &got));
	ck_assert_int_eq(got.bp_id, 2);
	ck_assert(vm_take_deferred(&vm, &got));
	vm_post_deferred(&vm, &got);
	ck_assert(vm_take_event(&vm, &got));
	ck_assert_int_eq(got.watch_id, 3);
	ck_assert(!got.undecided);
	fake_vm_teardown();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("bp_cond");
	TCase *tc = tcase_create("decide");
	tcase_add_test(tc, false_condition_runs_on_uncounted);
	tcase_add_test(tc, true_or_no_condition_stops_and_counts);
	tcase_add_test(tc, ignore_three_stops_on_the_fourth);
	tcase_add_test(tc, ignore_counted_after_the_condition);
	tcase_add_test(tc, error_is_a_true_condition);
	suite_add_tcase(s, tc);
	tc = tcase_create("parse");
	tcase_add_test(tc, parse_location_and_condition);
	tcase_add_test(tc, parse_if_inside_names);
	tcase_add_test(tc, parse_if_parenthesis);
	tcase_add_test(tc, parse_errors);
	tcase_add_test(tc, join_words);
	suite_add_tcase(s, tc);
	tc = tcase_create("rules");
	tcase_add_test(tc, rules_by_id);
	tcase_add_test(tc, deferred_hit_is_no_stop_yet);
	tcase_add_test(tc, deferred_hit_posted);
	tcase_add_test(tc, other_stop_in_the_round_wins);
	tcase_add_test(tc, post_or_defer);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
