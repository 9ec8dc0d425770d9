#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Drive hvmon as a person would: its prompt on a real terminal (a pty),
the guest console on the pty hvmon creates and names, typing commands and
Ctrl-C, reading what comes back."""
import os
import pty
import select
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptyterm import Term, check  # noqa: E402
import ptyterm  # noqa: E402

hvmon = os.environ.get("HVMON", "build/hvmon")
guest = os.path.join(os.environ.get("TESTGUEST", "build/testguest"), "testguest.elf")

home = os.environ.get("TMPDIR", "/tmp") + "/hvmon-pty-home-%d" % os.getpid()
os.makedirs(home, exist_ok=True)
env = dict(os.environ, HOME=home, TERM="dumb")
pid, master = pty.fork()
if pid == 0:
    os.execve(hvmon, [hvmon, "-m", "32M", "-a", "exit=hlt", guest], env)

mon = Term(master)
m = mon.expect(rb"serial console on (/dev/pts/\d+)")
check(m is not None, "hvmon names the console pty")
check(mon.expect(rb"\(hvmon\) ") is not None, "prompt shown, guest paused")
con = Term(os.open(m.group(1).decode(), os.O_RDWR | os.O_NOCTTY)) if m else None

os.write(master, b"regs\r")
check(mon.expect(rb"rip=0x0000000001000000") is not None, "regs: RIP at the PVH entry")
check(mon.expect(rb"mode=32-bit protected mode, paging off") is not None, "regs: the PVH entry mode")

# TAB completion: the command word, then what that command takes.
os.write(master, b"inf\t")
check(mon.expect(rb"info ") is not None, "TAB completes a command")
os.write(master, b"ex\t")
check(mon.expect(rb"exits") is not None, "TAB completes info's subject")
os.write(master, b"\x15regs ri\t")   # Ctrl-U: start the line again
check(mon.expect(rb"regs rip=") is not None, "TAB completes a register to assign")
os.write(master, b"$rfl\t")
check(mon.expect(rb"\$rflags") is not None, "TAB after NAME= completes a value, not another NAME=")
os.write(master, b"\x15help disa\t")   # disas and disassemble: their prefix
check(mon.expect(rb"help disas") is not None, "TAB after help completes commands")
os.write(master, b"\x15info regi\t")
check(mon.expect(rb"registers") is not None, "TAB completes every subject info takes")
os.write(master, b"\x15")

os.write(master, b"frobnicate\r")
check(mon.expect(rb"error: unknown command 'frobnicate'") is not None, "unknown command: one line")
check(mon.expect(rb"\(hvmon\) ") is not None, "prompt back after an error")

os.write(master, b"run\r")
check(con is not None and con.expect(rb"hvmon-testguest: done") is not None,
      "guest output arrives on the console pty")

os.write(master, b"\x03")   # Ctrl-C pauses a running guest
check(mon.expect(rb"paused: vcpu=0 rip=0x") is not None, "Ctrl-C pauses the guest")
os.write(master, b"info status\r")
check(mon.expect(rb"status=paused") is not None, "status says paused")
os.write(master, b"\x03")   # Ctrl-C at the prompt of a paused guest: just a new line
check(mon.expect(rb"\^C") is not None, "Ctrl-C at the prompt is harmless")

# console: keystrokes reach the guest's UART until Ctrl-] returns.
os.write(master, b"console\r")
check(mon.expect(rb"attached to ttyS0; Ctrl-\] returns to the prompt") is not None, "console attaches")
time.sleep(0.3)
os.write(master, b"hello")
time.sleep(0.3)
os.write(master, b"\x1d")
check(mon.expect(rb"detached from ttyS0") is not None, "Ctrl-] detaches")
os.write(master, b"info io\r")
check(mon.expect(rb"com1.tx_bytes=\d+ com1.rx_bytes=5 ") is not None, "the 5 typed bytes reached COM1")

os.write(master, b"quit\r")
deadline = time.monotonic() + 10
status = None
while time.monotonic() < deadline:
    wpid, st = os.waitpid(pid, os.WNOHANG)
    if wpid:
        status = os.waitstatus_to_exitcode(st)
        break
    try:
        select.select([master], [], [], 0.2)
        os.read(master, 4096)
    except OSError:
        pass
if status is None:
    os.kill(pid, 9)
check(status == 0, "quit exits 0 (got %r)" % status)
hist = os.path.join(home, ".hvmon_history")
check(os.path.exists(hist) and "regs" in open(hist).read(), "history saved to ~/.hvmon_history")

# With --console stdio the guest's output shares the terminal with the
# prompt: it is printed above the prompt line, which is redrawn intact.
pid, master = pty.fork()
if pid == 0:
    os.execve(hvmon, [hvmon, "--console", "stdio", "-m", "32M", "-a", "exit=hlt", guest], env)
mon = Term(master)
check(mon.expect(rb"\(hvmon\) ") is not None, "stdio console: prompt")
os.write(master, b"run\r")
time.sleep(1.0)
os.write(master, b"inf")   # half-typed when the output arrives? redrawn either way
check(mon.expect(rb"hvmon-testguest: done\r?\n") is not None, "stdio console: guest output shown")
check(mon.expect(rb"\(hvmon\) inf") is not None, "stdio console: prompt and typed text redrawn after it")
os.write(master, b"o status\r")
check(mon.expect(rb"status=running") is not None, "stdio console: the line typed across the output works")
os.write(master, b"quit\r")
time.sleep(0.5)
wpid, st = os.waitpid(pid, 0)
check(os.waitstatus_to_exitcode(st) == 0, "stdio console: quit exits 0")
sys.exit(1 if ptyterm.failures else 0)
