#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Debian's gdb against hvmon's gdb protocol code (framing, request parser,
# dispatcher, target descriptions), served by tests/tools/gdb_fake_server
# over a pretend two-vCPU machine: needs no /dev/kvm. The same code serves
# the real machine in gdb_stub.sh.
. tests/integration/lib.sh
command -v gdb >/dev/null || { echo "skipped: no gdb (scripts/install-deps.sh installs it)"; exit 77; }
FAKE=$BUILD/tools/gdb_fake_server

# start_fake [32]: the server on a free port; sets $port and $fake_pid.
start_fake() {
	"$FAKE" 0 "$@" >"$TMP/fake.out" 2>&1 &
	fake_pid=$!
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		port=$(awk '/^listening/ { print $2 }' "$TMP/fake.out")
		[ -n "$port" ] && return 0
		sleep 0.2
	done
	fail "the fake server did not start"
	finish
}

# end_fake: wait (30 s at most) for the server to end after gdb's kill;
# one that does not is a failure, and is killed so the test never hangs.
end_fake() {
	for _ in $(seq 300); do
		kill -0 "$fake_pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$fake_pid" 2>/dev/null; then
		fail "the fake server was still running 30 s after gdb's kill"
		kill "$fake_pid"
	fi
	wait "$fake_pid" 2>/dev/null
}

start_fake
gdb_batch "$TMP/gdb.out" -ex "target remote 127.0.0.1:$port" -ex "show architecture" -ex "info registers" \
	-ex 'x/2i $pc' -ex "stepi" -ex 'p/x $pc' -ex "break *0x400200" -ex "continue" \
	-ex 'p/x $pc' -ex "hbreak *0x400300" -ex "continue" -ex "info threads" -ex "thread 2" \
	-ex 'p/x $rax' -ex "monitor info exits" -ex "set var *(char*)0x400010 = 0x41" \
	-ex "x/1bx 0x400010" -ex "maintenance packet Qqemu.PhyMemMode:1" -ex "x/1bx 0x10" \
	-ex "maintenance packet Qqemu.PhyMemMode:0" -ex 'set var $r12 = 0x1234' -ex 'p/x $r12' \
	-ex "detach"
o=$TMP/gdb.out
expect_line "$o" '(currently "i386:x86-64")' "a 64-bit vCPU gives gdb x86-64"
expect_line "$o" "rip            0x400100" "info registers: rip"
for r in fs_base gs_base cr0 cr2 cr3 cr4 cr8 efer; do
	expect_line "$o" "$r " "info registers: $r"
done
expect_line "$o" "cr3            0x1000" "info registers: cr3's value"
expect_line "$o" "=> 0x400100:	nop" "x/2i \$pc"
expect_line "$o" "\$1 = 0x400101" "stepi moved one instruction"
expect_line "$o" "hit Breakpoint 1, 0x0000000000400200" "break and continue (Z0)"
expect_line "$o" "hit Breakpoint 2, 0x0000000000400300" "hbreak and continue (Z1)"
expect_line "$o" '2    Thread 2 "vCPU 1"' "info threads: vCPUs as named threads"
expect_line "$o" "\$3 = 0x2222222222222222" "thread 2: vCPU 1's registers"
expect_line "$o" "fake monitor ran: info exits" "monitor CMD (qRcmd) and its output"
expect_line "$o" "0x400010:	0x41" "memory write and read back"
expect_line "$o" "0x10:	0x41" "Qqemu.PhyMemMode:1: physical addresses"
expect_line "$o" "\$4 = 0x1234" "register write (P)"
expect_line "$o" "[Inferior 1 (Remote target) detached]" "detach"
expect_no_line "$o" "internal-error" "gdb had no internal error"

# A second client after the first detached; Ctrl-C (gdb's SIGINT while it
# waits in continue) stops the machine; kill ends the server.
gdb_batch_bg() {
	timeout 60 gdb -nx -batch "$@" >"$TMP/gdb2.out" 2>&1 &
	gdb_pid=$!
}
waits=$(grep -c "^waiting for a stop" "$TMP/fake.out")
gdb_batch_bg -ex "target remote 127.0.0.1:$port" -ex "continue" -ex 'p/x $pc' -ex "kill"
# Ctrl-C once gdb waits in continue: once the server has its resume and
# says so (gdb's "Continuing." comes before it sends one, too early on a
# slow host). To gdb itself, not to timeout: a background job of a
# non-interactive shell starts with SIGINT ignored, which timeout then
# neither catches nor forwards; gdb installs its own.
for _ in $(seq 300); do
	[ "$(grep -c "^waiting for a stop" "$TMP/fake.out")" -gt "$waits" ] && break
	sleep 0.1
done
sleep 0.5
pkill -INT -P "$gdb_pid" -x gdb
wait "$gdb_pid"
o=$TMP/gdb2.out
expect_line "$o" "received signal SIGINT" "a second attach; Ctrl-C stops the guest"
expect_line "$o" "[Inferior 1 (Remote target) killed]" "kill"
end_fake
expect_line "$TMP/fake.out" "killed" "kill ended the server"

# A 32-bit vCPU (a PVH entry) gives gdb i386.
start_fake 32
gdb_batch "$TMP/gdb.out" -ex "target remote 127.0.0.1:$port" -ex "show architecture" -ex "info registers eip" \
	-ex 'p/x $cr0' -ex "kill"
o=$TMP/gdb.out
expect_line "$o" '(currently "i386")' "a 32-bit vCPU gives gdb i386"
expect_line "$o" "eip            0x400100" "i386 registers"
expect_line "$o" "\$1 = 0x80000011" "control registers in i386 too"
end_fake

# Garbage on the wire: damaged, oversized and malformed packets get an
# answer and the connection stays up; a client that vanishes mid-packet
# leaves the server ready for the next.
start_fake
python3 - "$port" >"$TMP/raw.out" 2>&1 <<'PY'
import socket, sys
def frame(p):
    return b"$" + p + b"#" + b"%02x" % (sum(p) & 0xff)
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
def talk(data):
    s.sendall(data)
    buf = b""
    while not buf.endswith(tuple(b"#%02x" % i for i in range(256))) or buf.count(b"$") == 0:
        buf += s.recv(65536)
        if len(buf) > 3 and buf[-3:-2] == b"#":
            break
    return buf
print("badsum", s.sendall(b"$g#00") or s.recv(1))
print("oversize", talk(b"$" + b"a" * 20000 + b"#00")[:12])
print("malformed", talk(frame(b"m1000")))
print("unknown", talk(frame(b"vMustReplyEmpty")))
print("stillup", talk(frame(b"m400100,2")))
s.sendall(b"$m4001")
s.close()
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
print("next", talk(frame(b"qC")))
s.sendall(frame(b"k"))
s.close()
PY
o=$TMP/raw.out
expect_line "$o" "badsum b'-'" "a bad checksum is NAKed"
expect_line "$o" "oversize b'+\$E16#" "an oversized packet gets an error"
expect_line "$o" "malformed b'+\$E16#" "a malformed packet gets an error"
expect_line "$o" "unknown b'+\$#00'" "an unknown packet gets the empty reply"
expect_line "$o" "stillup b'+\$9090#" "the connection stays up"
expect_line "$o" "next b'+\$QC1#" "a vanished client leaves the server ready"
end_fake
finish
