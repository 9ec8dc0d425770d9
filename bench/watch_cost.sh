#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The cost of a watchpoint on a page the guest writes (bench/README.md).
# The test guest's watchloop= writes 4095 bytes of wp_page a round and
# counts rounds in wp_counter (tests/guest/README.md, "Watchpoints"). hvmon
# runs it for S seconds as is, and again with `watch wp_page+0x80 1` (the
# byte the loop never writes: no stop, every other write an exit). Rounds
# per second give the time per round, the watch's exits= the exits per
# round; the difference over the exits is the cost of one write to a
# watched page. No peer: QEMU's watchpoints under KVM are the debug
# registers, four of at most 8 bytes, and they never fire on kvm_pvm.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
HVMON=${HVMON:-$BUILD/hvmon}
G=${TESTGUEST:-$BUILD/testguest}/testguest.elf
S=${S:-3}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hvmon-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

for f in "$HVMON" "$G"; do
	[ -e "$f" ] || { echo "bench: $f missing (make all guest)" >&2; exit 2; }
done
[ -c /dev/kvm ] || { echo "bench: no /dev/kvm" >&2; exit 2; }

# measure OUT [WATCH-COMMAND]: the counter and the watch's exits at the
# start and the end of S seconds of the loop.
measure() {
	{
		[ $# -gt 1 ] && printf '%s\n' "$2"
		printf 'run\nwait "watchloop: running" 120\npause\nx/1xg wp_counter\ninfo break\n'
		printf 'run\nsleep %d\npause\nx/1xg wp_counter\ninfo break\nquit\n' $((S * 1000))
	} >"$TMP/script"
	"$HVMON" --batch -x "$TMP/script" -m 32M -a watchloop=1 "$G" >"$1" 2>&1 ||
		{ echo "bench: hvmon failed:" >&2; tail -5 "$1" >&2; exit 1; }
}
counter() { grep -E '^0x[0-9a-f]+: 0x' "$1" | sed -n "$2p" | sed 's/.*: //'; }
exits() { grep -F 'watch wp_page' "$1" | sed -n "$2p" | sed 's/.* exits=\([0-9]*\).*/\1/'; }

measure "$TMP/plain.out"
measure "$TMP/watched.out" "watch wp_page+0x80 1"
p0=$(($(counter "$TMP/plain.out" 1))) p1=$(($(counter "$TMP/plain.out" 2)))
w0=$(($(counter "$TMP/watched.out" 1))) w1=$(($(counter "$TMP/watched.out" 2)))
e0=$(exits "$TMP/watched.out" 1) e1=$(exits "$TMP/watched.out" 2)
if [ $((p1 - p0)) -le 0 ] || [ $((w1 - w0)) -le 0 ] || [ -z "$e1" ]; then
	echo "bench: the loop did not run (rounds $p0..$p1, $w0..$w1; exits '$e0' '$e1')" >&2
	exit 1
fi
awk -v s="$S" -v pr=$((p1 - p0)) -v wr=$((w1 - w0)) -v ex=$((e1 - e0)) 'BEGIN {
	plain = s * 1e6 / pr; watched = s * 1e6 / wr; per = ex / wr
	printf "watchpoint on a page the guest writes (4095 writes a round), %d s each\n", s
	printf "%-36s %12.1f\n", "round, us, no watch", plain
	printf "%-36s %12.1f\n", "round, us, one watched byte", watched
	printf "%-36s %12.1f\n", "exits per round (watch exits=)", per
	printf "%-36s %12.2f\n", "cost of one watched write, us", (watched - plain) / per
}'
# BENCH_TABLE (bench/README.md "One table"): the rows above, tab-separated
# (bench, row, unit, hvmon, qemu, bare; no peer), for bench/table.sh.
if [ -n "${BENCH_TABLE:-}" ]; then
	awk -v s="$S" -v pr=$((p1 - p0)) -v wr=$((w1 - w0)) -v ex=$((e1 - e0)) 'BEGIN {
		plain = s * 1e6 / pr; watched = s * 1e6 / wr; per = ex / wr
		printf "watch_cost\tround, no watch\tus\t%.1f\t\t\n", plain
		printf "watch_cost\tround, one watched byte\tus\t%.1f\t\t\n", watched
		printf "watch_cost\texits per round\texits\t%.1f\t\t\n", per
		printf "watch_cost\tone watched write\tus\t%.2f\t\t\n", (watched - plain) / per
	}' >>"$BENCH_TABLE"
fi
