#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Memory of Debian's kernel (bench/README.md "mem.sh"): the resident set of
# the VMM process, hvmon against QEMU, once the kernel has printed its
# first line on the serial console ("Linux version ..."; with earlyprintk
# the lines up to the e820 map come out together, when the early console
# registers). Read from /proc/PID/status at that moment: VmRSS (resident
# now, and its parts RssAnon and RssFile + RssShmem) and VmHWM (the peak
# so far).
# The kit's vmlinuz and initrd.img and the same RAM size on both. hvmon
# boots the bzImage its usual way (the XZ payload decompressed on the
# host, the PVH entry); QEMU gets the ELF vmlinux from that same bzImage
# and enters it through PVH too, since the kernel's own decompressor in
# emulated ring 0 takes tens of minutes on hosts whose /dev/kvm emulates
# ring 0 (docs/design.md 1). Medians of R rounds, each round running both
# VMMs once.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
BUILD=${BUILD:-build}
HVMON=${HVMON:-$BUILD/hvmon}
KIT=${GUEST_DIR:-build/guest}
QEMU=${QEMU:-qemu-system-x86_64}
MEM=${MEM:-256}
R=${R:-3}
LINE="Linux version"
APPEND="console=ttyS0 earlyprintk=ttyS0 nokaslr"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hvmon-bench.XXXXXX")
vmm_pid=
trap '[ -z "$vmm_pid" ] || kill "$vmm_pid" 2>/dev/null; rm -rf "$TMP"' EXIT

[ -e "$HVMON" ] || { echo "bench: $HVMON missing (make all)" >&2; exit 2; }
if [ ! -f "$KIT/vmlinuz" ] || [ ! -f "$KIT/initrd.img" ]; then
	echo "mem: skipped, no Debian kernel in $KIT (make guest-kit, or GUEST_DIR=)"
	exit 0
fi
for t in "$QEMU" xz od; do
	command -v "$t" >/dev/null || { echo "bench: $t missing (scripts/install-bench-deps.sh)" >&2; exit 2; }
done
[ -c /dev/kvm ] || { echo "bench: no /dev/kvm" >&2; exit 2; }
[ "$R" -ge 1 ] 2>/dev/null || { echo "bench: R=$R: at least one round" >&2; exit 2; }
[ "$MEM" -ge 64 ] 2>/dev/null || { echo "bench: MEM=$MEM: guest RAM in MiB, at least 64" >&2; exit 2; }

fail() { echo "bench: $*" >&2; exit 1; }

# The bzImage's payload (boot.rst, "The Real-Mode Kernel Header"): it
# starts payload_offset (0x248) bytes into the protected-mode code, which
# follows the (setup_sects (0x1f1) + 1) 512-byte sectors of the setup; the
# XZ stream is followed by the 4-byte uncompressed size.
u() { od -An -tu"$2" -j "$1" -N"$2" "$KIT/vmlinuz" | tr -d ' '; }
[ "$(od -An -c -j 514 -N4 "$KIT/vmlinuz" | tr -d ' ')" = HdrS ] || fail "$KIT/vmlinuz is not a bzImage"
off=$((($(u 497 1) + 1) * 512 + $(u 584 4)))
tail -c +$((off + 1)) "$KIT/vmlinuz" | head -c "$(u 588 4)" | xz -dc --single-stream >"$TMP/vmlinux" ||
	fail "cannot decompress the payload of $KIT/vmlinuz (not XZ?)"

# rss PID CONSOLE: once CONSOLE has LINE, "VmRSS VmHWM RssAnon files" of
# PID in KiB, files being RssFile + RssShmem: the files the VMM maps, on a
# disk or on a tmpfs (QEMU keeps the ELF it loaded mapped, from $TMP).
rss() {
	i=0
	until grep -qF "$LINE" "$2" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -le 12000 ] && kill -0 "$1" 2>/dev/null || fail "no '$LINE' in $2 within 600 s"
		sleep 0.05
	done
	awk '$1 == "VmRSS:" { r = $2 } $1 == "VmHWM:" { h = $2 } $1 == "RssAnon:" { a = $2 }
		$1 == "RssFile:" || $1 == "RssShmem:" { f += $2 } END { print r, h, a, f }' "/proc/$1/status"
}

hvmon_rss() {
	rm -f "$TMP/mon.fifo" "$TMP/h.console"
	mkfifo "$TMP/mon.fifo"
	# The monitor reads a FIFO kept open, so hvmon does not end at EOF.
	"$HVMON" --run -m "${MEM}M" -a "$APPEND" --console "file:$TMP/h.console" \
		"$KIT/vmlinuz" "$KIT/initrd.img" <"$TMP/mon.fifo" >"$TMP/hvmon.out" 2>&1 &
	vmm_pid=$!
	exec 3>"$TMP/mon.fifo"
	rss "$vmm_pid" "$TMP/h.console" >>"$TMP/hvmon.runs"
	printf 'quit\n' >&3
	wait "$vmm_pid" || fail "hvmon: $(tail -3 "$TMP/hvmon.out")"
	vmm_pid=
	exec 3>&-
}

qemu_rss() {
	rm -f "$TMP/q.console"
	"$QEMU" -enable-kvm -M microvm -m "${MEM}M" -nodefaults -display none -no-reboot \
		-serial "file:$TMP/q.console" -kernel "$TMP/vmlinux" -initrd "$KIT/initrd.img" \
		-append "$APPEND" >"$TMP/qemu.out" 2>&1 </dev/null &
	vmm_pid=$!
	rss "$vmm_pid" "$TMP/q.console" >>"$TMP/qemu.runs"
	kill "$vmm_pid"
	wait "$vmm_pid" || true
	vmm_pid=
}

# BENCH_TABLE (bench/README.md "One table"): each row also goes there as
# bench, row, unit, hvmon, qemu, bare, tab-separated, for bench/table.sh.
table_row() { [ -z "${BENCH_TABLE:-}" ] || printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$BENCH_TABLE"; }

for _ in $(seq "$R"); do
	hvmon_rss
	qemu_rss
done
col() { cut -d' ' -f"$2" "$TMP/$1.runs" | median; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
row() {   # row LABEL TABLE-ROW FIELD
	h=$(col hvmon "$3") q=$(col qemu "$3")
	awk -v l="$1" -v h="$h" -v q="$q" \
		'BEGIN { printf "%-32s %12.1f %12.1f %8.2f\n", l, h / 1024, q / 1024, h / q }'
	table_row mem "$2" MiB "$(mib "$h")" "$(mib "$q")" ""
}
echo "memory: Debian's kernel $(cat "$KIT/kernel-version" 2>/dev/null || true) with $MEM MiB of RAM," \
	"at its first serial line ('$LINE'), median of $R runs"
echo "peer: $("$QEMU" --version | head -1), -M microvm, the vmlinux from the same bzImage (PVH)"
printf '%-32s %12s %12s %8s\n' "" hvmon qemu ratio
row "RSS (VmRSS), MiB" "RSS at the first line" 1
row "peak RSS (VmHWM), MiB" "peak RSS at the first line" 2
row "  of RSS: anonymous, MiB" "RSS anonymous" 3
row "  of RSS: mapped files, MiB" "RSS mapped files" 4
