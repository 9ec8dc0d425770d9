#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# fuzz-corpus.sh OUTDIR: seed corpora for the libFuzzer targets
# (tests/fuzz/fuzz_NAME.c) into OUTDIR/NAME/, made from what the build
# already has: the test guest's images and payloads ($BUILD/testguest),
# the unit tests' hand-built inputs (HVMON_FUZZ_SEEDS, tests/unit/fuzz_seed.h),
# `nm -n` of the test guest as a System.map, the monitor commands shown in
# README.md and docs/, and one split and one packed virtqueue laid out as a
# driver would. Needs `make all unit guest` first (make fuzz-corpus does it).
# Seeds are replaced on every run; what a fuzzer adds stays.
set -eu
BUILD=${BUILD:-build}
out=${1:?usage: fuzz-corpus.sh OUTDIR}
tg=$BUILD/testguest

for f in "$tg/testguest.elf" "$BUILD/tests/test_kallsyms" "$BUILD/tests/test_expr"; do
	[ -e "$f" ] || { echo "fuzz-corpus: $f missing (run: make all unit guest)" >&2; exit 1; }
done
for t in kernel decompress sysmap kallsyms expr monitor_line virtq; do
	mkdir -p "$out/$t"
	rm -f "$out/$t"/seed-* "$out/$t"/unit-*
done

# Kernel images: the ELF with its PVH note and the bzImage in every payload format.
for f in "$tg"/testguest.elf "$tg"/testguest*.bzImage; do
	cp "$f" "$out/kernel/seed-$(basename "$f")"
done
# Payloads alone, and a tiny stream of each format.
for f in "$tg"/obj/testguest.elf.*; do
	cp "$f" "$out/decompress/seed-$(basename "$f")"
done
printf 'hvmon' | gzip -9n >"$out/decompress/seed-tiny.gz"
printf 'hvmon' | xz --check=crc32 >"$out/decompress/seed-tiny.xz"
printf 'hvmon' | zstd -q >"$out/decompress/seed-tiny.zst"
printf 'hvmon' | lz4 -q -l >"$out/decompress/seed-tiny.lz4"

# Symbol tables.
nm -n "$tg/testguest.elf" >"$out/sysmap/seed-testguest.map"
printf 'ffffffff81000000 T startup_64\nffffffff81000850 T pvh_start_xen\nffffffff83079e46 T start_kernel\n0000000000000000 A fixed_percpu_data\nffffffffc0000000 t vfs_read\t[ext4]\r\n' \
	>"$out/sysmap/seed-lines.map"
printf 'The real System.map is in the linux-image-<version>-dbg package\n' >"$out/sysmap/seed-debian-stub.map"
HVMON_FUZZ_SEEDS=$out/kallsyms CK_FORK=no "$BUILD/tests/test_kallsyms" >/dev/null
# Its random-damage test loads thousands of near-copies: keep the first
# tables (every layout) and one in 100 of the rest.
for f in "$out"/kallsyms/unit-*; do
	n=${f##*-}
	[ "$n" -lt 24 ] || [ $((n % 100)) -eq 0 ] || rm -f "$f"
done
HVMON_FUZZ_SEEDS=$out/expr CK_FORK=no "$BUILD/tests/test_expr" >/dev/null

# Monitor lines: every command the documentation shows at the prompt.
i=0
sed -n 's/^(hvmon) //p' README.md docs/*.md | sort -u | while IFS= read -r line; do
	i=$((i + 1))
	printf '%s' "$line" >"$out/monitor_line/seed-$i"
done

# Virtqueues (tests/fuzz/fuzz_virtq.c's input: 4 control bytes, then guest
# RAM from 0: descriptors at 0, driver area 0x1000, device area 0x2000).
python3 - "$out/virtq" <<'PY'
import struct, sys
d = sys.argv[1]
def ram(parts):
    m = bytearray(0x3000)
    for off, data in parts:
        m[off:off + len(data)] = data
    return bytes(m)
# Split, size 8 (1 << 3): a chain of a 16-byte request and a 256-byte
# answer buffer at 0x2800, heads 0 and 2 available (2.7.5, 2.7.6).
desc = struct.pack("<QIHH", 0x2800, 16, 1, 1) + struct.pack("<QIHH", 0x2810, 256, 2, 0) \
     + struct.pack("<QIHH", 0x2900, 32, 2, 0)
avail = struct.pack("<HHHH", 0, 2, 0, 2)
open(d + "/seed-split", "wb").write(bytes([0x02, 3, 4, 64]) + ram([(0, desc), (0x1000, avail)]))
# Split with an indirect table (VIRTQ_DESC_F_INDIRECT = 4) at 0x2a00.
ind = struct.pack("<QIHH", 0x2800, 16, 1, 1) + struct.pack("<QIHH", 0x2810, 64, 2, 0)
desc = struct.pack("<QIHH", 0x2a00, 32, 4, 0)
open(d + "/seed-split-indirect", "wb").write(
    bytes([0x04, 3, 1, 8]) + ram([(0, desc), (0x1000, struct.pack("<HHH", 0, 1, 0)), (0x2a00, ind)]))
# Packed, size 8: two descriptors of one chain, AVAIL set and USED clear
# for wrap counter 1 (2.8.1: AVAIL = 1 << 7, USED = 1 << 15; NEXT 1, WRITE 2).
AV = 1 << 7
desc = struct.pack("<QIHH", 0x2800, 16, 0, AV | 1) + struct.pack("<QIHH", 0x2810, 128, 5, AV | 2)
open(d + "/seed-packed", "wb").write(bytes([0x01, 7, 2, 32]) + ram([(0, desc)]))
PY
for t in kernel decompress sysmap kallsyms expr monitor_line virtq; do
	echo "fuzz-corpus: $t: $(ls "$out/$t" | wc -l) files"
done
