#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The documents cannot drift from the program: every transcript marked in
# docs/tutorial.md, docs/monitor.md and README.md
# (<!-- transcript: SESSION -->) is run again against the current build and
# its stable lines must appear in the real output; every C source block
# marked <!-- source: FILE.c --> must compile with -Wall -Wextra -Werror.
# How blocks are read and which values are allowed to change between runs:
# tests/tools/docs_transcripts.py.
. tests/integration/lib.sh
# The quick documents first: the tutorial boots Debian's kernel for minutes.
DOCS="docs/monitor.md README.md docs/tutorial.md"
tool="python3 tests/tools/docs_transcripts.py"

for DOC in $DOCS; do
	name=$(basename "$DOC" .md)
	# The markers parse and every session has lines to compare.
	if $tool --list "$DOC" >"$TMP/$name.list" 2>&1; then ok "$DOC: markers parse"; else fail "$DOC: markers"; cat "$TMP/$name.list"; fi
	if awk '/^session / && / compared=0$/ { bad = 1 } END { exit bad }' "$TMP/$name.list"; then
		ok "$DOC: every session has stable lines to compare"
	else
		fail "$DOC: a session with nothing to compare"; cat "$TMP/$name.list"
	fi
	# Sources compile whether or not this host has KVM.
	mkdir "$TMP/src-$name"
	if $tool --compile-only --work "$TMP/src-$name" "$DOC"; then :; else fail "$DOC: a source block does not compile"; fi
done
[ "$failures" -eq 0 ] || finish

need_kvm
if [ ! -f "$TESTGUEST/testguest.elf" ]; then
	fail "no $TESTGUEST/testguest.elf ('make guest')"
	finish
fi
# The tool finds the build through these (BUILD may be build-clang...).
export HVMON TESTGUEST GUEST
# The tutorial's Debian session needs the guest kit; the tool skips it,
# saying so, when build/guest/vmlinuz is missing (make guest-kit).
for DOC in $DOCS; do
	name=$(basename "$DOC" .md)
	mkdir "$TMP/work-$name"
	if $tool --work "$TMP/work-$name" "$DOC"; then :; else failures=$((failures + 1)); fi
done
finish
