#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Single-step rate (bench/README.md "step.sh"): hvmon's `step N` (one
# monitor command), one `step` per monitor command (a script of N lines,
# --batch -x), and gdb's `stepi N` through hvmon's gdb stub (--gdb), next
# to the same gdb driving QEMU's gdbstub (-gdb, -enable-kvm) on the same
# guest ELF. Every run steps N instructions of the test guest's ring-3
# loop (exit=ring3loop, tests/guest/README.md "Ring 3"): two instructions,
# `addq $1, user_counter(%rip)` at user_loop and `jmp user_loop` at
# user_loop+8, so N steps (N even) leave RIP where it was and add exactly
# N/2 to user_counter. Each run checks both; a run that did not step is an
# error, not a figure. Steps per second, medians of R rounds, each round
# running every kind once.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
BUILD=${BUILD:-build}
HVMON=${HVMON:-$BUILD/hvmon}
G=${TESTGUEST:-$BUILD/testguest}/testguest.elf
QEMU=${QEMU:-qemu-system-x86_64}
GDB=${GDB:-gdb}
N=${N:-2000}
R=${R:-3}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hvmon-bench.XXXXXX")
vmm_pid=
trap '[ -z "$vmm_pid" ] || kill "$vmm_pid" 2>/dev/null; rm -rf "$TMP"' EXIT

for f in "$HVMON" "$G"; do
	[ -e "$f" ] || { echo "bench: $f missing (make all guest)" >&2; exit 2; }
done
for t in "$QEMU" "$GDB" python3 nm; do
	command -v "$t" >/dev/null || { echo "bench: $t missing (scripts/install-bench-deps.sh)" >&2; exit 2; }
done
[ -c /dev/kvm ] || { echo "bench: no /dev/kvm" >&2; exit 2; }
[ "$N" -ge 2 ] 2>/dev/null && [ $((N % 2)) -eq 0 ] ||
	{ echo "bench: N=$N: the number of steps must be even and at least 2" >&2; exit 2; }
[ "$R" -ge 1 ] 2>/dev/null || { echo "bench: R=$R: at least one round" >&2; exit 2; }

# Both VMMs print RIP in lower-case hex without leading zeros.
hex() { printf '0x%x' "$1"; }
loop=$(hex "0x$(nm "$G" | awk '$3 == "user_loop" { print $1 }')")
loop8=$(hex $((loop + 8)))
[ "$loop" != 0x0 ] || { echo "bench: no user_loop in $G" >&2; exit 2; }

fail() { echo "bench: $*" >&2; exit 1; }

# check KIND OUT RIP0 RIP1 C0 C1: the run started and ended on the loop at
# the same RIP and user_counter grew by N/2.
check() {
	case $3 in "$loop" | "$loop8") ;; *) fail "$1: started at rip=$3, not in user_loop (see $2)" ;; esac
	[ "$3" = "$4" ] || fail "$1: $N steps from $3 ended at $4, not where they started"
	[ $(($6 - $5)) -eq $((N / 2)) ] ||
		fail "$1: user_counter went from $5 to $6 in $N steps (expected +$((N / 2)))"
}

# timed OUT BEGIN END CMD...: runs CMD with its output in OUT and prints
# the seconds between its lines BEGIN and END, taken as they arrive (the
# monitor flushes each command's output).
timed() {
	python3 - "$@" <<'PY'
import subprocess, sys, time
out, begin, end, cmd = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
t0 = t1 = None
with open(out, "w") as f:
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    for raw in p.stdout:
        now = time.monotonic()
        line = raw.decode(errors="replace")
        f.write(line)
        if t0 is None and line.rstrip("\n") == begin:
            t0 = now
        elif t0 is not None and t1 is None and line.rstrip("\n") == end:
            t1 = now
    p.wait()
if t0 is None or t1 is None:
    sys.exit(f"bench: no '{begin}' and '{end}' in {out}")
print(f"{t1 - t0:.6f}")
PY
}

# monitor KIND: hvmon's monitor steps N times, as one `step N` (KIND one)
# or as N `step` commands (KIND each); prints steps/s. The first `step 2`
# loads the disassembler and gives the starting RIP.
monitor() {
	{
		printf 'run\nwait "hvmon-testguest: entering ring 3" 300\nsleep 200\npause\n'
		printf 'step 2\nx/1xg user_counter\necho bench: steps begin\n'
		if [ "$1" = one ]; then
			printf 'step %d\n' "$N"
		else
			awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++) print "step" }'
		fi
		printf 'echo bench: steps end\nx/1xg user_counter\nquit\n'
	} >"$TMP/script"
	o=$TMP/monitor.$1.out
	s=$(timed "$o" "bench: steps begin" "bench: steps end" timeout -k 5 900 "$HVMON" --batch \
		-x "$TMP/script" -m 32M -a exit=ring3loop "$G") || fail "hvmon ($1): $(tail -3 "$o")"
	rips=$(sed -n 's/^vcpu=0 rip=\(0x[0-9a-f]*\) .*/\1/p' "$o")
	want=$([ "$1" = one ] && echo 2 || echo $((N + 1)))
	[ "$(echo "$rips" | wc -l)" -eq "$want" ] || fail "hvmon ($1): not $want step lines in $o"
	cs=$(grep -E '^0x[0-9a-f]+: 0x' "$o" | sed 's/.*: //')
	check "hvmon step ($1)" "$o" "$(echo "$rips" | head -1)" "$(echo "$rips" | tail -1)" \
		"$(($(echo "$cs" | sed -n 1p)))" "$(($(echo "$cs" | sed -n 2p)))"
	awk -v n="$N" -v s="$s" 'BEGIN { printf "%.1f\n", n / s }'
}

# gdb_steps VMM PORT: gdb attaches to the running guest (which stops it in
# both VMMs), steps N instructions with `stepi N`, timed by gdb's Python
# around that command alone, and kills the VMM; prints steps/s.
gdb_steps() {
	o=$TMP/gdb.$1.out
	timeout -k 5 900 "$GDB" -nx -batch -ex "set pagination off" -ex "target remote 127.0.0.1:$2" \
		-ex 'p/x $pc' -ex 'p/d *(unsigned long long *)&user_counter' \
		-ex 'python import time; t0 = time.monotonic()' -ex "stepi $N" \
		-ex 'python print("bench: stepi %.6f s" % (time.monotonic() - t0))' \
		-ex 'p/x $pc' -ex 'p/d *(unsigned long long *)&user_counter' -ex kill "$G" \
		>"$o" 2>&1 </dev/null || fail "gdb against $1: $(tail -3 "$o")"
	v() { sed -n "s/^\\\$$1 = //p" "$o"; }
	s=$(sed -n 's/^bench: stepi \([0-9.]*\) s$/\1/p' "$o")
	[ -n "$s" ] && [ -n "$(v 4)" ] || fail "gdb against $1 did not step (see $o)"
	check "gdb stepi ($1)" "$o" "$(v 1)" "$(v 3)" "$(v 2)" "$(v 4)"
	awk -v n="$N" -v s="$s" 'BEGIN { printf "%.1f\n", n / s }'
}

# wait_console FILE: until the guest has entered ring 3, then 200 ms more
# (the ring-0 part after that line, tests/guest/README.md "Ring 3").
wait_console() {
	i=0
	until grep -qF "hvmon-testguest: entering ring 3" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -le 3000 ] && kill -0 "$vmm_pid" 2>/dev/null ||
			fail "the guest never entered ring 3 (see $1)"
		sleep 0.1
	done
	sleep 0.2
}

# gdb_hvmon, gdb_qemu: one gdb run against each VMM, its steps/s appended
# to $TMP/gdbh.runs, $TMP/gdbq.runs.
gdb_hvmon() {
	rm -f "$TMP/mon.fifo" "$TMP/hvgdb.out" "$TMP/hvgdb.console"
	mkfifo "$TMP/mon.fifo"
	# The monitor reads a FIFO kept open, so hvmon does not end at EOF.
	"$HVMON" --gdb tcp:127.0.0.1:0 --run -m 32M -a exit=ring3loop \
		--console "file:$TMP/hvgdb.console" "$G" <"$TMP/mon.fifo" >"$TMP/hvgdb.out" 2>&1 &
	vmm_pid=$!
	exec 3>"$TMP/mon.fifo"
	wait_console "$TMP/hvgdb.console"
	port=$(sed -n 's/^hvmon: gdb server on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$TMP/hvgdb.out")
	[ -n "$port" ] || fail "hvmon did not start its gdb server: $(tail -3 "$TMP/hvgdb.out")"
	gdb_steps hvmon "$port" >>"$TMP/gdbh.runs"
	wait "$vmm_pid" || true
	vmm_pid=
	exec 3>&-
}

gdb_qemu() {
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	rm -f "$TMP/q.console"
	"$QEMU" -enable-kvm -M microvm -m 32M -nodefaults -display none -no-reboot \
		-serial "file:$TMP/q.console" -gdb "tcp:127.0.0.1:$port" \
		-kernel "$G" -append exit=ring3loop >"$TMP/qemu.out" 2>&1 </dev/null &
	vmm_pid=$!
	wait_console "$TMP/q.console"
	gdb_steps qemu "$port" >>"$TMP/gdbq.runs"
	wait "$vmm_pid" || true
	vmm_pid=
}

# BENCH_TABLE (bench/README.md "One table"): each row also goes there as
# bench, row, unit, hvmon, qemu, bare, tab-separated, for bench/table.sh.
table_row() { [ -z "${BENCH_TABLE:-}" ] || printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$BENCH_TABLE"; }

for _ in $(seq "$R"); do
	monitor one >>"$TMP/one.runs"
	monitor each >>"$TMP/each.runs"
	gdb_hvmon
	gdb_qemu
done
one=$(median <"$TMP/one.runs")
each=$(median <"$TMP/each.runs")
gdbh=$(median <"$TMP/gdbh.runs")
gdbq=$(median <"$TMP/gdbq.runs")

echo "single-step, $N instructions of the test guest's ring-3 loop, median of $R rounds"
echo "peer: $("$QEMU" --version | head -1), -M microvm, -gdb; $("$GDB" --version | head -1)"
printf '%-32s %12s %12s %8s\n' "" hvmon qemu ratio
printf '%-32s %12s %12s %8s\n' "step N (one command), steps/s" "$one" - -
printf '%-32s %12s %12s %8s\n' "step per command, steps/s" "$each" - -
printf '%-32s %12s %12s %8s\n' "gdb stepi, steps/s" "$gdbh" "$gdbq" \
	"$(awk -v a="$gdbh" -v b="$gdbq" 'BEGIN { printf "%.2f", a / b }')"
table_row step "step N (one command)" steps/s "$one" "" ""
table_row step "step per command" steps/s "$each" "" ""
table_row step "gdb stepi" steps/s "$gdbh" "$gdbq" ""
