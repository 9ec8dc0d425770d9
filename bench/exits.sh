#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Start-up and exit cost: hvmon against the bare KVM program (the floor,
# bench/bare_kvm.c) and QEMU, in the same run, on the same guest
# (bench/guest/exitloop.elf, bench/README.md "exits.sh").
#   start-up: the guest ends at once (io=0 mmio=0): wall and CPU time of
#             the whole process, and its peak RSS;
#   per exit: (time with N exits - time with none) / N, for N port writes
#             (io=N) and for N MMIO writes (mmio=N).
# Medians of R runs. Ratios hvmon/bare and hvmon/QEMU: below 1 is faster.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
BUILD=${BUILD:-build}
HVMON=${HVMON:-$BUILD/hvmon}
BARE=${BARE:-$BUILD/bench/bare_kvm}
G=${EXITLOOP:-$BUILD/bench/exitloop.elf}
QEMU=${QEMU:-qemu-system-x86_64}
N=${N:-200000}
R=${R:-5}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hvmon-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

for f in "$HVMON" "$BARE" "$G"; do
	[ -e "$f" ] || { echo "bench: $f missing (make all bench-progs)" >&2; exit 2; }
done
command -v "$QEMU" >/dev/null || { echo "bench: $QEMU missing (scripts/install-bench-deps.sh)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time missing (scripts/install-bench-deps.sh)" >&2; exit 2; }
[ -c /dev/kvm ] || { echo "bench: no /dev/kvm" >&2; exit 2; }
[ "$N" -gt 0 ] 2>/dev/null || { echo "bench: N=$N: the number of exits must be at least 1" >&2; exit 2; }

# run_vmm VMM CMDLINE: one run, timed by GNU time into $TMP/time. Every
# VMM ends at the guest's triple fault (hvmon's exit status for it is 3,
# QEMU's with -no-reboot 0).
run_vmm() {
	case $1 in
	bare) set -- "$BARE" "$G" "$2" ;;
	hvmon) set -- "$HVMON" --batch -m 32M -a "$2" "$G" ;;
	qemu) set -- "$QEMU" -enable-kvm -M microvm -m 32M -nodefaults -nographic -no-reboot \
		-kernel "$G" -append "$2" ;;
	esac
	/usr/bin/time -f '%U %S %M' -o "$TMP/time" "$@" >"$TMP/out" 2>&1 </dev/null || true
}


# run_once VMM CMDLINE FILE: one timed run, "wall_us cpu_us rss_kib"
# appended to FILE. GNU time gives CPU time in 10 ms steps: N should make
# a run last seconds.
run_once() {
	t0=$(date +%s%N)
	run_vmm "$1" "$2"
	t1=$(date +%s%N)
	if [ "$1" = bare ] && ! grep -q "^bare_kvm: " "$TMP/out"; then
		echo "bench: bare_kvm failed:" >&2
		cat "$TMP/out" >&2
		exit 1
	fi
	# The last line: before it GNU time may say the exit status.
	tail -1 "$TMP/time" | awk -v wall=$(((t1 - t0) / 1000)) \
		'{ printf "%d %d %d\n", wall, ($1 + $2) * 1e6, $3 }' >>"$3"
}

# medians FILE: the median of each column of run_once's lines.
medians() {
	echo "$(cut -d' ' -f1 "$1" | median) $(cut -d' ' -f2 "$1" | median)" \
		"$(cut -d' ' -f3 "$1" | median)"
}

# BENCH_TABLE (bench/README.md "One table"): each row also goes there as
# bench, row, unit, hvmon, qemu, bare, tab-separated, for bench/table.sh.
table_row() { [ -z "${BENCH_TABLE:-}" ] || printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$BENCH_TABLE"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }

echo "exits: start-up and per-exit cost, median of $R runs, N=$N"
echo "peer: $("$QEMU" --version | head -1), -M microvm"
printf '%-28s %10s %10s %10s %9s %9s\n' "" bare hvmon qemu hvmon/bare hvmon/qemu
# Round by round, every VMM and kind in each round: a slow spell of the
# host (other load, frequency changes) then weighs on all of them alike.
for _ in $(seq "$R"); do
	for v in bare hvmon qemu; do
		run_once "$v" "io=0 mmio=0" "$TMP/start.$v.runs"
		run_once "$v" "io=$N mmio=0" "$TMP/io.$v.runs"
		run_once "$v" "io=0 mmio=$N" "$TMP/mmio.$v.runs"
	done
done
for v in bare hvmon qemu; do
	for k in start io mmio; do
		medians "$TMP/$k.$v.runs" >"$TMP/$k.$v"
	done
done
row() {   # row LABEL FILE FIELD SCALE: the field of each VMM's start-up medians
	set -- "$1" "$2" "$3" "$4" \
		"$(awk -v f="$3" -v s="$4" '{ printf "%.1f", $f / s }' "$TMP/$2.bare")" \
		"$(awk -v f="$3" -v s="$4" '{ printf "%.1f", $f / s }' "$TMP/$2.hvmon")" \
		"$(awk -v f="$3" -v s="$4" '{ printf "%.1f", $f / s }' "$TMP/$2.qemu")"
	printf '%-28s %10s %10s %10s %9s %9s\n' "$1" "$5" "$6" "$7" "$(ratio "$6" "$5")" "$(ratio "$6" "$7")"
	table_row exits "${1% *}" "${1##* }" "$6" "$7" "$5"
}
per_exit() {   # per_exit LABEL KIND FIELD: (KIND - start) / N, in us
	for v in bare hvmon qemu; do
		paste "$TMP/$2.$v" "$TMP/start.$v" | awk -v f="$3" -v n="$N" '{ printf "%.3f\n", ($f - $(f + 3)) / n }'
	done | paste -s -d' ' | {
		read -r b h q
		printf '%-28s %10s %10s %10s %9s %9s\n' "$1" "$b" "$h" "$q" "$(ratio "$h" "$b")" "$(ratio "$h" "$q")"
		table_row exits "${1% *}" "${1##* }" "$h" "$q" "$b"
	}
}
row "start-up, wall ms" start 1 1000
row "start-up, CPU ms" start 2 1000
row "start-up, peak RSS MiB" start 3 1024
per_exit "port-I/O exit, wall us" io 1
per_exit "port-I/O exit, CPU us" io 2
per_exit "MMIO exit, wall us" mmio 1
per_exit "MMIO exit, CPU us" mmio 2
