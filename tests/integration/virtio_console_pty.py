#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""virtio-console (--hvc pty) as a person uses it: the guest's hvc0 on a
pty hvmon names, typed at from that pty (as screen would) and from the
monitor's `console hvc0`, with the guest echoing what it got."""
import os
import pty
import re
import subprocess
import sys
import time
import tty

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptyterm import Term, check  # noqa: E402
import ptyterm  # noqa: E402

hvmon = os.environ.get("HVMON", "build/hvmon")
guest = os.path.join(os.environ.get("TESTGUEST", "build/testguest"), "testguest.elf")


def open_pty(path):
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    tty.setraw(fd)
    return Term(fd)


home = os.environ.get("TMPDIR", "/tmp") + "/hvmon-hvc-home-%d" % os.getpid()
os.makedirs(home, exist_ok=True)
env = dict(os.environ, HOME=home, TERM="dumb")

# 1. The monitor on a terminal; input through `console hvc0`.
pid, master = pty.fork()
if pid == 0:
    os.execve(hvmon, [hvmon, "--hvc", "pty", "-m", "32M", "-a", "virtio=console exit=hlt",
                      guest], env)
mon = Term(master)
m = mon.expect(rb"virtio-console \(hvc0 on (/dev/pts/\d+)\) on PCI 00:01\.0")
check(m is not None, "banner names hvc0's pty")
check(mon.expect(rb"\(hvmon\) ") is not None, "prompt")
hvc = open_pty(m.group(1).decode()) if m else None
os.write(master, b"run\r")
check(hvc is not None and hvc.expect(rb"emerg\r?\n") is not None, "emerg_wr output on the hvc pty")
check(hvc is not None and hvc.expect(rb"hello from hvc") is not None, "transmitq output on the hvc pty")
time.sleep(0.5)
os.write(master, b"console hvc0\r")
check(mon.expect(rb"attached to hvc0; Ctrl-\] returns to the prompt") is not None,
      "console hvc0 attaches")
time.sleep(0.3)
os.write(master, b"typed-at-monitor\r")
check(mon.expect(rb"echo: typed-at-monitor") is not None, "the guest's echo comes to the terminal")
check(hvc is not None and hvc.expect(rb"echo: typed-at-monitor") is not None,
      "... and to the hvc pty, still attached")
os.write(master, b"\x1d")
check(mon.expect(rb"detached from hvc0") is not None, "Ctrl-] detaches")
os.write(master, b"console hvc1\r")
check(mon.expect(rb"error: no console hvc1 \(1 --hvc given\)") is not None, "console hvc1: one line")
os.write(master, b"vq con\t")
check(mon.expect(rb"vq console0") is not None, "TAB completes a virtio device name")
os.write(master, b"\x15console h\t")
check(mon.expect(rb"console hvc0") is not None, "TAB completes a console")
os.write(master, b"\x15")
os.write(master, b"info virtio\r")
check(mon.expect(rb"console0\.status=0x0f \[ACKNOWLEDGE DRIVER FEATURES_OK DRIVER_OK\]") is not None,
      "info virtio: console0 running")
os.write(master, b"quit\r")
_, st = os.waitpid(pid, 0)
check(os.waitstatus_to_exitcode(st) == 0, "quit exits 0")

# 2. Batch mode; input typed at the hvc pty, as screen or picocom would.
out = os.path.join(os.environ.get("TMPDIR", "/tmp"), "hvc-batch.out")
script = os.path.join(os.environ.get("TMPDIR", "/tmp"), "hvc-batch.script")
with open(script, "w") as f:
    f.write('run\nwait "virtio-console: echoed" 60\n')
with open(out, "wb") as f:
    p = subprocess.Popen([hvmon, "--batch", "-x", script, "--hvc", "pty", "-m", "32M",
                          "-a", "virtio=console exit=cf9", guest],
                         stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
path, hvc, typed = None, None, False
deadline = time.monotonic() + 60
while time.monotonic() < deadline and p.poll() is None:
    text = open(out, "rb").read()
    if path is None:
        m = re.search(rb"hvc0 on (/dev/pts/\d+)", text)
        if m:
            path = m.group(1).decode()
            hvc = open_pty(path)
    if hvc and not typed and b"virtio-console: waiting for input" in text:
        os.write(hvc.fd, b"typed-at-pty\r")
        typed = True
    if hvc:
        # Read as it comes: once hvmon exits the pty is gone.
        hvc.expect(rb"echo: typed-at-pty", 0.1)
    else:
        time.sleep(0.1)
try:
    rc = p.wait(timeout=max(1, deadline - time.monotonic()))
except subprocess.TimeoutExpired:
    p.kill()
    rc = None
text = open(out, "rb").read()
check(rc == 0, "batch run ends with the guest's reset (got %r)" % rc)
check(typed, "input typed at the hvc pty")
check(b"virtio-console: got 13 bytes typed-at-pty" in text, "the guest received the typed line")
check(hvc is not None and b"echo: typed-at-pty" in hvc.seen, "the echo came back on the pty")
check(b"virtio-console: isr=0x1" in text, "ISR shows the queue interrupt")
sys.exit(1 if ptyterm.failures else 0)
