#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Bad user input gets one clear line naming the problem and exit status 2:
# never a crash, never a hang.
. tests/integration/lib.sh
G=$TESTGUEST/testguest.elf
BZ=$TESTGUEST/testguest.bzImage

# check_bad WHAT EXPECTED-TEXT ARGS...
check_bad() {
	what=$1 want=$2
	shift 2
	run_hvmon 20 "$TMP/err" "$@"
	expect_status "$status" 2 "$what"
	if [ "$(grep -c . "$TMP/err.err")" -eq 1 ] && grep -qF -- "$want" "$TMP/err.err"; then
		ok "$what: one line: $(cat "$TMP/err.err")"
	else
		fail "$what: wanted one line containing '$want', got:"
		sed 's/^/    | /' "$TMP/err.err"
	fi
}

check_bad "no kernel" "no kernel given"
check_bad "missing kernel" "cannot read kernel /nonexistent/vmlinuz" /nonexistent/vmlinuz
check_bad "missing initrd" "cannot read initrd /nonexistent/initrd" "$G" /nonexistent/initrd
check_bad "memory too small" "too small" -m 4M "$G"
check_bad "memory not a size" "bad memory size 'lots'" -m lots "$G"
check_bad "no vCPUs" "bad vCPU count '0'" -c 0 "$G"
check_bad "vCPU count not a number" "bad vCPU count 'four'" -c four "$G"
check_bad "more vCPUs than hvmon runs" "--cpus 5000: hvmon runs at most 4096 vCPUs" -c 5000 "$G"
check_bad "unknown option" "unknown option '--frobnicate'" --frobnicate "$G"
check_bad "bad boot protocol" "unknown boot protocol 'multiboot'" --boot multiboot "$G"
check_bad "bad console" "bad console 'serial'" --console serial "$G"
check_bad "option without argument" "needs an argument" "$G" -m
check_bad "not a kernel" "neither a bzImage nor an ELF kernel" /etc/hostname
check_bad "script is a directory" "it is a directory" -x /tmp "$G"

# Images that are almost right. These need no /dev/kvm: the kernel is
# checked before KVM is touched.
head -c 3000 "$BZ" >"$TMP/truncated.bzImage"
check_bad "truncated bzImage" "truncated" "$TMP/truncated.bzImage"
head -c 600 "$BZ" >"$TMP/head600.bzImage"
check_bad "bzImage cut inside its header" "truncated bzImage: 600 bytes" "$TMP/head600.bzImage"
cp "$BZ" "$TMP/old.bzImage"
printf '\001\002' | dd of="$TMP/old.bzImage" bs=1 seek=518 conv=notrunc 2>/dev/null   # version 2.01
check_bad "protocol too old" "2.01" "$TMP/old.bzImage"
long=$(head -c 3000 /dev/zero | tr '\0' 'x')
check_bad "command line too long" "command line" -a "$long" "$BZ"
head -c 40M /dev/zero >"$TMP/big.initrd"
check_bad "initrd larger than RAM" "initrd" -m 32M "$G" "$TMP/big.initrd"
check_bad "linux64 on an ELF" "linux64" --boot linux64 "$G"
# The second PT_LOAD moved back into the first one's memory (ELF64: the
# program headers at e_phoff, 56 bytes each, p_paddr at +24).
python3 - "$G" "$TMP/overlap.elf" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
phoff, = struct.unpack_from("<Q", b, 32)
loads = [phoff + 56 * i for i in range(struct.unpack_from("<H", b, 56)[0])
         if struct.unpack_from("<I", b, phoff + 56 * i)[0] == 1]
first_paddr, = struct.unpack_from("<Q", b, loads[0] + 24)
struct.pack_into("<Q", b, loads[1] + 24, first_paddr + 0x100)
open(sys.argv[2], "wb").write(b)
PY
check_bad "overlapping ELF segments" "ELF loadable segments 0 and 1 overlap in memory" "$TMP/overlap.elf"
check_bad "--symbols: missing file" "cannot read symbol file /nonexistent/System.map" \
	--symbols /nonexistent/System.map "$G"

# Errors met while the machine is made: these need /dev/kvm.
if [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	check_bad "console file in a missing directory" \
		"serial console (--console): cannot create /nonexistent/dir/x: No such file or directory" \
		--console file:/nonexistent/dir/x "$G"
	# --symbols: an empty file is refused as a missing one is (exit 2).
	: >"$TMP/empty.map"
	run_hvmon 20 "$TMP/sym.out" --batch --symbols "$TMP/empty.map" "$G"
	expect_status "$status" 2 "--symbols: empty file refused"
	expect_line "$TMP/sym.out" "hvmon: --symbols: $TMP/empty.map: file is empty" \
		"--symbols: empty file: says so"
	# A disk image root cannot write either (immutable): ,ro is suggested.
	head -c 65536 /dev/zero >"$TMP/ro.img"
	if [ "$(id -u)" -eq 0 ] && chattr +i "$TMP/ro.img" 2>/dev/null; then
		run_hvmon 20 "$TMP/ro.out" --batch --disk "$TMP/ro.img" "$G"
		chattr -i "$TMP/ro.img"
		expect_status "$status" 2 "--disk on an unwritable image refused"
		expect_line "$TMP/ro.out" "(not writable: add ,ro to use it read-only)" \
			"--disk on an unwritable image: suggests ,ro"
	else
		echo "(chattr +i not possible here: the --disk ,ro hint left unchecked)"
	fi
else
	echo "(no /dev/kvm: console, --symbols and --disk errors left unchecked)"
fi
finish
