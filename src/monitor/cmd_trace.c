// SPDX-License-Identifier: GPL-3.0-or-later
/* `info exits` and `trace`: what the guest exits for, how often, and what
 * hvmon spends on it; the last exits of each vCPU; exits printed live. */
#include <readline/readline.h>
#include <stdlib.h>
#include <string.h>

#include "dev/virtio/virtio_board.h"
#include "dev/virtio/virtio_trace.h"
#include "monitor/commands.h"
#include "monitor/parse.h"
#include "vmm/exit_trace.h"
#include "vmm/vcpu.h"

#define TRACE_LAST_DEFAULT 10
#define TRACE_DRAIN_BATCH  64

struct reason_row {
	unsigned reason;   /* EXIT_STATS_REASONS: the "other" bucket */
	uint64_t count, ns;
};

static int by_count_desc(uint64_t a, uint64_t b)
{
	return a < b ? 1 : a > b ? -1 : 0;
}

static int reason_cmp(const void *a, const void *b)
{
	const struct reason_row *x = a, *y = b;
	return by_count_desc(x->count, y->count);
}

static int site_cmp(const void *a, const void *b)
{
	const struct exit_site_view *x = a, *y = b;
	return by_count_desc(x->reads + x->writes, y->reads + y->writes);
}

static void print_counts(struct monitor *mon, uint64_t count, uint64_t ns)
{
	mon_printf(mon, " count=%llu handling_us=%llu avg_ns=%llu\n", (unsigned long long)count,
		   (unsigned long long)(ns / 1000), (unsigned long long)(ns / count));
}

static void print_reasons(struct monitor *mon, int cpu, struct exit_stats *s)
{
	struct reason_row rows[EXIT_STATS_REASONS + 1];
	int n = 0;
	for (unsigned r = 0; r <= EXIT_STATS_REASONS; r++) {
		struct exit_counter *c = r < EXIT_STATS_REASONS ? &s->reason[r] : &s->reason_other;
		uint64_t count = atomic_load_explicit(&c->count, memory_order_relaxed);
		if (count)
			rows[n++] = (struct reason_row){ r, count,
				exit_clock_ns(atomic_load_explicit(&c->ns, memory_order_relaxed)) };
	}
	qsort(rows, (size_t)n, sizeof(rows[0]), reason_cmp);
	for (int i = 0; i < n; i++) {
		if (rows[i].reason < EXIT_STATS_REASONS)
			mon_printf(mon, "vcpu=%d reason=%s", cpu, vcpu_exit_reason_name(rows[i].reason));
		else
			mon_printf(mon, "vcpu=%d reason=other", cpu);
		print_counts(mon, rows[i].count, rows[i].ns);
	}
}

static void print_site(struct monitor *mon, int cpu, const char *what, const char *key,
		       const struct exit_site_view *v)
{
	mon_printf(mon, "vcpu=%d %s=%s count=%llu reads=%llu writes=%llu handling_us=%llu avg_ns=%llu\n",
		   cpu, what, key, (unsigned long long)(v->reads + v->writes),
		   (unsigned long long)v->reads, (unsigned long long)v->writes,
		   (unsigned long long)(v->ns / 1000),
		   (unsigned long long)(v->ns / (v->reads + v->writes)));
}

static void print_sites(struct monitor *mon, int cpu, const char *what,
			struct exit_site_table *t)
{
	struct exit_site_view v[EXIT_STATS_SITES];
	int n = exit_sites_read(t, v);
	qsort(v, (size_t)n, sizeof(v[0]), site_cmp);
	char key[24];
	for (int i = 0; i < n; i++) {
		if (v[i].reads + v[i].writes == 0)
			continue;   /* claimed, not yet counted */
		snprintf(key, sizeof(key), "0x%llx", (unsigned long long)v[i].key);
		print_site(mon, cpu, what, key, &v[i]);
	}
	struct exit_site_view other;
	exit_site_read(&t->other, &other);
	if (other.reads + other.writes)
		print_site(mon, cpu, what, "other", &other);
}

int info_exits(struct monitor *mon)
{
	struct vm *vm = &mon->m->vm;
	mon_printf(mon, "# handling_us: time in hvmon from KVM_RUN's return to the end of the\n"
			"# exit's handling, the cost the VMM adds; time in the guest and exits\n"
			"# KVM handles in the kernel are not counted. Sorted by count.\n");
	for (int i = 0; i < vm->nvcpus; i++) {
		struct exit_stats *s = &vm->vcpu[i]->stats;
		uint64_t exits = atomic_load_explicit(&s->exits, memory_order_relaxed);
		uint64_t ns = exit_clock_ns(atomic_load_explicit(&s->ns, memory_order_relaxed));
		mon_printf(mon, "vcpu=%d exits=%llu handling_us=%llu avg_ns=%llu\n", i,
			   (unsigned long long)exits, (unsigned long long)(ns / 1000),
			   (unsigned long long)(exits ? ns / exits : 0));
		print_reasons(mon, i, s);
		print_sites(mon, i, "port", &s->io);
		print_sites(mon, i, "mmio", &s->mmio);
	}
	return 0;
}

/* One record as a line, with the symbol of its RIP when one covers it. */
static void print_record(struct monitor *mon, int cpu, const struct exit_record *r)
{
	char line[160], sym[96] = "";
	exit_record_format(r, cpu, line, sizeof(line));
	if (r->flags & EXIT_REC_RIP_VALID)
		mon_symbolize(mon, r->rip, sym, sizeof(sym));
	mon_printf(mon, "%s%s%s%s\n", line, sym[0] ? " <" : "", sym, sym[0] ? ">" : "");
}

/* Print queued live-trace records. Between commands (async) the line
 * being typed is cleared first and redrawn after, as for stop events. */
static void print_queued(struct monitor *mon, bool async)
{
	struct exit_trace_item items[TRACE_DRAIN_BATCH];
	static char lines[TRACE_DRAIN_BATCH][VIRTIO_TRACE_LINE];   /* monitor thread only */
	bool redraw = false;
	int n;
	for (;;) {
		int ne = exit_trace_take(items, TRACE_DRAIN_BATCH);
		int nv = virtio_trace_take(lines, TRACE_DRAIN_BATCH);
		if (ne <= 0 && nv <= 0)
			break;
		if (async && mon->readline && !redraw) {
			rl_save_prompt();
			rl_clear_visible_line();
			redraw = true;
		}
		for (n = 0; n < ne; n++)
			print_record(mon, items[n].vcpu, &items[n].r);
		for (n = 0; n < nv; n++)
			mon_printf(mon, "%s\n", lines[n]);
	}
	if (redraw) {
		rl_restore_prompt();
		rl_forced_update_display();
	}
}

void mon_drain_trace(struct monitor *mon)
{
	print_queued(mon, true);
}

struct merged_record {
	int cpu;
	struct exit_record r;
};

static int merged_cmp(const void *a, const void *b)
{
	const struct merged_record *x = a, *y = b;
	if (x->r.t_ns != y->r.t_ns)
		return x->r.t_ns < y->r.t_ns ? -1 : 1;
	return x->cpu - y->cpu;
}

/* The last n exits of all vCPUs together, oldest first. */
static int trace_last(struct monitor *mon, uint64_t n)
{
	struct vm *vm = &mon->m->vm;
	struct merged_record *all = calloc((size_t)vm->nvcpus * n, sizeof(*all));
	struct exit_record *one = calloc(n, sizeof(*one));
	if (!all || !one) {
		free(all);
		free(one);
		return mon_error(mon, "trace last: out of memory");
	}
	size_t total = 0;
	for (int i = 0; i < vm->nvcpus; i++) {
		int got = exit_stats_last(&vm->vcpu[i]->stats, one, (int)n);
		for (int j = 0; j < got; j++)
			all[total++] = (struct merged_record){ i, one[j] };
	}
	qsort(all, total, sizeof(*all), merged_cmp);
	for (size_t i = total > n ? total - n : 0; i < total; i++)
		print_record(mon, all[i].cpu, &all[i].r);
	free(all);
	free(one);
	return 0;
}

static void trace_status(struct monitor *mon, const char *state)
{
	uint64_t taken, dropped;
	exit_trace_counts(&taken, &dropped);
	struct exit_filter f;
	char text[64];
	if (exit_trace_filter(&f)) {
		exit_filter_format(&f, text, sizeof(text));
		mon_printf(mon, "trace=%s filter=%s shown=%llu dropped=%llu\n", state, text,
			   (unsigned long long)taken, (unsigned long long)dropped);
	} else {
		mon_printf(mon, "trace=%s shown=%llu dropped=%llu\n", state,
			   (unsigned long long)taken, (unsigned long long)dropped);
	}
}

static void virtio_trace_status(struct monitor *mon)
{
	uint64_t taken, dropped;
	char dev[16];
	bool on = virtio_trace_filter(dev, sizeof(dev));
	virtio_trace_counts(&taken, &dropped);
	mon_printf(mon, "trace.virtio=%s dev=%s shown=%llu dropped=%llu\n", on ? "on" : "off",
		   dev[0] ? dev : "all", (unsigned long long)taken, (unsigned long long)dropped);
}

/* trace virtio on [DEV] | off: register accesses, notifications and
 * interrupts of the virtio devices (or of DEV), live. */
static int trace_virtio(struct monitor *mon, int argc, char **argv)
{
	struct virtio_board_dev bd;
	if (argc == 2) {
		virtio_trace_status(mon);
		return 0;
	}
	if (!strcmp(argv[2], "on") && argc <= 4) {
		if (argc == 4 && virtio_board_find(mon->m->virtio, argv[3], &bd) < 0)
			return mon_error(mon, "trace virtio: no virtio device '%s' (see 'info virtio')",
					 argv[3]);
		print_queued(mon, false);
		virtio_trace_on(argc == 4 ? argv[3] : NULL);
		virtio_trace_status(mon);
		return 0;
	}
	if (!strcmp(argv[2], "off") && argc == 3) {
		virtio_trace_off();
		print_queued(mon, false);
		virtio_trace_status(mon);
		return 0;
	}
	return mon_error(mon, "usage: trace virtio on [DEV] | off");
}

int cmd_trace(struct monitor *mon, int argc, char **argv)
{
	const char *usage = "usage: trace on [FILTER] | off | last [N] | virtio on [DEV] | virtio off";
	if (argc >= 2 && !strcmp(argv[1], "virtio"))
		return trace_virtio(mon, argc, argv);
	if (argc == 1) {
		print_queued(mon, false);
		trace_status(mon, atomic_load(&exit_trace_active) ? "on" : "off");
		return 0;
	}
	if (!strcmp(argv[1], "on")) {
		struct exit_filter f;
		if (argc > 3)
			return mon_error(mon, "%s", usage);
		if (!exit_filter_parse(argc == 3 ? argv[2] : NULL, &f))
			return mon_error(mon, "trace: bad filter '%s' (io, mmio, io:PORT[-LAST], "
					 "mmio:ADDR[-LAST] or an exit reason such as hlt)", argv[2]);
		print_queued(mon, false);   /* lines of an earlier filter come first */
		exit_trace_on(&f);
		trace_status(mon, "on");
		return 0;
	}
	if (!strcmp(argv[1], "off")) {
		if (argc != 2)
			return mon_error(mon, "%s", usage);
		exit_trace_off();
		/* Scripts get every queued line before the summary. */
		print_queued(mon, false);
		trace_status(mon, "off");
		return 0;
	}
	if (!strcmp(argv[1], "last")) {
		uint64_t n = TRACE_LAST_DEFAULT;
		if (argc > 3 || (argc == 3 && (!parse_u64(argv[2], &n) || n == 0 ||
						n > EXIT_STATS_RING)))
			return mon_error(mon, "usage: trace last [N], N from 1 to %d", EXIT_STATS_RING);
		return trace_last(mon, n);
	}
	return mon_error(mon, "%s", usage);
}
