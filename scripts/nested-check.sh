#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# nested-check.sh: the integration scripts that use /dev/kvm, and
# check-linux, each in a nested VM of its own (scripts/nested-kvm.sh), for
# a host without /dev/kvm (make check-nested).
#
# One VM a script, not one for all: under QEMU's TCG a guest can wedge the
# nested VM's CPU (its kernel reports a soft lockup and hvmon cannot be
# killed there), which would end every script after it. A VM costs about
# 15 s to start; each script gets NESTED_SCRIPT_SECONDS (default 900).
# ONLY="name ..." picks scripts; ASAN_OPTIONS, TSAN_OPTIONS and
# UBSAN_OPTIONS are passed on. Prints each script's lines and one closing
# line "nested: N passed, N failed, N skipped"; exits 1 if any failed.
BUILD=${BUILD:-build}
GUEST=${GUEST:-build/guest}
per=${NESTED_SCRIPT_SECONDS:-900}
pass=0 fail=0 skip=0 failed=""
out=${NESTED_DIR:-$BUILD/nested}
mkdir -p "$out"
log=$out/script.log

# And check-linux (make check-linux): Debian's kernel to userspace, which
# the nested VM reaches (its KVM runs guest ring 0 natively, no emulator);
# it prints no "tests:" line, so its exit status decides (77: skipped).
for t in tests/integration/*.sh tests/linux/check-linux.sh; do
	name=$(basename "$t" .sh)
	[ "$name" = lib ] && continue
	case " ${ONLY:-} " in "  ") ;; *" $name "*) ;; *) continue ;; esac
	grep -q 'need_kvm\|/dev/kvm' "$t" || continue
	echo "== nested: $name"
	start=$(date +%s) summary=
	# The sanitizers' options go in too (the VM's command starts afresh).
	case $t in
	tests/integration/*) set -- env UNIT=0 ONLY="$name" sh tests/run-tests.sh ;;
	*) set -- sh "$t" ;;
	esac
	scripts/nested-kvm.sh -t "$per" env BUILD="$BUILD" GUEST="$GUEST" \
		ASAN_OPTIONS="${ASAN_OPTIONS:-}" TSAN_OPTIONS="${TSAN_OPTIONS:-}" \
		UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" "$@" >"$log" 2>&1
	rc=$?
	case $t in tests/linux/*) summary="tests: 1 $([ $rc -eq 77 ] && echo skipped || echo passed)" ;; esac
	[ $rc -eq 77 ] && rc=0
	# The script's own lines: not the nested kernel's, not the firmware's.
	grep -v '^\[ *[0-9]*\.[0-9]*\] \|SeaBIOS\|Booting from ROM\|^== integration:' "$log" |
		tr -cd '\11\12\40-\176' | sed '/^$/d; /^tests: /d'
	summary=${summary:-$(grep '^tests: ' "$log" | tail -1)}
	case "$rc:$summary" in
	0:*"1 passed"*) pass=$((pass + 1)) ;;
	0:*"1 skipped"*) skip=$((skip + 1)) ;;
	124:*) echo "   (timed out after $per s)"; fail=$((fail + 1)); failed="$failed $name" ;;
	*) fail=$((fail + 1)); failed="$failed $name" ;;
	esac
	echo "   ($(($(date +%s) - start)) s in the nested VM)"
done
[ -n "$failed" ] && echo "nested failed:$failed"
echo "nested: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
