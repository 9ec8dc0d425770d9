#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The first hour on a real terminal (a pty): `console` while the guest is
paused says so; Ctrl-D quits, printing "quit" as gdb does, with no second
prompt; and under make (as `make run` starts hvmon) Ctrl-C pauses the guest
and nothing else: make is not interrupted and what follows hvmon in the
recipe still runs."""
import os
import pty
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptyterm import Term, check  # noqa: E402
import ptyterm  # noqa: E402

hvmon = os.path.abspath(os.environ.get("HVMON", "build/hvmon"))
guest = os.path.abspath(os.path.join(os.environ.get("TESTGUEST", "build/testguest"),
                                     "testguest.elf"))
tmp = os.environ.get("TMPDIR", "/tmp")
home = os.path.join(tmp, "home")
os.makedirs(home, exist_ok=True)
env = dict(os.environ, HOME=home, TERM="dumb")


def wait_exit(pid, term, seconds=15):
    """The child's exit status, reading the terminal meanwhile; None on timeout."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        wpid, st = os.waitpid(pid, os.WNOHANG)
        if wpid:
            return os.waitstatus_to_exitcode(st)
        term.expect(rb"\x00", timeout=0.2)   # reads what comes meanwhile
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    return None


# 1. console while paused, then Ctrl-D.
pid, master = pty.fork()
if pid == 0:
    os.execve(hvmon, [hvmon, "-m", "32M", "-a", "exit=hlt", guest], env)
mon = Term(master)
check(mon.expect(rb"\(hvmon\) ") is not None, "prompt, guest paused")
os.write(master, b"console\r")
check(mon.expect(rb"attached to ttyS0") is not None, "console attaches")
check(mon.expect(rb"the guest is paused: nothing will come until it runs") is not None,
      "console says the guest is paused")
os.write(master, b"\x1d")
check(mon.expect(rb"detached from ttyS0") is not None, "Ctrl-] detaches")
check(mon.expect(rb"\(hvmon\) ") is not None, "prompt back")
os.write(master, b"\x04")
check(mon.expect(rb"quit\r?\n") is not None, "Ctrl-D prints quit")
status = wait_exit(pid, mon)
check(status == 0, "Ctrl-D exits 0 (got %r)" % status)
check(b"(hvmon) " not in mon.seen[mon.pos:], "no second prompt after Ctrl-D")

# 2. Under make: Ctrl-C pauses the guest, make goes on.
mk = os.path.join(tmp, "run.mk")
with open(mk, "w") as f:
    f.write("run:\n\t%s -m 32M -a exit=hlt %s\n\t@echo after-hvmon-in-recipe\n" % (hvmon, guest))
pid, master = pty.fork()
if pid == 0:
    os.execve("/usr/bin/make", ["make", "-s", "-f", mk, "run"], env)
mon = Term(master)
check(mon.expect(rb"\(hvmon\) ") is not None, "make: prompt")
os.write(master, b"run\r")
time.sleep(1.0)
os.write(master, b"\x03")
check(mon.expect(rb"paused: vcpu=0 rip=0x") is not None, "make: Ctrl-C pauses the guest")
os.write(master, b"info status\r")
check(mon.expect(rb"status=paused") is not None, "make: hvmon still at the prompt")
os.write(master, b"quit\r")
status = wait_exit(pid, mon)
seen = mon.seen
check(b"Interrupt" not in seen, "make was not interrupted")
check(b"after-hvmon-in-recipe" in seen, "the recipe went on after hvmon")
check(status == 0, "make exits 0 (got %r)" % status)
sys.exit(1 if ptyterm.failures else 0)
