#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The interactive monitor on a real terminal (see monitor_pty.py).
. tests/integration/lib.sh
need_kvm
TMPDIR=$TMP /usr/bin/python3 tests/integration/monitor_pty.py
