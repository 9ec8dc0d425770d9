// SPDX-License-Identifier: GPL-3.0-or-later
/* hvmon: a KVM hypervisor with a debugger built in. This file turns the
 * command line into a machine_config and hands over to the monitor. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dev/chardev.h"
#include "dev/pty_hint.h"
#include "dev/virtio/virtio_board.h"
#include "dev/virtio/virtio_net.h"
#include "monitor/commands.h"
#include "monitor/gdb_stub.h"
#include "monitor/monitor.h"
#include "monitor/parse.h"
#include "vmm/kvm.h"
#include "board/machine.h"
#include "vmm/vcpu.h"

#define HVMON_VERSION "0.1.0"
#define DEFAULT_MEMORY (256ULL << 20)
#define DEFAULT_CMDLINE "console=ttyS0"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hvmon [OPTIONS] KERNEL [INITRD]\n"
		"       hvmon probe\n"
		"       hvmon help [COMMAND]\n"
		"\n"
		"Boots KERNEL (a bzImage or an ELF vmlinux with a PVH note) under KVM and\n"
		"opens a monitor prompt with the guest paused at its first instruction.\n"
		"\n"
		"  -m, --memory SIZE      guest RAM, K/M/G suffixes (default 256M)\n"
		"  -a, --append CMDLINE   kernel command line (default \"%s\")\n"
		"      --boot auto|pvh|linux64\n"
		"                         boot protocol (default auto: PVH when the kernel\n"
		"                         has a PVH entry, else the 64-bit boot protocol)\n"
		"  -c, --cpus N           vCPUs (default 1; up to what KVM allows)\n"
		"      --console pty|stdio|file:PATH\n"
		"                         where the serial console goes (default pty;\n"
		"                         stdio with --batch)\n"
		"  -x, --script FILE      run monitor commands from FILE\n"
		"      --symbols FILE     kernel symbols from a System.map (default: a\n"
		"                         System.map beside KERNEL, the kernel's symbol\n"
		"                         table, or its kallsyms tables)\n"
		"      --batch            no prompt: commands come from -x and stdin; hvmon\n"
		"                         exits when the guest ends\n"
		"      --run              start the guest at once\n"
		"      --gdb tcp:[HOST:]PORT|unix:PATH\n"
		"                         serve gdb's remote protocol there (HOST\n"
		"                         defaults to 127.0.0.1); see 'help gdbserver'\n"
		"Virtio devices (each repeatable):\n"
		"      --disk FILE[,ro][,id=NAME]\n"
		"                         a virtio-blk disk over the raw FILE\n"
		"      --net tap=IFNAME[,mac=MAC]\n"
		"                         a virtio-net on the tap IFNAME (created if absent)\n"
		"      --hvc pty|file:PATH\n"
		"                         a virtio-console: the guest's hvcN\n"
		"      --rng              a virtio-rng\n"
		"      --virtio pci|mmio[,packed]\n"
		"                         their transport (default pci; mmio: windows the\n"
		"                         DSDT describes, or with acpi=off virtio_mmio.device=\n"
		"                         words on the kernel command line); packed: offer packed\n"
		"                         virtqueues (VIRTIO_F_RING_PACKED) as well\n"
		"  -h, --help             this text\n"
		"      --version          hvmon's version\n"
		"\n"
		"hvmon probe prints the KVM API version and the capabilities hvmon uses;\n"
		"hvmon help lists the monitor's commands with their full help.\n"
		"Exit status: 0 guest powered off or reset (or quit), 1 internal error,\n"
		"2 usage or bad input, 3 guest stopped abnormally in batch mode.\n",
		DEFAULT_CMDLINE);
}

enum { OPT_BOOT = 256, OPT_CONSOLE, OPT_BATCH, OPT_RUN, OPT_VERSION, OPT_SYMBOLS, OPT_RNG, OPT_DISK, OPT_VIRTIO,
       OPT_NET, OPT_HVC, OPT_GDB };

static const struct option long_options[] = {
	{ "memory", required_argument, NULL, 'm' },
	{ "append", required_argument, NULL, 'a' },
	{ "boot", required_argument, NULL, OPT_BOOT },
	{ "cpus", required_argument, NULL, 'c' },
	{ "console", required_argument, NULL, OPT_CONSOLE },
	{ "script", required_argument, NULL, 'x' },
	{ "symbols", required_argument, NULL, OPT_SYMBOLS },
	{ "batch", no_argument, NULL, OPT_BATCH },
	{ "run", no_argument, NULL, OPT_RUN },
	{ "rng", no_argument, NULL, OPT_RNG },
	{ "disk", required_argument, NULL, OPT_DISK },
	{ "net", required_argument, NULL, OPT_NET },
	{ "hvc", required_argument, NULL, OPT_HVC },
	{ "virtio", required_argument, NULL, OPT_VIRTIO },
	{ "gdb", required_argument, NULL, OPT_GDB },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static int bad(const char *fmt, const char *arg)
{
	fprintf(stderr, "hvmon: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	return HVMON_EXIT_USAGE;
}

/* How the user spelled the option getopt_long complained about: "-z" for
 * a short one (optopt; argv[optind - 1] may hold several of them, or the
 * previous option's argument), else the long option's name. */
static const char *option_name(int opt, const char *arg)
{
	static char buf[64];

	if (opt > 0 && opt < 256) {
		snprintf(buf, sizeof(buf), "-%c", opt);
		return buf;
	}
	for (const struct option *o = long_options; o->name; o++)
		if (o->val == opt) {
			snprintf(buf, sizeof(buf), "--%s", o->name);
			return buf;
		}
	snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(arg, "="), arg);
	return buf;
}

/* --disk FILE[,ro][,id=NAME]: the options follow the file name, as with
 * QEMU's -drive. The string stays in argv, so pieces point into it. */
static int parse_disk(char *arg, struct machine_config *cfg)
{
	if (cfg->ndisks == MACHINE_MAX_DISKS) {
		bad("at most %s disks", "8");
		return -1;
	}
	struct machine_disk *d = &cfg->disk[cfg->ndisks];
	*d = (struct machine_disk){ .path = strsep(&arg, ",") };
	for (char *opt; (opt = strsep(&arg, ","));) {
		if (!strcmp(opt, "ro"))
			d->readonly = true;
		else if (!strncmp(opt, "id=", 3) && opt[3])
			d->id = opt + 3;
		else {
			bad("--disk: unknown option '%s' (ro, id=NAME)", opt);
			return -1;
		}
	}
	if (!*d->path) {
		bad("%s", "--disk needs a file name");
		return -1;
	}
	cfg->ndisks++;
	return 0;
}

/* --net tap=IFNAME[,mac=MAC], like --disk: pieces point into argv. */
static int parse_net(char *arg, struct machine_config *cfg)
{
	if (cfg->nnets == MACHINE_MAX_NETS) {
		bad("at most %s network devices", "4");
		return -1;
	}
	struct machine_net *n = &cfg->net[cfg->nnets];
	*n = (struct machine_net){ 0 };
	for (char *opt; (opt = strsep(&arg, ","));) {
		if (!strncmp(opt, "tap=", 4) && opt[4]) {
			n->ifname = opt + 4;
		} else if (!strncmp(opt, "mac=", 4)) {
			if (virtio_net_parse_mac(opt + 4, n->mac) < 0) {
				bad("--net: bad MAC address '%s' (aa:bb:cc:dd:ee:ff, not multicast)",
				    opt + 4);
				return -1;
			}
			n->has_mac = true;
		} else {
			bad("--net: unknown option '%s' (tap=IFNAME, mac=MAC)", opt);
			return -1;
		}
	}
	if (!n->ifname) {
		bad("%s", "--net needs tap=IFNAME");
		return -1;
	}
	cfg->nnets++;
	return 0;
}

/* --virtio pci|mmio[,packed] (or just packed: on PCI). */
static int parse_virtio(char *arg, struct machine_config *cfg)
{
	for (char *w; (w = strsep(&arg, ","));) {
		if (!strcmp(w, "pci"))
			cfg->virtio_mmio = false;
		else if (!strcmp(w, "mmio"))
			cfg->virtio_mmio = true;
		else if (!strcmp(w, "packed"))
			cfg->virtio_packed = true;
		else {
			bad("unknown virtio transport '%s' (pci or mmio, and packed)", w);
			return -1;
		}
	}
	return 0;
}

/* Parse argv into cfg and opt. Returns -1 to go on, else an exit status. */
static int parse_args(int argc, char **argv, struct machine_config *cfg,
		      struct monitor_options *opt)
{
	uint64_t n;
	int c;
	bool console_given = false;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":m:a:c:x:h", long_options, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (!parse_size(optarg, &cfg->ram_size))
				return bad("bad memory size '%s' (e.g. 256M, 1G)", optarg);
			if (cfg->ram_size < MACHINE_MIN_RAM)
				return bad(strspn(optarg, "0123456789") == strlen(optarg) ?
					   "memory size %s is too small: hvmon needs at least 16M (a "
					   "number without a suffix is bytes: say 512M)" :
					   "memory size %s is too small: hvmon needs at least 16M", optarg);
			if (cfg->ram_size > MACHINE_MAX_RAM)
				return bad("memory size %s is too large: at most 64G", optarg);
			/* KVM maps guest RAM in whole pages. */
			if (cfg->ram_size % 4096)
				return bad("memory size %s is not a multiple of 4K", optarg);
			break;
		case 'a':
			cfg->cmdline = optarg;
			break;
		case OPT_BOOT:
			if (!strcmp(optarg, "auto"))
				cfg->proto = BOOT_AUTO;
			else if (!strcmp(optarg, "pvh"))
				cfg->proto = BOOT_PVH;
			else if (!strcmp(optarg, "linux64"))
				cfg->proto = BOOT_LINUX64;
			else
				return bad("unknown boot protocol '%s' (auto, pvh or linux64)", optarg);
			break;
		case 'c':
			if (!parse_u64(optarg, &n) || n == 0)
				return bad("bad vCPU count '%s'", optarg);
			if (n > VM_MAX_VCPUS)
				return bad("--cpus %s: hvmon runs at most " HVMON_STR(VM_MAX_VCPUS) " vCPUs", optarg);
			cfg->ncpus = (int)n;
			break;
		case OPT_CONSOLE:
			if (strcmp(optarg, "pty") && strcmp(optarg, "stdio") &&
			    strncmp(optarg, "file:", 5))
				return bad("bad console '%s' (pty, stdio or file:PATH)", optarg);
			cfg->console = optarg;
			console_given = true;
			break;
		case 'x':
			opt->script = optarg;
			break;
		case OPT_SYMBOLS:
			opt->symbols = optarg;
			break;
		case OPT_BATCH:
			opt->batch = true;
			break;
		case OPT_RUN:
			opt->start_running = true;
			break;
		case OPT_RNG:
			if (cfg->nrngs == MACHINE_MAX_RNGS)
				return bad("at most %s --rng devices", "4");
			cfg->nrngs++;
			break;
		case OPT_NET:
			if (parse_net(optarg, cfg) < 0)
				return HVMON_EXIT_USAGE;
			break;
		case OPT_HVC:
			/* stdio belongs to the monitor and the serial console. */
			if (strcmp(optarg, "pty") && strncmp(optarg, "file:", 5))
				return bad("bad --hvc '%s' (pty or file:PATH)", optarg);
			if (cfg->nhvcs == MACHINE_MAX_HVCS)
				return bad("at most %s --hvc consoles", "4");
			cfg->hvc[cfg->nhvcs++] = optarg;
			break;
		case OPT_DISK:
			if (parse_disk(optarg, cfg) < 0)
				return HVMON_EXIT_USAGE;
			break;
		case OPT_VIRTIO:
			if (parse_virtio(optarg, cfg) < 0)
				return HVMON_EXIT_USAGE;
			break;
		case OPT_GDB: {
			struct gdb_listen_addr ga;
			char err[256];
			if (gdb_parse_listen(optarg, &ga, err, sizeof(err)) < 0)
				return bad("--gdb: %s", err);
			opt->gdb = optarg;
			break;
		}
		case 'h':
			usage(stdout);
			return HVMON_EXIT_OK;
		case OPT_VERSION:
			printf("hvmon %s\n", HVMON_VERSION);
			return HVMON_EXIT_OK;
		case ':':
			return bad("option %s needs an argument", option_name(optopt, argv[optind - 1]));
		default:
			/* '?' with optopt set: a known long option given an
			 * argument it does not take, or an unknown short one. */
			if (optopt >= 256)
				return bad("option %s takes no argument",
					   option_name(optopt, argv[optind - 1]));
			return bad("unknown option '%s' (try --help)",
				   option_name(optopt, argv[optind - 1]));
		}
	}
	if (opt->batch && !console_given)
		cfg->console = "stdio";
	/* Batch mode with no script has nobody to say `run`. */
	if (opt->batch && !opt->script)
		opt->start_running = true;
	int rest = argc - optind;
	if (rest < 1)
		return bad("%s", "no kernel given (usage: hvmon [OPTIONS] KERNEL [INITRD])");
	if (rest > 2)
		return bad("unexpected argument '%s'", argv[optind + 2]);
	cfg->kernel = argv[optind];
	cfg->initrd = rest == 2 ? argv[optind + 1] : NULL;
	return -1;
}

/* `hvmon help [CMD]`: the monitor's command help without starting a VM. */
static int print_monitor_help(const char *name)
{
	for (int i = 0; i < mon_ncommands; i++) {
		const struct mon_command *c = &mon_commands[i];
		if (name && c != mon_find_command(name))
			continue;
		mon_write_command_help(stdout, c);
		if (name)
			return HVMON_EXIT_OK;
	}
	if (name) {
		fprintf(stderr, "hvmon: unknown monitor command '%s'\n", name);
		return HVMON_EXIT_USAGE;
	}
	return HVMON_EXIT_OK;
}

static int check_readable(const char *what, const char *path)
{
	struct stat st;
	if (access(path, R_OK) < 0 || stat(path, &st) < 0) {
		fprintf(stderr, "hvmon: cannot read %s %s: %s\n", what, path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		fprintf(stderr, "hvmon: cannot read %s %s: it is a directory\n", what, path);
		return -1;
	}
	/* A FIFO or a device would block the open or never end: files only. */
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "hvmon: cannot read %s %s: not a regular file\n", what, path);
		return -1;
	}
	return 0;
}

static void print_banner(const struct machine *m)
{
	const struct boot_info *b = &m->boot;
	fprintf(stderr, "hvmon: %s booted via %s", m->cfg.kernel, boot_proto_name(b->proto));
	/* Through PVH the host's decompression is what boots; through the
	 * 64-bit protocol the kernel decompresses itself, and hvmon's copy
	 * only gives the debugger its symbols. */
	if (b->compression && strcmp(b->compression, "none"))
		fprintf(stderr, b->proto == BOOT_PVH ? " (payload %s, decompressed on the host)" :
			" (payload %s, decompressed by the kernel; on the host for symbols)",
			b->compression);
	fprintf(stderr, ", %llu MiB RAM, %d vCPU\n",
		(unsigned long long)(m->cfg.ram_size >> 20), m->cfg.ncpus);
	if (b->initrd_warning[0])
		fprintf(stderr, "hvmon: warning: %s: %s\n", m->cfg.initrd, b->initrd_warning);
	char hint[128];
	if (chardev_kind(m->console) == CHARDEV_PTY)
		fprintf(stderr, "hvmon: serial console on %s (attach: %s)\n", chardev_path(m->console),
			pty_attach_hint(chardev_path(m->console), NULL, hint, sizeof(hint)));
	else if (chardev_kind(m->console) == CHARDEV_FILE)
		fprintf(stderr, "hvmon: serial console to %s\n", chardev_path(m->console));
	virtio_board_print(m->virtio, stderr);
}

int main(int argc, char **argv)
{
	/* A console or monitor pipe whose reader went away is an error on
	 * write(), not a reason to die. */
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 2 && !strcmp(argv[1], "probe")) {
		if (argc > 2)
			return bad("'probe' takes no arguments (got '%s')", argv[2]);
		return kvm_probe_print(stdout) ? HVMON_EXIT_INTERNAL : HVMON_EXIT_OK;
	}
	if (argc >= 2 && argc <= 3 && !strcmp(argv[1], "help"))
		return print_monitor_help(argc == 3 ? argv[2] : NULL);

	struct machine_config cfg = {
		.ram_size = DEFAULT_MEMORY,
		.ncpus = 1,
		.cmdline = DEFAULT_CMDLINE,
		.proto = BOOT_AUTO,
		.console = "pty",
	};
	struct monitor_options opt = { .batch = false };
	int status = parse_args(argc, argv, &cfg, &opt);
	if (status >= 0)
		return status;
	if (check_readable("kernel", cfg.kernel) < 0 ||
	    (cfg.initrd && check_readable("initrd", cfg.initrd) < 0) ||
	    (opt.script && check_readable("script", opt.script) < 0) ||
	    (opt.symbols && check_readable("symbol file", opt.symbols) < 0))
		return HVMON_EXIT_USAGE;

	struct machine *m = calloc(1, sizeof(*m));
	if (!m)
		return HVMON_EXIT_INTERNAL;
	char err[512];
	enum machine_error merr = machine_create(m, &cfg, err, sizeof(err));
	if (merr != MACHINE_OK) {
		fprintf(stderr, "hvmon: %s\n", err);
		free(m);
		return merr == MACHINE_BAD_INPUT ? HVMON_EXIT_USAGE : HVMON_EXIT_INTERNAL;
	}
	print_banner(m);
	if (!opt.batch && !opt.start_running)
		fprintf(stderr, "hvmon: guest paused at its first instruction (rip=0x%llx); "
			"'run' starts it, 'help' lists commands\n",
			(unsigned long long)m->entry.rip);
	status = monitor_main(m, &opt);
	machine_destroy(m);
	free(m);
	return status;
}
