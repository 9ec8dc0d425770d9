#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The first hour on a real terminal (see first_hour_pty.py).
. tests/integration/lib.sh
need_kvm
command -v make >/dev/null || { echo "skipped: no make"; exit 77; }
TMPDIR=$TMP /usr/bin/python3 tests/integration/first_hour_pty.py
