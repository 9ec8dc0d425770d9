#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs every integration test script (or those named in ONLY) N times in a
# row, to show a test does not flake: a race that loses one run in 50 passes
# a single `make check` most of the time. Each script's runs go one after
# another; the first failing run's output is printed and counted, and the
# script's remaining runs still go (the count says how rare the failure is).
# A script that skips (exit 77) is run once and reported as skipped.
#
# Usage: N=100 ONLY="virtio_trace virtio_net" BUILD=build GUEST=build/guest \
#        sh tests/run-repeat.sh          (or: make check-repeat N=100 ONLY=...)
# Ends with "repeat: N runs each: X scripts passed every run, Y failed,
# Z skipped" and exits non-zero if any run failed.
BUILD=${BUILD:-build}
N=${N:-100}
export BUILD HVMON="$BUILD/hvmon" TESTGUEST="$BUILD/testguest" GUEST="${GUEST:-build/guest}"
case $N in
'' | *[!0-9]*) echo "run-repeat: N must be a number of runs, not '$N'" >&2; exit 2 ;;
esac
out=$(mktemp "${TMPDIR:-/tmp}/hvmon-repeat.XXXXXX")
trap 'rm -f "$out"' EXIT
passed=0 failed=0 skipped=0 failed_names=""

for t in tests/integration/*.sh; do
	name=$(basename "$t" .sh)
	[ "$name" = lib ] && continue
	case " $ONLY " in "  ") ;; *" $name "*) ;; *) continue ;; esac
	start=$(date +%s) bad=0 i=0 first=""
	while [ "$i" -lt "$N" ]; do
		i=$((i + 1))
		sh "$t" >"$out" 2>&1
		rc=$?
		if [ "$rc" -eq 77 ]; then
			break
		elif [ "$rc" -ne 0 ]; then
			bad=$((bad + 1))
			if [ -z "$first" ]; then
				first=$i
				echo "== $name: run $i failed (exit $rc):"
				grep -v '^ok: ' "$out" | sed 's/^/    /'
			fi
		fi
	done
	secs=$(($(date +%s) - start))
	if [ "$rc" -eq 77 ]; then
		echo "== $name: $(tail -1 "$out")"
		skipped=$((skipped + 1))
	elif [ "$bad" -eq 0 ]; then
		echo "== $name: $N/$N runs passed ($secs s)"
		passed=$((passed + 1))
	else
		echo "== $name: $bad of $N runs failed, the first was run $first ($secs s)"
		failed=$((failed + 1))
		failed_names="$failed_names $name"
	fi
done

[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "repeat: $N runs each: $passed scripts passed every run, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
