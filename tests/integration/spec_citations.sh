#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every virtio section cited in the virtio code, its diagnose and help
# texts, its tests and the virtio parts of the documentation exists in
# virtio 1.2: tests/tools/spec_citations.py checks each cited number
# against tests/spec/virtio-1.2-sections.tsv (numbers and titles read in
# the sources its header names). No KVM needed.
. tests/integration/lib.sh
tool="python3 tests/tools/spec_citations.py"
TABLE=tests/spec/virtio-1.2-sections.tsv

if $tool "$TABLE" >"$TMP/out" 2>&1; then
	ok "every cited virtio section is in the table ($(tail -1 "$TMP/out"))"
else
	fail "cited virtio sections missing from the table"
	cat "$TMP/out"
fi
# The check can fail: without the row for 2.7.10.1 (cited by diagnose's
# never-notified finding in the docs) it must name that section.
grep -v '^2\.7\.10\.1	' "$TABLE" >"$TMP/table"
if $tool "$TMP/table" >"$TMP/out2" 2>&1; then
	fail "a table without 2.7.10.1 passed"
else
	expect_line "$TMP/out2" "FAIL: virtio 2.7.10.1 is cited" "a missing section is reported"
fi
# --list pairs each cited section with its title, for a reader.
$tool --list "$TABLE" >"$TMP/list" 2>&1
expect_line "$TMP/list" "2.7.13.4	Notifying The Device" "--list shows number and title"
finish
