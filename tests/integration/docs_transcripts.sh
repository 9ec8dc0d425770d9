#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The tutorial cannot drift from the program: every transcript marked in
# docs/tutorial.md (<!-- transcript: SESSION -->) is run again against the
# current build and its stable lines must appear in the real output; every
# C source block marked <!-- source: FILE.c --> must compile with
# -Wall -Wextra -Werror. How blocks are read and which values are allowed
# to change between runs: tests/tools/docs_transcripts.py.
. tests/integration/lib.sh
DOC=docs/tutorial.md
tool="python3 tests/tools/docs_transcripts.py"

# The markers parse and every session has lines to compare.
if $tool --list "$DOC" >"$TMP/list" 2>&1; then ok "$DOC: markers parse"; else fail "$DOC: markers"; cat "$TMP/list"; fi
if awk '/^session / && / compared=0$/ { bad = 1 } END { exit bad }' "$TMP/list"; then
	ok "$DOC: every session has stable lines to compare"
else
	fail "$DOC: a session with nothing to compare"; cat "$TMP/list"
fi
# Sources compile whether or not this host has KVM.
mkdir "$TMP/src"
if $tool --compile-only --work "$TMP/src" "$DOC"; then :; else fail "$DOC: a source block does not compile"; fi
[ "$failures" -eq 0 ] || finish

need_kvm
if [ ! -f "$TESTGUEST/testguest.elf" ]; then
	fail "no $TESTGUEST/testguest.elf ('make guest')"
	finish
fi
# The Debian session needs the guest kit; the tool skips it, saying so,
# when build/guest/vmlinuz is missing (make guest-kit).
mkdir "$TMP/work"
if $tool --work "$TMP/work" "$DOC"; then :; else failures=$((failures + 1)); fi
finish
