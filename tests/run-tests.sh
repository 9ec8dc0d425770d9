#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs every Check unit test binary and every integration test script, then
# prints one closing line "N passed, N failed, N skipped".
# Integration scripts exit 0 (pass), 77 (skip: they print "skipped: why") or
# anything else (fail). ONLY="a b" runs only those integration scripts;
# UNIT=0 skips the unit tests (for a run of a few scripts in the nested VM,
# where every unit test costs minutes); KVM_ONLY=1 runs only the scripts
# that use /dev/kvm (the others have run on the host already).
BUILD=${BUILD:-build}
# The Debian guest kit is fetched once, into build/guest, for every build flavour.
export BUILD HVMON="$BUILD/hvmon" TESTGUEST="$BUILD/testguest" GUEST="${GUEST:-build/guest}"
pass=0 fail=0 skip=0
failed_names=""

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] && [ "${UNIT:-1}" != 0 ] || continue
	echo "== unit: $(basename "$t")"
	if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed_names="$failed_names $(basename "$t")"; fi
done

for t in tests/integration/*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	[ "$name" = lib ] && continue   # the helpers the tests source
	case " $ONLY " in "  ") ;; *" $name "*) ;; *) continue ;; esac
	[ "${KVM_ONLY:-0}" = 1 ] && ! grep -q 'need_kvm\|/dev/kvm' "$t" && continue
	echo "== integration: $name"
	start=$(date +%s)
	sh "$t"
	rc=$?
	echo "   ($(($(date +%s) - start)) s)"
	case $rc in
	0) pass=$((pass + 1)) ;;
	77) skip=$((skip + 1)) ;;
	*) fail=$((fail + 1)); failed_names="$failed_names $name" ;;
	esac
done

[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "tests: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
