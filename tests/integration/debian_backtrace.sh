#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bt on Debian's kernel with nothing but its bzImage (kallsyms for names,
# ORC for the unwind): stopped at early_cpu_init, the frames are those gdb
# shows with the -dbg package's vmlinux. At the same stop, print and ptype
# read the kernel through its BTF: init_task's name (still "swapper":
# sched_init renames it swapper/0 later), boot_params.e820_entries one more
# than the e820 table hvmon gave (PVH's ISA entry), jiffies at INITIAL_JIFFIES for HZ=250
# ((unsigned int)-300*250); set and write change the stack below rsp.
#
# Then at kmem_cache_init, just before the emulation failure that ends the
# boot here (DESIGN.md 3), with earlyprintk's console printing since
# setup_arch: bt gives kmem_cache_init, start_kernel+0x43f (the call at
# 0xffffffff8307a280; gdb also shows mm_init there, inlined into
# start_kernel at the same pc -- addr2line -i -- which has no frame of its
# own for ORC to find), secondary_startup_64_no_verify+0xe5. dmesg prints
# the lines the serial console printed: every record of level 0-6 (the
# console's loglevel hides 7) is a console line, the last two allowed to
# be still on their way. ps lists the swapper; lsmod finds the modules
# list empty (no module loads this early).
#
# How the expected list was made (once, for 6.1.0-57-amd64; this machine
# had no /dev/kvm to take gdb's bt from a live stop): in the -dbg vmlinux,
# gdb's `disassemble` shows the only call to early_cpu_init in setup_arch
# (return address 0xffffffff83086f0c), the only call to setup_arch in
# start_kernel (0xffffffff83079eaa); start_kernel is reached by tail jumps
# (x86_64_start_kernel and x86_64_start_reservations end in `jmp`, so
# neither gdb nor ORC has a frame for them) from the lretq in
# secondary_startup_64_no_verify, which pushed .Lafter_lret
# (0xffffffff8100015a) as the return address. `addr2line -i` on each
# return address - 1 names one function (no inlined frames gdb would add).
. tests/integration/lib.sh
need_kvm
need_int3_exits
if [ ! -f "$GUEST/vmlinuz" ]; then
	echo "skipped: Debian kernel not fetched ('make guest-kit' failed or was not run)"
	exit 77
fi
if [ "$(cat "$GUEST/kernel-version" 2>/dev/null)" != "6.1.0-57-amd64" ]; then
	echo "skipped: the expected frames were recorded for 6.1.0-57-amd64, not $(cat "$GUEST/kernel-version" 2>/dev/null)"
	exit 77
fi
mkdir "$TMP/bare"
cp "$GUEST/vmlinuz" "$TMP/bare/vmlinuz"     # no System.map: kallsyms names
cat >"$TMP/script" <<'SCRIPT'
break early_cpu_init
run
wait stop 300
bt
up
info frame
sym $rip
frame 3
frame 0
p init_task.comm
p ((struct task_struct *)&init_task)->comm
p/d boot_params.e820_entries
p jiffies
ptype struct list_head
ptype init_task.tasks
info mem
set {unsigned long} $rsp-64 = 0x1234
x/1xg $rsp-64
write/4xb $rsp-64 1 2 3 4
x/1xg $rsp-64
display/x $rsp-64
undisplay 1
delete 1
break kmem_cache_init
run
wait stop 900
bt
dmesg
ps
lsmod
quit
SCRIPT
run_hvmon 1300 "$TMP/out" --batch -x "$TMP/script" -a "console=ttyS0 earlyprintk=ttyS0 nokaslr" \
	"$TMP/bare/vmlinuz"
o=$TMP/out
expect_status "$status" 0 "quit after the backtrace"
expect_line "$o" "stopped: reason=breakpoint rip=0xffffffff8308c131" "stopped at early_cpu_init"
expect_line "$o" "#0  0xffffffff8308c131 in early_cpu_init sp=" "#0 early_cpu_init"
expect_line "$o" "#1  0xffffffff83086f0c in setup_arch+0x54 sp=" "#1 setup_arch, as gdb shows it"
expect_line "$o" "#2  0xffffffff83079eaa in start_kernel+0x64 sp=" "#2 start_kernel"
expect_line "$o" "#3  0xffffffff8100015a in secondary_startup_64_no_verify+0xe5 sp=" \
	"#3 secondary_startup_64_no_verify (its lretq's pushed return address)"
expect_line "$o" "(end of stack: ORC marks 0xffffffff8100015a <secondary_startup_64_no_verify+0xe5> as the outermost frame)" \
	"the unwind ends at ORC's end marker"
expect_no_line "$o" "#4 " "no frame past the outermost"
expect_no_line "$o" "#1  ? " "no guessed frames"
expect_line "$o" "  found by ORC" "info frame: frame #1 found by ORC"
expect_line "$o" "  rule: ORC cfa=sp+96 bp at prevsp-48 call" "info frame: setup_arch's ORC rule at the call"
expect_line "$o" "0xffffffff83086f0c=setup_arch+0x54" "in frame #1, \$rip is setup_arch's"
expect_line "$o" 'init_task.comm = "swapper"' "p init_task.comm (typed by the globals table)"
expect_line "$o" '((struct task_struct *)&init_task)->comm = "swapper"' "the same through a cast"
# hvmon's table, plus the one entry a PVH boot adds itself: init_pvh_bootparams
# (arch/x86/platform/pvh/enlighten.c) appends ISA's 0xa0000-0xfffff as
# reserved before x86_64_start_kernel copies pvh_bootparams to boot_params.
n=$(grep -c '^e820\[' "$o")
expect_line "$o" "boot_params.e820_entries = $((n + 1))" \
	"boot_params.e820_entries is hvmon's $n e820 entries and PVH's ISA entry"
expect_line "$o" "jiffies = 4294892296" "jiffies at INITIAL_JIFFIES"
expect_line "$o" "/*        8 |     8 */    struct list_head *prev;" "ptype struct list_head: prev at 8"
expect_line "$o" "type = struct list_head {" "ptype of an expression"
expect_line "$o" ": 0x0000000000001234" "set {unsigned long} wrote the stack"
expect_line "$o" ": 0x0000000004030201" "write/4xb wrote four bytes over it"
expect_line "$o" '1: $rsp-64 = 0x' "display shows the expression at once"
expect_line "$o" "stopped: reason=breakpoint rip=0xffffffff830b863c" "stopped at kmem_cache_init"
expect_line "$o" "#0  0xffffffff830b863c in kmem_cache_init sp=" "#0 kmem_cache_init"
expect_line "$o" "#1  0xffffffff8307a285 in start_kernel+0x43f sp=" "#1 start_kernel (mm_init inlined)"
expect_line "$o" "#2  0xffffffff8100015a in secondary_startup_64_no_verify+0xe5 sp=" \
	"#2 secondary_startup_64_no_verify, the outermost frame again"
tr -d '\r' <"$o" >"$TMP/clean"
grep -E '^<[0-6]>\[' "$TMP/clean" | sed 's/^<[0-6]>//' >"$TMP/dmesg"
total=$(wc -l <"$TMP/dmesg")
missing=0
while IFS= read -r line; do
	grep -qxF -- "$line" "$TMP/clean" || missing=$((missing + 1))
done <"$TMP/dmesg"
if [ "$total" -ge 20 ] && [ "$missing" -le 2 ]; then
	ok "dmesg: $((total - missing)) of $total records are lines the console printed"
else
	fail "dmesg: $missing of $total records not on the console"
fi
expect_line "$TMP/dmesg" "] Linux version 6.1.0-57-amd64" "dmesg starts with the banner"
if grep -Eq '^ +0 +0 R.? 0xffffffff82a1aa40 .* swapper$' "$o"; then
	ok "ps lists the swapper: pid 0, cpu 0, running, at init_task"
else
	fail "ps: no swapper line"
fi
expect_line "$o" "(no modules loaded)" "lsmod: none this early"
finish
