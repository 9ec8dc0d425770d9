#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# virtio-console (--hvc): the test guest's console driver (tests/guest/
# README.md, "Virtio") writes through emerg_wr and the transmitq; with a
# file backend the file holds both, in order. On a pty, input typed at the
# pty and through the monitor's `console hvc0` reaches the guest, which
# echoes it (virtio_console_pty.py). Both transports.
. tests/integration/lib.sh
need_kvm
G=$TESTGUEST/testguest.elf

run_hvmon 10 "$TMP/bad.out" --hvc stdio "$G"
expect_status "$status" 2 "--hvc stdio refused"
expect_line "$TMP/bad.out" "bad --hvc 'stdio' (pty or file:PATH)" "--hvc stdio: says why"

for transport in pci mmio; do
	rm -f "$TMP/hvc.txt"
	# No input on a file: the guest waits (bounded) for it; the monitor
	# looks and quits once the output is there.
	printf 'run\nwait "virtio-console: waiting for input" 30\npause\ninfo virtio\nvq console0 0\nquit\n' \
		>"$TMP/script"
	run_hvmon 60 "$TMP/$transport.out" --batch -x "$TMP/script" --virtio "$transport" \
		--hvc "file:$TMP/hvc.txt" -m 64M -a "virtio=console exit=hlt" "$G"
	o=$TMP/$transport.out
	expect_status "$status" 0 "$transport: quit after the output"
	expect_line "$o" "virtio-console (hvc0 on $TMP/hvc.txt)" "$transport: banner names the file"
	if grep -q '^virtio: .* console features=0x[0-9a-f]* ok$' "$o"; then
		ok "$transport: console initialized"
	else
		fail "$transport: no 'virtio: ... console features=... ok' line"
	fi
	expect_line "$o" "virtio-console: emerg_wr sent" "$transport: EMERG_WRITE negotiated"
	expect_line "$o" "virtio-console: sent 15 bytes" "$transport: transmitq request completed"
	if [ "$(cat "$TMP/hvc.txt")" = "$(printf 'emerg\nhello from hvc')" ]; then
		ok "$transport: the file holds emerg_wr's then the transmitq's bytes"
	else
		fail "$transport: hvc file is '$(cat "$TMP/hvc.txt")'"
	fi
	expect_line "$o" "console0.device_features=" "$transport: info virtio shows console0"
	expect_line "$o" "EMERG_WRITE" "$transport: feature named"
	# The receive buffer the guest posted, waiting for input.
	expect_line "$o" 'request="console receive buffer 64 bytes"' "$transport: vq shows the posted receive buffer"
done

TMPDIR=$TMP /usr/bin/python3 tests/integration/virtio_console_pty.py || failures=$((failures + 1))
finish
