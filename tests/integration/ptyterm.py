# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers for the tests that drive hvmon through terminals (ptys): a
reader that waits for patterns, and ok/FAIL reporting."""
import os
import re
import select
import time

failures = 0


def check(cond, what):
    """Print ok or FAIL for one fact; FAILs are counted in failures."""
    global failures
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond:
        failures += 1


class Term:
    """A reader over an fd that keeps everything seen."""

    def __init__(self, fd):
        self.fd, self.seen, self.pos = fd, b"", 0

    def expect(self, pattern, timeout=15.0):
        """Wait for pattern (regex, bytes) after the last match."""
        end = time.monotonic() + timeout
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.seen, self.pos)
            if m:
                self.pos = m.end()
                return m
            left = end - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.fd], [], [], left)
            if r:
                try:
                    data = os.read(self.fd, 4096)
                except OSError:
                    return None
                if not data:
                    return None
                self.seen += data
