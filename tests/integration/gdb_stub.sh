#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Debian's gdb against hvmon's gdb server on the test guest, whose ELF
# gives gdb the symbols: the architecture follows the vCPU's mode at
# connect (i386 at the 32-bit PVH entry, x86-64 later), registers equal
# the monitor's, break/continue/stepi/x/i, threads, monitor commands,
# detach (the guest runs on), a second attach, Ctrl-C and kill, and the
# monitor seeing the same stops.
. tests/integration/lib.sh
need_kvm
need_int3_exits
command -v gdb >/dev/null || { echo "skipped: no gdb (scripts/install-deps.sh installs it)"; exit 77; }
G=$TESTGUEST/testguest.elf
sym() { nm "$G" | awk -v s="$1" '$3 == s { print "0x" substr($1, match($1, /[1-9a-f]/)) }'; }
pvh=$(sym pvh_start) guest_main=$(sym guest_main) count_loop=$(sym count_loop)
first=$(objdump -d -m i386 --no-show-raw-insn "$G" |
	awk '/<pvh_start>:/ { on = 1; next } on && /^ *[0-9a-f]+:/ { print $2; exit }')

start_hvmon_gdb 300 -m 32M -a "exit=hlt" --console "file:$TMP/console.txt" "$G"

# 1. At the PVH entry, with no file: gdb is told i386 and decodes 32-bit
# code; a breakpoint takes the guest into 64-bit code.
gdb_batch "$TMP/a.out" -ex "target remote 127.0.0.1:$port" -ex "show architecture" \
	-ex 'x/1i $pc' -ex 'p/x $eip' -ex "break *$guest_main" -ex "continue" -ex 'p/x $eip' \
	-ex "disconnect"
o=$TMP/a.out
expect_line "$o" '(currently "i386")' "32-bit PVH entry: gdb gets i386"
expect_line "$o" "=> $pvh:	$first" "x/i at the entry decodes 32-bit code ($first)"
expect_line "$o" "\$1 = $pvh" "eip is the PVH entry"
expect_line "$o" "Breakpoint 1, $(printf '0x%08x' "$guest_main")" "break *ADDR and continue"
expect_line "$o" "\$2 = $guest_main" "stopped at guest_main"

# 2. Reconnected in 64-bit code, with the ELF's symbols: x86-64, and the
# registers gdb shows are the monitor's.
gdb_batch "$TMP/b.out" -ex "target remote 127.0.0.1:$port" -ex "show architecture" \
	-ex "info registers" -ex "monitor regs" -ex "break count_loop" -ex "continue" \
	-ex "stepi" -ex 'x/4i $pc' -ex "info threads" -ex "monitor info exits" \
	-ex "monitor bogus-command" -ex "detach" "$G"
o=$TMP/b.out
expect_line "$o" '(currently "i386:x86-64")' "64-bit code: gdb gets x86-64"
expect_regs_agree "$o" rax rbx rcx rsp rip cr0 cr3 cr4 efer
expect_line "$o" "Breakpoint 1, $(printf '0x%016x' "$count_loop") in count_loop ()" "break count_loop, continue"
expect_line "$o" "in count_loop ()" "stepi stays in count_loop"
expect_line "$o" "=> 0x" "x/4i \$pc"
expect_line "$o" "<count_loop+" "x/4i with symbols"
expect_line "$o" '* 1    Thread 1 "vCPU 0"' "info threads: vCPU 0"
expect_line "$o" "exits=" "monitor info exits"
expect_line "$o" "unknown command 'bogus-command'" "a failing monitor command says why"
expect_line "$o" "[Inferior 1 (Remote target) detached]" "detach"
if wait_for_line "$TMP/console.txt" "hvmon-testguest: done" 30; then
	ok "after detach the guest ran on to its end"
else
	fail "the guest did not finish after detach"
fi

# 3. A second attach pauses the running (halted) guest; Ctrl-C (gdb's
# SIGINT while it waits in continue) stops it; kill ends hvmon.
# --foreground: timeout passes the SIGINT to gdb alone; without it, it
# also signals its process group, gdb gets a second Ctrl-C and asks to
# give up on the target. The SIGINT goes once gdb has attached (on a slow
# host gdb takes seconds to start; one before then interrupts gdb, not the
# guest) and has had time to send its continue.
timeout --foreground 120 gdb -nx -batch -ex "target remote 127.0.0.1:$port" -ex "continue" \
	-ex 'p/x $pc' -ex "kill" </dev/null >"$TMP/c.out" 2>&1 &
gdb_pid=$!
wait_for_line "$TMP/hvmon.out" "paused by gdb (attached)" 90 || fail "gdb did not attach a second time"
sleep 3
kill -INT "$gdb_pid"
wait "$gdb_pid"
o=$TMP/c.out
expect_line "$o" "received signal SIGINT" "second attach; Ctrl-C stops the guest"
expect_line "$o" "[Inferior 1 (Remote target) killed]" "kill"
wait "$hv_pid"
expect_status "$?" 0 "kill ended hvmon as quit does"
exec 3>&-
o=$TMP/hvmon.out
expect_line "$o" "(gdb)" "the monitor saw gdb's breakpoint stop too"
expect_line "$o" "paused by gdb (attached)" "the monitor saw the attach pause"
expect_line "$o" "paused by gdb (Ctrl-C)" "the monitor saw the Ctrl-C"

# 4. gdbserver at the prompt, on a unix socket; a client that vanishes
# leaves the guest stopped and the server ready.
rm -f "$TMP/mon.fifo"
mkfifo "$TMP/mon.fifo"
timeout --kill-after=5 120 "$HVMON" -m 32M -a "exit=hlt" --console "file:$TMP/console2.txt" "$G" \
	<"$TMP/mon.fifo" >"$TMP/hv2.out" 2>&1 &
hv_pid=$!
exec 3>"$TMP/mon.fifo"
mon "gdbserver unix:$TMP/gdb.sock"
mon "gdbserver"
wait_for_line "$TMP/hv2.out" "gdb server on $TMP/gdb.sock" 10 || fail "gdbserver unix: did not start"
# gdb 13 reaches a unix socket only through a pipe (socat); a small client
# speaks the protocol here: half a packet and gone, then a whole session.
python3 - "$TMP/gdb.sock" >"$TMP/d.out" 2>&1 <<'PY'
import socket, sys
def frame(p):
    return b"$" + p + b"#" + b"%02x" % (sum(p) & 0xff)
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"$m10")   # half a packet, then gone
s.close()
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
def talk(p):
    s.sendall(frame(p))
    buf = b""
    while len(buf) < 4 or buf[-3:-2] != b"#":
        buf += s.recv(65536)
    return buf.decode()
print("arch", talk(b"qXfer:features:read:target.xml:0,200")[:200])
# i386 g: eax ecx edx ebx esp ebp esi edi, then eip (little-endian)
g = talk(b"g")
print("eip", g[2 + 64:2 + 72])
s.close()
PY
eip_le=$(printf '%08x' "$pvh" | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/')
expect_line "$TMP/d.out" "<architecture>i386</architecture>" "unix socket: the description, i386 at the entry"
expect_line "$TMP/d.out" "eip $eip_le" "unix socket: still stopped at the entry after a vanished client"
mon "gdbserver stop"
mon "quit"
wait "$hv_pid"
expect_status "$?" 0 "gdbserver stop, quit"
exec 3>&-
expect_line "$TMP/hv2.out" "gdb server stopped" "gdbserver stop"
[ ! -e "$TMP/gdb.sock" ] && ok "the socket file is gone" || fail "the socket file was left behind"
finish
